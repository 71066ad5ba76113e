"""Section: the section administrator signs in with the section passphrase and sees the totals,
report and projector link of every session shared with the section."""

import streamlit as st

from w4r import ui
from w4r.ui import _, section

ui.entered_through_app()

database = ui.database()
st.title(_("Section"), anchor=False)
if not section.may(database, "section-view"):
    section.sign_in_form(database)
    st.stop()
section.view(database)
