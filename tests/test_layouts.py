"""Layouts: the appeal letter, right-to-left letters, cards, postcards, batches and labels.

Positions come from pypdf's text visitor (x, y of each line drawn, in points from the bottom
left); a few checks look at the pages rendered by poppler's pdftoppm.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from test_pdf import (DAY, MM, PAPER_POINTS, dark_share, make_letter, needs_poppler, reader_of,
                      render, squash, text_of)

from w4r import letters, pdf
from w4r.cases import CaseSet

A6_POINTS = (148 * MM, 105 * MM)
ARABIC = ("أكتب إليكم بشأن يسينيا أرمينتا، التي سُجنت أربع سنوات. أرجو منكم إسقاط التهم "
          "الموجهة إليها والإفراج عنها فوراً ودون قيد أو شرط. ")


def addressed(case, name="Fiscal General", address=("Av. Reforma 211", "Ciudad de México")):
    """The case with an authority and address (test values, never shipped content)."""
    return dataclasses.replace(case, appeal=dataclasses.replace(
        case.appeal, addressee_name=name, address=address))


def runs(page):
    """(x, y, text, font size, bold) of every line drawn on a page, top to bottom."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            bold = "Bold" in str((font or {}).get("/BaseFont", ""))
            found.append((tm[4], tm[5], text.strip(), size, bold))

    page.extract_text(visitor_text=visit)
    return found


def run_of(page, needle):
    return next(r for r in runs(page) if needle in r[2])


def compose(case, message="Please release her.", kind="appeal", **extra):
    draft = letters.start(case, kind)
    draft.message, draft.name = message, extra.pop("name", "Ana Kowalska")
    for key in ("greeting", "closing"):
        if key in extra:
            setattr(draft, key, extra.pop(key))
    return letters.compose(draft, case, day=DAY, **extra)


# --- the appeal letter --------------------------------------------------------------

def test_subject_line_names_the_person_at_risk(case):
    assert letters.subject_line(case) == f"Re: {case.name}"
    assert letters.subject_line(case, "fr") == f"Objet : {case.name}"
    assert letters.subject_line(case, "de-AT") == f"Betreff: {case.name}"
    assert letters.subject_line(case, "sw") == case.name  # no prefix we are not sure of


def test_compose_keeps_subject_and_sender_town_optional(case):
    plain = compose(case)
    assert (plain.subject, plain.sender_town) == ("", "")
    full = compose(case, subject=" Re: X ", sender_town="Leeds\t")
    assert (full.subject, full.sender_town) == ("Re: X", "Leeds")
    text = letters.as_text(full)
    assert text.startswith("Ana Kowalska\nLeeds\n\n") and "\n\nRe: X\n\n" in text


def test_the_appeal_blocks_come_in_letter_order_and_sides(case):
    letter = compose(addressed(case), sender_town="Leeds", subject=letters.subject_line(case))
    page = reader_of(pdf.build(letter)).pages[0]
    order = ["Ana Kowalska", "Leeds", letter.date, "Fiscal General", "Ciudad de México",
             letter.subject, letter.greeting, "Please release her.", letter.closing]
    found = [run_of(page, text) for text in order]
    ys = [y for _, y, *_ in found]
    assert ys == sorted(ys, reverse=True), "each block is below the one before"
    width = float(page.mediabox.width)
    sender_and_date = found[:3]
    assert all(x > width / 2 for x, *_ in sender_and_date), "sender and date on the right"
    left = pdf.MARGIN_MM * MM
    assert all(left <= x <= left + 3 for x, *_ in found[3:]), "the rest at the left margin"
    assert run_of(page, letter.subject)[4] and not run_of(page, letter.greeting)[4]


def test_the_signature_has_room_to_sign_by_hand(case):
    page = reader_of(pdf.build(compose(case))).pages[0]
    closing, name = run_of(page, "Yours sincerely"), run_of(page, "Ana Kowalska")
    assert closing[1] - name[1] >= 2.5 * pdf.LINE_MM * MM


def rtl_letter(case, **extra):
    return compose(addressed(case, "السيد وزير العدل", ("وزارة العدل", "الرباط")), ARABIC * 3,
                   name="فاطمة", lang="ar", greeting="معالي الوزير،", closing="مع فائق الاحترام،",
                   **extra)


def test_a_right_to_left_letter_is_mirrored(case):
    letter = rtl_letter(case, sender_town="الدار البيضاء")
    page = reader_of(pdf.build(letter)).pages[0]
    width = float(page.mediabox.width)
    left = pdf.MARGIN_MM * MM
    date, town = run_of(page, "نوفمبر"), run_of(page, "الدار البيضاء")
    assert date[0] < left + 3 and town[0] < left + 3, "sender and date on the left"
    signature = [r for r in runs(page) if r[2] == "فاطمة"][-1]
    for x, _, text, *_ in (run_of(page, "معالي الوزير"), run_of(page, "الرباط"), signature):
        assert x > width / 2, f"{text} starts right of the middle"


