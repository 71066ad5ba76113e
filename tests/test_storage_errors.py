"""Storage that fails under a pupil's click: a tally locked by another process, a full disk, a
read-only folder, the file deleted or replaced while the app runs. Each action says what happened
and whether the letter counted, within 3 s, with the page and its button still there, no
Streamlit error box and no server path."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from test_kiosk_pages import db_path, kiosk, write_a_letter  # noqa: F401 (fixtures)
from test_organizer_pages import first_pin_form, on
from test_pages import ROOT, button, field, no_error, through_app, write_for  # noqa: F401
from w4r import config, db, sessions, tally

DEADLINE_S = 3.0  # the functional deadline: from the click to the message
LOCKER = """
import sqlite3, sys, time
if sys.argv[1].startswith("postgresql://"):  # w4r's write lock, as a PostgreSQL writer holds it
    from w4r import db
    held = db.connect(sys.argv[1])
    held.begin()
else:
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextlib.contextmanager
def write_locked(path: Path, seconds: float = 15.0) -> Iterator[None]:
    """Another process holds a write transaction on the file (for `seconds`, or until the block
    ends: the process is stopped, which releases the lock)."""
    process = subprocess.Popen([sys.executable, "-c", LOCKER, str(config.db_target(path)),
                                str(seconds)], stdout=subprocess.PIPE, text=True,
                               cwd=config.PROJECT_DIR)
    try:
        assert process.stdout.readline().strip() == "locked"
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def raw(path: Path) -> sqlite3.Connection:
    """A read-only look at the file that never creates it."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def look(path: Path, sql: str, params: list | None = None, write: bool = False) -> list[tuple]:
    """Rows of a query, read (or a change written) beside the app: plain sqlite3 on the file,
    or w4r's own connection on PostgreSQL (tests/conftest.py maps the file to a database)."""
    target = config.db_target(path)
    if isinstance(target, str):
        with db.opened(target) as database:
            cursor = database.execute(sql, params or [])
            return [] if write else cursor.fetchall()
    with contextlib.closing(sqlite3.connect(path) if write else raw(path)) as conn, conn:
        return conn.execute(sql, params or []).fetchall()


def rows(path: Path, table: str = "actions") -> int:
    return look(path, f"select count(*) from {table}")[0][0]


def everything_shown(at: AppTest) -> str:
    """Every text the browser would get: messages, toasts, markdown, captions, titles."""
    parts = [e.value for kind in ("error", "warning", "info", "success", "toast", "markdown",
                                  "caption", "title") for e in at.get(kind)]
    return "\n".join(str(part) for part in parts)


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


def assert_clear(at: AppTest, *words: str, folder: Path) -> None:
    """No error box, the words said, and no server path anywhere on the page."""
    no_error(at)
    said = errors(at)
    for word in words:
        assert word in said, said
    shown = everything_shown(at)
    assert str(folder) not in shown and ".db" not in shown, shown


