"""Storage: a fresh file, reconnecting, several processes, and files that cannot be used."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time

import pytest

from w4r import config, sessions, tally
from w4r import db as w4r_db


def raw_sqlite(path):
    """A plain sqlite3 connection, independent of w4r, to look at the file itself."""
    return sqlite3.connect(str(path))


# --- a fresh file -------------------------------------------------------------

@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_fresh_file_gets_the_current_schema_version(tmp_path):
    path = tmp_path / "w4r.db"
    database = w4r_db.connect(path)
    assert w4r_db.schema_version(database) == w4r_db.SCHEMA_VERSION
    with raw_sqlite(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == w4r_db.SCHEMA_VERSION


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_fresh_file_is_in_wal_mode(tmp_path):
    path = tmp_path / "w4r.db"
    database = w4r_db.connect(path)
    assert database.journal_mode == "wal"
    with raw_sqlite(path) as conn:  # persistent: another connection sees it too
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_connection_has_a_busy_timeout(db):
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] > 0


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_connection_enforces_foreign_keys(db):
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_fresh_file_has_the_tables(db):
    for table in ("sessions", "actions", "letters", "pins", "drafts", "displays"):
        assert db.execute(f"select count(*) from {table}").fetchone()[0] >= 0


def test_fresh_file_has_the_default_session(db):
    default = sessions.get(db, w4r_db.DEFAULT_SESSION)
    assert default is not None
    assert default.code == w4r_db.DEFAULT_SESSION
    assert default.goal >= 0
    assert sessions.default(db) == default


def test_connecting_twice_is_harmless(tmp_path):
    path = tmp_path / "w4r.db"
    first = w4r_db.connect(path)
    tally.record(first, tally.Action("sub-1", w4r_db.DEFAULT_SESSION, "some-case", "appeal"))
    second = w4r_db.connect(path)
    assert w4r_db.schema_version(second) == w4r_db.SCHEMA_VERSION
    assert second.execute("select count(*) from sessions").fetchone()[0] == 1
    assert tally.is_counted(second, "sub-1")
    assert second.execute("select count(*) from actions").fetchone()[0] == 1


def test_reconnecting_after_close_keeps_the_data(tmp_path):
    path = tmp_path / "w4r.db"
    first = w4r_db.connect(path)
    sessions.create(first, "Klasa 7b", code="7B2026")
    first.conn.close()
    again = w4r_db.connect(path)
    assert sessions.get(again, "7b-2026").name == "Klasa 7b"


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_connect_without_a_path_uses_w4r_db(tmp_path, monkeypatch):
    target = tmp_path / "nested" / "from-env.db"
    monkeypatch.setenv("W4R_DB", str(target))
    database = w4r_db.connect()
    assert target.exists()
    assert w4r_db.schema_version(database) == w4r_db.SCHEMA_VERSION


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_an_explicit_path_wins_over_w4r_db(tmp_path, monkeypatch):
    monkeypatch.setenv("W4R_DB", str(tmp_path / "env.db"))
    assert config.db_target(tmp_path / "flag.db") == tmp_path / "flag.db"
    assert config.db_target() == tmp_path / "env.db"


def test_the_tests_never_point_at_the_project_database():
    assert config.db_target() != config.DEFAULT_DB


def test_content_folder_defaults_to_the_shipped_content():
    assert config.cases_dir() == config.DEFAULT_CONTENT / "cases"


# --- files that cannot be used --------------------------------------------------

@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_a_path_that_cannot_be_created_raises_database_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    target = blocker / "sub" / "w4r.db"
    with pytest.raises(w4r_db.DatabaseError) as caught:
        w4r_db.connect(target)
    message = str(caught.value)
    assert str(target) in message
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_a_folder_as_the_database_raises_database_error(tmp_path):
    with pytest.raises(w4r_db.DatabaseError, match="cannot use the database"):
        w4r_db.connect(tmp_path)


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    content = b"these are my notes, not a database\n" * 200
    path.write_bytes(content)
    with pytest.raises(w4r_db.DatabaseError, match="not a database"):
        w4r_db.connect(path)
    assert path.read_bytes() == content


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_a_database_from_a_newer_w4r_is_refused(tmp_path):
    path = tmp_path / "w4r.db"
    w4r_db.connect(path).conn.close()
    with raw_sqlite(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(w4r_db.DatabaseError, match="newer"):
        w4r_db.connect(path)


# --- several processes --------------------------------------------------------

def _connect_in_rounds(paths, gap, ready, go, start_at, results):
    """Child process: connect to each path at the same wall-clock moment as its sibling."""
    from w4r import db as child_db
    from w4r import sessions as child_sessions
    ready.put(True)
    go.wait(60)
    out = []
    for k, path in enumerate(paths):
        while time.time() < start_at.value + k * gap:
            pass
        try:
            database = child_db.connect(path)
            out.append((child_db.schema_version(database),
                        child_sessions.default(database).code))
            database.conn.close()
        except Exception as exc:  # reported to the parent, which asserts on it
            out.append(f"{type(exc).__name__}: {exc}")
    results.put(out)


def run_two_processes(paths, gap=0.015):
    """Two spawned processes connect to each path in turn, both at the same moment."""
    ctx = multiprocessing.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    start_at = ctx.Value("d", 0.0)
    procs = [ctx.Process(target=_connect_in_rounds,
                         args=(paths, gap, ready, go, start_at, results)) for _ in range(2)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=60)
    start_at.value = time.time() + 0.05
    go.set()
    outcomes = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    return [o for out in outcomes for o in out]


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_two_processes_connecting_to_an_existing_file_both_succeed(tmp_path):
    paths = [str(tmp_path / f"existing-{k}.db") for k in range(20)]
    for path in paths:
        w4r_db.connect(path).conn.close()
    outcomes = run_two_processes(paths)
    expected = (w4r_db.SCHEMA_VERSION, w4r_db.DEFAULT_SESSION)
    assert [o for o in outcomes if o != expected] == []


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_two_processes_connecting_to_a_brand_new_file_both_succeed(tmp_path):
    paths = [str(tmp_path / f"new-{k}.db") for k in range(120)]
    outcomes = run_two_processes(paths)
    expected = (w4r_db.SCHEMA_VERSION, w4r_db.DEFAULT_SESSION)
    failures = [o for o in outcomes if o != expected]
    assert failures == [], f"{len(failures)} of {len(outcomes)} connects failed: {failures[:3]}"


def _hold_write_lock(path, ready, seconds):
    """Child process: hold a write lock on a brand-new file, as a process creating it does."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    ready.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_connect_waits_for_another_process_writing_a_brand_new_file(tmp_path):
    path = str(tmp_path / "new.db")
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_write_lock, args=(path, ready, 0.5))
    holder.start()
    try:
        assert ready.wait(30), "the helper process did not start"
        database = w4r_db.connect(path)
        assert w4r_db.schema_version(database) == w4r_db.SCHEMA_VERSION
        assert sessions.default(database).code == w4r_db.DEFAULT_SESSION
    finally:
        holder.join(timeout=30)


@pytest.mark.sqlite_only  # about SQLite files (tests/test_postgres.py: the same on PostgreSQL)
def test_a_database_in_memory_opens_instead_of_waiting_for_wal_forever():
    import threading
    opened = []
    worker = threading.Thread(target=lambda: opened.append(w4r_db.connect(":memory:")), daemon=True)
    worker.start()
    worker.join(30)  # it used to loop for ever: an in-memory database cannot be WAL
    assert opened and opened[0].execute("select count(*) from sessions").fetchone()
