"""Measure the tone checker on the labelled letters in tests/data/tone/ and print markdown tables.

    .venv/bin/python scripts/tone_report.py [--details] [--batch N] [--corpus DIR] [--rules DIR]
    .venv/bin/python scripts/tone_report.py --page-capacity   # what one printed page holds

Per letter: a problem letter is a true positive when the checker reports every rule it is
labelled with, as warn or block; a polite letter with any warn or block finding is a false
positive. Tips never count. Per rule: a letter labelled with the rule and reported is a hit;
labelled and not reported a miss; reported (warn/block) but not labelled a false alarm.
tests/test_tone.py imports `load_corpus` and `evaluate` from here, so the test and this table
measure the same thing.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from w4r import terms, tone  # noqa: E402

CORPUS_DIR = PROJECT_DIR / "tests" / "data" / "tone"
_FIELDS = {"id", "batch", "kind", "ask", "religious_content", "allow_personal_data",
           "examples", "expect", "tips", "note", "text"}


@dataclass(frozen=True)
class Letter:
    """One labelled letter of the corpus."""

    id: str
    lang: str
    kind: str
    text: str
    expect: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    ask: str = ""
    religious_content: bool | None = None
    allow_personal_data: bool = False
    examples: tuple[str, ...] = ()
    batch: int = 1  # 1: written before the rules; 2 to 8: written after a version was frozen


@dataclass
class Scores:
    """Letter-level and rule-level counts, with the letters behind each miss and false alarm."""

    polite: int = 0
    problem: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    rule_hits: Counter = field(default_factory=Counter)
    rule_misses: Counter = field(default_factory=Counter)
    rule_extra: Counter = field(default_factory=Counter)
    tips_expected: int = 0
    tips_given: int = 0

    @property
    def precision(self) -> float:
        """Share of flagged letters (among labelled problems and polite letters) that had a problem."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of problem letters whose every labelled rule was reported."""
        return self.tp / self.problem if self.problem else 1.0


