"""Storage: the one module that opens SQLite (through sqlite-utils) and migrates its schema."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database

from w4r import config

BUSY_TIMEOUT_MS = 10_000
DEFAULT_SESSION = "CLASS"
DEFAULT_SESSION_NAME = "Our class"
DEFAULT_GOAL = 30

__all__ = ["Database", "DatabaseError", "connect", "SCHEMA_VERSION", "DEFAULT_SESSION"]


class DatabaseError(Exception):
    """The database file cannot be opened or used; the message says why in plain words."""


def _v1(db: Database) -> None:
    """Sessions, counted actions keyed by submission id, and the default session."""
    db["sessions"].create(
        {"code": str, "name": str, "kind": str, "goal": int, "created_at": str},
        pk="code", not_null={"name", "kind", "goal", "created_at"},
    )
    db["actions"].create(
        {"submission_id": str, "session_code": str, "case_id": str, "kind": str,
         "action": str, "count": int, "counted_at": str, "source": str},
        pk="submission_id",
        not_null={"session_code", "case_id", "kind", "action", "count", "counted_at", "source"},
        foreign_keys=[("session_code", "sessions", "code")],
    )
    db["actions"].create_index(["session_code", "case_id", "kind", "action"])
    db["sessions"].insert(
        {"code": DEFAULT_SESSION, "name": DEFAULT_SESSION_NAME, "kind": "class",
         "goal": DEFAULT_GOAL, "created_at": now_iso()},
        ignore=True,
    )


def _v2(db: Database) -> None:
    """Session settings, organizer PINs, kept letters, uploaded cases, first names on screen."""
    for column, definition in [
        ("organizer", "TEXT NOT NULL DEFAULT ''"), ("starts_on", "TEXT NOT NULL DEFAULT ''"),
        ("ends_on", "TEXT NOT NULL DEFAULT ''"), ("cases", "TEXT NOT NULL DEFAULT '[]'"),
        ("kinds", "TEXT NOT NULL DEFAULT '[\"solidarity\", \"appeal\"]'"),
        ("keep_text", "INTEGER NOT NULL DEFAULT 0"), ("personal_data", "INTEGER NOT NULL DEFAULT 0"),
        ("age_band", "TEXT NOT NULL DEFAULT ''"), ("language", "TEXT NOT NULL DEFAULT 'en'"),
        ("grouping", "TEXT NOT NULL DEFAULT ''"), ("leaderboard", "INTEGER NOT NULL DEFAULT 0"),
        ("show_names", "INTEGER NOT NULL DEFAULT 0"),
    ]:
        db.execute(f"ALTER TABLE sessions ADD COLUMN {column} {definition}")
    db.execute("ALTER TABLE actions ADD COLUMN first_name TEXT")
    # covering indexes: every total and chart is read from an index, never from the rows
    db.execute("DROP INDEX idx_actions_session_code_case_id_kind_action")
    db["actions"].create_index(["session_code", "case_id", "kind", "action", "count"])
    db["actions"].create_index(["session_code", "counted_at", "count"])
    db["actions"].create_index(["counted_at", "count"])
    db["pins"].create(
        {"session_code": str, "hash": str, "failures": int, "locked_until": float, "set_at": str},
        pk="session_code", not_null={"hash", "failures", "locked_until", "set_at"},
        defaults={"failures": 0, "locked_until": 0.0},
        foreign_keys=[("session_code", "sessions", "code")],
    )
    db["letters"].create(
        {"submission_id": str, "session_code": str, "case_id": str, "kind": str, "lang": str,
         "parts": str, "status": str, "hidden": int, "kept_at": str},
        pk="submission_id",
        not_null={"session_code", "case_id", "kind", "lang", "parts", "status", "hidden",
                  "kept_at"},
        defaults={"status": "new", "hidden": 0, "lang": "en"},
        foreign_keys=[("submission_id", "actions", "submission_id"),
                      ("session_code", "sessions", "code")],
    )
    db["letters"].create_index(["session_code", "case_id"])
    db["case_files"].create(
        {"id": str, "file": str, "text": str, "updated_at": str},
        pk="id", not_null={"file", "text", "updated_at"},
    )


def _v3(db: Database) -> None:
    """The CUPS printer a session (a kiosk) prints to, if any."""
    db.execute("ALTER TABLE sessions ADD COLUMN printer TEXT NOT NULL DEFAULT ''")


def _v4(db: Database) -> None:
    """Kiosk mode for a session, and how long a kiosk waits before it forgets a visitor."""
    db.execute("ALTER TABLE sessions ADD COLUMN kiosk INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE sessions ADD COLUMN idle_seconds INTEGER NOT NULL DEFAULT 120")


def _v5(db: Database) -> None:
    """PIN generations, the throttle, sign-ins that expire, one-time setup codes."""
    db.execute("ALTER TABLE pins ADD COLUMN generation INTEGER NOT NULL DEFAULT 1")
    db["throttle"].create({"key": str, "failures": int, "next_at": float}, pk="key",
                          not_null={"failures", "next_at"}, defaults={"failures": 0,
                                                                      "next_at": 0.0})
    db["signins"].create(
        {"token_hash": str, "session_code": str, "generation": int, "created_at": str,
         "last_seen": float},
        pk="token_hash", not_null={"session_code", "generation", "created_at", "last_seen"},
        foreign_keys=[("session_code", "sessions", "code")],
    )
    db["signins"].create_index(["session_code"])
    db["setup_codes"].create(
        {"session_code": str, "hash": str, "created_at": str},
        pk="session_code", not_null={"hash", "created_at"},
        foreign_keys=[("session_code", "sessions", "code")],
    )


def _v6(db: Database) -> None:
    """Uploaded and edited cases belong to one session; each session that saw one keeps it."""
    db.execute("CREATE TABLE case_files_by_session (session_code TEXT NOT NULL REFERENCES "
               "sessions(code), id TEXT NOT NULL, file TEXT NOT NULL, text TEXT NOT NULL, "
               "updated_at TEXT NOT NULL, PRIMARY KEY (session_code, id))")
    db.execute("INSERT INTO case_files_by_session (session_code, id, file, text, updated_at) "
               "SELECT s.code, c.id, c.file, c.text, c.updated_at FROM case_files c "
               "CROSS JOIN sessions s")
    db.execute("DROP TABLE case_files")
    db.execute("ALTER TABLE case_files_by_session RENAME TO case_files")



def _v7(db: Database) -> None:
    """A session's time zone (its report's dates; empty: the machine's) and head count."""
    db.execute("ALTER TABLE sessions ADD COLUMN timezone TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE sessions ADD COLUMN head_count INTEGER NOT NULL DEFAULT 0")


