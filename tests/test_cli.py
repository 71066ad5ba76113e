"""The organizer's command line: exit codes, one line per problem, never a traceback."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import date

import pytest
from pypdf import PdfReader

from w4r import cli, config, letters
from w4r import db as w4r_db

from conftest import CASE_WITH_ASK, PROJECT_DIR, SHIPPED_CASES_DIR

PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+): (?P<field>[^:]+): (?P<message>.+)$")


def run_main(capsys, *argv):
    """Run the CLI in this process; return (exit code, stdout, stderr)."""
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as exc:  # argparse: --help and usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def run_cli(*argv, db=None, stdin: bytes | None = None):
    """Run `python -m w4r` in a new process, as an organizer would."""
    env = dict(os.environ)
    env.pop("W4R_DEBUG", None)
    env.pop("W4R_CONTENT", None)
    env["W4R_DB"] = str(config.db_target(db))  # the file, or its database on PostgreSQL
    argv = [str(config.db_target(a)) if previous == "--db" else str(a)  # URL on PostgreSQL
            for previous, a in zip([None, *argv], argv)]
    done = subprocess.run([sys.executable, "-m", "w4r", *argv], cwd=PROJECT_DIR,
                          env=env, input=stdin, capture_output=True, timeout=60)
    return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


def lines(text: str) -> list[str]:
    return text.splitlines()


def assert_one_clear_line(err: str) -> str:
    assert "Traceback" not in err
    assert len(lines(err)) == 1, f"expected one line on stderr, got: {err!r}"
    return lines(err)[0]


def db_state(path):
    """Every row of the tally, read beside the CLI."""
    with w4r_db.opened(path) as conn:
        return (conn.execute("select * from actions order by submission_id").fetchall(),
                conn.execute("select code, name, kind, goal from sessions order by code")
                .fetchall())


def show_json(capsys, db, session="CLASS"):
    code, out, err = run_main(capsys, "--db", db, "tally", "show", "--session", session,
                              "--json")
    assert code == 0, err
    data = json.loads(out)
    return data["total"], data["by_kind"], data["by_case"]


# --- help and usage errors ------------------------------------------------------------

COMMANDS = [[], ["cases"], ["cases", "check"], ["cases", "list"], ["letter"],
            ["letter", "pdf"], ["session"], ["session", "create"], ["session", "list"],
            ["tally"], ["tally", "add"], ["tally", "show"], ["tally", "export"],
            ["tally", "import"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "(top)")
def test_help_exits_0_for_every_command(capsys, command):
    code, out, err = run_main(capsys, *command, "--help")
    assert code == 0
    assert out.startswith("usage:")
    assert err == ""


def test_help_in_a_real_process():
    code, out, err = run_cli("--help")
    assert code == 0 and "usage:" in out and "tally" in out and err == ""


@pytest.mark.parametrize("argv", [
    ["tally", "add", "--session", "CLASS", "--case", CASE_WITH_ASK],
    ["tally", "add", "--session", "CLASS", "--case", CASE_WITH_ASK, "--kind", "bogus"],
    ["frobnicate"],
], ids=["missing --kind", "--kind bogus", "unknown command"])
def test_bad_arguments_in_a_real_process_exit_2_with_one_line(argv, tmp_path):
    code, out, err = run_cli(*argv, db=tmp_path / "w4r.db")
    assert code == 2
    line = assert_one_clear_line(err)
    assert "error:" in line
    assert out == ""


@pytest.mark.parametrize("argv", [
    [],
    ["cases"],
    ["tally", "add", "--session", "CLASS", "--case", CASE_WITH_ASK, "--kind", "appeal",
     "--count", "abc"],
    ["letter", "pdf", "--case", CASE_WITH_ASK, "--kind", "appeal", "--text-file", "x",
     "-o", "y.pdf", "--paper", "legal"],
    ["session", "create", "--name", "x", "--kind", "party"],
    ["tally", "show"],
    ["--no-such-flag", "cases", "list"],
    ["tally", "export", "--session", "CLASS", "--format", "xml", "-o", "-"],
])
def test_bad_arguments_exit_2_with_one_line(capsys, argv):
    code, out, err = run_main(capsys, *argv)
    assert code == 2
    assert "error:" in assert_one_clear_line(err)
    assert out == ""


# --- cases -------------------------------------------------------------------------

def test_cases_check_passes_on_the_shipped_content(capsys, cases):
    code, out, err = run_main(capsys, "cases", "check")
    assert code == 0, out + err
    assert out.strip() == f"{len(cases.cases)} cases, all valid"


def test_cases_check_accepts_a_folder_argument(capsys, cases):
    code, out, _ = run_main(capsys, "cases", "check", SHIPPED_CASES_DIR)
    assert code == 0 and str(len(cases.cases)) in out


@pytest.fixture
def bad_folder(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    real = (SHIPPED_CASES_DIR / f"{CASE_WITH_ASK}.yaml").read_text(encoding="utf-8")
    (folder / "good.yaml").write_text(real, encoding="utf-8")
    (folder / "syntax.yaml").write_text("id: [oops\n", encoding="utf-8")
    several = (real.replace("year: 2015", 'year: "2015"').replace("summary:", "sumary:", 1)
               .replace("id: yecenia-armenta", "id: Yecenia"))
    (folder / "several.yaml").write_text(several, encoding="utf-8")
    (folder / "bytes.yaml").write_bytes(b"name: \xe9\n")
    return folder


BAD_FOLDER_PROBLEMS = {("syntax.yaml", "(file)"), ("bytes.yaml", "(file)"),
                       ("several.yaml", "year"), ("several.yaml", "sumary"),
                       ("several.yaml", "summary"), ("several.yaml", "id")}


def test_cases_check_lists_one_line_per_problem_and_exits_1(capsys, bad_folder):
    code, out, err = run_main(capsys, "cases", "check", bad_folder)
    assert code == 1
    printed = lines(out) + lines(err)
    matches = [PROBLEM_LINE.match(line) for line in printed]
    assert all(matches), printed
    assert len(printed) == len(BAD_FOLDER_PROBLEMS)
    assert {(m["file"], m["field"]) for m in matches} == BAD_FOLDER_PROBLEMS


def test_cases_check_on_a_bad_folder_in_a_real_process(bad_folder):
    code, out, err = run_cli("cases", "check", bad_folder)
    assert code == 1
    assert "Traceback" not in out + err
    assert len(lines(out) + lines(err)) == len(BAD_FOLDER_PROBLEMS)


def test_cases_check_on_a_missing_folder(capsys, tmp_path):
    code, out, err = run_main(capsys, "cases", "check", tmp_path / "nowhere")
    assert code == 1
    (line,) = lines(out) + lines(err)
    assert "does not exist" in line


def test_cases_list_json_parses(capsys, cases):
    code, out, err = run_main(capsys, "cases", "list", "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert {c["id"] for c in listed} == {c.id for c in cases.cases}
    assert all(c["year"] and c["status"] and c["sources"] for c in listed)


def test_cases_list_prints_one_line_per_case(capsys, cases):
    code, out, _ = run_main(capsys, "cases", "list")
    assert code == 0
    assert len(lines(out)) == len(cases.cases)
    assert all(c.id in out for c in cases.cases)


def test_cases_list_follows_w4r_content(capsys, monkeypatch, tmp_path):
    content = tmp_path / "content"
    (content / "cases").mkdir(parents=True)
    (content / "cases" / "one.yaml").write_bytes(
        (SHIPPED_CASES_DIR / f"{CASE_WITH_ASK}.yaml").read_bytes())
    monkeypatch.setenv("W4R_CONTENT", str(content))
    code, out, _ = run_main(capsys, "cases", "list", "--json")
    assert code == 0
    assert [c["id"] for c in json.loads(out)] == [CASE_WITH_ASK]


def test_cases_list_with_no_usable_content_exits_1(capsys, tmp_path):
    code, out, err = run_main(capsys, "--content", tmp_path / "empty", "cases", "list")
    assert code == 1
    assert "does not exist" in assert_one_clear_line(err)


# --- letter pdf ------------------------------------------------------------------------

def letter_args(text_file, output, *extra):
    return ["letter", "pdf", "--case", CASE_WITH_ASK, "--kind", "appeal",
            "--text-file", text_file, "-o", output, *extra]


def test_letter_pdf_from_a_file(capsys, tmp_path):
    source = tmp_path / "message.txt"
    source.write_text("Szanowni Państwo, proszę o uwolnienie.\n", encoding="utf-8")
    output = tmp_path / "letter.pdf"
    code, out, err = run_main(capsys, *letter_args(source, output, "--name", "Łucja"))
    assert code == 0, err
    reader = PdfReader(output)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Szanowni Państwo, proszę o uwolnienie." in text and "Łucja" in text
    assert "wrote" in err and "Traceback" not in err


def test_letter_pdf_from_stdin_in_a_real_process(tmp_path):
    output = tmp_path / "letter.pdf"
    code, out, err = run_cli(*letter_args("-", output, "--paper", "letter", "--lang", "fr"),
                             db=tmp_path / "w4r.db",
                             stdin="Je vous écris pour elle.\n".encode("utf-8"))
    assert code == 0, err
    reader = PdfReader(output)
    page = reader.pages[0]
    assert "Je vous écris pour elle." in page.extract_text()
    assert letters.long_date(date.today(), "fr") in page.extract_text()
    assert float(page.mediabox.width) == pytest.approx(612, abs=1)


def test_letter_pdf_of_100000_characters_exits_1_with_clear_lines(capsys, tmp_path):
    source = tmp_path / "long.txt"
    source.write_text("a" * 100_000, encoding="utf-8")
    output = tmp_path / "letter.pdf"
    code, out, err = run_main(capsys, *letter_args(source, output))
    assert code == 1
    assert "Traceback" not in err
    assert lines(err) and all(line.startswith("letter: ") for line in lines(err))
    assert any("100,0" in line for line in lines(err))
    assert not output.exists()


def test_letter_pdf_in_arabic_prints(capsys, tmp_path):
    source = tmp_path / "ar.txt"
    source.write_text("أطلقوا سراحها", encoding="utf-8")
    output = tmp_path / "letter.pdf"
    code, _, _ = run_main(capsys, *letter_args(source, output))
    assert code == 0
    assert output.read_bytes().startswith(b"%PDF")


def test_letter_pdf_in_a_script_no_font_covers_exits_1_naming_what_to_install(
        capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("W4R_FONT_DIRS", "")  # no system fonts: only the shipped ones
    monkeypatch.delenv("W4R_CJK_FONT", raising=False)
    source = tmp_path / "km.txt"
    source.write_text("សូមដោះលែងនាង", encoding="utf-8")
    output = tmp_path / "letter.pdf"
    code, _, err = run_main(capsys, *letter_args(source, output))
    assert code == 1
    line = assert_one_clear_line(err)
    assert "Khmer" in line and "fonts-noto-core" in line
    assert not output.exists()


def test_letter_pdf_for_an_unknown_case_exits_1(capsys, tmp_path):
    source = tmp_path / "m.txt"
    source.write_text("Hello", encoding="utf-8")
    code, _, err = run_main(capsys, "letter", "pdf", "--case", "no-such-case", "--kind",
                            "appeal", "--text-file", source, "-o", tmp_path / "x.pdf")
    assert code == 1
    assert "no-such-case" in assert_one_clear_line(err)


def test_letter_pdf_with_a_non_utf8_file_exits_1(capsys, tmp_path):
    source = tmp_path / "latin1.txt"
    source.write_bytes("Très bien".encode("latin-1"))
    code, _, err = run_main(capsys, *letter_args(source, tmp_path / "x.pdf"))
    assert code == 1
    assert "UTF-8" in assert_one_clear_line(err)


def test_letter_pdf_with_a_missing_text_file_exits_1(capsys, tmp_path):
    code, _, err = run_main(capsys, *letter_args(tmp_path / "nope.txt", tmp_path / "x.pdf"))
    assert code == 1
    assert "nope.txt" in assert_one_clear_line(err)


def test_letter_pdf_to_an_unwritable_place_exits_1(capsys, tmp_path):
    source = tmp_path / "m.txt"
    source.write_text("Hello", encoding="utf-8")
    code, _, err = run_main(capsys, *letter_args(source, tmp_path / "no" / "dir" / "x.pdf"))
    assert code == 1
    assert "cannot be written" in assert_one_clear_line(err)


def test_letter_pdf_with_emoji_prints_and_notes_it(capsys, tmp_path):
    source = tmp_path / "m.txt"
    source.write_text("Stay strong 💪", encoding="utf-8")
    output = tmp_path / "x.pdf"
    code, _, err = run_main(capsys, *letter_args(source, output))
    assert code == 0
    assert "note:" in err and output.exists()


# --- sessions ----------------------------------------------------------------------------

def test_session_create_prints_the_code_and_list_shows_it(capsys, tmp_path):
    db = tmp_path / "w4r.db"
    code, out, err = run_main(capsys, "--db", db, "session", "create", "--generate-pin",
                              "--name", "Klasa 7b – Zażółć", "--goal", "50", "--code", "7b-2026")
    assert code == 0, err
    assert out.strip() == "7B2026"
    code, out, _ = run_main(capsys, "--db", db, "session", "list")
    assert code == 0 and "7B2026" in out and "Klasa 7b – Zażółć" in out
    code, out, _ = run_main(capsys, "--db", db, "session", "list", "--json")
    listed = {s["code"]: s for s in json.loads(out)}
    assert {k: listed["7B2026"][k] for k in ("code", "name", "kind", "goal")} == {
        "code": "7B2026", "name": "Klasa 7b – Zażółć", "kind": "class", "goal": 50}
    assert "CLASS" in listed


def test_session_create_without_a_code_makes_one(capsys, tmp_path):
    code, out, _ = run_main(capsys, "--db", tmp_path / "w4r.db", "session", "create",
                            "--name", "Event", "--kind", "event", "--generate-pin")
    assert code == 0 and re.fullmatch(r"[A-Z0-9]{6}", out.strip())


@pytest.mark.parametrize("extra", [["--code", "class"], ["--code", "x!"], ["--goal", "-5"]])
def test_session_create_with_bad_data_exits_1(capsys, tmp_path, extra):
    db = tmp_path / "w4r.db"
    code, _, err = run_main(capsys, "--db", db, "session", "create", "--name", "X",
                          "--generate-pin", *extra)
    assert code == 1
    assert assert_one_clear_line(err).startswith("session: ")


# --- tally -------------------------------------------------------------------------------

def add(capsys, db, *extra, case=CASE_WITH_ASK, kind="appeal", session="CLASS"):
    return run_main(capsys, "--db", db, "tally", "add", "--session", session, "--case", case,
                    "--kind", kind, *extra)


def test_tally_add_with_the_same_id_twice_counts_once(capsys, tmp_path):
    db = tmp_path / "w4r.db"
    code, out, _ = add(capsys, db, "--id", "draft-42")
    assert code == 0 and out.startswith("counted")
    code, out, _ = add(capsys, db, "--id", "draft-42")
    assert code == 0 and out.startswith("already counted")
    assert show_json(capsys, db)[0] == 1


def test_tally_add_accepts_a_code_as_typed(capsys, tmp_path):
    db = tmp_path / "w4r.db"
    run_main(capsys, "--db", db, "session", "create", "--name", "7b", "--code", "7B2026",
             "--generate-pin")
    code, _, err = add(capsys, db, session="7b-2026")
    assert code == 0, err
    assert show_json(capsys, db, "7B2026")[0] == 1


def test_tally_show_json_has_totals_by_kind_and_case(capsys, tmp_path, cases):
    db = tmp_path / "w4r.db"
    other = next(c.id for c in cases.cases if c.id != CASE_WITH_ASK)
    add(capsys, db, "--count", "3")
    add(capsys, db, kind="solidarity", case=other)
    add(capsys, db, "--action", "card", "--count", "2", kind="solidarity")
    total, by_kind, by_case = show_json(capsys, db)
    assert total == 6
    assert by_kind == {"appeal": 3, "solidarity": 3}
    assert by_case == {CASE_WITH_ASK: {"appeal": 3, "solidarity": 2}, other: {"solidarity": 1}}


def test_tally_show_plain_text(capsys, tmp_path):
    db = tmp_path / "w4r.db"
    add(capsys, db, "--count", "4")
    code, out, _ = run_main(capsys, "--db", db, "tally", "show", "--session", "class")
    assert code == 0
    assert "4" in lines(out)[0] and CASE_WITH_ASK in out


@pytest.mark.parametrize("argv_extra, needle", [
    ({"session": "NOPE42"}, "NOPE42"),
    ({"case": "no-such-case"}, "no-such-case"),
])
def test_tally_add_for_unknown_session_or_case_exits_1(capsys, tmp_path, argv_extra, needle):
    db = tmp_path / "w4r.db"
    code, _, err = add(capsys, db, **argv_extra)
    assert code == 1
    assert needle in assert_one_clear_line(err)
    assert db_state(db)[0] == []


@pytest.mark.parametrize("extra", [["--count", "0"], ["--count", "100001"],
                                   ["--id", "has space"]])
def test_tally_add_with_bad_values_exits_1(capsys, tmp_path, extra):
    db = tmp_path / "w4r.db"
    code, _, err = add(capsys, db, *extra)
    assert code == 1
    assert_one_clear_line(err)
    assert db_state(db)[0] == []


def test_tally_show_unknown_session_exits_1(capsys, tmp_path):
    code, _, err = run_main(capsys, "--db", tmp_path / "w4r.db", "tally", "show",
                            "--session", "NOPE42")
    assert code == 1
    assert "NOPE42" in assert_one_clear_line(err)


@pytest.mark.sqlite_only  # a file path that cannot be created
def test_an_unusable_database_path_exits_1_with_one_line(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run_main(capsys, "--db", blocker / "w4r.db", "session", "list")
    assert code == 1
    assert assert_one_clear_line(err).startswith("w4r: cannot use the database")


@pytest.fixture
def filled_db(capsys, tmp_path, cases):
    """A database with a session holding a few different actions."""
    db = tmp_path / "source.db"
    run_main(capsys, "--db", db, "session", "create", "--name", "Zażółć – élève",
             "--code", "EXP123", "--goal", "20", "--generate-pin")
    other = next(c.id for c in cases.cases if c.id != CASE_WITH_ASK)
    for extra, case, kind in [(["--id", "a1"], CASE_WITH_ASK, "appeal"),
                              (["--id", "a2", "--count", "5"], other, "appeal"),
                              (["--id", "a3", "--action", "card"], other, "solidarity")]:
        code, _, err = add(capsys, db, *extra, case=case, kind=kind, session="EXP123")
        assert code == 0, err
    return db


def test_csv_export_written_by_the_cli_starts_with_a_bom(capsys, tmp_path, filled_db):
    out_file = tmp_path / "tally.csv"
    code, _, err = run_main(capsys, "--db", filled_db, "tally", "export", "--session",
                            "EXP123", "--format", "csv", "-o", out_file)
    assert code == 0, err
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8").startswith("submission_id,")


def test_json_export_written_by_the_cli_keeps_accents(capsys, tmp_path, filled_db):
    out_file = tmp_path / "tally.json"
    code, _, _ = run_main(capsys, "--db", filled_db, "tally", "export", "--session",
                          "EXP123", "--format", "json", "-o", out_file)
    assert code == 0
    raw = out_file.read_bytes()
    assert "Zażółć – élève".encode("utf-8") in raw
    assert json.loads(raw)["session"]["name"] == "Zażółć – élève"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_twice_gives_identical_totals(capsys, tmp_path, filled_db, fmt):
    out_file = tmp_path / f"tally.{fmt}"
    code, _, _ = run_main(capsys, "--db", filled_db, "tally", "export", "--session",
                          "EXP123", "--format", fmt, "-o", out_file)
    assert code == 0
    target = tmp_path / "target.db"
    made_session(capsys, target, "EXP123")
    code, out, err = run_main(capsys, "--db", target, "tally", "import", out_file,
                              "--session", "EXP123")
    assert code == 0, err
    assert out.startswith("3 new (7 actions), 0 already")
    first = show_json(capsys, target, "EXP123")
    code, out, _ = run_main(capsys, "--db", target, "tally", "import", out_file,
                            "--session", "exp123")
    assert code == 0
    assert out.startswith("0 new (0 actions), 3 already")
    assert show_json(capsys, target, "EXP123") == first == show_json(capsys, filled_db,
                                                                     "EXP123")


def made_session(capsys, path, code):
    """Create the session an import merges into (an import never creates one)."""
    code_, _, err = run_main(capsys, "--db", path, "session", "create", "--generate-pin", "--name", "Target",
                             "--code", code)
    assert code_ == 0, err


def test_export_to_stdout(capsys, filled_db):
    code, out, _ = run_main(capsys, "--db", filled_db, "tally", "export", "--session",
                            "EXP123", "--format", "json", "-o", "-")
    assert code == 0
    assert len(json.loads(out)["actions"]) == 3


def test_export_and_import_in_real_processes(capsys, tmp_path, filled_db):
    out_file = tmp_path / "tally.json"
    code, _, err = run_cli("--db", filled_db, "tally", "export", "--session", "EXP123",
                           "--format", "json", "-o", out_file)
    assert code == 0, err
    target = tmp_path / "target.db"
    made_session(capsys, target, "EXP123")
    code, out, err = run_cli("--db", target, "tally", "import", out_file, "--session", "EXP123")
    assert code == 0, err
    assert out.startswith("3 new")
    code, out, _ = run_main(capsys, "--db", target, "tally", "import", out_file,
                            "--session", "EXP123")
    assert out.startswith("0 new")
    counted = lambda path: [row[:6] for row in db_state(path)[0]]  # noqa: E731 (not source)
    assert counted(target) == counted(filled_db)
    assert len(counted(target)) == 3


def malformed_exports(good_csv: str, good_json: dict) -> dict[str, bytes]:
    rows = good_csv.splitlines()
    bad_row = rows[2].split(",")
    bad_row[3] = "bogus"
    return {
        "bad.json": b'{"format": "w4r-tally", "actions": [',
        "marker.json": json.dumps(good_json | {"format": "spreadsheet"}).encode(),
        "columns.csv": b"submission_id,kind\nz1,appeal\n",
        "one-bad-row.csv": "\r\n".join([rows[0], rows[1], ",".join(bad_row), *rows[3:]])
                           .encode("utf-8-sig"),
    }


@pytest.fixture
def malformed(tmp_path, capsys, filled_db):
    run_main(capsys, "--db", filled_db, "tally", "export", "--session", "EXP123", "--format",
             "csv", "-o", tmp_path / "good.csv")
    run_main(capsys, "--db", filled_db, "tally", "export", "--session", "EXP123", "--format",
             "json", "-o", tmp_path / "good.json")
    good_csv = (tmp_path / "good.csv").read_bytes().decode("utf-8-sig")
    good_json = json.loads((tmp_path / "good.json").read_bytes())
    files = {}
    for name, raw in malformed_exports(good_csv, good_json).items():
        (tmp_path / name).write_bytes(raw)
        files[name] = tmp_path / name
    return files


@pytest.mark.parametrize("name", ["bad.json", "marker.json", "columns.csv",
                                  "one-bad-row.csv"])
def test_malformed_import_exits_1_and_imports_nothing(capsys, tmp_path, malformed, name):
    target = tmp_path / "target.db"
    add(capsys, target, "--id", "already-here")
    before = db_state(target)
    code, out, err = run_main(capsys, "--db", target, "tally", "import", malformed[name],
                              "--session", "CLASS")
    assert code == 1
    assert "Traceback" not in err
    problem_lines = lines(err)
    assert problem_lines
    for line in problem_lines:
        match = PROBLEM_LINE.match(line)
        assert match and match["file"] == str(malformed[name]), line
    assert db_state(target) == before


def test_a_bad_row_is_named_by_its_line(capsys, tmp_path, malformed):
    code, _, err = run_main(capsys, "--db", tmp_path / "t.db", "tally", "import",
                            malformed["one-bad-row.csv"], "--session", "CLASS")
    assert code == 1
    assert lines(err) == [f"{malformed['one-bad-row.csv']}: line 3.kind: must be one of "
                          "solidarity, appeal"]


def test_malformed_import_in_a_real_process(tmp_path, malformed):
    target = tmp_path / "target.db"
    code, out, err = run_cli("--db", target, "tally", "import", malformed["marker.json"],
                             "--session", "CLASS")
    assert code == 1
    assert "Traceback" not in err
    assert len(lines(err)) == 1 and "format" in err


def test_import_of_a_missing_file_exits_1(capsys, tmp_path):
    code, _, err = run_main(capsys, "--db", tmp_path / "t.db", "tally", "import",
                            tmp_path / "nope.csv", "--session", "CLASS")
    assert code == 1
    assert "cannot be read" in assert_one_clear_line(err)


def test_letter_pdf_reads_stdin_in_process(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("Ελπίδα.".encode("utf-8")),
                                                       encoding="utf-8"))
    output = tmp_path / "x.pdf"
    code, _, err = run_main(capsys, *letter_args("-", output))
    assert code == 0, err
    assert "Ελπίδα." in PdfReader(output).pages[0].extract_text()
