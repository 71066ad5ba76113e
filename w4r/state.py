"""The visitor's place in the journey: the one module that touches Streamlit's session state.

Widget values vanish when the page changes, so every field a writer types is copied into a
plain `Draft` kept under a non-widget key, and widgets are re-seeded from it on return.
Session state itself ends with the connection, so the draft is also saved on the server under a
token the address holds (`?d=`), beside the join code (`?s=`): the address is browser state too.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from w4r import (access, config, db, drafts, i18n, letters, links, pdf, prompts, section,
                 sessions, tally, terms)
from w4r.cases import Case

_SESSION = "w4r.session"
_DRAFT = "w4r.draft"
_COUNTED = "w4r.counted"
_CELEBRATE = "w4r.celebrate"
_PRINTED = "w4r.printed"
_NOTICE = "w4r.notice"
_WIDGET = "w4r.field."
_ORGANIZER = "w4r.organizer"
_BROWSER = "w4r.browser"
_STEP = "w4r.step"
_TRANSLATION = "w4r.translation"
_OPTION = "w4r.option."
_SENT = "w4r.sent"
_OUTCOME = "w4r.print_outcome"
_PENDING = "w4r.pending."
_REFUSED = "w4r.refused"
_ONCE = "w4r.once."
_PROJECTOR_LINK = "w4r.projector_link"
_COOKIE_READ = "w4r.cookie_read"
_COOKIE_WRITTEN = "w4r.cookie_written"
_CHOSEN = "w4r.chosen"
SIGNIN_COOKIE = "w4r_signin"  # the organizer's sign-in token, kept across a reload
_STORAGE = "w4r.storage_problem"
_TOKEN = "w4r.draft.token"
_SAVED = "w4r.draft.saved"
_TRIED = "w4r.draft.tried"
_LINK = "w4r.link"
_SECTION_ADMIN = "w4r.section_admin"  # the section administrator's sign-in token
_SECTION_LINK = "w4r.section_projector_link"
T = TypeVar("T")


# --- the class or event -------------------------------------------------------

def session_code() -> str:
    """The code of the session this visitor writes in (the default one until they join; on a
    locked kiosk server always its session)."""
    return locked_code() or st.session_state.get(_SESSION, db.DEFAULT_SESSION)


def locked_code() -> str | None:
    """The session this server is the locked kiosk of (W4R_KIOSK, as a code), or None."""
    raw = config.kiosk_lock()
    return sessions.normalize_code(raw) if raw else None


def lock_kiosk(code: str) -> None:
    """Keep this browser in the locked kiosk's session, whatever its address says: no other
    join code, no projector link (?p=) in the address."""
    st.session_state[_SESSION] = code
    st.session_state[_LINK] = code
    if st.query_params.get("s") != code:
        st.query_params["s"] = code
    for param in (links.DISPLAY_PARAM, section.DISPLAY_PARAM):
        if param in st.query_params:
            del st.query_params[param]


def join(database: db.Database, typed: str) -> sessions.Session | None:
    """Join the session with the typed code; None (and nothing changed) when there is none.
    A locked kiosk's browser joins no session but its own."""
    locked = locked_code()
    if locked and sessions.normalize_code(typed) != locked:
        return None
    found = sessions.get(database, typed)
    if found:
        st.session_state[_SESSION] = found.code
        st.session_state[_LINK] = found.code
        st.query_params["s"] = found.code  # the join code stays in the address
    return found


def join_from_link(database: db.Database) -> None:
    """Join the session named by a join link (?s=CODE), once; leave a notice if it is unknown."""
    code = st.query_params.get("s")
    if locked_code():
        return  # a locked kiosk stays in its session (app.py puts its code back in the address)
    if code and st.session_state.get(_LINK) != code:
        st.session_state[_LINK] = code
        if not join(database, code):
            notice(f"There is no class or event with the code “{code[:40]}”. You are writing "
                   "in the default session; ask your teacher for the code.")


