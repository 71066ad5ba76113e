"""Case texts in the visitor's language: the `translations:` of a case file, `text_in`, the
cases page in French and in a language a case is not translated into, and the facts of every
shipped translation kept (the numbers and names of the English are all there, and no more)."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from test_pages import ROOT, no_error, shown, through_app  # noqa: F401 (an autouse fixture)
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


def test_the_languages_are_the_interface_ones():
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


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_the_cases_page_shows_the_summary_in_the_visitors_language(monkeypatch, tmp_path, lang):
    at = cases_page(monkeypatch, tmp_path, lang)
    case = text_in(case_from_shipped(CASE), lang)
    assert case.original == frozenset(), f"the shipped case is translated into {lang}"
    assert case.summary in texts(at)
    assert any(t.startswith(case.country + " · ") for t in texts(at))
    assert i18n.gettext(lang, NOTICE) not in texts(at)


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


# --- the shipped translations keep every fact ---------------------------------------------------
#
# What this catches: a number (a date, a count, an age, a sum, also written as a word from two to
# twelve) dropped, changed or added; a person's or place's name, a month, a country or an
# organisation dropped or changed; the campaign named otherwise than agreed (docs/CONTENT.md).
# What it cannot catch: a changed meaning with the same names and numbers ("freed" for
# "acquitted", a wrong verb tense, a dropped clause with no name or number in it), a name added
# (German capitalises every noun), "one"/"a year" (too common to count). Those need a reader.

NUMBER = r"\d+(?:[ ,.\u00a0\u202f]\d{3})*(?!\d)"
NUMBER_WORDS = {
    "en": {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12},
    "fr": {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
           "neuf": 9, "dix": 10, "onze": 11, "douze": 12},
    "es": {"dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
           "nueve": 9, "diez": 10, "once": 11, "doce": 12},
    "pl": {"dwa": 2, "dwie": 2, "dwóch": 2, "trzy": 3, "trzech": 3, "cztery": 4, "czterech": 4,
           "pięć": 5, "pięciu": 5, "sześć": 6, "sześciu": 6, "siedem": 7, "siedmiu": 7,
           "osiem": 8, "ośmiu": 8, "dziewięć": 9, "dziewięciu": 9, "dziesięć": 10,
           "dziesięciu": 10, "jedenaście": 11, "dwanaście": 12},
    "de": {"zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
           "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12},
}
# English words and phrases that a translation writes in its own words: each must be there as
# one of these beginnings (case ignored; a Polish or German ending may follow). Longest first.
TERMS = {
    "Write for Rights": {"fr": ["Write for Rights"], "es": ["Write for Rights"],
                         "pl": ["Maraton", "Pisania Listów"], "de": ["Briefmarathon"]},
    "Write 4 Rights": {"fr": ["Write 4 Rights"], "es": ["Write 4 Rights"],
                       "pl": ["Maraton", "Pisania Listów"], "de": ["Briefmarathon"]},
    "Amnesty International": {"fr": ["Amnesty International"], "es": ["Amnistía Internacional"],
                              "pl": ["Amnesty International"], "de": ["Amnesty International"]},
    "Democratic Republic of Congo": {"fr": ["République démocratique du Congo"],
                                     "es": ["República Democrática del Congo"],
                                     "pl": ["Demokratyczn", "Republi", "Kong"],
                                     "de": ["Demokratische", "Republik Kongo"]},
    "Saudi Arabian": {"fr": ["saoudien"], "es": ["saudí"], "pl": ["saudyjsk"],
                      "de": ["saudi-arabisch"]},
    "Saudi Arabia": {"fr": ["Arabie saoudite"], "es": ["Arabia Saudí"],
                     "pl": ["Arabi", "Saudyjsk"], "de": ["Saudi-Arabien"]},
    "Secretary General": {"fr": ["secrétaire général"], "es": ["secretaria general"],
                          "pl": ["sekretarz"], "de": ["Generalsekretär"]},
    "Mexican Government": {"fr": ["gouvernement mexicain"], "es": ["Gobierno mexicano"],
                           "pl": ["meksykański rząd"], "de": ["mexikanische Regierung"]},
    "Algerian": {"fr": ["algérien"], "es": ["argelino"], "pl": ["algiersk"], "de": ["algerisch"]},
    "Algeria": {"fr": ["Algérie"], "es": ["Argelia"], "pl": ["Algieri"], "de": ["Algerien"]},
    "Colombian": {"fr": ["colombien"], "es": ["colombian"], "pl": ["kolumbijsk"],
                  "de": ["kolumbianisch"]},
    "Colombia": {"fr": ["Colombie"], "es": ["Colombia"], "pl": ["Kolumbi"], "de": ["Kolumbien"]},
    "Uzbekistani": {"fr": ["ouzbek"], "es": ["uzbek"], "pl": ["uzbeck"], "de": ["usbekisch"]},
    "Uzbekistan": {"fr": ["Ouzbékistan"], "es": ["Uzbekistán"], "pl": ["Uzbekistan"],
                   "de": ["Usbekistan"]},
    "Myanmar": {"fr": ["Myanmar"], "es": ["Myanmar"], "pl": ["Mjanm"], "de": ["Myanmar"]},
    "Mexico": {"fr": ["Mexique"], "es": ["México"], "pl": ["Meksyk"], "de": ["Mexiko"]},
    "Belarus": {"fr": ["Bélarus"], "es": ["Bielorrusia"], "pl": ["Białoru"], "de": ["Belarus"]},
    "Azerbaijan": {"fr": ["Azerbaïdjan"], "es": ["Azerbaiyán"], "pl": ["Azerbejdżan"],
                   "de": ["Aserbaidschan"]},
    "Canada": {"fr": ["Canada"], "es": ["Canadá"], "pl": ["Kanad"], "de": ["Kanada"]},
    "Muslim": {"fr": ["musulman"], "es": ["musulman"], "pl": ["muzułmańsk"], "de": ["muslimisch"]},
    "NATO": {"fr": ["OTAN"], "es": ["OTAN"], "pl": ["NATO"], "de": ["NATO"]},
    "UN": {"fr": ["ONU"], "es": ["ONU"], "pl": ["ONZ"], "de": ["UN"]},
    "State": {"fr": ["État"], "es": ["Estado"], "pl": ["państw"], "de": ["Staat"]},
    "January": {"fr": ["janvier"], "es": ["enero"], "pl": ["stycz"], "de": ["Januar"]},
    "February": {"fr": ["février"], "es": ["febrero"], "pl": ["lut"], "de": ["Februar"]},
    "March": {"fr": ["mars"], "es": ["marzo"], "pl": ["mar"], "de": ["März"]},
    "April": {"fr": ["avril"], "es": ["abril"], "pl": ["kwie"], "de": ["April"]},
    "June": {"fr": ["juin"], "es": ["junio"], "pl": ["czerw"], "de": ["Juni"]},
    "August": {"fr": ["août"], "es": ["agosto"], "pl": ["sierp"], "de": ["August"]},
}
PRONOUNS = {"I", "I'm", "I’m", "I'll", "I’ll", "I've"}
CAMPAIGN = {"fr": "Write for Rights", "es": "Write for Rights", "pl": "Maraton Pisania Listów",
            "de": "Briefmarathon"}


def numbers(text: str, lang: str) -> set[int]:
    """Every number of a text: digits (1,000 / 1 000 / 1.000 read as one number) and words."""
    found = {int(re.sub(r"\D", "", n)) for n in re.findall(NUMBER, text)}
    words = NUMBER_WORDS[lang]
    found |= {words[w] for w in re.findall(r"\w+", text.lower()) if w in words}
    return found


def at_word_start(stem: str, text: str, ignore_case: bool = False) -> bool:
    return re.search(r"(?<!\w)" + re.escape(stem), text, re.I if ignore_case else 0) is not None


def terms_in(english: str) -> list[str]:
    """The TERMS an English text uses, longest first (a longer one hides the shorter in it)."""
    used = []
    for term in sorted(TERMS, key=len, reverse=True):
        if at_word_start(term, english) and re.search(r"\b" + re.escape(term) + r"\b", english):
            used.append(term)
            english = english.replace(term, " ")
    return used


def names(english: str, case_name: str = "") -> set[str]:
    """The capitalised words of an English text that are names: not a TERM, not "I", and not
    the first word of a sentence unless the next word is capitalised too (Khaled Drareni) or
    it is a word of the case's name (Nassima al-Sada)."""
    known = {w for w in re.split(r"[\s-]+", case_name) if w[:1].isupper()}
    for term in terms_in(english):
        english = english.replace(term, "·")
    found = set()
    for sentence in re.split(r"(?<=[.!?:;–(\"“])\s+|^", english):
        words = [re.sub(r"^\W+|\W+$", "", token) for token in sentence.replace("-", " ").split()]
        words = [re.sub(r"['’]s$", "", word) for word in words]
        capital = [bool(w) and w[0].isupper() and w not in PRONOUNS and w != "·" for w in words]
        for i, word in enumerate(words):
            if not capital[i] or i == 0 and not (i + 1 < len(words) and capital[i + 1]
                                                 or word in known):
                continue
            found.add(word)
    return {w for w in found if w[0].isupper()}


