"""A kiosk's pace: at most one letter counted every COUNT_GAP_S seconds per kiosk session, read
from the tally (so every browser showing the session shares it); the idle watcher's timings."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from w4r import counting, letters, sessions, tally, visits

T0 = datetime(2026, 12, 10, 14, 0, 0, tzinfo=timezone.utc).timestamp()


def at(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="seconds")


def record(db, code: str, moment: float, source: str = "app") -> None:
    tally.record(db, tally.Action(submission_id=tally.new_submission_id(), session_code=code,
                                  case_id="jani-silva", kind="solidarity", source=source,
                                  counted_at=at(moment)))


def test_the_pace_rule_with_an_explicit_now(db):
    code = sessions.default(db).code
    assert visits.wait_s(db, code, T0) == 0, "nothing counted yet"
    record(db, code, T0)
    assert visits.wait_s(db, code, T0) == visits.COUNT_GAP_S
    assert visits.wait_s(db, code, T0 + 5) == visits.COUNT_GAP_S - 5
    assert visits.wait_s(db, code, T0 + visits.COUNT_GAP_S) == 0
    with pytest.raises(visits.TooSoon) as raised:
        visits.pace(db, code, T0 + 5)
    assert raised.value.wait_s == 15
    visits.pace(db, code, T0 + 25)  # no pause any more


def test_the_pace_belongs_to_one_session_and_to_letters_counted_in_the_app(db):
    code = sessions.default(db).code
    other = sessions.create(db, "Other fair").code
    record(db, code, T0, source="cli")  # the organizer's tally of paper letters
    record(db, other, T0)  # another kiosk
    assert visits.wait_s(db, code, T0 + 1) == 0
    assert visits.wait_s(db, other, T0 + 1) == visits.COUNT_GAP_S - 1


def test_a_kiosk_counts_at_its_pace_and_a_counted_letter_again_is_no_pause(db, case):
    session = sessions.update(db, sessions.default(db).code, kiosk=True)
    first = letters.start(case, "solidarity")
    first.message = "Stay strong, we are thinking of you."
    second = letters.start(case, "solidarity")
    second.message = "You are not alone: a visitor at the fair."
    now = datetime.now(timezone.utc).timestamp()
    assert counting.count(db, session, first, case, "en", now=now).new
    again = counting.count(db, session, first, case, "en", now=now + 1)
    assert not again.new and not again.wait_s, "the same letter: counted before, no pause"
    paused = counting.count(db, session, second, case, "en", now=now + 5)
    assert paused.refused and not paused.new and not paused.problems
    assert 14 <= paused.wait_s <= 16
    assert counting.count(db, session, second, case, "en", now=now + 21).new
    assert tally.totals(db, session).total == 2


def test_a_session_out_of_kiosk_mode_has_no_pace(db, case):
    session = sessions.default(db)
    for words in ("Stay strong, we think of you.", "You are not alone, from the class."):
        draft = letters.start(case, "solidarity")
        draft.message = words
        assert counting.count(db, session, draft, case, "en").new


def test_the_warning_and_heartbeat_fit_the_idle_time():
    assert visits.warn_before(120) == 10 and visits.heartbeat(120) == 5
    assert visits.warn_before(12) == 4 and visits.heartbeat(12) == 2
    assert visits.heartbeat(3) == 1
