"""Tally: what the class or event has written, by case and by kind, toward its goal."""

import streamlit as st

from w4r import state, tally, ui
from w4r.ui import _, _n

ui.entered_through_app()

database = ui.database()
session = ui.current_session(database, state.session_code())
totals = tally.totals(database, session)
names = {case.id: case.name for case in ui.cases(database, session).cases}

st.title(_("Tally"), anchor=False)
st.markdown(f"**{ui.inert(session.name)}** · " + _("code") + f" `{session.code}`")

actions_col, letters_col, solidarity_col, appeal_col = st.columns(4)
actions_col.metric(_("Actions counted"), ui.number(totals.total))
letters_col.metric(_("Letters written"), ui.number(totals.letters))
solidarity_col.metric(_("Solidarity messages"), ui.number(totals.by_kind.get("solidarity", 0)))
appeal_col.metric(_("Appeals"), ui.number(totals.by_kind.get("appeal", 0)))
if session.goal:
    st.progress(totals.progress, text=_n("{total} of our goal of {count} action",
                                           "{total} of our goal of {count} actions",
                                           session.goal, total=ui.number(totals.total)))

st.subheader(_("By case"), anchor=False)
if totals.by_case:
    st.dataframe(
        [{_("Case"): names.get(case_id, case_id),
          _("Solidarity messages"): kinds.get("solidarity", 0),
          _("Appeals"): kinds.get("appeal", 0), _("Total"): sum(kinds.values())}
         for case_id, kinds in sorted(totals.by_case.items(),
                                      key=lambda item: -sum(item[1].values()))],
        hide_index=True, width="stretch")
else:
    st.info(_("No letters counted yet. Be the first!"), icon=":material/edit:")
if st.button(_("Refresh"), icon=":material/refresh:"):
    st.rerun()
