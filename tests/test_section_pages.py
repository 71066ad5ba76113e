"""AppTest for the Section page: the passphrase sign-in, the shared sessions' totals and nothing
of a session that did not opt in, the report downloads, the section projector link; callbacks
asked by a visitor or an organizer, crafted links and revoked tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from test_pages import (ROOT, button, no_error, page_html,  # noqa: F401 (autouse fixture)
                        through_app)
from w4r import access, db, section, sessions, state, tally

PHRASE = "green tea at noon on the hill"
PIN = "482913"
SECRET = "Hidden Academy"


@pytest.fixture(autouse=True)
def quick_hash(monkeypatch):
    monkeypatch.setattr(access, "SCRYPT", {"n": 2**8, "r": 8, "p": 1})


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    """Two sessions shared with the section, one not; the section passphrase set."""
    path = tmp_path / "section.db"
    monkeypatch.setenv("W4R_DB", str(path))
    monkeypatch.delenv("W4R_CONTENT", raising=False)
    monkeypatch.delenv("W4R_SECTION_TZ", raising=False)
    database = db.connect(path)
    access.create_session(database, PIN, "Class 7B", code="SHRA1", grouping="Lycée Hugo",
                          goal=50, section_shared=True)
    sessions.create(database, "Town fair", code="SHRB2", goal=30, section_shared=True)
    sessions.create(database, SECRET, code="NOPE3", grouping=SECRET)
    for sid, code, count in (("a1", "SHRA1", 2), ("b1", "SHRB2", 5), ("n1", "NOPE3", 1000)):
        tally.record(database, tally.Action(sid, code, "jani-silva", "appeal", "letter", count,
                                            "2026-12-10T10:00:00+00:00", "cli"))
    section.set_passphrase(database, PHRASE)
    database.conn.close()
    return path


def section_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    no_error(at.run())
    return no_error(at.switch_page("pages/section.py").run())


def sign_in(at: AppTest, phrase: str = PHRASE) -> AppTest:
    [field] = [t for t in at.text_input if t.label == "Section passphrase"]
    field.input(phrase)
    return no_error(button(at, "Sign in").click().run())


def everything_shown(at: AppTest) -> str:
    frames = " ".join(frame.value.to_string() for frame in at.dataframe)
    return " ".join([frames, page_html(at), *(m.value for m in at.markdown),
                     *(c.value for c in at.caption), *(c.value for c in at.code)])


def test_before_the_sign_in_the_page_shows_only_the_form(db_path):
    at = section_page({"section": "1", "admin": "true"})  # a crafted ?section= link
    assert [t.label for t in at.text_input] == ["Section passphrase"]
    assert not at.dataframe and not at.get("download_button")
    text = everything_shown(at)
    assert "Town fair" not in text and SECRET not in text


def test_without_a_passphrase_it_says_who_sets_one(db_path):
    section.clear_passphrase(db.connect(db_path))
    at = section_page()
    assert not at.text_input and any("python -m w4r section passphrase" in i.value
                                     for i in at.info)


def test_a_wrong_passphrase_is_refused_then_slowed(db_path):
    at = section_page()
    for _ in range(access.FREE_TRIES):
        sign_in(at, "not the passphrase")
    assert any("Too many wrong passphrases" in e.value for e in at.error)
    sign_in(at)  # even the right one waits now
    assert not at.dataframe and any("Too many" in e.value for e in at.error)


def test_the_administrator_sees_the_shared_sessions_only(db_path):
    at = sign_in(section_page())
    text = everything_shown(at)
    assert "Lycée Hugo" in text and "Town fair" in text
    assert SECRET not in text and "1000" not in text and "1,007" not in text
    assert any(m.value == "7" for m in at.metric)  # actions counted: 2 + 5
    assert "By day (UTC)" in [h.value for h in at.subheader]
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Section report (CSV)", "Section report (JSON)", "Section report (PDF)"]


def test_the_administrator_organizes_no_session(db_path):
    at = sign_in(section_page())
    for page in ("session", "review", "reports"):
        no_error(at.switch_page(f"pages/{page}.py").run())
        assert at.title[0].value == "Organizer"  # sent to the sign-in page
        assert not any(b.label == "Save settings" for b in at.button)
        assert not any("You are signed in as the organizer" in s.value for s in at.success)


def test_an_organizer_sees_nothing_of_the_section_and_shares_by_choice(db_path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["s"] = "SHRA1"
    at.run().switch_page("pages/organizer.py").run()
    fields = {t.label: t for t in at.text_input}
    fields["Session code"].input("SHRA1")
    fields["Organizer PIN"].input(PIN)
    no_error(button(at, "Sign in").click().run())
    no_error(at.switch_page("pages/section.py").run())
    assert [t.label for t in at.text_input] == ["Section passphrase"] and not at.dataframe
    no_error(at.switch_page("pages/session.py").run())
    toggle = next(t for t in at.toggle if t.label == "Share this session's counts with the section")
    assert toggle.value is True
    toggle.set_value(False)
    no_error(button(at, "Save settings").click().run())
    assert sessions.get(db.connect(db_path), "SHRA1").section_shared is False


def test_the_section_projector_link_shows_the_total_until_it_is_ended(db_path):
    at = sign_in(section_page())
    no_error(button(at, "Make a new section projector link").click().run())
    link = next(c.value for c in at.code if "/?sp=" in c.value)
    token = link.split("?sp=")[1]
    window = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    window.query_params["sp"] = token
    no_error(window.run())
    blocks = page_html(window)
    assert 'w4r-total">7<' in blocks and "goal 80" in blocks
    assert SECRET not in blocks and not window.text_input and not window.button
    no_error(button(at, "End the section projector link").click().run())
    window = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    window.query_params["sp"] = token
    no_error(window.run())
    assert any("section projector link does not work" in e.value for e in window.error)
    assert 'w4r-total' not in page_html(window)


@pytest.mark.parametrize("token", ["wrong", "x" * 5000, ""])
def test_a_crafted_section_projector_link_reveals_nothing(db_path, token):
    section.issue_display(db.connect(db_path))
    window = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    window.query_params["sp"] = token
    no_error(window.run())
    assert any("does not work" in e.value for e in window.error)
    assert "w4r-total" not in page_html(window)


CALLBACKS = """
import streamlit as st
from w4r import access, db, state
from w4r.ui import section
if {organizer!r}:
    with db.opened() as database:
        st.session_state[state._ORGANIZER] = access.sign_in(database, "SHRA1", {pin!r}, "x").token
