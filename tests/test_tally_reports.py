"""Tally reports and moves (w4r/tally.py): breakdowns, projector feed, years, exports with letters."""

from __future__ import annotations

import json

import pytest

from w4r import db as w4r_db, kept, letters, sessions, tally


def add(db, sid, code="CLASS", case="jani-silva", kind="solidarity", action="letter", count=1,
        at="", source="app", first_name=""):
    return tally.record(db, tally.Action(sid, code, case, kind, action, count, at, source),
                        first_name=first_name)


@pytest.fixture
def event(db):
    return sessions.create(db, "Town fair", "event", 250, "FAIR26", keep_text=True,
                           show_names=True, grouping="Town")


@pytest.fixture
def filled(db, event):
    add(db, "a1", "FAIR26", "jani-silva", "solidarity", "letter", 3, "2026-12-01T10:00:00+00:00")
    add(db, "a2", "FAIR26", "jani-silva", "solidarity", "letter", 2, "2026-12-01T10:05:00+00:00")
    add(db, "a3", "FAIR26", "jani-silva", "solidarity", "card", 4, "2026-12-02T09:00:00+00:00",
        "manual")
    add(db, "a4", "FAIR26", "jani-silva", "appeal", "email", 1, "2026-12-02T09:30:00+00:00")
    add(db, "a5", "FAIR26", "yecenia-armenta", "appeal", "petition", 45,
        "2026-12-03T12:00:00+00:00", "cli")
    add(db, "a6", "FAIR26", "tun-aung", "appeal", "social", 5, "2026-12-03T12:00:00+00:00")
    add(db, "other", "CLASS", "jani-silva", "solidarity", "letter", 100, "2026-12-01T10:00:00Z")
    return event


# --- breakdown -------------------------------------------------------------------------------

def test_breakdown_by_case_kind_and_action_sums_counts(db, filled):
    rows = tally.breakdown(db, "FAIR26")
    assert rows == [
        tally.Row("yecenia-armenta", "appeal", "petition", 45),
        tally.Row("jani-silva", "solidarity", "letter", 5),
        tally.Row("tun-aung", "appeal", "social", 5),
        tally.Row("jani-silva", "solidarity", "card", 4),
        tally.Row("jani-silva", "appeal", "email", 1),
    ]
    assert sum(r.count for r in rows) == tally.totals(db, filled).total == 60


def test_breakdown_of_an_empty_session(db, event):
    assert tally.breakdown(db, "FAIR26") == []


# --- latest (the projector) --------------------------------------------------------------------

def test_latest_is_newest_first_with_first_names(db, event):
    add(db, "l1", "FAIR26", at="2026-12-01T10:00:00+00:00", first_name="Zoë")
    add(db, "l2", "FAIR26", "tun-aung", "appeal", at="2026-12-01T11:00:00+00:00")
    add(db, "l3", "FAIR26", "yecenia-armenta", at="2026-12-01T09:00:00+00:00", first_name="Ana")
    recent = tally.latest(db, "FAIR26")
    assert recent == [
        tally.Recent("tun-aung", "appeal", "", "2026-12-01T11:00:00+00:00"),
        tally.Recent("jani-silva", "solidarity", "Zoë", "2026-12-01T10:00:00+00:00"),
        tally.Recent("yecenia-armenta", "solidarity", "Ana", "2026-12-01T09:00:00+00:00"),
    ]
    assert tally.latest(db, "FAIR26", limit=1) == recent[:1]
    assert tally.latest(db, "CLASS") == []


def test_latest_in_the_same_second_shows_the_last_counted_first(db, event):
    for i in range(12):
        add(db, f"same{i:02d}", "FAIR26", at="2026-12-01T10:00:00+00:00", first_name=f"N{i}")
    recent = tally.latest(db, "FAIR26")
    assert len(recent) == 8
    assert [r.first_name for r in recent] == [f"N{i}" for i in range(11, 3, -1)]


