"""The guided composer's prompts: complete in every language, checked, filled from the case only."""

from __future__ import annotations

import copy
import dataclasses
import re

import pytest
import yaml

from test_pages import app, no_error, shown, through_app, write_for  # noqa: F401 (fixtures)
from w4r import db, letters, prompts, sessions
from w4r.prompts import PLACEHOLDERS, STEPS

SHIPPED = ("en", "fr", "es", "pl", "de")  # fixed: removing a file must fail a test
KINDS = tuple(STEPS)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _texts(step: prompts.Step) -> list[str]:
    return [step.title, step.prompt, step.example, step.hint, *step.starters]


@pytest.fixture
def english() -> dict:
    return yaml.safe_load((prompts.SHIPPED_PROMPTS / "en.yaml").read_text(encoding="utf-8"))


# --- the shipped files -----------------------------------------------------------------------

def test_the_shipped_prompts_have_no_problems():
    assert prompts.check() == []
    assert [code for code, _ in prompts.languages()] == ["en", "de", "es", "fr", "pl"]


@pytest.mark.parametrize("lang", SHIPPED)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("simple", [False, True])
def test_every_language_has_every_step_in_both_wordings(lang, kind, simple):
    found = prompts.steps(kind, lang, simple)
    assert prompts.load(lang).lang == lang  # its own file, not the fallback
    assert [(s.id, s.field, s.optional) for s in found] == list(STEPS[kind])
    for step in found:
        assert step.field in letters.FIELDS
        assert 2 <= len(step.starters) <= 3
        assert all(text.strip() for text in _texts(step))
        for text in _texts(step):
            assert prompts.placeholder_problems(text) == []
        assert not any(s.endswith(("…", "...")) for s in step.starters)


@pytest.mark.parametrize("lang", SHIPPED)
def test_the_simple_wording_differs_and_is_not_longer_overall(lang):
    for kind in KINDS:
        standard = prompts.steps(kind, lang)
        simple = prompts.steps(kind, lang, simple=True)
        assert [s.prompt for s in standard] != [s.prompt for s in simple]
        assert sum(len(s.prompt) for s in simple) < sum(len(s.prompt) for s in standard)


def test_the_mapping_to_letter_parts():
    appeal = {s.id: s.field for s in prompts.steps("appeal")}
    assert appeal == {"greeting": "greeting", "who_i_am": "about", "what_i_know": "message",
                      "request": "request", "closing": "closing", "name": "name"}
    solidarity = {s.id: (s.field, s.optional) for s in prompts.steps("solidarity")}
    assert solidarity == {"greeting": ("greeting", False), "hope": ("message", False),
                          "about_me": ("about", True), "closing": ("closing", False),
                          "name": ("name", True)}
    assert not next(s for s in prompts.steps("appeal") if s.id == "request").optional
    assert sorted(appeal.values()) == sorted(letters.FIELDS)


def test_unknown_kind():
    with pytest.raises(ValueError):
        prompts.steps("postcard")


# --- placeholders ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", SHIPPED)
def test_filled_steps_hold_only_what_the_case_says(cases, lang):
    neutral = prompts.load(lang).neutral
    for case in cases.cases:
        allowed = set(prompts.values(case, neutral).values())
        for kind in KINDS:
            for simple in (False, True):
                raw = prompts.steps(kind, lang, simple)
                filled = prompts.steps(kind, lang, simple, case=case)
                for before, after in zip(raw, filled):
                    for text, done in zip(_texts(before), _texts(after)):
                        assert "{" not in done and "}" not in done
                        names = re.findall(r"\{(\w+)\}", text)
                        assert set(names) <= set(PLACEHOLDERS)
                        if not names:
                            assert done == text
                        for name in names:
                            assert prompts.values(case, neutral)[name] in allowed


