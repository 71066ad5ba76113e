"""Tone and safety checker: each rule, spans, fallback, rules-file validation, speed, corpus scores."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import sys
import time
from pathlib import Path

import pytest

from w4r import terms, tone

PROJECT_DIR = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("tone_report", PROJECT_DIR / "scripts" / "tone_report.py")
report = sys.modules.setdefault("tone_report", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(report)

MEDICAL = "Ensure that Tomás Ruiz receives the medical care he needs without delay."
RELEASE = "Drop the charges against Yecenia Armenta and release her."
POLITE_APPEAL = ("Dear Minister,\n\nI am a teacher from Leeds. I urge you to ensure that Tomás Ruiz "
                 "receives the medical care he needs without delay.\n\nYours sincerely,\nAnna")
PROBLEM_LINE = re.compile(r"^[^:\n]+: [^:\n]+: .+$")
CORPUS_LANGS = sorted({x.lang for x in report.load_corpus()})  # batch4-pl.yaml is Polish
OTHER_RULES_LANGS = sorted(p.stem for p in tone.RULES_DIR.glob("*.yaml") if p.stem != "en")


def rules_of(text: str, **context) -> set[str]:
    """The rules reported as warn or block."""
    return {f.rule for f in tone.check(text, **context) if f.severity in ("block", "warn")}


def spans(text: str, rule: str, **context) -> list[str]:
    """The offending words of one rule's findings."""
    return [text[f.start:f.end] for f in tone.check(text, **context) if f.rule == rule]


# --- the API ------------------------------------------------------------------------------

