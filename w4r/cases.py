"""Cases as content: load one YAML file per case and report every problem found."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from w4r import i18n, untrusted
from w4r.terms import CASE_ID

CASE_SHEET = "see this year's case sheet"
MAX_FILE_BYTES = 64 * 1024  # the largest shipped case file is 3 KB
MAX_SUMMARY = 400
MAX_TEXT = 20_000
STATUSES = ("current", "past")
ORIGINAL_LANGUAGE = "en"  # case files are written in English; `translations:` adds the others
# the languages a case text may be translated into: the interface languages (German is coming)
TRANSLATION_LANGUAGES = tuple(code for code in i18n.LANGUAGES if code != ORIGINAL_LANGUAGE)
TRANSLATABLE = ("country", "summary", "story", "outcome", "quote")
MAX_TRANSLATED_SUMMARY = MAX_SUMMARY * 3 // 2  # a translation runs up to half as long again


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, printed as `file: field: problem`."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Appeal:
    """The letter to the authority that can act."""

    addressee_name: str = ""
    addressee_title: str = ""
    salutation: str = ""
    address: tuple[str, ...] = ()
    ask: str = ""
    language: str = ""


@dataclass(frozen=True)
class Solidarity:
    """The rules for a message to the person at risk or their family."""

    to: str = ""
    greeting: str = ""
    greeting_language: str = ""
    mention_amnesty: bool | None = None
    religious_content: bool | None = None
    send_to: str = ""


@dataclass(frozen=True)
class Source:
    """A document that the case's facts come from."""

    title: str
    publisher: str = ""
    date: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Translation:
    """A case's texts in one more language (empty: that text is not translated)."""

    lang: str
    country: str = ""
    summary: str = ""
    story: str = ""
    outcome: str = ""
    quote: str = ""


@dataclass(frozen=True)
class CaseText:
    """A case's texts as shown in one language; `original` names those left in English."""

    country: str
    summary: str
    story: str
    outcome: str
    quote: str
    original: frozenset[str] = frozenset()

    def in_original(self, *fields: str) -> bool:
        """True when any of these fields is shown only in the case's original language."""
        return any(name in self.original for name in fields)


@dataclass(frozen=True)
class Case:
    """One Write for Rights case."""

    id: str
    name: str
    country: str
    year: int
    status: str
    summary: str
    story: str
    appeal: Appeal
    solidarity: Solidarity
    sources: tuple[Source, ...]
    outcome: str = ""
    quote: str = ""
    quote_source: str = ""
    tags: tuple[str, ...] = ()
    file: str = ""
    translations: tuple[Translation, ...] = ()

    @property
    def is_past(self) -> bool:
        """True for a case from an earlier campaign."""
        return self.status == "past"

    @property
    def practice(self) -> str:
        """The line a past case's letters carry: they are practice, never posted ('' if current);
        an i18n.Text, so a letter in another language says it in that language."""
        return (i18n.Text(i18n.N_("Practice letter — Write for Rights {year} case; do not post."),
                          year=str(self.year)) if self.is_past else "")


@dataclass
class CaseSet:
    """The cases of a folder, and every problem that kept a file out."""

    cases: list[Case] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def get(self, case_id: str) -> Case | None:
        """Return the case with this id, or None."""
        return next((c for c in self.cases if c.id == case_id), None)


def language_base(lang: str | None) -> str:
    """The language part of a code: 'fr-CA' and 'fr_CA' → 'fr' ('' for nothing)."""
    return str(lang or "").replace("_", "-").split("-")[0].strip().lower()


def text_in(case: Case, lang: str | None) -> CaseText:
    """A case's texts in `lang` where translated, else in the original (named in `original`)."""
    base = language_base(lang) or ORIGINAL_LANGUAGE
    translation = next((t for t in case.translations if t.lang == base), None)
    shown: dict[str, str] = {}
    original: set[str] = set()
    for name in TRANSLATABLE:
        given = getattr(translation, name, "") if translation else ""
        shown[name] = given or getattr(case, name)
        if not given and shown[name] and base != ORIGINAL_LANGUAGE:
            original.add(name)
    return CaseText(**shown, original=frozenset(original))


def or_case_sheet(value: str | tuple[str, ...] | None) -> str:
    """Show a value, or point to this year's case sheet where the content leaves it empty
    (for this year's cases only: a past case's letters are practice and go nowhere)."""
    if isinstance(value, tuple):
        value = "\n".join(value)
    return value if value else CASE_SHEET


# --- validation -------------------------------------------------------------

_TOP = {
    "id": (str, True), "name": (str, True), "country": (str, False), "year": (int, True),
    "status": (str, True), "outcome": (str, False), "summary": (str, True),
    "story": (str, True), "quote": (str, False), "quote_source": (str, False),
    "appeal": (dict, True), "solidarity": (dict, True), "tags": (list, False),
    "sources": (list, True), "translations": (dict, False),
}
_APPEAL = {
    "addressee_name": str, "addressee_title": str, "salutation": str, "address": list,
    "ask": str, "language": str,
}
_SOLIDARITY = {
    "to": str, "greeting": str, "greeting_language": str, "mention_amnesty": bool,
    "religious_content": bool, "send_to": str,
}
_SOURCE = {"title": str, "publisher": str, "date": str, "url": str, "note": str}
_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", dict: "a mapping",
               list: "a list"}


