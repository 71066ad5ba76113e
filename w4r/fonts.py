"""Fonts: the script of every character, and the font that prints it (no fpdf here).

w4r ships Noto fonts for Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, Tamil, Thai,
Armenian and Georgian in content/fonts/. Chinese, Japanese and Korean use the system's Noto Sans
CJK (Debian: fonts-noto-cjk) or the file named by $W4R_CJK_FONT; any other script (Bengali,
Ethiopic, Khmer…) uses a system Noto font when one is installed (Debian: fonts-noto-core).
"""

from __future__ import annotations

import os
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from w4r.config import FONTS_DIR

CJK_ENV = "W4R_CJK_FONT"
DIRS_ENV = "W4R_FONT_DIRS"
SYSTEM_DIRS = tuple(Path(os.path.expanduser(d)) for d in (
    "/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto",
    "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto", "/usr/share/fonts/google-noto-cjk",
    "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts"))
CJK_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Regular.otc")

LATIN, COMMON, INHERITED, CJK = "Latin", "Common", "Inherited", "CJK"
BASE_SCRIPTS = frozenset({LATIN, "Greek", "Cyrillic", COMMON, INHERITED})
CJK_SCRIPTS = frozenset({"Han", "Hiragana", "Katakana", "Hangul", "Bopomofo", CJK})
# Scripts whose letters need no shaping engine (one character, one glyph, left to right).
SIMPLE_SCRIPTS = BASE_SCRIPTS | CJK_SCRIPTS | {"Armenian", "Georgian", "Ethiopic"}
SHIPPED = {"Arabic": "NotoNaskhArabic", "Hebrew": "NotoSansHebrew",
           "Devanagari": "NotoSansDevanagari", "Tamil": "NotoSansTamil", "Thai": "NotoSansThai",
           "Armenian": "NotoSansArmenian", "Georgian": "NotoSansGeorgian"}
SCRIPT_LABELS = {"Han": "Chinese (Han)", "Hiragana": "Japanese (Hiragana)",
                 "Katakana": "Japanese (Katakana)", "Hangul": "Korean (Hangul)",
                 "Bopomofo": "Chinese (Bopomofo)", CJK: "Chinese/Japanese/Korean"}

