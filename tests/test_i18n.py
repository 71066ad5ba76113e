"""Interface languages: complete catalogs, placeholders kept, pages shown fully translated."""

from __future__ import annotations

import os
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from test_pages import ROOT, app, field, no_error, shown, through_app, write_for  # noqa: F401,E501
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


# --- counted messages: ngettext and each catalog's Plural-Forms ---------------------------------

LETTERS = ("{name} has now written **{count}** letter.",
           "{name} has now written **{count}** letters.")


@pytest.mark.parametrize(("lang", "n", "expected"), [
    ("en", 1, "**{count}** letter."), ("en", 2, "**{count}** letters."), ("en", 0, "letters."),
    ("fr", 0, "**{count}** lettre."), ("fr", 1, "**{count}** lettre."),
    ("fr", 2, "**{count}** lettres."),
    ("pl", 1, "**{count}** list."), ("pl", 2, "**{count}** listy."), ("pl", 5, "**{count}** listów."),
    ("pl", 22, "**{count}** listy."), ("pl", 25, "**{count}** listów."),
    ("pl", 112, "**{count}** listów."), ("es", 1, "**{count}** carta."),
    ("es", 0, "**{count}** cartas."),
])
def test_a_counted_message_takes_the_form_its_language_gives_the_number(lang, n, expected):
    assert i18n.ngettext(lang, *LETTERS, n).endswith(expected)


def test_the_plural_rule_comes_from_the_catalogs_header():
    assert i18n.resolved("pl").rule(22) == 1 and i18n.resolved("pl").rule(12) == 2
    assert i18n.resolved("fr").rule(0) == 0 and i18n.resolved("fr").rule(2) == 1
    assert i18n.resolved("fr").plurals[LETTERS[0]] == (
        "{name} a maintenant écrit **{count}** lettre.",
        "{name} a maintenant écrit **{count}** lettres.")


def test_an_untranslated_counted_message_is_english_by_the_english_rule():
    assert i18n.ngettext("pl", "{count} thing", "{count} things", 1) == "{count} thing"
    assert i18n.ngettext("fr", "{count} thing", "{count} things", 0) == "{count} things"
    assert i18n.ngettext("it", *LETTERS, 3) == LETTERS[1]  # no Italian catalog at all


@pytest.mark.parametrize("lang", OTHERS)
def test_every_plural_form_keeps_the_placeholders(lang):
    found = i18n.resolved(lang)
    assert found.plurals, "the catalog has counted messages"
    for message, forms in found.plurals.items():
        assert len(forms) == (3 if lang == "pl" else 2)
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(message)), \
                (lang, message, form)


def test_the_template_holds_counted_messages_and_no_english_guesses(template):
    plurals = {m.id for m in template if isinstance(m.id, tuple)}
    assert LETTERS in plurals
    assert ("Stored {count} case. Choose below which ones this session offers.",
            "Stored {count} cases. Choose below which ones this session offers.") in plurals
    guesses = [m.id for m in template for text in (m.id if isinstance(m.id, tuple) else (m.id,))
               if re.search(r"\w\(s\)|\{n\}", text)]
    assert guesses == [], "a count goes through _n, never 'letter(s)'"


@pytest.mark.parametrize("lang", OTHERS)
def test_each_catalog_says_its_plural_forms(lang):
    from babel.messages.pofile import read_po
    with (i18n.locale_dir() / f"{lang}.po").open("rb") as handle:
        headers = dict(read_po(handle).mime_headers)
    assert headers["Plural-Forms"] == i18n.PLURAL_FORMS[lang]


