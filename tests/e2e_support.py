"""Driving the real app in a real browser: shared by tests/test_e2e.py and scripts/screenshots.py.

- `running_app()` serves app.py with `streamlit run` on a free loopback port, against its own
  SQLite file (W4R_DB), and stops the whole process group afterwards.
- `launch_chromium()` starts the system Chromium (/usr/bin/chromium) headless through Playwright.
  Playwright's own browser downloads are never used (`playwright install` needs the internet).
- `wait_for_app()` waits until Streamlit has finished running the script (see its docstring).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("W4R_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
NAV = ".st-key-w4r-menu"  # the app's own navigation links in the sidebar (ui.menu)
START_TIMEOUT_S = 60


class AppURL(str):
    """The base URL of a running app (a plain str), with its database file and server log."""

    db_path: Path | str
    log_path: Path
    process: subprocess.Popen

    def kill(self) -> None:
        """Kill the server at once (SIGKILL to its process group), as a crash or power cut."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def log(self) -> str:
        """What the server printed so far (for failure messages)."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


class AppDidNotStart(RuntimeError):
    """The Streamlit server died or never answered its health check; the message has its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and anything it started: SIGTERM to its process group, then SIGKILL."""
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)  # the server leads its own group (start_new_session)
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def running_app(db_path: str | os.PathLike | None = None,
                timeout: float = START_TIMEOUT_S, port: int | None = None,
                env: dict[str, str] | None = None) -> Iterator[AppURL]:
    """Serve the app on a free loopback port and yield its base URL ("http://127.0.0.1:PORT").

    The URL is an `AppURL`: a str that also knows `.db_path` and `.log()` (the server output).
    The app writes to `db_path` (W4R_DB: a file, or a database URL), by default a fresh SQLite file in a temporary folder
    that is removed afterwards; every other environment variable is inherited, with `env` on
    top (e.g. {"W4R_KIOSK": "FAIR24"} for a locked kiosk server). Pass `port`
    to start again where a stopped server was, so open pages reconnect by themselves.
    """
    with tempfile.TemporaryDirectory(prefix="w4r-e2e-") as tmp:
        # a database URL (postgresql://…) is passed on as it is; anything else is a file
        database = (db_path if isinstance(db_path, str) and "://" in db_path
                    else Path(db_path or Path(tmp) / "w4r.db"))
        env = dict(os.environ, **(env or {}), W4R_DB=str(database))
        port = port or free_port()
        url = AppURL(f"http://127.0.0.1:{port}")
        log_path = url.log_path = Path(tmp) / "streamlit.log"
        url.db_path = database
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py",
                 "--server.port", str(port), "--server.address", "127.0.0.1",
                 "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                cwd=PROJECT_DIR, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(url):
                if process.poll() is not None:
                    raise AppDidNotStart(f"streamlit exited with code {process.returncode}:\n"
                                         + log_path.read_text(errors="replace"))
                if time.monotonic() > deadline:
                    raise AppDidNotStart(f"streamlit did not answer {url}/_stcore/health within "
                                         f"{timeout:.0f} s:\n"
                                         + log_path.read_text(errors="replace"))
                time.sleep(0.2)
            url.process = process
            yield url
        finally:
            _stop(process)


def launch_chromium(playwright):
    """Launch the system Chromium headless (fresh profile, no network chatter)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)


def new_page(browser, accept_downloads: bool = True):
    """A page in a fresh browser context at 1280x900."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=accept_downloads)
    context.set_default_timeout(15_000)
    return context.new_page()


# Streamlit puts the run state of the script on its root element:
#   <div data-testid="stApp" data-test-script-state="running|notRunning|rerunRequested|…"
#        data-test-connection-state="CONNECTED|…">
# (Streamlit's own Playwright tests wait on the same attributes.) A click reaches the server a
# moment after Playwright returns, so "notRunning" right after a click may still be the state
# *before* the rerun. We therefore wait until the app has been connected and idle, with no stale
# elements left from the previous run, for `quiet_ms` without interruption.
_IDLE_JS = """
([quietMs, token]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = app
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
    && !document.querySelector('[data-stale="true"]');
  const key = '__w4rIdleSince_' + token;
  if (!idle) { window[key] = null; return false; }
  window[key] = window[key] || performance.now();
  return performance.now() - window[key] >= quietMs;
}
"""


def wait_for_app(page, quiet_ms: int = 400, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has finished running the script and stayed idle for `quiet_ms`."""
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout_ms)
    token = f"{time.monotonic_ns()}"
    page.wait_for_function(_IDLE_JS, arg=[quiet_ms, token], polling=50, timeout=timeout_ms)


def open_page(page, title: str) -> None:
    """Open a page through its link in the sidebar navigation, then wait for its script."""
    links = page.locator(f"{NAV} a")  # text is "<icon name>\n\n<title>"
    links.filter(has=page.get_by_text(title, exact=True)).click()
    wait_for_app(page)


def go_to_step(page, title: str, limit: int = 8) -> None:
    """On the Write page, press Next until the composer shows the step with this title."""
    for _ in range(limit):
        if page.get_by_text(f": {title}", exact=False).filter(
                has_text="Step").count():
            return
        page.get_by_role("button", name="Next:").first.click()
        wait_for_app(page)
    raise AssertionError(f"no composer step {title!r}")


def start_a_message(page, text: str, case_id: str = "yecenia-armenta") -> None:
    """From Home: Start writing, a solidarity message for the case, its message step typed."""
    page.get_by_role("button", name="Start writing").click()
    wait_for_app(page)
    page.locator(f".st-key-{case_id}-solidarity").get_by_role("button").click()
    wait_for_app(page)
    go_to_step(page, "A message of hope")
    type_into(page, "A message of hope", text)


def type_into(page, label: str, text: str) -> None:
    """Type into a text input or text area by its label, then leave it so the value commits."""
    field = page.get_by_label(label, exact=True)
    field.click()
    field.fill(text)
    field.press("Tab")  # Streamlit commits a text_input/text_area on blur (or Enter/Ctrl+Enter)
    wait_for_app(page)


def page_text(page) -> str:
    """The visible text of the app."""
    return page.locator('[data-testid="stApp"]').inner_text()


def assert_no_traceback(page, where: str, app: AppURL | None = None) -> None:
    """Fail when the page shows a Python exception (the st.exception box or a raw traceback).

    With showErrorDetails = "none" the box only says "This app has encountered an error", so
    the server output (which has the traceback) is added to the failure message when known.
    """
    text = page_text(page)
    if page.locator('[data-testid="stException"]').count() or "Traceback" in text:
        log = app.log()[-4000:] if isinstance(app, AppURL) else "(not captured)"
        raise AssertionError(f"{where}: the page shows an error:\n{text[:3000]}\n"
                             f"--- server output ---\n{log}")
