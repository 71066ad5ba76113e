"""End to end: the section administrator signs in with the passphrase on the Section page, sees
the totals of the two sessions shared with the section and nothing of a third, and opens the
section projector link in another window. Headless system Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_e2e import _need, browser  # noqa: F401 (fixtures: skip locally, fail in CI)
from w4r import access, db, section, sessions, tally

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

pytestmark = pytest.mark.e2e

PHRASE = "green tea at noon on the hill"
SECRET = "Hidden Academy"


@pytest.fixture
def db_path(tmp_path) -> Path:
    """Two sessions shared with the section (2 and 5 actions), one not (1000); a passphrase."""
    path = tmp_path / "w4r.db"
    with db.opened(path) as database:
        access.create_session(database, "482913", "Class 7B", code="SHRA1",
                              grouping="Lycee Hugo", goal=50, section_shared=True)
        sessions.create(database, "Town fair", code="SHRB2", goal=30, section_shared=True)
        sessions.create(database, SECRET, code="NOPE3", grouping=SECRET)
        for sid, code, count in (("a1", "SHRA1", 2), ("b1", "SHRB2", 5), ("n1", "NOPE3", 1000)):
            tally.record(database, tally.Action(sid, code, "jani-silva", "appeal", "letter",
                                                count, source="cli"))
        section.set_passphrase(database, PHRASE)
    return path


def test_the_administrator_sees_two_shared_sessions_and_opens_the_projector_link(
        browser, db_path):  # noqa: F811
    from playwright.sync_api import expect

    admin = e2e.new_page(browser)
    wall = e2e.new_page(browser)
    try:
        with e2e.running_app(db_path) as app:
            admin.goto(f"{app}/section")
            e2e.wait_for_app(admin)
            e2e.assert_no_traceback(admin, "the Section page", app)
            assert "Town fair" not in e2e.page_text(admin)  # nothing before the sign-in
            e2e.type_into(admin, "Section passphrase", PHRASE)
            admin.get_by_role("button", name="Sign in").click()
            e2e.wait_for_app(admin)
            e2e.assert_no_traceback(admin, "signed in to the section", app)
            expect(admin.get_by_text("Class 7B (SHRA1)", exact=False)).to_be_visible()
            expect(admin.get_by_text("Town fair (SHRB2)", exact=False)).to_be_visible()
            metric = admin.locator('[data-testid="stMetricValue"]').first
            expect(metric).to_have_text("7")
            text = e2e.page_text(admin)
            assert SECRET not in text and "NOPE3" not in text and "1,007" not in text
            admin.get_by_role("button", name="Make a new section projector link").click()
            e2e.wait_for_app(admin)
            link = admin.locator('[data-testid="stCode"]').filter(has_text="?sp=").first
            expect(link).to_be_visible()
            url = link.inner_text().strip()
            assert url.startswith(app) and "?sp=" in url
            wall.goto(url)
            e2e.wait_for_app(wall)
            e2e.assert_no_traceback(wall, "the section projector link", app)
            expect(wall.locator(".w4r-total")).to_have_text("7")
            expect(wall.get_by_text("goal 80", exact=False).first).to_be_visible()
            expect(wall.locator("input, textarea")).to_have_count(0)
            assert SECRET not in e2e.page_text(wall)
    finally:
        admin.context.close()
        wall.context.close()
