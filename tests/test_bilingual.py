"""Bilingual letters: what goes to the translator and what is printed for each choice."""

from __future__ import annotations

import pytest

from w4r import bilingual
from w4r.letters import Letter

LETTER = Letter(kind="solidarity", date="20 November 2026", addressee=(), greeting="Dear Jani,",
                paragraphs=("You are not alone.", "We think of you."), closing="With love,",
                name="Ana")


def test_the_translator_gets_the_words_but_not_name_date_or_address():
    words = bilingual.words_to_translate(LETTER)
    assert words == "Dear Jani,\n\nYou are not alone.\n\nWe think of you.\n\nWith love,"
    assert "Ana" not in words and "2026" not in words


def test_a_translation_maps_part_for_part():
    out = bilingual.translated(LETTER, "Cher Jani,\n\nTu n'es pas seul.\n\nOn pense à toi.\n\n"
                                       "Avec amour,", "fr")
    assert (out.greeting, out.paragraphs, out.closing, out.name, out.lang) == (
        "Cher Jani,", ("Tu n'es pas seul.", "On pense à toi."), "Avec amour,", "Ana", "fr")


def test_a_translation_with_other_breaks_is_kept_whole():
    out = bilingual.translated(LETTER, "Cher Jani, tu n'es pas seul.\n\nAvec amour,", "fr")
    assert out.greeting == "" and out.closing == ""
    assert out.paragraphs == ("Cher Jani, tu n'es pas seul.", "Avec amour,")


@pytest.mark.parametrize("choice", bilingual.CHOICES)
def test_without_a_translation_the_original_prints(choice):
    assert bilingual.to_print(LETTER, None, choice, "— x —") is LETTER


def test_both_prints_the_letter_then_the_translation_then_the_name():
    fr = bilingual.translated(LETTER, "Cher Jani,\n\nA\n\nB\n\nAvec amour,", "fr")
    out = bilingual.to_print(LETTER, fr, "both", "— français —")
    assert out.greeting == "Dear Jani,"
    assert out.paragraphs == ("You are not alone.", "We think of you.", "With love,",
                              "— français —", "Cher Jani,", "A", "B", "Avec amour,")
    assert out.closing == "" and out.name == "Ana"
    assert bilingual.to_print(LETTER, fr, "translation", "") is fr


def test_an_unknown_choice_is_refused():
    with pytest.raises(ValueError):
        bilingual.to_print(LETTER, None, "neither", "")
