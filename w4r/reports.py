"""Reports: the printable summary of what a class or event wrote (a certificate), and the
section report (a row per case × kind × action, totals, participants, dates in the session's
time zone) as CSV, JSON or PDF."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone, tzinfo
from functools import partial
from zoneinfo import ZoneInfo

from babel.dates import format_date

from w4r import DISCLAIMER, i18n, pdf, tally, terms, untrusted
from w4r.db import Database
from w4r.i18n import N_
from w4r.sessions import Session, in_group

OTHER_LABELS = {"petition": "petition signature", "social": "social media post"}


def plural(count: int, word: str) -> str:
    """'1 letter', '2 letters'."""
    return f"{count:,} {word}{'s' * (count != 1)}"


def summary(db: Database, session: Session, names: dict[str, str],
            day: date | None = None) -> pdf.Report:
    """What a session wrote, by case, as a report: "Class 7B wrote 132 letters for 8 cases"."""
    rows = tally.breakdown(db, session.code)
    written: dict[str, int] = {}
    other: dict[str, int] = {}
    for row in rows:
        if row.action in terms.WRITTEN:
            written[row.case_id] = written.get(row.case_id, 0) + row.count
        else:
            other[row.action] = other.get(row.action, 0) + row.count
    total = sum(written.values())
    headline = f"{session.name} wrote {plural(total, 'letter')} for {plural(len(written), 'case')}"
    if other:
        headline += " and added " + ", ".join(plural(n, OTHER_LABELS[action])
                                              for action, n in sorted(other.items()))
    day = day or date.today()
    when = format_date(day, format="long", locale="en_GB")
    lines = tuple((names.get(case_id, case_id), plural(n, "letter"))
                  for case_id, n in sorted(written.items(), key=lambda item: (-item[1], item[0])))
    if session.goal:
        lines += (("Our goal", plural(session.goal, "letter")),)
    who = f" · {session.organizer}" if session.organizer else ""
    return pdf.Report(title=f"Write for Rights {day.year} · {when}{who}",
                      headline=headline + ".", rows=lines,
                      footer=f"Thank you for writing. Counted with w4r. {DISCLAIMER}")


# --- the section report: what a national section asks for ------------------------------------

KIND_NAMES = {"appeal": N_("Appeals"), "solidarity": N_("Solidarity messages")}
CSV_COLUMNS = ("school_or_event", "session", "case", "case_id", "kind", "action", "count")


def total_of(lines: Iterable[Line]) -> int:
    """Every action counted on these report lines."""
    return sum(line.count for line in lines)


def letters_of(lines: Iterable[Line]) -> int:
    """The letters written (not the other actions) on these report lines."""
    return sum(line.count for line in lines if line.action in terms.WRITTEN)


@dataclass(frozen=True)
class Line:
    """One line of a section report: a case, a kind of message and an action, with its count."""

    case_id: str
    case: str
    kind: str
    action: str
    count: int


@dataclass(frozen=True)
class Section:
    """What one session (or every session of a school or event that opted in) counted."""

    grouping: str
    sessions: tuple[tuple[str, str], ...]  # (code, name)
    lines: tuple[Line, ...]
    participants: int  # distinct submission ids of the letters written in the app
    head_count: int  # the organizers' own head counts, added up (0: not given)
    first: str  # the first and last action, in the time zone below ("" when nothing counted)
    last: str
    timezone: str

    @property
    def total(self) -> int:
        return total_of(self.lines)

    @property
    def letters(self) -> int:
        return letters_of(self.lines)

    def by(self, attribute: str) -> dict[str, int]:
        """The totals by case_id, kind or action."""
        found: dict[str, int] = {}
        for line in self.lines:
            key = getattr(line, attribute)
            found[key] = found.get(key, 0) + line.count
        return found


def zone(session: Session) -> tzinfo:
    """The session's time zone, or the machine's when the session names none."""
    if session.timezone:
        return ZoneInfo(session.timezone)
    return datetime.now().astimezone().tzinfo or timezone.utc


def machine_zone_name() -> str:
    """The name of this computer's time zone ('CET', 'UTC')."""
    return str(datetime.now().astimezone().tzname() or "UTC")


