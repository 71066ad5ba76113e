"""A projector link (?p=TOKEN): one session's projector view, in any window, and nothing else."""

from w4r import sessions, state, ui
from w4r.ui import projector

ui.entered_through_app()

database = ui.database()
token = state.display_token()
session = projector.displayed(database, token)
if session is None:
    projector.refused()
else:
    state.default_lang(session.language)
    projector.view(session, {case.id: case.name for case in ui.cases(database, session).cases},
                   sessions.join_link(ui.base_url(), session.code),
                   lambda connection: projector.displayed(connection, token) == session)