def load_corpus(folder: Path = CORPUS_DIR) -> list[Letter]:
    """Read every <lang>.yaml of the corpus; raise ValueError naming any malformed letter."""
    letters, seen = [], set()
    for path in sorted(Path(folder).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        lang = data["lang"]
        for raw in data["letters"]:
            unknown = set(raw) - _FIELDS
            if unknown or raw.get("kind") not in terms.LETTER_KINDS or not raw.get("text"):
                raise ValueError(f"{path.name}: {raw.get('id')}: bad letter "
                                 f"(unknown fields {sorted(unknown)}, kind, or no text)")
            if raw["id"] in seen:
                raise ValueError(f"{path.name}: {raw['id']}: id used twice")
            seen.add(raw["id"])
            letters.append(Letter(
                id=raw["id"], lang=lang, kind=raw["kind"], text=raw["text"],
                expect=tuple(raw.get("expect") or ()), tips=tuple(raw.get("tips") or ()),
                ask=raw.get("ask") or "", religious_content=raw.get("religious_content"),
                allow_personal_data=bool(raw.get("allow_personal_data", False)),
                examples=tuple(raw.get("examples") or ()), batch=int(raw.get("batch", 1))))
    return letters


def run(letter: Letter, rules_dir: Path | None = None) -> list[tone.Finding]:
    """The checker's findings for one corpus letter, with the letter's case context."""
    return tone.check(letter.text, kind=letter.kind, lang=letter.lang, ask=letter.ask,
                      religious_content=letter.religious_content,
                      allow_personal_data=letter.allow_personal_data,
                      examples=letter.examples, rules_dir=rules_dir)


def evaluate(letters: Sequence[Letter], rules_dir: Path | None = None) -> Scores:
    """Score the checker on labelled letters (see the module docstring for the definitions)."""
    scores = Scores()
    for letter in letters:
        findings = run(letter, rules_dir)
        reported = {f.rule for f in findings if f.severity in ("block", "warn")}
        tips = {f.rule for f in findings if f.severity == "tip"}
        scores.tips_expected += len(letter.tips)
        scores.tips_given += len(set(letter.tips) & tips)
        for rule in letter.expect:
            (scores.rule_hits if rule in reported else scores.rule_misses)[rule] += 1
        for rule in reported - set(letter.expect):
            scores.rule_extra[rule] += 1
        if letter.expect:
            scores.problem += 1
            if set(letter.expect) <= reported:
                scores.tp += 1
            else:
                scores.fn += 1
                scores.missed.append(f"{letter.id} (expected {', '.join(letter.expect)}; "
                                     f"got {', '.join(sorted(reported)) or 'nothing'})")
        else:
            scores.polite += 1
            if reported:
                scores.fp += 1
                scores.false_alarms.append(f"{letter.id} ({', '.join(sorted(reported))})")
    return scores


def by_language(letters: Sequence[Letter], rules_dir: Path | None = None) -> dict[str, Scores]:
    """Scores per language of the corpus, plus "all"."""
    langs = sorted({letter.lang for letter in letters})
    out = {lang: evaluate([x for x in letters if x.lang == lang], rules_dir) for lang in langs}
    out["all"] = evaluate(letters, rules_dir)
    return out


def language_table(results: dict[str, Scores]) -> list[str]:
    """One markdown row per language (and "all"): counts, precision, recall."""
    lines = ["| language | polite letters | problem letters | true pos. | false pos. | "
             "missed | precision | recall |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for lang, s in results.items():
        lines.append(f"| {lang} | {s.polite} | {s.problem} | {s.tp} | {s.fp} | {s.fn} | "
                     f"{s.precision:.2f} | {s.recall:.2f} |")
    return lines


BATCHES = {2: "letters written after the first rules were frozen (batch 2; the rules were "
                "then improved, so these count as seen now)",
           3: "letters written after the second rules were frozen, never used to change them "
              "(batch 3: the held-out score of those rules, before the folding rules of batch 4)",
           4: "letters written after the folding rules were frozen (commit 12ead99); the rules "
              "were then changed (batch 4: seen now)",
           5: "letters written after rules v3 were frozen (commit 92e4b99); the rules were then "
              "changed (batch 5: seen now)",
           6: "letters written after rules v4 were frozen (commit 00b309b); the rules were then "
              "changed (batch 6: seen now)",
           7: "letters written after the rules were frozen for batch 7 (commit 372f9bb); the "
              "rules were then changed (batch 7: seen now)",
           8: "letters written after the current rules were frozen for batch 8, never used to "
              "change them (batch 8: the held-out score, five languages)"}


def markdown(results: dict[str, Scores], details: bool = False,
             batches: dict[int, dict[str, Scores]] | None = None) -> str:
    """The tables: per language, per rule over all languages, then each later batch on its own."""
    lines = language_table(results)
    total = results["all"]
    rules = sorted(set(total.rule_hits) | set(total.rule_misses) | set(total.rule_extra))
    lines += ["", "| rule | labelled | found | missed | false alarms | precision | recall |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for rule in rules:
        hit, miss, extra = total.rule_hits[rule], total.rule_misses[rule], total.rule_extra[rule]
        precision = hit / (hit + extra) if hit + extra else 1.0
        recall = hit / (hit + miss) if hit + miss else 1.0
        lines.append(f"| {rule} | {hit + miss} | {hit} | {miss} | {extra} | {precision:.2f} | "
                     f"{recall:.2f} |")
    lines += ["", f"Make-it-yours tips: {total.tips_given} of {total.tips_expected} copied "
                  f"examples got the tip (never counted as a warning)."]
    for batch, scores in sorted((batches or {}).items()):
        lines += ["", f"Only the {BATCHES.get(batch, f'letters of batch {batch}')}:", ""]
        lines += language_table(scores)
    if details:
        lines += ["", "Missed problem letters: " + ("; ".join(total.missed) or "none"),
                  "", "Polite letters flagged: " + ("; ".join(total.false_alarms) or "none")]
        rule_extra = [f"{rule} ×{n}" for rule, n in sorted(total.rule_extra.items())]
        lines += ["", "Rules reported beyond the labels (any letter): "
                  + (", ".join(rule_extra) or "none")]
    return "\n".join(lines)


def page_capacity(letters: Sequence[Letter], paper: str = "a4") -> dict[str, tuple[int, int]]:
    """Words and characters of letter text that fit on one page of the app's PDF, per language.

    Measured with w4r.pdf on a realistic appeal (date, four-line address, subject, greeting,
    closing, name, town), filling the body with the corpus's too_long letters; the too_long
    rule's max_words / max_chars should stay close to these figures.
    """
    from datetime import date

    from w4r import letters as w4r_letters
    from w4r import pdf

    out = {}
    for lang in sorted({x.lang for x in letters}):
        long = [x for x in letters if x.lang == lang and "too_long" in x.expect]
        if not long:
            continue
        words = " ".join(" ".join(x.text.split("\n\n")[1:-1]) for x in long).split()

        def fits(n: int) -> bool:
            body = words[:n]
            paragraphs = tuple(" ".join(body[i * n // 4:(i + 1) * n // 4]) for i in range(4))
            letter = w4r_letters.Letter(
                kind="appeal", date=w4r_letters.long_date(date(2026, 12, 10), lang),
                addressee=("Name Surname", "Minister of Justice", "1 Street", "City"),
                greeting="Dear Minister,", paragraphs=tuple(p for p in paragraphs if p),
                closing="Yours sincerely,", name="Name", lang=lang, sender_town="Town",
                subject="Re: Name Surname")
            return pdf.build(letter, paper).pages == 1

        low, high = 1, len(words)
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if fits(mid) else (low, mid - 1)
        out[lang] = (low, len(" ".join(words[:low])))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print the tables; exit 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder of labelled letters")
    parser.add_argument("--rules", type=Path, default=None, help="folder of rules files")
    parser.add_argument("--details", action="store_true", help="name the letters behind misses")
    parser.add_argument("--batch", type=int, default=None,
                        help="score only the letters of one batch (8: the held-out letters)")
    parser.add_argument("--page-capacity", action="store_true",
                        help="measure what one printed page holds (for the too_long rule)")
    args = parser.parse_args(argv)
    if args.page_capacity:
        print("| language | paper | words on one page | characters on one page |")
        print("|---|---|---:|---:|")
        corpus = load_corpus(args.corpus)
        for paper in ("a4", "letter"):
            for lang, (words, chars) in page_capacity(corpus, paper).items():
                print(f"| {lang} | {paper} | {words} | {chars:,} |")
        return 0
    letters = load_corpus(args.corpus)
    if args.batch is not None:
        letters = [x for x in letters if x.batch == args.batch]
        if not letters:
            parser.error(f"no letters in batch {args.batch}")
        print(markdown(by_language(letters, args.rules), args.details))
        return 0
    batches = {b: by_language([x for x in letters if x.batch == b], args.rules)
               for b in sorted({x.batch for x in letters} - {1})}
    print(markdown(by_language(letters, args.rules), args.details, batches))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
