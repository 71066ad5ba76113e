"""Session settings (w4r/sessions.py): creating, updating and validating a class or event."""

from __future__ import annotations

import pytest

from w4r import db as w4r_db, sessions

SETTINGS = dict(organizer="Ms Novák", starts_on="2026-12-01", ends_on="2026-12-10",
                cases=("jani-silva", "yecenia-armenta"), kinds=("appeal",), keep_text=True,
                personal_data=True, age_band="10-15", language="pl", grouping="Hill School",
                leaderboard=True, show_names=True)


@pytest.fixture
def session(db):
    return sessions.create(db, "Class 7B", "class", 30, "SEVENB")


def test_create_with_every_setting(db):
    created = sessions.create(db, "  Class 7B  ", "class", 30, "7b-2026", **SETTINGS)
    assert created.code == "7B2026" and created.name == "Class 7B" and created.goal == 30
    for name, value in SETTINGS.items():
        assert getattr(created, name) == value, name
    assert sessions.get(db, "7b 2026") == created


def test_create_defaults(db):
    created = sessions.create(db, "Stand", kind="event")
    stored = sessions.get(db, created.code)
    assert stored == created
    assert (stored.kind, stored.goal, stored.cases, stored.kinds, stored.keep_text,
            stored.personal_data, stored.age_band, stored.language, stored.grouping,
            stored.leaderboard, stored.show_names) == \
        ("event", 0, (), ("solidarity", "appeal"), False, False, "", "en", "", False, False)
    assert len(created.code) == 6 and set(created.code) <= set(sessions.CODE_ALPHABET)


def test_settings_survive_a_new_connection(tmp_path):
    path = tmp_path / "s.db"
    first = w4r_db.connect(path)
    created = sessions.create(first, "Class", code="KEEPIT", **SETTINGS)
    first.conn.close()
    second = w4r_db.connect(path)
    assert sessions.get(second, "KEEPIT") == created
    second.conn.close()


def test_create_with_bad_settings_stores_nothing(db):
    with pytest.raises(ValueError):
        sessions.create(db, "Class", code="BADONE", kinds=())
    with pytest.raises(ValueError):
        sessions.create(db, "Class", code="BADONE", starts_on="tomorrow")
    assert sessions.get(db, "BADONE") is None


@pytest.mark.parametrize("field,value", [
    ("name", "Class 7C"), ("kind", "event"), ("goal", 0), ("goal", sessions.MAX_GOAL),
    ("organizer", "Mr Dupont"), ("starts_on", "2026-11-30"), ("ends_on", "2026-12-31"),
    ("cases", ("jani-silva",)), ("cases", ()), ("kinds", ("solidarity",)),
    ("kinds", ("appeal", "solidarity")), ("keep_text", True), ("personal_data", True),
    ("age_band", "10-15"), ("age_band", ""), ("language", "fr"), ("language", "pt-BR"),
    ("language", "fil"), ("grouping", "Town fair"), ("leaderboard", True),
    ("show_names", True),
])
def test_update_each_field(db, session, field, value):
    updated = sessions.update(db, "sevenb", **{field: value})
    expected = ("solidarity", "appeal") if value == ("appeal", "solidarity") else value
    assert getattr(updated, field) == expected  # kinds come back in the canonical order
    assert sessions.get(db, "SEVENB") == updated
    others = {f: getattr(session, f) for f in sessions.EDITABLE if f != field}
    assert {f: getattr(updated, f) for f in others} == others


def test_update_strips_and_normalizes(db, session):
    updated = sessions.update(db, "SEVENB", name="  Class 7C ", organizer=" Ms A ",
                              grouping=" Hill School ",
                              cases=("jani-silva", "jani-silva", "tun-aung"),
                              kinds=("appeal", "solidarity", "appeal"))
    assert (updated.name, updated.organizer, updated.grouping) == ("Class 7C", "Ms A",
                                                                    "Hill School")
    assert updated.cases == ("jani-silva", "tun-aung")
    assert updated.kinds == ("solidarity", "appeal")


BAD = [
    ("starts_on", "2026-13-01", "start date"), ("starts_on", "10/12/2026", "start date"),
    ("starts_on", "2026-12-1", "start date"), ("starts_on", "20261201", "start date"),
    ("ends_on", "2026-02-30", "end date"), ("kinds", (), "at least one kind"),
    ("kinds", ("poem",), "at least one kind"), ("age_band", "8-10", "age band"),
    ("age_band", "10-15 ", "age band"), ("language", "English", "language"),
    ("language", "EN", "language"), ("language", "", "language"), ("language", "e", "language"),
    ("goal", -1, "goal"), ("goal", sessions.MAX_GOAL + 1, "goal"), ("goal", True, "goal"),
    ("goal", 2.5, "goal"), ("goal", "30", "goal"), ("name", "", "name"),
    ("name", "   ", "name"), ("name", "x" * (sessions.MAX_NAME + 1), "name"),
    ("organizer", "x" * (sessions.MAX_NAME + 1), "organizer"),
    ("grouping", "x" * (sessions.MAX_NAME + 1), "school or event"),
    ("kind", "party", "kind"), ("cases", ("Jani Silva",), "case ids"),
]


