"""The locked kiosk server (W4R_KIOSK=CODE): that session's kiosk on every address of the app,
and nothing else; or, when the code names no session, a clear refusal."""

from __future__ import annotations

import streamlit as st

from w4r import sessions
from w4r.db import Database
from w4r.ui.common import _, at_every_address, inert


def session(database: Database, code: str) -> sessions.Session | None:
    """The session the server is locked to, or None when there is none with that code."""
    return sessions.get(database, code)


def pages() -> list:
    """The kiosk page, also under the address of every other page (/organizer, /review …): a
    typed address, a reload or Back finds the kiosk, never another page."""
    return at_every_address("kiosk", _("Write for Rights"))


# A typed address that is no page of the app (/no-such-page) runs the kiosk, but Streamlit's
# browser side also opens its "Page not found" dialog over it, which makes the kiosk inert. A
# kiosk has no dialog of its own: any dialog is hidden and closed at once. (Our own constant
# script; no user text in it.)
_CSS = "[data-testid='stDialog'] { display: none !important; }"
_JS = """<script>(() => {
const close = () => document.querySelectorAll("[data-testid='stDialog'] button[aria-label='Close']")
  .forEach(button => button.click());
close();
if (!window.w4rNoDialog) {
  window.w4rNoDialog = new MutationObserver(close);
  window.w4rNoDialog.observe(document.body, {childList: true, subtree: true});
}
})();</script>"""


def style() -> None:
    """The locked kiosk's look on top of the kiosk's: no dialog over the kiosk."""
    st.html(f"<style>{_CSS}</style>{_JS}", unsafe_allow_javascript=True)


def refused(code: str) -> None:
    """Say that this kiosk server cannot start: its session does not exist."""
    st.error(_("This kiosk server is locked to the session “{code}”, which does not exist. The "
               "person who runs w4r restarts it with a session code from "
               "`python -m w4r session list`.", code=inert(code[:40])),
             icon=":material/block:")
