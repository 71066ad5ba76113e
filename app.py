"""w4r: the Streamlit entry point. Run with `streamlit run app.py` (or `make run`)."""

import time

import streamlit as st

from w4r import state, ui
from w4r.ui import _, kiosk, storage

st.set_page_config(page_title=_("Write for Rights · w4r"), page_icon="✉️", layout="wide")

# one connection for this run, closed when it ends; a storage problem while drawing shows as a
# short message (what was drawn stays), never as Streamlit's error box or a server path
with storage.page_guard(), ui.run_database() as database:
    state.join_from_link(database)
    session = ui.current_session(database, state.session_code())
    state.default_lang(session.language)
    organizer = ui.organizer_session(database)
    in_kiosk = session.kiosk and organizer is None
    if in_kiosk:
        kiosk.forget_if_idle(session)  # a tap after the idle time finds a fresh kiosk
    state.touch(time.time())

    if in_kiosk:
        # A kiosk: one full-screen page, no menu, no sidebar; only the organizer PIN leaves it.
        page = st.navigation([st.Page(ui.PAGES["kiosk"], title=_("Write for Rights"),
                                      default=True)], position="hidden")
        ui.apply_display(kiosk=True)
        page.run()
        st.stop()

    organizer_pages = [
        st.Page(ui.PAGES["organizer"], title=_("Organizer"), icon=":material/lock:"),
    ]
    if organizer:  # the organizer's pages exist only for a browser signed in with the PIN
        organizer_pages += [
            st.Page(ui.PAGES["session"], title=_("Session settings"), icon=":material/tune:"),
            st.Page(ui.PAGES["case_file"], title=_("Case file"), icon=":material/folder_open:"),
            st.Page(ui.PAGES["review"], title=_("Review letters"), icon=":material/fact_check:"),
            st.Page(ui.PAGES["reports"], title=_("Tally & reports"), icon=":material/summarize:"),
            st.Page(ui.PAGES["projector"], title=_("Projector"), icon=":material/cast:"),
        ]
    page = st.navigation({
        _("Write"): [
            st.Page(ui.PAGES["home"], title=_("Home"), icon=":material/home:", default=True),
            st.Page(ui.PAGES["cases"], title=_("Choose a case"), icon=":material/groups:"),
            st.Page(ui.PAGES["write"], title=_("Write"), icon=":material/edit:"),
            st.Page(ui.PAGES["print"], title=_("Print & count"), icon=":material/print:"),
            st.Page(ui.PAGES["tally"], title=_("Tally"), icon=":material/leaderboard:"),
        ],
        _("Organizer"): organizer_pages,
    })

    ui.apply_display()
    with st.sidebar:
        st.markdown(f"**{ui.inert(session.name)}** · " + _("code") + f" `{session.code}`")
        if organizer:
            st.caption(_("Organizer of {name}", name=ui.inert(organizer.name)))
        ui.language_picker()
        ui.display_switches()
        ui.disclaimer()
    page.run()
