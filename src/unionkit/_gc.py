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

    On the way out the objects made in the block go straight to the oldest generation
    (``gc.freeze`` then ``gc.unfreeze``): otherwise the first collection after the block
    walks every one of them, and then the middle generation does it again, although
    they mostly live on (the members read). Cyclic garbage among them is still freed, by
    the next full collection. When the program keeps objects frozen itself, they are
    left as they are and the block's objects take the usual way.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
