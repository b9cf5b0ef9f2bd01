"""The command line's language: help in Chinese or English, type words, did-you-mean, dates."""

from __future__ import annotations

import difflib
import inspect
import os
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Literal

import typer
from typer import rich_utils
from typer.core import TyperArgument, TyperGroup, TyperOption

__all__ = [
    "UnionkitGroup",
    "cli_date",
    "did_you_mean",
    "help_lang",
    "localise",
    "pick",
    "translate_error",
]

HelpLang = Literal["zh", "en"] | None
"""``"zh"`` or ``"en"`` for help in one language, ``None`` for both side by side."""

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# "中文 / English": a slash with a space after it, Chinese before it and none after it.
_SPLIT = re.compile(r"\s*/\s+")

_state: dict[str, HelpLang] = {"lang": None}
"""The language of the run in progress (one command per process, or per test call)."""

_LANG_VARS = ("UNIONKIT_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


def help_lang(args: Sequence[str], environ: dict[str, str] | None = None) -> HelpLang:
    """
    Decide the help's language: ``--lang`` on the command line, else the locale.

    ``--lang zh`` / ``--lang en`` anywhere in *args* wins; otherwise the first of
    ``UNIONKIT_LANG``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set decides
    (``zh_CN.UTF-8`` Chinese, ``en_US.UTF-8`` English); a neutral locale (``C``,
    ``C.UTF-8``, none) shows both languages side by side.

    Args:
        args: The command-line arguments (without the program name).
        environ: The environment (default ``os.environ``).

    Returns:
        ``"zh"``, ``"en"`` or ``None`` for both.

    .. versionadded:: 0.1.0
    """
    for i, arg in enumerate(args):
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in ("zh", "en"):
            return "zh" if value == "zh" else "en"
    env = os.environ if environ is None else environ
    for var in _LANG_VARS:
        value = env.get(var, "")
        if not value:
            continue
        if value.lower().startswith("zh"):
            return "zh"
        if value.lower().startswith("en"):
            return "en"
        return None
    return None


def _sides(paragraph: str) -> tuple[str, str] | None:
    """Split ``中文 / English`` into its two sides, or ``None`` for one language."""
    for match in _SPLIT.finditer(paragraph):
        left, right = paragraph[: match.start()], paragraph[match.end() :]
        if _CJK.search(left) and right and not _CJK.search(right):
            return left.strip(), right.strip()
    return None


def _one_line(paragraph: str) -> str:
    """A paragraph's lines joined: Chinese without a space (it has none between words)."""
    lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
    out = ""
    for line in lines:
        if out and not (_CJK.search(out[-1]) and _CJK.search(line[0])):
            out += " "
        out += line
    return out


def pick(text: str, lang: HelpLang) -> str:
    """
    Keep one language of a bilingual help text.

    Each paragraph is either ``中文 / English`` (the chosen side is kept), or in one
    language; a paragraph in the other language is dropped when the text has a
    paragraph of its own in the chosen language (so the author wrote both), and kept
    otherwise (a plugin's help written in one language still shows).

    Args:
        text: The help text.
        lang: The language to keep; ``None`` keeps the text as it is.

    Returns:
        The help text in *lang*.

    .. versionadded:: 0.1.0
    """
    if not text:
        return text
    paragraphs = [_one_line(p) for p in inspect.cleandoc(text).split("\n\n")]
    if lang is None:
        return "\n\n".join(paragraphs)
    kinds: list[str] = []
    for p in paragraphs:
        if _sides(p) is not None:
            kinds.append("both")
        else:
            kinds.append("zh" if _CJK.search(p) else "en")
    other = "en" if lang == "zh" else "zh"
    has_own = lang in kinds
    kept = []
    for p, kind in zip(paragraphs, kinds, strict=True):
        if kind == "both":
            sides = _sides(p)
            assert sides is not None
            kept.append(sides[0] if lang == "zh" else sides[1])
        elif kind == lang or not has_own or kind != other:
            kept.append(p)
    return "\n\n".join(kept)


# The words a clerk reads for each kind of value, instead of typer's <list[Path]>.
_WORDS = {
    "file": ("文件", "FILE"),
    "text": ("文字", "TEXT"),
    "number": ("整数", "NUMBER"),
    "decimal": ("数值", "NUMBER"),
    "date": ("日期", "DATE"),
    "datetime": ("时间", "DATE-TIME"),
    "database": ("数据库", "DATABASE"),
    "member": ("工号", "MEMBER-ID"),
    "rule": ("规则名", "RULE"),
    "rules": ("规则名,…", "RULE,…"),
    "branch": ("分工会", "BRANCH"),
    "plugin": ("插件名", "PLUGIN"),
    "year": ("年份", "YEAR"),
    "month": ("月份", "YYYY-MM"),
    "name": ("名称", "NAME"),
    "action": ("操作", "ACTION"),
    "demand": ("诉求编号", "DEMAND-ID"),
}
_BY_NAME = {
    "as_of": "date",
    "start": "date",
    "end": "date",
    "deadline": "date",
    "overdue_on": "date",
    "on": "date",
    "at": "datetime",
    "db": "database",
    "member": "member",
    "rule": "rule",
    "rules": "rules",
    "branch": "branch",
    "plugin": "plugin",
    "no_plugin": "plugin",
    "year": "year",
    "month": "month",
    "action": "action",
    "demand_id": "demand",
    "name": "name",
    "key": "text",
    "state": "file",
    "roster": "file",
    "sick_leave": "file",
    "insurance": "file",
    "encoding": "text",
}


def _word(param: TyperArgument | TyperOption) -> str | None:
    """The kind of value *param* takes, as a key of ``_WORDS``; None for a flag."""
    if isinstance(param, TyperOption) and (param.is_flag or param.count):
        return None
    if param.name in _BY_NAME:
        return _BY_NAME[param.name]
    desc = getattr(param, "type_descriptor", None)
    annotation = getattr(desc, "annotation", None)
    if desc is not None and desc.is_list:
        from typing import get_args

        annotation = (get_args(annotation) or (str,))[0]
    from pathlib import Path

    if annotation is Path or (desc is not None and desc.is_path):
        return "file"
    if annotation is int:
        return "number"
    if annotation is float:
        return "decimal"
    return "text"


def _show_type(param: TyperArgument | TyperOption, lang: HelpLang) -> None:
    kind = _word(param)
    desc = getattr(param, "type_descriptor", None)
    choices = desc.choices if desc is not None else None
    if kind is None:
        shown: str | None = None
    elif choices:
        shown = "|".join(str(getattr(c, "value", c)) for c in choices)
    else:
        zh, en = _WORDS[kind]
        shown = zh if lang == "zh" else en if lang == "en" else f"{zh}/{en}"
        if getattr(param, "multiple", False) or (desc is not None and desc.is_list):
            shown += "（可多次）" if lang != "en" else " (repeat)"
    # An instance attribute shadows the method: typer asks each parameter for its type text.
    if isinstance(param, TyperArgument):
        # An argument's word is its name in the usage line and the panel.
        param.metavar = shown
        shown = None
    # An instance attribute shadows the method: typer asks each parameter for its type text.
    param.display_type_rich = lambda ctx: shown  # type: ignore[method-assign]


_FRAME = {
    # typer's own words around the help, per language: (zh, en, both)
    "ARGUMENTS_PANEL_TITLE": ("参数", "Arguments", "参数 / Arguments"),
    "OPTIONS_PANEL_TITLE": ("选项", "Options", "选项 / Options"),
    "COMMANDS_PANEL_TITLE": ("命令", "Commands", "命令 / Commands"),
    "ERRORS_PANEL_TITLE": ("错误", "Error", "错误 / Error"),
    "REQUIRED_LONG_STRING": ("[必填]", "[required]", "[必填 required]"),
    "DEFAULT_STRING": ("[默认：{}]", "[default: {}]", "[默认 default: {}]"),
    "ABORTED_TEXT": ("已中止。", "Aborted.", "已中止 / Aborted."),
    "RICH_HELP": (
        "用 [blue]'{command_path} {help_option}'[/] 查看帮助。",
        "Try [blue]'{command_path} {help_option}'[/] for help.",
        "用 [blue]'{command_path} {help_option}'[/] 查看帮助 / for help.",
    ),
}
_HELP_OPTION = (
    "显示本帮助并退出",
    "Show this message and exit.",
    "显示本帮助并退出 / Show this message and exit.",
)
_USAGE = ("用法：", "Usage:", "用法 Usage:")


def _fold_option_help() -> None:
    """
    Make typer fold an option's help onto more lines instead of cutting it with "…".

    Typer lays an option's help, default and ``[required]`` out as rich ``Columns``,
    which cut a line of Chinese (no spaces to wrap at) at 80 columns; one ``Text``
    folds instead.
    """
    original = rich_utils._get_parameter_help
    if getattr(original, "_unionkit", False):
        return

    def folded(**kwargs: Any) -> Any:
        from rich.columns import Columns
        from rich.text import Text

        got = original(**kwargs)
        if not isinstance(got, Columns) or not all(isinstance(r, Text) for r in got.renderables):
            return got
        text = Text(overflow="fold")
        for i, part in enumerate(got.renderables):
            if i:
                text.append(" ")
            text.append(part)  # type: ignore[arg-type]
        return text

    folded._unionkit = True  # type: ignore[attr-defined]
    rich_utils._get_parameter_help = folded


# Click's own error sentences, in Chinese: (pattern, replacement).
_ERRORS = (
    (re.compile(r"^Invalid value for (.+?): "), r"\1 的值无效："),
    (re.compile(r"^Invalid value: "), "值无效："),
    (re.compile(r"^Missing option (.+?)\.(.*)$"), r"缺少选项 \1。\2"),
    (re.compile(r"^Missing argument (.+?)\.(.*)$"), r"缺少参数 \1。\2"),
    (re.compile(r"^Missing parameter: (.+)$"), r"缺少参数：\1"),
    (re.compile(r"^No such option: (\S+)"), r"没有选项 \1"),
    (re.compile(r"^Got unexpected extra arguments? \((.*)\)$"), r"多余的参数：\1"),
    (re.compile(r"^Option (\S+) requires an argument\.$"), r"选项 \1 需要一个值。"),
)


_POSSIBLE = re.compile(r"\s*\(Possible options?: (.+?)\)")


def translate_error(message: str, lang: HelpLang) -> str:
    """
    Put one of click's error sentences into Chinese (``lang="zh"``) or beside it (``None``).

    Args:
        message: The error as click words it (``Missing option '--as-of'.``).
        lang: ``"zh"``, ``"en"`` (unchanged) or ``None`` (Chinese, then English).

    Returns:
        The message in *lang*; a sentence not known is returned unchanged.

    .. versionadded:: 0.1.0
    """
    if lang == "en":
        return message
    for pattern, replacement in _ERRORS:
        if pattern.search(message):
            chinese = pattern.sub(replacement, message, count=1)
            chinese = _POSSIBLE.sub(r"（您是不是要输入 \1？）", chinese)
            return chinese if lang == "zh" else f"{chinese}\n{message}"
    return message


def _translate_errors() -> None:
    """Have typer's error panel show click's sentences in the run's language."""
    original = rich_utils.rich_format_error
    if getattr(original, "_unionkit", False):
        return

    def translated(self: Any) -> None:
        message = translate_error(self.format_message(), _state["lang"])
        self.format_message = lambda: message
        original(self)

    translated._unionkit = True  # type: ignore[attr-defined]
    rich_utils.rich_format_error = translated


def _three(values: tuple[str, str, str], lang: HelpLang) -> str:
    return values[0] if lang == "zh" else values[1] if lang == "en" else values[2]


def localise(command: Any, lang: HelpLang, ctx: Any = None) -> None:
    """
    Put a command tree's help into *lang*: texts, type words and typer's own frame.

    Walks *command* and every subcommand: each help text keeps one language (see
    :func:`pick`), each parameter shows the kind of value it takes as a word a clerk
    reads (日期, 文件, 工号 …) instead of a Python type, and typer's panel titles,
    ``[required]``, ``[default: …]``, ``Usage:`` and the ``--help`` line are translated.
    Safe to call again: the original texts are kept on the objects.

    Args:
        command: The click command or group typer built.
        lang: ``"zh"``, ``"en"`` or ``None`` for both languages.
        ctx: Unused; kept for the signature of typer callbacks.

    .. versionadded:: 0.1.0
    """
    _state["lang"] = lang
    _fold_option_help()
    _translate_errors()
    for name, values in _FRAME.items():
        setattr(rich_utils, name, _three(values, lang))
    for cmd in _walk(command):
        original = cmd.__dict__.setdefault("_unionkit_help", (cmd.help, cmd.short_help))
        cmd.help = pick(original[0], lang) if original[0] else original[0]
        # typer cuts a long help to a short one with "…"; the first paragraph is whole.
        short = original[1] or (original[0] or "").strip().split("\n\n")[0] or None
        cmd.short_help = pick(short, lang) if short else short
        for param in cmd.params:
            if isinstance(param, TyperOption | TyperArgument):
                saved = param.__dict__.setdefault("_unionkit_help", getattr(param, "help", None))
                if saved:
                    param.help = pick(saved, lang)
                _show_type(param, lang)
        _localise_help_option(cmd, lang)
        _localise_usage(cmd, lang)


def _localise_help_option(cmd: Any, lang: HelpLang) -> None:
    get = cmd.__dict__.get("_unionkit_get_help_option") or cmd.get_help_option
    cmd.__dict__["_unionkit_get_help_option"] = get

    def get_help_option(ctx: Any) -> Any:
        option = get(ctx)
        if option is not None:
            option.help = _three(_HELP_OPTION, lang)
            option.display_type_rich = lambda ctx: None
        return option

    cmd.get_help_option = get_help_option


def _localise_usage(cmd: Any, lang: HelpLang) -> None:
    get = cmd.__dict__.get("_unionkit_get_usage") or cmd.get_usage
    cmd.__dict__["_unionkit_get_usage"] = get

    def get_usage(ctx: Any) -> str:
        text: str = get(ctx)
        return text.replace("Usage:", _three(_USAGE, lang), 1)

    cmd.get_usage = get_usage


def _walk(command: Any) -> Iterable[Any]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _walk(sub)


def did_you_mean(name: str, known: Iterable[str], lang: str = "zh") -> str:
    """
    Suggest the closest of *known* to a mistyped *name*, as a sentence to append.

    Args:
        name: What was typed.
        known: The valid names.
        lang: ``"zh"`` or ``"en"``.

    Returns:
        ``"您是不是要输入 'tumor_screening_eligible'？"`` (or English), or ``""`` when
        nothing is close.

    .. versionadded:: 0.1.0
    """
    # Chinese words are two or three characters: one right character in two is close.
    cutoff = 0.5 if _CJK.search(name) else 0.6
    matches = difflib.get_close_matches(name, list(known), n=3, cutoff=cutoff)
    if not matches:
        return ""
    shown = (
        "、".join(f"'{m}'" for m in matches)
        if lang == "zh"
        else ", ".join(f"'{m}'" for m in matches)
    )
    return f"您是不是要输入 {shown}？" if lang == "zh" else f"Did you mean {shown}?"


def cli_date(value: str, option: str) -> date:
    """
    Read a date given on the command line as the roster reader would.

    Args:
        value: ``2026-06-01``, ``2026/06/01`` or ``2026年6月1日`` (see
            :func:`unionkit.io.dates.parse_date`).
        option: The option's name, for the error.

    Returns:
        The date.

    Raises:
        typer.BadParameter: Not a date; exit code 2 with the reason in both languages.

    .. versionadded:: 0.1.0
    """
    from unionkit.io.dates import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


class UnionkitGroup(TyperGroup):
    """
    A typer group whose help follows ``--lang`` or the locale, and that suggests commands.

    Typer builds the click command tree anew for each run; :meth:`main` localises it
    (see :func:`localise`) before parsing, so ``unionkit evaluate --help --lang en``
    and ``LANG=zh_CN.UTF-8 unionkit --help`` both work. An unknown command gets
    "did you mean" in the chosen language.

    .. versionadded:: 0.1.0
    """

    def main(self, args: Sequence[str] | None = None, *extra: Any, **kwargs: Any) -> Any:
        """Localise the whole tree, then run as click would."""
        import sys

        argv = list(sys.argv[1:] if args is None else args)
        localise(self, help_lang(argv))
        return super().main(argv, *extra, **kwargs)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Find the subcommand; suggest the closest names when there is none."""
        try:
            return self._click_resolve_command(ctx, args)
        except typer.BadParameter:
            raise
        except Exception as exc:
            message = getattr(exc, "message", None)
            if message is None or not args:
                raise
            lang = _state["lang"]
            hint = did_you_mean(args[0], self.commands, "en" if lang == "en" else "zh")
            if lang is None:
                hint = f"{hint} {did_you_mean(args[0], self.commands, 'en')}".strip()
            prefix = (
                f"没有命令 '{args[0]}'。"
                if lang == "zh"
                else f"No such command '{args[0]}'."
                if lang == "en"
                else f"没有命令 / No such command '{args[0]}'."
            )
            exc.message = f"{prefix} {hint}".strip()  # type: ignore[attr-defined]
            raise
