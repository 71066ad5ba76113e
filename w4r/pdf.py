"""PDF: letters, cards, postcards, batches and address labels laid out on pages (fpdf2 itself is
in `w4r.sheets`, imported with the first document)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby

from w4r import fonts
from w4r.cases import CASE_SHEET, Case
from w4r.fonts import UnsupportedText
from w4r.letters import Letter, sender

__all__ = ["PAPERS", "LAYOUTS", "UnsupportedText", "Printed", "BatchItem", "build",
           "build_batch", "build_labels"]

PAPERS = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}  # portrait width, height in mm
POSTCARDS = {"a4": (148.0, 105.0), "letter": (152.4, 101.6)}  # A6; 6 × 4 in (landscape)
LAYOUTS = ("letter", "card", "postcard")
FONT_FILES = {"": fonts.BASE.regular.path, "B": fonts.BASE.bold.path}
MARGIN_MM = 25
CARD_MARGIN_MM = 14
POSTCARD_MARGIN_MM = 7
LABEL_PADDING_MM = 5
FONT_SIZE = 12
LINE_MM = 6.2  # line height of 12 pt text; other sizes scale with it
SIGNATURE_LINES = 2.0  # room to sign by hand between the closing and the printed name
CARD_SIZES = (16.0, 14.0, 13.0, 12.0, 11.0, 10.0, 9.0)
POSTCARD_SIZES = (11.0, 10.0, 9.0, 8.0, 7.0)
LABEL_SIZES = (11.0, 10.0, 9.0, 8.0, 7.0)
POSTAGE = ("International post: check the postage for the destination country before "
           "posting.")
KIND_TITLES = {"appeal": "Appeals", "solidarity": "Solidarity messages"}


@dataclass(frozen=True)
class Printed:
    """A built PDF and the notes a writer should read (characters or letters left out)."""

    data: bytes
    pages: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchItem:
    """One letter of a batch and the case it is for."""

    case: Case
    letter: Letter


@dataclass(frozen=True)
class LabelSheet:
    """A sheet of address labels: the grid, a label's size and the pitch between labels (mm)."""

    columns: int
    rows: int
    width: float
    height: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float


LABEL_SHEETS = {
    "a4": LabelSheet(2, 7, 99.1, 38.1, 4.65, 15.15, 101.6, 38.1),  # 14 per sheet (L7163 type)
    "letter": LabelSheet(2, 5, 101.6, 50.8, 3.96, 12.7, 106.4, 50.8),  # 10 per sheet (5163 type)
}


@dataclass(frozen=True)
class Report:
    """A one-page report or certificate: what a class or event wrote, case by case."""

    title: str
    headline: str
    rows: tuple[tuple[str, str], ...]
    footer: str


@dataclass(frozen=True)
class Block:
    """A piece of text to lay out: size relative to the body, weight, side and the gap after."""

    text: str
    scale: float = 1.0
    bold: bool = False
    side: str = "start"  # "start", "end" or "center" of the line, mirrored right to left
    gap: float = 0.5  # in body lines


def check_options(paper: str, layout: str = "letter") -> None:
    """Refuse an unknown paper or layout with a message naming the choices."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")


def line_mm(size: float) -> float:
    """The line height for a font size in points."""
    return LINE_MM * size / FONT_SIZE


def letter_texts(letter: Letter) -> tuple[str, ...]:
    """Every piece of text a letter prints."""
    return (letter.date, *letter.addressee, letter.greeting, *letter.paragraphs,
            letter.closing, letter.name, letter.sender_town, letter.subject, letter.practice)


def planned(letter: Letter) -> tuple[Letter, fonts.Plan]:
    """Choose a letter's fonts (UnsupportedText if none prints it) and drop what none prints."""
    plan = fonts.plan(letter_texts(letter), letter.lang)
    keep = plan.clean
    return replace(letter, date=keep(letter.date), addressee=tuple(map(keep, letter.addressee)),
                   greeting=keep(letter.greeting), paragraphs=tuple(map(keep, letter.paragraphs)),
                   closing=keep(letter.closing), name=keep(letter.name).strip(),
                   sender_town=keep(letter.sender_town), subject=keep(letter.subject),
                   practice=keep(letter.practice)), plan


