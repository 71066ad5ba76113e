"""The section administrator: the passphrase (CLI only, slow hash, throttled), sign-ins that
expire, the opt-in of each session, totals by case, school and day, the section report and its
projector link; rights a visitor or an organizer never have, and a session that did not opt in
never showing anywhere."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from pypdf import PdfReader
from test_cli import run_main

from w4r import access, db as w4r_db, reports, rights, section, sessions, tally

PHRASE = "green tea at noon on the hill"
NAMES = {"yecenia-armenta": "Yecenia Armenta (practice)", "jani-silva": "Jani Silva"}
VISITOR = rights.Actor(writes_in="SHRA1")
ORGANIZER = rights.Actor(writes_in="SHRA1", organizer_of="SHRA1")
ADMIN = rights.Actor(writes_in="CLASS", section=True)
SECRET_NAME = "Hidden Academy"


@pytest.fixture(autouse=True)
def quick_hash(monkeypatch):
    monkeypatch.setattr(access, "SCRYPT", {"n": 2**8, "r": 8, "p": 1})


def record(db, sid, session, case_id="jani-silva", kind="appeal", action="letter", count=1,
           at="2026-12-10T10:00:00+00:00"):
    tally.record(db, tally.Action(sid, session, case_id, kind, action, count, at, "app"))


@pytest.fixture
def national(db):
    """Two sessions shared with the section (one school, one event) and one that is not."""
    sessions.create(db, "Class 7B", code="SHRA1", grouping="Lycée Hugo", goal=50,
                    section_shared=True)
    sessions.create(db, "Town fair", code="SHRB2", goal=30, section_shared=True)
    sessions.create(db, SECRET_NAME, code="NOPE3", grouping=SECRET_NAME, goal=999)
    record(db, "a1", "SHRA1", "yecenia-armenta", at="2026-12-09T23:30:00+00:00")
    record(db, "a2", "SHRA1", count=1, at="2026-12-10T08:00:00+00:00")
    record(db, "b1", "SHRB2", kind="solidarity", action="card", count=5,
           at="2026-12-10T12:00:00+00:00")
    record(db, "n1", "NOPE3", count=1000, at="2026-12-08T12:00:00+00:00")
    return db


# --- storage -----------------------------------------------------------------------------------

def test_existing_sessions_are_not_shared_after_the_migration(tmp_path):
    path = tmp_path / "old.db"
    database = w4r_db.connect(path)
    database.execute("PRAGMA user_version = 10")
    for table in ("section_passphrase", "section_signins", "section_displays"):
        database.execute(f"DROP TABLE {table}")
    database.execute("DROP INDEX IF EXISTS idx_section_displays_token_hash")
    database.execute("ALTER TABLE sessions DROP COLUMN section_shared")
    database.conn.close()
    again = w4r_db.connect(path)
    assert w4r_db.schema_version(again) == w4r_db.SCHEMA_VERSION
    assert sessions.default(again).section_shared is False
    assert sessions.shared_with_section(again) == []


def test_the_passphrase_is_kept_only_as_a_slow_salted_hash(db):
    section.set_passphrase(db, PHRASE)
    stored = db.execute("select hash from section_passphrase").fetchone()[0]
    assert stored.startswith("scrypt$") and PHRASE not in stored
    section.set_passphrase(db, PHRASE)
    assert db.execute("select hash from section_passphrase").fetchone()[0] != stored  # new salt


@pytest.mark.parametrize("weak", ["short words", "123456789012345", "aaaaaaaaaaaaaaaa",
                                  "abababababababab", "abcdefghijklmnop", "", " " * 20])
def test_short_or_weak_passphrases_are_refused(db, weak):
    assert section.passphrase_problem(weak)
    with pytest.raises(ValueError):
        section.set_passphrase(db, weak)
    assert not section.has_passphrase(db)


# --- the CLI ------------------------------------------------------------------------------------

def cli(capsys, monkeypatch, tmp_path, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return run_main(capsys, "--db", tmp_path / "w4r.db", "section", "passphrase", *argv)


def test_the_cli_reads_the_passphrase_twice_from_stdin(db, capsys, monkeypatch, tmp_path):
    code, out, err = cli(capsys, monkeypatch, tmp_path, stdin=f"{PHRASE}\n{PHRASE}\n")
    assert code == 0 and PHRASE not in out + err
    assert section.sign_in(db, PHRASE, "b1").ok


def test_the_cli_refuses_two_different_or_a_weak_passphrase(db, capsys, monkeypatch, tmp_path):
    code, _, err = cli(capsys, monkeypatch, tmp_path, stdin=f"{PHRASE}\n{PHRASE}x\n")
    assert code == 1 and "differ" in err
    code, _, err = cli(capsys, monkeypatch, tmp_path, stdin="tiny\ntiny\n")
    assert code == 1 and "at least 12 characters" in err and "Traceback" not in err
    assert not section.has_passphrase(db)


def test_the_cli_reads_from_the_environment_and_clears(db, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("SECTION_PHRASE", PHRASE)
    assert cli(capsys, monkeypatch, tmp_path, "--from-env", "SECTION_PHRASE")[0] == 0
    token = section.sign_in(db, PHRASE, "b1").token
    assert section.signed_in(db, token)
    code, _, err = cli(capsys, monkeypatch, tmp_path, "--from-env", "NO_SUCH_VARIABLE")
    assert code == 1 and "not set" in err
    assert cli(capsys, monkeypatch, tmp_path, "--clear")[0] == 0
    assert not section.has_passphrase(db) and not section.signed_in(db, token)
    assert not section.sign_in(db, PHRASE, "b1").ok


def test_the_passphrase_cannot_be_given_as_an_argument(capsys, monkeypatch, tmp_path):
    code, _, err = cli(capsys, monkeypatch, tmp_path, PHRASE)
    assert code == 2 and "unrecognized arguments" in err


# --- sign-ins and the throttle ------------------------------------------------------------------

def test_a_sign_in_expires_when_idle_and_when_the_passphrase_changes(db):
    section.set_passphrase(db, PHRASE)
    attempt = section.sign_in(db, PHRASE, "b1", now=1000.0)
    assert attempt.ok
    assert section.signed_in(db, attempt.token, now=1000.0 + 60)
    assert section.signed_in(db, attempt.token, now=1000.0 + access.SIGNIN_IDLE_S)  # touched at 60
    assert not section.signed_in(db, attempt.token, now=1000.0 + 3 * access.SIGNIN_IDLE_S)
    again = section.sign_in(db, PHRASE, "b1").token
    section.set_passphrase(db, PHRASE + " again")
    assert not section.signed_in(db, again)
    assert not section.signed_in(db, "x" * 500) and not section.signed_in(db, None)


def test_wrong_passphrases_slow_down_per_browser_and_for_everyone(db, monkeypatch):
    section.set_passphrase(db, PHRASE)
    now = 5000.0
    for _ in range(access.FREE_TRIES - 1):
        assert section.sign_in(db, "wrong passphrase", "mallory", now=now).message == \
            "That passphrase is not right."
    locked = section.sign_in(db, "wrong passphrase", "mallory", now=now)
    assert not locked.ok and locked.wait_s > 0 and "Too many" in locked.message
    checked = []
    monkeypatch.setattr(access, "verify_pin", lambda *a: checked.append(a) or True)
    refused = section.sign_in(db, PHRASE, "mallory", now=now + 1)
    assert not refused.ok and not checked  # refused before the slow hash, even the right one
    # many browsers: the section-wide throttle slows everyone down
    monkeypatch.undo()
    monkeypatch.setattr(access, "SCRYPT", {"n": 2**8, "r": 8, "p": 1})
    for i in range(access.SESSION_FREE_TRIES):
        section.sign_in(db, "wrong passphrase", f"bot{i}", now=now + 2)
    slowed = section.sign_in(db, PHRASE, "honest", now=now + 2)
    assert not slowed.ok and 0 < slowed.wait_s <= access.SESSION_MAX_WAIT_S
    assert section.sign_in(db, PHRASE, "honest", now=now + 2 + access.SESSION_MAX_WAIT_S).ok


def test_no_passphrase_no_sign_in(db):
    attempt = section.sign_in(db, PHRASE, "b1")
    assert not attempt.ok and "section passphrase" in attempt.message


# --- rights -------------------------------------------------------------------------------------

@pytest.mark.parametrize("action", sorted(rights.SECTION_ACTIONS | rights.SECTION_DISPLAY_ACTIONS))
def test_a_visitor_or_an_organizer_may_take_no_section_action(action):
    for actor in (VISITOR, ORGANIZER, rights.display_actor("SHRA1"), rights.kiosk_actor("SHRA1"),
                  rights.Actor(writes_in=rights.SECTION, organizer_of=rights.SECTION)):
        assert not rights.allowed(actor, action, rights.SECTION)
        assert not rights.allowed(actor, action, "SHRA1")


@pytest.mark.parametrize("action", sorted(rights.SESSION_ACTIONS - rights.VISITOR_ACTIONS))
def test_a_section_administrator_organizes_no_session(action):
    for code in ("SHRA1", "CLASS", rights.SECTION):
        assert not rights.allowed(ADMIN, action, code)


def test_the_section_administrator_and_the_section_projector():
    for action in rights.SECTION_ACTIONS:
        assert rights.allowed(ADMIN, action, rights.SECTION)
        assert not rights.allowed(rights.section_display_actor(), action, rights.SECTION)
    assert rights.allowed(rights.section_display_actor(), "section-display", rights.SECTION)
    for action in rights.SESSION_ACTIONS:
        assert not rights.allowed(rights.section_display_actor(), action, "SHRA1")


# --- what the section sees ----------------------------------------------------------------------

def test_totals_by_case_school_and_day_cover_only_shared_sessions(national):
    found = section.overview(national, NAMES, "UTC")
    assert [code for code, _ in found.sessions] == ["SHRA1", "SHRB2"]
    assert found.total == 7 and found.goal == 80
    assert found.total == sum(tally.totals(national, sessions.get(national, c)).total
                              for c in ("SHRA1", "SHRB2"))
    assert dict(found.by_group) == {"Lycée Hugo": 2, "Town fair": 5}
    assert dict(found.by_day) == {"2026-12-09": 1, "2026-12-10": 6}
    assert {(l.case_id, l.kind, l.action): l.count for l in found.lines} == {
        ("yecenia-armenta", "appeal", "letter"): 1, ("jani-silva", "appeal", "letter"): 1,
        ("jani-silva", "solidarity", "card"): 5}
    assert SECRET_NAME not in repr(found) and "2026-12-08" not in repr(found)


def test_days_follow_the_section_time_zone(national, monkeypatch):
    monkeypatch.setenv("W4R_SECTION_TZ", "Europe/Paris")
    found = section.overview(national, NAMES)
    assert found.timezone == "Europe/Paris"
    assert dict(found.by_day) == {"2026-12-10": 7}  # 23:30 UTC is the next day in Paris
    monkeypatch.setenv("W4R_SECTION_TZ", "Not/AZone")
    assert section.overview(national, NAMES).timezone == "UTC"


def test_opting_out_removes_a_session_from_everything(national):
    sessions.update(national, "SHRB2", section_shared=False)
    found = section.overview(national, NAMES, "UTC")
    assert found.total == 2 and [c for c, _ in found.sessions] == ["SHRA1"]


def test_the_report_files_hold_shared_sessions_and_mark_practice_cases(national, cases):
    names = section.case_names(cases)
    assert all(names[c.id].endswith(section.PRACTICE) for c in cases.cases if c.is_past)
    report = section.report(national, names, "UTC")
    text = reports.section_csv(report)
    rows = list(csv.reader(io.StringIO(text)))
    assert SECRET_NAME not in text and "NOPE3" not in text and "1000" not in text
    assert any("(practice)" in cell for row in rows for cell in row)
    data = json.loads(reports.section_json(report))
    assert data["totals"]["actions"] == 7
    assert {s["code"] for s in data["sessions"]} == {"SHRA1", "SHRB2"}
    pdf_text = "".join(page.extract_text() for page in
                       PdfReader(io.BytesIO(section.report_pdf(national, names))).pages)
    assert SECRET_NAME not in pdf_text and "practice" in pdf_text and "7 actions" in pdf_text


def test_nothing_shared_is_an_empty_report_not_an_error(db):
    assert section.overview(db, NAMES, "UTC").total == 0
    assert json.loads(reports.section_json(section.report(db, NAMES, "UTC")))["rows"] == []


# --- the section projector link -----------------------------------------------------------------

def test_a_projector_token_works_until_renewed_or_revoked(db):
    first = section.issue_display(db)
    assert section.displayed(db, first)
    stored = db.execute("select token_hash from section_displays").fetchone()[0]
    assert first not in stored
    second = section.issue_display(db)
    assert not section.displayed(db, first) and section.displayed(db, second)
    section.revoke_display(db)
    assert not section.displayed(db, second) and not section.has_display(db)
    assert not section.displayed(db, "") and not section.displayed(db, "x" * 1000)
    assert section.projector_link("http://x:8501/", "T").endswith("/?sp=T")


def test_a_session_projector_token_is_no_section_token(db):
    from w4r import links
    token = links.issue_display(db, "CLASS")
    assert not section.displayed(db, token)


def test_the_new_sql_is_portable():
    import inspect
    source = inspect.getsource(section) + inspect.getsource(w4r_db._v11)
    for word in ("insert or ignore", "insert or replace", "PRAGMA", " REAL", "db[\""):
        assert word.lower() not in source.lower()


def test_the_migration_runs_on_a_bare_sqlite_connection():
    conn = sqlite3.connect(":memory:")
    database = w4r_db.Database(conn)
    for migration in w4r_db.MIGRATIONS:
        migration(database)
    assert conn.execute("select section_shared from sessions").fetchall() == [(0,)]
