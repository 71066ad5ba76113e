"""Cases as content: the shipped files, and every way a case file can be wrong."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from datetime import date

import pytest
import yaml

from w4r.cases import (CASE_SHEET, MAX_FILE_BYTES, MAX_SUMMARY, Appeal, Solidarity,
                       load_cases, or_case_sheet, parse_case_bytes, read_case_file)

from conftest import CASE_WITH_ASK, PROJECT_DIR, SHIPPED_CASES_DIR


def shipped_yaml(case_id: str = CASE_WITH_ASK) -> dict:
    """The parsed YAML of one shipped (real) case, to derive broken variants from (without its
    translations: tests/test_case_translations.py checks those)."""
    data = yaml.safe_load((SHIPPED_CASES_DIR / f"{case_id}.yaml").read_text(encoding="utf-8"))
    data.pop("translations", None)
    return data


def dump(data) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def pairs(problems) -> set[tuple[str, str]]:
    return {(p.file, p.field) for p in problems}


# --- the shipped content ------------------------------------------------------

def test_shipped_content_loads_without_problems(cases):
    assert cases.problems == []


def test_shipped_content_has_at_least_six_cases(cases):
    assert len(cases.cases) >= 6


def test_shipped_case_ids_are_unique(cases):
    ids = [c.id for c in cases.cases]
    assert len(ids) == len(set(ids))


def test_every_shipped_file_is_loaded(cases):
    files = sorted(p.name for p in SHIPPED_CASES_DIR.iterdir() if p.suffix in (".yaml", ".yml"))
    assert sorted(c.file for c in cases.cases) == files


def test_every_shipped_case_is_past_with_year(cases):
    for c in cases.cases:
        assert c.status == "past", c.id
        assert c.is_past, c.id
        assert 2001 <= c.year <= date.today().year, c.id


def test_no_shipped_field_poses_a_missing_fact_as_a_fact(cases):
    """A field the sources leave empty is empty: no sentence posing as a country or outcome."""
    for c in cases.cases:
        for text in (c.country, c.outcome):
            assert "not stated" not in text.lower(), (c.id, text)
            assert "do not report" not in text.lower(), (c.id, text)
    assert cases.get("maxima-acuna").country == ""
    assert cases.get("jani-silva").outcome == ""


def test_every_shipped_case_has_sources_with_titles(cases):
    for c in cases.cases:
        assert c.sources, f"{c.id} has no sources"
        assert all(s.title.strip() for s in c.sources), c.id


def test_every_shipped_quote_names_its_source(cases):
    for c in cases.cases:
        if c.quote:
            assert c.quote_source.strip(), c.id


def test_shipped_summaries_are_short(cases):
    for c in cases.cases:
        assert 0 < len(c.summary) <= MAX_SUMMARY, c.id


def test_shipped_content_has_no_placeholder_text(cases):
    placeholders = ("lorem", "ipsum", "todo", "tbd", "john doe", "jane doe", "example.com",
                    "xxx")
    for c in cases.cases:
        blob = " ".join([c.name, c.summary, c.story, c.outcome, c.quote,
                         *(s.title + " " + s.note for s in c.sources)]).lower()
        for word in placeholders:
            assert word not in blob, f"{c.id} contains placeholder text {word!r}"


def test_get_returns_a_case_or_none(cases):
    assert cases.get(CASE_WITH_ASK).id == CASE_WITH_ASK
    assert cases.get("nobody-at-all") is None


def test_every_empty_appeal_field_shows_the_case_sheet(cases):
    checked_empty = 0
    for c in cases.cases:
        for f in dataclasses.fields(Appeal):
            value = getattr(c.appeal, f.name)
            shown = or_case_sheet(value)
            if value:
                expected = "\n".join(value) if isinstance(value, tuple) else value
                assert shown == expected
            else:
                assert shown == CASE_SHEET, (c.id, f.name)
                checked_empty += 1
    assert checked_empty > 0, "the shipped content should leave some appeal fields empty"


def test_every_empty_solidarity_text_shows_the_case_sheet(cases):
    for c in cases.cases:
        for f in dataclasses.fields(Solidarity):
            value = getattr(c.solidarity, f.name)
            if isinstance(value, str) and not value:
                assert or_case_sheet(value) == CASE_SHEET, (c.id, f.name)


def test_or_case_sheet_handles_none_and_empty_tuple():
    assert or_case_sheet(None) == CASE_SHEET
    assert or_case_sheet(()) == CASE_SHEET
    assert or_case_sheet(("Line 1", "Line 2")) == "Line 1\nLine 2"


# --- a malformed folder ---------------------------------------------------------

@pytest.fixture
def messy_folder(tmp_path):
    """A folder mixing one valid real case with every kind of broken file."""
    folder = tmp_path / "cases"
    folder.mkdir()
    real = (SHIPPED_CASES_DIR / f"{CASE_WITH_ASK}.yaml").read_bytes()
    (folder / "a-good.yaml").write_bytes(real)
    (folder / "b-duplicate.yaml").write_bytes(real)          # same id as a-good.yaml
    (folder / "syntax.yaml").write_text("id: [unclosed\nname: x\n", encoding="utf-8")
    (folder / "toplist.yaml").write_text("- one\n- two\n", encoding="utf-8")
    (folder / "missing.yaml").write_text("name: Someone\n", encoding="utf-8")
    several = shipped_yaml()
    several["year"] = "2020"
    several["tags"] = "x"
    several["sumary"] = several.pop("summary")
    several["id"] = "Bad_ID"
    several.pop("outcome")
    (folder / "several.yaml").write_bytes(dump(several))
    long_summary = shipped_yaml()
    long_summary["id"] = "long-summary"
    long_summary["summary"] = "word " * 100
    (folder / "long-summary.yaml").write_bytes(dump(long_summary))
    (folder / "latin1.yaml").write_bytes("name: Jos\u00e9 Mar\u00eda\n".encode("latin-1"))
    (folder / "big.yaml").write_bytes(b"id: big\n" + b"# padding\n" * 30_000)
    (folder / "notes.txt").write_text("not a case file", encoding="utf-8")
    return folder


EXPECTED_PROBLEMS = {
    ("b-duplicate.yaml", "id"),
    ("syntax.yaml", "(file)"),
    ("toplist.yaml", "(file)"),
    *{("missing.yaml", f) for f in ("id", "year", "status", "summary", "story",
                                    "appeal", "solidarity", "sources")},
    ("several.yaml", "year"),
    ("several.yaml", "tags"),
    ("several.yaml", "sumary"),
    ("several.yaml", "summary"),
    ("several.yaml", "id"),
    ("long-summary.yaml", "summary"),
    ("latin1.yaml", "(file)"),
    ("big.yaml", "(file)"),
}


def test_malformed_folder_reports_every_problem(messy_folder):
    found = load_cases(messy_folder)
    assert pairs(found.problems) == EXPECTED_PROBLEMS


def test_malformed_folder_still_loads_the_valid_file(messy_folder):
    found = load_cases(messy_folder)
    assert [c.id for c in found.cases] == [CASE_WITH_ASK]
    assert found.cases[0].file == "a-good.yaml"


def test_problems_print_as_file_field_problem(messy_folder):
    for problem in load_cases(messy_folder).problems:
        text = str(problem)
        assert text.startswith(f"{problem.file}: {problem.field}: ")
        assert problem.message.strip()
        assert "\n" not in text
        assert "Traceback" not in text


def test_file_with_several_problems_lists_each_once(tmp_path):
    data = shipped_yaml()
    data.update(year="2020", tags="x", id="Bad_ID")
    data["sumary"] = data.pop("summary")
    data.pop("outcome")
    case, problems = parse_case_bytes(dump(data), "several.yaml")
    assert case is None
    fields = [p.field for p in problems]
    assert sorted(fields) == sorted(["year", "tags", "sumary", "summary", "id"])


def test_wrong_type_messages_say_what_was_expected():
    data = shipped_yaml()
    data.update(year="2020", tags="x")
    _, problems = parse_case_bytes(dump(data), "f.yaml")
    by_field = {p.field: p.message for p in problems}
    assert "whole number" in by_field["year"] and "2020" in by_field["year"]
    assert "list" in by_field["tags"]


def test_duplicate_id_names_the_first_file(messy_folder):
    found = load_cases(messy_folder)
    dup = next(p for p in found.problems if p.file == "b-duplicate.yaml")
    assert "a-good.yaml" in dup.message and CASE_WITH_ASK in dup.message


def test_yaml_syntax_error_gives_the_line(tmp_path):
    _, problems = parse_case_bytes(b"id: ok\nname: [unclosed\n", "syntax.yaml")
    assert pairs(problems) == {("syntax.yaml", "(file)")}
    assert "line" in problems[0].message and "YAML" in problems[0].message


def test_top_level_list_is_reported():
    _, problems = parse_case_bytes(b"- a\n- b\n", "list.yaml")
    assert pairs(problems) == {("list.yaml", "(file)")}
    assert "mapping" in problems[0].message


def test_empty_file_is_reported():
    case, problems = parse_case_bytes(b"", "empty.yaml")
    assert case is None and pairs(problems) == {("empty.yaml", "(file)")}


def test_non_utf8_bytes_are_reported():
    _, problems = parse_case_bytes(b"name: \xff\xfe\n", "bytes.yaml")
    assert pairs(problems) == {("bytes.yaml", "(file)")}
    assert "UTF-8" in problems[0].message


def test_a_utf8_bom_is_accepted():
    case, problems = parse_case_bytes(b"\xef\xbb\xbf" + dump(shipped_yaml()), "bom.yaml")
    assert problems == [] and case.id == CASE_WITH_ASK


def test_300_kb_file_is_refused_with_the_limit():
    raw = b"id: big\n" + b"#" * 300_000 + b"\n"
    _, problems = parse_case_bytes(raw, "big.yaml")
    assert pairs(problems) == {("big.yaml", "(file)")}
    assert f"{MAX_FILE_BYTES:,}" in problems[0].message


def test_summary_longer_than_the_limit_is_reported():
    data = shipped_yaml()
    data["summary"] = "a" * (MAX_SUMMARY + 1)
    _, problems = parse_case_bytes(dump(data), "f.yaml")
    assert pairs(problems) == {("f.yaml", "summary")}


def test_summary_at_the_limit_is_accepted():
    data = shipped_yaml()
    data["summary"] = "a" * MAX_SUMMARY
    case, problems = parse_case_bytes(dump(data), "f.yaml")
    assert problems == [] and case is not None


def test_past_case_without_outcome_or_country_loads_with_them_empty():
    """The sources may not say what happened, or where: the field stays empty, never a guess."""
    data = shipped_yaml()
    data["outcome"], data["country"] = "", ""
    case, problems = parse_case_bytes(dump(data), "f.yaml")
    assert problems == [] and case.outcome == "" and case.country == ""


@pytest.mark.parametrize("bad_id", ["Bad_ID", "has space", "trailing-", "-leading", "a--b",
                                    "ünïcode"])
def test_bad_ids_are_reported(bad_id):
    data = shipped_yaml()
    data["id"] = bad_id
    _, problems = parse_case_bytes(dump(data), "f.yaml")
    assert pairs(problems) == {("f.yaml", "id")}


@pytest.mark.parametrize("field, value", [
    ("year", True), ("year", 2020.5), ("year", 1999), ("status", "Past"),
    ("name", ["a", "b"]), ("appeal", "write to the minister"),
])
def test_wrong_values_are_reported_on_their_field(field, value):
    data = shipped_yaml()
    data[field] = value
    _, problems = parse_case_bytes(dump(data), "f.yaml")
    assert pairs(problems) == {("f.yaml", field)}


def test_nested_problems_name_the_nested_field():
    data = shipped_yaml()
    data["appeal"]["address"] = "Street 1"
    data["appeal"]["adress"] = ["x"]
    data["solidarity"]["mention_amnesty"] = "yes"
    data["sources"] = [{"publisher": "nobody"}, "just a string"]
    _, problems = parse_case_bytes(dump(data), "f.yaml")
    assert pairs(problems) == {("f.yaml", "appeal.address"), ("f.yaml", "appeal.adress"),
                               ("f.yaml", "solidarity.mention_amnesty"),
                               ("f.yaml", "sources[0].title"), ("f.yaml", "sources[1]")}


def test_empty_sources_list_is_reported():
    data = shipped_yaml()
    data["sources"] = []
    _, problems = parse_case_bytes(dump(data), "f.yaml")
    assert pairs(problems) == {("f.yaml", "sources")}


def test_quote_without_source_is_reported():
    data = shipped_yaml()
    data["quote_source"] = ""
    _, problems = parse_case_bytes(dump(data), "f.yaml")
    assert pairs(problems) == {("f.yaml", "quote_source")}


@pytest.mark.parametrize("raw", [
    b"!!python/object/apply:os.system ['echo hacked']\n",
    b"id: a\n---\nid: b\n",
    b"id: a\n\tname: tab\n",
    b"? [a, b]\n: c\n",
])
def test_hostile_or_odd_yaml_is_a_problem_not_an_exception(raw):
    case, problems = parse_case_bytes(raw, "odd.yaml")
    assert case is None
    assert problems and all(p.file == "odd.yaml" for p in problems)


def test_unicode_and_markup_in_a_case_are_kept_literally():
    data = shipped_yaml()
    data["story"] = "Zażółć gęślą jaźń — Ελληνικά — Русский <b>bold</b> **md** 😀"
    case, problems = parse_case_bytes(dump(data), "f.yaml")
    assert problems == []
    assert case.story == data["story"]


def test_empty_folder_is_reported(tmp_path):
    found = load_cases(tmp_path)
    assert found.cases == []
    assert pairs(found.problems) == {(str(tmp_path), "(folder)")}


def test_missing_folder_is_reported(tmp_path):
    missing = tmp_path / "no-such-folder"
    found = load_cases(missing)
    assert found.cases == []
    assert pairs(found.problems) == {(str(missing), "(folder)")}
    assert "does not exist" in found.problems[0].message


def test_a_single_file_can_be_loaded(tmp_path):
    found = load_cases(SHIPPED_CASES_DIR / f"{CASE_WITH_ASK}.yaml")
    assert found.problems == [] and [c.id for c in found.cases] == [CASE_WITH_ASK]


def test_a_folder_named_like_a_case_file_is_a_problem(tmp_path):
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "good.yaml").write_bytes((SHIPPED_CASES_DIR / f"{CASE_WITH_ASK}.yaml")
                                         .read_bytes())
    found = load_cases(tmp_path)
    assert pairs(found.problems) == {("folder.yaml", "(file)")}
    assert [c.id for c in found.cases] == [CASE_WITH_ASK]


def test_read_case_file_labels_problems_with_the_file_name(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("- a\n", encoding="utf-8")
    _, problems = read_case_file(path)
    assert problems[0].file == "x.yaml"


def test_loading_reads_but_never_changes_the_files(messy_folder):
    before = {p.name: p.read_bytes() for p in messy_folder.iterdir()}
    load_cases(messy_folder)
    assert {p.name: p.read_bytes() for p in messy_folder.iterdir()} == before


ALIAS_BOMB = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {project!r})
    from w4r.cases import parse_case_bytes
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{{i}}: &a{{i}} [" + ", ".join([f"*a{{i - 1}}"] * 10) + "]")
    lines.append("year: *a8")
    raw = "\\n".join(lines).encode()
    assert len(raw) < 1000
    case, problems = parse_case_bytes(raw, "bomb.yaml")
    print("|".join(str(p) for p in problems))
""")


