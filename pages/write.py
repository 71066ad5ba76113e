"""Write: the letter one step at a time (prompt, sentence starters, example, hint), with a live
preview and the tone checker beside it."""

import streamlit as st

from w4r import counting, letters, prompts, state, ui
from w4r.ui import _, case_cards as case_ui, composer, storage

ui.entered_through_app()

database = ui.database()
session = ui.current_session(database, state.session_code())
draft = state.draft()
case = ui.cases(database, session).get(draft.case_id) if draft else None
if draft is None or case is None:
    st.title(_("Write"), anchor=False)
    ui.show_notice(st.info, ":material/info:")  # a saved letter that could not be opened
    st.info(_("First choose a case to write for."), icon=":material/arrow_back:")
    if st.button(_("Choose a case"), type="primary"):
        st.switch_page(ui.PAGES["cases"])
    st.stop()

st.title(_("Write for {name}", name=ui.inert(case.name)), anchor=False)
case_ui.case_caption(case)
st.segmented_control(_("Kind of letter"), options=list(session.kinds), key=state.kind_key(),
                     format_func=lambda kind: _(ui.KIND_LABELS[kind]), on_change=state.switch_kind,
                     args=(case,), required=True)
st.caption(f"{_(ui.KIND_LABELS[draft.kind])}: {_(ui.KIND_HELP[draft.kind])}.")
case_ui.practice_notice(case, draft.kind)


def step_form(session, case, draft, steps, at) -> None:
    """One step: its prompt, sentence starters, the field, a tip and an example, Back and Next."""
    step = steps[at]
    st.subheader(ui.inert(step.title), anchor=False)
    st.markdown(ui.inert(step.prompt))
    st.caption(_("Click a beginning to use it, then go on in your own words:"))
    with st.container(horizontal=True):
        for starter in step.starters:
            st.button(f"{ui.inert(starter)} …", key=f"starter-{step.id}-{starter}", width="content",
                      on_click=state.add_text, args=(step.field, starter))
    if step.id == "what_i_know":
        with st.expander(_("Facts from the case (click one to add it, exactly as written)")):
            for number, fact in enumerate(prompts.facts(case, session.simple, ui.lang())):
                st.button(ui.inert(fact), key=f"fact-{number}", on_click=state.add_text,
                          args=(step.field, fact), icon=":material/add:")
    widget = st.text_input if step.field in letters.ONE_LINE else st.text_area
    widget(ui.inert(step.title, label=True), key=state.field_key(step.field),
           on_change=state.save_field, args=(step.field,), max_chars=letters.MAX_FIELD,
           placeholder=step.example)
    st.caption(_("Tip:") + " " + ui.inert(step.hint))
    with st.expander(_("See an example")):
        st.markdown(ui.inert(step.example))
    if step.field == "request" and case.appeal.ask:
        st.button(_("Put back the case's exact request"), icon=":material/undo:",
                  on_click=state.set_text, args=("request", case.appeal.ask))
    back, ahead = st.container(key=ui.STEP_NAV).columns(2)
    back.button(_("Back"), icon=":material/arrow_back:", disabled=at == 0, width="stretch",
                on_click=state.go, args=(at - 1,))
    if at + 1 < len(steps):
        ahead.button(_("Next: {title}", title=ui.inert(steps[at + 1].title)), type="primary",
                     width="stretch",
                     icon=":material/arrow_forward:", on_click=state.go, args=(at + 1,))
    elif ahead.button(_("Next: print & count"), type="primary", icon=":material/print:",
                      width="stretch"):
        st.switch_page(ui.PAGES["print"])
    with st.expander(_("All steps")):
        for number, other in enumerate(steps):
            st.button(f"{number + 1}\\. {ui.inert(other.title)}", key=f"go-{number}",
                      on_click=state.go, args=(number,), disabled=number == at, type="tertiary")


def letter_preview(session, case, draft) -> None:
    """The letter as it will print, what it still lacks, and the checker's findings."""
    letter = letters.compose(draft, case, lang=ui.lang())
    st.markdown("**" + _("Preview") + "**")
    with st.container(border=True):
        st.text(letters.as_text(letter))
    composer.problems(letters.problems(draft))
    st.markdown("**" + _("Checking your letter") + "**")
    checked, found = counting.check_letter(letter, case, session, draft.kind, ui.lang())
    composer.findings(checked, found)
    if not found and checked:
        st.caption(_("Nothing to point out: your letter looks kind, clear and safe."))


@st.fragment
def steps_and_preview(session, case) -> None:
    """The step and the preview: a keystroke, a starter or Next reruns only this part."""
    with storage.fragment_run(session):
        draft = state.draft()
        if draft is None or draft.case_id != case.id:  # the letter changed under this part
            st.rerun(scope="app")
        steps = prompts.steps(draft.kind, ui.lang(), session.simple, case=case)
        at = state.step(len(steps))
        st.progress((at + 1) / len(steps), text=_("Step {number} of {count}: {title}",
                                                  number=at + 1, count=len(steps),
                                                  title=ui.inert(steps[at].title)))
        form, preview = st.columns([3, 2], gap="large")
        with form:
            step_form(session, case, draft, steps, at)
        with preview:
            letter_preview(session, case, draft)


steps_and_preview(session, case)
