"""Tally & reports: the tally by case, kind and action; hand-written letters; exports; merging."""

import streamlit as st

from w4r import casepack, kept, pdf, reports, sessions, state, tally, terms, ui
from w4r.ui import _, _n, counts, organizer, storage

ui.entered_through_app()

database = ui.database()
session = organizer.require(database, "report")

found = ui.cases(database, session)
names = {case.id: case.name for case in found.cases}
totals = tally.totals(database, session)

st.title(_("Tally & reports"), anchor=False)
st.markdown(f"**{ui.inert(session.name)}** · " + _("code") + f" `{session.code}`")
counts.thermometer(totals)

st.subheader(_("By case, kind and action"), anchor=False)
rows = tally.breakdown(database, session.code)
if rows:
    st.dataframe([{_("Case"): names.get(r.case_id, r.case_id), _("Kind"): _(ui.KIND_LABELS[r.kind]),
                   _("Action"): _(ui.ACTION_LABELS[r.action]), _("Count"): r.count} for r in rows],
                 hide_index=True, width="stretch")
else:
    st.caption(_("Nothing counted yet."))

st.subheader(_("Add letters written on paper"), anchor=False)
st.markdown(_("For letters, cards or petition signatures done away from the app: “our table "
              "wrote 45 by hand”."))
with st.form("manual"):
    case_col, kind_col, action_col, count_col = st.columns([3, 2, 2, 1])
    case_id = case_col.selectbox(_("Case"), [c.id for c in found.cases], format_func=names.get)
    kind = kind_col.selectbox(_("Kind"), terms.LETTER_KINDS, format_func=lambda k: _(ui.KIND_LABELS[k]))
    action = action_col.selectbox(_("Action"), terms.ACTIONS, format_func=lambda a: _(ui.ACTION_LABELS[a]))
    count = count_col.number_input(_("How many"), min_value=1, max_value=tally.MAX_COUNT, value=1)
    added = st.form_submit_button(_("Add to the tally"), type="primary")
if added and case_id:
    entry = f"manual.{case_id}.{kind}.{action}.{count}"
    done, new = storage.guarded(lambda: tally.record(database, tally.Action(
        state.pending_id(entry), session.code, case_id, kind, action, int(count),
        source="manual")), "add")
    if new:
        state.notice(_("Added {count} × {action} for {case}.", count=count,
                       action=ui.in_sentence(_(ui.ACTION_LABELS[action])),
                       case=names.get(case_id, case_id)))
        st.rerun()
    if done:  # counted before: a second click, or the same numbers on purpose
        st.info(_("This exact entry is already in the tally (a second click?). To add the same "
                  "numbers once more, confirm:"), icon=":material/info:")
        st.button(_("Add it once more"), on_click=counts.add_again,
                  args=(entry, tally.Action("", session.code, case_id, kind, action, int(count),
                                            source="manual"), names.get(case_id, case_id)))
ui.show_notice()

if session.grouping:
    st.subheader(_("Leaderboard · {group}", group=ui.inert(session.grouping)), anchor=False)
    board = sessions.in_group(database, session.grouping)
    if session.leaderboard and board:
        scores = tally.session_totals(database, [s.code for s in board])
        st.dataframe([{_("Rank"): rank, _("Class or table"): s.name, _("Letters"): scores[s.code]}
                      for rank, s in enumerate(sorted(board, key=lambda s: -scores[s.code]), 1)],
                     hide_index=True, width="stretch")
    else:
        st.caption(_("Turn on “Appear on the leaderboard of this school or event” in Session "
                     "settings; only the classes "
                   "or tables that chose it are shown."))

st.subheader(_("Totals across the years"), anchor=False)
years = {session.name: tally.by_year(database, [session.code])}
if session.grouping and session.leaderboard:  # only the sessions that chose to be compared
    group = {s.code for s in sessions.in_group(database, session.grouping)} | {session.code}
    years[session.grouping] = tally.by_year(database, sorted(group))
st.dataframe([{_("Year"): year, **{label: totals_.get(year, 0) for label, totals_ in years.items()}}
              for year in sorted({y for t in years.values() for y in t}, reverse=True)],
             hide_index=True)

st.subheader(_("Export and report"), anchor=False)
report_col, paper_col = st.columns([2, 1], vertical_alignment="bottom")
report_paper = paper_col.radio(_("Paper"), list(pdf.PAPERS), horizontal=True, key="report-paper",
                               format_func=ui.PAPER_LABELS.get)
