"""Command-line options several commands share, each written once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unionkit.cli.lang import Lang

__all__ = ["LangOption", "ParamsOption", "RuleFilesOption"]

LangOption = Annotated[Lang, typer.Option("--lang", help="输出语言 / output language.")]
ParamsOption = Annotated[
    list[Path] | None,
    typer.Option("--params", help="参数覆盖 YAML（可多次） / parameter overlay YAML (repeatable)."),
]
RuleFilesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--rule-file", help="附加规则 YAML（可多次） / extra rule file YAML (repeatable)."
    ),
]
