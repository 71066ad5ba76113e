"""Memory over a long run with pupils coming and going: does the server give sessions back?

    .venv/bin/python bench/churn.py --writers 60 --duration 1800      # 30 minutes (make bench-churn)

N pupils (the journey of bench/load.py: open, Start writing, an appeal in six steps, Print &
count, Count) each write ONE letter, then close their tab; a new pupil opens a new tab at once,
so N are always connected and every letter is a new Streamlit session. The server's RSS is read
every minute; printed: the series, the first and last five minutes' means and the growth between
them, errors, and whether the tally equals the counts acknowledged. Run beside nothing else: the
figure is memory, but a busy machine writes fewer letters in the same time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import Plan, Pupil, Results, serve_bare, serve_w4r  # noqa: E402

SAMPLE_S = 60.0  # how often the server's memory is read
SETTLE_S = 60.0  # after the last pupil leaves, how long before the last reading


async def churn(server, writers: int, duration: float, think: float, cps: float, seed: int,
                samples: list[tuple[float, float]]) -> tuple[Results, int]:
    """N pupils, each one letter then a fresh tab, until `duration` is over; (results, tabs)."""
    results, end, started = Results(), time.monotonic() + duration, time.monotonic()
    tabs = 0

    async def seat(index: int) -> None:
        nonlocal tabs
        await asyncio.sleep(10.0 * index / max(writers, 1))  # a class arriving over 10 s
        round_ = 0
        while time.monotonic() < end:
            plan = Plan(random.Random(seed * 100_000 + index * 1_000 + round_), think, cps)
            tabs += 1
            await Pupil(server, plan, results, until=0.0, milestones=set()).run()  # one letter
            round_ += 1

    async def watch() -> None:
        while time.monotonic() < end:
            samples.append((time.monotonic() - started, server.memory_mb()))
            await asyncio.sleep(SAMPLE_S)

    await asyncio.gather(watch(), *(seat(i) for i in range(writers)))
    return results, tabs


def run(serve, args: argparse.Namespace) -> None:
    """One app: warm it, churn, let it settle, print the figures."""
    with serve() as server:
        samples: list[tuple[float, float]] = []
        rows0, sum0 = server.tally()
        results, tabs = asyncio.run(churn(server, args.writers, args.duration, args.think,
                                          args.cps, args.seed, samples))
        time.sleep(SETTLE_S)
        settled = server.memory_mb()
        rows, total = server.tally()
        peak = server.memory_mb("VmHWM")
    first = [mb for t, mb in samples if 0 < t <= 300 + SAMPLE_S / 2 and t >= SAMPLE_S / 2]
    last = [mb for t, mb in samples if t >= args.duration - 300 - SAMPLE_S / 2]
    errors = sum(results.errors.values())
    exact = "yes" if results.acks == rows - rows0 == total - sum0 else "NO"
    print(f"\n{server.name}: {args.writers} writers for {args.duration / 60:.0f} min, one letter "
          f"per tab: {tabs} tabs opened, {results.acks} letters acknowledged, "
          f"{results.interactions} interactions, errors {errors}"
          + (f" ({'; '.join(f'{k} ×{v}' for k, v in results.errors.most_common(3))})"
             if errors else ""))
    print("RSS by minute, MB: " + ", ".join(f"{t / 60:.0f}:{mb:.0f}" for t, mb in samples))
    if first and last:
        print(f"RSS first five minutes {statistics.mean(first):.0f} MB, last five "
              f"{statistics.mean(last):.0f} MB "
              f"(growth {statistics.mean(last) - statistics.mean(first):+.0f} MB); "
              f"{SETTLE_S:.0f} s after everyone left {settled:.0f} MB; peak {peak:.0f} MB")
    print(f"tally: acknowledged {results.acks}, rows {rows - rows0}, exact {exact}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=60)
    parser.add_argument("--duration", type=float, default=1800.0, help="seconds")
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--cps", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--with-bare", action="store_true", help="then the bare app the same way")
    args = parser.parse_args()
    started = time.time()
    run(serve_w4r, args)
    if args.with_bare:
        run(serve_bare, args)
    print(f"({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
