"""Reports: the printable one-page summary of what a class or event wrote (a certificate)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from w4r import DISCLAIMER, pdf, tally, terms
from w4r.db import Database
from w4r.sessions import Session

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
