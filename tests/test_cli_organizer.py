"""The organizer's new commands (w4r/cli.py): session pin, session create/list, cases load,
tally export --with-letters and importing letters on another database."""

from __future__ import annotations

import io
import json
import sys
import zipfile

import pytest

from w4r import access, cli, db as w4r_db, kept, letters, links, sessions, tally

from conftest import SHIPPED_CASES_DIR

T0 = 1_800_000_000.0


def run(capsys, *argv):
    """Run the CLI in this process; return (exit code, stdout, stderr)."""
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def feed_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def one_line(err: str) -> str:
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, f"expected one line on stderr, got {err!r}"
    return err.splitlines()[0]


@pytest.fixture
def dbfile(tmp_path):
    path = tmp_path / "organizer.db"
    w4r_db.connect(path).conn.close()
    return path


def open_db(path):
    return w4r_db.connect(path)


def new_case_yaml(case_id="cli-new-case", name="Nueva Persona") -> str:
    text = (SHIPPED_CASES_DIR / "jani-silva.yaml").read_text(encoding="utf-8")
    return text.replace("id: jani-silva", f"id: {case_id}", 1).replace(
        "name: Jani Silva", f"name: {name}", 1)


def stored_case_ids(path) -> list[str]:
    with w4r_db.opened(path) as conn:
        return [row[0] for row in conn.execute("select id from case_files order by id")]


# --- session pin ---------------------------------------------------------------------------------

def test_session_pin_reads_the_pin_from_stdin_and_sets_it(capsys, monkeypatch, dbfile):
    feed_stdin(monkeypatch, b"Pin-4821\n")
    code, out, err = run(capsys, "--db", dbfile, "session", "pin", "--session", "class")
    assert code == 0, err
    assert one_line(err) == "PIN set for CLASS"
    assert "Pin-4821" not in out + err
    database = open_db(dbfile)
    assert access.check(database, "CLASS", "Pin-4821", "b", now=T0).ok
    assert not access.check(database, "CLASS", "Pin-4821\n", "b", now=T0).ok
    database.conn.close()


def test_session_pin_with_windows_line_end_and_no_line_end(capsys, monkeypatch, dbfile):
    feed_stdin(monkeypatch, b"Pin-4821\r\nsecond line ignored\n")
    assert run(capsys, "--db", dbfile, "session", "pin", "--session", "CLASS")[0] == 0
    database = open_db(dbfile)
    assert access.check(database, "CLASS", "Pin-4821", "b", now=T0).ok
    feed_stdin(monkeypatch, "Ünï-pin-2".encode())
    assert run(capsys, "--db", dbfile, "session", "pin", "--session", "CLASS")[0] == 0
    assert access.check(database, "CLASS", "Ünï-pin-2", "b", now=T0).ok
    database.conn.close()


def test_session_pin_replaces_a_forgotten_pin_and_ends_the_sign_ins(capsys, monkeypatch, dbfile):
    database = open_db(dbfile)
    access.set_pin(database, "CLASS", "forgotten-1")
    for i in range(access.SESSION_FREE_TRIES):
        access.check(database, "CLASS", "guess", f"tab-{i}", now=T0)
    token = access.sign_in(database, "CLASS", "forgotten-1", "teacher", now=T0 + 5).token
    feed_stdin(monkeypatch, b"fresh-pin-2\n")
    assert run(capsys, "--db", dbfile, "session", "pin", "--session", "CLASS")[0] == 0
    assert access.signed_in(database, token) is None  # every earlier sign-in ends
    assert access.check(database, "CLASS", "fresh-pin-2", "teacher", now=T0 + 6).ok
    assert not access.check(database, "CLASS", "forgotten-1", "teacher", now=T0 + 6).ok
    database.conn.close()


@pytest.mark.parametrize("stdin", [b"123\n", b"\n", b"", b"777777\n", b"1234\n", b"123456\n"])
def test_session_pin_refuses_a_bad_pin_in_one_line(capsys, monkeypatch, dbfile, stdin):
    feed_stdin(monkeypatch, stdin)
    code, out, err = run(capsys, "--db", dbfile, "session", "pin", "--session", "CLASS")
    assert code == 1
    line = one_line(err)
    assert line.startswith("pin: ") and "PIN" in line
    assert out == ""
    database = open_db(dbfile)
    assert not access.has_pin(database, "CLASS")
    database.conn.close()


