"""End to end: two w4r servers behind HAProxy (deploy/haproxy.cfg), one database (an SQLite
file, then PostgreSQL), Chromium.

A pupil writes through the proxy (TLS at the proxy); the server holding the pupil is killed
(SIGKILL); the page reconnects by itself to the other server, the draft is intact, and the
letter counts exactly once. New browsers spread over both servers; an organizer's change made
on one server is seen on the other. Skips without HAProxy or Chromium, except in CI.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import parse_qs, urlsplit

import pytest

try:
    import e2e_support as e2e
    import proxy_support as proxy
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e
    from tests import proxy_support as proxy

from test_e2e import _need, browser  # noqa: F401 (fixture: skips locally, fails in CI)

pytestmark = pytest.mark.e2e

CODE, PIN = "7B2026", "739164"
MESSAGE = "You are not alone: Class 7B thinks of you every single day."
CASE = "yecenia-armenta"
NEW_CASE = "copy-of-yecenia-armenta-for-this-test"
# Every test runs with the servers on one SQLite file (one machine) and on PostgreSQL (the
# throw-away cluster of tests/pg_support.py; W4R_TEST_POSTGRES=postgresql://… names another
# empty database instead).
TARGETS = ["sqlite", "postgresql"]


@pytest.fixture(scope="module", params=TARGETS)
def database(request, tmp_path_factory) -> str:
    """The W4R_DB value every server of the cluster shares, with Class 7B in it."""
    if request.param == "postgresql":
        url = (os.environ.get("W4R_TEST_POSTGRES")
               or request.getfixturevalue("pg_cluster").fresh())
    else:
        url = str(tmp_path_factory.mktemp("proxy") / "w4r.db")
    proxy.cli(url, "session", "create", "--name", "Class 7B", "--code", CODE, stdin=PIN + "\n")
    return url


@pytest.fixture(scope="module")
def cluster(database):
    _need("HAProxy and openssl (apt-get install haproxy openssl)", proxy.available())
    with proxy.running_cluster(database) as running:
        yield running


def _context(browser):  # noqa: F811
    context = browser.new_context(viewport=e2e.VIEWPORT, ignore_https_errors=True,
                                  accept_downloads=True)
    context.set_default_timeout(20_000)
    return context


def _server_of(context) -> str:
    """The server HAProxy's sticky cookie ties this browser to (app1, app2)."""
    found = [c["value"] for c in context.cookies() if c["name"] == proxy.COOKIE]
    assert len(found) == 1, context.cookies()
    return found[0]


def _total(database: str) -> int:
    return json.loads(proxy.cli(database, "tally", "show", "--session", CODE, "--json"))["total"]


def test_new_browsers_spread_over_both_servers(cluster, browser):  # noqa: F811
    seen = {proxy.fetch(cluster.http + "/")[2] for _ in range(4)}
    assert seen == {"app1", "app2"}, seen
    status, body, _ = proxy.fetch(cluster.https + "/_stcore/health")
    assert (status, body) == (200, "ok")
    # a browser that has its cookie stays on its server: no new cookie while the server is up
    assert proxy.fetch(cluster.http + "/", cookie="app2")[2] is None

    contexts = [_context(browser) for _ in range(2)]
    try:
        for context in contexts:  # both pages stay open: each holds its websocket
            page = context.new_page()
            page.goto(f"{cluster.https}/?s={CODE}")
            e2e.wait_for_app(page)
            e2e.assert_no_traceback(page, "home through the proxy")
        assert {_server_of(context) for context in contexts} == {"app1", "app2"}
    finally:
        for context in contexts:
            context.close()