@needs_poppler
def test_right_to_left_lines_end_at_the_right_margin(case, tmp_path):
    (image,) = render(pdf.build(rtl_letter(case)), tmp_path, dpi=50)
    rights, lefts = [], []
    for top, bottom in text_rows(image):
        columns = [x for x in range(image.width)
                   if any(image.getpixel((x, y)) < 128 for y in range(top, bottom))]
        rights.append(columns[-1])
        lefts.append(columns[0])
    date_right, *right_edges = rights  # the date is the first line, on the left
    assert date_right < image.width / 2 and len(right_edges) >= 8
    assert max(right_edges) - min(right_edges) <= 3, f"ragged right edge: {right_edges}"
    assert len({left // 4 for left in lefts[1:]}) > 3, "the left edge is ragged"


def text_rows(image, gap=2):
    """(top, bottom) of each line of text: bands of rows with dark pixels (dots joined)."""
    dark = [y for y in range(image.height)
            if any(image.getpixel((x, y)) < 128 for x in range(image.width))]
    rows: list[list[int]] = []
    for y in dark:
        if rows and y - rows[-1][1] <= gap + 1:
            rows[-1][1] = y
        else:
            rows.append([y, y])
    return [(top, bottom + 1) for top, bottom in rows]


# --- long letters ----------------------------------------------------------------------

def test_continuation_pages_are_marked_and_the_first_is_not(case):
    printed = pdf.build(make_letter(case, message=" ".join(["Please free her now."] * 250)))
    reader = reader_of(printed)
    assert printed.pages == 2
    assert "– 2 –" in reader.pages[1].extract_text()
    assert "–" not in reader.pages[0].extract_text()


@pytest.mark.parametrize("words", range(400, 496, 8))
def test_the_signature_never_starts_a_page_alone(case, words):
    """Whatever the length, page 2 holds body text as well as the closing and the name."""
    last = "Thank you for reading this letter and for acting on it."
    letter = dataclasses.replace(make_letter(case, message=" ".join(["word"] * words)),
                                 paragraphs=(" ".join(["word"] * words), last))
    printed = pdf.build(letter)
    if printed.pages == 1:
        return
    page_two = [text for _, _, text, _, _ in runs(reader_of(printed).pages[1])]
    assert set(page_two) - {"– 2 –", "Yours sincerely,", "Ana Kowalska"}, \
        "the closing and name are alone on page 2"
    assert squash(last) in squash(text_of(printed))


# --- cards and postcards ------------------------------------------------------------------

def card_letter(case, message="We are thinking of you every day. Stay strong!", **extra):
    greeting_case = dataclasses.replace(case, solidarity=dataclasses.replace(
        case.solidarity, greeting="¡Hola", to="Yecenia"))
    return compose(greeting_case, message, kind="solidarity", name="Zoë", **extra)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_card_is_a_landscape_sheet_with_the_text_on_the_right_half(case, paper):
    page = reader_of(pdf.build(card_letter(case), paper, layout="card")).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (width, height) == pytest.approx(PAPER_POINTS[paper][::-1], abs=1)
    found = runs(page)
    assert found and all(x > width / 2 for x, *_ in found)
    greeting, body = run_of(page, "¡Hola, Yecenia!"), run_of(page, "We are thinking")
    assert greeting[3] >= 1.4 * body[3] and greeting[4]


def test_a_right_to_left_card_is_mirrored(case):
    letter = card_letter(case, "את לא לבד. אנחנו חושבים עלייך כל יום.", greeting="שלום יסניה,",
                         lang="he")
    page = reader_of(pdf.build(letter, layout="card")).pages[0]
    width = float(page.mediabox.width)
    assert all(x < width / 2 for x, *_ in runs(page))


@needs_poppler
def test_the_drawing_half_of_a_card_is_left_empty(case, tmp_path):
    (image,) = render(pdf.build(card_letter(case), layout="card"), tmp_path, dpi=40)
    inset = round(pdf.CARD_MARGIN_MM / 25.4 * 40) + 3  # inside the dashed frame
    drawing = image.crop((inset, inset, image.width // 2 - inset, image.height - inset))
    text_half = image.crop((image.width // 2, 0, image.width, image.height))
    assert dark_share(drawing) == 0
    assert dark_share(text_half) > 0.002


@pytest.mark.parametrize("paper, size", [("a4", A6_POINTS), ("letter", (432.0, 288.0))])
def test_a_postcard_is_a6_or_6_by_4_inches(case, paper, size):
    page = reader_of(pdf.build(card_letter(case), paper, layout="postcard")).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(size, abs=1)
    assert all(x < 0.58 * size[0] for x, *_ in runs(page)), "the message on the left"


def test_a_long_card_shrinks_its_text_then_flows_on_without_losing_words(case):
    short = reader_of(pdf.build(card_letter(case), layout="card")).pages[0]
    words = [f"word{i:03d}" for i in range(600)]
    printed = pdf.build(card_letter(case, " ".join(words)), layout="card")
    long = reader_of(printed).pages[0]
    text = text_of(printed)
    assert printed.pages >= 2
    assert [w for w in words if w not in text] == []
    assert run_of(long, "word000")[3] < run_of(short, "We are thinking")[3]


def test_cards_are_for_solidarity_messages(case):
    with pytest.raises(ValueError, match="solidarity"):
        pdf.build(compose(case), layout="card")


def test_an_unknown_layout_is_refused_naming_the_choices(case):
    with pytest.raises(ValueError, match="letter, card, postcard"):
        pdf.build(card_letter(case), layout="poster")


# --- batches ------------------------------------------------------------------------------

def batch_items(cases):
    first, second = cases.get("yecenia-armenta"), cases.get("jani-silva")
    first = addressed(first)
    return [pdf.BatchItem(first, compose(first, "Appeal one.")),
            pdf.BatchItem(second, compose(second, "Message A.", kind="solidarity")),
            pdf.BatchItem(first, compose(first, "Appeal two.")),
            pdf.BatchItem(first, compose(first, "Message B.", kind="solidarity")),
            pdf.BatchItem(second, compose(second, "Appeal three."))]


def page_texts(printed):
    return [squash(page.extract_text()) for page in reader_of(printed).pages]


def test_a_batch_opens_each_case_and_kind_with_a_cover_then_its_letters(cases):
    items = batch_items(cases)
    printed = pdf.build_batch(items)
    texts = page_texts(printed)
    assert printed.pages == len(texts) == 4 + 5
    names = sorted({item.case.name for item in items}, key=str.casefold)
    expected = []
    for name in names:
        for kind, marks in (("Appeals", ["Appeal"]), ("Solidarity messages", ["Message"])):
            letters_here = [i for i in items if i.case.name == name
                            and i.letter.paragraphs[0].startswith(marks[0])]
            if letters_here:
                expected.append(f"{kind}|{name}|{len(letters_here)}")
                expected += [i.letter.paragraphs[0] for i in letters_here]
    found = []
    for text in texts:
        cover = re.match(r"Write for Rights · (Appeals|Solidarity messages) (.+?) \w+, \d{4} "
                         r"(\d+) ", text)
        found.append("|".join(cover.groups()) if cover else
                     next(p for p in ("Appeal one.", "Appeal two.", "Appeal three.",
                                      "Message A.", "Message B.") if p in text))
    assert found == expected


def this_year(case):
    """The case as if it were one of this year's (test values, never shipped content)."""
    return dataclasses.replace(case, status="current")


def test_a_cover_says_where_to_send_and_reminds_of_postage(cases):
    current = CaseSet([this_year(c) for c in cases.cases])
    texts = page_texts(pdf.build_batch(batch_items(current)))
    appeal_cover = next(t for t in texts if t.startswith("Write for Rights · Appeals Yecenia"))
    assert "2 appeal letters follow this sheet." in appeal_cover
    assert "Fiscal General Av. Reforma 211 Ciudad de México" in appeal_cover
    assert "International post: check the postage for the destination country" in appeal_cover
    unaddressed = next(t for t in texts if t.startswith("Write for Rights · Appeals Jani"))
    assert "1 appeal letter follows" in unaddressed and "case sheet" in unaddressed


def test_a_past_case_cover_says_practice_and_gives_no_address_or_postage(cases):
    texts = page_texts(pdf.build_batch(batch_items(cases)))
    covers = [t for t in texts if t.startswith("Write for Rights · ")]
    assert len(covers) == 4
    for cover in covers:
        assert "do not post them" in cover
        assert "postage" not in cover and "case sheet" not in cover and "Send to" not in cover
    appeal_cover = next(t for t in covers if t.startswith("Write for Rights · Appeals Yecenia"))
    assert "Practice letters for a Write for Rights 2015 case" in appeal_cover
    assert "Av. Reforma" not in appeal_cover


def test_a_past_case_letter_carries_the_practice_line_small_at_the_foot(cases):
    case = cases.get("yecenia-armenta")
    for layout, kind in (("letter", "appeal"), ("card", "solidarity"), ("postcard", "solidarity")):
        printed = pdf.build(compose(case, kind=kind), layout=layout)
        page = reader_of(printed).pages[-1]
        line = "Practice letter — Write for Rights 2015 case; do not post."
        assert line in squash(page.extract_text()), layout
        (x, y, text, size, bold), = [r for r in runs(page) if "Practice letter" in r[2]]
        assert size < 9 and not bold, layout
        assert y == min(r[1] for r in runs(page)), "the lowest line of the page"
    current = pdf.build(compose(this_year(case)))
    assert "Practice" not in squash(reader_of(current).pages[0].extract_text())


def test_a_batch_leaves_out_a_letter_no_font_prints_with_a_note(cases, monkeypatch):
    monkeypatch.setenv("W4R_FONT_DIRS", "")
    case = cases.get("yecenia-armenta")
    items = [pdf.BatchItem(case, compose(case, "Appeal one.")),
             pdf.BatchItem(case, compose(case, "សូមដោះលែងនាង"))]
    printed = pdf.build_batch(items)
    assert printed.pages == 2
    assert "1 appeal letter follows" in page_texts(printed)[0]
    assert len(printed.notes) == 1 and "Khmer" in printed.notes[0]


def test_a_batch_can_print_solidarity_messages_as_cards(cases):
    printed = pdf.build_batch(batch_items(cases), solidarity_layout="card")
    landscape = [p for p in reader_of(printed).pages if p.mediabox.width > p.mediabox.height]
    assert len(landscape) == 2


def test_an_empty_batch_is_refused(cases):
    with pytest.raises(ValueError, match="no letters"):
        pdf.build_batch([])


def test_a_batch_embeds_each_font_once(cases):
    case = cases.get("yecenia-armenta")
    items = [pdf.BatchItem(case, compose(case, f"Letter {i}.")) for i in range(60)]
    reader = reader_of(pdf.build_batch(items))
    fonts_used = {str(f.get_object()["/BaseFont"]) for page in reader.pages
                  for f in page["/Resources"]["/Font"].values()}
    assert len(reader.pages) == 61 and len(fonts_used) == 2


# --- address labels ---------------------------------------------------------------------

def label_items(case, count, **address):
    case = addressed(case, **address)
    return [pdf.BatchItem(case, compose(case, f"Letter {i}.")) for i in range(count)]


@pytest.mark.parametrize("paper, per_sheet", [("a4", 14), ("letter", 10)])
def test_labels_fill_a_grid_one_per_appeal(case, paper, per_sheet):
    printed = pdf.build_labels(label_items(case, per_sheet + 1), paper)
    reader = reader_of(printed)
    assert printed.pages == 2
    sheet = pdf.LABEL_SHEETS[paper]
    first = [r for r in runs(reader.pages[0]) if r[2] == "Fiscal General"]
    assert len(first) == per_sheet
    height = float(reader.pages[0].mediabox.height)
    columns = sorted({round(x / MM - pdf.LABEL_PADDING_MM, 1) for x, *_ in first})
    assert columns == pytest.approx([sheet.left, sheet.left + sheet.pitch_x], abs=1.5)
    tops = sorted({round((height - y) / MM) for _, y, *_ in first})
    assert len(tops) == sheet.rows
    for row, top in enumerate(tops):
        assert sheet.top + row * sheet.pitch_y < top < sheet.top + (row + 1) * sheet.pitch_y
    assert len([r for r in runs(reader.pages[1]) if r[2] == "Fiscal General"]) == 1


def test_labels_leave_out_solidarity_messages_and_note_missing_addresses(cases):
    printed = pdf.build_labels(batch_items(CaseSet([this_year(c) for c in cases.cases])))
    assert printed.pages == 1
    assert squash(reader_of(printed).pages[0].extract_text()).count("Fiscal General") == 2
    assert len(printed.notes) == 1 and "Jani" in printed.notes[0]


def test_labels_without_any_address_are_refused(case):
    with pytest.raises(ValueError, match="case sheet"):
        pdf.build_labels([pdf.BatchItem(this_year(case), compose(this_year(case)))])
    with pytest.raises(ValueError) as refused:  # a past case's letters are practice: no note
        pdf.build_labels([pdf.BatchItem(case, compose(case))])
    assert "case sheet" not in str(refused.value)


def test_a_right_to_left_label_is_right_aligned(case):
    items = label_items(case, 1, name="السيد وزير العدل", address=("وزارة العدل", "الرباط"))
    page = reader_of(pdf.build_labels(items)).pages[0]
    short, long = run_of(page, "الرباط"), run_of(page, "السيد وزير العدل")
    assert short[0] > long[0], "the shorter line starts further right"