def test_latest_through_kept_count_uses_the_first_word_only(db, event):
    kept.count(db, event, letters.Draft("jani-silva", "solidarity", message="hi",
                                        name="María José Pérez"))
    assert tally.latest(db, "FAIR26")[0].first_name == "María"


# --- session_totals and by_year --------------------------------------------------------------------

def test_session_totals_including_zero(db, filled):
    sessions.create(db, "Empty", code="EMPTY")
    assert tally.session_totals(db, ["FAIR26", "EMPTY", "CLASS", "NOSUCH"]) == \
        {"FAIR26": 60, "EMPTY": 0, "CLASS": 100, "NOSUCH": 0}
    assert tally.session_totals(db, []) == {}


def test_session_totals_of_more_than_500_codes(db):
    codes = [f"Z{i:04d}" for i in range(1203)]
    with w4r_db.transaction(db):
        for i, code in enumerate(codes):
            sessions.ensure(db, code)
            if i % 100 == 99 or i in (0, 499, 500, 501, 1202):
                add(db, f"id-{code}", code, count=i + 1)
    found = tally.session_totals(db, codes)
    assert list(found) == codes
    assert found["Z0000"] == 1 and found["Z0499"] == 500 and found["Z0500"] == 501
    assert found["Z0501"] == 502 and found["Z1202"] == 1203 and found["Z0999"] == 1000
    assert found["Z0001"] == 0 and found["Z1000"] == 0
    assert sum(found.values()) == sum(i + 1 for i in range(1203)
                                      if i % 100 == 99 or i in (0, 499, 500, 501, 1202))


def test_by_year_all_and_some_codes(db, event):
    sessions.create(db, "Class", code="OTHER1")
    add(db, "y1", "FAIR26", at="2024-12-10T10:00:00+00:00", count=7)
    add(db, "y2", "FAIR26", at="2025-12-10T10:00:00+00:00", count=3)
    add(db, "y3", "FAIR26", at="2025-11-30T10:00:00+00:00", count=2)
    add(db, "y4", "OTHER1", at="2025-12-10T10:00:00+00:00", count=10)
    add(db, "y5", "CLASS", at="2026-01-02T10:00:00+00:00", count=1)
    assert tally.by_year(db) == {2024: 7, 2025: 15, 2026: 1}
    assert tally.by_year(db, ["FAIR26"]) == {2024: 7, 2025: 5}
    assert tally.by_year(db, ["FAIR26", "OTHER1"]) == {2024: 7, 2025: 15}
    assert tally.by_year(db, ["NOSUCH"]) == {}
    assert tally.by_year(db, []) == {}


def test_by_year_of_the_sessions_of_a_school_that_opted_in(db):
    sessions.create(db, "A 2025", code="A2025", grouping="Hill School", leaderboard=True)
    sessions.create(db, "A 2026", code="A2026", grouping="Hill School", leaderboard=True)
    sessions.create(db, "Private", code="PRIV26", grouping="Hill School")
    add(db, "g4", "PRIV26", at="2026-12-01T10:00:00+00:00", count=5)
    add(db, "g1", "A2025", at="2025-12-01T10:00:00+00:00", count=20)
    add(db, "g2", "A2026", at="2026-12-01T10:00:00+00:00", count=30)
    add(db, "g3", "CLASS", at="2026-12-01T10:00:00+00:00", count=99)
    group = [s.code for s in sessions.in_group(db, "Hill School")]
    assert tally.by_year(db, group) == {2025: 20, 2026: 30}


def test_already_counted(db, filled):
    actions = tally.session_actions(db, "FAIR26")
    assert tally.already_counted(db, actions) == 6
    fresh = [tally.Action(f"new-{i}", "FAIR26", "jani-silva", "appeal") for i in range(3)]
    assert tally.already_counted(db, fresh + actions[:2]) == 2
    assert tally.already_counted(db, []) == 0
    many = [tally.Action(f"bulk-{i}", "CLASS", "jani-silva", "appeal") for i in range(1100)]
    with w4r_db.transaction(db):
        for action in many[::3]:
            tally.record(db, action)
    assert tally.already_counted(db, many) == len(many[::3])
    assert tally.session_actions(db, "CLASS")  # nothing else written
    assert len(tally.session_actions(db, "CLASS")) == 1 + len(many[::3])


