"""Case packs: this year's cases uploaded as YAML, JSON, a zip of them or a CSV, kept in the database."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from w4r import untrusted
from w4r.cases import (MAX_FILE_BYTES, Case, CaseSet, Problem, parse_case, parse_case_bytes,
                       unexpected)
from w4r.db import Database, now_iso, transaction

MAX_PACK_BYTES = 5 * 1024 * 1024       # everything uploaded at once, as sent
MAX_UNPACKED_BYTES = 5 * 1024 * 1024   # everything read, zip members unpacked, together
MAX_MEMBER_BYTES = 1024 * 1024         # one JSON or CSV file (a YAML file: MAX_FILE_BYTES)
MAX_MEMBERS = 200                      # files in a zip
MAX_RATIO = 100                        # how much a zip member may grow when unpacked
MAX_ROWS = 1000                        # cases in one CSV or JSON file, and in the whole pack
MAX_PROBLEMS = 200                     # reading stops after this many problems
MAX_SECONDS = 1.5                      # reading stops after this long (one upload at a time)
CASE_SUFFIXES = (".yaml", ".yml", ".json", ".csv")
CSV_TOP = ("id", "name", "country", "year", "status", "summary", "story", "outcome", "quote",
           "quote_source", "tags")
CSV_APPEAL = ("addressee_name", "addressee_title", "salutation", "address", "ask", "language")
CSV_SOLIDARITY = ("to", "greeting", "greeting_language", "mention_amnesty", "religious_content",
                  "send_to")
CSV_SOURCE = ("title", "publisher", "date", "url", "note")
CSV_COLUMNS = (*CSV_TOP, *(f"appeal.{c}" for c in CSV_APPEAL),
               *(f"solidarity.{c}" for c in CSV_SOLIDARITY), *(f"source.{c}" for c in CSV_SOURCE))
_YES = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


@dataclass
class Pack:
    """The cases read from an upload, each with the YAML text that will be stored."""

    cases: list[tuple[Case, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Stop(Exception):
    """Reading the pack stops here (too many problems or cases, or out of time)."""


@dataclass
class _Reading:
    """One pack being read, and what it has used of its limits."""

    pack: Pack
    deadline: float | None
    unpacked: int = 0

    def problem(self, file: str, where: str, message: str) -> None:
        self.pack.problems.append(Problem(untrusted.safe_label(file), where, message))
        self.check()

    def check(self) -> None:
        """Stop reading when the pack has used up its problems, cases or time."""
        if len(self.pack.problems) > MAX_PROBLEMS:
            del self.pack.problems[MAX_PROBLEMS:]
            self.pack.problems.append(Problem("(pack)", "(problems)", f"more than {MAX_PROBLEMS} "
                                              "problems: reading stopped; fix these first"))
            raise _Stop
        if len(self.pack.cases) > MAX_ROWS:
            self.pack.problems.append(Problem("(pack)", "(cases)", f"holds more than {MAX_ROWS:,} "
                                              "cases; split it"))
            raise _Stop
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.pack.problems.append(Problem("(pack)", "(file)", f"took more than {MAX_SECONDS} s "
                                              "to read: reading stopped; split it"))
            raise _Stop

    def use(self, label: str, size: int) -> bool:
        """Count bytes read against the pack's limit; False (and a problem) when over it."""
        self.unpacked += size
        if self.unpacked > MAX_UNPACKED_BYTES:
            self.problem(label, "(file)", f"the pack is more than {MAX_UNPACKED_BYTES // 2**20} MB "
                                          "of text; split it")
            return False
        return True


def pack_digest(files: list[tuple[str, bytes]]) -> str:
    """A sha256 of an upload's names and bytes: the same upload gives the same digest."""
    digest = hashlib.sha256()
    for name, raw in files:
        label = name.encode("utf-8", "replace")
        digest.update(f"{len(label)}:{len(raw)}:".encode() + label + raw)
    return digest.hexdigest()


