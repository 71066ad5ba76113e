"""The first page after a server start, in Chromium: w4r beside the bare app of bench/load.py.

    .venv/bin/python bench/first_page.py [--rounds 3]

Each round starts the server (`streamlit run`, loopback, a fresh SQLite file), waits for
`/_stcore/health`, then opens the address in a new headless Chromium page and waits until the
page's title (its first heading) is drawn. Printed per app: the
median of the rounds for start-up (process start to health) and for the first page (navigation
to drawn), and their ratio to the bare app.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

import e2e_support as e2e  # noqa: E402
from load import serve_bare, serve_w4r  # noqa: E402


def one(serve, browser) -> tuple[float, float]:
    """(seconds from start to health, seconds from navigation to the drawn first page)."""
    started = time.perf_counter()
    with serve() as server:
        healthy = time.perf_counter() - started
        page = browser.new_page()
        shown = time.perf_counter()
        page.goto(server.url)
        page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
        drawn = time.perf_counter() - shown
        page.close()
    return healthy, drawn


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    figures: dict[str, list[tuple[float, float]]] = {"w4r": [], "bare": []}
    with sync_playwright() as playwright:
        browser = e2e.launch_chromium(playwright)
        try:
            for _ in range(args.rounds):  # alternate, so a busy moment hits both
                figures["w4r"].append(one(serve_w4r, browser))
                figures["bare"].append(one(serve_bare, browser))
        finally:
            browser.close()
    median = {name: (statistics.median(h for h, _ in runs), statistics.median(d for _, d in runs))
              for name, runs in figures.items()}
    for name, (healthy, drawn) in median.items():
        print(f"{name:4}: start-up {healthy:.2f} s, first page drawn {drawn:.2f} s "
              f"(median of {args.rounds})")
    print(f"ratio w4r / bare: start-up {median['w4r'][0] / median['bare'][0]:.2f}, "
          f"first page {median['w4r'][1] / median['bare'][1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
