"""The tally: count each submitted action once, total it, and move it between devices."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from dataclasses import asdict, dataclass, field, fields, replace

from w4r import sessions, untrusted
from w4r.cases import Problem, unexpected
from w4r.terms import ACTIONS, CASE_ID, LETTER_KINDS, SUBMISSION_ID, WRITTEN
from w4r import db as storage
from w4r.db import Database, now_iso, transaction

SOURCES = ("app", "cli", "import", "manual")
MAX_COUNT = 100_000
EXPORT_FORMAT = "w4r-tally"
EXPORT_VERSION = 1
MAX_IMPORT_ROWS = 500_000


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
_INSERT = (f"insert into actions ({', '.join(_COLUMNS)}, first_name) "
           f"values ({', '.join(':' + c for c in _COLUMNS)}, :first_name) "
           "on conflict do nothing")


@dataclass
class Totals:
    """What a session has counted."""

    session: sessions.Session
    total: int = 0  # every action: letters, cards, e-mails, petition signatures, posts
    letters: int = 0  # the letters, cards and e-mails among them
    by_kind: dict[str, int] = field(default_factory=dict)
    by_case: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def progress(self) -> float:
        """The share of the goal reached, from 0.0 to 1.0 (0.0 without a goal)."""
        return min(self.total / self.session.goal, 1.0) if self.session.goal else 0.0


@dataclass(frozen=True)
class Row:
    """One line of a tally broken down by case, kind and action."""

    case_id: str
    kind: str
    action: str
    count: int


@dataclass(frozen=True)
class Recent:
    """A counted action as the projector shows it: the case, and a first name if shown."""

    case_id: str
    kind: str
    first_name: str
    counted_at: str
    action: str = "letter"
    count: int = 1


@dataclass
class Export:
    """A tally export read back: its actions, its problems, and what it says of its session."""

    actions: list[Action] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    session: dict = field(default_factory=dict)
    letters: list[dict] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did: how many actions were new and how many were already counted."""

    new: int = 0
    already: int = 0
    new_letters: int = 0
    new_by_case: dict[str, int] = field(default_factory=dict)
    kept_letters: int = 0


def new_submission_id() -> str:
    """Return a fresh submission id (made once per draft, so a letter counts once)."""
    return uuid.uuid4().hex


def action_problems(action: Action) -> list[str]:
    """List what is wrong with an action, as `field: problem` texts."""
    problems = []
    if not SUBMISSION_ID.match(action.submission_id or ""):
        problems.append("submission_id: must be 1-64 letters, digits or ._:- characters")
    if sessions.code_problem(action.session_code or ""):
        problems.append("session: " + sessions.code_problem(action.session_code or ""))
    if not CASE_ID.match(action.case_id or ""):
        problems.append("case: must be a case id (lowercase letters, digits, hyphens)")
    if action.kind not in LETTER_KINDS:
        problems.append(f"kind: must be one of {', '.join(LETTER_KINDS)}")
    if action.action not in ACTIONS:
        problems.append(f"action: must be one of {', '.join(ACTIONS)}")
    if isinstance(action.count, bool) or not isinstance(action.count, int) \
            or not 1 <= action.count <= MAX_COUNT:
        problems.append(f"count: must be a whole number from 1 to {MAX_COUNT:,}")
    if action.source not in SOURCES:
        problems.append(f"source: must be one of {', '.join(SOURCES)}")
    return problems


def record(db: Database, action: Action, first_name: str = "") -> bool:
    """Count an action once: True if it is new, False if its submission id was already counted.

    A first name is stored only when given (sessions that show names on the projector).
    """
    if problems := action_problems(action):
        raise ValueError("; ".join(problems))
    row = asdict(action) | {"counted_at": action.counted_at or now_iso(),
                            "first_name": first_name or None}
    try:
        cursor = db.execute(_INSERT, row)
    except storage.INTEGRITY_ERRORS as exc:  # the foreign key: no such session
        raise ValueError(f"session: there is no session {action.session_code}") from exc
    return cursor.rowcount == 1


def short_name(name: str) -> str:
    """The first word of a typed name, at most 30 characters (all a projector needs)."""
    words = (name or "").replace(",", " ").split()
    return words[0].strip(".;:!?()\"'")[:30] if words else ""


def is_counted(db: Database, submission_id: str) -> bool:
    """True when this submission id is already in the tally."""
    return bool(db.execute("select 1 from actions where submission_id = ?",
                           [submission_id]).fetchone())


def totals(db: Database, session: sessions.Session) -> Totals:
    """Return a session's totals, by kind and by case, from SQL aggregates."""
    result = Totals(session)
    rows = db.execute("select case_id, kind, action, sum(count) from actions where "
                      "session_code = ? group by case_id, kind, action", [session.code]).fetchall()
    for case_id, kind, action, count in rows:
        result.total += count
        result.letters += count if action in WRITTEN else 0
        result.by_kind[kind] = result.by_kind.get(kind, 0) + count
        by_kind = result.by_case.setdefault(case_id, {})
        by_kind[kind] = by_kind.get(kind, 0) + count
    return result


