"""The guided composer's steps, as content: one YAML file of prompts per language.

The steps of each kind of letter, and which part of the letter (a `letters.Draft` field) each
one fills, are fixed here; their words (title, prompt, sentence starters, example, hint, in a
standard and a "simple" wording for ages 10-15) come from `content/prompts/<lang>.yaml`.

Texts may name the case through placeholders only, filled by `fill` from the case itself:
{name} (the person or group), {to} (who receives a solidarity message), {country} and
{addressee} (the authority an appeal goes to). Nothing is ever invented: a value the case
leaves empty becomes a neutral word given by the language file, or the person's name.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from w4r import config, untrusted
from w4r.cases import Case, Problem, text_in, unexpected
from w4r import letters
from w4r.letters import FIELDS

log = logging.getLogger(__name__)

SHIPPED_PROMPTS = config.DEFAULT_CONTENT / "prompts"
FALLBACK_LANG = "en"
WORDINGS = ("standard", "simple")
PLACEHOLDERS = ("name", "to", "country", "addressee")
NEUTRAL = ("addressee", "country")  # placeholders a case may leave empty: the file gives a word
MIN_STARTERS, MAX_STARTERS = 2, 3
MAX_TITLE = 80
MAX_TEXT = 500
MAX_FILE_BYTES = 128 * 1024

# kind -> (step id, the Draft field it fills, optional), in the order the composer shows them.
STEPS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "appeal": (
        ("greeting", "greeting", False),     # the salutation the case sheet gives
        ("who_i_am", "about", False),        # who I am
        ("what_i_know", "message", False),   # what I know of the case (facts from the case)
        ("request", "request", False),       # the case's exact ask, never dropped
        ("closing", "closing", False),       # courteous close...
        ("name", "name", True),              # ...and name (optional: minors write too)
    ),
    "solidarity": (
        ("greeting", "greeting", False),     # optionally in the person's language
        ("hope", "message", False),          # a message of hope
        ("about_me", "about", True),         # a little about me (optional)
        ("closing", "closing", False),
        ("name", "name", True),
    ),
}
_TEXTS = ("title", "prompt", "example", "hint")
_WORDING_FIELDS = (*_TEXTS, "starters")
_TOP = ("language", "name", "neutral", *STEPS)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?[A-ZÀ-ÖØ-Þ0-9])")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "e.g", "i.e", "jr", "sr",
                  "prof", "gen", "col", "lt", "sgt", "rev", "mt", "ft", "u.s", "u.k", "u.n"}

assert all(field in FIELDS for kind in STEPS.values() for _, field, _ in kind)


@dataclass(frozen=True)
class Step:
    """One step of the guided composer, in one language and wording."""

    id: str
    field: str  # the letters.Draft field this step fills
    title: str
    prompt: str
    starters: tuple[str, ...]  # beginnings of sentences, as inserted (no trailing "…")
    example: str
    hint: str
    optional: bool = False


@dataclass(frozen=True)
class Prompts:
    """One valid language file."""

    lang: str
    name: str
    neutral: dict[str, str]
    steps: dict[tuple[str, str], tuple[Step, ...]]  # (kind, wording) -> steps
    file: str = ""


class PromptError(Exception):
    """No usable prompts file: carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems) or "no prompts found")


# --- reading and checking -------------------------------------------------------------------

def placeholder_problems(text: str) -> list[str]:
    """What is wrong with the {placeholders} of one text (empty when all are known)."""
    found = []
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS:
            found.append(f"unknown placeholder {{{name}}} (known: "
                         f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)})")
    rest = _PLACEHOLDER.sub("", text)
    if "{" in rest or "}" in rest:
        found.append("has a { or } that does not enclose a placeholder")
    return found