def display_token() -> str | None:
    """The display token of a projector link (?p=TOKEN), or None for every other address."""
    return st.query_params.get(links.DISPLAY_PARAM)


def section_display_token() -> str | None:
    """The token of a section projector link (?sp=TOKEN), or None for every other address."""
    return st.query_params.get(section.DISPLAY_PARAM)


def notice(text: str | None = None) -> str | None:
    """Leave a message for the next screen (with text), or take it (without)."""
    if text is not None:
        st.session_state[_NOTICE] = text
        return None
    return st.session_state.pop(_NOTICE, None)


# --- the draft ------------------------------------------------------------------

def draft() -> letters.Draft | None:
    """The letter being written, or None before a case is chosen."""
    return st.session_state.get(_DRAFT)


def begin(case: Case, kind: str) -> letters.Draft:
    """Start writing for a case; an uncounted draft for the same case and kind is kept."""
    current = draft()
    if current and current.case_id == case.id and not is_counted(current.submission_id):
        if current.kind != kind:
            _replace(prompts.redraft(current, case, kind, ui_lang()))
        return draft()
    _replace(prompts.new_draft(case, kind, ui_lang()))
    return draft()


def choose(case: Case, kind: str) -> None:
    """Callback of a case card's button: start (or keep) the letter, and remember to go to it."""
    begin(case, kind)
    st.session_state[_CHOSEN] = True


def chosen() -> bool:
    """True once after a case card's button: the page should switch to Write before drawing."""
    return bool(st.session_state.pop(_CHOSEN, False))


def switch_kind(case: Case) -> None:
    """Callback of the kind selector: restart the draft as the other kind, keeping its text.

    A counted letter stays counted as it was: the other kind is a new letter (a new id)."""
    kind = st.session_state.get(_WIDGET + "kind")
    current = draft()
    if current and kind in terms.LETTER_KINDS and kind != current.kind:
        restarted = prompts.redraft(current, case, kind, ui_lang())
        if is_counted(current.submission_id):
            restarted = replace(restarted, submission_id=tally.new_submission_id())
        _replace(restarted)


def _replace(new: letters.Draft) -> None:
    st.session_state[_DRAFT] = new
    st.session_state[_STEP] = 0
    for name in letters.FIELDS:  # re-seed the widgets from the new draft
        st.session_state.pop(_WIDGET + name, None)


def field_key(name: str) -> str:
    """The widget key for a draft field, seeded from the draft when the widget is (re)drawn."""
    key = _WIDGET + name
    if key not in st.session_state:
        current = draft()
        st.session_state[key] = getattr(current, name) if current else ""
    return key


def kind_key() -> str:
    """The widget key for the letter-kind selector, seeded from the draft."""
    key = _WIDGET + "kind"
    current = draft()
    if current and st.session_state.get(key) != current.kind:
        st.session_state[key] = current.kind
    return key


def save_field(name: str) -> None:
    """Callback of a field widget: copy its value into the draft, which outlives the page."""
    current = draft()
    if current is not None and _WIDGET + name in st.session_state:
        setattr(current, name, letters.clean(str(st.session_state[_WIDGET + name])))


def sync_fields() -> letters.Draft | None:
    """Copy every field widget's value into the draft, now: a click may come in the same rerun
    as the typing before it, and its callback must see the text as it is."""
    for name in letters.FIELDS:
        save_field(name)
    return draft()


def step(count: int) -> int:
    """The composer step the writer is on (0-based), within the steps of their letter."""
    return min(max(st.session_state.get(_STEP, 0), 0), max(count - 1, 0))


def go(to: int) -> None:
    """Callback of Back, Next and the step list: move to another step; the text stays."""
    st.session_state[_STEP] = max(to, 0)


def add_text(name: str, text: str) -> None:
    """Callback of a sentence starter or a fact: it replaces a one-line part (a greeting, a
    closing) and is added after the text of a paragraph."""
    current = draft()
    if current is None:
        return
    before = getattr(current, name).rstrip()
    joined = text if name in letters.ONE_LINE or not before else f"{before} {text}"
    setattr(current, name, letters.clean(joined)[:letters.MAX_FIELD])
    st.session_state[_WIDGET + name] = getattr(current, name)


