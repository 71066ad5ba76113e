"""What every page needs: the database of this run, the visitor's language, inert text, the
page files of the navigation, the cases on offer and the look of the page."""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from w4r import DISCLAIMER, casepack, config, db, i18n, sessions, state
from w4r.cases import CaseSet, load_cases
from w4r.i18n import N_

__all__ = [
    "PAGES", "STUDENT_PAGES", "ORGANIZER_PAGES", "PAPER_LABELS", "LAYOUT_LABELS",
    "ACTION_LABELS", "STATUS_LABELS", "MARK_LABELS", "SESSION_KINDS", "AGE_BANDS",
    "KIND_LABELS", "KIND_HELP", "entered_through_app", "menu", "at_every_address", "run_database", "database", "cases",
    "offered", "organizer_session", "current_session", "base_url", "show_notice",
    "disclaimer", "lang", "said", "in_sentence",
    "number", "inert", "language_picker", "display_switches", "apply_display", "day", "iso",
    "N_", "PDF_PREVIEW", "STEP_NAV", "shipped_cases",
]

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
    "display": "pages/display.py",
    "section": "pages/section.py",
}
STUDENT_PAGES = ("home", "cases", "write", "print", "tally")
ORGANIZER_PAGES = ("session", "case_file", "review", "reports", "projector")
PAPER_LABELS = {"a4": "A4", "letter": "US Letter"}
LAYOUT_LABELS = {"letter": N_("A letter"), "card": N_("A folded card"),
                 "postcard": N_("A postcard")}
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
    """Rerun through app.py when Streamlit ran this page file alone.

    Streamlit takes a project with a `pages/` folder for an old-style multipage app until some
    session runs `st.navigation`; until then a first request for /write would run the page
    alone (no navigation, no join link, no disclaimer). `client.showSidebarNavigation = false`
    (.streamlit/config.toml) keeps its page-file menu from ever showing, and each page calls
    this first: `st.navigation`, as documented, makes every session ignore `pages/` from then
    on, and the rerun runs app.py, which shows this page.
    """
    if _RUN_DATABASE.get() is None:  # app.py opens the run's database before any page runs
        st.navigation([st.Page(path, default=name == "home") for name, path in PAGES.items()],
                      position="hidden")  # every page file: the one asked for is found
        st.rerun()


def at_every_address(name: str, title: str) -> list:
    """One page as the app's default and under the address of every other page: a typed
    address, a reload or Back finds it, never "Page not found" (a kiosk, a projector link)."""
    return [st.Page(PAGES[name], title=title, default=True)] + [
        st.Page(PAGES[name], title=title, url_path=other, visibility="hidden")
        for other in PAGES if other != name]


def menu(sections: dict[str, list]) -> None:
    """The app's own navigation in the sidebar: a link to each page the visitor may open.

    Streamlit's navigation widget is off (`showSidebarNavigation = false`, position "hidden")
    so that no page-file menu can ever show; these links are drawn by app.py alone."""
    with st.container(key="w4r-menu"):
        for section, pages in sections.items():
            st.caption(section)
            for page in pages:
                if page.visibility == "visible":  # a hidden page keeps its address, no link
                    st.page_link(page)


# --- the database of this run ------------------------------------------------------------------

_RUN_DATABASE: contextvars.ContextVar[db.Database | None] = contextvars.ContextVar(
    "w4r_run_database", default=None)


@contextmanager
def run_database() -> Iterator[db.Database]:
    """Open the database for one script run, callback or fragment, and close it afterwards.

    A busy database fails within `db.APP_BUSY_MS` per statement, and a file deleted or replaced
    while the app runs is refused (never recreated empty): w4r.ui.storage turns both into words.
    app.py wraps the whole run (pages included) in it; a callback or a fragment, which runs
    without app.py, opens its own. Inside an open one it hands out the same connection.
    """
    current = _RUN_DATABASE.get()
    if current is not None:
        yield current
        return
    opened = db.connect(busy_ms=db.APP_BUSY_MS, same_file=True)  # raises db.DatabaseError
    token = _RUN_DATABASE.set(opened)
    try:
        yield opened
    finally:
        _RUN_DATABASE.reset(token)
        opened.conn.close()


def database() -> db.Database:
    """The database of this run (app.py opened it; it is closed when the run ends)."""
    current = _RUN_DATABASE.get()
    if current is None:
        raise RuntimeError("ui.database() outside ui.run_database(): open one for this run")
    return current


# --- cases ---------------------------------------------------------------------------------------

def _signature(folder: Path) -> tuple:
    try:
        return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                            for p in folder.iterdir()))
    except OSError:
        return ()


