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


def test_the_server_watches_no_source_files():
    """Streamlit's source watcher resolves every imported module's path at the end of each new
    session's first run, on the event loop: 60% of the server's time while a class arrives
    (docs/BENCHMARKS.md, "A class arriving"). The app's own config turns it off."""
    import tomllib
    from pathlib import Path
    config = tomllib.loads((Path(__file__).parent.parent / ".streamlit" / "config.toml")
                           .read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"


def test_no_full_collection_after_every_run():
    """Streamlit's collection after every run walked all sessions' objects (a third of the
    server's time with 60 pupils); Python's generational collector still frees cycles
    (bench/churn.py measures memory over 30 minutes of pupils coming and going)."""
    import tomllib
    from pathlib import Path
    config = tomllib.loads((Path(__file__).parent.parent / ".streamlit" / "config.toml")
                           .read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False
    assert gc.isenabled()