def breakdown(db: Database, session_code: str) -> list[Row]:
    """A session's tally by case, kind and action (an SQL aggregate), biggest first."""
    rows = db.execute("select case_id, kind, action, sum(count) as n from actions "
                      "where session_code = ? group by case_id, kind, action "
                      "order by n desc, case_id, kind, action", [session_code]).fetchall()
    return [Row(*row) for row in rows]


def latest(db: Database, session_code: str, limit: int = 8) -> list[Recent]:
    """The most recently counted actions of a session, newest first (ties: the later insert;
    rowid is SQLite's own, an identity column on PostgreSQL)."""
    rows = db.execute("select case_id, kind, coalesce(first_name, ''), counted_at, action, count "
                      "from actions where session_code = ? order by counted_at desc, rowid desc "
                      "limit ?",
                      [session_code, limit]).fetchall()
    return [Recent(*row) for row in rows]


def session_totals(db: Database, codes: list[str]) -> dict[str, int]:
    """The total of each of these sessions (0 for a session with nothing counted)."""
    result = dict.fromkeys(codes, 0)
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for code, total in db.execute(f"select session_code, sum(count) from actions where "
                                      f"session_code in ({marks}) group by session_code", chunk):
            result[code] = total
    return result


def by_year(db: Database, codes: list[str] | None = None) -> dict[int, int]:
    """Totals per campaign year (the year an action was counted), of some sessions or of all."""
    if codes is None:
        rows = db.execute("select substr(counted_at, 1, 4), sum(count) from actions "
                          "group by substr(counted_at, 1, 4)")
    else:
        marks = ", ".join("?" * len(codes)) or "null"
        rows = db.execute(f"select substr(counted_at, 1, 4), sum(count) from actions where "
                          f"session_code in ({marks}) group by substr(counted_at, 1, 4)", codes)
    return {int(year): total for year, total in rows if year and year.isdigit()}


def session_actions(db: Database, session_code: str) -> list[Action]:
    """Return every counted action of a session, oldest first."""
    rows = db.query(f"select {', '.join(_COLUMNS)} from actions where session_code = ? "
                    "order by counted_at, submission_id", [session_code])
    return [Action(**row) for row in rows]


# --- moving a tally between devices ------------------------------------------


def export_tally(db: Database, session: sessions.Session, fmt: str,
                 letters: list[dict] | None = None) -> str:
    """Export a session's actions as CSV or JSON text; letter text only when passed in (JSON)."""
    actions = session_actions(db, session.code)
    if fmt == "json":
        data = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "session": asdict(session),
                "exported_at": now_iso(), "actions": [asdict(a) for a in actions]}
        if letters is not None:
            data["letters"] = letters
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(untrusted.safe_csv_row(asdict(a)) for a in actions)
        return out.getvalue()
    raise ValueError("format must be csv or json")


def parse_export(raw: bytes, label: str) -> Export:
    """Read a CSV or JSON tally export; return its actions, session, letters and every problem.

    Never raises for bad content: every problem is a `file: field: problem` line.
    """
    try:
        return _parse_export(raw, label)
    except untrusted.Refused as exc:
        return Export(problems=[Problem(untrusted.safe_label(label), exc.where, str(exc))])
    except Exception as exc:  # the last-resort guard: a problem line, never a traceback
        return Export(problems=[unexpected(label, exc)])


def _parse_export(raw: bytes, label: str) -> Export:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Export(problems=[Problem(label, "(file)", f"is not UTF-8 text (byte {exc.start})")])
    if text.lstrip().startswith("{"):
        (rows, problems), found = _json_rows(text, label)
    else:
        (rows, problems), found = _csv_rows(text, label), Export()
    found.problems = problems
    for where, row in rows:
        unknown = set(row) - set(_COLUMNS)
        found.problems += [Problem(label, f"{where}.{name}", "unknown column")
                           for name in sorted(map(str, unknown))[:20]]
        action = Action(
            submission_id=str(row.get("submission_id") or ""),
            session_code=str(row.get("session_code") or ""), case_id=str(row.get("case_id") or ""),
            kind=str(row.get("kind") or ""), action=str(row.get("action") or "letter"),
            count=_count(row.get("count")),
            counted_at=str(row.get("counted_at") or ""), source="import")
        wrong = action_problems(action)
        if action.counted_at:
            try:
                action = replace(action, counted_at=untrusted.counted_time(action.counted_at))
            except untrusted.Refused as exc:
                wrong.append(f"counted_at: {exc}")
        found.problems += [Problem(label, f"{where}.{p.split(':', 1)[0]}", p.split(': ', 1)[1])
                           for p in wrong]
        if not wrong:
            found.actions.append(action)
    for i, item in enumerate(found.letters):
        found.problems += [Problem(label, f"letters[{i}].{where}", message)
                           for where, message in letter_problems(item)]
    return found


