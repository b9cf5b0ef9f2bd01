"""The ``--lang`` choice shared by every unionkit command: :class:`unionkit.labels.Lang`."""

from __future__ import annotations

from unionkit.labels import Lang

__all__ = ["Lang"]
