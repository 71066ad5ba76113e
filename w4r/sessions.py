"""Sessions: a class or an event whose letters are counted together, joined by a short code."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from w4r.db import DEFAULT_SESSION, Database, now_iso

KINDS = ("class", "event")
CODE_PATTERN = re.compile(r"^[A-Z0-9]{3,12}$")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read off a projector
MAX_GOAL = 10_000_000


@dataclass(frozen=True)
class Session:
    """A class or an event."""

    code: str
    name: str
    kind: str
    goal: int


def normalize_code(text: str) -> str:
    """Turn what a person typed ('7b-2026 ') into a session code ('7B2026')."""
    return re.sub(r"[\s\-_]", "", text or "").upper()


def code_problem(code: str) -> str | None:
    """Say what is wrong with a session code, or None when it is well formed."""
    if not CODE_PATTERN.match(code):
        return "a session code has 3 to 12 letters or digits"
    return None


def get(db: Database, code: str) -> Session | None:
    """Return the session with this code (as typed, any case), or None."""
    rows = list(db.query("select code, name, kind, goal from sessions where code = ?",
                         [normalize_code(code)]))
    return Session(**rows[0]) if rows else None


def default(db: Database) -> Session:
    """Return the default session, which needs no set-up."""
    session = get(db, DEFAULT_SESSION)
    assert session is not None, "the schema migration creates the default session"
    return session


def all_sessions(db: Database) -> list[Session]:
    """Return every session, the default one first."""
    rows = db.query("select code, name, kind, goal from sessions "
                    "order by code != ?, created_at, code", [DEFAULT_SESSION])
    return [Session(**row) for row in rows]


def create(db: Database, name: str, kind: str = "class", goal: int = 0,
           code: str | None = None) -> Session:
    """Create a session and return it; raise ValueError with a plain message on bad input."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValueError("a session needs a name of 1 to 200 characters")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if isinstance(goal, bool) or not isinstance(goal, int) or not 0 <= goal <= MAX_GOAL:
        raise ValueError(f"the goal must be between 0 and {MAX_GOAL:,}")
    if code is not None:
        code = normalize_code(code)
        if problem := code_problem(code):
            raise ValueError(problem)
        if get(db, code):
            raise ValueError(f"the code {code} is already used")
    else:
        code = _free_code(db)
    db["sessions"].insert({"code": code, "name": name, "kind": kind, "goal": goal,
                           "created_at": now_iso()})
    return Session(code, name, kind, goal)


def ensure(db: Database, code: str) -> None:
    """Make sure a session with this code exists (for imports from another device)."""
    db["sessions"].insert({"code": code, "name": code, "kind": "class", "goal": 0,
                           "created_at": now_iso()}, pk="code", ignore=True)


def _free_code(db: Database) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if not get(db, code):
            return code
