"""w4r: the Streamlit entry point. Run with `streamlit run app.py` (or `make run`)."""

import streamlit as st

from w4r import state, ui

st.set_page_config(page_title="Write for Rights · w4r", page_icon="✉️", layout="wide")

page = st.navigation([
    st.Page(ui.PAGES["home"], title="Home", icon=":material/home:", default=True),
    st.Page(ui.PAGES["cases"], title="Choose a case", icon=":material/groups:"),
    st.Page(ui.PAGES["write"], title="Write", icon=":material/edit:"),
    st.Page(ui.PAGES["print"], title="Print & count", icon=":material/print:"),
    st.Page(ui.PAGES["tally"], title="Tally", icon=":material/leaderboard:"),
])

database = ui.database()
state.join_from_link(database)
with st.sidebar:
    session = ui.current_session(database, state.session_code())
    st.markdown(f"**{ui.plain(session.name)}** · code `{session.code}`")
    ui.disclaimer()
page.run()
