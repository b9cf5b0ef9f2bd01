"""The ``--lang`` choice shared by every unionkit command."""

from __future__ import annotations

import enum

__all__ = ["Lang"]


class Lang(enum.StrEnum):
    """Output language."""

    zh = "zh"
    en = "en"
