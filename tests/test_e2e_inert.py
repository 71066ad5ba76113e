"""End to end: markdown and HTML from a join link, a session name, a case and a letter stay text.

A recording server on loopback stands for the stranger's site: if any page turned the text into
an image or a link, Chromium would fetch it (or show it); neither may happen.
"""

from __future__ import annotations

import http.server
import threading
from urllib.parse import quote

import pytest
import yaml

from test_e2e import browser  # noqa: F401 (fixture)
from w4r import casepack, db, sessions

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

pytestmark = pytest.mark.e2e


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        _Recorder.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def stranger():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def hostile(base: str, tag: str) -> str:
    return (f"{tag} ![t]({base}/{tag}.png) [Sign in here]({base}/{tag}-login) "
            f"<img src='{base}/{tag}-html.png'> **bold** :red[red] {base}/{tag}-auto")


def test_hostile_text_stays_text_everywhere(browser, stranger, tmp_path):  # noqa: F811
    path = tmp_path / "w4r.db"
    with db.opened(path) as database:
        sessions.create(database, hostile(stranger, "session")[:200], code="EVIL1")
        data = yaml.safe_load((e2e.PROJECT_DIR / "content" / "cases" /
                               "yecenia-armenta.yaml").read_text())
        data.update(id="hostile-case", name="# " + hostile(stranger, "case")[:150])
        casepack.store(database, "EVIL1", casepack.read_pack("hostile.yaml",
                                                             yaml.safe_dump(data).encode()))
    with e2e.running_app(path) as app:
        page = e2e.new_page(browser)
        try:
            def inert_here(where: str) -> None:
                e2e.wait_for_app(page)
                (tmp_path / "server.log").write_text(app.log())
                assert "Sign in here" in e2e.page_text(page), (where, app.log()[-3000:])
                assert page.locator(f"img[src^='{stranger}']").count() == 0, where
                assert page.locator(f"a[href^='{stranger}']").count() == 0, where
                assert page.locator("strong:text-is('bold')").count() == 0, where
            # a crafted join link: the code itself carries the markup
            page.goto(f"{app}/?s={quote(hostile(stranger, 'link'))}")
            e2e.wait_for_app(page)
            assert "There is no class or event with the code" in e2e.page_text(page)
            page.goto(f"{app}/?s=EVIL1")
            inert_here("home, with the session's name")
            e2e.open_page(page, "Choose a case")
            inert_here("the case cards")
            assert "# case" in e2e.page_text(page)  # the case name's "#" shows as a character
            page.get_by_role("button", name="Solidarity message").first.click()
            page.wait_for_url("**/write*")  # the address keeps ?s= and ?d=
            e2e.wait_for_app(page)
            e2e.go_to_step(page, "A message of hope")
            e2e.type_into(page, "A message of hope", hostile(stranger, "letter"))
            inert_here("the composer, with the letter")
            page.screenshot(path=str(tmp_path / "inert.png"), full_page=True)
            page.wait_for_timeout(500)
            assert _Recorder.seen == [], f"the browser fetched {_Recorder.seen}"
        finally:
            page.context.close()
