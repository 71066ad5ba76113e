"""AppTest of kiosk mode: the attract screen, the short flow, forgetting the visitor, the PIN."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from test_pages import ROOT, button, no_error, page_html, through_app  # noqa: F401 (autouse fixture)
from w4r import access, db, i18n, sessions, tally, visits

PIN = "482913"
MESSAGE = "You are not alone. We think of you."


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "kiosk.db"
    monkeypatch.setenv("W4R_DB", str(path))
    database = db.connect(path)
    sessions.update(database, db.DEFAULT_SESSION, kiosk=True, idle_seconds=10)
    access.set_pin(database, db.DEFAULT_SESSION, PIN)
    return path


@pytest.fixture
def kiosk(db_path) -> AppTest:
    return no_error(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run())


def total(db_path) -> int:
    database = db.connect(db_path)
    return tally.totals(database, sessions.default(database)).total


def write_a_letter(at: AppTest, message: str = MESSAGE) -> AppTest:
    no_error(at.button(key="kiosk-start").click().run())
    no_error(at.button(key="kiosk-yecenia-armenta-solidarity").click().run())
    at.text_area[0].input(message).run()
    return no_error(at)


def test_the_attract_screen_invites_with_the_live_count(kiosk):
    assert kiosk.title[0].value == "Write for Rights"
    assert button(kiosk, "Touch to write")
    assert 'w4r-kiosk-count">0<' in page_html(kiosk)
    for page in ("cases", "organizer", "session", "tally"):  # only the kiosk page exists
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            kiosk.switch_page(f"pages/{page}.py")


def test_a_visitor_writes_counts_and_is_thanked_with_the_new_total(kiosk, db_path):
    at = write_a_letter(kiosk)
    no_error(button(at, "Count my letter").click().run())
    assert at.title[0].value == "Thank you!"
    assert any("Letters written here together: 1" in m.value for m in at.markdown)
    assert total(db_path) == 1
    no_error(button(at, "Next visitor").click().run())
    assert button(at, "Touch to write")
    assert "w4r.draft" not in at.session_state
    assert "1 actions" not in page_html(at) and "action here so far" in page_html(at)


def test_an_unsafe_letter_cannot_be_counted(kiosk):
    at = write_a_letter(kiosk, "Call me on +44 7700 900123")
    assert button(at, "Count my letter").disabled
    assert at.error


def test_an_idle_visitor_is_forgotten(kiosk):
    at = write_a_letter(kiosk)
    at.session_state["w4r.lang"] = "fr"
    at.session_state["w4r.seen"] = time.time() - 11  # the session's idle time is 10 s
    no_error(at.run())
    assert button(at, "Touch to write"), "back to the attract screen, in English again"
    assert "w4r.draft" not in at.session_state
    assert not at.text_area


def test_a_visitor_within_the_idle_time_is_kept(kiosk):
    at = write_a_letter(kiosk)
    at.session_state["w4r.seen"] = time.time() - 5
    no_error(at.run())
    assert at.text_area[0].value == MESSAGE


def test_the_language_buttons_switch_the_interface(kiosk):
    no_error(button(kiosk, "Français").click().run())
    french = i18n.gettext("fr", "Touch to write")
    assert french != "Touch to write", "fr.po translates it"
    assert button(kiosk, french)
    no_error(button(kiosk, "Polski").click().run())
    assert button(kiosk, i18n.gettext("pl", "Touch to write"))


def test_leaving_kiosk_mode_needs_the_pin(kiosk):
    kiosk.text_input[0].input("0000")
    no_error(button(kiosk, "Leave kiosk mode").click().run())
    assert kiosk.error and button(kiosk, "Touch to write")
    kiosk.text_input[0].input(PIN)
    no_error(button(kiosk, "Leave kiosk mode").click().run())
    at = no_error(kiosk.switch_page("pages/session.py").run())
    assert at.title[0].value == "Session settings"


def test_with_a_printer_the_letter_prints_and_counts_once(kiosk, db_path, tmp_path, fake_lp):
    sessions.update(db.connect(db_path), db.DEFAULT_SESSION, printer="hall")
    at = write_a_letter(kiosk)
    print_button = button(at, "Print my letter")
    no_error(print_button.click().run())
    assert at.title[0].value == "Thank you!"
    assert (tmp_path / "jobs").read_text().count("job") == 1
    assert total(db_path) == 1


def test_a_missing_printer_keeps_the_letter_and_says_so(kiosk, db_path, no_lp):
    sessions.update(db.connect(db_path), db.DEFAULT_SESSION, printer="hall")
    at = write_a_letter(kiosk)
    no_error(button(at, "Print my letter").click().run())
    assert any("Not printed" in e.value for e in at.error)
    assert at.text_area[0].value == MESSAGE
    assert total(db_path) == 0


def test_the_organizer_who_left_the_kiosk_is_signed_out_after_its_idle_time(kiosk, db_path):
    kiosk.text_input[0].input(PIN)
    no_error(button(kiosk, "Leave kiosk mode").click().run())
    assert not button_labels(kiosk, "Touch to write"), "the organizer's app"
    database = db.connect(db_path)
    assert database.execute("select idle_s from signins").fetchone()[0] == 10
    # 11 s without a touch (the session's idle time is 10 s): the next run is the kiosk again
    database.execute("update signins set last_seen = last_seen - 11")
    no_error(kiosk.run())
    assert button(kiosk, "Touch to write")
    assert database.execute("select count(*) from signins").fetchone()[0] == 0
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        kiosk.switch_page("pages/session.py")


def test_the_organizer_within_the_idle_time_stays_signed_in(kiosk, db_path):
    kiosk.text_input[0].input(PIN)
    no_error(button(kiosk, "Leave kiosk mode").click().run())
    database = db.connect(db_path)
    database.execute("update signins set last_seen = last_seen - 8")
    at = no_error(kiosk.switch_page("pages/session.py").run())
    assert at.title[0].value == "Session settings"


def button_labels(at: AppTest, label: str) -> list:
    return [b for b in at.button if b.label == label]


def send(at: AppTest, widget_id: str, **value) -> AppTest:
    """Run with a widget value a browser could send but AppTest has no API for (a click on a
    disabled button, a crafted message; a custom component's value)."""
    states = at._tree.get_widget_states()
    sent = next((w for w in states.widgets if w.id == widget_id), None) or states.widgets.add()
    sent.id = widget_id
    for name, item in value.items():
        setattr(sent, name, item)
    return no_error(at._run(states))


# --- one letter per visit, at the kiosk's pace; the visitor's own words --------------------------


def test_a_visitor_counts_one_letter_per_visit(kiosk, db_path, monkeypatch):
    monkeypatch.setattr(visits, "COUNT_GAP_S", 0)  # no pause: only the one-letter rule is tested
    at = write_a_letter(kiosk)
    no_error(button(at, "Count my letter").click().run())
    assert at.title[0].value == "Thank you!" and total(db_path) == 1
    # the same visit starts another letter (a crafted message, a callback called again): a new
    # draft with a new submission id, and Count tapped twice
    at.session_state["w4r.kiosk.phase"] = "choose"
    no_error(at.run())
    no_error(at.button(key="kiosk-jani-silva-solidarity").click().run())
    at.text_area[0].input("Stay strong, Jani. A second letter from the same visitor.").run()
    count = button(at, "Count my letter")
    no_error(count.click().run())
    assert at.title[0].value == "Thank you!"
    at.session_state["w4r.kiosk.phase"] = "write"
    no_error(at.run())
    no_error(button(at, "Count my letter").click().run())
    assert total(db_path) == 1, "one letter per visit"
    no_error(button(at, "Next visitor").click().run())
    at = write_a_letter(at, "The next visitor writes to you from the fair.")
    no_error(button(at, "Count my letter").click().run())
    assert total(db_path) == 2, "the next visitor counts their own letter"


def test_the_kiosk_pauses_between_two_counts_shared_by_its_browsers(kiosk, db_path):
    first = write_a_letter(kiosk)
    no_error(button(first, "Count my letter").click().run())
    # a second browser showing the same kiosk session, a moment later
    second = write_a_letter(no_error(AppTest.from_file(str(ROOT / "app.py"),
                                                       default_timeout=30).run()),
                            "Another visitor: we are with you, Yecenia.")
    no_error(button(second, "Count my letter").click().run())
    assert total(db_path) == 1
    assert any("The next letter can be counted in" in i.value for i in second.info)
    assert not second.error and second.text_area[0].value.startswith("Another visitor")
    assert second.session_state["w4r.kiosk.phase"] == "write"


def test_a_paused_kiosk_prints_nothing(kiosk, db_path, fake_lp):
    sessions.update(db.connect(db_path), db.DEFAULT_SESSION, printer="hall")
    first = write_a_letter(kiosk)
    no_error(button(first, "Print my letter").click().run())
    second = write_a_letter(no_error(AppTest.from_file(str(ROOT / "app.py"),
                                                       default_timeout=30).run()),
                            "Another visitor: we are with you, Yecenia.")
    no_error(button(second, "Print my letter").click().run())
    assert (fake_lp / "jobs").read_text().count("job") == 1, "printed only what counted"
    assert total(db_path) == 1
    assert any("The next letter can be counted in" in i.value for i in second.info)


def test_an_appeal_with_only_the_prefilled_request_cannot_be_counted_or_printed(kiosk, db_path,
                                                                                fake_lp):
    no_error(kiosk.button(key="kiosk-start").click().run())
    no_error(kiosk.button(key="kiosk-yecenia-armenta-appeal").click().run())
    draft = kiosk.session_state["w4r.draft"]
    assert draft.request, "the appeal holds the case's request"
    assert button(kiosk, "Count my letter").disabled
    send(kiosk, button(kiosk, "Count my letter").proto.id, trigger_value=True)  # sent anyway
    starter = next(b for b in kiosk.button if b.key and b.key.startswith("kiosk-starter-"))
    no_error(starter.click().run())  # a sentence starter is the app's words too
    assert button(kiosk, "Count my letter").disabled
    send(kiosk, button(kiosk, "Count my letter").proto.id, trigger_value=True)
    assert total(db_path) == 0
    sessions.update(db.connect(db_path), db.DEFAULT_SESSION, printer="hall")
    no_error(kiosk.run())
    assert button(kiosk, "Print my letter").disabled
    send(kiosk, button(kiosk, "Print my letter").proto.id, trigger_value=True)
    assert total(db_path) == 0 and not (fake_lp / "jobs").exists()
    assert kiosk.session_state["w4r.kiosk.phase"] == "write"


# --- the idle watcher's reports ----------------------------------------------------------------


def report(at: AppTest, event: str, n: int) -> AppTest:
    """Send what the idle watcher's browser side sends: a new value for its component."""
    [watcher] = [node for node in at._tree if node.type == "component_instance"
                 and node.proto.id.endswith("-w4r-idle")]
    return send(at, watcher.proto.id, json_value=json.dumps({"event": event, "n": n}))


def test_the_idle_watchers_heartbeat_keeps_a_typing_visitor(kiosk):
    at = write_a_letter(kiosk)
    # the last click was 11 s ago (the idle time is 10 s) but the visitor kept typing: the
    # heartbeat's callback runs before anything checks the idle time, and keeps them
    at.session_state["w4r.seen"] = time.time() - 11
    report(at, "active", 1)
    assert time.time() - at.session_state["w4r.seen"] < 2, "the heartbeat touched the visitor"
    assert at.session_state["w4r.kiosk.phase"] == "write"
    no_error(at.run())
    assert at.text_area[0].value == MESSAGE


def test_the_idle_watchers_idle_report_forgets_the_visitor_and_the_saved_draft(kiosk, db_path):
    at = write_a_letter(kiosk)
    at.session_state["w4r.lang"] = "fr"
    with db.opened(db_path) as database:
        assert database.execute("select count(*) from drafts").fetchone()[0] == 1
    report(at, "idle", 1)
    assert button(at, "Touch to write"), "back to the attract screen, in English"
    assert "w4r.draft" not in at.session_state and not at.text_area
    with db.opened(db_path) as database:
        assert database.execute("select count(*) from drafts").fetchone()[0] == 0
