"""Printers: send a PDF to a CUPS printer with `lp`, with a time limit and one-line errors."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

SETUP = "see docs/PRINTING.md"
_PRINTER_NAME = re.compile(r"[^\s/#\\-][^\s/#\\]{0,126}")  # what CUPS accepts as a queue name
_JOB = re.compile(r"request id is (\S+)")


class PrintError(RuntimeError):
    """Printing failed; the message says why and what to do, on one line."""


@dataclass(frozen=True)
class PrintResult:
    """A job the printer accepted: its id (e.g. 'office-42') and what lp said."""

    printer: str
    job: str
    message: str


def _last_line(output: bytes) -> str:
    """The last non-empty line a program printed."""
    lines = output.decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1].strip() if lines else ""


def _run(command: list[str], data: bytes | None, timeout: float) -> subprocess.CompletedProcess:
    """Run a CUPS client with a time limit, turning every failure to start it into PrintError."""
    program = command[0]
    found = shutil.which(program)
    if found is None:
        raise PrintError(f"{program} was not found: install CUPS (apt-get install cups-client) "
                         f"and set up a printer ({SETUP})")
    try:
        return subprocess.run(command, executable=found, input=data, capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PrintError(f"{program} did not answer within {timeout:g} s: is the CUPS server "
                         "running? (systemctl status cups)") from exc
    except OSError as exc:
        raise PrintError(f"{program} could not be started: {exc.strerror or exc}") from exc


def check_printer_name(printer: str) -> str:
    """Return a printer (queue) name, or raise PrintError when CUPS could not have one like it."""
    if not _PRINTER_NAME.fullmatch(printer or ""):
        raise PrintError(f"{printer!r} is not a printer name: use the name `lpstat -p` shows "
                         "(no spaces, '/', '#' or leading '-')")
    return printer


def print_pdf(data: bytes, printer: str, *, title: str = "Write for Rights letters",
              copies: int = 1, lp: str = "lp", timeout: float = 30) -> PrintResult:
    """Send a PDF to a printer with `lp -d PRINTER -t TITLE -n COPIES`, the PDF on stdin."""
    check_printer_name(printer)
    if not data.startswith(b"%PDF-"):
        raise PrintError("only a PDF can be sent to the printer")
    if not 1 <= copies <= 100:
        raise PrintError(f"copies must be between 1 and 100, not {copies}")
    done = _run([lp, "-d", printer, "-t", title, "-n", str(copies)], data, timeout)
    if done.returncode != 0:
        reason = _last_line(done.stderr) or f"{lp} exited with code {done.returncode}"
        raise PrintError(f"could not print on {printer!r}: {reason} "
                         "(`lpstat -p` lists the printers)")
    message = _last_line(done.stdout)
    job = _JOB.search(message)
    return PrintResult(printer, job.group(1) if job else "", message)


def printers(*, lpstat: str = "lpstat", timeout: float = 10) -> list[str]:
    """The names of the printers CUPS knows (`lpstat -e`), sorted."""
    done = _run([lpstat, "-e"], None, timeout)
    if done.returncode != 0:
        raise PrintError(f"could not list the printers: {_last_line(done.stderr) or 'no answer'}"
                         f" ({SETUP})")
    return sorted(line.strip() for line in done.stdout.decode(errors="replace").splitlines()
                  if line.strip())
