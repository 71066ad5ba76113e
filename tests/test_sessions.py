"""Sessions: creating a class or an event, its join code, and finding it again."""

from __future__ import annotations

import pytest

from w4r import sessions, terms
from w4r.db import DEFAULT_SESSION


def test_normalize_code_strips_spaces_hyphens_and_upcases():
    assert sessions.normalize_code("7b-2026 ") == "7B2026"


@pytest.mark.parametrize("typed, code", [
    (" ab_c d\t", "ABCD"), ("x-y-z-1", "XYZ1"), ("", ""), (None, ""),
])
def test_normalize_code_variants(typed, code):
    assert sessions.normalize_code(typed) == code


def test_create_with_a_code_stores_the_normalized_code(db):
    created = sessions.create(db, "Klasa 7b", kind="class", goal=50, code="7b-2026 ")
    assert created == sessions.Session("7B2026", "Klasa 7b", "class", 50)
    assert sessions.get(db, "7B2026") == created


def test_create_without_a_code_makes_a_readable_one(db):
    created = sessions.create(db, "Library event", kind="event", goal=200)
    assert terms.SESSION_CODE.match(created.code)
    assert set(created.code) <= set(sessions.CODE_ALPHABET)
    assert sessions.get(db, created.code) == created


def test_generated_codes_are_unique(db):
    codes = {sessions.create(db, f"Class {i}").code for i in range(50)}
    assert len(codes) == 50


def test_get_is_case_insensitive_and_ignores_separators(db):
    created = sessions.create(db, "Klasa 7b", code="7B2026")
    assert sessions.get(db, "7b2026") == created
    assert sessions.get(db, " 7b-2026 ") == created
    assert sessions.get(db, "class") == sessions.default(db)


def test_get_unknown_code_returns_none(db):
    assert sessions.get(db, "NOPE42") is None
    assert sessions.get(db, "") is None


@pytest.mark.parametrize("code", ["AB", "A" * 13, "7b!2026", "ÄBC123", "🙂🙂🙂", "   "])
def test_bad_codes_raise_value_error_with_a_plain_message(db, code):
    with pytest.raises(ValueError, match="3 to 12 letters or digits"):
        sessions.create(db, "A class", code=code)
    assert [s.code for s in sessions.all_sessions(db)] == [DEFAULT_SESSION]


@pytest.mark.parametrize("kind", ["party", "", "Class", "EVENT"])
def test_bad_kinds_raise_value_error(db, kind):
    with pytest.raises(ValueError, match="kind must be one of class, event"):
        sessions.create(db, "A class", kind=kind)


@pytest.mark.parametrize("goal", [-1, sessions.MAX_GOAL + 1])
def test_bad_goals_raise_value_error(db, goal):
    with pytest.raises(ValueError, match="goal"):
        sessions.create(db, "A class", goal=goal)


def test_goal_limits_are_accepted(db):
    assert sessions.create(db, "No goal", goal=0).goal == 0
    assert sessions.create(db, "Big goal", goal=sessions.MAX_GOAL).goal == sessions.MAX_GOAL


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_bad_names_raise_value_error(db, name):
    with pytest.raises(ValueError, match="name"):
        sessions.create(db, name)


def test_duplicate_code_is_rejected_and_nothing_changes(db):
    first = sessions.create(db, "First", code="ABC123")
    with pytest.raises(ValueError, match="already used"):
        sessions.create(db, "Second", code="abc-123")
    assert sessions.get(db, "ABC123") == first
    # the default session and the first one
    assert db.execute("select count(*) from sessions").fetchone()[0] == 2


def test_the_default_code_cannot_be_taken(db):
    with pytest.raises(ValueError, match="already used"):
        sessions.create(db, "Mine", code=DEFAULT_SESSION.lower())


def test_all_sessions_lists_the_default_first(db):
    sessions.create(db, "Zebra class", code="AAA111")
    sessions.create(db, "Alpha event", kind="event", code="ZZZ999")
    codes = [s.code for s in sessions.all_sessions(db)]
    assert codes[0] == DEFAULT_SESSION
    assert sorted(codes) == sorted([DEFAULT_SESSION, "AAA111", "ZZZ999"])


def test_unicode_and_markup_names_are_stored_literally(db):
    name = "Klasa 7b – Zażółć gęślą jaźń <b>ΑΒΓ</b> **Ж** 😀"
    created = sessions.create(db, name, code="UNI123")
    assert sessions.get(db, "UNI123").name == name == created.name


def test_name_is_trimmed(db):
    assert sessions.create(db, "  Class 5  ").name == "Class 5"


def test_there_is_no_way_to_make_a_session_without_its_settings_checked():
    assert not hasattr(sessions, "ensure")  # imports merge into an existing session only


def test_code_problem_accepts_good_codes():
    assert sessions.code_problem("7B2026") is None
    assert sessions.code_problem("ABC") is None
    assert sessions.code_problem("7b2026") is not None
