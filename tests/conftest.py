"""Shared fixtures for the w4r library and CLI tests.

Every test gets its own SQLite file in tmp_path; W4R_DB always points into tmp_path and
W4R_CONTENT is cleared, so no test can touch data/w4r.db or a developer's own content.
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


@pytest.fixture(autouse=True)
def _w4r_isolated_env(tmp_path_factory, monkeypatch):
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
