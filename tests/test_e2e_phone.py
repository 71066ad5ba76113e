"""End to end at phone size (390x844) in headless Chromium: on every composer step "Next" is on
the screen without scrolling and never over the letter preview, and the PDF preview on Print &
count fits the width of the phone (measured in the browser, nothing scrolls sideways)."""

from __future__ import annotations

import pytest

from test_e2e import browser  # noqa: F401 (fixture: skips locally, fails in CI)
from w4r.ui import common

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
CASE = "yecenia-armenta"
MESSAGE = "Stay strong, Yecenia. People in Lyon are thinking of you."

# Where things are, in CSS pixels of the phone's screen, as the page is drawn right now.
_MEASURE = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const next = [...main.querySelectorAll('button')].find(b => b.innerText.includes('Next:'));
  const heading = main.querySelector('h3');
  const preview = [...main.querySelectorAll('p')].find(p => p.innerText.trim() === 'Preview');
  const bar = next && next.closest('[data-testid="stLayoutWrapper"]');
  const columns = preview && preview.closest('[data-testid="stHorizontalBlock"]');
  const field = main.querySelector('textarea, input[type="text"]');
  const box = el => el ? el.getBoundingClientRect().toJSON() : null;
  return {next: box(next), heading: box(heading), preview: box(preview), bar: box(bar),
          columns: box(columns), field: box(field),
          fieldFocused: !!field && document.activeElement === field,
          nextFirst: !!(next && preview && next.compareDocumentPosition(preview)
                                           & Node.DOCUMENT_POSITION_FOLLOWING),
          scrollTop: main.scrollTop, innerWidth, innerHeight,
          scrollWidth: document.documentElement.scrollWidth};
}"""

# Scroll the step's field to just below the screen and focus the control before it.
_BEFORE_FIELD = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const field = main.querySelector('textarea, input[type="text"]');
  const all = [...main.querySelectorAll('button, summary, input, textarea, a[href]')]
    .filter(el => el === field || (el.checkVisibility() && !el.disabled));
  const before = all[all.indexOf(field) - 1];
  main.scrollBy(0, field.getBoundingClientRect().top - innerHeight + 4);
  before.focus({preventScroll: true});
}"""

# The PDF viewer draws each page on a canvas inside its own shadow root.
_PDF = """() => {
  const host = document.querySelector(
    '[data-testid="stMain"] [data-testid="stBidiComponentIsolated"]');
  const root = host && (host.shadowRoot || host);
  const canvas = root && root.querySelector('canvas');
  const content = root && root.querySelector('[data-testid="pdf-content"]');
  const frame = host && host.closest('[data-testid="stExpanderDetails"]');
  if (!canvas || !content || !frame) return null;
  const box = el => el.getBoundingClientRect().toJSON();
  return {page: box(canvas), frame: box(frame), innerWidth,
          sideways: content.scrollWidth - content.clientWidth,
          scrollWidth: document.documentElement.scrollWidth};
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with e2e.running_app(tmp_path_factory.mktemp("phone") / "w4r.db") as url:
        yield url


def _phone(browser):  # noqa: F811
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(20_000)
    return context.new_page()


def _choose(page, app, kind: str) -> None:
    page.goto(app)
    e2e.wait_for_app(page)
    page.get_by_role("button", name="Start writing").click()
    e2e.wait_for_app(page)
    page.locator(f".st-key-{CASE}-{kind} button >> visible=true").first.click()
    e2e.wait_for_app(page)


def _next(page) -> None:
    page.get_by_role("button", name="Next:").first.click()
    e2e.wait_for_app(page)


def _on_screen(at: dict) -> bool:
    return 0 <= at["next"]["top"] and at["next"]["bottom"] <= at["innerHeight"]


def _scroll(page, js: str) -> dict:
    page.locator('[data-testid="stMain"]').evaluate(js)
    page.wait_for_timeout(100)
    return page.evaluate(_MEASURE)


def _check_step(page, where: str) -> None:
    """Next on the screen as the step settles and with nothing scrolled, before the preview in
    the page's order; the end of the page and a focused field never hidden behind it."""
    at = page.evaluate(_MEASURE)
    assert at["next"] and at["preview"] and at["heading"] and at["field"], f"{where}: {at}"
    assert at["scrollWidth"] <= at["innerWidth"], f"{where}: the page scrolls sideways: {at}"
    assert _on_screen(at), f"{where}: Next is off the screen after the step settled: {at}"
    assert at["nextFirst"], f"{where}: Next comes after the preview: {at}"
    top = _scroll(page, "main => main.scrollTo(0, 0)")  # nothing scrolled: the page's top
    assert _on_screen(top), f"{where}: Next is off the first screen: {top}"
    page.evaluate(_BEFORE_FIELD)  # the field just below the screen, the focus just before it
    page.keyboard.press("Tab")  # the browser scrolls the field into view: clear of Next
    page.wait_for_timeout(100)
    focused = page.evaluate(_MEASURE)
    assert focused["fieldFocused"], f"{where}: Tab did not reach the step's field: {focused}"
    assert focused["field"]["top"] >= 0 and focused["field"]["bottom"] <= focused["bar"]["top"], \
        f"{where}: the focused field is behind Back and Next: {focused}"
    page.evaluate("document.activeElement.blur()")
    end = _scroll(page, "main => main.scrollTo(0, main.scrollHeight)")  # the preview's end
    assert end["columns"]["bottom"] <= end["bar"]["top"], f"{where}: the end is hidden: {end}"
    _scroll(page, f"main => main.scrollTo(0, {at['scrollTop']})")


