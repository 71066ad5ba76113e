"""Case pieces: a case's name, country and year, its texts in the visitor's language (saying when
one is only in English), the demo-case notice, problems in case files."""

from __future__ import annotations

import streamlit as st

from w4r.cases import Case, CaseSet, CaseText, text_in
from w4r.ui.common import _, _n, inert, lang


def texts(case: Case) -> CaseText:
    """A case's texts in the visitor's language where the case file translates them."""
    return text_in(case, lang())


def only_in_original(text: CaseText, *fields: str) -> None:
    """Say plainly when a text shown is only in the case's original language."""
    if text.in_original(*fields):
        st.caption(_("This text is only in English."))


def summary(case: Case) -> None:
    """A case's summary in the visitor's language, or in English saying so."""
    text = texts(case)
    st.markdown(inert(text.summary))
    only_in_original(text, "summary", "country")


def story(case: Case) -> None:
    """A case's story and quote in the visitor's language, or in English saying so."""
    text = texts(case)
    st.markdown(inert(text.story))
    if text.quote:
        st.markdown(f"> “{inert(text.quote)}”  \n> — {inert(case.quote_source)}")
        if not text.in_original("quote") and text.quote != case.quote:
            st.caption(_("The quote is translated from our English source."))
    only_in_original(text, "story", "quote")


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
        with st.expander(_n("{count} problem in the case files: a case is left out",
                            "{count} problems in the case files: some cases are left out",
                            len(found.problems)), icon=":material/warning:"):
            st.text("\n".join(map(str, found.problems)))


def case_caption(case: Case) -> None:
    """The country (when the case file gives it) and campaign year, saying when it is past."""
    status = (_("Past case · Write for Rights {year}", year=case.year) if case.is_past
              else _("Write for Rights {year}", year=case.year))
    country = texts(case).country
    st.caption(" · ".join(filter(None, (inert(country) if country else "", status))))


def outcome(case: Case) -> None:
    """What happened since a past case's campaign, from its file (a small note when not given)."""
    if not case.is_past:
        return
    text = texts(case)
    if text.outcome:
        st.markdown("**" + _("What happened:") + "** " + inert(text.outcome))
        only_in_original(text, "outcome")
    else:
        st.caption(_("What happened since: not given in our sources."))


def campaign_request(case: Case) -> None:
    """A past case's appeal, marked as the request of that year's campaign."""
    if case.is_past and case.appeal.ask:
        st.markdown("**" + _("The request of the Write for Rights {year} campaign:",
                             year=case.year) + "** " + inert(case.appeal.ask))


def sources(case: Case) -> None:
    """The documents a case comes from, each with the note saying what it reports."""
    st.markdown("**" + _("Sources:") + "**")
    for source in case.sources:
        named = ", ".join(inert(part) for part in (source.title, source.publisher, source.date)
                          if part)
        st.markdown(f"- {named}")
        if source.note:
            st.caption(inert(source.note))


def practice_notice(case: Case, kind: str) -> None:
    """Before a writer starts on a past case: it is practice, and what happened since."""
    if not case.is_past:
        return
    with st.container(border=True):
        st.markdown(_("**This is a practice letter.** {name} was a Write for Rights {year} "
                      "case: what you write here is not posted.", name=inert(case.name),
                      year=case.year))
        outcome(case)
        if kind == "appeal":
            campaign_request(case)


def case_heading(case: Case) -> None:
    """The name of a case over its country and year."""
    st.subheader(inert(case.name), anchor=False)
    case_caption(case)