def zone_name(session: Session) -> str:
    """The name of the time zone the report's dates are in."""
    return session.timezone or machine_zone_name()


def local_time(iso: str, where: tzinfo) -> str:
    """An ISO time counted in UTC, written in a time zone ('2026-12-10 15:30')."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(where).strftime("%Y-%m-%d %H:%M")


def members(db: Database, session: Session, whole_group: bool = False) -> list[Session]:
    """The session, or with `whole_group` every session of its school or event that opted in
    (the leaderboard setting) and the session itself."""
    if not whole_group or not session.grouping:
        return [session]
    others = [s for s in in_group(db, session.grouping) if s.leaderboard and s.code != session.code]
    return [session, *sorted(others, key=lambda s: s.code)]


def section(db: Database, session: Session, names: dict[str, str],
            whole_group: bool = False) -> Section:
    """The section report of a session (or of its school or event, opted-in sessions only)."""
    return gather(db, members(db, session, whole_group), names, session.grouping, zone(session),
                  zone_name(session))


def gather(db: Database, included: list[Session], names: dict[str, str], grouping: str,
           where: tzinfo, zone_label: str) -> Section:
    """The section report over these sessions (and no other), dates in this time zone."""
    codes = [s.code for s in included] or [""]
    marks = ", ".join("?" * len(codes))
    rows = db.execute(f"select case_id, kind, action, sum(count) from actions where session_code "
                      f"in ({marks}) group by case_id, kind, action", codes).fetchall()
    lines = tuple(sorted((Line(case_id, names.get(case_id, case_id), kind, action, count)
                          for case_id, kind, action, count in rows),
                         key=lambda l: (l.case.casefold(), l.case_id, l.kind, l.action)))
    written = ", ".join("?" * len(terms.WRITTEN))
    participants = db.execute(
        f"select count(distinct submission_id) from actions where session_code in ({marks}) "
        f"and source = 'app' and action in ({written})", [*codes, *terms.WRITTEN]).fetchone()[0]
    first, last = db.execute(f"select min(counted_at), max(counted_at) from actions where "
                             f"session_code in ({marks})", codes).fetchone()
    return Section(grouping=grouping, sessions=tuple((s.code, s.name) for s in included),
                   lines=lines, participants=participants,
                   head_count=sum(s.head_count for s in included),
                   first=local_time(first or "", where), last=local_time(last or "", where),
                   timezone=zone_label)


def summary_rows(report: Section) -> list[tuple[str, str]]:
    """The report's facts after its table: totals by kind, action and case, people, dates."""
    rows = [("school or event", report.grouping),
            ("sessions", "; ".join(f"{name} ({code})" for code, name in report.sessions)),
            ("total actions", str(report.total)), ("letters (cards and e-mails included)",
                                                   str(report.letters))]
    rows += [(f"total {kind}", str(n)) for kind, n in sorted(report.by("kind").items())]
    rows += [(f"total {action}", str(n)) for action, n in sorted(report.by("action").items())]
    names = {line.case_id: line.case for line in report.lines}
    rows += [(f"total case {names[case_id]}", str(n))
             for case_id, n in sorted(report.by("case_id").items())]
    rows += [("participants (letters written in the app, distinct submissions)",
              str(report.participants)),
             ("participants counted by the organizer", str(report.head_count or "")),
             (f"first action ({report.timezone})", report.first),
             (f"last action ({report.timezone})", report.last)]
    return rows


