"""End to end: the guided composer in headless Chromium, both kinds step by step, a blocked
letter, a translation that fails, and a whole letter written with the keyboard alone."""

from __future__ import annotations

import subprocess

import pytest

from test_e2e import _need, browser  # noqa: F401 (fixture: skips locally, fails in CI)

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

pytestmark = pytest.mark.e2e

CASE = "yecenia-armenta"
UNSAFE = "Stay strong! Call me on +44 7700 900123."
SAFE = "Stay strong, Yecenia. People in Lyon are thinking of you."


@pytest.fixture
def offline_app(tmp_path, monkeypatch):
    """The app with the real translator pointed at a port where nothing listens."""
    monkeypatch.setenv("W4R_TRANSLATOR", "google")
    monkeypatch.setenv("W4R_TRANSLATE_URL", "http://127.0.0.1:9/m")
    with e2e.running_app(tmp_path / "w4r.db") as url:
        yield url


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    e2e.wait_for_app(page)


def next_step(page) -> None:
    page.get_by_role("button", name="Next:").filter(has_text="Next").first.click()
    e2e.wait_for_app(page)


def choose(page, app, kind: str) -> None:
    page.goto(app)
    e2e.wait_for_app(page)
    click(page, "Start writing")
    page.locator(f".st-key-{CASE}-{kind}").get_by_role("button").click()
    e2e.wait_for_app(page)


def test_both_kinds_step_by_step_blocked_then_fixed_translation_fails(browser, offline_app,
                                                                      tmp_path):
    from playwright.sync_api import expect

    _need("pdftotext (apt-get install poppler-utils)", True)
    app = offline_app
    page = e2e.new_page(browser)
    try:
        # Solidarity: greeting, then a message that gives a phone number (blocked).
        choose(page, app, "solidarity")
        expect(page.get_by_text("Step 1 of")).to_be_visible()
        next_step(page)
        expect(page.get_by_text("Step 2 of")).to_be_visible()
        field = page.locator("textarea").first
        field.fill(UNSAFE)
        field.press("Tab")
        e2e.wait_for_app(page)
        expect(page.locator('[data-testid="stAlertContentError"]').first).to_be_visible()
        next_step(page)
        click(page, "Back")  # going back keeps the text
        expect(page.locator("textarea").first).to_have_value(UNSAFE)

        # A page change keeps the step and the text.
        e2e.open_page(page, "Tally")
        e2e.open_page(page, "Write")
        expect(page.get_by_text("Step 2 of")).to_be_visible()
        expect(page.locator("textarea").first).to_have_value(UNSAFE)

        # The blocked letter can't be printed or counted.
        e2e.open_page(page, "Print & count")
        expect(page.get_by_text("Your letter can't be printed yet.")).to_be_visible()
        expect(page.get_by_role("button", name="Download the letter (PDF)")).to_have_count(0)
        expect(page.get_by_role("button", name="Count my letter")).to_be_disabled()
        click(page, "Back to writing")
        field = page.locator("textarea").first
        field.fill(SAFE)
        field.press("Tab")
        e2e.wait_for_app(page)
        while page.get_by_role("button", name="Next: print & count").count() == 0:
            next_step(page)
        click(page, "Next: print & count")

        # The translation fails (nothing answers): a clear message, the letter stays.
        page.get_by_label("Translate into").click()
        page.keyboard.type("Spanish")
        page.keyboard.press("Enter")
        e2e.wait_for_app(page)
        click(page, "Translate")
        expect(page.get_by_text("kept as you wrote it")).to_be_visible()
        e2e.assert_no_traceback(page, "after a failed translation", app)
        with page.expect_download() as download:
            click(page, "Download the letter (PDF)")
        pdf_path = tmp_path / "solidarity.pdf"
        download.value.save_as(pdf_path)
        text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert SAFE in " ".join(text.split())
        click(page, "Count my letter")
        expect(page.get_by_text("Thank you! Your letter is counted.")).to_be_visible()

        # An appeal, every step: a starter, a fact from the case, the case's request.
        click(page, "Write another letter")
        page.locator(f".st-key-{CASE}-appeal").get_by_role("button").click()
        e2e.wait_for_app(page)
        next_step(page)  # who I am
        page.locator(".stButton button").filter(has_text="…").first.click()
        e2e.wait_for_app(page)
        field = page.locator("textarea").first  # the starter, then the writer's own words
        field.click()
        field.press("End")
        field.type(" the Hill School in Leeds, with my class.")
        field.press("Tab")
        e2e.wait_for_app(page)
        next_step(page)  # what I know
        page.get_by_text("Facts from the case (click").click()
        page.locator(".st-key-fact-0 button").click()
        e2e.wait_for_app(page)
        next_step(page)  # the request, prefilled with the case's ask
        expect(page.locator("textarea").first).not_to_have_value("")
        while page.get_by_role("button", name="Next: print & count").count() == 0:
            next_step(page)
        click(page, "Next: print & count")
        expect(page.get_by_role("button", name="Download the letter (PDF)")).to_be_visible()
        click(page, "Count my letter")
        expect(page.get_by_text("has now written 2")).to_be_visible()
        e2e.assert_no_traceback(page, "the appeal counted", app)
    finally:
        page.context.close()


# --- the keyboard alone ---------------------------------------------------------------------

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || !["BUTTON", "A", "INPUT", "TEXTAREA"].includes(el.tagName)) return null;
  return (el.getAttribute("aria-label") || el.innerText || "").trim();
}"""


def tab_to(page, text: str, limit: int = 80) -> None:
    """Press Tab until a control whose label holds `text` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        label = page.evaluate(_FOCUSED)
        if label is not None and text in label:
            return
    raise AssertionError(f"Tab never reached a control labelled {text!r}")


def press(page, key: str) -> None:
    page.keyboard.press(key)
    e2e.wait_for_app(page)


def test_a_whole_letter_with_the_keyboard_alone(browser, tmp_path):
    from playwright.sync_api import expect

    with e2e.running_app(tmp_path / "w4r.db") as app:
        page = e2e.new_page(browser)
        try:
            page.goto(app)
            e2e.wait_for_app(page)
            tab_to(page, "Start writing")
            press(page, "Enter")
            expect(page.get_by_role("heading", name="Choose a case")).to_be_visible()
            tab_to(page, "Solidarity message")  # the first card's button
            press(page, "Enter")
            expect(page.get_by_text("Step 1 of")).to_be_visible()
            tab_to(page, "Next:")
            press(page, "Enter")
            expect(page.get_by_text("Step 2 of")).to_be_visible()
            for _ in range(40):  # back from "Next" to the message field
                page.keyboard.press("Shift+Tab")
                if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
                    break
            page.keyboard.type(SAFE)
            press(page, "Tab")  # leaving the field commits it
            expect(page.locator('[data-testid="stText"]')).to_contain_text(SAFE)
            while page.get_by_role("button", name="Next: print & count").count() == 0:
                tab_to(page, "Next:")
                press(page, "Enter")
            tab_to(page, "Next: print & count")
            press(page, "Enter")
            expect(page.get_by_role("heading", name="Print & count", exact=True)).to_be_visible()
            tab_to(page, "Count my letter")
            press(page, "Enter")
            expect(page.get_by_text("Thank you! Your letter is counted.")).to_be_visible()
        finally:
            page.context.close()
