"""Projector pieces: the live tally for the wall, the join code with the join link as a large QR
code, and the guard of a projector link (?p=TOKEN)."""

from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st

from w4r import links, rights, sessions, tally
from w4r.db import Database
from w4r.ui.common import ACTION_LABELS, KIND_LABELS, _, in_sentence, inert, number, run_database
from w4r.ui.counts import PROJECTOR_REFRESH_S, big_numbers
from w4r.ui.organizer import qr_svg
from w4r.ui.storage import page_guard


def displayed(database: Database, token: str | None) -> sessions.Session | None:
    """The session a projector link shows, or None (unknown, revoked or malformed token)."""
    code = links.displayed(database, token)
    if code is None or not rights.allowed(rights.display_actor(code), "display", code):
        return None
    return sessions.get(database, code)


def refused() -> None:
    """Say that a projector link does not work, and reveal nothing else."""
    st.error(_("This projector link does not work: it is mistyped, or the organizer made a new "
               "one. Ask the organizer for the current link (Session settings → Projector "
               "link)."), icon=":material/link_off:")


def join_panel(code: str, link: str) -> None:
    """The join code in big letters and the join link as a large QR code."""
    st.html('<div class="w4r-join"><div class="w4r-join-label">' + html.escape(_("Join with the "
            "code")) + f'</div><div class="w4r-join-code">{html.escape(code)}</div></div>'
            "<style>.w4r-join{text-align:center}.w4r-join-label{font-size:1.6rem}"
            ".w4r-join-code{font-size:clamp(2rem,4.5vw,4.5rem);font-weight:800;letter-spacing:.08em;"
            "line-height:1.1;font-family:monospace}</style>")
    st.image(qr_svg(link), caption=_("Scan to join"), width="stretch",  # the column's width
             alt=_("QR code of the join link"))
    st.html(f'<div class="w4r-join-link">{html.escape(link)}</div>'
            "<style>.w4r-join-link{font-size:clamp(.9rem,1.4vw,1.4rem);text-align:center;"
            "overflow-wrap:anywhere}</style>")


def view(session: sessions.Session, names: dict[str, str], link: str,
         still_allowed: Callable[[Database], bool]) -> None:
    """The projector's view: the live tally beside the join code and its QR code."""
    tally_col, join_col = st.columns([2, 1], gap="large")
    with join_col:
        join_panel(session.code, link)
    with tally_col:
        _live_tally(session, names, still_allowed)


@st.fragment(run_every=PROJECTOR_REFRESH_S)
def _live_tally(session: sessions.Session, names: dict[str, str],
                still_allowed: Callable[[Database], bool]) -> None:
    """Redraw the numbers from the database, every few seconds, without reloading the page."""
    with page_guard():  # a busy tally: a short message now, the numbers next time
        with run_database() as connection:
            if not still_allowed(connection):
                st.rerun(scope="app")  # the sign-in expired, the PIN changed, the link renewed
            totals = tally.totals(connection, session)
            recent = tally.latest(connection, session.code, limit=6)
        _draw(session, names, totals, recent)


def _draw(session: sessions.Session, names: dict[str, str], totals: tally.Totals,
          recent: list) -> None:
    """The numbers, the bar per case and the latest letters."""
    big_numbers(session.name, totals)
    bars, latest = st.columns([3, 2], gap="large")
    with bars:
        by_case = sorted(((names.get(c, c), sum(k.values())) for c, k in totals.by_case.items()),
                         key=lambda item: -item[1])
        if by_case:
            case, letters = _("Case"), _("Actions")
            st.bar_chart({case: [name for name, _count in by_case],
                          letters: [count for _name, count in by_case]},
                         x=case, y=letters, horizontal=True, sort=False, height=380)
    with latest:
        st.markdown(_("#### Just counted"))
        for item in recent:
            who = f"{inert(item.first_name)} · " if item.first_name else ""
            what = (in_sentence(_(KIND_LABELS[item.kind])) if item.action == "letter" else
                    f"{number(item.count)} × {in_sentence(_(ACTION_LABELS[item.action]))}")
            st.markdown(who + _("{kind} for **{case}**", kind=what,
                                case=inert(names.get(item.case_id, item.case_id))))
