"""Machine translation of a letter: the one module of w4r that imports deep_translator.

Translation is a help, never a requirement. Every failure raises one error class,
`TranslationError`, whose message a student understands and which always says that their
letter is kept and can still be printed and counted.

Three things deep-translator does not do, done here:

* **A time limit.** `GoogleTranslator.translate` calls `requests.get` without a timeout, so a
  server that accepts the connection but never answers hangs it forever (and a DNS lookup is
  never covered by a socket timeout anyway). Every call therefore runs in a daemon worker
  thread and the caller waits at most `timeout` seconds. On top of that, the `requests` name
  inside `deep_translator.google` is replaced by a stand-in that adds a socket timeout, so a
  hung worker also ends by itself instead of lingering. Daemon threads (not a
  ThreadPoolExecutor, whose workers are joined when Python exits) never hold up shutdown.
* **A bound on hung calls.** At most `MAX_IN_FLIGHT` calls run at once; beyond that a call
  fails at once with a "busy" message instead of starting yet another thread.
* **A cache.** Successful translations are kept in a small thread-safe LRU cache keyed by
  provider name, source, target and a hash of the text. Failures are never cached.

Letter text is never logged: deep-translator's exceptions carry the text, so only their class
name is.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import requests
from babel import Locale
from babel.core import UnknownLocaleError
from deep_translator import GoogleTranslator
from deep_translator import google as _dt_google
from deep_translator.constants import GOOGLE_LANGUAGES_TO_CODES
from deep_translator.exceptions import (
    ElementNotFoundInGetRequest,
    InvalidSourceOrTargetLanguage,
    LanguageNotSupportedException,
    NotValidLength,
    NotValidPayload,
    RequestError,
    TooManyRequests,
    TranslationNotFound,
)

if TYPE_CHECKING:
    from w4r.cases import Case

log = logging.getLogger(__name__)

MAX_CHARS = 4_999  # the service takes under 5,000 characters per request
DEFAULT_TIMEOUT = 5.0
MAX_IN_FLIGHT = 8
CACHE_SIZE = 256
SETTING = "W4R_TRANSLATOR"  # google (default) | fake | off
URL_SETTING = "W4R_TRANSLATE_URL"  # another address for the Google adapter (tests, a mirror)
PROVIDERS = ("google", "fake", "off")

KEPT = "Your letter is kept as you wrote it: you can still print it and count it."
TRUST_NOTE = ("A machine translation can be wrong. Print it only if you trust it: if you can, "
              "ask someone who knows the language to read it first.")


class TranslationError(Exception):
    """A translation that did not happen, with a message for the writer.

    `reason` is one of REASONS, for code that wants to react differently (a retry button
    for "timeout", say); the message is always enough on its own.
    """

    def __init__(self, message: str, reason: str = "failed") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason

    def __str__(self) -> str:
        return self.message


REASONS = ("empty", "too_long", "language", "offline", "timeout", "rate_limit", "busy", "off",
           "service", "failed")


def _error(reason: str, first: str) -> TranslationError:
    return TranslationError(f"{first} {KEPT}", reason)


@dataclass(frozen=True)
class Translation:
    """A translated text and where it came from."""

    text: str
    source: str
    target: str
    provider: str


@runtime_checkable
class Provider(Protocol):
    """Anything that translates: `translate` returns the text or raises."""

    name: str

    def translate(self, text: str, source: str, target: str) -> str:
        """Translate `text` from `source` ("auto" or a code) into `target` (a code)."""
        ...


# --- providers ---------------------------------------------------------------------------

class GoogleProvider:
    """The real translator: deep_translator.GoogleTranslator, one instance per call.

    `base_url` replaces the address GoogleTranslator sends its request to. deep-translator's
    constructor takes no such argument (it passes BASE_URLS["GOOGLE_TRANSLATE"] itself and a
    `base_url` keyword would collide with it), so it is set on the instance's `_base_url`
    attribute, which `translate` reads. The default is `$W4R_TRANSLATE_URL`, else Google's.
    """

    name = "google"

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url or os.environ.get(URL_SETTING) or None

    def translate(self, text: str, source: str, target: str) -> str:
        translator = GoogleTranslator(source=source, target=target)
        if self.base_url:
            if not hasattr(translator, "_base_url"):  # a deep-translator that changed inside
                raise RuntimeError("this deep-translator version cannot change its address")
            translator._base_url = self.base_url
        return translator.translate(text)


class EchoProvider:
    """A fake translator for tests and demos: returns the text marked with the target code."""

    name = "fake"

    def translate(self, text: str, source: str, target: str) -> str:
        return f"[{target}] {text}"


class OffProvider:
    """Translation switched off (W4R_TRANSLATOR=off): every call fails with a clear message."""

    name = "off"

    def __init__(self, note: str = "") -> None:
        self.note = note  # why it is off, for the organizer's log

    def translate(self, text: str, source: str, target: str) -> str:
        raise off_error()


def off_error() -> TranslationError:
    return _error("off", "Translation is switched off on this computer. If you know the "
                         "language, you can write the letter in it yourself.")


def provider_from_env(environ: Mapping[str, str] | None = None) -> Provider:
    """Choose the translator from W4R_TRANSLATOR: google (default), fake or off.

    An unknown value switches translation off (with a warning in the log) rather than calling
    out to the internet by surprise.
    """
    env = os.environ if environ is None else environ
    value = (env.get(SETTING) or "google").strip().lower()
    if value == "google":
        return GoogleProvider(env.get(URL_SETTING) or None)
    if value == "fake":
        return EchoProvider()
    if value == "off":
        return OffProvider()
    note = f"{SETTING}={value!r} is not one of {', '.join(PROVIDERS)}; translation is off"
    log.warning(note)
    return OffProvider(note)


def enabled(provider: Provider | None = None) -> bool:
    """True unless translation is switched off (so a page can hide its Translate button)."""
    return not isinstance(provider or provider_from_env(), OffProvider)


# --- the socket timeout inside deep_translator.google -------------------------------------

_worker = threading.local()  # .timeout: the socket timeout of the call this thread runs


class _RequestsWithTimeout:
    """Stands in for the `requests` module inside deep_translator.google, adding a timeout.

    Only that module's global name is replaced: the rest of the program's `requests` is the
    real, untouched module.
    """

    def __init__(self, real) -> None:
        self._real = real

    def get(self, *args, **kwargs):
        kwargs.setdefault("timeout", getattr(_worker, "timeout", DEFAULT_TIMEOUT))
        return self._real.get(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._real, name)


if getattr(_dt_google, "requests", None) is requests:
    _dt_google.requests = _RequestsWithTimeout(requests)


# --- the cache -----------------------------------------------------------------------------

class _LRU:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, Translation] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Translation | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, value: Translation) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


_cache = _LRU(CACHE_SIZE)
_slots = threading.BoundedSemaphore(MAX_IN_FLIGHT)
_in_flight = 0
_in_flight_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every cached translation."""
    _cache.clear()


