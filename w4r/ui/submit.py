"""The writer's actions, Count and Print, as callbacks that check everything again on the server.

A callback runs before the page is drawn again, in the same rerun as any typing the browser
sent with the click: it first copies every field into the draft, then asks `counting` about the
draft as it is now, whatever the page showed. Each one runs through `storage.in_callback`: a
busy, full, read-only or vanished database leaves a message saying whether the letter counted
(a count is one transaction: counted once, or not at all), and the button stays.
"""

from __future__ import annotations

import math
import time

import streamlit as st

from w4r import counting, letters, pdf, printer, state, visits
from w4r.cases import Case
from w4r.sessions import Session
from w4r.ui import storage
from w4r.ui.common import _, cases, current_session, lang, number, run_database, said
from w4r.ui.printing import print_now


def _now() -> tuple[letters.Draft, Session, Case] | None:
    """The draft as it is now, with its session and case read again from the database."""
    current = state.sync_fields()
    if current is None:
        return None
    with run_database() as database:
        session = current_session(database, state.session_code())
        case = cases(database, session).get(current.case_id)
    if case is None:
        state.refused((_("This case is no longer loaded: choose another one."),))
        return None
    return current, session, case


def _count() -> bool:
    """Count the draft once if the server's check allows it (one try, one connection)."""
    with run_database() as database:  # one connection for the reading and the counting
        found = _now()
        if found is None:
            return False
        current, session, case = found
        result = counting.count(database, session, current, case, lang())
    if result.wait_s:
        state.pause(result.wait_s)  # a kiosk that just counted a letter: a pause, not a problem
        return False
    if result.refused:
        state.refused(result.problems)
        return False
    state.mark_counted(current.submission_id, celebrate=result.new)
    return True


def count_letter(undone: str = "count") -> bool:
    """Callback of “Count my letter”: count the draft once if the server's check allows it."""
    return bool(storage.in_callback(_count, undone))


def print_checked(data: bytes, name: str, title: str) -> None:
    """Callback of “Print on …”: print only a letter that the server's check allows."""
    found = storage.in_callback(_now, "print")
    if found is None:
        return
    current, session, case = found
    verdict = counting.review(current, case, session, lang())
    if not verdict.ok:
        state.print_outcome((False, _("Not printed: {reason}", reason=said(verdict.problems[0]))))
        return
    print_now(data, name, title)


def print_and_count() -> None:
    """Callback of the kiosk's “Print my letter”: print exactly the letter it counts.

    A letter printed whose count then failed is not printed again by the next tap: it is only
    counted. One letter per visit; nothing prints while the kiosk pauses between two counts."""
    if state.visit_counted():
        state.go_phase("done")  # a second tap: this visit's letter is printed and counted
        return
    found = storage.in_callback(_now, "print")
    if found is None:
        return
    current, session, case = found
    if state.is_counted(current.submission_id):
        _counted_visit()
        return
    verdict = counting.review(current, case, session, lang())
    if not verdict.ok:
        state.refused(verdict.problems)
        return
    waiting = storage.in_callback(lambda: _waiting(session), "print")
    if waiting is None:
        return
    if waiting > 0:
        state.pause(waiting)
        return
    try:
        data = state.printed(verdict.letter, "a4").data  # the same bytes for the same letter
        if not state.sent_to_printer(data):
            printer.print_pdf(data, session.printer, title="Write for Rights")
            state.mark_sent(data)
    except (pdf.UnsupportedText, printer.PrintError) as exc:
        state.print_outcome((False, _("Not printed: {reason}", reason=str(exc))))
        return
    if count_letter("printed"):
        _counted_visit()


def kiosk_count() -> None:
    """Callback of “Count my letter” at the kiosk: count it once, then say thank you; a visitor
    counts one letter (a second tap or call counts nothing)."""
    if state.visit_counted():
        state.go_phase("done")
        return
    current = state.draft()
    if count_letter() or (current is not None and state.is_counted(current.submission_id)):
        _counted_visit()


def _counted_visit() -> None:
    """This visitor's letter is counted: the visit's one letter, and the thanks screen."""
    state.mark_visit_counted()
    state.go_phase("done")


def _waiting(session: Session) -> float:
    """Seconds before this kiosk may count again (0: now)."""
    with run_database() as database:
        return visits.wait_s(database, session.code, time.time())


def pause_notice() -> None:
    """The friendly pause after a tap that came too soon after the kiosk's last count."""
    waiting = state.pause()
    if waiting is not None:
        st.info(_("Thank you! The next letter can be counted in {seconds} s.",
                  seconds=number(math.ceil(waiting))), icon=":material/hourglass_top:")
