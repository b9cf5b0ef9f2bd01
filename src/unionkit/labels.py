"""Bilingual labels shared by models and rules: labelled enums and the words for yes and no."""

from __future__ import annotations

import enum
import unicodedata
from typing import Any, Self

__all__ = ["NO_WORDS", "YES_WORDS", "LabelledEnum", "read_yes_no"]

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
