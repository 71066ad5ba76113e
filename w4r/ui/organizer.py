"""Organizer pieces: who is signed in, the guard of every organizer page and callback, the join
link's QR code, and the kept letters' buttons."""

from __future__ import annotations

import io

import segno
import streamlit as st

from w4r import kept, rights, sessions, state
from w4r.db import Database
from w4r.ui import storage
from w4r.ui.common import PAGES, run_database


def signed_in_as(database: Database) -> str | None:
    """The session this browser organizes (a live sign-in), or None."""
    return state.organizer_code(database)


def actor(database: Database) -> rights.Actor:
    """This browser as an actor: the session it writes in, and the one it organizes."""
    return rights.Actor(state.session_code(), signed_in_as(database))


def may(database: Database, action: str, session_code: str) -> bool:
    """True when this browser may take this action on this session."""
    return rights.allowed(actor(database), action, session_code)


def require(database: Database, action: str) -> sessions.Session:
    """The session this browser organizes, if it may take this action there; otherwise the
    visitor is sent to the sign-in page (the page goes no further)."""
    code = signed_in_as(database)
    found = sessions.get(database, code) if code else None
    if found is None or not may(database, action, found.code):
        st.switch_page(PAGES["organizer"])
    return found


def qr_svg(text: str) -> str:
    """A QR code of a text (a join link) as an SVG image, dark on white."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=8, border=2, dark="#000",
                                     light="#fff", xmldecl=False, svgns=True)
    return out.getvalue().decode("utf-8")


# --- callbacks of the kept letters' buttons: each asks again who is signed in -------------------

def mark_letter(code: str, submission_id: str, status: str) -> None:
    """Mark a kept letter printed or sent."""
    storage.in_callback(lambda: _on_letter(code, kept.mark, [submission_id], status), "change")


def _on_letter(code: str, change, *args) -> None:
    """Change kept letters of a session this browser may review (one try, one connection)."""
    with run_database() as database:
        if may(database, "review", code):
            change(database, code, *args)


def hide_letter(code: str, submission_id: str, hidden: bool) -> None:
    """Hide a kept letter (or show it again)."""
    storage.in_callback(lambda: _on_letter(code, kept.hide, submission_id, hidden), "change")


def delete_letter(code: str, submission_id: str) -> None:
    """Delete one kept letter's text; its count stays."""
    storage.in_callback(lambda: _on_letter(code, kept.delete, submission_id), "change")
