"""w4r: the Streamlit entry point. Run with `streamlit run app.py` (or `make run`)."""

import time

import streamlit as st

from w4r import memory, state, ui
from w4r.ui import _, kiosk, storage
from w4r.ui import locked as locked_ui
from w4r.ui import organizer as organizer_ui

memory.settle()  # what lives as long as the server stays out of the collection after each run

st.set_page_config(page_title=_("Write for Rights · w4r"), page_icon="✉️", layout="wide")

# one connection for this run, closed when it ends; a storage problem while drawing shows as a
# short message (what was drawn stays), never as Streamlit's error box or a server path
with storage.page_guard(), ui.run_database() as database:
    locked = state.locked_code()  # W4R_KIOSK=CODE: this server is that session's kiosk only
    if locked is not None and locked_ui.session(database, locked) is None:
        ui.apply_display(kiosk=True)
        locked_ui.refused(locked)
        st.stop()
    if locked is not None:
        state.lock_kiosk(locked)  # whatever the address says (?s=, ?p=), this session
    elif state.display_token() is not None or state.section_display_token() is not None:
        # A projector link (?p=TOKEN) or the section projector link (?sp=TOKEN): its read-only
        # view and nothing else: no menu, no sign-in; on any of the app's addresses (no "Page
        # not found" for /session?p=…).
        page = st.navigation(ui.at_every_address("display", _("Projector")), position="hidden")
        ui.apply_display(kiosk=True)
        page.run()
        st.stop()
    state.join_from_link(database)
    session = ui.current_session(database, state.session_code())
    state.default_lang(session.language)
    organizer = ui.organizer_session(database)
    in_kiosk = (session.kiosk or locked is not None) and organizer is None
    if in_kiosk:
        kiosk.forget_if_idle(session)  # a tap after the idle time finds a fresh kiosk
    state.sync_draft(database, session)  # restore (?d=), or save the draft if it changed
    state.touch(time.time())

    if in_kiosk:
        # A kiosk: one full-screen page, no menu, no sidebar; only the organizer PIN leaves it.
        # The kiosk at every address (a reload of /session after the organizer signed out finds
        # it, never "Page not found"); a locked server (W4R_KIOSK) has no way out at all.
        page = st.navigation(locked_ui.pages(), position="hidden")
        ui.apply_display(kiosk=True)
        if locked:
            locked_ui.style()
        page.run()
        st.stop()

    # The organizer's pages always have their address (a reload or a typed URL finds them, never
    # "Page not found"), but only a signed-in browser sees them; each page asks for the PIN.
    shown = "visible" if organizer else "hidden"
    organizer_pages = [
        st.Page(ui.PAGES["organizer"], title=_("Organizer"), icon=":material/lock:"),
        st.Page(ui.PAGES["session"], title=_("Session settings"), icon=":material/tune:",
                visibility=shown),
        st.Page(ui.PAGES["case_file"], title=_("Case file"), icon=":material/folder_open:",
                visibility=shown),
        st.Page(ui.PAGES["review"], title=_("Review letters"), icon=":material/fact_check:",
                visibility=shown),
        st.Page(ui.PAGES["reports"], title=_("Tally & reports"), icon=":material/summarize:",
                visibility=shown),
        st.Page(ui.PAGES["projector"], title=_("Projector"), icon=":material/cast:",
                visibility=shown),
        # the section administrator's page: its content only after the section sign-in
        st.Page(ui.PAGES["section"], title=_("Section"), icon=":material/public:"),
    ]
    sections = {
        _("Write"): [
            st.Page(ui.PAGES["home"], title=_("Home"), icon=":material/home:", default=True),
            st.Page(ui.PAGES["cases"], title=_("Choose a case"), icon=":material/groups:"),
            st.Page(ui.PAGES["write"], title=_("Write"), icon=":material/edit:"),
            st.Page(ui.PAGES["print"], title=_("Print & count"), icon=":material/print:"),
            st.Page(ui.PAGES["tally"], title=_("Tally"), icon=":material/leaderboard:"),
        ],
        _("Organizer"): organizer_pages,
    }
    # Streamlit's own menu stays hidden (it could list the page files): app.py draws the links.
    page = st.navigation(sections, position="hidden")

    ui.apply_display()
    with st.sidebar:
        ui.menu(sections)
        st.markdown(f"**{ui.inert(session.name)}** · " + _("code") + f" `{session.code}`")
        if organizer:
            st.caption(_("Organizer of {name}", name=ui.inert(organizer.name)))
        ui.language_picker()
        ui.display_switches()
        ui.disclaimer()
        organizer_ui.keep_sign_in()  # the sign-in cookie follows the sign-in
        if organizer:
            organizer_ui.watch_sign_in()  # an unused sign-in ends: the page leaves by itself
    page.run()