@pytest.mark.parametrize("field,value,words", BAD, ids=[f"{f}={v!r}"[:40] for f, v, _ in BAD])
def test_update_refuses_bad_values_and_changes_nothing(db, session, field, value, words):
    with pytest.raises(ValueError, match=words):
        sessions.update(db, "SEVENB", **{field: value})
    assert sessions.get(db, "SEVENB") == session


def test_update_end_before_start(db, session):
    with pytest.raises(ValueError, match="end date is before the start date"):
        sessions.update(db, "SEVENB", starts_on="2026-12-10", ends_on="2026-12-01")
    sessions.update(db, "SEVENB", starts_on="2026-12-10", ends_on="2026-12-10")  # one day is fine
    with pytest.raises(ValueError, match="before the start"):
        sessions.update(db, "SEVENB", ends_on="2026-12-09")


def test_update_lists_every_problem_at_once(db, session):
    with pytest.raises(ValueError) as raised:
        sessions.update(db, "SEVENB", goal=-1, language="English", age_band="x")
    message = str(raised.value)
    assert "goal" in message and "language" in message and "age band" in message


def test_update_refuses_an_unknown_kind_next_to_a_known_one(db, session):
    with pytest.raises(ValueError):
        sessions.update(db, "SEVENB", kinds=("solidarity", "poem"))


@pytest.mark.parametrize("start,end", [("2026-W50-4", ""), ("2026-12-10", "2026-W01-1")])
def test_update_refuses_week_dates(db, session, start, end):
    with pytest.raises(ValueError):
        sessions.update(db, "SEVENB", starts_on=start, ends_on=end)


@pytest.mark.parametrize("changes", [{"created_at": "2020-01-01"}, {"colour": "red"},
                                     {"name": "ok", "pin": "2468"}])
def test_update_refuses_unknown_setting_names(db, session, changes):
    with pytest.raises(ValueError, match="unknown setting"):
        sessions.update(db, "SEVENB", **changes)
    assert sessions.get(db, "SEVENB") == session


def test_update_of_an_unknown_session(db):
    with pytest.raises(ValueError, match="there is no session NOPE"):
        sessions.update(db, "nope", name="x")


# --- Session helpers -------------------------------------------------------------------------

def test_offers():
    every = sessions.Session("ALL", "All")
    assert every.offers("jani-silva") and every.offers("anything")
    some = sessions.Session("SOME", "Some", cases=("jani-silva",))
    assert some.offers("jani-silva") and not some.offers("tun-aung")


def test_offers_after_update(db, session):
    updated = sessions.update(db, "SEVENB", cases=("tun-aung",))
    assert updated.offers("tun-aung") and not updated.offers("jani-silva")
    assert sessions.update(db, "SEVENB", cases=()).offers("jani-silva")


def test_simple():
    assert sessions.Session("A", "A", age_band="10-15").simple is True
    assert sessions.Session("A", "A").simple is False


# --- groupings -------------------------------------------------------------------------------

@pytest.fixture
def school(db):
    sessions.create(db, "Class B", code="CLSB", grouping="Hill School", leaderboard=True)
    sessions.create(db, "Class A", code="CLSA", grouping="Hill School", leaderboard=True)
    sessions.create(db, "Class C (private)", code="CLSC", grouping="Hill School")
    sessions.create(db, "Other school", code="OTHER", grouping="Dale School", leaderboard=True)
    sessions.create(db, "No school", code="NONE", leaderboard=True)


def test_in_group_lists_only_opted_in_sessions_of_that_grouping(db, school):
    assert [s.code for s in sessions.in_group(db, "Hill School")] == ["CLSA", "CLSB"]
    assert [s.code for s in sessions.in_group(db, "  Hill School ")] == ["CLSA", "CLSB"]
    assert [s.code for s in sessions.in_group(db, "Dale School")] == ["OTHER"]
    assert sessions.in_group(db, "") == [] and sessions.in_group(db, "   ") == []
    assert sessions.in_group(db, "hill school") == []
    sessions.update(db, "CLSB", leaderboard=False)
    assert [s.code for s in sessions.in_group(db, "Hill School")] == ["CLSA"]




def test_join_link():
    assert sessions.join_link("http://localhost:8501", "7B2026") == \
        "http://localhost:8501/?s=7B2026"
    assert sessions.join_link("https://w4r.example.org/", "EVT1") == \
        "https://w4r.example.org/?s=EVT1"