@pytest.mark.parametrize("kind", ["solidarity", "appeal"])
def test_each_steps_next_is_on_the_screen_and_before_the_preview(browser, app, kind):  # noqa: F811
    page = _phone(browser)
    try:
        _choose(page, app, kind)
        for number in range(1, 9):
            where = f"{kind} step {number}"
            e2e.assert_no_traceback(page, where, app)
            _check_step(page, where)
            if page.get_by_role("button", name="Next: print & count").count():
                break
            _next(page)
        else:
            raise AssertionError(f"{kind}: no last step")
    finally:
        page.context.close()


def test_the_pdf_preview_fits_a_phone_and_stays_as_it_was_on_a_laptop(browser, app):  # noqa: F811
    page = _phone(browser)
    try:
        _choose(page, app, "solidarity")
        e2e.go_to_step(page, "A message of hope")
        e2e.type_into(page, "A message of hope", MESSAGE)
        while not page.get_by_role("button", name="Next: print & count").count():
            _next(page)  # on a phone the sidebar is closed: the composer's last Next
        page.get_by_role("button", name="Next: print & count").click()
        e2e.wait_for_app(page)
        page.get_by_text("Preview the PDF", exact=True).click()
        page.locator('[data-testid="stMain"] canvas').first.wait_for()
        page.wait_for_timeout(500)  # the viewer measures its frame, then draws the page again
        pdf = page.evaluate(_PDF)
        assert pdf, "no PDF preview"
        assert pdf["scrollWidth"] <= pdf["innerWidth"], f"the page scrolls sideways: {pdf}"
        assert pdf["page"]["left"] >= pdf["frame"]["left"] \
            and pdf["page"]["right"] <= pdf["frame"]["right"], \
            f"the PDF's page is wider than its preview ({pdf['page']['width']:.0f} px in " \
            f"{pdf['frame']['width']:.0f} px): {pdf}"
        assert pdf["sideways"] <= 1, f"the PDF preview scrolls sideways: {pdf}"
        assert pdf["page"]["width"] >= 0.7 * pdf["frame"]["width"], f"a tiny page: {pdf}"

        page.set_viewport_size(e2e.VIEWPORT)  # a laptop: the page at its own size, as before
        page.wait_for_timeout(800)
        wide = page.evaluate(_PDF)
        assert wide and round(wide["page"]["width"]) == 595, f"A4 at 100% is 595 px: {wide}"
    finally:
        page.context.close()


def test_each_zoom_step_fits_the_viewer_where_a_browser_cannot_divide_lengths():
    for low, zoom in common._PDF_ZOOM:  # a screen from `low` px wide on
        assert zoom * common._PDF_WIDTH <= max(low, 300) - common._PDF_PADDING, (low, zoom)
    assert [low for low, _ in common._PDF_ZOOM] == sorted(low for low, _ in common._PDF_ZOOM)
    assert f".st-key-{common.PDF_PREVIEW}" in common._BASE_CSS
