"""``unionkit plugins``: which branch plugins are active, where, and what they change."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from unionkit.cli.app import app
from unionkit.errors import UnionkitError
from unionkit.models.ids import scrub

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date
    from pathlib import Path

    from unionkit.hooks import PluginHost, PluginInfo
    from unionkit.rules import RuleSet

BranchOpt = Annotated[
    str | None,
    typer.Option(
        "--branch", help="按该分工会启用的插件评估 / use the plugins active for this branch."
    ),
]
PluginOpt = Annotated[
    list[str] | None,
    typer.Option("--plugin", help="只用这些插件（可多次） / use only these plugins (repeatable)."),
]
NoPluginOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--no-plugin", help="不用这些插件（可多次） / leave these plugins out (repeatable)."
    ),
]


def branch_host(
    *, branch: str | None, plugins: Sequence[str], no_plugins: Sequence[str]
) -> tuple[PluginHost, str] | None:
    """
    Load the installed plugins as ``--branch``, ``--plugin`` and ``--no-plugin`` ask.

    Without ``--branch`` or ``--plugin`` this returns ``None``: the command uses unionkit's
    standard behaviour alone. With ``--plugin`` and no ``--branch``, the branch is the one
    the chosen plugins declare, when they declare exactly one.

    Returns:
        The plugin host and the branch slug, or ``None``.

    Raises:
        typer.Exit: With code 1 and the error on stderr when a plugin fails to load or is
            unknown, or 2 when the branch cannot be inferred.
    """
    if branch is None and not plugins:
        return None
    from unionkit.branches import declared_branches
    from unionkit.hooks import PluginHost

    try:
        host = PluginHost()
        # Known before --no-plugin leaves some out: leaving out a branch's plugin is no typo.
        known = _declared(host.describe())
        host.select(only=plugins, exclude=no_plugins)
    except UnionkitError as exc:
        sys.stderr.write(f"{scrub(str(exc))}\n")
        raise typer.Exit(1) from exc
    _check_branch_name(known, branch)
    if branch is None:
        declared = declared_branches(host, plugins)
        if len(declared) != 1:
            sys.stderr.write(
                "请用 --branch 指定分工会 / name the branch with --branch "
                f"(the plugins declare: {', '.join(declared) or 'every branch'})\n"
            )
            raise typer.Exit(2)
        branch = declared[0]
    return host, branch


def _check_branch_name(known: set[str], branch: str | None) -> None:
    """
    Refuse a branch no installed plugin declares, listing the known ones (exit 2).

    A misspelt branch would otherwise run with no branch plugin at all, silently; a name
    close to a declared one gets a "did you mean".
    """
    from unionkit.cli.i18n import did_you_mean

    if branch is None or not known or branch in known:
        return
    listed = ", ".join(sorted(known))
    hint_zh = did_you_mean(branch, known, "zh")
    hint_en = did_you_mean(branch, known, "en")
    sys.stderr.write(
        f"未知的分工会 {branch!r}；已安装插件声明的分工会：{'、'.join(sorted(known))}。{hint_zh} / "
        f"unknown branch {branch!r}; the installed plugins declare: {listed}. {hint_en}\n"
    )
    raise typer.Exit(2)


def branch_definitions(
    rule_files: Sequence[Path],
    params: Sequence[Path],
    *,
    branch: str | None,
    plugins: Sequence[str],
    no_plugins: Sequence[str],
    as_of: date,
) -> RuleSet | None:
    """
    Build the rule set for ``evaluate``/``explain`` from the installed plugins, if asked to.

    Without ``--branch`` or ``--plugin`` this returns ``None`` and the commands use the
    standard rules alone. With ``--plugin`` and no ``--branch``, the branch is the one
    the chosen plugins declare, when they declare exactly one. Extra ``--rule-file``
    rules are added and ``--params`` files overlaid on top of the plugins', by
    :func:`unionkit.rulefiles.assemble` as without plugins.

    Returns:
        The rule set (its ``fields`` are the roster's plus the plugins' columns), or ``None``.

    Raises:
        typer.Exit: With code 1 and the error on stderr when a plugin fails or is unknown,
            or 2 when the branch cannot be inferred.
    """
    chosen = branch_host(branch=branch, plugins=plugins, no_plugins=no_plugins)
    if chosen is None:
        return None
    from unionkit.branches import branch_bundle
    from unionkit.rulefiles import assemble

    host, branch = chosen
    try:
        return assemble(rule_files, params, base=branch_bundle(host, branch, as_of))
    except UnionkitError as exc:
        sys.stderr.write(f"{scrub(str(exc))}\n")
        raise typer.Exit(1) from exc


def _declared(infos: Iterable[PluginInfo]) -> set[str]:
    """The branches the plugins declare (a plugin without ``BRANCHES`` serves every one)."""
    return {b for info in infos for b in (info.branches or ())}


_DIFF_HELP = "每个分工会相对标准规则的增改 / per branch, what plugins add or override"
_BRANCH_HELP = "分工会代号，可重复 / branch slug (repeatable)"


@app.command("plugins")
def plugins_command(
    diff: Annotated[bool, typer.Option("--diff", help=_DIFF_HELP)] = False,
    branch: Annotated[list[str] | None, typer.Option("--branch", "-b", help=_BRANCH_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON / print JSON")] = False,
) -> None:
    """列出插件（名称、版本、分工会、钩子）/ List plugins: name, version, branches, hooks."""
    from unionkit.branches import branch_diff, declared_branches
    from unionkit.hooks import BUILTIN, PluginHost

    try:
        host = PluginHost()
        infos = host.describe()
        branches = branch or declared_branches(host) or ["default"]
        for name in branch or ():
            _check_branch_name(_declared(infos), name)
        diffs = {b: branch_diff(host, b) for b in branches} if diff else {}
        from unionkit.cli.plugin_diff import override_values

        values = {b: override_values(host, b, entries) for b, entries in diffs.items()}
    except UnionkitError as exc:
        sys.stderr.write(f"{scrub(str(exc))}\n")
        raise typer.Exit(1) from exc
    if as_json:
        payload: dict[str, object] = {"plugins": [i.as_dict() for i in infos]}
        if diff:
            payload["diff"] = {
                b: [
                    {
                        **e.as_dict(),
                        **dict(
                            zip(("old", "new"), values[b].get((e.kind, e.name), ()), strict=False)
                        ),
                    }
                    for e in entries
                ]
                for b, entries in diffs.items()
            }
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
            if (e.kind, e.name) in values[slug]:
                before, after = values[slug][(e.kind, e.name)]
                typer.echo(f"      旧/old: {before}\n      新/new: {after}")
