"""``unionkit plugins``: which branch plugins are active, where, and what they change."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from unionkit.cli.app import app
from unionkit.errors import UnionkitError

if TYPE_CHECKING:
    from unionkit.hooks import PluginHost


def _branches_of(host: PluginHost) -> list[str]:
    declared = {b for info in host.describe() if info.branches for b in info.branches}
    return sorted(declared) or ["default"]


_DIFF_HELP = "每个分工会相对标准规则的增改 / per branch, what plugins add or override"
_BRANCH_HELP = "分工会代号，可重复 / branch slug (repeatable)"


@app.command("plugins")
def plugins_command(
    diff: Annotated[bool, typer.Option("--diff", help=_DIFF_HELP)] = False,
    branch: Annotated[list[str] | None, typer.Option("--branch", "-b", help=_BRANCH_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON / print JSON")] = False,
) -> None:
    """列出插件（名称、版本、分工会、钩子）/ List plugins: name, version, branches, hooks."""
    from unionkit.hooks import BUILTIN, PluginHost

    try:
        host = PluginHost()
        infos = host.describe()
        branches = branch or _branches_of(host)
        diffs = {b: host.diff(b) for b in branches} if diff else {}
    except UnionkitError as exc:
        sys.stderr.write(f"{exc}\n")
        raise typer.Exit(1) from exc
    if as_json:
        payload: dict[str, object] = {"plugins": [i.as_dict() for i in infos]}
        if diff:
            payload["diff"] = {b: [e.as_dict() for e in entries] for b, entries in diffs.items()}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for info in infos:
        where = "全部/all" if info.branches is None else ", ".join(sorted(info.branches))
        state = "" if info.active else f"  [停用/inactive: {info.reason}]"
        kind = " (内置/built-in)" if info.name == BUILTIN else ""
        typer.echo(f"{info.name}{kind} {info.version or '-'}  分工会/branches: {where}{state}")
        for hook in info.hooks:
            typer.echo(f"    {hook}")
    for slug, entries in diffs.items():
        typer.echo(f"\n== {slug}: 相对标准规则的变化 / changes against the standard rules")
        if not entries:
            typer.echo("  (无 / none)")
        for e in entries:
            was = f" (替换/replaces {e.replaces})" if e.replaces else ""
            typer.echo(f"  {e.change:<10} {e.kind:<18} {e.name}  <- {e.plugin}{was}")
