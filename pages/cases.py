"""Choose a case: a card per case, the story on demand, and the two kinds of letter."""

import streamlit as st

from w4r import state, ui
from w4r.ui import _, case_cards as case_ui

ui.entered_through_app()
if state.chosen():  # a card's button started the letter: go and write it, drawing nothing here
    st.switch_page(ui.PAGES["write"])

database = ui.database()
session = ui.current_session(database, state.session_code())
found = ui.offered(database, session)

st.title(_("Choose a case"), anchor=False)
st.markdown(_("Read about the people you can write for, then choose a message of solidarity "
              "or an appeal."))
case_ui.demo_notice(found)
case_ui.content_problems(found)
if not found.cases:
    st.error(_("There are no cases to write for yet. The organizer can load this year's case "
               "file (see the README: “Load this year's cases”)."))
    st.stop()

for row_start in range(0, len(found.cases), 2):
    for column, case in zip(st.columns(2, gap="medium"), found.cases[row_start:row_start + 2]):
        with column, st.container(border=True):
            case_ui.case_heading(case)
            case_ui.summary(case)
            case_ui.outcome(case)
            case_ui.campaign_request(case)
            with st.expander(_("Read the story")):
                case_ui.story(case)
                case_ui.sources(case)
            for kind, column_ in zip(session.kinds, st.columns(2)):
                column_.button(_(ui.KIND_LABELS[kind]), key=f"{case.id}-{kind}",
                               help=_(ui.KIND_HELP[kind]), width="stretch",
                               type="primary" if kind == "solidarity" else "secondary",
                               on_click=state.choose, args=(case, kind))