def parse(data: Any, file: str, lang: str | None = None) -> tuple[Prompts | None, list[Problem]]:
    """Check one parsed prompts file; return its prompts (or None) and every problem."""
    problems: list[Problem] = []

    def add(where: str, message: str) -> None:
        problems.append(Problem(file, where, message))

    if not isinstance(data, dict):
        add("(file)", "must be a mapping of fields (language: ..., appeal: ...)")
        return None, problems
    for key in data:
        if key not in _TOP:
            add(str(key), "unknown field (a typo?)")

    def text(value: Any, where: str, limit: int = MAX_TEXT) -> str:
        if value is None or value == "":
            add(where, "missing (required)")
            return ""
        if not isinstance(value, str):
            add(where, f"must be text, got {type(value).__name__}")
            return ""
        value = value.strip()
        if not value:
            add(where, "missing (required)")
        elif len(value) > limit:
            add(where, f"is {len(value)} characters; at most {limit}")
        for message in placeholder_problems(value):
            add(where, message)
        return value

    code = text(data.get("language"), "language", 20)
    if code and lang and code != lang:
        add("language", f"{code!r} does not match the file name ({lang}.yaml)")
    title = text(data.get("name"), "name", MAX_TITLE)
    neutral_raw = data.get("neutral")
    neutral: dict[str, str] = {}
    if not isinstance(neutral_raw, dict):
        add("neutral", "missing (required): a mapping with " + ", ".join(NEUTRAL)
            if neutral_raw is None else f"must be a mapping, got {type(neutral_raw).__name__}")
    else:
        for key in neutral_raw:
            if key not in NEUTRAL:
                add(f"neutral.{key}", "unknown field (a typo?)")
        for key in NEUTRAL:
            value = text(neutral_raw.get(key), f"neutral.{key}", MAX_TITLE)
            if _PLACEHOLDER.search(value):
                add(f"neutral.{key}", "may not hold a placeholder")
            neutral[key] = value

    steps: dict[tuple[str, str], tuple[Step, ...]] = {}
    for kind, spec in STEPS.items():
        raw_kind = data.get(kind)
        if not isinstance(raw_kind, dict):
            add(kind, "missing (required): a mapping of steps" if raw_kind is None
                else f"must be a mapping of steps, got {type(raw_kind).__name__}")
            continue
        ids = [step_id for step_id, _, _ in spec]
        for key in raw_kind:
            if key not in ids:
                add(f"{kind}.{key}", f"unknown step (the steps are {', '.join(ids)})")
        built: dict[str, list[Step]] = {wording: [] for wording in WORDINGS}
        for step_id, field, optional in spec:
            where = f"{kind}.{step_id}"
            raw_step = raw_kind.get(step_id)
            if not isinstance(raw_step, dict):
                add(where, "missing step" if raw_step is None
                    else f"must be a mapping with {' and '.join(WORDINGS)}")
                continue
            for key in raw_step:
                if key not in WORDINGS:
                    add(f"{where}.{key}", f"unknown field (a step has {' and '.join(WORDINGS)})")
            for wording in WORDINGS:
                step = _wording(raw_step.get(wording), f"{where}.{wording}", add, text)
                if step is not None:
                    built[wording].append(Step(step_id, field, optional=optional, **step))
        for wording, found in built.items():
            if len(found) == len(spec):
                steps[(kind, wording)] = tuple(found)
    if problems:
        return None, problems
    return Prompts(lang=code, name=title, neutral=neutral, steps=steps, file=file), []


def _wording(raw: Any, where: str, add, text) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        add(where, "missing (required)" if raw is None
            else f"must be a mapping of {', '.join(_WORDING_FIELDS)}")
        return None
    for key in raw:
        if key not in _WORDING_FIELDS:
            add(f"{where}.{key}", "unknown field (a typo?)")
    values: dict[str, Any] = {key: text(raw.get(key), f"{where}.{key}",
                                        MAX_TITLE if key == "title" else MAX_TEXT)
                              for key in _TEXTS}
    starters_raw = raw.get("starters")
    starters: list[str] = []
    if not isinstance(starters_raw, list):
        add(f"{where}.starters", "missing (required): a list of 2 or 3 sentence starters"
            if starters_raw is None else f"must be a list, got {type(starters_raw).__name__}")
    else:
        if not MIN_STARTERS <= len(starters_raw) <= MAX_STARTERS:
            add(f"{where}.starters", f"has {len(starters_raw)} sentence starter(s); give "
                                     f"{MIN_STARTERS} or {MAX_STARTERS}")
        for i, item in enumerate(starters_raw):
            value = text(item, f"{where}.starters[{i}]", MAX_TITLE * 2)
            if value.endswith(("…", "...")):
                add(f"{where}.starters[{i}]", "must not end with … (the app shows it)")
            starters.append(value)
        if len(set(starters)) != len(starters):
            add(f"{where}.starters", "has the same starter twice")
    values["starters"] = tuple(starters)
    return values


def read(path: Path, label: str | None = None) -> tuple[Prompts | None, list[Problem]]:
    """Read and check one prompts file, never raising for bad content."""
    label = untrusted.safe_label(label or path.name)
    try:
        return _read(path, label)
    except untrusted.Refused as exc:
        return None, [Problem(label, exc.where, str(exc))]
    except Exception as exc:  # the last-resort guard: a problem line, never a traceback
        return None, [unexpected(label, exc)]


