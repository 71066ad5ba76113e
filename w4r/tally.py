"""The tally: count each submitted action once, total it, and move it between devices."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import uuid
from dataclasses import asdict, dataclass, field, fields

from w4r import sessions
from w4r.cases import Problem
from w4r.db import Database, now_iso, transaction

KINDS = ("appeal", "solidarity")
ACTIONS = ("letter", "card", "email", "petition", "social")
SOURCES = ("app", "cli", "import")
MAX_COUNT = 100_000
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
EXPORT_FORMAT = "w4r-tally"
EXPORT_VERSION = 1


@dataclass(frozen=True)
class Action:
    """One counted action: a letter, card, e-mail… (or N of them entered at once)."""

    submission_id: str
    session_code: str
    case_id: str
    kind: str
    action: str = "letter"
    count: int = 1
    counted_at: str = ""
    source: str = "app"


_COLUMNS = [f.name for f in fields(Action)]
_INSERT = (f"insert or ignore into actions ({', '.join(_COLUMNS)}) "
           f"values ({', '.join(':' + c for c in _COLUMNS)})")


@dataclass
class Totals:
    """What a session has counted."""

    session: sessions.Session
    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_case: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def progress(self) -> float:
        """The share of the goal reached, from 0.0 to 1.0 (0.0 without a goal)."""
        return min(self.total / self.session.goal, 1.0) if self.session.goal else 0.0


@dataclass
class ImportResult:
    """What an import did: how many actions were new and how many were already counted."""

    new: int = 0
    already: int = 0
    new_letters: int = 0


def new_submission_id() -> str:
    """Return a fresh submission id (made once per draft, so a letter counts once)."""
    return uuid.uuid4().hex


def action_problems(action: Action) -> list[str]:
    """List what is wrong with an action, as `field: problem` texts."""
    problems = []
    if not ID_PATTERN.match(action.submission_id or ""):
        problems.append("submission_id: must be 1-64 letters, digits or ._:- characters")
    if sessions.code_problem(action.session_code or ""):
        problems.append("session: " + sessions.code_problem(action.session_code or ""))
    if not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", action.case_id or ""):
        problems.append("case: must be a case id (lowercase letters, digits, hyphens)")
    if action.kind not in KINDS:
        problems.append(f"kind: must be one of {', '.join(KINDS)}")
    if action.action not in ACTIONS:
        problems.append(f"action: must be one of {', '.join(ACTIONS)}")
    if isinstance(action.count, bool) or not isinstance(action.count, int) \
            or not 1 <= action.count <= MAX_COUNT:
        problems.append(f"count: must be a whole number from 1 to {MAX_COUNT:,}")
    if action.source not in SOURCES:
        problems.append(f"source: must be one of {', '.join(SOURCES)}")
    return problems


def record(db: Database, action: Action) -> bool:
    """Count an action once: True if it is new, False if its submission id was already counted."""
    if problems := action_problems(action):
        raise ValueError("; ".join(problems))
    row = asdict(action) | {"counted_at": action.counted_at or now_iso()}
    try:
        cursor = db.execute(_INSERT, row)
    except sqlite3.IntegrityError as exc:  # the foreign key: no such session
        raise ValueError(f"session: there is no session {action.session_code}") from exc
    return cursor.rowcount == 1


def is_counted(db: Database, submission_id: str) -> bool:
    """True when this submission id is already in the tally."""
    return bool(db.execute("select 1 from actions where submission_id = ?",
                           [submission_id]).fetchone())


def totals(db: Database, session: sessions.Session) -> Totals:
    """Return a session's totals, by kind and by case, from SQL aggregates."""
    result = Totals(session)
    rows = db.execute("select case_id, kind, sum(count) from actions where session_code = ? "
                      "group by case_id, kind", [session.code]).fetchall()
    for case_id, kind, count in rows:
        result.total += count
        result.by_kind[kind] = result.by_kind.get(kind, 0) + count
        result.by_case.setdefault(case_id, {})[kind] = count
    return result


