"""A projector link (?p=TOKEN): one session's projector view, in any window, and nothing else;
or the section projector link (?sp=TOKEN): the whole section's total, and nothing else."""

from w4r import sessions, state, ui
from w4r.ui import projector
from w4r.ui import section as section_ui

ui.entered_through_app()

database = ui.database()
token = state.display_token()
section_token = state.section_display_token()
session = projector.displayed(database, token) if token is not None else None
if token is None and section_ui.shown(database, section_token):
    section_ui.display_view(section_token)
elif token is None:
    section_ui.refused()
elif session is None:
    projector.refused()
else:
    state.default_lang(session.language)
    projector.view(session, {case.id: case.name for case in ui.cases(database, session).cases},
                   sessions.join_link(ui.base_url(), session.code),
                   lambda connection: projector.displayed(connection, token) == session)
