"""Screen pieces the pages share: opening the data, the case cards, the notices."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from w4r import DISCLAIMER, config, db, sessions
from w4r.cases import CASE_SHEET, Case, CaseSet, load_cases, or_case_sheet

PAGES = {
    "home": "pages/home.py",
    "cases": "pages/cases.py",
    "write": "pages/write.py",
    "print": "pages/print.py",
    "tally": "pages/tally.py",
}
KIND_LABELS = {"solidarity": "Solidarity message", "appeal": "Appeal letter"}
KIND_HELP = {
    "solidarity": "to the person at risk or their family: hope and support",
    "appeal": "to the authority that can act: polite, brief, one clear request",
}


def entered_through_app() -> None:
    """Rerun through app.py when a sub-page URL was the server's first request.

    Streamlit treats a project with a `pages/` folder as an old-style multipage app until
    app.py's st.navigation has run once; a first request for /write would then run the page
    alone (no navigation, no join link, no disclaimer) for every visitor. Each page calls this
    first: it switches that mode off and reruns, so app.py runs and then shows the page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def database() -> db.Database:
    """Open the database for this rerun (never cached: a connection is not shared)."""
    try:
        return db.connect()
    except db.DatabaseError as exc:
        st.error(f"The tally cannot be opened: {exc}. Ask the organizer to check the "
                 "W4R_DB setting.")
        st.stop()
        raise  # st.stop() ends the script; this line is for type checkers


def _signature(folder: Path) -> tuple:
    try:
        return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                            for p in folder.iterdir()))
    except OSError:
        return ()


@st.cache_data(show_spinner=False, max_entries=4)
def _load(folder: str, signature: tuple) -> CaseSet:
    return load_cases(folder)


def cases() -> CaseSet:
    """The cases of the content folder, reloaded whenever a case file changes."""
    folder = config.cases_dir()
    return _load(str(folder), _signature(folder))


def current_session(database: db.Database, code: str) -> sessions.Session:
    """The session this visitor writes in; the default one if its code has gone."""
    return sessions.get(database, code) or sessions.default(database)


def disclaimer() -> None:
    """Say plainly that this is not an official Amnesty International product."""
    st.caption(DISCLAIMER)


def demo_notice(found: CaseSet) -> None:
    """Say which years the past (demo) cases come from and where this year's come from."""
    past_years = sorted({c.year for c in found.cases if c.is_past})
    if past_years:
        years = ", ".join(map(str, past_years))
        st.info(f"**Demo cases from past campaigns ({years}).** They show how w4r works with "
                "real stories from earlier years. This year's cases come from your "
                "organizer's case file.", icon=":material/history:")


def content_problems(found: CaseSet) -> None:
    """Tell the organizer which case files were left out and why."""
    if found.problems:
        with st.expander(f"{len(found.problems)} problem(s) in the case files: some cases are "
                         "left out", icon=":material/warning:"):
            st.text("\n".join(map(str, found.problems)))


def case_caption(case: Case) -> None:
    """The country and campaign year of a case, saying when it is a past case."""
    status = (f"Past case · Write for Rights {case.year}" if case.is_past
              else f"Write for Rights {case.year}")
    st.caption(f"{plain(case.country)} · {status}")


def case_heading(case: Case) -> None:
    """The name of a case over its country and year."""
    st.subheader(case.name, anchor=False)
    case_caption(case)


def case_sheet_fields(fields: dict[str, str | tuple[str, ...] | bool | None]) -> None:
    """List what the case file gives for a letter, and in one line what it leaves to the sheet."""
    given = {label: v for label, v in fields.items() if v not in ("", (), None)}
    lines = [f"**{label}:** " + ({True: "yes", False: "no"}[v] if isinstance(v, bool)
                                 else value(v)) for label, v in given.items()]
    missing = [label.lower() for label in fields if label not in given]
    if missing:
        lines.append(f"*Not in the case file, {CASE_SHEET}:* {', '.join(missing)}.")
    st.markdown("  \n".join(lines))


def plain(text: str) -> str:
    """Escape markdown so that typed or loaded text shows exactly as written."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


def value(text: str | tuple[str, ...]) -> str:
    """A case field as markdown, or “see this year's case sheet” where the file leaves it empty."""
    shown = or_case_sheet(tuple(text) if isinstance(text, tuple) else text)
    return f"*{CASE_SHEET}*" if shown == CASE_SHEET else plain(shown).replace("\n", "  \n")

