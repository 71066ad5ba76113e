"""Interface languages: gettext catalogs (content/locale/<lang>.po) read with babel, and
numbers and dates written the way each language writes them."""

from __future__ import annotations

import time
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


@lru_cache(maxsize=16)
def _catalog(path: str, mtime_ns: int) -> dict[str, str]:
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


RECHECK_S = 2.0  # how often a catalog file is looked at again for a change
_RESOLVED: dict[tuple[str, str], tuple[float, dict[str, str]]] = {}


def catalog(lang: str, content_dir: str | Path | None = None) -> dict[str, str]:
    """The translated messages of a language (empty for English, the source language).

    Resolved once per language and content folder, and looked at again at most every
    RECHECK_S seconds: a page asks for ~50 messages a rerun, each of which would otherwise
    cost three file-system calls."""
    code = normalize(lang)
    if code == DEFAULT:
        return {}
    key, now = (str(config.content_dir(content_dir)), code), time.monotonic()
    known = _RESOLVED.get(key)
    if known is not None and now - known[0] < RECHECK_S:
        return known[1]
    path = locale_dir(content_dir) / f"{code}.po"
    messages = _catalog(str(path), path.stat().st_mtime_ns) if path.is_file() else {}
    _RESOLVED[key] = (now, messages)
    return messages


def gettext(lang: str, message: str) -> str:
    """The message in a language (as written in English where it has no translation)."""
    return catalog(lang).get(message, message)


def number(value: int, lang: str) -> str:
    """A whole number as the language writes it ('1,234', '1 234', '1.234')."""
    return format_decimal(value, locale=normalize(lang) if lang != DEFAULT else "en_GB")


def long_date(day: date, lang: str) -> str:
    """A date as the language writes it ('10 December 2026', '10 grudnia 2026')."""
    return format_date(day, format="long", locale=normalize(lang) if lang != DEFAULT
                       else "en_GB")
