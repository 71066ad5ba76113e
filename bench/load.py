"""Drive the running app over Streamlit's websocket protocol as N pupils, beside a bare app.

Each pupil is one asyncio task with one websocket to `/_stcore/stream`, speaking the browser's
protobuf messages (BackMsg out, ForwardMsg in). It keeps the widget states the way the browser
does (ids from the deltas, values it typed, values the server set, triggers for one run only,
states of widgets that left the page dropped; a widget drawn in an st.fragment reruns that
fragment only, as the browser asks) and does the whole journey: home → Start writing → an
appeal for a random case → six guided steps (click a sentence starter, type, Next) → Print &
count → Download the letter (PDF) → Count my letter → Write another letter, again and again
until the duration is over (the letter in hand is finished). The download is what a browser
does: the deferred file asked for over the websocket (w4r builds the PDF then), then fetched
over HTTP; the bare app has nothing to download. Between interactions it thinks (exponential, mean `--think` s);
before committing a field it types (`--cps` characters a second). Each interaction is timed from
sending the rerun to the `script_finished` of its last run (a page switch finishes one run early
for the rerun and then runs the new page).

The same journey, with the same think times, is then run against `bench/bare_app.py` (a text
area, a button, one SQLite insert per count): every click there is a rerun with a trigger, every
commit a rerun with the text, every count one insert. Read the ratios.

Printed per number of writers: p50/p95/p99/max per interaction kind for both apps, errors,
server CPU seconds per interaction (utime+stime of the server's process group), the server's RSS
with 0 writers connected, at 30 and 60 (and at N), its peak, and whether the tally equals the
counts acknowledged ("Thank you! Your letter is counted." in the deltas).

Not modelled: the browser's other HTTP requests (static files; the PDF preview, which a pupil
opens only if they want to), and widget values the pupil never changed (the browser sends them;
the server keeps the same values without them).

Run: .venv/bin/python bench/load.py --writers 10 30 --duration 60 --think 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from e2e_support import _healthy, _stop, free_port, running_app  # noqa: E402

KINDS = ("open", "page", "choose", "starter", "type", "next", "print", "download", "count")
STEPS = 6  # an appeal has six guided steps
CASES = ("jani-silva", "khaled-drareni", "nassima-al-sada", "maxima-acuna",
         "muhammad-bekzhanov", "yecenia-armenta", "erkin-musaev", "tun-aung")
TYPED = {  # what a pupil types after the sentence starter, per field of the appeal
    "greeting": "", "about": " a school near Lyon. I care about the rights of every person.",
    "message": " this case. It worries me and my class.",
    "request": " make sure that this person is safe.", "closing": "", "name": " Lyon",
}
ACK = "is counted"  # in the success box after a count: "Thank you! Your letter is counted."
TIMEOUT_S = 90.0
IDLE_S = 5.0
EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN
FRAGMENT_RUN = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Failed(Exception):
    """An interaction that did not end as a browser would see it end (the message says how)."""


# --- the server process ---------------------------------------------------------------------------

@dataclass
class Server:
    """A running Streamlit server: its URL, process group leader and SQLite file."""

    name: str
    url: str
    pid: int
    db_path: Path
    log_path: Path | None = None  # what the server printed (its tracebacks, if any)

    def _members(self) -> Iterator[int]:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat[stat.rindex(")") + 2:].split()[2]) == self.pid:
                    yield int(entry)

    def cpu_seconds(self) -> float:
        """utime + stime of every process in the server's process group, in seconds."""
        total = 0
        for pid in self._members():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text()
                fields = fields[fields.rindex(")") + 2:].split()
                total += int(fields[11]) + int(fields[12])
        return total / CLK_TCK

    def memory_mb(self, field_name: str = "VmRSS") -> float:
        """A /proc status figure (VmRSS now, VmHWM peak) summed over the group, in MB."""
        total_kb = 0
        for pid in self._members():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(field_name + ":"):
                        total_kb += int(line.split()[1])
        return total_kb / 1024

    def tally(self) -> tuple[int, int]:
        """Rows in `actions` and the sum of their counts."""
        if not self.db_path.exists():
            return 0, 0
        with contextlib.closing(sqlite3.connect(self.db_path)) as conn:
            try:
                rows, total = conn.execute(
                    "SELECT COUNT(*), COALESCE(SUM(count), 0) FROM actions").fetchone()
            except sqlite3.OperationalError:  # the bare app creates its table on the 1st count
                return 0, 0
        return rows, total


