"""Drafts kept on the server: a visitor's unfinished letter survives a reload, a new tab, a lost
connection and a server restart, and lives no longer than it must.

The browser holds a random token (`?d=TOKEN` in its address); the database holds only the
token's SHA-256, the session, the times and the draft as JSON. A draft is found only with its
token and only in its own session; it expires `session.draft_hours` after its last change (a
kiosk's after the kiosk's idle time: it never outlives its visitor); once the letter is counted,
its text stays only where the session keeps the text of counted letters.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field

from w4r import bilingual, letters, pdf
from w4r.db import Database, quick_writes, transaction
from w4r.i18n import N_
from w4r.sessions import Session
from w4r.terms import LETTER_KINDS

TOKEN_BYTES = 18  # 24 URL-safe characters, 144 random bits
MAX_TOKEN = 64  # a longer ?d= is not a token of ours: refused before hashing
OPTIONS = ("paper", "layout", "town", "print")  # the print options kept with a draft
TEXT_OPTIONS = ("town",)  # the options that are the writer's own words
MAX_TOWN = 80
_CHOICES = {"paper": tuple(pdf.PAPERS), "layout": tuple(pdf.LAYOUTS), "print": bilingual.CHOICES}
PHASES = ("attract", "choose", "write", "done")  # a kiosk visitor's place
NOT_RESTORED = N_("This saved letter can't be opened any more (it may have expired or belong "
                  "to another class). You can start a new one.")


@dataclass(frozen=True)
class Saved:
    """A visitor's place in the journey as stored: session, draft, step and print options."""

    session_code: str
    draft: letters.Draft
    step: int = 0
    phase: str = ""
    options: dict[str, str] = field(default_factory=dict)


def new_token() -> str:
    """A new unguessable token for a visitor's draft (it is only ever stored hashed)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def serialize(saved: Saved) -> str:
    """The stored JSON of a saved draft (the same draft always gives the same text)."""
    return json.dumps({"session_code": saved.session_code, "draft": asdict(saved.draft),
                       "step": saved.step, "phase": saved.phase,
                       "options": {k: v for k, v in saved.options.items() if k in OPTIONS}},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(text: str) -> str:
    """A short fingerprint of a serialized draft: equal digests, nothing to save."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def storable(saved: Saved, session: Session, counted: bool) -> Saved:
    """What may be stored: a counted letter keeps its text only where the session keeps text
    (case, kind and submission id stay, so it still shows as counted)."""
    if not counted or session.keep_text:
        return saved
    blank = letters.Draft(saved.draft.case_id, saved.draft.kind, saved.draft.submission_id)
    return Saved(saved.session_code, blank, saved.step, saved.phase,
                 {k: v for k, v in saved.options.items() if k not in TEXT_OPTIONS})


def erased(draft: letters.Draft) -> bool:
    """True for a draft with no text at all: a counted letter whose text was not kept."""
    return not any(getattr(draft, name).strip() for name in letters.FIELDS)


def lifetime_s(session: Session) -> float:
    """Seconds a draft is kept after its last change: the kiosk's idle time at a kiosk."""
    return float(session.idle_seconds if session.kiosk else session.draft_hours * 3600)

SAVE_WAIT_MS = 50  # the longest a keystroke waits for the write lock to save its draft


def save(db: Database, token: str, saved: Saved, session: Session, *, counted: bool = False,
         last: str | None = None, now: float | None = None) -> str:
    """Store a draft under its token's hash unless it is unchanged since `last` (the digest
    of the previous save); return its digest. Expired drafts are deleted on the way."""
    text = serialize(storable(saved, session, counted))
    found = digest(text)
    if found == last:
        return found
    now = time.time() if now is None else now
    row = [token_hash(token), session.code, now, now + lifetime_s(session), text]
    if db.conn.in_transaction:
        _write(db, row)
        return found
    # a draft is not worth an fsync per keystroke: WAL with NORMAL may lose the last change on
    # a power cut, never the file; nor worth a wait for the write lock: while another writer
    # holds it the save fails at once and the next rerun saves (the tab still has the draft).
    # The connection's own settings come back at once.
    with quick_writes(db, SAVE_WAIT_MS), transaction(db):
        _write(db, row)
    return found


def _write(db: Database, row: list) -> None:
    db.execute("delete from drafts where expires_at <= ?", [row[2]])  # indexed: cheap
    db.execute("insert into drafts (token_hash, session_code, updated_at, expires_at, draft) "
               "values (?, ?, ?, ?, ?) on conflict (token_hash) do update set "
               "session_code = excluded.session_code, updated_at = excluded.updated_at, "
               "expires_at = excluded.expires_at, draft = excluded.draft", row)


def load(db: Database, token: str, session: Session, now: float | None = None) -> Saved | None:
    """The draft saved under this token in this session, or None: no such token, another
    session's, expired or a kiosk's older than its idle time (deleted then), unreadable."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
        return None
    now = time.time() if now is None else now
    key = token_hash(token)
    row = db.execute("select session_code, updated_at, expires_at, draft from drafts "
                     "where token_hash = ?", [key]).fetchone()
    if row is None or row[0] != session.code:
        return None  # another session's draft is neither shown nor touched
    if row[2] <= now or now - row[1] > lifetime_s(session):
        delete(db, token)
        return None
    return _parsed(row[3], session.code)


def _parsed(text: str, session_code: str) -> Saved | None:
    try:
        data = json.loads(text)
        raw = data["draft"]
        draft = letters.Draft(str(raw["case_id"]), str(raw["kind"]), str(raw["submission_id"]),
                              **{name: letters.clean(str(raw.get(name, "")))[:letters.MAX_FIELD]
                                 for name in letters.FIELDS})
        step = int(data.get("step", 0))
        phase = str(data.get("phase", ""))
        options = {str(k): str(v) for k, v in dict(data.get("options", {})).items()
                   if k in OPTIONS and (str(v) in _CHOICES[k] if k in _CHOICES
                                        else len(str(v)) <= MAX_TOWN)}
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if draft.kind not in LETTER_KINDS:
        return None
    return Saved(session_code, draft, max(step, 0), phase if phase in PHASES else "", options)


def delete(db: Database, token: str) -> None:
    """Delete the draft saved under this token (a new letter, a kiosk's next visitor)."""
    with nullcontext() if db.conn.in_transaction else transaction(db):
        db.execute("delete from drafts where token_hash = ?", [token_hash(token)])


def expire(db: Database, now: float | None = None) -> int:
    """Delete every expired draft; return how many."""
    now = time.time() if now is None else now
    with nullcontext() if db.conn.in_transaction else transaction(db):
        return db.execute("delete from drafts where expires_at <= ?", [now]).rowcount
