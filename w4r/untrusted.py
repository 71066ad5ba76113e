"""The door for files the app did not write: bounded YAML, JSON and CSV reading, safe CSV cells.

Everything here turns a hostile file into a plain `Refused` (a ValueError saying why in plain
words), never into a crash: impossible dates, huge numbers, deep nesting, lone surrogates,
oversized cells, too many nodes or rows, and a file that takes too long to read.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any

import yaml

MAX_DEPTH = 32            # nesting of mappings and lists (a case file needs 3)
MAX_NODES = 5_000         # values in one YAML document (a case file has about 100)
MAX_INT_DIGITS = 18       # a whole number in a content file is a year or a count
CSV_FIELD_LIMIT = 128 * 1024
FIRST_YEAR = 2001         # Write for Rights began in 2001: nothing is counted before
CLOCK_SKEW = timedelta(minutes=10)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class Refused(ValueError):
    """A file (or a value in it) refused at the door; `where` names the field, or (file)."""

    def __init__(self, message: str, where: str = "(file)") -> None:
        self.where = where
        super().__init__(message)


def deadline_in(seconds: float | None) -> float | None:
    """The monotonic time by which reading must be done (None: no limit)."""
    return None if seconds is None else time.monotonic() + seconds


def check_deadline(deadline: float | None) -> None:
    """Raise Refused when the time to read a file or pack has run out."""
    if deadline is not None and time.monotonic() > deadline:
        raise Refused("took too long to read; nothing was read (split it into smaller files)")


class _BadValue(yaml.constructor.ConstructorError):
    """A YAML value that parses but cannot be a value (an impossible date, a huge number)."""


# --- YAML ----------------------------------------------------------------------------------

class StrictLoader(yaml.SafeLoader):
    """Safe YAML with limits: no aliases, no field twice, bounded depth, size, numbers and time."""

    what = "file"
    deadline: float | None = None

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def fetch_more_tokens(self) -> None:
        check_deadline(self.deadline)
        super().fetch_more_tokens()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*name) are not allowed in a {self.what}", event.start_mark)
        self._nodes += 1
        self._depth += 1
        mark = self.peek_event().start_mark
        if self._nodes > MAX_NODES:
            raise yaml.composer.ComposerError(
                None, None, f"holds more than {MAX_NODES:,} values", mark)
        if self._depth > MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"is nested more than {MAX_DEPTH} levels deep", mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)):
                continue  # an odd key is reported by the field checks, not here
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the field {key!r} appears twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)

    def construct_bounded_int(self, node: Any) -> int:
        """A whole number of at most MAX_INT_DIGITS digits (Python refuses 4,300 and more)."""
        digits = re.sub(r"[^0-9a-fA-F]", "", str(node.value))
        if len(digits) > MAX_INT_DIGITS:
            raise _BadValue(
                None, None, f"a number with {len(digits):,} digits is too large",
                node.start_mark)
        value = yaml.SafeLoader.construct_yaml_int(self, node)
        if abs(value) >= 10 ** MAX_INT_DIGITS:
            raise _BadValue(None, None, "a number is too large", node.start_mark)
        return value

    def construct_real_date(self, node: Any) -> Any:
        """A date or time that exists (2024-02-30 does not)."""
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(self, node)
        except (ValueError, OverflowError):
            raise _BadValue(
                None, None, f"{str(node.value)[:40]!r} is not a real date", node.start_mark
            ) from None


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_bounded_int)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_real_date)


def load_yaml(text: str, what: str = "file", deadline: float | None = None) -> Any:
    """Parse YAML text with StrictLoader; raise Refused saying where and why it failed."""
    loader_class = type("Loader", (StrictLoader,), {"what": what, "deadline": deadline})
    try:
        data = yaml.load(text, Loader=loader_class)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or "the file is not valid YAML"
        if isinstance(exc, _BadValue):
            raise Refused(f"the value{where}: {reason}") from None
        raise Refused(f"YAML syntax error{where}: {reason}") from None
    except RecursionError:
        raise Refused(f"is nested more than {MAX_DEPTH} levels deep") from None
    check_plain(data)
    return data


# --- JSON ----------------------------------------------------------------------------------

def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise Refused(f"a number with {len(text):,} digits is too large")
    return int(text)


def _no_constant(name: str) -> Any:
    raise Refused(f"{name} is not a number a w4r file may hold")


def load_json(text: str) -> Any:
    """Parse JSON text with bounded numbers and depth; raise Refused saying why it failed."""
    try:
        data = json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise Refused(f"is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise Refused(f"is nested more than {MAX_DEPTH} levels deep") from None
    check_plain(data)
    return data


# --- plain data ------------------------------------------------------------------------------

def text_problem(text: str) -> str | None:
    """Say why a string is not text that can be stored and shown (a lone surrogate), or None."""
    if _SURROGATE.search(text):
        return "holds a broken character (a lone surrogate such as \\ud800), which is not text"
    return None


def check_plain(data: Any) -> None:
    """Refuse parsed data nested too deeply or holding a string that is not real text."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Refused(f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, str):
            if problem := text_problem(value):
                raise Refused(problem, path or "(file)")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and text_problem(key):
                    raise Refused("a field name " + text_problem(key), path or "(file)")
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))


def safe_label(label: str) -> str:
    """A file name fit to print in a problem line (a broken character becomes ?)."""
    return _SURROGATE.sub("?", str(label))[:300]


# --- CSV -----------------------------------------------------------------------------------

csv.field_size_limit(CSV_FIELD_LIMIT)


def csv_rows(text: str, max_rows: int,
             deadline: float | None = None) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and (line, row) pairs of CSV text; raise Refused for a bad or too long file."""
    reader = csv.DictReader(io.StringIO(text))
    rows: list[tuple[int, dict]] = []
    try:
        header = list(reader.fieldnames or [])
        for row in reader:
            if len(rows) >= max_rows:
                raise Refused(f"has more than {max_rows:,} rows")
            rows.append((len(rows) + 2, row))  # the header is line 1
            if len(rows) % 100 == 0:
                check_deadline(deadline)
    except csv.Error as exc:
        reason = str(exc)
        if "field limit" in reason:
            reason = f"a cell is longer than {CSV_FIELD_LIMIT:,} characters"
        raise Refused(f"line {reader.line_num}: {reason}") from None
    return header, rows


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell a spreadsheet will not run: '=…', '+…', '-…', '@…' get a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """Every cell of a row made safe with csv_cell."""
    return {key: csv_cell(value) for key, value in row.items()}


# --- dates ---------------------------------------------------------------------------------

def counted_time(text: str, now: datetime | None = None) -> str:
    """A past ISO date-time (or date) since 2001 as `YYYY-MM-DDTHH:MM:SS+00:00`; else Refused."""
    text = (text or "").strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
                          r"(Z|[+-]\d{2}:?\d{2})?", text):
            moment = datetime.fromisoformat(text)
        else:
            raise ValueError
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        moment = moment.astimezone(timezone.utc).replace(microsecond=0)
    except (ValueError, OverflowError):
        raise Refused("must be a date and time like 2026-12-10T14:30:00+00:00") from None
    now = now or datetime.now(timezone.utc)
    if moment.year < FIRST_YEAR:
        raise Refused(f"is before {FIRST_YEAR}, when Write for Rights began")
    if moment > now + CLOCK_SKEW:
        raise Refused("is in the future")
    return moment.isoformat()
