"""Honest words for counts: totals are actions, and letters are shown on their own."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from test_pages import ROOT, no_error, page_html, through_app  # noqa: F401 (autouse fixture)
from w4r import access, db, sessions, tally

PIN = "482913"


def fill(database) -> None:
    tally.record(database, tally.Action("l1", "CLASS", "jani-silva", "appeal"))
    tally.record(database, tally.Action("p1", "CLASS", "jani-silva", "appeal", "petition", 500))
    tally.record(database, tally.Action("c1", "CLASS", "jani-silva", "solidarity", "card", 2))


def test_totals_count_letters_apart_from_other_actions(db):
    fill(db)
    totals = tally.totals(db, sessions.default(db))
    assert (totals.total, totals.letters) == (503, 3)
    assert totals.by_case == {"jani-silva": {"appeal": 501, "solidarity": 2}}


def test_home_and_projector_say_actions_and_letters(tmp_path, monkeypatch):
    path = tmp_path / "w4r.db"
    monkeypatch.setenv("W4R_DB", str(path))
    with db.opened(path) as database:
        fill(database)
        access.set_pin(database, "CLASS", PIN)
    at = no_error(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run())
    assert any("Actions counted so far: 503 (letters: 3)" in m.value for m in at.markdown)
    at.switch_page("pages/organizer.py").run()
    at.text_input[1].input(PIN)
    no_error([b for b in at.button if b.label == "Sign in"][0].click().run())
    no_error(at.switch_page("pages/projector.py").run())
    html = page_html(at)
    assert 'w4r-total">503<' in html and "actions for human rights" in html
    assert "Actions counted so far: 503 (letters: 3)" in html
    assert "501 letters" not in html and "503 letters" not in html
    just_counted = " ".join(m.value for m in at.markdown)
    assert "500 × petition signatures for" in just_counted
    assert "2 × cards for" in just_counted and "appeal letter for" in just_counted