@pytest.fixture
def pupil(tmp_path, monkeypatch) -> tuple[AppTest, Path]:
    """A pupil on Print & count with a letter ready to count, on its own database file."""
    path = tmp_path / "w4r.db"
    monkeypatch.setenv("W4R_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at = write_for(at)
    field(at, "message").input("Please release her and let her see her family.").run()
    at = no_error(at.switch_page("pages/print.py").run())
    return at, path


def count(at: AppTest) -> tuple[AppTest, float]:
    """Click Count my letter; return the page and the seconds until it was drawn again."""
    started = time.monotonic()
    button(at, "Count my letter").click().run()
    return at, time.monotonic() - started


# --- a tally locked by another process ---------------------------------------------------------

def test_a_locked_tally_says_so_within_3_s_counts_nothing_then_counts_once(pupil, tmp_path):
    at, path = pupil
    with write_locked(path, 15):
        at, elapsed = count(at)
        assert elapsed < DEADLINE_S, f"{elapsed:.1f} s before the pupil heard anything"
        assert_clear(at, "The tally is busy", "Your letter is not counted yet", "Try again",
                     folder=tmp_path)
        assert any("trying again" in t.value for t in at.toast), "no visible retry"
        again = button(at, "Count my letter")
        assert not again.disabled, "the button must stay for the next try"
        assert at.title[0].value == "Print & count"
        assert rows(path) == 0
    at, _elapsed = count(at)  # the lock is gone: the retry counts
    no_error(at)
    assert rows(path) == 1
    assert any("Your letter is counted" in s.value for s in at.success)
    at.session_state["w4r.counted"] = set()  # a click that got there before the page changed
    button(at.run(), "Count my letter").click().run()
    assert rows(path) == 1


def test_one_try_of_the_app_waits_about_app_busy_ms_not_10_s(pupil):
    _at, path = pupil
    database = db.connect(path, busy_ms=db.APP_BUSY_MS, same_file=True)
    try:
        with write_locked(path, 15):
            started = time.monotonic()
            with pytest.raises(db.STORAGE_ERRORS) as caught:
                with db.transaction(database):
                    pass
            assert db.problem(caught.value) == db.BUSY
            assert time.monotonic() - started < 1.0
    finally:
        database.conn.close()


def test_a_page_drawn_while_the_tally_is_locked_does_not_hang(pupil, tmp_path):
    at, path = pupil
    with write_locked(path, 15):
        started = time.monotonic()
        at = no_error(at.switch_page("pages/tally.py").run())
        assert time.monotonic() - started < DEADLINE_S
        assert at.metric, "reading works while another process writes (WAL)"


# --- a full disk, a read-only folder ------------------------------------------------------------

class Disk:
    """The database's disk: a small tmpfs where mounting is allowed (root, as here), filled up
    and remounted read-only for real; elsewhere the same faults made by SQLite itself (every
    new connection may not grow the file: "database or disk is full") and by permissions."""

    def __init__(self, folder: Path, mounted: bool, monkeypatch) -> None:
        self.folder = folder
        self.mounted = mounted
        self.filler = folder / "filler"
        self.monkeypatch = monkeypatch
        self.connect = db.connect

    def fill(self) -> None:
        """Take every free byte of the disk."""
        if not self.mounted:
            with contextlib.closing(sqlite3.connect(self.folder / "w4r.db")) as conn:
                conn.execute("VACUUM")  # no free pages left inside the file either

            def connect(*args, **kwargs):
                database = self.connect(*args, **kwargs)
                pages = database.execute("PRAGMA page_count").fetchone()[0]
                database.execute(f"PRAGMA max_page_count = {pages}")
                return database
            self.monkeypatch.setattr(db, "connect", connect)
            return
        with contextlib.suppress(OSError), open(self.filler, "wb") as out:
            while True:
                out.write(b"\0" * 65536)
                out.flush()

    def free(self) -> None:
        if self.mounted:
            self.filler.unlink()
        else:
            self.monkeypatch.setattr(db, "connect", self.connect)

    def read_only(self, on: bool = True) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount," + ("ro" if on else "rw"),
                            str(self.folder)], check=True, capture_output=True)
            return
        for path in [self.folder, *self.folder.iterdir()]:
            path.chmod((0o555 if path.is_dir() else 0o444) if on else
                       (0o755 if path.is_dir() else 0o644))


@pytest.fixture
def disk(tmp_path, monkeypatch, request) -> Iterator[Disk]:
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = not os.environ.get("W4R_TEST_NO_MOUNT") and bool(shutil.which("mount")) and \
        subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
        capture_output=True).returncode == 0
    if not mounted and os.geteuid() == 0 and request.node.name.startswith("test_a_read_only"):
        pytest.skip("root without the right to mount: permissions would not stop it")
    try:
        yield Disk(folder, mounted, monkeypatch)
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture
def pupil_on_disk(disk, monkeypatch) -> tuple[AppTest, Path]:
    """A pupil ready to count a long letter (its kept text needs new pages), the database
    (which keeps letter text) on the small disk."""
    path = disk.folder / "w4r.db"
    monkeypatch.setenv("W4R_DB", str(path))
    database = db.connect(path)
    sessions.update(database, db.DEFAULT_SESSION, keep_text=True)
    database.conn.close()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at = write_for(at)
    field(at, "message").input("我们和你在一起，请释放她。" * 200).run()
    return no_error(at.switch_page("pages/print.py").run()), path


