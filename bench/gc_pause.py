"""Print what the garbage collection Streamlit runs after every script run costs, here and in
another checkout.

Streamlit calls `gc.collect(2)` after each script run (`runner.postScriptGC`); a full
collection walks every object the process tracks. This walks a pupil's whole journey with
AppTest (home, cases, write, print, tally: every heavy library gets loaded), then times that
collection after each of N keystroke reruns of the Write page, for this tree and for a
baseline tree in the same run: read the ratio. It also prints the objects the collector walks
and those kept out of its way (frozen, see w4r/memory.py) and the process's peak RSS.

Run: .venv/bin/python bench/gc_pause.py [--baseline PATH] [--reruns N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import checkouts  # bench/checkouts.py: this tree beside a baseline

ROOT = Path(__file__).resolve().parent.parent

CHILD = checkouts.APP_TEST + r"""
at.switch_page("pages/print.py").run()
at.switch_page("pages/tally.py").run()
""" + checkouts.MESSAGE_STEP + r"""
pauses = []
for n in range(reruns):
    field().input(f"You are not alone. We think of you every day ({n}).").run()
    assert not at.exception, [e.value for e in at.exception]
    start = time.perf_counter()
    gc.collect(2)  # what Streamlit runs after every script run
    pauses.append(time.perf_counter() - start)
pauses.sort()
print(json.dumps({"p50_ms": 1000 * statistics.median(pauses),
                  "p95_ms": 1000 * pauses[int(0.95 * (len(pauses) - 1))],
                  "walked": len(gc.get_objects()), "frozen": gc.get_freeze_count(),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="another w4r checkout to measure beside this one")
    parser.add_argument("--reruns", type=int, default=60)
    args = parser.parse_args()
    started = time.time()
    rows = [(name, checkouts.measure(CHILD, tree, args.reruns))
            for name, tree in checkouts.trees(args.baseline)]
    print(f"The full collection after each of {args.reruns} keystroke reruns (AppTest, one "
          "process each, after a whole journey):")
    print(f"{'':12} {'p50 ms':>8} {'p95 ms':>8} {'walked':>9} {'frozen':>9} {'peak RSS MB':>12}")
    for name, row in rows:
        print(f"{name:12} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['walked']:9d} "
              f"{row['frozen']:9d} {row['rss_mb']:12.0f}")
    if len(rows) == 2:
        mine, base = rows[0][1], rows[1][1]
        print(f"{'ratio':12} {mine['p50_ms'] / base['p50_ms']:8.3f} "
              f"{mine['p95_ms'] / base['p95_ms']:8.3f} {'':9} {'':9} "
              f"{mine['rss_mb'] / base['rss_mb']:12.2f}")
    print(f"({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
