"""Interface languages: gettext catalogs (content/locale/<lang>.po) read with babel, and
numbers and dates written the way each language writes them."""

from __future__ import annotations

import gettext as _gettext
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from w4r import config

DEFAULT = "en"
LANGUAGES = ("en", "fr", "es", "pl", "de")  # the interface languages shipped in content/locale/
# the languages a session may write its letters in (dates and "Yours faithfully" come from babel)
LETTER_LANGUAGES = ("en", "fr", "es", "pl", "de", "it", "pt", "nl", "ar", "he", "ru", "uk", "tr",
                    "hi", "zh", "ja", "ko", "vi", "sw")
TEMPLATE = "w4r.pot"
# gettext's plural rule of each catalog ("Plural-Forms" header): which form a count takes
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",  # 0 and 1 are singular
    "es": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark a message for translation where it is defined; it is translated where shown."""
    return message


def locale_dir(content_dir: str | Path | None = None) -> Path:
    """The folder of the catalogs: content/locale (the shipped one when a content folder has none)."""
    folder = config.content_dir(content_dir) / "locale"
    return folder if folder.is_dir() else config.DEFAULT_CONTENT / "locale"


def name(lang: str) -> str:
    """A language as its speakers write it ('Français'), never a flag; the code if unknown."""
    try:
        return Locale.parse(lang.replace("-", "_")).get_display_name(lang).capitalize()
    except (ValueError, TypeError, UnknownLocaleError):
        return lang


@lru_cache(maxsize=64)
def normalize(lang: str | None) -> str:
    """One of the interface languages: 'fr-CA' → 'fr'; anything unknown → English."""
    base = (lang or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT


def _english(n: int) -> int:
    return int(n != 1)


@dataclass(frozen=True)
class Catalog:
    """A language's resolved catalog: its messages, its plural messages by singular msgid
    (every form, in the catalog's order) and its plural rule (count → form index)."""

    messages: dict[str, str] = field(default_factory=dict)
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rule: Callable[[int], int] = _english


ENGLISH = Catalog()


@lru_cache(maxsize=16)
def _catalog(path: str, mtime_ns: int) -> Catalog:
    with open(path, "rb") as handle:
        read = read_po(handle)
    messages, plurals = {}, {}
    for m in read:
        if not m.id or m.fuzzy:
            continue
        if isinstance(m.id, (tuple, list)):
            forms = tuple(str(s) for s in m.string)
            if len(forms) >= read.num_plurals and all(forms[:read.num_plurals]):
                plurals[str(m.id[0])] = forms[:read.num_plurals]  # a missing form: English
        elif m.string:
            messages[str(m.id)] = str(m.string)
    try:
        rule = _gettext.c2py(read.plural_expr)
    except (ValueError, SyntaxError):  # a broken header: the English rule
        rule = _english
    return Catalog(messages, plurals, rule)


RECHECK_S = 2.0  # how often a catalog file is looked at again for a change
_RESOLVED: dict[tuple[str, str], tuple[float, Catalog]] = {}


def resolved(lang: str, content_dir: str | Path | None = None) -> Catalog:
    """A language's catalog (empty for English, the source language).

    Resolved once per language and content folder, and looked at again at most every
    RECHECK_S seconds: a page asks for ~50 messages a rerun, each of which would otherwise
    cost three file-system calls."""
    code = normalize(lang)
    if code == DEFAULT:
        return ENGLISH
    key, now = (str(config.content_dir(content_dir)), code), time.monotonic()
    known = _RESOLVED.get(key)
    if known is not None and now - known[0] < RECHECK_S:
        return known[1]
    path = locale_dir(content_dir) / f"{code}.po"
    found = _catalog(str(path), path.stat().st_mtime_ns) if path.is_file() else ENGLISH
    _RESOLVED[key] = (now, found)
    return found


def catalog(lang: str, content_dir: str | Path | None = None) -> dict[str, str]:
    """The translated (singular) messages of a language (empty for English)."""
    return resolved(lang, content_dir).messages


def gettext(lang: str, message: str) -> str:
    """The message in a language (as written in English where it has no translation)."""
    return resolved(lang).messages.get(message, message)


def ngettext(lang: str, singular: str, plural: str, n: int) -> str:
    """The form of a counted message for n in a language, by its catalog's Plural-Forms
    ("1 list", "2 listy", "5 listów"); English's "1 letter"/"2 letters" where untranslated."""
    found = resolved(lang)
    forms = found.plurals.get(singular)
    if forms:
        index = found.rule(n)
        if 0 <= index < len(forms):
            return forms[index]
    return singular if n == 1 else plural


NOUNS_CAPITALISED = frozenset({"de"})  # languages whose nouns keep their capital in a sentence


def in_sentence(label: str, lang: str) -> str:
    """A label as it reads inside a sentence ('Solidarity message' → 'solidarity message';
    German nouns keep their capital: 'Solidaritätsbotschaft')."""
    return label if normalize(lang) in NOUNS_CAPITALISED else label.lower()


def number(value: int, lang: str) -> str:
    """A whole number as the language writes it ('1,234', '1 234', '1.234')."""
    return format_decimal(value, locale=normalize(lang) if lang != DEFAULT else "en_GB")


def long_date(day: date, lang: str) -> str:
    """A date as the language writes it ('10 December 2026', '10 grudnia 2026')."""
    return format_date(day, format="long", locale=normalize(lang) if lang != DEFAULT
                       else "en_GB")


class Text(str):
    """A message a domain module says in English, that the interface can show translated."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Text:
        said = super().__new__(cls, template.format(**_written(values, DEFAULT)))
        said.template, said.values = template, values
        return said

    def __reduce__(self):  # pickled (a kept refusal) as what it says, translatable still
        return (_text, (self.template, self.values))

    def translated(self, lang: str) -> str:
        """The message in a language, its values filled in."""
        return gettext(lang, self.template).format(**_written(self.values, lang))


def _written(values: dict[str, object], lang: str) -> dict[str, object]:
    return {key: number(value, lang) if isinstance(value, int) else value
            for key, value in values.items()}


def _text(template: str, values: dict[str, object]) -> Text:
    return Text(template, **values)
