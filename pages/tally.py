"""Tally: what the class or event has written, by case and by kind, toward its goal."""

import streamlit as st

from w4r import state, tally, ui

ui.entered_through_app()

database = ui.database()
session = ui.current_session(database, state.session_code())
totals = tally.totals(database, session)
names = {case.id: case.name for case in ui.cases(database).cases}

st.title("Tally", anchor=False)
st.markdown(f"**{ui.plain(session.name)}** · code `{session.code}`")

letters_col, solidarity_col, appeal_col = st.columns(3)
letters_col.metric("Letters counted", totals.total)
solidarity_col.metric("Solidarity messages", totals.by_kind.get("solidarity", 0))
appeal_col.metric("Appeals", totals.by_kind.get("appeal", 0))
if session.goal:
    st.progress(totals.progress, text=f"{totals.total} of our goal of {session.goal}")

st.subheader("By case", anchor=False)
if totals.by_case:
    st.dataframe(
        [{"Case": names.get(case_id, case_id), "Solidarity messages": kinds.get("solidarity", 0),
          "Appeals": kinds.get("appeal", 0), "Total": sum(kinds.values())}
         for case_id, kinds in sorted(totals.by_case.items(),
                                      key=lambda item: -sum(item[1].values()))],
        hide_index=True, width="stretch")
else:
    st.info("No letters counted yet. Be the first!", icon=":material/edit:")
if st.button("Refresh", icon=":material/refresh:"):
    st.rerun()
