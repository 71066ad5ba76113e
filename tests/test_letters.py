"""Letters: starting a draft from a case, cleaning text, what stops printing, composing."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from w4r import letters, tally, terms
from w4r.cases import CASE_SHEET

DAY = date(2026, 11, 20)


def with_appeal(case, **changes):
    """The case with some appeal fields set (test values, never shipped content)."""
    return dataclasses.replace(case, appeal=dataclasses.replace(case.appeal, **changes))


def with_solidarity(case, **changes):
    return dataclasses.replace(case, solidarity=dataclasses.replace(case.solidarity, **changes))


# --- start / restart ------------------------------------------------------------

def test_appeal_draft_prefills_the_exact_ask(case):
    draft = letters.start(case, "appeal")
    assert draft.request == case.appeal.ask
    assert draft.case_id == case.id and draft.kind == "appeal"


def test_appeal_draft_has_a_salutation_greeting(case):
    draft = letters.start(case, "appeal")
    assert draft.greeting.strip() and draft.greeting.endswith(",")
    assert CASE_SHEET not in draft.greeting
    assert draft.closing.strip()


def test_appeal_draft_uses_the_case_salutation_without_doubling_the_comma(case):
    draft = letters.start(with_appeal(case, salutation="Your Excellency,"), "appeal")
    assert draft.greeting == "Your Excellency,"


def test_solidarity_draft_greets_the_person(case):
    draft = letters.start(case, "solidarity")
    to = case.solidarity.to or case.name
    assert to in draft.greeting
    assert draft.request == ""  # the appeal's ask is not for the person at risk
    assert draft.closing.strip()


def test_solidarity_draft_uses_the_greeting_in_their_language(case):
    changed = with_solidarity(case, greeting="¡Hola!", to="Yecenia")
    draft = letters.start(changed, "solidarity")
    assert draft.greeting.startswith("¡Hola") and "Yecenia" in draft.greeting


def test_start_rejects_an_unknown_kind(case):
    with pytest.raises(ValueError, match="kind"):
        letters.start(case, "postcard")


def test_each_new_draft_gets_its_own_submission_id(case):
    first, second = letters.start(case, "appeal"), letters.start(case, "appeal")
    assert first.submission_id != second.submission_id
    assert terms.SUBMISSION_ID.match(first.submission_id)


def test_restart_keeps_the_submission_id_and_the_writers_words(case):
    draft = letters.start(case, "appeal")
    draft.about, draft.message, draft.name = "I am a teacher.", "Please act.", "Ana"
    switched = letters.restart(draft, case, "solidarity")
    assert switched.submission_id == draft.submission_id
    assert (switched.about, switched.message, switched.name) == ("I am a teacher.",
                                                                 "Please act.", "Ana")
    assert switched.kind == "solidarity"
    assert switched.greeting == letters.start(case, "solidarity").greeting
    back = letters.restart(switched, case, "appeal")
    assert back.submission_id == draft.submission_id
    assert back.request == case.appeal.ask


# --- clean ---------------------------------------------------------------------

def test_clean_strips_control_characters():
    assert letters.clean("a\x00b\x07c\x1bd\x7fe\x9ff") == "abcdef"


def test_clean_normalises_newlines_and_tabs():
    assert letters.clean("one\r\ntwo\rthree\nfour\tfive") == "one\ntwo\nthree\nfour five"


def test_clean_composes_unicode():
    decomposed = "Zaz\u0307o\u0301ł\u0107 e\u0301le\u0300ve"
    assert letters.clean(decomposed) == "Zażółć élève"


def test_clean_keeps_any_script_and_markup_literally():
    text = "Ελληνικά Русский مرحبا 你好 <b>x</b> **y** 😀"
    assert letters.clean(text) == text


def test_clean_of_none_or_empty_is_empty():
    assert letters.clean("") == "" and letters.clean(None) == ""


# --- problems -------------------------------------------------------------------

def test_empty_draft_has_a_problem_in_plain_words(case):
    draft = letters.Draft(case.id, "appeal")
    found = letters.problems(draft)
    assert len(found) == 1
    assert "no message" in found[0]


def test_whitespace_only_draft_is_still_empty(case):
    draft = letters.start(case, "solidarity")
    draft.message = " \n\t  "
    assert any("no message" in p for p in letters.problems(draft))


def test_a_short_message_has_no_problems(case):
    draft = letters.start(case, "solidarity")
    draft.message = "Stay strong."
    assert letters.problems(draft) == []


def test_a_100000_character_message_gets_a_clear_message_not_an_exception(case):
    draft = letters.start(case, "appeal")
    draft.message = "x" * 100_000
    found = letters.problems(draft)
    assert found
    assert any("100,000" in p and "3,000" in p for p in found)
    assert all(len(p) < 300 and "\n" not in p for p in found)


def test_a_letter_at_the_limits_is_accepted(case):
    draft = letters.Draft(case.id, "solidarity", message="m" * letters.MAX_FIELD,
                          about="a" * (letters.MAX_LETTER - letters.MAX_FIELD))
    assert letters.problems(draft) == []


def test_a_letter_just_over_the_total_limit_is_refused(case):
    rest = letters.MAX_LETTER - letters.MAX_FIELD + 1
    draft = letters.Draft(case.id, "solidarity", message="m" * letters.MAX_FIELD,
                          about="a" * (rest - 10), name="n" * 10)
    found = letters.problems(draft)
    assert len(found) == 1 and f"{letters.MAX_LETTER:,}" in found[0]


# --- compose --------------------------------------------------------------------

def test_compose_leaves_out_the_addressee_when_the_case_has_none(case):
    bare = with_appeal(case, addressee_name="", addressee_title="", address=())
    draft = letters.start(bare, "appeal")
    draft.message = "Please act."
    letter = letters.compose(draft, bare, day=DAY)
    assert letter.addressee == ()
    text = letters.as_text(letter)
    assert CASE_SHEET not in text
    assert "\n\n\n" not in text
    assert text.split("\n\n")[1] == letter.greeting


def test_compose_prints_the_addressee_in_order(case):
    addressed = with_appeal(case, addressee_name="Addressee Name", addressee_title="Title",
                            address=("Street 1", "City"))
    draft = letters.start(addressed, "appeal")
    draft.message = "Please act."
    letter = letters.compose(draft, addressed, day=DAY)
    assert letter.addressee == ("Addressee Name", "Title", "Street 1", "City")


def test_solidarity_letters_have_no_addressee_and_no_request(case):
    addressed = with_appeal(case, addressee_name="Addressee Name")
    draft = letters.start(addressed, "solidarity")
    draft.message, draft.request = "Stay strong.", "this should not print"
    letter = letters.compose(draft, addressed, day=DAY)
    assert letter.addressee == ()
    assert letter.paragraphs == ("Stay strong.",)


def test_compose_orders_about_message_request_and_cleans_them(case):
    draft = letters.start(case, "appeal")
    draft.about, draft.message, draft.name = " I am a student.\r\n", "Free\x00 her.\t", " Ana "
    letter = letters.compose(draft, case, day=DAY)
    assert letter.paragraphs == ("I am a student.", "Free her.", case.appeal.ask)
    assert letter.name == "Ana"
    assert letter.date == letters.long_date(DAY, "en")


def test_compose_drops_empty_parts(case):
    draft = letters.start(case, "appeal")
    draft.message = "Only this."
    letter = letters.compose(draft, case, day=DAY)
    assert "" not in letter.paragraphs
    assert letters.as_text(letter).endswith(f"{letter.closing}\n\n{letter.practice}")
    current = dataclasses.replace(case, status="current")
    assert letters.as_text(letters.compose(draft, current, day=DAY)).endswith(letter.closing)


def test_as_text_keeps_markup_literally(case):
    draft = letters.start(case, "solidarity")
    draft.message = "<script>alert(1)</script> **bold** # heading"
    assert draft.message in letters.as_text(letters.compose(draft, case, day=DAY))


# --- dates --------------------------------------------------------------------------

@pytest.mark.parametrize("lang, month", [("en", "November"), ("", "November"),
                                         ("fr", "novembre"), ("pl", "listopada")])
def test_long_date_in_the_letter_language(lang, month):
    text = letters.long_date(DAY, lang)
    assert month in text and "20" in text and "2026" in text


def test_long_date_english_is_day_month_year():
    assert letters.long_date(DAY, "en") == "20 November 2026"


@pytest.mark.parametrize("lang", ["xx", "zz-ZZ", "../../etc", "en_!!", "klingon"])
def test_long_date_falls_back_for_an_unknown_language(lang):
    assert letters.long_date(DAY, lang) == letters.long_date(DAY, "en")


def test_compose_dates_the_letter_in_its_language(case):
    draft = letters.start(case, "solidarity")
    draft.message = "Courage !"
    assert "novembre" in letters.compose(draft, case, day=DAY, lang="fr").date


def test_a_solidarity_message_brings_hope_before_the_writer_speaks_of_themselves(case):
    draft = letters.start(case, "solidarity")
    draft.message, draft.about = "You are not alone.", "I am a student in Lyon."
    assert letters.compose(draft, case).paragraphs == ("You are not alone.",
                                                       "I am a student in Lyon.")
    appeal = letters.restart(draft, case, "appeal")
    assert letters.compose(appeal, case).paragraphs[:2] == ("I am a student in Lyon.",
                                                            "You are not alone.")


def test_clean_drops_lone_surrogates():
    assert letters.clean("Hope\ud800 and\udfff love") == "Hope and love"
    letters.clean("a\ud83d").encode("utf-8")


def test_a_problem_is_said_in_the_visitors_language(case):
    import pickle

    from w4r import i18n
    draft = letters.start(case, "appeal")
    draft.message = "x" * 100_000
    long = letters.problems(draft)[0]  # (the whole letter is too long too)
    assert isinstance(long, i18n.Text) and long.values["length"] == 100_000
    french = long.translated("fr")
    assert "100,000" in long and french != str(long)  # the French catalog has it
    assert "100,000" not in french and "000" in french  # written the French way
    again = pickle.loads(pickle.dumps(long))
    assert again == long and again.translated("pl") == long.translated("pl")
    [empty] = letters.problems(letters.Draft(case.id, "appeal"))
    assert empty.translated("de") != str(empty)
