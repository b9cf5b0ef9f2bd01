"""A fake plugin that fails on import."""

from __future__ import annotations

import uk_no_such_dependency  # noqa: F401
