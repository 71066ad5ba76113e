"""Write an HAProxy configuration for w4r from the one template, deploy/haproxy.cfg.

    python3 deploy/haproxy_cfg.py --server 127.0.0.1:8501 --server 127.0.0.1:8502 \
        --http 0.0.0.0:80 --https 0.0.0.0:443 --crt /etc/haproxy/certs/w4r.pem -o haproxy.cfg

Only the template's lines marked `# w4r:` change: the HTTP and HTTPS binds, the server list
(app1, app2, … in the order given, each with its own sticky cookie value) and the statistics
page. `--https ''` leaves TLS out. Standard library only: it runs in the app's image too.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().with_name("haproxy.cfg")
ADDRESS = re.compile(r"[A-Za-z0-9_.:\[\]-]*:\d{1,5}")  # host:port, [v6]:port or :port
CERT = re.compile(r"[^\s#\"']+")


def _checked(value: str, pattern: re.Pattern, what: str) -> str:
    if not pattern.fullmatch(value):
        raise ValueError(f"not a {what}: {value!r}")
    return value


def render(template: str, servers: list[str], http: str = "", https: str = "", crt: str = "",
           stats: str = "") -> str:
    """The template with its marked lines for these binds and servers ('' drops a bind)."""
    if not servers:
        raise ValueError("at least one --server is needed")
    if https and not crt:
        raise ValueError("--https needs --crt (a PEM file with the certificate and its key)")
    out: list[str] = []
    for line in template.splitlines():
        marker = re.search(r"#\s*w4r:(\w+)\s*$", line)
        if marker is None:
            out.append(line)
            continue
        indent = line[:len(line) - len(line.lstrip())]
        kind = marker.group(1)
        if kind == "http" and http:
            out.append(f"{indent}bind {_checked(http, ADDRESS, 'host:port')}  # w4r:http")
        elif kind == "https" and https:
            out.append(f"{indent}bind {_checked(https, ADDRESS, 'host:port')} ssl crt "
                       f"{_checked(crt, CERT, 'file path')} alpn http/1.1  # w4r:https")
        elif kind == "stats" and stats:
            out.append(f"{indent}bind {_checked(stats, ADDRESS, 'host:port')}  # w4r:stats")
        elif kind == "server" and servers:
            out.extend(f"{indent}server app{n} {_checked(address, ADDRESS, 'host:port')} "
                       f"cookie app{n}  # w4r:server" for n, address in enumerate(servers, 1))
            servers = []  # written once, in place of the template's own list
        elif kind not in {"http", "https", "stats", "server"}:
            out.append(line)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line: write the configuration to -o (or stdout); exit 2 on bad arguments."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", action="append", default=[], metavar="HOST:PORT",
                        help="a w4r (streamlit) server; give one per process, in order")
    parser.add_argument("--http", default="", metavar="HOST:PORT", help="plain HTTP bind")
    parser.add_argument("--https", default="", metavar="HOST:PORT", help="TLS bind")
    parser.add_argument("--crt", default="", help="PEM: certificate chain, then private key")
    parser.add_argument("--stats", default="", metavar="HOST:PORT",
                        help="statistics page bind (keep it on loopback)")
    parser.add_argument("--template", type=Path, default=TEMPLATE)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    if not (args.http or args.https):
        parser.error("give --http or --https (or both)")
    try:
        text = render(args.template.read_text(encoding="utf-8"), args.server, args.http,
                      args.https, args.crt, args.stats)
    except (ValueError, OSError) as exc:
        parser.error(str(exc))
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
