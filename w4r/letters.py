"""Letters: a draft as the writer fills it in, and the letter it becomes on paper."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date

from w4r.cases import Case
from w4r.i18n import N_, Text
from w4r.tally import new_submission_id
from w4r.terms import LETTER_KINDS

MAX_FIELD = 3_000
MAX_LETTER = 6_000
FIELDS = ("greeting", "about", "message", "request", "closing", "name")
ONE_LINE = ("greeting", "closing", "name")  # the parts written on one line (the rest: paragraphs)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # lone surrogates too
# "Re:" in the languages whose letter convention we are sure of; others print the name alone.
SUBJECT_PREFIX = {"en": "Re: ", "fr": "Objet : ", "de": "Betreff: ", "es": "Asunto: ",
                  "it": "Oggetto: ", "pt": "Assunto: ", "nl": "Betreft: "}


@dataclass
class Draft:
    """What a writer is composing; its submission id is made once, when the draft starts."""

    case_id: str
    kind: str
    submission_id: str = field(default_factory=new_submission_id)
    greeting: str = ""
    about: str = ""
    message: str = ""
    request: str = ""
    closing: str = ""
    name: str = ""


@dataclass(frozen=True)
class Letter:
    """A letter laid out for paper: every part already final text."""

    kind: str
    date: str
    addressee: tuple[str, ...]
    greeting: str
    paragraphs: tuple[str, ...]
    closing: str
    name: str
    lang: str = "en"
    sender_town: str = ""
    subject: str = ""
    practice: str = ""  # a past case's letter: "Practice letter — Write for Rights YEAR case…"


def clean(text: str) -> str:
    """Normalise typed or pasted text: NFC, Unix newlines, tabs as spaces, no control characters."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


def start(case: Case, kind: str) -> Draft:
    """Start a new draft for a case, prefilled from the case (salutation, the exact ask)."""
    if kind not in LETTER_KINDS:
        raise ValueError(f"kind must be one of {', '.join(LETTER_KINDS)}")
    if kind == "appeal":
        salutation = case.appeal.salutation.rstrip(",")
        return Draft(case.id, kind, greeting=f"{salutation or 'Dear Sir or Madam'},",
                     request=case.appeal.ask, closing="Yours sincerely,")
    to = case.solidarity.to or case.name
    native = case.solidarity.greeting.rstrip(",!")
    return Draft(case.id, kind, greeting=f"{native}, {to}!" if native else f"Dear {to},",
                 closing="With warm wishes,")


def restart(draft: Draft, case: Case, kind: str) -> Draft:
    """Switch a draft to another kind of letter, keeping what the writer wrote about themselves."""
    fresh = start(case, kind)
    return replace(fresh, submission_id=draft.submission_id, about=draft.about,
                   message=draft.message, name=draft.name)


def problems(draft: Draft) -> list[str]:
    """List what stops a draft from printing, in words a student understands."""
    found = []
    if any(len(getattr(draft, name)) > MAX_FIELD for name in FIELDS):
        found.append(Text(N_("A part of your letter is {length} characters long; please keep "
                             "each part under {limit}."),
                          length=max(len(getattr(draft, name)) for name in FIELDS),
                          limit=MAX_FIELD))
    total = sum(len(getattr(draft, name)) for name in FIELDS)
    if total > MAX_LETTER:
        found.append(Text(N_("The letter is {length} characters long; a letter should fit on "
                             "one or two pages (at most {limit} characters)."),
                          length=total, limit=MAX_LETTER))
    if not (draft.message.strip() or draft.request.strip() or draft.about.strip()):
        found.append(Text(N_("The letter has no message yet: write a few words first.")))
    return found


def long_date(day: date, lang: str) -> str:
    """Write a date the way the letter's language does ('20 November 2026', '20 novembre 2026')."""
    tag = "en_GB" if lang in ("", "en") else lang.replace("-", "_")  # 10 December 2026
    try:
        return format_date(day, format="long", locale=Locale.parse(tag))
    except (UnknownLocaleError, ValueError, TypeError):
        return format_date(day, format="long", locale="en_GB")


def subject_line(case: Case, lang: str = "en") -> str:
    """The subject line of an appeal, naming the person at risk ('Re: Yecenia Armenta')."""
    prefix = SUBJECT_PREFIX.get((lang or "en").replace("_", "-").split("-")[0].lower(), "")
    return f"{prefix}{case.name}"


def practice_line(case: Case, lang: str = "en") -> str:
    """A past case's practice line in the letter's language ('' for this year's cases)."""
    line = case.practice
    return line.translated(lang) if isinstance(line, Text) else line


def compose(draft: Draft, case: Case, day: date | None = None, lang: str = "en", *,
            subject: str = "", sender_town: str = "") -> Letter:
    """Turn a draft into the letter that will be printed (subject and sender town optional)."""
    addressee: tuple[str, ...] = ()
    if draft.kind == "appeal":
        appeal = case.appeal
        addressee = tuple(line for line in (appeal.addressee_name, appeal.addressee_title,
                                             *appeal.address) if line)
    # an appeal says who writes, what they know, then asks; a solidarity message brings hope
    # first and says a little about the writer after it (the composer's order)
    parts = ([draft.about, draft.message, draft.request] if draft.kind == "appeal"
             else [draft.message, draft.about])
    paragraphs = tuple(p for p in (clean(part).strip() for part in parts) if p)
    return Letter(kind=draft.kind, date=long_date(day or date.today(), lang),
                  addressee=addressee, greeting=clean(draft.greeting).strip(),
                  paragraphs=paragraphs, closing=clean(draft.closing).strip(),
                  name=clean(draft.name).strip(), lang=lang,
                  sender_town=clean(sender_town).strip(), subject=clean(subject).strip(),
                  practice=practice_line(case, lang))


def for_print(draft: Draft, case: Case, day: date | None = None, lang: str = "en",
              sender_town: str = "") -> Letter:
    """The letter as it is printed: an appeal carries a subject line naming the person."""
    subject = subject_line(case, lang) if draft.kind == "appeal" else ""
    return compose(draft, case, day, lang, subject=subject, sender_town=sender_town)


def sender(letter: Letter) -> tuple[str, ...]:
    """The sender block (name and town), printed only when the writer gave a town."""
    return tuple(filter(None, (letter.name, letter.sender_town))) if letter.sender_town else ()


def as_text(letter: Letter) -> str:
    """The letter as plain text, in the order it is printed (for the preview and for tests)."""
    blocks = ["\n".join(sender(letter)), letter.date]
    if letter.addressee:
        blocks.append("\n".join(letter.addressee))
    blocks.append(letter.subject)
    blocks += [letter.greeting, *letter.paragraphs, "\n".join(filter(None, (letter.closing,
                                                                            letter.name))),
               letter.practice]
    return "\n\n".join(b for b in blocks if b)