def test_session_pin_for_an_unknown_session(capsys, monkeypatch, dbfile):
    feed_stdin(monkeypatch, b"Pin-4821\n")
    code, out, err = run(capsys, "--db", dbfile, "session", "pin", "--session", "nope")
    assert code == 1
    line = one_line(err)
    assert line.startswith("session: ") and "NOPE" in line and "CLASS" in line
    with w4r_db.opened(dbfile) as conn:
        assert conn.execute("select count(*) from pins").fetchone()[0] == 0


def test_session_pin_needs_the_session_flag(capsys, monkeypatch, dbfile):
    feed_stdin(monkeypatch, b"Pin-4821\n")
    code, _, err = run(capsys, "--db", dbfile, "session", "pin")
    assert code == 2 and "--session" in one_line(err)


# --- session create / list -------------------------------------------------------------------------

def test_session_create_sets_the_pin_read_from_stdin_and_prints_the_code(capsys, monkeypatch,
                                                                        dbfile):
    feed_stdin(monkeypatch, b"Pin-4821\n")
    code, out, err = run(capsys, "--db", dbfile, "session", "create", "--name", "Library stand",
                         "--kind", "event", "--goal", "5", "--code", "EVT1")
    assert (code, out, err) == (0, "EVT1\n", "")
    database = open_db(dbfile)
    made = sessions.get(database, "EVT1")
    assert (made.name, made.kind, made.goal) == ("Library stand", "event", 5)
    assert access.check(database, "EVT1", "Pin-4821", "b", now=T0).ok
    database.conn.close()


def test_session_create_with_a_generated_pin(capsys, dbfile):
    code, out, err = run(capsys, "--db", dbfile, "session", "create", "--name", "Class 7B",
                         "--generate-pin")
    made = out.strip()
    assert code == 0 and sessions.code_problem(made) is None
    line = one_line(err)
    pin = line.split(": ")[1].split()[0]
    assert pin.isdigit() and len(pin) == 6 and access.pin_problem(pin) is None
    database = open_db(dbfile)
    assert sessions.get(database, made).name == "Class 7B"
    assert access.check(database, made, pin, "b", now=T0).ok
    database.conn.close()


@pytest.mark.parametrize("stdin", [b"", b"1234\n", b"123456\n"])
def test_session_create_without_a_good_pin_creates_nothing(capsys, monkeypatch, dbfile, stdin):
    feed_stdin(monkeypatch, stdin)
    code, out, err = run(capsys, "--db", dbfile, "session", "create", "--name", "No PIN",
                         "--code", "NOPIN")
    assert code == 1 and out == "" and one_line(err).startswith("pin: ")
    database = open_db(dbfile)
    assert sessions.get(database, "NOPIN") is None
    database.conn.close()


@pytest.mark.parametrize("argv", [["--name", "Dup", "--code", "CLASS"],
                                  ["--name", "", "--code", "EMPTY1"],
                                  ["--name", "Goal", "--goal", "-1", "--code", "GOAL1"]])
def test_session_create_bad_data_exits_1(capsys, monkeypatch, dbfile, argv):
    feed_stdin(monkeypatch, b"Pin-4821\n")
    code, out, err = run(capsys, "--db", dbfile, "session", "create", *argv)
    assert code == 1 and out == ""
    assert one_line(err).startswith("session: ")
    database = open_db(dbfile)
    assert not access.has_pin(database, "CLASS")
    database.conn.close()


# --- session setup-code ---------------------------------------------------------------------------

