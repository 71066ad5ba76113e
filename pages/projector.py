"""Projector: the session's tally in big numbers, refreshing itself every few seconds."""

import streamlit as st

from w4r import tally, ui
from w4r.ui import _, counts, organizer, storage

ui.entered_through_app()

database = ui.database()
session = organizer.require(database, "projector")
names = {case.id: case.name for case in ui.cases(database, session).cases}
st.caption(_("For the wall: hide the menu with « and press F11 for full screen. The numbers "
           "refresh by themselves."))


@st.fragment(run_every=counts.PROJECTOR_REFRESH_S)
def live_tally() -> None:
    """Redraw the numbers from the database, every few seconds, without reloading the page."""
    with storage.page_guard():  # a busy tally: a short message now, the numbers next time
        draw_tally()


def draw_tally() -> None:
    """The numbers, by case, and the latest letters."""
    with ui.run_database() as connection:
        if not organizer.may(connection, "projector", session.code):
            st.rerun(scope="app")  # the sign-in expired or the PIN changed
        totals = tally.totals(connection, session)
        recent = tally.latest(connection, session.code, limit=6)
    counts.big_numbers(session.name, totals)
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
            who = f"{ui.inert(item.first_name)} · " if item.first_name else ""
            what = (_(ui.KIND_LABELS[item.kind]).lower() if item.action == "letter" else
                    f"{ui.number(item.count)} × {_(ui.ACTION_LABELS[item.action]).lower()}")
            st.markdown(who + _("{kind} for **{case}**", kind=what,
                                case=ui.inert(names.get(item.case_id, item.case_id))))


live_tally()