def name_found(name: str, translated: str) -> bool:
    """A name, or its stem before a case ending (Nassima → Nassimę, Acuna → Acunie)."""
    stem = name[:-1] if len(name) >= 4 and name[-1] in "aeiouy" else name
    return at_word_start(stem, translated)


def missing(english: str, translated: str, lang: str, case_name: str = "") -> list[str]:
    """What of the English facts the translation lacks, or adds (numbers), as readable lines."""
    english, translated = " ".join(english.split()), " ".join(translated.split())
    problems = []
    en_numbers, tr_numbers = numbers(english, "en"), numbers(translated, lang)
    if en_numbers != tr_numbers:
        problems.append(f"numbers: dropped {sorted(en_numbers - tr_numbers)}, "
                        f"added {sorted(tr_numbers - en_numbers)}")
    for term in terms_in(english):
        problems += [f"{term!r} as {stem!r}" for stem in TERMS[term][lang]
                     if not at_word_start(stem, translated, ignore_case=True)]
    problems += [f"name {name!r}" for name in sorted(names(english, case_name))
                 if not name_found(name, translated)]
    return problems


def shipped_translations():
    for path in sorted(SHIPPED_CASES_DIR.glob("*.yaml")):
        case, problems = parse_case_bytes(path.read_bytes(), path.name)
        assert problems == [], problems
        yield from ((case, translation) for translation in case.translations)


