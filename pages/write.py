"""Write: a guided form for the letter, with a live preview of the page."""

import streamlit as st

from w4r import letters, state, ui

ui.entered_through_app()

database = ui.database()
session = ui.current_session(database, state.session_code())
draft = state.draft()
case = ui.cases(database).get(draft.case_id) if draft else None
if draft is None or case is None:
    st.title("Write", anchor=False)
    st.info("First choose a case to write for.", icon=":material/arrow_back:")
    if st.button("Choose a case", type="primary"):
        st.switch_page(ui.PAGES["cases"])
    st.stop()

st.title(f"Write for {case.name}", anchor=False)
ui.case_caption(case)
st.segmented_control("Kind of letter", options=list(session.kinds), key=state.kind_key(),
                     format_func=ui.KIND_LABELS.get, on_change=state.switch_kind, args=(case,),
                     required=True)
st.caption(f"{ui.KIND_LABELS[draft.kind]}: {ui.KIND_HELP[draft.kind]}.")

with st.expander("What the case sheet says about this letter"):
    if draft.kind == "appeal":
        a = case.appeal
        ui.case_sheet_fields({"To": a.addressee_name, "Title": a.addressee_title,
                              "Salutation": a.salutation, "Address": a.address,
                              "The request": a.ask, "Language": a.language})
        st.markdown("Be brief, factual and polite. Ask for exactly what the case asks for. "
                    "Say a little about yourself.")
    else:
        s = case.solidarity
        ui.case_sheet_fields({"To": s.to or case.name, "Greeting in their language": s.greeting,
                              "May mention Amnesty": s.mention_amnesty,
                              "Religious messages welcome": s.religious_content,
                              "Send or hand in to": s.send_to})
        st.markdown("Bring comfort and hope: they are not forgotten. No politics, nothing "
                    "about the charges, no promises.")

form, preview = st.columns([3, 2], gap="large")
with form:
    steps = [
        ("greeting", "1. Greeting", st.text_input, "Dear …"),
        ("about", "2. About you (optional)", st.text_area,
         "e.g. I am a student in Lyon and I learned about your story at school."),
        ("message", "3. Your message", st.text_area,
         "Why you write, in your own words." if draft.kind == "appeal" else
         "e.g. You are not alone: people around the world are thinking of you."),
    ]
    if draft.kind == "appeal":
        steps.append(("request", "4. Your request (from the case)", st.text_area,
                      "The exact ask of the case sheet."))
    steps += [("closing", f"{len(steps) + 1}. Closing", st.text_input, "Yours sincerely,"),
              ("name", f"{len(steps) + 2}. Your name (optional)", st.text_input,
               "A first name is enough")]
    for name, label, widget, placeholder in steps:
        widget(label, key=state.field_key(name), on_change=state.save_field, args=(name,),
               placeholder=placeholder, max_chars=letters.MAX_FIELD)

letter = letters.compose(draft, case)
with preview:
    st.markdown("**Preview**")
    with st.container(border=True):
        st.text(letters.as_text(letter))
    for problem in letters.problems(draft):
        st.warning(problem, icon=":material/edit_note:")
    if st.button("Next: print & count", type="primary", icon=":material/print:"):
        st.switch_page(ui.PAGES["print"])
