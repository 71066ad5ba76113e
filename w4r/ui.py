"""Screen pieces the pages share: opening the data, the case cards, the notices."""

from __future__ import annotations

import functools
import html
import io
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import segno
from babel import Locale, UnknownLocaleError

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.pages_manager import PagesManager

from w4r import (DISCLAIMER, bilingual, casepack, config, db, i18n, kept, letters, pdf, printer,
                 prompts, sessions, state, tally, tone, translate)
from w4r.cases import Case, CaseSet, load_cases
from w4r.i18n import N_

PAGES = {
    "kiosk": "pages/kiosk.py",
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
PAPER_LABELS = {"a4": "A4", "letter": "US Letter"}
LAYOUT_LABELS = {"letter": N_("A letter"), "card": N_("A folded card"),
                 "postcard": N_("A postcard")}
STUDENT_PAGES = ("home", "cases", "write", "print", "tally")
ORGANIZER_PAGES = ("session", "case_file", "review", "reports", "projector")
ACTION_LABELS = {"letter": N_("Letters"), "card": N_("Cards"), "email": N_("E-mails"),
                 "petition": N_("Petition signatures"), "social": N_("Social posts")}
STATUS_LABELS = {"new": N_("new"), "printed": N_("printed"), "sent": N_("sent")}
MARK_LABELS = {"printed": N_("Mark printed"), "sent": N_("Mark sent")}
SESSION_KINDS = {"class": N_("A class"), "event": N_("A public event")}
AGE_BANDS = {"": N_("Standard"), "10-15": N_("Simpler, for ages 10–15")}
KIND_LABELS = {"solidarity": N_("Solidarity message"), "appeal": N_("Appeal letter")}
KIND_HELP = {
    "solidarity": N_("to the person at risk or their family: hope and support"),
    "appeal": N_("to the authority that can act: polite, brief, one clear request"),
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


def cases(database: db.Database) -> CaseSet:
    """Every case: the content folder's, with uploaded and edited ones on top (cached)."""
    folder = config.cases_dir()
    return _merge(str(folder), _signature(folder), casepack.signature(database),
                  str(config.db_path()))


def offered(database: db.Database, session: sessions.Session) -> CaseSet:
    """The cases this session offers its writers (all of them unless the organizer chose)."""
    found = cases(database)
    return CaseSet([c for c in found.cases if session.offers(c.id)], found.problems)


def organizer_session(database: db.Database) -> sessions.Session | None:
    """The session whose organizer pages this browser has unlocked, or None."""
    code = state.organizer_code(database)
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
    st.caption(_(DISCLAIMER))


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
    st.caption(f"{plain(case.country)} · {status}")


def case_heading(case: Case) -> None:
    """The name of a case over its country and year."""
    st.subheader(case.name, anchor=False)
    case_caption(case)


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
    state.notice(_("Added {count} × {action} for {case} once more.", count=action.count,
                   action=_(ACTION_LABELS[action.action]).lower(), case=case_name))


def thermometer(totals: tally.Totals) -> None:
    """The goal thermometer: how far the session has come, in big numbers and a bar."""
    goal = totals.session.goal
    left, middle, right = st.columns(3)
    left.metric(_("Counted"), number(totals.total))
    middle.metric(_("Goal"), number(goal) if goal else "—")
    right.metric(_("Still to go"), number(max(goal - totals.total, 0)) if goal else "—")
    if goal:
        st.progress(totals.progress, text=_("{total} of {goal} ({percent}%)",
                                            total=number(totals.total), goal=number(goal),
                                            percent=round(100 * totals.progress)))


def big_numbers(name: str, totals: tally.Totals) -> None:
    """The projector's headline: the session's name, its total in huge digits, and the goal."""
    goal = totals.session.goal
    st.markdown(
        f'<div class="w4r-projector"><div class="w4r-name">{html.escape(name)}</div>'
        '<div class="w4r-total" aria-label="' + html.escape(_("letters counted")) + '">'
        f'{html.escape(number(totals.total))}</div>'
        '<div class="w4r-label">' + html.escape(_("letters written"))
        + (html.escape(" · " + _("goal {goal}", goal=number(goal))) if goal else "")
        + "</div></div>"
        "<style>.w4r-projector{text-align:center}"
        ".w4r-name{font-size:2.4rem;font-weight:600}"
        ".w4r-total{font-size:9rem;font-weight:800;line-height:1.05}"
        ".w4r-label{font-size:1.8rem}</style>",
        unsafe_allow_html=True)
    if goal:
        st.progress(totals.progress, text=_("{percent}% of our goal",
                                            percent=round(100 * totals.progress)))


_SEVERITY_BOX = {"block": (st.error, ":material/block:"), "warn": (st.warning, ":material/warning:"),
                 "tip": (st.info, ":material/lightbulb:")}


def findings(text: str, found: Sequence[tone.Finding]) -> None:
    """Show the checker's findings: what it noticed, the words concerned, and what to do."""
    for finding in found:
        box, icon = _SEVERITY_BOX[finding.severity]
        words = " ".join(text[finding.start:finding.end].split())
        quoted = f"  \n> “{plain(words[:120])}{'…' if len(words) > 120 else ''}”" \
            if words and finding.end - finding.start < len(text) else ""
        box(f"{plain(finding.message)}{quoted}  \n**" + _("Try:") + f"** {plain(finding.suggestion)}",
            icon=icon)


@functools.lru_cache(maxsize=2048)
def check_letter(letter: letters.Letter, case: Case, session: sessions.Session,
                 kind: str, lang: str | None = None) -> tuple[str, tuple[tone.Finding, ...]]:
    """Run the tone checker on a letter's own words, with the case's and session's rules.

    Pure, so remembered: a rerun (and the review of many kept letters) checks each version of
    a letter once.
    """
    lang = lang or session.language
    examples = "\n\n".join(step.example for step in
                            prompts.steps(kind, lang, session.simple, case=case))
    text = tone.letter_words(letter.greeting, letter.paragraphs, letter.closing, letter.name)
    return text, tuple(tone.check(text, kind=kind, lang=lang, ask=case.appeal.ask,
                                  religious_content=case.solidarity.religious_content,
                                  allow_personal_data=session.personal_data,
                                  examples=(examples,)))


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
        st.caption(_("Translation is switched off here. Your letter prints as you wrote it."))
        return
    codes = dict(translate.target_languages())
    default = translate.case_language(case, kind)  # the addressee's language, when the case says
    target = st.selectbox(_("Translate into"), list(codes), format_func=codes.get,
                          index=list(codes).index(default) if default in codes else None,
                          placeholder=_("Choose a language"))
    st.caption(_("This sends your letter's words (not your name) to Google Translate, and "
                 "needs the internet. It takes at most a few seconds."))
    if st.button(_("Translate"), icon=":material/translate:", disabled=target is None):
        with st.spinner(_("Translating…")):
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
    mine.markdown("**" + _("Your letter") + "**")
    mine.text(bilingual.words_to_translate(letter))
    theirs.markdown(f"**{plain(translate.language_name(translated.lang))}**")
    theirs.text(bilingual.words_to_translate(translated))
    st.warning(translate.TRUST_NOTE, icon=":material/info:")
    st.radio(_("What to print"), bilingual.CHOICES, key=state.option_key("print", "original"),
             on_change=state.save_option, args=("print",),
             format_func=lambda choice: _(bilingual.CHOICE_LABELS[choice]))


def send_to_printer(data: bytes, name: str, title: str) -> None:
    """A button that prints the PDF on the session's printer (lp), once unless asked again."""
    again = state.sent_to_printer(data)
    st.button(_("Print again on {name}", name=name) if again else _("Print on {name}", name=name),
              icon=":material/print:",
              type="secondary" if again else "primary", on_click=_print_now,
              args=(data, name, title))
    print_outcome()


def print_outcome() -> None:
    """Show what the printer said after the last print button, once."""
    if outcome := state.print_outcome():
        ok, message = outcome
        (st.success if ok else st.error)(message, icon=":material/print:" if ok
                                         else ":material/print_disabled:")


def _print_now(data: bytes, name: str, title: str) -> None:
    """Callback of the print button: send the PDF to lp and keep what happened for the page."""
    try:
        result = printer.print_pdf(data, name, title=f"Write for Rights: {title}")
    except printer.PrintError as exc:
        state.print_outcome((False, _("Not printed: {reason}. Download the PDF and print it "
                                      "instead.", reason=exc)))
    else:
        state.mark_sent(data)
        state.print_outcome((True, _("Sent to {name}.", name=name) + f" {result.message}"))


def send_batch_to_printer(items: list[pdf.BatchItem], paper: str, cards: str, name: str,
                          title: str) -> None:
    """A button that builds the batch and sends it to the session's printer."""
    if st.button(_("Print the batch on {name}", name=name), icon=":material/print:"):
        with st.spinner(_("Laying out the letters…")):
            data = pdf.build_batch(items, paper, cards).data
        _print_now(data, name, f"{title}: letters")
    print_outcome()


# --- languages, display, kiosk --------------------------------------------------------------

def _(message: str, **values: object) -> str:
    """A message of the interface in the visitor's language, with {values} filled in."""
    text = i18n.gettext(state.ui_lang(), message)
    return text.format(**values) if values else text


def lang() -> str:
    """The visitor's interface language, for dates, numbers and the letter prompts."""
    return i18n.normalize(state.ui_lang())


def number(value: int) -> str:
    """A number as the visitor's language writes it."""
    return i18n.number(value, lang())


def language_picker(where: DeltaGenerator | None = None) -> None:
    """Choose the interface language, by the languages' own names (no flags)."""
    (where or st).selectbox("Language · Langue · Idioma · Język", i18n.LANGUAGES,
                            key=state.lang_key(), on_change=state.save_lang,
                            format_func=i18n.name)


def display_switches(where: DeltaGenerator | None = None) -> None:
    """The switches for larger text and high contrast."""
    place = where or st
    place.toggle(_("Larger text"), key=state.display_key("large"),
                 on_change=state.save_display, args=("large",))
    place.toggle(_("High contrast"), key=state.display_key("contrast"),
                 on_change=state.save_display, args=("contrast",))


_LARGE_CSS = "html, body, [data-testid='stApp'] { font-size: 125% !important; }"
_CONTRAST_CSS = """
[data-testid='stApp'], [data-testid='stSidebar'] { background: #000 !important; }
[data-testid='stApp'] *, [data-testid='stSidebar'] * { color: #fff !important;
  border-color: #fff !important; }
[data-testid='stApp'] button, [data-testid='stApp'] input, [data-testid='stApp'] textarea {
  background: #000 !important; outline: 2px solid #ff0 !important; }
a { text-decoration: underline !important; color: #ff0 !important; }
"""
# The default theme's grey captions are lighter than WCAG AA allows for small text: darken them.
_BASE_CSS = "[data-testid='stCaptionContainer'], [data-testid='stCaptionContainer'] * " \
            "{ color: #4a4a55 !important; }"
_KIOSK_CSS = """
[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'],
[data-testid='stToolbar'], [data-testid='stMainMenu'], header { display: none !important; }
[data-testid='stApp'] button { min-height: 3.4rem; font-size: 1.25rem; }
[data-testid='stApp'] textarea { font-size: 1.2rem; }
.w4r-kiosk-count { font-size: 5rem; font-weight: 800; text-align: center; line-height: 1.1; }
.w4r-kiosk-label { font-size: 1.4rem; text-align: center; }
"""


def apply_display(kiosk: bool = False) -> None:
    """Style the page: readable captions, and the visitor's larger text or high contrast."""
    css = _BASE_CSS + (_KIOSK_CSS if kiosk else "")
    if state.display("large"):
        css += _LARGE_CSS
    if state.display("contrast"):
        css += _CONTRAST_CSS
    st.html(f"<style>{css}</style>")


KIOSK_REFRESH_S = 5
KIOSK_LANGUAGES = i18n.LANGUAGES
DISCLAIMER_KEY = DISCLAIMER


def language_label(code: str) -> str:
    """A language's own name, for a button (no flags)."""
    return i18n.name(code)


def kiosk_idle(session: sessions.Session) -> bool:
    """Forget a visitor who has done nothing for the session's idle time; True if forgotten."""
    left_something = state.phase() != "attract" or state.ui_lang() != session.language \
        or state.display("large") or state.display("contrast")
    if left_something and state.idle_for(time.time()) > session.idle_seconds:
        state.forget_visitor()
        return True
    return False


def kiosk_begin(case: Case, kind: str) -> None:
    """Callback of a case's button at the kiosk: start the letter and go to writing."""
    state.begin(case, kind)
    state.go_phase("write")


def kiosk_step(kind: str, session: sessions.Session, case: Case) -> prompts.Step:
    """The one composer step a kiosk visitor fills in: the message."""
    found = prompts.steps(kind, lang(), session.simple, case=case)
    return next(step for step in found if step.field == "message")


def kiosk_pdf(letter: letters.Letter) -> pdf.Printed | None:
    """The visitor's PDF, or None with a message when no font prints their script."""
    try:
        return state.printed(letter, "a4")
    except pdf.UnsupportedText as exc:
        st.warning(str(exc), icon=":material/translate:")
        return None


def kiosk_count(session: sessions.Session) -> None:
    """Callback of “Count my letter” at the kiosk: count it once, then say thank you."""
    state.count_letter()
    state.go_phase("done")


def kiosk_print_and_count(letter: letters.Letter, session: sessions.Session) -> None:
    """Callback of “Print my letter”: print it on the event's printer, count it, say thanks."""
    current = state.draft()
    if current is None or state.is_counted(current.submission_id):
        state.go_phase("done")  # a second tap: printed and counted already
        return
    try:
        data = state.printed(letter, "a4").data
        printer.print_pdf(data, session.printer, title="Write for Rights")
    except (pdf.UnsupportedText, printer.PrintError) as exc:
        state.print_outcome((False, _("Not printed: {reason}", reason=str(exc))))
        return
    kiosk_count(session)


def kiosk_exit_form(database: db.Database, session: sessions.Session) -> None:
    """Leave kiosk mode on this screen with the session's organizer PIN."""
    with st.form("kiosk-exit", border=False):
        pin = st.text_input(_("Organizer PIN"), type="password", max_chars=64)
        leave = st.form_submit_button(_("Leave kiosk mode"))
    if leave:
        attempt = state.unlock(database, session.code, pin)
        if attempt.ok:
            st.rerun()
        st.error(attempt.message, icon=":material/lock:")


def kiosk_count_banner(total: int, label: str) -> None:
    """The event's total in big digits, for people walking past."""
    st.markdown(f'<div class="w4r-kiosk-count" aria-label="{html.escape(label)}">'
                f'{html.escape(number(total))}</div>'
                f'<div class="w4r-kiosk-label">{html.escape(label)}</div>', unsafe_allow_html=True)
