"""Kept letters: the text of counted letters, stored only where the organizer chose to keep it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import date

from w4r import letters, pdf, tally, untrusted
from w4r.cases import CaseSet
from w4r.db import Database, now_iso, transaction
from w4r.sessions import Session

STATUSES = ("new", "printed", "sent")
PARTS = letters.FIELDS


@dataclass(frozen=True)
class KeptLetter:
    """A counted letter whose text the session keeps for review and batch printing."""

    submission_id: str
    session_code: str
    case_id: str
    kind: str
    lang: str
    parts: dict[str, str]
    status: str = "new"
    hidden: bool = False
    kept_at: str = ""

    @property
    def day(self) -> date:
        """The day the letter was counted (the date it carries when printed later)."""
        try:
            return date.fromisoformat(self.kept_at[:10])
        except ValueError:
            return date.today()

    def draft(self) -> letters.Draft:
        """The letter as a draft again, to compose and print it."""
        return letters.Draft(self.case_id, self.kind, self.submission_id,
                             **{name: self.parts.get(name, "") for name in PARTS})


_COLUMNS = [f.name for f in fields(KeptLetter)]


def _from_row(row: dict) -> KeptLetter:
    parts = json.loads(row["parts"])
    return KeptLetter(**(row | {"parts": {k: str(parts.get(k, "")) for k in PARTS},
                                "hidden": bool(row["hidden"])}))


def count(db: Database, session: Session, draft: letters.Draft, lang: str = "en", *,
          before: Callable[[Database], None] | None = None) -> bool:
    """Count a finished draft once; keep its text and show its first name if the session says so.

    The count and the kept text are written in one transaction: both or neither. `before` runs
    first inside it (a rule that may raise, such as a kiosk's pace, sees no other writer).
    """
    action = tally.Action(submission_id=draft.submission_id, session_code=session.code,
                          case_id=draft.case_id, kind=draft.kind)
    name = tally.short_name(draft.name) if session.show_names else ""
    with transaction(db):
        if before is not None:
            before(db)
        new = tally.record(db, action, first_name=name)
        if new and session.keep_text:
            _insert(db, KeptLetter(draft.submission_id, session.code, draft.case_id, draft.kind,
                                   lang, {k: getattr(draft, k) for k in PARTS},
                                   kept_at=now_iso()))
    return new


def _insert(db: Database, letter: KeptLetter) -> bool:
    row = asdict(letter) | {"parts": json.dumps(letter.parts, ensure_ascii=False),
                            "hidden": int(letter.hidden)}
    cursor = db.execute(f"insert into letters ({', '.join(_COLUMNS)}) values "
                        f"({', '.join(':' + c for c in _COLUMNS)}) on conflict do nothing", row)
    return cursor.rowcount == 1


def listing(db: Database, session_code: str, *, hidden: bool = False,
            case_id: str | None = None) -> list[KeptLetter]:
    """The kept letters of a session by case, oldest first; hidden ones only when asked for."""
    where, params = "session_code = ?", [session_code]
    if not hidden:
        where += " and hidden = 0"
    if case_id:
        where, params = where + " and case_id = ?", params + [case_id]
    rows = db.query(f"select {', '.join(_COLUMNS)} from letters where {where} "
                    "order by case_id, kept_at, submission_id", params)
    return [_from_row(row) for row in rows]


def status_counts(db: Database, session_code: str) -> dict[str, int]:
    """How many kept letters of a session are new, printed, sent or hidden."""
    result = dict.fromkeys((*STATUSES, "hidden"), 0)
    for status, hidden, n in db.execute("select status, hidden, count(*) from letters where "
                                        "session_code = ? group by status, hidden",
                                        [session_code]):
        result["hidden" if hidden else status] += n
    return result


def mark(db: Database, session_code: str, submission_ids: list[str], status: str) -> int:
    """Mark kept letters printed, sent or new again; return how many changed."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    with transaction(db):
        return sum(db.execute("update letters set status = ? where session_code = ? and "
                              "submission_id = ?", [status, session_code, sid]).rowcount
                   for sid in submission_ids)


def hide(db: Database, session_code: str, submission_id: str, hidden: bool = True) -> bool:
    """Hide a kept letter from review and batch printing (or show it again)."""
    return db.execute("update letters set hidden = ? where session_code = ? and "
                      "submission_id = ?", [int(hidden), session_code, submission_id]).rowcount == 1


def delete(db: Database, session_code: str, submission_id: str) -> bool:
    """Delete one letter's text; its count stays in the tally."""
    return db.execute("delete from letters where session_code = ? and submission_id = ?",
                      [session_code, submission_id]).rowcount == 1


def delete_all(db: Database, session_code: str) -> int:
    """Delete every letter text and shown first name of a session; the counts stay."""
    with transaction(db):
        gone = db.execute("delete from letters where session_code = ?", [session_code]).rowcount
        db.execute("update actions set first_name = null where session_code = ? and "
                   "first_name is not null", [session_code])
    return gone


def for_export(db: Database, session_code: str) -> list[dict]:
    """The kept letters of a session as plain dicts, for a JSON export the organizer asked for."""
    return [asdict(letter) for letter in listing(db, session_code, hidden=True)]


def insert_imported(db: Database, items: list[dict], session_code: str) -> int:
    """Keep letters that came with an export, for actions of this session; return how many.

    Opens no transaction of its own: `tally.merge` calls it inside the merge's one transaction.
    """
    added = 0
    for item in items:
        parts = item.get("parts")
        sid = str(item.get("submission_id") or "")
        counted = db.execute("select case_id, kind from actions where submission_id = ? and "
                             "session_code = ?", [sid, session_code]).fetchone()
        if not counted or not isinstance(parts, dict):
            continue
        status = item.get("status") if item.get("status") in STATUSES else "new"
        try:
            kept_at = untrusted.counted_time(str(item.get("kept_at") or ""))
        except untrusted.Refused:
            kept_at = now_iso()
        added += _insert(db, KeptLetter(
            sid, session_code, counted[0], counted[1], str(item.get("lang") or "en")[:12],
            {k: letters.clean(str(parts.get(k, "")))[:letters.MAX_FIELD] for k in PARTS},
            status=status, hidden=item.get("hidden") is True, kept_at=kept_at))
    return added


def batch(db: Database, session_code: str, found: CaseSet,
          case_id: str | None = None) -> tuple[list[pdf.BatchItem], list[str]]:
    """The session's kept letters (not hidden) ready to print as a batch, and the ids of cases
    that are no longer loaded (their letters can't be laid out)."""
    items, missing = [], []
    for item in listing(db, session_code, case_id=case_id):
        case = found.get(item.case_id)
        if case is None:
            missing.append(item.case_id)
            continue
        items.append(pdf.BatchItem(case, letters.for_print(item.draft(), case, item.day,
                                                           item.lang)))
    return items, sorted(set(missing))