def test_a_counted_message_lacking_a_form_counts_as_missing(tmp_path, monkeypatch):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    (tmp_path / "locale").mkdir()
    po = Catalog(locale="pl")
    po.mime_headers = [("Plural-Forms", i18n.PLURAL_FORMS["pl"])]
    po.add(("{count} case", "{count} cases"), ("{count} sprawa", "{count} sprawy", ""))
    po.add(("{count} letter", "{count} letters"),
           ("{count} list", "{count} listy", "{count} listów"))
    with (tmp_path / "locale" / "pl.po").open("wb") as handle:
        write_po(handle, po)
    monkeypatch.setenv("W4R_CONTENT", str(tmp_path))
    pot = Catalog()
    pot.add(("{count} case", "{count} cases"))
    pot.add(("{count} letter", "{count} letters"))
    assert messages.missing("pl", pot) == [("{count} case", "{count} cases")]
    assert i18n.ngettext("pl", "{count} case", "{count} cases", 5) == "{count} cases", \
        "a catalog lacking a form: English"
    assert i18n.ngettext("pl", "{count} letter", "{count} letters", 5) == "{count} listów"


@pytest.mark.parametrize(("lang", "before", "expected"), [
    ("en", 1, "has now written **2** letters."), ("fr", 0, "a maintenant écrit **1** lettre."),
    ("pl", 1, "napisano już **2** listy."), ("pl", 4, "napisano już **5** listów."),
])
def test_the_print_page_counts_in_the_visitors_language(app, tmp_path, lang, before, expected):
    from w4r import db, sessions, tally
    at = write_for(app)
    database = db.connect(tmp_path / "pages.db")
    code = sessions.default(database).code
    for i in range(before):
        tally.record(database, tally.Action(f"earlier-{i}", code, "jani-silva", "appeal"))
    field(at, "message").input("Please act.").run()
    at.session_state["w4r.lang"] = lang
    at = no_error(at.switch_page("pages/print.py").run())
    count = i18n.gettext(lang, "Count my letter")
    [b for b in at.button if b.label == count][0].click().run()
    assert any(s.value.endswith(expected) for s in no_error(at).success), \
        [s.value for s in at.success]


# --- one register per language and audience ------------------------------------------------------

# where organizers read a message (the rest is read by pupils and visitors)
ORGANIZER_SOURCES = {"pages/session.py", "pages/case_file.py", "pages/reports.py",
                     "pages/review.py", "pages/organizer.py", "pages/projector.py",
                     "pages/section.py", "w4r/ui/organizer.py", "w4r/ui/section.py",
                     "w4r/cli.py"}
# messages that quote letter text, which keeps the letter's own register (none so far)
LETTER_TEXT: frozenset[str] = frozenset()
# Spanish addresses pupils and organizers alike with tú: no usted, no vosotros, and none of the
# usted imperatives of an interface where an imperative stands (Pida…, «o ejecute»; «que mire» is
# a subjunctive)
SPANISH_USTED = re.compile(
    r"(?i)\b(usted|ustedes|vosotros|vosotras|vuestro|vuestra|os)\b"
    r"|(?:^|[.:;!?(«]\s*|\b[oy]\s)(pida|únase|ejecute|muestre"
    r"|cópielo|cópiela|elija|escriba|pulse|haga|introduzca|seleccione|compruebe|vuelva|añada"
    r"|guarde|imprima|imprímalo|imprímala|intente|abra|cierre|utilice|espere|pruebe|toque|marque"
    r"|suba|cambie|borre|avise|ponga|deje|envíe|copie|reinicie|quite|escoja|firme|descargue"
    r"|active|desactive|inicie|cree|corríjalo|corríjalos|consulte|diga|mire|cuente)\b")

# words that may not address the reader, by language and audience (docs/I18N.md, the table)
WRONG_ADDRESS = {
    ("fr", "pupil"): re.compile(r"(?i)\b(vous|votre|vos|veuillez)\b|-vous\b"
                                r"|\b(?!(?:chez|assez|nez)\b)\w+ez\b"),
    ("fr", "organizer"): re.compile(r"(?i)\b(tu|toi|ton|ta|tes|te)\b|\bt['’]"),
    ("es", "pupil"): SPANISH_USTED,
    ("es", "organizer"): SPANISH_USTED,
    ("pl", "pupil"): re.compile(r"\b(Pan|Pani|Państwo|Pana|Państwa)\b"),
    ("pl", "organizer"): re.compile(r"\b(Pan|Pani|Państwo|Pana|Państwa)\b"),
    ("de", "pupil"): re.compile(r"(?<![.!?:]\s)(?<!^)\b(Sie|Ihr|Ihre|Ihren|Ihrem|Ihrer|Ihnen)\b"),
    ("de", "organizer"): re.compile(r"(?i)\b(du|dein|deine|deinen|deinem|deiner|dich|dir)\b"),
}


