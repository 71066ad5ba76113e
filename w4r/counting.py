"""The rules of printing and counting a letter, checked on the server at every click.

What the browser showed (a disabled button, a warning) is presentation only: the callbacks of
Print and Count ask `review` again, on the draft as it is now, and count or print exactly the
letter it returns. Pages, the kiosk and the CLI share these rules.
"""

from __future__ import annotations

import functools
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from w4r import kept, letters, prompts, tally, tone, visits
from w4r.cases import Case
from w4r.i18n import N_, Text
from w4r.db import Database
from w4r.sessions import Session

MIN_OWN_LETTERS = 4  # a writer's own words: at least this many letters beyond what the app gave
_WIDE = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")  # one of these characters counts as two letters


@dataclass(frozen=True)
class Verdict:
    """What the server found in a draft: the letter it prints, and what stops it (if anything)."""

    letter: letters.Letter
    checked: str  # the words the tone checker read
    findings: tuple[tone.Finding, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the letter may be printed and counted."""
        return not self.problems

    @property
    def writing_problems(self) -> tuple[str, ...]:
        """The problems that are not the checker's findings (those show with their words)."""
        blocked = {finding.message for finding in tone.blocking(self.findings)}
        return tuple(problem for problem in self.problems if problem not in blocked)


@dataclass(frozen=True)
class Counted:
    """What a click on Count did: counted now, counted before, refused (with the reasons), or
    not yet (a kiosk that just counted one: `wait_s` seconds to wait, not a problem)."""

    new: bool
    problems: tuple[str, ...] = ()
    wait_s: float = 0.0

    @property
    def refused(self) -> bool:
        """True when the letter was not counted (a problem, or a kiosk's pause)."""
        return bool(self.problems) or self.wait_s > 0


@functools.lru_cache(maxsize=2048)
def check_letter(letter: letters.Letter, case: Case, session: Session, kind: str,
                 lang: str | None = None) -> tuple[str, tuple[tone.Finding, ...]]:
    """Run the tone checker on a letter's own words, with the case's and session's rules.

    Pure, so remembered: a rerun (and the review of many kept letters) checks each version of a
    letter once.
    """
    lang = lang or session.language
    examples = "\n\n".join(step.example for step in
                           prompts.steps(kind, lang, session.simple, case=case))
    text = tone.letter_words(letter.greeting, letter.paragraphs, letter.closing, letter.name)
    return text, tuple(tone.check(text, kind=kind, lang=lang, ask=case.appeal.ask,
                                  religious_content=case.solidarity.religious_content,
                                  allow_personal_data=session.personal_data,
                                  examples=(examples,)))


def given_texts(case: Case, session: Session, kind: str, lang: str) -> tuple[str, ...]:
    """The texts the app offers a writer (the case's request, sentence starters, facts)."""
    offered = [case.appeal.ask] if kind == "appeal" else []
    for step in prompts.steps(kind, lang, session.simple, case=case):
        offered += [*step.starters, step.example]
    offered += prompts.facts(case, session.simple) + prompts.facts(case, session.simple, lang)
    return tuple(sorted({t.strip() for t in offered if t and t.strip()}, key=len, reverse=True))


def own_letters(draft: letters.Draft, given: Iterable[str]) -> int:
    """How many letters the writer typed themselves in the body of the letter (the parts the
    app prefilled or offered taken out)."""
    body = "\n".join((draft.about, draft.message, draft.request))
    folded = _fold(body)
    for text in given:
        folded = folded.replace(_fold(text), " ")
    return sum(2 if unicodedata.name(ch, "").startswith(_WIDE) else 1
               for ch in folded if ch.isalpha())


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).casefold())


def review(draft: letters.Draft, case: Case, session: Session, lang: str, *,
           day: date | None = None, sender_town: str = "") -> Verdict:
    """Everything that stops a draft from being printed or counted, checked on the server."""
    letter = letters.for_print(draft, case, day, lang, sender_town=sender_town)
    checked, found = check_letter(letter, case, session, draft.kind, lang)
    problems = list(letters.problems(draft))
    if not session.offers(case.id) or draft.case_id != case.id:
        problems.append(Text(N_("This case is not offered in your class or event any more: "
                                "choose another one.")))
    if draft.kind not in session.kinds:
        problems.append(Text(N_("Your class or event does not write this kind of letter: "
                                "choose the other kind.")))
    if not problems and own_letters(draft, given_texts(case, session, draft.kind, lang)) \
            < MIN_OWN_LETTERS:
        problems.append(Text(N_("Write a few words of your own first: the letter still holds "
                                "only what the app put in.")))
    problems += [finding.message for finding in tone.blocking(found)]
    return Verdict(letter, checked, found, tuple(problems))


def count(database: Database, session: Session, draft: letters.Draft, case: Case,
          lang: str, *, now: float | None = None) -> Counted:
    """Count a draft once if the server's own check lets it through; keep its text if the
    session keeps text. A kiosk counts a new letter only at its pace (`visits.COUNT_GAP_S`)."""
    verdict = review(draft, case, session, lang)
    if not verdict.ok:
        return Counted(False, verdict.problems)

    def paced(db: Database) -> None:
        if session.kiosk and not tally.is_counted(db, draft.submission_id):
            visits.pace(db, session.code, time.time() if now is None else now)

    try:
        return Counted(kept.count(database, session, draft, lang, before=paced))
    except visits.TooSoon as exc:
        return Counted(False, wait_s=exc.wait_s)
