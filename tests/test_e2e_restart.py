"""End to end: pages that reconnect after a server restart get the app's own navigation.

Streamlit takes a project with a `pages/` folder for an old-style multipage app until app.py's
`st.navigation` has run once in the new process. Pages that reconnect to a restarted server
must never see the automatic page-file menu (it lists `kiosk`, `review`, `session`…).
"""

from __future__ import annotations

import pytest

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

from test_e2e import browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.e2e

# Page files a visitor who is not signed in must never be offered a link to.
HIDDEN_PAGES = ("kiosk", "review", "session", "case_file", "reports", "projector")
PATHS = ("", "write", "print", "tally", "cases", "?s=CLASS", "organizer", "review", "kiosk",
         "session")
READERS = 20

# Installed in every page before the app loads: records, for the page's whole life (a
# reconnect does not reload the page), every link to a hidden page file that ever appears.
WATCH_JS = """
(hidden) => {
  window.__w4rMenu = [];
  const look = () => {
    for (const a of document.querySelectorAll('a[href]')) {
      if (a.getAttribute('href').startsWith('#')) continue;  // "Skip to main content"
      const last = new URL(a.href, location.href).pathname.split('/').filter(Boolean).pop();
      if (hidden.includes(last)) window.__w4rMenu.push(last + ': ' + a.innerText.trim());
    }
    if (document.querySelector('[data-testid="stSidebarNav"]')) {
      window.__w4rMenu.push('page-file menu: ' +
        document.querySelector('[data-testid="stSidebarNav"]').innerText.slice(0, 200));
    }
  };
  new MutationObserver(look).observe(document, {childList: true, subtree: true});
}
"""


def _watch(context) -> None:
    context.add_init_script(script=f"({WATCH_JS})({list(HIDDEN_PAGES)!r})")


def test_twenty_pages_reconnecting_after_a_restart_never_see_the_page_file_menu(browser,  # noqa: F811
                                                                               tmp_path):
    db_path = tmp_path / "w4r.db"
    with e2e.running_app(db_path) as first:
        port = int(first.rsplit(":", 1)[1])
        pages = []
        for number in range(READERS):
            context = browser.new_context(viewport={"width": 1000, "height": 700})
            context.set_default_timeout(60_000)
            _watch(context)
            page = context.new_page()
            page.goto(f"{first}/{PATHS[number % len(PATHS)]}")
            pages.append(page)
        for page in pages:
            e2e.wait_for_app(page, timeout_ms=60_000)
        first.kill()  # a crash: no goodbye to the open pages
    try:
        with e2e.running_app(db_path, port=port) as second:
            for number, page in enumerate(pages):
                e2e.wait_for_app(page, quiet_ms=600, timeout_ms=90_000)
                seen = page.evaluate("window.__w4rMenu")
                assert not seen, (f"page {number} ({PATHS[number % len(PATHS)]!r}) saw links to "
                                  f"page files after the restart: {seen[:5]}\n{second.log()[-2000:]}")
                e2e.assert_no_traceback(page, f"page {number} after the restart", second)
    finally:
        for page in pages:
            page.context.close()
