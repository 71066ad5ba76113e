"""Translation: every failure is one clear TranslationError, within its time limit.

Nothing here touches the internet. The real GoogleTranslator adapter is pointed at servers on
127.0.0.1 (through GoogleProvider's base_url, which sets the `_base_url` attribute that
deep-translator reads): a port where nothing listens, a socket that accepts and never answers,
and small HTTP servers answering 429, 500, garbage or a real-looking result page.
"""

from __future__ import annotations

import dataclasses
import http.server
import socket
import threading
import time
import urllib.parse

import pytest
import requests
from deep_translator import google as dt_google
from deep_translator.exceptions import InvalidSourceOrTargetLanguage, LanguageNotSupportedException

from w4r import translate as t

MARGIN = 2.5  # seconds allowed beyond a call's timeout, for a slow CI machine


@pytest.fixture(autouse=True)
def _isolated(monkeypatch):
    """A clean cache, no proxy (so 127.0.0.1 is reached directly), no translator setting."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv(t.SETTING, raising=False)
    monkeypatch.delenv(t.URL_SETTING, raising=False)
    t.clear_cache()
    yield
    t.clear_cache()


def _wait_idle(deadline: float = 5.0) -> None:
    end = time.monotonic() + deadline
    while t.in_flight() and time.monotonic() < end:
        time.sleep(0.02)
    assert t.in_flight() == 0, "a translation worker is still running"


def _fails(reason: str, *args, **kwargs) -> tuple[t.TranslationError, float]:
    start = time.monotonic()
    with pytest.raises(t.TranslationError) as caught:
        t.translate(*args, **kwargs)
    elapsed = time.monotonic() - start
    assert caught.value.reason == reason, str(caught.value)
    assert str(caught.value).endswith(t.KEPT)
    assert "Traceback" not in str(caught.value)
    return caught.value, elapsed


# --- local servers ---------------------------------------------------------------------------

@pytest.fixture
def refused_url():
    """An address on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/m"


