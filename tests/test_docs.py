"""Docs that tests keep honest: the CSV columns and every command the docs show."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from w4r import casepack, cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_the_csv_columns_in_content_md_are_the_ones_the_loader_knows():
    text = (ROOT / "docs" / "CONTENT.md").read_text(encoding="utf-8")
    block = text.split("<!-- csv-columns:", 1)[1].split("```", 2)[1]
    documented = tuple(c.strip() for c in block.replace("\n", " ").split(",") if c.strip())
    assert documented == casepack.CSV_COLUMNS


def documented_commands() -> list[tuple[str, list[str]]]:
    """Every `python -m w4r ...` command in README.md and docs/, continuation lines joined."""
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8").replace("\\\n", " ")
        for line in text.splitlines():
            match = re.search(r"python -m w4r ([a-z][^#`]*)", line)
            if match:
                found.append((f"{path.name}: {line.strip()}", match.group(1)))
    return found


def concrete(args: str) -> list[str]:
    """Turn a synopsis (`[--json]`, `a|b`, `FILE...`) into one concrete command line."""
    args = re.sub(r"\[([^\]]*)\]", lambda m: m.group(1), args)   # take the optional parts
    args = re.sub(r"([^\s|]+)(?:\|[^\s|]+)+", r"\1", args)          # first of the choices
    return [word for word in shlex.split(args) if word != "..."]


@pytest.mark.parametrize("where,args", documented_commands(),
                         ids=[w for w, _ in documented_commands()])
def test_every_documented_command_parses(where, args):
    parser = cli.build_parser()
    try:
        parsed = parser.parse_args(concrete(args))
    except SystemExit as exc:  # argparse's exit 2: the docs show a command that doesn't exist
        pytest.fail(f"{where}: does not parse (exit {exc.code})")
    assert callable(parsed.run)


def test_the_docs_show_the_organizer_commands():
    shown = " ".join(args for _, args in documented_commands())
    for command in ("session create", "session list", "session pin", "session setup-code",
                    "session set ", "cases load",
                    "tally export", "tally import"):
        assert command in shown, command
