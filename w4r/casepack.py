"""Case packs: this year's cases uploaded as YAML, JSON, a zip of them or a CSV, kept in the database."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from w4r.cases import MAX_FILE_BYTES, Case, CaseSet, Problem, parse_case, parse_case_bytes
from w4r.db import Database, now_iso, transaction

MAX_PACK_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 500
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


def read_pack(filename: str, raw: bytes) -> Pack:
    """Read an uploaded case file or pack; list every problem as `file: field: problem`."""
    return read_files([(filename, raw)])


def read_files(files: list[tuple[str, bytes]]) -> Pack:
    """Read several uploaded files as one pack (a case id may appear only once in all)."""
    pack = Pack()
    for filename, raw in files:
        before = len(pack.cases) + len(pack.problems)
        _read_into(pack, filename, raw, depth=0)
        if len(pack.cases) + len(pack.problems) == before:
            pack.problems.append(Problem(filename, "(file)", "holds no cases"))
    seen: dict[str, str] = {}
    for case, _ in pack.cases:
        if case.id in seen:
            pack.problems.append(Problem(case.file, "id", f"{case.id!r} is already used by "
                                                          f"{seen[case.id]}"))
        seen.setdefault(case.id, case.file)
    return pack


def _read_into(pack: Pack, label: str, raw: bytes, depth: int) -> None:
    suffix = PurePosixPath(label).suffix.lower()
    if suffix in (".yaml", ".yml"):
        case, problems = parse_case_bytes(raw, label)
        _add(pack, case, problems, raw.decode("utf-8-sig", "replace") if case else "")
    elif suffix == ".json":
        _read_json(pack, label, raw)
    elif suffix == ".csv":
        _read_csv(pack, label, raw)
    elif suffix == ".zip" and depth == 0:
        _read_zip(pack, label, raw)
    else:
        pack.problems.append(Problem(label, "(file)", "is not a case file: use .yaml, .yml, "
                                                      ".json, .csv or a .zip of them"))


def _add(pack: Pack, case: Case | None, problems: list[Problem], text: str) -> None:
    pack.problems.extend(problems)
    if case is not None:
        pack.cases.append((case, text))


def _as_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _read_json(pack: Pack, label: str, raw: bytes) -> None:
    if len(raw) > MAX_FILE_BYTES * 20:
        pack.problems.append(Problem(label, "(file)", f"is {len(raw):,} bytes; too big"))
        return
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        pack.problems.append(Problem(label, "(file)", f"is not UTF-8 text (byte {exc.start})"))
        return
    except json.JSONDecodeError as exc:
        pack.problems.append(Problem(label, "(file)", f"is not valid JSON (line {exc.lineno}: "
                                                      f"{exc.msg})"))
        return
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        where = f"{label}[{i}]" if isinstance(data, list) else label
        case, problems = parse_case(item, where)
        _add(pack, case, problems, _as_yaml(item) if case else "")


def _read_csv(pack: Pack, label: str, raw: bytes) -> None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        pack.problems.append(Problem(label, "(file)", f"is not UTF-8 text (byte {exc.start}); "
                                                      "save the sheet as CSV UTF-8"))
        return
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in CSV_COLUMNS]
    for column in unknown:
        pack.problems.append(Problem(label, column, "unknown column (a typo?); known: "
                                                    + ", ".join(CSV_COLUMNS)))
    if unknown:
        return
    for line, row in enumerate(reader, start=2):
        if None in row:
            pack.problems.append(Problem(f"{label} line {line}", "(row)",
                                         "has more cells than the header"))
            continue
        where = f"{label} line {line}"
        data, cell_problems = _csv_case(row)
        case, problems = parse_case(data, where)
        bad_cells = {field for field, _ in cell_problems}  # not also "missing (required)"
        problems = [p for p in problems if p.field not in bad_cells]
        pack.problems += [Problem(where, field, message) for field, message in cell_problems]
        if cell_problems:
            case = None  # the cell problems are listed beside the case's own ones
        _add(pack, case, problems, _as_yaml(data) if case else "")


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


def _read_zip(pack: Pack, label: str, raw: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = [m for m in archive.infolist() if not m.is_dir()
                   and not PurePosixPath(m.filename).name.startswith(".")
                   and not m.filename.startswith("__MACOSX/")]
    except zipfile.BadZipFile:
        pack.problems.append(Problem(label, "(file)", "is not a readable zip file"))
        return
    if len(members) > MAX_MEMBERS:
        pack.problems.append(Problem(label, "(file)", f"holds {len(members)} files; at most "
                                                      f"{MAX_MEMBERS}"))
        return
    if sum(m.file_size for m in members) > MAX_PACK_BYTES:
        pack.problems.append(Problem(label, "(file)", f"unpacks to more than "
                                                      f"{MAX_PACK_BYTES // 2**20} MB"))
        return
    for member in members:
        name = f"{label}/{member.filename}"
        if PurePosixPath(member.filename).suffix.lower() not in (".yaml", ".yml", ".json", ".csv"):
            pack.problems.append(Problem(name, "(file)", "is not a case file (.yaml, .yml, "
                                                         ".json or .csv)"))
            continue
        try:
            data = archive.read(member)
        except (zipfile.BadZipFile, RuntimeError, OSError) as exc:
            pack.problems.append(Problem(name, "(file)", f"cannot be unpacked: {exc}"))
            continue
        _read_into(pack, name, data, depth=1)


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