@st.cache_data(show_spinner=False, max_entries=4)
def _load(folder: str, signature: tuple) -> CaseSet:
    return load_cases(folder)


@st.cache_data(show_spinner=False, max_entries=64)
def _merge(folder: str, signature: tuple, session_code: str, stored: str,
           db_file: str) -> CaseSet:
    with db.opened(db_file, busy_ms=db.APP_BUSY_MS, same_file=True) as database:
        return casepack.merged(_load(folder, signature), database, session_code)


def cases(database: db.Database, session: sessions.Session) -> CaseSet:
    """Every case a session sees: the shipped ones with its own uploads and edits on top."""
    folder = config.cases_dir()
    return _merge(str(folder), _signature(folder), session.code,
                  casepack.signature(database, session.code), str(config.db_target()))


def shipped_cases() -> CaseSet:
    """The cases of the content folder, without any session's uploads (the section's names)."""
    folder = config.cases_dir()
    return _load(str(folder), _signature(folder))


def offered(database: db.Database, session: sessions.Session) -> CaseSet:
    """The cases this session offers its writers (all of them unless the organizer chose)."""
    found = cases(database, session)
    return CaseSet([c for c in found.cases if session.offers(c.id)], found.problems)


# --- sessions ------------------------------------------------------------------------------------

def organizer_session(database: db.Database) -> sessions.Session | None:
    """The session whose organizer pages this browser has unlocked, or None."""
    code = state.organizer_code(database)
    return sessions.get(database, code) if code else None


def current_session(database: db.Database, code: str) -> sessions.Session:
    """The session this visitor writes in; the default one if its code has gone."""
    return sessions.get(database, code) or sessions.default(database)


def base_url() -> str:
    """The address visitors use to reach this app (scheme, host and port)."""
    parts = urlsplit(st.context.url or "http://localhost:8501")
    return f"{parts.scheme}://{parts.netloc}"


def show_notice(box=st.success, icon: str = ":material/check_circle:") -> None:
    """Show, as plain text, the message the last action left for this screen (if any)."""
    if message := state.notice():
        box(inert(message), icon=icon)
    if problem := state.storage_problem():  # a callback's storage problem (w4r.ui.storage)
        st.error(problem, icon=":material/database:")


def disclaimer() -> None:
    """Say plainly that this is not an official Amnesty International product."""
    st.caption(_(DISCLAIMER))


# --- words -----------------------------------------------------------------------------------------

def _(message: str, **values: object) -> str:
    """A message of the interface in the visitor's language, with {values} filled in."""
    text = i18n.gettext(state.ui_lang(), message)
    return text.format(**values) if values else text


def _n(singular: str, plural: str, n: int, **values: object) -> str:
    """A counted message in the visitor's language, in the form n takes there ("1 letter",
    "5 listów"), with {count} written as the language writes numbers and {values} filled in."""
    code = state.ui_lang()
    text = i18n.ngettext(code, singular, plural, n)
    return text.format(**{"count": i18n.number(n, i18n.normalize(code)), **values})


def said(message: str) -> str:
    """A domain module's message (i18n.Text) in the visitor's language; other text as it is."""
    return message.translated(state.ui_lang()) if isinstance(message, i18n.Text) else message


def in_sentence(label: str) -> str:
    """A translated label as it reads inside a sentence of the visitor's language."""
    return i18n.in_sentence(label, state.ui_lang())


def lang() -> str:
    """The visitor's interface language, for dates, numbers and the letter prompts."""
    return i18n.normalize(state.ui_lang())


def number(value: int) -> str:
    """A number as the visitor's language writes it."""
    return i18n.number(value, lang())


# Everything markdown, Streamlit's :colour[…] and :emoji: shortcodes, LaTeX or HTML could read
# as syntax (ASCII punctuation may always be escaped with a backslash). A widget's label is read
# aloud as written (its aria-label), and labels know only inline syntax: escape just that there.
_SYNTAX = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:@&^])")
_LABEL_SYNTAX = re.compile(r"([\\`*_\[\]!<>~$])")
# GitHub's autolinks are found in the text after the escapes are read: an invisible word joiner
# after "http", "www" and "@" keeps an address from becoming a link (it still reads the same).
_AUTOLINK = re.compile(r"(?i)(https?|ftp|www|mailto|xmpp|@)")


def inert(text: object, label: bool = False) -> str:
    """Text from users, links, files and cases, made inert for any markdown string (a body, a
    title, a button, expander or tab label, a caption; `label=True` for a widget's label): it
    shows exactly as written, with no link, image, heading, HTML or style made of it."""
    text = _AUTOLINK.sub("\\1\u2060", str(text))
    if label:
        return _LABEL_SYNTAX.sub(r"\\\1", text).replace("\n", " ")
    return _SYNTAX.sub(r"\\\1", text).replace("\n", "  \n")


