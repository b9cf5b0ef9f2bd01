"""The typer application; each area registers its commands from its own module."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from unionkit.cli.i18n import UnionkitGroup
from unionkit.cli.lang import Lang

app = typer.Typer(
    name="unionkit",
    cls=UnionkitGroup,
    help="unionkit：工会会员、诉求、福利与资格规则 / unionkit: union members, demands, benefits, "
    "rules.\n\n"
    "帮助的语言随 --lang 或系统语言（LANG=zh_CN.UTF-8）而定。\n\n"
    "Help follows --lang or the locale (LANG=en_US.UTF-8).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"unionkit {version('unionkit')}")
        raise typer.Exit(0)


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="显示版本号并退出 / show the version and exit.",
            is_eager=True,
            callback=_version,
        ),
    ] = False,
    lang: Annotated[
        Lang | None, typer.Option("--lang", help="帮助的语言 / the language of the help.")
    ] = None,
) -> None:
    """unionkit：工会会员、诉求、福利与资格规则 / unionkit: members, demands, benefits, rules."""


# Each area's module adds its commands to `app` when imported; keep one line per area.
from unionkit.cli import allocate as _allocate  # noqa: E402, F401
from unionkit.cli import budgets as _budgets  # noqa: E402, F401
from unionkit.cli import calendar as _calendar  # noqa: E402, F401
from unionkit.cli import demands as _demands  # noqa: E402, F401
from unionkit.cli import grants as _grants  # noqa: E402, F401
from unionkit.cli import hardship as _hardship  # noqa: E402, F401
from unionkit.cli import members as _members  # noqa: E402, F401
from unionkit.cli import plugin_new as _plugin_new  # noqa: E402, F401
from unionkit.cli import plugins as _plugins  # noqa: E402, F401
from unionkit.cli import roster as _roster  # noqa: E402, F401
from unionkit.cli import rules as _rules  # noqa: E402, F401
from unionkit.cli import store as _store  # noqa: E402, F401
from unionkit.cli import visits as _visits  # noqa: E402, F401
from unionkit.cli import welfare as _welfare  # noqa: E402, F401
from unionkit.cli import year as _year  # noqa: E402, F401


def _plugin_commands() -> None:
    """Add the commands installed plugins register (``unionkit postal …``)."""
    from unionkit.errors import UnionkitError
    from unionkit.hooks import PluginHost

    try:
        PluginHost().register_commands(app)
    except UnionkitError as exc:
        # A broken plugin must not take the whole command line down with it.
        sys.stderr.write(f"{exc}\n")


_plugin_commands()