def set_text(name: str, text: str) -> None:
    """Callback that puts a text back into a field (the case's exact request)."""
    current = draft()
    if current is not None:
        setattr(current, name, text)
        st.session_state[_WIDGET + name] = text


def translation(letter: letters.Letter) -> letters.Letter | None:
    """The translation made of exactly this version of the letter, if any."""
    kept_one = st.session_state.get(_TRANSLATION)
    return kept_one[1] if kept_one and kept_one[0] == letter else None


def keep_translation(letter: letters.Letter, translated: letters.Letter) -> None:
    """Keep a translation for this version of the letter (a changed letter needs a new one)."""
    st.session_state[_TRANSLATION] = (letter, translated)


def printed(letter: letters.Letter, paper_size: str, layout: str = "letter") -> pdf.Printed:
    """The letter's PDF, built once per version of the letter (reruns reuse it).

    Kept in this visitor's session only, never in a cache shared between visitors.
    """
    key = (letter, paper_size, layout)
    cached = st.session_state.get(_PRINTED)
    if cached is None or cached[0] != key:
        cached = (key, pdf.build(letter, paper_size, layout))
        st.session_state[_PRINTED] = cached
    return cached[1]


def option_key(name: str, default: str) -> str:
    """The widget key of a print option (paper, layout, town, what to print), seeded from its
    remembered value."""
    st.session_state.setdefault(_WIDGET + name, st.session_state.get(_OPTION + name, default))
    return _WIDGET + name


def save_option(name: str) -> None:
    """Callback of a print option: remember it beyond the page (widget values vanish)."""
    st.session_state[_OPTION + name] = st.session_state[_WIDGET + name]


def option(name: str, default: str) -> str:
    """A remembered print option (the default until the writer chose)."""
    return st.session_state.get(_OPTION + name, default)


def print_outcome(outcome: tuple[bool, str] | None = None) -> tuple[bool, str] | None:
    """Leave what the printer said for the next draw (with outcome), or take it (without)."""
    if outcome is not None:
        st.session_state[_OUTCOME] = outcome
        return None
    return st.session_state.pop(_OUTCOME, None)


def sent_to_printer(data: bytes) -> bool:
    """True when exactly this PDF was already sent to the printer from this browser."""
    return st.session_state.get(_SENT) == hash(data)


def mark_sent(data: bytes) -> None:
    """Remember that this PDF went to the printer (a second click asks before printing again)."""
    st.session_state[_SENT] = hash(data)


def new_letter(database: db.Database) -> None:
    """Forget the counted draft so the next letter gets a new submission id (its saved copy
    on the server is deleted)."""
    _drop_saved(database)
    st.session_state.pop(_DRAFT, None)
    st.session_state.pop(_STEP, None)
    st.session_state.pop(_TRANSLATION, None)
    st.session_state.pop(_OPTION + "print", None)  # a new letter starts untranslated
    st.session_state.pop(_WIDGET + "print", None)
    st.session_state.pop(_PRINTED, None)
    st.session_state.pop(_REFUSED, None)
    for name in (*letters.FIELDS, "kind"):
        st.session_state.pop(_WIDGET + name, None)


# --- the draft kept on the server -------------------------------------------------------

def sync_draft(database: db.Database, session: sessions.Session) -> None:
    """Restore the saved draft named by the address (?d=) in a fresh browser session, save the
    draft when it changed, and keep ?s= and ?d= in the address. Called once per run by app.py,
    after the callbacks (typing, Count, Next) changed the draft."""
    if draft() is None and _TOKEN not in st.session_state:
        _restore_draft(database, session)
    current = draft()
    token = st.session_state.get(_TOKEN)
    if current is not None:
        if token is None:
            token = st.session_state[_TOKEN] = drafts.new_token()
        try:
            st.session_state[_SAVED] = drafts.save(
                database, token, _saved(session.code, current), session,
                counted=is_counted(current.submission_id), last=st.session_state.get(_SAVED))
        except db.STORAGE_ERRORS as exc:
            if db.problem(exc) is None:
                raise
            # not saved this time (a busy or full disk): the tab still holds the draft, and the
            # next rerun saves it; the page goes on
    _address(session.code if _SESSION in st.session_state else None,
             token if current is not None else None)


