"""fpdf2 itself: the one module that imports fpdf2, imported when the first PDF is built.

fpdf2 brings fontTools, uharfbuzz and Pillow (about half a second and 30,000 objects at
import), which no page needs before a pupil prints: `w4r.pdf` lays out the pages and imports
this module for its first document, so a server's first page never pays for it.
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.line_break import Fragment

from w4r import fonts

__all__ = ["Sheets", "continues"]

# Tables fpdf2 drops from every font it embeds (`fpdf.output`, 2.8.9). fontTools' subsetter still
# decompiles the layout ones (GSUB, GPOS: large in Noto) before dropping them: half the time of
# writing a one-page letter. Shaping reads the font file itself, never these objects.
DROPPED = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC",
           "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR")


def continues(run: Fragment, after: Fragment) -> bool:
    """True when a run of text goes on in the next one: same style, cut only by a combining mark."""
    if not (run.characters and after.characters and run.has_same_style(after)):
        return False
    if unicodedata.category(after.characters[0])[0] == "M":
        return True
    base = next((c for c in reversed(run.characters) if unicodedata.category(c)[0] != "M"), "")
    return (unicodedata.category(run.characters[-1])[0] == "M" and bool(base)
            and fonts.script_of(base) == fonts.script_of(after.characters[0]))


@lru_cache(maxsize=32)
def _parsed_face(path: str, index: int, changed: int) -> TTFFont:
    """A font face as fpdf2 reads it (metrics and glyph ids of every character: ~100 ms for a
    Noto face), read once per process and file version; documents take copies of it."""
    reader = FPDF(unit="mm")
    reader.add_font("face", "", path, collection_font_number=index)
    return reader.fonts["face"]


def _face_for(document: FPDF, key: str, face: fonts.Face, parsed: TTFFont) -> TTFFont:
    """The document's own copy of a parsed face: what never changes is shared (the character
    map, the font descriptor), what a document changes is its own (widths looked up, glyphs
    used, and the fontTools font, which fpdf2 subsets in place when the PDF is written)."""
    font = copy.copy(parsed)
    font.i, font.fontkey, font.biggest_size_pt = len(document.fonts) + 1, key, 0
    font.cw, font.glyph_ids = parsed.cw.copy(), dict(parsed.glyph_ids)
    font.missing_glyphs, font._hbfont = [], None
    font.ttfont = ttLib.TTFont(str(face.path), fontNumber=face.index, lazy=True,
                               recalcTimestamp=False, recalcBBoxes=False)
    font.subset = SubsetMap(font)
    return font


class Sheets(FPDF):
    """An FPDF that loads font faces on first use and marks a letter's continuation pages."""

    def __init__(self, mark_mm: float = 3.0) -> None:
        super().__init__(unit="mm")
        self.page_of_letter: int | None = None  # None: pages are not counted (covers, labels)
        self.mark_mm = mark_mm  # the height of the "– 2 –" mark on a letter's later pages
        self.faces: set[str] = set()  # keys of the faces `load` read (each its own fontTools font)

    def load(self, family: fonts.Family, bold: bool = False) -> str:
        """Add a family's face to the document unless it is there; return its style."""
        style, face = ("B", family.bold) if bold and family.bold else ("", family.regular)
        key = f"{family.name.lower()}{style}"
        if key in self.fonts:
            return style
        parsed = _parsed_face(str(face.path), face.index, face.path.stat().st_mtime_ns)
        if parsed.color_font is None:
            self.fonts[key] = _face_for(self, key, face, parsed)  # add_font's work, read once
            self.faces.add(key)
        else:  # a colour font draws through the document it was read for: read it again
            self.add_font(family.name, style, str(face.path), collection_font_number=face.index)
        return style

    def output(self, *args: Any, **kwargs: Any) -> bytearray:
        """The PDF; the tables fpdf2 drops anyway are taken out of our faces first, so that
        subsetting never reads them (the embedded fonts are the same)."""
        for name, font in self.fonts.items():
            if name in self.faces:  # a face read by `load` (not a colour font fpdf2 read)
                for tag in DROPPED:
                    if tag in font.ttfont:
                        del font.ttfont[tag]
        return super().output(*args, **kwargs)

    def _parse_chars(self, text: str, markdown: bool, **kwargs: Any) -> Iterator[Fragment]:
        """fpdf2's runs of text, joined again where fpdf2 2.8.9 cuts a word at a combining mark.

        fpdf2 starts a new run at each change of Unicode script and counts combining marks
        (Arabic harakat, script "Inherited") as one, so 'سُجنت' was shaped in three pieces
        that no longer join.
        """
        runs: list[Fragment] = []
        for run in super()._parse_chars(text, markdown, **kwargs):
            if runs and continues(runs[-1], run):
                runs[-1].characters.extend(run.characters)
            else:
                runs.append(run)
        yield from runs

    def header(self) -> None:
        """Count the pages of the current letter; mark every page after its first at the top."""
        if self.page_of_letter is None:
            return
        self.page_of_letter += 1
        if self.page_of_letter > 1:  # fpdf2 restores the font and colour after the header
            self.set_font(fonts.BASE.name, self.load(fonts.BASE), 8)
            self.set_text_color(120)
            self.set_xy(self.l_margin, max(3.0, self.t_margin - 12))
            self.cell(self.epw, self.mark_mm, f"– {self.page_of_letter} –", align="C")
            self.set_xy(self.l_margin, self.t_margin)
