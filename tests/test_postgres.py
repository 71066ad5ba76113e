"""PostgreSQL only: the URL and its password, the pool, the baseline schema against SQLite's,
migrations shared by both engines, storage problems in words, and many processes at once.

(The domain tests run on both engines: see BOTH_ENGINES in tests/conftest.py.)"""

from __future__ import annotations

import multiprocessing
import socket
import time

import pytest

from w4r import cli, config, postgres, sessions, tally
from w4r import db as w4r_db


@pytest.fixture
def url(pg_cluster) -> str:
    """A new, empty PostgreSQL database (w4r migrates it when it connects)."""
    yield pg_cluster.fresh()
    postgres.close_all()


# --- the URL --------------------------------------------------------------------------------

def test_a_postgresql_url_is_the_target_and_a_path_stays_a_path(tmp_path, monkeypatch):
    monkeypatch.setenv("W4R_DB", "postgresql://w4r@db.example/w4r")
    assert config.db_target() == "postgresql://w4r@db.example/w4r"
    assert config.db_target(tmp_path / "x.db") == tmp_path / "x.db"
    assert config.db_target("postgres://h/d") == "postgres://h/d"


def test_the_password_is_never_shown():
    assert config.shown("postgresql://ana:s3cr3t@db:5432/w4r?sslmode=require") == \
        "postgresql://ana:***@db:5432/w4r?sslmode=require"
    assert config.shown("postgresql://db/w4r?user=ana&password=s3cr3t") == \
        "postgresql://db/w4r?user=ana&password=***"
    assert config.shown("postgresql:///w4r?host=/run/postgresql") == \
        "postgresql:///w4r?host=/run/postgresql"


def test_streamlit_secrets_give_the_database_when_w4r_db_is_unset(tmp_path, monkeypatch):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        'w4r_db = "postgresql://w4r@db.example/w4r"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("W4R_DB")
    assert config.db_target() == "postgresql://w4r@db.example/w4r"
    monkeypatch.setenv("W4R_DB", str(tmp_path / "env.db"))  # W4R_DB wins
    assert config.db_target() == tmp_path / "env.db"