def section_csv(report: Section) -> str:
    """The section report as CSV: a row per case × kind × action, then the totals and facts.
    Every cell is neutralised against spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    session_names = "; ".join(name for _, name in report.sessions)
    for line in report.lines:
        row = dict(zip(CSV_COLUMNS, (report.grouping, session_names, line.case, line.case_id,
                                     line.kind, line.action, line.count)))
        writer.writerow(untrusted.safe_csv_row(row).values())
    writer.writerow([])
    for label, value in summary_rows(report):
        writer.writerow([untrusted.csv_cell(label), untrusted.csv_cell(value)])
    return out.getvalue()


def section_json(report: Section) -> str:
    """The section report as JSON."""
    data = {"school_or_event": report.grouping,
            "sessions": [{"code": code, "name": name} for code, name in report.sessions],
            "rows": [asdict(line) for line in report.lines],
            "totals": {"actions": report.total, "letters": report.letters,
                       "by_kind": report.by("kind"), "by_action": report.by("action"),
                       "by_case": report.by("case_id")},
            "participants": {"letters_in_app": report.participants,
                             "head_count": report.head_count},
            "timezone": report.timezone, "first_action": report.first,
            "last_action": report.last}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def certificate(db: Database, session: Session, names: dict[str, str],
                day: date | None = None) -> pdf.Report:
    """A class's certificate in the session's language: its letters split by kind and case."""
    lang = session.language or "en"
    tr = partial(i18n.gettext, lang)
    report = section(db, session, names)
    by_case_kind: dict[str, dict[str, int]] = {}
    for line in report.lines:
        if line.action in terms.WRITTEN:
            kinds = by_case_kind.setdefault(line.case, {})
            kinds[line.kind] = kinds.get(line.kind, 0) + line.count
    by_kind = {kind: sum(k.get(kind, 0) for k in by_case_kind.values())
               for kind in terms.LETTER_KINDS}
    rows = [(tr(KIND_NAMES[kind]), i18n.number(by_kind[kind], lang))
            for kind in terms.LETTER_KINDS]
    for case in sorted(by_case_kind, key=str.casefold):
        split = " · ".join(f"{tr(KIND_NAMES[kind])} {i18n.number(n, lang)}"
                           for kind in terms.LETTER_KINDS if (n := by_case_kind[case].get(kind)))
        rows.append((case, split))
    day = day or datetime.now(zone(session)).date()
    place = f" · {session.grouping}" if session.grouping else ""
    return pdf.Report(
        title=f"Write for Rights {day.year} · {i18n.long_date(day, lang)}{place}",
        headline=tr(N_("Letters written by {name}: {count}")).format(
            name=session.name, count=i18n.number(report.letters, lang)),
        rows=tuple(rows), footer=tr(N_("Thank you for writing. Counted with w4r.")) + " " + DISCLAIMER)


def certificates(db: Database, session: Session, names: dict[str, str],
                 whole_group: bool = False) -> list[pdf.Report]:
    """A certificate per class: the session's, or every opted-in class of its school or event."""
    return [certificate(db, member, names) for member in members(db, session, whole_group)]


def section_page(report: Section) -> pdf.Report:
    """The section report as a printable page: a line per case, kind and action, then totals."""
    rows = [(f"{line.case} · {line.kind} · {line.action}", f"{line.count:,}")
            for line in report.lines]
    rows += [(label, value) for label, value in summary_rows(report) if value]
    place = report.grouping or "; ".join(name for _, name in report.sessions)
    return pdf.Report(title=f"Write for Rights · section report · {place}",
                      headline=f"{report.total:,} actions, {report.letters:,} letters",
                      rows=tuple(rows), footer=f"Counted with w4r. {DISCLAIMER}")


def section_pdf(db: Database, session: Session, names: dict[str, str],
                whole_group: bool = False, paper: str = "a4") -> bytes:
    """The section report page, then a certificate per class."""
    report = section(db, session, names, whole_group)
    return pdf.build_reports([section_page(report),
                              *certificates(db, session, names, whole_group)], paper).data
