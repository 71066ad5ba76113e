"""Accessibility: WCAG AA contrast of the theme, the high-contrast switch, labelled controls."""

from __future__ import annotations

import re
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from test_pages import ROOT, app, no_error, through_app, write_for  # noqa: F401 (fixtures)
from w4r import db, sessions, ui
from w4r.ui import common

WHITE, BLACK = "#ffffff", "#000000"
STREAMLIT_TEXT = "#31333f"  # Streamlit's light theme body text (its default textColor)


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula():
    assert contrast(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast("#777777", WHITE) == pytest.approx(4.48, abs=0.01)  # the classic AA miss


def test_default_theme_meets_wcag_aa():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    text = theme.get("textColor", STREAMLIT_TEXT)
    background = theme.get("backgroundColor", WHITE)
    assert contrast(text, background) >= 4.5
    assert contrast(theme["primaryColor"], WHITE) >= 4.5, "white text on primary buttons"
    caption = re.search(r"color: (#[0-9a-fA-F]{6})", common._BASE_CSS).group(1)
    assert contrast(caption, background) >= 4.5, "small grey captions"


def test_high_contrast_is_at_least_aaa():
    colours = re.findall(r"#[0-9a-fA-F]{3,6}\b", common._CONTRAST_CSS)
    full = ["#" + "".join(ch * 2 for ch in c[1:]) if len(c) == 4 else c for c in colours]
    background = "#000000"
    for colour in set(full) - {background}:
        assert contrast(colour, background) >= 7, colour


def labels(at: AppTest) -> list[tuple[str, str]]:
    widgets = [*at.button, *at.text_input, *at.text_area, *at.selectbox, *at.radio,
               *at.toggle, *at.checkbox, *at.number_input, *at.multiselect]
    return [(type(w).__name__, str(getattr(w, "label", "") or "")) for w in widgets]


@pytest.mark.parametrize("page", ["home", "cases", "write", "print", "tally"])
def test_every_control_of_the_writers_pages_is_labelled(app, page):
    at = write_for(app, kind="appeal") if page in ("write", "print") else app
    at = no_error(at.switch_page(f"pages/{page}.py").run())
    unlabelled = [kind for kind, label in labels(at) if not label.strip()]
    assert labels(at) and unlabelled == []


def test_the_switches_are_on_every_page_and_restyle_it(app):
    toggles = {t.label: t for t in app.toggle}
    assert {"Larger text", "High contrast"} <= set(toggles)
    toggles["High contrast"].set_value(True).run()
    css = " ".join(h.proto.body for h in app.get("html"))
    assert "#000" in css and "outline" in css


def test_every_kiosk_control_is_labelled(tmp_path, monkeypatch):
    path = tmp_path / "kiosk.db"
    monkeypatch.setenv("W4R_DB", str(path))
    sessions.update(db.connect(path), db.DEFAULT_SESSION, kiosk=True)
    at = no_error(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run())
    assert labels(at) and [k for k, label in labels(at) if not label.strip()] == []