def test_fill_uses_the_case_and_neutral_words(case):
    appeal = dataclasses.replace(case.appeal, addressee_name="", addressee_title="")
    solidarity = dataclasses.replace(case.solidarity, to="")
    bare = dataclasses.replace(case, appeal=appeal, solidarity=solidarity)
    text = "{name} | {to} | {country} | {addressee} | {unknown}"
    assert prompts.fill(text, bare) == (f"{case.name} | {case.name} | {case.country} | "
                                        "the authorities who can act | {unknown}")
    assert prompts.fill("{addressee}", bare, "fr") == "les autorités qui peuvent agir"
    assert prompts.fill("{addressee}", bare, "es") == "las autoridades que pueden actuar"
    assert prompts.fill("{addressee}", bare, "pl") == "władze, które mogą działać"
    assert prompts.fill("{addressee}", bare, "de") == "die Behörden, die handeln können"
    titled = dataclasses.replace(case, appeal=dataclasses.replace(appeal, addressee_title="Minister"))
    assert prompts.fill("{addressee}", titled) == "Minister"
    named = dataclasses.replace(titled, appeal=dataclasses.replace(
        titled.appeal, addressee_name="A. Person"))
    assert prompts.fill("{addressee}", named) == "A. Person"
    assert prompts.fill("{to}", dataclasses.replace(
        case, solidarity=dataclasses.replace(solidarity, to="the family of X"))) == "the family of X"


def test_fill_leaves_other_braces_alone(case):
    assert prompts.fill("{ name } {{name}} {name", case) == "{ name } {" + case.name + "} {name"


# --- fallback --------------------------------------------------------------------------------

def test_a_missing_language_falls_back_to_english():
    assert prompts.steps("appeal", "it") == prompts.steps("appeal", "en")
    assert prompts.steps("solidarity", "fr-CA", True) == prompts.steps("solidarity", "fr", True)
    assert prompts.steps("appeal", "es_MX") == prompts.steps("appeal", "es")
    assert prompts.steps("appeal", "../../etc/passwd") == prompts.steps("appeal", "en")
    assert prompts.steps("appeal", "") == prompts.steps("appeal", "en")


def test_a_content_folder_adds_languages_and_a_broken_file_falls_back(tmp_path, english):
    folder = tmp_path / "prompts"
    folder.mkdir()
    italian = copy.deepcopy(english)
    italian["language"], italian["name"] = "it", "Italiano"
    italian["appeal"]["greeting"]["standard"]["title"] = "Saluto"
    (folder / "it.yaml").write_text(yaml.safe_dump(italian, allow_unicode=True), encoding="utf-8")
    (folder / "fr.yaml").write_text("language: fr\nappeal: [", encoding="utf-8")
    assert prompts.steps("appeal", "it", content_dir=tmp_path)[0].title == "Saluto"
    assert prompts.steps("appeal", "fr", content_dir=tmp_path) == prompts.steps("appeal", "fr")
    assert ("it", "Italiano") in prompts.languages(tmp_path)
    assert any("fr.yaml: (file): YAML syntax error" in str(p) for p in prompts.check(folder))
    assert any("has no en.yaml" in str(p) for p in prompts.check(folder))


def test_no_usable_file_at_all_is_a_prompt_error(tmp_path, monkeypatch):
    (tmp_path / "en.yaml").write_text("language: en\n", encoding="utf-8")
    monkeypatch.setattr(prompts, "SHIPPED_PROMPTS", tmp_path)
    with pytest.raises(prompts.PromptError) as caught:
        prompts.steps("appeal", "fr", content_dir=tmp_path / "nowhere")
    assert any(p.field == "appeal" for p in caught.value.problems)


# --- validation ------------------------------------------------------------------------------

def _problems(data, lang="en") -> list[str]:
    found, problems = prompts.parse(data, f"{lang}.yaml", lang)
    assert (found is None) == bool(problems)
    return [str(p) for p in problems]


