"""paused_gc: the collector off in the block, on after, and garbage still freed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from unionkit._gc import paused_gc


class _Node:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def enabled_gc() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("enabled_gc")
def test_the_collector_is_off_in_the_block_and_on_after() -> None:
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("enabled_gc")
def test_a_cycle_made_in_the_block_is_still_freed_by_a_full_collection() -> None:
    with paused_gc():
        node = _Node()
        ref = weakref.ref(node)
        del node
    assert gc.get_freeze_count() == 0
    assert ref() is not None  # a cycle: reference counting alone cannot free it
    gc.collect()
    assert ref() is None


@pytest.mark.usefixtures("enabled_gc")
def test_objects_the_program_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with paused_gc():
            made = [_Node() for _ in range(10)]
        # Unfreezing would empty the permanent generation; it still holds the program's
        # objects (fewer if reference counting freed some of them meanwhile), not ours.
        assert 0 < gc.get_freeze_count() <= frozen
        assert len(made) == 10
    finally:
        gc.unfreeze()


def test_a_disabled_collector_stays_disabled() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