report = reports.summary(database, session, names)
report_col.download_button(_("Printable report or certificate (PDF)"), on_click="ignore",
                           data=lambda: pdf.build_report(report, report_paper).data,
                           file_name=f"w4r-report-{session.code}.pdf", mime="application/pdf",
                           icon=":material/workspace_premium:", type="primary")
st.caption(_("It says: “{headline}”, with each case's letters.",
             headline=ui.inert(report.headline)))
csv_col, json_col = st.columns(2)
csv_col.download_button(_("Tally as CSV (Excel, LibreOffice)"), on_click="ignore",
                        data=tally.export_tally(database, session, "csv").encode("utf-8-sig"),
                        file_name=f"w4r-tally-{session.code}.csv", mime="text/csv",
                        icon=":material/table:")
with_text = json_col.checkbox(_("Include the kept letter text in the JSON file"),
                              help=_("Off: the export holds counts only, never letter text."))
json_col.download_button(_("Tally as JSON (to merge on another device)"), on_click="ignore",
                         data=tally.export_tally(database, session, "json",
                                                 kept.for_export(database, session.code)
                                                 if with_text else None).encode("utf-8"),
                         file_name=f"w4r-tally-{session.code}.json",
                         mime="application/json", icon=":material/data_object:")

st.subheader(_("Section report"), anchor=False)
st.markdown(_("One row per case, kind and action with the totals, the participants and the "
              "dates ({zone}); the PDF adds a certificate per class.",
              zone=ui.inert(reports.zone_name(session))))
whole = bool(session.grouping) and st.checkbox(
    _("The whole school or event: every class on its leaderboard"))
section_csv_col, section_pdf_col = st.columns(2)
section_csv_col.download_button(
    _("Section report (CSV)"), on_click="ignore", icon=":material/table:",
    data=lambda: reports.section_csv(reports.section(database, session, names, whole))
    .encode("utf-8-sig"), file_name=f"w4r-section-{session.code}.csv", mime="text/csv")
section_pdf_col.download_button(
    _("Section report and certificates (PDF)"), on_click="ignore",
    icon=":material/workspace_premium:",
    data=lambda: reports.section_pdf(database, session, names, whole, report_paper),
    file_name=f"w4r-section-{session.code}.pdf", mime="application/pdf")

st.subheader(_("Merge a tally from another device"), anchor=False)
st.markdown(_("Upload a CSV or JSON export made on another kiosk or laptop. Each letter counts "
            "once, however often a file is merged."))
upload = st.file_uploader(_("Tally export"), type=["csv", "json"])
if upload:
    raw = upload.getvalue()
    parsed = state.once("tally-export", casepack.pack_digest([(upload.name, raw)]),
                        lambda: tally.parse_export(raw, upload.name))
    if parsed.problems:
        st.error(_n("{count} problem: nothing was merged.", "{count} problems: nothing was "
                    "merged.", len(parsed.problems)),
                 icon=":material/error:")
        st.code("\n".join(map(str, parsed.problems[:200])), language=None)
    else:
        distinct = len({a.submission_id for a in parsed.actions})
        new = distinct - tally.already_counted(database, parsed.actions)
        st.markdown(_n("The file holds **{count}** counted action; new here: **{new}**.",
                       "The file holds **{count}** counted actions; new here: **{new}**.",
                       distinct, new=ui.number(new)))
        others = sorted({a.session_code for a in parsed.actions} - {session.code})
        mapped = others and st.checkbox(
            _("The file was made for {codes}: count its actions for {name} ({code})",
              codes=", ".join(others), name=ui.inert(session.name), code=session.code))
        if st.button(_("Merge"), type="primary", disabled=not new or bool(others and not mapped)):
            try:
                done, result = storage.guarded(lambda: tally.merge(
                    database, session.code, parsed, map_other_sessions=bool(mapped)), "merge")
            except ValueError as exc:
                st.error(_("Nothing was merged: {reason}", reason=ui.inert(exc)),
                         icon=":material/error:")
            else:
                if done:  # otherwise the message said what happened; the Merge button stays
                    st.success(_("Merged. New: {new} (letters: {letters}). Already counted: "
                                 "{already}.", new=ui.number(result.new),
                                 letters=ui.number(result.new_letters),
                                 already=ui.number(result.already)), icon=":material/merge:")
                    st.dataframe([{_("Case"): names.get(c, c), _("New"): n}
                                  for c, n in sorted(result.new_by_case.items())],
                                 hide_index=True)