def test_an_organizers_change_on_one_server_is_seen_on_the_other(cluster, browser,  # noqa: F811
                                                                  database):
    from playwright.sync_api import expect

    a, b = cluster.servers["app1"], cluster.servers["app2"]
    pupil_context, organizer_context = _context(browser), _context(browser)
    try:
        pupil = pupil_context.new_page()  # on server B, its caches warm
        pupil.goto(f"{b}/?s={CODE}")
        e2e.wait_for_app(pupil)
        expect(pupil.get_by_text("You are writing with Class 7B")).to_be_visible()
        pupil.get_by_role("button", name="Start writing").click()
        e2e.wait_for_app(pupil)
        expect(pupil.locator(f".st-key-{CASE}-solidarity")).to_have_count(1)
        expect(pupil.locator(f".st-key-{NEW_CASE}-solidarity")).to_have_count(0)

        organizer = organizer_context.new_page()  # on server A: renames the class, uploads a case
        organizer.goto(f"{a}/?s={CODE}")
        e2e.wait_for_app(organizer)
        e2e.open_page(organizer, "Organizer")
        expect(organizer.get_by_label("Session code")).to_have_value(CODE)
        organizer.get_by_label("Organizer PIN").fill(PIN)
        organizer.get_by_role("button", name="Sign in").click()
        e2e.wait_for_app(organizer)
        e2e.open_page(organizer, "Session settings")
        organizer.get_by_label("Name", exact=True).fill("Class 7B Blue")
        organizer.get_by_role("button", name="Save settings").click()
        e2e.wait_for_app(organizer)
        expect(organizer.get_by_text("Settings saved.")).to_be_visible()
        e2e.open_page(organizer, "Case file")
        source = (e2e.PROJECT_DIR / "content" / "cases" / f"{CASE}.yaml").read_text("utf-8")
        pack = source.replace(f"id: {CASE}", f"id: {NEW_CASE}")
        organizer.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            files=[{"name": "pack.yaml", "mimeType": "text/yaml", "buffer": pack.encode()}])
        e2e.wait_for_app(organizer)
        organizer.get_by_role("button", name="Store the 1 case").click()
        e2e.wait_for_app(organizer)
        e2e.assert_no_traceback(organizer, "case file on server A", a)

        pupil.reload()  # server B's next run: the new name and the uploaded case
        e2e.wait_for_app(pupil)
        e2e.assert_no_traceback(pupil, "cases on server B", b)
        expect(pupil.locator(f".st-key-{NEW_CASE}-solidarity")).to_have_count(1)
        e2e.open_page(pupil, "Home")
        expect(pupil.get_by_text("You are writing with Class 7B Blue")).to_be_visible()
    finally:
        pupil_context.close()
        organizer_context.close()
        proxy.cli(database, "session", "set", CODE, "--name", "Class 7B")


def test_a_pupil_whose_server_dies_finishes_on_the_other(cluster, browser, database):  # noqa: F811
    """Last in this file: it kills one server of the module's cluster."""
    from playwright.sync_api import expect

    before = _total(database)
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(f"{cluster.https}/?s={CODE}")  # TLS at the proxy
        e2e.wait_for_app(page)
        e2e.start_a_message(page, MESSAGE)
        first = _server_of(context)
        other = ({"app1", "app2"} - {first}).pop()

        cluster.servers[first].kill()  # SIGKILL: no goodbye to the page
        # the page's websocket breaks; it reconnects through the proxy to the other server,
        # which restores the draft from the database (?d= in the address)
        e2e.wait_for_app(page, quiet_ms=600, timeout_ms=45_000)
        e2e.assert_no_traceback(page, "after the failover", cluster.servers[other])
        expect(page.get_by_label("A message of hope", exact=True)).to_have_value(MESSAGE)
        expect(page.get_by_text(re.compile(r"Step \d+ of \d+: A message of hope"))).to_be_visible()
        assert _server_of(context) == other, cluster.log()

        e2e.go_to_step(page, "Your name (optional)")
        page.get_by_role("button", name="Next: print & count").click()
        e2e.wait_for_app(page)
        with page.expect_download() as download:  # the PDF comes from the pupil's new server
            page.get_by_role("button", name="Download the letter (PDF)").click()
        assert download.value.failure() is None, download.value.failure()
        assert open(download.value.path(), "rb").read(5) == b"%PDF-"
        page.get_by_role("button", name="Count my letter").click()
        e2e.wait_for_app(page)
        expect(page.get_by_role("button", name="Counted")).to_be_disabled()
        page.reload()  # and once more: still counted once
        e2e.wait_for_app(page)
        expect(page.get_by_role("button", name="Counted")).to_be_disabled()
        assert _total(database) == before + 1
        cluster.wait_for(first, "DOWN")
        assert _server_of(context) == other
        token = parse_qs(urlsplit(page.url).query)["d"][0]  # the draft's key: never logged
        assert len(token) >= 22 and token not in cluster.log()
    finally:
        context.close()
