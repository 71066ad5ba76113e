"""AppTest of drafts kept on the server: a new browser session with the same address (a reload,
a new tab, a reconnect, a restart) finds the same class, the same letter and the same step."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from test_pages import (ROOT, button, field, no_error, shown_field,  # noqa: F401
                        through_app, write_for)
from w4r import db, drafts, kept, letters, sessions, tally

MESSAGE = "Please release Yecenia Armenta: we think of her every day."
PIN = "482913"


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "pages.db"
    monkeypatch.setenv("W4R_DB", str(path))
    database = db.connect(path)
    sessions.create(database, "Class 7B", code="7B2026")
    database.conn.close()
    return path


def opened(query: dict, page: str | None = None) -> AppTest:
    """A new browser session on this address (a reload, a new tab, after a restart)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params.update(query)
    if page:
        at.switch_page(page)
    return no_error(at.run())


def rows(db_path: Path) -> list[tuple]:
    database = db.connect(db_path)
    try:
        return database.execute("select * from drafts").fetchall()
    finally:
        database.conn.close()


def total(db_path: Path, code: str = "7B2026") -> int:
    database = db.connect(db_path)
    try:
        return tally.totals(database, sessions.get(database, code)).total
    finally:
        database.conn.close()


def half_a_letter() -> AppTest:
    """A pupil opens the join link, chooses a case and writes the message."""
    at = opened({"s": "7B2026"})
    assert at.query_params.get("s") == "7B2026"
    at = write_for(at)
    field(at, "message").input(MESSAGE).run()
    return no_error(at)


def test_the_address_keeps_the_join_code_and_a_draft_token(db_path):
    at = half_a_letter()
    token = at.query_params.get("d")
    assert token and len(token) >= 22
    assert at.query_params.get("s") == "7B2026"
    assert len(rows(db_path)) == 1
    assert token not in str(rows(db_path))


def test_joining_by_typed_code_puts_it_in_the_address(db_path):
    at = opened({})
    at.text_input[0].input("7b-2026")
    no_error(button(at, "Join").click().run())
    assert at.query_params.get("s") == "7B2026"


def test_a_new_session_with_the_same_address_restores_class_text_and_step(db_path):
    at = half_a_letter()
    step = at.session_state["w4r.step"]
    assert step > 0
    again = opened(dict(at.query_params), "pages/write.py")  # opened straight on /write
    assert again.title[0].value == "Write for Yecenia Armenta"
    assert shown_field(again, "message").value == MESSAGE
    assert again.session_state["w4r.step"] == step
    assert again.session_state["w4r.draft"].submission_id == \
        at.session_state["w4r.draft"].submission_id
    assert again.query_params == at.query_params
    home = opened(dict(at.query_params))
    assert any("**Class 7B**" in m.value for m in home.markdown), "the same class"


def test_typing_in_either_tab_saves_last_write_wins(db_path):
    first = half_a_letter()
    second = opened(dict(first.query_params), "pages/write.py")
    field(second, "message").input("From the second tab.").run()
    field(first, "message").input("From the first tab, later.").run()
    third = opened(dict(first.query_params), "pages/write.py")
    assert shown_field(third, "message").value == "From the first tab, later."


def test_nothing_is_written_when_nothing_changed(db_path):
    at = half_a_letter()
    before = rows(db_path)
    at.run()
    at.run()
    assert rows(db_path) == before  # same updated time: no write


def test_a_counted_letter_restored_shows_counted_and_counts_once(db_path):
    at = half_a_letter()
    at = no_error(at.switch_page("pages/print.py").run())
    no_error(button(at, "Count my letter").click().run())
    assert total(db_path) == 1
    stored = rows(db_path)[0][-1]
    assert MESSAGE not in stored, "the class keeps no letter text: erased once counted"
    again = opened(dict(at.query_params), "pages/print.py")
    counted = button(again, "Counted")
    assert counted.disabled
    assert any("Your letter is counted" in s.value for s in again.success)
    assert any("does not keep the text of counted letters" in c.value for c in again.caption)
    assert not again.warning, "no “write a few words first” for a letter already counted"
    restored = again.session_state["w4r.draft"]
    database = db.connect(db_path)
    assert not kept.count(database, sessions.get(database, "7B2026"), restored)  # counted once
    database.conn.close()
    assert total(db_path) == 1


