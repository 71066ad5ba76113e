"""Tone and safety checker: rules as data per language (content/tone/<lang>.yaml), run on a draft.

A word and pattern checker, not understanding: it points at words that often make a letter
unsafe or less effective and says why, in the rules' language. See docs/TONE.md.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import itertools
import logging
import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from w4r import untrusted
from w4r.terms import LETTER_KINDS

log = logging.getLogger(__name__)
RULES_DIR = Path(__file__).resolve().parent.parent / "content" / "tone"
DEFAULT_LANG = "en"
SEVERITIES = ("block", "warn", "tip")
CHECKS = ("match", "missing", "caps", "length", "copy")
CONDITIONS = ("religious_content_false", "personal_data_not_allowed", "ask_lacks")
MAX_RULES_BYTES = 256 * 1024
MAX_PATTERN = 400
MAX_FINDINGS_PER_RULE = 50
MAX_COPY_CHECK = 20_000  # longer texts are not compared with the examples (no copy that long)
PLACEHOLDERS = {"found", "chars", "words", "max_chars", "max_words"}
_RANK = {s: i for i, s in enumerate(SEVERITIES)}

_FIELDS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "id": (str, True), "kinds": (list, True), "severity": (str, True), "check": (str, True),
    "message": (str, True), "suggestion": (str, True), "words": (list, False),
    "patterns": (list, False), "except": (list, False), "when": (str, False),
    "ask_words": (list, False), "acronyms": (list, False), "common_words": (list, False),
    "max_chars": (int, False), "max_words": (int, False), "similarity": ((int, float), False),
    "note": (str, False),
}
# Nested repetition such as (a+)+ or (\w*)* can take exponential time on some inputs.
_NESTED = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)(?:[+*]|\{\d*,\})")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # L'ONU is two words: L, ONU
_NORM_DROP = str.maketrans("", "", string.punctuation + "¡¿«»“”‘’—–…")


@dataclass(frozen=True)
class Finding:
    """One thing the checker noticed, with a span in the checked text and a way to fix it."""

    rule: str
    severity: str  # "block" | "warn" | "tip"
    message: str
    start: int
    end: int
    suggestion: str


@dataclass(frozen=True)
class Rule:
    """One rule of a rules file, its patterns compiled once."""

    id: str
    kinds: tuple[str, ...]
    severity: str
    check: str
    message: str
    suggestion: str
    patterns: tuple[re.Pattern, ...] = ()
    exceptions: tuple[re.Pattern, ...] = ()
    when: str = ""
    ask_patterns: tuple[re.Pattern, ...] = ()
    acronyms: frozenset[str] = frozenset()
    common_words: frozenset[str] = frozenset()
    max_chars: int = 0
    max_words: int = 0
    similarity: float = 0.9
    folded: tuple[re.Pattern, ...] = ()  # the patterns as they read folded text (see fold)
    data: bool = False  # patterns about digits or @: also read the text as written
    folded_exceptions: tuple[re.Pattern, ...] = ()
    any_of: re.Pattern | None = None  # all patterns in one: one scan tells whether any matches
    folded_any_of: re.Pattern | None = None


@dataclass(frozen=True)
class RuleSet:
    """The rules of one language, as loaded from one file."""

    lang: str
    file: str
    rules: tuple[Rule, ...]


class RulesError(ValueError):
    """A rules file has problems; each is listed as `file: field: problem`."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --- loading ---------------------------------------------------------------------------

def _atoms(phrase: str) -> list[str]:
    """A listed phrase as regex pieces: whole words, any spacing, ' for both apostrophes, * for any ending."""
    atoms: list[str] = []
    words = phrase.split()
    for i, word in enumerate(words):
        stem = word[:-1] if word.endswith("*") and len(word) > 1 else word
        if i:
            atoms.append(r",?\s+")  # "wir wissen, wo": a comma between the words is fine
        atoms += ["['’]" if c in "'’" else re.escape(c) for c in stem]
        if stem is not word:
            atoms.append(r"\w*")
    first, last = phrase.strip()[:1], phrase.strip().rstrip("*")[-1:]
    head = [r"\b"] if re.match(r"\w", first) else []
    tail = [r"\b"] if re.match(r"\w", last) or phrase.strip().endswith("*") else []
    return head + atoms + tail


