"""Organizer rights: PINs (slow salted hashes, throttled), one-time setup codes, sign-ins that
expire and are revoked when the PIN changes.

A sign-in ends after 30 minutes without use; one made on a kiosk's screen ("Leave kiosk mode")
ends after the kiosk's idle time (`sessions.Session.idle_seconds`), kept with the sign-in: the
next visitor at the stand finds the kiosk, not the organizer's pages.

Nobody gets a session's first PIN by opening a page: the session's creator sets it (the CLI's
`session create`, or a signed-in organizer's form), or the person at the server prints a
one-time setup code (`python -m w4r session setup-code`) and types it on the Organizer page.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone

from w4r import sessions
from w4r import db as storage
from w4r.db import BUSY, Database, problem, transaction

SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # about 50 ms and 16 MB per try
SALT_BYTES = 16
KEY_BYTES = 32
MIN_DIGITS = 6  # a PIN of digits only
MIN_PASSPHRASE = 8  # a PIN with anything else in it
MAX_PIN = 64
FREE_TRIES = 3  # wrong PINs from one browser before the waiting starts
FIRST_WAIT_S = 5.0
MAX_WAIT_S = 15 * 60.0
SESSION_FREE_TRIES = 10  # wrong PINs for one session, from any browsers, before it slows down
SESSION_WAIT_S = 2.0  # then one try every SESSION_WAIT_S …
SESSION_MAX_WAIT_S = 3.0  # … never more: the rightful organizer is never locked out for long
SIGNIN_IDLE_S = 30 * 60.0  # a sign-in unused this long expires
MAX_TOKEN = 100  # no sign-in or display token is longer: longer values are refused unread
SEEN_EVERY_S = 60.0  # how often a used sign-in's last_seen is written
SETUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
SETUP_LENGTH = 12
SETUP_TTL_S = 24 * 3600.0
FORGET_AFTER_S = 24 * 3600.0  # throttle rows untouched this long are forgotten


@dataclass(frozen=True)
class Attempt:
    """What a PIN attempt gave: ok (with a sign-in token), or how long to wait."""

    ok: bool
    wait_s: float = 0.0
    message: str = ""
    token: str = ""


# --- PIN rules and hashing ------------------------------------------------------------------

def _is_sequence(pin: str) -> bool:
    """True for 123456, 654321, 890123, abcdefgh: each character one step from the last."""
    steps = {ord(b) - ord(a) for a, b in zip(pin, pin[1:])}
    if steps in ({1}, {-1}):
        return True
    if pin.isascii() and pin.isdigit():
        digit_steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:])}
        return digit_steps in ({1}, {9})
    return False


def pin_problem(pin: str) -> str | None:
    """Say what is wrong with a new PIN, or None when it will do."""
    pin = pin or ""
    if len(pin) > MAX_PIN:
        return f"a PIN has at most {MAX_PIN} characters"
    digits = pin.isascii() and pin.isdigit()
    if digits and len(pin) < MIN_DIGITS:
        return f"a PIN of digits only has at least {MIN_DIGITS} of them"
    if not digits and len(pin) < MIN_PASSPHRASE:
        return (f"a PIN of digits only has at least {MIN_DIGITS} of them; one with letters or "
                f"signs (a passphrase) has at least {MIN_PASSPHRASE} characters")
    if len(set(pin)) == 1:
        return "a PIN of one repeated character is too easy to guess"
    if _is_sequence(pin):
        return "a PIN that counts up or down (like 123456) is too easy to guess"
    return None


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """Hash a PIN with scrypt and a random salt, as `scrypt$n$r$p$salt$key` (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    key = hashlib.scrypt(pin.encode("utf-8"), salt=salt, dklen=KEY_BYTES, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${key.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when the PIN matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        expected = bytes.fromhex(key)
        got = hashlib.scrypt(pin.encode("utf-8"), salt=bytes.fromhex(salt), dklen=len(expected),
                             n=int(n), r=int(r), p=int(p), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return scheme == "scrypt" and hmac.compare_digest(got, expected)


def has_pin(db: Database, code: str) -> bool:
    """True when the session already has an organizer PIN."""
    return bool(db.execute("select 1 from pins where session_code = ?", [code]).fetchone())


def _iso(now: float) -> str:
    return datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="seconds")


def set_pin(db: Database, code: str, pin: str) -> None:
    """Set (or change) a session's PIN; every sign-in of the session ends; raise ValueError for
    a PIN that won't do."""
    if problem := pin_problem(pin):
        raise ValueError(problem)
    if not db.execute("select 1 from sessions where code = ?", [code]).fetchone():
        raise ValueError(f"there is no session {code}")
    hashed = hash_pin(pin)
    with nullcontext() if db.conn.in_transaction else transaction(db):
        db.execute("insert into pins (session_code, hash, failures, locked_until, set_at) "
                   "values (?, ?, 0, 0, ?) on conflict(session_code) do update set "
                   "hash = excluded.hash, failures = 0, locked_until = 0, "
                   "set_at = excluded.set_at, generation = pins.generation + 1",
                   [code, hashed, _iso(time.time())])
        _revoke(db, code)


def _revoke(db: Database, code: str) -> None:
    """End every sign-in, setup code and session-wide throttle of a session (its PIN changed)."""
    db.execute("delete from signins where session_code = ?", [code])
    db.execute("delete from setup_codes where session_code = ?", [code])
    db.execute("delete from throttle where key = ?", [_session_key(code)])


def create_session(db: Database, pin: str, name: str, kind: str = "class", goal: int = 0,
                   code: str | None = None, **settings: object) -> sessions.Session:
    """Create a session together with its organizer PIN (both or neither)."""
    if problem := pin_problem(pin):
        raise ValueError(problem)
    with transaction(db):
        session = sessions.create(db, name, kind, goal, code, **settings)
        set_pin(db, session.code, pin)
    return session


def change_pin(db: Database, code: str, old: str, new: str, again: str,
               browser_id: str = "", token: str = "") -> str:
    """Change a PIN after checking the current one; every other sign-in ends. Return a new
    sign-in token for the one who changed it (with the idle limit of their sign-in `token`: a
    kiosk's stays short); raise ValueError saying what went wrong."""
    if new != again:
        raise ValueError("the two new PINs differ.")
    if problem := pin_problem(new):
        raise ValueError(problem)
    attempt = check(db, code, old, browser_id)
    if not attempt.ok:
        raise ValueError(attempt.message)
    row = _signin(db, token)
    own_limit = row[3] if row and row[0] == code else None
    set_pin(db, code, new)
    return _new_signin(db, code, time.time(), own_limit)


# --- the throttle -----------------------------------------------------------------------------

def wait_after(failures: int) -> float:
    """Seconds one browser waits after this many wrong tries in a row (0 for the free ones)."""
    if failures < FREE_TRIES:
        return 0.0
    return min(FIRST_WAIT_S * 2 ** min(failures - FREE_TRIES, 20), MAX_WAIT_S)


def session_wait_after(failures: int) -> float:
    """Seconds anyone waits for a session after this many wrong tries for it, from any browser."""
    if failures < SESSION_FREE_TRIES:
        return 0.0
    return min(SESSION_WAIT_S if failures < 2 * SESSION_FREE_TRIES else SESSION_MAX_WAIT_S,
               SESSION_MAX_WAIT_S)


def _browser_key(browser_id: str) -> str:
    return f"browser:{browser_id}"


def _session_key(code: str) -> str:
    return f"session:{code}"


def _reserve(db: Database, code: str, browser_id: str, now: float) -> float:
    """Decide and record a PIN try before the slow check (see `reserve`)."""
    return reserve(db, [(_browser_key(browser_id), wait_after),
                        (_session_key(code), session_wait_after)], now)


def reserve(db: Database, keys: list[tuple[str, Callable[[int], float]]], now: float) -> float:
    """Decide and record a try before the slow check, in one write transaction.

    Each key (a browser, a session, the section) has its rule: seconds to wait after so many
    failures. Return how long to wait (nothing recorded) when a throttle says so; otherwise
    count the try as a failure up front (a right one is cleared afterwards) and return 0.
    """
    with transaction(db):
        db.execute("delete from throttle where next_at < ?", [now - FORGET_AFTER_S])
        marks = ", ".join("?" * len(keys))
        rows = {key: (failures, next_at) for key, failures, next_at in db.execute(
            f"select key, failures, next_at from throttle where key in ({marks})",
            [key for key, _ in keys]).fetchall()}
        wait = max((rows[key][1] - now for key, _ in keys if key in rows), default=0.0)
        if wait > 0:
            return wait
        for key, rule in keys:
            failures = rows.get(key, (0, 0.0))[0] + 1
            db.execute("insert into throttle (key, failures, next_at) values (?, ?, ?) "
                       "on conflict(key) do update set failures = excluded.failures, "
                       "next_at = excluded.next_at", [key, failures, now + rule(failures)])
    return 0.0


def wait_now(db: Database, keys: list[str], now: float) -> float:
    """How long the next try must wait under these throttle keys."""
    marks = ", ".join("?" * len(keys))
    row = db.execute(f"select max(next_at) from throttle where key in ({marks})",
                     keys).fetchone()
    return max((row[0] or 0.0) - now, 0.0)


def _wait_now(db: Database, code: str, browser_id: str, now: float) -> float:
    """How long this browser must now wait before its next try for this session."""
    return wait_now(db, [_browser_key(browser_id), _session_key(code)], now)


def clear_throttle(db: Database, keys: list[str]) -> None:
    """Forget the failures under these throttle keys (a right try)."""
    marks = ", ".join("?" * len(keys))
    db.execute(f"delete from throttle where key in ({marks})", keys)


def _clear(db: Database, code: str, browser_id: str) -> None:
    clear_throttle(db, [_browser_key(browser_id), _session_key(code)])


def locked(wait: float, first: str = "Too many wrong PINs.") -> Attempt:
    """A refused try that says how long to wait."""
    seconds = max(1, round(wait))
    return Attempt(False, wait, f"{first} Try again in {seconds} second"
                                f"{'s' * (seconds != 1)}.")


def check(db: Database, code: str, pin: str, browser_id: str,
          now: float | None = None) -> Attempt:
    """Try a PIN for a session from a browser; the throttle is decided before the slow hash."""
    now = time.time() if now is None else now
    row = db.execute("select hash from pins where session_code = ?", [code]).fetchone()
    if row is None:
        return Attempt(False, 0.0, "This session has no organizer PIN yet: the person who runs "
                                   "w4r gives it one (see the Organizer page).")
    if wait := _reserve(db, code, browser_id, now):
        return locked(wait)
    if verify_pin(pin or "", row[0]):
        _clear(db, code, browser_id)
        return Attempt(True)
    wait = _wait_now(db, code, browser_id, now)
    return locked(wait) if wait else Attempt(False, 0.0, "That PIN is not right.")


# --- sign-ins ------------------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_signin(db: Database, code: str, now: float, idle_s: float | None = None) -> str:
    token = secrets.token_urlsafe(32)
    with transaction(db):
        db.execute("delete from signins where last_seen < ? - coalesce(idle_s, ?)",
                   [now, SIGNIN_IDLE_S])
        db.execute("insert into signins (token_hash, session_code, generation, created_at, "
                   "last_seen, idle_s) select ?, session_code, generation, ?, ?, ? from pins "
                   "where session_code = ?", [_token_hash(token), _iso(now), now, idle_s, code])
    return token


def kiosk_idle_s(db: Database, code: str) -> float:
    """How long a sign-in made on this session's kiosk lasts unused: the kiosk's idle time
    (never longer than an ordinary sign-in)."""
    found = sessions.get(db, code)
    idle = found.idle_seconds if found else sessions.DEFAULT_IDLE_S
    return float(min(idle, SIGNIN_IDLE_S))


def sign_in(db: Database, code: str, pin: str, browser_id: str,
            now: float | None = None, at_kiosk: bool = False) -> Attempt:
    """Check a PIN; on success the Attempt carries a new sign-in token (only its hash is kept).
    A sign-in made on a kiosk's screen (`at_kiosk`) lasts the kiosk's idle time unused."""
    now = time.time() if now is None else now
    attempt = check(db, code, pin, browser_id, now)
    if not attempt.ok:
        return attempt
    idle_s = kiosk_idle_s(db, code) if at_kiosk else None
    return Attempt(True, token=_new_signin(db, code, now, idle_s))


def _signin(db: Database, token: str) -> tuple | None:
    """(session code, generation, last seen, idle limit or None, the PIN's generation)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    return db.execute("select s.session_code, s.generation, s.last_seen, s.idle_s, "
                      "p.generation from signins s left join pins p "
                      "on p.session_code = s.session_code where s.token_hash = ?",
                      [_token_hash(token)]).fetchone()


def signed_in(db: Database, token: str, now: float | None = None,
              idle_s: float = SIGNIN_IDLE_S, touch: bool = True,
              automatic: bool = False) -> str | None:
    """The session a sign-in token opens, or None once it expired or its PIN changed.

    A sign-in expires after its own idle limit (a kiosk's), else `idle_s`, without use. Each
    call is a use (`touch`) unless it only looks; a page's automatic refresh (`automatic`: the
    Projector page on the wall) keeps an ordinary sign-in alive, never a kiosk's short one."""
    row = _signin(db, token)
    if row is None:
        return None
    now = time.time() if now is None else now
    code, generation, last_seen, own_limit, current = row
    limit = own_limit if own_limit is not None else idle_s
    hashed = _token_hash(token)
    if generation != current or not now - last_seen < limit:
        _bookkeeping(db, "delete from signins where token_hash = ?", [hashed])
        return None
    used = touch and not (automatic and own_limit is not None)
    if used and now - last_seen >= min(SEEN_EVERY_S, limit / 10):
        _bookkeeping(db, "update signins set last_seen = ? where token_hash = ?", [now, hashed])
    return code


def idle_limit(db: Database, token: str) -> float | None:
    """How long this sign-in lasts unused (seconds), or None when there is no such sign-in."""
    row = _signin(db, token)
    if row is None:
        return None
    return row[3] if row[3] is not None else SIGNIN_IDLE_S


def _bookkeeping(db: Database, sql: str, params: list) -> None:
    """A write made while drawing a page; a busy tally skips it until the next draw (the page
    is not held up, and the answer does not depend on it)."""
    try:
        db.execute(sql, params)
    except storage.STORAGE_ERRORS as exc:
        if problem(exc) != BUSY:
            raise


def sign_out(db: Database, token: str) -> None:
    """End a sign-in."""
    if token:
        db.execute("delete from signins where token_hash = ?", [_token_hash(token)])


# --- setup codes: the first PIN, from the person at the server ----------------------------------

def _setup_hash(setup_code: str) -> str:
    cleaned = "".join((setup_code or "").split()).replace("-", "").upper()
    return hashlib.sha256(cleaned.encode("utf-8")).hexdigest()


def new_setup_code(db: Database, code: str, now: float | None = None) -> str:
    """A fresh one-time setup code for a session without a PIN (replacing any earlier one)."""
    now = time.time() if now is None else now
    if not db.execute("select 1 from sessions where code = ?", [code]).fetchone():
        raise ValueError(f"there is no session {code}")
    if has_pin(db, code):
        raise ValueError(f"{code} already has a PIN: use session pin to change it")
    raw = "".join(secrets.choice(SETUP_ALPHABET) for _ in range(SETUP_LENGTH))
    db.execute("insert into setup_codes (session_code, hash, created_at) values (?, ?, ?) "
               "on conflict(session_code) do update set hash = excluded.hash, "
               "created_at = excluded.created_at", [code, _setup_hash(raw), _iso(now)])
    return "-".join(raw[i:i + 4] for i in range(0, SETUP_LENGTH, 4))


def claim_with_setup_code(db: Database, code: str, setup_code: str, pin: str, again: str,
                          browser_id: str = "", now: float | None = None) -> Attempt:
    """Set a session's first PIN when the setup code matches (then it is gone); sign in."""
    now = time.time() if now is None else now
    if problem := pin_problem(pin):
        return Attempt(False, 0.0, f"Not set: {problem}.")
    if pin != again:
        return Attempt(False, 0.0, "Not set: the two PINs differ.")
    if not db.execute("select 1 from sessions where code = ?", [code]).fetchone():
        return Attempt(False, 0.0, f"Not set: there is no session {code}.")
    if has_pin(db, code):
        return Attempt(False, 0.0, "This session already has a PIN: sign in with it.")
    if wait := _reserve(db, code, browser_id, now):
        return locked(wait, "Too many wrong setup codes.")
    typed = _setup_hash(setup_code)
    row = db.execute("select hash, created_at from setup_codes where session_code = ?",
                     [code]).fetchone()
    fresh = bool(row) and now - datetime.fromisoformat(row[1]).timestamp() < SETUP_TTL_S
    if not (row and hmac.compare_digest(typed, row[0]) and fresh):
        wait = _wait_now(db, code, browser_id, now)
        text = ("That setup code is not right, or it has expired (it lasts 24 hours). The "
                "person who runs w4r prints a new one with: python -m w4r session setup-code")
        return locked(wait, text) if wait else Attempt(False, 0.0, text)
    hashed = hash_pin(pin)
    with transaction(db):
        used = db.execute("delete from setup_codes where session_code = ? and hash = ?",
                          [code, row[0]]).rowcount
        placed = used and db.execute(
            "insert into pins (session_code, hash, failures, locked_until, set_at) "
            "values (?, ?, 0, 0, ?) on conflict do nothing", [code, hashed, _iso(now)]).rowcount
    if not placed:  # someone used the same code a moment before
        return Attempt(False, 0.0, "This session already has a PIN: sign in with it.")
    _clear(db, code, browser_id)
    return Attempt(True, token=_new_signin(db, code, now))
