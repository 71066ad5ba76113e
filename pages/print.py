"""Print & count: download the letter as a PDF, then count it once for the class tally."""

import streamlit as st

from w4r import bilingual, counting, drafts, pdf, state, tally, tone, ui
from w4r.ui import _, _n, composer, printing, storage, submit

ui.entered_through_app()

database = ui.database()
session = ui.current_session(database, state.session_code())
draft = state.draft()
case = ui.cases(database, session).get(draft.case_id) if draft else None
st.title(_("Print & count"), anchor=False)
if draft is None or case is None:
    ui.show_notice(st.info, ":material/info:")  # a saved letter that could not be opened
    st.info(_("First choose a case and write your letter."), icon=":material/arrow_back:")
    if st.button(_("Choose a case"), type="primary"):
        st.switch_page(ui.PAGES["cases"])
    st.stop()

counted = state.is_counted(draft.submission_id)
town = state.option("town", "") if draft.kind == "appeal" else ""
verdict = counting.review(draft, case, session, ui.lang(), sender_town=town)
letter, checked, found = verdict.letter, verdict.checked, verdict.findings
blocked = tone.blocking(found)
problems = verdict.writing_problems
st.markdown(_("Your **{kind}** for **{name}**.",
              kind=ui.in_sentence(_(ui.KIND_LABELS[draft.kind])), name=ui.inert(case.name)))

st.subheader(_("1. Print it"), anchor=False)
if counted and drafts.erased(draft):
    st.caption(_("Your class does not keep the text of counted letters, so this letter can't be "
                 "printed again here."))
elif problems or blocked:
    composer.problems(problems)
    composer.findings(checked, blocked)
    if blocked:
        st.markdown(_("**Your letter can't be printed yet.** Go back and change the words "
                      "shown above: they could put the person you write for at risk, or stop "
                      "the letter from being read."))
    if st.button(_("Back to writing"), icon=":material/edit:"):
        st.switch_page(ui.PAGES["write"])
else:
    composer.findings(checked, [f for f in found if f.severity == "warn"])
    paper_col, layout_col = st.columns(2)
    paper_col.radio(_("Paper"), options=list(pdf.PAPERS), key=state.option_key("paper", "a4"),
                    on_change=state.save_option, args=("paper",), horizontal=True,
                    format_func=ui.PAPER_LABELS.get)
    if draft.kind == "solidarity":
        layout_col.radio(_("Print it as"), pdf.LAYOUTS, key=state.option_key("layout", "letter"),
                         on_change=state.save_option, args=("layout",), horizontal=True,
                         format_func=lambda layout: _(ui.LAYOUT_LABELS[layout]))
    else:
        layout_col.text_input(_("Your town (optional: printed with your name at the top)"),
                              key=state.option_key("town", ""), max_chars=drafts.MAX_TOWN,
                              on_change=state.save_option, args=("town",))
    with st.container(border=True):
        st.markdown(_("**Translate my letter** (optional)"))
        composer.translation_panel(letter, case, draft.kind)
    chosen = bilingual.to_print(letter, state.translation(letter), state.option("print", "original"),
                                composer.translation_heading(state.translation(letter)))
    layout = state.option("layout", "letter") if draft.kind == "solidarity" else "letter"
    paper = state.option("paper", "a4")
    try:
        printed = state.printed(chosen, paper, layout)  # once per version of the letter
    except pdf.UnsupportedText as exc:
        st.warning(ui.inert(exc), icon=":material/translate:")
    else:
        for note in printed.notes:
            st.caption(note)
        printing.download(printed, file_name=f"write-for-rights-{case.id}-{draft.kind}.pdf")
        st.caption(_("Open the PDF and print it. Sign it by hand if you like."))
        if session.printer:
            printing.send_to_printer(printed.data, session.printer, f"{case.name}: {draft.kind}",
                                     action=submit.print_checked)
        printing.preview(chosen, paper, layout, height=620)
        if case.is_past:
            st.caption(_("This is a practice letter for a past case: keep it or take it home; "
                         "do not post it."))
        elif draft.kind == "appeal" and not case.appeal.address:
            st.caption(_("The address is on this year's case sheet: copy it onto the "
                         "envelope."))

st.subheader(_("2. Count it"), anchor=False)
st.button(_("Count my letter") if not counted else _("Counted"), type="primary",
          icon=":material/check_circle:" if counted else ":material/add_circle:",
          on_click=submit.count_letter, disabled=counted or not verdict.ok)
composer.problems(state.refused())
submit.pause_notice()  # a kiosk session's pace, when its organizer counts here
storage.show_problem()  # the tally was busy, full…: said here, by the button
if state.celebrate():
    st.balloons()
if counted:
    total = tally.totals(database, session).letters
    st.success(_("Thank you! Your letter is counted.") + " " + (
        _n("{name} has now written **{count}** letter.", "{name} has now written **{count}** "
           "letters.", total, name=ui.inert(session.name))), icon=":material/celebration:")
    if st.button(_("Write another letter"), icon=":material/edit:"):
        state.new_letter(database)
        st.switch_page(ui.PAGES["cases"])
else:
    st.caption(_("Count your letter once you have printed it (or written it out by hand)."))
