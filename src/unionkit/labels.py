"""Bilingual texts: the one ``Lang``, zh/en text tables, labelled enums, the words for yes and no.

Every user-facing text is written in Chinese and English side by side, in a
:class:`Texts` table (or as a :class:`LabelledEnum` member), and looked up by
key and :class:`Lang`. Why not gettext catalogues (with babel): both languages
are written together by the same author and reviewed together, error messages
deliberately carry both at once ("english / 中文"), and a catalogue would add an
extraction and compile step to the build for two languages. ``Texts`` is the one
seam to change if a third language (or typer's own help through catalogues) is wanted.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Mapping
from typing import Any, Self

__all__ = ["NO_WORDS", "YES_WORDS", "LabelledEnum", "Lang", "Texts", "read_yes_no"]


class Lang(enum.StrEnum):
    """
    A language unionkit speaks: Chinese (the default) or English.

    A ``str`` too, so ``Lang.zh == "zh"``; :meth:`parse` reads user input.

    .. versionadded:: 0.1.0
    """

    zh = "zh"
    en = "en"

    @classmethod
    def parse(cls, value: str) -> Lang:
        """
        Return *value* (``"zh"`` or ``"en"``, any case, or a ``Lang``) as a ``Lang``.

        Raises:
            ValueError: It is neither.
        """
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            raise ValueError(
                f"language must be 'zh' or 'en', not {value!r} / 语言只能是 zh 或 en"
            ) from None


class Texts:
    """
    A table of texts by key, each written in Chinese and English: the one way to look one up.

    Args:
        table: ``{key: (zh, en)}``; a text may have ``{placeholders}``.

    Example:
        ``_t = Texts({"hello": ("你好，{name}", "hello, {name}")})`` then
        ``_t("hello", Lang.en, name="Li")``.

    .. versionadded:: 0.1.0
    """

    def __init__(self, table: Mapping[str, tuple[str, str]]) -> None:
        self.table = table

    def __call__(self, key: str, lang: Lang | str, **values: object) -> str:
        """Return the text *key* in *lang*, with ``{placeholders}`` filled from *values*."""
        zh, en = self.table[key]
        chosen = zh if Lang.parse(lang) is Lang.zh else en
        return chosen.format(**values) if values else chosen


YES_WORDS = frozenset({"1", "true", "yes", "y", "t", "是", "有", "对", "√", "✓"})
"""Cell texts read as yes (after NFKC, trimming and case folding)."""

NO_WORDS = frozenset({"0", "false", "no", "n", "f", "否", "无", "没有", "×", ""})
"""Cell texts read as no; a blank cell is no."""


def read_yes_no(text: str) -> bool | None:
    """
    Read a yes/no cell text (``是``/``否``, ``true``/``false``, ``1``/``0``, ``√``/``×`` …).

    Returns:
        True or False, or None when the text is neither.
    """
    key = unicodedata.normalize("NFKC", text).strip().casefold()
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    return None


class LabelledEnum(enum.StrEnum):
    """
    A string enum whose members carry a Chinese and an English label.

    Members are declared as ``NAME = "value", "中文", "English"``. Parsing
    accepts the value or either label, case-insensitively.
    """

    _label_zh: str
    _label_en: str

    def __new__(cls, value: str, zh: str = "", en: str = "") -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj._label_zh = zh or value
        obj._label_en = en or value
        return obj

    @property
    def label_zh(self) -> str:
        """The Chinese label."""
        return self._label_zh

    @property
    def label_en(self) -> str:
        """The English label."""
        return self._label_en

    def label(self, lang: str = "zh") -> str:
        """The label in *lang* (``"zh"`` or ``"en"``)."""
        return self._label_zh if lang == "zh" else self._label_en

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        lookup = _LABEL_LOOKUPS.get(cls)
        if lookup is None:
            # Built once per enum: rosters repeat the same few labels thousands of times.
            lookup = {}
            for member in cls:
                for text in (member.value, member._label_zh, member._label_en):
                    lookup.setdefault(text.casefold(), member)
            _LABEL_LOOKUPS[cls] = lookup
        return lookup.get(unicodedata.normalize("NFKC", value).strip().casefold())


_LABEL_LOOKUPS: dict[type[LabelledEnum], dict[str, LabelledEnum]] = {}