def test_setup_code_prints_a_one_time_code_that_sets_the_first_pin(capsys, dbfile):
    code, out, err = run(capsys, "--db", dbfile, "session", "setup-code")
    assert code == 0 and err == ""
    first_line = out.splitlines()[0]
    assert first_line.startswith("Organizer setup code for Our class (CLASS): ")
    setup_code = first_line.rsplit(": ", 1)[1]
    assert len(setup_code.replace("-", "")) >= 10 and "24 hours" in out
    database = open_db(dbfile)
    attempt = access.claim_with_setup_code(database, "CLASS", setup_code, "Pin-4821",
                                           "Pin-4821", "b")
    assert attempt.ok and access.has_pin(database, "CLASS")
    database.conn.close()


def test_setup_code_for_a_session_with_a_pin_is_refused(capsys, monkeypatch, dbfile):
    feed_stdin(monkeypatch, b"Pin-4821\n")
    run(capsys, "--db", dbfile, "session", "pin", "--session", "CLASS")
    code, out, err = run(capsys, "--db", dbfile, "session", "setup-code", "--session", "class")
    assert code == 1 and out == ""
    assert "already has" in one_line(err) and "session pin" in err
    assert run(capsys, "--db", dbfile, "session", "setup-code", "--if-needed") == (0, "", "")


def test_setup_code_if_needed_prints_one_when_there_is_no_pin(capsys, dbfile):
    code, out, _ = run(capsys, "--db", dbfile, "session", "setup-code", "--if-needed")
    assert code == 0 and "setup code" in out


def test_setup_code_for_an_unknown_session(capsys, dbfile):
    code, out, err = run(capsys, "--db", dbfile, "session", "setup-code", "--session", "nope")
    assert code == 1 and out == "" and "NOPE" in one_line(err)


def make_run(kiosk: str) -> list[str]:
    """What `make run` runs, in order (PY replaced by echo, the venv taken as installed)."""
    import os
    import subprocess

    from conftest import PROJECT_DIR
    done = subprocess.run(["make", "-s", "-o", ".venv/installed", "run", "PY=echo PY"],
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, W4R_KIOSK=kiosk))
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_make_run_prints_the_setup_code_first():
    lines = make_run("")
    assert lines[0] == "PY -m w4r session setup-code --if-needed"
    assert lines[1].startswith("PY -m streamlit run app.py")


def test_make_run_for_a_locked_kiosk_checks_its_session_first():
    lines = make_run("FAIR24")
    assert lines[0] == "PY -m w4r kiosk check FAIR24"
    assert lines[1].startswith("PY -m streamlit run app.py")


# --- session set -----------------------------------------------------------------------------------

def test_session_set_changes_the_settings_and_prints_them(capsys, dbfile):
    code, out, err = run(capsys, "--db", dbfile, "session", "set", "class", "--kiosk", "on",
                         "--idle-seconds", "90", "--keep-text", "on", "--personal-data", "off",
                         "--goal", "45", "--name", "Hall stand")
    assert code == 0, err
    assert out.splitlines()[0] == "CLASS: Hall stand"
    assert "kiosk          on" in out and "idle seconds   90" in out and "goal           45" in out
    database = open_db(dbfile)
    saved = sessions.get(database, "CLASS")
    assert (saved.kiosk, saved.idle_seconds, saved.keep_text, saved.personal_data, saved.goal,
            saved.name) == (True, 90, True, False, 45, "Hall stand")
    database.conn.close()
    code, out, _ = run(capsys, "--db", dbfile, "session", "set", "CLASS", "--kiosk", "off")
    assert code == 0 and "kiosk          off" in out and "idle seconds   90" in out


def test_session_set_draft_hours(capsys, dbfile):
    code, out, err = run(capsys, "--db", dbfile, "session", "set", "CLASS", "--draft-hours", "6")
    assert code == 0, err
    assert "draft hours    6" in out
    database = open_db(dbfile)
    assert sessions.get(database, "CLASS").draft_hours == 6
    database.conn.close()
    code, out, err = run(capsys, "--db", dbfile, "session", "set", "CLASS", "--draft-hours", "0")
    assert code == 1 and "unfinished letters are kept 1 to 720 hours" in err


