"""``unionkit plugin new NAME``: write a new branch plugin package, tested as generated."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unionkit.cli.app import app
from unionkit.cli.i18n import UnionkitGroup

__all__ = ["new"]

plugin_app = typer.Typer(
    cls=UnionkitGroup,
    help="编写分工会插件 / write a branch plugin.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(plugin_app, name="plugin")


@plugin_app.command("new")
def new(
    name: Annotated[
        str,
        typer.Argument(
            help="分工会代号，小写字母、数字和连字符，如 railway / branch slug: lowercase letters, "
            "digits and hyphens, such as railway.",
            show_default=False,
        ),
    ],
    directory: Annotated[
        Path, typer.Option("--dir", help="在此文件夹下创建 / create it in this folder.")
    ] = Path("."),
) -> None:
    """
    新建插件包 unionkit-NAME，生成后即可通过自带测试 / Write the plugin package unionkit-NAME.

    包含 pyproject（入口点）、hooks.py、参数与规则 YAML、YAML 规则测试和 pytest 测试。

    It has a pyproject with the entry point, hooks.py, a parameter and rule YAML file, a
    YAML rule test and a pytest test, all passing as generated.
    """
    from unionkit.scaffold import PluginNameError, new_plugin

    try:
        root = new_plugin(name, directory)
    except PluginNameError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"已创建 / created {root}")
    typer.echo(f"  cd {root} && pip install -e '.[test]' && pytest")