def test_validation_lists_every_problem(english):
    data = copy.deepcopy(english)
    data["colour"] = "blue"
    data["language"] = "fr"
    del data["appeal"]["request"]
    data["appeal"]["requets"] = data["appeal"]["closing"]
    data["solidarity"]["hope"]["simple"]["starters"] = ["One", "Two", "Three", "Four"]
    data["solidarity"]["hope"]["standard"]["starters"] = ["Only one"]
    data["solidarity"]["greeting"]["simple"]["prompt"] = "Say hello to {first_name}."
    data["solidarity"]["closing"]["standard"]["hint"] = 42
    data["solidarity"]["closing"]["simple"]["tip"] = "extra"
    data["solidarity"]["name"]["standard"]["starters"][0] = "From…"
    del data["solidarity"]["about_me"]["simple"]
    data["appeal"]["name"]["standard"]["example"] = "Unbalanced { brace"
    found = _problems(data)
    assert found == [
        "en.yaml: colour: unknown field (a typo?)",
        "en.yaml: language: 'fr' does not match the file name (en.yaml)",
        "en.yaml: appeal.requets: unknown step (the steps are greeting, who_i_am, what_i_know, "
        "request, closing, name)",
        "en.yaml: appeal.request: missing step",
        "en.yaml: appeal.name.standard.example: has a { or } that does not enclose a "
        "placeholder",
        "en.yaml: solidarity.greeting.simple.prompt: unknown placeholder {first_name} (known: "
        "{name}, {to}, {country}, {addressee})",
        "en.yaml: solidarity.hope.standard.starters: has 1 sentence starter(s); give 2 or 3",
        "en.yaml: solidarity.hope.simple.starters: has 4 sentence starter(s); give 2 or 3",
        "en.yaml: solidarity.about_me.simple: missing (required)",
        "en.yaml: solidarity.closing.standard.hint: must be text, got int",
        "en.yaml: solidarity.closing.simple.tip: unknown field (a typo?)",
        "en.yaml: solidarity.name.standard.starters[0]: must not end with … (the app shows it)",
    ]


@pytest.mark.parametrize("data, expected", [
    ([], "en.yaml: (file): must be a mapping of fields (language: ..., appeal: ...)"),
    ({"language": "en", "name": "English", "neutral": {"addressee": "x", "country": "y"},
      "appeal": "steps", "solidarity": None},
     "en.yaml: appeal: must be a mapping of steps, got str"),
    ({"language": "en", "name": "English", "neutral": {"addressee": "{name}", "country": "y",
                                                      "town": "z"}},
     "en.yaml: neutral.addressee: may not hold a placeholder"),
])
def test_validation_of_the_outer_shape(data, expected):
    found = _problems(data)
    assert expected in found
    assert all(line.startswith("en.yaml: ") for line in found)