def test_session_set_bad_values_one_line_each_and_nothing_changed(capsys, dbfile):
    code, out, err = run(capsys, "--db", dbfile, "session", "set", "CLASS", "--goal", "-1",
                         "--idle-seconds", "1", "--kiosk", "on")
    assert code == 1 and out == "" and "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 2 and all(line.startswith("session: ") for line in lines)
    assert any("goal" in line for line in lines) and any("idle" in line for line in lines)
    database = open_db(dbfile)
    assert not sessions.get(database, "CLASS").kiosk
    database.conn.close()


@pytest.mark.parametrize("argv", [["CLASS", "--kiosk", "maybe"], ["CLASS", "--goal", "many"],
                                  []])
def test_session_set_usage_errors_exit_2(capsys, dbfile, argv):
    code, _, err = run(capsys, "--db", dbfile, "session", "set", *argv)
    assert code == 2 and "Traceback" not in err


def test_session_set_unknown_session(capsys, dbfile):
    code, out, err = run(capsys, "--db", dbfile, "session", "set", "NOPE", "--goal", "3")
    assert code == 1 and out == "" and "NOPE" in one_line(err)


def test_session_list_json_includes_the_new_fields(capsys, dbfile):
    database = open_db(dbfile)
    sessions.create(database, "Class 7B", "class", 30, "SEVENB", organizer="Ms Novák",
                    starts_on="2026-12-01", ends_on="2026-12-10", cases=("jani-silva",),
                    kinds=("appeal",), keep_text=True, age_band="10-15", language="pl",
                    grouping="Hill School", leaderboard=True, show_names=True,
                    timezone="Europe/Warsaw", head_count=24)
    database.conn.close()
    code, out, err = run(capsys, "--db", dbfile, "session", "list", "--json")
    assert code == 0, err
    listed = {s["code"]: s for s in json.loads(out)}
    assert list(listed) == ["CLASS", "SEVENB"]
    seven = listed["SEVENB"]
    assert seven == {"code": "SEVENB", "name": "Class 7B", "kind": "class", "goal": 30,
                     "organizer": "Ms Novák", "starts_on": "2026-12-01",
                     "ends_on": "2026-12-10", "cases": ["jani-silva"], "kinds": ["appeal"],
                     "keep_text": True, "personal_data": False, "age_band": "10-15",
                     "language": "pl", "grouping": "Hill School", "leaderboard": True,
                     "show_names": True, "printer": "", "kiosk": False, "idle_seconds": 120,
                     "timezone": "Europe/Warsaw", "head_count": 24, "draft_hours": 24,
                     "section_shared": False}
    assert listed["CLASS"]["kinds"] == ["solidarity", "appeal"]
    assert "Ms Novák" in out  # not escaped


# --- cases load -------------------------------------------------------------------------------------

def test_cases_load_stores_a_valid_pack_and_cases_list_shows_it(capsys, dbfile, tmp_path):
    one = tmp_path / "one.yaml"
    one.write_text(new_case_yaml("cli-new-case", "Zoë Núñez"), encoding="utf-8")
    pack = tmp_path / "pack.zip"
    with zipfile.ZipFile(pack, "w") as archive:
        archive.writestr("cases/two.yaml", new_case_yaml("cli-zip-case", "Ümit"))
        archive.writestr("__MACOSX/cases/._two.yaml", b"\x00junk")
    code, out, err = run(capsys, "--db", dbfile, "cases", "load", one, pack)
    assert code == 0, err
    assert out == "stored 2 cases: cli-new-case, cli-zip-case\n"
    assert stored_case_ids(dbfile) == ["cli-new-case", "cli-zip-case"]
    code, out, err = run(capsys, "--db", dbfile, "cases", "list")
    assert code == 0, err
    assert "cli-new-case" in out and "Zoë Núñez" in out and "cli-zip-case" in out
    assert "jani-silva" in out  # the shipped cases are still there
    code, out, _ = run(capsys, "--db", dbfile, "cases", "list", "--json")
    ids = [c["id"] for c in json.loads(out)]
    assert "cli-new-case" in ids and len(ids) == len(set(ids))


