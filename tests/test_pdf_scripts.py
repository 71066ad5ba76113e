"""Scripts: letters in many languages print every character with a real glyph, in the right font.

What pypdf reads back, and what these tests compare:
- Latin, Greek, Cyrillic, Vietnamese: the text itself.
- Chinese, Japanese, Korean: the text once spaces are removed; fpdf2 embeds Noto Sans CJK with
  its own code-to-CID CMap, which pypdf 5 decodes with a NUL before every character, so NULs
  are removed first.
- Arabic, Hebrew, Hindi (shaped): the same letters and marks as often as in the letter
  (Counter of non-ASCII letters). Their order is not compared: numbers and brackets come back
  in visual order, and a Devanagari vowel sign drawn before its consonant is a glyph without a
  character of its own (its character comes back with the consonant's glyph).
Every test also reads the fonts embedded in the PDF: no glyph drawn is .notdef (an empty box),
and every character of the letter is the Unicode value of some glyph drawn (ToUnicode).
"""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream
from test_pdf import DAY, reader_of, squash

from w4r import fonts, letters, pdf

# Without a CJK font these tests skip on a developer's machine; in CI (CI=true) they run and fail.
needs_cjk = pytest.mark.skipif(
    fonts.cjk_font(fonts.search_dirs()) is None and os.environ.get("CI") != "true",
    reason="no Noto Sans CJK font is installed (apt-get install fonts-noto-cjk)")
needs_noto_core = pytest.mark.skipif(
    fonts.family_for("Bengali") is None and os.environ.get("CI") != "true",
    reason="Noto Sans Bengali is not installed (apt-get install fonts-noto-core)")


@dataclass(frozen=True)
class Sample:
    """A letter in one language: its greeting, message, closing and name."""

    lang: str
    greeting: str
    message: str
    closing: str
    name: str
    shaped: bool = False
    cjk: bool = False


SAMPLES = [
    Sample("ar", "معالي الوزير،", "أكتب إليكم بشأن يسينيا أرمينتا، التي سُجنت أربع سنوات. "
           "أرجو منكم إسقاط التهم الموجهة إليها والإفراج عنها فوراً ودون قيد أو شرط.",
           "مع فائق الاحترام،", "فاطمة الزهراء", shaped=True),
    Sample("he", "כבוד השר,", "אני כותבת אליך בעניין יסניה ארמנטה. אני מבקשת לבטל את כל "
           "האישומים נגדה ולשחרר אותה מיד.", "בכבוד רב,", "נועה כהן", shaped=True),
    Sample("zh", "尊敬的部长先生：", "我写信是为了请求你们撤销对她的所有指控，并立即无条件释放她。"
           "她在二〇一二年被捕，被关押了四年。「酷刑逼供」不能作为证据。", "此致敬礼", "王小明",
           cjk=True),
    Sample("ja", "法務大臣殿", "イェセニア・アルメンタさんへの全ての告訴を取り下げ、直ちに釈放して"
           "ください。「拷問による自白」は証拠になりません。", "敬具", "山田花子", cjk=True),
    Sample("ko", "존경하는 장관님께,", "예세니아 아르멘타에 대한 모든 혐의를 취하하고 즉시 석방해 "
           "주십시오. 고문으로 얻은 자백은 증거가 될 수 없습니다.", "감사합니다.", "김민지",
           cjk=True),
    Sample("ru", "Уважаемый господин министр,", "Я пишу Вам по поводу Есении Арменты. Прошу "
           "снять с неё все обвинения и немедленно её освободить.", "С уважением,",
           "Анна Иванова"),
    Sample("el", "Αξιότιμε κύριε Υπουργέ,", "Σας γράφω για την Γιεσένια Αρμέντα. Σας ζητώ να "
           "αποσύρετε όλες τις κατηγορίες και να την απελευθερώσετε αμέσως.", "Με εκτίμηση,",
           "Ζωή Παπαδοπούλου"),
    Sample("hi", "माननीय महोदय,", "मैं आपको येसेनिया आर्मेंटा के बारे में लिख रही हूँ। कृपया "
           "उनके खिलाफ़ सभी आरोप हटाएँ और उन्हें तुरंत रिहा करें। क्षमा, श्री, द्वारा।",
           "भवदीय,", "अनन्या शर्मा", shaped=True),
    Sample("pl", "Szanowny Panie Ministrze,", "Zażółć gęślą jaźń. Piszę w sprawie Yecenii "
           "Armenty. Proszę o wycofanie wszystkich zarzutów i jej natychmiastowe uwolnienie.",
           "Z poważaniem,", "Łucja Wróbel"),
    Sample("fr", "Monsieur le Ministre,", "Je vous écris à propos de Yecenia Armenta. Je vous "
           "demande d'abandonner toutes les charges et de la libérer ; « l'aveu » fut extorqué.",
           "Veuillez agréer mes salutations,", "Zoë Lefèvre"),
    Sample("vi", "Kính gửi Bộ trưởng,", "Tôi viết thư này về trường hợp của Yecenia Armenta. "
           "Xin hãy hủy bỏ mọi cáo buộc và trả tự do cho bà ấy ngay lập tức.", "Trân trọng,",
           "Nguyễn Thị Hương"),
]
LANG = {sample.lang: sample for sample in SAMPLES}
EMOJI = Sample("en", "Dear Yecenia,", "Stay strong 💪 we are with you 😀❤️ and 1️⃣ day you "
               "will be free 🕊️!", "With warm wishes,", "Zoë 🌈")


