"""CLI: `print batch` (kept letters by case, cover sheets, labels, a CUPS printer) and the
layout and sender options of `letter pdf`."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from test_cli import assert_one_clear_line, letter_args, run_main
from w4r import db as w4r_db
from w4r import kept, letters, sessions
from w4r.cases import load_cases

from conftest import SHIPPED_CASES_DIR

LETTERS = [("yecenia-armenta", "appeal", "I urge you to act."),
           ("jani-silva", "solidarity", "You are not alone, Jani."),
           ("yecenia-armenta", "solidarity", "Stay strong, Yecenia.")]


@pytest.fixture
def kept_db(tmp_path):
    """A database whose session KEEP keeps the text of three counted letters."""
    path = tmp_path / "w4r.db"
    database = w4r_db.connect(path)
    session = sessions.create(database, "Class 7B", code="KEEP", keep_text=True)
    found = load_cases(SHIPPED_CASES_DIR)
    for case_id, kind, message in LETTERS:
        draft = letters.start(found.get(case_id), kind)
        draft.message, draft.name = message, "Ana"
        assert kept.count(database, session, draft)
    database.conn.close()
    return path


def pages_text(path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(str(path)).pages]


def test_a_batch_groups_letters_by_case_after_a_cover_sheet(capsys, kept_db, tmp_path):
    out = tmp_path / "batch.pdf"
    code, _, err = run_main(capsys, "--db", kept_db, "print", "batch", "--session", "keep",
                            "-o", out)
    assert code == 0, err
    assert "3 letters" in err
    texts = pages_text(out)
    joined = " | ".join(texts)
    # Cases sorted by name: Jani Silva, then Yecenia Armenta (appeals before solidarity).
    order = [joined.index(words) for words in ("You are not alone, Jani.", "I urge you to act.",
                                               "Stay strong, Yecenia.")]
    assert order == sorted(order)
    covers = [t for t in texts if "do not post them" in t]  # past cases: practice
    assert len(covers) == 3, "a cover sheet per case and kind"
    assert any("Re: Yecenia Armenta" in t for t in texts), "appeals carry the subject line"


def test_one_case_and_labels(capsys, kept_db, tmp_path):
    out, labels = tmp_path / "batch.pdf", tmp_path / "labels.pdf"
    code, _, err = run_main(capsys, "--db", kept_db, "print", "batch", "--session", "KEEP",
                            "--case", "jani-silva", "--paper", "letter", "-o", out,
                            "--labels", labels)
    joined = " ".join(pages_text(out))
    assert "Jani" in joined and "Yecenia" not in joined
    # no appeal in this selection: no address to print, said plainly
    assert code == 1 and "address" in err.lower()


def test_a_session_without_kept_letters_says_why(capsys, tmp_path):
    path = tmp_path / "w4r.db"
    sessions.create(w4r_db.connect(path), "Counting only", code="COUNT")
    code, _, err = run_main(capsys, "--db", path, "print", "batch", "--session", "COUNT",
                            "-o", tmp_path / "x.pdf")
    assert code == 1
    assert "does not keep letter text" in assert_one_clear_line(err)


def test_the_batch_goes_to_the_printer_through_lp(capsys, kept_db, tmp_path, fake_lp):
    out = tmp_path / "batch.pdf"
    code, _, err = run_main(capsys, "--db", kept_db, "print", "batch", "--session", "KEEP",
                            "-o", out, "--printer", "hall")
    assert code == 0, err
    args = (tmp_path / "args").read_text().splitlines()
    assert args[args.index("-d") + 1] == "hall"
    assert (tmp_path / "sent.pdf").read_bytes() == out.read_bytes()
    assert "hall-7" in err


def test_a_missing_lp_is_a_clear_message(capsys, kept_db, tmp_path, no_lp):
    code, _, err = run_main(capsys, "--db", kept_db, "print", "batch", "--session", "KEEP",
                            "-o", tmp_path / "b.pdf", "--printer", "hall")
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("print:") and "lp" in last and "Traceback" not in err


def test_letter_pdf_as_a_card_and_with_a_sender_town(capsys, tmp_path):
    source = tmp_path / "m.txt"
    source.write_text("You are not alone.", encoding="utf-8")
    card = tmp_path / "card.pdf"
    code, _, err = run_main(capsys, "letter", "pdf", "--case", "jani-silva", "--kind",
                            "solidarity", "--text-file", source, "-o", card, "--layout", "card")
    assert code == 0, err
    page = PdfReader(str(card)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height), "a landscape sheet, folded"
    letter_pdf = tmp_path / "appeal.pdf"
    code, _, err = run_main(capsys, *letter_args(source, letter_pdf, "--name", "Ana",
                                                 "--town", "Kraków"))
    assert code == 0, err
    text = " ".join(pages_text(letter_pdf))
    assert "Kraków" in text and re.search(r"Re: \w+", text)


def test_an_appeal_as_a_card_is_refused(capsys, tmp_path):
    source = tmp_path / "m.txt"
    source.write_text("Please act.", encoding="utf-8")
    code, _, err = run_main(capsys, *letter_args(source, tmp_path / "x.pdf", "--layout", "card"))
    assert code == 1 and "appeal" in assert_one_clear_line(err)