SHIPPED = list(shipped_translations())


@pytest.mark.parametrize("case, translation", SHIPPED,
                         ids=[f"{c.id}-{t.lang}" for c, t in SHIPPED])
def test_every_translation_keeps_the_facts_of_the_english(case, translation):
    for name in TRANSLATABLE:
        english, translated = getattr(case, name), getattr(translation, name)
        if name == "country":
            assert bool(english) == bool(translated), "a country is translated, never added"
            assert not english or missing(english, translated, translation.lang) == [], name
            continue
        assert bool(english) == bool(translated), f"{name}: every text the case has is translated"
        if english:
            assert missing(english, translated, translation.lang, case.name) == [], name


def test_every_shipped_case_is_translated_into_every_language():
    by_case: dict[str, set[str]] = {}
    for case, translation in SHIPPED:
        by_case.setdefault(case.id, set()).add(translation.lang)
    assert len(by_case) == len(list(SHIPPED_CASES_DIR.glob("*.yaml")))
    assert all(langs == set(TRANSLATION_LANGUAGES) for langs in by_case.values()), by_case


@pytest.mark.parametrize("case, translation", SHIPPED,
                         ids=[f"{c.id}-{t.lang}" for c, t in SHIPPED])
def test_the_campaign_is_named_one_way_per_language(case, translation):
    english = " ".join(getattr(case, n) for n in TRANSLATABLE)
    translated = " ".join(getattr(translation, n) for n in TRANSLATABLE)
    if re.search(r"Write (for|4) Rights", english):
        assert CAMPAIGN[translation.lang].split()[0] in translated
    if CAMPAIGN[translation.lang] != "Write for Rights":
        assert not re.search(r"Write (for|4) Rights", translated)


