"""The server re-checks every count and print: the rules in w4r.counting, and the pages' callbacks
attacked directly (typing and clicking in the same rerun, a disabled button, a prefilled letter)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from test_pages import ROOT, button, field, no_error, through_app, write_for  # noqa: F401
from w4r import counting, db, kept, letters, sessions, tally
from w4r.cases import load_cases

CASE = "yecenia-armenta"
PHONE = "Call me on +44 7700 900123"


@pytest.fixture(scope="module")
def case():
    return load_cases(ROOT / "content" / "cases").get(CASE)


def draft_for(case, kind: str = "solidarity", **parts) -> letters.Draft:
    draft = letters.start(case, kind)
    for name, value in parts.items():
        setattr(draft, name, value)
    return draft


# --- the rules --------------------------------------------------------------------------------


def test_an_empty_letter_or_one_with_only_what_the_app_put_in_is_refused(db, case):
    session = sessions.default(db)
    for draft in (draft_for(case), draft_for(case, "appeal"),  # the appeal holds the case's ask
                  draft_for(case, "appeal", about="I have read about the case of Yecenia Armenta."),
                  draft_for(case, "appeal", about="I am a student at")):
        result = counting.count(db, session, draft, case, "en")
        assert result.refused and not result.new
        assert "own" in " ".join(result.problems) or "no message" in " ".join(result.problems)
    assert tally.totals(db, session).total == 0


def test_a_letter_with_own_words_counts_once(db, case):
    session = sessions.default(db)
    draft = draft_for(case, "appeal", about="I am a teacher in Leeds and I care about justice.")
    assert counting.count(db, session, draft, case, "en").new
    assert not counting.count(db, session, draft, case, "en").new
    assert tally.totals(db, session).total == 1


def test_a_blocked_letter_is_refused_whatever_the_page_showed(db, case):
    session = sessions.default(db)
    for kind, field_name in (("solidarity", "message"), ("appeal", "about")):
        draft = draft_for(case, kind, **{field_name: f"We are with you. {PHONE}"})
        result = counting.count(db, session, draft, case, "en")
        assert result.refused, kind  # personal data: appeals are checked too
    assert tally.totals(db, session).total == 0


def test_personal_data_counts_where_the_session_allows_it(db, case):
    session = sessions.update(db, db_default(db), personal_data=True)
    draft = draft_for(case, "appeal", about=f"I am a teacher. {PHONE}")
    assert counting.count(db, session, draft, case, "en").new


def db_default(database) -> str:
    return sessions.default(database).code


def test_a_case_or_kind_the_session_does_not_offer_is_refused(db, case):
    session = sessions.update(db, db_default(db), cases=("jani-silva",))
    assert counting.count(db, session, draft_for(case, message="Stay strong, we think of you."),
                          case, "en").refused
    session = sessions.update(db, db_default(db), cases=(), kinds=("appeal",))
    assert counting.count(db, session, draft_for(case, message="Stay strong, we think of you."),
                          case, "en").refused


def test_own_words_in_any_script(case):
    given = counting.given_texts(case, sessions.Session("CLASS", "x"), "solidarity", "en")
    assert counting.own_letters(draft_for(case, message="加油！"), given) >= 4
    assert counting.own_letters(draft_for(case, message="Stay strong"), given) >= 4
    assert counting.own_letters(draft_for(case, message="  ...  "), given) == 0


# --- the pages' callbacks, attacked --------------------------------------------------------------


@pytest.fixture
def pages_db(tmp_path) -> Path:
    return tmp_path / "pages.db"


@pytest.fixture
def app(pages_db, monkeypatch) -> AppTest:
    monkeypatch.setenv("W4R_DB", str(pages_db))
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()


def counted(path: Path) -> int:
    with db.opened(path) as database:
        return tally.totals(database, sessions.default(database)).total


def test_typing_personal_data_and_clicking_count_in_the_same_rerun_counts_nothing(app, pages_db):
    at = write_for(app, kind="solidarity")
    field(at, "message").input("You are not alone.").run()
    at.switch_page("pages/print.py").run()
    assert not button(at, "Count my letter").disabled
    # the browser sends the click with a change the page never saw (a second tab, a crafted
    # message): the draft now holds a phone number when the callback runs
    at.session_state["w4r.draft"].message = f"You are not alone. {PHONE}"
    no_error(button(at, "Count my letter").click().run())
    assert counted(pages_db) == 0
    assert any("phone" in w.value for w in at.warning)


def test_the_count_callback_of_an_appeal_with_only_the_prefilled_ask_counts_nothing(app, pages_db):
    at = write_for(app, kind="appeal")
    at.switch_page("pages/print.py").run()
    assert button(at, "Count my letter").disabled  # only the salutation, the ask, the closing
    at.switch_page("pages/write.py").run()
    field(at, "about").input("I am a student and I care.").run()
    at.switch_page("pages/print.py").run()
    assert not button(at, "Count my letter").disabled
    # the words go (another tab, a crafted message) before the click reaches the server
    at.session_state["w4r.draft"].about = ""
    no_error(button(at, "Count my letter").click().run())
    assert counted(pages_db) == 0
    assert any("own" in w.value for w in at.warning)


def test_switching_the_kind_of_a_counted_letter_starts_a_new_countable_letter(app, pages_db):
    at = write_for(app, kind="solidarity")
    field(at, "message").input("You are not alone, we think of you.").run()
    at.switch_page("pages/print.py").run()
    no_error(button(at, "Count my letter").click().run())
    first = at.session_state["w4r.draft"].submission_id
    at.switch_page("pages/write.py").run()
    [kind] = [g for g in at.get("button_group") if g.key == "w4r.field.kind"]
    kind.set_value("appeal").run()
    second = at.session_state["w4r.draft"]
    assert second.kind == "appeal" and second.submission_id != first
    field(at, "about").input("I am a student and I care about justice.").run()
    at.switch_page("pages/print.py").run()
    no_error(button(at, "Count my letter").click().run())
    assert counted(pages_db) == 2


@pytest.fixture
def kiosk_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "kiosk.db"
    monkeypatch.setenv("W4R_DB", str(path))
    with db.opened(path) as database:
        sessions.update(database, db.DEFAULT_SESSION, kiosk=True, keep_text=True,
                        printer="hall")
    return path


def test_the_kiosk_prints_exactly_the_text_it_counts_typed_in_the_same_rerun(kiosk_db, fake_lp,
                                                                              tmp_path):
    at = no_error(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run())
    no_error(at.button(key="kiosk-start").click().run())
    no_error(at.button(key="kiosk-yecenia-armenta-solidarity").click().run())
    at.text_area[0].input("First words.").run()
    # new words typed and Print tapped at once: one rerun carries both
    at.text_area[0].set_value("Stay strong, Yecenia. We are thinking of you in Lyon.")
    no_error(button(at, "Print my letter").click().run())
    sent = " ".join(p.extract_text() for p in
                    PdfReader(io.BytesIO((tmp_path / "sent.pdf").read_bytes())).pages)
    assert "thinking of you in Lyon" in " ".join(sent.split())
    assert "First words" not in sent
    with db.opened(kiosk_db) as database:
        [letter] = kept.listing(database, db.DEFAULT_SESSION)
    assert letter.parts["message"] == "Stay strong, Yecenia. We are thinking of you in Lyon."
    assert counted(kiosk_db) == 1


def test_the_kiosk_refuses_personal_data_typed_in_the_same_rerun_as_count(tmp_path, monkeypatch):
    path = tmp_path / "k.db"
    monkeypatch.setenv("W4R_DB", str(path))
    with db.opened(path) as database:
        sessions.update(database, db.DEFAULT_SESSION, kiosk=True)
    at = no_error(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run())
    no_error(at.button(key="kiosk-start").click().run())
    no_error(at.button(key="kiosk-yecenia-armenta-solidarity").click().run())
    at.text_area[0].input("You are not alone.").run()
    assert not button(at, "Count my letter").disabled
    at.text_area[0].set_value(f"You are not alone. {PHONE}")
    no_error(button(at, "Count my letter").click().run())
    assert counted(path) == 0
    assert at.session_state["w4r.kiosk.phase"] == "write"


# --- connections -------------------------------------------------------------------------------


def open_handles(path: Path) -> int:
    """File descriptors of this process open on the database file (or its WAL)."""
    found = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        found += target == str(path)
    return found


def test_200_reruns_leave_no_open_database_handle(app, pages_db):
    before = open_handles(pages_db)
    at = write_for(app, kind="solidarity")
    for number in range(200):
        at.run() if number % 2 else field(at, "message").input(f"Stay strong {number}").run()
    no_error(at)
    assert open_handles(pages_db) <= before + 1, "one connection at most (a cached read)"


def test_a_kind_the_browser_made_up_changes_nothing(app):
    at = write_for(app, kind="solidarity")
    [kind] = [g for g in at.get("button_group") if g.key == "w4r.field.kind"]
    no_error(kind.set_value(None).run())  # a deselected (or crafted) choice
    assert at.session_state["w4r.draft"].kind == "solidarity"