@pytest.mark.sqlite_only  # about the SQLite file itself
def test_a_full_disk_says_so_and_half_writes_nothing(pupil_on_disk, disk):
    at, path = pupil_on_disk
    disk.fill()
    at, elapsed = count(at)
    assert elapsed < DEADLINE_S
    assert_clear(at, "no room left to save", "Your letter is not counted yet", "disk is full",
                 folder=disk.folder)
    assert not button(at, "Count my letter").disabled
    assert rows(path) == 0 and rows(path, "letters") == 0, "the count and its text, or neither"
    disk.free()
    at, _elapsed = count(at)
    no_error(at)
    assert rows(path) == 1 and rows(path, "letters") == 1


@pytest.mark.sqlite_only  # about the SQLite file itself
def test_a_read_only_folder_says_so_and_writes_nothing(pupil_on_disk, disk):
    at, path = pupil_on_disk
    db.close_anchors()  # a folder with open files cannot be remounted read-only
    disk.read_only()
    try:
        at, elapsed = count(at)
        assert elapsed < DEADLINE_S
        assert_clear(at, "not allowed to save", "read-only", "Your letter is not counted yet",
                     folder=disk.folder)
    finally:
        disk.read_only(False)
    assert rows(path) == 0 and rows(path, "letters") == 0
    at, _elapsed = count(no_error(at.run()))  # writable again: the page is back, and counts
    assert rows(path) == 1 and rows(path, "letters") == 1


# --- the file deleted or replaced while the app runs --------------------------------------------

def _remove(path: Path) -> None:
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError):
            name.unlink()


@pytest.mark.sqlite_only  # about the SQLite file itself
def test_a_deleted_database_is_refused_not_recreated_empty(pupil, tmp_path):
    at, path = pupil
    _remove(path)
    at, elapsed = count(at)
    assert elapsed < DEADLINE_S
    assert_clear(at, "deleted, moved or replaced", "Your letter is not counted yet",
                 folder=tmp_path)
    assert not path.exists(), "no new empty tally"
    no_error(at.run())  # the next page draw refuses as well
    assert "deleted, moved or replaced" in errors(at)
    assert not path.exists()


@pytest.mark.sqlite_only  # about the SQLite file itself
def test_a_replaced_database_is_refused_and_the_letter_goes_nowhere(pupil, tmp_path):
    at, path = pupil
    other = tmp_path / "elsewhere.db"
    db.connect(other).conn.close()
    _remove(path)
    os.replace(other, path)
    at, elapsed = count(at)
    assert elapsed < DEADLINE_S
    assert_clear(at, "deleted, moved or replaced", "Your letter is not counted yet",
                 folder=tmp_path)
    assert rows(path) == 0, "not counted in the other file's default session"


@pytest.mark.sqlite_only  # about the SQLite file itself
def test_a_brand_new_install_still_creates_its_file(tmp_path, monkeypatch):
    path = tmp_path / "new" / "w4r.db"
    monkeypatch.setenv("W4R_DB", str(path))
    no_error(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run())
    assert path.exists() and rows(path, "sessions") == 1


def test_the_cli_on_a_locked_tally_says_so_in_words(tmp_path, monkeypatch, capsys):
    from w4r import cli
    path = tmp_path / "cli.db"
    db.connect(path).conn.close()
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)  # the CLI's own wait is 10 s
    with write_locked(path, 15):
        code = cli.main(["--db", str(path), "tally", "add", "--session", "CLASS",
                         "--case", "yecenia-armenta", "--kind", "appeal"])
    assert code == 1
    said = capsys.readouterr().err
    assert "the database is busy" in said and "run the command again" in said
    assert "unexpected" not in said and "Traceback" not in said
    assert rows(path) == 0


@pytest.mark.sqlite_only  # about the SQLite file itself
def test_the_cli_keeps_the_long_wait_and_may_create(tmp_path):
    database = db.connect(tmp_path / "cli.db")
    assert database.execute("PRAGMA busy_timeout").fetchone()[0] == db.BUSY_TIMEOUT_MS
    database.conn.close()
    (tmp_path / "cli.db").unlink()
    db.connect(tmp_path / "cli.db").conn.close()  # no app in this process: created again