def is_rtl(letter: Letter) -> bool:
    """True when the letter's own words run right to left."""
    return fonts.is_rtl(" ".join((letter.greeting, *letter.paragraphs, letter.closing)))


def letter_blocks(letter: Letter) -> tuple[list[Block], list[Block]]:
    """The blocks of a letter on letter paper: the body, and the tail kept together."""
    head = [Block(line, side="end", gap=0) for line in sender(letter)]
    head.append(Block(letter.date, side="end", gap=1))
    head += [Block(line, gap=0) for line in letter.addressee]
    if letter.addressee:
        head[-1] = replace(head[-1], gap=1)
    if letter.subject:
        head.append(Block(letter.subject, bold=True))
    head += [Block(text) for text in (letter.greeting, *letter.paragraphs)]
    tail = [Block(letter.closing, gap=SIGNATURE_LINES if letter.name else 0),
            Block(letter.name, bold=True, gap=0)]
    return [b for b in head if b.text], [b for b in tail if b.text]


def card_blocks(letter: Letter) -> list[Block]:
    """The blocks of a card or postcard: a large greeting, the message, closing and name."""
    blocks = [Block(letter.greeting, scale=1.5, bold=True, side="center", gap=0.8),
              *(Block(text) for text in letter.paragraphs),
              Block(letter.closing, gap=0.3), Block(letter.name, bold=True, gap=0)]
    return [b for b in blocks if b.text]


def cover_blocks(case: Case, kind: str, count: int) -> list[Block]:
    """What a cover sheet says, for the volunteer who posts the letters (a past case's
    letters are practice: its sheet says so and gives no address and no postage)."""
    what = "appeal letter" if kind == "appeal" else "solidarity message"
    follow = f"{count} {what}s follow" if count != 1 else f"1 {what} follows"
    blocks = [Block(f"Write for Rights · {KIND_TITLES[kind]}", scale=0.9, gap=1),
              Block(case.name, scale=2, bold=True, gap=0.3),
              Block(", ".join(filter(None, (case.country, str(case.year)))), gap=1.5),
              Block(f"{follow} this sheet.", scale=1.2, bold=True, gap=1.5)]
    if case.is_past:
        return [*blocks, Block(f"Practice letters for a Write for Rights {case.year} case: "
                               "keep them or take them home; do not post them.", bold=True,
                               gap=0)]
    blocks.append(Block("Send to:", bold=True, gap=0.2))
    blocks += [Block(line, gap=0) for line in send_to(case, kind)]
    blocks[-1] = replace(blocks[-1], gap=1.5)
    return [*blocks, Block(POSTAGE, gap=0)]


def send_to(case: Case, kind: str) -> tuple[str, ...]:
    """Where a case's letters of this kind go: the authority's address, or the case's send_to."""
    if kind == "appeal":
        appeal = case.appeal
        lines = tuple(line for line in (appeal.addressee_name, appeal.addressee_title,
                                        *appeal.address) if line)
        return lines or (f"The address is not in the case file: {CASE_SHEET}.",)
    solidarity = case.solidarity
    return (f"For {solidarity.to or case.name}",
            solidarity.send_to or f"Where to send them: {CASE_SHEET}.")


def groups(items: Iterable[BatchItem]) -> Iterator[tuple[Case, str, list[Letter]]]:
    """The letters of a batch by case (sorted by name) and kind (appeals first), order kept."""
    def key(item: BatchItem) -> tuple[str, str, bool]:
        return item.case.name.casefold(), item.case.id, item.letter.kind != "appeal"

    for _, group in groupby(sorted(items, key=key), key=key):
        members = list(group)
        yield members[0].case, members[0].letter.kind, [m.letter for m in members]


