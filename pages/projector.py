"""Projector: the session's tally in big numbers with its join code and QR code, refreshing
itself every few seconds."""

import streamlit as st

from w4r import sessions, ui
from w4r.ui import _, organizer, projector

ui.entered_through_app()

database = ui.database()
session = organizer.require(database, "projector")
st.caption(_("For the wall: hide the menu with « and press F11 for full screen. The numbers "
           "refresh by themselves."))
projector.view(session, {case.id: case.name for case in ui.cases(database, session).cases},
               sessions.join_link(ui.base_url(), session.code),
               lambda connection: organizer.may(connection, "projector", session.code))