def cache_size() -> int:
    """How many translations are cached."""
    return len(_cache)


def in_flight() -> int:
    """How many provider calls are running now (including ones the caller gave up on)."""
    with _in_flight_lock:
        return _in_flight


def _key(provider: Provider, source: str, target: str, text: str) -> tuple:
    return (provider.name, source, target, hashlib.sha256(text.encode("utf-8")).hexdigest())


# --- translate -----------------------------------------------------------------------------

def translate(text: str, target: str, *, source: str = "auto", timeout: float = DEFAULT_TIMEOUT,
              provider: Provider | None = None) -> Translation:
    """Translate a letter (or one part of it) into `target`; raise TranslationError if not.

    `target` and `source` may be codes ("fr", "pt-BR") or names ("French", "español"), as case
    files write them. Waits at most `timeout` seconds, whatever the service does.
    """
    if not timeout or timeout <= 0:
        raise ValueError("timeout must be a positive number of seconds")
    provider = provider or provider_from_env()
    if isinstance(provider, OffProvider):
        raise off_error()
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise _error("empty", "There is nothing to translate yet: write a few words first.")
    if len(text) > MAX_CHARS:
        raise _error("too_long", f"This text is {len(text):,} characters long, and the "
                                 f"translation service takes at most {MAX_CHARS:,} at a time. "
                                 "Translate it one part at a time.")
    target_code = language_code(target)
    if target_code is None:
        raise _error("language", f"Translation into “{str(target).strip()[:40]}” is not "
                                 "available. Choose a language from the list.")
    source_code = "auto" if (source or "auto").strip().lower() == "auto" else language_code(source)
    if source_code is None:
        raise _error("language", f"The language “{str(source).strip()[:40]}” is not known to "
                                 "the translation service.")
    if source_code == target_code:
        return Translation(text, source_code, target_code, provider.name)
    key = _key(provider, source_code, target_code, text)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    future = _start(provider, text, source_code, target_code, timeout, key)
    try:
        return future.result(timeout=timeout)
    except FutureTimeout:
        log.info("translation by %s timed out after %ss", provider.name, timeout)
        raise _timeout_error(timeout) from None
    except TranslationError:
        raise
    except Exception as exc:  # noqa: BLE001 (every library failure becomes one clear message)
        raise _explain(exc, provider, target_code, len(text), timeout) from exc


