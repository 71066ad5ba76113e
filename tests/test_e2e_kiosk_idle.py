"""End to end: the kiosk's idle watcher and its counting rules on a touch tablet (1024×768,
has_touch) in headless Chromium, with a short idle time. Typing is seen (a visitor who keeps
typing keeps the letter, without ever leaving the field); a visitor who walks away is warned,
then forgotten; an empty or prefilled-only letter can't be counted; two fast taps count once;
the printed PDF holds exactly the counted letter."""

from __future__ import annotations

import re
import subprocess
import time

import pytest

from test_e2e import browser  # noqa: F401 (fixture: skips locally, fails in CI)
from test_e2e_accessibility import THEMES, Audit, _switch, axe  # noqa: F401
from w4r import counting, db, kept, letters, sessions, tally
from w4r.cases import load_cases

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}
IDLE_S = 12
CASE = "yecenia-armenta"
WARNING = "#w4r-idle-warning"


@pytest.fixture
def kiosk_app(tmp_path, fake_lp):
    """A kiosk session that keeps letter text, with a stand-in lp recording each job."""
    path = tmp_path / "w4r.db"
    database = db.connect(path)
    sessions.update(database, db.DEFAULT_SESSION, name="Town fair", kind="event", kiosk=True,
                    idle_seconds=IDLE_S, printer="fair", keep_text=True)
    database.conn.close()
    with e2e.running_app(path) as url:
        url.jobs = tmp_path / "jobs"
        url.sent = tmp_path / "sent.pdf"
        yield url


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport=TABLET, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def total(app) -> int:
    with db.opened(app.db_path) as database:
        return tally.totals(database, sessions.default(database)).total


def saved_drafts(app) -> int:
    with db.opened(app.db_path) as database:
        return database.execute("select count(*) from drafts").fetchone()[0]


def start_letter(page, app, kind: str = "solidarity") -> None:
    page.goto(app)
    e2e.wait_for_app(page)
    page.locator(".st-key-kiosk-start button").tap()
    e2e.wait_for_app(page)
    page.locator(f".st-key-kiosk-{CASE}-{kind} button").tap()
    e2e.wait_for_app(page)


def test_a_visitor_who_walks_away_is_warned_then_forgotten(tablet, kiosk_app):
    from playwright.sync_api import expect

    page, app = tablet, kiosk_app
    start_letter(page, app)
    field = page.locator("textarea").first
    field.tap()
    field.press("Tab")  # a committed first version: the draft is saved on the server too
    e2e.wait_for_app(page)
    field.tap()
    page.keyboard.type("You are not alone, Yecenia.", delay=20)  # typed, never committed
    typed_at = time.monotonic()
    assert saved_drafts(app) == 1
    # the warning, a few seconds before the idle time, big and readable
    warning = page.locator(WARNING)
    expect(warning).to_be_visible(timeout=IDLE_S * 1000)
    expect(warning).to_contain_text("Still there?")
    expect(warning.get_by_role("button", name="I'm still here")).to_be_visible()
    assert time.monotonic() - typed_at < IDLE_S, "warned before the idle time"
    # then the attract screen, the letter gone, within the idle time and 5 s
    expect(page.get_by_role("button", name="Touch to write")).to_be_visible(
        timeout=(IDLE_S + 5) * 1000 - int((time.monotonic() - typed_at) * 1000))
    assert time.monotonic() - typed_at <= IDLE_S + 5
    e2e.wait_for_app(page)
    assert "not alone, Yecenia" not in e2e.page_text(page)
    expect(page.locator(WARNING)).to_have_count(0)
    assert saved_drafts(app) == 0, "the saved copy is deleted with the visitor"
    # a warned visitor who taps "I'm still here" keeps the letter
    start_letter(page, app)
    page.locator("textarea").first.tap()
    page.keyboard.type("Stay strong.", delay=20)
    expect(page.locator(WARNING)).to_be_visible(timeout=IDLE_S * 1000)
    page.locator(WARNING).get_by_role("button", name="I'm still here").tap()
    expect(page.locator(WARNING)).to_have_count(0)
    page.wait_for_timeout(3000)
    assert page.locator("textarea").first.input_value() == "Stay strong."
    e2e.assert_no_traceback(page, "the kiosk after an idle visitor", app)