def test_manual_source_is_accepted(db, event):
    assert add(db, "m1", "FAIR26", action="card", count=45, source="manual") is True
    [action] = tally.session_actions(db, "FAIR26")
    assert action.source == "manual" and action.count == 45
    assert tally.action_problems(action) == []
    with pytest.raises(ValueError, match="source"):
        add(db, "m2", "FAIR26", source="guess")


# --- export with letters, parse, import ----------------------------------------------------------

def test_export_json_with_letters_and_parse_it_back(db, filled):
    items = [{"submission_id": "a1", "parts": {"message": "¡Ánimo!"}, "status": "new"}]
    text = tally.export_tally(db, filled, "json", items)
    data = json.loads(text)
    assert data["letters"] == items
    assert data["session"]["name"] == "Town fair" and data["session"]["goal"] == 250
    parsed = tally.parse_export(text.encode("utf-8"), "fair.json")
    assert parsed.problems == []
    assert parsed.session["code"] == "FAIR26" and parsed.session["kind"] == "event"
    assert parsed.letters == items
    assert {a.submission_id for a in parsed.actions} == {f"a{i}" for i in range(1, 7)}
    assert all(a.source == "import" for a in parsed.actions)


def test_export_without_letters_has_no_letters_key_and_no_names(db, filled):
    add(db, "named", "FAIR26", first_name="Zoë")
    text = tally.export_tally(db, filled, "json")
    assert "letters" not in json.loads(text)
    assert "Zoë" not in text and "first_name" not in text
    assert tally.parse_export(text.encode(), "x.json").letters == []


def test_csv_export_never_holds_letter_text(db, filled):
    text = tally.export_tally(db, filled, "csv", [{"submission_id": "a1",
                                                   "parts": {"message": "SECRET TEXT"}}])
    assert "SECRET TEXT" not in text
    parsed = tally.parse_export(text.encode("utf-8-sig"), "fair.csv")
    assert parsed.problems == [] and parsed.letters == [] and parsed.session == {}
    assert len(parsed.actions) == 6


def test_parse_export_keeps_only_object_letters(db, filled):
    data = json.loads(tally.export_tally(db, filled, "json"))
    data["letters"] = [{"submission_id": "a1", "parts": {}}, "junk", 3, None]
    parsed = tally.parse_export(json.dumps(data).encode(), "x.json")
    assert parsed.letters == [{"submission_id": "a1", "parts": {}}]
    data["letters"] = "not a list"
    assert tally.parse_export(json.dumps(data).encode(), "x.json").letters == []


def test_import_creates_the_session_with_the_exports_name_and_goal(db, filled, tmp_path):
    parsed = tally.parse_export(tally.export_tally(db, filled, "json").encode(), "fair.json")
    other = w4r_db.connect(tmp_path / "other.db")
    assert sessions.get(other, "FAIR26") is None
    result = tally.import_actions(other, parsed.actions, parsed.session)
    assert (result.new, result.already, result.new_letters) == (6, 0, 60)
    assert result.new_by_case == {"jani-silva": 10, "yecenia-armenta": 45, "tun-aung": 5}
    made = sessions.get(other, "FAIR26")
    assert (made.name, made.goal, made.kind) == ("Town fair", 250, "event")
    other.conn.close()


def test_import_without_session_info_makes_a_plain_session(db, filled, tmp_path):
    parsed = tally.parse_export(tally.export_tally(db, filled, "csv").encode(), "fair.csv")
    other = w4r_db.connect(tmp_path / "other.db")
    tally.import_actions(other, parsed.actions, parsed.session)
    made = sessions.get(other, "FAIR26")
    assert (made.name, made.goal, made.kind) == ("FAIR26", 0, "class")
    other.conn.close()