# --- the organizer's actions ----------------------------------------------------------------------

@pytest.fixture
def organizer(tmp_path, monkeypatch) -> tuple[AppTest, Path]:
    path = tmp_path / "organizer.db"
    monkeypatch.setenv("W4R_DB", str(path))
    monkeypatch.delenv("W4R_CONTENT", raising=False)
    return first_pin_form(path), path


def test_saving_settings_on_a_locked_tally_says_so_and_keeps_the_page(organizer, tmp_path):
    at, path = organizer
    at = on(at, "session")
    at.text_input[0].input("Class 7B")
    with write_locked(path, 15):
        started = time.monotonic()
        button(at, "Save settings").click().run()
        assert time.monotonic() - started < DEADLINE_S
        assert_clear(at, "The tally is busy", "Nothing was saved", folder=tmp_path)
        assert at.title[0].value == "Session settings"
        assert button(at, "Save settings") and button(at, "Change the PIN")
    database = db.connect(path)
    assert sessions.default(database).name == db.DEFAULT_SESSION_NAME


def test_storing_a_case_pack_on_a_locked_tally_stores_nothing(organizer, tmp_path):
    at, path = organizer
    source = (ROOT / "content" / "cases" / "yecenia-armenta.yaml").read_text(encoding="utf-8")
    text = source.replace("id: yecenia-armenta", "id: new-case-2026")
    at = on(at, "case_file")
    at.file_uploader[0].set_value(("new.yaml", text.encode(), "text/yaml"))
    no_error(at.run())
    with write_locked(path, 15):
        button(at, "Store the 1 case").click().run()
        assert_clear(at, "The tally is busy", "The cases are not stored", folder=tmp_path)
        assert button(at, "Store the 1 case"), "the button stays for the next try"
    assert rows(path, "case_files") == 0


def test_merging_on_a_locked_tally_merges_nothing(organizer, tmp_path):
    at, path = organizer
    other = db.connect(tmp_path / "kiosk.db")
    tally.record(other, tally.Action("kiosk-1", db.DEFAULT_SESSION, "yecenia-armenta", "appeal"))
    raw_export = tally.export_tally(other, sessions.default(other), "json").encode()
    at = on(at, "reports")
    at.file_uploader[0].set_value(("kiosk.json", raw_export, "application/json"))
    no_error(at.run())
    with write_locked(path, 15):
        button(at, "Merge").click().run()
        assert_clear(at, "The tally is busy", "Nothing was merged", folder=tmp_path)
        assert button(at, "Merge")
    assert rows(path) == 0


def test_signing_in_on_a_locked_tally_says_so(tmp_path, monkeypatch):
    path = tmp_path / "pin.db"
    monkeypatch.setenv("W4R_DB", str(path))
    from w4r import access
    access.set_pin(db.connect(path), db.DEFAULT_SESSION, "482913")
    at = no_error(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run())
    at = on(at, "organizer")
    at.text_input[1].input("482913")
    with write_locked(path, 15):
        button(at, "Sign in").click().run()
        assert_clear(at, "The tally is busy", "You are not signed in", folder=tmp_path)
        assert button(at, "Sign in")


# --- the kiosk ------------------------------------------------------------------------------

def test_the_kiosk_on_a_locked_tally_says_so_and_keeps_the_letter(kiosk, db_path, tmp_path):
    at = write_a_letter(kiosk)
    with write_locked(db_path, 15):
        started = time.monotonic()
        button(at, "Count my letter").click().run()
        assert time.monotonic() - started < DEADLINE_S
        assert_clear(at, "The tally is busy", "Your letter is not counted yet", folder=tmp_path)
        assert at.header[0].value.startswith("Write for"), "still on the visitor's letter"
        assert at.text_area[0].value
    assert rows(db_path) == 0
    no_error(button(at, "Count my letter").click().run())
    assert at.title[0].value == "Thank you!" and rows(db_path) == 1


