"""Who may do what: every page and every callback asks `allowed` whether this actor may take
this action on this session (as datasette's `permission_allowed` does).

A visitor writes and counts their own letters in the session they joined and sees its tally.
Everything else belongs to the organizer of one session: a browser that signed in with that
session's PIN (a sign-in that has not expired and was not ended by a PIN change).
A projector window opened with a session's projector link (a display token) may only show
that session's projector view: it writes in no session and organizes none.
A browser of a locked kiosk server (W4R_KIOSK=CODE) is a visitor of that one session: it
organizes nothing, whatever sign-in it carries.
The section administrator (a browser signed in with the section passphrase) may look at what
the sessions shared with the section counted, export it and make its projector link: the
section actions, on the section (`SECTION`) only. That makes them organizer of no session.
A window opened with the section projector link may only show the section's total.
"""

from __future__ import annotations

from dataclasses import dataclass

VISITOR_ACTIONS = frozenset({"write", "count", "print", "tally"})
ORGANIZER_ACTIONS = frozenset({"settings", "cases", "review", "report", "export", "merge",
                               "projector", "print-batch", "add-counts", "create-session"})
DISPLAY_ACTIONS = frozenset({"display"})
SECTION_ACTIONS = frozenset({"section-view", "section-export", "section-projector"})
SECTION_DISPLAY_ACTIONS = frozenset({"section-display"})
SESSION_ACTIONS = VISITOR_ACTIONS | ORGANIZER_ACTIONS | DISPLAY_ACTIONS  # on one session
ACTIONS = SESSION_ACTIONS | SECTION_ACTIONS | SECTION_DISPLAY_ACTIONS
SECTION = "*section*"  # the resource of the section actions: never a session code


@dataclass(frozen=True)
class Actor:
    """Who is asking: the session a visitor writes in, the one they organize (if any), and the
    one whose projector link they opened (if any)."""

    writes_in: str
    organizer_of: str | None = None
    displays: str | None = None
    section: bool = False  # signed in with the section passphrase
    section_display: bool = False  # opened the section projector link


def display_actor(session_code: str) -> Actor:
    """A projector window opened with this session's projector link, and nothing more."""
    return Actor(writes_in="", displays=session_code)


def kiosk_actor(session_code: str) -> Actor:
    """A browser of the server locked to this session's kiosk: a visitor there, nothing more."""
    return Actor(writes_in=session_code)


def section_display_actor() -> Actor:
    """A window opened with the section projector link, and nothing more."""
    return Actor(writes_in="", section_display=True)


def allowed(actor: Actor, action: str, session_code: str) -> bool:
    """True when this actor may take this action on this session (or on the `SECTION`)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action in SECTION_ACTIONS:
        return actor.section and session_code == SECTION
    if action in SECTION_DISPLAY_ACTIONS:
        return (actor.section or actor.section_display) and session_code == SECTION
    if session_code == SECTION:
        return False
    if actor.organizer_of is not None and session_code == actor.organizer_of:
        return True
    if action in DISPLAY_ACTIONS:
        return session_code == actor.displays
    return action in VISITOR_ACTIONS and session_code == actor.writes_in
