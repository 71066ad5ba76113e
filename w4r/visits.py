"""A kiosk's visitors: when an idle one is warned and forgotten, and how often a kiosk counts.

The rules belong to the session in kiosk mode, not to a browser tab: the pace of counting is
read from the tally itself, in the transaction that counts, so two browsers showing one kiosk
session share it (and it needs no table of its own).
"""

from __future__ import annotations

from datetime import datetime, timezone

from w4r.db import Database

WARN_S = 10  # "Still there?" this many seconds before the visitor is forgotten…
HEARTBEAT_S = 5  # …and the browser says "still active" at most this often while they are
COUNT_GAP_S = 20  # a kiosk counts at most one letter every this many seconds


class TooSoon(Exception):
    """A kiosk counted a letter moments ago: the next one waits `wait_s` seconds."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(f"the next letter can be counted in {wait_s:.0f} s")
        self.wait_s = wait_s


def warn_before(idle_s: float) -> float:
    """Seconds before the wipe that the warning shows: 10 s, or a third of a short idle time."""
    return min(WARN_S, idle_s / 3)


def heartbeat(idle_s: float) -> float:
    """Seconds between two "still active" reports: few, and well inside the warning time."""
    return max(1.0, min(HEARTBEAT_S, warn_before(idle_s) / 2))


def wait_s(db: Database, session_code: str, now: float) -> float:
    """Seconds before this kiosk session may count its next letter (0: it may now).

    Only letters counted from the app set the pace (a tally the organizer adds does not).
    """
    row = db.execute("select max(counted_at) from actions where session_code = ? and "
                     "source = 'app' and counted_at >= ?",
                     [session_code, _iso(now - COUNT_GAP_S)]).fetchone()
    if not row or not row[0]:
        return 0.0
    try:
        last = datetime.fromisoformat(row[0]).timestamp()
    except ValueError:
        return 0.0
    return max(0.0, min(COUNT_GAP_S, last + COUNT_GAP_S - now))


def pace(db: Database, session_code: str, now: float) -> None:
    """Raise TooSoon when this kiosk session counted a letter less than COUNT_GAP_S ago."""
    waiting = wait_s(db, session_code, now)
    if waiting > 0:
        raise TooSoon(waiting)


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="seconds")
