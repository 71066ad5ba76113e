"""The organizer's command line, `python -m w4r`: thin over the same library as the app."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import secrets
import sys
from dataclasses import asdict
from pathlib import Path
from typing import NoReturn

from w4r import (access, casepack, config, db, kept, letters, links, pdf, printer, prompts,
                 reports, section, sessions, tally, terms, tone)
from w4r.cases import CaseSet, load_cases

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2
ON_OFF = ("on", "off")
MAX_TEXT_BYTES = 1_000_000
MAX_IMPORT_BYTES = 50_000_000


class Parser(argparse.ArgumentParser):
    """An argument parser that reports a usage error in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class Failure(Exception):
    """Bad data: each line of the message is one problem; exit 1."""


def build_parser() -> Parser:
    """Describe every command, its flags and its help."""
    parser = Parser(prog="python -m w4r", description="Run a Write for Rights letter-writing "
                    "session: check cases, print letters, keep the tally.")
    parser.add_argument("--db", help="SQLite file or postgresql:// URL (default: $W4R_DB, "
                        "w4r_db in .streamlit/secrets.toml, or data/w4r.db)")
    parser.add_argument("--content", help="content folder holding cases/ (default: "
                        "$W4R_CONTENT or content/)")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")

    cases = groups.add_parser("cases", help="check and list case files")
    cases_cmd = cases.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")
    check = cases_cmd.add_parser("check", help="validate case files; list every problem")
    check.add_argument("dir", nargs="?", help="folder or file to check (default: the content's "
                       "cases/)")
    check.set_defaults(run=cmd_cases_check)
    load = cases_cmd.add_parser("load", help="store a case pack (YAML, JSON, zip or CSV) in the "
                                              "database; nothing is stored unless all is valid")
    load.add_argument("files", nargs="+", help="case files or packs")
    load.add_argument("--session", default=db.DEFAULT_SESSION, help="the session the cases are "
                      "for (default: CLASS); other sessions never see them")
    load.set_defaults(run=cmd_cases_load)

    listing = cases_cmd.add_parser("list", help="list the cases")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--session", default=db.DEFAULT_SESSION, help="list the cases this "
                         "session sees (default: CLASS)")
    listing.set_defaults(run=cmd_cases_list)

    letter = groups.add_parser("letter", help="make letters")
    letter_cmd = letter.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")
    make = letter_cmd.add_parser("pdf", help="print a letter to a PDF file")
    make.add_argument("--case", required=True, help="case id (see: cases list)")
    make.add_argument("--session", default=db.DEFAULT_SESSION, help="whose cases (default: CLASS)")
    make.add_argument("--kind", required=True, choices=terms.LETTER_KINDS)
    make.add_argument("--text-file", required=True, help="the message, a UTF-8 file or - for stdin")
    make.add_argument("--lang", default="en", help="language of the letter, for the date "
                      "(default: en)")
    make.add_argument("--paper", default="a4", choices=list(pdf.PAPERS))
    make.add_argument("--name", default="", help="the writer's name (optional)")
    make.add_argument("--town", default="", help="the writer's town, printed with the name in "
                                                 "a sender block (optional)")
    make.add_argument("--layout", default="letter", choices=pdf.LAYOUTS,
                      help="solidarity messages: a letter, a folded card or a postcard")
    make.add_argument("-o", "--output", required=True, help="the PDF file to write")
    make.set_defaults(run=cmd_letter_pdf)

    check_letter = letter_cmd.add_parser(
        "check", help="check a letter's tone and safety; prints the findings (exit 0 whatever "
                      "it finds, 1 for bad input)")
    check_letter.add_argument("--case", required=True, help="case id (see: cases list)")
    check_letter.add_argument("--session", default=db.DEFAULT_SESSION,
                              help="whose cases (default: CLASS)")
    check_letter.add_argument("--kind", required=True, choices=terms.LETTER_KINDS)
    check_letter.add_argument("--text-file", required=True,
                              help="the letter, a UTF-8 file or - for stdin")
    check_letter.add_argument("--lang", default="en", help="language of the letter (rules: en, "
                                                           "fr, es; others use English)")
    check_letter.add_argument("--allow-personal-data", action="store_true",
                              help="the session lets writers give their address, phone, e-mail")
    check_letter.add_argument("--json", action="store_true", help="print JSON")
    check_letter.set_defaults(run=cmd_letter_check)

    session = groups.add_parser("session", help="classes and events")
    session_cmd = session.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")
    create = session_cmd.add_parser("create", help="create a session with its organizer PIN "
                                    "(read from stdin); prints its join code")
    create.add_argument("--name", required=True)
    create.add_argument("--kind", default="class", choices=sessions.KINDS)
    create.add_argument("--goal", type=int, default=0, help="letters to aim for")
    create.add_argument("--code", help="the join code (default: a new random one)")
    create.add_argument("--generate-pin", action="store_true",
                        help="make up a 6-digit PIN and print it, instead of reading stdin")
    create.set_defaults(run=cmd_session_create)
    pin = session_cmd.add_parser("pin", help="set a session's organizer PIN (read from stdin)")
    pin.add_argument("--session", required=True, help="session code")
    pin.set_defaults(run=cmd_session_pin)
    setup = session_cmd.add_parser("setup-code", help="print a one-time code with which the "
                                   "Organizer page sets the first PIN of a session without one")
    setup.add_argument("--session", default=db.DEFAULT_SESSION,
                       help=f"session code (default: {db.DEFAULT_SESSION})")
    setup.add_argument("--if-needed", action="store_true",
                       help="print nothing and succeed when the session already has a PIN")
    setup.set_defaults(run=cmd_session_setup_code)
    change = session_cmd.add_parser("set", help="change a session's settings; prints them")
    change.add_argument("code", help="session code")
    change.add_argument("--name")
    change.add_argument("--goal", type=int, help="letters to aim for")
    change.add_argument("--timezone", help="the time zone of the report's dates (Europe/Paris); "
                        "empty: the machine's")
    change.add_argument("--head-count", type=int, help="participants you counted yourself")
    change.add_argument("--kiosk", choices=ON_OFF, help="kiosk mode for the event's own screen")
    change.add_argument("--idle-seconds", type=int,
                        help="seconds before a kiosk forgets its visitor")
    change.add_argument("--draft-hours", type=int,
                        help="hours an unfinished letter is kept on the server (default 24)")
    change.add_argument("--keep-text", choices=ON_OFF, help="keep the text of counted letters")
    change.add_argument("--personal-data", choices=ON_OFF,
                        help="let writers give their address, phone or e-mail")
    change.set_defaults(run=cmd_session_set)

    slist = session_cmd.add_parser("list", help="list the sessions")
    slist.add_argument("--json", action="store_true", help="print JSON")
    slist.set_defaults(run=cmd_session_list)
    link = session_cmd.add_parser("link", help="print a session's join link (?s=CODE), or with "
                                  "--projector a new projector link (the old one stops working)")
    link.add_argument("code", help="session code")
    link.add_argument("--projector", action="store_true",
                      help="a new read-only projector link (?p=TOKEN) for the tally on a wall")
    link.add_argument("--host", help="the address pupils' devices reach, e.g. "
                      "http://192.168.1.20:8501 (default: $W4R_URL or http://localhost:8501)")
    link.set_defaults(run=cmd_session_link)

    printing = groups.add_parser("print", help="print the kept letters of a session")
    print_cmd = printing.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")
    batch = print_cmd.add_parser("batch", help="one PDF of a session's kept letters, grouped by "
                                               "case, each case opened by a cover sheet")
    batch.add_argument("--session", required=True, help="session code")
    batch.add_argument("--case", help="only this case's letters")
    batch.add_argument("--paper", default="a4", choices=list(pdf.PAPERS))
    batch.add_argument("--cards", default="letter", choices=pdf.LAYOUTS,
                       help="how solidarity messages print: letter, card or postcard")
    batch.add_argument("-o", "--output", required=True, help="the PDF file to write")
    batch.add_argument("--labels", help="also write address labels for the appeals to this PDF")
    batch.add_argument("--printer", help="also send the batch to this CUPS printer (lp -d)")
    batch.set_defaults(run=cmd_print_batch)

    count = groups.add_parser("tally", help="count, show, export and import the tally")
    count_cmd = count.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")
    add = count_cmd.add_parser("add", help="count actions (the same --id twice counts once)")
    add.add_argument("--session", required=True, help="session code")
    add.add_argument("--case", required=True, help="case id")
    add.add_argument("--kind", required=True, choices=terms.LETTER_KINDS)
    add.add_argument("--action", default="letter", choices=terms.ACTIONS)
    add.add_argument("--count", type=int, default=1, help="how many (default 1)")
    add.add_argument("--id", help="submission id (default: a new one)")
    add.set_defaults(run=cmd_tally_add)
    show = count_cmd.add_parser("show", help="show a session's totals")
    show.add_argument("--session", required=True)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(run=cmd_tally_show)
    export = count_cmd.add_parser("export", help="export a session's tally (no letter text)")
    export.add_argument("--session", required=True)
    export.add_argument("--format", required=True, choices=("csv", "json"))
    export.add_argument("-o", "--output", required=True, help="file to write, or - for stdout")
    export.add_argument("--with-letters", action="store_true",
                        help="JSON only: include the text of the session's kept letters")
    export.set_defaults(run=cmd_tally_export)
    imp = count_cmd.add_parser("import", help="merge a tally export from another device into "
                               "one session (each submission counted once; all or nothing)")
    imp.add_argument("file", help="a CSV or JSON file made by tally export")
    imp.add_argument("--session", required=True, help="the session to merge into (it must "
                     "exist: see session create)")
    imp.add_argument("--map", action="store_true", help="count actions of other sessions in the "
                     "file for --session too (without it, they are refused)")
    imp.set_defaults(run=cmd_tally_import)

    report = groups.add_parser("report", help="the section report: a row per case, kind and "
                               "action with totals, participants and dates (CSV, JSON or PDF)")
    report.add_argument("--session", required=True)
    report.add_argument("--format", choices=("csv", "json", "pdf"), default="csv")
    report.add_argument("-o", "--output", default="-", help="file to write, or - for stdout")
    report.add_argument("--section", action="store_true", help="every session of the school or "
                        "event that appears on its leaderboard (opted in), not just this one")
    report.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF only")
    report.set_defaults(run=cmd_report)

    sect = groups.add_parser("section", help="the section administrator (see docs/SECTION.md)")
    sect_cmd = sect.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")
    phrase = sect_cmd.add_parser("passphrase", help="set the section passphrase (typed twice "
                                 "without echo, or two lines on stdin), or remove it")
    phrase.add_argument("--from-env", metavar="VAR", help="read it from this environment "
                        "variable instead")
    phrase.add_argument("--clear", action="store_true", help="remove the passphrase: every "
                        "section sign-in and the section projector link end")
    phrase.set_defaults(run=cmd_section_passphrase)

    kiosk = groups.add_parser("kiosk", help="the locked kiosk server (W4R_KIOSK=CODE make run)")
    kiosk_cmd = kiosk.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")
    kiosk_check = kiosk_cmd.add_parser("check", help="check that a session can be a locked "
                                       "kiosk server's (exit 1 with the known codes if not)")
    kiosk_check.add_argument("code", help="session code")
    kiosk_check.set_defaults(run=cmd_kiosk_check)
    return parser


