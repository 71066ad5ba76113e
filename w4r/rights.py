"""Who may do what: every page and every callback asks `allowed` whether this actor may take
this action on this session (as datasette's `permission_allowed` does).

A visitor writes and counts their own letters in the session they joined and sees its tally.
Everything else belongs to the organizer of one session: a browser that signed in with that
session's PIN (a sign-in that has not expired and was not ended by a PIN change).
A projector window opened with a session's projector link (a display token) may only show
that session's projector view: it writes in no session and organizes none.
A browser of a locked kiosk server (W4R_KIOSK=CODE) is a visitor of that one session: it
organizes nothing, whatever sign-in it carries.
"""

from __future__ import annotations

from dataclasses import dataclass

VISITOR_ACTIONS = frozenset({"write", "count", "print", "tally"})
ORGANIZER_ACTIONS = frozenset({"settings", "cases", "review", "report", "export", "merge",
                               "projector", "print-batch", "add-counts", "create-session"})
DISPLAY_ACTIONS = frozenset({"display"})
ACTIONS = VISITOR_ACTIONS | ORGANIZER_ACTIONS | DISPLAY_ACTIONS


@dataclass(frozen=True)
class Actor:
    """Who is asking: the session a visitor writes in, the one they organize (if any), and the
    one whose projector link they opened (if any)."""

    writes_in: str
    organizer_of: str | None = None
    displays: str | None = None


def display_actor(session_code: str) -> Actor:
    """A projector window opened with this session's projector link, and nothing more."""
    return Actor(writes_in="", displays=session_code)


def kiosk_actor(session_code: str) -> Actor:
    """A browser of the server locked to this session's kiosk: a visitor there, nothing more."""
    return Actor(writes_in=session_code)


def allowed(actor: Actor, action: str, session_code: str) -> bool:
    """True when this actor may take this action on this session."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if actor.organizer_of is not None and session_code == actor.organizer_of:
        return True
    if action in DISPLAY_ACTIONS:
        return session_code == actor.displays
    return action in VISITOR_ACTIONS and session_code == actor.writes_in