def test_a_finding_is_a_frozen_dataclass_with_the_documented_fields():
    finding = tone.check("You are idiots. I urge you to act.", kind="appeal")[0]
    assert [f.name for f in dataclasses.fields(tone.Finding)] == [
        "rule", "severity", "message", "start", "end", "suggestion"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.rule = "x"  # type: ignore[misc]


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        tone.check("Hello", kind="postcard")


def test_an_empty_draft_has_no_findings():
    assert tone.check("", kind="appeal") == [] == tone.check(" \n ", kind="solidarity")


def test_a_polite_appeal_has_no_findings():
    assert tone.check(POLITE_APPEAL, kind="appeal", ask=MEDICAL) == []


def test_findings_are_sorted_by_start_then_severity():
    text = "Dear Sir, WHY!!! You idiots. Release Tomás Ruiz or else."
    found = tone.check(text, kind="appeal", ask=MEDICAL)
    rank = {"block": 0, "warn": 1, "tip": 2}
    assert found == sorted(found, key=lambda f: (f.start, rank[f.severity]))
    assert {"insult", "shouting", "threat", "beyond_ask"} <= {f.rule for f in found}


def test_every_message_and_suggestion_is_filled_in():
    text = "Dear Sir, WHY!!! You idiots. Release Tomás Ruiz or else. " + "word " * 400
    for finding in tone.check(text, kind="appeal", ask=MEDICAL):
        assert finding.message and finding.suggestion
        assert "{" not in finding.message + finding.suggestion


# --- appeal rules -------------------------------------------------------------------------

def test_insult_blocks():
    text = "You are a disgusting coward. Please release her."
    found = [f for f in tone.check(text, kind="appeal") if f.rule == "insult"]
    assert found and all(f.severity == "block" for f in found)
    assert text[found[0].start:found[0].end] == "a disgusting coward"
    assert "insult" not in rules_of("Please be kind to her. I urge you to act.", kind="appeal")


def test_threat_blocks():
    text = "Release her, or you will regret it. We know where you live."
    found = [f for f in tone.check(text, kind="appeal") if f.rule == "threat"]
    assert [text[f.start:f.end] for f in found] == ["you will regret", "We know where you live"]
    assert all(f.severity == "block" for f in found)
    # describing the threats a person receives is not a threat
    assert "threat" not in rules_of("She receives threats. Please protect her and investigate "
                                    "the threats against her.", kind="appeal")


def test_be_careful_is_a_threat_in_an_appeal_but_kind_in_a_solidarity_message():
    assert "threat" in rules_of("Please free him. Be very careful.", kind="appeal")
    assert "threat" not in rules_of("Be careful and stay strong!", kind="solidarity")


def test_shouting_in_capitals_warns():
    text = "Dear Minister, RELEASE HER NOW. I urge you."
    found = [f for f in tone.check(text, kind="appeal") if f.rule == "shouting"]
    assert [(text[f.start:f.end], f.severity) for f in found] == [("RELEASE HER NOW", "warn")]


def test_repeated_exclamation_and_question_marks_warn():
    text = "Why is she still in prison?!? Please release her!!!"
    assert spans(text, "shouting", kind="appeal") == ["?!?", "!!!"]
    assert "shouting" not in rules_of("Is she well? Please release her! Thank you.", kind="appeal")


@pytest.mark.parametrize("text", [
    "I learned about the UN, the USA and NGOs like UNICEF. I urge you to act.",
    "Je vous prie de veiller à ce que M. Tomás RUIZ reçoive des soins.",
    "Le pido que libere a Fred. Vivo en EE. UU. y trabajo en una ONG.",
    "I hope you are OK. I ask you to act in line with L'ONU.",
])
def test_acronyms_and_surnames_in_capitals_are_not_shouting(text):
    lang = "fr" if "veiller" in text else "es" if "pido" in text else "en"
    assert "shouting" not in rules_of(text, kind="appeal", lang=lang)


def test_an_attack_on_a_government_warns_but_a_kind_mention_does_not():
    text = "Your corrupt regime jails journalists. I urge you to release her."
    found = [f for f in tone.check(text, kind="appeal", ask=RELEASE) if f.rule == "attack"]
    assert {text[f.start:f.end] for f in found} == {"corrupt", "regime"}
    assert all(f.severity == "warn" for f in found)
    assert "attack" not in rules_of("I hope the government will show compassion. "
                                    "I urge you to act.", kind="appeal")


def test_asking_for_release_when_the_case_asks_for_medical_care_warns():
    text = "Please ensure he gets medical care, and release him immediately."
    found = [f for f in tone.check(text, kind="appeal", ask=MEDICAL) if f.rule == "beyond_ask"]
    assert [(text[f.start:f.end], f.severity) for f in found] == [("release him", "warn")]


def test_asking_for_release_is_fine_when_the_case_asks_for_it_or_gives_no_ask():
    text = "I urge you to release her."
    assert "beyond_ask" not in rules_of(text, kind="appeal", ask=RELEASE)
    assert "beyond_ask" not in rules_of(text, kind="appeal", ask="")


@pytest.mark.parametrize("text", [
    "I was free to choose my school. Please ensure he sees a doctor.",
    "I read a press release about him. Please ensure he sees a doctor.",
    "In my free time I volunteer. Please ensure he sees a doctor.",
])
def test_free_and_release_in_other_senses_are_not_a_request_for_release(text):
    assert "beyond_ask" not in rules_of(text, kind="appeal", ask=MEDICAL)


@pytest.mark.parametrize("lang, text, words", [
    ("fr", "Je vous demande de libérer Tomás Ruiz.", "libérer"),
    ("fr", "Je vous demande de le remettre en liberté.", "remettre en liberté"),
    ("fr", "Libérez-le, s'il vous plaît.", "Libérez"),
    ("es", "Por favor, liberen a Tomás Ruiz.", "liberen"),
    ("es", "Le pido que ponga en libertad a Tomás Ruiz.", "ponga en libertad"),
    ("es", "Le pido que lo libere.", "libere"),
])
def test_release_words_are_found_in_french_and_spanish_forms(lang, text, words):
    assert spans(text, "beyond_ask", kind="appeal", lang=lang, ask=MEDICAL) == [words]


@pytest.mark.parametrize("lang, text", [
    ("fr", "La liberté d'expression compte. Pendant mon temps libre, je lis. Je vous demande "
           "de le soigner."),
    ("es", "Creo en la libertad de expresión. En mi tiempo libre leo. Le pido que lo atiendan."),
])
def test_freedom_and_free_time_are_not_release_in_french_and_spanish(lang, text):
    assert "beyond_ask" not in rules_of(text, kind="appeal", lang=lang, ask=MEDICAL)


def test_an_appeal_without_a_request_warns_with_an_empty_span():
    text = "Dear Governor,\n\nI heard about her story and it made me sad.\n\nFrom Ellie"
    found = [f for f in tone.check(text, kind="appeal") if f.rule == "no_request"]
    assert [(f.start, f.end, f.severity) for f in found] == [(0, 0, "warn")]


@pytest.mark.parametrize("lang, text", [
    ("en", "I urge you to act."), ("en", "Could you please let her see a doctor?"),
    ("fr", "Je vous exhorte à agir."), ("fr", "Je vous demande de le soigner."),
    ("es", "Le pido que actúe."), ("es", "Le insto a actuar."),
])
def test_a_request_in_any_language_counts(lang, text):
    assert "no_request" not in rules_of(text, kind="appeal", lang=lang)


def test_the_case_ask_copied_into_the_letter_counts_as_a_request():
    text = f"Dear Attorney General,\n\nI am a nurse.\n\n{RELEASE}\n\nHannah"
    assert "no_request" not in rules_of(text, kind="appeal", ask=RELEASE)


def test_a_french_closing_formula_is_not_a_request():
    text = "Madame,\n\nTomás est malade.\n\nVeuillez agréer, Madame, mes salutations distinguées."
    assert "no_request" in rules_of(text, kind="appeal", lang="fr")


def test_a_letter_longer_than_a_page_warns_from_the_first_word_past_it():
    text = "I urge you to act. " + " ".join(f"word{i}" for i in range(500))
    found = [f for f in tone.check(text, kind="appeal") if f.rule == "too_long"]
    assert len(found) == 1 and found[0].severity == "warn"
    assert found[0].end == len(text) and text[found[0].start - 1] == " "
    assert "too_long" not in rules_of("I urge you to act. " + "word " * 200, kind="appeal")


# --- solidarity rules ---------------------------------------------------------------------

def test_talk_of_the_trial_warns_in_a_solidarity_message_only():
    text = "I read about your trial and the judge was wrong."
    assert spans(text, "case_talk", kind="solidarity") == ["trial", "judge"]
    assert "case_talk" not in rules_of(text + " I urge you to act.", kind="appeal")


@pytest.mark.parametrize("lang, text", [
    ("en", "I play on the basketball court every day. Every winter is a trial of strength."),
    ("en", "I am still learning English, so this sentence may have mistakes."),
    ("fr", "Dans la cour de l'école, on pense à toi. J'ai à peine 11 ans. Ça vaut la peine."),
    ("es", "A mi juicio eres muy valiente. Esta semana tengo pruebas de matemáticas."),
])
def test_courts_trials_and_sentences_in_other_senses_are_fine(lang, text):
    assert "case_talk" not in rules_of(text, kind="solidarity", lang=lang)


def test_political_statements_warn():
    text = "Down with the president! I hope he loses the election."
    assert spans(text, "politics", kind="solidarity") == ["Down with", "president", "election"]


def test_religious_words_warn_only_where_the_case_says_no():
    text = "God bless you. I pray for you."
    assert spans(text, "religious", kind="solidarity", religious_content=False) == [
        "God bless", "pray"]
    assert "religious" not in rules_of(text, kind="solidarity", religious_content=None)
    assert "religious" not in rules_of(text, kind="solidarity", religious_content=True)
    assert "religious" not in rules_of("¡Un abrazo y adiós por ahora!", kind="solidarity",
                                       lang="es", religious_content=False)


@pytest.mark.parametrize("lang, text, promise", [
    ("en", "Don't worry, we will get you out of there.", "we will get you out"),
    ("en", "You will be free soon!", "You will be free"),
    ("fr", "Je te promets que tout ira bien.", "Je te promets"),
    ("fr", "Tu seras bientôt libre !", "Tu seras bientôt libre"),
    ("es", "Te sacaremos de ahí.", "Te sacaremos"),
    ("es", "¡Pronto serás libre!", "Pronto serás"),
])
def test_promises_warn(lang, text, promise):
    assert any(promise in found for found in spans(text, "promise", kind="solidarity", lang=lang))


@pytest.mark.parametrize("lang, text", [
    ("en", "I hope you will be free soon."),
    ("fr", "J'espère que tu seras bientôt libre."),
    ("es", "Ojalá puedas abrazar pronto a tu familia."),
])
def test_a_hope_is_not_a_promise(lang, text):
    assert "promise" not in rules_of(text, kind="solidarity", lang=lang)


@pytest.mark.parametrize("lang, text, data", [
    ("en", "Call me on 07700 900123 any time!", "07700 900123"),
    ("en", "Call me: +1 415 555 0132.", "+1 415 555 0132"),
    ("en", "E-mail me at mia.jones@example.com please.", "mia.jones@example.com"),
    ("en", "I live at 27 Rosewood Avenue, Springfield.", "27 Rosewood Avenue"),
    ("en", "my address is 5 oak street leeds", "5 oak street"),
    ("fr", "Appelle-moi au 06 12 34 56 78 !", "06 12 34 56 78"),
    ("fr", "Écris-moi au 12 rue Victor Hugo, 69003 Lyon.", "12 rue Victor Hugo"),
    ("es", "Llámame al 612 345 678.", "612 345 678"),
    ("es", "Escríbeme a la calle Alcalá 23, Madrid.", "calle Alcalá 23"),
])
def test_the_writers_phone_email_or_address_blocks_with_its_exact_span(lang, text, data):
    found = [f for f in tone.check(text, kind="solidarity", lang=lang) if f.rule == "personal_data"]
    assert [(text[f.start:f.end], f.severity) for f in found] == [(data, "block")]


def test_personal_data_is_fine_where_the_case_allows_it():
    text = "My address is 14 Elm Road, Dunedin. Call me on 07700 900123."
    assert "personal_data" not in rules_of(text, kind="solidarity", allow_personal_data=True)


@pytest.mark.parametrize("text", [
    "We wrote 13,000 letters between 2019-2020 and on 10/12/2026.",
    "Our 3 dogs walk with us. 25 kids walked down the street. 6 600 000 actions!",
])
def test_dates_counts_and_ordinary_numbers_are_not_personal_data(text):
    assert "personal_data" not in rules_of(text, kind="solidarity")


# --- make it yours: a tip, never a warning ------------------------------------------------

EXAMPLE = "Stay strong! People all over the world are thinking of you. You are not alone."


@pytest.mark.parametrize("text", [
    EXAMPLE,
    "stay strong  people all over the world are thinking of you\nyou are not alone",
    "Stay strong! People all over the world are thinking of you. You're not alone!",
])
@pytest.mark.parametrize("kind", ["appeal", "solidarity"])
def test_a_copied_example_gets_only_a_gentle_tip(text, kind):
    for lang in ("en", "fr", "es", "de"):
        found = tone.check(text, kind=kind, lang=lang, examples=[EXAMPLE], ask=RELEASE)
        copied = [f for f in found if f.rule == "make_it_yours"]
        assert len(copied) == 1 and copied[0].severity == "tip"
        assert (copied[0].start, copied[0].end) == (0, len(text))


def test_a_letter_of_ones_own_gets_no_copy_tip():
    text = "Dear Jani, we made you a card with a river on it. Stay strong!"
    assert not [f for f in tone.check(text, kind="solidarity", examples=[EXAMPLE])
                if f.rule == "make_it_yours"]


def test_no_rules_file_may_make_copying_a_warning(tmp_path):
    rules = (tone.RULES_DIR / "en.yaml").read_text(encoding="utf-8")
    bad = rules.replace("severity: tip\n  check: copy", "severity: warn\n  check: copy")
    assert bad != rules
    (tmp_path / "en.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(tone.RulesError) as error:
        tone.load_rules("en", tmp_path)
    assert any("make_it_yours" in p and "only be a tip" in p for p in error.value.problems)


# --- languages ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["it", "pt-BR", "", "xx", "../../etc/passwd", "EN"])
def test_a_language_without_rules_falls_back_to_english(lang):
    text = "You idiots. WHY!!!"
    assert tone.check(text, kind="appeal", lang=lang) == tone.check(text, kind="appeal", lang="en")
    assert tone.load_rules(lang).lang == "en"


def test_a_regional_tag_uses_its_language():
    assert tone.load_rules("fr-CA").lang == "fr" and tone.load_rules("es_MX").lang == "es"
    found = tone.check("Vous êtes des idiots.", kind="appeal", lang="fr-BE")
    assert "insulte" in next(f.message for f in found if f.rule == "insult")


@pytest.mark.parametrize("lang", OTHER_RULES_LANGS)
def test_every_language_has_every_english_rule_with_its_own_words(lang):
    english = {r.id: r for r in tone.load_rules("en").rules}
    other = {r.id: r for r in tone.load_rules(lang).rules}
    assert set(other) == set(english)
    for rule_id, rule in other.items():
        assert rule.severity == english[rule_id].severity
        assert rule.message != english[rule_id].message


def test_the_shipped_rules_files_are_valid():
    assert tone.check_rules_dir() == []
    assert {p.stem for p in tone.RULES_DIR.glob("*.yaml")} >= {"en", "fr", "es", "pl", "de"}


def test_rules_are_loaded_once_and_reloaded_when_the_file_changes(tmp_path):
    path = tmp_path / "en.yaml"
    path.write_text((tone.RULES_DIR / "en.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    first = tone.load_rules("en", tmp_path)
    assert tone.load_rules("en", tmp_path) is first
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert tone.load_rules("en", tmp_path) is not first


# --- rules-file validation ----------------------------------------------------------------

BAD_RULES = """\
lang: en
colour: blue
rules:
- id: bad_regex
  kinds: [appeal]
  severity: warn
  check: match
  message: m
  suggestion: s
  patterns: ["(unclosed"]
- id: bad_severity
  kinds: [appeal]
  severity: bloc
  check: match
  message: m
  suggestion: s
  words: [x]
- id: missing_fields
  kinds: [appeal]
  check: match
  words: [x]
- id: slow
  kinds: [letter]
  severity: warn
  check: match
  message: "{name}"
  suggestion: s
  patterns: ["(a+)+b"]
  words: [fine, no]
  sevrity: warn
"""


def test_every_rules_file_problem_is_listed_as_file_field_problem(tmp_path):
    (tmp_path / "en.yaml").write_text(BAD_RULES, encoding="utf-8")
    with pytest.raises(tone.RulesError) as error:
        tone.load_rules("en", tmp_path)
    problems = error.value.problems
    assert all(PROBLEM_LINE.match(p) for p in problems), problems
    text = "\n".join(problems)
    assert str(error.value) == text
    for expected in [
        "en.yaml: colour: unknown field",
        "en.yaml: rules[0] (bad_regex).patterns[0]: not a valid regular expression",
        "en.yaml: rules[1] (bad_severity).severity: 'bloc' is not one of block, warn, tip",
        "en.yaml: rules[2] (missing_fields).severity: missing (required)",
        "en.yaml: rules[2] (missing_fields).message: missing (required)",
        "en.yaml: rules[2] (missing_fields).suggestion: missing (required)",
        "en.yaml: rules[3] (slow).kinds: must list one or both of solidarity, appeal",
        "en.yaml: rules[3] (slow).message: unknown placeholder {name}",
        "en.yaml: rules[3] (slow).patterns[0]: nested repetition",
        "en.yaml: rules[3] (slow).words[1]: must be text, got False",
        "en.yaml: rules[3] (slow).sevrity: unknown field",
    ]:
        assert expected in text, f"{expected!r} not in:\n{text}"


@pytest.mark.parametrize("content, expected", [
    ("rules: [\n", "en.yaml: (file): YAML syntax error"),
    ("- just a list\n", "en.yaml: (file): must be a mapping"),
    ("lang: fr\nrules: []\n", "en.yaml: lang: 'fr' does not match the file name"),
    ("lang: en\nrules: []\n", "en.yaml: rules: must be a non-empty list"),
])
def test_a_broken_rules_file_is_reported_not_crashed_on(tmp_path, content, expected):
    (tmp_path / "en.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(tone.RulesError) as error:
        tone.check("Hello", kind="appeal", rules_dir=tmp_path)
    assert any(p.startswith(expected) for p in error.value.problems), error.value.problems
    assert tone.check_rules_dir(tmp_path)


def test_a_folder_without_english_rules_is_a_clear_error(tmp_path):
    with pytest.raises(tone.RulesError, match="no en.yaml"):
        tone.check("Hello", kind="appeal", lang="de", rules_dir=tmp_path)


def test_rules_files_are_loaded_safely(tmp_path):
    rules = (tone.RULES_DIR / "en.yaml").read_text(encoding="utf-8")
    (tmp_path / "en.yaml").write_text("!!python/object/apply:os.system ['echo hi']\n" + rules,
                                      encoding="utf-8")
    with pytest.raises(tone.RulesError, match="YAML"):
        tone.load_rules("en", tmp_path)


# --- robustness ---------------------------------------------------------------------------

LONG_TEXTS = {
    "letters": "a" * 100_000,
    "capitals": "A" * 100_000,
    "spaced digits": "1 " * 50_000,
    "dots": "a." * 50_000,
    "at signs": "a@" * 50_000,
    "a real letter, repeated": (POLITE_APPEAL + " You idiots!!! Release him. 07700 900123 ") * 600,
}


@pytest.mark.parametrize("name", LONG_TEXTS)
def test_a_100000_character_text_is_checked_quickly(name):
    text = LONG_TEXTS[name][:100_000]
    assert len(text) == 100_000
    started = time.perf_counter()
    for lang, kind in (("en", "appeal"), ("fr", "solidarity"), ("es", "appeal")):
        found = tone.check(text, kind=kind, lang=lang, ask=MEDICAL, religious_content=False,
                           examples=[text[:300]])
        assert isinstance(found, list)
        assert all(0 <= f.start <= f.end <= len(text) for f in found)
    assert time.perf_counter() - started < 20  # generous: it takes well under a second


@pytest.mark.parametrize("text", [
    "<script>alert('x')</script><b>Release him</b> <!-- --> &amp; &#x27;",
    "# Title\n\n**Free him!** _now_ [link](http://example.com) `code` > quote\n- item",
    "Привет! Свободу ему! 🙂 مرحبا بالعالم 你好，世界 שלום नमस्ते ሰላም ᏣᎳᎩ",
    "e\u0301 libe\u0301rer Tomás, je vous prie de lui donner des soins. NFD text",
    "zero\u200bwidth\u200d joiners \ufeff and \u202e right-to-left override",
    "\x00\x07 control \x1b[31m characters \ud800 lone surrogate \U0010ffff",
    "!!!???¡¡¡¿¿¿" * 50,
    "@" * 500 + "." * 500 + "+" * 500,
])
@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_any_text_is_checked_without_crashing(text, lang):
    for kind in terms.LETTER_KINDS:
        found = tone.check(text, kind=kind, lang=lang, ask=MEDICAL, religious_content=False,
                           examples=[text, ""])
        assert all(0 <= f.start <= f.end <= len(text) for f in found)


def test_spans_point_at_the_offending_words_in_decomposed_unicode_text():
    text = "Je vous demande de libe\u0301rer Toma\u0301s."  # é written as e + combining accent
    found = [f for f in tone.check(text, kind="appeal", lang="fr", ask=MEDICAL)
             if f.rule == "beyond_ask"]
    assert [text[f.start:f.end] for f in found] == ["libe\u0301rer"]


def test_every_span_is_within_the_text_and_not_empty_where_it_names_words():
    for letter in report.load_corpus():
        for f in report.run(letter):
            assert 0 <= f.start <= f.end <= len(letter.text)
            if f.rule not in ("no_request",):
                assert letter.text[f.start:f.end].strip(), (letter.id, f)


# --- the labelled corpus ------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus():
    return report.load_corpus()


def test_the_corpus_is_big_enough_and_labelled_with_known_rules(corpus):
    polite = [x for x in corpus if not x.expect]
    problem = [x for x in corpus if x.expect]
    assert len(polite) >= 40 and len(problem) >= 40
    assert {"en", "fr", "es", "pl", "de"} <= set(CORPUS_LANGS)
    for lang in CORPUS_LANGS:
        assert sum(1 for x in polite if x.lang == lang) >= 15
        assert sum(1 for x in problem if x.lang == lang) >= 15
    known = {r.id for r in tone.load_rules("en").rules}
    assert {rule for x in corpus for rule in x.expect + x.tips} <= known


@pytest.mark.parametrize("lang", CORPUS_LANGS)
def test_precision_and_recall_per_language_on_the_labelled_corpus(corpus, lang):
    scores = report.evaluate([x for x in corpus if x.lang == lang])
    assert scores.precision >= 0.9, f"{lang}: false alarms on {scores.false_alarms}"
    assert scores.recall >= 0.8, f"{lang}: missed {scores.missed}"


def test_every_copied_example_in_the_corpus_gets_its_tip(corpus):
    scores = report.evaluate(corpus)
    assert scores.tips_expected >= 3 and scores.tips_given == scores.tips_expected


def test_the_report_prints_markdown_tables(corpus, capsys):
    assert report.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| language | polite letters | problem letters |")
    assert "| all |" in out and "| personal_data |" in out and "held-out" in out


@pytest.mark.parametrize("text", [
    "lang: fr\nrules: " + "[" * 2000 + "]" * 2000 + "\n",
    "lang: fr\nrules: [2024-02-30]\n",
    "lang: fr\nrules: [" + "9" * 5000 + "]\n",
    'lang: fr\nname: "\\ud800"\nrules: []\n',
])
def test_a_hostile_rules_file_is_a_problem_and_english_rules_are_used(tmp_path, text):
    (tmp_path / "en.yaml").write_bytes((tone.RULES_DIR / "en.yaml").read_bytes())
    (tmp_path / "fr.yaml").write_text(text, encoding="utf-8")
    problems = tone.check_rules_dir(tmp_path)
    assert problems and all(p.startswith("fr.yaml: ") for p in problems), problems
    assert tone.load_rules("fr", tmp_path).lang == "en"
    assert tone.check("YOU MUST RELEASE HIM NOW!!!", kind="appeal", lang="fr", rules_dir=tmp_path)


# --- hard to fool (issue 14, item 4) ------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "fr", "es", "pl", "de"])
def test_every_language_has_a_rules_file_with_the_english_rule_ids(lang):
    """Five languages complete: the file exists, is the one loaded, and has every English id."""
    assert tone.rules_file(lang).name == f"{lang}.yaml"
    ruleset = tone.load_rules(lang)
    assert ruleset.lang == lang
    assert {r.id for r in ruleset.rules} == {r.id for r in tone.load_rules("en").rules}


FOOLING = [
    # (lang, kind, text, rule, the words the finding must point at)
    ("en", "appeal", "I hope you die.", "threat", "hope you die"),
    ("en", "appeal", "f*ck you, release him", "insult", "f*ck"),
    ("en", "appeal", "F**K YOU", "insult", "F**K"),
    ("en", "appeal", "f.u.c.k you", "insult", "f.u.c.k"),
    ("en", "appeal", "you are stup1d", "insult", "stup1d"),
    ("en", "appeal", "you are s t u p i d", "insult", "s t u p i d"),
    ("en", "appeal", "you are stuuupid", "insult", "stuuupid"),
    ("en", "appeal", "you @$$hole", "insult", "@$$hole"),
    ("en", "appeal", "you stupid corrupt pigs", "insult", "stupid corrupt pigs"),
    ("en", "appeal", "Do it or you will pay.", "threat", "you will pay"),
    ("en", "appeal", "We know where you live.", "threat", "We know where you live"),
    ("en", "appeal", "It would be a shame if something happened to you.", "threat",
     "shame if something happened to"),
    ("en", "solidarity", "You'll surely be out soon!", "promise", "You'll surely be out"),
    ("en", "solidarity", "Write to me: mia at gmail dot com", "personal_data", "mia at gmail dot com"),
    ("en", "solidarity", "mia [at] example.com", "personal_data", "mia [at] example.com"),
    ("en", "solidarity", "Follow me @mia_k12!", "personal_data", "@mia_k12"),
    ("en", "solidarity", "Call +44 7700 900 123.", "personal_data", "+44 7700 900 123"),
    ("fr", "appeal", "Vous êtes stupides.", "insult", "stupides"),
    ("fr", "appeal", "Vous êtes des idi0ts.", "insult", "idi0ts"),
    ("fr", "appeal", "J'espère que vous mourrez.", "threat", "J'espère que vous mourrez"),
    ("fr", "appeal", "Bande de porcs corrompus.", "insult", "Bande de porcs"),
    ("fr", "solidarity", "Tu vas sûrement sortir bientôt !", "promise", "Tu vas sûrement sortir"),
    ("fr", "solidarity", "Écris-moi : lea arobase free point fr", "personal_data",
     "lea arobase free point fr"),
    ("fr", "solidarity", "Appelle-moi au +33 6 12 34 56 78.", "personal_data", "+33 6 12 34 56 78"),
    ("fr", "solidarity", "J'habite 8 rue des lilas.", "personal_data", "8 rue des lilas"),
    ("es", "appeal", "Son ustedes unos cerdos corruptos.", "insult", "cerdos corruptos"),
    ("en", "appeal", "Whoever did this is a total d!ckhead.", "insult", "d!ckhead"),
    ("es", "appeal", "Ojalá se mueran.", "threat", "Ojalá se mueran"),
    ("es", "appeal", "Son unos estvpidos, unos 1diotas.", "insult", "1diotas"),
    ("es", "solidarity", "Seguro que pronto sales.", "promise", "Seguro que pronto sales"),
    ("de", "appeal", "Wir wissen, wer Sie sind.", "threat", "Wir wissen, wer Sie sind"),
    ("pl", "appeal", "Obyście wszyscy zdechli.", "threat", "Obyście wszyscy zdechli"),
    ("es", "solidarity", "Mi correo: lucia arroba gmail punto com", "personal_data",
     "lucia arroba gmail punto com"),
    ("es", "solidarity", "Vivo en calle mayor 5, Sevilla.", "personal_data", "calle mayor 5"),
    ("pl", "appeal", "Jesteście głupimi świniami.", "insult", "głupimi"),
    ("pl", "appeal", "Jesteście głupimi świniami.", "insult", "świniami"),
    ("pl", "appeal", "Jestescie glupimi swiniami.", "insult", "swiniami"),
    ("pl", "appeal", "Rządzą nami skorumpowanymi rękami.", "attack", "skorumpowanymi"),
    ("pl", "appeal", "Mam nadzieję, że umrzecie.", "threat", "Mam nadzieję, że umrzecie"),
    ("pl", "appeal", "Wiemy, gdzie pan mieszka.", "threat", "Wiemy, gdzie pan mieszka"),
    ("pl", "solidarity", "Na pewno wkrótce wyjdziesz!", "promise", "Na pewno wkrótce wyjdziesz"),
    ("pl", "solidarity", "Zadzwoń: +48 600 123 456", "personal_data", "+48 600 123 456"),
    ("pl", "solidarity", "Mieszkam przy ul. Długiej 5/3.", "personal_data", "ul. Długiej 5/3"),
    ("de", "appeal", "Ihr dummen Schweine!", "insult", "dummen"),
    ("de", "appeal", "Ihr dummen Schweine!", "insult", "Schweine"),
    ("de", "appeal", "Ich hoffe, Sie sterben.", "threat", "hoffe, Sie sterben"),
    ("de", "appeal", "Sie werden dafür bezahlen.", "threat", "Sie werden dafür bezahlen"),
    ("de", "appeal", "Du Idi0t!", "insult", "Idi0t"),
    ("de", "solidarity", "Du kommst bestimmt bald frei!", "promise", "Du kommst bestimmt bald frei"),
    ("de", "solidarity", "Ich wohne in der Hauptstraße 12.", "personal_data", "Hauptstraße 12"),
    ("de", "solidarity", "Schreib mir: mia (at) gmx punkt de", "personal_data",
     "mia (at) gmx punkt de"),
]


@pytest.mark.parametrize("lang, kind, text, rule, words", FOOLING)
def test_fooling_attempts_are_caught_and_point_at_the_words_as_written(lang, kind, text, rule, words):
    found = [text[f.start:f.end] for f in tone.check(text, kind=kind, lang=lang, ask=MEDICAL)
             if f.rule == rule]
    assert words in found, found


FALSE_ALARMS = [
    ("en", "appeal", "Dear Mr Dick Cockburn, I write from Scunthorpe with Assunta Kunz and Mr "
     "Hancock of Middlesex. I urge you to ensure that Tomás Ruiz receives medical care."),
    ("en", "appeal", "The UN and UNICEF have written about this. I urge you to ensure that "
     "Tomás Ruiz receives the medical care he needs."),
    ("en", "appeal", "Yecenia Armenta was tortured and her husband was killed. I urge you to "
     "drop the charges against her and release her."),
    ("en", "solidarity", "I hope you will be free soon. We have pigs and goats on our farm."),
    ("fr", "appeal", "Monsieur Dick Cockburn, l'ONU et l'UNICEF s'inquiètent. Il a été torturé. "
     "Je vous demande d'abandonner les charges contre lui et de le libérer."),
    ("es", "appeal", "Señora Assunta Kunz: la ONU y UNICEF están preocupadas. Fue torturado y su "
     "hermano fue asesinado. Le pido que retire los cargos y lo libere."),
    ("pl", "appeal", "Szanowny Panie Kunz, ONZ i UNICEF są zaniepokojone. Był torturowany, a jego "
     "brat zabity. Proszę o wycofanie zarzutów i uwolnienie go."),
    ("de", "appeal", "Sehr geehrter Herr Kunz, die UN und UNICEF sind besorgt. Er wurde gefoltert "
     "und sein Bruder getötet. Ich bitte Sie, die Anklage fallen zu lassen und ihn freizulassen."),
    ("de", "solidarity", "Ich hoffe, du bist bald wieder zu Hause. Wir denken an dich."),
    ("pl", "solidarity", "Mam nadzieję, że wkrótce będziesz w domu. Myślimy o tobie."),
    # folding must not make new words: good is not god, a school is not a street
    ("en", "solidarity", "We hope you have something good to read. From Year 8 at St Mary's."),
    ("en", "solidarity", "I hope that one day you can write again and that you will be back "
     "with your family soon."),
    ("de", "appeal", "Ich bin in der UNICEF-AG meiner Schule. Bitte helfen Sie Tomás Ruiz."),
    # animals on a farm are not insults; "wir finden dich mutig" is "we think you are brave"
    ("en", "solidarity", "Love from our farm, including the cows and the two grumpy pigs."),
    ("fr", "solidarity", "Bises de la ferme, avec les vaches et les deux cochons grognons."),
    ("es", "solidarity", "Besos de la finca, de parte de las vacas y de los dos cerdos gruñones."),
    ("de", "solidarity", "Wir finden dich sehr mutig. Grüße von den zwei grummeligen Schweinen."),
]


@pytest.mark.parametrize("lang, kind, text", FALSE_ALARMS)
def test_names_acronyms_and_facts_of_the_case_raise_no_alarm(lang, kind, text):
    ask = "Drop the charges and release her." if kind == "appeal" else ""
    assert rules_of(text, kind=kind, lang=lang, ask=ask) == set()


def test_fold_maps_every_folded_character_back_to_the_original_text():
    text = "Ｙou are s.t.u.u.p.i.d, stuuupid, f**k, 1d10t, e\u0301te\u0301, głupimi"
    folded, starts, ends = tone.fold(text)
    assert len(starts) == len(ends) == len(folded)
    assert all(0 <= a < b <= len(text) for a, b in zip(starts, ends))
    assert "stupid" in folded and "f*k" in folded and "idiot" in folded and "glupimi" in folded


def test_spans_point_at_disguised_words_in_decomposed_unicode_text():
    text = "Vous e\u0302tes des idi0ts, bande de porcs. Je vous demande de soigner Tomás."
    found = [text[f.start:f.end] for f in tone.check(text, kind="appeal", lang="fr")
             if f.rule == "insult"]
    assert found == ["idi0ts", "bande de porcs"]


def test_a_3000_character_letter_is_checked_whole_in_every_language():
    """(Its speed is measured by scripts/bench_tone.py, never asserted here: docs/TONE.md.)"""
    polite = ((POLITE_APPEAL + " ") * (3000 // len(POLITE_APPEAL) + 1))[:3000]
    for lang, word in (("en", "idiots"), ("fr", "idiots"), ("es", "idiotas"), ("pl", "idioci"),
                       ("de", "Idioten")):
        text = f"{polite} {word}!"
        found = tone.check(text, kind="appeal", lang=lang, ask=MEDICAL)
        assert all(0 <= f.start <= f.end <= len(text) for f in found)
        assert word in [text[f.start:f.end] for f in found if f.rule == "insult"], lang


@pytest.mark.parametrize("lang, formal", [
    ("fr", r"\b(?:vous|votre|vos)\b"), ("es", r"\b(?:usted|ustedes)\b"),
    ("de", r"\b(?:Sie|Ihr|Ihre|Ihnen)\b"), ("pl", r"\b(?:Pan|Pani|Państwo)\b"),
])
def test_messages_speak_to_the_pupil_informally(lang, formal):
    """tu / tú / du / ty in every message; example sentences in quotes may address an official."""
    for rule in tone.load_rules(lang).rules:
        for text in (rule.message, rule.suggestion):
            outside = re.sub(r"«[^»]*»|„[^“]*“|“[^”]*”|\"[^\"]*\"", "", text.replace("{found}", ""))
            assert not re.search(formal, outside), (lang, rule.id, text)


# --- structure rather than phrases (rules frozen for batch 7) --------------------------------
# New sentences written for these tests (not from the labelled batches). Most were reported
# wrongly by the rules frozen for batch 6 (commit 00b309b); the others guard what worked.

@pytest.mark.parametrize("lang, text", [
    ("en", "If the guards touch her again, I'll come after them myself."),
    ("en", "Harm one hair on her head and we will make every one of you pay."),
    ("en", "They will regret the day they arrested her."),
    ("fr", "Si vous la touchez encore, vous allez le regretter."),
    ("fr", "Vous le payerez un jour."),
    ("fr", "Ça va vous coûter votre poste."),
    ("es", "Si le hacen daño otra vez, os vais a arrepentir."),
    ("es", "Se lo vamos a hacer pagar a todos."),
    ("pl", "Jeśli ktoś ją skrzywdzi, to nam za to zapłaci."),
    ("pl", "Popamiętacie ten dzień."),
    ("de", "Wenn ihr jemand wehtut, zahlen wir es euch heim."),
    ("de", "Das werden Sie noch büßen."),
    ("de", "Ihr werdet dafür bezahlen."),
    ("en", "Keep hurting him and you'll find out what we can do."),
    ("en", "Something will happen to you if he dies."),
    ("es", "Como le pase algo, vais a pagarlo muy caro."),
    ("de", "Rührt ihn noch einmal jemand an, dann seid ihr dran."),
])
def test_a_threat_phrased_as_a_consequence_blocks(lang, text):
    assert "threat" in rules_of(text, kind="appeal", lang=lang, ask=MEDICAL)


@pytest.mark.parametrize("lang, text", [
    ("en", "Those who torture prisoners ought to rot in a cell."),
    ("en", "The officers would deserve to suffer for this."),
    ("fr", "Ces gardiens mériteraient de crever en prison."),
    ("es", "Esos guardias merecen pudrirse en la cárcel."),
    ("pl", "Tacy strażnicy zasługują na śmierć."),
    ("pl", "Niech ci strażnicy zgniją w celi."),
    ("de", "Solche Wärter verdienen es, im Gefängnis zu verrotten."),
    ("en", "People like you should be locked up and left to die."),
    ("en", "I hope every one of those guards suffers."),
    ("es", "Esos carceleros deberían morirse en una celda."),
])
def test_a_death_or_harm_wish_in_any_mood_blocks(lang, text):
    assert "threat" in rules_of(text, kind="appeal", lang=lang, ask=MEDICAL)


@pytest.mark.parametrize("lang, text", [
    ("en", "No prisoner should die because a doctor was refused. Please ensure she sees one."),
    ("en", "Nobody deserves to suffer like this in custody. Please ensure she sees a doctor."),
    ("fr", "Personne ne mérite de souffrir ainsi en prison. Je vous demande de la soigner."),
    ("es", "Nadie merece sufrir así. Le pido que la atiendan."),
    ("es", "Temo que muera sin atención médica. Le ruego que actúe."),
    ("pl", "Nikt nie powinien cierpieć w więzieniu. Proszę zapewnić jej opiekę."),
    ("pl", "Wierzę, że nie pożałuje Pan tej decyzji. Proszę zapewnić jej opiekę."),
    ("de", "Niemand sollte in Haft sterben müssen. Bitte sorgen Sie für einen Arzt."),
    ("de", "Sie sollten wissen, dass Menschen in Haft sterben. Bitte sorgen Sie für einen Arzt."),
    ("de", "Sie werden es nicht bereuen. Bitte sorgen Sie für einen Arzt."),
    ("fr", "Je vous demande de la soigner. Vous ne le regretterez pas."),
    ("de", "Bitte sorgen Sie für einen Arzt. Kein Mensch soll in Haft sterben."),
    ("en", "I fear something bad could happen to him if he is not treated. Please ensure he sees a doctor."),
])
def test_a_negated_wish_or_a_kind_consequence_is_not_a_threat(lang, text):
    assert rules_of(text, kind="appeal", lang=lang, ask=MEDICAL) == set()


@pytest.mark.parametrize("lang, text", [
    ("en", "Don't worry, they'll let you go before the summer."),
    ("en", "By next year you will be back with your sisters, I'm certain."),
    ("fr", "Tu sortiras avant l'été, j'en suis certaine."),
    ("fr", "Ils vont te libérer très vite."),
    ("es", "Saldrás antes del verano, estoy segurísima."),
    ("es", "Te van a soltar muy pronto."),
    ("pl", "Przed latem wyjdziesz na wolność, obiecuję."),
    ("pl", "Wypuszczą cię już niedługo."),
    ("de", "Nächstes Jahr bist du wieder bei deiner Familie, ganz bestimmt."),
    ("de", "Im Sommer kommst du wieder nach Hause, ich weiß es."),
    ("de", "Die lassen dich bestimmt bald gehen."),
])
def test_certainty_about_release_or_return_is_a_promise(lang, text):
    assert "promise" in rules_of(text, kind="solidarity", lang=lang)


@pytest.mark.parametrize("lang, text", [
    ("en", "May you be home with your children soon."),
    ("en", "I hope that one day soon you'll be back with your family."),
    ("fr", "Quand tu rentreras, on fera une fête."),
    ("es", "Espero que muy pronto estés libre."),
    ("pl", "Kiedy wyjdziesz, pójdziemy razem na lody."),
    ("pl", "Mam nadzieję, że wkrótce wrócisz do domu."),
    ("de", "Wenn du wieder frei bist, feiern wir zusammen."),
    ("de", "Ich hoffe, du bist bald wieder zu Hause."),
    ("fr", "Je suis sûre que tu es très courageuse."),
])
def test_a_hope_or_a_when_clause_is_not_a_promise(lang, text):
    assert "promise" not in rules_of(text, kind="solidarity", lang=lang)


@pytest.mark.parametrize("lang, text", [
    ("en", "You are a bunch of gutless cowards."),
    ("en", "The guards who did this are weasels."),
    ("fr", "Ces policiers sont des brutes et des lâches."),
    ("es", "Esos agentes son unos cobardes y unas bestias."),
    ("pl", "Ci strażnicy to bandyci i bydlaki."),
    ("de", "Diese Wärter sind brutale Schläger."),
])
def test_insults_at_other_registers_block(lang, text):
    assert "insult" in rules_of(text, kind="appeal", lang=lang, ask=MEDICAL)


@pytest.mark.parametrize("lang, text", [
    ("de", "Unterschrieben haben auch Anna Ficke und Horst Fickermann. Bitte sorgen Sie für einen Arzt."),
    ("pl", "Podpisali też Marek Chujowski i Anna Hujer. Proszę zapewnić jej opiekę."),
    ("en", "I play the clown in our school play. Please ensure she sees a doctor."),
    ("de", "Mein Tennisschläger ist neu. Bitte sorgen Sie für einen Arzt."),
])
def test_surnames_and_harmless_words_that_begin_like_insults_pass(lang, text):
    assert rules_of(text, kind="appeal", lang=lang, ask=MEDICAL) == set()


@pytest.mark.parametrize("lang, text", [
    ("en", "Dear Minister,\n\nI am 10. Will a real nurse visit Ana soon?\n\nLeo"),
    ("en", "Dear Governor,\n\nFind the people who attacked Ana and keep her family safe.\n\nLeo"),
    ("fr", "Madame,\n\nJ'ai 10 ans. Est-ce qu'une infirmière pourra voir Ana bientôt ?\n\nLéo"),
    ("fr", "Madame,\n\nTrouvez les responsables et gardez sa famille en sécurité.\n\nLéo"),
    ("es", "Señora:\n\nBusque a los responsables y cuide de su familia.\n\nLeo"),
    ("pl", "Pani Minister,\n\nCzy pielęgniarka mogłaby wkrótce odwiedzić Anę?\n\nLeon"),
    ("de", "Sehr geehrte Frau Ministerin,\n\nkann eine Ärztin bald nach Ana schauen?\n\nLeo"),
    ("de", "Sehr geehrte Frau Ministerin,\n\nschicken Sie einen Arzt zu Ana.\n\nLeo"),
])
def test_a_request_as_a_question_or_a_plain_imperative_counts(lang, text):
    assert "no_request" not in rules_of(text, kind="appeal", lang=lang, ask=MEDICAL)


# --- families of meaning (rules frozen for batch 8) ------------------------------------------
# New sentences written for these tests (not from the labelled batches); each was reported
# wrongly by the rules frozen for batch 7 (commit 372f9bb) unless it guards a kind reading.

@pytest.mark.parametrize("lang, text", [
    ("en", "You and everyone in that prison will regret this."),
    ("en", "You and the men who guard her are going to answer for it."),
    ("en", "Officials like you pay for it in the end."),
    ("en", "Your time is coming, Minister."),
    ("en", "Someone should do the same thing to you."),
    ("en", "You won't sleep peacefully after this."),
    ("en", "Karma never forgets."),
    ("fr", "Vous et tous vos gardiens allez le regretter."),
    ("fr", "Les gens comme vous finissent par le payer."),
    ("fr", "Votre heure viendra, Monsieur le Ministre."),
    ("fr", "On devrait vous faire la même chose."),
    ("es", "Usted y todos sus carceleros responderán por esto."),
    ("es", "La gente como usted siempre termina pagando."),
    ("es", "Ya les llegará su hora."),
    ("es", "Ojalá les pase lo mismo."),
    ("pl", "Prędzej czy później Pan za to odpowie."),
    ("pl", "Pan i wszyscy Pana strażnicy tego odpokutują."),
    ("pl", "Tacy jak Pan zawsze w końcu płacą."),
    ("pl", "Przyjdzie kolej na was."),
    ("pl", "Niech pana spotka to samo."),
    ("de", "Sie und Ihr ganzes Ministerium werden das eines Tages teuer bezahlen."),
    ("de", "Leute wie Sie zahlen am Ende immer."),
    ("de", "Ihre Zeit wird kommen, Herr Minister."),
    ("de", "Man sollte mit Ihnen das Gleiche machen."),
])
def test_a_consequence_fate_or_the_same_harm_aimed_at_the_addressee_blocks(lang, text):
    assert "threat" in rules_of(text, kind="appeal", lang=lang, ask=MEDICAL)


@pytest.mark.parametrize("lang, text", [
    ("en", "If you release him, you and your ministry will never regret it."),
    ("en", "We will be waiting for your reply."),
    ("fr", "Vous et votre équipe n'allez pas le regretter."),
    ("pl", "Nie pożałuje Pan tej decyzji."),
    ("de", "Sie und Ihre Mitarbeiter werden es nicht bereuen."),
])
def test_a_kind_or_negated_consequence_is_not_a_threat(lang, text):
    assert "threat" not in rules_of(text, kind="appeal", lang=lang, ask=MEDICAL)


@pytest.mark.parametrize("lang, text", [
    ("en", "I also want the prison governor to resign."),
    ("en", "My class will boycott products from your country."),
    ("en", "Britain should cut aid to your government."),
    ("fr", "J'exige aussi la démission du directeur de la prison."),
    ("fr", "Nous réclamerons des sanctions contre votre pays."),
    ("es", "Además pido la dimisión del director de la cárcel."),
    ("es", "Apoyaré un boicot a sus productos."),
    ("pl", "Domagam się też dymisji dyrektora więzienia."),
    ("pl", "Będziemy namawiać do bojkotu waszych produktów."),
    ("de", "Außerdem fordere ich den Rücktritt des Gefängnisdirektors."),
    ("de", "Wir werden Sanktionen gegen Ihr Land fordern."),
])
def test_a_demand_beyond_any_ask_is_reported(lang, text):
    assert "beyond_ask" in rules_of(text, kind="appeal", lang=lang, ask=MEDICAL)


@pytest.mark.parametrize("lang, text, ask", [
    ("en", "I urge you to make the minister resign.", "Call on the minister to resign."),
    ("fr", "Je demande des sanctions contre les responsables.", "Demandez des sanctions contre les responsables."),
    ("en", "No one should be jailed for a blog. Please ensure he sees a doctor.", MEDICAL),
    ("en", "She was arrested for calling for the minister's resignation. Please ensure she sees "
           "a doctor.", MEDICAL),
    ("fr", "Elle a été arrêtée pour avoir demandé la démission du ministre. Veillez à ce qu'elle "
           "voie un médecin.", MEDICAL),
    ("fr", "Personne ne devrait être emprisonné pour un blog. Veillez à ce qu'il voie un "
           "médecin.", MEDICAL),
    ("es", "Fue detenida por pedir la dimisión del ministro. Le pido que vea a un médico.", MEDICAL),
    ("pl", "Nikt nie powinien zostać aresztowany za bloga. Proszę zapewnić mu lekarza.", MEDICAL),
    ("de", "Die Demonstranten forderten den Rücktritt des Ministers. Bitte sorgen Sie für einen "
           "Arzt.", MEDICAL),
    ("de", "Niemand sollte eingesperrt werden, weil er bloggt. Bitte sorgen Sie für einen "
           "Arzt.", MEDICAL),
])
def test_a_demand_the_case_asks_for_or_a_negated_one_is_not_beyond_the_ask(lang, text, ask):
    assert "beyond_ask" not in rules_of(text, kind="appeal", lang=lang, ask=ask)


@pytest.mark.parametrize("lang, text", [
    ("en", "Only rats would beat a nurse."),
    ("en", "It takes a pig to hit a prisoner."),
    ("fr", "Seules des bêtes peuvent enfermer une infirmière."),
    ("fr", "Il faut être une brute pour frapper un prisonnier."),
    ("es", "Solo unas ratas encierran a una enfermera."),
    ("es", "Hay que ser un animal para pegar a un preso."),
    ("pl", "Tylko bydlęta mogą bić pielęgniarza."),
    ("pl", "Trzeba być potworem, żeby bić więźnia."),
    ("de", "Nur Schweine schlagen einen Gefangenen."),
    ("de", "Die Richter sind Hampelmänner."),
])
def test_only_a_x_would_insults_block(lang, text):
    assert "insult" in rules_of(text, kind="appeal", lang=lang, ask=MEDICAL)


@pytest.mark.parametrize("lang, text", [
    ("en", "Only farm animals lived in our village. Please ensure he sees a doctor."),
    ("en", "Please ensure he sees a doctor.\n\nYours,\nDr Amir Shitole"),
    ("de", "Bitte sorgen Sie für einen Arzt.\n\nMit freundlichen Grüßen\nDr. Petra Arsch, Ärztin"),
])
def test_farm_talk_and_a_signature_surname_are_not_insults(lang, text):
    assert "insult" not in rules_of(text, kind="appeal", lang=lang, ask=MEDICAL)


@pytest.mark.parametrize("lang, text", [
    ("en", "Dear Minister,\n\nIt is essential that Ana sees a doctor this week.\n\nLeo"),
    ("en", "Dear Minister,\n\nThe charges against Ana must be dropped.\n\nLeo"),
    ("fr", "Madame,\n\nMerci d'autoriser Ana à voir un médecin.\n\nLéo"),
    ("fr", "Madame,\n\nIl est indispensable qu'Ana voie un médecin.\n\nLéo"),
    ("es", "Señora:\n\n¿Me puede decir si Ana verá a un médico?\n\nLeo"),
    ("es", "Señora:\n\nEs imprescindible que Ana vea a un médico.\n\nLeo"),
    ("pl", "Pani Minister,\n\nWnoszę o zapewnienie Anie opieki lekarza.\n\nLeon"),
    ("pl", "Pani Minister,\n\nZwracam się do Pani z prośbą o lekarza dla Any.\n\nLeon"),
    ("de", "Sehr geehrte Frau Ministerin,\n\nich rufe Sie eindringlich auf, Ana einen Arzt zu schicken.\n\nLeo"),
    ("de", "Sehr geehrte Frau Ministerin,\n\nes ist unerlässlich, dass Ana einen Arzt sieht.\n\nLeo"),
])
def test_a_polite_request_in_other_words_counts(lang, text):
    assert "no_request" not in rules_of(text, kind="appeal", lang=lang, ask=MEDICAL)


@pytest.mark.parametrize("text", [
    "Liebe Ana, vor Weihnachten bist du draußen, ganz sicher!",
    "Liebe Ana, bald stehst du wieder im Klassenzimmer, ganz sicher.",
])
def test_german_certainty_with_the_verb_at_the_end_is_a_promise(text):
    assert "promise" in rules_of(text, kind="solidarity", lang="de", religious_content=False)


def test_german_hope_with_the_verb_at_the_end_is_not_a_promise():
    text = "Liebe Ana, ich hoffe, dass sie dich bald freilassen werden."
    assert "promise" not in rules_of(text, kind="solidarity", lang="de", religious_content=False)


def test_one_scan_of_all_patterns_finds_what_the_patterns_find_one_by_one():
    rule = next(r for r in tone.load_rules("en").rules if r.id == "beyond_ask" and r.any_of)
    for text in ("I also want the governor to resign.", "Please ensure he sees a doctor."):
        one_by_one = any(p.search(text) for p in rule.patterns)
        assert bool(rule.any_of.search(text)) is one_by_one
