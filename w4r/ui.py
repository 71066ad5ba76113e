"""Screen pieces the pages share: opening the data, the case cards, the notices."""

from __future__ import annotations

import html
import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import segno
from babel import Locale, UnknownLocaleError

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from w4r import (DISCLAIMER, bilingual, casepack, config, db, kept, letters, pdf, printer,
                 prompts, sessions, state, tally, tone, translate)
from w4r.cases import CASE_SHEET, Case, CaseSet, load_cases, or_case_sheet

PAGES = {
    "home": "pages/home.py",
    "cases": "pages/cases.py",
    "write": "pages/write.py",
    "print": "pages/print.py",
    "tally": "pages/tally.py",
    "organizer": "pages/organizer.py",
    "session": "pages/session.py",
    "case_file": "pages/case_file.py",
    "review": "pages/review.py",
    "reports": "pages/reports.py",
    "projector": "pages/projector.py",
}
PROJECTOR_REFRESH_S = 3
LAYOUT_LABELS = {"letter": "A letter", "card": "A folded card", "postcard": "A postcard"}
STUDENT_PAGES = ("home", "cases", "write", "print", "tally")
ORGANIZER_PAGES = ("session", "case_file", "review", "reports", "projector")
ACTION_LABELS = {"letter": "Letters", "card": "Cards", "email": "E-mails",
                 "petition": "Petition signatures", "social": "Social posts"}
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


@st.cache_data(show_spinner=False, max_entries=4)
def _merge(folder: str, signature: tuple, stored: tuple, db_file: str) -> CaseSet:
    return casepack.merged(_load(folder, signature), db.connect(db_file))


def cases(database: db.Database | None = None) -> CaseSet:
    """Every case: the content folder's, with uploaded and edited ones on top (cached)."""
    folder = config.cases_dir()
    database = database or db.connect()
    return _merge(str(folder), _signature(folder), casepack.signature(database),
                  str(config.db_path()))


def offered(database: db.Database, session: sessions.Session) -> CaseSet:
    """The cases this session offers its writers (all of them unless the organizer chose)."""
    found = cases(database)
    return CaseSet([c for c in found.cases if session.offers(c.id)], found.problems)


def organizer_session(database: db.Database) -> sessions.Session | None:
    """The session whose organizer pages this browser has unlocked, or None."""
    code = state.organizer_code()
    return sessions.get(database, code) if code else None


def base_url() -> str:
    """The address visitors use to reach this app (scheme, host and port)."""
    parts = urlsplit(st.context.url or "http://localhost:8501")
    return f"{parts.scheme}://{parts.netloc}"


def qr_svg(text: str) -> str:
    """A QR code of a text (a join link) as an SVG image, dark on white."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=8, border=2, dark="#000",
                                     light="#fff", xmldecl=False, svgns=True)
    return out.getvalue().decode("utf-8")


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


LANGUAGES = ("en", "fr", "es", "pl", "de", "it", "pt", "nl", "ar", "he", "ru", "uk", "tr", "hi",
             "zh", "ja", "ko", "vi", "sw")


def language_name(code: str) -> str:
    """A language as its speakers write it, with its English name ('français (French)')."""
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    native, english = locale.get_display_name(locale), locale.get_display_name("en")
    return native if native == english else f"{native} ({english})"


def language_index(code: str) -> int:
    """The position of a language in LANGUAGES (English when it is not there)."""
    return LANGUAGES.index(code) if code in LANGUAGES else 0


def day(text: str) -> date | None:
    """A stored ISO date as a date for a date input (None when empty)."""
    return date.fromisoformat(text) if text else None


def iso(value: date | None) -> str:
    """A date input's value as stored (an ISO date, or empty)."""
    return value.isoformat() if value else ""


def plain(text: str) -> str:
    """Escape markdown so that typed or loaded text shows exactly as written."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


def value(text: str | tuple[str, ...]) -> str:
    """A case field as markdown, or “see this year's case sheet” where the file leaves it empty."""
    shown = or_case_sheet(tuple(text) if isinstance(text, tuple) else text)
    return f"*{CASE_SHEET}*" if shown == CASE_SHEET else plain(shown).replace("\n", "  \n")



# --- callbacks of the organizer's buttons (they run before the page is drawn again) ---------

def mark_letter(code: str, submission_id: str, status: str) -> None:
    """Mark a kept letter printed or sent."""
    kept.mark(db.connect(), code, [submission_id], status)


def hide_letter(code: str, submission_id: str, hidden: bool) -> None:
    """Hide a kept letter (or show it again)."""
    kept.hide(db.connect(), code, submission_id, hidden)


def delete_letter(code: str, submission_id: str) -> None:
    """Delete one kept letter's text; its count stays."""
    kept.delete(db.connect(), code, submission_id)


def add_again(entry: str, action: tally.Action, case_name: str) -> None:
    """Add a hand-written entry once more, on purpose, under a new submission id."""
    state.renew_id(entry)
    tally.record(db.connect(), replace(action, submission_id=state.pending_id(entry)))
    state.notice(f"Added {action.count} {ACTION_LABELS[action.action].lower()} for {case_name} "
                 "once more.")


def thermometer(totals: tally.Totals) -> None:
    """The goal thermometer: how far the session has come, in big numbers and a bar."""
    goal = totals.session.goal
    left, middle, right = st.columns(3)
    left.metric("Counted", f"{totals.total:,}")
    middle.metric("Goal", f"{goal:,}" if goal else "—")
    right.metric("Still to go", f"{max(goal - totals.total, 0):,}" if goal else "—")
    if goal:
        st.progress(totals.progress, text=f"{totals.total:,} of {goal:,} "
                                          f"({round(100 * totals.progress)}%)")