section.new_projector_link()
section.revoke_projector_link()
st.write("csv:" + repr(section._report_data("csv", {{}})))
st.write("pdf:" + repr(section._report_data("pdf", {{}})[:4]))
"""


@pytest.mark.parametrize("organizer", [False, True])
def test_section_callbacks_asked_by_a_visitor_or_an_organizer_do_nothing(db_path, tmp_path,
                                                                           organizer):
    database = db.connect(db_path)
    live = section.issue_display(database)
    script = tmp_path / "section_callbacks.py"
    script.write_text(CALLBACKS.format(organizer=organizer, pin=PIN))
    at = AppTest.from_file(str(script), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    assert section.displayed(database, live)  # not revoked, not renewed
    assert [m.value for m in at.markdown] == ["csv:b''", "pdf:b''"]
    if organizer:
        assert state._ORGANIZER in at.session_state


def test_an_idle_sign_in_ends_and_the_page_asks_again(db_path):
    at = sign_in(section_page())
    assert at.dataframe
    database = db.connect(db_path)
    database.execute("update section_signins set last_seen = last_seen - ?",
                     [int(access.SIGNIN_IDLE_S) + 1])
    no_error(at.run())
    assert not at.dataframe and [t.label for t in at.text_input] == ["Section passphrase"]


def test_a_locked_kiosk_server_has_no_section(db_path, monkeypatch):
    monkeypatch.setenv("W4R_KIOSK", "SHRA1")
    token = section.issue_display(db.connect(db_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["sp"] = token
    no_error(at.run())
    assert "sp" not in at.query_params and "w4r-total" not in page_html(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/section.py")