def session_actions(db: Database, session_code: str) -> list[Action]:
    """Return every counted action of a session, oldest first."""
    rows = db.query(f"select {', '.join(_COLUMNS)} from actions where session_code = ? "
                    "order by counted_at, submission_id", [session_code])
    return [Action(**row) for row in rows]


# --- moving a tally between devices ------------------------------------------


def export_tally(db: Database, session: sessions.Session, fmt: str) -> str:
    """Export a session's actions as CSV or JSON text (never any letter text)."""
    actions = session_actions(db, session.code)
    if fmt == "json":
        return json.dumps({"format": EXPORT_FORMAT, "version": EXPORT_VERSION,
                           "session": asdict(session), "exported_at": now_iso(),
                           "actions": [asdict(a) for a in actions]},
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(asdict(a) for a in actions)
        return out.getvalue()
    raise ValueError("format must be csv or json")


def parse_export(raw: bytes, label: str) -> tuple[list[Action], list[Problem]]:
    """Read a CSV or JSON tally export; return its actions and every problem found."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(label, "(file)", f"is not UTF-8 text (byte {exc.start})")]
    if text.lstrip().startswith("{"):
        rows, problems = _json_rows(text, label)
    else:
        rows, problems = _csv_rows(text, label)
    actions: list[Action] = []
    for where, row in rows:
        unknown = set(row) - set(_COLUMNS)
        problems += [Problem(label, f"{where}.{name}", "unknown column") for name in sorted(unknown)]
        action = Action(
            submission_id=str(row.get("submission_id") or ""),
            session_code=str(row.get("session_code") or ""), case_id=str(row.get("case_id") or ""),
            kind=str(row.get("kind") or ""), action=str(row.get("action") or "letter"),
            count=_count(row.get("count")),
            counted_at=str(row.get("counted_at") or ""), source="import")
        found = action_problems(action)
        problems += [Problem(label, f"{where}.{p.split(':', 1)[0]}", p.split(': ', 1)[1])
                     for p in found]
        if not found:
            actions.append(action)
    return actions, problems


def _count(value: object) -> int:
    """Read a count cell: empty means 1; anything but a whole number becomes -1 (invalid)."""
    if isinstance(value, bool):
        return -1
    if value is None or value == "":
        return 1
    try:
        return int(str(value))
    except ValueError:
        return -1


def _json_rows(text: str, label: str) -> tuple[list[tuple[str, dict]], list[Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [Problem(label, "(file)", f"is not valid JSON (line {exc.lineno}: {exc.msg})")]
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        return [], [Problem(label, "format", f"is not a w4r tally export (format: {EXPORT_FORMAT})")]
    if data.get("version") != EXPORT_VERSION:
        return [], [Problem(label, "version", f"{data.get('version')!r} is not a version this "
                                              f"w4r reads ({EXPORT_VERSION})")]
    actions = data.get("actions")
    if not isinstance(actions, list):
        return [], [Problem(label, "actions", "must be a list")]
    rows, problems = [], []
    for i, item in enumerate(actions):
        if isinstance(item, dict):
            rows.append((f"actions[{i}]", item))
        else:
            problems.append(Problem(label, f"actions[{i}]", "must be an object"))
    return rows, problems


def _csv_rows(text: str, label: str) -> tuple[list[tuple[str, dict]], list[Problem]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"submission_id", "session_code", "case_id", "kind"} - set(reader.fieldnames or [])
    if missing:
        return [], [Problem(label, "(header)", f"missing columns: {', '.join(sorted(missing))}")]
    rows, problems = [], []
    for line, row in enumerate(reader, start=2):
        if None in row:
            problems.append(Problem(label, f"line {line}", "has more cells than the header"))
            continue
        rows.append((f"line {line}", row))
    return rows, problems


def import_actions(db: Database, actions: list[Action]) -> ImportResult:
    """Add actions from another device, each submission id counted once, all in one transaction."""
    result = ImportResult()
    with transaction(db):
        for code in sorted({a.session_code for a in actions}):
            sessions.ensure(db, code)
        for action in actions:
            row = asdict(action) | {"counted_at": action.counted_at or now_iso()}
            if db.execute(_INSERT, row).rowcount == 1:
                result.new += 1
                result.new_letters += action.count
            else:
                result.already += 1
    return result
