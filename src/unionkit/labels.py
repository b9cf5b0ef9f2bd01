"""String enums whose members carry a Chinese and an English label; shared by models and rules."""

from __future__ import annotations

import enum
import unicodedata
from typing import Any, Self

__all__ = ["LabelledEnum"]


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
