"""Print the tally's figures on a big database: page script times, aggregate queries, throughput.

- builds a database with 1,000,000 counted actions over 500 sessions (10 cases, 4 years);
- the script time of the projector view and the tally pages (AppTest, median of warm runs),
  beside a bare one-line page run the same way;
- the time of each aggregate query the pages run;
- 8 processes x 1,000 submissions through the app's counting path (kept.count: validation,
  BEGIN IMMEDIATE, INSERT OR IGNORE) with 10% repeated ids: exact final count, errors, and
  throughput beside raw sqlite3 single-row commits from 8 processes in the same run.

Run: .venv/bin/python bench/tally.py [--actions N]   (`make bench` runs it too)
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from w4r import db, kept, letters, sessions, tally, terms  # noqa: E402

SESSIONS = 500
CASES = [f"case-{i}" for i in range(10)]
PROCESSES = 8
PER_PROCESS = 1_000


def build(path: Path, actions: int) -> None:
    """Fill a fresh w4r database with sessions and counted actions (bulk, one transaction)."""
    database = db.connect(path)
    rng = random.Random(7)
    with db.transaction(database):
        for s in range(SESSIONS):
            sessions.create(database, f"Class {s}", code=f"S{s:04d}", goal=500,
                            grouping=f"School {s // 20}", leaderboard=True, show_names=True)
    rows = ((f"id-{i}", f"S{rng.randrange(SESSIONS):04d}", rng.choice(CASES),
             rng.choice(terms.LETTER_KINDS), rng.choice(terms.ACTIONS), 1,
             f"{2023 + i % 4}-12-{1 + i % 28:02d}T10:{i % 60:02d}:00+00:00", "app",
             rng.choice(["Ana", "Noor", None])) for i in range(actions))
    conn = sqlite3.connect(str(path))
    with conn:
        conn.executemany("insert into actions (submission_id, session_code, case_id, kind, "
                         "action, count, counted_at, source, first_name) values "
                         "(?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("analyze")
    conn.close()


def median_ms(fn, runs: int = 15) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def page_times(path: Path, code: str) -> dict[str, float]:
    """Warm script time of app.py + a page in AppTest, with the organizer signed in."""
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1 import app_test as app_test_module

    from test_pages import _RunThroughApp
    app_test_module.PagesManager = _RunThroughApp
    logging.disable(logging.WARNING)  # AppTest warns "missing ScriptRunContext" on every run
    os.environ["W4R_DB"] = str(path)
    results = {}
    bare = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)
    bare.write("import streamlit as st\nst.write('hello')\n")
    bare.close()
    at = AppTest.from_file(bare.name, default_timeout=60)
    results["bare one-line page"] = median_ms(lambda: at.run())
    for page in ("projector", "tally", "reports"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["w4r.organizer"] = code
        at.session_state["w4r.session"] = code
        at.run()
        at.switch_page(f"pages/{page}.py")
        results[page] = median_ms(lambda: at.run())
        assert not at.exception, [e.value for e in at.exception]
    return results


def query_times(path: Path, code: str) -> dict[str, float]:
    database = db.connect(path)
    session = sessions.get(database, code)
    group = sessions.in_group(database, session.grouping)
    codes = [s.code for s in sessions.all_sessions(database)]
    return {
        "totals (one session)": median_ms(lambda: tally.totals(database, session)),
        "breakdown case x kind x action": median_ms(lambda: tally.breakdown(database, code)),
        "latest 6 counted": median_ms(lambda: tally.latest(database, code, 6)),
        "leaderboard (20 sessions)": median_ms(
            lambda: tally.session_totals(database, [s.code for s in group])),
        "all 500 session totals": median_ms(lambda: tally.session_totals(database, codes), 5),
        "totals by year, a school": median_ms(
            lambda: tally.by_year(database, sessions.group_codes(database, session.grouping))),
        "totals by year, whole device": median_ms(lambda: tally.by_year(database), 5),
    }


def _submit_w4r(args: tuple[str, list[str]]) -> tuple[int, int, float]:
    path, ids = args
    database = db.connect(path)
    session = sessions.get(database, "S0000")
    new = errors = 0
    start = time.perf_counter()
    for sid in ids:
        draft = letters.Draft("case-1", "appeal", sid, message="x")
        try:
            new += kept.count(database, session, draft)
        except Exception:  # noqa: BLE001 - counted and printed: the figure must be 0
            errors += 1
    return new, errors, time.perf_counter() - start


def _submit_raw(args: tuple[str, list[str]]) -> tuple[int, int, float]:
    path, ids = args
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    new = errors = 0
    start = time.perf_counter()
    for sid in ids:
        try:
            new += conn.execute("insert or ignore into t values (?)", [sid]).rowcount
        except sqlite3.Error:
            errors += 1
    return new, errors, time.perf_counter() - start


def id_lists() -> list[list[str]]:
    """8 lists of 1,000 ids; every 10th repeats an id another process also sends."""
    lists = []
    for p in range(PROCESSES):
        ids = [f"p{p}-{i}" for i in range(PER_PROCESS)]
        for i in range(9, PER_PROCESS, 10):
            ids[i] = f"p{(p + 1) % PROCESSES}-{i - 1}"
        lists.append(ids)
    return lists


def throughput(folder: Path) -> dict[str, str]:
    lists = id_lists()
    expected = len({sid for ids in lists for sid in ids})
    w4r_path = folder / "concurrent.db"
    db.connect(w4r_path).execute("select 1")
    sessions.create(db.connect(w4r_path), "Bench", code="S0000")
    raw_path = folder / "raw.db"
    raw = sqlite3.connect(str(raw_path))
    raw.execute("pragma journal_mode=wal")
    raw.execute("create table t (id text primary key)")
    raw.close()
    ctx = multiprocessing.get_context("spawn")
    out = {}
    for label, fn, path in (("w4r kept.count", _submit_w4r, w4r_path),
                            ("raw sqlite3", _submit_raw, raw_path)):
        with ctx.Pool(PROCESSES) as pool:
            start = time.perf_counter()
            results = pool.map(fn, [(str(path), ids) for ids in lists])
            wall = time.perf_counter() - start
        new = sum(r[0] for r in results)
        errors = sum(r[1] for r in results)
        rate = PROCESSES * PER_PROCESS / wall
        out[label] = (rate, new, errors)
    final = db.connect(w4r_path).execute("select count(*) from actions").fetchone()[0]
    ratio = out["w4r kept.count"][0] / out["raw sqlite3"][0]
    return {
        "expected distinct": f"{expected}",
        "w4r": f"{out['w4r kept.count'][0]:,.0f} submissions/s, new {out['w4r kept.count'][1]}, "
               f"final count {final}, errors {out['w4r kept.count'][2]}",
        "raw sqlite3": f"{out['raw sqlite3'][0]:,.0f} inserts/s, new {out['raw sqlite3'][1]}, "
                       f"errors {out['raw sqlite3'][2]}",
        "ratio": f"{ratio:.2f}",
        "exact": "yes" if final == expected == out["w4r kept.count"][1] else "NO",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="w4r-bench-"))
    path = folder / "big.db"
    start = time.perf_counter()
    build(path, args.actions)
    size = path.stat().st_size / 2**20
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(f"database: {args.actions:,} actions over {SESSIONS} sessions, {size:.0f} MB, "
          f"built in {time.perf_counter() - start:.1f} s")
    code = "S0000"
    counting = throughput(folder)  # before AppTest, which takes over the __main__ module
    print("page script time (AppTest, median of 15 warm runs):")
    for label, ms in page_times(path, code).items():
        print(f"  {label:28} {ms:7.1f} ms")
    print("aggregate queries (median):")
    for label, ms in query_times(path, code).items():
        print(f"  {label:32} {ms:7.2f} ms")
    print(f"concurrent counting, {PROCESSES} processes x {PER_PROCESS:,} submissions, 10% "
          "repeated ids:")
    for label, text in counting.items():
        print(f"  {label:18} {text}")


if __name__ == "__main__":
    main()
