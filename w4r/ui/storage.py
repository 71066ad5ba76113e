"""Storage problems in words a person can act on: what happened, what was not done, what to do.

Every action that writes (Count, Print, the kiosk's Print my letter, settings, case packs,
merges, kept letters, PIN forms) runs through `guarded` (in a page) or `in_callback` (in a
callback, which leaves the message in the visitor's state for the page to show); a page draw
runs inside `page_guard`. A busy database is tried again a few times, each try waiting
`db.APP_BUSY_MS` at most, with a toast saying so, and given up well within 3 s of the click.
The browser never sees a traceback or a server path; the terminal log gets the full message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from w4r import db, sessions, state
from w4r.i18n import N_
from w4r.ui.common import _, run_database

T = TypeVar("T")
TRIES = 3
DEADLINE_S = 1.5  # the last try starts only if it can end by then (the issue allows 3 s
# from the click to the message: the rest is for the page to be drawn on a busy machine)
_LOG = logging.getLogger("w4r.storage")

UNDONE = {
    "count": N_("Your letter is not counted yet."),
    "print": N_("Your letter is not printed."),
    "printed": N_("Your letter is printed, but not counted yet."),
    "save": N_("Nothing was saved."),
    "store": N_("The cases are not stored."),
    "merge": N_("Nothing was merged."),
    "change": N_("Nothing was changed."),
    "add": N_("Nothing was added to the tally."),
    "sign-in": N_("You are not signed in."),
    "create": N_("Nothing was created."),
    "read": N_("Part of this page can't be shown."),
}
CAUSES = {
    db.BUSY: N_("The tally is busy. {undone} Try again in a moment."),
    db.FULL: N_("The computer that runs w4r has no room left to save. {undone} Tell the "
                "organizer: its disk is full."),
    db.READ_ONLY: N_("w4r is not allowed to save on this computer. {undone} Tell the organizer: "
                     "the tally's file or folder is read-only."),
    db.GONE: N_("The tally's file was deleted, moved or replaced while w4r was running. "
                "{undone} Tell the organizer: w4r will not start a new empty tally by itself "
                "(put the file back, or restart w4r)."),
    db.BROKEN: N_("The tally cannot be opened or used right now. {undone} Tell the organizer "
                  "to look at the terminal that runs w4r."),
}
RETRYING = N_("The tally is busy, trying again…")
ICON = ":material/database:"


def message(kind: str, undone: str) -> str:
    """The words for a storage problem of this kind, saying what was not done."""
    return _(CAUSES.get(kind, CAUSES[db.BROKEN]), undone=_(UNDONE[undone]))


def retried(action: Callable[[], T]) -> T:
    """Run a storage action; while the database is busy try again (a toast says so), at most
    TRIES times and never past DEADLINE_S; any other problem is raised at once."""
    started = time.monotonic()
    for attempt in range(1, TRIES + 1):
        try:
            return action()
        except db.STORAGE_ERRORS as exc:
            elapsed = time.monotonic() - started
            if db.problem(exc) != db.BUSY or attempt == TRIES or \
                    elapsed + db.APP_BUSY_MS / 1000 > DEADLINE_S:
                raise
            st.toast(_(RETRYING), icon=":material/hourglass_top:")
    raise AssertionError("unreachable")  # pragma: no cover


def _kind(exc: BaseException) -> str | None:
    """The kind of a storage problem, logged with its full text for the terminal; None if the
    exception is no storage problem."""
    kind = db.problem(exc)
    if kind is not None:
        _LOG.warning("storage problem (%s): %s", kind, exc)
    return kind


def guarded(action: Callable[[], T], undone: str) -> tuple[bool, T | None]:
    """Run a page's storage action (tried again while busy); on a storage problem show what
    happened in place and return (False, None): the rest of the page is drawn as usual."""
    try:
        return True, retried(action)
    except db.STORAGE_ERRORS as exc:
        kind = _kind(exc)
        if kind is None:
            raise
        st.error(message(kind, undone), icon=ICON)
        return False, None


def in_callback(action: Callable[[], T], undone: str) -> T | None:
    """Run a callback's storage action (tried again while busy); on a storage problem leave the
    message for the page (`show_problem`) and return None."""
    try:
        return retried(action)
    except db.STORAGE_ERRORS as exc:
        kind = _kind(exc)
        if kind is None:
            raise
        state.storage_problem(message(kind, undone))
        return None


def show_problem() -> None:
    """Show the storage problem the last callback left for this screen (if any), once."""
    if text := state.storage_problem():
        st.error(text, icon=ICON)


@contextmanager
def fragment_run(session: sessions.Session) -> Iterator[db.Database]:
    """Draw a fragment with the database of its run, the draft saved first: on a fragment's own
    rerun (a keystroke, a starter, Next) app.py does not run, so nothing else would save it.
    In a whole run app.py has saved it already and this save finds nothing changed."""
    with page_guard(), run_database() as database:
        state.sync_draft(database, session)
        yield database


@contextmanager
def page_guard(undone: str = "read") -> Iterator[None]:
    """Draw a page (or a fragment): a storage problem while reading ends the drawing with a
    short message instead of Streamlit's error box; what was drawn stays."""
    try:
        yield
    except db.STORAGE_ERRORS as exc:
        kind = _kind(exc)
        if kind is None:
            raise
        # a callback's own message first: it says whether the letter counted
        st.error(state.storage_problem() or message(kind, undone), icon=ICON)
