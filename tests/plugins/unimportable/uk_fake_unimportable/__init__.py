"""A fake plugin that fails on import."""

from __future__ import annotations

import uk_no_such_dependency  # type: ignore[import-not-found]  # noqa: F401
