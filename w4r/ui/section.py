"""Section pieces: the section administrator's sign-in, the totals of the sessions shared with
the section, its report downloads, its projector link, and the section projector's view
(?sp=TOKEN). Every callback asks again, on the server, who this browser is."""

from __future__ import annotations

import streamlit as st

from w4r import pdf, reports, rights, section, sessions, state, tally
from w4r.db import Database
from w4r.ui import storage
from w4r.ui.common import (ACTION_LABELS, KIND_LABELS, PAPER_LABELS, _, base_url, inert, number,
                           run_database, shipped_cases)
from w4r.ui.counts import PROJECTOR_REFRESH_S, big_numbers, thermometer


def actor(database: Database) -> rights.Actor:
    """This browser as an actor: a visitor, maybe an organizer, maybe the section administrator
    (nobody on a locked kiosk server)."""
    if locked := state.locked_code():
        return rights.kiosk_actor(locked)
    return rights.Actor(state.session_code(), state.organizer_code(database, touch=False),
                        section=state.section_admin(database))


def may(database: Database, action: str) -> bool:
    """True when this browser may take this section action."""
    return rights.allowed(actor(database), action, rights.SECTION)


def names() -> dict[str, str]:
    """The cases' names for the section; a past (demo) case's name says it is practice."""
    return section.case_names(shipped_cases())


def as_totals(overview: section.Overview) -> tally.Totals:
    """The section's numbers in the shape the thermometer and the projector draw."""
    by_kind: dict[str, int] = {}
    by_case: dict[str, dict[str, int]] = {}
    for line in overview.lines:
        by_kind[line.kind] = by_kind.get(line.kind, 0) + line.count
        kinds = by_case.setdefault(line.case_id, {})
        kinds[line.kind] = kinds.get(line.kind, 0) + line.count
    return tally.Totals(sessions.Session(code="", name="", goal=overview.goal),
                        overview.total, overview.letters, by_kind, by_case)


# --- signing in ------------------------------------------------------------------------------

def sign_in_form(database: Database) -> None:
    """The passphrase form (or, without a passphrase, how the person at the server sets one)."""
    if not section.has_passphrase(database):
        st.info(_("No section passphrase is set. Only the person at the computer that runs w4r "
                  "can set one: `python -m w4r section passphrase`."), icon=":material/key:")
        return
    st.markdown(_("The section administrator signs in here to see the classes and events that "
                  "chose to share their counts with the section. It gives no right to change "
                  "any session or to read any letter."))
    with st.form("section-sign-in", enter_to_submit=True):
        passphrase = st.text_input(_("Section passphrase"), type="password",
                                   max_chars=section.MAX_LENGTH)
        chosen = st.form_submit_button(_("Sign in"), type="primary")
    if chosen:
        done, attempt = storage.guarded(lambda: state.section_sign_in(database, passphrase),
                                        "sign-in")
        if done and attempt.ok:
            st.rerun()
        if done:
            st.error(inert(attempt.message), icon=":material/lock:")


def sign_out() -> None:
    """Callback: end this browser's section sign-in."""
    def leave() -> None:
        with run_database() as database:
            state.section_sign_out(database)
    storage.in_callback(leave, "change")


WATCH_S = 30.0  # how often an open Section page looks whether its sign-in ended


def watch_sign_in() -> None:
    """Leave the section's numbers by themselves once the sign-in ends unused (30 minutes) or
    the passphrase changes: a timer looks, without counting as a use, and reruns the app."""
    @st.fragment(run_every=WATCH_S)
    def section_sign_in_timer() -> None:
        with storage.page_guard(), run_database() as database:
            ended = not state.section_admin(database, touch=False)
        if ended:
            st.rerun(scope="app")

    section_sign_in_timer()


# --- the administrator's view ----------------------------------------------------------------

def view(database: Database) -> None:
    """Everything the shared sessions counted, the report downloads and the projector link."""
    if not may(database, "section-view"):  # asked again here, whatever the page did
        return
    watch_sign_in()
    found = names()
    overview = section.overview(database, found)
    st.button(_("Sign out of the section"), icon=":material/logout:", on_click=sign_out)
    st.markdown(_("Sessions shared with the section: **{count}**. Only sessions whose organizers "
                  "turned on “Share this session's counts with the section” are counted here.",
                  count=number(len(overview.sessions))))
    if overview.sessions:
        st.markdown(_("Shared: {sessions}", sessions=" · ".join(
            f"{inert(name)} (`{code}`)" for code, name in overview.sessions)))
    thermometer(as_totals(overview))

    st.subheader(_("By case, kind and action"), anchor=False)
    if overview.lines:
        st.dataframe([{_("Case"): line.case, _("Kind"): _(KIND_LABELS[line.kind]),
                       _("Action"): _(ACTION_LABELS[line.action]), _("Count"): line.count}
                      for line in overview.lines], hide_index=True, width="stretch")
    else:
        st.caption(_("Nothing counted yet in the shared sessions."))

    st.subheader(_("By school or event"), anchor=False)
    if overview.by_group:
        st.dataframe([{_("School or event"): place, _("Actions"): count}
                      for place, count in overview.by_group], hide_index=True, width="stretch")

    st.subheader(_("By day ({zone})", zone=inert(overview.timezone)), anchor=False)
    st.caption(_("Days are counted in {zone}; the person who runs w4r can choose another time "
                 "zone with W4R_SECTION_TZ.", zone=inert(overview.timezone)))
    if overview.by_day:
        st.dataframe([{_("Day"): day, _("Actions"): count} for day, count in overview.by_day],
                     hide_index=True, width="stretch")

    st.subheader(_("Section report"), anchor=False)
    st.markdown(_("One row per case, kind and action over every shared session, with the totals, "
                  "the participants and the dates ({zone}). Past cases are marked as practice.",
                  zone=inert(overview.timezone)))
    downloads(found)
    projector_panel(database)


