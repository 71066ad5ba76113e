"""Where the database and the content live (flags, environment, defaults)."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT = PROJECT_DIR / "content"
DEFAULT_DB = PROJECT_DIR / "data" / "w4r.db"
FONTS_DIR = DEFAULT_CONTENT / "fonts"
DEFAULT_URL = "http://localhost:8501"


POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SECRETS_KEY = "w4r_db"  # the database in Streamlit's .streamlit/secrets.toml (when W4R_DB is unset)


def db_target(override: str | os.PathLike | None = None) -> Path | str:
    """The database: a SQLite file (a Path) or a PostgreSQL URL (a str), from the override,
    else $W4R_DB, else Streamlit's secrets (`w4r_db`), else data/w4r.db."""
    found = override or os.environ.get("W4R_DB") or _secret() or DEFAULT_DB
    if is_postgres(found):
        return str(found)
    return Path(found)


def is_postgres(target: object) -> bool:
    """True for a postgresql:// URL (PostgreSQL), False for anything else (a SQLite file)."""
    return isinstance(target, str) and target.lower().startswith(POSTGRES_SCHEMES)


def shown(target: str | os.PathLike) -> str:
    """The database as a message may show it: a URL's password masked."""
    if not is_postgres(target):
        return str(target)
    text = str(target)
    scheme, rest = text.split("://", 1)
    userinfo, at, after = rest.rpartition("@")
    if at and ":" in userinfo.split("/")[0]:  # user:password@host
        text = f"{scheme}://{userinfo.split(':', 1)[0]}:***@{after}"
    return re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", text)


def _secret() -> str | None:
    """`w4r_db` from .streamlit/secrets.toml (the working folder's, else the home folder's),
    read without Streamlit: the CLI uses the same database as the app."""
    for folder in (Path.cwd(), Path.home()):
        try:
            with open(folder / ".streamlit" / "secrets.toml", "rb") as file:
                value = tomllib.load(file).get(SECRETS_KEY)
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def content_dir(override: str | os.PathLike | None = None) -> Path:
    """Return the content folder: the override, else $W4R_CONTENT, else content/."""
    return Path(override or os.environ.get("W4R_CONTENT") or DEFAULT_CONTENT)


def cases_dir(content: str | os.PathLike | None = None) -> Path:
    """Return the folder of case files inside the content folder."""
    return content_dir(content) / "cases"


def kiosk_lock() -> str | None:
    """The session code this server is the locked kiosk of ($W4R_KIOSK), or None for an
    ordinary server."""
    code = "".join((os.environ.get("W4R_KIOSK") or "").split())
    return code or None


def public_url(override: str | None = None) -> str:
    """The address pupils' devices reach the app at: the override, else $W4R_URL, else localhost."""
    return override or os.environ.get("W4R_URL") or DEFAULT_URL


def section_timezone() -> str:
    """The time zone the section's days are counted in ($W4R_SECTION_TZ, e.g. Europe/Paris);
    '' (UTC) when it is not set."""
    return (os.environ.get("W4R_SECTION_TZ") or "").strip()
