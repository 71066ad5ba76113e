"""The tally: each submission counted once, totals, concurrency, export and import."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import time

import pytest

from w4r import db as w4r_db
from w4r import config, sessions, tally, terms
from w4r.db import DEFAULT_SESSION


def act(sid, case_id="yecenia-armenta", kind="appeal", session=DEFAULT_SESSION, **kw):
    return tally.Action(submission_id=sid, session_code=session, case_id=case_id, kind=kind,
                        **kw)


def pair(parsed: tally.Export):
    return parsed.actions, parsed.problems


def default_totals(database):
    return tally.totals(database, sessions.default(database))


def snapshot(database):
    """Everything the tally holds, to compare two databases or before/after."""
    rows = database.execute("select submission_id, session_code, case_id, kind, action, count "
                            "from actions order by submission_id").fetchall()
    return rows, [tuple(s.__dict__.values()) for s in sessions.all_sessions(database)]


# --- counting once --------------------------------------------------------------

def test_record_returns_true_then_false_for_the_same_submission(db):
    assert tally.record(db, act("draft-1")) is True
    assert tally.record(db, act("draft-1")) is False
    assert default_totals(db).total == 1
    assert db.execute("select count(*) from actions").fetchone()[0] == 1


def test_a_double_click_with_a_different_count_still_counts_once(db):
    tally.record(db, act("draft-1", count=3))
    tally.record(db, act("draft-1", count=7))
    assert default_totals(db).total == 3


def test_is_counted(db):
    assert not tally.is_counted(db, "draft-1")
    tally.record(db, act("draft-1"))
    assert tally.is_counted(db, "draft-1")


def test_new_submission_ids_are_valid_and_distinct():
    ids = {tally.new_submission_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(terms.SUBMISSION_ID.match(i) for i in ids)


def test_record_sets_counted_at(db):
    tally.record(db, act("draft-1"))
    (stored,) = tally.session_actions(db, DEFAULT_SESSION)
    assert stored.counted_at.startswith("20")


# --- totals -------------------------------------------------------------------

def test_totals_by_case_and_kind(db):
    entries = [("a1", "case-one", "appeal", 1), ("a2", "case-one", "appeal", 4),
               ("a3", "case-one", "solidarity", 2), ("a4", "case-two", "solidarity", 1),
               ("a5", "case-two", "appeal", 10)]
    for sid, case_id, kind, count in entries:
        tally.record(db, act(sid, case_id, kind, count=count))
    expected_case: dict[str, dict[str, int]] = {}
    expected_kind: dict[str, int] = {}
    for _, case_id, kind, count in entries:
        expected_case.setdefault(case_id, {}).setdefault(kind, 0)
        expected_case[case_id][kind] += count
        expected_kind[kind] = expected_kind.get(kind, 0) + count
    totals = default_totals(db)
    assert totals.by_case == expected_case
    assert totals.by_kind == expected_kind
    assert totals.total == sum(e[3] for e in entries)


def test_totals_are_per_session(db):
    other = sessions.create(db, "Other class", code="OTHER1")
    tally.record(db, act("mine", count=2))
    tally.record(db, act("theirs", session="OTHER1", count=5))
    assert default_totals(db).total == 2
    assert tally.totals(db, other).total == 5


def test_empty_session_totals_are_zero(db):
    totals = default_totals(db)
    assert (totals.total, totals.by_kind, totals.by_case, totals.progress) == (0, {}, {}, 0.0)


def test_progress_is_the_share_of_the_goal(db):
    session = sessions.create(db, "Goal four", goal=4, code="GOAL04")
    tally.record(db, act("p1", session="GOAL04"))
    assert tally.totals(db, session).progress == pytest.approx(0.25)
    tally.record(db, act("p2", session="GOAL04", count=10))
    assert tally.totals(db, session).progress == 1.0


def test_progress_without_a_goal_is_zero(db):
    session = sessions.create(db, "No goal", goal=0, code="NOGOAL")
    tally.record(db, act("p1", session="NOGOAL"))
    assert tally.totals(db, session).progress == 0.0


# --- refusing bad actions -----------------------------------------------------

def test_unknown_session_is_rejected_and_nothing_counted(db):
    before = snapshot(db)
    with pytest.raises(ValueError, match="no session NOPE42"):
        tally.record(db, act("x1", session="NOPE42"))
    assert snapshot(db) == before
    assert tally.record(db, act("x1")) is True  # the id was not used up by the failure


@pytest.mark.parametrize("changes, field", [
    ({"submission_id": "has space"}, "submission_id"),
    ({"submission_id": ""}, "submission_id"),
    ({"submission_id": "x" * 65}, "submission_id"),
    ({"session_code": "class"}, "session"),
    ({"case_id": "Bad Case"}, "case"),
    ({"kind": "bogus"}, "kind"),
    ({"action": "fax"}, "action"),
    ({"count": 0}, "count"),
    ({"count": tally.MAX_COUNT + 1}, "count"),
    ({"count": True}, "count"),
    ({"count": "3"}, "count"),
    ({"source": "web"}, "source"),
])
def test_invalid_action_is_rejected_with_a_message(db, changes, field):
    fields = {"submission_id": "ok-1", "session_code": DEFAULT_SESSION,
              "case_id": "yecenia-armenta", "kind": "appeal"} | changes
    with pytest.raises(ValueError) as caught:
        tally.record(db, tally.Action(**fields))
    assert str(caught.value).startswith(f"{field}: ")
    assert db.execute("select count(*) from actions").fetchone()[0] == 0


def test_action_problems_lists_every_problem():
    problems = tally.action_problems(tally.Action("", "x", "Bad", "bogus", "fax", 0, "", "web"))
    assert [p.split(":")[0] for p in problems] == ["submission_id", "session", "case", "kind",
                                                   "action", "count", "source"]


# --- several processes at once ------------------------------------------------

def _count_in_process(path, worker, n, ready, go, results):
    """Child process: record n submissions; every 10th id is shared by all workers."""
    from w4r import db as child_db
    from w4r import tally as child_tally
    database = child_db.connect(path)
    ready.put(True)
    go.wait(60)
    new, errors = 0, []
    for i in range(n):
        sid = f"shared-{i}" if i % 10 == 0 else f"w{worker}-{i}"
        try:
            if child_tally.record(database, child_tally.Action(
                    sid, "CLASS", "yecenia-armenta", "appeal", source="app")):
                new += 1
        except Exception as exc:  # reported to the parent, which asserts on it
            errors.append(f"{type(exc).__name__}: {exc}")
    results.put((new, errors))


def test_four_processes_counting_at_once_lose_nothing_and_count_nothing_twice(tmp_path):
    path = str(config.db_target(tmp_path / "busy.db"))  # a URL on PostgreSQL
    w4r_db.connect(path).conn.close()
    workers, per_worker = 4, 200
    ids = {f"shared-{i}" if i % 10 == 0 else f"w{w}-{i}"
           for w in range(workers) for i in range(per_worker)}
    ctx = multiprocessing.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_count_in_process, args=(path, w, per_worker, ready, go,
                                                         results)) for w in range(workers)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=60)
    started = time.time()
    go.set()
    outcomes = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    assert time.time() - started < 20
    errors = [e for _, errs in outcomes for e in errs]
    assert errors == [], f"{len(errors)} errors, e.g. {errors[:2]}"
    assert sum(new for new, _ in outcomes) == len(ids)
    database = w4r_db.connect(path)
    assert default_totals(database).total == len(ids)


def _import_while_others_record(path, ready, go, done, results):
    """Child process: import 10 exports from 'another device', one after the other."""
    from w4r import db as child_db
    from w4r import tally as child_tally
    database = child_db.connect(path)
    ready.put(True)
    go.wait(60)
    new, errors = 0, []
    for k in range(10):
        batch = [child_tally.Action(f"device2-{k}-{i}", "CLASS", "yecenia-armenta", "appeal",
                                    source="import") for i in range(30)]
        try:
            new += child_tally.merge(database, "CLASS", child_tally.Export(actions=batch)).new
        except Exception as exc:  # reported to the parent, which asserts on it
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.01)
    done.set()
    results.put(("import", new, errors))


def _record_until_done(path, worker, ready, go, done, results):
    """Child process: students submitting letters until the import is over."""
    from w4r import db as child_db
    from w4r import tally as child_tally
    database = child_db.connect(path)
    ready.put(True)
    go.wait(60)
    new, errors, i = 0, [], 0
    while not done.is_set() and i < 20_000:
        try:
            new += child_tally.record(database, child_tally.Action(
                f"app{worker}-{i}", "CLASS", "yecenia-armenta", "appeal"))
        except Exception as exc:  # reported to the parent, which asserts on it
            errors.append(f"{type(exc).__name__}: {exc}")
        i += 1
    results.put(("record", new, errors))


def test_importing_while_letters_are_being_counted_loses_nothing(tmp_path):
    path = str(config.db_target(tmp_path / "busy.db"))  # a URL on PostgreSQL
    w4r_db.connect(path).conn.close()
    ctx = multiprocessing.get_context("spawn")
    ready, results, go, done = ctx.Queue(), ctx.Queue(), ctx.Event(), ctx.Event()
    procs = [ctx.Process(target=_import_while_others_record,
                         args=(path, ready, go, done, results))]
    procs += [ctx.Process(target=_record_until_done, args=(path, w, ready, go, done, results))
              for w in range(2)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=60)
    go.set()
    outcomes = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    errors = [e for _, _, errs in outcomes for e in errs]
    assert errors == [], f"{len(errors)} errors, e.g. {errors[:2]}"
    imported = sum(new for who, new, _ in outcomes if who == "import")
    assert imported == 10 * 30
    database = w4r_db.connect(path)
    assert default_totals(database).total == sum(new for _, new, _ in outcomes)


# --- export ------------------------------------------------------------------

@pytest.fixture
def counted(db):
    """A session with a few actions of different kinds, cases and counts."""
    session = sessions.create(db, "Zażółć gęślą jaźń – élève", kind="event", goal=25,
                              code="EXP123")
    for sid, case_id, kind, action, count in [
            ("e1", "yecenia-armenta", "appeal", "letter", 1),
            ("e2", "yecenia-armenta", "solidarity", "card", 3),
            ("e3", "khaled-drareni", "appeal", "email", 2),
            ("e4", "khaled-drareni", "appeal", "petition", 12)]:
        tally.record(db, act(sid, case_id, kind, session="EXP123", action=action, count=count))
    return session


def test_csv_export_has_a_header_and_one_row_per_action(db, counted):
    text = tally.export_tally(db, counted, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["submission_id"] for r in rows} == {"e1", "e2", "e3", "e4"}
    assert set(rows[0]) == {"submission_id", "session_code", "case_id", "kind", "action",
                            "count", "counted_at", "source"}
    assert sum(int(r["count"]) for r in rows) == tally.totals(db, counted).total


def test_json_export_keeps_accents_and_names_its_format(db, counted):
    text = tally.export_tally(db, counted, "json")
    assert counted.name in text  # not \u-escaped
    data = json.loads(text)
    assert data["format"] == tally.EXPORT_FORMAT
    assert data["version"] == tally.EXPORT_VERSION
    assert data["session"]["name"] == counted.name
    assert len(data["actions"]) == 4


def test_export_refuses_an_unknown_format(db, counted):
    with pytest.raises(ValueError, match="csv or json"):
        tally.export_tally(db, counted, "xml")


@pytest.mark.parametrize("fmt, encoding", [("csv", "utf-8-sig"), ("json", "utf-8")])
def test_export_parses_back_to_the_same_actions(db, counted, fmt, encoding):
    raw = tally.export_tally(db, counted, fmt).encode(encoding)
    actions, problems = pair(tally.parse_export(raw, f"export.{fmt}"))
    assert problems == []
    original = tally.session_actions(db, counted.code)
    key = lambda a: (a.submission_id, a.session_code, a.case_id, a.kind, a.action, a.count,
                     a.counted_at)  # noqa: E731
    assert sorted(map(key, actions)) == sorted(map(key, original))
    assert {a.source for a in actions} == {"import"}


@pytest.mark.parametrize("fmt, encoding", [("csv", "utf-8-sig"), ("json", "utf-8")])
def test_importing_an_export_twice_gives_identical_totals(db, counted, tmp_path, fmt,
                                                         encoding):
    raw = tally.export_tally(db, counted, fmt).encode(encoding)
    actions, problems = pair(tally.parse_export(raw, "export"))
    assert problems == []
    other = w4r_db.connect(tmp_path / "other.db")
    sessions.create(other, counted.name, code=counted.code)
    first = tally.merge(other, counted.code, tally.Export(actions=actions))
    totals_first = tally.totals(other, sessions.get(other, counted.code))
    again, _ = pair(tally.parse_export(raw, "export"))
    second = tally.merge(other, counted.code, tally.Export(actions=again))
    totals_second = tally.totals(other, sessions.get(other, counted.code))
    original = tally.totals(db, counted)
    assert (first.new, first.already, first.new_letters) == (4, 0, original.total)
    assert (second.new, second.already, second.new_letters) == (0, 4, 0)
    for t in (totals_first, totals_second):
        assert (t.total, t.by_kind, t.by_case) == (original.total, original.by_kind,
                                                   original.by_case)


def test_importing_into_the_same_database_counts_nothing_twice(db, counted):
    actions, _ = pair(tally.parse_export(tally.export_tally(db, counted, "json").encode(), "x"))
    before = tally.totals(db, counted)
    result = tally.merge(db, counted.code, tally.Export(actions=actions))
    assert (result.new, result.already) == (0, len(actions))
    assert tally.totals(db, counted).total == before.total


def test_an_export_repeating_an_id_counts_it_once(db):
    raw = ("submission_id,session_code,case_id,kind,count\r\n"
           "dup-1,CLASS,yecenia-armenta,appeal,2\r\n"
           "dup-1,CLASS,yecenia-armenta,appeal,2\r\n").encode()
    actions, problems = pair(tally.parse_export(raw, "dup.csv"))
    assert problems == []
    result = tally.merge(db, "CLASS", tally.Export(actions=actions))
    assert (result.new, result.already) == (1, 1)
    assert default_totals(db).total == 2


def test_csv_without_optional_columns_defaults_action_and_count(db):
    raw = b"submission_id,session_code,case_id,kind\nmin-1,CLASS,yecenia-armenta,solidarity\n"
    actions, problems = pair(tally.parse_export(raw, "min.csv"))
    assert problems == []
    assert (actions[0].action, actions[0].count) == ("letter", 1)


# --- malformed exports ------------------------------------------------------------

def good_json(db, counted) -> dict:
    return json.loads(tally.export_tally(db, counted, "json"))


def fields_of(problems) -> set[str]:
    return {p.field for p in problems}


def test_bad_json_is_a_problem():
    actions, problems = pair(tally.parse_export(b'{"format": "w4r-tally", ', "bad.json"))
    assert actions == [] and fields_of(problems) == {"(file)"}
    assert "not valid JSON" in problems[0].message


def test_wrong_format_marker_is_a_problem(db, counted):
    data = good_json(db, counted) | {"format": "something-else"}
    actions, problems = pair(tally.parse_export(json.dumps(data).encode(), "other.json"))
    assert actions == [] and fields_of(problems) == {"format"}


def test_unknown_version_is_a_problem(db, counted):
    data = good_json(db, counted) | {"version": 99}
    actions, problems = pair(tally.parse_export(json.dumps(data).encode(), "v99.json"))
    assert actions == [] and fields_of(problems) == {"version"}


def test_actions_that_are_not_a_list_are_a_problem(db, counted):
    data = good_json(db, counted) | {"actions": {"a": 1}}
    _, problems = pair(tally.parse_export(json.dumps(data).encode(), "x.json"))
    assert fields_of(problems) == {"actions"}


def test_csv_missing_columns_are_named():
    raw = b"submission_id,case_id\nx1,yecenia-armenta\n"
    actions, problems = pair(tally.parse_export(raw, "cols.csv"))
    assert actions == [] and fields_of(problems) == {"(header)"}
    assert "kind" in problems[0].message and "session_code" in problems[0].message


def test_a_bad_row_among_good_ones_is_pinpointed(db, counted):
    lines = tally.export_tally(db, counted, "csv").splitlines()
    bad = lines[2].split(",")
    bad[3] = "bogus-kind"
    lines[2] = ",".join(bad)
    actions, problems = pair(tally.parse_export("\r\n".join(lines).encode(), "rows.csv"))
    assert [(p.file, p.field) for p in problems] == [("rows.csv", "line 3.kind")]
    assert len(actions) == len(lines) - 2


def test_a_bad_json_action_among_good_ones_is_pinpointed(db, counted):
    data = good_json(db, counted)
    data["actions"][1]["count"] = "many"
    data["actions"][2] = "not an object"
    actions, problems = pair(tally.parse_export(json.dumps(data).encode(), "rows.json"))
    assert fields_of(problems) == {"actions[1].count", "actions[2]"}
    assert len(actions) == 2


def test_extra_cells_and_unknown_columns_are_problems():
    raw = (b"submission_id,session_code,case_id,kind,colour\n"
           b"x1,CLASS,yecenia-armenta,appeal,red\n"
           b"x2,CLASS,yecenia-armenta,appeal,blue,extra\n")
    _, problems = pair(tally.parse_export(raw, "odd.csv"))
    assert fields_of(problems) == {"line 2.colour", "line 3"}


def test_non_utf8_export_is_a_problem():
    actions, problems = pair(tally.parse_export(b"submission_id\xff\xfe", "latin.csv"))
    assert actions == [] and fields_of(problems) == {"(file)"}


@pytest.mark.parametrize("raw", [b"", b"   ", b"\x00\x01\x02", b"[1, 2, 3]", b"{}",
                                 "🙂,🙂\n🙂,🙂".encode()])
def test_odd_exports_never_raise(raw):
    actions, problems = pair(tally.parse_export(raw, "odd"))
    assert actions == [] and problems


# --- hostile exports, counted_at, formulas ---------------------------------------------------

def _export(**action) -> bytes:
    row = {"submission_id": "h1", "session_code": "CLASS", "case_id": "jani-silva",
           "kind": "appeal", "count": 1, "counted_at": "2025-12-01T10:00:00+00:00"} | action
    return json.dumps({"format": "w4r-tally", "version": 1, "actions": [row]}).encode()


HOSTILE_EXPORTS = {
    "deep.json": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "big-number.json": _export(count=0).replace(b'"count": 0', b'"count": ' + b"9" * 5000),
    "surrogate.json": _export(case_id="\ud800"),
    "big-cell.csv": b"submission_id,session_code,case_id,kind\nx," + b"y" * 200_000 + b"\n",
    "formula.csv": (b"submission_id,session_code,case_id,kind,counted_at\n"
                    b'h1,CLASS,jani-silva,appeal,"=HYPERLINK(""http://x"")"\n'),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_EXPORTS))
def test_a_hostile_export_is_a_problem_line(name):
    parsed = tally.parse_export(HOSTILE_EXPORTS[name], name)
    assert parsed.actions == [] and parsed.problems
    assert all(str(p).startswith(f"{name}: ") for p in parsed.problems)


@pytest.mark.parametrize("name", sorted(HOSTILE_EXPORTS))
def test_tally_import_of_a_hostile_export_exits_1_with_problem_lines(tmp_path, capsys, name):
    from w4r import cli

    (tmp_path / name).write_bytes(HOSTILE_EXPORTS[name])
    code = cli.main(["--db", str(tmp_path / "t.db"), "tally", "import", str(tmp_path / name),
                     "--session", "CLASS"])
    out, err = capsys.readouterr()
    assert code == 1 and "unexpected error" not in err
    assert all(line.startswith(f"{tmp_path / name}: ") for line in err.splitlines()), err


@pytest.mark.parametrize("value, expected", [
    ("2025-12-01T10:00:00+00:00", "2025-12-01T10:00:00+00:00"),
    ("2025-12-01T10:00:00Z", "2025-12-01T10:00:00+00:00"),
    ("2025-12-01 11:30:15.123+01:00", "2025-12-01T10:30:15+00:00"),
    ("2025-12-01T10:00", "2025-12-01T10:00:00+00:00"),
    ("2025-12-01", "2025-12-01T00:00:00+00:00"),
])
def test_counted_at_is_normalised(value, expected):
    [action] = tally.parse_export(_export(counted_at=value), "t.json").actions
    assert action.counted_at == expected


@pytest.mark.parametrize("value, message", [
    ("2024-02-30", "must be a date and time"),
    ("9999-99-99", "must be a date and time"),
    ("=HYPERLINK(\"http://x\")", "must be a date and time"),
    ("2000-12-31T23:59:59Z", "before 2001"),
    ("2999-01-01", "in the future"),
    ("yesterday", "must be a date and time"),
])
def test_a_bad_counted_at_is_refused(value, message):
    parsed = tally.parse_export(_export(counted_at=value), "t.json")
    assert parsed.actions == []
    [problem] = parsed.problems
    assert problem.field == "actions[0].counted_at" and message in problem.message


def test_counted_at_allows_a_few_minutes_of_clock_skew():
    from datetime import datetime, timedelta, timezone
    soon = (datetime.now(timezone.utc) + timedelta(minutes=3)).isoformat(timespec="seconds")
    assert tally.parse_export(_export(counted_at=soon), "t.json").problems == []


def test_csv_export_neutralises_formulas(db):
    db.execute("insert into actions (submission_id, session_code, case_id, kind, action, count, "
               "counted_at, source) values ('f1', 'CLASS', 'jani-silva', 'appeal', 'letter', 1, "
               "'=HYPERLINK(\"http://x\")', 'app')")
    rows = list(csv.DictReader(io.StringIO(tally.export_tally(db, sessions.default(db), "csv"))))
    assert rows[0]["counted_at"] == "'=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cell_prefixes_every_formula_start(cell):
    from w4r import untrusted
    assert untrusted.csv_cell(cell) == "'" + cell
    assert untrusted.csv_cell("Zoë") == "Zoë" and untrusted.csv_cell(3) == 3
