"""How long `casepack.read_files` takes on hostile case packs, each as large as a pack may be.

Run: .venv/bin/python bench/hostile_packs.py   (PYTHONPATH=<another checkout> to compare)
Each pack is built in memory; the figure is the wall time of one read, with the problem count.
"""

from __future__ import annotations

import io
import platform
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from w4r import casepack  # noqa: E402

CASE = (Path(__file__).resolve().parent.parent / "content" / "cases" / "jani-silva.yaml").read_text(
    encoding="utf-8")
YAML_MAX = getattr(casepack, "MAX_FILE_BYTES", 256 * 1024)  # the largest case file allowed
BUDGET = 5 * 1024 * 1024  # what the limits let through in one upload


def zipped(members: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def sized(unit: str, size: int) -> str:
    return unit * (size // len(unit))


def files(label: str, texts: list[str]) -> list[tuple[str, bytes]]:
    return [(f"{label}{i}.yaml", text.encode()) for i, text in enumerate(texts)]


def packs() -> dict[str, list[tuple[str, bytes]]]:
    many = BUDGET // YAML_MAX - 1
    row = ",".join(["x"] * 40) + "\n"
    return {
        "zip: csv of 2,000,000 rows": [("rows.zip", zipped({"a.csv": "id,name\n" + "x,y\n"
                                                                      * 2_000_000}))],
        "zip: json list of 1,600,000 {}": [("items.zip", zipped({"a.json": "[" + "{}," * 1_600_000
                                                                 + "{}]"}))],
        "csv: 1 MB, every row wrong": [("rows.csv", ("id,name\n" + sized(row, 2**20 - 8)).encode())],
        f"yaml: {many} files of flow lists": files("flow", [
            "a: [" + sized("1,", YAML_MAX - 10) + "1]\n"] * many),
        f"yaml: {many} files of one long scalar": files("scalar", [
            "a: " + sized("word ", YAML_MAX - 10) + "\n"] * many),
        f"yaml: {many} files of block lists": files("block", [sized("- 1\n", YAML_MAX - 10)] * many),
        f"yaml: {many} files of comments": files("note", [sized("#" + "x" * 78 + "\n",
                                                                YAML_MAX - 10)] * many),
        "yaml: nested 100,000 deep": [("deep.yaml", ("a: " + "[" * 100_000).encode())],
        "zip: 200 valid cases": [("good.zip", zipped({
            f"c{i}.yaml": CASE.replace("id: jani-silva", f"id: case-{i}", 1) for i in range(200)}))],
    }


def main() -> None:
    print(f"python {platform.python_version()}, read_files on packs of the largest allowed size")
    for label, upload in packs().items():
        start = time.perf_counter()
        try:
            pack = casepack.read_files(upload)
            outcome = f"{len(pack.cases)} cases, {len(pack.problems):,} problems"
        except Exception as exc:  # what an unguarded reader did
            outcome = f"raised {type(exc).__name__}"
        took = time.perf_counter() - start
        size = sum(len(raw) for _, raw in upload)
        print(f"{label:40} {size / 1024:8.1f} KB  {took:7.2f} s  {outcome}", flush=True)


if __name__ == "__main__":
    main()
