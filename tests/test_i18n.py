"""Interface languages: complete catalogs, placeholders kept, pages shown fully translated."""

from __future__ import annotations

import os
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from test_pages import ROOT, app, no_error, through_app, write_for  # noqa: F401 (fixtures)
from w4r import i18n

sys.path.insert(0, str(ROOT / "scripts"))
import messages  # noqa: E402  (scripts/messages.py: the extraction the catalogs come from)

OTHERS = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


@pytest.fixture(scope="module")
def template():
    return messages.template()


@pytest.mark.parametrize("lang", OTHERS)
def test_every_catalog_translates_every_message(template, lang):
    assert messages.missing(lang, template) == []


@pytest.mark.parametrize("lang", OTHERS)
def test_translations_keep_the_placeholders(lang):
    for message, translation in i18n.catalog(lang).items():
        assert set(PLACEHOLDER.findall(translation)) == set(PLACEHOLDER.findall(message)), \
            (lang, message, translation)


def test_the_template_holds_the_pages_messages(template):
    ids = {m.id for m in template}
    for message in ("Touch to write", "Choose a case", "Count my letter", "Session settings",
                    "Larger text", "Solidarity message"):
        assert message in ids


def test_languages_by_their_own_names_and_fallbacks():
    assert [i18n.name(code) for code in i18n.LANGUAGES] == ["English", "Français", "Español",
                                                           "Polski", "Deutsch"]
    assert i18n.normalize("fr-CA") == "fr" and i18n.normalize("it") == "en"
    assert i18n.gettext("it", "Touch to write") == "Touch to write"


def test_numbers_and_dates_the_languages_way():
    assert i18n.number(12345, "en") == "12,345"
    assert i18n.number(12345, "fr").replace("\u202f", " ") == "12 345"
    assert i18n.number(12345, "es") in ("12.345", "12345")
    assert i18n.long_date(date(2026, 12, 10), "pl") == "10 grudnia 2026"


def shown_texts(at: AppTest) -> list[str]:
    """Every text a visitor sees as a whole element: headings, text, labels, messages."""
    texts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info",
                                  "success", "warning", "error") for e in at.get(kind)]
    texts += [w.label for w in (*at.button, *at.text_input, *at.text_area, *at.selectbox,
                                *at.radio, *at.toggle, *at.checkbox)]
    return [t for t in texts if isinstance(t, str)]


def untranslated(at: AppTest, lang: str) -> list[str]:
    """English messages that have a translation in `lang` but are shown in English: as a whole
    element, or inside a longer text (messages of three words or more)."""
    translated = {m for m, t in i18n.catalog(lang).items() if t != m}
    sentences = {m for m in translated if len(m.split()) >= 3 and "{" not in m}
    shown = shown_texts(at)
    return [t for t in shown if t in translated] + \
        [m for m in sentences for t in shown if m in t.replace("\\", "")]


@pytest.mark.parametrize("lang", ["fr", "pl", "de"])
@pytest.mark.parametrize("page", ["home", "cases", "write", "print", "tally"])
def test_no_page_shows_an_untranslated_message(app, lang, page):
    at = write_for(app, kind="appeal") if page in ("write", "print") else app
    at.session_state["w4r.lang"] = lang
    at = no_error(at.switch_page(f"pages/{page}.py").run())
    assert untranslated(at, lang) == []
    assert shown_texts(at), "the page shows something"


@pytest.mark.parametrize("lang", ["fr", "pl", "de"])
def test_the_kiosk_in_another_language(tmp_path, monkeypatch, lang):
    from w4r import db, sessions
    path = tmp_path / "kiosk.db"
    monkeypatch.setenv("W4R_DB", str(path))
    sessions.update(db.connect(path), db.DEFAULT_SESSION, kiosk=True, language=lang)
    at = no_error(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run())
    assert [b.label for b in at.button][0] == i18n.gettext(lang, "Touch to write")
    assert untranslated(at, lang) == []


def test_a_fuzzy_translation_counts_as_missing(tmp_path, monkeypatch):
    """The app ignores fuzzy entries, so the check must too (a guess is not a translation)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    (tmp_path / "locale").mkdir()
    po = Catalog(locale="fr")
    po.add("Touch to write", "Touche pour écrire", flags=["fuzzy"])
    po.add("Back", "Retour")
    with (tmp_path / "locale" / "fr.po").open("wb") as handle:
        write_po(handle, po)
    monkeypatch.setenv("W4R_CONTENT", str(tmp_path))
    pot = Catalog()
    pot.add("Touch to write")
    pot.add("Back")
    assert messages.missing("fr", pot) == ["Touch to write"]
    assert i18n.catalog("fr", tmp_path) == {"Back": "Retour"}


def test_a_catalog_is_resolved_once_and_looked_at_again_only_after_a_while(tmp_path,
                                                                            monkeypatch):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    def write(translation: str, mtime: int) -> None:
        po = Catalog(locale="fr")
        po.add("Back", translation)
        path = tmp_path / "locale" / "fr.po"
        with path.open("wb") as handle:
            write_po(handle, po)
        os.utime(path, ns=(mtime, mtime))

    (tmp_path / "locale").mkdir()
    write("Retour", 1_000_000_000)
    assert i18n.catalog("fr", tmp_path) == {"Back": "Retour"}
    write("En arrière", 2_000_000_000)
    stats = []
    real_stat = Path.stat
    monkeypatch.setattr(Path, "stat", lambda self, *a, **k: stats.append(self) or
                        real_stat(self, *a, **k))
    assert i18n.catalog("fr", tmp_path) == {"Back": "Retour"}, "not looked at again yet"
    assert stats == [], "no file-system call for a message within RECHECK_S"
    monkeypatch.setattr(i18n, "RECHECK_S", 0.0)
    assert i18n.catalog("fr", tmp_path) == {"Back": "En arrière"}, "a change is seen later"
