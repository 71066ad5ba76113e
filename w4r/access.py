"""Organizer PINs: stored only as a slow salted hash, compared in constant time, throttled."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from w4r import sessions
from w4r.db import Database, now_iso, transaction

SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # about 50 ms and 16 MB per try
SALT_BYTES = 16
KEY_BYTES = 32
MIN_PIN, MAX_PIN = 4, 64
FREE_TRIES = 3  # wrong PINs before the waiting starts
FIRST_WAIT_S = 5.0
MAX_WAIT_S = 15 * 60.0


@dataclass(frozen=True)
class Attempt:
    """What a PIN attempt gave: ok, or how long to wait before the next try."""

    ok: bool
    wait_s: float = 0.0
    message: str = ""


def pin_problem(pin: str) -> str | None:
    """Say what is wrong with a new PIN, or None when it will do."""
    if not MIN_PIN <= len(pin or "") <= MAX_PIN:
        return f"a PIN has {MIN_PIN} to {MAX_PIN} characters"
    if len(set(pin)) == 1:
        return "a PIN of one repeated character is too easy to guess"
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


def set_pin(db: Database, code: str, pin: str) -> None:
    """Set (or change) a session's organizer PIN; raise ValueError for a PIN that won't do."""
    if problem := pin_problem(pin):
        raise ValueError(problem)
    if not db.execute("select 1 from sessions where code = ?", [code]).fetchone():
        raise ValueError(f"there is no session {code}")
    db.execute("insert into pins (session_code, hash, failures, locked_until, set_at) "
               "values (?, ?, 0, 0, ?) on conflict(session_code) do update set "
               "hash = excluded.hash, failures = 0, locked_until = 0, set_at = excluded.set_at",
               [code, hash_pin(pin), now_iso()])


def set_first_pin(db: Database, code: str, pin: str, again: str) -> None:
    """Set the PIN of a session that has none (typed twice); raise ValueError otherwise."""
    if problem := pin_problem(pin):
        raise ValueError(problem)
    if pin != again:
        raise ValueError("the two PINs differ")
    if not db.execute("select 1 from sessions where code = ?", [code]).fetchone():
        raise ValueError(f"there is no session {code}")
    cursor = db.execute("insert or ignore into pins (session_code, hash, failures, locked_until, "
                        "set_at) values (?, ?, 0, 0, ?)", [code, hash_pin(pin), now_iso()])
    if cursor.rowcount != 1:  # someone else chose one first: they must sign in with it
        raise ValueError("this session already has a PIN: sign in with it")


def create_session(db: Database, pin: str, name: str, kind: str = "class", goal: int = 0,
                   code: str | None = None, **settings: object) -> sessions.Session:
    """Create a session together with its organizer PIN (both or neither)."""
    if problem := pin_problem(pin):
        raise ValueError(problem)
    with transaction(db):
        session = sessions.create(db, name, kind, goal, code, **settings)
        set_pin(db, session.code, pin)
    return session


def change_pin(db: Database, code: str, old: str, new: str, again: str) -> None:
    """Change a PIN after checking the current one; raise ValueError saying what went wrong."""
    attempt = check(db, code, old)
    if not attempt.ok:
        raise ValueError(attempt.message)
    if new != again:
        raise ValueError("the two new PINs differ.")
    set_pin(db, code, new)


def wait_after(failures: int) -> float:
    """Seconds to wait after this many wrong PINs in a row (0 for the first few)."""
    if failures <= FREE_TRIES:
        return 0.0
    return min(FIRST_WAIT_S * 2 ** min(failures - FREE_TRIES - 1, 20), MAX_WAIT_S)


def check(db: Database, code: str, pin: str, now: float | None = None) -> Attempt:
    """Try a PIN for a session; wrong tries make the next ones wait longer (kept in the file)."""
    now = time.time() if now is None else now
    row = db.execute("select hash, failures, locked_until from pins where session_code = ?",
                     [code]).fetchone()
    if row is None:
        return Attempt(False, 0.0, "This session has no organizer PIN yet: join it on the Home "
                                   "page, then come back here to choose its PIN.")
    stored, failures, locked_until = row
    if now < locked_until:
        return _locked(locked_until - now)
    if verify_pin(pin or "", stored):
        db.execute("update pins set failures = 0, locked_until = 0 where session_code = ?", [code])
        return Attempt(True)
    with transaction(db):  # two tabs guessing at once still add up every failure
        failures = db.execute("select failures from pins where session_code = ?",
                              [code]).fetchone()[0] + 1
        wait = wait_after(failures)
        db.execute("update pins set failures = ?, locked_until = ? where session_code = ?",
                   [failures, now + wait, code])
    return _locked(wait) if wait else Attempt(False, 0.0, "That PIN is not right.")


def _locked(wait: float) -> Attempt:
    seconds = max(1, round(wait))
    return Attempt(False, wait, f"Too many wrong PINs. Try again in {seconds} second"
                                f"{'s' * (seconds != 1)}.")
