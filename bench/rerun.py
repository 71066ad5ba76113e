"""Print what one keystroke rerun of the Write page costs, here and in another checkout.

A pupil types a line in the composer; Streamlit reruns app.py and the page. This drives that
rerun N times with AppTest (the same process, no browser) and reports the wall time per rerun
(p50, p95) and the database handles the process holds open afterwards, for this tree and for a
baseline tree (another checkout of w4r, e.g. the commit before a change) in the same run: read
the ratio. AppTest's own overhead is in both columns.

Run: .venv/bin/python bench/rerun.py [--baseline PATH] [--reruns N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import checkouts  # bench/checkouts.py: this tree beside a baseline

ROOT = Path(__file__).resolve().parent.parent

CHILD = checkouts.APP_TEST + checkouts.MESSAGE_STEP + r"""
times = []
for n in range(reruns):
    start = time.perf_counter()
    field().input(f"You are not alone. We think of you every day ({n}).").run()
    times.append(time.perf_counter() - start)
    assert not at.exception, [e.value for e in at.exception]
handles = sum(1 for fd in os.listdir("/proc/self/fd")
              if os.path.realpath(f"/proc/self/fd/{fd}") == str(db_path))
times.sort()
print(json.dumps({"p50_ms": 1000 * statistics.median(times),
                  "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
                  "handles": handles}))
"""



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="another w4r checkout to measure beside this one")
    parser.add_argument("--reruns", type=int, default=200)
    args = parser.parse_args()
    started = time.time()
    rows = [(name, checkouts.measure(CHILD, tree, args.reruns))
            for name, tree in checkouts.trees(args.baseline)]
    print(f"{args.reruns} keystroke reruns of the Write page (AppTest, one process each):")
    print(f"{'':12} {'p50 ms':>8} {'p95 ms':>8} {'open db handles':>16}")
    for name, row in rows:
        print(f"{name:12} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['handles']:16d}")
    if len(rows) == 2:
        mine, base = rows[0][1], rows[1][1]
        print(f"{'ratio':12} {mine['p50_ms'] / base['p50_ms']:8.2f} "
              f"{mine['p95_ms'] / base['p95_ms']:8.2f}")
    print(f"({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