def _saved(session_code: str, current: letters.Draft) -> drafts.Saved:
    options = {name: str(st.session_state[_OPTION + name]) for name in drafts.OPTIONS
               if _OPTION + name in st.session_state}
    return drafts.Saved(session_code, current, int(st.session_state.get(_STEP, 0)),
                        st.session_state.get(_PHASE, ""), options)


def _restore_draft(database: db.Database, session: sessions.Session) -> None:
    token = st.query_params.get("d")
    if not token or st.session_state.get(_TRIED) == token:
        return
    saved = drafts.load(database, token, session, time.time())  # busy: tried again next run
    st.session_state[_TRIED] = token
    if saved is None:
        notice(i18n.gettext(ui_lang(), drafts.NOT_RESTORED))
        return
    _replace(saved.draft)
    st.session_state[_STEP] = saved.step
    for name, value in saved.options.items():
        st.session_state[_OPTION + name] = value
    if saved.phase:
        st.session_state[_PHASE] = saved.phase
    st.session_state[_TOKEN] = token
    if tally.is_counted(database, saved.draft.submission_id):
        st.session_state.setdefault(_COUNTED, set()).add(saved.draft.submission_id)


def _address(code: str | None, token: str | None) -> None:
    """Keep the join code and the draft token in the address (a page switch clears it)."""
    for name, value in (("s", code), ("d", token)):
        if value and st.query_params.get(name) != value:
            st.query_params[name] = value
        elif not value and name == "d" and name in st.query_params:
            del st.query_params[name]


def _drop_saved(database: db.Database) -> None:
    """Delete the saved copy of the draft and forget its token (a new letter, a new visitor)."""
    token = st.session_state.pop(_TOKEN, None)
    st.session_state.pop(_SAVED, None)
    if "d" in st.query_params:
        del st.query_params["d"]
    if token:
        try:
            drafts.delete(database, token)
        except db.STORAGE_ERRORS as exc:
            if db.problem(exc) is None:
                raise
            # a busy or full disk: the row stays until it expires, and no address holds its
            # token any more; the visitor is forgotten on this screen all the same


# --- counting -----------------------------------------------------------------------

def is_counted(submission_id: str) -> bool:
    """True when this browser session already counted the draft with this id."""
    return submission_id in st.session_state.get(_COUNTED, set())


def mark_counted(submission_id: str, celebrate: bool) -> None:
    """Remember that this browser counted the draft with this id (and cheer if it is new)."""
    st.session_state.setdefault(_COUNTED, set()).add(submission_id)
    st.session_state[_CELEBRATE] = celebrate
    st.session_state.pop(_REFUSED, None)