def big_numbers(name: str, totals: tally.Totals) -> None:
    """The projector's headline: the session's name, its total in huge digits, and the goal."""
    goal = totals.session.goal
    st.markdown(
        f'<div class="w4r-projector"><div class="w4r-name">{html.escape(name)}</div>'
        f'<div class="w4r-total" aria-label="letters counted">{totals.total:,}</div>'
        f'<div class="w4r-label">letters written'
        + (f" · goal {goal:,}" if goal else "") + "</div></div>"
        "<style>.w4r-projector{text-align:center}"
        ".w4r-name{font-size:2.4rem;font-weight:600}"
        ".w4r-total{font-size:9rem;font-weight:800;line-height:1.05}"
        ".w4r-label{font-size:1.8rem}</style>",
        unsafe_allow_html=True)
    if goal:
        st.progress(totals.progress, text=f"{round(100 * totals.progress)}% of our goal")


_SEVERITY_BOX = {"block": (st.error, ":material/block:"), "warn": (st.warning, ":material/warning:"),
                 "tip": (st.info, ":material/lightbulb:")}


def findings(text: str, found: list[tone.Finding]) -> None:
    """Show the checker's findings: what it noticed, the words concerned, and what to do."""
    for finding in found:
        box, icon = _SEVERITY_BOX[finding.severity]
        words = " ".join(text[finding.start:finding.end].split())
        quoted = f"  \n> “{plain(words[:120])}{'…' if len(words) > 120 else ''}”" \
            if words and finding.end - finding.start < len(text) else ""
        box(f"{plain(finding.message)}{quoted}  \n**Try:** {plain(finding.suggestion)}", icon=icon)


def check_letter(letter: letters.Letter, case: Case, session: sessions.Session,
                 kind: str) -> tuple[str, list[tone.Finding]]:
    """Run the tone checker on a letter's own words, with the case's and session's rules."""
    examples = "\n\n".join(step.example for step in
                            prompts.steps(kind, session.language, session.simple, case=case))
    text = tone.letter_words(letter.greeting, letter.paragraphs, letter.closing, letter.name)
    return text, tone.check(text, kind=kind, lang=session.language, ask=case.appeal.ask,
                            religious_content=case.solidarity.religious_content,
                            allow_personal_data=session.personal_data, examples=(examples,))


def translation_heading(translated: letters.Letter | None) -> str:
    """The line printed above a translation: the language's own name ("— français —")."""
    if translated is None:
        return ""
    return f"— {translate.language_name(translated.lang, translated.lang)} —"


def translation_panel(letter: letters.Letter, case: Case, kind: str) -> None:
    """Translate the letter on request; show both side by side and let the writer choose.

    A failure (offline, slow, refused) is a message: the letter stays, printing goes on.
    """
    if not translate.enabled():
        st.caption("Translation is switched off here. Your letter prints as you wrote it.")
        return
    codes = dict(translate.target_languages())
    default = translate.case_language(case, kind)  # the addressee's language, when the case says
    target = st.selectbox("Translate into", list(codes), format_func=codes.get,
                          index=list(codes).index(default) if default in codes else None,
                          placeholder="Choose a language")
    st.caption("This sends your letter's words (not your name) to Google Translate, and needs "
               "the internet. It takes at most a few seconds.")
    if st.button("Translate", icon=":material/translate:", disabled=target is None):
        with st.spinner("Translating…"):
            try:
                result = translate.translate(bilingual.words_to_translate(letter), target)
            except translate.TranslationError as exc:
                st.warning(exc.message, icon=":material/wifi_off:")
            else:
                state.keep_translation(letter, bilingual.translated(letter, result.text, target))
    translated = state.translation(letter)
    if translated is None:
        return
    mine, theirs = st.columns(2)
    mine.markdown("**Your letter**")
    mine.text(bilingual.words_to_translate(letter))
    theirs.markdown(f"**{plain(translate.language_name(translated.lang))}**")
    theirs.text(bilingual.words_to_translate(translated))
    st.warning(translate.TRUST_NOTE, icon=":material/info:")
    st.radio("What to print", bilingual.CHOICES, key=state.print_choice_key(),
             on_change=state.save_print_choice, format_func=bilingual.CHOICE_LABELS.get)


def send_to_printer(data: bytes, name: str, title: str) -> None:
    """A button that prints the PDF on the session's printer (lp), once unless asked again."""
    again = state.sent_to_printer(data)
    st.button(f"Print again on {name}" if again else f"Print on {name}", icon=":material/print:",
              type="secondary" if again else "primary", on_click=_print_now,
              args=(data, name, title))
    if outcome := state.print_outcome():
        ok, message = outcome
        (st.success if ok else st.error)(message, icon=":material/print:" if ok
                                         else ":material/print_disabled:")


def _print_now(data: bytes, name: str, title: str) -> None:
    """Callback of the print button: send the PDF to lp and keep what happened for the page."""
    try:
        result = printer.print_pdf(data, name, title=f"Write for Rights: {title}")
    except printer.PrintError as exc:
        state.print_outcome((False, f"Not printed: {exc}. Download the PDF and print it "
                                    "instead."))
    else:
        state.mark_sent(data)
        state.print_outcome((True, f"Sent to {name}. {result.message}"))


def send_batch_to_printer(items: list[pdf.BatchItem], paper: str, cards: str, name: str,
                          title: str) -> None:
    """A button that builds the batch and sends it to the session's printer."""
    if st.button(f"Print the batch on {name}", icon=":material/print:"):
        with st.spinner("Laying out the letters…"):
            data = pdf.build_batch(items, paper, cards).data
        _print_now(data, name, f"{title}: letters")
    if outcome := state.print_outcome():
        ok, message = outcome
        (st.success if ok else st.error)(message, icon=":material/print:" if ok
                                         else ":material/print_disabled:")
