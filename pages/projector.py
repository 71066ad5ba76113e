"""Projector: the session's tally in big numbers, refreshing itself every few seconds."""

import streamlit as st

from w4r import tally, ui
from w4r.ui import _

ui.entered_through_app()

database = ui.database()
session = ui.organizer_session(database)
if session is None:
    st.switch_page(ui.PAGES["organizer"])
names = {case.id: case.name for case in ui.cases(database).cases}
st.caption(_("For the wall: hide the menu with « and press F11 for full screen. The numbers "
           "refresh by themselves."))


@st.fragment(run_every=ui.PROJECTOR_REFRESH_S)
def live_tally() -> None:
    """Redraw the numbers from the database, every few seconds, without reloading the page."""
    connection = ui.database()
    totals = tally.totals(connection, session)
    ui.big_numbers(session.name, totals)
    bars, recent = st.columns([3, 2], gap="large")
    with bars:
        by_case = sorted(((names.get(c, c), sum(k.values())) for c, k in totals.by_case.items()),
                         key=lambda item: -item[1])
        if by_case:
            case, letters = _("Case"), _("Letters")
            st.bar_chart({case: [name for name, _count in by_case],
                          letters: [count for _name, count in by_case]},
                         x=case, y=letters, horizontal=True, sort=False, height=380)
    with recent:
        st.markdown(_("#### Just counted"))
        for item in tally.latest(connection, session.code, limit=6):
            who = f"{ui.plain(item.first_name)} · " if item.first_name else ""
            st.markdown(who + _("{kind} for **{case}**", kind=_(ui.KIND_LABELS[item.kind]).lower(),
                                case=ui.plain(names.get(item.case_id, item.case_id))))


live_tally()
