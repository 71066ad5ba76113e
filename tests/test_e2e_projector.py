"""End to end: a projector link (?p=TOKEN) shows the tally, the join code and a large QR code in
any window, across a reload and a server restart, and opens no organizer page; an organizer stays
signed in across a reload (the w4r_signin cookie) while the projector runs in another window.
Headless system Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_e2e import _need, browser  # noqa: F401 (fixtures: skip locally, fail in CI)
from w4r import access, db, kept, letters, links, sessions
from w4r.cases import load_cases

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

pytestmark = pytest.mark.e2e

PIN = "739164"
CODE = "7B2026"
PROJECTOR_VIEWPORT = {"width": 1920, "height": 1080}


def screenshot(page, name: str) -> None:
    """Keep a screenshot to look at when W4R_SCREENSHOTS names a folder."""
    if folder := os.environ.get("W4R_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def db_path(tmp_path) -> Path:
    """A database with Class 7B (its PIN), one counted letter and a goal."""
    path = tmp_path / "w4r.db"
    with db.opened(path) as database:
        access.create_session(database, PIN, "Class 7B", goal=30, code=CODE)
        access.set_pin(database, db.DEFAULT_SESSION, PIN)
        case = load_cases(e2e.PROJECT_DIR / "content" / "cases").get("yecenia-armenta")
        draft = letters.start(case, "solidarity")
        draft.message = "You are not alone."
        kept.count(database, sessions.get(database, CODE), draft)
    return path


def projector_window(browser):
    context = browser.new_context(viewport=PROJECTOR_VIEWPORT)
    context.set_default_timeout(15_000)
    return context.new_page()


def assert_projector_view(page, app) -> None:
    from playwright.sync_api import expect
    e2e.wait_for_app(page)
    e2e.assert_no_traceback(page, "projector link", app)
    expect(page.locator(".w4r-join-code")).to_have_text(CODE)
    expect(page.locator(".w4r-total")).to_have_text("1")
    expect(page.get_by_text("goal 30", exact=False).first).to_be_visible()
    qr = page.locator('[data-testid="stImage"] img').first
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box and box["width"] >= 380 and box["height"] >= 380, box  # large enough to scan
    expect(page.locator(e2e.NAV)).to_have_count(0)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    # no widget at all: no button, form, field or link into the app
    for widget in ("stButton", "stFormSubmitButton", "stForm", "stTextInput", "stPageLink",
                   "stLinkButton", "stSelectbox", "stToggle"):
        expect(page.locator(f'[data-testid="{widget}"]')).to_have_count(0)
    expect(page.locator("input, textarea")).to_have_count(0)


def test_the_projector_link_survives_a_reload_and_a_restart_and_opens_nothing_else(
        browser, db_path):  # noqa: F811
    from playwright.sync_api import expect

    with db.opened(db_path) as database:
        token = links.issue_display(database, CODE)
    page = projector_window(browser)
    try:
        with e2e.running_app(db_path) as app:
            page.goto(f"{app}/?p={token}")
            assert_projector_view(page, app)
            screenshot(page, "projector-link")
            page.reload()
            assert_projector_view(page, app)
            # The same window, typing an organizer page's address: the PIN form, not the page.
            for path in ("session", "review"):
                page.goto(f"{app}/{path}")
                e2e.wait_for_app(page)
                e2e.assert_no_traceback(page, f"/{path} from the projector window", app)
                expect(page.get_by_label("Organizer PIN")).to_be_visible()
                expect(page.get_by_text("Join code:")).to_have_count(0)
                expect(page.get_by_text("Page not found")).to_have_count(0)
            # … and the token on an organizer page's address shows the projector view only.
            page.goto(f"{app}/session?p={token}")
            e2e.wait_for_app(page)
            expect(page.locator(".w4r-join-code")).to_have_text(CODE)
            expect(page.get_by_text("Join code:")).to_have_count(0)
            expect(page.get_by_label("Organizer PIN")).to_have_count(0)
            expect(page.get_by_text("Page not found")).to_have_count(0)
            # A wrong token: a clear message, nothing of any session.
            page.goto(f"{app}/?p=not-a-token")
            e2e.wait_for_app(page)
            e2e.assert_no_traceback(page, "a wrong projector link", app)
            expect(page.get_by_text("This projector link does not work")).to_be_visible()
            assert CODE not in e2e.page_text(page)
            first_port = app.rsplit(":", 1)[1]
        with e2e.running_app(db_path) as app:  # the server restarted, on another port
            assert app.rsplit(":", 1)[1] != first_port
            page.goto(f"{app}/?p={token}")
            assert_projector_view(page, app)
            # A new link ends this one: the wall says so within a refresh.
            with db.opened(db_path) as database:
                links.issue_display(database, CODE)
            expect(page.get_by_text("This projector link does not work")).to_be_visible(
                timeout=10_000)
            expect(page.locator(".w4r-total")).to_have_count(0)
    finally:
        page.context.close()


def test_an_organizer_stays_signed_in_across_a_reload(browser, db_path):  # noqa: F811
    from playwright.sync_api import expect

    teacher = e2e.new_page(browser)
    try:
        with e2e.running_app(db_path) as app:
            teacher.goto(f"{app}/organizer")
            e2e.wait_for_app(teacher)
            e2e.type_into(teacher, "Session code", CODE)
            e2e.type_into(teacher, "Organizer PIN", PIN)
            teacher.get_by_role("button", name="Sign in").click()
            e2e.wait_for_app(teacher)
            expect(teacher.get_by_text("You are signed in as the organizer")).to_be_visible()
            e2e.open_page(teacher, "Session settings")
            expect(teacher.get_by_role("heading", name="Session settings")).to_be_visible()

            cookies = {c["name"]: c for c in teacher.context.cookies()}
            assert "w4r_signin" in cookies, cookies
            cookie = cookies["w4r_signin"]
            assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
            assert cookie["value"] not in teacher.url

            teacher.reload()  # F5: still signed in, on the same page
            e2e.wait_for_app(teacher)
            e2e.assert_no_traceback(teacher, "Session settings after a reload", app)
            expect(teacher.get_by_role("heading", name="Session settings")).to_be_visible()
            expect(teacher.get_by_text(f"Join code: {CODE}")).to_be_visible()

            # The projector link, opened in a second window of the same browser …
            teacher.get_by_role("button", name="Make a projector link").click()
            e2e.wait_for_app(teacher)
            link = next(t.strip() for t in teacher.locator('[data-testid="stCode"]')
                        .all_inner_texts() if "?p=" in t)
            wall = teacher.context.new_page()
            wall.set_viewport_size(PROJECTOR_VIEWPORT)
            wall.goto(link)
            assert_projector_view(wall, app)
            screenshot(wall, "projector-link-beside-the-teacher")
            # … while the teacher keeps working, signed in, in the first one.
            teacher.reload()
            e2e.wait_for_app(teacher)
            expect(teacher.get_by_role("heading", name="Session settings")).to_be_visible()
            e2e.open_page(teacher, "Review letters")
            expect(teacher.get_by_role("heading", name="Review letters")).to_be_visible()
            wall.reload()
            assert_projector_view(wall, app)
            wall.close()

        with e2e.running_app(db_path) as app:  # a restart: /session is its first request
            teacher.goto(f"{app}/session")
            e2e.wait_for_app(teacher)
            e2e.assert_no_traceback(teacher, "Session settings after a restart", app)
            expect(teacher.get_by_role("heading", name="Session settings")).to_be_visible()

            # Sign out clears the cookie: a reload of an organizer page asks for the PIN.
            e2e.open_page(teacher, "Organizer")
            teacher.get_by_role("button", name="Sign out").click()
            e2e.wait_for_app(teacher)
            teacher.wait_for_function(
                "() => !document.cookie.split('; ').some(c => c.startsWith('w4r_signin='))")
            teacher.goto(f"{app}/session")
            e2e.wait_for_app(teacher)
            expect(teacher.get_by_label("Organizer PIN")).to_be_visible()
            expect(teacher.get_by_text("Join code:")).to_have_count(0)
    finally:
        teacher.context.close()
