"""A bot process freezes what it loaded at start, so later full collections skip it."""

from __future__ import annotations

import gc
import weakref

from bot.commands.run import settle_the_heap


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_what_start_loaded_is_left_out_of_later_collections() -> None:
    garbage = Cycle()
    gone = weakref.ref(garbage)
    del garbage  # a cycle: only the collector frees it
    kept = Cycle()
    try:
        settle_the_heap()
        # Collected first, not frozen with the rest (frozen, it would never be freed).
        assert gone() is None
        # What lives on is out of the collector's sight.
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(o is kept for o in gc.get_objects())
