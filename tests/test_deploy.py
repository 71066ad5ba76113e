"""deploy/: the one HAProxy template, its renderer, the Dockerfile and compose.yaml agree.

The proxy itself is driven end to end in tests/test_e2e_proxy.py; here each configuration the
docs and compose.yaml write from the template is checked by HAProxy (`haproxy -c`), and
compose.yaml (which cannot run here: no container engine) is read and compared.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

try:
    import proxy_support as proxy
except ImportError:  # pragma: no cover
    from tests import proxy_support as proxy

from test_e2e import _need

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
TEMPLATE = (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")
HEALTH = "/_stcore/health"
APP_PORT = 8501

_spec = importlib.util.spec_from_file_location("haproxy_cfg", DEPLOY / "haproxy_cfg.py")
haproxy_cfg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(haproxy_cfg)


def _section(text: str, name: str) -> list[str]:
    """The directives of one section of an HAProxy configuration, comments left out."""
    lines, inside = [], False
    for line in text.splitlines():
        if line and not line[0].isspace():
            inside = line.split("#")[0].strip() == name
        elif inside and line.split("#")[0].strip():
            lines.append(" ".join(line.split("#")[0].split()))
    return lines


def _valid(config: str, tmp_path: Path) -> None:
    _need("HAProxy (apt-get install haproxy)", proxy.available())
    path = tmp_path / "haproxy.cfg"
    path.write_text(config, encoding="utf-8")
    done = subprocess.run([proxy.HAPROXY, "-c", "-f", str(path)], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_template_keeps_browsers_on_their_server_and_moves_them_when_it_dies():
    backend = _section(TEMPLATE, "backend streamlit")
    defaults = _section(TEMPLATE, "defaults")
    assert "cookie SERVERID insert indirect nocache httponly" in backend
    assert f"option httpchk GET {HEALTH}" in backend and "http-check expect string ok" in backend
    assert "balance leastconn" in backend
    assert "option redispatch 1" in defaults and "retries 3" in defaults
    assert "timeout tunnel 1h" in defaults
    servers = [line for line in backend if line.startswith("server ")]
    assert servers == ["server app1 127.0.0.1:8501 cookie app1",
                       "server app2 127.0.0.1:8502 cookie app2"]
    # no query string in the log: the address holds a pupil's draft token
    log_format = next(line for line in defaults if line.startswith("log-format"))
    assert re.search(r"%(\{[^}]*\})?HP\b", log_format)
    assert not re.search(r"%(\{[^}]*\})?H[UQ]\b", log_format)


def test_a_rendered_configuration_is_valid_and_has_one_server_line_each(tmp_path):
    pem = proxy.make_certificate(tmp_path) if proxy.available() else tmp_path / "w4r.pem"
    text = haproxy_cfg.render(TEMPLATE, ["127.0.0.1:9001", "127.0.0.1:9002", "10.0.0.3:8501"],
                              http="127.0.0.1:9080", https="127.0.0.1:9443", crt=str(pem),
                              stats="127.0.0.1:9404")
    backend = _section(text, "backend streamlit")
    assert [line for line in backend if line.startswith("server ")] == [
        "server app1 127.0.0.1:9001 cookie app1", "server app2 127.0.0.1:9002 cookie app2",
        "server app3 10.0.0.3:8501 cookie app3"]
    assert f"bind 127.0.0.1:9443 ssl crt {pem} alpn http/1.1" in _section(text, "frontend w4r")
    plain = haproxy_cfg.render(TEMPLATE, ["127.0.0.1:9001"], http="127.0.0.1:9080")
    binds = [line for line in _section(plain, "frontend w4r") if line.startswith("bind")]
    assert binds == ["bind 127.0.0.1:9080"]
    _valid(text, tmp_path)
    _valid(plain, tmp_path)


@pytest.mark.parametrize("args", [
    ["--server", "127.0.0.1:8501"],                                    # no bind at all
    ["--http", ":80"],                                                 # no server
    ["--http", ":80", "--server", "127.0.0.1:8501\n    stats enable"],  # a line smuggled in
    ["--https", ":443", "--server", "a:1"],                            # TLS without a crt
    ["--https", ":443", "--crt", "x.pem ca-file /etc/passwd", "--server", "a:1"],
    ["--http", ":80", "--server", "a:1", "--template", "/no/such/file"],
])
def test_bad_arguments_exit_2_with_one_line(args, capsys):
    with pytest.raises(SystemExit) as exc:
        haproxy_cfg.main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def _renderer_commands(text: str) -> list[list[str]]:
    """Every `python3 deploy/haproxy_cfg.py …` command in a text, its arguments split."""
    found = []
    for match in re.finditer(r"python3? deploy/haproxy_cfg\.py((?:[^\n`\"&]|\\\n)*)",
                             text.replace("\\\n", " ")):
        found.append(shlex.split(match.group(1)))
    return found


def _run_renderer(args: list[str], tmp_path: Path) -> str:
    """Run the renderer as documented, with a throw-away certificate and output file."""
    args = list(args)
    if "--crt" in args:
        args[args.index("--crt") + 1] = str(
            proxy.make_certificate(tmp_path) if proxy.available() else tmp_path / "w4r.pem")
    if "-o" in args:
        args[args.index("-o") + 1] = str(tmp_path / "out.cfg")
    else:
        args += ["-o", str(tmp_path / "out.cfg")]
    assert haproxy_cfg.main(args) == 0
    return (tmp_path / "out.cfg").read_text(encoding="utf-8")


def test_the_command_in_deploy_md_writes_a_valid_configuration(tmp_path):
    commands = _renderer_commands((ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8"))
    assert commands, "docs/DEPLOY.md shows no haproxy_cfg.py command"
    for args in commands:
        _valid(_run_renderer(args, tmp_path), tmp_path)


def test_compose_runs_the_same_template_health_check_and_port(tmp_path):
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    apps = {name: s for name, s in services.items() if "build" in s and "command" not in s}
    assert len(apps) >= 2
    # one database setting, the same for every app server
    assert len({s["environment"]["W4R_DB"] for s in apps.values()}) == 1
    for service in apps.values():
        assert HEALTH in " ".join(service["healthcheck"]["test"])
        assert service["expose"] == [str(APP_PORT)]
    # the proxy writes its configuration from the one template, one --server per app service
    command = services["haproxy"]["command"]
    [args] = _renderer_commands(command)
    servers = [args[i + 1] for i, arg in enumerate(args) if arg == "--server"]
    assert servers == [f"{name}:{APP_PORT}" for name in apps]
    text = _run_renderer(args, tmp_path)
    assert [line for line in _section(text, "backend streamlit") if line.startswith("server")] \
        == [f"server app{n} {name}:{APP_PORT} cookie app{n}" for n, name in enumerate(apps, 1)]
    _valid(text, tmp_path)  # app1, app2 do not resolve here: init-addr none lets it start


def test_the_dockerfile_serves_the_port_and_checks_the_health_compose_expects():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert f"EXPOSE {APP_PORT}" in text
    assert f"http://127.0.0.1:{APP_PORT}{HEALTH}" in text
    assert re.search(rf'"--server\.port", "{APP_PORT}"', text)
    assert "haproxy" in text  # the proxy service runs from the app's image
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    for service in compose["services"].values():  # built here, never pulled under that name
        if service.get("image") == "w4r":
            assert service["build"]["dockerfile"] == "deploy/Dockerfile"
