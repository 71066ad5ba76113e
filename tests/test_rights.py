"""Rights belong to one session: `rights.allowed` for every actor and action, and the organizer's
callbacks asked directly by a browser that does not organize the session."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from w4r import db, kept, letters, rights, sessions
from w4r.cases import load_cases

from conftest import SHIPPED_CASES_DIR

VISITOR = rights.Actor(writes_in="CLASS")
ORGANIZER_A = rights.Actor(writes_in="AAA111", organizer_of="AAA111")


@pytest.mark.parametrize("action", sorted(rights.VISITOR_ACTIONS))
def test_a_visitor_writes_and_counts_only_in_their_own_session(action):
    assert rights.allowed(VISITOR, action, "CLASS")
    assert not rights.allowed(VISITOR, action, "AAA111")


@pytest.mark.parametrize("action", sorted(rights.ORGANIZER_ACTIONS))
def test_a_visitor_may_do_no_organizer_action_anywhere(action):
    assert not rights.allowed(VISITOR, action, "CLASS")


@pytest.mark.parametrize("action", sorted(rights.SESSION_ACTIONS))
def test_an_organizer_of_a_may_do_everything_in_a_and_nothing_in_b(action):
    assert rights.allowed(ORGANIZER_A, action, "AAA111")
    assert not rights.allowed(ORGANIZER_A, action, "BBB222")


def test_an_unknown_action_is_an_error_not_a_yes():
    with pytest.raises(ValueError):
        rights.allowed(ORGANIZER_A, "delete-everything", "AAA111")


CALLBACKS_OF_B = """
from w4r.ui import organizer
sid = {sid!r}
organizer.mark_letter("BBB222", sid, "sent")
organizer.hide_letter("BBB222", sid, True)
organizer.delete_letter("BBB222", sid)
"""


def test_review_callbacks_for_a_session_this_browser_does_not_organize_change_nothing(
        tmp_path, monkeypatch):
    path = tmp_path / "w4r.db"
    monkeypatch.setenv("W4R_DB", str(path))
    with db.opened(path) as database:
        other = sessions.create(database, "Class B", code="BBB222", keep_text=True)
        case = load_cases(SHIPPED_CASES_DIR).get("yecenia-armenta")
        draft = letters.start(case, "solidarity")
        draft.message = "We think of you."
        kept.count(database, other, draft)
        sid = draft.submission_id
    script = tmp_path / "callbacks_of_b.py"  # the Review page's callbacks, for session BBB222
    script.write_text(CALLBACKS_OF_B.format(sid=sid))
    at = AppTest.from_file(str(script), default_timeout=30).run()
    assert not at.exception
    with db.opened(path) as database:
        [letter] = kept.listing(database, "BBB222", hidden=True)
    assert letter.status == "new" and not letter.hidden


def test_a_locked_kiosk_browser_is_a_visitor_of_its_session_only():
    actor = rights.kiosk_actor("FAIR24")
    assert actor == rights.Actor(writes_in="FAIR24")
    for action in rights.VISITOR_ACTIONS:
        assert rights.allowed(actor, action, "FAIR24")
        assert not rights.allowed(actor, action, "OTHER7")
    for action in rights.ORGANIZER_ACTIONS | rights.DISPLAY_ACTIONS:
        assert not rights.allowed(actor, action, "FAIR24")
