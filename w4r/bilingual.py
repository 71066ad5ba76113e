"""Bilingual letters: the words sent to the translator, and the letter printed translated or both."""

from __future__ import annotations

import re
from dataclasses import replace

from w4r.i18n import N_
from w4r.letters import Letter

CHOICES = ("original", "translation", "both")
CHOICE_LABELS = {"original": N_("My letter only"), "translation": N_("The translation only"),
                 "both": N_("Both, my letter then the translation")}


def words_to_translate(letter: Letter) -> str:
    """The parts of a letter a translator gets: greeting, paragraphs and closing (no name,
    no date, no address), one blank line between parts."""
    return "\n\n".join(p for p in (letter.greeting, *letter.paragraphs, letter.closing) if p)


def translated(letter: Letter, text: str, lang: str) -> Letter:
    """The letter with its words replaced by their translation, part for part when possible."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    wanted = [p for p in (letter.greeting, *letter.paragraphs, letter.closing) if p]
    if len(parts) == len(wanted) and letter.greeting and letter.closing:
        greeting, *paragraphs, closing = parts
    else:  # the translator joined or split parts: keep its text whole, never drop any
        greeting, paragraphs, closing = "", parts, ""
    return replace(letter, greeting=greeting, paragraphs=tuple(paragraphs), closing=closing,
                   lang=lang)


def both(letter: Letter, translation: Letter, heading: str) -> Letter:
    """The letter, then a heading and the translation of its words, then the signature."""
    words = [p for p in (translation.greeting, *translation.paragraphs, translation.closing) if p]
    paragraphs = tuple(p for p in (*letter.paragraphs, letter.closing, heading, *words) if p)
    return replace(letter, paragraphs=paragraphs, closing="")


def to_print(letter: Letter, translation: Letter | None, choice: str, heading: str) -> Letter:
    """The letter to print for the writer's choice (the original when there is no translation)."""
    if choice not in CHOICES:
        raise ValueError(f"choice must be one of {', '.join(CHOICES)}")
    if translation is None or choice == "original":
        return letter
    return translation if choice == "translation" else both(letter, translation, heading)