def test_file_level_problems(tmp_path):
    cases = {
        "dup.yaml": "language: en\nlanguage: en\n",
        "alias.yaml": "a: &x 1\nb: *x\n",
        "bad.yaml": "appeal: [\n",
        "latin1.yaml": "name: Fran\xe7ais\n".encode("latin-1"),
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    found = [str(p) for p in prompts.check(tmp_path)]
    assert any("dup.yaml: (file): YAML syntax error" in p and "appears twice" in p for p in found)
    assert any("alias.yaml: (file): YAML syntax error" in p and "aliases" in p for p in found)
    assert any(p.startswith("bad.yaml: (file): YAML syntax error at line") for p in found)
    assert "latin1.yaml: (file): is not UTF-8 text (byte 10)" in found


# --- facts -----------------------------------------------------------------------------------

def test_facts_come_verbatim_from_the_case(cases):
    for case in cases.cases:
        found = prompts.facts(case)
        assert found, case.id
        source = _flat(case.summary) + " " + _flat(case.story)
        for fact in found:
            assert fact in source, (case.id, fact)
            assert fact == fact.strip() and "\n" not in fact
        assert len(set(found)) == len(found)
        assert " ".join(prompts.facts(case, simple=True)) == _flat(case.summary)
        assert all(f in _flat(case.summary) for f in prompts.facts(case, simple=True))


def test_facts_never_cut_a_quotation(cases):
    case = dataclasses.replace(cases.get("jabbar-savalan"), status="current")  # story facts
    quoted = [f for f in prompts.facts(case) if '"' in f]
    assert quoted and all(f.count('"') == 2 for f in quoted)


@pytest.mark.parametrize("text, expected", [
    ("One. Two! Three?", ("One.", "Two!", "Three?")),
    ("Dr. Smith met U.S. officials. Then he left.",
     ("Dr. Smith met U.S. officials.", "Then he left.")),
    ("She said: “Stop. Now.” He stopped.", ("She said: “Stop. Now.”", "He stopped.")),
    ("On March 10, 2015, she was arrested.\nShe was freed in 2016.",
     ("On March 10, 2015, she was arrested.", "She was freed in 2016.")),
    ("Version 2.5 is out. ok.", ("Version 2.5 is out. ok.",)),
    ("", ()),
])
def test_sentences(text, expected):
    assert prompts.sentences(text) == expected


@pytest.mark.parametrize("text", [
    "language: fr\nname: " + "[" * 2000 + "]" * 2000 + "\n",
    "language: fr\nname: 2024-02-30\n",
    "language: fr\nname: " + "9" * 5000 + "\n",
    'language: fr\nname: "\\ud800"\n',
])
def test_a_hostile_prompts_file_is_a_problem_and_english_is_used(tmp_path, text):
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "fr.yaml").write_text(text, encoding="utf-8")
    found = [str(p) for p in prompts.check(folder)]
    assert any(p.startswith("fr.yaml: ") for p in found), found
    assert all(p.encode("utf-8") for p in found)
    english = prompts.steps("appeal", "en")
    assert prompts.steps("appeal", "fr", content_dir=tmp_path)[0].title in (
        english[0].title, prompts.steps("appeal", "fr")[0].title)


# Present-tense claims a past case's outcome can contradict ("are prisoners of conscience" about
# people freed in 2016); a past case's facts are phrased in the past, with their year.
STALE = re.compile(r"\b(?:is|are|remains?)\s+(?:a\s+|still\s+)?(?:prisoners?\b|in prison\b|"
                   r"imprisoned\b|detained\b|held\b|facing\b)|\b(?:receives|faces|cannot)\b",
                   re.IGNORECASE)


def test_past_case_facts_make_no_present_claim_the_outcome_contradicts(cases):
    for case in cases.cases:
        assert case.is_past
        for fact in prompts.facts(case):
            assert not STALE.search(fact), (case.id, fact)
    bauma = prompts.facts(cases.get("fred-bauma-and-yves-makwambala"))
    assert not any("are prisoners of conscience" in fact for fact in bauma)
    assert "After 170,000 people asked for their release, they were freed in August 2016." in bauma
    bekzhanov = prompts.facts(cases.get("muhammad-bekzhanov"))
    assert any("Just before his release in 2011" in fact for fact in bekzhanov)


def test_a_current_case_still_offers_its_story(cases):
    current = dataclasses.replace(cases.get("fred-bauma-and-yves-makwambala"), status="current")
    assert any("are prisoners of conscience" in fact for fact in prompts.facts(current))


# --- every language whole, and the register of the instructions -------------------------------

def _raw(lang: str) -> dict:
    return yaml.safe_load((prompts.SHIPPED_PROMPTS / f"{lang}.yaml").read_text(encoding="utf-8"))


def _placeholders(value) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", " ".join(value) if isinstance(value, list) else value))


def test_exactly_the_expected_languages_are_shipped():
    assert sorted(p.stem for p in prompts.SHIPPED_PROMPTS.glob("*.yaml")) == sorted(SHIPPED)