STORAGE_HINTS = {
    db.BUSY: "the database is busy (another program is writing to it): run the command again "
             "in a moment",
    db.FULL: "the database's disk is full: free some space, then run the command again",
    db.READ_ONLY: "the database's file or folder is read-only: w4r cannot save there",
    db.GONE: "the database file has gone",
    db.BROKEN: "the database cannot be used",
}


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code (0 ok, 1 bad data, 2 bad arguments)."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or EXIT_OK
    except Failure as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_DATA
    except db.DatabaseError as exc:
        print(f"w4r: {exc}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for an organizer; W4R_DEBUG=1 shows it
        if kind := db.problem(exc):  # the database failed under a command (busy, full…)
            print(f"w4r: {STORAGE_HINTS[kind]} ({config.shown(config.db_target(args.db))}: {exc})",
                  file=sys.stderr)
            return EXIT_DATA
        if os.environ.get("W4R_DEBUG"):
            raise
        print(f"w4r: unexpected error ({type(exc).__name__}: {exc}); please report it",
              file=sys.stderr)
        return EXIT_DATA


# --- commands ----------------------------------------------------------------

def _cases(args: argparse.Namespace) -> CaseSet:
    code = sessions.normalize_code(getattr(args, "session", None) or db.DEFAULT_SESSION)
    with db.opened(args.db) as database:
        found = casepack.merged(load_cases(config.cases_dir(args.content)), database,
                                _session(database, code).code)
    if found.problems and not found.cases:
        raise Failure("\n".join(map(str, found.problems)))
    return found


def _read(path: str, limit: int = MAX_TEXT_BYTES) -> bytes:
    try:
        data = sys.stdin.buffer.read(limit + 1) if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise Failure(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise Failure(f"{path}: is larger than {limit:,} bytes")
    return data


def _write(path: str, data: bytes) -> None:
    try:
        if path == "-":
            sys.stdout.buffer.write(data)
        else:
            Path(path).write_bytes(data)
    except OSError as exc:
        raise Failure(f"{path}: cannot be written: {exc.strerror or exc}") from exc


def _session(database: db.Database, code: str) -> sessions.Session:
    found = sessions.get(database, code)
    if not found:
        known = ", ".join(s.code for s in sessions.all_sessions(database))
        raise Failure(f"session: there is no session {sessions.normalize_code(code)!r} "
                      f"(known: {known})")
    return found


def cmd_cases_check(args: argparse.Namespace) -> int:
    """Validate case files and print every problem."""
    found = load_cases(args.dir or config.cases_dir(args.content))
    for problem in found.problems:
        print(problem)
    if found.problems:
        return EXIT_DATA
    print(f"{len(found.cases)} cases, all valid")
    return EXIT_OK


def cmd_cases_load(args: argparse.Namespace) -> int:
    """Store a case pack in the database, or list every problem and store nothing."""
    pack = casepack.read_files([(path, _read(path, casepack.MAX_PACK_BYTES))
                                for path in args.files])
    if pack.problems:
        raise Failure("\n".join(map(str, pack.problems)) + "\nnothing was stored")
    with db.opened(args.db) as database:
        stored = casepack.store(database, _session(database, args.session).code, pack)
    print(f"stored {reports.plural(stored, 'case')}: {', '.join(case.id for case, _ in pack.cases)}")
    return EXIT_OK


def cmd_cases_list(args: argparse.Namespace) -> int:
    """List the cases."""
    found = _cases(args)
    if args.json:
        print(json.dumps([asdict(c) for c in found.cases], ensure_ascii=False, indent=2))
    else:
        for case in found.cases:
            where = f" ({case.country})" if case.country else ""
            print(f"{case.id:24} {case.year}  {case.status:7}  {case.name}{where}")
    for problem in found.problems:
        print(problem, file=sys.stderr)
    return EXIT_DATA if found.problems else EXIT_OK


def cmd_letter_pdf(args: argparse.Namespace) -> int:
    """Print a letter to a PDF file."""
    case = _cases(args).get(args.case)
    if case is None:
        raise Failure(f"case: there is no case {args.case!r} (see: python -m w4r cases list)")
    raw = _read(args.text_file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Failure(f"{args.text_file}: is not UTF-8 text (byte {exc.start})") from exc
    draft = letters.start(case, args.kind)
    draft.message, draft.name = letters.clean(text), args.name
    if problems := letters.problems(draft):
        raise Failure("\n".join(f"letter: {p}" for p in problems))
    try:
        printed = pdf.build(letters.for_print(draft, case, lang=args.lang, sender_town=args.town),
                            args.paper, args.layout)
    except ValueError as exc:  # UnsupportedText, or a card for an appeal
        raise Failure(f"letter: {exc}") from exc
    _write(args.output, printed.data)
    for note in printed.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {args.output} ({printed.pages} page{'s' * (printed.pages > 1)})",
          file=sys.stderr)
    return EXIT_OK


def cmd_print_batch(args: argparse.Namespace) -> int:
    """Write one PDF of a session's kept letters; optionally labels, and send it to a printer."""
    database = db.connect(args.db)
    session = _session(database, args.session)
    items, missing = kept.batch(database, session.code, _cases(args), args.case)
    for case_id in missing:
        print(f"note: left out the letters for {case_id}: that case is no longer loaded",
              file=sys.stderr)
    if not items:
        raise Failure(f"print: {session.code} has no kept letters"
                      + (f" for {args.case}" if args.case else "")
                      + ("" if session.keep_text else " (the session does not keep letter text: "
                         "turn it on in Session settings)"))
    try:
        printed = pdf.build_batch(items, args.paper, args.cards)
    except ValueError as exc:
        raise Failure(f"print: {exc}") from exc
    _write(args.output, printed.data)
    for note in printed.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {args.output} ({len(items)} letters, {printed.pages} pages)", file=sys.stderr)
    if args.labels:
        try:
            labels = pdf.build_labels(items, args.paper)
        except ValueError as exc:
            raise Failure(f"labels: {exc}") from exc
        _write(args.labels, labels.data)
        for note in labels.notes:
            print(f"note: {note}", file=sys.stderr)
        print(f"wrote {args.labels} ({labels.pages} page{'s' * (labels.pages > 1)} of labels)",
              file=sys.stderr)
    if args.printer:
        try:
            result = printer.print_pdf(printed.data, args.printer,
                                       title=f"Write for Rights: {session.name}")
        except printer.PrintError as exc:
            raise Failure(f"print: {exc}") from exc
        print(result.message, file=sys.stderr)
    return EXIT_OK


def cmd_letter_check(args: argparse.Namespace) -> int:
    """Print the tone checker's findings for a letter."""
    case = _cases(args).get(args.case)
    if case is None:
        raise Failure(f"case: there is no case {args.case!r} (see: python -m w4r cases list)")
    raw = _read(args.text_file)
    try:
        text = letters.clean(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise Failure(f"{args.text_file}: is not UTF-8 text (byte {exc.start})") from exc
    examples = "\n\n".join(step.example for step in prompts.steps(args.kind, args.lang,
                                                                   case=case))
    try:
        found = tone.check(text, kind=args.kind, lang=args.lang, ask=case.appeal.ask,
                           religious_content=case.solidarity.religious_content,
                           allow_personal_data=args.allow_personal_data, examples=(examples,))
    except tone.RulesError as exc:
        raise Failure("\n".join(exc.problems)) from exc
    if args.json:
        print(json.dumps([asdict(f) for f in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    for f in found:
        words = " ".join(text[f.start:f.end].split())
        where = f" [{f.start}:{f.end}] “{words[:60]}{'…' if len(words) > 60 else ''}”" \
            if f.end > f.start else ""
        print(f"{f.severity:5} {f.rule}:{where}\n      {f.message}\n      try: {f.suggestion}")
    if not found:
        print("no findings")
    return EXIT_OK


def _read_pin(prompt: str) -> str:
    """A PIN from the first line of stdin (never an argument: it would stay in the history)."""
    if sys.stdin.isatty():
        print(prompt, file=sys.stderr)
    return sys.stdin.readline().rstrip("\r\n")


def _read_secret_twice(prompt: str) -> tuple[str, str]:
    """A secret typed twice at the terminal without echo, or the first two lines of stdin."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt + " "), getpass.getpass("The same again: ")
    return sys.stdin.readline().rstrip("\r\n"), sys.stdin.readline().rstrip("\r\n")


def cmd_section_passphrase(args: argparse.Namespace) -> int:
    """Set the section passphrase (never an argument: it would stay in the history), or clear it."""
    database = db.connect(args.db)
    if args.clear:
        if args.from_env:
            raise Failure("section: --clear takes no passphrase")
        had = section.clear_passphrase(database)
        print("section passphrase removed" if had else "there was no section passphrase",
              file=sys.stderr)
        return EXIT_OK
    if args.from_env:
        value = os.environ.get(args.from_env)
        if value is None:
            raise Failure(f"section: the environment variable {args.from_env} is not set")
        first = again = value
    else:
        first, again = _read_secret_twice("New section passphrase:")
    if first != again:
        raise Failure("section: the two passphrases differ; nothing was changed")
    try:
        section.set_passphrase(database, first)
    except ValueError as exc:
        raise Failure(f"section: not set: {exc}") from exc
    print("section passphrase set; every earlier section sign-in has ended", file=sys.stderr)
    return EXIT_OK


def generated_pin() -> str:
    """A random 6-digit PIN that passes the PIN rules."""
    while access.pin_problem(pin := f"{secrets.randbelow(10**6):06d}"):
        pass
    return pin


def cmd_session_create(args: argparse.Namespace) -> int:
    """Create a session with its organizer PIN and print its join code."""
    database = db.connect(args.db)
    pin = generated_pin() if args.generate_pin else _read_pin(
        f"Organizer PIN for {args.name}, then Enter:")
    if problem := access.pin_problem(pin):
        raise Failure(f"pin: {problem}")
    try:
        created = access.create_session(database, pin, args.name, args.kind, args.goal,
                                        args.code)
    except ValueError as exc:
        raise Failure(f"session: {exc}") from exc
    print(created.code)
    if args.generate_pin:
        print(f"organizer PIN for {created.code}: {pin} (shown only this once)", file=sys.stderr)
    return EXIT_OK


def cmd_session_pin(args: argparse.Namespace) -> int:
    """Set a session's organizer PIN, read from the first line of stdin (never an argument)."""
    database = db.connect(args.db)
    session = _session(database, args.session)
    pin = _read_pin(f"New organizer PIN for {session.name} ({session.code}), then Enter:")
    try:
        access.set_pin(database, session.code, pin)
    except ValueError as exc:
        raise Failure(f"pin: {exc}") from exc
    print(f"PIN set for {session.code}", file=sys.stderr)
    return EXIT_OK


def cmd_session_setup_code(args: argparse.Namespace) -> int:
    """Print a one-time setup code for a session without a PIN."""
    database = db.connect(args.db)
    session = _session(database, args.session)
    if access.has_pin(database, session.code):
        if args.if_needed:
            return EXIT_OK
        raise Failure(f"setup-code: {session.code} already has an organizer PIN: use "
                      f"session pin to change it")
    setup_code = access.new_setup_code(database, session.code)
    hours = round(access.SETUP_TTL_S / 3600)
    print(f"Organizer setup code for {session.name} ({session.code}): {setup_code}\n"
          f"Type it on the Organizer page to choose the PIN. It works once, for {hours} hours.")
    return EXIT_OK


def cmd_session_link(args: argparse.Namespace) -> int:
    """Print a session's join link, or a new projector link (revoking the previous one)."""
    try:
        base = links.host(args.host)
    except ValueError as exc:
        raise Failure(f"link: --host: {exc}") from exc
    database = db.connect(args.db)
    session = _session(database, args.code)
    if not args.projector:
        print(sessions.join_link(base, session.code))
        return EXIT_OK
    print(links.projector_link(base, links.issue_display(database, session.code)))
    print(f"Projector link for {session.name} ({session.code}): it shows the tally only. Any "
          f"older projector link of {session.code} stopped working.", file=sys.stderr)
    return EXIT_OK


def _settings(session: sessions.Session) -> str:
    on = {True: "on", False: "off"}
    zone = session.timezone or "(this computer's)"
    return "\n".join([f"{session.code}: {session.name}", f"  kind           {session.kind}",
                      f"  goal           {session.goal}", f"  kiosk          {on[session.kiosk]}",
                      f"  idle seconds   {session.idle_seconds}",
                      f"  keep text      {on[session.keep_text]}",
                      f"  draft hours    {session.draft_hours}",
                      f"  personal data  {on[session.personal_data]}",
                      f"  time zone      {zone}",
                      f"  head count     {session.head_count or '-'}"])


def cmd_session_set(args: argparse.Namespace) -> int:
    """Change a session's settings and print them."""
    database = db.connect(args.db)
    session = _session(database, args.code)
    changes = {name: value for name, value in (
        ("name", args.name), ("goal", args.goal), ("idle_seconds", args.idle_seconds),
        ("timezone", args.timezone), ("head_count", args.head_count),
        ("draft_hours", args.draft_hours))
        if value is not None}
    changes |= {name: value == "on" for name, value in (
        ("kiosk", args.kiosk), ("keep_text", args.keep_text),
        ("personal_data", args.personal_data)) if value is not None}
    try:
        session = sessions.update(database, session.code, **changes)
    except ValueError as exc:
        raise Failure("\n".join(f"session: {p}" for p in str(exc).split("; "))) from exc
    print(_settings(session))
    return EXIT_OK


def cmd_session_list(args: argparse.Namespace) -> int:
    """List the sessions."""
    found = sessions.all_sessions(db.connect(args.db))
    if args.json:
        print(json.dumps([asdict(s) for s in found], ensure_ascii=False, indent=2))
    for s in found if not args.json else ():
        print(f"{s.code:12} {s.kind:6} goal {s.goal:<6} {s.name}")
    return EXIT_OK


def cmd_kiosk_check(args: argparse.Namespace) -> int:
    """Check the session a locked kiosk server is started for; say what it will show."""
    if not sessions.normalize_code(args.code):
        raise Failure("kiosk: no session code given: W4R_KIOSK=CODE make run, or "
                      "make kiosk SESSION=CODE")
    try:
        session = _session(db.connect(args.db), args.code)
    except Failure as exc:
        raise Failure(f"kiosk: not started: {exc}") from exc
    print(f"Locked kiosk of {session.name} ({session.code}): every address shows its kiosk; "
          f"organizers work on another server or browser. Idle time {session.idle_seconds} s.")
    return EXIT_OK


def cmd_tally_add(args: argparse.Namespace) -> int:
    """Count actions for a case; the same --id twice counts once."""
    database = db.connect(args.db)
    session = _session(database, args.session)
    found = _cases(args)
    if found.get(args.case) is None:
        raise Failure(f"case: there is no case {args.case!r} (known: "
                      f"{', '.join(c.id for c in found.cases)})")
    action = tally.Action(submission_id=args.id or tally.new_submission_id(),
                          session_code=session.code, case_id=args.case, kind=args.kind,
                          action=args.action, count=args.count, source="cli")
    if problems := tally.action_problems(action):
        raise Failure("\n".join(problems))
    new = tally.record(database, action)
    total = tally.totals(database, session).total
    print(f"{'counted' if new else 'already counted'}: {action.submission_id} "
          f"(session {session.code} total {total})")
    return EXIT_OK


def cmd_tally_show(args: argparse.Namespace) -> int:
    """Show a session's totals."""
    database = db.connect(args.db)
    totals = tally.totals(database, _session(database, args.session))
    if args.json:
        print(json.dumps({"session": asdict(totals.session), "total": totals.total,
                          "by_kind": totals.by_kind, "by_case": totals.by_case},
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    s = totals.session
    goal = f" of a goal of {s.goal}" if s.goal else ""
    print(f"{s.name} ({s.code}): {totals.total}{goal}")
    for kind in terms.LETTER_KINDS:
        print(f"  {kind:12} {totals.by_kind.get(kind, 0)}")
    for case_id, kinds in sorted(totals.by_case.items()):
        print(f"  {case_id:28} " + "  ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return EXIT_OK


def cmd_tally_export(args: argparse.Namespace) -> int:
    """Export a session's tally as CSV or JSON."""
    database = db.connect(args.db)
    if args.with_letters and args.format != "json":
        raise Failure("--with-letters: letter text goes only into a JSON export")
    session = _session(database, args.session)
    text = tally.export_tally(database, session, args.format,
                              kept.for_export(database, session.code) if args.with_letters
                              else None)
    _write(args.output, text.encode("utf-8-sig" if args.format == "csv" else "utf-8"))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write the section report of a session (or of its school or event) as CSV, JSON or PDF."""
    database = db.connect(args.db)
    session = _session(database, args.session)
    names = {case.id: case.name for case in _cases(args).cases}
    if args.format == "pdf":
        data = reports.section_pdf(database, session, names, args.section, args.paper)
    else:
        report = reports.section(database, session, names, args.section)
        data = (reports.section_csv(report).encode("utf-8-sig") if args.format == "csv"
                else reports.section_json(report).encode("utf-8"))
    _write(args.output, data)
    return EXIT_OK


def cmd_tally_import(args: argparse.Namespace) -> int:
    """Import a tally export; each submission id counts once, however often it is imported."""
    parsed = tally.parse_export(_read(args.file, MAX_IMPORT_BYTES), args.file)
    if parsed.problems:
        raise Failure("\n".join(map(str, parsed.problems[:200])))
    database = db.connect(args.db)
    session = _session(database, args.session)
    try:
        result = tally.merge(database, session.code, parsed, map_other_sessions=args.map)
    except ValueError as exc:
        raise Failure(str(exc)) from exc
    print(f"{result.new} new ({result.new_letters} actions), {result.already} already counted"
          + (f", {reports.plural(result.kept_letters, 'letter text')} kept" if result.kept_letters else "")
          + f" (session {session.code})")
    return EXIT_OK
