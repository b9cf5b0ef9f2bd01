"""A fake plugin that fails to import, quoting a member's ID and phone."""

from __future__ import annotations

raise ImportError("roster row 110105199001011232 13812345678 is broken")