@pytest.mark.parametrize("lang", SHIPPED[1:])
def test_every_file_has_every_step_wording_and_field_of_english(lang, english):
    assert (prompts.SHIPPED_PROMPTS / f"{lang}.yaml").is_file(), f"{lang}.yaml is missing"
    data = _raw(lang)
    assert data["language"] == lang and data["name"].strip()
    assert set(data) == set(english)
    assert set(data["neutral"]) == set(english["neutral"])
    assert all(isinstance(v, str) and v.strip() for v in data["neutral"].values())
    for kind in KINDS:
        assert list(data[kind]) == list(english[kind]), (lang, kind)
        for step_id, step in english[kind].items():
            assert set(data[kind][step_id]) == set(step), (lang, kind, step_id)
            for wording, fields in step.items():
                theirs = data[kind][step_id][wording]
                where = (lang, kind, step_id, wording)
                assert set(theirs) == set(fields), where
                for name, value in fields.items():
                    assert _placeholders(theirs[name]) == _placeholders(value), (*where, name)
                    if isinstance(value, list):
                        assert len(theirs[name]) == len(set(theirs[name])) >= 2, (*where, name)
                        assert all(isinstance(s, str) and s.strip() for s in theirs[name]), where
                    else:
                        assert isinstance(theirs[name], str) and theirs[name].strip(), (*where, name)


# Words the writer is told (title, prompt, hint) say "tu"/"tú"/"ty"/"du" (docs/COMPOSER.md);
# only what goes into the letter (starters, example) follows the letter's own register. Text in
# quotation marks quotes the letter ("Pense à dire « s'il vous plaît »") and is left out.
QUOTED = re.compile(r"«[^»]*»|„[^“”]*[“”]|“[^”]*”|\"[^\"]*\"")
FORMAL = {
    "fr": re.compile(r"\b(?:vous|votre|vos|\w+ez)\b", re.IGNORECASE),
    "es": re.compile(r"\b(?:usted|ustedes)\b", re.IGNORECASE),
    # A capital "Sie"/"Ihr" at the start of a sentence may mean "she/they"/"her": rephrase, or
    # add the whole text to GERMAN_SENTENCE_START after reading it.
    "de": re.compile(r"\b(?:Sie|Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres|Ihnen)\b"),
    # "państwo" is also "the state": instructions say "kraj" instead.
    "pl": re.compile(r"\b(?:Pan|Pana|Panu|Panem|Panie|Pani|Panią|Państwo|Państwa|Państwu|"
                     r"Państwem)\b", re.IGNORECASE),
}
FRENCH_NOT_VERBS = {"chez", "assez", "nez", "rez"}
GERMAN_SENTENCE_START: set[str] = set()


def formal_words(text: str, lang: str) -> list[str]:
    """The formal or plural "you" in an instruction, outside quotation marks."""
    if lang == "de" and text in GERMAN_SENTENCE_START:
        return []
    found = FORMAL[lang].findall(QUOTED.sub(" ", text))
    return [word for word in found if word.lower() not in FRENCH_NOT_VERBS]


@pytest.mark.parametrize("lang, text, expected", [
    ("fr", "Essaie : Écrivez une phrase.", ["Écrivez"]),
    ("fr", "Présentez-vous avec vos mots.", ["Présentez", "vous", "vos"]),
    ("fr", "Pense à dire « s'il vous plaît », chez toi aussi.", []),
    ("es", "Escriba a usted mismo.", ["usted"]),
    ("es", "Usa «ustedes» para una familia.", []),
    ("de", "Bitte geben Sie Ihren Namen ein.", ["Sie", "Ihren"]),
    ("de", "Schreib „Ich bitte Sie“, wenn du magst; sie freut sich.", []),
    ("pl", "Proszę Pana o podpis. Niech Państwo napiszą.", ["Pana", "Państwo"]),
    ("pl", "„Szanowni Państwo,” zawsze pasuje.", []),
])
def test_the_register_check_finds_formal_words(lang, text, expected):
    assert formal_words(text, lang) == expected


@pytest.mark.parametrize("lang", list(FORMAL))
def test_instructions_say_informal_you(lang):
    assert prompts.load(lang).lang == lang
    for kind in KINDS:
        for simple in (False, True):
            for step in prompts.steps(kind, lang, simple):
                for text in (step.title, step.prompt, step.hint):
                    assert formal_words(text, lang) == [], (kind, simple, step.id, text)


