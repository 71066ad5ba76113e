"""The section report: a row per case × kind × action, totals equal to the tally's in every
breakdown, participants, the school or event, dates in the session's time zone, certificates."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from pypdf import PdfReader
from test_cli import run_main

from w4r import reports, sessions, tally

NAMES = {"yecenia-armenta": "Yecenia Armenta", "jani-silva": "Jani Silva"}


def record(db, sid, case_id, kind="appeal", action="letter", count=1, session="K7B",
           source="app", at="2026-12-10T10:00:00+00:00"):
    tally.record(db, tally.Action(sid, session, case_id, kind, action, count, at, source))


@pytest.fixture
def school(db):
    """Two classes of one school on its leaderboard, a third that did not opt in."""
    seven = sessions.create(db, "Class 7B", code="K7B", grouping="Collège Jean Moulin",
                            leaderboard=True, timezone="Europe/Paris", head_count=28,
                            language="fr")
    sessions.create(db, "Class 8A", code="K8A", grouping="Collège Jean Moulin",
                    leaderboard=True, head_count=25)
    sessions.create(db, "Class 9C", code="K9C", grouping="Collège Jean Moulin")
    for i in range(3):
        record(db, f"a{i}", "yecenia-armenta")
    record(db, "s1", "yecenia-armenta", "solidarity", at="2026-12-10T23:30:00+00:00")
    record(db, "c1", "jani-silva", "solidarity", action="card", count=40, source="manual")
    record(db, "p1", "jani-silva", "solidarity", action="petition", count=30, source="manual")
    record(db, "k1", "jani-silva", "solidarity", session="K8A", at="2026-12-09T08:00:00+00:00")
    record(db, "e1", "jani-silva", "appeal", action="email", session="K8A", source="cli")
    record(db, "n1", "jani-silva", "appeal", session="K9C")
    return seven


def test_every_breakdown_equals_the_tally(db, school):
    report = reports.section(db, school, NAMES)
    totals = tally.totals(db, school)
    assert report.total == totals.total == 74
    assert report.letters == totals.letters == 44
    assert report.by("kind") == totals.by_kind
    assert report.by("case_id") == {c: sum(k.values()) for c, k in totals.by_case.items()}
    rows = {(r.case_id, r.kind, r.action): r.count for r in tally.breakdown(db, school.code)}
    assert {(line.case_id, line.kind, line.action): line.count for line in report.lines} == rows
    by_action: dict[str, int] = {}
    for (_, _, action), n in rows.items():
        by_action[action] = by_action.get(action, 0) + n
    assert report.by("action") == by_action


def test_the_section_wide_report_adds_only_the_classes_that_opted_in(db, school):
    report = reports.section(db, school, NAMES, whole_group=True)
    assert [code for code, _ in report.sessions] == ["K7B", "K8A"]
    both = [tally.totals(db, sessions.get(db, code)) for code in ("K7B", "K8A")]
    assert report.total == sum(t.total for t in both) == 76
    for kind in ("appeal", "solidarity"):
        assert report.by("kind")[kind] == sum(t.by_kind.get(kind, 0) for t in both)
    assert report.head_count == 28 + 25
    assert report.grouping == "Collège Jean Moulin"
    alone = reports.section(db, sessions.get(db, "K9C"), NAMES, whole_group=True)
    assert [code for code, _ in alone.sessions] == ["K9C", "K7B", "K8A"]  # itself + opted in


def test_participants_are_distinct_app_letters_plus_the_head_count(db, school):
    record(db, "a0", "yecenia-armenta")  # the same submission again counts once
    report = reports.section(db, school, NAMES)
    assert report.participants == 4  # a0-a2 and s1; not the cards and petitions typed in
    assert report.head_count == 28


def test_dates_are_in_the_session_time_zone(db, school):
    report = reports.section(db, school, NAMES)
    assert (report.first, report.last) == ("2026-12-10 11:00", "2026-12-11 00:30")
    assert report.timezone == "Europe/Paris"
    auckland = sessions.update(db, "K7B", timezone="Pacific/Auckland")
    assert reports.section(db, auckland, NAMES).last == "2026-12-11 12:30"


def test_without_a_time_zone_the_machine_s_is_used(db, school, monkeypatch):
    monkeypatch.setenv("TZ", "America/Toronto")
    time.tzset()
    try:
        report = reports.section(db, sessions.update(db, "K7B", timezone=""), NAMES)
        assert report.last == "2026-12-10 18:30"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_time_zone_must_exist(db, school):
    with pytest.raises(ValueError, match="time zone"):
        sessions.update(db, "K7B", timezone="Mars/Olympus")


def test_the_csv_has_a_row_per_case_kind_and_action_then_totals_and_no_formula(db, school):
    names = NAMES | {"jani-silva": "=HYPERLINK(\"http://x\")"}
    text = reports.section_csv(reports.section(db, school, names))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(reports.CSV_COLUMNS)
    table = rows[1:rows.index([])]
    assert len(table) == len(tally.breakdown(db, school.code))
    assert all(row[0] == "Collège Jean Moulin" for row in table)
    assert sum(int(row[-1]) for row in table) == 74
    assert not any(cell.startswith("=") for row in rows for cell in row)
    facts = dict(row for row in rows if len(row) == 2)
    assert facts["total actions"] == "74" and facts["total appeal"] == "3"
    assert facts["first action (Europe/Paris)"] == "2026-12-10 11:00"
    assert facts["participants counted by the organizer"] == "28"


def test_the_certificate_splits_by_kind_and_case_in_the_session_language(db, school):
    (certificate,) = reports.certificates(db, school, NAMES)
    assert certificate.headline == "Lettres écrites par Class 7B : 44"
    rows = dict(certificate.rows)
    assert rows["Lettres d'appel"] == "3" and rows["Messages de solidarité"] == "41"
    assert rows["Jani Silva"] == "Messages de solidarité 40"
    assert rows["Yecenia Armenta"] == "Messages de solidarité 1 · Lettres d'appel 3"
    assert "Collège Jean Moulin" in certificate.title
    assert len(reports.certificates(db, school, NAMES, whole_group=True)) == 2


def test_the_cli_writes_the_report_as_csv_json_and_pdf(capsys, tmp_path, monkeypatch):
    path = tmp_path / "w4r.db"
    monkeypatch.setenv("W4R_DB", str(path))
    from w4r import db as w4r_db
    database = w4r_db.connect(path)
    sessions.create(database, "Class 7B", code="K7B", grouping="Collège Jean Moulin",
                    timezone="Europe/Paris")
    record(database, "a1", "yecenia-armenta")
    record(database, "m1", "jani-silva", "solidarity", "petition", 12, source="manual")
    database.close()
    code, out, err = run_main(capsys, "--db", path, "session", "set", "K7B", "--head-count", "9")
    assert code == 0 and "time zone      Europe/Paris" in out and "head count     9" in out
    code, out, err = run_main(capsys, "--db", path, "cases", "list")
    assert "Maxima Acuna\n" in out and "()" not in out  # the sources name no country
    code, out, err = run_main(capsys, "--db", path, "report", "--session", "k7b")
    assert code == 0, err
    assert "Collège Jean Moulin,Class 7B,Yecenia Armenta,yecenia-armenta,appeal,letter,1" in out
    code, out, err = run_main(capsys, "--db", path, "report", "--session", "K7B",
                              "--format", "json")
    data = json.loads(out)
    assert data["totals"]["actions"] == 13 and data["school_or_event"] == "Collège Jean Moulin"
    assert data["first_action"] == "2026-12-10 11:00"
    out_pdf = tmp_path / "report.pdf"
    code, _, err = run_main(capsys, "--db", path, "report", "--session", "K7B", "--format",
                            "pdf", "-o", out_pdf)
    assert code == 0, err
    pages = [p.extract_text() for p in PdfReader(out_pdf).pages]
    assert "section report" in pages[0] and "13 actions" in pages[0]
    assert "Letters written by Class 7B: 1" in " ".join(pages[1:])


@pytest.mark.sqlite_only  # SQLite's history (PostgreSQL starts at version 10)
def test_a_version_6_database_gains_a_time_zone_and_a_head_count(tmp_path, monkeypatch):
    from w4r import db as w4r_db
    monkeypatch.setattr(w4r_db, "SCHEMA_VERSION", 6)
    old = w4r_db.connect(tmp_path / "old.db")  # with its default session
    assert w4r_db.schema_version(old) == 6
    old.conn.close()
    monkeypatch.undo()
    database = w4r_db.connect(tmp_path / "old.db")
    assert w4r_db.schema_version(database) == len(w4r_db.MIGRATIONS) >= 7
    session = sessions.get(database, w4r_db.DEFAULT_SESSION)
    assert (session.timezone, session.head_count) == ("", 0)
