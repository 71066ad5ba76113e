"""A throw-away PostgreSQL cluster for the tests: started once per pytest worker in a temporary
folder (initdb + pg_ctl, loopback TCP on a free port, fsync off), stopped at the session's end.

Each database a test names is a schema of the database `w4r` (search_path in the URL): created
empty and migrated by w4r the first time, emptied (TRUNCATE) after each test that used it. When the
tests run as root (CI, containers), initdb and pg_ctl run as the `postgres` user (runuser).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import psycopg.sql

USER = "w4r"
DATABASE = "w4r"
FAST = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        "-c max_connections=200 -c shared_buffers=32MB")


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, else `pg_config --bindir`, else Debian's folders."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    candidates = []
    if shutil.which("pg_config"):
        try:
            candidates.append(subprocess.run(["pg_config", "--bindir"], capture_output=True,
                                             text=True, check=True).stdout.strip())
        except (OSError, subprocess.CalledProcessError):
            pass
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
                         reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """One running PostgreSQL server in a temporary folder, and the databases made on it."""

    def __init__(self, binaries: Path) -> None:
        self.bin = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="w4r-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        self._names = itertools.count(1)
        self._admin: psycopg.Connection | None = None

    def _run(self, *argv: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run([*prefix, *argv], check=True, capture_output=True, text=True, timeout=120)

    def start(self, settings: str = FAST) -> Cluster:
        """initdb, then start the server on loopback with these settings (the tests': fast and
        unsafe, fsync off; bench/scale.py passes PostgreSQL's durable defaults)."""
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust",
                  "-E", "UTF8", "--no-locale", "--no-sync")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 {settings}"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.folder / "server.log"), "-o", options, "-w", "-t", "60", "start")
        self._admin = psycopg.connect(self.url("postgres"), autocommit=True)
        self._admin.execute(f"CREATE DATABASE {DATABASE}")
        self._admin.close()
        self._admin = psycopg.connect(self.url(DATABASE), autocommit=True)
        self._admin.execute("SET lock_timeout = '2s'")
        return self

    def url(self, name: str = DATABASE, schema: str | None = None) -> str:
        """The URL of a database of this cluster (with its tables in `schema`, if given)."""
        options = f"?options=-csearch_path%3D{schema}" if schema else ""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}{options}"

    def slot(self, index: int) -> str:
        """The URL of the index-th database a test names: a schema of its own, created empty
        the first time (w4r migrates it when it connects), emptied after each test."""
        name = f"slot{index}"
        self._admin.execute(f"CREATE SCHEMA IF NOT EXISTS {name}")
        return self.url(schema=name)

    def fresh(self) -> str:
        """The URL of a new, empty database (a schema no test used before)."""
        name = f"fresh{next(self._names)}"
        self._admin.execute(f"CREATE SCHEMA {name}")
        return self.url(schema=name)

    def reset(self, used: int) -> None:
        """Empty the first `used` slots, as fresh as a new database after w4r's migration
        (a slot left at another schema version, or with a test's trigger, is made anew empty:
        the next test that uses it migrates it)."""
        from w4r import db

        for index in range(used):
            name = f"slot{index}"
            tables = [row[0] for row in self._admin.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", [name])]
            if "w4r_schema" not in tables:
                continue
            version = self._admin.execute(f"SELECT version FROM {name}.w4r_schema").fetchone()
            extras = self._admin.execute(  # a test's own trigger or function: start anew
                "SELECT (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relnamespace = %s::regnamespace AND NOT t.tgisinternal) + "
                "(SELECT count(*) FROM pg_proc WHERE pronamespace = %s::regnamespace)",
                [name, name]).fetchone()[0]
            statements = [f"DROP SCHEMA {name} CASCADE", f"CREATE SCHEMA {name}"]
            if version == (db.SCHEMA_VERSION,) and not extras:
                listed = ", ".join(f"{name}.{t}" for t in tables if t != "w4r_schema")
                statements = [
                    f"TRUNCATE {listed} RESTART IDENTITY CASCADE",
                    psycopg.sql.SQL(
                        "INSERT INTO {}.sessions (code, name, kind, goal, created_at) "
                        "VALUES ({}, {}, 'class', {}, {})").format(
                        psycopg.sql.Identifier(name), db.DEFAULT_SESSION,
                        db.DEFAULT_SESSION_NAME, db.DEFAULT_GOAL, db.now_iso())]
            self._run_ending_others(statements)

    def _run_ending_others(self, statements: list) -> None:
        """Run statements; a connection a test left open with its locks is ended first."""
        try:
            with self._admin.transaction():
                for statement in statements:
                    self._admin.execute(statement)
        except psycopg.errors.LockNotAvailable:
            self._admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = %s AND pid <> pg_backend_pid()", [DATABASE])
            time.sleep(0.1)
            with self._admin.transaction():
                for statement in statements:
                    self._admin.execute(statement)

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        try:
            if self._admin is not None:
                self._admin.close()
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