def phrase_pattern(phrase: str) -> str:
    """Turn one listed phrase into a regex (see _atoms)."""
    return "".join(_atoms(phrase))


def words_pattern(phrases: Sequence[str]) -> str:
    """One regex for many phrases, as a prefix tree so that shared beginnings are tried once."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for atom in _atoms(phrase):
            node = node.setdefault(atom, {})
        node[""] = {}  # the phrase may end here

    def emit(node: dict) -> str:
        ends = "" in node
        # longest first: zero-width and open-ended pieces are tried after the others
        order = sorted((a for a in node if a), key=lambda a: (a == r"\b", a == r"\w*"))
        branches = [atom + emit(node[atom]) for atom in order]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else f"(?:{'|'.join(branches)})"
        if ends:
            body = body + "?" if body.startswith("(?:") else f"(?:{body})?"
        return body

    return emit(trie)


def _compile(source: str, where: str, problems: list[str],
             limit: int = MAX_PATTERN) -> re.Pattern | None:
    """Compile one pattern case-insensitively, reporting a bad or risky one."""
    if len(source) > limit:
        problems.append(f"{where}: is {len(source):,} characters; at most {limit:,}")
        return None
    if _NESTED.search(source):
        problems.append(f"{where}: nested repetition such as (a+)+ can make checking very slow; "
                        f"simplify {source[:60]!r}")
        return None
    try:
        return re.compile(source, re.IGNORECASE | re.MULTILINE)
    except re.error as exc:
        problems.append(f"{where}: not a valid regular expression ({exc}): {source[:60]!r}")
        return None


def _texts(raw: dict, key: str, where: str, problems: list[str]) -> list[str]:
    items = raw.get(key) or []
    good = []
    for i, item in enumerate(items):
        if isinstance(item, str) and item.strip():
            good.append(item.strip())
        elif isinstance(item, bool):
            problems.append(f"{where}.{key}[{i}]: must be text, got {item} (YAML reads no, yes, "
                            f"on, off as true/false: put the word in quotes)")
        else:
            problems.append(f"{where}.{key}[{i}]: must be non-empty text")
    return good


def _placeholders(text: str, where: str, problems: list[str]) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        problems.append(f"{where}: bad {{placeholder}} ({exc})")
        return
    for name in sorted(names - PLACEHOLDERS):
        problems.append(f"{where}: unknown placeholder {{{name}}} (known: "
                        f"{', '.join(sorted(PLACEHOLDERS))})")


def _parse_rule(raw: Any, where: str, file: str, problems: list[str]) -> Rule | None:
    """Validate one rule mapping; return the rule, or None when it has problems."""
    before = len(problems)
    if not isinstance(raw, dict):
        problems.append(f"{file}: {where}: must be a mapping (id: ..., severity: ...)")
        return None
    rid = raw.get("id")
    if isinstance(rid, str) and rid.strip():
        where = f"{where} ({rid})"
    at = f"{file}: {where}"
    for key in raw:
        if key not in _FIELDS:
            problems.append(f"{at}.{key}: unknown field (a typo?)")
    bad: set[str] = set()
    for key, (kind, required) in _FIELDS.items():
        value = raw.get(key)
        if value is None or value == "":
            if required:
                problems.append(f"{at}.{key}: missing (required)")
                bad.add(key)
            continue
        if isinstance(value, bool) or not isinstance(value, kind):
            name = {str: "text", list: "a list", int: "a whole number"}.get(kind, "a number")
            problems.append(f"{at}.{key}: must be {name}, got {type(value).__name__}")
            bad.add(key)
    severity = raw.get("severity") if "severity" not in bad else None
    check = raw.get("check") if "check" not in bad else None
    if severity is not None and severity not in SEVERITIES:
        problems.append(f"{at}.severity: {severity!r} is not one of {', '.join(SEVERITIES)}")
    if check is not None and check not in CHECKS:
        problems.append(f"{at}.check: {check!r} is not one of {', '.join(CHECKS)}")
    kinds = raw.get("kinds") if "kinds" not in bad else None
    if kinds is not None and (not kinds or any(k not in LETTER_KINDS for k in kinds)):
        problems.append(f"{at}.kinds: must list one or both of {', '.join(LETTER_KINDS)}, got {kinds!r}")
    when = raw.get("when") if "when" not in bad else ""
    when = when or ""
    if when and when not in CONDITIONS:
        problems.append(f"{at}.when: {when!r} is not one of {', '.join(CONDITIONS)}")
    if check == "copy" and severity is not None and severity != "tip":
        problems.append(f"{at}.severity: a copy rule may only be a tip (copying an example "
                        f"must stay possible: it is an accessibility need)")
    for key in ("message", "suggestion"):
        if key not in bad:
            _placeholders(raw[key], f"{at}.{key}", problems)
    lists = {key: raw.get(key) if key not in bad else None
             for key in ("words", "patterns", "except", "ask_words", "acronyms", "common_words")}
    raw = {**raw, **lists}
    words = _texts(raw, "words", at, problems)
    patterns: list[re.Pattern | None] = []
    if words:
        patterns.append(_compile(words_pattern(sorted(set(words))), f"{at}.words", problems,
                                 limit=50_000))
    patterns += [_compile(p, f"{at}.patterns[{i}]", problems)
                 for i, p in enumerate(_texts(raw, "patterns", at, problems))]
    exceptions = [_compile(_entry(w), f"{at}.except[{i}]", problems)
                  for i, w in enumerate(_texts(raw, "except", at, problems))]
    ask = [_compile(_entry(w), f"{at}.ask_words[{i}]", problems)
           for i, w in enumerate(_texts(raw, "ask_words", at, problems))]
    if check in ("match", "missing") and not patterns:
        problems.append(f"{at}: a {check} rule needs words or patterns")
    if when == "ask_lacks" and not ask:
        problems.append(f"{at}.ask_words: missing (required with when: ask_lacks)")
    limits = {k: raw.get(k) if k not in bad else None for k in ("max_chars", "max_words")}
    if check == "length" and not any(limits.values()):
        problems.append(f"{at}: a length rule needs max_chars or max_words")
    for key, value in limits.items():
        if value is not None and value <= 0:
            problems.append(f"{at}.{key}: must be above 0")
    similarity = float(raw.get("similarity") or 0.9) if "similarity" not in bad else 0.9
    if not 0.5 <= similarity <= 1.0:
        problems.append(f"{at}.similarity: must be between 0.5 and 1.0, got {similarity}")
    if len(problems) > before or any(p is None for p in patterns + exceptions + ask):
        return None
    return Rule(
        id=rid.strip(), kinds=tuple(kinds), severity=severity, check=check,
        message=raw["message"].strip(), suggestion=raw["suggestion"].strip(),
        patterns=tuple(patterns), exceptions=tuple(exceptions), when=when,
        ask_patterns=tuple(ask),
        acronyms=frozenset(_texts(raw, "acronyms", at, problems)),
        common_words=frozenset(w.casefold() for w in _texts(raw, "common_words", at, problems)),
        max_chars=limits["max_chars"] or 0, max_words=limits["max_words"] or 0,
        similarity=similarity, folded=tuple(_folded(p) for p in patterns),
        data=any("\\d" in p.pattern or "@" in p.pattern for p in patterns),
        folded_exceptions=tuple(_folded(p) for p in exceptions),
        any_of=_any_of(patterns), folded_any_of=_any_of([_folded(p) for p in patterns]))


def _any_of(patterns: Sequence[re.Pattern]) -> re.Pattern | None:
    """One regex matching where any of several patterns matches (a quick first scan), or None."""
    if len(patterns) < 2:
        return None
    sources = [re.sub(r"\(\?P<\w+>", "(?:", p.pattern) for p in patterns]
    if any(re.search(r"\\\d|\(\?P=", s) for s in sources):  # back-references would shift
        return None
    try:
        return re.compile("|".join(f"(?:{s})" for s in sources), re.IGNORECASE | re.MULTILINE)
    except re.error:
        return None


def _folded(pattern: re.Pattern) -> re.Pattern:
    """The same pattern for folded text (compiled again only when folding changes it)."""
    source = fold_pattern(pattern.pattern)
    if source == pattern.pattern:
        return pattern
    try:
        return re.compile(source, pattern.flags)
    except re.error:  # folding broke an odd pattern: it then only reads the unfolded text
        return pattern


def _entry(text: str) -> str:
    """An except/ask_words entry: a regex when it uses regex syntax, otherwise a phrase."""
    return text if re.search(r"[\\()\[\]|?+{}^$]", text) else phrase_pattern(text)


def parse_rules(text: str, file: str) -> RuleSet:
    """Validate the text of one rules file; raise RulesError listing every problem."""
    problems: list[str] = []
    try:
        data = untrusted.load_yaml(text, "rules file")
    except untrusted.Refused as exc:
        raise RulesError([f"{file}: {exc.where}: {exc}"]) from None
    if not isinstance(data, dict):
        raise RulesError([f"{file}: (file): must be a mapping with lang: and rules:"])
    for key in data:
        if key not in ("lang", "name", "rules"):
            problems.append(f"{file}: {key}: unknown field (a typo?)")
    lang = data.get("lang")
    if not isinstance(lang, str) or not lang.strip():
        problems.append(f"{file}: lang: missing (required)")
        lang = ""
    elif Path(file).stem.lower() != lang.strip().lower():
        problems.append(f"{file}: lang: {lang!r} does not match the file name")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append(f"{file}: rules: must be a non-empty list of rules")
        raw_rules = []
    rules: list[Rule] = []
    severity_of: dict[str, str] = {}
    for i, raw in enumerate(raw_rules):
        rule = _parse_rule(raw, f"rules[{i}]", file, problems)
        if rule is None:
            continue
        # an id may have several entries (extra threat phrases for appeals only, say),
        # all with one severity, so a rule means the same everywhere
        if severity_of.setdefault(rule.id, rule.severity) != rule.severity:
            problems.append(f"{file}: rules[{i}] ({rule.id}).severity: {rule.severity!r} differs "
                            f"from the other entry with this id ({severity_of[rule.id]!r})")
        rules.append(rule)
    if problems:
        raise RulesError(problems)
    return RuleSet(lang=lang.strip(), file=file, rules=tuple(rules))


def _load_file(path: str, mtime_ns: int, size: int) -> RuleSet:
    """Read and parse one rules file (cached until it changes); raise RulesError if it is bad."""
    found = _load_cached(path, mtime_ns, size)
    if isinstance(found, RulesError):
        raise RulesError(found.problems)
    return found


@functools.lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int, size: int) -> RuleSet | RulesError:
    """One rules file's rules, or the error that refuses it: a broken file is read once too."""
    try:
        return _read_rules(path, size)
    except RulesError as exc:
        return exc
    except Exception as exc:  # the last-resort guard: a problem line, never a traceback
        return RulesError([f"{untrusted.safe_label(Path(path).name)}: (file): cannot be read "
                           f"({type(exc).__name__})"])