# Unicode blocks of the scripts w4r knows by name: (first, last, script), sorted.
_BLOCKS = (
    (0x0000, 0x02FF, LATIN), (0x0300, 0x036F, INHERITED), (0x0370, 0x03E1, "Greek"),
    (0x03E2, 0x03EF, "Coptic"), (0x03F0, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"), (0x0530, 0x058F, "Armenian"), (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"), (0x0870, 0x08FF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"), (0x0980, 0x09FF, "Bengali"), (0x0B80, 0x0BFF, "Tamil"),
    (0x0E00, 0x0E7F, "Thai"), (0x10A0, 0x10FF, "Georgian"), (0x1100, 0x11FF, "Hangul"),
    (0x1200, 0x139F, "Ethiopic"), (0x1AB0, 0x1AFF, INHERITED), (0x1C80, 0x1C8F, "Cyrillic"),
    (0x1C90, 0x1CBF, "Georgian"), (0x1D00, 0x1DBF, LATIN), (0x1DC0, 0x1DFF, INHERITED),
    (0x1E00, 0x1EFF, LATIN), (0x1F00, 0x1FFF, "Greek"), (0x2000, 0x2BFF, COMMON),
    (0x2C60, 0x2C7F, LATIN), (0x2D00, 0x2D2F, "Georgian"), (0x2D80, 0x2DDF, "Ethiopic"),
    (0x2DE0, 0x2DFF, "Cyrillic"), (0x2E00, 0x2E7F, COMMON), (0x2E80, 0x2FDF, "Han"),
    (0x2FF0, 0x303F, CJK), (0x3040, 0x309F, "Hiragana"), (0x30A0, 0x30FF, "Katakana"),
    (0x3100, 0x312F, "Bopomofo"), (0x3130, 0x318F, "Hangul"), (0x3190, 0x319F, "Han"),
    (0x31A0, 0x31BF, "Bopomofo"), (0x31C0, 0x31EF, "Han"), (0x31F0, 0x31FF, "Katakana"),
    (0x3200, 0x33FF, CJK), (0x3400, 0x4DBF, "Han"), (0x4E00, 0x9FFF, "Han"),
    (0xA640, 0xA69F, "Cyrillic"), (0xA720, 0xA7FF, LATIN), (0xA8E0, 0xA8FF, "Devanagari"),
    (0xA960, 0xA97F, "Hangul"), (0xAB00, 0xAB2F, "Ethiopic"), (0xAB30, 0xAB6F, LATIN),
    (0xAC00, 0xD7FF, "Hangul"), (0xF900, 0xFAFF, "Han"), (0xFB00, 0xFB06, LATIN),
    (0xFB13, 0xFB17, "Armenian"), (0xFB1D, 0xFB4F, "Hebrew"), (0xFB50, 0xFDFF, "Arabic"),
    (0xFE00, 0xFE0F, INHERITED), (0xFE20, 0xFE2F, INHERITED), (0xFE30, 0xFE4F, CJK),
    (0xFE70, 0xFEFE, "Arabic"), (0xFF00, 0xFFEF, CJK), (0x20000, 0x3FFFF, "Han"),
)
_STARTS = tuple(first for first, _, _ in _BLOCKS)
_NAME_STOPS = frozenset({"LETTER", "SYLLABLE", "SYLLABICS", "SIGN", "DIGIT", "VOWEL",
                         "CONSONANT", "CHARACTER", "MARK", "NUMBER", "LIGATURE", "SUBJOINED",
                         "INDEPENDENT", "DEPENDENT", "FINAL", "MEDIAL", "PUNCTUATION",
                         "IDEOGRAM"})
_DROPPABLE = frozenset({"Me", "Sk", "So", "Cf"})  # emoji: keycaps, modifiers, pictures, joiners
# Chinese and Japanese line rules (kinsoku): no line starts or ends with these.
NO_LINE_START = frozenset("、。，．：；？！）］｝〕〉》」』】〙〗〟’”ゝゞヽヾーァィゥェォッャュョヮヵヶ"
                          "ぁぃぅぇぉっゃゅょゎ々〻‐゠–〜～…‥・,.:;?!)]}%")
NO_LINE_END = frozenset("（［｛〔〈《「『【〘〖〝‘“([{")


class UnsupportedText(ValueError):
    """The text uses a script no available font prints; the message names it and the remedy."""


@dataclass(frozen=True)
class Face:
    """One font file, and the number of the face inside a .ttc collection."""

    path: Path
    index: int = 0


@dataclass(frozen=True)
class Family:
    """A font family as the PDF knows it: its name, its faces and the scripts it prints."""

    name: str
    regular: Face
    bold: Face | None = None
    scripts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Plan:
    """How to print some texts: the families to load (base first) and the characters left out."""

    families: tuple[Family, ...]
    dropped: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()

    def clean(self, text: str) -> str:
        """The text without the characters no font prints (and the space one leaves double)."""
        if not self.dropped:
            return text
        chars = f"[{re.escape(''.join(sorted(self.dropped)))}]+"
        run = f"{chars}(?: +{chars})*"  # symbols, perhaps with spaces between them
        return re.sub(rf"(?:^|(?<= )){run} | {run}(?=[^\w\s]|$)|{run}", "", text)


BASE = Family("NotoSans", Face(FONTS_DIR / "NotoSans-Regular.ttf"),
              Face(FONTS_DIR / "NotoSans-Bold.ttf"), BASE_SCRIPTS)


def script_of(char: str) -> str:
    """Name the script of a character ('ب' → 'Arabic', '中' → 'Han', ',' → 'Latin')."""
    code = ord(char)
    at = bisect_right(_STARTS, code) - 1
    if at >= 0 and code <= _BLOCKS[at][1]:
        return _BLOCKS[at][2]
    return script_from_name(char)


def script_from_name(char: str) -> str:
    """Name the script of a character from its Unicode name ('KHMER LETTER KA' → 'Khmer')."""
    words = unicodedata.name(char, "").split()
    if not words:
        return f"U+{ord(char):04X}"
    stop = next((i for i, word in enumerate(words) if word in _NAME_STOPS), 1)
    return " ".join(words[:max(stop, 1)]).title()


def label(script: str) -> str:
    """A script's name for a reader ('Han' → 'Chinese (Han)')."""
    return SCRIPT_LABELS.get(script, script)


def search_dirs() -> tuple[Path, ...]:
    """Where system fonts are looked for: $W4R_FONT_DIRS (os.pathsep-separated) or the usual."""
    listed = os.environ.get(DIRS_ENV)
    if listed is None:
        return SYSTEM_DIRS
    return tuple(Path(d) for d in listed.split(os.pathsep) if d)


@lru_cache(maxsize=64)
def _files_in(folder: Path, changed: int) -> dict[str, Path]:
    """The files of a folder by lower-case name, as of its last change (a fonts package added)."""
    try:
        return {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    except OSError:
        return {}


def _listing(folder: Path) -> dict[str, Path]:
    """The files of a folder by lower-case name (empty when there is no such folder)."""
    try:
        return _files_in(folder, folder.stat().st_mtime_ns)
    except OSError:
        return {}


def find_file(names: Iterable[str], dirs: Iterable[Path]) -> Path | None:
    """The first of these file names found in these folders, ignoring case."""
    listings = [_listing(folder) for folder in dirs]
    for name in names:
        for listing in listings:
            if found := listing.get(name.lower()):
                return found
    return None


def _noto_family(script: str, stems: Iterable[str], dirs: tuple[Path, ...]) -> Family | None:
    """The first Noto family of these stems found (regular required, bold optional)."""
    for stem in stems:
        regular = find_file((f"{stem}-Regular.ttf", f"{stem}-Regular.otf"), dirs)
        if regular:
            bold = find_file((f"{stem}-Bold.ttf", f"{stem}-Bold.otf"), (regular.parent,))
            return Family(stem, Face(regular), Face(bold) if bold else None, frozenset({script}))
    return None


def cjk_region(text: str, lang: str = "") -> str:
    """Which CJK face suits the text: JP, KR, SC, TC or HK (Han looks different in each)."""
    tag = lang.replace("_", "-").lower()
    scripts = {script_of(c) for c in text if ord(c) >= 0x1100}
    if tag.startswith("ja") or scripts & {"Hiragana", "Katakana"}:
        return "JP"
    if tag.startswith("ko") or "Hangul" in scripts:
        return "KR"
    if tag in ("zh-hk", "zh-mo", "yue", "zh-hant-hk"):
        return "HK"
    if tag.startswith(("zh-hant", "zh-tw")):
        return "TC"
    return "SC"


@lru_cache(maxsize=16)
def _face_names(path: Path) -> tuple[str, ...]:
    """The family names of the faces of a font collection, in order."""
    from fontTools.ttLib import TTCollection  # fontTools: imported when a font is first read
    collection = TTCollection(str(path), lazy=True)
    try:
        return tuple(str(font["name"].getDebugName(1) or "") for font in collection.fonts)
    finally:
        collection.close()


def collection_index(path: Path, region: str) -> int:
    """The face of a .ttc/.otc collection for a CJK region ('Noto Sans CJK SC'), else 0."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    names = _face_names(path)
    return next((i for i, name in enumerate(names)
                 if name.endswith(f" {region}") and "Mono" not in name), 0)


def cjk_font(dirs: tuple[Path, ...]) -> Path | None:
    """The CJK font file: $W4R_CJK_FONT when set, else Noto Sans CJK from the usual folders."""
    override = os.environ.get(CJK_ENV)
    if override:
        return Path(override) if Path(override).is_file() else None
    return find_file(CJK_FILES, (FONTS_DIR, *dirs))


def family_for(script: str, text: str = "", lang: str = "",
               dirs: tuple[Path, ...] | None = None) -> Family | None:
    """The font family that prints a script, or None when no font for it is available."""
    dirs = search_dirs() if dirs is None else dirs
    if script in BASE_SCRIPTS:
        return BASE
    if script in CJK_SCRIPTS:
        path = cjk_font(dirs)
        if path is None:
            return None
        region = cjk_region(text, lang)
        return Family(f"NotoSansCJK{region}", Face(path, collection_index(path, region)),
                      scripts=CJK_SCRIPTS)
    if script in SHIPPED:
        return _noto_family(script, (SHIPPED[script],), (FONTS_DIR, *dirs))
    compact = script.replace(" ", "").replace("-", "")
    return _noto_family(script, (f"NotoSans{compact}", f"NotoSerif{compact}"), dirs)


@lru_cache(maxsize=32)
def covered(face: Face) -> frozenset[int]:
    """The code points a font face has glyphs for."""
    from fontTools.ttLib import TTFont  # fontTools: imported when a font is first read
    with TTFont(str(face.path), lazy=True, fontNumber=face.index) as font:
        return frozenset(font.getBestCmap())


def remedy(script: str, font: Family | None = None) -> str:
    """What to install to print a script (or that its font lacks these characters)."""
    if font is not None:
        return f"the font for {label(script)} ({font.name}) does not have them"
    if script in CJK_SCRIPTS:
        override = os.environ.get(CJK_ENV)
        if override:
            return (f"{CJK_ENV} is set to {override!r}, which is not a font file with these "
                    "characters: point it at a Noto Sans CJK font (NotoSansCJK-Regular.ttc)")
        return ("install the Debian package fonts-noto-cjk (or set "
                f"{CJK_ENV} to a Noto Sans CJK font file)")
    return f"install the Debian package fonts-noto-core (it has Noto Sans {script})"


def _letters_left_out(chars: Iterable[str]) -> list[str]:
    """The characters among these that are letters, digits or marks (not emoji or symbols)."""
    return [c for c in chars if unicodedata.category(c)[0] in "LNM"
            and unicodedata.category(c) not in _DROPPABLE and script_of(c) != INHERITED]


def _unsupported(chars: list[str], families: Iterable[Family]) -> UnsupportedText:
    """The error for letters no font prints, naming their scripts and what to install."""
    scripts = sorted({script_of(char) for char in chars})
    font_of = {script: family for family in families for script in family.scripts}
    sample = "".join(chars[:8])
    remedies = "; ".join(dict.fromkeys(remedy(s, font_of.get(s)) for s in scripts))
    return UnsupportedText(
        f"This letter uses {', '.join(label(s) for s in scripts)} characters ({sample}) "
        f"that no installed font can print: {remedies}. You can still count your letter "
        "and write it out by hand.")


def _drop_note(dropped: Iterable[str]) -> tuple[str, ...]:
    """The note telling the writer which symbols were left out (none for invisible ones)."""
    noted = [c for c in dropped if unicodedata.category(c) != "Cf" and script_of(c) != INHERITED]
    if not noted:
        return ()
    shown = sorted(c for c in noted if unicodedata.category(c) != "Me")
    return (f"Left out {len(shown) or len(noted)} symbol(s) the printer font does not have "
            f"({''.join(shown[:10])}): emoji and pictures do not print yet.",)


def plan(texts: Iterable[str], lang: str = "", dirs: tuple[Path, ...] | None = None) -> Plan:
    """Choose the fonts for some texts; raise UnsupportedText for letters no font prints."""
    text = "".join(texts)
    chars = {c for c in text if not c.isspace()}
    families: dict[str, Family] = {BASE.name: BASE}
    letters = {c for c in chars if ord(c) >= 0x0370 and unicodedata.category(c)[0] in "LMN"}
    for script in sorted({script_of(c) for c in letters} - BASE_SCRIPTS):
        family = family_for(script, text, lang, dirs)
        if family is not None:
            families.setdefault(family.name, family)
    faces = [f.regular for f in families.values()]
    missing = sorted(c for c in chars if not any(ord(c) in covered(face) for face in faces))
    if unprintable := _letters_left_out(missing):
        raise _unsupported(unprintable, families.values())
    return Plan(tuple(families.values()), frozenset(missing), _drop_note(missing))


@dataclass(frozen=True)
class Traits:
    """What laying out a text needs: its scripts by frequency, shaping and direction."""

    scripts: tuple[str, ...] = ()  # scripts of its letters, the most frequent first
    shaping: bool = False  # a complex or right-to-left script, or combining marks
    rtl: bool = False  # most of its strong characters run right to left


_LATIN_TRAITS = Traits((LATIN,))


@lru_cache(maxsize=4096)
def traits(text: str) -> Traits:
    """Describe a text for layout (Latin-1 text takes a fast path)."""
    if not text or max(text) < "\u0250":
        return _LATIN_TRAITS
    scripts = Counter(script_of(c) for c in text if c.isalpha() or not c.isascii())
    ranked = tuple(s for s, _ in scripts.most_common() if s not in (COMMON, INHERITED))
    shaping = any(s not in SIMPLE_SCRIPTS for s in scripts) or any(
        unicodedata.category(c) in ("Mn", "Mc") for c in text if not c.isascii())
    kinds = Counter(unicodedata.bidirectional(c) for c in text)
    return Traits(ranked, shaping, kinds["R"] + kinds["AL"] > kinds["L"])


def is_rtl(text: str) -> bool:
    """True when most strong characters of the text run right to left (Arabic, Hebrew…)."""
    return traits(text).rtl


def main_family(text: str, chosen: Plan) -> Family:
    """The family most of a text's letters are in (spaces and digits then come from it too)."""
    for script in traits(text).scripts:
        for family in chosen.families:
            if script in family.scripts:
                return family
    return chosen.families[0]


def families_used(text: str, chosen: Plan) -> tuple[Family, ...]:
    """The families of a plan whose scripts occur in a text (the base family always)."""
    scripts = set(traits(text).scripts)
    return tuple(f for f in chosen.families if f is chosen.families[0] or scripts & f.scripts)


_WORDS = re.compile(r"\S+\s*|\s+")
# Chinese and Japanese characters, beside which a line may break (Korean keeps its words).
_WIDE = re.compile("[{}]".format("".join(f"{chr(first)}-{chr(last)}" for first, last, script
                                         in _BLOCKS if script in CJK_SCRIPTS - {"Hangul"})))


def may_break(before: str, after: str) -> bool:
    """True when a line may break between two characters (kinsoku rules for CJK)."""
    if after.isspace() or after in NO_LINE_START or before in NO_LINE_END:
        return False
    return before.isspace() or bool(_WIDE.match(before) or _WIDE.match(after))


def line_pieces(text: str) -> list[str]:
    """Split text where lines may break: after spaces, and between Chinese or Japanese characters.

    A piece keeps its trailing spaces; Latin words stay whole; no piece starts with closing
    punctuation (、。）) or ends with opening punctuation (（「).
    """
    if not _WIDE.search(text):
        return _WORDS.findall(text)
    pieces: list[str] = []
    for char in text:
        if pieces and not may_break(pieces[-1][-1], char):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces
