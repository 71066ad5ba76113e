"""Case pieces: a case's name, country and year, the demo-case notice, problems in case files."""

from __future__ import annotations

import streamlit as st

from w4r.cases import Case, CaseSet
from w4r.ui.common import _, inert


def demo_notice(found: CaseSet) -> None:
    """Say which years the past (demo) cases come from and where this year's come from."""
    past_years = sorted({c.year for c in found.cases if c.is_past})
    if past_years:
        years = ", ".join(map(str, past_years))
        st.info(_("**Demo cases from past campaigns ({years}).** They show how w4r works with "
                  "real stories from earlier years. This year's cases come from your "
                  "organizer's case file.", years=years), icon=":material/history:")


def content_problems(found: CaseSet) -> None:
    """Tell the organizer which case files were left out and why."""
    if found.problems:
        with st.expander(_("{count} problem(s) in the case files: some cases are left out",
                           count=len(found.problems)), icon=":material/warning:"):
            st.text("\n".join(map(str, found.problems)))


def case_caption(case: Case) -> None:
    """The country and campaign year of a case, saying when it is a past case."""
    status = (_("Past case · Write for Rights {year}", year=case.year) if case.is_past
              else _("Write for Rights {year}", year=case.year))
    st.caption(f"{inert(case.country)} · {status}")


def case_heading(case: Case) -> None:
    """The name of a case over its country and year."""
    st.subheader(inert(case.name), anchor=False)
    case_caption(case)