def _read_rules(path: str, size: int) -> RuleSet:
    name = untrusted.safe_label(Path(path).name)
    if size > MAX_RULES_BYTES:
        raise RulesError([f"{name}: (file): is {size:,} bytes; at most {MAX_RULES_BYTES:,}"])
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RulesError([f"{name}: (file): is not UTF-8 text (byte {exc.start})"]) from None
    return parse_rules(text, name)


def rules_file(lang: str, rules_dir: Path | None = None) -> Path:
    """The rules file used for a language: <lang>.yaml, else its base language, else English."""
    folder = Path(rules_dir) if rules_dir is not None else RULES_DIR
    tag = (lang or DEFAULT_LANG).strip().lower().replace("_", "-")
    for name in dict.fromkeys((tag, tag.split("-")[0], DEFAULT_LANG)):
        if re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?", name):
            path = folder / f"{name}.yaml"
            if path.is_file():
                return path
    raise RulesError([f"{folder}: (folder): has no {DEFAULT_LANG}.yaml rules file to fall back on"])


def load_rules(lang: str = DEFAULT_LANG, rules_dir: Path | None = None) -> RuleSet:
    """Load (once, cached per file version) the rules for a language, falling back to English.

    A broken language file falls back to English (logged); a broken English file raises
    RulesError listing its problems.
    """
    path = rules_file(lang, rules_dir)
    try:
        stat = path.stat()
        return _load_file(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except (RulesError, OSError) as exc:
        english = rules_file(DEFAULT_LANG, rules_dir)
        if english == path:
            raise
        log.warning("tone: using %s instead of %s: %s", english.name, path.name, exc)
        stat = english.stat()
        return _load_file(str(english.resolve()), stat.st_mtime_ns, stat.st_size)


def check_rules_dir(rules_dir: Path | None = None) -> list[str]:
    """Validate every rules file in a folder; return all problems as `file: field: problem`."""
    folder = Path(rules_dir) if rules_dir is not None else RULES_DIR
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            stat = path.stat()
            _load_file(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        except RulesError as exc:
            problems += exc.problems
        except OSError as exc:
            problems.append(f"{path.name}: (file): cannot be read: {exc.strerror or exc}")
    return problems


# --- checking ----------------------------------------------------------------------------


_LETTER_FOLD = {"ł": "l", "Ł": "L", "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "æ": "ae",
                "Æ": "AE", "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D", "ı": "i"}
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a",
         "$": "s", "€": "e", "|": "i", "!": "i"}
_MASKS = "*#%"
# a token that mixes letters with look-alike digits or symbols: "stup1d", "id10t", "@$$hole"
_LEET_TOKEN = re.compile(r"(?<![\w@$€|!])[\w@$€|!]*?[0134578@$€|][\w@$€|!]*")
_NOT_LEET = re.compile(r"\d+[^\W\d_]{0,3}|[^\W\d_]{1,4}\d+")
# letters written apart: "s t u p i d", "f.u.c.k", "i-d-i-o-t" (three letters or more)
_SPACED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_](?:[ .\-_·/]{1,2}|\*{1,2}))+(?:[^\W\d_])(?![^\W\d_])")
_MASK_RUN = re.compile(r"(?<=[^\W\d_])[*#%]+(?=[^\W\d_])")
_BANG = re.compile(r"(?<=[^\W\d_])!(?=[^\W\d_])")
_REPEAT = re.compile(r"([^\W\d_])\1{2,}", re.IGNORECASE)


