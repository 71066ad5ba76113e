"""PDF: letters laid out on paper, read back with pypdf and rendered with pdftoppm."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from w4r import letters, pdf, sheets

DAY = date(2026, 11, 20)
MM = 72 / 25.4
PAPER_POINTS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}

# Without poppler these tests skip on a developer's machine; in CI (CI=true) they run and fail.
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None and os.environ.get("CI") != "true",
    reason="poppler's pdftoppm is not installed (apt-get install poppler-utils)")


def make_letter(case, message="Please release her.", kind="appeal", name="Ana Kowalska",
                lang="en", about=""):
    draft = letters.start(case, kind)
    draft.message, draft.name, draft.about = message, name, about
    return letters.compose(draft, case, day=DAY, lang=lang)


def reader_of(printed: pdf.Printed) -> PdfReader:
    return PdfReader(io.BytesIO(printed.data))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def text_of(printed: pdf.Printed) -> str:
    return squash(" ".join(page.extract_text() for page in reader_of(printed).pages))


def render(printed: pdf.Printed, tmp_path, dpi=40) -> list[Image.Image]:
    source = tmp_path / "letter.pdf"
    source.write_bytes(printed.data)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=60)
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("page*.png"))]


def dark_share(image: Image.Image) -> float:
    histogram = image.histogram()
    return sum(histogram[:128]) / (image.width * image.height)


def text_runs(page):
    """(x, y, text, font name) of every piece of text drawn on a page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((tm[4], tm[5], text, str((font or {}).get("/BaseFont", ""))))

    page.extract_text(visitor_text=visit)
    return runs


# --- a plain letter -------------------------------------------------------------

def test_build_returns_a_one_page_pdf(case):
    printed = pdf.build(make_letter(case))
    assert printed.data.startswith(b"%PDF-")
    assert printed.pages == 1 == len(reader_of(printed).pages)
    assert printed.notes == ()


def test_every_part_of_the_letter_is_in_the_pdf_text(case):
    letter = make_letter(case, message="We are writing from our school library.")
    text = text_of(pdf.build(letter))
    for part in (letter.date, letter.greeting, "We are writing from our school library.",
                 case.appeal.ask, letter.closing, "Ana Kowalska"):
        assert squash(part) in text


def test_parts_are_printed_in_order(case):
    letter = make_letter(case, message="MESSAGE-MARK", name="NAME-MARK")
    text = text_of(pdf.build(letter))
    positions = [text.index(squash(p)) for p in (letter.date, letter.greeting, "MESSAGE-MARK",
                                                   letter.closing, "NAME-MARK")]
    assert positions == sorted(positions)


def test_a_solidarity_letter_prints(case):
    letter = make_letter(case, kind="solidarity", message="Stay strong.")
    printed = pdf.build(letter)
    text = text_of(printed)
    assert letter.greeting in text and "Stay strong." in text
    assert case.appeal.ask not in text


