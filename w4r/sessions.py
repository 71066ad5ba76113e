"""Sessions: a class or an event whose letters are counted together, joined by a short code."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from w4r.db import DEFAULT_SESSION, Database, now_iso
from w4r.terms import CASE_ID, LETTER_KINDS, SESSION_CODE

KINDS = ("class", "event")
AGE_BANDS = ("", "10-15")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read off a projector
MAX_GOAL = 10_000_000
DEFAULT_IDLE_S = 120
IDLE_RANGE = (10, 3600)
DEFAULT_DRAFT_HOURS = 24  # an unfinished letter is kept this long after its last change
DRAFT_HOURS_RANGE = (1, 720)
MAX_NAME = 200
PRINTER_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,127}$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")


@dataclass(frozen=True)
class Session:
    """A class or an event, and what its organizer chose for it."""

    code: str
    name: str
    kind: str = "class"
    goal: int = 0
    organizer: str = ""
    starts_on: str = ""
    ends_on: str = ""
    cases: tuple[str, ...] = ()
    kinds: tuple[str, ...] = LETTER_KINDS
    keep_text: bool = False
    personal_data: bool = False
    age_band: str = ""
    language: str = "en"
    grouping: str = ""
    leaderboard: bool = False
    show_names: bool = False
    printer: str = ""
    kiosk: bool = False
    idle_seconds: int = DEFAULT_IDLE_S
    timezone: str = ""  # an IANA zone ("Europe/Paris") for the report's dates; "": the machine's
    head_count: int = 0  # participants the organizer counted (0: not given)
    draft_hours: int = DEFAULT_DRAFT_HOURS  # hours an unfinished draft is kept on the server
    section_shared: bool = False  # the organizer shares this session's counts with the section

    def offers(self, case_id: str) -> bool:
        """True when writers of this session may write for this case (no choice: all cases)."""
        return not self.cases or case_id in self.cases

    @property
    def simple(self) -> bool:
        """True when the session asked for the simpler wording for ages 10-15."""
        return self.age_band == "10-15"


_FIELDS = [f.name for f in fields(Session)]
_FLAGS = ("keep_text", "personal_data", "leaderboard", "show_names", "kiosk", "section_shared")
_SELECT = f"select {', '.join(_FIELDS)} from sessions"
EDITABLE = tuple(name for name in _FIELDS if name != "code")


def _from_row(row: dict[str, Any]) -> Session:
    values = dict(row)
    for name in ("cases", "kinds"):
        values[name] = tuple(json.loads(values[name] or "[]"))
    for name in _FLAGS:
        values[name] = bool(values[name])
    return Session(**values)


def _to_row(session: Session) -> dict[str, Any]:
    row = asdict(session)
    for name in ("cases", "kinds"):
        row[name] = json.dumps(list(row[name]))
    for name in _FLAGS:
        row[name] = int(row[name])
    return row


def normalize_code(text: str) -> str:
    """Turn what a person typed ('7b-2026 ') into a session code ('7B2026')."""
    return re.sub(r"[\s\-_]", "", text or "").upper()


def code_problem(code: str) -> str | None:
    """Say what is wrong with a session code, or None when it is well formed."""
    if not SESSION_CODE.match(code):
        return "a session code has 3 to 12 letters or digits"
    return None


def problems(session: Session) -> list[str]:
    """List what is wrong with a session's settings, in plain words (empty when all is well)."""
    found = []
    if not session.name.strip() or len(session.name) > MAX_NAME:
        found.append(f"a session needs a name of 1 to {MAX_NAME} characters")
    if session.kind not in KINDS:
        found.append(f"kind must be one of {', '.join(KINDS)}")
    goal = session.goal
    if isinstance(goal, bool) or not isinstance(goal, int) or not 0 <= goal <= MAX_GOAL:
        found.append(f"the goal must be a whole number between 0 and {MAX_GOAL:,}")
    if len(session.organizer) > MAX_NAME or len(session.grouping) > MAX_NAME:
        found.append(f"the organizer and the school or event name have at most {MAX_NAME} "
                     "characters")
    for label, value in (("start date", session.starts_on), ("end date", session.ends_on)):
        if value and not _is_date(value):
            found.append(f"the {label} must be a date like 2026-12-10")
    if session.starts_on and session.ends_on and _is_date(session.starts_on) \
            and _is_date(session.ends_on) and session.ends_on < session.starts_on:
        found.append("the end date is before the start date")
    if not session.kinds or set(session.kinds) - set(LETTER_KINDS):
        found.append("allow at least one kind of letter: solidarity, appeal")
    if session.age_band not in AGE_BANDS:
        found.append("the age band is either empty or 10-15")
    if not LANGUAGE_PATTERN.match(session.language or ""):
        found.append("the language is a code such as en, fr, es or pl")
    idle = session.idle_seconds
    if isinstance(idle, bool) or not isinstance(idle, int) or \
            not IDLE_RANGE[0] <= idle <= IDLE_RANGE[1]:
        found.append(f"the kiosk's idle time is {IDLE_RANGE[0]} to {IDLE_RANGE[1]} seconds")
    hours = session.draft_hours
    if isinstance(hours, bool) or not isinstance(hours, int) or \
            not DRAFT_HOURS_RANGE[0] <= hours <= DRAFT_HOURS_RANGE[1]:
        found.append(f"unfinished letters are kept {DRAFT_HOURS_RANGE[0]} to "
                     f"{DRAFT_HOURS_RANGE[1]} hours")
    if session.printer and not PRINTER_PATTERN.match(session.printer):
        found.append("a printer name has letters, digits, - and _ only (as CUPS names it)")
    if any(not CASE_ID.match(c) for c in session.cases):
        found.append("the cases offered must be case ids")
    if session.timezone and not _is_zone(session.timezone):
        found.append("the time zone is a name such as Europe/Paris or America/Toronto")
    heads = session.head_count
    if isinstance(heads, bool) or not isinstance(heads, int) or not 0 <= heads <= MAX_GOAL:
        found.append(f"the head count is a whole number between 0 and {MAX_GOAL:,}")
    return found