def _base_letter(ch: str) -> str:
    """One character without its accents: é → e, ł → l, ß → ss."""
    if ch.isascii():
        return ch
    if ch in _LETTER_FOLD:
        return _LETTER_FOLD[ch]
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


def fold(text: str) -> tuple[str, list[int], list[int]]:
    """The text as a list-matcher should read it, with where each character starts and ends in `text`.

    Accents dropped (é → e, ł → l), look-alike digits and symbols inside a word read as letters
    (stup1d → stupid, @$$hole → asshole), letters written apart joined (s t u p i d, f.u.c.k),
    masks inside a word kept as one * (f**k → f*k), a letter written three times or more read
    once (stuuupid → stupid; a doubled letter in a rule may then be single, so "hell" also
    reads "helllll", while "good" stays "good", not "god"). Case is kept.
    A span (s, e) of the folded text is (starts[s], ends[e - 1]) in `text`.
    """
    bases = {ch: _base_letter(ch) for ch in set(text) if not ch.isascii()}
    if all(len(base) == 1 for base in bases.values()):  # é → e: one for one, offsets unchanged
        s = text.translate(str.maketrans(bases)) if bases else text
        starts = list(range(len(text)))
    else:  # ß → ss, æ → ae
        chars: list[str] = []
        starts = []
        for i, ch in enumerate(text):
            base = bases.get(ch, ch)
            chars += base
            starts += [i] * len(base)
        s = "".join(chars)
    ends = [i + 1 for i in starts]

    def rewrite(pattern: re.Pattern, repl) -> None:
        """Replace each match by repl(m) = (new text, [(first, last) source char per new char])."""
        nonlocal s, starts, ends
        out, pos, new_starts, new_ends = [], 0, [], []
        for m in pattern.finditer(s):
            piece = repl(m)
            if piece is None:
                continue
            out.append(s[pos:m.start()])
            new_starts += starts[pos:m.start()]
            new_ends += ends[pos:m.start()]
            out.append(piece[0])
            new_starts += [starts[m.start() + a] for a, _ in piece[1]]
            new_ends += [ends[m.start() + b] for _, b in piece[1]]
            pos = m.end()
        if not out:
            return
        out.append(s[pos:])
        new_starts += starts[pos:]
        new_ends += ends[pos:]
        s, starts, ends = "".join(out), new_starts, new_ends

    def leet(m: re.Match):
        whole = m.group()
        token = whole.rstrip("!|")  # "idi0t!": the ! ends a sentence
        letters = sum(c.isalpha() for c in token)
        if letters < 2 or _NOT_LEET.fullmatch(token):
            return None
        if "@" in token and re.match(r"\.\w", m.string[m.end():m.end() + 2]):
            return None  # an e-mail address, read as written by the personal_data rule
        return ("".join(_LEET.get(c, c) for c in token) + whole[len(token):],
                [(k, k) for k in range(len(whole))])

    def spaced(m: re.Match):
        keep = [k for k, c in enumerate(m.group()) if c.isalpha()]
        if len(keep) < 3:
            return None
        return "".join(m.group()[k] for k in keep), [(k, k) for k in keep]

    if any(c in s for c in "0134578@$€|"):
        rewrite(_LEET_TOKEN, leet)
    if "!" in s:  # "d!ckhead": an ! between two letters is an i
        rewrite(_BANG, lambda m: ("i", [(0, 0)]))
    rewrite(_SPACED, spaced)
    rewrite(_MASK_RUN, lambda m: ("*", [(0, len(m.group()) - 1)]))
    rewrite(_REPEAT, lambda m: (m.group(1), [(0, len(m.group()) - 1)]))
    return s, starts, ends


