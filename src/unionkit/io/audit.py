"""The audit log of revealed explanations: one JSON line per use, in a 0600 per-user file."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from pathlib import Path

__all__ = ["AUDIT_LOG_ENV", "audit_log_path", "record_reveal"]

AUDIT_LOG_ENV = "UNIONKIT_AUDIT_LOG"
"""The environment variable that moves the audit log (a file path)."""


def audit_log_path() -> Path:
    """
    Where revealed explanations are logged.

    Returns:
        ``$UNIONKIT_AUDIT_LOG`` when set, else ``audit.log`` in the per-user
        data folder (platformdirs: ``~/.local/share/unionkit`` on Linux).

    .. versionadded:: Unreleased
    """
    chosen = os.environ.get(AUDIT_LOG_ENV)
    if chosen:
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_data_dir("unionkit", appauthor=False)) / "audit.log"


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        # No login name (a container's numeric user): the id still says who.
        return f"uid {os.getuid()}"


def record_reveal(
    *,
    roster: Path,
    member: str,
    rule: str,
    actor: str | None = None,
    when: dt.datetime | None = None,
    path: Path | None = None,
) -> Path:
    """
    Append one line to the audit log: a masked explanation was revealed.

    The line says when, who, which roster file, which member and which rule;
    never the values revealed. The file is created readable and writable by
    its owner only (0600), and kept so.

    Args:
        roster: The roster file explained from (logged as an absolute path).
        member: The member's id.
        rule: The rule explained.
        actor: Who revealed it (default: the operating-system user).
        when: When (default: now, UTC).
        path: The log file (default: :func:`audit_log_path`).

    Returns:
        The log file written.

    Raises:
        OSError: The log cannot be written; the caller must not reveal then.

    .. versionadded:: Unreleased
    """
    target = path or audit_log_path()
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = when or dt.datetime.now(dt.UTC)
    line = json.dumps(
        {
            "when": stamp.isoformat(),
            "who": actor or _who(),
            "action": "explain --reveal",
            "roster": str(roster.resolve()),
            "member": member,
            "rule": rule,
        },
        ensure_ascii=False,
    )
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)
    return target
