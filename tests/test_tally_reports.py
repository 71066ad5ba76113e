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
    add(db, "a1", "FAIR26", "jani-silva", "solidarity", "letter", 3, "2025-12-01T10:00:00+00:00")
    add(db, "a2", "FAIR26", "jani-silva", "solidarity", "letter", 2, "2025-12-01T10:05:00+00:00")
    add(db, "a3", "FAIR26", "jani-silva", "solidarity", "card", 4, "2025-12-02T09:00:00+00:00",
        "manual")
    add(db, "a4", "FAIR26", "jani-silva", "appeal", "email", 1, "2025-12-02T09:30:00+00:00")
    add(db, "a5", "FAIR26", "yecenia-armenta", "appeal", "petition", 45,
        "2025-12-03T12:00:00+00:00", "cli")
    add(db, "a6", "FAIR26", "tun-aung", "appeal", "social", 5, "2025-12-03T12:00:00+00:00")
    add(db, "other", "CLASS", "jani-silva", "solidarity", "letter", 100, "2025-12-01T10:00:00Z")
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
            sessions.create(db, code, code=code)
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


def other_db(tmp_path, code="FAIR26", **settings):
    """A second device's database holding the session to merge into."""
    other = w4r_db.connect(tmp_path / "other.db")
    sessions.create(other, "My own name", "class", 7, code, **settings)
    return other


def test_merge_counts_into_the_session_and_keeps_its_settings(db, filled, tmp_path):
    parsed = tally.parse_export(tally.export_tally(db, filled, "json").encode(), "fair.json")
    other = other_db(tmp_path)
    result = tally.merge(other, "FAIR26", parsed)
    assert (result.new, result.already, result.new_letters) == (6, 0, 60)
    assert result.new_by_case == {"jani-silva": 10, "yecenia-armenta": 45, "tun-aung": 5}
    made = sessions.get(other, "FAIR26")
    assert (made.name, made.goal, made.kind) == ("My own name", 7, "class")
    other.conn.close()


def test_merge_never_creates_a_session(db, filled, tmp_path):
    parsed = tally.parse_export(tally.export_tally(db, filled, "json").encode(), "fair.json")
    other = w4r_db.connect(tmp_path / "other.db")
    with pytest.raises(ValueError, match="there is no session FAIR26"):
        tally.merge(other, "FAIR26", parsed)
    assert sessions.get(other, "FAIR26") is None
    assert [s.code for s in sessions.all_sessions(other)] == ["CLASS"]
    assert other.execute("select count(*) from actions").fetchone()[0] == 0
    other.conn.close()


def test_merge_into_another_session_is_refused_unless_mapped(db, filled, tmp_path):
    parsed = tally.parse_export(tally.export_tally(db, filled, "json").encode(), "fair.json")
    other = other_db(tmp_path, code="MINE")
    with pytest.raises(ValueError, match="actions of FAIR26, not MINE; nothing was merged"):
        tally.merge(other, "MINE", parsed)
    assert other.execute("select count(*) from actions").fetchone()[0] == 0
    result = tally.merge(other, "MINE", parsed, map_other_sessions=True)
    assert result.new == 6
    assert tally.totals(other, sessions.get(other, "MINE")).total == 60
    assert sessions.get(other, "FAIR26") is None
    other.conn.close()


def test_merge_keeps_letters_only_when_the_session_keeps_text(db, filled, tmp_path):
    items = [{"submission_id": "a1", "parts": {"message": "¡Ánimo!"}, "status": "new"}]
    parsed = tally.parse_export(tally.export_tally(db, filled, "json", items).encode(), "f.json")
    other = other_db(tmp_path)
    assert tally.merge(other, "FAIR26", parsed).kept_letters == 0
    assert kept.listing(other, "FAIR26") == []
    other.conn.close()
    keeping = other_db(tmp_path / "again", keep_text=True)  # a fresh database
    assert tally.merge(keeping, "FAIR26", parsed).kept_letters == 1
    assert [k.parts["message"] for k in kept.listing(keeping, "FAIR26")] == ["¡Ánimo!"]
    keeping.conn.close()


