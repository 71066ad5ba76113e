"""Print the foundation's figures: app start-up, one letter's PDF, counting throughput.

Each figure stands beside a baseline measured in the same run, so the ratio is what to read:
- start-up: `streamlit run app.py` until /_stcore/health answers, beside a bare one-line app;
- PDF: one letter cold (new process) and warm, beside a bare fpdf2 page with the same font;
- counting: tally.record (idempotent insert, one commit each) beside raw sqlite3 inserts.

Run: .venv/bin/python bench/foundation.py   (or `make bench`)
"""

from __future__ import annotations

import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fpdf import FPDF  # noqa: E402  (the benchmark's baseline only)

from w4r import db, letters, pdf, sessions, tally  # noqa: E402
from w4r.cases import load_cases  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def startup_seconds(script: Path, env_db: Path) -> float:
    """Seconds from launching `streamlit run` until the health check answers."""
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, "W4R_DB": str(env_db)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=1) as r:
                    if r.read() == b"ok":
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the app did not start within 60 s")
    finally:
        proc.terminate()
        proc.wait(10)


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def bare_page() -> bytes:
    doc = FPDF()
    doc.add_font("NotoSans", "", str(pdf.FONT_FILES[""]))
    doc.add_page()
    doc.set_font("NotoSans", size=12)
    doc.multi_cell(0, 6, "Dear Sir or Madam, " * 40)
    return bytes(doc.output())


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="w4r-bench-"))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")

    bare_app = tmp / "bare_app.py"
    bare_app.write_text("import streamlit as st\nst.write('hello')\n")
    app_s = statistics.median(startup_seconds(ROOT / "app.py", tmp / f"s{i}.db") for i in range(3))
    bare_s = statistics.median(startup_seconds(bare_app, tmp / "b.db") for _ in range(3))
    print(f"start-up (median of 3): app {app_s:.2f} s, bare streamlit app {bare_s:.2f} s, "
          f"ratio {app_s / bare_s:.2f}")

    os.environ["W4R_DB"] = str(tmp / "pages.db")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    t = time.perf_counter()
    at.run()
    first = (time.perf_counter() - t) * 1000
    figures = []
    for page in ("pages/home.py", "pages/cases.py", "pages/tally.py"):
        at.switch_page(page)
        figures.append(f"{page.split('/')[1][:-3]} {median_ms(at.run, 10):.0f} ms")
    print(f"page script time (AppTest): first run {first:.0f} ms; warm medians of 10: "
          + ", ".join(figures))

    case = load_cases(ROOT / "content" / "cases").get("yecenia-armenta")
    draft = letters.start(case, "appeal")
    draft.about = "I am a student in Kraków and I learned about your case at school."
    draft.message = "I am writing about Yecenia Armenta. " * 12
    draft.name = "Zoë"
    letter = letters.compose(draft, case)
    cold = subprocess.run(
        [sys.executable, "-c",
         "import time,sys; t=time.perf_counter(); sys.path.insert(0, sys.argv[1]);"
         "from w4r import letters, pdf; from w4r.cases import load_cases;"
         "c=load_cases(sys.argv[1]+'/content/cases').get('yecenia-armenta');"
         "d=letters.start(c,'appeal'); d.message='I write. '*50;"
         "pdf.build(letters.compose(d,c)); print((time.perf_counter()-t)*1000)", str(ROOT)],
        capture_output=True, text=True, check=True)
    warm = median_ms(lambda: pdf.build(letter), 30)
    base = median_ms(bare_page, 30)
    print(f"PDF, one letter: cold {float(cold.stdout):.0f} ms (new process, imports included); "
          f"warm {warm:.1f} ms; bare fpdf2 page, same font {base:.1f} ms; ratio {warm / base:.2f}")

    n = 1000
    database = db.connect(tmp / "count.db")
    session = sessions.default(database)
    t = time.perf_counter()
    for i in range(n):
        tally.record(database, tally.Action(f"id{i}", session.code, "jani-silva", "appeal"))
    ours = n / (time.perf_counter() - t)
    raw = sqlite3.connect(tmp / "raw.db", isolation_level=None)
    raw.execute("pragma journal_mode=wal")
    raw.execute("create table a (id text primary key, n int)")
    t = time.perf_counter()
    for i in range(n):
        raw.execute("insert or ignore into a values (?, 1)", (f"id{i}",))
    base_rate = n / (time.perf_counter() - t)
    assert tally.totals(database, session).total == n
    print(f"counting, {n} single-row commits: tally.record {ours:,.0f}/s, raw sqlite3 "
          f"{base_rate:,.0f}/s, ratio {ours / base_rate:.2f}")


if __name__ == "__main__":
    main()
