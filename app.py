"""w4r: the Streamlit entry point. Run with `streamlit run app.py` (or `make run`)."""

import streamlit as st

from w4r import state, ui

st.set_page_config(page_title="Write for Rights · w4r", page_icon="✉️", layout="wide")

database = ui.database()
state.join_from_link(database)
organizer = ui.organizer_session(database)
organizer_pages = [
    st.Page(ui.PAGES["organizer"], title="Organizer", icon=":material/lock:"),
]
if organizer:  # the organizer's pages exist only for a browser that gave the session's PIN
    organizer_pages += [
        st.Page(ui.PAGES["session"], title="Session settings", icon=":material/tune:"),
        st.Page(ui.PAGES["case_file"], title="Case file", icon=":material/folder_open:"),
        st.Page(ui.PAGES["review"], title="Review letters", icon=":material/fact_check:"),
        st.Page(ui.PAGES["reports"], title="Tally & reports", icon=":material/summarize:"),
        st.Page(ui.PAGES["projector"], title="Projector", icon=":material/cast:"),
    ]
page = st.navigation({
    "Write": [
        st.Page(ui.PAGES["home"], title="Home", icon=":material/home:", default=True),
        st.Page(ui.PAGES["cases"], title="Choose a case", icon=":material/groups:"),
        st.Page(ui.PAGES["write"], title="Write", icon=":material/edit:"),
        st.Page(ui.PAGES["print"], title="Print & count", icon=":material/print:"),
        st.Page(ui.PAGES["tally"], title="Tally", icon=":material/leaderboard:"),
    ],
    "Organizer": organizer_pages,
})

with st.sidebar:
    session = ui.current_session(database, state.session_code())
    st.markdown(f"**{ui.plain(session.name)}** · code `{session.code}`")
    if organizer:
        st.caption(f"Organizer of {ui.plain(organizer.name)}")
    ui.disclaimer()
page.run()
