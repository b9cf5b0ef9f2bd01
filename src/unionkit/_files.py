"""The file policy: personal data private (0600), masked outputs following the umask."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["PRIVATE_MODE", "apply_policy", "create_private", "shared_mode", "write_atomically"]

PRIVATE_MODE = 0o600
"""Owner read and write only: every file holding personal data (store, state, full rosters)."""


def _current_umask() -> int:
    # Linux reports the umask without changing it; elsewhere set and restore it at once.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def shared_mode() -> int:
    """The mode a new ordinary file gets under the current umask (``0o644`` under ``022``)."""
    return 0o666 & ~_current_umask()


def apply_policy(path: str | os.PathLike[str], *, personal: bool) -> None:
    """
    Give *path* the mode the file policy asks for.

    Args:
        path: A file just written by unionkit.
        personal: The file holds personal data whole (ID or phone numbers, names with
            income or health facts): make it ``0600``. Otherwise (masked or aggregate
            output, meant to be shared) it follows the umask, like any file the user makes.
    """
    os.chmod(path, PRIVATE_MODE if personal else shared_mode())


def create_private(path: Path | None) -> None:
    """
    Create *path* empty with mode ``0600`` if it does not exist (no-op for ``None``).

    SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, so
    creating the (empty, valid) database file first keeps all three private.
    """
    if path is None or path.exists():
        return
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        return  # another process created it first: it made it the same way
    except OSError:
        return  # a missing folder or no permission: SQLite reports it in its own words
    os.close(handle)


def write_atomically(
    target: str | os.PathLike[str], write: Callable[[Path], object], *, personal: bool
) -> Path:
    """
    Write a file beside *target* and rename it into place, then apply the file policy.

    A failure leaves neither half a file nor a changed previous version.

    Args:
        target: The destination.
        write: Writes the content to the temporary path it is given.
        personal: See :func:`apply_policy`.

    Returns:
        The destination path.
    """
    out = Path(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        apply_policy(tmp, personal=personal)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
