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