@contextlib.contextmanager
def serve_w4r() -> Iterator[Server]:
    """app.py served by tests/e2e_support.running_app (its own temporary database)."""
    with running_app() as url:
        yield Server("w4r", str(url), url.process.pid, Path(url.db_path), url.log_path)


@contextlib.contextmanager
def serve_bare() -> Iterator[Server]:
    """bench/bare_app.py served the same way (`streamlit run`, loopback, its own SQLite file),
    with Streamlit's default settings (not w4r's .streamlit/config.toml)."""
    with tempfile.TemporaryDirectory(prefix="w4r-bare-") as tmp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        database = Path(tmp) / "bare.db"
        with open(Path(tmp) / "streamlit.log", "wb") as log:
            process = subprocess.Popen(  # from its own folder: Streamlit's default settings
                [sys.executable, "-m", "streamlit", "run", str(ROOT / "bench" / "bare_app.py"),
                 "--server.port", str(port), "--server.address", "127.0.0.1",
                 "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                cwd=tmp, env=dict(os.environ, BARE_DB=str(database)),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the bare app did not start:\n"
                                     + (Path(tmp) / "streamlit.log").read_text())
                time.sleep(0.2)
            yield Server("bare", url, process.pid, database, Path(tmp) / "streamlit.log")
        finally:
            _stop(process)


# --- one browser tab ------------------------------------------------------------------------------

@dataclass
class Widget:
    """A widget the last run drew: its id, element type and label."""

    id: str
    type: str
    label: str
    disabled: bool = False
    fragment: str = ""  # the st.fragment it was drawn in: its rerun is that fragment's only
    file: str = ""  # a download button's file: its URL, or "deferred:ID" (built when clicked)


class Tab:
    """One browser tab on the app: a websocket, the page it is on, the widget states it keeps."""

    def __init__(self, url: str, sticky: bool = False) -> None:
        self.url = url
        self.sticky = sticky  # behind a proxy: load the page first and keep its cookie
        self.cookie = ""  # the proxy's sticky cookie, sent with the websocket and downloads
        self.ws: websockets.ClientConnection | None = None
        self.page_hash = ""
        self.values: dict[str, str] = {}  # widget id -> the text the tab holds for it
        self.widgets: list[Widget] = []  # drawn by the last run
        self.texts: list[tuple[str, str]] = []  # (fragment, body) of markdown and alerts shown
        self.running: str = ""  # the fragment whose rerun is running ("" for the whole script)
        self.fragment_runs = 0  # runs of one st.fragment only (the rest of the page untouched)
        self.session_id = ""  # the server's id of this tab's session (new_session)
        self.requests = 0  # backend operations asked for (a deferred download)
        self.cache: dict[str, ForwardMsg] = {}  # cacheable messages by hash, as the browser keeps

    async def open(self) -> float:
        """Connect and run the app's first page, as a browser opening the URL; seconds taken."""
        start = time.perf_counter()
        if self.sticky:  # as a browser: the page first, where the proxy sets its cookie
            self.cookie = await asyncio.to_thread(_cookie_of, self.url + "/")
        self.ws = await websockets.connect(
            self.url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
            max_size=None, open_timeout=TIMEOUT_S, ping_interval=None,  # browsers send no pings
            additional_headers={"Cookie": self.cookie} if self.cookie else None)
        await self._rerun([])
        return time.perf_counter() - start

    async def close(self) -> None:
        """Close the websocket (the pupil shuts the tab)."""
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()

    def find(self, *, label: str | None = None, prefix: str | None = None,
             key: str | None = None, types: tuple[str, ...] = ("button",)) -> Widget:
        """The first enabled widget of these types with this label, label prefix or key part."""
        for widget in self.widgets:
            if widget.type not in types or widget.disabled:
                continue
            if ((label is not None and widget.label == label)
                    or (prefix is not None and widget.label.startswith(prefix))
                    or (key is not None and key in widget.id)):
                return widget
        raise Failed(f"no {types[0]} {label or prefix or key!r} on the page")

    async def click(self, widget: Widget) -> float:
        """Click a button: one rerun with its trigger (of its fragment only, as a browser does
        for a widget drawn in an st.fragment); seconds until the last run finished."""
        return await self._rerun([widget.id], widget.fragment)

    async def commit(self, widget: Widget, text: str) -> float:
        """Leave a text field holding `text` (the browser commits it on blur); seconds taken."""
        self.values[widget.id] = text
        return await self._rerun([], widget.fragment)

    async def download(self, widget: Widget) -> float:
        """Click a download button as a browser does: a deferred file is asked for over the
        websocket (the server builds it then) and its URL fetched; seconds until it is in."""
        start = time.perf_counter()
        url = widget.file
        if url.startswith("deferred:"):
            self.requests += 1
            msg = BackMsg()
            request = msg.backend_operation_request
            request.request_id = f"bench-{self.requests}"
            request.session_id = self.session_id
            request.deferred_file.file_id = url.split(":", 1)[1]
            await self.ws.send(msg.SerializeToString())
            url = await asyncio.wait_for(self._answer(request.request_id), TIMEOUT_S)
        data = await asyncio.to_thread(_fetch, self.url + url, self.cookie)
        if not data:
            raise Failed("an empty download")
        return time.perf_counter() - start

    async def _answer(self, request_id: str) -> str:
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            if msg.WhichOneof("type") == "backend_operation_response" and \
                    msg.backend_operation_response.request_id == request_id:
                answer = msg.backend_operation_response
                if answer.error_msg or not answer.deferred_file.url:
                    raise Failed(f"download refused: {answer.error_msg or 'no URL'}"[:80])
                return answer.deferred_file.url

    async def _rerun(self, triggers: list[str], fragment: str = "") -> float:
        msg = BackMsg()
        state = msg.rerun_script
        state.page_script_hash = self.page_hash
        state.fragment_id = fragment
        self.running = fragment
        state.context_info.url = self.url + "/"
        state.context_info.locale = "en-GB"
        state.context_info.timezone = "Europe/Paris"
        for widget_id, text in self.values.items():
            state.widget_states.widgets.add(id=widget_id, string_value=text)
        for widget_id in triggers:
            state.widget_states.widgets.add(id=widget_id, trigger_value=True)
        state.cached_message_hashes.extend(self.cache)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        await asyncio.wait_for(self._until_finished(), TIMEOUT_S)
        return time.perf_counter() - start

    async def _until_finished(self) -> None:
        problem = ""
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            if msg.WhichOneof("type") == "ref_hash":
                if msg.ref_hash not in self.cache:
                    raise Failed("a reference to a message the tab never received")
                msg = self.cache[msg.ref_hash]
            elif msg.metadata.cacheable:
                self.cache[msg.hash] = msg
            kind = msg.WhichOneof("type")
            if kind == "new_session":  # a run starts: what it will draw again goes
                self.session_id = msg.new_session.initialize.session_id or self.session_id
                self.widgets = [w for w in self.widgets if self.running and
                                w.fragment != self.running]
                self.texts = [t for t in self.texts if self.running and t[0] != self.running]
            elif kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_not_found":
                problem = "page not found"
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                problem = self._element(msg.delta.new_element, msg.delta.fragment_id) or problem
            elif kind == "script_finished" and msg.script_finished == EARLY:
                self.running = ""  # st.switch_page or st.rerun: the next run is the whole script
            elif kind == "script_finished":
                self.fragment_runs += msg.script_finished == FRAGMENT_RUN
                if msg.script_finished == COMPILE_ERROR:
                    problem = "the script did not compile"
                break
        drawn = {widget.id for widget in self.widgets}
        self.values = {k: v for k, v in self.values.items() if k in drawn}
        if problem:
            raise Failed(problem)

    def _element(self, element, fragment: str = "") -> str:
        """Note a drawn element (a widget, a text); return a problem it shows, if any."""
        kind = element.WhichOneof("type")
        if kind == "exception":
            return "exception: " + element.exception.message[:80]
        body = getattr(element, kind)
        if kind in ("markdown", "alert"):
            self.texts.append((fragment, body.body))
        widget_id = getattr(body, "id", "")
        if widget_id:
            self.widgets.append(Widget(widget_id, kind, getattr(body, "label", ""),
                                       bool(getattr(body, "disabled", False)), fragment))
            if kind == "download_button":
                self.widgets[-1].file = (f"deferred:{body.deferred_file_id}"
                                         if body.deferred_file_id else body.url)
            if kind in ("text_area", "text_input"):
                if body.set_value or widget_id not in self.values:
                    self.values[widget_id] = body.value if body.set_value else body.default
        return ""


def _fetch(url: str, cookie: str = "") -> bytes:
    """GET a URL of the app (a media file), as the browser's download does."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        return response.read()


def _cookie_of(url: str) -> str:
    """The cookies a page sets (a proxy's sticky one), as a Cookie header."""
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
        response.read()
        found = response.headers.get_all("Set-Cookie") or []
    return "; ".join(header.split(";", 1)[0] for header in found)


# --- the pupils -----------------------------------------------------------------------------------

@dataclass
class Results:
    """What the pupils of one app measured."""

    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: Counter = field(default_factory=Counter)
    acks: int = 0
    connected: int = 0
    fragment_runs: int = 0  # interactions the server answered by rerunning one fragment only
    rss_at: dict[int, float] = field(default_factory=dict)

    @property
    def interactions(self) -> int:
        """Interactions timed (failed ones included in errors only)."""
        return sum(len(v) for v in self.times.values())


@dataclass
class Plan:
    """One pupil's dice: think times, typing speed, cases; the same for both apps."""

    rng: random.Random
    think: float
    cps: float

    def pause(self) -> float:
        """A think time: exponential with the mean asked for, at least 0.3 s."""
        return max(0.3, self.rng.expovariate(1 / self.think)) if self.think else 0.0

    def typing(self, text: str) -> float:
        """How long typing `text` takes, plus a short look at the screen."""
        return len(text) / self.cps + self.pause() / 4 if self.think else 0.0


class Pupil:
    """One pupil's journey against one app (`bare` maps every step to the bare app's widgets)."""

    def __init__(self, server: Server, plan: Plan, results: Results, until: float,
                 milestones: set[int]) -> None:
        self.server, self.plan, self.results = server, plan, results
        self.bare = server.name == "bare"
        self.until, self.milestones = until, milestones
        self.tab = Tab(server.url, sticky=getattr(server, "sticky", False))

    async def step(self, kind: str, wait: float, act) -> bool:
        """Wait, act, and record the seconds under `kind`; False (and an error) on failure."""
        await asyncio.sleep(wait)
        try:
            seconds = await act()
        except Exception as exc:  # noqa: BLE001 - every failure is an error of the run, counted
            self.results.errors[f"{kind}: {type(exc).__name__} {exc}"[:100]] += 1
            return False
        self.results.times[kind].append(seconds)
        return True

    async def click(self, kind: str, **where) -> bool:
        """Think, then click a button (the bare app's "Next" or "Count")."""
        if self.bare:
            where = {"label": "Count" if kind == "count" else "Next"}
        return await self.step(kind, self.plan.pause(),
                               lambda: self.tab.click(self.tab.find(**where)))

    async def type(self, step: int) -> bool:
        """Type the rest of the sentence into the step's field, then leave the field.

        The bare pupil types what the w4r pupil types at the same step, into its one text area.
        """
        added = list(TYPED.values())[step]  # the appeal's fields, in the order of its steps

        async def act() -> float:
            types = ("text_area", "text_input")
            if self.bare:
                widget = self.tab.find(label="Letter", types=types)
            else:
                widget = self.tab.find(key="-w4r.field.", types=types)
                if TYPED.get(widget.id.split("w4r.field.")[-1]) != added:
                    raise Failed(f"step {step + 1} is not the field expected: {widget.label!r}")
            return await self.tab.commit(widget, self.tab.values.get(widget.id, "") + added)

        return await self.step("type", self.plan.typing(added), act)

    async def run(self) -> None:
        """The whole journey, letter after letter until the time is up."""
        try:
            if not await self.step("open", 0.0, self.tab.open):
                return
            self.results.connected += 1
            if self.results.connected in self.milestones:
                self.results.rss_at[self.results.connected] = self.server.memory_mb()
            if not await self.click("page", label="Start writing"):
                return
            while True:
                case = self.plan.rng.choice(CASES)
                if not await self.click("choose", key=f"-{case}-appeal"):
                    return
                for step in range(STEPS):
                    last = step == STEPS - 1
                    if not (await self.click("starter", key="-starter-")
                            and await self.type(step)):
                        return
                    if not await self.click("print" if last else "next",
                                            label="Next: print & count" if last else None,
                                            prefix=None if last else "Next:"):
                        return
                if not self.bare and not await self.step(
                        "download", self.plan.pause(),
                        lambda: self.tab.download(self.tab.find(types=("download_button",),
                                                                prefix="Download"))):
                    return
                if not await self.click("count", label="Count my letter"):
                    return
                if any(ACK in text for _, text in self.tab.texts):
                    self.results.acks += 1
                else:
                    self.results.errors["count: no acknowledgement"] += 1
                if time.monotonic() >= self.until:
                    return
                if not await self.click("page", label="Write another letter"):
                    return
        finally:
            self.results.fragment_runs += self.tab.fragment_runs
            await self.tab.close()


async def drive(server: Server, writers: int, duration: float, think: float, cps: float,
                seed: int) -> Results:
    """N pupils against one server, arriving over the first few seconds."""
    results = Results()
    milestones = {n for n in (30, 60, writers) if n <= writers}
    until = time.monotonic() + duration
    arrival = min(10.0, duration / 6)

    async def one(index: int) -> None:
        plan = Plan(random.Random(seed * 1000 + index), think, cps)
        await asyncio.sleep(arrival * index / max(writers, 1) if think else 0.0)
        await Pupil(server, plan, results, until, milestones).run()

    await asyncio.gather(*(one(i) for i in range(writers)))
    return results


@dataclass
class Measured:
    """One app at one number of writers: the pupils' figures and the server's."""

    results: Results
    cpu_s: float
    rss_idle: float
    rss_peak: float
    counted_rows: int
    counted_sum: int
    client_cpu_s: float
    load_average: float
    idle_cpu_per_s: float
    wall_s: float


def measure(serve, writers: int, args: argparse.Namespace) -> Measured:
    """Start the app, warm it with one quick journey, then drive N pupils and read the server."""
    with serve() as server:
        asyncio.run(drive(server, 1, 0.0, 0.0, args.cps, seed=-1))  # imports, cases, fonts
        rows0, sum0 = server.tally()
        idle0 = server.cpu_seconds()
        time.sleep(IDLE_S)  # what the server costs with nobody connected (file watcher, loop)
        idle = (server.cpu_seconds() - idle0) / IDLE_S
        rss0, cpu0, client0 = server.memory_mb(), server.cpu_seconds(), time.process_time()
        wall0 = time.monotonic()
        results = asyncio.run(drive(server, writers, args.duration, args.think, args.cps,
                                    args.seed))
        cpu, client = server.cpu_seconds() - cpu0, time.process_time() - client0
        rows, total = server.tally()
        if results.errors and server.log_path is not None:  # show why, not only how many
            logged = server.log_path.read_text(errors="replace")
            start = logged.find("Traceback")
            print(f"--- {server.name} server log, from its first traceback ---\n"
                  f"{logged[start:start + 4000] if start >= 0 else logged[-2000:]}",
                  file=sys.stderr)
        return Measured(results, cpu, rss0, server.memory_mb("VmHWM"), rows - rows0,
                        total - sum0, client, os.getloadavg()[0], idle,
                        time.monotonic() - wall0)


# --- the report -----------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..1) of the values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def quartet(values: list[float]) -> str:
    """p50/p95/p99/max in milliseconds, or dashes."""
    if not values:
        return f"{'-':>6} {'-':>6} {'-':>6} {'-':>6}"
    return " ".join(f"{1000 * percentile(values, q):6.0f}" for q in (0.5, 0.95, 0.99, 1.0))


def report(writers: int, args: argparse.Namespace, w4r: Measured, bare: Measured) -> None:
    """Print the table for one number of writers."""
    print(f"\n{writers} writers, {args.duration:.0f} s, think {args.think:g} s, "
          f"typing {args.cps:g} chars/s (ms; interactions timed: w4r "
          f"{w4r.results.interactions}, bare {bare.results.interactions})")
    print(f"{'kind':8} {'n':>5} | {'w4r p50':>7} {'p95':>6} {'p99':>6} {'max':>6} | "
          f"{'bare p50':>8} {'p95':>6} {'p99':>6} {'max':>6} | p95 ratio")
    everything: dict[str, list[float]] = {"w4r": [], "bare": []}
    for kind in KINDS:
        mine, base = w4r.results.times[kind], bare.results.times[kind]
        everything["w4r"] += mine
        everything["bare"] += base
        ratio = (f"{percentile(mine, .95) / percentile(base, .95):9.1f}"
                 if mine and base else f"{'-':>9}")
        print(f"{kind:8} {len(mine):5d} | {quartet(mine):>27} | {quartet(base):>29} | {ratio}")
    mine, base = everything["w4r"], everything["bare"]
    if mine and base:
        print(f"{'all':8} {len(mine):5d} | {quartet(mine):>27} | {quartet(base):>29} | "
              f"{percentile(mine, .95) / percentile(base, .95):9.1f}")
    for name, measured in (("w4r", w4r), ("bare", bare)):
        errors = sum(measured.results.errors.values())
        detail = "; ".join(f"{k} ×{v}" for k, v in measured.results.errors.most_common(4))
        print(f"errors {name:4}: {errors}" + (f" ({detail})" if detail else ""))
    per = [m.cpu_s / max(m.results.interactions, 1) for m in (w4r, bare)]
    print(f"server CPU per interaction: w4r {1000 * per[0]:.1f} ms ({w4r.cpu_s:.1f} s), "
          f"bare {1000 * per[1]:.1f} ms ({bare.cpu_s:.1f} s), "
          f"ratio {per[0] / max(per[1], 1e-9):.1f}")
    print(f"answered by rerunning one fragment only: w4r {w4r.results.fragment_runs}, bare "
          f"{bare.results.fragment_runs} of {w4r.results.interactions} and "
          f"{bare.results.interactions} interactions")
    print(f"server CPU at rest, nobody connected: w4r {1000 * w4r.idle_cpu_per_s:.0f} ms/s, "
          f"bare {1000 * bare.idle_cpu_per_s:.0f} ms/s")
    print(f"the pupils took w4r {w4r.wall_s:.0f} s ({w4r.results.interactions / w4r.wall_s:.1f} "
          f"interactions/s), bare {bare.wall_s:.0f} s; this client's own CPU: "
          f"{w4r.client_cpu_s:.1f} s, {bare.client_cpu_s:.1f} s; load average after: "
          f"{w4r.load_average:.1f}, {bare.load_average:.1f}")
    for name, measured in (("w4r", w4r), ("bare", bare)):
        at = ", ".join(f"{n} writers {mb:.0f} MB"
                       for n, mb in sorted(measured.results.rss_at.items()))
        print(f"RSS {name:4}: 0 writers {measured.rss_idle:.0f} MB, {at}; peak "
              f"{measured.rss_peak:.0f} MB")
    for name, measured in (("w4r", w4r), ("bare", bare)):
        acks = measured.results.acks
        exact = "yes" if acks == measured.counted_rows == measured.counted_sum else "NO"
        print(f"tally {name:4}: acknowledged {acks}, rows {measured.counted_rows}, "
              f"sum {measured.counted_sum}, exact {exact}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, nargs="+", default=[10])
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds during which pupils start new letters")
    parser.add_argument("--think", type=float, default=5.0, help="mean think time, seconds")
    parser.add_argument("--cps", type=float, default=4.0, help="typing speed, characters/s")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the start")
    started = time.time()
    for writers in args.writers:
        w4r = measure(serve_w4r, writers, args)
        bare = measure(serve_bare, writers, args)
        report(writers, args, w4r, bare)
    print(f"({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
