"""Home: what this is, and joining a class or event."""

import streamlit as st

from w4r import state, tally, ui
from w4r.ui import _, counts

ui.entered_through_app()

database = ui.database()
session = ui.current_session(database, state.session_code())

st.title(_("Write for Rights"), anchor=False)
st.markdown(_(
    "Every year around **Human Rights Day, 10 December**, people all over the world write "
    "letters for people they have never met. A **message of solidarity** tells a person at "
    "risk they are not alone. An **appeal** asks the authority that can act to do so. "
    "Together, the letters are hard to ignore."
))
ui.disclaimer()
ui.show_notice(st.info, ":material/info:")

left, right = st.columns(2, gap="large")
with left, st.container(border=True):
    st.markdown("#### " + _("You are writing with **{name}**", name=ui.inert(session.name)))
    st.markdown(counts.actions_line(tally.totals(database, session))
                + (" · " + _("goal: {goal}", goal=ui.number(session.goal))
                   if session.goal else ""))
    if st.button(_("Start writing"), type="primary", icon=":material/edit:"):
        st.switch_page(ui.PAGES["cases"])
with right, st.container(border=True):
    st.markdown("#### " + _("Join a class or event"))
    with st.form("join", border=False, enter_to_submit=True):
        code = st.text_input(_("Code from your teacher or organizer"), max_chars=20,
                             placeholder=_("e.g. 7B2026"))
        joined = st.form_submit_button(_("Join"))
    if joined:
        found = state.join(database, code)
        if found:
            state.notice(_("You joined {name}. Your letters count for it.", name=found.name))
            st.rerun()
        else:
            st.error(_("No class or event has that code. Check it with your teacher, or just "
                       "start writing in the default session."))

st.markdown(_(
    "**How it works:** choose a case → write your letter, step by step → print it → count "
    "it. Your letter joins your class's tally. You don't need an account, and your name is "
    "optional."
))
