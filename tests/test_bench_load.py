"""bench/load.py still speaks the protocol and finds its way through the app: one pupil, no
think time, one whole journey in w4r and in the bare app, every letter acknowledged and counted.

(Labels and keys the bench looks for, such as "Start writing" or "<case>-appeal", live in the
pages; when one changes this test says which one, before `make bench-load` would.)
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "load.py"
spec = importlib.util.spec_from_file_location("bench_load", BENCH)
load = sys.modules["bench_load"] = importlib.util.module_from_spec(spec)  # for dataclasses
spec.loader.exec_module(load)


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert load.percentile(values, 0.5) == 50
    assert load.percentile(values, 0.95) == 95
    assert load.percentile(values, 1.0) == 100
    assert load.percentile([7.0], 0.99) == 7


@pytest.mark.parametrize("serve", [load.serve_w4r, load.serve_bare], ids=["w4r", "bare"])
def test_one_pupil_writes_counts_and_is_acknowledged(serve):
    with serve() as server:
        results = asyncio.run(load.drive(server, 1, 0.0, 0.0, 4.0, seed=1))
        rows, total = server.tally()
    assert not results.errors, results.errors
    assert {kind: len(times) for kind, times in results.times.items()} == {
        "open": 1, "page": 1, "choose": 1, "starter": 6, "type": 6, "next": 5, "print": 1,
        "download": 1 if server.name == "w4r" else 0, "count": 1}
    assert results.acks == rows == total == 1
    # a browser reruns only the composer's fragment for a starter, a field and Next (not the
    # last Next, which goes to Print): 6 + 6 + 5; the bare app has no fragment
    assert results.fragment_runs == (17 if server.name == "w4r" else 0)