def _start(provider: Provider, text: str, source: str, target: str, timeout: float,
           key: tuple) -> Future:
    """Run the provider call in a daemon thread, if a slot is free; return its future."""
    global _in_flight
    slots = _slots  # released by the worker, whenever it ends
    if not slots.acquire(blocking=False):
        raise _error("busy", "Several translations are still waiting for an answer. Wait a "
                             "minute, then try again.")
    with _in_flight_lock:
        _in_flight += 1
    future: Future = Future()
    future.set_running_or_notify_cancel()

    def work() -> None:
        global _in_flight
        _worker.timeout = timeout
        try:
            result = provider.translate(text, source, target)
            if not isinstance(result, str) or not result.strip():
                raise TranslationNotFound("(empty answer)")
            done = Translation(result.strip(), source, target, provider.name)
            _cache.put(key, done)  # a late success still helps the next click
            future.set_result(done)
        except BaseException as exc:  # noqa: BLE001 (handed to the waiting caller)
            future.set_exception(exc)
        finally:
            with _in_flight_lock:
                _in_flight -= 1
            slots.release()

    threading.Thread(target=work, name=f"w4r-translate-{provider.name}", daemon=True).start()
    return future


def _timeout_error(timeout: float) -> TranslationError:
    return _error("timeout", f"The translation service did not answer within {timeout:g} "
                             "seconds. Try again in a moment.")


def _explain(exc: BaseException, provider: Provider, target: str, length: int,
             timeout: float) -> TranslationError:
    """Turn whatever the library raised into one TranslationError (the text is never logged)."""
    log.info("translation by %s failed: %s", provider.name, type(exc).__name__)
    if isinstance(exc, (requests.exceptions.Timeout, TimeoutError)):
        return _timeout_error(timeout)
    if isinstance(exc, (requests.exceptions.ConnectionError, ConnectionError)) or (
            isinstance(exc, OSError) and not isinstance(exc, requests.RequestException)):
        return _error("offline", "Translation needs the internet, and this computer cannot "
                                 "reach the translation service right now.")
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(exc, TooManyRequests) or status == 429:
        return _error("rate_limit", "The translation service has had too many requests. Wait "
                                    "a minute, then try again.")
    if isinstance(exc, (LanguageNotSupportedException, InvalidSourceOrTargetLanguage)):
        return _error("language", f"The translation service does not translate into "
                                  f"{language_name(target)}. Choose another language.")
    if isinstance(exc, NotValidLength):
        return _error("too_long", f"This text is {length:,} characters long, and the "
                                  f"translation service takes at most {MAX_CHARS:,} at a "
                                  "time. Translate it one part at a time.")
    if isinstance(exc, (RequestError, TranslationNotFound, ElementNotFoundInGetRequest,
                        NotValidPayload, requests.RequestException)):
        return _error("service", "The translation service did not send back a usable "
                                 "translation. Try again later.")
    return _error("failed", "The translation did not work. Try again later.")


# --- languages -----------------------------------------------------------------------------

GOOGLE_CODES = frozenset(GOOGLE_LANGUAGES_TO_CODES.values())
_BY_LOWER = {code.lower(): code for code in GOOGLE_CODES}  # "zh-cn" -> "zh-CN"
# Codes people (and babel) write, mapped to the ones the service takes.
_ALIASES = {
    "he": "iw", "jv": "jw", "zh": "zh-CN", "zh-hans": "zh-CN", "zh-cn": "zh-CN",
    "zh-sg": "zh-CN", "zh-hant": "zh-TW", "zh-tw": "zh-TW", "zh-hk": "zh-TW", "zh-mo": "zh-TW",
    "fil": "tl", "nb": "no", "nn": "no", "mni": "mni-Mtei", "tw": "ak", "ji": "yi", "in": "id",
    "kmr": "ku", "prs": "fa", "pes": "fa", "cmn": "zh-CN", "yue": "zh-TW",
}
# The service's codes, mapped to the keys babel names languages by.
_BABEL = {"iw": "he", "jw": "jv", "zh-CN": "zh_Hans", "zh-TW": "zh_Hant", "mni-Mtei": "mni",
          "tl": "fil"}
