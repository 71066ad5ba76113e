"""Where the database and the content live (flags, environment, defaults)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT = PROJECT_DIR / "content"
DEFAULT_DB = PROJECT_DIR / "data" / "w4r.db"
FONTS_DIR = DEFAULT_CONTENT / "fonts"
DEFAULT_URL = "http://localhost:8501"


def db_path(override: str | os.PathLike | None = None) -> Path:
    """Return the SQLite file: the override, else $W4R_DB, else data/w4r.db."""
    return Path(override or os.environ.get("W4R_DB") or DEFAULT_DB)


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