def test_a_merge_failing_half_way_changes_nothing(db, filled, tmp_path, monkeypatch):
    items = [{"submission_id": "a1", "parts": {"message": "¡Ánimo!"}, "status": "new"}]
    parsed = tally.parse_export(tally.export_tally(db, filled, "json", items).encode(), "f.json")
    other = other_db(tmp_path, keep_text=True)

    def broken(database, letters, code):
        assert database.execute("select count(*) from actions").fetchone()[0] == 6
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(kept, "insert_imported", broken)
    with pytest.raises(RuntimeError, match="disk is full"):
        tally.merge(other, "FAIR26", parsed)
    assert other.execute("select count(*) from actions").fetchone()[0] == 0
    assert other.execute("select count(*) from letters").fetchone()[0] == 0
    assert tally.already_counted(other, parsed.actions) == 0
    monkeypatch.undo()
    result = tally.merge(other, "FAIR26", parsed)
    assert (result.new, result.kept_letters) == (6, 1)
    other.conn.close()


def report(database, code):
    session = sessions.get(database, code)
    totals = tally.totals(database, session)
    return (totals.total, totals.by_kind, totals.by_case, tally.breakdown(database, code),
            tally.by_year(database, [code]))


def test_export_import_twice_gives_identical_totals(db, filled, tmp_path):
    text = tally.export_tally(db, filled, "json", kept.for_export(db, "FAIR26"))
    other = other_db(tmp_path)
    first = tally.merge(other, "FAIR26", _parsed(text))
    second = tally.merge(other, "FAIR26", _parsed(text))
    assert (first.new, first.already) == (6, 0)
    assert (second.new, second.already, second.new_letters) == (0, 6, 0)
    assert report(other, "FAIR26") == report(db, "FAIR26")
    assert tally.already_counted(other, _parsed(text).actions) == 6
    # and the CSV of the same session adds nothing either
    csv_text = tally.export_tally(db, filled, "csv")
    assert tally.merge(other, "FAIR26", _parsed(csv_text)).new == 0
    assert report(other, "FAIR26") == report(db, "FAIR26")
    other.conn.close()


def _parsed(text):
    parsed = tally.parse_export(text.encode("utf-8"), "t")
    assert parsed.problems == []
    return parsed


def test_export_import_keeps_counted_at(db, filled, tmp_path):
    other = other_db(tmp_path)
    tally.merge(other, "FAIR26", _parsed(tally.export_tally(db, filled, "json")))
    mine = {a.submission_id: a.counted_at for a in tally.session_actions(db, "FAIR26")}
    theirs = {a.submission_id: a.counted_at for a in tally.session_actions(other, "FAIR26")}
    assert mine == theirs
    assert tally.latest(other, "FAIR26", 3) == [
        tally.Recent(r.case_id, r.kind, "", r.counted_at, r.action, r.count) for r in tally.latest(db, "FAIR26", 3)]
    other.conn.close()


def test_import_is_all_or_nothing(db, filled, tmp_path):
    other = other_db(tmp_path)
    parsed = _parsed(tally.export_tally(db, filled, "json"))
    parsed.actions.append(tally.Action("zz-bad", "FAIR26", "jani-silva", "appeal", count=1))
    # an action whose row breaks a constraint mid-way rolls the whole import back
    if w4r_db.is_postgres(other):
        other.execute("create function no_zz() returns trigger language plpgsql as "
                      "$$ begin raise exception 'refused'; end $$")
        other.execute("create trigger no_zz before insert on actions for each row when "
                      "(new.submission_id = 'zz-bad') execute function no_zz()")
    else:
        other.execute("create trigger no_zz before insert on actions when new.submission_id = "
                      "'zz-bad' begin select raise(abort, 'refused'); end")
    with pytest.raises(Exception):
        tally.merge(other, "FAIR26", parsed)
    assert other.execute("select count(*) from actions").fetchone()[0] == 0
    other.conn.close()
