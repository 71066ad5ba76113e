"""A server's first page imports only what it shows: the PDF, translation, dataframe and PostgreSQL
libraries wait until a page needs them (docs/BENCHMARKS.md, "First page after a start")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("fpdf", "fontTools", "uharfbuzz", "PIL", "deep_translator", "pandas", "numpy", "pyarrow",
         "psycopg")

FIRST_PAGE = """
import json, sys
from streamlit.testing.v1 import AppTest
app = AppTest.from_file(sys.argv[1], default_timeout=60).run()
print(json.dumps({"errors": [str(e.value) for e in app.exception],
                  "titles": [t.value for t in app.title],
                  "heavy": [m for m in json.loads(sys.argv[2]) if m in sys.modules]}))
"""


def run_first_page(tmp_path: Path) -> dict:
    """The home page run once in a fresh interpreter; what it showed and imported."""
    env = dict(os.environ, W4R_DB=str(tmp_path / "w4r.db"), W4R_TRANSLATOR="fake")
    done = subprocess.run([sys.executable, "-c", FIRST_PAGE, str(ROOT / "app.py"),
                           json.dumps(HEAVY)], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_first_page_imports_no_pdf_translation_or_dataframe_library(tmp_path):
    shown = run_first_page(tmp_path)
    assert shown["errors"] == []
    assert shown["titles"], "the home page drew its title"
    assert shown["heavy"] == []


def test_sqlite_utils_leaves_pandas_importable_for_pages_that_need_it():
    code = ("import sys; from w4r import db; assert 'pandas' not in sys.modules; "
            "import pandas, numpy; print(pandas.DataFrame({'n': [1]}).n.sum())")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == "1"

