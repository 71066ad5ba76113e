"""Printers: PDFs go to `lp` on stdin; a stand-in `lp` first on PATH records what it was given."""

from __future__ import annotations

import os
import stat
import textwrap

import pytest

from w4r import printer

PDF = b"%PDF-1.3\n% a tiny stand-in document\n%%EOF\n"


def install(folder, name, body):
    """Write an executable shell script called `name` into folder."""
    script = folder / name
    script.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.fixture
def bin_dir(tmp_path, monkeypatch):
    """A folder first on PATH (and nothing else: no real lp can answer)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin:/bin")
    return folder


@pytest.fixture
def fake_lp(bin_dir, tmp_path):
    """An lp that records its arguments and standard input, then answers like CUPS."""
    install(bin_dir, "lp", f"""\
        for arg in "$@"; do printf '%s\\n' "$arg"; done > "{tmp_path}/args"
        cat > "{tmp_path}/stdin"
        echo "request id is office-42 (1 file(s))"
        """)
    return tmp_path


def test_the_pdf_goes_to_lp_on_stdin_with_printer_title_and_copies(fake_lp):
    result = printer.print_pdf(PDF, "office", title="Class 7B letters; rm -rf /", copies=2)
    assert (fake_lp / "stdin").read_bytes() == PDF
    args = (fake_lp / "args").read_text().splitlines()
    assert args == ["-d", "office", "-t", "Class 7B letters; rm -rf /", "-n", "2"]
    assert result == printer.PrintResult("office", "office-42",
                                         "request id is office-42 (1 file(s))")


def test_a_missing_lp_says_what_to_install(bin_dir, monkeypatch):
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(printer.PrintError) as caught:
        printer.print_pdf(PDF, "office")
    message = str(caught.value)
    assert "lp was not found" in message and "apt-get install cups-client" in message
    assert "\n" not in message


def test_an_unknown_printer_reports_lps_own_words(bin_dir):
    install(bin_dir, "lp", """\
        cat > /dev/null
        echo "lp: Error - The printer or class does not exist." >&2
        exit 1
        """)
    with pytest.raises(printer.PrintError, match="could not print on 'nowhere': lp: Error - "
                                                 "The printer or class does not exist."):
        printer.print_pdf(PDF, "nowhere")


def test_an_lp_that_never_answers_is_stopped_after_the_timeout(bin_dir):
    install(bin_dir, "lp", "exec sleep 30\n")
    with pytest.raises(printer.PrintError, match="did not answer within 0.5 s"):
        printer.print_pdf(PDF, "office", timeout=0.5)


def test_an_lp_failing_silently_reports_its_exit_code(bin_dir):
    install(bin_dir, "lp", "cat > /dev/null\nexit 3\n")
    with pytest.raises(printer.PrintError, match="exited with code 3"):
        printer.print_pdf(PDF, "office")


def test_another_lp_program_can_be_named(bin_dir, tmp_path):
    install(bin_dir, "my-lp", f'cat > "{tmp_path}/got"\necho "request id is q-1 (1 file(s))"\n')
    assert printer.print_pdf(PDF, "q", lp="my-lp").job == "q-1"
    assert (tmp_path / "got").read_bytes() == PDF


@pytest.mark.parametrize("name", ["", "-h", "two words", "a/b", "a#b", "x" * 128])
def test_a_name_no_printer_can_have_is_refused_before_running_lp(fake_lp, name):
    with pytest.raises(printer.PrintError, match="not a printer name"):
        printer.print_pdf(PDF, name)
    assert not (fake_lp / "args").exists()


def test_only_a_pdf_is_sent(fake_lp):
    with pytest.raises(printer.PrintError, match="only a PDF"):
        printer.print_pdf(b"<html>", "office")
    assert not (fake_lp / "args").exists()


@pytest.mark.parametrize("copies", [0, 101])
def test_copies_are_bounded(fake_lp, copies):
    with pytest.raises(printer.PrintError, match="copies"):
        printer.print_pdf(PDF, "office", copies=copies)


def test_printers_lists_what_lpstat_knows(bin_dir):
    install(bin_dir, "lpstat", 'printf "office\\nLibrary_Laser\\n\\n"\n')
    assert printer.printers() == ["Library_Laser", "office"]


def test_printers_without_a_cups_server_is_a_clear_error(bin_dir):
    install(bin_dir, "lpstat", 'echo "lpstat: No destinations added." >&2\nexit 1\n')
    with pytest.raises(printer.PrintError, match="No destinations added"):
        printer.printers()
