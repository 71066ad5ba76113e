"""End to end, on a tablet-sized touch screen in headless Chromium: a locked kiosk server
(W4R_KIOSK=CODE) shows only its kiosk, whatever address, join link, projector link, reload or
Back; on an unlocked kiosk, the organizer who left kiosk mode with the PIN is signed out after
the kiosk's idle time and the screen goes back to the kiosk by itself; an ordinary organizer's
page leaves the organizer pages by itself when the 30-minute sign-in expires."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from test_e2e import _need, browser  # noqa: F401 (fixture: skips locally, fails in CI)
from w4r import access, db, links, sessions

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}
PIN = "482913"
FAIR = "FAIR24"
OTHER = "OTHER7"
IDLE_S = 10


def tablet(browser):
    """A fresh touch-screen page at 1024×768."""
    context = browser.new_context(viewport=TABLET, has_touch=True)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def tap(page, name: str) -> None:
    page.get_by_role("button", name=name).first.tap()
    e2e.wait_for_app(page)


def assert_only_the_kiosk(page, where: str, app) -> None:
    """The page is FAIR24's kiosk and offers no way anywhere else."""
    from playwright.sync_api import expect

    e2e.assert_no_traceback(page, where, app)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    text = e2e.page_text(page)
    for word in ("Organizer", "Leave kiosk mode", "Sign in", "Session settings",
                 "Review letters", "Class 7B", OTHER):
        assert word not in text, f"{where}: {word!r} on the page:\n{text[:1500]}"
    assert not page.get_by_label("Organizer PIN").count(), where
    assert not page.locator("input[type=password]").count(), where
    query = parse_qs(urlsplit(page.url).query)
    assert query.get("s") == [FAIR] and "p" not in query, f"{where}: {page.url}"


@pytest.fixture
def locked_app(tmp_path):
    """A server locked to the kiosk of FAIR24 (its session switch off), beside another session
    with a projector link."""
    path = tmp_path / "w4r.db"
    database = db.connect(path)
    access.create_session(database, PIN, "Town fair", kind="event", code=FAIR)
    access.create_session(database, PIN, "Class 7B", code=OTHER)
    token = links.issue_display(database, OTHER)
    database.conn.close()
    with e2e.running_app(path, env={"W4R_KIOSK": FAIR}) as url:
        url.display_token = token
        yield url


def test_a_locked_kiosk_server_shows_only_its_kiosk(browser, locked_app):
    from playwright.sync_api import expect

    app = locked_app
    context, page = tablet(browser)
    try:
        # the server's very first request is an organizer page: the kiosk all the same
        for address in ("/organizer", "/", f"/?s={OTHER}", "/review", f"/session?s={OTHER}",
                        "/write", "/reports?s=CLASS", f"/?p={app.display_token}",
                        f"/display?p={app.display_token}", f"/?s={OTHER}&d=abcdefabcdef"):
            page.goto(app + address)
            e2e.wait_for_app(page)
            expect(page.get_by_role("button", name="Touch to write")).to_be_visible()
            assert_only_the_kiosk(page, address, app)

        page.goto(app + "/organizer")  # a page that does not exist: still the kiosk
        e2e.wait_for_app(page)
        page.goto(app + "/no-such-page")
        e2e.wait_for_app(page)
        expect(page.get_by_role("button", name="Touch to write")).to_be_visible()
        assert_only_the_kiosk(page, "a typo", app)

        # Through the flow, then reload: the kiosk of FAIR24 again.
        tap(page, "Touch to write")
        expect(page.get_by_role("heading", name="Choose a person to write for")).to_be_visible()
        page.reload()
        e2e.wait_for_app(page)
        assert_only_the_kiosk(page, "reload", app)

        # Back, after moving through the flow: still only the kiosk.
        page.goto(app + f"/review?s={OTHER}")
        e2e.wait_for_app(page)
        tap(page, "Touch to write")
        page.locator(".st-key-kiosk-yecenia-armenta-solidarity button").tap()
        e2e.wait_for_app(page)
        expect(page.locator("textarea").first).to_be_visible()
        went_back = []
        for _ in range(3):
            page.go_back()
            e2e.wait_for_app(page)
            if page.url.startswith(app):
                went_back.append(page.url)
                assert_only_the_kiosk(page, f"back to {page.url}", app)
        assert went_back, "Back reached the app's earlier addresses"
    finally:
        context.close()


