"""Every shipped language is whole: an interface catalog, composer prompts and tone rules for
everything English has (the details of each are tested in test_i18n, test_prompts, test_tone)."""

from __future__ import annotations

import pytest
import yaml

from w4r import config, i18n, prompts, tone

WHOLE = ("en", "fr", "es", "pl", "de")  # the languages w4r promises in full (docs/I18N.md)
CONTENT = config.DEFAULT_CONTENT


def test_the_interface_offers_exactly_the_whole_languages():
    assert set(i18n.LANGUAGES) == set(WHOLE)


@pytest.mark.parametrize("lang", [lang for lang in WHOLE if lang != i18n.DEFAULT])
def test_each_language_has_a_catalog_with_every_message(lang):
    path = CONTENT / "locale" / f"{lang}.po"
    assert path.is_file(), f"{path.name} is missing"
    missing = [message for message in _template_ids() if message not in i18n.catalog(lang)]
    assert not missing, f"{lang}.po lacks {len(missing)} message(s), e.g. {missing[:3]}"


@pytest.mark.parametrize("lang", WHOLE)
def test_each_language_has_prompts_for_every_step(lang):
    path = CONTENT / "prompts" / f"{lang}.yaml"
    assert path.is_file(), f"{path.name} is missing"
    theirs, english = prompts.load(lang), prompts.load("en")
    assert theirs.lang == lang, f"{lang} falls back to {theirs.lang}"
    assert set(theirs.steps) == set(english.steps)
    for key, steps in english.steps.items():
        assert [s.id for s in theirs.steps[key]] == [s.id for s in steps], key


@pytest.mark.parametrize("lang", WHOLE)
def test_each_language_has_every_tone_rule_english_has(lang):
    path = CONTENT / "tone" / f"{lang}.yaml"
    assert path.is_file(), f"{path.name} is missing"
    rules = tone.load_rules(lang)
    assert rules.lang == lang
    english = {rule["id"] for rule in yaml.safe_load((CONTENT / "tone" / "en.yaml")
                                                      .read_text(encoding="utf-8"))["rules"]}
    theirs = {rule["id"] for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]}
    assert english <= theirs, f"{lang} lacks {sorted(english - theirs)}"


def _template_ids() -> list[str]:
    from babel.messages.pofile import read_po
    with open(CONTENT / "locale" / i18n.TEMPLATE, "rb") as handle:
        return [str(m.id) for m in read_po(handle) if m.id and isinstance(m.id, str)]