def audience(locations) -> str:
    """Organizer when every place the message is used is an organizer's; else pupil."""
    files = {path for path, _line in locations}
    return "organizer" if files and files <= ORGANIZER_SOURCES else "pupil"


def wrong_register(lang: str) -> list[tuple[str, str, str]]:
    from babel.messages.pofile import read_po
    with (i18n.locale_dir() / f"{lang}.po").open("rb") as handle:
        po = read_po(handle, locale=lang)
    found = []
    for m in po:
        msgid = m.id[0] if isinstance(m.id, tuple) else m.id
        if not msgid or msgid in LETTER_TEXT:
            continue
        who = audience(m.locations)
        for text in (m.string if isinstance(m.string, tuple) else (m.string,)):
            if WRONG_ADDRESS[(lang, who)].search(text or ""):
                found.append((who, msgid, text))
    return found


def test_the_catalogs_of_the_interface_languages_are_there():
    assert {"fr", "es", "pl"} <= set(OTHERS)
    assert {lang for lang in OTHERS} <= {lang for lang, _who in WRONG_ADDRESS}, \
        "a register rule for every catalog"


@pytest.mark.parametrize("lang", OTHERS)
def test_each_audience_is_addressed_in_its_register(lang):
    assert wrong_register(lang) == []


def test_the_register_check_finds_a_wrong_address(tmp_path, monkeypatch):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    (tmp_path / "locale").mkdir()
    po = Catalog(locale="fr")
    po.add("Try:", "Essaie : Écrivez", locations=[("w4r/ui/composer.py", 1)])
    po.add("Back", "Retour chez toi", locations=[("pages/write.py", 1)])
    po.add("Save", "Enregistre ton choix", locations=[("pages/session.py", 1)])
    with (tmp_path / "locale" / "fr.po").open("wb") as handle:
        write_po(handle, po)
    monkeypatch.setenv("W4R_CONTENT", str(tmp_path))
    assert [(who, msgid) for who, msgid, _text in wrong_register("fr")] == [
        ("pupil", "Try:"), ("organizer", "Save")]


def test_a_label_inside_a_sentence_keeps_a_german_nouns_capital():
    assert i18n.in_sentence("Solidarity message", "en") == "solidarity message"
    assert i18n.in_sentence("Message de solidarité", "fr-CA") == "message de solidarité"
    assert i18n.in_sentence("Solidaritätsbotschaft", "de") == "Solidaritätsbotschaft"


@pytest.mark.parametrize(("lang", "kind"), [("de", "**Appellbrief**"), ("fr", "**lettre d")])
def test_the_print_page_names_the_kind_with_its_capital_in_german(app, lang, kind):
    at = write_for(app)
    field(at, "message").input("Bitte handeln Sie.").run()
    at.session_state["w4r.lang"] = lang
    at = no_error(at.switch_page("pages/print.py").run())
    assert any(kind in m.value for m in at.markdown), [m.value for m in at.markdown][:5]


@pytest.mark.parametrize("lang", ["fr", "pl", "de"])
def test_the_write_pages_own_problems_are_in_the_visitors_language(app, lang):
    at = write_for(app)
    at.session_state["w4r.lang"] = lang
    at.session_state["w4r.draft"].message = "x" * 3_500  # (the field itself stops at 3,000)
    at.run()
    english = "A part of your letter is"
    said = [shown(w.value) for w in no_error(at).warning]
    assert said and not any(english in text for text in said), said
    assert any(i18n.number(3_500, lang) in text for text in said), said