def test_import_keeps_an_existing_sessions_settings(db, filled, tmp_path):
    parsed = tally.parse_export(tally.export_tally(db, filled, "json").encode(), "fair.json")
    other = w4r_db.connect(tmp_path / "other.db")
    sessions.create(other, "My own name", "class", 7, "FAIR26")
    tally.import_actions(other, parsed.actions, parsed.session)
    made = sessions.get(other, "FAIR26")
    assert (made.name, made.goal, made.kind) == ("My own name", 7, "class")
    other.conn.close()


@pytest.mark.parametrize("session_info", [
    {"code": "FAIR26", "name": "", "goal": -4, "kind": "party"},
    {"code": "FAIR26", "name": "x" * 999, "goal": "lots", "kind": None},
    {"code": "FAIR26", "name": None, "goal": True},
    {"code": "OTHER", "name": "Not this session", "goal": 9},
])
def test_import_makes_bad_session_info_safe(db, filled, tmp_path, session_info):
    actions = tally.parse_export(tally.export_tally(db, filled, "csv").encode(), "f.csv").actions
    other = w4r_db.connect(tmp_path / "other.db")
    tally.import_actions(other, actions, session_info)
    made = sessions.get(other, "FAIR26")
    assert sessions.problems(made) == []
    assert made.kind in sessions.KINDS and 0 <= made.goal <= sessions.MAX_GOAL
    assert sessions.get(other, "OTHER") is None
    other.conn.close()


def report(database, code):
    session = sessions.get(database, code)
    totals = tally.totals(database, session)
    return (totals.total, totals.by_kind, totals.by_case, tally.breakdown(database, code),
            tally.by_year(database, [code]))


def test_export_import_twice_gives_identical_totals(db, filled, tmp_path):
    text = tally.export_tally(db, filled, "json", kept.for_export(db, "FAIR26"))
    other = w4r_db.connect(tmp_path / "other.db")
    first = tally.import_actions(other, *_parsed(text))
    second = tally.import_actions(other, *_parsed(text))
    assert (first.new, first.already) == (6, 0)
    assert (second.new, second.already, second.new_letters) == (0, 6, 0)
    assert report(other, "FAIR26") == report(db, "FAIR26")
    assert tally.already_counted(other, _parsed(text)[0]) == 6
    # and the CSV of the same session adds nothing either
    csv_text = tally.export_tally(db, filled, "csv")
    assert tally.import_actions(other, *_parsed(csv_text)).new == 0
    assert report(other, "FAIR26") == report(db, "FAIR26")
    other.conn.close()


def _parsed(text):
    parsed = tally.parse_export(text.encode("utf-8"), "t")
    assert parsed.problems == []
    return parsed.actions, parsed.session


def test_export_import_keeps_counted_at(db, filled, tmp_path):
    other = w4r_db.connect(tmp_path / "other.db")
    tally.import_actions(other, *_parsed(tally.export_tally(db, filled, "json")))
    mine = {a.submission_id: a.counted_at for a in tally.session_actions(db, "FAIR26")}
    theirs = {a.submission_id: a.counted_at for a in tally.session_actions(other, "FAIR26")}
    assert mine == theirs
    assert tally.latest(other, "FAIR26", 3) == [
        tally.Recent(r.case_id, r.kind, "", r.counted_at) for r in tally.latest(db, "FAIR26", 3)]
    other.conn.close()


def test_import_is_all_or_nothing(db, filled, tmp_path):
    other = w4r_db.connect(tmp_path / "other.db")
    actions, info = _parsed(tally.export_tally(db, filled, "json"))
    bad = tally.Action("zz-bad", "FAIR26", "jani-silva", "appeal", count=1)
    # an action whose row breaks a constraint mid-way rolls the whole import back
    other.execute("create trigger no_zz before insert on actions when new.submission_id = "
                  "'zz-bad' begin select raise(abort, 'refused'); end")
    with pytest.raises(Exception):
        tally.import_actions(other, actions + [bad], info)
    assert sessions.get(other, "FAIR26") is None  # the session made for it is rolled back too
    assert other.execute("select count(*) from actions").fetchone()[0] == 0
    other.conn.close()