def test_a_server_that_is_not_there_is_one_clear_line_without_the_password(capsys):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    target = f"postgresql://ana:s3cr3t@127.0.0.1:{port}/w4r?connect_timeout=1"
    with pytest.raises(w4r_db.DatabaseError) as caught:
        w4r_db.connect(target)
    assert caught.value.kind == w4r_db.BROKEN
    assert "s3cr3t" not in str(caught.value) and "ana:***@" in str(caught.value)
    assert cli.main(["--db", target, "session", "list"]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "s3cr3t" not in err and "Traceback" not in err


# --- the placeholder style ------------------------------------------------------------------

def test_placeholders_are_translated_outside_quotes_and_percent_is_escaped():
    assert postgres.translate("select ? where a = :name and b::text like '50%?' and c = ?") == \
        "select %s where a = %(name)s and b::text like '50%%?' and c = %s"


def test_the_pool_hands_back_the_same_connection_and_close_returns_it(url):
    first = w4r_db.connect(url)
    pid = first.execute("select pg_backend_pid()").fetchone()[0]
    first.conn.close()
    first.conn.close()  # twice is harmless
    second = w4r_db.connect(url)
    assert second.execute("select pg_backend_pid()").fetchone()[0] == pid
    assert not second.conn.in_transaction
    second.conn.close()


# --- the schema -----------------------------------------------------------------------------

def _sqlite_columns(database) -> dict[str, dict[str, tuple]]:
    tables = [r[0] for r in database.execute("select name from sqlite_master where type = "
                                             "'table' and name not like 'sqlite_%'")]
    return {t: {r[1]: (r[2].upper(), bool(r[3]) or bool(r[5]), r[4], r[5])
                for r in database.execute(f"pragma table_info({t})")} for t in tables}


def _pg_columns(database) -> dict[str, dict[str, tuple]]:
    keys = {(r[0], r[1]): r[2] for r in database.execute(
        "select c.table_name, k.column_name, k.ordinal_position from "
        "information_schema.table_constraints c join information_schema.key_column_usage k "
        "on k.constraint_name = c.constraint_name and k.table_schema = c.table_schema "
        "where c.constraint_type = 'PRIMARY KEY' and c.table_schema = current_schema()")}
    found: dict[str, dict[str, tuple]] = {}
    for table, column, kind, nullable, default in database.execute(
            "select table_name, column_name, data_type, is_nullable, column_default from "
            "information_schema.columns where table_schema = current_schema()"):
        found.setdefault(table, {})[column] = (kind, nullable == "NO", default,
                                               keys.get((table, column), 0))
    return found


def test_the_baseline_is_the_sqlite_schema_at_version_10(url, tmp_path, monkeypatch):
    monkeypatch.setattr(w4r_db, "MIGRATIONS", w4r_db.MIGRATIONS[:w4r_db.SHARED_FROM])
    monkeypatch.setattr(w4r_db, "SCHEMA_VERSION", w4r_db.SHARED_FROM)
    lite = _sqlite_columns(w4r_db.connect(tmp_path / "v10.db"))
    pg = _pg_columns(w4r_db.connect(url))
    assert set(pg) - {"w4r_schema"} == set(lite)
    types = {"TEXT": "text", "INTEGER": "integer", "REAL": "double precision",
             "FLOAT": "double precision"}
    for table, columns in lite.items():
        extra = set(pg[table]) - set(columns)
        assert extra <= {"rowid"}, (table, extra)  # SQLite's implicit rowid, made explicit
        for name, (kind, not_null, default, key) in columns.items():
            pg_kind, pg_not_null, pg_default, pg_key = pg[table][name]
            assert pg_kind == types[kind], (table, name, pg_kind)  # never PostgreSQL's real
            assert pg_not_null == not_null, (table, name)
            assert pg_key == key, (table, name)
            if default is not None:
                assert pg_default is not None and \
                    pg_default.split("::")[0].strip("'") == default.strip("'"), (table, name)
    lite_indexes = {r[0] for r in w4r_db.connect(tmp_path / "v10.db").execute(
        "select name from sqlite_master where type = 'index' and sql is not null")}
    pg_indexes = {r[0] for r in w4r_db.connect(url).execute(
        "select indexname from pg_indexes where schemaname = current_schema() "
        "and indexname like 'idx_%'")}
    assert pg_indexes == lite_indexes


def test_a_shared_migration_runs_on_both_engines(url, tmp_path, monkeypatch):
    w4r_db.connect(url).conn.close()  # an existing PostgreSQL database at version 10

    def _v11(database):
        """A shared migration: portable SQL through db.execute only."""
        database.execute("ALTER TABLE sessions ADD COLUMN motto TEXT NOT NULL DEFAULT ''")
        database.execute("CREATE INDEX idx_sessions_motto ON sessions (motto)")

    monkeypatch.setattr(w4r_db, "MIGRATIONS", [*w4r_db.MIGRATIONS, _v11])
    monkeypatch.setattr(w4r_db, "SCHEMA_VERSION", w4r_db.SCHEMA_VERSION + 1)
    postgres.close_all()
    for target in (url, tmp_path / "lite.db"):
        database = w4r_db.connect(target)
        assert w4r_db.schema_version(database) == w4r_db.SCHEMA_VERSION
        assert database.execute("select motto from sessions").fetchone() == ("",)
        database.conn.close()


def test_a_database_from_a_newer_w4r_is_refused(url):
    database = w4r_db.connect(url)
    database.execute("UPDATE w4r_schema SET version = 99")
    database.conn.close()
    postgres.close_all()
    with pytest.raises(w4r_db.DatabaseError, match="newer"):
        w4r_db.connect(url)


def _connect_and_report(target, barrier, results):
    from w4r import db as child_db
    from w4r import sessions as child_sessions
    barrier.wait(30)
    try:
        database = child_db.connect(target)
        results.put((child_db.schema_version(database), child_sessions.default(database).code))
    except Exception as exc:  # reported to the parent, which asserts on it
        results.put(f"{type(exc).__name__}: {exc}")


def test_two_servers_starting_at_once_on_an_empty_database_migrate_it_once(url):
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_connect_and_report, args=(url, barrier, results))
             for _ in range(2)]
    for proc in procs:
        proc.start()
    found = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    assert found == [(w4r_db.SCHEMA_VERSION, w4r_db.DEFAULT_SESSION)] * 2
    database = w4r_db.connect(url)
    assert database.execute("select count(*) from w4r_schema").fetchone()[0] == 1
    assert database.execute("select count(*) from sessions").fetchone()[0] == 1


# --- problems in words ------------------------------------------------------------------------