def read_pack(filename: str, raw: bytes) -> Pack:
    """Read an uploaded case file or pack; list every problem as `file: field: problem`."""
    return read_files([(filename, raw)])


def read_files(files: list[tuple[str, bytes]], seconds: float | None = MAX_SECONDS) -> Pack:
    """Read several uploaded files as one pack (a case id may appear only once in all).

    Pure and bounded: never raises for bad content, and stops after MAX_SECONDS.
    """
    reading = _Reading(Pack(), untrusted.deadline_in(seconds))
    pack = reading.pack
    total = sum(len(raw) for _, raw in files)
    if total > MAX_PACK_BYTES:
        pack.problems.append(Problem("(upload)", "(file)", f"is {total:,} bytes; a pack may have "
                                                           f"at most {MAX_PACK_BYTES:,}"))
        return pack
    try:
        for filename, raw in files:
            before = len(pack.cases) + len(pack.problems)
            try:
                _read_into(reading, filename, raw, depth=0)
            except (_Stop, MemoryError):
                raise
            except Exception as exc:  # the last-resort guard: a problem line naming the file
                pack.problems.append(unexpected(filename, exc))
            if len(pack.cases) + len(pack.problems) == before:
                reading.problem(filename, "(file)", "holds no cases")
    except _Stop:
        pass
    except MemoryError:
        pack.problems.append(Problem("(upload)", "(file)", "is too big to read"))
    seen: dict[str, str] = {}
    for case, _ in pack.cases:
        if case.id in seen:
            pack.problems.append(Problem(case.file, "id", f"{case.id!r} is already used by "
                                                          f"{seen[case.id]}"))
        seen.setdefault(case.id, case.file)
    return pack


def _read_into(reading: _Reading, label: str, raw: bytes, depth: int) -> None:
    reading.check()
    suffix = PurePosixPath(label).suffix.lower()
    if suffix == ".zip":
        if depth:
            reading.problem(label, "(file)", "is a zip inside a zip: put its files in the pack")
        else:
            _read_zip(reading, label, raw)
        return
    if suffix not in CASE_SUFFIXES:
        reading.problem(label, "(file)", "is not a case file: use .yaml, .yml, .json, .csv or "
                                         "a .zip of them")
        return
    if not reading.use(label, len(raw)):
        return
    if suffix in (".yaml", ".yml"):
        case, problems = parse_case_bytes(raw, label, reading.deadline)
        _add(reading, case, problems, raw.decode("utf-8-sig", "replace") if case else "")
        return
    if len(raw) > MAX_MEMBER_BYTES:
        reading.problem(label, "(file)", f"is {len(raw):,} bytes; a {suffix[1:].upper()} file "
                                         f"may have at most {MAX_MEMBER_BYTES:,}")
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reading.problem(label, "(file)", f"is not UTF-8 text (byte {exc.start})"
                        + ("; save the sheet as CSV UTF-8" if suffix == ".csv" else ""))
        return
    try:
        if suffix == ".json":
            _read_json(reading, label, text)
        else:
            _read_csv(reading, label, text)
    except untrusted.Refused as exc:
        reading.problem(label, exc.where, str(exc))


def _add(reading: _Reading, case: Case | None, problems: list[Problem], text: str) -> None:
    reading.pack.problems.extend(problems)
    if case is not None:
        reading.pack.cases.append((case, text))
    reading.check()


def _as_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _read_json(reading: _Reading, label: str, text: str) -> None:
    data = untrusted.load_json(text)
    items = data if isinstance(data, list) else [data]
    if len(items) > MAX_ROWS:
        raise untrusted.Refused(f"holds {len(items):,} items; at most {MAX_ROWS:,}")
    for i, item in enumerate(items):
        where = f"{label}[{i}]" if isinstance(data, list) else label
        case, problems = parse_case(item, where)
        _add(reading, case, problems, _as_yaml(item) if case else "")


