"""The section: a national section (a district, a big event) that hosts one w4r for many
schools. Its administrator signs in with the section passphrase (set only by the person at the
server, `python -m w4r section passphrase`) and sees what the sessions shared with the section
counted: totals by case, kind and action, by school or event, by day, the section report, and a
read-only section projector link. A session is shared only when its organizer turns it on.

The passphrase is kept as a slow salted hash (as the PINs are); wrong tries slow down per
browser and for everyone; a sign-in ends after 30 minutes unused or when the passphrase changes.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

from w4r import access, config, pdf, reports, sessions
from w4r.cases import CaseSet
from w4r.db import Database, transaction

MIN_LENGTH = 12  # a section passphrase opens every shared session's counts: longer than a PIN
MIN_DISTINCT = 6  # different characters in it at least
MAX_LENGTH = 200
DISPLAY_PARAM = "sp"  # the query parameter of the section projector link
TOKEN_BYTES = 24
GLOBAL_KEY = "section:all"  # the throttle of every wrong passphrase, from any browser
PRACTICE = " (practice)"  # after a past (demo) case's name: its letters are practice


@dataclass(frozen=True)
class Overview:
    """What the shared sessions counted: by case × kind × action, by school or event, by day."""

    sessions: tuple[tuple[str, str], ...]  # (code, name), shared sessions only
    lines: tuple[reports.Line, ...]
    by_group: tuple[tuple[str, int], ...]  # (school or event, actions), most first
    by_day: tuple[tuple[str, int], ...]  # (ISO day in `timezone`, actions), oldest first
    goal: int  # the shared sessions' goals added up
    timezone: str  # the zone the days are in ("UTC" when the section names none)

    @property
    def total(self) -> int:
        return reports.total_of(self.lines)

    @property
    def letters(self) -> int:
        return reports.letters_of(self.lines)


# --- the passphrase --------------------------------------------------------------------------

def passphrase_problem(passphrase: str) -> str | None:
    """Say what is wrong with a new section passphrase, or None when it will do."""
    passphrase = passphrase or ""
    if len(passphrase) > MAX_LENGTH:
        return f"a section passphrase has at most {MAX_LENGTH} characters"
    if len(passphrase.strip()) < MIN_LENGTH:
        return (f"a section passphrase has at least {MIN_LENGTH} characters (a few words "
                "make a good one)")
    if passphrase.isdigit():
        return "a section passphrase of digits only is too easy to guess: use a few words"
    if len(set(passphrase.casefold())) < MIN_DISTINCT or access._is_sequence(passphrase):
        return (f"that passphrase is too easy to guess: use at least {MIN_DISTINCT} different "
                "characters (a few words make a good one)")
    return None


def has_passphrase(db: Database) -> bool:
    """True when the person at the server has set a section passphrase."""
    return bool(db.execute("select 1 from section_passphrase where id = 1").fetchone())


def set_passphrase(db: Database, passphrase: str) -> None:
    """Set (or change) the section passphrase; every section sign-in ends; raise ValueError for
    one that won't do."""
    if problem := passphrase_problem(passphrase):
        raise ValueError(problem)
    hashed = access.hash_pin(passphrase)
    with transaction(db):
        db.execute("insert into section_passphrase (id, hash, generation, set_at) "
                   "values (1, ?, 1, ?) on conflict (id) do update set hash = excluded.hash, "
                   "generation = section_passphrase.generation + 1, set_at = excluded.set_at",
                   [hashed, access._iso(time.time())])
        db.execute("delete from section_signins")
        db.execute("delete from throttle where key = ?", [GLOBAL_KEY])


def clear_passphrase(db: Database) -> bool:
    """Remove the section passphrase: every section sign-in and the section projector link end.
    Return False when there was none."""
    with transaction(db):
        had = db.execute("delete from section_passphrase").rowcount
        db.execute("delete from section_signins")
        db.execute("delete from section_displays")
    return bool(had)


# --- sign-ins --------------------------------------------------------------------------------

def _browser_key(browser_id: str) -> str:
    return f"section-browser:{browser_id}"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(db: Database, passphrase: str, browser_id: str,
            now: float | None = None) -> access.Attempt:
    """Check the section passphrase (throttled before the slow hash, per browser and for
    everyone); on success the Attempt carries a new sign-in token (only its hash is kept)."""
    now = time.time() if now is None else now
    row = db.execute("select hash, generation from section_passphrase where id = 1").fetchone()
    if row is None:
        return access.Attempt(False, 0.0, "No section passphrase is set. The person who runs "
                                          "w4r sets it with: python -m w4r section passphrase")
    keys = [(_browser_key(browser_id), access.wait_after),
            (GLOBAL_KEY, access.session_wait_after)]
    if wait := access.reserve(db, keys, now):
        return access.locked(wait, "Too many wrong passphrases.")
    if not access.verify_pin(passphrase or "", row[0]):
        wait = access.wait_now(db, [key for key, _ in keys], now)
        return (access.locked(wait, "Too many wrong passphrases.") if wait else
                access.Attempt(False, 0.0, "That passphrase is not right."))
    access.clear_throttle(db, [key for key, _ in keys])
    token = secrets.token_urlsafe(32)
    with transaction(db):
        db.execute("delete from section_signins where last_seen < ?",
                   [int(now - access.SIGNIN_IDLE_S)])
        db.execute("insert into section_signins (token_hash, generation, created_at, last_seen) "
                   "values (?, ?, ?, ?)", [_token_hash(token), row[1], access._iso(now), int(now)])
    return access.Attempt(True, token=token)