def _report_data(fmt: str, found: dict[str, str], paper: str = "a4") -> bytes:
    """A section report file, made only for a live section sign-in (empty otherwise)."""
    with run_database() as database:
        if not may(database, "section-export"):
            return b""
        if fmt == "pdf":
            return section.report_pdf(database, found, paper)
        report = section.report(database, found)
    return (reports.section_csv(report).encode("utf-8-sig") if fmt == "csv"
            else reports.section_json(report).encode("utf-8"))


def downloads(found: dict[str, str]) -> None:
    """The section report as CSV, JSON and PDF."""
    csv_col, json_col, pdf_col, paper_col = st.columns([2, 2, 2, 1], vertical_alignment="bottom")
    paper = paper_col.radio(_("Paper"), list(pdf.PAPERS), horizontal=True, key="section-paper",
                            format_func=PAPER_LABELS.get)
    csv_col.download_button(_("Section report (CSV)"), on_click="ignore", icon=":material/table:",
                            data=lambda: _report_data("csv", found),
                            file_name="w4r-section.csv", mime="text/csv")
    json_col.download_button(_("Section report (JSON)"), on_click="ignore",
                             icon=":material/data_object:",
                             data=lambda: _report_data("json", found),
                             file_name="w4r-section.json", mime="application/json")
    pdf_col.download_button(_("Section report (PDF)"), on_click="ignore",
                            icon=":material/workspace_premium:",
                            data=lambda: _report_data("pdf", found, paper),
                            file_name="w4r-section.pdf", mime="application/pdf")


# --- the section projector link ----------------------------------------------------------------

def new_projector_link() -> None:
    """Callback: a new section projector link; the previous one stops working."""
    def make() -> None:
        with run_database() as database:
            if may(database, "section-projector"):
                state.section_projector_link(section.projector_link(
                    base_url(), section.issue_display(database)))
    storage.in_callback(make, "change")


def revoke_projector_link() -> None:
    """Callback: end the section projector link."""
    def revoke() -> None:
        with run_database() as database:
            if may(database, "section-projector"):
                section.revoke_display(database)
                state.forget_section_projector_link()
    storage.in_callback(revoke, "change")


def projector_panel(database: Database) -> None:
    """Make, show or end the section projector link."""
    st.subheader(_("Section projector link"), anchor=False)
    st.markdown(_("A read-only link for a screen: it shows the whole section's total and its "
                  "progress towards the shared sessions' goals, and nothing else. Making a new "
                  "link ends the old one."))
    link = state.section_projector_link()
    live = section.has_display(database)
    if link and live:
        st.code(link, language=None)
    elif live:
        st.caption(_("A section projector link is live; it was made in another browser or "
                     "before a reload. Make a new one to see it here."))
    new_col, end_col = st.columns(2)
    new_col.button(_("Make a new section projector link"), icon=":material/cast:",
                   on_click=new_projector_link)
    end_col.button(_("End the section projector link"), icon=":material/link_off:",
                   on_click=revoke_projector_link, disabled=not live)


# --- the section projector (?sp=TOKEN) -----------------------------------------------------------

def refused() -> None:
    """Say that a section projector link does not work, and reveal nothing else."""
    st.error(_("This section projector link does not work: it is mistyped, or it was ended. Ask "
               "the section administrator for the current link."), icon=":material/link_off:")


def shown(database: Database, token: str | None) -> bool:
    """True when a token is the live section projector link."""
    return section.displayed(database, token) and rights.allowed(
        rights.section_display_actor(), "section-display", rights.SECTION)


def display_view(token: str | None) -> None:
    """The whole section's total and goal progress for a screen, refreshing itself."""
    @st.fragment(run_every=PROJECTOR_REFRESH_S)
    def live() -> None:
        with storage.page_guard(), run_database() as database:
            if not shown(database, token):
                st.rerun(scope="app")  # the link was ended or renewed
            overview = section.overview(database, names())
        big_numbers(_("The whole section"), as_totals(overview))
        st.caption(_("Classes and events sharing their counts: {count}",
                     count=number(len(overview.sessions))))
    live()