# --- the composer in Polish and German --------------------------------------------------------

@pytest.mark.parametrize("lang", ["pl", "de"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_write_page_guides_in_polish_and_german(app, tmp_path, kind, lang, cases):
    sessions.update(db.connect(tmp_path / "pages.db"), db.DEFAULT_SESSION, language=lang)
    at = write_for(app, kind=kind)
    case = cases.get("yecenia-armenta")
    steps = prompts.steps(kind, lang, case=case)
    assert steps != prompts.steps(kind, "en", case=case)
    for number, step in enumerate(steps):
        assert shown(at.get("progress")[0].proto.text).endswith(step.title)
        assert any(step.title == shown(s.value) for s in at.subheader)
        assert any(step.hint in shown(c.value) for c in at.caption)
        starter = [b for b in at.button if b.key == f"starter-{step.id}-{step.starters[0]}"]
        assert starter, (step.id, step.starters[0])
        if number + 1 < len(steps):
            no_error(at.button(key=f"go-{number + 1}").click().run())


# --- a new letter starts in its language ----------------------------------------------------------

@pytest.mark.parametrize(("lang", "kind", "greeting", "closing"), [
    ("en", "appeal", "Dear Sir or Madam,", "Yours sincerely,"),
    ("en", "solidarity", "Dear Yecenia Armenta,", "With warm wishes,"),
    ("pl", "appeal", "Szanowni Państwo,", "Z wyrazami szacunku"),
    ("pl", "solidarity", "Dzień dobry, Yecenia Armenta!", "Serdecznie pozdrawiam"),
    ("de", "appeal", "Sehr geehrte Damen und Herren,", "Mit freundlichen Grüßen"),
    ("fr", "solidarity", "Bonjour Yecenia Armenta,", "Avec toute mon amitié,"),
])
def test_a_new_letter_opens_and_closes_in_the_visitors_language(cases, lang, kind, greeting,
                                                                  closing):
    draft = prompts.new_draft(cases.get("yecenia-armenta"), kind, lang)
    assert (draft.greeting, draft.closing) == (greeting, closing)
    plain = letters.start(cases.get("yecenia-armenta"), kind)  # English, as before
    assert lang != "en" or (plain.greeting, plain.closing) == (greeting, closing)


def test_the_case_files_own_salutation_and_greeting_are_kept(cases):
    from dataclasses import replace as changed
    case = cases.get("yecenia-armenta")
    case = changed(case, appeal=changed(case.appeal, salutation="Señor Gobernador"),
                   solidarity=changed(case.solidarity, greeting="Querida"))
    assert prompts.new_draft(case, "appeal", "de").greeting == "Señor Gobernador,"
    assert prompts.new_draft(case, "solidarity", "pl").greeting == "Querida, Yecenia Armenta!"
    switched = prompts.redraft(prompts.new_draft(case, "appeal", "de"), case, "solidarity", "de")
    assert switched.closing == "Herzliche Grüße"


def test_a_practice_letter_says_so_in_its_language(cases):
    case = cases.get("yecenia-armenta")
    assert letters.practice_line(case) == \
        "Practice letter — Write for Rights 2015 case; do not post."
    polish = letters.compose(prompts.new_draft(case, "solidarity", "pl"), case, lang="pl")
    assert polish.practice == "List ćwiczebny — sprawa z Maratonu Pisania Listów 2015; nie wysyłać."


@pytest.mark.parametrize(("lang", "greeting"), [("pl", "Dzień dobry"), ("de", "Hallo")])
def test_the_write_page_starts_the_letter_in_the_visitors_language(app, lang, greeting):
    app.session_state["w4r.lang"] = lang
    at = write_for(app, kind="solidarity")
    assert at.session_state["w4r.draft"].greeting.startswith(greeting)
