"""Every demo text against its source: quotes word for word in the seed documents they cite,
every cited document present, and the screenshots' sample letters adding no fact."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "content" / "sources"
INDEX = yaml.safe_load((SOURCES / "index.yaml").read_text(encoding="utf-8"))
TITLES = {entry["title"]: SOURCES / entry["file"] for entry in INDEX}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_listed_source_is_shipped_with_its_origin():
    assert sorted(p.name for p in SOURCES.glob("*.txt")) == sorted(e["file"] for e in INDEX)
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    for entry in INDEX:
        assert entry["file"] in readme and "../shared/seeds/" in readme


def test_every_case_cites_a_shipped_source(cases):
    for case in cases.cases:
        for source in case.sources:
            assert source.title in TITLES, (case.id, source.title)


def test_every_quote_is_word_for_word_in_the_source_it_cites(cases):
    quoted = 0
    for case in cases.cases:
        if not case.quote:
            continue
        cited = re.search(r'quoted in "([^"]+)"', case.quote_source)
        assert cited and cited.group(1) in TITLES, (case.id, case.quote_source)
        source = squash(TITLES[cited.group(1)].read_text(encoding="utf-8"))
        assert squash(case.quote) in source, case.id
        quoted += 1
    assert quoted >= 7


def test_a_changed_quote_is_caught(cases):
    source = squash(TITLES["A History of Letter Writing"].read_text(encoding="utf-8"))
    quote = cases.get("yecenia-armenta").quote
    assert squash(quote) in source
    assert squash(quote.replace("[received]", "received")) not in source


def test_the_bekzhanov_summary_keeps_the_year_of_the_extension(cases):
    summary = cases.get("muhammad-bekzhanov").summary
    assert "Just before his release in 2011, his sentence was extended" in summary


# --- the screenshots' sample letters ----------------------------------------------------------

# The writer's own details (who they are, where they write from) and ordinary words that may
# start with a capital: none of them is a fact about the person written to.
WRITER = {"Dear", "You", "Today", "We", "I", "Lyon", "France", "Léa", "Tomasz", "Sam", "People",
          "Tu", "Les", "Stay", "13"}  # "a class of 13-year-olds": the writers


@pytest.fixture(scope="module")
def screenshots():
    sys.path[:0] = [str(ROOT / "scripts")]
    try:
        return importlib.import_module("screenshots")
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def samples(screenshots):
    """(case id, text) of every sample letter the screenshots type."""
    found = [(case_id, message) for case_id, _, message, _ in screenshots.KEPT_LETTERS]
    found += [("yecenia-armenta", text) for text in screenshots.SOLIDARITY_STEPS if text]
    found += [("yecenia-armenta", text) for text in screenshots.KIOSK_MESSAGE.values()]
    return found


def test_sample_letters_name_nothing_the_case_file_does_not_give(cases, screenshots):
    for case_id, text in samples(screenshots):
        case = cases.get(case_id)
        given = " ".join([case.name, case.country, case.summary, case.story, case.outcome,
                          case.quote])
        for word in re.findall(r"\b[A-ZÀ-Ý][\w'-]*|\d(?:[\d,]*\d)?", text):
            assert word in WRITER or word in given, (case_id, word, text)


def test_sample_letters_hope_for_nothing_that_already_happened(cases, screenshots):
    for case_id, text in samples(screenshots):
        if re.search(r"\b(released|freed|acquitted)\b", cases.get(case_id).outcome):
            assert not re.search(r"family soon|\bfree\b|release you|be released", text), text
    assert "Putumayo" not in " ".join(text for _, text in samples(screenshots))


def test_the_readme_calls_the_printed_sample_what_it_is():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "A printed appeal (rendered from the PDF)" not in readme
    assert "A printed solidarity message (rendered from the PDF" in readme
