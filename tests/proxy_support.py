"""Several w4r servers behind HAProxy on loopback, for tests/test_e2e_proxy.py.

`running_cluster()` starts N app servers (`e2e_support.running_app`, one after the other, all on
the same W4R_DB), makes a self-signed certificate with openssl in a temporary folder, writes an
HAProxy configuration from the one template (deploy/haproxy.cfg, through deploy/haproxy_cfg.py,
as docs/DEPLOY.md does) and runs `haproxy -db` in the foreground until the block ends.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

try:
    import e2e_support as e2e
except ImportError:  # pragma: no cover
    from tests import e2e_support as e2e

RENDER = e2e.PROJECT_DIR / "deploy" / "haproxy_cfg.py"
HAPROXY = os.environ.get("W4R_HAPROXY") or shutil.which("haproxy") or "/usr/sbin/haproxy"
COOKIE = "SERVERID"  # the template's sticky cookie
COOKIE_SECRET = "w4r-test-cookie-secret-shared-by-every-server"  # as deploy/compose.yaml


@dataclass
class Cluster:
    """The proxy's addresses, its servers by sticky-cookie value, and their shared database."""

    http: str
    https: str
    stats: str
    database: str
    servers: dict[str, e2e.AppURL] = field(default_factory=dict)
    config: str = ""
    log_path: Path | None = None
    proxy_pid: int = 0

    def log(self) -> str:
        """HAProxy's output so far, and each server's (for failure messages)."""
        text = self.log_path.read_text(errors="replace") if self.log_path else ""
        for name, server in self.servers.items():
            text += f"\n--- {name} ---\n{server.log()[-3000:]}"
        return text

    def status(self) -> dict[str, str]:
        """Each server's state as HAProxy's statistics page says it (UP, DOWN, …)."""
        with urllib.request.urlopen(f"{self.stats}/;csv", timeout=5) as response:
            rows = csv.DictReader(io.StringIO(response.read().decode().lstrip("# ")))
            return {row["svname"]: row["status"].split()[0] for row in rows
                    if row["pxname"] == "streamlit" and row["svname"] in self.servers}

    def wait_for(self, name: str, state: str, timeout: float = 20.0) -> None:
        """Wait until HAProxy sees the server in this state (its health check ran)."""
        deadline = time.monotonic() + timeout
        while (found := self.status().get(name)) != state:
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} is {found}, not {state}\n{self.log()}")
            time.sleep(0.2)


def available() -> bool:
    """True when HAProxy and openssl are installed."""
    return Path(HAPROXY).exists() and shutil.which("openssl") is not None


def make_certificate(folder: Path) -> Path:
    """A self-signed certificate for 127.0.0.1 and its key, in one PEM file as HAProxy reads it."""
    key, cert, pem = folder / "key.pem", folder / "cert.pem", folder / "w4r.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    pem.write_bytes(cert.read_bytes() + key.read_bytes())
    pem.chmod(0o600)
    return pem


def render(folder: Path, servers: list[str], http: str, https: str, stats: str) -> Path:
    """Write the configuration from the template with the command docs/DEPLOY.md shows."""
    config = folder / "haproxy.cfg"
    args = [sys.executable, str(RENDER), "--http", http, "--https", https,
            "--crt", str(make_certificate(folder)), "--stats", stats, "-o", str(config)]
    for server in servers:
        args += ["--server", server]
    subprocess.run(args, check=True, capture_output=True, timeout=30)
    subprocess.run([HAPROXY, "-c", "-q", "-f", str(config)], check=True, capture_output=True,
                   timeout=30)
    return config


def _address(url: str) -> str:
    return url.split("://", 1)[1]


@contextlib.contextmanager
def running_cluster(database: str, count: int = 2) -> Iterator[Cluster]:
    """Start `count` app servers on one database and HAProxy in front of them."""
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_SECRET}
    with tempfile.TemporaryDirectory(prefix="w4r-proxy-") as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp)
        servers = {f"app{n}": stack.enter_context(e2e.running_app(database, env=env))
                   for n in range(1, count + 1)}  # one after the other: one creates the schema
        ports = [e2e.free_port() for _ in range(3)]
        cluster = Cluster(http=f"http://127.0.0.1:{ports[0]}",
                          https=f"https://127.0.0.1:{ports[1]}",
                          stats=f"http://127.0.0.1:{ports[2]}", database=database,
                          servers=servers, log_path=folder / "haproxy.log")
        config = render(folder, [_address(url) for url in servers.values()],
                        _address(cluster.http), _address(cluster.https), _address(cluster.stats))
        cluster.config = config.read_text()
        with open(cluster.log_path, "wb") as log:
            proxy = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        cluster.proxy_pid = proxy.pid
        try:
            deadline = time.monotonic() + 20
            while True:
                with contextlib.suppress(urllib.error.URLError, OSError):
                    if set(cluster.status().values()) == {"UP"}:
                        break
                if proxy.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"HAProxy did not start\n{cluster.log()}")
                time.sleep(0.2)
            yield cluster
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proxy.pid, signal.SIGTERM)
            try:
                proxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proxy.pid, signal.SIGKILL)
                proxy.wait(timeout=5)


def fetch(url: str, cookie: str | None = None) -> tuple[int, str, str | None]:
    """GET through the proxy (any certificate): status, body, and the sticky cookie set."""
    request = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie
                                     else {})
    context = ssl._create_unverified_context()  # the test's own self-signed certificate
    with urllib.request.urlopen(request, timeout=10, context=context) as response:
        sticky = None
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith(f"{COOKIE}="):
                sticky = header.split("=", 1)[1].split(";", 1)[0]
        return response.status, response.read().decode(errors="replace"), sticky


def cli(database: str, *args: str, stdin: str = "") -> str:
    """Run `python -m w4r --db DATABASE …` (as an organizer at a terminal); its output."""
    done = subprocess.run([sys.executable, "-m", "w4r", "--db", database, *args], input=stdin,
                          capture_output=True, text=True, timeout=60, cwd=e2e.PROJECT_DIR)
    assert done.returncode == 0, f"w4r {' '.join(args)}: {done.returncode}\n{done.stderr}"
    return done.stdout