def refused(problems: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Keep why the server refused to count (with problems), or take it for the page (without)."""
    if problems is not None:
        st.session_state[_REFUSED] = tuple(problems)
        return ()
    return st.session_state.pop(_REFUSED, ())


def storage_problem(text: str | None = None) -> str | None:
    """Leave what went wrong with the storage for the page (with text), or take it (without)."""
    if text is not None:
        st.session_state[_STORAGE] = text
        return None
    return st.session_state.pop(_STORAGE, None)


def celebrate() -> bool:
    """True once, on the rerun right after a letter was newly counted."""
    return bool(st.session_state.pop(_CELEBRATE, False))


# --- the organizer --------------------------------------------------------------------

def browser_id() -> str:
    """A random id for this browser session: the PIN throttle counts wrong tries per browser."""
    return st.session_state.setdefault(_BROWSER, secrets.token_urlsafe(16))


def _browser_cookies() -> Mapping[str, str]:
    """The cookies the browser sent when this tab connected (a reload connects again)."""
    return st.context.cookies


def _cookie(cookies: Mapping[str, str]) -> str:
    """The sign-in cookie's value, if it can be a token (a str of sensible length)."""
    value = cookies.get(SIGNIN_COOKIE)
    return value if isinstance(value, str) and 0 < len(value) <= access.MAX_TOKEN else ""


def _restore_signin(database: db.Database, cookies: Mapping[str, str]) -> str | None:
    """The sign-in token of the browser's cookie, read once per tab, if it is still live."""
    if st.session_state.get(_COOKIE_READ):
        return None
    st.session_state[_COOKIE_READ] = True
    token = _cookie(cookies)
    code = access.signed_in(database, token) if token else None
    if code is None:
        return None
    st.session_state[_ORGANIZER] = token
    st.session_state.setdefault(_SESSION, code)  # a join link in the same address wins
    return token


def _automatic() -> bool:
    """True in a fragment's own run (a timer's refresh), which is no sign of the organizer."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def organizer_code(database: db.Database, cookies: Mapping[str, str] | None = None,
                   touch: bool = True) -> str | None:
    """The session this browser's organizer signed in to, or None (expired, PIN changed, or a
    locked kiosk server, where nobody organizes). A full run of the app is the organizer's
    use of the sign-in (`touch`); `touch=False` only looks, and a fragment's timer (the
    Projector page's refresh) is no use of a kiosk's short sign-in.

    After a reload the tab starts empty: the sign-in comes back from the browser's cookie."""
    if locked_code():
        return None
    token = st.session_state.get(_ORGANIZER) or _restore_signin(
        database, _browser_cookies() if cookies is None else cookies)
    code = access.signed_in(database, token, touch=touch, automatic=_automatic()) \
        if token else None
    if token and code is None:
        st.session_state.pop(_ORGANIZER, None)
    return code


def organizer_idle_s(database: db.Database) -> float | None:
    """How long this browser's sign-in lasts unused (a kiosk's is short), or None."""
    token = st.session_state.get(_ORGANIZER)
    return access.idle_limit(database, token) if token else None


def signin_cookie(cookies: Mapping[str, str] | None = None) -> tuple[str, tuple[str, ...]] | None:
    """What the browser's sign-in cookie should hold now: (the live token, ()), or ("", the
    dead tokens it is cleared from), or None when there is nothing to keep or clear."""
    token = st.session_state.get(_ORGANIZER)
    if token:
        st.session_state[_COOKIE_WRITTEN] = token
        return token, ()
    cookies = _browser_cookies() if cookies is None else cookies
    dead = tuple(dict.fromkeys(t for t in (_cookie(cookies),
                                          st.session_state.get(_COOKIE_WRITTEN)) if t))
    return ("", dead) if dead else None


def _signed_in(database: db.Database, attempt: access.Attempt, code: str) -> access.Attempt:
    if attempt.ok:
        access.sign_out(database, st.session_state.get(_ORGANIZER) or "")  # one at a time
        st.session_state[_ORGANIZER] = attempt.token  # only the token: the page asks the db
        st.session_state[_SESSION] = code
    return attempt


def unlock(database: db.Database, code: str, pin: str, at_kiosk: bool = False) -> access.Attempt:
    """Try the organizer PIN of a session; on success sign in and write in it (a sign-in made
    on a kiosk's screen lasts the kiosk's idle time unused)."""
    found = sessions.get(database, code)
    if locked_code():
        return access.Attempt(False, 0.0, "This screen is a locked kiosk: organizers sign in "
                                          "on another browser or server.")
    if found is None:
        return access.Attempt(False, 0.0, "There is no class or event with that code.")
    return _signed_in(database, access.sign_in(database, found.code, pin, browser_id(),
                                               at_kiosk=at_kiosk), found.code)