def fold_pattern(source: str) -> str:
    """A rule's regex as it must read folded text: no accents, a doubled letter optionally single."""
    out = "".join(_base_letter(c) for c in source)
    return re.sub(r"(?<!\\)([^\W\d_])\1(?![?*+{])", r"\1\1?", out)


def _nfc_with_map(text: str) -> tuple[str, list[int]]:
    """NFC-normalise text, with each normalised character's offset in the original."""
    if unicodedata.is_normalized("NFC", text):
        return text, []
    out, offsets, i = [], [], 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFC", text[i:j])
        out.append(piece)
        offsets += [i] * len(piece)
        i = j
    offsets.append(len(text))
    return "".join(out), offsets


def normalize_for_copy(text: str) -> list[str]:
    """Words of a text with case, accents' form, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_NORM_DROP)
    return text.split()


def _matches(rule: Rule, text: str, folded: bool = False) -> list[tuple[int, int]]:
    """Spans of a rule's patterns in text, minus exceptions (a named group `span` narrows one).

    With `folded`, text is folded text (see fold) and the folded patterns are used."""
    found = []
    patterns, exceptions = ((rule.folded, rule.folded_exceptions) if folded
                            else (rule.patterns, rule.exceptions))
    any_of = rule.folded_any_of if folded else rule.any_of
    if any_of is not None and not any_of.search(text):
        return []  # no pattern matches anywhere: one scan instead of one per pattern
    for pattern in patterns:
        for m in pattern.finditer(text):
            span = m.span("span") if "span" in pattern.groupindex and m.group("span") else None
            found.append((m.span(), span or m.span()))
            if len(found) >= MAX_FINDINGS_PER_RULE * 4:
                break
    if found and exceptions:
        excepted = sorted(m.span() for p in exceptions for m in p.finditer(text))
        starts = [s for s, _ in excepted]
        reach = list(itertools.accumulate((e for _, e in excepted), max))  # furthest end so far

        def overlaps(start: int, end: int) -> bool:
            i = bisect.bisect_left(starts, end)  # exceptions starting before this match ends
            return i > 0 and reach[i - 1] > start

        found = [(whole, span) for whole, span in found if not overlaps(*whole)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(span for _, span in found if span[1] > span[0]):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged[:MAX_FINDINGS_PER_RULE]


def _is_title_word(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and any(c.islower() for c in word[1:])


def _shouting(rule: Rule, text: str) -> list[tuple[int, int]]:
    """Spans of words in capitals that read as shouting (acronyms and SURNAMES left alone)."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    spans, i = [], 0
    while i < len(words):
        if not words[i][2].isupper():
            i += 1
            continue
        j = i
        while (j + 1 < len(words) and words[j + 1][2].isupper()
               and re.fullmatch(r"[\s,;:\"'’«»“”\-]*", text[words[j][1]:words[j + 1][0]])):
            j += 1
        run = words[i:j + 1]
        content = [w for _, _, w in run if len(w) > 1 and w not in rule.acronyms
                   and not all(part in rule.acronyms for part in w.split("-"))]
        common = [w for w in content if w.casefold() in rule.common_words]
        shout = False
        if len(content) >= 3 or (common and (len(content) >= 2 or len(common[0]) >= 3)):
            shout = True
        elif content and all(len(w) >= 4 for w in content):
            before = words[i - 1] if i > 0 else None
            after = words[j + 1] if j + 1 < len(words) else None
            near_name = any(
                w is not None and _is_title_word(w[2])
                and not re.search(r"[.!?\n]", text[min(w[1], run[-1][1]):max(w[0], run[0][0])])
                for w in (before, after))
            shout = not near_name
        if shout:
            spans.append((run[0][0], run[-1][1]))
        i = j + 1
    return spans


