"""Drafts kept on the server: found only with their token, in their own session, for a while."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from sqlite_utils import Database

from w4r import db as w4r_db
from w4r import drafts, kept, letters, sessions, tally

NOW = 1_800_000_000.0


def a_draft(case: str = "yecenia-armenta", submission_id: str = "0" * 32) -> letters.Draft:
    return letters.Draft(case, "appeal", submission_id, greeting="Dear Governor,",
                         about="I am a pupil in Lyon.",
                         message="Please free Yecenia.", request="Release her.",
                         closing="Yours sincerely,", name="Noor")


def saved(session_code: str = "CLASS", **changes) -> drafts.Saved:
    values = {"session_code": session_code, "draft": a_draft(), "step": 3, "phase": "",
              "options": {"paper": "letter", "town": "Lyon"}} | changes
    return drafts.Saved(**values)


def test_save_and_load_round_trip(db):
    session = sessions.default(db)
    token = drafts.new_token()
    drafts.save(db, token, saved(), session, now=NOW)
    found = drafts.load(db, token, session, now=NOW + 60)
    assert found == saved()


def test_the_token_is_long_random_and_only_its_hash_is_stored(db):
    token = drafts.new_token()
    assert len(token) >= 22 and token != drafts.new_token()
    drafts.save(db, token, saved(), sessions.default(db), now=NOW)
    rows = db.execute("select * from drafts").fetchall()
    assert len(rows) == 1
    assert rows[0][0] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in " ".join(str(v) for v in rows[0])


def test_a_wrong_or_silly_token_loads_nothing(db):
    session = sessions.default(db)
    drafts.save(db, drafts.new_token(), saved(), session, now=NOW)
    for token in (drafts.new_token(), "", "x" * 5000, "' or 1=1 --"):
        assert drafts.load(db, token, session, now=NOW) is None


def test_a_token_of_another_session_loads_nothing_and_changes_nothing(db):
    other = sessions.create(db, "Class 7B", code="7B2026")
    token = drafts.new_token()
    drafts.save(db, token, saved("7B2026"), other, now=NOW)
    before = db.execute("select * from drafts").fetchall()
    assert drafts.load(db, token, sessions.default(db), now=NOW) is None
    assert db.execute("select * from drafts").fetchall() == before
    assert drafts.load(db, token, other, now=NOW) is not None


def test_a_draft_expires_after_the_sessions_hours_and_is_deleted(db):
    session = sessions.update(db, "CLASS", draft_hours=2)
    token = drafts.new_token()
    drafts.save(db, token, saved(), session, now=NOW)
    assert drafts.load(db, token, session, now=NOW + 2 * 3600 - 1) is not None
    assert drafts.load(db, token, session, now=NOW + 2 * 3600 + 1) is None
    assert db.execute("select count(*) from drafts").fetchone()[0] == 0


def test_the_default_is_24_hours_and_expired_drafts_go_when_another_is_saved(db):
    session = sessions.default(db)
    assert session.draft_hours == sessions.DEFAULT_DRAFT_HOURS == 24
    old = drafts.new_token()
    drafts.save(db, old, saved(), session, now=NOW)
    drafts.save(db, drafts.new_token(), saved(), session, now=NOW + 24 * 3600 + 1)
    assert db.execute("select count(*) from drafts").fetchone()[0] == 1
    assert drafts.load(db, old, session, now=NOW) is None  # the row is gone, not just hidden
    assert drafts.expire(db, now=NOW + 49 * 3600) == 1


@pytest.mark.sqlite_only  # SQLite's query plan, PRAGMAs and history
def test_expiry_is_looked_up_through_an_index(db):
    plan = " ".join(str(row[-1]) for row in db.execute(
        "explain query plan delete from drafts where expires_at <= 1").fetchall())
    assert "idx_drafts_expires_at" in plan


def test_an_unchanged_draft_is_not_written_again(db):
    session = sessions.default(db)
    token = drafts.new_token()
    first = drafts.save(db, token, saved(), session, now=NOW)
    assert drafts.save(db, token, saved(), session, last=first, now=NOW + 50) == first
    assert db.execute("select updated_at from drafts").fetchone()[0] == NOW
    changed = drafts.save(db, token, saved(step=4), session, last=first, now=NOW + 60)
    assert changed != first
    assert db.execute("select updated_at from drafts").fetchone()[0] == NOW + 60


@pytest.mark.sqlite_only  # SQLite's query plan, PRAGMAs and history
def test_saving_leaves_the_connections_durability_as_it_was(db):
    level = db.execute("PRAGMA synchronous").fetchone()[0]
    drafts.save(db, drafts.new_token(), saved(), sessions.default(db), now=NOW)
    assert db.execute("PRAGMA synchronous").fetchone()[0] == level
    assert not db.conn.in_transaction


def test_a_new_letter_deletes_the_draft(db):
    session = sessions.default(db)
    token = drafts.new_token()
    drafts.save(db, token, saved(), session, now=NOW)
    drafts.delete(db, token)
    assert drafts.load(db, token, session, now=NOW) is None
    assert db.execute("select count(*) from drafts").fetchone()[0] == 0


def test_counting_erases_the_text_where_the_session_keeps_no_text(db, cases):
    session = sessions.default(db)
    assert not session.keep_text
    token = drafts.new_token()
    draft = a_draft()
    kept.count(db, session, draft, "en")
    drafts.save(db, token, saved(draft=draft), session, counted=True, now=NOW)
    stored = db.execute("select draft from drafts").fetchone()[0]
    for text in ("Lyon", "Noor", "Please free", "Governor"):
        assert text not in stored
    found = drafts.load(db, token, session, now=NOW)
    assert (found.draft.case_id, found.draft.kind, found.draft.submission_id) == \
        (draft.case_id, draft.kind, draft.submission_id)
    assert all(getattr(found.draft, name) == "" for name in letters.FIELDS)
    assert drafts.erased(found.draft) and not drafts.erased(draft)
    assert "town" not in found.options and found.options["paper"] == "letter"
    assert tally.is_counted(db, found.draft.submission_id)


def test_counting_keeps_the_text_where_the_session_keeps_text(db):
    session = sessions.update(db, "CLASS", keep_text=True)
    token = drafts.new_token()
    drafts.save(db, token, saved(), session, counted=True, now=NOW)
    assert drafts.load(db, token, session, now=NOW) == saved()


def test_a_kiosk_draft_never_outlives_the_kiosks_idle_time(db):
    kiosk = sessions.create(db, "Fair", kind="event", code="FAIR1", kiosk=True, idle_seconds=90)
    token = drafts.new_token()
    drafts.save(db, token, saved("FAIR1", phase="write"), kiosk, now=NOW)
    assert drafts.load(db, token, kiosk, now=NOW + 60).phase == "write"
    assert drafts.load(db, token, kiosk, now=NOW + 91) is None
    assert db.execute("select count(*) from drafts").fetchone()[0] == 0


def test_a_draft_saved_before_a_session_became_a_kiosk_is_not_restored_at_it(db):
    session = sessions.create(db, "Fair", kind="event", code="FAIR1")
    token = drafts.new_token()
    drafts.save(db, token, saved("FAIR1"), session, now=NOW)
    kiosk = sessions.update(db, "FAIR1", kiosk=True, idle_seconds=60)
    assert drafts.load(db, token, kiosk, now=NOW + 61) is None


def test_a_damaged_row_loads_nothing(db):
    session = sessions.default(db)
    token = drafts.new_token()
    drafts.save(db, token, saved(), session, now=NOW)
    for text in ("{", "[]", json.dumps({"draft": {"case_id": "x", "kind": "poem",
                                                   "submission_id": "1"}})):
        with w4r_db.transaction(db):
            db.execute("update drafts set draft = ?", [text])
        assert drafts.load(db, token, session, now=NOW) is None


def test_a_stored_print_option_that_no_widget_offers_is_left_out(db):
    session = sessions.default(db)
    token = drafts.new_token()
    drafts.save(db, token, saved(options={"paper": "a4", "layout": "poster",
                                          "print": "both", "town": "x" * 81}), session, now=NOW)
    assert drafts.load(db, token, session, now=NOW).options == {"paper": "a4", "print": "both"}


def test_draft_hours_are_checked(db):
    for hours in (0, 10_000, True):
        try:
            sessions.update(db, "CLASS", draft_hours=hours)
        except ValueError as exc:
            assert "unfinished letters are kept" in str(exc)
        else:
            raise AssertionError(f"{hours!r} accepted")


@pytest.mark.sqlite_only  # SQLite's query plan, PRAGMAs and history
def test_migration_from_v7_keeps_the_data(tmp_path):
    path = tmp_path / "v7.db"
    old = Database(sqlite3.connect(str(path)))
    for migration in w4r_db.MIGRATIONS[:7]:
        migration(old)
    old.execute("PRAGMA user_version = 7")
    old["sessions"].insert({"code": "OLD7", "name": "Old class", "kind": "class", "goal": 5,
                            "created_at": w4r_db.now_iso(), "keep_text": 1})
    old["actions"].insert({"submission_id": "s1", "session_code": "OLD7", "case_id": "c",
                           "kind": "appeal", "action": "letter", "count": 1,
                           "counted_at": w4r_db.now_iso(), "source": "app"})
    old.conn.commit()
    old.conn.close()
    database = w4r_db.connect(path)
    assert w4r_db.schema_version(database) == w4r_db.SCHEMA_VERSION >= 8
    session = sessions.get(database, "OLD7")
    assert (session.name, session.goal, session.keep_text, session.draft_hours) == \
        ("Old class", 5, True, 24)
    assert tally.is_counted(database, "s1")
    token = drafts.new_token()
    drafts.save(database, token, saved("OLD7"), session, now=NOW)
    assert drafts.load(database, token, session, now=NOW) == saved("OLD7")