@pytest.fixture
def kiosk_app(tmp_path):
    """An unlocked kiosk: the default session with its kiosk switch on and a 10 s idle time."""
    path = tmp_path / "w4r.db"
    database = db.connect(path)
    sessions.update(database, db.DEFAULT_SESSION, name="Town fair", kind="event", kiosk=True,
                    idle_seconds=IDLE_S)
    access.set_pin(database, db.DEFAULT_SESSION, PIN)
    database.conn.close()
    with e2e.running_app(path) as url:
        yield url


def test_the_organizer_who_left_the_kiosk_is_signed_out_after_its_idle_time(browser, kiosk_app):
    from playwright.sync_api import expect

    app = kiosk_app
    context, page = tablet(browser)
    try:
        page.goto(app)
        e2e.wait_for_app(page)
        expect(page.get_by_role("button", name="Touch to write")).to_be_visible()
        page.get_by_text("Organizer", exact=True).tap()
        page.get_by_label("Organizer PIN").fill(PIN)
        tap(page, "Leave kiosk mode")
        expect(page.locator(e2e.NAV)).to_be_visible()  # the organizer's app, with its menu
        e2e.open_page(page, "Session settings")
        expect(page.get_by_role("heading", name="Session settings")).to_be_visible()
        assert not page.get_by_role("button", name="Touch to write").count()

        # Nobody touches the screen: after the kiosk's idle time the kiosk comes back by itself.
        page.wait_for_timeout(IDLE_S // 2 * 1000)
        assert page.get_by_role("heading", name="Session settings").count(), "not before it"
        expect(page.get_by_role("button", name="Touch to write")).to_be_visible(timeout=15_000)
        e2e.wait_for_app(page)
        expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
        assert "Session settings" not in e2e.page_text(page)
        e2e.assert_no_traceback(page, "the kiosk after the organizer's sign-in ended", app)
        assert not page.locator('[data-testid="stDialog"]').count(), "no Page not found"
        tap(page, "Touch to write")  # the kiosk works: nothing covers it
        expect(page.get_by_role("heading", name="Choose a person to write for")).to_be_visible()

        database = db.connect(app.db_path)
        assert database.execute("select count(*) from signins").fetchone()[0] == 0
        database.conn.close()
        page.reload()  # the cookie's sign-in ended too: still the kiosk
        e2e.wait_for_app(page)
        expect(page.get_by_role("button", name="Touch to write")).to_be_visible()
    finally:
        context.close()


@pytest.fixture
def organizer_app(tmp_path):
    """An ordinary server: the default session (no kiosk) with an organizer PIN."""
    path = tmp_path / "w4r.db"
    database = db.connect(path)
    access.set_pin(database, db.DEFAULT_SESSION, PIN)
    database.conn.close()
    with e2e.running_app(path) as url:
        yield url


def test_an_ordinary_organizer_page_leaves_by_itself_when_the_sign_in_expires(browser,
                                                                             organizer_app):
    from playwright.sync_api import expect

    app = organizer_app
    page = e2e.new_page(browser)
    try:
        page.goto(f"{app}/organizer")
        e2e.wait_for_app(page)
        e2e.type_into(page, "Organizer PIN", PIN)
        page.get_by_role("button", name="Sign in").click()
        e2e.wait_for_app(page)
        e2e.open_page(page, "Session settings")
        expect(page.get_by_role("heading", name="Session settings")).to_be_visible()

        # 29 min 55 s later (the sign-in's last use set back instead of waiting), untouched:
        # the page leaves the organizer pages by itself within the timer's 30 s.
        database = db.connect(app.db_path)
        database.execute("update signins set last_seen = last_seen - ?",
                         [access.SIGNIN_IDLE_S - 5])
        database.conn.close()
        expect(page.get_by_label("Organizer PIN")).to_be_visible(timeout=45_000)
        e2e.wait_for_app(page)
        assert "Session settings" not in page.locator(e2e.NAV).inner_text()
        assert not page.get_by_role("heading", name="Session settings").count()
    finally:
        page.context.close()