def _ask_in_text(ask: str, text: str) -> bool:
    words = normalize_for_copy(ask)
    return bool(words) and f" {' '.join(words)} " in f" {' '.join(normalize_for_copy(text))} "


def _copied(rule: Rule, text: str, examples: Sequence[str]) -> bool:
    if len(text) > MAX_COPY_CHECK:
        return False
    mine = normalize_for_copy(text)
    if not mine:
        return False
    for example in examples:
        theirs = normalize_for_copy(example or "")
        if not theirs or not 0.5 <= len(mine) / len(theirs) <= 2.0:
            continue
        if mine == theirs:
            return True
        matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
        if matcher.quick_ratio() >= rule.similarity and matcher.ratio() >= rule.similarity:
            return True
    return False


def _applies(rule: Rule, kind: str, ask: str, religious_content: bool | None,
             allow_personal_data: bool) -> bool:
    if kind not in rule.kinds:
        return False
    if rule.when == "religious_content_false":
        return religious_content is False
    if rule.when == "personal_data_not_allowed":
        return not allow_personal_data
    if rule.when == "ask_lacks":
        return bool(ask.strip()) and not any(p.search(ask) for p in rule.ask_patterns)
    return True


def _finding(rule: Rule, text: str, start: int, end: int, **values: Any) -> Finding:
    found = " ".join(text[start:end].split())
    values.setdefault("found", found if len(found) <= 40 else found[:39] + "…")
    fill = {k: values.get(k, "") for k in PLACEHOLDERS}
    return Finding(rule.id, rule.severity, rule.message.format_map(fill), start, end,
                   rule.suggestion.format_map(fill))