def letter_problems(item: dict) -> list[tuple[str, str]]:
    """What is wrong with one kept letter of an export, as (field, problem) pairs."""
    from w4r import kept  # kept builds on the tally

    found = []
    if not SUBMISSION_ID.match(str(item.get("submission_id") or "")):
        found.append(("submission_id", "must be 1-64 letters, digits or ._:- characters"))
    if not isinstance(item.get("parts", {}), dict):
        found.append(("parts", "must be a mapping of the letter's parts"))
    if item.get("status", "new") not in kept.STATUSES:
        found.append(("status", f"must be one of {', '.join(kept.STATUSES)}"))
    if not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?", str(item.get("lang") or "en")):
        found.append(("lang", "must be a language code such as en, fr or pt-BR"))
    if item.get("kept_at"):
        try:
            untrusted.counted_time(str(item["kept_at"]))
        except untrusted.Refused as exc:
            found.append(("kept_at", str(exc)))
    return found


def _count(value: object) -> int:
    """Read a count cell: empty means 1; anything but a whole number becomes -1 (invalid)."""
    if isinstance(value, bool):
        return -1
    if value is None or value == "":
        return 1
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{1,9}", text):
        return -1
    return int(text)


def _json_rows(text: str, label: str) -> tuple[tuple[list[tuple[str, dict]], list[Problem]],
                                              Export]:
    """The action rows of a JSON export, and its session and letters (in an Export)."""
    extra = Export()
    data = untrusted.load_json(text)
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        return ([], [Problem(label, "format", f"is not a w4r tally export (format: "
                                              f"{EXPORT_FORMAT})")]), extra
    if data.get("version") != EXPORT_VERSION:
        return ([], [Problem(label, "version", f"{str(data.get('version'))[:20]!r} is not a "
                                               f"version this w4r reads ({EXPORT_VERSION})")]), extra
    actions = data.get("actions")
    if not isinstance(actions, list):
        return ([], [Problem(label, "actions", "must be a list")]), extra
    if len(actions) > MAX_IMPORT_ROWS:
        return ([], [Problem(label, "actions", f"holds {len(actions):,} actions; at most "
                                               f"{MAX_IMPORT_ROWS:,} in one file")]), extra
    if isinstance(data.get("session"), dict):
        extra.session = data["session"]
    if isinstance(data.get("letters"), list):
        extra.letters = [item for item in data["letters"] if isinstance(item, dict)]
    rows, problems = [], []
    for i, item in enumerate(actions):
        if isinstance(item, dict):
            rows.append((f"actions[{i}]", item))
        else:
            problems.append(Problem(label, f"actions[{i}]", "must be an object"))
    return (rows, problems), extra


def _csv_rows(text: str, label: str) -> tuple[list[tuple[str, dict]], list[Problem]]:
    header, found = untrusted.csv_rows(text, MAX_IMPORT_ROWS)
    missing = {"submission_id", "session_code", "case_id", "kind"} - set(header)
    if missing:
        return [], [Problem(label, "(header)", f"missing columns: {', '.join(sorted(missing))}")]
    rows, problems = [], []
    for line, row in found:
        if None in row:
            problems.append(Problem(label, f"line {line}", "has more cells than the header"))
            continue
        rows.append((f"line {line}", row))
    return rows, problems


def already_counted(db: Database, actions: list[Action]) -> int:
    """How many of these actions this device has counted already (nothing is written)."""
    ids = [a.submission_id for a in actions]
    found = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found += db.execute(f"select count(*) from actions where submission_id in "
                            f"({', '.join('?' * len(chunk))})", chunk).fetchone()[0]
    return found


def merge(db: Database, into: str, export: Export,
          map_other_sessions: bool = False) -> ImportResult:
    """Merge an export into one existing session in one transaction: the counts and the letters.

    Actions of another session are refused (ValueError, nothing written) unless
    `map_other_sessions`, when they are counted for `into`. No session is ever created. Letter
    text is kept only when the session keeps text, for actions it has counted.
    """
    from w4r import kept  # kept builds on the tally

    if export.problems:
        raise ValueError("the export has problems; nothing was merged")
    session = sessions.get(db, into)
    if session is None:
        raise ValueError(f"session: there is no session {sessions.normalize_code(into)}; "
                         "create it first, then merge into it")
    others = sorted({a.session_code for a in export.actions} - {session.code})
    if others and not map_other_sessions:
        raise ValueError(f"session: the file holds actions of {', '.join(others[:10])}, not "
                         f"{session.code}; nothing was merged (merge them into {session.code} "
                         "on purpose to count them there)")
    result = ImportResult()
    with transaction(db):
        for action in export.actions:
            row = asdict(action) | {"session_code": session.code,
                                    "counted_at": action.counted_at or now_iso(),
                                    "first_name": None}
            if db.execute(_INSERT, row).rowcount == 1:
                result.new += 1
                result.new_letters += action.count
                result.new_by_case[action.case_id] = (result.new_by_case.get(action.case_id, 0)
                                                      + action.count)
            else:
                result.already += 1
        if session.keep_text and export.letters:
            result.kept_letters = kept.insert_imported(db, export.letters, session.code)
    return result
