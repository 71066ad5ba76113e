"""The server's long-lived objects stay out of the collection Streamlit runs after every run."""

from __future__ import annotations

import gc
import sys
import types

import pytest

from w4r import memory


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(memory, "_modules_at_last_freeze", 0)
    yield
    gc.unfreeze()  # the rest of the test session collects as usual


def test_settle_freezes_what_is_alive_and_the_full_collection_skips_it(fresh):
    walked_before = len(gc.get_objects())
    assert memory.settle() is True
    assert gc.get_freeze_count() > walked_before // 2
    assert len(gc.get_objects()) < walked_before // 10


def test_settle_freezes_again_only_after_new_modules_loaded(fresh, monkeypatch):
    assert memory.settle() is True
    assert memory.settle() is False  # nothing new: no collection, no freeze
    monkeypatch.setitem(sys.modules, "w4r_bench_new_module", types.ModuleType("new"))
    assert memory.settle() is True


def test_objects_made_after_settling_are_still_collected(fresh):
    memory.settle()

    class Node:
        pass

    first, second = Node(), Node()
    first.other, second.other = second, first  # a cycle only the collector can free
    del first, second
    assert gc.collect() >= 2
