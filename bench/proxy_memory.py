"""Memory of a hosted w4r: two app servers behind HAProxy (tests/proxy_support.py), one page.

    .venv/bin/python bench/proxy_memory.py

Starts two servers on one SQLite file and HAProxy in front (the deploy/haproxy.cfg template,
TLS with a throw-away self-signed certificate), reads each process's resident memory (VmRSS in
/proc/PID/status, the process and its children) when idle, then opens the proxy's address in
headless Chromium, waits for the first page to be drawn and idle, and reads them again.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests")]

import e2e_support as e2e  # noqa: E402
import proxy_support as proxy  # noqa: E402


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines()
                          if ":" in line)
        except OSError:
            continue
        if int(fields["Pid"]) == pid or int(fields.get("PPid", 0)) == pid:
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


def main() -> None:
    """Print the figures."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        database = str(Path(tmp) / "w4r.db")
        proxy.cli(database, "session", "create", "--name", "Class 7B", "--code", "7B2026",
                  stdin="739164\n")
        with proxy.running_cluster(database) as cluster, sync_playwright() as playwright:
            pids = {name: server.process.pid for name, server in cluster.servers.items()}
            pids["haproxy"] = cluster.proxy_pid
            time.sleep(2)
            idle = {name: rss_mb(pid) for name, pid in pids.items()}
            browser = e2e.launch_chromium(playwright)
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()
            page.goto(f"{cluster.https}/?s=7B2026")
            e2e.wait_for_app(page, quiet_ms=1000)
            held_by = next(c["value"] for c in context.cookies() if c["name"] == proxy.COOKIE)
            time.sleep(2)
            after = {name: rss_mb(pid) for name, pid in pids.items()}
            browser.close()
    print(f"{'process':10} {'idle MB':>8} {'after the first page MB':>24}")
    for name in pids:
        mark = " (the page's server)" if name == held_by else ""
        print(f"{name:10} {idle[name]:8.1f} {after[name]:24.1f}{mark}")


if __name__ == "__main__":
    main()
