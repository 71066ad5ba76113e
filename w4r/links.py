"""Links an organizer hands out: the address pupils reach and the projector link (?p=TOKEN);
the join link (?s=CODE) is `sessions.join_link`.

A projector link carries a read-only display token: it shows one session's projector view and
nothing else (no organizer page, no writing as the organizer, no sign-in). Each session has at
most one: making a new one revokes the old. Only the token's SHA-256 is stored, so a link
survives reloads and server restarts but cannot be read back from the database.
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

from w4r import access, config, sessions
from w4r.db import Database, now_iso, transaction

DISPLAY_PARAM = "p"  # the query parameter of a projector link
TOKEN_BYTES = 24


def host(override: str | None = None) -> str:
    """The address pupils' devices reach, checked: the override, else $W4R_URL, else localhost."""
    value = config.public_url(override).strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not a web address (http://… or https://…): {value!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def projector_link(base_url: str, token: str) -> str:
    """The projector link of a display token (?p=TOKEN)."""
    return f"{base_url.rstrip('/')}/?{DISPLAY_PARAM}={token}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_display(db: Database, code: str) -> str:
    """A new display token for a session; the session's previous one stops working."""
    if sessions.get(db, code) is None:
        raise ValueError(f"there is no session {sessions.normalize_code(code)}")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction(db):
        db.execute("insert into displays (session_code, token_hash, created_at) values (?, ?, ?) "
                   "on conflict(session_code) do update set token_hash = excluded.token_hash, "
                   "created_at = excluded.created_at",
                   [sessions.normalize_code(code), _hash(token), now_iso()])
    return token


def displayed(db: Database, token: str | None) -> str | None:
    """The session a display token shows, or None (unknown, revoked or malformed)."""
    if not token or len(token) > access.MAX_TOKEN:
        return None
    row = db.execute("select session_code from displays where token_hash = ?",
                     [_hash(token)]).fetchone()
    return row[0] if row else None


def revoke_display(db: Database, code: str) -> None:
    """End a session's projector link (a new one can be made later)."""
    db.execute("delete from displays where session_code = ?", [sessions.normalize_code(code)])
