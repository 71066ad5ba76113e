"""Accessibility audited in a real browser: axe-core (axe-playwright-python) in Chromium over the
student, kiosk and organizer pages, in the default, high-contrast and large-text themes and at
a phone size. No serious or critical finding is allowed: contrast is computed by axe from the
rendered page, not from the theme's constants.
"""

from __future__ import annotations

import pytest

from test_e2e import _need, browser  # noqa: F401 (fixture: skips locally, fails in CI)
from w4r import access, db, links, sessions

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

pytestmark = pytest.mark.e2e

PIN = "482913"
KIOSK = "FAIR26"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
THEMES = ("default", "contrast", "large")
SWITCHES = {"contrast": "High contrast", "large": "Larger text"}
# streamlit-pdf's own scroll box (inside its shadow root) can't take the keyboard focus: at every
# screen size, with or without w4r's style (docs/ACCESSIBILITY.md). The Download button is the
# keyboard's way to the PDF.
PDF_VIEWER_SCROLL = ("scrollable-region-focusable", 'data-testid="pdf-content"')
# WCAG 2.1 A and AA rules, and axe's best practices.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                     "wcag21aa", "best-practice"]}}


@pytest.fixture(scope="module")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        _need("the axe-playwright-python package (pip install -r requirements.txt)", False)
    return Axe()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The default class (with an organizer PIN) and an event whose screen is a kiosk."""
    path = tmp_path_factory.mktemp("a11y") / "w4r.db"
    database = db.connect(path)
    access.set_pin(database, db.DEFAULT_SESSION, PIN)
    access.create_session(database, PIN, "Town fair", kind="event", code=KIOSK)
    sessions.update(database, KIOSK, kiosk=True, idle_seconds=600)
    display = links.issue_display(database, db.DEFAULT_SESSION)
    database.conn.close()
    with e2e.running_app(path) as url:
        url.display = display
        yield url


class Audit:
    """Runs axe on each screen shown and keeps the serious and critical findings."""

    def __init__(self, axe, app) -> None:
        self.axe, self.app, self.findings, self.screens = axe, app, [], 0

    def __call__(self, page, where: str, known: tuple[str, str] | None = None) -> None:
        e2e.assert_no_traceback(page, where, self.app)
        self.screens += 1
        for rule in self.axe.run(page, options=AXE_OPTIONS).response["violations"]:
            if rule["impact"] in ("serious", "critical"):
                nodes = [node for node in rule["nodes"] if not (
                    known and rule["id"] == known[0] and known[1] in node["html"])]
                for node in nodes[:3]:
                    self.findings.append(f"{where}: {rule['id']} ({rule['impact']}) "
                                         f"{node['html'][:120]} | "
                                         f"{node.get('failureSummary', '')[:200]}")

    def assert_clean(self, screens: int) -> None:
        assert self.screens >= screens, f"only {self.screens} screens audited"
        assert not self.findings, "\n".join(self.findings)


def _page(browser, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(20_000)
    return context.new_page()


def _switch(page, theme: str) -> None:
    if theme in SWITCHES:
        page.get_by_text(SWITCHES[theme], exact=True).click()
        e2e.wait_for_app(page)


def _tap(page, name: str) -> None:
    page.get_by_role("button", name=name).first.click()
    e2e.wait_for_app(page)


def _student_journey(page, app, audit, label: str) -> None:
    audit(page, f"{label} home")
    _tap(page, "Start writing")
    audit(page, f"{label} choose a case")
    page.locator(".st-key-yecenia-armenta-solidarity button >> visible=true").first.click()
    e2e.wait_for_app(page)
    audit(page, f"{label} write (a problem and the checker shown)")
    e2e.open_page(page, "Print & count")
    audit(page, f"{label} print & count")
    e2e.open_page(page, "Tally")
    audit(page, f"{label} tally")
    e2e.open_page(page, "Organizer")
    audit(page, f"{label} organizer sign-in")


@pytest.mark.parametrize("theme", THEMES)
def test_student_pages_have_no_serious_findings(browser, app, axe, theme):  # noqa: F811
    audit = Audit(axe, app)
    page = _page(browser, e2e.VIEWPORT)
    try:
        page.goto(app)
        e2e.wait_for_app(page)
        _switch(page, theme)
        _student_journey(page, app, audit, theme)
    finally:
        page.context.close()
    audit.assert_clean(6)


def test_student_pages_at_phone_size_have_no_serious_findings(browser, app, axe):  # noqa: F811
    audit = Audit(axe, app)
    page = _page(browser, PHONE)
    try:
        page.goto(app)
        e2e.wait_for_app(page)
        audit(page, "phone home")
        _tap(page, "Start writing")
        audit(page, "phone choose a case")
        page.locator(".st-key-yecenia-armenta-solidarity button >> visible=true").first.click()
        e2e.wait_for_app(page)
        audit(page, "phone write")
        e2e.go_to_step(page, "A message of hope")
        e2e.type_into(page, "A message of hope", "Stay strong: our class is thinking of you.")
        audit(page, "phone write (a step with the preview below)")
        while not page.get_by_role("button", name="Next: print & count").count():
            _tap(page, "Next:")  # the sidebar is closed on a phone: the composer's own Next
        _tap(page, "Next: print & count")
        audit(page, "phone print & count")
        page.get_by_text("Preview the PDF", exact=True).click()
        page.locator('[data-testid="stMain"] canvas').first.wait_for()
        audit(page, "phone print & count (the PDF preview open)", known=PDF_VIEWER_SCROLL)
    finally:
        page.context.close()
    audit.assert_clean(6)


@pytest.mark.parametrize("theme", THEMES)
def test_kiosk_screens_have_no_serious_findings(browser, app, axe, theme):  # noqa: F811
    audit = Audit(axe, app)
    page = _page(browser, TABLET)
    try:
        page.goto(f"{app}/?s={KIOSK}")
        e2e.wait_for_app(page)
        _switch(page, theme)
        audit(page, f"kiosk {theme} attract")
        _tap(page, "Touch to write")
        audit(page, f"kiosk {theme} choose")
        page.locator(".st-key-kiosk-yecenia-armenta-solidarity button").click()
        e2e.wait_for_app(page)
        audit(page, f"kiosk {theme} write (disabled count button)")
        field = page.locator("textarea").first
        field.fill("You are not alone: a visitor at the town fair is thinking of you.")
        field.press("Tab")
        e2e.wait_for_app(page)
        _tap(page, "Count my letter")
        audit(page, f"kiosk {theme} thank you")
    finally:
        page.context.close()
    audit.assert_clean(4)


@pytest.mark.parametrize("theme", ("default", "contrast"))
def test_organizer_pages_have_no_serious_findings(browser, app, axe, theme):  # noqa: F811
    audit = Audit(axe, app)
    page = _page(browser, e2e.VIEWPORT)
    try:
        page.goto(f"{app}/organizer")
        e2e.wait_for_app(page)
        _switch(page, theme)
        e2e.type_into(page, "Organizer PIN", PIN)
        _tap(page, "Sign in")
        audit(page, f"organizer {theme} signed in")
        for title in ("Session settings", "Case file", "Review letters", "Tally & reports",
                      "Projector"):
            e2e.open_page(page, title)
            audit(page, f"organizer {theme} {title}")
    finally:
        page.context.close()
    audit.assert_clean(6)


def test_the_projector_link_has_no_serious_findings(browser, app, axe):  # noqa: F811
    audit = Audit(axe, app)
    page = _page(browser, {"width": 1920, "height": 1080})
    try:
        page.goto(f"{app}/?p={app.display}")
        e2e.wait_for_app(page)
        audit(page, "projector link")
    finally:
        page.context.close()
    audit.assert_clean(1)
