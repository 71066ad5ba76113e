"""Storage: the one module that opens the database and migrates its schema.

Two engines: SQLite (the embedded default, through sqlite-utils) and PostgreSQL (a
postgresql:// URL in W4R_DB or --db; w4r.postgres, the only module that imports psycopg, hands
out an object with the same small interface). Domain modules write portable SQL: `?` or `:name`
placeholders, `insert … on conflict do nothing`, TEXT/INTEGER columns. See docs/STORAGE.md.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from w4r import config


def _import_sqlite_utils() -> type:
    """sqlite-utils' Database, imported with pandas and numpy out of sight.

    sqlite-utils imports pandas and numpy when they are installed (Streamlit installs them) only
    to map their value types to column types; w4r never stores such values. Importing them cost
    a server's first page about 0.9 s and 40,000 objects the collector then walks. A page that
    needs pandas (a chart) still imports it as usual: it is hidden only during this import.
    """
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))  # None: "import pandas" raises ImportError
    try:
        from sqlite_utils import Database as database_class
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return database_class


Database = _import_sqlite_utils()

BUSY_TIMEOUT_MS = 10_000  # the CLI and migrations: a person at a terminal can wait
APP_BUSY_MS = 600  # the app: a short wait per try, retried with a visible message (w4r.ui.storage)
DEFAULT_SESSION = "CLASS"
DEFAULT_SESSION_NAME = "Our class"
DEFAULT_GOAL = 30

__all__ = ["Database", "DatabaseError", "connect", "SCHEMA_VERSION", "DEFAULT_SESSION",
           "STORAGE_ERRORS", "problem"]

# What went wrong with the storage, in the words the interface has a message for.
BUSY, FULL, READ_ONLY, GONE, BROKEN = "busy", "full", "read-only", "gone", "broken"


class DatabaseError(Exception):
    """The database file cannot be opened or used; the message says why in plain words (with
    the file's path: for the terminal and the CLI, never for a browser) and `kind` what kind of
    problem it is (BUSY, FULL, READ_ONLY, GONE or BROKEN)."""

    def __init__(self, message: str, kind: str = BROKEN) -> None:
        super().__init__(message)
        self.kind = kind


# What a storage problem raises, and a constraint broken (a foreign key: no such session…):
# psycopg's join them when a PostgreSQL database is first opened (`_postgres`). Catch them as
# `db.STORAGE_ERRORS` (looked up when an exception arrives), never imported by name.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, DatabaseError)
INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)
_POSTGRES = None  # w4r.postgres, once a postgresql:// database was opened


def _postgres():
    """w4r.postgres, imported with the first PostgreSQL database: psycopg takes ~0.25 s to
    import, which a server on the embedded SQLite file never pays."""
    global _POSTGRES, STORAGE_ERRORS, INTEGRITY_ERRORS
    if _POSTGRES is None:
        from w4r import postgres
        STORAGE_ERRORS = (sqlite3.Error, DatabaseError, *postgres.ERRORS)
        INTEGRITY_ERRORS = (sqlite3.IntegrityError, *postgres.INTEGRITY_ERRORS)
        _POSTGRES = postgres
    return _POSTGRES


def problem(exc: BaseException) -> str | None:
    """The kind of storage problem an exception is (BUSY, FULL…), or None when it is no storage
    problem (a constraint broken by a bug is not one: it must show as the bug it is)."""
    if isinstance(exc, DatabaseError):
        return exc.kind
    if _POSTGRES is not None and isinstance(exc, _POSTGRES.ERRORS):
        return _POSTGRES.problem(exc)
    if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError,
                        sqlite3.InterfaceError)) or not isinstance(exc, sqlite3.Error):
        return None
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return BUSY
    if "full" in text:
        return FULL
    if "readonly" in text or "read-only" in text or "read only" in text:
        return READ_ONLY
    return BROKEN


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


def _v8(db: Database) -> None:
    """Unfinished drafts kept server-side under the hash of a token only their browser holds,
    and how many hours a session keeps them."""
    db.execute("ALTER TABLE sessions ADD COLUMN draft_hours INTEGER NOT NULL DEFAULT 24")
    db.execute("CREATE TABLE drafts (token_hash TEXT PRIMARY KEY, session_code TEXT NOT NULL "
               "REFERENCES sessions(code), updated_at REAL NOT NULL, expires_at REAL NOT NULL, "
               "draft TEXT NOT NULL)")
    db.execute("CREATE INDEX idx_drafts_expires_at ON drafts (expires_at)")


def _v9(db: Database) -> None:
    """Projector links: the hash of each session's one read-only display token."""
    db["displays"].create({"session_code": str, "token_hash": str, "created_at": str},
                          pk="session_code", not_null={"token_hash", "created_at"},
                          foreign_keys=[("session_code", "sessions", "code")])
    db["displays"].create_index(["token_hash"], unique=True)


def _v10(db: Database) -> None:
    """A sign-in's own idle limit in seconds (a kiosk's: its idle time); NULL: the usual 30 min."""
    db.execute("ALTER TABLE signins ADD COLUMN idle_s REAL")


# HOW TO ADD A MIGRATION (v11 on): define `_v11(db)` above and append it to MIGRATIONS. It uses
# only `db.execute()` with portable SQL: TEXT/INTEGER columns (epoch seconds: DOUBLE PRECISION,
# which SQLite reads as REAL; never REAL, PostgreSQL's 4-byte float), `ALTER TABLE … ADD COLUMN
# … DEFAULT …`, `CREATE TABLE`, `CREATE INDEX`; no sqlite-utils helpers, no PRAGMA. `migrate()`
# runs it on both engines: on SQLite after _v10 (user_version), on PostgreSQL after its
# baseline, which equals the SQLite schema at version 10 (w4r.postgres.BASELINE; w4r_schema).
# _v1…_v10 are SQLite's history and never change.


def _v11(db: Database) -> None:
    """The section: sessions shared with it (opt-in), its passphrase's hash, its sign-ins and
    its one projector link (portable SQL only: TEXT and INTEGER columns, seconds as BIGINT)."""
    db.execute("ALTER TABLE sessions ADD COLUMN section_shared INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE TABLE section_passphrase (id INTEGER PRIMARY KEY, hash TEXT NOT NULL, "
               "generation INTEGER NOT NULL DEFAULT 1, set_at TEXT NOT NULL)")
    db.execute("CREATE TABLE section_signins (token_hash TEXT PRIMARY KEY, generation INTEGER "
               "NOT NULL, created_at TEXT NOT NULL, last_seen BIGINT NOT NULL)")
    db.execute("CREATE TABLE section_displays (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL, "
               "created_at TEXT NOT NULL)")
    db.execute("CREATE UNIQUE INDEX idx_section_displays_token_hash ON section_displays "
               "(token_hash)")


MIGRATIONS: list[Callable[[Database], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9,
                                                _v10, _v11]
SHARED_FROM = 10  # MIGRATIONS[SHARED_FROM:] run on both engines
SCHEMA_VERSION = len(MIGRATIONS)


def now_iso() -> str:
    """Return the current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# The app's database files as this process first opened (or created) them: path → the random
# id stamped into the file's header (PRAGMA application_id). A later connection opens the file
# without creating it and checks the id, so a file deleted or replaced while the app runs is
# refused instead of silently becoming a new empty tally.
_KNOWN: dict[str, int] = {}
# One idle connection kept open on each such file (the last few): SQLite then keeps the file's
# WAL and shared-memory index, so a full disk still lets pages read the tally and only writes
# fail ("database or disk is full"), each saying so.
_ANCHORS: dict[str, sqlite3.Connection] = {}
MAX_ANCHORS = 4


def connect(path: str | Path | None = None, *, busy_ms: int | None = None,
            same_file: bool = False) -> Database:
    """Open the database (W4R_DB or data/w4r.db by default), creating or migrating its schema.

    Each statement waits at most `busy_ms` for another writer (BUSY_TIMEOUT_MS by default). With
    `same_file` (the app, SQLite only), the file this process opened first must still be there
    and still be the same database. A postgresql:// URL gives a connection from this process's
    pool (w4r.postgres); its `conn.close()` gives it back.
    """
    busy_ms = BUSY_TIMEOUT_MS if busy_ms is None else busy_ms
    target = config.db_target(path)
    if isinstance(target, str):
        return _postgres().connect(target, busy_ms)
    path = target
    key = str(Path(os.path.abspath(path)))
    known = _KNOWN.get(key) if same_file else None
    conn = None
    try:
        if known is not None:
            conn = _open_existing(path, busy_ms)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=busy_ms / 1000, check_same_thread=False)
        db = Database(conn)
        db.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        if known is not None and _identity(db) != known:
            raise DatabaseError(f"the database {path} was replaced by another file while w4r "
                                "was running: w4r refuses to use it; restart w4r to use the new "
                                "file", GONE)
        db.execute("PRAGMA foreign_keys = ON")
        if db.journal_mode != "wal" or schema_version(db) != SCHEMA_VERSION:
            # a new file or an upgrade: set up once, waiting as long as the CLI does (a second
            # process starting at the same moment waits for the first one's migration)
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _enable_wal(db, BUSY_TIMEOUT_MS)
            migrate(db)
            db.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        if same_file and known is None:
            _KNOWN[key] = _stamp(db)
            _anchor(key, path)
    except DatabaseError:
        if conn is not None:
            conn.close()
        raise
    except (sqlite3.Error, OSError) as exc:
        if conn is not None:
            conn.close()
        kind = _kind(exc, path)
        if known is not None and "not a database" in str(exc):
            kind = GONE  # the app's own file was replaced by something else
        raise DatabaseError(f"cannot use the database {path}: {exc}", kind) from exc
    return db


def _open_existing(path: Path, busy_ms: int) -> sqlite3.Connection:
    """Open a file that must exist: SQLite's mode=rw never creates one."""
    if not path.is_file():
        raise DatabaseError(f"the database {path} has gone (deleted or moved) while w4r was "
                            "running: w4r will not start a new empty one; put the file back or "
                            "restart w4r", GONE)
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=rw"
    return sqlite3.connect(uri, uri=True, timeout=busy_ms / 1000, check_same_thread=False)


def _anchor(key: str, path: Path) -> None:
    """Keep an idle connection open on the app's file (and close the oldest beyond a few)."""
    anchor = _open_existing(path, 0)
    anchor.execute("PRAGMA application_id").fetchone()  # maps the WAL index, then stays idle
    old = _ANCHORS.pop(key, None)
    _ANCHORS[key] = anchor
    for stale in [old, *[_ANCHORS.pop(k) for k in list(_ANCHORS)[:-MAX_ANCHORS]]]:
        if stale is not None:
            stale.close()


def close_anchors() -> None:
    """Close the idle connections kept on the app's files (the files stay known)."""
    while _ANCHORS:
        _ANCHORS.popitem()[1].close()


def _identity(db: Database) -> int:
    """The random id stamped into this database file (0 before it was stamped)."""
    return db.execute("PRAGMA application_id").fetchone()[0]


def _stamp(db: Database) -> int:
    """The file's random id, stamped now (in one write transaction) if it has none yet."""
    identity = _identity(db)
    if identity:
        return identity
    with transaction(db):  # two processes stamping at once: the second keeps the first's id
        identity = _identity(db)
        if not identity:
            identity = secrets.randbelow(2**31 - 1) + 1
            db.execute(f"PRAGMA application_id = {identity}")
    return identity


def _kind(exc: BaseException, path: Path) -> str:
    """What kind of problem stopped the database from opening."""
    found = problem(exc) if isinstance(exc, sqlite3.Error) else None
    if found in (BUSY, FULL, READ_ONLY):
        return found
    folder = path.parent
    if (path.exists() and not os.access(path, os.W_OK)) or \
            (folder.is_dir() and not os.access(folder, os.W_OK)):
        return READ_ONLY
    if (isinstance(exc, OSError) and exc.errno == 28) or _disk_full(folder):  # ENOSPC
        return FULL
    return BROKEN


def _disk_full(folder: Path) -> bool:
    """True when the folder's disk has (almost) no room left: SQLite then often says only
    "disk I/O error" (it cannot grow its shared-memory file)."""
    try:
        found = os.statvfs(folder)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < 64 * 1024


@contextmanager
def opened(path: str | Path | None = None, **options) -> Iterator[Database]:
    """Open the database for a block of work and close it afterwards (no handle left open)."""
    database = connect(path, **options)
    try:
        yield database
    finally:
        database.conn.close()


def _enable_wal(db: Database, busy_ms: int) -> None:
    """Switch to WAL; SQLite refuses at once (no busy wait) while another process writes."""
    deadline = time.monotonic() + busy_ms / 1000
    while db.journal_mode != "wal":
        try:
            db.enable_wal()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
        else:
            if db.journal_mode != "wal":  # a database that cannot be WAL (one in memory)
                return


def is_postgres(db: Database) -> bool:
    """True for a PostgreSQL database (w4r.postgres), False for SQLite."""
    return getattr(db, "engine", "") == "postgresql"


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Run a block as one write transaction that takes the write lock up front.

    A deferred transaction that reads before it writes fails at once ("database is locked")
    when another process writes meanwhile; BEGIN IMMEDIATE waits for the busy timeout instead.
    On PostgreSQL: BEGIN, then w4r's advisory write lock, waited for at most the connection's
    lock_timeout (its busy time), so writers take turns as on SQLite and a blocked one fails
    as BUSY instead of hanging.
    """
    if is_postgres(db):
        db.begin()
    else:
        db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")  # a full disk fails here: the whole block is then undone
    except BaseException:
        if db.conn.in_transaction:
            db.conn.rollback()
        raise


@contextmanager
def quick_writes(db: Database, wait_ms: int) -> Iterator[Database]:
    """Writes not worth an fsync each nor a long wait for the write lock (drafts): SQLite's
    synchronous NORMAL and a `wait_ms` busy timeout, the connection's settings back after.
    On PostgreSQL such a write touches only its own row: its transaction takes no write lock
    and does not wait for the disk (`postgres.Database.begin`), with `wait_ms` for row locks."""
    if is_postgres(db):
        prior = db.waiting_ms()
        db.wait_ms(wait_ms)
        db.quick = True
        try:
            yield db
        finally:
            db.quick = False
            if not db.conn.raw.closed:
                db.wait_ms(prior)
        return
    prior = db.execute("PRAGMA synchronous").fetchone()[0]
    waits = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        yield db
    finally:
        db.execute(f"PRAGMA synchronous = {int(prior)}")
        db.execute(f"PRAGMA busy_timeout = {int(waits)}")


def schema_version(db: Database) -> int:
    """Return the schema version stored in the database (SQLite's user_version; PostgreSQL's
    w4r_schema table)."""
    if is_postgres(db):
        return _postgres().schema_version(db)
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: Database) -> int:
    """Apply the migrations this database lacks, one process at a time; return the new version.

    PostgreSQL: the baseline (= SQLite's version 10), then the shared MIGRATIONS[SHARED_FROM:].
    """
    if is_postgres(db):
        return _postgres().migrate(db)
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