def _read(path: Path, label: str) -> tuple[Prompts | None, list[Problem]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(label, "(file)", f"cannot be read: {exc.strerror or exc}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(label, "(file)", f"is {len(raw):,} bytes; at most "
                                               f"{MAX_FILE_BYTES:,}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(label, "(file)", f"is not UTF-8 text (byte {exc.start})")]
    return parse(untrusted.load_yaml(text, "prompts file"), label, path.stem)


@lru_cache(maxsize=32)
def _read_cached(path: str, signature: tuple) -> tuple[Prompts | None, tuple[Problem, ...]]:
    prompts, problems = read(Path(path))
    return prompts, tuple(problems)


def _load(path: Path) -> tuple[Prompts | None, tuple[Problem, ...]]:
    """Read a file once per version (size and time of change), however often pages rerun."""
    try:
        stat = path.stat()
    except OSError:
        return None, (Problem(path.name, "(file)", "does not exist"),)
    return _read_cached(str(path), (stat.st_mtime_ns, stat.st_size))


def prompts_dir(content_dir: str | Path | None = None) -> Path:
    """The prompts folder: <content>/prompts when it exists, else the shipped one."""
    folder = config.content_dir(content_dir) / "prompts"
    return folder if folder.is_dir() else SHIPPED_PROMPTS


def check(folder: str | Path | None = None) -> list[Problem]:
    """Every problem in every prompts file of a folder (default: the shipped prompts)."""
    folder = Path(folder) if folder else SHIPPED_PROMPTS
    if not folder.is_dir():
        return [Problem(str(folder), "(folder)", "does not exist")]
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml")
                   and not p.name.startswith("."))
    problems: list[Problem] = []
    if not any(p.stem == FALLBACK_LANG for p in files):
        problems.append(Problem(str(folder), "(folder)", f"has no {FALLBACK_LANG}.yaml, which "
                                                         "every other language falls back to"))
    for path in files:
        problems.extend(read(path)[1])
    return problems


def _candidates(lang: str, content_dir: str | Path | None) -> list[Path]:
    dirs = list(dict.fromkeys([prompts_dir(content_dir), SHIPPED_PROMPTS]))
    tag = (lang or FALLBACK_LANG).strip().replace("_", "-").lower()
    langs = list(dict.fromkeys([tag, tag.split("-")[0], FALLBACK_LANG]))
    return [folder / f"{code}.yaml" for code in langs if re.fullmatch(r"[a-z0-9-]{1,20}", code)
            for folder in dirs]


def load(lang: str = FALLBACK_LANG, content_dir: str | Path | None = None) -> Prompts:
    """The prompts for a language: its own file if present and valid, else English."""
    problems: list[Problem] = []
    for path in _candidates(lang, content_dir):
        if not path.is_file():
            continue
        prompts, found = _load(path)
        if prompts is not None:
            if problems:
                log.warning("prompts: using %s instead of: %s", path,
                            "; ".join(str(p) for p in problems))
            return prompts
        problems.extend(found)
    raise PromptError(problems or [Problem(str(SHIPPED_PROMPTS), "(folder)",
                                           f"has no {FALLBACK_LANG}.yaml")])


def languages(content_dir: str | Path | None = None) -> tuple[tuple[str, str], ...]:
    """The languages with a valid prompts file, as (code, name), English first."""
    found: dict[str, str] = {}
    for folder in dict.fromkeys([prompts_dir(content_dir), SHIPPED_PROMPTS]):
        for path in sorted(folder.glob("*.yaml")):
            prompts, _ = _load(path)
            if prompts is not None:
                found.setdefault(prompts.lang, prompts.name)
    return tuple(sorted(found.items(), key=lambda item: (item[0] != FALLBACK_LANG, item[1])))


def steps(kind: str, lang: str = FALLBACK_LANG, simple: bool = False,
          content_dir: str | Path | None = None, *, case: Case | None = None) -> tuple[Step, ...]:
    """The composer's steps for a kind of letter, in a language and wording.

    Falls back to English when the language has no valid file. With `case`, every text
    has its placeholders filled from that case.
    """
    if kind not in STEPS:
        raise ValueError(f"kind must be one of {', '.join(STEPS)}")
    prompts = load(lang, content_dir)
    found = prompts.steps[(kind, "simple" if simple else "standard")]
    if case is None:
        return found
    return tuple(_filled(step, case, prompts.neutral) for step in found)


def new_draft(case: Case, kind: str, lang: str = FALLBACK_LANG) -> letters.Draft:
    """A new draft whose greeting and closing are the first ones the language's prompts offer
    ("Szanowni Państwo,"); a salutation or greeting the case file gives is kept as it is."""
    return _in_language(letters.start(case, kind), case, lang)


def redraft(draft: letters.Draft, case: Case, kind: str,
            lang: str = FALLBACK_LANG) -> letters.Draft:
    """A draft switched to another kind, in the language's greeting and closing."""
    return _in_language(letters.restart(draft, case, kind), case, lang)


def _in_language(draft: letters.Draft, case: Case, lang: str) -> letters.Draft:
    offered = {step.field: step.starters for step in steps(draft.kind, lang, case=case)}
    own = case.appeal.salutation if draft.kind == "appeal" else case.solidarity.greeting
    greeting = draft.greeting if own or not offered.get("greeting") else offered["greeting"][0]
    closing = offered["closing"][0] if offered.get("closing") else draft.closing
    return replace(draft, greeting=greeting, closing=closing)


def _filled(step: Step, case: Case, neutral: dict[str, str]) -> Step:
    def one(text: str) -> str:
        return _fill(text, case, neutral)

    return Step(step.id, step.field, one(step.title), one(step.prompt),
                tuple(one(s) for s in step.starters), one(step.example), one(step.hint),
                step.optional)


def values(case: Case, neutral: dict[str, str] | None = None) -> dict[str, str]:
    """What each placeholder stands for in this case; never more than the case says."""
    neutral = neutral or {}
    appeal = case.appeal
    return {
        "name": case.name,
        "to": case.solidarity.to or case.name,
        "country": case.country or neutral.get("country", "") or case.name,  # may be empty
        "addressee": appeal.addressee_name or appeal.addressee_title
        or neutral.get("addressee", "") or case.name,
    }


def _fill(text: str, case: Case, neutral: dict[str, str]) -> str:
    known = values(case, neutral)
    return _PLACEHOLDER.sub(lambda m: known.get(m.group(1), m.group(0)), text)


def fill(text: str, case: Case, lang: str = FALLBACK_LANG,
         content_dir: str | Path | None = None) -> str:
    """Fill a prompt text's {placeholders} from the case (unknown ones are left as written).

    A value the case leaves empty becomes the language file's neutral word ("the
    authorities who can act"), else the person's name: never a guess.
    """
    try:
        neutral = load(lang, content_dir).neutral
    except PromptError:
        neutral = {}
    return _fill(text, case, neutral)


# --- facts ------------------------------------------------------------------------------------

def sentences(text: str) -> tuple[str, ...]:
    """Split a text into sentences, each exactly as written (line breaks read as spaces)."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    if not flat:
        return ()
    found, start = [], 0
    for match in _SENTENCE_END.finditer(flat):
        words = flat[start:match.start() + 1].split()
        last = words[-1].rstrip(".!?…").lower() if words else ""
        if last in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last):  # "Dr. X", "J. Smith"
            continue
        if _inside_quote(flat[start:match.end()]):  # never cut a quotation in two
            continue
        found.append(flat[start:match.end()].strip())
        start = match.end()
    found.append(flat[start:].strip())
    return tuple(s for s in found if s)


def _inside_quote(text: str) -> bool:
    """True when a quotation opened in `text` is not closed by its end."""
    return (text.count('"') % 2 == 1 or text.count("“") > text.count("”")
            or text.count("«") > text.count("»"))


def facts(case: Case, simple: bool = False, lang: str = FALLBACK_LANG) -> tuple[str, ...]:
    """The case's sentences a writer can pick for "what I know": summary first, then story.

    Each is copied exactly from the case (never reworded), in the case file's translation
    into `lang` where it has one (`cases.text_in`). `simple` keeps to the summary,
    which the content rules write for ages 10-15 without graphic detail. A past case offers
    its summary only: the content rules write it in the past, with years, up to what happened
    since, where the story tells the campaign's year as if it were now ("are prisoners").
    """
    shown = text_in(case, lang)
    texts = (shown.summary,) if simple or case.is_past else (shown.summary, shown.story)
    seen: dict[str, None] = {}
    for text in texts:
        for sentence in sentences(text):
            seen.setdefault(sentence, None)
    return tuple(seen)
