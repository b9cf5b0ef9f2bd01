"""Building blocks shared by every model: bilingual labels, exact money, labelled enums."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, model_validator

from unionkit.labels import LabelledEnum, read_yes_no
from unionkit.money import FEN, parse_nonnegative_yuan, parse_yuan, round_yuan

__all__ = [
    "FEN",
    "LabelledEnum",
    "NonNegativeYuan",
    "Privacy",
    "UnionModel",
    "Yuan",
    "field_labels",
    "fields_by_privacy",
    "labelled",
    "parse_bool",
    "parse_nonnegative_yuan",
    "parse_yuan",
    "round_yuan",
    "today_from",
]


class Privacy(LabelledEnum):
    """
    How personal a model field is; declared once, on the field (``labelled(..., privacy=...)``).

    Every list of personal fields is derived from it with :func:`fields_by_privacy`:
    what an error report masks (identifying and sensitive), what an explanation
    masks (sensitive), what erasing a member removes (all three).

    .. versionadded:: 0.1.0
    """

    IDENTIFYING = "identifying", "身份识别信息", "identifying"
    SENSITIVE = "sensitive", "敏感个人信息（健康、收入）", "sensitive (health, income)"
    PERSONAL = "personal", "个人信息", "personal"


def labelled(zh: str, en: str, *, privacy: Privacy | None = None, **kwargs: Any) -> Any:
    """
    Return a pydantic ``Field`` carrying a Chinese and an English label.

    The English label becomes the JSON Schema ``title``; both appear as
    ``x-label-zh`` / ``x-label-en`` so forms and reports can show either.
    *privacy* (``x-privacy``) says whether the value is identifying, sensitive or
    otherwise personal; such a field is also left out of the model's ``repr``.
    """
    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra.update({"x-label-zh": zh, "x-label-en": en})
    if privacy is not None:
        extra["x-privacy"] = privacy.value
        if privacy is not Privacy.PERSONAL:
            kwargs.setdefault("repr", False)
    return Field(
        title=en,
        description=kwargs.pop("description", f"{zh} / {en}"),
        json_schema_extra=extra,
        **kwargs,
    )


def field_labels(model: type[BaseModel]) -> dict[str, tuple[str, str]]:
    """Return ``{field name: (zh label, en label)}`` for every labelled field of *model*."""
    out: dict[str, tuple[str, str]] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict):
            zh, en = extra.get("x-label-zh"), extra.get("x-label-en")
            if isinstance(zh, str) and isinstance(en, str):
                out[name] = (zh, en)
    return out


def fields_by_privacy(model: type[BaseModel], *levels: Privacy) -> frozenset[str]:
    """
    Return the fields of *model* declared with one of *levels* (every level when none given).

    .. versionadded:: 0.1.0
    """
    wanted = {level.value for level in (levels or tuple(Privacy))}
    out = set()
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("x-privacy") in wanted:
            out.add(name)
    return frozenset(out)


def parse_bool(value: object) -> bool:
    """Read a yes/no cell: ``是``/``否``, ``true``/``false``, ``1``/``0``, ``√`` …"""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        answer = read_yes_no(value)
        if answer is not None:
            return answer
    raise ValueError("expected yes or no (是/否) / 应为“是”或“否”")


Yuan = Annotated[Decimal, BeforeValidator(parse_yuan)]
"""Exact money in yuan, two decimal places; never a float."""

NonNegativeYuan = Annotated[Decimal, BeforeValidator(parse_nonnegative_yuan)]
"""Exact money in yuan that cannot be negative (salaries, incomes)."""


def today_from(info: ValidationInfo) -> date:
    """The reference date for validation: ``context={"today": date}`` or the real today."""
    ctx = info.context
    if isinstance(ctx, dict):
        today = ctx.get("today")
        if isinstance(today, date):
            return today
    return date.today()


# C0 controls but tab and newlines, DEL, and lone surrogates: the store cannot keep them
# (PostgreSQL refuses NUL and surrogates) and no form or spreadsheet means them.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def forbidden_character(value: str) -> str | None:
    """The first control character (or lone surrogate) in *value* as ``U+XXXX``, or ``None``."""
    found = _FORBIDDEN.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def control_character_message(key: str, where: str) -> tuple[str, str]:
    """The English and Chinese reason for a control character *where* in field *key*."""
    return (
        f"{key}: contains the control character {where}, which cannot be stored",
        f"{key} 含有无法保存的控制字符 {where}",
    )


def first_control_character(
    columns: Mapping[str, Sequence[object]],
    n_rows: int,
    blank: Callable[[Sequence[object]], Sequence[bool]] | None = None,
) -> dict[int, tuple[str, str]]:
    """
    Find, per row of a roster given as columns, the first field holding a control character.

    The column-wise twin of the models' own check (one regular-expression scan per column,
    then cell by cell only in a column that has one). Cells that *blank* says are not
    given are skipped, as the model drops them first (``"\x1f"`` alone is whitespace).

    Returns:
        ``{row: (field, "U+XXXX")}`` for the rows with one.
    """
    found: dict[int, tuple[str, str]] = {}
    for key, cells in columns.items():
        try:
            joined = "\n".join(cells)  # type: ignore[arg-type]  # a CSV column: all text
        except TypeError:
            joined = "\n".join([c for c in cells if isinstance(c, str)])
        if not _FORBIDDEN.search(joined):
            continue
        skipped = blank(cells) if blank is not None else [False] * len(cells)
        for j, cell in enumerate(cells[:n_rows]):
            if j not in found and isinstance(cell, str) and not skipped[j]:
                where = forbidden_character(cell)
                if where is not None:
                    found[j] = (key, where)
    return found


def _check_text(data: object) -> object:
    # One pass over the input dict per model, not a validator per field: rosters of
    # 100,000 rows validate every member.
    if not isinstance(data, dict):
        return data
    for key, value in data.items():
        texts = value if isinstance(value, (tuple, list)) else (value,)
        for text in texts:
            if isinstance(text, str) and _FORBIDDEN.search(text):
                en, zh = control_character_message(str(key), str(forbidden_character(text)))
                raise ValueError(f"{en} / {zh}")
    return data


class UnionModel(BaseModel):
    """Base of every unionkit model: unknown fields are errors, text is stripped, no controls."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
        populate_by_name=True,
        use_enum_values=False,
        # pydantic echoes the raw input in its errors; ours may be an ID number.
        hide_input_in_errors=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        return _check_text(data)