def test_a_held_write_lock_is_busy_within_the_wait(url):
    holder = w4r_db.connect(url)
    waiter = w4r_db.connect(url, busy_ms=300)
    with w4r_db.transaction(holder):
        started = time.monotonic()
        with pytest.raises(w4r_db.STORAGE_ERRORS) as caught:
            sessions.create(waiter, "Blocked", code="BLOCK1")  # a write outside a transaction
        assert time.monotonic() - started < 2
        assert w4r_db.problem(caught.value) == w4r_db.BUSY
        assert not waiter.conn.in_transaction
    sessions.create(waiter, "Free", code="FREE01")  # the lock is gone: it writes
    assert sessions.get(holder, "FREE01") is not None


def test_a_read_only_transaction_is_read_only_and_a_broken_constraint_is_a_bug(url):
    database = w4r_db.connect(url)
    database.execute("SET default_transaction_read_only = on")
    with pytest.raises(w4r_db.STORAGE_ERRORS) as caught:
        sessions.create(database, "No", code="NOPE01")
    assert w4r_db.problem(caught.value) == w4r_db.READ_ONLY
    database.execute("SET default_transaction_read_only = off")
    with pytest.raises(w4r_db.INTEGRITY_ERRORS) as caught:
        database.execute("insert into actions (submission_id, session_code, case_id, kind, "
                         "action, count, counted_at, source) values "
                         "('s', 'NOSUCH', 'c', 'appeal', 'letter', 1, 'x', 'app')")
    assert w4r_db.problem(caught.value) is None
    with pytest.raises(ValueError, match="there is no session"):
        tally.record(database, tally.Action("s2", "NOSUCH", "c", "appeal"))


# --- many processes at once ---------------------------------------------------------------------

def _submit_batches(target, worker, n, batch, barrier, results):
    """Child process: n submissions in transactions of `batch`; every 10th id is shared."""
    from w4r import db as child_db
    from w4r import tally as child_tally
    database = child_db.connect(target)
    barrier.wait(60)
    new, errors = 0, []
    for start in range(0, n, batch):
        try:
            with child_db.transaction(database):
                for i in range(start, min(start + batch, n)):
                    sid = f"shared-{i}" if i % 10 == 0 else f"w{worker}-{i}"
                    new += child_tally.record(database, child_tally.Action(
                        sid, "CLASS", "yecenia-armenta", "appeal"))
        except Exception as exc:  # reported to the parent, which asserts on it
            errors.append(f"{type(exc).__name__}: {exc}")
    results.put((new, errors))


def test_eight_processes_submitting_1000_each_count_exactly_once(url):
    workers, per_worker, batch = 8, 1000, 50
    # forked: quick to start; this process opens no connection before (the children open,
    # and migrate, the empty database themselves)
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_submit_batches,
                         args=(url, w, per_worker, batch, barrier, results))
             for w in range(workers)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    errors = [e for _, errs in outcomes for e in errs]
    assert errors == [], f"{len(errors)} errors, e.g. {errors[:2]}"
    distinct = {f"shared-{i}" if i % 10 == 0 else f"w{w}-{i}"
                for w in range(workers) for i in range(per_worker)}
    assert len(distinct) == 7300
    assert sum(new for new, _ in outcomes) == len(distinct)
    database = w4r_db.connect(url)
    assert tally.totals(database, sessions.default(database)).total == len(distinct)


def test_a_draft_is_saved_while_another_server_holds_the_write_lock(url):
    """Drafts are written on every keystroke of every pupil on every server: they touch their
    own row only and never queue behind w4r's write lock (counting, settings still do)."""
    from w4r import drafts, letters
    holder = w4r_db.connect(url)
    saver = w4r_db.connect(url, busy_ms=300)
    session = sessions.get(saver, w4r_db.DEFAULT_SESSION)
    draft = letters.Draft("jani-silva", "appeal", tally.new_submission_id(), message="Hold on.")
    token = drafts.new_token()
    with w4r_db.transaction(holder):
        started = time.monotonic()
        drafts.save(saver, token, drafts.Saved(session.code, draft, 2, "", {}), session)
        assert time.monotonic() - started < 0.3  # no wait for the lock
        assert not saver.conn.in_transaction
    found = drafts.load(holder, token, session)
    assert found is not None and found.draft.message == "Hold on."
    assert not saver.quick  # transactions after the save take the lock again
