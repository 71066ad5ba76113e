"""Shared fixtures for the w4r library and CLI tests.

Every test gets its own SQLite file in tmp_path; W4R_DB always points into tmp_path and
W4R_CONTENT is cleared, so no test can touch data/w4r.db or a developer's own content.

Both engines: every test in a file listed in BOTH_ENGINES runs twice, as test[sqlite] and
test[postgresql] (the `engine` fixture, parametrized in pytest_generate_tests). On PostgreSQL
each database file a test names (W4R_DB, --db, db.connect(path)…) is its own fresh PostgreSQL
database instead: config.db_target maps the path to a schema of a throw-away cluster
(tests/pg_support.py, one per pytest worker), emptied before the test. A test that is about
SQLite files themselves (WAL, a file replaced, a full disk, application_id…) is marked
@pytest.mark.sqlite_only and runs once. Without PostgreSQL the [postgresql] tests skip, except
under CI=true, where they fail.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:  # so `pytest` works as well as `python -m pytest`
    sys.path.insert(0, str(PROJECT_DIR))

from w4r import db as w4r_db  # noqa: E402
from w4r.cases import CaseSet, load_cases  # noqa: E402

SHIPPED_CASES_DIR = PROJECT_DIR / "content" / "cases"
CASE_WITH_ASK = "yecenia-armenta"


BOTH_ENGINES = {
    "test_db.py", "test_tally.py", "test_sessions.py", "test_sessions_settings.py",
    "test_rights.py", "test_access.py", "test_kept.py", "test_casepack.py", "test_reports.py",
    "test_section_report.py", "test_tally_reports.py", "test_totals.py", "test_cli.py",
    "test_cli_organizer.py", "test_drafts.py", "test_visits.py", "test_links.py",
    "test_storage_errors.py",
}
ENGINES = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: about SQLite files themselves: runs on "
                                       "SQLite only, in a file of BOTH_ENGINES")
    config.addinivalue_line("markers", "postgresql_only: runs on PostgreSQL only, in a file of "
                                       "BOTH_ENGINES")


def pytest_generate_tests(metafunc):
    if "engine" not in metafunc.fixturenames or \
            Path(metafunc.definition.path).name not in BOTH_ENGINES:
        return
    engines = ENGINES
    if metafunc.definition.get_closest_marker("sqlite_only"):
        engines = ("sqlite",)
    elif metafunc.definition.get_closest_marker("postgresql_only"):
        engines = ("postgresql",)
    metafunc.parametrize("engine", engines, indirect=True)


@pytest.fixture
def engine(request) -> str:
    """The storage engine of this test: "sqlite", or "postgresql" (see BOTH_ENGINES)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_cluster():
    """This worker's throw-away PostgreSQL cluster (skipped without PostgreSQL, unless CI)."""
    import pg_support

    binaries = pg_support.bin_dir()
    if binaries is None:
        message = ("PostgreSQL is not installed (no initdb on PATH, in pg_config --bindir or "
                   "/usr/lib/postgresql/*/bin): apt-get install postgresql")
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI never skips)")
        pytest.skip(message)
    cluster = pg_support.Cluster(binaries).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_target(engine, request, monkeypatch):
    """On PostgreSQL: each database path the test names maps to its own fresh database (URL)."""
    if engine != "postgresql":
        yield None
        return
    cluster = request.getfixturevalue("pg_cluster")
    from w4r import config, postgres

    real = config.db_target
    slots: dict[str, str] = {}

    def mapped(override=None):
        found = real(override)
        if isinstance(found, Path):
            key = os.path.abspath(found)
            if key not in slots:
                slots[key] = cluster.slot(len(slots))
            return slots[key]
        return found

    monkeypatch.setattr(config, "db_target", mapped)
    yield mapped
    postgres.close_all()
    cluster.reset(len(slots))


@pytest.fixture(autouse=True)
def _w4r_isolated_env(tmp_path_factory, monkeypatch, pg_target):
    """Point W4R_DB at a throw-away file, clear W4R_CONTENT, use the fake translator."""
    env_dir = tmp_path_factory.mktemp("w4r-env")
    monkeypatch.setenv("W4R_DB", str(env_dir / "env-w4r.db"))
    monkeypatch.delenv("W4R_CONTENT", raising=False)
    monkeypatch.delenv("W4R_DEBUG", raising=False)
    monkeypatch.setenv("W4R_TRANSLATOR", "fake")  # no test reaches the network by accident
    monkeypatch.delenv("W4R_TRANSLATE_URL", raising=False)
    yield env_dir / "env-w4r.db"


@pytest.fixture
def db(tmp_path):
    """A fresh database file for this test."""
    database = w4r_db.connect(tmp_path / "w4r.db")
    yield database
    database.conn.close()


@pytest.fixture(scope="session")
def _shipped_cases() -> CaseSet:
    return load_cases(SHIPPED_CASES_DIR)


@pytest.fixture
def cases(_shipped_cases) -> CaseSet:
    """The cases shipped in content/cases."""
    return _shipped_cases


@pytest.fixture
def case(cases):
    """One shipped case whose appeal has an ask."""
    found = cases.get(CASE_WITH_ASK)
    assert found is not None, f"the shipped content should hold {CASE_WITH_ASK}"
    assert found.appeal.ask, f"{CASE_WITH_ASK} should have an appeal ask"
    return found


FAKE_LP = """#!/bin/sh
# A stand-in for CUPS's lp: records its arguments, the document and each job, answers like lp.
printer=""
previous=""
for arg in "$@"; do
  printf '%s\\n' "$arg"
  [ "$previous" = "-d" ] && printer="$arg"
  previous="$arg"
done > "{out}/args"
cat > "{out}/sent.pdf"
echo job >> "{out}/jobs"
echo "request id is $printer-7 (1 file(s))"
"""


@pytest.fixture
def fake_lp(tmp_path, monkeypatch):
    """An `lp` first on PATH that writes args, sent.pdf and jobs into tmp_path."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "lp"
    script.write_text(FAKE_LP.format(out=tmp_path))
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return tmp_path


@pytest.fixture
def no_lp(tmp_path, monkeypatch):
    """A PATH where no lp (nor anything else) can be found."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