def _v9(db: Database) -> None:
    """Projector links: the hash of each session's one read-only display token."""
    db["displays"].create({"session_code": str, "token_hash": str, "created_at": str},
                          pk="session_code", not_null={"token_hash", "created_at"},
                          foreign_keys=[("session_code", "sessions", "code")])
    db["displays"].create_index(["token_hash"], unique=True)


MIGRATIONS: list[Callable[[Database], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v9]
SCHEMA_VERSION = len(MIGRATIONS)


def now_iso() -> str:
    """Return the current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def connect(path: str | Path | None = None) -> Database:
    """Open the database (W4R_DB or data/w4r.db by default), creating or migrating its schema."""
    path = config.db_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = Database(conn)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _enable_wal(db)
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseError(f"cannot use the database {path}: {exc}") from exc
    return db


@contextmanager
def opened(path: str | Path | None = None) -> Iterator[Database]:
    """Open the database for a block of work and close it afterwards (no handle left open)."""
    database = connect(path)
    try:
        yield database
    finally:
        database.conn.close()


def _enable_wal(db: Database) -> None:
    """Switch to WAL; SQLite refuses at once (no busy wait) while another process writes."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while db.journal_mode != "wal":
        try:
            db.enable_wal()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Run a block as one write transaction that takes the write lock up front.

    A deferred transaction that reads before it writes fails at once ("database is locked")
    when another process writes meanwhile; BEGIN IMMEDIATE waits for the busy timeout instead.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.execute("COMMIT")


def schema_version(db: Database) -> int:
    """Return the schema version stored in the file (SQLite's user_version)."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: Database) -> int:
    """Apply the migrations this file lacks, one process at a time; return the new version."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise DatabaseError(f"the database has schema version {current}, newer than this w4r "
                            f"knows ({SCHEMA_VERSION}): update w4r")
    if current == SCHEMA_VERSION:
        return current
    with transaction(db):  # serialises two processes starting on a new file
        for version in range(schema_version(db), SCHEMA_VERSION):
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
    return SCHEMA_VERSION