def test_a_counted_letter_keeps_its_text_where_the_class_keeps_text(db_path):
    database = db.connect(db_path)
    sessions.update(database, "7B2026", keep_text=True)
    database.conn.close()
    at = half_a_letter()
    at = no_error(at.switch_page("pages/print.py").run())
    no_error(button(at, "Count my letter").click().run())
    again = opened(dict(at.query_params), "pages/print.py")
    assert button(again, "Counted").disabled
    assert again.session_state["w4r.draft"].message == MESSAGE
    again.session_state["w4r.counted"] = set()  # a click that reaches the server anyway
    no_error(button(again.run(), "Count my letter").click().run())
    assert total(db_path) == 1
    assert button(again, "Counted").disabled


def test_write_another_letter_deletes_the_saved_draft(db_path):
    at = half_a_letter()
    at = no_error(at.switch_page("pages/print.py").run())
    no_error(button(at, "Count my letter").click().run())
    no_error(button(at, "Write another letter").click().run())
    assert rows(db_path) == []
    assert "d" not in at.query_params and at.query_params.get("s") == "7B2026"


def test_a_crafted_token_of_another_session_restores_nothing(db_path):
    database = db.connect(db_path)
    other = sessions.create(database, "Class 8A", code="8A2026")
    token = drafts.new_token()
    theirs = letters.Draft("yecenia-armenta", "appeal", message="Theirs, not yours.")
    drafts.save(database, token, drafts.Saved("8A2026", theirs, 2), other)
    database.conn.close()
    before = rows(db_path)
    at = opened({"s": "7B2026", "d": token}, "pages/write.py")
    assert "w4r.draft" not in at.session_state
    assert any("can't be opened" in i.value for i in at.info)
    assert "d" not in at.query_params
    assert rows(db_path) == before, "the other session's draft is untouched"
    at = write_for(at)
    field(at, "message").input(MESSAGE).run()
    assert at.query_params["d"] != token
    assert drafts.load(db.connect(db_path), token, other).draft.message == "Theirs, not yours."


def test_a_wrong_token_is_a_short_notice(db_path):
    at = opened({"s": "7B2026", "d": "not-a-token"})
    assert any("can't be opened" in i.value for i in at.info)
    assert "d" not in at.query_params


def test_a_kiosks_next_visitor_deletes_the_draft(db_path):
    database = db.connect(db_path)
    sessions.update(database, "7B2026", kiosk=True, idle_seconds=60)
    database.conn.close()
    at = opened({"s": "7B2026"})
    no_error(at.button(key="kiosk-start").click().run())
    no_error(at.button(key="kiosk-yecenia-armenta-solidarity").click().run())
    at.text_area[0].input("You are not alone. We think of you.").run()
    assert len(rows(db_path)) == 1
    again = opened(dict(at.query_params))  # the kiosk's browser reloads: same visitor
    assert again.text_area[0].value == "You are not alone. We think of you."
    no_error(button(at, "Count my letter").click().run())
    no_error(button(at, "Next visitor").click().run())
    assert rows(db_path) == []
    assert "d" not in at.query_params


def test_a_kiosk_forgetting_an_idle_visitor_deletes_the_draft(db_path):
    database = db.connect(db_path)
    sessions.update(database, "7B2026", kiosk=True, idle_seconds=10)
    database.conn.close()
    at = opened({"s": "7B2026"})
    no_error(at.button(key="kiosk-start").click().run())
    no_error(at.button(key="kiosk-yecenia-armenta-solidarity").click().run())
    at.text_area[0].input("You are not alone. We think of you.").run()
    address = dict(at.query_params)
    assert len(rows(db_path)) == 1
    at.session_state["w4r.seen"] = time.time() - 11  # the kiosk's idle time is 10 s
    no_error(at.run())
    assert button(at, "Touch to write")
    assert rows(db_path) == [] and "d" not in at.query_params
    later = opened(address)  # the old address brings nothing back
    assert "w4r.draft" not in later.session_state and button(later, "Touch to write")


def test_a_kiosk_draft_older_than_the_idle_time_is_deleted_not_restored(db_path):
    database = db.connect(db_path)
    sessions.update(database, "7B2026", kiosk=True, idle_seconds=10)
    database.conn.close()
    at = opened({"s": "7B2026"})
    no_error(at.button(key="kiosk-start").click().run())
    no_error(at.button(key="kiosk-yecenia-armenta-solidarity").click().run())
    at.text_area[0].input("You are not alone. We think of you.").run()
    database = db.connect(db_path)
    with db.transaction(database):
        database.execute("update drafts set updated_at = updated_at - 11")
    database.conn.close()
    later = opened(dict(at.query_params))
    assert "w4r.draft" not in later.session_state
    assert rows(db_path) == []