def _read_csv(reading: _Reading, label: str, text: str) -> None:
    header, rows = untrusted.csv_rows(text, MAX_ROWS, reading.deadline)
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        for column in unknown[:20]:
            reading.problem(label, column[:80], "unknown column (a typo?); known: "
                                                + ", ".join(CSV_COLUMNS))
        return
    for line, row in rows:
        if None in row:
            reading.problem(f"{label} line {line}", "(row)", "has more cells than the header")
            continue
        where = f"{label} line {line}"
        data, cell_problems = _csv_case(row)
        case, problems = parse_case(data, where)
        bad_cells = {field for field, _ in cell_problems}  # not also "missing (required)"
        problems = [p for p in problems if p.field not in bad_cells]
        problems += [Problem(where, field, message) for field, message in cell_problems]
        if cell_problems:
            case = None  # the cell problems are listed beside the case's own ones
        _add(reading, case, problems, _as_yaml(data) if case else "")


def _csv_case(row: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
    """One CSV row as the mapping a case file holds (empty cells left out), and cell problems."""
    cells = {k: (v or "").strip() for k, v in row.items()}
    data: dict = {k: cells[k] for k in CSV_TOP if cells.get(k)}
    problems: list[tuple[str, str]] = []
    if "year" in data:
        if data["year"].isdigit():
            data["year"] = int(data["year"])
        else:
            problems.append(("year", f"must be a whole number, got {data.pop('year')!r}"))
    if "tags" in data:
        data["tags"] = [t.strip() for t in data["tags"].split(";") if t.strip()]
    appeal = {k: cells.get(f"appeal.{k}", "") for k in CSV_APPEAL}
    appeal["address"] = [line.strip() for line in appeal["address"].replace("|", "\n").splitlines()
                         if line.strip()]
    data["appeal"] = {k: v for k, v in appeal.items() if v}
    solidarity: dict = {}
    for key in CSV_SOLIDARITY:
        value = cells.get(f"solidarity.{key}", "")
        if value and key in ("mention_amnesty", "religious_content"):
            if value.lower() in _YES:
                solidarity[key] = _YES[value.lower()]
            else:
                problems.append((f"solidarity.{key}", f"must be yes or no, got {value!r}"))
        elif value:
            solidarity[key] = value
    data["solidarity"] = solidarity
    source = {k: cells.get(f"source.{k}", "") for k in CSV_SOURCE}
    data["sources"] = [{k: v for k, v in source.items() if v}] if source["title"] else []
    return data, problems


def _read_zip(reading: _Reading, label: str, raw: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = [m for m in archive.infolist() if not m.is_dir()
                   and not PurePosixPath(m.filename).name.startswith(".")
                   and not m.filename.startswith("__MACOSX/")]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, UnicodeDecodeError, ValueError, OSError,
            EOFError):
        reading.problem(label, "(file)", "is not a readable zip file")
        return
    if len(members) > MAX_MEMBERS:
        reading.problem(label, "(file)", f"holds {len(members)} files; at most {MAX_MEMBERS}")
        return
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        reading.problem(label, "(file)", f"unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
        return
    for member in members:
        name = f"{label}/{member.filename}"
        suffix = PurePosixPath(member.filename).suffix.lower()
        if suffix not in CASE_SUFFIXES:
            reading.problem(name, "(file)", "is not a case file (.yaml, .yml, .json or .csv)"
                            + ("; a zip inside a zip is not read" if suffix == ".zip" else ""))
            continue
        data = _unpack(reading, archive, member, name)
        if data is not None:
            _read_into(reading, name, data, depth=1)


def _unpack(reading: _Reading, archive: zipfile.ZipFile, member: zipfile.ZipInfo,
            name: str) -> bytes | None:
    """A member's bytes, read in chunks and never more than its limits (whatever its header says)."""
    limit = MAX_FILE_BYTES if name.lower().endswith((".yaml", ".yml")) else MAX_MEMBER_BYTES
    chunks, size = [], 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(64 * 1024):
                size += len(chunk)
                chunks.append(chunk)
                if size > limit:
                    reading.problem(name, "(file)", f"unpacks to more than {limit:,} bytes")
                    return None
                if size > MAX_RATIO * max(member.compress_size, 1) + 4096:
                    reading.problem(name, "(file)", f"unpacks to more than {MAX_RATIO} times "
                                                    "its packed size (a zip bomb?)")
                    return None
                reading.check()
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError,
            ValueError) as exc:
        reading.problem(name, "(file)", f"cannot be unpacked: {type(exc).__name__}")
        return None
    return b"".join(chunks)


# --- cases kept in the database, each for one session ----------------------------------------


def store(db: Database, session_code: str, pack: Pack) -> int:
    """Store a valid pack's cases for one session (replacing its stored ones with the same id);
    nothing if the pack has problems. Other sessions never see them."""
    if pack.problems:
        raise ValueError("the pack has problems; nothing was stored")
    with transaction(db):
        for case, text in pack.cases:
            db.execute("insert into case_files (session_code, id, file, text, updated_at) "
                       "values (?, ?, ?, ?, ?) on conflict(session_code, id) do update set "
                       "file = excluded.file, text = excluded.text, "
                       "updated_at = excluded.updated_at",
                       [session_code, case.id, case.file, text, now_iso()])
    return len(pack.cases)


def save_text(db: Database, session_code: str, text: str, label: str,
              case_id: str | None = None) -> Case:
    """Validate an edited case file and store it for one session; raise ValueError listing
    every problem."""
    pack = Pack()
    case, problems = parse_case_bytes(text.encode("utf-8", "surrogatepass"), label)
    if case is not None and case_id and case.id != case_id:
        problems = [Problem(label, "id", f"changing the id ({case_id} → {case.id}) is not "
                                         "allowed here: upload it as a new case")]
    if problems:
        raise ValueError("\n".join(map(str, problems)))
    pack.cases.append((case, text))
    store(db, session_code, pack)
    return case


def remove(db: Database, session_code: str, case_id: str) -> bool:
    """Forget a session's upload or edit of a case (a shipped case comes back as it was)."""
    return db.execute("delete from case_files where session_code = ? and id = ?",
                      [session_code, case_id]).rowcount == 1


def signature(db: Database, session_code: str) -> str:
    """A digest of a session's stored cases that changes whenever one does (to refresh a cache)."""
    digest = hashlib.blake2b(digest_size=16)
    for case_id, text in db.execute("select id, text from case_files where session_code = ? "
                                    "order by id", [session_code]):
        digest.update(f"{case_id}\0{text}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def stored_text(db: Database, session_code: str, case_id: str) -> str | None:
    """The stored YAML of a session's uploaded or edited case, or None."""
    row = db.execute("select text from case_files where session_code = ? and id = ?",
                     [session_code, case_id]).fetchone()
    return row[0] if row else None


def merged(shipped: CaseSet, db: Database, session_code: str) -> CaseSet:
    """The content folder's cases with one session's stored ones on top (its case wins on its id)."""
    result = CaseSet(problems=list(shipped.problems))
    stored: dict[str, Case] = {}
    for file, text in db.execute("select file, text from case_files where session_code = ? "
                                 "order by id", [session_code]):
        case, problems = parse_case_bytes(text.encode("utf-8", "surrogatepass"), file)
        result.problems.extend(problems)
        if case is not None:
            stored[case.id] = case
    result.cases = [stored.pop(c.id, c) for c in shipped.cases] + list(stored.values())
    result.cases.sort(key=lambda c: (c.status != "current", -c.year, c.name))
    return result


def editable_text(db: Database, session_code: str, case: Case, folder: Path) -> str:
    """The YAML of a case to edit: the session's stored text, or the shipped file's."""
    stored = stored_text(db, session_code, case.id)
    if stored is not None:
        return stored
    try:
        return (folder / case.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