def check(text: str, *, kind: str, lang: str = DEFAULT_LANG, ask: str = "",
          religious_content: bool | None = None, allow_personal_data: bool = False,
          examples: Sequence[str] = (), rules_dir: Path | None = None) -> list[Finding]:
    """Check a draft (kind "appeal" or "solidarity"); a language without a rules file uses English.

    `ask` is the case's request, `religious_content` and `allow_personal_data` come from the
    case, `examples` are the example texts shown to the writer. Findings are sorted by start,
    then severity (block, warn, tip). Spans are offsets in `text` (end exclusive): the offending
    words; 0, 0 for "no request at all"; the part past one page for "too long"; the whole text
    for the make-it-yours tip. Raises RulesError when the rules file has problems.
    """
    if kind not in LETTER_KINDS:
        raise ValueError(f"kind must be one of {', '.join(LETTER_KINDS)}, got {kind!r}")
    text, ask = text or "", ask or ""
    if not text.strip():
        return []
    ruleset = load_rules(lang, rules_dir)
    norm, offsets = _nfc_with_map(text)
    folded, where, ends = fold(norm)
    plain = folded == norm  # nothing accented, doubled or disguised: one (folded) reading is enough

    def back(i: int) -> int:
        return offsets[i] if offsets else i

    def both(rule: Rule) -> list[tuple[int, int]]:
        """Spans in the folded text (and, for data rules, the text as written), in `norm` offsets."""
        if plain:
            return _matches(rule, norm, True)
        spans = [(where[s], ends[e - 1]) for s, e in _matches(rule, folded, True) if e > s]
        if not rule.data:
            return spans
        spans += _matches(rule, norm)  # numbers, e-mails and handles are read as written too
        merged: list[tuple[int, int]] = []
        for s, e in sorted(spans):
            if merged and s < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged[:MAX_FINDINGS_PER_RULE]

    findings: list[Finding] = []
    for rule in ruleset.rules:
        if not _applies(rule, kind, ask, religious_content, allow_personal_data):
            continue
        if rule.check == "match":
            spans = both(rule)
        elif rule.check == "caps":
            spans = (_shouting(rule, norm) + _matches(rule, norm))[:MAX_FINDINGS_PER_RULE]
        elif rule.check == "missing":
            found = both(rule) or (ask.strip() and _ask_in_text(ask, norm))
            spans = [] if found else [(0, 0)]
        elif rule.check == "length":
            spans, values = _too_long(rule, norm)
            findings += [_finding(rule, text, back(s), back(e), **values) for s, e in spans]
            continue
        else:  # copy
            spans = [(0, len(norm))] if examples and _copied(rule, norm, examples) else []
        findings += [_finding(rule, text, back(s), back(e)) for s, e in spans]
    unique = {(f.rule, f.start, f.end): f for f in findings}  # one id in several entries
    kept: list[Finding] = []  # ... and a span inside a longer one of the same id is dropped
    for f in sorted(unique.values(), key=lambda f: (f.rule, f.start, -f.end)):
        if kept and kept[-1].rule == f.rule and f.end <= kept[-1].end and f.start < kept[-1].end:
            continue
        kept.append(f)
    return sorted(kept, key=lambda f: (f.start, _RANK[f.severity], f.rule, f.end))


