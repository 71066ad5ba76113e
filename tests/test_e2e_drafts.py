"""End to end: a pupil's half-written letter survives a reload and a server restart (Chromium).

The address keeps the join code (?s=) and the draft token (?d=); the server keeps the draft.
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

from test_e2e import browser  # noqa: F401 (the module-scoped browser fixture, CI-aware)

pytestmark = pytest.mark.e2e

MESSAGE = "You are not alone: Class 7B thinks of you every single day."
SCREENSHOT_DIR = os.environ.get("W4R_SCREENSHOTS")


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _restored(page, app) -> None:
    """The Write page shows the same class, the same text and the same step."""
    from playwright.sync_api import expect

    e2e.assert_no_traceback(page, "restored Write page", app)
    expect(page.get_by_role("heading", name="Write for Yecenia Armenta")).to_be_visible()
    expect(page.get_by_text("Class 7B · code")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Step \d+ of \d+: A message of hope"))).to_be_visible()
    expect(page.get_by_label("A message of hope", exact=True)).to_have_value(MESSAGE)


def _total(db_path) -> int:
    from w4r import db, sessions, tally
    database = db.connect(db_path)
    try:
        return tally.totals(database, sessions.get(database, "7B2026")).total
    finally:
        database.conn.close()


def test_a_half_written_letter_survives_reload_and_restart(browser, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    from w4r import db, sessions

    db_path = tmp_path / "w4r.db"
    with db.opened(db_path) as database:
        sessions.create(database, "Class 7B", code="7B2026")

    page = e2e.new_page(browser)
    try:
        with e2e.running_app(db_path) as app:
            page.goto(f"{app}/?s=7B2026")
            e2e.wait_for_app(page)
            e2e.assert_no_traceback(page, "join link", app)
            assert _query(page.url).get("s") == "7B2026"
            e2e.start_a_message(page, MESSAGE)
            query = _query(page.url)
            assert query.get("s") == "7B2026" and len(query.get("d", "")) >= 22, page.url

            page.reload()  # F5: a new Streamlit session, same address
            e2e.wait_for_app(page)
            _restored(page, app)
            port = int(app.rsplit(":", 1)[1])
            app.kill()  # the laptop's lid closes, the terminal is shut: no goodbye to the page

        with e2e.running_app(db_path, port=port) as again:  # started again on the same file
            e2e.wait_for_app(page, timeout_ms=90_000)  # the open page reconnects by itself
            _restored(page, again)
            page.reload()
            e2e.wait_for_app(page)
            _restored(page, again)
            if SCREENSHOT_DIR:
                page.screenshot(path=os.path.join(SCREENSHOT_DIR, "draft-restored.png"),
                                full_page=True)

            e2e.go_to_step(page, "Your name (optional)")
            page.get_by_role("button", name="Next: print & count").click()
            e2e.wait_for_app(page)
            page.get_by_role("button", name="Count my letter").click()
            e2e.wait_for_app(page)
            expect(page.get_by_role("button", name="Counted")).to_be_disabled()
            assert _total(db_path) == 1

            page.reload()  # the counted letter, restored, shows as counted
            e2e.wait_for_app(page)
            e2e.assert_no_traceback(page, "restored Print & count", again)
            expect(page.get_by_role("heading", name="Print & count", exact=True)).to_be_visible()
            counted = page.get_by_role("button", name="Counted")
            expect(counted).to_be_disabled()
            expect(page.get_by_text("Thank you! Your letter is counted.")).to_be_visible()
            expect(page.get_by_role("button", name="Count my letter")).to_have_count(0)
            expect(page.get_by_text("no message yet")).to_have_count(0)
            counted.click(force=True)
            e2e.wait_for_app(page)
            assert _total(db_path) == 1
            if SCREENSHOT_DIR:
                page.screenshot(path=os.path.join(SCREENSHOT_DIR, "draft-counted.png"),
                                full_page=True)
    finally:
        page.context.close()
