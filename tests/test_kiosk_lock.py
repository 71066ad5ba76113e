"""A locked kiosk server (W4R_KIOSK=CODE): every address, join link, projector link and draft
link of another session shows that session's kiosk; no organizer page, no sign-in, no way out;
an unknown code is a clear refusal (in the app and in `python -m w4r kiosk check`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from test_pages import ROOT, no_error, through_app  # noqa: F401 (autouse fixture)
from w4r import access, cli, db, links, rights, sessions
from w4r.ui import PAGES, locked

PIN = "482913"
FAIR = "FAIR24"
OTHER = "OTHER7"


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "locked.db"
    monkeypatch.setenv("W4R_DB", str(path))
    monkeypatch.setenv("W4R_KIOSK", FAIR.lower() + " ")  # as typed: any case, spaces
    database = db.connect(path)
    access.create_session(database, PIN, "Town fair", kind="event", code=FAIR)  # kiosk off
    access.create_session(database, PIN, "Class 7B", code=OTHER)
    database.conn.close()
    return path


def window(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return no_error(at.run())


def assert_kiosk_of_fair(at: AppTest) -> None:
    assert [t.value for t in at.title] == ["Write for Rights"]
    assert at.button(key="kiosk-start"), "the attract screen"
    assert at.session_state["w4r.session"] == FAIR
    assert at.query_params["s"] in (FAIR, [FAIR])
    assert not at.sidebar.children.get(0), "no sidebar"
    assert not [b for b in at.button if b.label == "Leave kiosk mode"]
    assert not at.text_input, "no PIN field, no sign-in form"
    assert not at.expander, "no Organizer expander"


@pytest.mark.parametrize("query", [{}, {"s": OTHER}, {"s": "NOSUCH"}, {"s": db.DEFAULT_SESSION}],
                         ids=["plain", "other", "unknown", "default"])
def test_any_join_link_shows_the_kiosk_of_its_session(db_path, query):
    at = window(query)
    assert_kiosk_of_fair(at)
    assert not at.success and not at.info, "no notice about another session"


def test_a_projector_link_of_another_session_shows_the_kiosk(db_path):
    token = links.issue_display(db.connect(db_path), OTHER)
    at = window({"p": token})
    assert_kiosk_of_fair(at)
    assert "p" not in at.query_params
    assert "Class 7B" not in " ".join(m.value for m in at.markdown)


def test_a_draft_link_of_another_session_restores_nothing(db_path):
    at = window({"s": OTHER, "d": "x" * 24})
    assert_kiosk_of_fair(at)
    assert "w4r.draft" not in at.session_state


def test_no_organizer_page_can_be_switched_to_and_every_address_is_the_kiosk(db_path):
    at = window()
    for page in PAGES:
        if page != "kiosk":
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(PAGES[page])
    # every page's address (/organizer, /review …) is the kiosk page under that address (the
    # addresses themselves are tried in Chromium: test_e2e_kiosk_locked.py)
    assert len(locked.pages()) == len(PAGES)


def test_a_live_sign_in_cookie_opens_nothing(db_path, monkeypatch):
    from w4r import state

    token = access.sign_in(db.connect(db_path), FAIR, PIN, "browser").token
    monkeypatch.setattr(state, "_browser_cookies", lambda: {state.SIGNIN_COOKIE: token})
    assert_kiosk_of_fair(window())


def _join_script() -> None:
    """A script run on the locked server: join another session, follow its link, sign in."""
    import streamlit as st

    from w4r import db, state

    database = db.connect()
    st.query_params["s"] = "OTHER7"
    state.join_from_link(database)
    joined = state.join(database, "OTHER7")
    attempt = state.unlock(database, "OTHER7", "482913")
    st.session_state["result"] = (state.session_code(), joined, attempt.ok,
                                  state.organizer_code(database))


def test_join_and_sign_in_never_leave_the_locked_session(db_path):
    at = no_error(AppTest.from_function(_join_script, default_timeout=30).run())
    assert at.session_state["result"] == (FAIR, None, False, None)
    assert state_of_rights()


def state_of_rights() -> bool:
    """The rights of a locked kiosk browser: a visitor of its session, nothing else."""
    actor = rights.kiosk_actor(FAIR)
    assert actor == rights.Actor(writes_in=FAIR)
    assert rights.allowed(actor, "count", FAIR) and rights.allowed(actor, "write", FAIR)
    assert not rights.allowed(actor, "count", OTHER)
    for action in rights.ORGANIZER_ACTIONS | rights.DISPLAY_ACTIONS:
        assert not rights.allowed(actor, action, FAIR)
    return True


def _organizer_callback_script() -> None:
    """An organizer page's callback on the locked server, in a browser holding a live sign-in."""
    import streamlit as st

    from w4r import access, db
    from w4r.ui import organizer

    database = db.connect()
    st.session_state["w4r.organizer"] = access.sign_in(database, "FAIR24", "482913", "b").token
    st.session_state["result"] = (organizer.actor(database),
                                  organizer.may(database, "review", "FAIR24"))


def test_an_organizer_callback_is_refused_even_with_a_live_sign_in(db_path):
    at = no_error(AppTest.from_function(_organizer_callback_script, default_timeout=30).run())
    assert at.session_state["result"] == (rights.Actor(writes_in=FAIR), False)


def test_an_unknown_code_is_a_clear_refusal(db_path, monkeypatch):
    monkeypatch.setenv("W4R_KIOSK", "NOSUCH")
    at = window({"s": OTHER})
    assert any("locked to the session “NOSUCH”, which does not exist" in e.value
               for e in at.error)
    assert not at.button and not at.text_input and not at.title


def test_kiosk_check_names_the_session_or_fails_with_the_known_codes(db_path, capsys):
    assert cli.main(["kiosk", "check", FAIR.lower()]) == 0
    assert "Locked kiosk of Town fair (FAIR24)" in capsys.readouterr().out
    assert cli.main(["kiosk", "check", "NOSUCH"]) == 1
    err = capsys.readouterr().err
    assert "kiosk: not started" in err and "NOSUCH" in err and FAIR in err
    assert cli.main(["kiosk", "check", ""]) == 1
    assert "no session code given" in capsys.readouterr().err


def test_the_kiosk_switch_of_a_session_still_works_without_the_lock(db_path, monkeypatch):
    monkeypatch.delenv("W4R_KIOSK")
    sessions.update(db.connect(db_path), OTHER, kiosk=True)
    at = window({"s": OTHER})
    assert at.session_state["w4r.session"] == OTHER
    assert [b for b in at.button if b.label == "Leave kiosk mode"]
