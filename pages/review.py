"""Review letters: the kept letters of the session; mark, hide or delete them (the counts stay)."""

import streamlit as st

from w4r import counting, kept, letters, pdf, state, ui
from w4r.ui import _, _n, composer, organizer, printing, storage

ui.entered_through_app()

database = ui.database()
session = organizer.require(database, "review")

st.title(_("Review letters"), anchor=False)
ui.show_notice()
if not session.keep_text:
    st.info(_("This session only counts letters: their text is not kept. Turn on “Keep the text "
              "of counted letters” in Session settings to review and batch-print them."),
            icon=":material/info:")

found = ui.cases(database, session)
names = {case.id: case.name for case in found.cases}
counts = kept.status_counts(database, session.code)
columns = st.columns(4)
for column, (label, key) in zip(columns, [(_("New"), "new"), (_("Printed"), "printed"),
                                          (_("Sent"), "sent"), (_("Hidden"), "hidden")]):
    column.metric(label, counts[key])

filter_col, hidden_col = st.columns([3, 1], vertical_alignment="bottom")
case_filter = filter_col.selectbox(_("Case"), [None, *names], format_func=lambda c: _("All cases")
                                   if c is None else names.get(c, c))
show_hidden = hidden_col.toggle(_("Show hidden letters"))
shown = kept.listing(database, session.code, hidden=show_hidden, case_id=case_filter)
if not shown:
    st.caption(_("No kept letters to show."))
for item in shown:
    case = found.get(item.case_id)
    title = (f"{ui.inert(names.get(item.case_id, item.case_id))} · {_(ui.KIND_LABELS[item.kind])} · "
             f"{_(ui.STATUS_LABELS[item.status])}"
             + (" · " + _("hidden") if item.hidden else ""))
    with st.expander(title):
        if case is None:
            st.text("\n\n".join(v for v in item.parts.values() if v))
        else:
            letter = letters.compose(item.draft(), case, item.day, item.lang)
            st.text(letters.as_text(letter))
            composer.findings(*counting.check_letter(letter, case, session, item.kind))
        st.caption(_("Counted {when} UTC", when=item.kept_at[:16].replace("T", " ")))
        buttons = st.columns(4)
        for column, status in zip(buttons[:2], ("printed", "sent")):
            column.button(_(ui.MARK_LABELS[status]), key=f"{status}-{item.submission_id}",
                          on_click=organizer.mark_letter, args=(session.code, item.submission_id,
                                                         status),
                          disabled=item.status == status)
        buttons[2].button(_("Show") if item.hidden else _("Hide"), key=f"hide-{item.submission_id}",
                          on_click=organizer.hide_letter,
                          args=(session.code, item.submission_id, not item.hidden))
        buttons[3].button(_("Delete text"), key=f"delete-{item.submission_id}",
                          on_click=organizer.delete_letter, args=(session.code, item.submission_id),
                          help=_("The letter stays counted."))

st.subheader(_("Print the letters as a batch"), anchor=False)
items, missing = kept.batch(database, session.code, found, case_filter)
if missing:
    st.warning(_("Letters for {cases} can't be printed: their case is no longer loaded.",
                 cases=", ".join(missing)), icon=":material/warning:")
practice_only = bool(items) and all(item.case.is_past for item in items)
if items:
    if practice_only:
        st.markdown(_n("One PDF with the **{count}** kept letter shown above (hidden ones left "
                       "out), opened by its case's cover sheet. It is a practice letter for a "
                       "past case: keep it, do not post it.",
                       "One PDF with the **{count}** kept letters shown above (hidden ones left "
                       "out), grouped by case, each case opened by a cover sheet. They are "
                       "practice letters for past cases: keep them, do not post them.",
                       len(items)))
    else:
        st.markdown(_n("One PDF with the **{count}** kept letter shown above (hidden ones "
                       "left out), opened by its case's cover sheet saying where to send it: "
                       "print it, then put the letter into an envelope.",
                       "One PDF with the **{count}** kept letters shown above (hidden ones "
                       "left out), grouped by case, each case opened by a cover sheet saying "
                       "where to send them: print it, then put each case's letters into "
                       "envelopes.", len(items)))
    if any(item.case.is_past for item in items) and not practice_only:
        st.caption(_("Letters for past cases are practice: their cover sheet says so and gives "
                     "no address. Do not post them."))
    paper_col, cards_col = st.columns(2)
    paper = paper_col.radio(_("Paper"), list(pdf.PAPERS), horizontal=True, key="batch-paper",
                            format_func=ui.PAPER_LABELS.get)
    cards = cards_col.radio(_("Solidarity messages as"), pdf.LAYOUTS, horizontal=True,
                            key="batch-cards", format_func=lambda layout: _(ui.LAYOUT_LABELS[layout]))
    batch_col, labels_col = st.columns(2)
    batch_col.download_button(_("Download the batch (PDF)"), type="primary", on_click="ignore",
                              data=lambda: pdf.build_batch(items, paper, cards).data,
                              file_name=f"w4r-letters-{session.code}.pdf",
                              mime="application/pdf", icon=":material/download:")
    if any(item.letter.addressee for item in items):
        labels_col.download_button(_("Address labels (PDF)"), on_click="ignore",
                                   data=lambda: pdf.build_labels(items, paper).data,
                                   file_name=f"w4r-labels-{session.code}.pdf",
                                   mime="application/pdf", icon=":material/label:")
    elif not practice_only:
        labels_col.caption(_("No address labels: the cases give no addresses (copy them from "
                           "this year's case sheets)."))
    if session.printer:
        printing.send_batch_to_printer(items, paper, cards, session.printer, session.name)
else:
    st.caption(_("No kept letters to print."))

st.subheader(_("Delete every letter text of this session"), anchor=False)
st.markdown(_("When the letters are printed and sent, delete their text. The counts stay in the "
            "tally; shown first names are deleted too."))
with st.form("delete-all"):
    sure = st.checkbox(_n("Yes, delete the {count} letter text of {name}",
                          "Yes, delete all {count} letter texts of {name}",
                          sum(counts.values()), name=ui.inert(session.name)))
    wipe = st.form_submit_button(_("Delete all letter text"), type="primary")
if wipe:
    if sure:
        done, gone = storage.guarded(lambda: kept.delete_all(database, session.code), "change")
        if done:
            state.notice(_n("Deleted {count} letter text. The tally is unchanged.",
                            "Deleted {count} letter texts. The tally is unchanged.", gone))
            st.rerun()
    else:
        st.warning(_("Tick the box first: this cannot be undone."))
