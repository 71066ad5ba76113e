"""Organizer: sign in with the session's PIN (the first one needs the server's setup code),
sign out, start a new session."""

import streamlit as st

from w4r import access, sessions, state, ui
from w4r.ui import _, storage

ui.entered_through_app()

database = ui.database()
organizer = ui.organizer_session(database)
st.title(_("Organizer"), anchor=False)

if organizer is None:
    st.markdown(_("Teachers and organizers sign in here to set up their class or event, load "
                "this year's cases, review and print letters, and show the tally. Students "
                "and visitors don't need this page."))
    session = ui.current_session(database, state.session_code())
    if access.has_pin(database, session.code):
        with st.form("sign-in", enter_to_submit=True):
            code = st.text_input(_("Session code"), value=session.code, max_chars=20)
            pin = st.text_input(_("Organizer PIN"), type="password", max_chars=access.MAX_PIN)
            signed_in = st.form_submit_button(_("Sign in"), type="primary")
        if signed_in:
            done, attempt = storage.guarded(lambda: state.unlock(database, code, pin), "sign-in")
            if done and attempt.ok:
                st.rerun()
            if done:
                st.error(ui.inert(attempt.message), icon=":material/lock:")
        st.caption(_("Forgot the PIN? Set a new one on the computer that runs w4r: "
                   "`python -m w4r session pin --session CODE`."))
    else:
        st.info(_("**{name}** has no organizer PIN yet. Only the person at the computer that "
                  "runs w4r can give it one: `make run` prints a one-time setup code in its "
                  "terminal (or run `python -m w4r session setup-code`). Pupils and visitors "
                  "cannot do this.", name=ui.inert(session.name)), icon=":material/key:")
        with st.form("first-pin"):
            setup_code = st.text_input(_("Setup code (from the server's terminal)"),
                                       max_chars=20)
            pin = st.text_input(_("New organizer PIN (6 digits or more, or a passphrase of 8 "
                                  "characters or more)"), type="password",
                                max_chars=access.MAX_PIN)
            again = st.text_input(_("The same PIN again"), type="password",
                                  max_chars=access.MAX_PIN)
            chosen = st.form_submit_button(_("Set the PIN and sign in"), type="primary")
        if chosen:
            done, attempt = storage.guarded(
                lambda: state.claim(database, session.code, setup_code, pin, again), "sign-in")
            if done and attempt.ok:
                st.rerun()
            if done:
                st.error(ui.inert(attempt.message), icon=":material/lock:")
    st.stop()

st.success(_("You are signed in as the organizer of **{name}** (code `{code}`). The organizer "
             "pages are in the menu.", name=ui.inert(organizer.name), code=organizer.code),
           icon=":material/lock_open:")
if st.button(_("Sign out"), icon=":material/logout:") and \
        storage.guarded(lambda: state.lock(database), "change")[0]:
    st.rerun()

st.subheader(_("Start a new class or event"), anchor=False)
with st.form("new-session", clear_on_submit=False):
    name = st.text_input(_("Name"), placeholder=_("e.g. Class 7B or Town library stand"),
                         max_chars=sessions.MAX_NAME)
    kind = st.radio(_("Kind"), sessions.KINDS, horizontal=True,
                    format_func=lambda kind: _(ui.SESSION_KINDS[kind]))
    goal = st.number_input(_("Goal (actions)"), min_value=0, max_value=sessions.MAX_GOAL, value=30)
    code = st.text_input(_("Join code (leave empty for a new random one)"), max_chars=12)
    pin = st.text_input(_("Its organizer PIN"), type="password", max_chars=access.MAX_PIN)
    created = st.form_submit_button(_("Create"), type="primary")
if created:
    try:
        done, new = storage.guarded(lambda: access.create_session(
            database, pin, name, kind, int(goal), code or None, grouping=organizer.grouping),
            "create")
    except ValueError as exc:
        st.error(_("Not created: {reason}.", reason=ui.inert(exc)))
    else:
        # a storage problem: the message says what happened, and the form stays above
        if done and storage.guarded(lambda: state.unlock(database, new.code, pin), "sign-in")[0]:
            state.notice(_("Created {name} with the code {code}. You now manage it.",
                           name=new.name, code=new.code))
            st.switch_page(ui.PAGES["session"])
