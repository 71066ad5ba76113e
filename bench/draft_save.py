"""Print what saving the draft on the server adds to a keystroke rerun of the Write page.

Two measurements, each beside its baseline in the same process and the same run:

1. Keystroke reruns (AppTest, as bench/rerun.py): a pupil types a new line into the message;
   app.py saves the changed draft (one UPSERT). Reruns alternate between the real save and a
   save replaced by a function that only serializes and digests (what a rerun with nothing to
   save costs), so both columns see the same machine at the same moment.
   Measured twice: beside another open connection (a class: other pupils' runs hold one), and
   alone (the last connection to close checkpoints the WAL, which the write makes costlier).
2. The save alone (direct calls on a database holding a few thousand other drafts): a changed
   draft (DELETE of expired rows through the index, UPSERT, commit) beside an unchanged one
   (serialize and compare digests, no write).

Run: .venv/bin/python bench/draft_save.py [--reruns N] [--saves N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _p(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return 1000 * statistics.median(ordered), 1000 * ordered[int(0.95 * (len(ordered) - 1))]


def _row(name: str, times: list[float]) -> tuple[float, float]:
    p50, p95 = _p(times)
    print(f"  {name:34} {p50:8.2f} {p95:8.2f}")
    return p50, p95


def reruns(count: int, tmp: Path, beside_others: bool) -> None:
    """Keystroke reruns with the real save beside reruns whose save writes nothing; with
    `beside_others`, another connection stays open meanwhile, as other visitors' runs keep one."""
    path = tmp / f"reruns-{int(beside_others)}.db"
    os.environ["W4R_DB"] = str(path)
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1 import app_test as app_test_module

    from w4r import db, drafts

    class AfterFirstRun(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    app_test_module.PagesManager = AfterFirstRun
    saving = drafts.save
    inside: list[float] = []  # the time spent in the real save, within the reruns

    def real_save(*args, **kwargs):
        start = time.perf_counter()
        try:
            return saving(*args, **kwargs)
        finally:
            inside.append(time.perf_counter() - start)

    def no_write(db, token, saved, session, *, counted=False, last=None, now=None):
        return drafts.digest(drafts.serialize(drafts.storable(saved, session, counted)))

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.query_params["s"] = "CLASS"
    at.switch_page("pages/cases.py").run()
    at.button(key="yecenia-armenta-solidarity").click().run()
    at.switch_page("pages/write.py").run()
    for _ in range(3):  # reach the message step
        if [w for w in at.text_area if w.key == "w4r.field.message"]:
            break
        [b for b in at.button if b.label.startswith("Next:")][0].click().run()
    other = db.connect(path) if beside_others else None
    timed: dict[str, list[float]] = {"save": [], "nothing": []}
    order = random.Random(8).choices((("save", "nothing"), ("nothing", "save")), k=count)
    for n, mode in enumerate(mode for pair in order for mode in pair):  # each pair shuffled
        drafts.save = real_save if mode == "save" else no_write
        field = [w for w in at.text_area if w.key == "w4r.field.message"][0]
        start = time.perf_counter()
        field.input(f"You are not alone. We think of you every day ({n}).").run()
        timed[mode].append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]
    drafts.save = saving
    if other is not None:
        other.conn.close()
    where = ("another connection open (other visitors' runs)" if beside_others
             else "no other connection: each run's close checkpoints the WAL")
    print(f"{count} + {count} keystroke reruns of the Write page (AppTest, alternating), "
          f"{where}:")
    print(f"  {'':34} {'p50 ms':>8} {'p95 ms':>8}")
    saved = _row("rerun that saves the draft", timed["save"])
    nothing = _row("rerun that saves nothing", timed["nothing"])
    print(f"  {'added by the save':34} {saved[0] - nothing[0]:8.2f} "
          f"{saved[1] - nothing[1]:8.2f}")
    _row("the save itself, inside those reruns", inside)


def direct(count: int, tmp: Path) -> None:
    """The save alone, changed against unchanged, on a table of other drafts."""
    from w4r import db, drafts, letters, sessions

    database = db.connect(tmp / "direct.db")
    session = sessions.default(database)
    now = time.time()
    for n in range(3000):  # other pupils' drafts, a tenth of them expired
        other = letters.Draft("yecenia-armenta", "appeal", message="x" * 800)
        drafts.save(database, drafts.new_token(), drafts.Saved("CLASS", other), session,
                    now=now - (90_000 if n % 10 == 0 else 0))
    token = drafts.new_token()
    draft = letters.Draft("yecenia-armenta", "appeal", about="I am a pupil. " * 20,
                          message="We think of you every day. " * 40)
    last = drafts.save(database, token, drafts.Saved("CLASS", draft, 2), session)
    changed, unchanged = [], []
    for n in range(count):
        draft.message = f"We think of you every day ({n}). " * 40
        start = time.perf_counter()
        last = drafts.save(database, token, drafts.Saved("CLASS", draft, 2), session, last=last)
        changed.append(time.perf_counter() - start)
        start = time.perf_counter()
        drafts.save(database, token, drafts.Saved("CLASS", draft, 2), session, last=last)
        unchanged.append(time.perf_counter() - start)
    rows = database.execute("select count(*) from drafts").fetchone()[0]
    database.conn.close()
    print(f"{count} saves of a 1,600-character draft beside 3,000 others (direct calls):")
    print(f"  {'':34} {'p50 ms':>8} {'p95 ms':>8}")
    saving = _row("changed: DELETE expired + UPSERT", changed)
    nothing = _row("unchanged: digest only", unchanged)
    print(f"  {'added by the write':34} {saving[0] - nothing[0]:8.2f} "
          f"{saving[1] - nothing[1]:8.2f}")
    print(f"  rows left: {rows} (the expired ones were deleted by the first save)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=200)
    parser.add_argument("--saves", type=int, default=1000)
    args = parser.parse_args()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="w4r-draft-save-") as tmp:
        direct(args.saves, Path(tmp))
        reruns(args.reruns, Path(tmp), beside_others=True)
        reruns(args.reruns, Path(tmp), beside_others=False)
    print(f"({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
