"""Case file: upload this year's case pack, choose the cases the session offers, edit a case."""

import streamlit as st

from w4r import casepack, config, sessions, state, ui
from w4r.ui import _, _n, case_cards as case_ui, organizer, storage

ui.entered_through_app()

database = ui.database()
session = organizer.require(database, "cases")

st.title(_("Case file"), anchor=False)
ui.show_notice()
found = ui.cases(database, session)
case_ui.content_problems(found)

st.subheader(_("1. Load this year's cases"), anchor=False)
st.markdown(_("Upload your national section's case pack: one YAML or JSON file per case, a zip "
            "of them, or a spreadsheet saved as CSV with one row per case (columns in "
            "`docs/CONTENT.md`). Nothing is stored until every file is valid."))
uploads = st.file_uploader(_("Case files"), type=["yaml", "yml", "json", "zip", "csv"],
                           accept_multiple_files=True)
if uploads:
    files = [(upload.name, upload.getvalue()) for upload in uploads]
    pack = state.once("case-pack", casepack.pack_digest(files), lambda: casepack.read_files(files))
    if pack.problems:
        st.error(_n("{count} problem: nothing was stored. Fix it and upload again.",
                    "{count} problems: nothing was stored. Fix them and upload again.",
                    len(pack.problems)), icon=":material/error:")
        st.code("\n".join(map(str, pack.problems)), language=None)
    else:
        st.markdown(_n("**{count} valid case:**", "**{count} valid cases:**", len(pack.cases))
                    + " "
                    + ", ".join(ui.inert(case.name) for case, _text in pack.cases))
        if st.button(_n("Store the {count} case", "Store the {count} cases", len(pack.cases)),
                     type="primary"):
            done, stored = storage.guarded(lambda: casepack.store(database, session.code, pack),
                                           "store")
            if done:
                state.notice(_n("Stored {count} case. Choose below which ones this session "
                                "offers.", "Stored {count} cases. Choose below which ones this "
                                "session offers.", stored))
                st.rerun()

st.subheader(_("2. The cases this session offers"), anchor=False)
ids = [case.id for case in found.cases]
names = {case.id: f"{case.name} ({case.year}" + (", " + _("past") if case.is_past else "") + ")"
         for case in found.cases}
with st.form("offered"):
    chosen = st.multiselect(_("Cases offered to writers (none chosen: all of them)"), ids,
                            default=[c for c in session.cases if c in ids],
                            format_func=names.get)
    saved = st.form_submit_button(_("Save the choice"), type="primary")
if saved and storage.guarded(lambda: sessions.update(database, session.code,
                                                     cases=tuple(chosen)), "save")[0]:
    state.notice(_n("{name} now offers {count} case.", "{name} now offers {count} cases.",
                    len(chosen), name=session.name)
                 if chosen else _("{name} now offers all the cases.", name=session.name))
    st.rerun()

st.subheader(_("3. Edit a case"), anchor=False)
if found.cases:
    case_id = st.selectbox(_("Case to edit"), ids, format_func=names.get)
    case = found.get(case_id)
    stored = casepack.stored_text(database, session.code, case_id) is not None
    with st.form(f"edit-{case_id}"):
        text = st.text_area(_("The case file (YAML; see docs/CONTENT.md)"), height=420,
                            value=casepack.editable_text(database, session.code, case,
                                                        config.cases_dir()),
                            max_chars=casepack.MAX_FILE_BYTES)
        saved = st.form_submit_button(_("Save the case"), type="primary")
    if saved:
        try:
            done, _saved = storage.guarded(lambda: casepack.save_text(
                database, session.code, text, case.file or f"{case_id}.yaml", case_id), "save")
        except ValueError as exc:
            st.error(_("Not saved: nothing changed. Problems:"), icon=":material/error:")
            st.code(str(exc), language=None)
        else:
            if done:
                state.notice(_("Saved {case}.", case=case_id))
                st.rerun()
    if stored and st.button(_("Undo my edits and uploads of this case"), icon=":material/undo:") \
            and storage.guarded(lambda: casepack.remove(database, session.code, case_id),
                                "change")[0]:
        state.notice(_("{case} is back as it was shipped (or gone, if it was uploaded).",
                       case=case_id))
        st.rerun()