def claim(database: db.Database, code: str, setup_code: str, pin: str,
          again: str) -> access.Attempt:
    """Set the first PIN of a session that has none, with the server's setup code; sign in."""
    if locked_code():
        return access.Attempt(False, 0.0, "This screen is a locked kiosk: organizers sign in "
                                          "on another browser or server.")
    return _signed_in(database, access.claim_with_setup_code(
        database, code, setup_code, pin, again, browser_id()), code)


def change_pin(database: db.Database, code: str, old: str, new: str, again: str) -> None:
    """Change the session's PIN: every other sign-in ends, this browser stays signed in."""
    st.session_state[_ORGANIZER] = access.change_pin(
        database, code, old, new, again, browser_id(), st.session_state.get(_ORGANIZER) or "")


def lock(database: db.Database) -> None:
    """Sign the organizer out: the sign-in ends and the organizer pages leave the navigation."""
    access.sign_out(database, st.session_state.pop(_ORGANIZER, None) or "")


def projector_link(code: str, link: str | None = None) -> str | None:
    """Keep the projector link just made for a session (with link), or give it back (without):
    only its hash is stored, so this browser is the only place it can be read again."""
    if link is not None:
        st.session_state[_PROJECTOR_LINK] = (code, link)
        return link
    kept_one = st.session_state.get(_PROJECTOR_LINK)
    return kept_one[1] if kept_one and kept_one[0] == code else None


def once(name: str, key: str, build: Callable[[], T]) -> T:
    """The value built for this key (an upload's digest), built once and kept for this visitor
    until another key comes: an upload is parsed once, not on every rerun."""
    kept_one = st.session_state.get(_ONCE + name)
    if kept_one is None or kept_one[0] != key:
        kept_one = (key, build())
        st.session_state[_ONCE + name] = kept_one
    return kept_one[1]


def pending_id(form: str) -> str:
    """A submission id for a form, kept until the form's action is done (no double counting)."""
    return st.session_state.setdefault(_PENDING + form, tally.new_submission_id())


def renew_id(form: str) -> None:
    """Forget a form's submission id once it was counted, so the next entry is a new one."""
    st.session_state.pop(_PENDING + form, None)


# --- the visitor's language and display ------------------------------------------------------

_LANG = "w4r.lang"
_DISPLAY = "w4r.display."
_SEEN = "w4r.seen"
_PHASE = "w4r.kiosk.phase"
_VISIT_COUNTED = "w4r.kiosk.counted"
_PAUSE = "w4r.kiosk.pause"
_VISITS = "w4r.kiosk.visits"
IDLE_KEY = "w4r-idle"  # the idle watcher's component: its last report
_VISITOR_KEYS = (_DRAFT, _STEP, _TRANSLATION, _PRINTED, _CELEBRATE, _LANG,
                 _SENT, _OUTCOME, _PHASE, _REFUSED, _STORAGE, _VISIT_COUNTED, _PAUSE)


def ui_lang() -> str:
    """The interface language this visitor chose (the session's language until they choose)."""
    return st.session_state.get(_LANG) or st.session_state.get(_LANG + ".default", "en")


def default_lang(lang: str) -> None:
    """The language of the session the visitor writes in: the interface's until they choose."""
    st.session_state[_LANG + ".default"] = lang


def lang_key() -> str:
    """The widget key of the language picker, seeded from the visitor's choice."""
    st.session_state.setdefault(_WIDGET + "lang", ui_lang())
    return _WIDGET + "lang"


def save_lang() -> None:
    """Callback of the language picker."""
    st.session_state[_LANG] = st.session_state[_WIDGET + "lang"]


def choose_lang(lang: str) -> None:
    """Callback of a language button (the kiosk's attract screen)."""
    st.session_state[_LANG] = lang
    st.session_state.pop(_WIDGET + "lang", None)


def display_key(name: str) -> str:
    """The widget key of a display switch (larger text, high contrast)."""
    st.session_state.setdefault(_WIDGET + "display." + name,
                                st.session_state.get(_DISPLAY + name, False))
    return _WIDGET + "display." + name


def save_display(name: str) -> None:
    """Callback of a display switch."""
    st.session_state[_DISPLAY + name] = st.session_state[_WIDGET + "display." + name]


