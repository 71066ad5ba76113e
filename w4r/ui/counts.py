"""Count pieces: the goal thermometer, the projector's and the kiosk's big numbers, hand-written
entries. Totals mix letters with petitions and posts, so they say "actions" and show letters
on their own."""

from __future__ import annotations

import html
from dataclasses import replace

import streamlit as st

from w4r import state, tally
from w4r.ui import storage
from w4r.ui.common import ACTION_LABELS, _, _n, in_sentence, inert, number, run_database

PROJECTOR_REFRESH_S = 3


def actions_line(totals: tally.Totals) -> str:
    """'Actions counted so far: 12 (letters: 9)', or only letters when nothing else counted."""
    if totals.total == totals.letters:
        return _("Letters counted so far: {total}", total=number(totals.letters))
    return _("Actions counted so far: {total} (letters: {letters})",
             total=number(totals.total), letters=number(totals.letters))


def thermometer(totals: tally.Totals) -> None:
    """The goal thermometer: how far the session has come, in big numbers and a bar."""
    goal = totals.session.goal
    left, middle, right, last = st.columns(4)
    left.metric(_("Actions counted"), number(totals.total))
    middle.metric(_("Letters written"), number(totals.letters))
    right.metric(_("Goal (actions)"), number(goal) if goal else "—")
    last.metric(_("Still to go"), number(max(goal - totals.total, 0)) if goal else "—")
    if goal:
        st.progress(totals.progress, text=_n("{total} of {count} action ({percent}%)",
                                             "{total} of {count} actions ({percent}%)", goal,
                                             total=number(totals.total),
                                             percent=round(100 * totals.progress)))


def big_numbers(name: str, totals: tally.Totals) -> None:
    """The projector's headline: the session's name, its total in huge digits, and the goal."""
    goal = totals.session.goal
    st.markdown(f"## {inert(name)}")
    st.html(
        '<div class="w4r-projector"><div class="w4r-total">'
        f'{html.escape(number(totals.total))}</div>'
        '<div class="w4r-label">' + html.escape(_("actions for human rights"))
        + (html.escape(" · " + _("goal {goal}", goal=number(goal))) if goal else "")
        + '</div><div class="w4r-label">' + html.escape(actions_line(totals)) + "</div></div>"
        "<style>.w4r-projector{text-align:center}"
        ".w4r-total{font-size:9rem;font-weight:800;line-height:1.05}"
        ".w4r-label{font-size:1.8rem}</style>")
    if goal:
        st.progress(totals.progress, text=_("{percent}% of our goal",
                                            percent=round(100 * totals.progress)))


def kiosk_banner(totals: tally.Totals) -> None:
    """The event's total in big digits, for people walking past."""
    st.html(f'<div class="w4r-kiosk-count">{html.escape(number(totals.total))}</div>'
            '<div class="w4r-kiosk-label">'
            + html.escape(_n("action here so far", "actions here so far", totals.total)
                          + " · " + actions_line(totals)) + "</div>")


def add_again(entry: str, action: tally.Action, case_name: str) -> None:
    """Callback: add a hand-written entry once more, on purpose, under a new submission id."""
    from w4r.ui.organizer import signed_in_as  # the organizer piece owns the rights check

    def record() -> bool:
        with run_database() as database:
            if signed_in_as(database) != action.session_code:
                return False
            state.renew_id(entry)
            tally.record(database, replace(action, submission_id=state.pending_id(entry)))
            return True

    if not storage.in_callback(record, "add"):
        return
    state.notice(_("Added {count} × {action} for {case} once more.", count=action.count,
                   action=in_sentence(_(ACTION_LABELS[action.action])), case=inert(case_name)))
