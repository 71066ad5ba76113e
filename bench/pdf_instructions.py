"""Print the instructions one letter's PDF costs, here and in a baseline checkout (valgrind).

Wall-clock time on a shared 2-core machine moves by ±30 % from run to run; an instruction count
does not. For this tree and the baseline, valgrind's callgrind counts a fresh process that
builds the same one-page letter `few` times and one that builds it `few + extra` times; the
difference divided by `extra` is one warm letter (imports and the first font reading cancel
out). Read the ratio.

Run: .venv/bin/python bench/pdf_instructions.py --baseline PATH [--extra 5]
(about 2 minutes per checkout; needs Debian's valgrind)
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import checkouts  # bench/checkouts.py: this tree beside a baseline

CHILD = r"""
import sys
from pathlib import Path
root = Path(sys.argv[1]); builds = int(sys.argv[2])
sys.path[:0] = [str(root), str(root / "tests")]
from w4r import letters, pdf
from w4r.cases import load_cases
case = load_cases(root / "content" / "cases").get("yecenia-armenta")
draft = letters.Draft(case.id, "appeal", "bench-pdf", greeting="Dear Governor,",
                      message="Nous pensons à vous, Łódź, Grüße — “merci”. Please act now.",
                      closing="Yours sincerely,", name="Sam")
letter = letters.compose(draft, case)
for _ in range(builds):
    pdf.build(letter)
"""


def instructions(tree: Path, builds: int) -> int:
    """Instructions callgrind counted for a process building the letter `builds` times."""
    with tempfile.TemporaryDirectory(prefix="w4r-callgrind-") as tmp:
        done = subprocess.run(["valgrind", "--tool=callgrind",
                               f"--callgrind-out-file={tmp}/out", sys.executable, "-c", CHILD,
                               str(tree), str(builds)], cwd=tree, capture_output=True,
                              text=True, timeout=1800)
        if done.returncode:
            raise SystemExit(f"{tree}: {done.stderr[-2000:]}")
        return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="another checkout of w4r")
    parser.add_argument("--few", type=int, default=1)
    parser.add_argument("--extra", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("needs valgrind (apt-get install valgrind)")
    per: dict[str, float] = {}
    for name, tree in checkouts.trees(args.baseline):
        low, high = instructions(tree, args.few), instructions(tree, args.few + args.extra)
        per[name] = (high - low) / args.extra
        print(f"{name:9}: {per[name] / 1e6:,.0f} million instructions per warm letter "
              f"({low:,} for {args.few}, {high:,} for {args.few + args.extra})")
    print(f"ratio this tree / baseline: {per['this tree'] / per['baseline']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