def signed_in(db: Database, token: str | None, now: float | None = None,
              touch: bool = True) -> bool:
    """True while a section sign-in token is live (used within 30 minutes, passphrase unchanged);
    each call is a use unless it only looks (`touch=False`)."""
    if not token or len(token) > access.MAX_TOKEN:
        return False
    hashed = _token_hash(token)
    row = db.execute("select s.generation, s.last_seen, p.generation from section_signins s "
                     "left join section_passphrase p on p.id = 1 where s.token_hash = ?",
                     [hashed]).fetchone()
    if row is None:
        return False
    now = time.time() if now is None else now
    generation, last_seen, current = row
    if generation != current or not now - last_seen < access.SIGNIN_IDLE_S:
        access._bookkeeping(db, "delete from section_signins where token_hash = ?", [hashed])
        return False
    if touch and now - last_seen >= access.SEEN_EVERY_S:
        access._bookkeeping(db, "update section_signins set last_seen = ? where token_hash = ?",
                            [int(now), hashed])
    return True


def sign_out(db: Database, token: str | None) -> None:
    """End a section sign-in."""
    if token:
        db.execute("delete from section_signins where token_hash = ?", [_token_hash(token)])


# --- what the shared sessions counted --------------------------------------------------------

def zone_label() -> str:
    """The name of the zone the section's days are in: $W4R_SECTION_TZ when valid, else UTC."""
    name = config.section_timezone()
    return name if name and sessions._is_zone(name) else "UTC"


def _zone(label: str) -> tzinfo:
    return timezone.utc if label == "UTC" else ZoneInfo(label)


def case_names(found: CaseSet) -> dict[str, str]:
    """Each case's name; a past (demo) case's name says its letters are practice."""
    return {case.id: case.name + (PRACTICE if case.is_past else "") for case in found.cases}


def _day(iso: str, where: tzinfo) -> str:
    """The day (ISO) a UTC time falls on in a time zone ('' when it is no time)."""
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(where).date().isoformat()


def overview(db: Database, names: dict[str, str], label: str | None = None) -> Overview:
    """The totals of every session shared with the section (and of no other one)."""
    label = label or zone_label()
    shared = sessions.shared_with_section(db)
    report = reports.gather(db, shared, names, "", _zone(label), label)
    codes = [s.code for s in shared] or [""]
    marks = ", ".join("?" * len(codes))
    per_session = dict(db.execute(f"select session_code, sum(count) from actions where "
                                  f"session_code in ({marks}) group by session_code",
                                  codes).fetchall())
    groups: dict[str, int] = {}
    for s in shared:
        place = s.grouping or s.name
        groups[place] = groups.get(place, 0) + per_session.get(s.code, 0)
    days: dict[str, int] = {}
    for at, count in db.execute(f"select counted_at, sum(count) from actions where session_code "
                                f"in ({marks}) group by counted_at", codes).fetchall():
        day = _day(at, _zone(label))
        days[day] = days.get(day, 0) + count
    return Overview(sessions=report.sessions, lines=report.lines,
                    by_group=tuple(sorted(groups.items(), key=lambda item: (-item[1], item[0]))),
                    by_day=tuple(sorted(days.items())), goal=sum(s.goal for s in shared),
                    timezone=label)


def report(db: Database, names: dict[str, str], label: str | None = None) -> reports.Section:
    """The section report over every shared session, dates in the section's zone."""
    label = label or zone_label()
    return reports.gather(db, sessions.shared_with_section(db), names, "", _zone(label), label)


def report_pdf(db: Database, names: dict[str, str], paper: str = "a4") -> bytes:
    """The section report over every shared session as a printable page."""
    return pdf.build_reports([reports.section_page(report(db, names))], paper).data


# --- the section projector link --------------------------------------------------------------

def projector_link(base_url: str, token: str) -> str:
    """The section projector link of a display token (?sp=TOKEN)."""
    return f"{base_url.rstrip('/')}/?{DISPLAY_PARAM}={token}"


def issue_display(db: Database) -> str:
    """A new section display token; the previous one stops working."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.execute("insert into section_displays (id, token_hash, created_at) values (1, ?, ?) "
               "on conflict (id) do update set token_hash = excluded.token_hash, "
               "created_at = excluded.created_at", [_token_hash(token), access._iso(time.time())])
    return token


def displayed(db: Database, token: str | None) -> bool:
    """True when a token is the live section projector link (not revoked, not malformed)."""
    if not token or len(token) > access.MAX_TOKEN:
        return False
    return bool(db.execute("select 1 from section_displays where token_hash = ?",
                           [_token_hash(token)]).fetchone())


def has_display(db: Database) -> bool:
    """True when a section projector link is live."""
    return bool(db.execute("select 1 from section_displays").fetchone())


def revoke_display(db: Database) -> None:
    """End the section projector link (a new one can be made later)."""
    db.execute("delete from section_displays")