def letter_of(case, sample: Sample) -> letters.Letter:
    draft = letters.start(case, "solidarity")
    draft.greeting, draft.message = sample.greeting, sample.message
    draft.closing, draft.name = sample.closing, sample.name
    return letters.compose(draft, case, day=DAY, lang=sample.lang)


def samples(*chosen: Sample):
    return [pytest.param(s, id=s.lang, marks=[needs_cjk] if s.cjk else []) for s in chosen]


# --- reading the fonts back out of the PDF -------------------------------------------

@dataclass
class EmbeddedFont:
    """A font embedded in the PDF: code → Unicode (ToUnicode), code → glyph, codes drawn."""

    name: str
    to_unicode: dict[int, str]
    glyphs: dict[int, str]  # code → glyph name, '.notdef' for the empty box
    used: set[int] = field(default_factory=set)


def _unicode_map(font) -> dict[int, str]:
    text = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    found = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            found[int(code, 16)] = bytes.fromhex(value).decode("utf-16-be")
    return found


def _glyph_names(font) -> dict[int, str]:
    """Code → glyph name: through CIDToGIDMap for TrueType, the encoding CMap for CFF (CJK)."""
    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    if "/FontFile2" in descriptor:
        program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        order = program.getGlyphOrder()
        gid_map = descendant["/CIDToGIDMap"].get_object().get_data()
        return {code: order[int.from_bytes(gid_map[2 * code:2 * code + 2], "big")]
                for code in range(len(gid_map) // 2)}
    cmap = font["/Encoding"].get_object().get_data().decode("latin-1")
    cids = re.findall(r"<([0-9A-Fa-f]+)>\s+(\d+)", cmap.split("begincidchar", 1)[1])
    return {int(code, 16): ".notdef" if cid == "0" else f"cid{cid}" for code, cid in cids}


def embedded_fonts(reader: PdfReader) -> dict[str, EmbeddedFont]:
    """Every font of the PDF with the codes its text operators draw (q/Q restore the font)."""
    found: dict[str, EmbeddedFont] = {}
    for page in reader.pages:
        names = {}
        for key, ref in page["/Resources"]["/Font"].items():
            font = ref.get_object()
            name = names[key] = str(font["/BaseFont"])
            if name not in found:
                found[name] = EmbeddedFont(name, _unicode_map(font), _glyph_names(font))
        current, saved = None, []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                saved.append(current)
            elif operator == b"Q":
                current = saved.pop()
            elif operator == b"Tf":
                current = found[names[operands[0]]]
            elif operator in (b"Tj", b"TJ"):
                for string in operands[0] if operator == b"TJ" else operands:
                    if not isinstance(string, (int, float)):
                        raw = getattr(string, "original_bytes", None) or bytes(string)
                        current.used.update(int.from_bytes(raw[i:i + 2], "big")
                                            for i in range(0, len(raw), 2))
    return found


def glyph_problems(printed: pdf.Printed, text: str) -> list[str]:
    """Empty boxes drawn, and characters of the text no drawn glyph stands for."""
    problems = []
    drawn = set()
    for font in embedded_fonts(reader_of(printed)).values():
        boxes = sorted(c for c in font.used if font.glyphs.get(c, ".notdef") == ".notdef")
        if boxes:
            problems.append(f"{font.name} draws .notdef for codes {boxes}")
        drawn.update("".join(font.to_unicode.get(c, "") for c in font.used))
    missing = sorted({c for c in text if not c.isspace()} - drawn)
    if missing:
        problems.append(f"no glyph drawn for {''.join(missing)!r}")
    return problems


def non_ascii_letters(text: str) -> Counter:
    return Counter(c for c in unicodedata.normalize("NFC", text)
                   if not c.isascii() and unicodedata.category(c)[0] in "LM")


def text_of(printed: pdf.Printed) -> str:
    return " ".join(page.extract_text() for page in reader_of(printed).pages).replace("\x00", "")


# --- every language -----------------------------------------------------------------

@pytest.mark.parametrize("sample", samples(*SAMPLES))
def test_a_letter_prints_every_character_with_a_real_glyph(case, sample, caplog):
    letter = letter_of(case, sample)
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        printed = pdf.build(letter)
    assert printed.notes == () and printed.pages == 1
    assert glyph_problems(printed, letters.as_text(letter)) == []
    assert not [r for r in caplog.records if "missing" in r.getMessage()]


@pytest.mark.parametrize("sample", samples(*(s for s in SAMPLES if not s.shaped)))
def test_unshaped_text_comes_back_as_written(case, sample):
    letter = letter_of(case, sample)
    text = text_of(pdf.build(letter))
    for part in (letter.date, letter.greeting, sample.message, letter.closing, letter.name):
        if sample.cjk:
            assert re.sub(r"\s", "", part) in re.sub(r"\s", "", text)
        else:
            assert squash(part) in squash(text)


@pytest.mark.parametrize("sample", samples(*(s for s in SAMPLES if s.shaped)))
def test_shaped_text_comes_back_with_the_same_letters(case, sample):
    letter = letter_of(case, sample)
    text = text_of(pdf.build(letter))
    assert non_ascii_letters(text) == non_ascii_letters(letters.as_text(letter))


@pytest.mark.parametrize("sample", samples(*(s for s in SAMPLES if s.lang in ("ar", "he"))))
def test_right_to_left_words_come_back_whole(case, sample):
    """pypdf reads RTL lines in logical order; words of letters only are compared."""
    text = text_of(pdf.build(letter_of(case, sample)))
    words = re.findall(r"[^\W\d_]+", sample.message)
    assert [w for w in words if w not in text] == []


def test_emoji_are_left_out_with_a_note_and_everything_else_prints(case, caplog):
    letter = letter_of(case, EMOJI)
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        printed = pdf.build(letter)
    text = squash(text_of(printed))
    assert "Stay strong we are with you and 1 day you will be free!" in text
    assert "Zoë" in text and "🌈" not in text
    assert len(printed.notes) == 1 and "emoji" in printed.notes[0]
    kept = fonts.plan(pdf.letter_texts(letter)).clean(letters.as_text(letter))
    assert glyph_problems(printed, kept) == []
    assert not caplog.records


# --- the right font and engine for each script ------------------------------------------

def font_names(printed: pdf.Printed) -> set[str]:
    return {name.split("+", 1)[1] for name in embedded_fonts(reader_of(printed))}


def test_a_latin_letter_embeds_only_noto_sans(case):
    printed = pdf.build(letter_of(case, LANG["pl"]))
    assert font_names(printed) == {"NotoSans", "NotoSansBold"}


@pytest.mark.parametrize("sample, family", [
    (LANG["ar"], "NotoNaskhArabic"), (LANG["he"], "NotoSansHebrew"),
    (LANG["hi"], "NotoSansDevanagari"),
    pytest.param(LANG["zh"], "NotoSansCJKSC", marks=needs_cjk),
    pytest.param(LANG["ja"], "NotoSansCJKJP", marks=needs_cjk),
    pytest.param(LANG["ko"], "NotoSansCJKKR", marks=needs_cjk),
])
def test_each_script_gets_its_font_and_no_other(case, sample, family):
    names = font_names(pdf.build(letter_of(case, sample)))
    assert family in names
    assert names <= {"NotoSans", "NotoSansBold", family, f"{family}Bold"}


@needs_cjk
def test_traditional_chinese_uses_the_tc_face(case):
    sample = Sample("zh-TW", "部長您好：", "請立即釋放她。", "敬上", "陳美玲", cjk=True)
    assert "NotoSansCJKTC" in font_names(pdf.build(letter_of(case, sample)))


def unicode_of_glyphs_drawn(printed: pdf.Printed, family: str) -> list[str]:
    """What each distinct glyph drawn in a font stands for (ToUnicode)."""
    font = embedded_fonts(reader_of(printed))[f"/MPDFAA+{family}"]
    return [font.to_unicode.get(code, "") for code in font.used]


def test_arabic_is_shaped_into_joining_forms(case):
    """Unshaped, every letter has one glyph; joined, a letter has initial, medial and final ones."""
    drawn = unicode_of_glyphs_drawn(pdf.build(letter_of(case, LANG["ar"])), "NotoNaskhArabic")
    forms = Counter(drawn)
    assert forms["م"] >= 2 and forms["ع"] >= 2, forms


def test_a_vowel_mark_does_not_break_the_joins_of_a_word(case):
    """'سُجنت' and 'سجنت' join alike: one glyph of ج (medial) for both, not an initial one too."""
    letter = letter_of(case, dataclasses.replace(LANG["ar"], message="سُجنت سجنت"))
    drawn = Counter(unicode_of_glyphs_drawn(pdf.build(letter), "NotoNaskhArabic"))
    assert drawn["ج"] == 1 and drawn["س"] == 1, drawn


def test_devanagari_is_shaped_into_conjuncts(case):
    """Unshaped, every glyph stands for one character; a conjunct (क्ष) stands for several."""
    drawn = unicode_of_glyphs_drawn(pdf.build(letter_of(case, LANG["hi"])), "NotoSansDevanagari")
    assert "क्ष" in drawn and any(len(text) > 1 for text in drawn)


@pytest.mark.parametrize("text, shaping, rtl", [
    ("Dear Minister, Zażółć", False, False), ("Уважаемый", False, False),
    ("请释放她", False, False), ("أطلقوا سراحها", True, True), ("שלום", True, True),
    ("नमस्ते", True, False), ("Dear أحمد and friends", True, False),
    ("Vie\u0302\u0323t", True, False),  # combining marks need the shaping engine
])
def test_traits_turn_shaping_on_only_where_needed(text, shaping, rtl):
    traits = fonts.traits(text)
    assert (traits.shaping, traits.rtl) == (shaping, rtl)


def test_the_document_turns_shaping_on_and_off_per_text():
    document = pdf.Document("test")
    document.use(fonts.plan(["Hello", "سلام"]))
    document.style("Hello there", 12)
    assert document.pdf.text_shaping is None
    document.style("سلام عليكم", 12)
    assert document.pdf.text_shaping["direction"].value == "RTL"
    document.style("Hello again", 12)
    assert document.pdf.text_shaping is None


# --- finding fonts ---------------------------------------------------------------------

@pytest.mark.parametrize("char, script", [("a", "Latin"), ("ł", "Latin"), ("ệ", "Latin"),
                                          ("Ж", "Cyrillic"), ("λ", "Greek"), ("ب", "Arabic"),
                                          ("ש", "Hebrew"), ("क", "Devanagari"), ("中", "Han"),
                                          ("か", "Hiragana"), ("カ", "Katakana"),
                                          ("한", "Hangul"), ("、", "CJK"), ("ក", "Khmer"),
                                          ("ᱚ", "Ol Chiki"), (",", "Latin")])
def test_script_of(char, script):
    assert fonts.script_of(char) == script


@pytest.mark.parametrize("text, lang, region", [
    ("请释放她", "", "SC"), ("请释放她", "zh", "SC"), ("請釋放她", "zh-TW", "TC"),
    ("請釋放她", "zh_Hant", "TC"), ("請釋放她", "zh-HK", "HK"), ("釈放", "ja", "JP"),
    ("釈放してください", "", "JP"), ("석방", "", "KR"), ("釋放", "ko", "KR"),
])
def test_cjk_region_follows_language_then_text(text, lang, region):
    assert fonts.cjk_region(text, lang) == region


@needs_cjk
@pytest.mark.parametrize("region", ["JP", "KR", "SC", "TC", "HK"])
def test_the_collection_face_is_chosen_by_its_name(region):
    path = fonts.cjk_font(fonts.search_dirs())
    index = fonts.collection_index(path, region)
    with TTFont(str(path), fontNumber=index, lazy=True) as face:
        assert face["name"].getDebugName(1).endswith(f"CJK {region}")


@needs_cjk
def test_the_cjk_font_can_be_named_by_w4r_cjk_font(case, monkeypatch, tmp_path):
    real = fonts.cjk_font(fonts.search_dirs())
    link = tmp_path / "MyCJK.ttc"
    link.symlink_to(real)
    monkeypatch.setenv("W4R_FONT_DIRS", "")
    monkeypatch.setenv("W4R_CJK_FONT", str(link))
    assert fonts.family_for("Han", "请", "zh").regular.path == link
    assert pdf.build(letter_of(case, LANG["zh"])).pages == 1


def test_a_w4r_cjk_font_that_does_not_exist_is_named_in_the_error(case, monkeypatch, tmp_path):
    monkeypatch.setenv("W4R_CJK_FONT", str(tmp_path / "nowhere.ttc"))
    with pytest.raises(pdf.UnsupportedText, match="W4R_CJK_FONT is set to .*nowhere.ttc"):
        pdf.build(letter_of(case, LANG["zh"]))


def test_without_system_fonts_chinese_asks_for_fonts_noto_cjk(case, monkeypatch):
    monkeypatch.setenv("W4R_FONT_DIRS", "")
    monkeypatch.delenv("W4R_CJK_FONT", raising=False)
    with pytest.raises(pdf.UnsupportedText) as caught:
        pdf.build(letter_of(case, LANG["zh"]))
    message = str(caught.value)
    assert "Chinese (Han)" in message and "fonts-noto-cjk" in message
    assert "W4R_CJK_FONT" in message and "\n" not in message


def test_a_letter_the_available_font_lacks_says_so_rather_than_what_to_install():
    with pytest.raises(pdf.UnsupportedText, match=r"Hebrew characters \(ׯ\).*NotoSansHebrew\) "
                                                  r"does not have them"):
        fonts.plan(["שלום ׯ"])


def test_shipped_scripts_need_no_system_font(case, monkeypatch):
    monkeypatch.setenv("W4R_FONT_DIRS", "")
    for sample in (LANG["ar"], LANG["he"], LANG["hi"]):
        assert pdf.build(letter_of(case, sample)).pages == 1


@needs_noto_core
def test_other_scripts_use_an_installed_noto_font(case):
    bengali = Sample("bn", "মাননীয় মন্ত্রী,", "অনুগ্রহ করে তাঁকে মুক্তি দিন।", "বিনীত,", "রহিম",
                     shaped=True)
    letter = letter_of(case, bengali)
    printed = pdf.build(letter)
    assert "NotoSansBengali" in font_names(printed)
    assert glyph_problems(printed, letters.as_text(letter)) == []


def test_the_font_files_shipped_have_their_licence():
    shipped = sorted(p.name for p in Path(fonts.FONTS_DIR).glob("*.ttf"))
    licence = (Path(fonts.FONTS_DIR) / "OFL.txt").read_text()
    assert "SIL Open Font License" in licence
    assert [name for name in shipped if name not in licence] == []


# --- text pieces ------------------------------------------------------------------------

def test_latin_text_breaks_only_after_spaces():
    assert fonts.line_pieces("Free her now,  please") == ["Free ", "her ", "now,  ", "please"]


def test_chinese_breaks_between_characters_but_never_before_closing_punctuation():
    pieces = fonts.line_pieces("她在2012年被捕，被关押了「四年」。")
    assert pieces == ["她", "在", "2012", "年", "被", "捕，", "被", "关", "押", "了", "「四",
                      "年」。"]
    assert not any(p[0] in fonts.NO_LINE_START for p in pieces)


def test_korean_keeps_its_words_whole():
    assert fonts.line_pieces("즉시 석방해 주십시오.") == ["즉시 ", "석방해 ", "주십시오."]


@pytest.mark.parametrize("text, kept", [
    ("Stay strong 💪 we are with you", "Stay strong we are with you"),
    ("💪 at the start", "at the start"), ("Reason 1️⃣: you", "Reason 1: you"),
    ("a 😀 😀 b", "a b"), ("free 🕊️!", "free!"), ("with you 😀❤️", "with you"),
    ("no emoji here", "no emoji here"),
])
def test_leaving_out_emoji_leaves_no_double_space(text, kept):
    assert fonts.plan([text]).clean(text) == kept
