"""Kiosk: the public-event flow on one screen. Attract → choose a case → write → print → thanks;
back to the attract screen, the visitor forgotten, after the last step or when idle."""

import streamlit as st

from w4r import DISCLAIMER, counting, i18n, letters, state, tally, ui
from w4r.ui import _, case_cards as case_ui, composer, counts, kiosk, printing, storage, submit

ui.entered_through_app()

database = ui.database()
session = ui.current_session(database, state.session_code())
found = ui.offered(database, session)
draft = state.draft()
case = found.get(draft.case_id) if draft else None
phase = state.phase() if case or state.phase() in ("attract", "choose") else "attract"


@st.fragment(run_every=kiosk.REFRESH_S)
def live_count() -> None:
    """The event's count, refreshed every few seconds; an idle visitor is sent back home."""
    if kiosk.forget_if_idle(session):
        st.rerun(scope="app")
    with storage.page_guard(), ui.run_database() as connection:
        counts.kiosk_banner(tally.totals(connection, session))


kiosk.idle_watch(session, state.visit())  # typing, taps and scrolling keep the visitor

if phase == "attract":
    st.title(_("Write for Rights"), anchor=False)
    st.markdown("### " + _("Your words can change a life."))
    live_count()
    st.button(_("Touch to write"), type="primary", width="stretch", icon=":material/edit:",
              on_click=state.go_phase, args=("choose",), key="kiosk-start")
    with st.container(horizontal=True):
        for code in i18n.LANGUAGES:
            st.button(i18n.name(code), key=f"lang-{code}", on_click=state.choose_lang,
                      args=(code,), type="tertiary", disabled=ui.lang() == code)
    ui.display_switches(st.container(horizontal=True))
    st.caption(ui.inert(_(DISCLAIMER)))
    if kiosk.may_leave():  # a locked kiosk server (W4R_KIOSK) has no way out at all
        with st.expander(_("Organizer")):
            kiosk.exit_form(database, session)

elif phase == "choose":
    live_count()
    st.header(_("Choose a person to write for"), anchor=False)
    for case_ in found.cases:
        with st.container(border=True):
            case_ui.case_heading(case_)
            case_ui.summary(case_)
            case_ui.outcome(case_)
            for kind, column in zip(session.kinds, st.columns(len(session.kinds))):
                column.button(_(ui.KIND_LABELS[kind]), key=f"kiosk-{case_.id}-{kind}",
                              width="stretch", on_click=kiosk.begin, args=(case_, kind),
                              type="primary" if kind == "solidarity" else "secondary")
    st.button(_("Back"), icon=":material/arrow_back:", on_click=state.go_phase,
              args=("attract",))

elif phase == "write":
    st.header(_("Write for {name}", name=ui.inert(case.name)), anchor=False)
    case_ui.practice_notice(case, draft.kind)
    step = kiosk.step(draft.kind, session, case)
    st.markdown(ui.inert(step.prompt))
    with st.container(horizontal=True):
        for starter in step.starters:
            st.button(f"{ui.inert(starter)} …", key=f"kiosk-starter-{starter}",
                      on_click=state.add_text, args=(step.field, starter))
    st.text_area(ui.inert(step.title, label=True), key=state.field_key(step.field), on_change=state.save_field,
                 args=(step.field,), max_chars=letters.MAX_FIELD, height=160)
    st.text_input(_("Your first name (optional)"), key=state.field_key("name"),
                  on_change=state.save_field, args=("name",), max_chars=60)
    verdict = counting.review(draft, case, session, ui.lang())
    composer.findings(verdict.checked, [f for f in verdict.findings if f.severity != "tip"])
    composer.problems(verdict.writing_problems + state.refused())
    storage.show_problem()
    submit.pause_notice()
    back, done = st.columns(2)
    back.button(_("Back"), icon=":material/arrow_back:", width="stretch",
                on_click=state.go_phase, args=("choose",))
    ready = verdict.ok
    if session.printer:
        done.button(_("Print my letter"), type="primary", width="stretch",
                    icon=":material/print:", disabled=not ready,
                    on_click=submit.print_and_count)
    else:
        printed = kiosk.letter_pdf(verdict.letter) if ready else None
        if printed is not None:
            done.download_button(_("Download my letter (PDF)"), data=printed.data,
                                 file_name=f"write-for-rights-{case.id}.pdf", on_click="ignore",
                                 mime="application/pdf", width="stretch",
                                 icon=":material/download:")
        done.button(_("Count my letter"), type="primary", width="stretch", disabled=not ready,
                    icon=":material/check_circle:", on_click=submit.kiosk_count)
    printing.print_outcome()

else:  # done
    totals = tally.totals(database, session)
    st.title(_("Thank you!"), anchor=False)
    st.markdown("### " + _("Your letter is counted. Letters written here together: {total}",
                           total=ui.number(totals.letters)))
    st.button(_("Next visitor"), type="primary", width="stretch", icon=":material/restart_alt:",
              on_click=kiosk.next_visitor)
    live_count()
