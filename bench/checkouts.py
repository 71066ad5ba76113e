"""Measuring this checkout of w4r beside a baseline checkout (another commit), each in a fresh
process, so that the two figures come from one run on one machine: read the ratio."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def trees(baseline: str | None) -> list[tuple[str, Path]]:
    """This tree, and the baseline checkout when one is given."""
    return [("this tree", ROOT)] + ([("baseline", Path(baseline))] if baseline else [])


def measure(child: str, tree: Path, *args: object) -> dict:
    """Run `child` (Python source) in a fresh process in one checkout, with its own database
    file as the last argument; return the JSON object it prints last."""
    with tempfile.TemporaryDirectory(prefix="w4r-bench-") as tmp:
        out = subprocess.run([sys.executable, "-c", child, str(tree), *map(str, args),
                              str(Path(tmp) / "w4r.db")], capture_output=True, text=True,
                             cwd=tree, env=dict(os.environ, PYTHONWARNINGS="ignore"))
        if out.returncode:
            raise SystemExit(f"{tree}: {out.stderr[-2000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])


# The start of a child script: AppTest on the checkout's app.py (argv: tree, reruns, database).
# Streamlit takes a project with pages/ for an old-style multipage app until st.navigation has
# run; AppTest builds a new PagesManager per test, so the flag is set as the real server's is.
APP_TEST = r"""
import gc, json, os, resource, statistics, sys, time
from pathlib import Path
root = Path(sys.argv[1]); reruns = int(sys.argv[2]); db_path = Path(sys.argv[3])
os.environ["W4R_DB"] = str(db_path)
sys.path.insert(0, str(root))
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

class AfterFirstRun(PagesManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False

app_test_module.PagesManager = AfterFirstRun
at = AppTest.from_file(str(root / "app.py"), default_timeout=60).run()
at.switch_page("pages/cases.py").run()
at.button(key="yecenia-armenta-solidarity").click().run()
"""

# Then, on the Write page: reach the step with the message and define `field()`, its widget.
MESSAGE_STEP = r"""
at.switch_page("pages/write.py").run()
def field():
    return [w for w in at.text_area if w.key == "w4r.field.message"][0]
for step in range(3):  # reach the message step
    if [w for w in at.text_area if w.key == "w4r.field.message"]:
        break
    [b for b in at.button if b.label.startswith("Next:")][0].click().run()
"""
