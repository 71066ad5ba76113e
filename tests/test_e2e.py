"""End to end: the real app (`streamlit run app.py`) driven in headless Chromium.

Needs the system Chromium (/usr/bin/chromium, Debian package `chromium`) and poppler's
`pdftotext`. Without them the tests skip, except in CI (CI=true), where they fail: a browser
test that silently skips in CI proves nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

try:
    import e2e_support as e2e  # pytest puts tests/ on sys.path (rootdir-less test folder)
except ImportError:  # pragma: no cover - e.g. with --import-mode=importlib
    from tests import e2e_support as e2e

pytestmark = pytest.mark.e2e

MESSAGE = "You are not alone: students in Room 12 are thinking of you every day."
NAME = "Noor"


def _need(what: str, present: bool) -> None:
    """Skip without a tool, but fail in CI, where the tests must really run."""
    if present:
        return
    reason = f"end-to-end test needs {what}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must not skip; run .ci/run)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    _need(f"Chromium at {e2e.CHROMIUM} (apt-get install chromium)", e2e.CHROMIUM.exists())
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("the playwright Python package (pip install -r requirements.txt)", False)
    with sync_playwright() as playwright:
        browser = e2e.launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def app(tmp_path):
    with e2e.running_app(tmp_path / "w4r.db") as url:
        yield url


@pytest.fixture
def page(browser, app):
    page = e2e.new_page(browser)
    yield page
    page.context.close()


def _fail_with_log(app: e2e.AppURL, message: str) -> str:
    return f"{message}\n--- server output ---\n{app.log()[-4000:]}"


def test_write_print_and_count_a_letter_once(page, app, tmp_path):
    from playwright.sync_api import expect

    _need("pdftotext (apt-get install poppler-utils)", bool(shutil.which("pdftotext")))

    page.goto(app)
    e2e.wait_for_app(page)
    e2e.assert_no_traceback(page, "Home", app)
    page.get_by_role("button", name="Start writing").click()
    e2e.wait_for_app(page)
    expect(page.get_by_role("heading", name="Choose a case")).to_be_visible()

    # Choose: the card of Yecenia Armenta (its buttons are keyed "<case id>-<kind>").
    page.locator(".st-key-yecenia-armenta-solidarity").get_by_role("button").click()
    e2e.wait_for_app(page)
    expect(page.get_by_role("heading", name="Write for Yecenia Armenta")).to_be_visible()
    e2e.assert_no_traceback(page, "Write", app)

    # Write: the message and a name; Tab leaves each field, which commits it.
    e2e.go_to_step(page, "A message of hope")
    e2e.type_into(page, "A message of hope", MESSAGE)
    e2e.go_to_step(page, "Your name (optional)")
    e2e.type_into(page, "Your name (optional)", NAME)
    preview = page.locator('[data-testid="stText"]')  # the preview (a textarea has no text)
    expect(preview).to_contain_text(MESSAGE)
    expect(preview).to_contain_text(NAME)
    page.get_by_role("button", name="Next: print & count").click()
    e2e.wait_for_app(page)
    expect(page.get_by_role("heading", name="Print & count", exact=True)).to_be_visible()
    e2e.assert_no_traceback(page, "Print & count", app)

    # Print: the PDF is a real PDF with the typed words in it.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the letter (PDF)").click()
    pdf_path = tmp_path / "letter.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF"), "the download is not a PDF"
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert " ".join(MESSAGE.split()) in " ".join(text.split()), text
    assert NAME in text, text

    # Count, once: the button turns into a disabled "Counted"; more clicks change nothing.
    page.get_by_role("button", name="Count my letter").click()
    e2e.wait_for_app(page)
    counted = page.get_by_role("button", name="Counted")
    expect(counted).to_be_visible()
    expect(counted).to_be_disabled()
    expect(page.get_by_role("button", name="Count my letter")).to_have_count(0)
    expect(page.get_by_text("Thank you! Your letter is counted.")).to_be_visible()
    counted.click(force=True)  # force: skip Playwright's wait for an enabled button
    counted.dblclick(force=True)
    e2e.wait_for_app(page)
    expect(counted).to_be_disabled()

    # A reload starts a new Streamlit session: the tally must still say exactly 1.
    page.reload()
    e2e.wait_for_app(page)
    e2e.open_page(page, "Tally")
    e2e.assert_no_traceback(page, "Tally", app)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Letters written")
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text("1")
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="Solidarity messages")
           .locator('[data-testid="stMetricValue"]')).to_have_text("1")

    from w4r import db, sessions, tally
    database = db.connect(app.db_path)
    try:
        assert tally.totals(database, sessions.default(database)).total == 1, \
            _fail_with_log(app, "the database does not hold exactly one letter")
    finally:
        database.close()


def test_join_links_and_every_page_without_traceback(page, app):
    from playwright.sync_api import expect

    page.goto(f"{app}/?s=CLASS")
    e2e.wait_for_app(page)
    e2e.assert_no_traceback(page, "?s=CLASS", app)
    expect(page.get_by_text("no class or event with the code")).to_have_count(0)
    expect(page.get_by_text("You are writing with Our class")).to_be_visible()

    page.goto(f"{app}/?s=NOPE")
    e2e.wait_for_app(page)
    e2e.assert_no_traceback(page, "?s=NOPE", app)
    expect(page.get_by_text("There is no class or event with the code “NOPE”")).to_be_visible()

    for title in ("Choose a case", "Write", "Print & count", "Tally", "Home"):
        e2e.open_page(page, title)
        e2e.assert_no_traceback(page, title, app)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)


def test_a_page_link_as_first_request_runs_the_app(page, app):
    """A student's tab on /write reconnecting after a restart must still get the real app."""
    from playwright.sync_api import expect

    page.goto(f"{app}/write")  # the first request this server sees
    e2e.wait_for_app(page)
    nav = page.locator(e2e.NAV)
    expect(nav.get_by_text("Choose a case", exact=True)).to_be_visible(timeout=3_000)
    expect(page.get_by_text("Our class · code")).to_be_visible(timeout=3_000)
    expect(page.get_by_role("heading", name="Write")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