def display(name: str) -> bool:
    """True when the visitor switched this display option on."""
    return bool(st.session_state.get(_DISPLAY + name, False))


# --- the kiosk ------------------------------------------------------------------------------------

def touch(now: float) -> None:
    """Note that the visitor did something (every full run of the app is a click or a key)."""
    st.session_state[_SEEN] = now


def idle_for(now: float) -> float:
    """Seconds since the visitor last did something."""
    return now - st.session_state.get(_SEEN, now)


def phase() -> str:
    """Where the kiosk visitor is: attract, choose, write, done."""
    return st.session_state.get(_PHASE, "attract")


def go_phase(name: str) -> None:
    """Callback that moves the kiosk visitor on (or back)."""
    st.session_state[_PHASE] = name


def visit() -> int:
    """How many visitors this kiosk screen has forgotten (a new number: a new visitor)."""
    return int(st.session_state.get(_VISITS, 0))


def visit_counted() -> bool:
    """True when this visitor already counted their letter (one letter per visit)."""
    return bool(st.session_state.get(_VISIT_COUNTED, False))


def mark_visit_counted() -> None:
    """Remember that this visitor counted their letter: the visit's one letter."""
    st.session_state[_VISIT_COUNTED] = True


def pause(wait_s: float | None = None) -> float | None:
    """Leave how long the kiosk pauses before its next count (with wait_s), or take it."""
    if wait_s is not None:
        st.session_state[_PAUSE] = wait_s
        return None
    return st.session_state.pop(_PAUSE, None)


def idle_report() -> dict | None:
    """The idle watcher's last report ({"event": "active" or "idle", "n": …}), if any."""
    report = st.session_state.get(IDLE_KEY)
    return report if isinstance(report, dict) else None


def forget_visitor(database: db.Database) -> None:
    """Wipe everything the last visitor left: their letter (its saved copy on the server too),
    language and choices."""
    st.session_state[_VISITS] = visit() + 1
    _drop_saved(database)
    for key in _VISITOR_KEYS:
        st.session_state.pop(key, None)
    for key in [k for k in st.session_state if str(k).startswith((_WIDGET, _OPTION, _DISPLAY,
                                                                   _PENDING))]:
        del st.session_state[key]


# --- the section administrator ---------------------------------------------------------

def section_sign_in(database: db.Database, passphrase: str) -> access.Attempt:
    """Try the section passphrase; on success this browser is the section administrator (never
    on a locked kiosk server)."""
    if locked_code():
        return access.Attempt(False, 0.0, "This screen is a locked kiosk: the section "
                                          "administrator signs in on another browser or server.")
    attempt = section.sign_in(database, passphrase, browser_id())
    if attempt.ok:
        section.sign_out(database, st.session_state.get(_SECTION_ADMIN))  # one at a time
        st.session_state[_SECTION_ADMIN] = attempt.token
    return attempt


def section_admin(database: db.Database, touch: bool = True) -> bool:
    """True while this browser's section sign-in is live (not on a locked kiosk server)."""
    token = st.session_state.get(_SECTION_ADMIN)
    if locked_code() or not token:
        return False
    if section.signed_in(database, token, touch=touch and not _automatic()):
        return True
    st.session_state.pop(_SECTION_ADMIN, None)
    return False


def section_sign_out(database: db.Database) -> None:
    """End this browser's section sign-in."""
    section.sign_out(database, st.session_state.pop(_SECTION_ADMIN, None))
    st.session_state.pop(_SECTION_LINK, None)


def section_projector_link(link: str | None = None) -> str | None:
    """Keep the section projector link just made (with link), or give it back (without): only
    its hash is stored, so this browser is the only place it can be read again."""
    if link is not None:
        st.session_state[_SECTION_LINK] = link
        return link
    return st.session_state.get(_SECTION_LINK)


def forget_section_projector_link() -> None:
    """Forget the section projector link shown here (it was revoked)."""
    st.session_state.pop(_SECTION_LINK, None)