# --- languages and display -----------------------------------------------------------------------

def language_picker(where: DeltaGenerator | None = None) -> None:
    """Choose the interface language, by the languages' own names (no flags)."""
    (where or st).selectbox("Language · Langue · Idioma · Język · Sprache", i18n.LANGUAGES,
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
[data-testid='stAlertContainer'], [data-testid='stAlertContainer'] *, code, pre,
[data-testid='stCode'] *, [data-testid='stExpander'] *, [data-testid='stTooltipContent'] *,
[data-baseweb] *, [data-baseweb='popover'] *, [data-testid='stFileUploaderDropzone'],
[data-testid='stFileUploaderDropzone'] *, [data-testid='stDateInput'] *, [data-testid='stNumberInput'] *,
[data-testid='stTimeInput'] * { background: #000 !important; color: #fff; }
[data-testid='stAlertContainer'] { border: 2px solid #fff !important; }
[data-testid='stApp'] button:disabled { outline: 2px dashed #9e9e9e !important;
  color: #bdbdbd !important; cursor: not-allowed; }
[data-testid='stApp'] button:disabled * { color: #bdbdbd !important; }
[data-testid='stApp'] [data-testid$='Active'] { outline: 4px solid #ff0 !important;
  text-decoration: underline !important; }
"""
STEP_NAV = "w4r-step-nav"  # the key of the composer's Back and Next (pages/write.py)
PDF_PREVIEW = "w4r-pdf-preview"  # the key of the container around the PDF viewer (printing)
_PDF_WIDTH = 650  # CSS px the PDF viewer needs: a Letter page at 100% (612) and its margins
_PDF_PADDING = 66  # CSS px of a phone's width beside the viewer (main area's, expander's)
# Zoom for the PDF viewer from a screen width on (px), where a browser can't divide lengths.
_PDF_ZOOM = ((0, 0.35), (320, 0.39), (360, 0.45), (390, 0.49), (430, 0.55), (540, 0.72))
# The default theme's grey captions are lighter than WCAG AA allows for small text: darken them.
# Phones (640 px and narrower, where Streamlit stacks columns): the composer's Back and Next
# are fixed at the foot of the screen, side by side, on the page's own background (their
# ancestors take it on from stApp: white, or black in high contrast); a control that takes the
# focus is scrolled clear of them, and Streamlit's own 10rem at the foot of the page lets the
# end of the page scroll above them.
# The PDF viewer draws a page at 100% (595 px for A4), wider than a phone: where its frame is
# narrower than that, the viewer is zoomed to fit it (a laptop's is wide enough: as before).
_BASE_CSS = "[data-testid='stCaptionContainer'], [data-testid='stCaptionContainer'] * " \
            "{ color: #4a4a55 !important; opacity: 1 !important; }\n" + "".join(
                f"@media (min-width: {low}px) and (max-width: {_PDF_WIDTH + _PDF_PADDING}px) "
                f"{{ .st-key-{PDF_PREVIEW} {{ zoom: {zoom}; }} }}\n"
                for low, zoom in _PDF_ZOOM) + f"""
@media (max-width: 640px) {{
  [data-testid='stApp'] :has(.st-key-{STEP_NAV}) {{ background-color: inherit; }}
  [data-testid='stLayoutWrapper']:has(> .st-key-{STEP_NAV}) {{ position: fixed; bottom: 0;
    left: 0; right: 0; z-index: 3; padding: 0.5rem 1rem; box-shadow: 0 -1px 0 #8a8a95; }}
  .st-key-{STEP_NAV} [data-testid='stHorizontalBlock'] {{ flex-wrap: nowrap; }}
  .st-key-{STEP_NAV} [data-testid='stColumn'] {{ min-width: 0; flex: 1 1 0; }}
  .st-key-{STEP_NAV} [data-testid='stColumn']:first-child {{ flex: 0 0 auto; width: auto; }}
  [data-testid='stMain'] {{ scroll-padding-bottom: 6rem; }}
}}
@supports (zoom: calc(1px / 1px)) {{
  .st-key-{PDF_PREVIEW} {{ zoom: 1 !important; container-type: inline-size; }}
  .st-key-{PDF_PREVIEW} > * {{ zoom: min(1, 100cqw / {_PDF_WIDTH}px); }}
}}"""
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


def day(text: str) -> date | None:
    """A stored ISO date as a date for a date input (None when empty)."""
    return date.fromisoformat(text) if text else None


def iso(value: date | None) -> str:
    """A date input's value as stored (an ISO date, or empty)."""
    return value.isoformat() if value else ""
