"""End to end: an organizer sets up a class, a student joins by link and counts a letter, and
the projector view shows it within seconds, without a reload. Headless system Chromium."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from test_e2e import _need, browser, app  # noqa: F401 (fixtures: skip locally, fail in CI)

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

pytestmark = pytest.mark.e2e

FIRST_PIN = "246813"
CLASS_PIN = "739164"
MESSAGE = "Dear Yecenia, we are thinking of you in Room 12."


def setup_code(db_path) -> str:
    """What `make run` prints in the terminal: the default session's one-time setup code."""
    done = subprocess.run([sys.executable, "-m", "w4r", "--db", str(db_path), "session",
                           "setup-code", "--if-needed"], capture_output=True, text=True,
                          timeout=60, cwd=e2e.PROJECT_DIR, check=True)
    return done.stdout.splitlines()[0].rsplit(": ", 1)[1]


def test_organizer_student_and_projector(browser, app):  # noqa: F811
    from playwright.sync_api import expect

    organizer = e2e.new_page(browser)
    student = e2e.new_page(browser)
    try:
        # The organizer sets the default session's PIN on first use, with the setup code the
        # server printed in its terminal; the pages appear.
        organizer.goto(app)
        e2e.wait_for_app(organizer)
        nav = organizer.locator(e2e.NAV)
        expect(nav.get_by_text("Projector", exact=True)).to_have_count(0)
        e2e.open_page(organizer, "Organizer")
        e2e.type_into(organizer, "Setup code (from the server's terminal)",
                      setup_code(app.db_path))
        e2e.type_into(organizer, "New organizer PIN (6 digits or more, or a passphrase of 8 "
                                 "characters or more)", FIRST_PIN)
        e2e.type_into(organizer, "The same PIN again", FIRST_PIN)
        organizer.get_by_role("button", name="Set the PIN and sign in").click()
        e2e.wait_for_app(organizer)
        expect(nav.get_by_text("Projector", exact=True)).to_be_visible()

        # … and creates Class 7B with its own PIN, then shows first names on the projector.
        e2e.type_into(organizer, "Name", "Class 7B")
        e2e.type_into(organizer, "Join code (leave empty for a new random one)", "7B2026")
        e2e.type_into(organizer, "Its organizer PIN", CLASS_PIN)
        organizer.get_by_role("button", name="Create").click()
        e2e.wait_for_app(organizer)
        expect(organizer.get_by_role("heading", name="Session settings")).to_be_visible()
        e2e.assert_no_traceback(organizer, "Session settings", app)
        link = organizer.locator('[data-testid="stCode"]').first.inner_text().strip()
        assert re.fullmatch(r"http://(localhost|127\.0\.0\.1):\d+/\?s=7B2026", link), link
        organizer.get_by_text("Show first names on the projector").click()
        organizer.get_by_role("button", name="Save settings").click()
        e2e.wait_for_app(organizer)
        expect(organizer.get_by_text("Settings saved.")).to_be_visible()
        e2e.open_page(organizer, "Projector")
        e2e.assert_no_traceback(organizer, "Projector", app)
        total = organizer.locator(".w4r-total")
        expect(total).to_have_text("0")

        # A student can't reach the organizer pages by URL …
        student.goto(f"{app}/session")
        e2e.wait_for_app(student)
        expect(student.get_by_text("Join code:")).to_have_count(0)
        expect(student.locator(e2e.NAV)
               .get_by_text("Session settings", exact=True)).to_have_count(0)

        # … joins by the link, writes and counts a letter.
        student.goto(link)
        e2e.wait_for_app(student)
        expect(student.get_by_text("You are writing with Class 7B")).to_be_visible()
        e2e.start_a_message(student, MESSAGE)
        e2e.go_to_step(student, "Your name (optional)")
        e2e.type_into(student, "Your name (optional)", "Noor Haddad")
        student.get_by_role("button", name="Next: print & count").click()
        e2e.wait_for_app(student)
        student.get_by_role("button", name="Count my letter").click()
        e2e.wait_for_app(student)
        expect(student.get_by_text("Thank you! Your letter is counted.")).to_be_visible()

        # The projector, untouched, shows it within a few seconds: the count and a first name.
        expect(total).to_have_text("1", timeout=10_000)
        expect(organizer.get_by_text("Noor ·")).to_be_visible(timeout=10_000)
        expect(organizer.get_by_text("Haddad")).to_have_count(0)
        e2e.assert_no_traceback(organizer, "Projector after a count", app)
    finally:
        organizer.context.close()
        student.context.close()