_NAME_LOCALES = ("en", "fr", "es", "de", "pt", "it")


def _fold(text: str) -> str:
    """Lowercase without accents or punctuation: 'Español' and 'espanol' match."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^\w]+", " ", text).strip()


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every name we know a supported language by, folded, mapped to its service code."""
    names = {_fold(name): code for name, code in GOOGLE_LANGUAGES_TO_CODES.items()}
    for display in _NAME_LOCALES:
        known = Locale.parse(display).languages
        for code in GOOGLE_CODES:
            name = known.get(_BABEL.get(code, code))
            if name:
                names.setdefault(_fold(name), code)
    for name in ("chinese", "chinois", "chino", "chinesisch", "cinese", "chines", "mandarin",
                 "中文"):  # without a script, the simplified one
        names.setdefault(_fold(name), "zh-CN")
    for code in GOOGLE_CODES:  # endonyms: "español", "français", "العربية"
        try:
            tag = _BABEL.get(code, code)
            own = Locale.parse(tag).languages.get(tag)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
        if own:
            names.setdefault(_fold(own), code)
    return names


def language_code(value: str | None) -> str | None:
    """The service's code for a language as content writes it, or None when unknown.

    Accepts codes ("es", "ES", "es-MX", "es_MX", "he", "zh-Hant") and names in English,
    French, Spanish, German, Portuguese, Italian or the language itself ("Arabic", "español").
    """
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    tag = raw.replace("_", "-").lower()
    by_lower = _BY_LOWER
    if tag in by_lower:
        return by_lower[tag]
    if tag in _ALIASES:
        return _ALIASES[tag]
    parts = tag.split("-")
    if len(parts) > 1 and re.fullmatch(r"[a-z]{2,3}", parts[0]):
        joined = f"{parts[0]}-{parts[1]}"
        if joined in _ALIASES:
            return _ALIASES[joined]
        if parts[0] == "zh":
            return "zh-TW" if {"hant", "tw", "hk", "mo"} & set(parts[1:]) else "zh-CN"
        if parts[0] in by_lower:
            return by_lower[parts[0]]
        if parts[0] in _ALIASES:
            return _ALIASES[parts[0]]
    found = _names().get(_fold(raw))
    if found is None and "(" in raw:  # "Portuguese (Brazil)"
        found = _names().get(_fold(raw.split("(")[0]))
    return found


def language_name(code: str, display: str = "en") -> str:
    """A language's name in the `display` language ('fr' -> 'French', or 'français' for 'fr')."""
    service = language_code(code) or code
    try:
        known = Locale.parse(display.replace("-", "_")).languages
    except (UnknownLocaleError, ValueError, TypeError):
        known = Locale.parse("en").languages
    name = known.get(_BABEL.get(service, service)) or Locale.parse("en").languages.get(
        _BABEL.get(service, service))
    if not name:
        english = {c: n for n, c in GOOGLE_LANGUAGES_TO_CODES.items()}
        name = english.get(service, service)
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=16)
def target_languages(display: str = "en") -> tuple[tuple[str, str], ...]:
    """Every language the service translates into, as (code, name), sorted by name.

    For a select box: `format_func=dict(target_languages()).get`.
    """
    pairs = {(code, language_name(code, display)) for code in GOOGLE_CODES}
    return tuple(sorted(pairs, key=lambda pair: (_fold(pair[1]), pair[0])))


def case_language(case: Case, kind: str) -> str | None:
    """The code of the language a case's letter of this kind could be translated into.

    Appeals: the authority's language (`appeal.language`); solidarity messages: the language
    of the person's greeting (`solidarity.greeting_language`). None when the case leaves it
    empty or names a language the service does not know.
    """
    if kind == "appeal":
        return language_code(case.appeal.language)
    return language_code(case.solidarity.greeting_language)
