"""Kiosk pieces: forgetting an idle visitor, starting a letter, the one writing step, the PDF,
and leaving kiosk mode with the PIN."""

from __future__ import annotations

import time

import streamlit as st

from w4r import letters, pdf, prompts, sessions, state
from w4r.cases import Case
from w4r.db import Database
from w4r.ui import storage
from w4r.ui.common import _, inert, lang, run_database

REFRESH_S = 5


def forget_if_idle(session: sessions.Session) -> bool:
    """Forget a visitor who has done nothing for the session's idle time; True if forgotten."""
    left_something = state.phase() != "attract" or state.ui_lang() != session.language \
        or state.display("large") or state.display("contrast") or state.draft() is not None
    if left_something and state.idle_for(time.time()) > session.idle_seconds:
        next_visitor()
        return True
    return False


def next_visitor() -> None:
    """Callback of “Next visitor” (and the idle timer): forget the visitor, saved draft too."""
    with run_database() as database:
        state.forget_visitor(database)


def begin(case: Case, kind: str) -> None:
    """Callback of a case's button at the kiosk: start the letter and go to writing."""
    state.begin(case, kind)
    state.go_phase("write")


def step(kind: str, session: sessions.Session, case: Case) -> prompts.Step:
    """The one composer step a kiosk visitor fills in: the message."""
    found = prompts.steps(kind, lang(), session.simple, case=case)
    return next(each for each in found if each.field == "message")


def letter_pdf(letter: letters.Letter) -> pdf.Printed | None:
    """The visitor's PDF, or None with a message when no font prints their script."""
    try:
        return state.printed(letter, "a4")
    except pdf.UnsupportedText as exc:
        st.warning(inert(str(exc)), icon=":material/translate:")
        return None


def may_leave() -> bool:
    """True on a kiosk an organizer may leave with the PIN; False on a locked kiosk server."""
    return state.locked_code() is None


def exit_form(database: Database, session: sessions.Session) -> None:
    """Leave kiosk mode on this screen with the session's organizer PIN."""
    if not may_leave():
        return
    with st.form("kiosk-exit", border=False):
        pin = st.text_input(_("Organizer PIN"), type="password", max_chars=64)
        leave = st.form_submit_button(_("Leave kiosk mode"))
    if leave:
        done, attempt = storage.guarded(  # this sign-in lasts the kiosk's idle time unused
            lambda: state.unlock(database, session.code, pin, at_kiosk=True), "sign-in")
        if done and attempt.ok:
            st.rerun()
        if done:
            st.error(inert(attempt.message), icon=":material/lock:")
