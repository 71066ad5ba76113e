"""Case texts in the visitor's language: the `translations:` of a case file, `text_in`, the
cases page in French and in a language a case is not translated into, and the facts of every
shipped translation kept (the numbers and names of the English are all there, and no more)."""

from __future__ import annotations

import shutil

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from test_pages import ROOT, no_error, shown  # noqa: F401 (through_app: autouse in test_pages)
from test_pages import through_app  # noqa: F401
from w4r import i18n
from w4r.cases import (MAX_TEXT, MAX_TRANSLATED_SUMMARY, TRANSLATABLE, TRANSLATION_LANGUAGES,
                       parse_case_bytes, text_in)

from conftest import SHIPPED_CASES_DIR

CASE = "khaled-drareni"  # has a country and an outcome, no quote
FRENCH = {"country": "Algérie", "summary": "Khaled Drareni est un journaliste algérien.",
          "story": "Khaled Drareni est un journaliste algérien (histoire)."}


def case_yaml(case_id: str = CASE, keep_translations: bool = False) -> dict:
    data = yaml.safe_load((SHIPPED_CASES_DIR / f"{case_id}.yaml").read_text(encoding="utf-8"))
    if not keep_translations:
        data.pop("translations", None)
    return data


def parsed(translations) -> tuple:
    data = case_yaml()
    data["translations"] = translations
    raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")
    return parse_case_bytes(raw, "case.yaml")


def lines(problems) -> list[str]:
    return [str(p) for p in problems]


# --- the format ------------------------------------------------------------------------------

def test_a_good_translation_is_read():
    case, problems = parsed({"fr": FRENCH, "pl": {"summary": "Khaled Drareni jest dziennikarzem."}})
    assert problems == []
    french = next(t for t in case.translations if t.lang == "fr")
    assert (french.country, french.summary, french.story, french.outcome) == (
        FRENCH["country"], FRENCH["summary"], FRENCH["story"], "")
    assert [t.lang for t in case.translations] == ["fr", "pl"]


def test_the_languages_are_the_interface_ones_and_german():
    assert set(TRANSLATION_LANGUAGES) == {"fr", "es", "pl", "de"}


@pytest.mark.parametrize("lang", ["xx", "fr-CA", "FR", "it"])
def test_an_unknown_language_is_a_problem_line(lang):
    case, problems = parsed({lang: FRENCH})
    assert case is None
    assert lines(problems) == [f"case.yaml: translations.{lang}: unknown language {lang!r}; "
                               "one of fr, es, pl, de"]


def test_english_is_the_original_not_a_translation():
    case, problems = parsed({"en": FRENCH})
    assert lines(problems) == ["case.yaml: translations.en: 'en' is the language the case file "
                               "is written in"]


def test_a_yaml_no_key_is_a_problem_not_a_traceback():
    raw = yaml.safe_dump(case_yaml(), allow_unicode=True).encode() + b"translations:\n  no: {}\n"
    case, problems = parse_case_bytes(raw, "case.yaml")
    assert case is None
    assert lines(problems) == ["case.yaml: translations.False: unknown language 'False'; "
                               "one of fr, es, pl, de"]


def test_an_unknown_field_is_a_problem_line():
    case, problems = parsed({"fr": {**FRENCH, "name": "Khaled", "sumary": "x"}})
    assert case is None
    assert lines(problems) == ["case.yaml: translations.fr.name: unknown field (a typo?)",
                               "case.yaml: translations.fr.sumary: unknown field (a typo?)"]


def test_a_field_the_case_does_not_have_is_a_problem():
    case, problems = parsed({"fr": {**FRENCH, "quote": "Je ne suis pas seul."}})
    assert lines(problems) == ["case.yaml: translations.fr.quote: the case has no quote to "
                               "translate"]


@pytest.mark.parametrize("translations, where, message", [
    (["fr", "summary"], "translations", "must be a mapping, got a list of 2 item(s)"),
    ("fr", "translations", "must be a mapping, got str 'fr'"),
    ({"fr": "Résumé"}, "translations.fr", "must be a mapping of fields (summary: ...), "
                                          "got str 'Résumé'"),
    ({"fr": {"summary": 12}}, "translations.fr.summary", "must be text, got int '12'"),
    ({"fr": {"story": ["a", "b"]}}, "translations.fr.story",
     "must be text, got a list of 2 item(s)"),
    ({"fr": {}}, "translations.fr", "translates no field (country, summary, story, outcome, "
                                    "quote)"),
])
def test_a_wrong_type_is_a_problem_line(translations, where, message):
    case, problems = parsed(translations)
    assert case is None
    assert lines(problems) == [f"case.yaml: {where}: {message}"]


