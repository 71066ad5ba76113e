"""PDF: the one module that uses fpdf2, laying a letter out on A4 or US Letter paper."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from w4r.config import FONTS_DIR
from w4r.letters import Letter

PAPERS = {"a4": "A4", "letter": "Letter"}
FONT_FAMILY = "NotoSans"
FONT_FILES = {"": FONTS_DIR / "NotoSans-Regular.ttf", "B": FONTS_DIR / "NotoSans-Bold.ttf"}
MARGIN_MM = 25
FONT_SIZE = 12
LINE_MM = 6.2


class UnsupportedText(ValueError):
    """The letter uses a script the shipped fonts cannot print; the message names it."""


@dataclass(frozen=True)
class Printed:
    """A built PDF and the notes a writer should read (characters left out)."""

    data: bytes
    pages: int
    notes: tuple[str, ...] = ()


@lru_cache(maxsize=4)
def covered(font: Path = FONT_FILES[""]) -> frozenset[int]:
    """Return the code points a font file has glyphs for."""
    with TTFont(str(font), lazy=True) as ttf:
        return frozenset(ttf.getBestCmap())


_DROPPABLE = {"Me", "Sk", "So", "Cf"}  # emoji parts: keycaps, modifiers, pictures, joiners


def _is_variation_selector(char: str) -> bool:
    return unicodedata.name(char, "").startswith("VARIATION SELECTOR")


def _script_name(char: str) -> str:
    """Name the script of a character from its Unicode name ('ARABIC LETTER MEEM' → 'Arabic')."""
    name = unicodedata.name(char, "")
    for prefix in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL"):
        if name.startswith(prefix):
            return {"CJK": "Chinese/Japanese (Han)"}.get(prefix, prefix.title())
    return name.split(" ")[0].title() if name else f"U+{ord(char):04X}"


def check_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Return the text with uncovered symbols (emoji) dropped and a note; raise for other scripts."""
    have = covered()
    missing = sorted({c for c in text if ord(c) not in have and not c.isspace()})
    letters = [c for c in missing if unicodedata.category(c) not in _DROPPABLE
               and unicodedata.category(c)[0] in "LNM" and not _is_variation_selector(c)]
    if letters:
        scripts = sorted({_script_name(c) for c in letters})
        sample = "".join(letters[:8])
        raise UnsupportedText(
            f"This letter uses {', '.join(scripts)} characters ({sample}) that this version of "
            "w4r cannot print yet. Letters in Latin, Greek and Cyrillic letters print today; "
            "you can still count your letter and write it out by hand.")
    if not missing:
        return text, ()
    kept = "".join(c for c in text if c not in set(missing))
    shown = [c for c in missing if unicodedata.category(c) not in ("Me", "Cf", "Mn")]
    note = (f"Left out {len(shown) or len(missing)} symbol(s) the printer font does not have "
            f"({''.join(shown[:10])}): emoji and pictures do not print yet.")
    return kept, (note,)


def build(letter: Letter, paper: str = "a4") -> Printed:
    """Lay out one letter as a PDF (a new FPDF for every document)."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    parts = [letter.date, *letter.addressee, letter.greeting, *letter.paragraphs,
             letter.closing, letter.name]
    notes: list[str] = []
    cleaned = []
    for part in parts:
        text, part_notes = check_text(part)
        cleaned.append(text)
        notes += [n for n in part_notes if n not in notes]
    date_text, *rest = cleaned
    addressee = rest[:len(letter.addressee)]
    greeting, *rest = rest[len(letter.addressee):]
    paragraphs, (closing, name) = rest[:-2], rest[-2:]

    pdf = FPDF(format=PAPERS[paper], unit="mm")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    pdf.set_title(f"Write for Rights {letter.kind} letter")
    pdf.set_creator("w4r")
    for style, path in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, str(path))
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "", FONT_SIZE)

    def block(text: str, align: str = "L", gap: float = LINE_MM) -> None:
        pdf.multi_cell(0, LINE_MM, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    block(date_text, align="R")
    if addressee:
        block("\n".join(addressee))
    block(greeting, gap=LINE_MM / 2)
    for paragraph in paragraphs:
        block(paragraph, gap=LINE_MM / 2)
    pdf.ln(LINE_MM / 2)
    block(closing, gap=0)
    if name:
        pdf.set_font(FONT_FAMILY, "B", FONT_SIZE)
        block(name, gap=0)
    return Printed(bytes(pdf.output()), pdf.pages_count, tuple(notes))