def test_fonts_are_embedded(case):
    page = reader_of(pdf.build(make_letter(case))).pages[0]
    fonts = page["/Resources"]["/Font"]
    assert len(fonts) >= 1
    for font in fonts.values():
        font = font.get_object()
        descriptor_owner = (font["/DescendantFonts"][0].get_object()
                            if "/DescendantFonts" in font else font)
        descriptor = descriptor_owner["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font.get("/BaseFont")


def test_the_name_is_printed_in_bold(case):
    page = reader_of(pdf.build(make_letter(case, name="Ana Kowalska"))).pages[0]
    fonts = {text.strip(): font for _, _, text, font in text_runs(page)}
    assert "Bold" in fonts["Ana Kowalska"]
    assert "Bold" not in fonts[squash(case.appeal.ask)]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_page_size_matches_the_paper(case, paper):
    page = reader_of(pdf.build(make_letter(case), paper=paper)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    expected = PAPER_POINTS[paper]
    assert (width, height) == pytest.approx(expected, abs=1.0)


def test_an_unknown_paper_is_refused(case):
    with pytest.raises(ValueError, match="paper"):
        pdf.build(make_letter(case), paper="legal")


def test_a_letter_without_a_name_prints(case):
    printed = pdf.build(make_letter(case, name=""))
    assert printed.pages == 1 and case.appeal.ask in text_of(printed)


# --- layout --------------------------------------------------------------------

def test_body_lines_are_left_aligned_at_the_margin(case):
    long_message = " ".join(["This paragraph is long enough to wrap onto several lines."] * 6)
    page = reader_of(pdf.build(make_letter(case, message=long_message))).pages[0]
    runs = [r for r in text_runs(page) if "Practice letter" not in str(r)]  # centred, at the foot
    date_x = runs[0][0]
    body_xs = {round(x, 2) for x, _, _, _ in runs[1:]}
    assert len(body_xs) == 1, f"body lines start at different x: {sorted(body_xs)}"
    (left,) = body_xs
    margin = pdf.MARGIN_MM * MM
    assert margin - 0.01 <= left <= margin + 3  # fpdf2 adds a 1 mm cell padding
    assert date_x > float(page.mediabox.width) / 2  # the date sits on the right


def test_body_text_is_not_justified(case):
    """fpdf2 justifies with TJ arrays of word-spacing offsets; a left-aligned letter has none."""
    long_message = " ".join(["This paragraph is long enough to wrap onto several lines."] * 6)
    reader = reader_of(pdf.build(make_letter(case, message=long_message)))
    page = reader.pages[0]
    operators = {op for _, op in ContentStream(page.get_contents(), reader).operations}
    assert b"Tj" in operators
    assert b"TJ" not in operators


def test_a_long_letter_flows_to_a_second_page_without_losing_text(case):
    words = [f"word{i:04d}" for i in range(420)]
    letter = make_letter(case, message=" ".join(words))
    printed = pdf.build(letter)
    reader = reader_of(printed)
    assert printed.pages == len(reader.pages) == 2
    text = text_of(printed)
    assert [w for w in words if w not in text] == []
    assert "Ana Kowalska" in squash(reader.pages[1].extract_text())


def test_a_very_long_word_is_wrapped_not_lost(case):
    word = "x" * 300
    printed = pdf.build(make_letter(case, message=f"Link: {word} end"))
    assert word in text_of(printed).replace(" ", "")


# --- languages and literal text --------------------------------------------------

@pytest.mark.parametrize("sample", [
    "Zażółć gęślą jaźń. Szanowni Państwo, proszę o uwolnienie.",
    "Madame, Monsieur, je vous écris à propos de l'œuvre d'un garçon élève.",
    "Уважаемый господин министр, прошу освободить её.",
    "Αξιότιμε κύριε Υπουργέ, σας γράφω για την απελευθέρωσή της.",
])
def test_european_scripts_come_back_intact(case, sample):
    printed = pdf.build(make_letter(case, message=sample, name="Ζωή Ивановна Łucja"))
    text = text_of(printed)
    assert sample in text
    assert "Ζωή Ивановна Łucja" in text
    assert printed.notes == ()


@pytest.mark.parametrize("sample", [
    "<b>bold</b> <script>alert('x')</script> &amp; &lt;",
    "**bold** _italic_ # Heading [link](http://example.org) `code`",
])
def test_html_and_markdown_are_printed_literally(case, sample):
    assert sample in text_of(pdf.build(make_letter(case, message=sample)))


def test_emoji_are_dropped_with_a_note(case):
    printed = pdf.build(make_letter(case, message="Stay strong 💪 we are with you 😀❤️"))
    text = text_of(printed)
    assert "Stay strong" in text and "we are with you" in text
    assert "💪" not in text and "😀" not in text
    assert len(printed.notes) == 1
    assert "emoji" in printed.notes[0]


def test_emoji_only_name_is_dropped_without_a_crash(case):
    printed = pdf.build(make_letter(case, name="😀😀"))
    assert printed.pages == 1 and printed.notes


def test_keycap_emoji_are_dropped_like_other_emoji(case):
    printed = pdf.build(make_letter(case, message="Reason 1️⃣: you are not alone"))
    assert "you are not alone" in text_of(printed)
    assert printed.notes


@pytest.fixture
def no_system_fonts(monkeypatch):
    """Only the fonts shipped in content/fonts/: no system fonts, no CJK override."""
    monkeypatch.setenv("W4R_FONT_DIRS", "")
    monkeypatch.delenv("W4R_CJK_FONT", raising=False)


@pytest.mark.parametrize("sample, script, package", [
    ("请释放她", "Chinese", "fonts-noto-cjk"),
    ("សូមដោះលែងនាង", "Khmer", "fonts-noto-core"),
])
def test_scripts_without_a_font_raise_unsupported_text_naming_them(case, no_system_fonts, sample,
                                                                   script, package):
    with pytest.raises(pdf.UnsupportedText) as caught:
        pdf.build(make_letter(case, message=f"Hello {sample}"))
    message = str(caught.value)
    assert script in message and package in message
    assert "\n" not in message


def test_unsupported_text_is_a_value_error():
    assert issubclass(pdf.UnsupportedText, ValueError)


def test_unsupported_text_in_the_name_is_caught_too(case, no_system_fonts):
    with pytest.raises(pdf.UnsupportedText, match="Khmer"):
        pdf.build(make_letter(case, name="សុខា"))


@pytest.mark.parametrize("name", ["שלום", "أحمد", "अनन्या", "Ζωή"])
def test_a_name_in_another_script_prints(case, name):
    printed = pdf.build(make_letter(case, name=name))
    assert printed.notes == ()
    assert printed.pages == 1


def test_two_builds_are_independent(case):
    first = pdf.build(make_letter(case, message="First letter only."))
    second = pdf.build(make_letter(case, message="Second letter only."))
    assert "First letter only." not in text_of(second)
    assert "Second letter only." in text_of(second)
    assert first.pages == second.pages == 1


# --- rendered pages -------------------------------------------------------------------

@needs_poppler
def test_the_rendered_page_is_not_blank(case, tmp_path):
    (image,) = render(pdf.build(make_letter(case)), tmp_path)
    share = dark_share(image)
    assert 0.001 < share < 0.3, f"dark pixel share {share:.4f}"


@needs_poppler
def test_both_pages_of_a_long_letter_render_with_text(case, tmp_path):
    message = " ".join(f"word{i:04d}" for i in range(420))
    images = render(pdf.build(make_letter(case, message=message)), tmp_path)
    assert len(images) == 2
    assert all(dark_share(image) > 0.001 for image in images)


@needs_poppler
def test_the_rendered_page_has_the_paper_proportions(case, tmp_path):
    (image,) = render(pdf.build(make_letter(case), paper="letter"), tmp_path)
    assert image.height / image.width == pytest.approx(792 / 612, rel=0.02)


def test_font_faces_are_read_once_per_process_and_documents_stay_apart(case):
    pdf.build(make_letter(case, message="Warm up."))  # every face this letter needs, read
    before = sheets._parsed_face.cache_info()
    # Two documents open at once: the first is written after the second was built, so a
    # face subset in place for one must not be the other's.
    family = pdf.fonts.plan(["Quiet zebra"]).families[0]
    first = sheets.Sheets()
    first.add_page()
    first.set_font(family.name, first.load(family), 12)
    first.cell(text="Quiet zebra")
    second = pdf.build(make_letter(case, message="Hope for Yecenia, 2026."))
    first_text = squash(PdfReader(io.BytesIO(bytes(first.output()))).pages[0].extract_text())
    after = sheets._parsed_face.cache_info()
    assert after.misses == before.misses, "no face was read again"
    assert after.hits > before.hits
    assert first_text == "Quiet zebra"
    assert "Hope for Yecenia, 2026." in text_of(second)


def test_writing_a_letter_never_reads_the_layout_tables_fpdf2_drops(case, monkeypatch):
    """fontTools' subsetter decompiled GSUB and GPOS (large in Noto) only to drop them: half the
    time of writing a one-page letter (docs/BENCHMARKS.md, "Print"). Shaping reads the file."""
    from fontTools.ttLib.tables import otBase
    read: list[str] = []
    original = otBase.BaseTTXConverter.decompile

    def counting(self, data, font):
        read.append(self.tableTag)
        return original(self, data, font)

    monkeypatch.setattr(otBase.BaseTTXConverter, "decompile", counting)
    printed = pdf.build(make_letter(case, message="Solidarité, Łódź, Grüße — “merci”."))
    assert "Solidarité, Łódź, Grüße — “merci”." in text_of(printed)
    assert not {"GSUB", "GPOS", "GDEF"} & set(read), read