def test_a_visitor_who_keeps_typing_keeps_the_letter(tablet, kiosk_app):
    page, app = tablet, kiosk_app
    start_letter(page, app)
    field = page.locator("textarea").first
    field.tap()
    words = "Stay strong, we think of you every day! "
    started = time.monotonic()
    typed = ""
    while time.monotonic() - started < 2 * IDLE_S:  # one key every 2 s, never leaving the field
        key = words[len(typed) % len(words)]
        page.keyboard.type(key)
        typed += key
        assert page.locator(WARNING).count() == 0, "no warning while typing"
        page.wait_for_timeout(2000)
    assert field.input_value() == typed
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA", "never left the field"
    # the text commits only now, 24 s after the last click: the server saw the typing
    # (the heartbeat), so its own idle check keeps the visitor too
    field.press("Tab")
    e2e.wait_for_app(page)
    assert page.locator("textarea").first.input_value() == typed
    assert saved_drafts(app) == 1
    e2e.assert_no_traceback(page, "a visitor who kept typing", app)


def test_an_empty_or_prefilled_only_letter_cannot_be_counted(tablet, kiosk_app):
    from playwright.sync_api import expect

    page, app = tablet, kiosk_app
    start_letter(page, app)  # an empty solidarity message
    expect(page.get_by_role("button", name="Print my letter")).to_be_disabled()
    page.get_by_role("button", name="Back").tap()
    e2e.wait_for_app(page)
    page.locator(f".st-key-kiosk-{CASE}-appeal button").tap()  # the request is the case's
    e2e.wait_for_app(page)
    expect(page.get_by_role("button", name="Print my letter")).to_be_disabled()
    page.locator("[class*='st-key-kiosk-starter-'] button").first.tap()  # only a starter
    e2e.wait_for_app(page)
    expect(page.get_by_role("button", name="Print my letter")).to_be_disabled()
    page.get_by_role("button", name="Print my letter").click(force=True)
    e2e.wait_for_app(page)
    assert total(app) == 0 and not app.jobs.exists()


def test_two_fast_taps_count_once_and_the_pdf_is_the_counted_letter(tablet, kiosk_app):
    from playwright.sync_api import expect

    page, app = tablet, kiosk_app
    start_letter(page, app, kind="appeal")
    mine = "I am a nurse in Lyon and I ask you to respect the court's decision."
    field = page.locator("textarea").first
    field.tap()
    page.keyboard.type(mine)
    field.press("Tab")
    e2e.wait_for_app(page)
    print_button = page.get_by_role("button", name="Print my letter")
    expect(print_button).to_be_enabled()
    print_button.dblclick()  # two fast taps
    e2e.wait_for_app(page)
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert total(app) == 1
    assert app.jobs.read_text().count("job") == 1, "printed once"
    # the PDF on the printer holds exactly the letter that was counted (its text kept)
    with db.opened(app.db_path) as database:
        [kept_letter] = kept.listing(database, db.DEFAULT_SESSION)
        session = sessions.default(database)
    assert kept_letter.parts["message"] == mine
    case = load_cases(e2e.PROJECT_DIR / "content" / "cases").get(CASE)
    counted = counting.review(kept_letter.draft(), case, session, "en").letter
    printed = subprocess.run(["pdftotext", "-layout", str(app.sent), "-"], check=True,
                             capture_output=True, text=True).stdout

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text)

    assert words(printed) == words(letters.as_text(counted))
    assert "Yecenia" in printed and "nurse in Lyon" in " ".join(printed.split())


@pytest.fixture
def calm_kiosk(tmp_path):
    """A kiosk with a 30 s idle time: 10 s of warning, time for axe to read it."""
    path = tmp_path / "calm.db"
    database = db.connect(path)
    sessions.update(database, db.DEFAULT_SESSION, kiosk=True, idle_seconds=30)
    database.conn.close()
    with e2e.running_app(path) as url:
        yield url


def test_the_warning_is_readable_in_every_theme(tablet, calm_kiosk, axe):  # noqa: F811
    from playwright.sync_api import expect

    page, app = tablet, calm_kiosk
    audit = Audit(axe, app)
    for theme in THEMES:
        page.goto(app)
        e2e.wait_for_app(page)
        _switch(page, theme)
        page.locator(".st-key-kiosk-start button").tap()
        e2e.wait_for_app(page)
        expect(page.locator(WARNING)).to_be_visible(timeout=30_000)
        audit(page, f"the warning ({theme})")
        button = page.locator(WARNING).get_by_role("button", name="I'm still here")
        assert button.bounding_box()["height"] >= 48, "a big target for a finger"
        button.tap()
        expect(page.locator(WARNING)).to_have_count(0)
    audit.assert_clean(len(THEMES))