def _too_long(rule: Rule, text: str) -> tuple[list[tuple[int, int]], dict[str, Any]]:
    """The part of a text beyond the rule's length (from the first word past it), if any."""
    cut = None
    if rule.max_chars and len(text) > rule.max_chars:
        cut = rule.max_chars
    words = 0
    if rule.max_words:
        for m in re.finditer(r"\S+", text):
            words += 1
            if words == rule.max_words + 1 and (cut is None or m.start() < cut):
                cut = m.start()
    if cut is None:
        return [], {}
    while 0 < cut < len(text) and not text[cut - 1].isspace():
        cut -= 1  # start the span at a word
    values = {"chars": f"{len(text):,}", "words": f"{words:,}",
              "max_chars": f"{rule.max_chars:,}", "max_words": f"{rule.max_words:,}"}
    return [(cut, len(text))], values


def letter_words(greeting: str, paragraphs: Sequence[str], closing: str, name: str) -> str:
    """A letter's own words as the checker reads them: not the date, not the addressee's address
    (an official address must not look like the writer's personal data)."""
    return "\n\n".join(part for part in (greeting, *paragraphs, closing, name) if part.strip())


def blocking(findings: Sequence[Finding]) -> list[Finding]:
    """The findings that stop a letter from being printed until it is changed."""
    return [f for f in findings if f.severity == "block"]
