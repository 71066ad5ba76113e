"""Kiosk pieces: forgetting an idle visitor, starting a letter, the one writing step, the PDF,
and leaving kiosk mode with the PIN."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from w4r import letters, pdf, prompts, sessions, state, visits
from w4r.cases import Case
from w4r.db import Database
from w4r.ui import storage
from w4r.ui.common import _, inert, lang, run_database

REFRESH_S = 5


# the idle watcher: files served by this server only (nothing from the network)
_idle_watcher = components.declare_component("w4r_idle", path=str(Path(__file__).parent / "idle"))


def left_something(session: sessions.Session) -> bool:
    """True when the visitor left anything to forget (a step, a letter, a language, a choice)."""
    return state.phase() != "attract" or state.ui_lang() != session.language \
        or state.display("large") or state.display("contrast") or state.draft() is not None


def forget_if_idle(session: sessions.Session) -> bool:
    """Forget a visitor who has done nothing for the session's idle time; True if forgotten.

    The server's own check (it sees only clicks and committed text): the fallback of the idle
    watcher, which sees typing too."""
    if left_something(session) and state.idle_for(time.time()) > session.idle_seconds:
        next_visitor()
        return True
    return False


@st.fragment
def idle_watch(session: sessions.Session, visit: int) -> None:
    """The idle watcher on every kiosk screen: typing, taps and scrolling keep the visitor; a
    heartbeat reruns only this fragment; after the idle time the visitor is forgotten and the
    whole screen goes back to the attract screen."""
    _idle_watcher(idle_s=session.idle_seconds, warn_s=visits.warn_before(session.idle_seconds),
                  heartbeat_s=visits.heartbeat(session.idle_seconds),
                  armed=left_something(session), visit=visit,
                  labels={"title": _("Still there?"),
                          "text": _("The screen starts again in {seconds} s.", seconds="{seconds}"),
                          "button": _("I'm still here")},
                  key=state.IDLE_KEY, default=None, on_change=partial(idle_reported, session))
    if state.visit() != visit:  # forgotten by the report: the whole screen starts again
        st.rerun(scope="app")


def idle_reported(session: sessions.Session) -> None:
    """Callback of the idle watcher: "active" keeps the visitor, "idle" forgets them."""
    report = state.idle_report() or {}
    if report.get("event") == "active":
        state.touch(time.time())
    elif report.get("event") == "idle" and left_something(session):
        next_visitor()


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