def test_cases_load_replaces_a_shipped_case(capsys, dbfile, tmp_path):
    edited = tmp_path / "jani.yaml"
    edited.write_text(new_case_yaml("jani-silva", "Jani Silva (2026)"), encoding="utf-8")
    assert run(capsys, "--db", dbfile, "cases", "load", edited)[0] == 0
    code, out, _ = run(capsys, "--db", dbfile, "cases", "list", "--json")
    names = [c["name"] for c in json.loads(out) if c["id"] == "jani-silva"]
    assert names == ["Jani Silva (2026)"]


def test_cases_load_with_bad_files_lists_every_problem_and_stores_nothing(capsys, dbfile,
                                                                          tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(new_case_yaml("cli-good"), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(new_case_yaml("Bad Id").replace("year: 2020", "year: 1990"), encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("id,nmae\nx,y\n", encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    code, out, err = run(capsys, "--db", dbfile, "cases", "load", good, bad, sheet, notes)
    assert code == 1 and out == ""
    assert "Traceback" not in err
    found = err.splitlines()
    assert found[-1] == "nothing was stored"
    problems = found[:-1]
    assert any(line.startswith(f"{bad}: id: ") for line in problems), problems
    assert any(line.startswith(f"{bad}: year: ") for line in problems), problems
    assert any(line.startswith(f"{sheet}: nmae: unknown column") for line in problems)
    assert any(line.startswith(f"{notes}: (file): is not a case file") for line in problems)
    assert len(problems) == 4
    assert stored_case_ids(dbfile) == []


def test_cases_load_of_a_missing_file(capsys, dbfile, tmp_path):
    code, _, err = run(capsys, "--db", dbfile, "cases", "load", tmp_path / "missing.yaml")
    assert code == 1 and "cannot be read" in one_line(err)
    assert stored_case_ids(dbfile) == []


# --- tally export --with-letters ----------------------------------------------------------------

@pytest.fixture
def with_letters(dbfile):
    """A session keeping letter text, with two counted letters and one count-only action."""
    database = open_db(dbfile)
    session = sessions.create(database, "Class 7B", "class", 40, "SEVENB", keep_text=True)
    for message, name in (("¡Ánimo, Jani!\nSeguimos contigo.", "Zoë"), ("Free her now.", "")):
        kept.count(database, session, letters.Draft("jani-silva", "solidarity",
                                                    message=message, name=name), lang="es")
    tally.record(database, tally.Action("manual-1", "SEVENB", "tun-aung", "appeal", "card", 12,
                                        source="manual"))
    database.conn.close()
    return dbfile


def test_export_with_letters_as_csv_is_refused(capsys, with_letters, tmp_path):
    out_file = tmp_path / "t.csv"
    code, out, err = run(capsys, "--db", with_letters, "tally", "export", "--session", "SEVENB",
                         "--format", "csv", "--with-letters", "-o", out_file)
    assert code == 1 and out == ""
    assert "--with-letters" in one_line(err) and "JSON" in err
    assert not out_file.exists()


def test_export_without_letters_holds_no_text(capsys, with_letters, tmp_path):
    out_file = tmp_path / "t.json"
    assert run(capsys, "--db", with_letters, "tally", "export", "--session", "SEVENB",
               "--format", "json", "-o", out_file)[0] == 0
    text = out_file.read_text(encoding="utf-8")
    assert "Ánimo" not in text and "letters" not in json.loads(text)


def test_export_with_letters_then_import_on_another_db_keeps_the_text(capsys, with_letters,
                                                                     tmp_path):
    out_file = tmp_path / "t.json"
    code, out, err = run(capsys, "--db", with_letters, "tally", "export", "--session", "sevenb",
                         "--format", "json", "--with-letters", "-o", out_file)
    assert code == 0, err
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert len(data["letters"]) == 2
    other = tmp_path / "other.db"
    made = open_db(other)
    sessions.create(made, "Class 7B", "class", 40, "SEVENB", keep_text=True)
    made.conn.close()
    code, out, err = run(capsys, "--db", other, "tally", "import", out_file, "--session", "SEVENB")
    assert code == 0, err
    assert out == "3 new (14 actions), 0 already counted, 2 letter texts kept (session SEVENB)\n"
    database, source = open_db(other), open_db(with_letters)
    made = sessions.get(database, "SEVENB")
    assert (made.name, made.goal) == ("Class 7B", 40)
    theirs = {k.submission_id: k for k in kept.listing(database, "SEVENB")}
    mine = {k.submission_id: k for k in kept.listing(source, "SEVENB")}
    assert theirs.keys() == mine.keys() and len(theirs) == 2
    for sid, letter in mine.items():
        assert theirs[sid].parts == letter.parts and theirs[sid].lang == "es"
    assert "¡Ánimo, Jani!\nSeguimos contigo." in {k.parts["message"] for k in theirs.values()}
    assert tally.totals(database, made).total == tally.totals(source, made).total == 14
    database.conn.close()
    source.conn.close()
    # a second import adds nothing, and says so
    code, out, err = run(capsys, "--db", other, "tally", "import", out_file, "--session", "SEVENB")
    assert (code, out) == (0, "0 new (0 actions), 3 already counted (session SEVENB)\n"), err
    with w4r_db.opened(other) as conn:
        assert conn.execute("select count(*) from letters").fetchone()[0] == 2


def test_export_with_letters_to_stdout(capsys, with_letters):
    code, out, err = run(capsys, "--db", with_letters, "tally", "export", "--session", "SEVENB",
                         "--format", "json", "--with-letters", "-o", "-")
    assert code == 0, err
    data = json.loads(out)
    assert data["session"]["code"] == "SEVENB" and len(data["letters"]) == 2
    assert "¡Ánimo, Jani!\nSeguimos contigo." in {i["parts"]["message"] for i in data["letters"]}


class TestSessionLink:
    @pytest.fixture
    def dbfile(self, tmp_path, monkeypatch):
        monkeypatch.delenv("W4R_URL", raising=False)
        path = tmp_path / "links.db"
        with w4r_db.opened(path) as database:
            access.create_session(database, "482913", "Class 7B", code="7B2026")
        return path

    def test_the_join_link(self, capsys, dbfile):
        code, out, err = run(capsys, "--db", dbfile, "session", "link", "7b-2026")
        assert code == 0, err
        assert out == "http://localhost:8501/?s=7B2026\n"

    def test_the_join_link_on_another_host(self, capsys, dbfile, monkeypatch):
        code, out, _err = run(capsys, "--db", dbfile, "session", "link", "7B2026", "--host",
                              "http://192.168.1.20:8501/")
        assert (code, out) == (0, "http://192.168.1.20:8501/?s=7B2026\n")
        monkeypatch.setenv("W4R_URL", "https://w4r.example.org")
        code, out, _err = run(capsys, "--db", dbfile, "session", "link", "7B2026")
        assert (code, out) == (0, "https://w4r.example.org/?s=7B2026\n")

    def test_a_projector_link_shows_the_session_and_a_new_one_revokes_it(self, capsys, dbfile):
        code, out, err = run(capsys, "--db", dbfile, "session", "link", "7B2026",
                             "--projector", "--host", "http://10.0.0.5:8501")
        assert code == 0, err
        assert out.startswith("http://10.0.0.5:8501/?p=") and out.count("\n") == 1
        first = out.strip().split("?p=", 1)[1]
        assert "stopped working" in err
        with w4r_db.opened(dbfile) as database:
            assert links.displayed(database, first) == "7B2026"
            assert access.signed_in(database, first) is None  # it signs nobody in
        _code, out, _err = run(capsys, "--db", dbfile, "session", "link", "7B2026", "--projector")
        second = out.strip().split("?p=", 1)[1]
        with w4r_db.opened(dbfile) as database:
            assert links.displayed(database, first) is None
            assert links.displayed(database, second) == "7B2026"

    def test_an_unknown_session_or_bad_host_is_one_line(self, capsys, dbfile):
        code, out, err = run(capsys, "--db", dbfile, "session", "link", "NOPE99", "--projector")
        assert (code, out) == (1, "")
        assert "no session" in one_line(err)
        code, out, err = run(capsys, "--db", dbfile, "session", "link", "7B2026", "--host",
                             "192.168.1.20")
        assert (code, out) == (1, "")
        assert "not a web address" in one_line(err)
