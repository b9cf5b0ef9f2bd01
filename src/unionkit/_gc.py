"""Pausing Python's cyclic garbage collector around bulk work on many small objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """
    Run the block with the cyclic garbage collector off, and restore it after.

    A roster makes hundreds of thousands of small acyclic objects (members, tuples,
    dicts); the collector would rescan all of them again and again, so the work grew
    faster than the row count. Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
