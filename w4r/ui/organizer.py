"""Organizer pieces: who is signed in, the guard of every organizer page and callback, the join
link's QR code, the projector link's button and the kept letters' buttons."""

from __future__ import annotations

import io
import json

import segno
import streamlit as st
from streamlit.components.v1 import html as component_html

from w4r import kept, links, rights, sessions, state
from w4r.db import Database
from w4r.ui import storage
from w4r.ui.common import PAGES, base_url, run_database


def signed_in_as(database: Database) -> str | None:
    """The session this browser organizes (a live sign-in), or None."""
    return state.organizer_code(database)


def actor(database: Database) -> rights.Actor:
    """This browser as an actor: the session it writes in, and the one it organizes (none on a
    locked kiosk server)."""
    if locked := state.locked_code():
        return rights.kiosk_actor(locked)
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


# Sets the sign-in cookie of the app (the iframe of st.components.v1.html is same-origin), or
# clears it when it still holds a token that ended. Never in the URL; Secure on https.
_COOKIE_JS = """<script>(() => {
const name = %(name)s, value = %(value)s, dead = %(dead)s;
const app = window.parent, page = app.document;
const now = (page.cookie.split("; ").find(c => c.startsWith(name + "=")) || "").slice(name.length + 1);
const flags = "; path=/; SameSite=Strict" + (app.location.protocol === "https:" ? "; Secure" : "");
if (value && now !== value) page.cookie = name + "=" + value + flags;
if (!value && now && dead.includes(now)) page.cookie = name + "=; Max-Age=0" + flags;
})();</script>"""


def _js(value: object) -> str:
    return json.dumps(value).replace("<", "\\u003c")


def keep_sign_in() -> None:
    """Keep this browser's sign-in across a reload in a cookie (w4r_signin), or clear a cookie
    whose sign-in ended (signed out, expired, PIN changed)."""
    wanted = state.signin_cookie()
    if wanted is not None:
        value, dead = wanted
        component_html(_COOKIE_JS % {"name": _js(state.SIGNIN_COOKIE), "value": _js(value),
                                     "dead": _js(list(dead))}, height=0, tab_index=-1)


WATCH_MIN_S = 2.0  # the sign-in timer looks at least this far apart …
WATCH_MAX_S = 30.0  # … and at most this far: a tenth of the sign-in's idle limit in between


def watch_sign_in() -> None:
    """Leave the organizer's pages by themselves when the sign-in ends unused (on a kiosk after
    its idle time, elsewhere after 30 minutes): a timer looks at the sign-in, without counting
    as its use, and reruns the app once it ended (the kiosk, or the sign-in page, comes back)."""
    with run_database() as database:
        limit = state.organizer_idle_s(database)
    if limit is None:
        return

    @st.fragment(run_every=min(max(limit / 10, WATCH_MIN_S), WATCH_MAX_S))
    def sign_in_timer() -> None:
        with storage.page_guard(), run_database() as database:
            ended = state.organizer_code(database, touch=False) is None
        if ended:
            st.rerun(scope="app")

    sign_in_timer()


def qr_svg(text: str) -> str:
    """A QR code of a text (a join link) as an SVG image, dark on white."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=8, border=2, dark="#000",
                                     light="#fff", xmldecl=False, svgns=True)
    return out.getvalue().decode("utf-8")


def new_projector_link(code: str) -> None:
    """Callback: make a new projector link for the session; its previous one stops working."""
    with run_database() as database:
        if may(database, "projector", code):
            state.projector_link(code, links.projector_link(
                base_url(), links.issue_display(database, code)))


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
