"""Reports: the one-page summary or certificate of what a session wrote."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from w4r import DISCLAIMER, pdf, reports, sessions, tally

NAMES = {"yecenia-armenta": "Yecenia Armenta", "jani-silva": "Jani Silva"}


def record(db, sid, case_id, kind="appeal", action="letter", count=1, session="K7B"):
    tally.record(db, tally.Action(sid, session, case_id, kind, action, count))


def test_the_headline_counts_letters_and_cases(db):
    session = sessions.create(db, "Class 7B", code="K7B", goal=150, organizer="Ms Nowak")
    for i in range(3):
        record(db, f"a{i}", "yecenia-armenta")
    record(db, "c1", "jani-silva", "solidarity", action="card", count=40)
    record(db, "p1", "jani-silva", "solidarity", action="petition", count=30)
    report = reports.summary(db, session, NAMES, day=date(2026, 12, 10))
    assert report.headline == ("Class 7B wrote 43 letters for 2 cases and added 30 petition "
                               "signatures.")
    assert report.rows == (("Jani Silva", "40 letters"), ("Yecenia Armenta", "3 letters"),
                           ("Our goal", "150 letters"))
    assert report.title == "Write for Rights 2026 · 10 December 2026 · Ms Nowak"
    assert DISCLAIMER in report.footer


def test_an_empty_session_and_singulars(db):
    session = sessions.create(db, "Stand", code="STAND", kind="event")
    assert reports.summary(db, session, {}).headline == "Stand wrote 0 letters for 0 cases."
    record(db, "x", "jani-silva", session="STAND")
    assert reports.summary(db, session, {}).headline == "Stand wrote 1 letter for 1 case."


def test_the_report_prints_on_one_page_in_any_script(db):
    session = sessions.create(db, "Klasa 7b – Zażółć · 七年级 · الصف", code="K7B")
    for i, case_id in enumerate(NAMES):
        record(db, f"l{i}", case_id)
    printed = pdf.build_report(reports.summary(db, session, NAMES), "letter")
    assert printed.pages == 1
    reader = PdfReader(io.BytesIO(printed.data))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Zażółć" in text and "Yecenia Armenta" in text and "1 letter" in text
    assert "not an official Amnesty International product" in text
    width = float(reader.pages[0].mediabox.width)
    assert round(width) == 612  # US Letter