def _is_zone(name: str) -> bool:
    """True for a time zone name the machine knows ("Europe/Paris")."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*", name or ""):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def get(db: Database, code: str) -> Session | None:
    """Return the session with this code (as typed, any case), or None."""
    rows = list(db.query(f"{_SELECT} where code = ?", [normalize_code(code)]))
    return _from_row(rows[0]) if rows else None


def default(db: Database) -> Session:
    """Return the default session, which needs no set-up."""
    session = get(db, DEFAULT_SESSION)
    assert session is not None, "the schema migration creates the default session"
    return session


def all_sessions(db: Database) -> list[Session]:
    """Return every session, the default one first."""
    rows = db.query(f"{_SELECT} order by code != ?, created_at, code", [DEFAULT_SESSION])
    return [_from_row(row) for row in rows]


def shared_with_section(db: Database) -> list[Session]:
    """Return the sessions whose organizers shared them with the section (opt-in), by code."""
    return [_from_row(row) for row in db.query(f"{_SELECT} where section_shared = 1 "
                                               "order by code")]


def in_group(db: Database, grouping: str) -> list[Session]:
    """Return the sessions of a school or event that chose to appear on its leaderboard."""
    if not grouping.strip():
        return []
    rows = db.query(f"{_SELECT} where grouping = ? and leaderboard = 1 order by name",
                    [grouping.strip()])
    return [_from_row(row) for row in rows]


def create(db: Database, name: str, kind: str = "class", goal: int = 0,
           code: str | None = None, **settings: Any) -> Session:
    """Create a session and return it; raise ValueError with a plain message on bad input."""
    if code is not None:
        code = normalize_code(code)
        if problem := code_problem(code):
            raise ValueError(problem)
        if get(db, code):
            raise ValueError(f"the code {code} is already used")
    session = _checked(Session(code=code or "", name=(name or "").strip(), kind=kind, goal=goal,
                               **settings))
    session = replace(session, code=code or _free_code(db))
    row = _to_row(session) | {"created_at": now_iso()}
    db.execute(f"insert into sessions ({', '.join(row)}) "
               f"values ({', '.join(':' + k for k in row)})", row)
    return session


def update(db: Database, code: str, **changes: Any) -> Session:
    """Change a session's settings and return it; raise ValueError when a value is wrong."""
    current = get(db, code)
    if current is None:
        raise ValueError(f"there is no session {normalize_code(code)}")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    session = _checked(replace(current, **changes))
    row = _to_row(session)
    db.execute(f"update sessions set {', '.join(f'{k} = :{k}' for k in row if k != 'code')} "
               "where code = :code", row)
    return session


def _checked(session: Session) -> Session:
    session = replace(session, name=session.name.strip(), organizer=session.organizer.strip(),
                      grouping=session.grouping.strip(), cases=tuple(dict.fromkeys(session.cases)))
    if found := problems(session):
        raise ValueError("; ".join(found))
    return replace(session, kinds=tuple(k for k in LETTER_KINDS if k in session.kinds))


def join_link(base_url: str, code: str) -> str:
    """The address that puts a visitor straight into a session (?s=CODE)."""
    return f"{base_url.rstrip('/')}/?s={code}"


def _free_code(db: Database) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if not get(db, code):
            return code