class Document:
    """One PDF being built, with the fonts it loaded, reused for every page of a batch."""

    def __init__(self, title: str) -> None:
        from w4r import sheets  # fpdf2: imported with the first PDF, never for a page's first view
        self.pdf = sheets.Sheets(mark_mm=line_mm(8))
        self.pdf.set_title(title)
        self.pdf.set_creator("w4r")
        self.widths: dict[tuple, float] = {}
        self.font_key: tuple = ()
        self.plan = fonts.Plan((fonts.BASE,))
        self.rtl = False

    def use(self, plan: fonts.Plan, rtl: bool = False) -> None:
        """Write the next texts with a plan's fonts (loaded when a text first needs them)."""
        self.plan, self.rtl = plan, rtl

    def style(self, text: str, size: float, bold: bool = False) -> None:
        """Set the font, fallback fonts, shaping and direction a text needs."""
        family = fonts.main_family(text, self.plan)
        used = fonts.families_used(text, self.plan)
        bold = bold and all(f.bold for f in used)  # all bold, or none: no half-bold lines
        fallbacks = [f.name for f in used if f is not family]
        traits = fonts.traits(text)
        direction = "rtl" if traits.rtl else "ltr"
        pdf = self.pdf
        for other in used:
            pdf.load(other, bold)
        pdf.set_font(family.name, pdf.load(family, bold), size)
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
        if traits.shaping:
            pdf.set_text_shaping(True, direction=direction)
        else:
            pdf.set_text_shaping(False)
        self.font_key = (family.name, bold, size, traits.shaping and direction, *fallbacks)

    def width_of(self, text: str) -> float:
        """The width of a piece of text in the current style (remembered for the document)."""
        key = (self.font_key, text)
        if key not in self.widths:
            pdf, font = self.pdf, self.pdf.current_font
            if all(ord(c) in font.cmap for c in text):  # one font: measure it directly
                points = font.get_text_width(text, pdf.font_size_pt, pdf.text_shaping)[1]
                self.widths[key] = points / pdf.k
            else:  # fpdf2 splits the text between the fonts
                self.widths[key] = pdf.get_string_width(text)
        return self.widths[key]

    def lines(self, text: str, width: float) -> list[str]:
        """Break a text (after style()) into lines that fit a width.

        Lines break after spaces and between Chinese or Japanese characters; a word longer than
        the line is cut where it must, never before a combining mark.
        """
        lines = []
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for piece in fonts.line_pieces(paragraph):
                for part in self.fitting_parts(piece, width):
                    if line and used + self.width_of(part.rstrip()) > width:
                        lines.append(line.rstrip())
                        line, used = "", 0.0
                    line, used = line + part, used + self.width_of(part)
            lines.append(line.rstrip())
        return lines

    def fitting_parts(self, piece: str, width: float) -> list[str]:
        """A piece of text cut into parts no wider than a line (most pieces are one part)."""
        if self.width_of(piece.rstrip()) <= width:
            return [piece]
        parts, part, used = [], "", 0.0
        for char in piece:
            char_width = self.width_of(char)
            if part and used + char_width > width and not unicodedata.category(char)[0] == "M":
                parts.append(part)
                part, used = "", 0.0
            part, used = part + char, used + char_width
        return [*parts, part]

    def align(self, side: str) -> str:
        """The fpdf2 alignment of a side of the line, mirrored in a right-to-left letter."""
        start, end = ("R", "L") if self.rtl else ("L", "R")
        return {"start": start, "end": end, "center": "C"}[side]

    def put(self, block: Block, size: float) -> None:
        """Write a block at the cursor between the margins, then leave its gap."""
        self.style(block.text, size * block.scale, block.bold)
        pdf = self.pdf
        height, align = line_mm(size * block.scale), self.align(block.side)
        for line in self.lines(block.text, pdf.epw - 2 * pdf.c_margin):
            pdf.cell(pdf.epw, height, line, align=align, new_x="LMARGIN", new_y="NEXT")
        if block.gap:
            pdf.ln(block.gap * line_mm(size))

    def height(self, blocks: Iterable[Block], size: float) -> float:
        """The height these blocks take at a size between the margins, gaps included."""
        total = 0.0
        for block in blocks:
            self.style(block.text, size * block.scale, block.bold)
            lines = self.lines(block.text, self.pdf.epw - 2 * self.pdf.c_margin)
            total += len(lines) * line_mm(size * block.scale) + block.gap * line_mm(size)
        return total

    def room(self) -> float:
        """The height left on the page above the bottom margin."""
        return self.pdf.page_break_trigger - self.pdf.y

    def fit(self, blocks: list[Block], sizes: Sequence[float], room: float) -> float:
        """The largest of these font sizes at which the blocks fit the room (else the smallest)."""
        return next((s for s in sizes if self.height(blocks, s) <= room), sizes[-1])

    def frame(self, x: float, y: float, w: float, h: float) -> None:
        """Draw the light dashed frame of a space left for a drawing."""
        pdf = self.pdf
        pdf.set_draw_color(175)
        pdf.set_line_width(0.3)
        pdf.set_dash_pattern(dash=2, gap=1.5)
        pdf.rect(x, y, w, h)
        pdf.set_dash_pattern()
        pdf.set_draw_color(0)

    def new_page(self, size: tuple[float, float], left: float, right: float, top: float,
                 bottom: float) -> None:
        """Add a page with these margins (the pages a long text adds keep them)."""
        pdf = self.pdf
        pdf.set_margins(left, top, right)
        pdf.set_auto_page_break(bottom > 0, margin=bottom)
        pdf.add_page(format=size)

    def letter(self, letter: Letter, plan: fonts.Plan, paper: str, layout: str = "letter") -> None:
        """Lay out one letter, cleaned by its plan, on new pages."""
        self.use(plan, is_rtl(letter))
        self.pdf.page_of_letter = 0
        {"letter": self.letter_pages, "card": self.card_pages,
         "postcard": self.postcard_pages}[layout](letter, paper)
        if letter.practice:
            self.practice_line(letter.practice)
        self.pdf.page_of_letter = None

    def practice_line(self, text: str) -> None:
        """A small grey line at the foot of a letter's last page: a past case's practice note."""
        pdf = self.pdf
        bottom = pdf.b_margin
        pdf.set_auto_page_break(False)
        pdf.set_font(fonts.BASE.name, pdf.load(fonts.BASE), 7)
        pdf.set_text_color(110)
        pdf.set_xy(pdf.l_margin, pdf.h - bottom / 2 - line_mm(7) / 2)
        pdf.cell(pdf.epw, line_mm(7), text, align="C")
        pdf.set_text_color(0)
        pdf.set_auto_page_break(bottom > 0, margin=bottom)

    def letter_pages(self, letter: Letter, paper: str) -> None:
        """An appeal or message on A4 or US Letter, flowing onto more pages when long."""
        self.new_page(PAPERS[paper], MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
        head, tail = letter_blocks(letter)
        tail_height = self.height(tail, FONT_SIZE)
        for i, block in enumerate(head):
            if i == len(head) - 1:
                self.keep_with_tail(block, tail_height)
            self.put(block, FONT_SIZE)
        if tail_height > self.room():
            self.pdf.add_page(same=True)
        for block in tail:
            self.put(block, FONT_SIZE)

    def keep_with_tail(self, last: Block, tail_height: float) -> None:
        """Start a new page before a short last paragraph rather than leave the signature alone."""
        last_height = self.height([last], FONT_SIZE)
        fits_here = last_height + tail_height <= self.room()
        splits = last_height > self.room()
        short = last_height + tail_height <= (self.pdf.h - 2 * MARGIN_MM) / 3
        if not fits_here and not splits and short:
            self.pdf.add_page(same=True)

    def card_pages(self, letter: Letter, paper: str) -> None:
        """A card folded in half: one side of a landscape sheet, folded with the print inside.

        One half holds the message, the other a framed space for a drawing; a right-to-left
        card is mirrored, as its reader opens it from the other side.
        """
        width, height = PAPERS[paper][::-1]
        half, m = width / 2, CARD_MARGIN_MM
        text_left = m if self.rtl else half + m
        self.new_page((width, height), text_left, width - text_left - (half - 2 * m), m, m)
        self.frame(half + m if self.rtl else m, m, half - 2 * m, height - 2 * m)
        self.pdf.set_draw_color(150)
        for y in (0, height - 6):
            self.pdf.line(half, y, half, y + 6)  # where to fold
        self.pdf.set_draw_color(0)
        self.panel_text(card_blocks(letter), CARD_SIZES, height - 2 * m)

    def postcard_pages(self, letter: Letter, paper: str) -> None:
        """A postcard, A6 (6 × 4 in with US Letter): the message beside a space for a drawing."""
        width, height = POSTCARDS[paper]
        m = POSTCARD_MARGIN_MM
        text_width, drawing_width = width * 0.58 - 1.5 * m, width * 0.42 - m
        text_left = width - m - text_width if self.rtl else m
        self.new_page((width, height), text_left, width - text_left - text_width, m, m)
        self.frame(m if self.rtl else width - m - drawing_width, m, drawing_width, height - 2 * m)
        self.panel_text(card_blocks(letter), POSTCARD_SIZES, height - 2 * m)

    def panel_text(self, blocks: list[Block], sizes: Sequence[float], room: float) -> None:
        """Write a card's blocks at the largest size that fits, a little above the middle."""
        size = self.fit(blocks, sizes, room)
        spare = room - self.height(blocks, size)
        if spare > 0:
            self.pdf.set_y(self.pdf.t_margin + spare / 3)
        for block in blocks:
            self.put(block, size)

    def cover(self, case: Case, kind: str, count: int, paper: str) -> None:
        """The sheet opening a case's letters: for whom, where to send them, how many, postage."""
        blocks = cover_blocks(case, kind, count)
        plan = fonts.plan(block.text for block in blocks)
        self.use(plan)
        self.pdf.page_of_letter = None
        self.new_page(PAPERS[paper], MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.pdf.set_fill_color(225)
        self.pdf.rect(0, 0, self.pdf.w, MARGIN_MM - 8, style="F")  # finds the sheet in a pile
        for block in blocks:
            self.put(replace(block, text=plan.clean(block.text)), FONT_SIZE)

    def label(self, lines: Sequence[str], plan: fonts.Plan, x: float, y: float,
              sheet: LabelSheet) -> None:
        """Write one address label, its lines centred in the label's height."""
        self.use(plan, fonts.is_rtl(" ".join(lines)))
        blocks = [Block(plan.clean(line), gap=0) for line in lines]
        self.pdf.set_left_margin(x + LABEL_PADDING_MM)
        self.pdf.set_right_margin(self.pdf.w - x - sheet.width + LABEL_PADDING_MM)
        room = sheet.height - 2 * LABEL_PADDING_MM
        size = self.fit(blocks, LABEL_SIZES, room)
        spare = max(0.0, room - self.height(blocks, size))
        self.pdf.set_xy(x + LABEL_PADDING_MM, y + LABEL_PADDING_MM + spare / 2)
        for block in blocks:
            self.put(block, size)

    def printed(self, notes: Iterable[str] = ()) -> Printed:
        """The finished PDF."""
        return Printed(bytes(self.pdf.output()), self.pdf.pages_count, tuple(dict.fromkeys(notes)))


def build(letter: Letter, paper: str = "a4", layout: str = "letter") -> Printed:
    """Lay out one letter as a PDF: on letter paper, as a folded card or as a postcard."""
    check_options(paper, layout)
    if layout != "letter" and letter.kind == "appeal":
        raise ValueError("cards and postcards are for solidarity messages: print an appeal "
                         "as a letter")
    letter, plan = planned(letter)
    document = Document(f"Write for Rights {letter.kind} letter")
    document.letter(letter, plan, paper, layout)
    return document.printed(plan.notes)


def build_batch(items: Sequence[BatchItem], paper: str = "a4",
                solidarity_layout: str = "letter") -> Printed:
    """One PDF of many letters, each case's letters of a kind opened by a cover sheet.

    A letter in a script no installed font prints is left out with a note; emoji are dropped.
    """
    check_options(paper, solidarity_layout)
    if not items:
        raise ValueError("the batch has no letters")
    document = Document("Write for Rights letters")
    notes: list[str] = []
    dropped = 0
    for case, kind, letters in groups(items):
        printable = []
        for letter in letters:
            try:
                printable.append(planned(letter))
            except UnsupportedText as exc:
                notes.append(f"Left out a {kind} letter for {case.name}: {exc}")
        if not printable:
            continue
        document.cover(case, kind, len(printable), paper)
        layout = solidarity_layout if kind == "solidarity" else "letter"
        for letter, plan in printable:
            document.letter(letter, plan, paper, layout)
            dropped += bool(plan.notes)
    if document.pdf.pages_count == 0:
        raise UnsupportedText(" ".join(notes))
    if dropped:
        notes.append(f"Left out emoji or symbols no font has in {dropped} letter"
                     f"{'s' * (dropped != 1)}.")
    return document.printed(notes)


def build_labels(items: Sequence[BatchItem], paper: str = "a4") -> Printed:
    """Address labels, one per appeal that has an address, in the batch's order.

    A4: 2 × 7 labels of 99.1 × 38.1 mm; US Letter: 2 × 5 labels of 4 × 2 in.
    """
    check_options(paper)
    sheet = LABEL_SHEETS[paper]
    addresses: list[tuple[tuple[str, ...], fonts.Plan]] = []
    notes: list[str] = []
    for case, kind, letters in groups(items):
        if kind != "appeal":
            continue
        missing = sum(1 for letter in letters if not letter.addressee)
        if missing and not case.is_past:  # a past case's letters are practice: not posted
            notes.append(f"{missing} appeal{'s' * (missing != 1)} for {case.name} "
                         f"{'has' if missing == 1 else 'have'} no address: copy it from "
                         "this year's case sheet onto the envelope.")
        for letter in (letter for letter in letters if letter.addressee):
            try:
                addresses.append((letter.addressee, fonts.plan(letter.addressee)))
            except UnsupportedText as exc:
                notes.append(f"Left out the label of an appeal for {case.name}: {exc}")
    if not addresses:
        raise ValueError(" ".join(["None of these appeals has an address to print on a label.",
                                   *notes]))
    document = Document("Write for Rights address labels")
    per_sheet = sheet.columns * sheet.rows
    for i, (lines, plan) in enumerate(addresses):
        slot = i % per_sheet
        if slot == 0:
            document.new_page(PAPERS[paper], 0, 0, 0, 0)
        column, row = slot % sheet.columns, slot // sheet.columns
        document.label(lines, plan, sheet.left + column * sheet.pitch_x,
                       sheet.top + row * sheet.pitch_y, sheet)
    return document.printed(notes)


def build_report(report: Report, paper: str = "a4") -> Printed:
    """Lay out a report or certificate on one framed page (more only for very many cases)."""
    return build_reports([report], paper)


def build_reports(reports: Sequence[Report], paper: str = "a4") -> Printed:
    """Several reports or certificates in one PDF (a certificate per class), a page each."""
    check_options(paper)
    if not reports:
        raise ValueError("there is no report to print")
    document = Document(reports[0].title)
    notes: list[str] = []
    for report in reports:
        notes += report_page(document, report, paper)
    return document.printed(notes)


def report_page(document: Document, report: Report, paper: str) -> tuple[str, ...]:
    """One framed report page; returns the notes of what no font printed."""
    plan = fonts.plan((report.title, report.headline, report.footer,
                       *(text for row in report.rows for text in row)))
    document.use(plan, fonts.is_rtl(report.headline))
    document.new_page(PAPERS[paper], MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf = document.pdf
    pdf.set_draw_color(90)
    pdf.set_line_width(0.8)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
    pdf.set_y(MARGIN_MM + 10)
    for block in (Block(report.title, scale=1.2, side="center", gap=2),
                  Block(report.headline, scale=2.0, bold=True, side="center", gap=2)):
        document.put(replace(block, text=plan.clean(block.text)), FONT_SIZE)
    height = line_mm(FONT_SIZE) * 1.3
    for label, value in report.rows:
        label, value = plan.clean(label), plan.clean(value)
        document.style(label, FONT_SIZE)
        start, end = document.align("start"), document.align("end")
        pdf.cell(pdf.epw * 0.7, height, document.lines(label, pdf.epw * 0.7)[0], align=start)
        document.style(value, FONT_SIZE, bold=True)
        pdf.cell(pdf.epw * 0.3, height, value, align=end, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.h - MARGIN_MM - 3 * line_mm(FONT_SIZE))
    document.put(Block(plan.clean(report.footer), scale=0.8, side="center", gap=0), FONT_SIZE)
    return plan.notes