def _describe(value: Any) -> str:
    """Name a wrong value briefly, never rendering a whole (possibly huge) structure."""
    if isinstance(value, (dict, list)):
        return f"{_TYPE_NAMES[type(value)]} of {len(value)} item(s)"
    text = value if isinstance(value, str) else repr(value)
    return f"{type(value).__name__} {text[:40]!r}"


class _Checker:
    """Collects problems for one file while reading its fields."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, where, message))

    def typed(self, data: dict, key: str, kind: type, where: str, required: bool = False) -> Any:
        """Return data[key] when it has the right type; record a problem otherwise."""
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add(where, "missing (required)")
            return None
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.add(where, f"must be {_TYPE_NAMES[kind]}, got {_describe(value)}")
            return None
        if kind is str:
            value = value.strip()
            if required and not value:
                self.add(where, "missing (required)")
            if len(value) > MAX_TEXT:
                self.add(where, f"is {len(value):,} characters; at most {MAX_TEXT:,}")
        return value

    def unknown(self, data: dict, known: dict, prefix: str) -> None:
        for key in data:
            if key not in known:
                self.add(f"{prefix}{key}", "unknown field (a typo?)")

    def text_list(self, data: dict, key: str, where: str) -> tuple[str, ...]:
        items = self.typed(data, key, list, where) or []
        good = []
        for i, item in enumerate(items):
            if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
                good.append(str(item).strip())
            else:
                self.add(f"{where}[{i}]", "must be non-empty text")
        return tuple(good)

    def section(self, data: dict, key: str, spec: dict) -> dict:
        raw = data.get(key)
        if not isinstance(raw, dict):
            return {}
        self.unknown(raw, spec, f"{key}.")
        out: dict[str, Any] = {}
        for name, kind in spec.items():
            where = f"{key}.{name}"
            if kind is list:
                out[name] = self.text_list(raw, name, where)
            else:
                value = self.typed(raw, name, kind, where)
                if value is not None:
                    out[name] = value
        return out


def parse_case(data: Any, file: str) -> tuple[Case | None, list[Problem]]:
    """Validate one parsed case file; return the case (or None) and all its problems."""
    try:
        untrusted.check_plain(data)
        return _parse_case(data, file)
    except untrusted.Refused as exc:
        return None, [Problem(untrusted.safe_label(file), exc.where, str(exc))]
    except Exception as exc:  # the last-resort guard: a problem line, never a traceback
        return None, [unexpected(file, exc)]


def unexpected(file: str, exc: BaseException) -> Problem:
    """The problem line for an error no check foresaw (the file is refused, nothing is kept)."""
    return Problem(untrusted.safe_label(file), "(file)",
                   f"cannot be read ({type(exc).__name__}); nothing was read from it")


def _parse_case(data: Any, file: str) -> tuple[Case | None, list[Problem]]:
    check = _Checker(file)
    if not isinstance(data, dict):
        check.add("(file)", "must be a mapping of fields (id: ..., name: ...)")
        return None, check.problems
    check.unknown(data, _TOP, "")
    values = {k: check.typed(data, k, kind, k, required) for k, (kind, required) in _TOP.items()
              if kind is not list and k != "translations"}
    case_id, status, year = values["id"], values["status"], values["year"]
    if case_id and not CASE_ID.match(case_id):
        check.add("id", f"{case_id!r} must use lowercase letters, digits and hyphens only")
    if status and status not in STATUSES:
        check.add("status", f"{status!r} must be 'current' or 'past'")
    if year is not None and not 2001 <= year <= 2100:
        check.add("year", f"{year} is not a campaign year (2001-2100)")
    if values["summary"] and len(values["summary"]) > MAX_SUMMARY:
        check.add("summary", f"is {len(values['summary'])} characters; at most {MAX_SUMMARY}")
    if values["quote"] and not values["quote_source"]:
        check.add("quote_source", "missing (a quote needs its source)")
    appeal = check.section(data, "appeal", _APPEAL)
    solidarity = check.section(data, "solidarity", _SOLIDARITY)
    tags = check.text_list(data, "tags", "tags")
    sources = _sources(data, check)
    translations = _translations(data, values, check)
    if check.problems:
        return None, check.problems
    case = Case(
        id=case_id, name=values["name"], country=values["country"] or "", year=year, status=status,
        summary=values["summary"], story=values["story"], outcome=values["outcome"] or "",
        quote=values["quote"] or "", quote_source=values["quote_source"] or "",
        appeal=Appeal(**appeal), solidarity=Solidarity(**solidarity), tags=tags,
        sources=sources, file=file, translations=translations,
    )
    return case, []


def _sources(data: dict, check: _Checker) -> tuple[Source, ...]:
    raw = check.typed(data, "sources", list, "sources", required=True)
    if raw is None:
        return ()
    if not raw:
        check.add("sources", "needs at least one source")
    sources = []
    for i, item in enumerate(raw):
        where = f"sources[{i}]"
        if not isinstance(item, dict):
            check.add(where, "must be a mapping with at least a title")
            continue
        check.unknown(item, _SOURCE, f"{where}.")
        values = {k: check.typed(item, k, str, f"{where}.{k}", k == "title") for k in _SOURCE}
        if values["title"]:
            sources.append(Source(**{k: v for k, v in values.items() if v}))
    return tuple(sources)


def _translations(data: dict, values: dict, check: _Checker) -> tuple[Translation, ...]:
    """The `translations:` of a case: language code → the translated texts the case has."""
    raw = check.typed(data, "translations", dict, "translations")
    found = []
    for lang, texts in (raw or {}).items():
        where = f"translations.{str(lang)[:40]}"
        if lang == ORIGINAL_LANGUAGE:
            check.add(where, f"{ORIGINAL_LANGUAGE!r} is the language the case file is written in")
            continue
        if lang not in TRANSLATION_LANGUAGES:
            check.add(where, f"unknown language {str(lang)[:40]!r}; one of "
                             + ", ".join(TRANSLATION_LANGUAGES))
            continue
        if not isinstance(texts, dict):
            check.add(where, f"must be a mapping of fields (summary: ...), got {_describe(texts)}")
            continue
        check.unknown(texts, dict.fromkeys(TRANSLATABLE), f"{where}.")
        given = {}
        for name in TRANSLATABLE:
            value = check.typed(texts, name, str, f"{where}.{name}")
            if value is None:
                continue
            if not values.get(name):
                if not _TOP[name][1]:  # a required field missing is reported on its own
                    check.add(f"{where}.{name}", f"the case has no {name} to translate")
            elif name == "summary" and len(value) > MAX_TRANSLATED_SUMMARY:
                check.add(f"{where}.{name}",
                          f"is {len(value)} characters; at most {MAX_TRANSLATED_SUMMARY}")
            else:
                given[name] = value
        if not given and not any(name in texts for name in TRANSLATABLE):
            check.add(where, "translates no field (" + ", ".join(TRANSLATABLE) + ")")
        found.append(Translation(lang=lang, **given))
    return tuple(found)


def read_case_file(path: Path, label: str | None = None) -> tuple[Case | None, list[Problem]]:
    """Read and validate one case file, never raising for bad content."""
    label = untrusted.safe_label(label or path.name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(label, "(file)", f"cannot be read: {exc.strerror or exc}")]
    return parse_case_bytes(raw, label)


def parse_case_bytes(raw: bytes, label: str,
                     deadline: float | None = None) -> tuple[Case | None, list[Problem]]:
    """Validate the bytes of one case file (as read from disk or uploaded), never raising."""
    try:
        return _parse_case_bytes(raw, label, deadline)
    except untrusted.Refused as exc:
        return None, [Problem(untrusted.safe_label(label), exc.where, str(exc))]
    except Exception as exc:  # the last-resort guard: a problem line, never a traceback
        return None, [unexpected(label, exc)]


def _parse_case_bytes(raw: bytes, label: str,
                      deadline: float | None) -> tuple[Case | None, list[Problem]]:
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(label, "(file)", f"is {len(raw):,} bytes; a case file may have "
                                               f"at most {MAX_FILE_BYTES:,}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(label, "(file)", f"is not UTF-8 text (byte {exc.start})")]
    data = untrusted.load_yaml(text, "case file", deadline)
    return parse_case(data, label)


def load_cases(folder: Path | str) -> CaseSet:
    """Load every *.yaml / *.yml case file in a folder (or one file), sorted by year and name."""
    folder = Path(folder)
    result = CaseSet()
    if folder.is_file():
        files = [folder]
    elif folder.is_dir():
        files = sorted(p for p in folder.iterdir()
                       if p.suffix.lower() in (".yaml", ".yml") and not p.name.startswith("."))
        if not files:
            result.problems.append(Problem(str(folder), "(folder)", "holds no .yaml case files"))
    else:
        result.problems.append(Problem(str(folder), "(folder)", "does not exist"))
        return result
    seen: dict[str, str] = {}
    for path in files:
        try:
            case, problems = read_case_file(path)
        except Exception as exc:  # the last-resort guard: skip the file, keep the others
            case, problems = None, [unexpected(path.name, exc)]
        result.problems.extend(problems)
        if case is None:
            continue
        if case.id in seen:
            result.problems.append(Problem(path.name, "id", f"{case.id!r} is already used by "
                                                            f"{seen[case.id]}"))
            continue
        seen[case.id] = path.name
        result.cases.append(case)
    result.cases.sort(key=lambda c: (c.status != "current", -c.year, c.name))
    return result