# --- the fact check itself catches what it is for ------------------------------------------------

KHALED_FR = ("Il a été libéré le 19 février 2021, après 11 mois de prison, dit Khaled Drareni.",
             "He was released on 19 February 2021, after 11 months in jail, says Khaled Drareni.")


@pytest.mark.parametrize("changed, caught", [
    (KHALED_FR[0].replace("19 ", ""), "numbers"),                   # a date dropped
    (KHALED_FR[0].replace("2021", "2020"), "numbers"),              # a year changed
    (KHALED_FR[0] + " 300 000 personnes l'ont soutenu.", "numbers"),  # a count added
    (KHALED_FR[0].replace("11 mois", "onze mois"), "numbers"),      # 11 written as a word: kept
    (KHALED_FR[0].replace("février", "mars"), "'February'"),        # a month changed
    (KHALED_FR[0].replace("Khaled ", ""), "name 'Khaled'"),         # a name dropped
])
def test_the_fact_check_catches_a_change(changed, caught):
    problems = missing(KHALED_FR[1], changed, "fr")
    if "onze" in changed:
        assert problems == []
    else:
        assert any(p.startswith(caught) for p in problems), problems


def test_the_fact_check_reads_numbers_as_each_language_writes_them():
    assert numbers("777,611 letters in 2020 and 2013-2014; three years", "en") == {
        777611, 2020, 2013, 2014, 3}
    assert numbers("777 611 lettres, 777\u00a0611, 777.611", "fr") == {777611}
    assert numbers("przez pięć lat, do dziewięciu lat", "pl") == {5, 9}
    assert numbers("am 19. Februar 2021", "de") == {19, 2021}


def test_names_skip_sentence_starts_but_keep_names_there():
    assert names("He was freed. Khaled Drareni was a journalist in Algeria, says Mousa al-Sada."
                 ) == {"Khaled", "Drareni", "Mousa", "Sada"}
    assert names("Nassima al-Sada was arrested.", "Nassima al-Sada") == {"Nassima", "Sada"}
    assert names("I knew people believed in me. When I came, Dr Tun Aung spoke.") == {
        "Dr", "Tun", "Aung"}


def test_a_required_text_missing_is_reported_once_not_for_each_translation():
    data = case_yaml(keep_translations=True)
    data.pop("summary")
    _, problems = parse_case_bytes(yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode(),
                                   "c.yaml")
    assert lines(problems) == ["c.yaml: summary: missing (required)"]


def test_an_outcome_removed_but_still_translated_is_reported():
    data = case_yaml(keep_translations=True)
    data["outcome"] = ""
    _, problems = parse_case_bytes(yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode(),
                                   "c.yaml")
    assert lines(problems) == [f"c.yaml: translations.{lang}.outcome: the case has no outcome "
                               "to translate" for lang in ("fr", "es", "pl", "de")]


def test_a_json_pack_carries_translations_into_the_stored_case(db):
    from w4r import casepack, db as dbmod
    from w4r.cases import load_cases
    data = case_yaml(keep_translations=True)
    data["id"] = "json-translated"
    pack = casepack.read_pack("pack.json", json.dumps(data, ensure_ascii=False).encode())
    assert pack.problems == []
    casepack.store(db, dbmod.DEFAULT_SESSION, pack)
    stored = casepack.merged(load_cases(SHIPPED_CASES_DIR), db, dbmod.DEFAULT_SESSION)
    case = stored.get("json-translated")
    assert text_in(case, "pl").summary == data["translations"]["pl"]["summary"]


def test_the_facts_offered_to_paste_are_in_the_visitors_language_and_never_own_words(tmp_path):
    from w4r import counting, db, prompts, sessions
    case = case_from_shipped(CASE)
    french = prompts.facts(case, lang="fr")
    assert french and not set(french) & set(prompts.facts(case))
    assert all(fact in text_in(case, "fr").summary + text_in(case, "fr").story for fact in french)
    session = sessions.default(db.connect(tmp_path / "w4r.db"))
    given = counting.given_texts(case, session, "solidarity", "fr")
    assert set(french) <= set(given) and set(prompts.facts(case)) <= set(given)