def test_a_kiosk_letter_printed_whose_count_failed_is_counted_not_printed_again(
        kiosk, db_path, tmp_path, fake_lp):
    sessions.update(db.connect(db_path), db.DEFAULT_SESSION, printer="hall")
    at = write_a_letter(kiosk)
    with write_locked(db_path, 15):
        button(at, "Print my letter").click().run()
        assert_clear(at, "The tally is busy", "Your letter is printed, but not counted yet",
                     folder=tmp_path)
        assert button(at, "Print my letter")
    assert (tmp_path / "jobs").read_text().count("job") == 1
    assert rows(db_path) == 0
    time.sleep(1.1)  # a PDF built a second later would differ in its date: not printed again
    no_error(button(at, "Print my letter").click().run())
    assert at.title[0].value == "Thank you!"
    assert (tmp_path / "jobs").read_text().count("job") == 1, "printed once"
    assert rows(db_path) == 1


# --- kept letters ---------------------------------------------------------------------------

def test_marking_a_kept_letter_on_a_locked_tally_says_so(organizer, tmp_path):
    at, path = organizer
    from test_organizer_pages import count_letter
    sessions.update(db.connect(path), db.DEFAULT_SESSION, keep_text=True)
    assert count_letter(path)
    at = on(at, "review")
    with write_locked(path, 15):
        button(at, "Mark printed").click().run()
        assert_clear(at, "The tally is busy", "Nothing was changed", folder=tmp_path)
        assert at.title[0].value == "Review letters" and button(at, "Mark printed")
    assert look(path, "select status from letters")[0][0] == "new"


def test_an_organizer_page_drawn_on_a_locked_tally_is_drawn_in_full(organizer, tmp_path):
    at, path = organizer
    from w4r import access
    look(path, "update signins set last_seen = last_seen - ?", [access.SEEN_EVERY_S + 1],
         write=True)  # the sign-in is due a write
    with write_locked(path, 15):
        started = time.monotonic()
        at = no_error(on(at, "reports"))
        assert time.monotonic() - started < DEADLINE_S
        assert at.title[0].value == "Tally & reports" and not at.error


# --- saved drafts on a locked tally ----------------------------------------------------------

def test_typing_on_a_locked_tally_keeps_the_page_and_the_draft_is_saved_after(tmp_path,
                                                                             monkeypatch):
    path = tmp_path / "w4r.db"
    monkeypatch.setenv("W4R_DB", str(path))
    at = write_for(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run())
    words = "We think of you every day."
    with write_locked(path, 15):
        started = time.monotonic()
        field(at, "message").input(words).run()
        assert time.monotonic() - started < 1.5, "a keystroke does not wait for the lock"
        no_error(at)
        assert at.title[0].value.startswith("Write for"), "the page is drawn in full"
        assert field(at, "message").value == words, "the tab keeps the text"
        saved = [row[0] for row in look(path, "select draft from drafts")]
        if isinstance(config.db_target(path), str):  # PostgreSQL: a draft takes no write lock
            assert any(words in text for text in saved), "the draft is saved all the same"
        else:  # SQLite: the whole file is locked
            assert not any(words in text for text in saved), "nothing could be written"
    field(at, "message").input(words + " Truly.").run()  # the next rerun saves
    no_error(at)
    saved = [row[0] for row in look(path, "select draft from drafts")]
    assert any(words + " Truly." in text for text in saved)


def test_a_kiosk_visitor_is_forgotten_even_on_a_locked_tally(kiosk, db_path):
    at = write_a_letter(kiosk)
    assert rows(db_path, "drafts") == 1
    with write_locked(db_path, 15):
        no_error(button(at, "Back").click().run())
        no_error(button(at, "Back").click().run())
        at.session_state["w4r.seen"] = time.time() - 3600  # the visitor walked away
        no_error(at.run())
        assert at.title[0].value == "Write for Rights", "the attract screen"
        assert "w4r.draft" not in at.session_state, "the letter is gone from this screen"
        assert "d" not in at.query_params, "no address holds the draft's token any more"
    no_error(at.button(key="kiosk-start").click().run())
    no_error(at.button(key="kiosk-yecenia-armenta-solidarity").click().run())
    assert at.text_area[0].value == "", "the next visitor starts with an empty letter"