def test_yaml_alias_bomb_is_reported_quickly():
    code = ALIAS_BOMB.format(project=str(PROJECT_DIR))
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=3)
    except subprocess.TimeoutExpired:
        pytest.fail("checking a 500-byte case file took more than 3 seconds")
    assert done.returncode == 0, done.stderr
    assert "bomb.yaml: (file): YAML syntax error" in done.stdout
    assert "aliases (*name) are not allowed" in done.stdout


def test_a_field_written_twice_is_a_problem():
    raw = b"id: a\nsummary: one\nsummary: two\n"
    case, problems = parse_case_bytes(raw, "twice.yaml")
    assert case is None
    assert [(p.field, "appears twice" in p.message) for p in problems] == [("(file)", True)]


# --- hostile files: each becomes problem lines, never a crash -------------------------------

def _shipped_text() -> str:
    return (SHIPPED_CASES_DIR / f"{CASE_WITH_ASK}.yaml").read_text(encoding="utf-8")


HOSTILE_CASES = {
    "impossible-date.yaml": lambda: _shipped_text() + "\nnote_date: 2024-02-30\n",
    "huge-number.yaml": lambda: _shipped_text().replace("\nyear: ", "\nyear: " + "9" * 5000 + "\n#",
                                                        1),
    "sexagesimal.yaml": lambda: _shipped_text().replace("\nyear: ", "\nyear: 1" + ":00" * 3000
                                                        + "\n#", 1),
    "deep.yaml": lambda: "id: x\ntags: " + "[" * 2000 + "]" * 2000 + "\n",
    "deep-map.yaml": lambda: "id: x\nappeal: " + "{a: " * 2000 + "1" + "}" * 2000 + "\n",
    "surrogate.yaml": lambda: _shipped_text().replace("\nname: ", '\nname: "\\ud800"\n#', 1),
    "surrogate-key.yaml": lambda: _shipped_text() + '\n"\\udcff": 1\n',
    "many-values.yaml": lambda: "id: x\ntags: [" + "a, " * 30_000 + "a]\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_CASES))
def test_a_hostile_case_file_is_a_problem_line_not_a_crash(name):
    case, problems = parse_case_bytes(HOSTILE_CASES[name]().encode("utf-8"), name)
    assert case is None and problems
    assert all(str(p).startswith(f"{name}: ") for p in problems), problems
    assert all("Error" not in p.message for p in problems), problems  # plain words
    "\n".join(map(str, problems)).encode("utf-8")  # printable


def test_an_impossible_date_names_its_line():
    _, [problem] = parse_case_bytes(HOSTILE_CASES["impossible-date.yaml"]().encode(), "d.yaml")
    assert "'2024-02-30' is not a real date" in problem.message and "line" in problem.message


def test_load_cases_skips_each_hostile_file_and_keeps_the_good_ones(tmp_path):
    for path in SHIPPED_CASES_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    for name, make in HOSTILE_CASES.items():
        (tmp_path / f"zz-{name}").write_text(make(), encoding="utf-8")
    found = load_cases(tmp_path)
    assert len(found.cases) == len(list(SHIPPED_CASES_DIR.glob("*.yaml")))
    assert {p.file for p in found.problems} == {f"zz-{name}" for name in HOSTILE_CASES}


def test_a_non_utf8_file_name_is_printed_safely(tmp_path):
    (tmp_path / b"bad-\xff.yaml".decode("utf-8", "surrogateescape")).write_text("id: [")
    found = load_cases(tmp_path)
    assert [p.file for p in found.problems] == ["bad-?.yaml"]


@pytest.mark.parametrize("name", sorted(HOSTILE_CASES))
def test_cases_check_lists_a_hostile_file_as_problem_lines(tmp_path, capsys, name):
    from w4r import cli

    (tmp_path / name).write_text(HOSTILE_CASES[name](), encoding="utf-8")
    assert cli.main(["cases", "check", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "unexpected error" not in out + err
    assert out and all(line.startswith(f"{name}: ") for line in out.splitlines())