def test_an_oversized_translation_is_a_problem_line():
    long_summary = "a" * (MAX_TRANSLATED_SUMMARY + 1)
    case, problems = parsed({"fr": {"summary": long_summary, "story": "b" * (MAX_TEXT + 1)}})
    assert case is None
    assert lines(problems) == [
        f"case.yaml: translations.fr.summary: is {MAX_TRANSLATED_SUMMARY + 1} characters; "
        f"at most {MAX_TRANSLATED_SUMMARY}",
        f"case.yaml: translations.fr.story: is {MAX_TEXT + 1:,} characters; at most {MAX_TEXT:,}"]


def test_a_summary_at_the_translated_limit_is_accepted():
    case, problems = parsed({"fr": {"summary": "a" * MAX_TRANSLATED_SUMMARY}})
    assert problems == [] and case.translations[0].summary == "a" * MAX_TRANSLATED_SUMMARY


def test_a_translation_problem_is_listed_with_the_others():
    data = case_yaml()
    data["year"] = "twenty"
    data["translations"] = {"xx": FRENCH}
    raw = yaml.safe_dump(data, allow_unicode=True).encode()
    _, problems = parse_case_bytes(raw, "case.yaml")
    assert {p.field for p in problems} == {"year", "translations.xx"}


# --- text_in ---------------------------------------------------------------------------------

@pytest.fixture
def translated():
    case, problems = parsed({"fr": FRENCH})
    assert problems == []
    return case


@pytest.mark.parametrize("lang", ["fr", "fr-CA", "fr_BE", "FR"])
def test_the_translation_is_shown_in_its_language_and_regional_variants(translated, lang):
    text = text_in(translated, lang)
    assert (text.country, text.summary, text.story) == (
        FRENCH["country"], FRENCH["summary"], FRENCH["story"])
    assert text.outcome == translated.outcome, "an untranslated field falls back to English"
    assert text.original == {"outcome"}
    assert text.in_original("outcome") and not text.in_original("summary", "story")


def test_a_language_without_translation_shows_english_and_says_so(translated):
    text = text_in(translated, "es")
    assert (text.country, text.summary, text.story, text.outcome) == (
        translated.country, translated.summary, translated.story, translated.outcome)
    assert text.original == {"country", "summary", "story", "outcome"}, "quote is empty"


@pytest.mark.parametrize("lang", ["en", "en-GB", "", None])
def test_english_is_never_flagged(translated, lang):
    text = text_in(translated, lang)
    assert text.summary == translated.summary and text.original == frozenset()


def test_text_in_is_pure(translated):
    assert text_in(translated, "fr") == text_in(translated, "fr")
    assert translated.summary != FRENCH["summary"], "the case itself is unchanged"


# --- the cases page ----------------------------------------------------------------------------

def cases_page(monkeypatch, tmp_path, lang: str, folder=None) -> AppTest:
    monkeypatch.setenv("W4R_DB", str(tmp_path / "pages.db"))
    if folder is not None:
        monkeypatch.setenv("W4R_CONTENT", str(folder))
    at = no_error(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run())
    at.session_state["w4r.lang"] = lang
    return no_error(at.switch_page("pages/cases.py").run())


def texts(at: AppTest) -> list[str]:
    return [shown(e.value) for kind in ("markdown", "caption") for e in at.get(kind)]


NOTICE = "This text is only in English."


def test_the_cases_page_in_french_shows_the_french_summary(monkeypatch, tmp_path):
    at = cases_page(monkeypatch, tmp_path, "fr")
    case = text_in(case_from_shipped(CASE), "fr")
    assert case.original == frozenset(), "the shipped case is translated into French"
    assert case.summary in texts(at)
    assert any(t.startswith(case.country + " · ") for t in texts(at))
    assert i18n.gettext("fr", NOTICE) not in texts(at)


def test_a_case_without_translation_says_it_is_only_in_english(monkeypatch, tmp_path):
    folder = tmp_path / "content"
    (folder / "cases").mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "locale", folder / "locale")
    english_only = case_yaml(CASE)
    (folder / "cases" / f"{CASE}.yaml").write_text(yaml.safe_dump(english_only,
                                                                   allow_unicode=True))
    at = cases_page(monkeypatch, tmp_path, "fr", folder)
    assert english_only["summary"] in texts(at)
    assert i18n.gettext("fr", NOTICE) in texts(at)


def case_from_shipped(case_id: str):
    case, problems = parse_case_bytes((SHIPPED_CASES_DIR / f"{case_id}.yaml").read_bytes(),
                                      f"{case_id}.yaml")
    assert problems == []
    return case
