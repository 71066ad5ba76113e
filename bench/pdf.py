"""Print the PDF figures: one letter cold and warm, and a batch of letters, in three scripts.

For Latin, Arabic and Chinese text:
- cold: a new Python process imports w4r and builds one letter (imports and font loading included);
- warm: the median of repeated builds in one process;
- batch: `pdf.build_batch` of 1,000 letters (one PDF, fonts loaded once) in its own process:
  seconds, time per letter and peak memory (the process's maximum resident set size).
Each stands beside a bare fpdf2 page set in the same font with the same text in the same run
(a bare batch page is one page more of one bare document), so the ratio is what to compare
across machines.

Run: .venv/bin/python bench/pdf.py [--letters 1000]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXTS = {
    "latin": ("I am a teacher in Leeds, writing with my class of fourteen-year-olds.",
              "We have read about Yecenia Armenta, who was imprisoned for four years after "
              "being tortured into confessing to a crime. Torture is never acceptable, and a "
              "confession obtained under torture must never be used as evidence in a court. "
              "Our students were moved by her courage and by her family's long wait. We ask "
              "you to make sure that she is treated fairly, that the allegations of torture "
              "are investigated promptly and impartially, and that those responsible are "
              "brought to justice. We will keep following her case with great attention. "),
    "arabic": ("أنا معلمة في الدار البيضاء، وأكتب إليكم مع طلابي.",
               "قرأنا عن يسينيا أرمينتا التي سُجنت أربع سنوات بعد أن عُذبت لانتزاع اعتراف منها. "
               "التعذيب غير مقبول أبداً، ولا يجوز استخدام اعتراف انتُزع تحت التعذيب دليلاً في "
               "المحكمة. تأثر طلابنا بشجاعتها وبانتظار أسرتها الطويل. نطلب منكم ضمان معاملتها "
               "معاملة عادلة، والتحقيق في ادعاءات التعذيب بسرعة ونزاهة، وتقديم المسؤولين إلى "
               "العدالة. سنواصل متابعة قضيتها باهتمام كبير. "),
    "chinese": ("我是一名教师，和我的学生们一起给您写信。",
                "我们读到了关于叶塞尼娅·阿门塔的故事：她在遭受酷刑被迫认罪后被监禁了四年。"
                "酷刑在任何情况下都不可接受，通过酷刑获得的供词绝不能在法庭上作为证据。"
                "学生们被她的勇气和她家人漫长的等待所感动。我们请求您确保她得到公正对待，"
                "迅速、公正地调查酷刑指控，并将责任人绳之以法。我们将继续密切关注她的案件。"),
}
LANGS = {"latin": "en", "arabic": "ar", "chinese": "zh"}
WARM_RUNS = {"latin": 30, "arabic": 30, "chinese": 7}
BARE_BATCH_PAGES = 100


@lru_cache(maxsize=1)
def bench_case():
    """A shipped case, given an authority and an address (test values)."""
    from w4r.cases import load_cases

    case = load_cases(ROOT / "content" / "cases").get("yecenia-armenta")
    return dataclasses.replace(case, appeal=dataclasses.replace(
        case.appeal, addressee_name="Fiscal General de la República",
        address=("Av. Paseo de la Reforma 211", "Ciudad de México", "Mexico")))


def make_item(script: str, number: int = 0):
    """A full appeal (sender, address, subject) in a script, with its case.

    Letters of a batch differ: their sentences come in another order and each is signed by
    another writer, so no two lay out the same.
    """
    from w4r import letters, pdf

    case = bench_case()
    about, message = TEXTS[script]
    stop = "。" if script == "chinese" else ". "
    sentences = [s for s in message.split(stop) if s.strip()]
    turn = number % len(sentences)
    message = stop.join(sentences[turn:] + sentences[:turn]) + stop
    draft = letters.start(case, "appeal")
    draft.about, draft.message, draft.name = about, message, f"Ana Kowalska {number}"
    letter = letters.compose(draft, case, day=date(2026, 11, 20), lang=LANGS[script],
                             subject=letters.subject_line(case, LANGS[script]),
                             sender_town="Leeds")
    return pdf.BatchItem(case, letter)


def bare_document(script: str, pages: int = 1) -> bytes:
    """The baseline: fpdf2 alone, the script's font, the same text, shaped if it needs it."""
    from fpdf import FPDF

    from w4r import fonts

    about, message = TEXTS[script]
    family = fonts.family_for(fonts.traits(message).scripts[0], message, LANGS[script])
    document = FPDF()
    document.add_font("F", "", str(family.regular.path),
                      collection_font_number=family.regular.index)
    if script == "arabic":
        document.set_text_shaping(True, direction="rtl")
    for _ in range(pages):
        document.add_page()
        document.set_font("F", size=12)
        for text in (about, message):
            document.multi_cell(0, 6.2, text, align="R" if script == "arabic" else "L",
                                new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def peak_mb() -> float:
    """This process's maximum resident set size so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_ms(build, runs: int) -> float:
    build()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def child(kind: str, script: str, letters_count: int) -> dict:
    """One measurement in this (fresh) process."""
    start = time.perf_counter()
    if kind == "cold":
        from w4r import pdf
        pdf.build(make_item(script).letter)
        return {"ms": (time.perf_counter() - start) * 1000, "mb": peak_mb()}
    if kind == "cold-bare":
        bare_document(script)
        return {"ms": (time.perf_counter() - start) * 1000, "mb": peak_mb()}
    if kind == "warm":
        from w4r import pdf
        letter = make_item(script).letter
        return {"ms": median_ms(lambda: pdf.build(letter), WARM_RUNS[script]),
                "bare_ms": median_ms(lambda: bare_document(script), WARM_RUNS[script])}
    if kind == "batch":
        from w4r import pdf
        items = [make_item(script, number) for number in range(letters_count)]
        start = time.perf_counter()
        printed = pdf.build_batch(items)
        seconds = time.perf_counter() - start
        return {"s": seconds, "pages": printed.pages, "kb": len(printed.data) // 1024,
                "mb": peak_mb()}
    if kind == "batch-bare":
        bare_document(script, BARE_BATCH_PAGES)
        return {"s": time.perf_counter() - start, "mb": peak_mb()}
    raise ValueError(kind)


def measure(kind: str, script: str, letters_count: int) -> dict:
    """Run one measurement in a new process and read its JSON answer."""
    done = subprocess.run([sys.executable, __file__, "--child", kind, script,
                           "--letters", str(letters_count)],
                          capture_output=True, text=True, check=True, cwd=ROOT, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SCRIPT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child, args.letters)))
        return
    import os
    import platform
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, "
          f"{args.letters} letters per batch")
    for script in TEXTS:
        cold, cold_bare = measure("cold", script, 1), measure("cold-bare", script, 1)
        warm = measure("warm", script, 1)
        batch, bare = measure("batch", script, args.letters), measure("batch-bare", script, 1)
        per_letter = batch["s"] / args.letters * 1000
        bare_page = bare["s"] / BARE_BATCH_PAGES * 1000
        print(f"{script:8} cold {cold['ms']:6.0f} ms (bare fpdf2 {cold_bare['ms']:5.0f} ms, "
              f"ratio {cold['ms'] / cold_bare['ms']:.2f}); "
              f"warm {warm['ms']:6.1f} ms (bare {warm['bare_ms']:5.1f} ms, "
              f"ratio {warm['ms'] / warm['bare_ms']:.2f})")
        print(f"{'':8} batch of {args.letters}: {batch['s']:.2f} s, {batch['pages']} pages, "
              f"{batch['kb']:,} KB, peak {batch['mb']:.0f} MB; {per_letter:.1f} ms per letter "
              f"(bare fpdf2 page in one document {bare_page:.1f} ms, ratio "
              f"{per_letter / bare_page:.2f}; bare {BARE_BATCH_PAGES} pages peak "
              f"{bare['mb']:.0f} MB)")


if __name__ == "__main__":
    main()
