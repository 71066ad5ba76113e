"""PostgreSQL storage: the only module that imports psycopg. It hands out a database object with
the small interface the domain modules use on SQLite (execute, query, conn.close…)."""

from __future__ import annotations

import atexit
import os
import re
import threading
import weakref
from collections.abc import Iterator
from functools import lru_cache

import psycopg
import psycopg_pool
from psycopg import errors, pq
from psycopg.rows import dict_row

from w4r import config
from w4r import db as storage  # db imports this module first: use its names at call time only

POOL_MIN = 1  # connections kept open per process and URL
POOL_MAX = 20  # at most this many at once (the app holds one per script run); more wait
POOL_WAIT_S = 5.0  # the longest a caller waits for a free connection (CLI and migrations)
CONNECT_S = 5  # the longest one connection attempt to the server takes
# pg_advisory_xact_lock key that every w4r write transaction (and the migration) takes, so
# writers run one at a time as they do on SQLite (BEGIN IMMEDIATE): the same rules hold.
WRITE_LOCK = 0x77347200  # "w4r"

ERRORS = (psycopg.Error, psycopg_pool.PoolTimeout)
INTEGRITY_ERRORS = (psycopg.IntegrityError,)

_WRITES = re.compile(r"\s*(insert|update|delete|replace|create|alter|drop)\b", re.I)
_POOLS: dict[tuple[int, str], psycopg_pool.ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()

# The SQLite schema at version w4r.db.SHARED_FROM (w4r.db._v1…_v10), written once for PostgreSQL. Epoch seconds
# are DOUBLE PRECISION (SQLite's REAL), never PostgreSQL's 4-byte `real`. `actions.rowid` stands
# in for SQLite's implicit rowid (the order actions were counted in; tally.latest sorts by it).
BASELINE = [
    "CREATE TABLE sessions (code TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, "
    "goal INTEGER NOT NULL, created_at TEXT NOT NULL, organizer TEXT NOT NULL DEFAULT '', "
    "starts_on TEXT NOT NULL DEFAULT '', ends_on TEXT NOT NULL DEFAULT '', "
    "cases TEXT NOT NULL DEFAULT '[]', "
    "kinds TEXT NOT NULL DEFAULT '[\"solidarity\", \"appeal\"]', "
    "keep_text INTEGER NOT NULL DEFAULT 0, personal_data INTEGER NOT NULL DEFAULT 0, "
    "age_band TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT 'en', "
    "grouping TEXT NOT NULL DEFAULT '', leaderboard INTEGER NOT NULL DEFAULT 0, "
    "show_names INTEGER NOT NULL DEFAULT 0, printer TEXT NOT NULL DEFAULT '', "
    "kiosk INTEGER NOT NULL DEFAULT 0, idle_seconds INTEGER NOT NULL DEFAULT 120, "
    "timezone TEXT NOT NULL DEFAULT '', head_count INTEGER NOT NULL DEFAULT 0, "
    "draft_hours INTEGER NOT NULL DEFAULT 24)",
    "CREATE TABLE actions (submission_id TEXT PRIMARY KEY, "
    "session_code TEXT NOT NULL REFERENCES sessions(code), case_id TEXT NOT NULL, "
    "kind TEXT NOT NULL, action TEXT NOT NULL, count INTEGER NOT NULL, "
    "counted_at TEXT NOT NULL, source TEXT NOT NULL, first_name TEXT, "
    "rowid BIGINT GENERATED ALWAYS AS IDENTITY)",
    "CREATE INDEX idx_actions_session_code_case_id_kind_action_count "
    "ON actions (session_code, case_id, kind, action, count)",
    "CREATE INDEX idx_actions_session_code_counted_at_count "
    "ON actions (session_code, counted_at, count)",
    "CREATE INDEX idx_actions_counted_at_count ON actions (counted_at, count)",
    "CREATE TABLE pins (session_code TEXT PRIMARY KEY REFERENCES sessions(code), "
    "hash TEXT NOT NULL, failures INTEGER NOT NULL DEFAULT 0, "
    "locked_until DOUBLE PRECISION NOT NULL DEFAULT 0.0, set_at TEXT NOT NULL, "
    "generation INTEGER NOT NULL DEFAULT 1)",
    "CREATE TABLE letters (submission_id TEXT PRIMARY KEY REFERENCES actions(submission_id), "
    "session_code TEXT NOT NULL REFERENCES sessions(code), case_id TEXT NOT NULL, "
    "kind TEXT NOT NULL, lang TEXT NOT NULL DEFAULT 'en', parts TEXT NOT NULL, "
    "status TEXT NOT NULL DEFAULT 'new', hidden INTEGER NOT NULL DEFAULT 0, "
    "kept_at TEXT NOT NULL)",
    "CREATE INDEX idx_letters_session_code_case_id ON letters (session_code, case_id)",
    "CREATE TABLE throttle (key TEXT PRIMARY KEY, failures INTEGER NOT NULL DEFAULT 0, "
    "next_at DOUBLE PRECISION NOT NULL DEFAULT 0.0)",
    "CREATE TABLE signins (token_hash TEXT PRIMARY KEY, "
    "session_code TEXT NOT NULL REFERENCES sessions(code), generation INTEGER NOT NULL, "
    "created_at TEXT NOT NULL, last_seen DOUBLE PRECISION NOT NULL, idle_s DOUBLE PRECISION)",
    "CREATE INDEX idx_signins_session_code ON signins (session_code)",
    "CREATE TABLE setup_codes (session_code TEXT PRIMARY KEY REFERENCES sessions(code), "
    "hash TEXT NOT NULL, created_at TEXT NOT NULL)",
    "CREATE TABLE case_files (session_code TEXT NOT NULL REFERENCES sessions(code), "
    "id TEXT NOT NULL, file TEXT NOT NULL, text TEXT NOT NULL, updated_at TEXT NOT NULL, "
    "PRIMARY KEY (session_code, id))",
    "CREATE TABLE drafts (token_hash TEXT PRIMARY KEY, "
    "session_code TEXT NOT NULL REFERENCES sessions(code), "
    "updated_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL, "
    "draft TEXT NOT NULL)",
    "CREATE INDEX idx_drafts_expires_at ON drafts (expires_at)",
    "CREATE TABLE displays (session_code TEXT PRIMARY KEY REFERENCES sessions(code), "
    "token_hash TEXT NOT NULL, created_at TEXT NOT NULL)",
    "CREATE UNIQUE INDEX idx_displays_token_hash ON displays (token_hash)",
]

# --- the placeholder style, translated in this one place ------------------------------------

_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|(?<![:\w]):([A-Za-z_]\w*)|%")


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQLite's placeholders (`?`, `:name`) as psycopg's (`%s`, `%(name)s`), `%` escaped."""
    def one(found: re.Match) -> str:
        text = found.group(0)
        if text == "?":
            return "%s"
        if text == "%":
            return "%%"
        if found.group(1):
            return f"%({found.group(1)})s"
        return text.replace("%", "%%")  # a quoted literal or name: only its % is escaped
    return _TOKENS.sub(one, sql)


def _params(params):
    """The parameters with booleans as 0/1 (w4r's INTEGER flags, as SQLite stores them)."""
    if isinstance(params, dict):
        return {k: int(v) if isinstance(v, bool) else v for k, v in params.items()}
    return [int(v) if isinstance(v, bool) else v for v in params]


# --- the database object ----------------------------------------------------------------------

class Connection:
    """The part of a DB-API connection the domain modules use; close() returns it to its pool."""

    def __init__(self, raw: psycopg.Connection, pool: psycopg_pool.ConnectionPool) -> None:
        self.raw = raw
        self._release = weakref.finalize(self, _give_back, pool, raw)

    @property
    def in_transaction(self) -> bool:
        """True inside BEGIN … COMMIT (also after a failed statement, until the rollback)."""
        return self.raw.info.transaction_status in (pq.TransactionStatus.INTRANS,
                                                    pq.TransactionStatus.INERROR)

    def rollback(self) -> None:
        """Undo the open transaction, if any."""
        if self.in_transaction and not self.raw.closed:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        """Give the connection back to the pool (once; later calls do nothing)."""
        self._release()


class Database:
    """A PostgreSQL database with the interface w4r's domain modules use (sqlite-utils' subset)."""

    engine = "postgresql"

    def __init__(self, raw: psycopg.Connection, pool: psycopg_pool.ConnectionPool,
                 url: str) -> None:
        self.conn = Connection(raw, pool)
        self.url = url
        self.quick = False  # inside w4r.db.quick_writes: transactions without the write lock

    def execute(self, sql: str, params=None) -> psycopg.Cursor:
        """Run one statement (`?` or `:name` placeholders); return its cursor. A write outside
        a transaction takes w4r's write lock for itself (as every SQLite write does)."""
        raw = self.conn.raw
        query, values = (sql, None) if params is None else (translate(sql), _params(params))
        if self.conn.in_transaction or not _WRITES.match(sql):
            return raw.execute(query, values)
        self.begin()
        try:
            cursor = raw.execute(query, values)
            raw.execute("COMMIT")
        except BaseException:
            self.conn.rollback()
            raise
        return cursor

    def query(self, sql: str, params=None) -> Iterator[dict]:
        """Run a query and yield its rows as dicts."""
        cursor = self.conn.raw.cursor(row_factory=dict_row)
        cursor.execute(translate(sql), _params(params or []))
        yield from cursor

    def close(self) -> None:
        """Give the connection back to the pool (as sqlite-utils' Database.close)."""
        self.conn.close()

    def wait_ms(self, ms: int) -> None:
        """How long each statement waits for a lock before it fails (as busy)."""
        if getattr(self.conn.raw, "_w4r_wait_ms", None) != int(ms):
            self.conn.raw.execute(f"SET lock_timeout = {int(ms)}")
            self.conn.raw._w4r_wait_ms = int(ms)

    def waiting_ms(self) -> int:
        """The lock wait set by wait_ms (the busy time this connection was opened with)."""
        return getattr(self.conn.raw, "_w4r_wait_ms", storage.BUSY_TIMEOUT_MS)

    def begin(self) -> None:
        """Open a write transaction that takes w4r's write lock up front (as BEGIN IMMEDIATE).

        Inside `w4r.db.quick_writes` (a draft, written under its own token) it takes no lock:
        such a write touches its own row only, and a section's drafts (every keystroke of every
        pupil, on every server) would otherwise queue behind one lock. Its commit does not wait
        for the disk either (the last change may be lost on a crash, as SQLite's NORMAL).
        """
        self.conn.raw.execute("BEGIN")
        if self.quick:
            self.conn.raw.execute("SET LOCAL synchronous_commit = off")
            return
        try:
            self.conn.raw.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        except BaseException:  # busy: no transaction is left open (as a failed BEGIN IMMEDIATE)
            self.conn.rollback()
            raise


def _give_back(pool: psycopg_pool.ConnectionPool, raw: psycopg.Connection) -> None:
    if pool.closed:
        raw.close()
        return
    try:
        pool.putconn(raw)
    except Exception:  # a connection the pool no longer knows (closed meanwhile)
        raw.close()


def _pool(url: str) -> psycopg_pool.ConnectionPool:
    """This process's pool for the URL, opened on first use (a forked child opens its own)."""
    key = (os.getpid(), url)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is not None and not pool.closed:
            return pool
        try:  # once per process: a server that is not there fails at once, in its own words
            psycopg.connect(url, connect_timeout=CONNECT_S).close()
        except psycopg.Error as exc:
            raise storage.DatabaseError(f"cannot connect to the PostgreSQL database "
                                        f"{config.shown(url)}: {_why(exc, url)}",
                                        problem(exc) or storage.BROKEN) from exc
        pool = psycopg_pool.ConnectionPool(
            url, min_size=POOL_MIN, max_size=POOL_MAX, timeout=POOL_WAIT_S, open=False,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_S},
            check=psycopg_pool.ConnectionPool.check_connection, name="w4r")
        try:
            pool.open(wait=True, timeout=CONNECT_S + 1)
        except Exception as exc:
            pool.close(timeout=0)
            raise storage.DatabaseError(f"cannot connect to the PostgreSQL database "
                                        f"{config.shown(url)}: {_why(exc, url)}",
                                        storage.BROKEN) from exc
        _POOLS[key] = pool
        return pool


def _why(exc: BaseException, url: str) -> str:
    """A connection problem in words, on one line, never with the password."""
    text = " ".join(str(exc).split())  # libpq's message spans lines: one line for the terminal
    password = psycopg.conninfo.conninfo_to_dict(url).get("password")
    return text.replace(password, "***") if password else text


def close_all() -> None:
    """Close this process's pools (tests, and the end of the process)."""
    with _POOLS_LOCK:
        for key in [k for k in _POOLS if k[0] == os.getpid()]:
            _POOLS.pop(key).close(timeout=1)


atexit.register(close_all)


def connect(url: str, busy_ms: int) -> Database:
    """A connection from this process's pool for the URL, its schema migrated."""
    pool = _pool(url)
    try:
        raw = pool.getconn(timeout=max(POOL_WAIT_S, busy_ms / 1000))
    except psycopg_pool.PoolTimeout as exc:
        reason, kind = exc, storage.BUSY  # every connection in use…
        try:  # …unless the server itself is not there: say why, in its own words
            psycopg.connect(url, connect_timeout=CONNECT_S).close()
        except psycopg.Error as real:
            reason, kind = real, storage.BROKEN
        raise storage.DatabaseError(f"cannot use the PostgreSQL database {config.shown(url)}: "
                                    f"{_why(reason, url)}", kind) from exc
    database = Database(raw, pool, url)
    try:
        if schema_version(database) != storage.SCHEMA_VERSION:
            database.wait_ms(storage.BUSY_TIMEOUT_MS)
            migrate(database)
        database.wait_ms(busy_ms)
    except BaseException:
        database.conn.close()
        raise
    return database


# --- schema -------------------------------------------------------------------------------------

def schema_version(database: Database) -> int:
    """The schema version stored in the database (0 for an empty one)."""
    try:
        row = database.execute("SELECT version FROM w4r_schema").fetchone()
    except errors.UndefinedTable:
        return 0
    return row[0] if row else 0


def migrate(database: Database) -> int:
    """Create the baseline (version 10) in an empty database, then apply the shared migrations
    after it (w4r.db.MIGRATIONS[10:]), in one transaction under w4r's write lock: two servers
    starting at once migrate once. Return the new version."""
    target = storage.SCHEMA_VERSION
    with storage.transaction(database):
        database.execute("CREATE TABLE IF NOT EXISTS w4r_schema (version INTEGER NOT NULL)")
        current = schema_version(database)
        if current > target:
            raise storage.DatabaseError(f"the database has schema version {current}, newer "
                                        f"than this w4r knows ({target}): update w4r")
        if current == 0:
            for statement in BASELINE:
                database.execute(statement)
            database.execute("INSERT INTO sessions (code, name, kind, goal, created_at) "
                             "VALUES (?, ?, 'class', ?, ?) ON CONFLICT DO NOTHING",
                             [storage.DEFAULT_SESSION, storage.DEFAULT_SESSION_NAME,
                              storage.DEFAULT_GOAL, storage.now_iso()])
            database.execute("INSERT INTO w4r_schema (version) VALUES (?)", [storage.SHARED_FROM])
            current = storage.SHARED_FROM
        for version in range(current, target):
            storage.MIGRATIONS[version](database)
            database.execute("UPDATE w4r_schema SET version = ?", [version + 1])
    return target


# --- problems -----------------------------------------------------------------------------------

_BUSY = (errors.LockNotAvailable, errors.SerializationFailure, errors.DeadlockDetected,
         errors.QueryCanceled)
_FULL = (errors.DiskFull, errors.InsufficientResources, errors.OutOfMemory)
_NOT_STORAGE = (psycopg.IntegrityError, psycopg.ProgrammingError, psycopg.DataError,
                psycopg.NotSupportedError)


def problem(exc: BaseException) -> str | None:
    """The kind of storage problem a psycopg error is (w4r.db.BUSY…), or None for a bug."""
    if isinstance(exc, psycopg_pool.PoolTimeout):
        return storage.BUSY  # every connection in use: a moment later one is free
    if isinstance(exc, _BUSY):
        return storage.BUSY
    if isinstance(exc, _FULL):
        return storage.FULL
    if isinstance(exc, errors.ReadOnlySqlTransaction):
        return storage.READ_ONLY
    if isinstance(exc, errors.InsufficientPrivilege):
        return storage.READ_ONLY
    if isinstance(exc, _NOT_STORAGE) or not isinstance(exc, psycopg.Error):
        return None
    return storage.BROKEN  # the server gone, refused, restarting, or another failure