@pytest.fixture
def silent_url():
    """A server that accepts connections (the kernel does, from the backlog) and never answers.

    Closing it resets the waiting connections, so a worker still reading ends too.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/m"
    sock.close()
    _wait_idle()


class _Server:
    def __init__(self, status: int, body: str) -> None:
        self.status, self.body, self.requests = status, body, []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                outer.requests.append(urllib.parse.urlsplit(self.path))
                data = outer.body.encode("utf-8")
                self.send_response(outer.status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/m"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def query(self, i: int = -1) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.requests[i].query))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server():
    servers: list[_Server] = []

    def make(status: int, body: str = "") -> _Server:
        servers.append(_Server(status, body))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


# --- the real adapter's failures, for real -----------------------------------------------------

def test_connection_refused_is_offline(refused_url):
    error, elapsed = _fails("offline", "Hello", "fr", provider=t.GoogleProvider(refused_url))
    assert "internet" in str(error)
    assert elapsed < MARGIN


def test_a_server_that_never_answers_times_out_in_time(silent_url):
    error, elapsed = _fails("timeout", "Hello", "fr", timeout=0.5,
                            provider=t.GoogleProvider(silent_url))
    assert elapsed < 0.5 + MARGIN
    assert "0.5 seconds" in str(error)


def test_the_wait_is_bounded_even_without_a_socket_timeout(silent_url, monkeypatch):
    # deep-translator as shipped: requests.get with no timeout at all. Only the thread wait
    # bounds the call; the worker ends when the server closes (fixture teardown).
    monkeypatch.setattr(dt_google, "requests", requests)
    _, elapsed = _fails("timeout", "Hello", "fr", timeout=0.5,
                        provider=t.GoogleProvider(silent_url))
    assert elapsed < 0.5 + MARGIN


def test_the_socket_timeout_ends_a_hung_worker_too(silent_url):
    _fails("timeout", "Hello", "fr", timeout=0.3, provider=t.GoogleProvider(silent_url))
    _wait_idle(deadline=3.0)  # the server is still open: only the socket timeout ends it


def test_http_429_is_a_rate_limit(http_server):
    server = http_server(429, "Too Many Requests")
    error, _ = _fails("rate_limit", "Hello", "fr", provider=t.GoogleProvider(server.url))
    assert "too many requests" in str(error)
    assert len(server.requests) == 1


@pytest.mark.parametrize("status, body", [
    (500, "Internal Server Error"),
    (200, "<html><body>}{ not a translation page \x00</body></html>"),
    (200, ""),
])
def test_errors_and_garbage_are_unusable_answers(http_server, status, body):
    server = http_server(status, body)
    _fails("service", "Hello", "fr", provider=t.GoogleProvider(server.url))


def test_a_result_page_is_read_and_cached(http_server):
    server = http_server(200, '<html><div class="t0">Bonjour à vous</div></html>')
    provider = t.GoogleProvider(server.url)
    first = t.translate("Hello to you", "French", provider=provider)
    assert first == t.Translation("Bonjour à vous", "auto", "fr", "google")
    assert server.query()["q"] == "Hello to you"
    assert server.query()["tl"] == "fr"
    assert t.translate("Hello to you", "fr", provider=provider) == first
    assert len(server.requests) == 1


def test_the_address_comes_from_the_environment(monkeypatch, http_server):
    server = http_server(200, '<div class="t0">Hola</div>')
    monkeypatch.setenv(t.URL_SETTING, server.url)
    assert t.translate("Hello", "es").text == "Hola"  # W4R_TRANSLATOR unset: google


def test_an_unsupported_language_in_the_real_adapter():
    with pytest.raises(LanguageNotSupportedException):  # before any request is made
        t.GoogleProvider("http://127.0.0.1:9/m").translate("Hello", "auto", "xx")


# --- checks before any call ----------------------------------------------------------------

class Recording:
    """A provider that records its calls and answers (or raises) as told."""

    name = "recording"

    def __init__(self, answer="translated", fail: BaseException | None = None, times: int = 0):
        self.calls: list[tuple[str, str, str]] = []
        self.answer, self.fail, self.fail_times = answer, fail, times

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls.append((text, source, target))
        if self.fail is not None and (self.fail_times == 0 or len(self.calls) <= self.fail_times):
            raise self.fail
        return self.answer


def test_too_long_fails_before_any_call():
    provider = Recording()
    error, _ = _fails("too_long", "a" * 5_000, "fr", provider=provider)
    assert "5,000 characters" in str(error)
    assert "4,999" in str(error)
    _fails("too_long", "é" * 12_345, "fr", provider=provider)
    assert provider.calls == []
    assert t.translate("a" * 4_999, "fr", provider=provider).text == "translated"


@pytest.mark.parametrize("text", ["", "   \n\t ", None])
def test_empty_text_fails_before_any_call(text):
    provider = Recording()
    _fails("empty", text, "fr", provider=provider)
    assert provider.calls == []


@pytest.mark.parametrize("target", ["klingon", "", "xx", "auto"])
def test_an_unknown_target_fails_before_any_call(target):
    provider = Recording()
    _fails("language", "Hello", target, provider=provider)
    assert provider.calls == []


def test_an_unknown_source_fails_before_any_call():
    provider = Recording()
    _fails("language", "Hello", "fr", source="elvish", provider=provider)
    assert provider.calls == []


def test_same_source_and_target_needs_no_call():
    provider = Recording()
    assert t.translate(" Bonjour ", "fr", source="French", provider=provider).text == "Bonjour"
    assert provider.calls == []


# --- every library failure becomes one clear message ------------------------------------------

@pytest.mark.parametrize("exc, reason", [
    (requests.exceptions.ConnectionError("Name or service not known"), "offline"),
    (socket.gaierror(-2, "Name or service not known"), "offline"),
    (ConnectionRefusedError(111, "refused"), "offline"),
    (requests.exceptions.ReadTimeout(), "timeout"),
    (requests.exceptions.ConnectTimeout(), "timeout"),
    (dt_google.TooManyRequests(), "rate_limit"),
    (LanguageNotSupportedException("xx"), "language"),
    (InvalidSourceOrTargetLanguage("xx"), "language"),
    (dt_google.RequestError(), "service"),
    (dt_google.TranslationNotFound("secret letter text"), "service"),
    (RuntimeError("secret letter text"), "failed"),
    (KeyError("secret letter text"), "failed"),
])
def test_library_failures_are_explained(exc, reason):
    error, _ = _fails(reason, "secret letter text", "fr", provider=Recording(fail=exc))
    assert "secret" not in str(error)


def test_an_empty_answer_is_not_a_translation():
    _fails("service", "Hello", "fr", provider=Recording(answer="  "))
    _fails("service", "Hello", "fr", provider=Recording(answer=None))


# --- time limit and the cap on hung calls -----------------------------------------------------

class Hanging:
    """A provider that blocks until released, as a server that never answers would."""

    name = "hanging"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls += 1
        self.release.wait(10)
        return f"late {text}"


def test_hung_calls_are_capped_and_fail_fast(monkeypatch):
    monkeypatch.setattr(t, "_slots", threading.BoundedSemaphore(2))
    provider = Hanging()
    try:
        for text in ("one", "two"):
            _, elapsed = _fails("timeout", text, "fr", timeout=0.2, provider=provider)
            assert elapsed < 0.2 + MARGIN
        assert t.in_flight() == 2
        error, elapsed = _fails("busy", "three", "fr", timeout=5, provider=provider)
        assert elapsed < 0.5
        assert provider.calls == 2
    finally:
        provider.release.set()
    _wait_idle()
    # a worker that answered late filled the cache: the next click gets it at once
    assert t.translate("one", "fr", provider=provider).text == "late one"
    assert provider.calls == 2
    assert t.translate("four", "fr", timeout=1, provider=provider).text == "late four"


def test_timeout_must_be_positive():
    with pytest.raises(ValueError):
        t.translate("Hello", "fr", timeout=0, provider=Recording())


# --- cache -----------------------------------------------------------------------------------

def test_a_cache_hit_makes_no_second_call():
    provider = Recording(answer="Bonjour")
    first = t.translate("Hello", "fr", provider=provider)
    assert t.translate("Hello", "French", provider=provider) == first
    assert t.translate("  Hello\n", "fr", provider=provider) == first
    assert len(provider.calls) == 1
    t.translate("Hello", "es", provider=provider)
    t.translate("Hello!", "fr", provider=provider)
    assert len(provider.calls) == 3


def test_failures_are_not_cached():
    provider = Recording(answer="Bonjour", fail=requests.exceptions.ConnectionError(), times=1)
    _fails("offline", "Hello", "fr", provider=provider)
    assert t.cache_size() == 0
    assert t.translate("Hello", "fr", provider=provider).text == "Bonjour"
    assert len(provider.calls) == 2


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(t, "_cache", t._LRU(3))
    provider = Recording()
    for i in range(5):
        t.translate(f"text {i}", "fr", provider=provider)
    assert t.cache_size() == 3
    t.translate("text 4", "fr", provider=provider)  # still there
    t.translate("text 0", "fr", provider=provider)  # evicted: asked again
    assert len(provider.calls) == 6


# --- the fake provider and W4R_TRANSLATOR ------------------------------------------------------

def test_the_fake_provider_flow(monkeypatch):
    monkeypatch.setenv(t.SETTING, "fake")
    provider = t.provider_from_env()
    assert isinstance(provider, t.EchoProvider) and isinstance(provider, t.Provider)
    result = t.translate("We are thinking of you.", "español")
    assert result == t.Translation("[es] We are thinking of you.", "auto", "es", "fake")
    assert dataclasses.is_dataclass(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "changed"  # type: ignore[misc]
    assert t.enabled()


@pytest.mark.parametrize("value, kind", [
    (None, t.GoogleProvider), ("", t.GoogleProvider), ("google", t.GoogleProvider),
    ("fake", t.EchoProvider), (" FAKE ", t.EchoProvider), ("off", t.OffProvider),
    ("deepl", t.OffProvider),
])
def test_provider_from_env(value, kind):
    env = {} if value is None else {t.SETTING: value}
    assert type(t.provider_from_env(env)) is kind


def test_google_address_from_the_environment():
    provider = t.provider_from_env({t.URL_SETTING: "http://127.0.0.1:9/m"})
    assert provider.base_url == "http://127.0.0.1:9/m"
    assert t.GoogleProvider().base_url is None  # the fixture cleared W4R_TRANSLATE_URL


def test_off_says_so_clearly(monkeypatch):
    monkeypatch.setenv(t.SETTING, "off")
    error, _ = _fails("off", "Hello", "fr")
    assert "switched off" in str(error)
    assert not t.enabled()
    unknown = t.provider_from_env({t.SETTING: "deepl"})
    assert "deepl" in unknown.note and not t.enabled(unknown)


# --- languages -------------------------------------------------------------------------------

@pytest.mark.parametrize("value, code", [
    ("fr", "fr"), ("FR", "fr"), ("es-MX", "es"), ("es_MX", "es"), ("Spanish", "es"),
    ("español", "es"), ("Espanol", "es"), ("árabe", "ar"), ("العربية", "ar"), ("he", "iw"),
    ("Hebrew", "iw"), ("zh", "zh-CN"), ("zh-Hant", "zh-TW"), ("Chinese", "zh-CN"),
    ("Portuguese (Brazil)", "pt"), ("pt-BR", "pt"), ("fil", "tl"), ("Russian", "ru"),
    ("", None), (None, None), ("klingon", None), ("auto", None),
])
def test_language_codes(value, code):
    assert t.language_code(value) == code


def test_target_languages_for_a_select_box():
    english = dict(t.target_languages())
    assert english["fr"] == "French" and english["iw"] == "Hebrew" and english["ar"] == "Arabic"
    assert len(english) == len(t.GOOGLE_CODES)
    names = [name for _, name in t.target_languages()]
    assert names == sorted(names, key=t._fold)
    assert dict(t.target_languages("fr"))["de"] == "Allemand"
    assert dict(t.target_languages("es"))["en"] == "Inglés"
    assert t.language_name("es", "es") == "Español"


def test_case_language(case):
    assert t.case_language(case, "appeal") is None  # the shipped demo cases leave it empty
    appeal = dataclasses.replace(case.appeal, language="es")
    solidarity = dataclasses.replace(case.solidarity, greeting_language="Arabic")
    filled = dataclasses.replace(case, appeal=appeal, solidarity=solidarity)
    assert t.case_language(filled, "appeal") == "es"
    assert t.case_language(filled, "solidarity") == "ar"
