"""AppTest for every page: the student journey from home to a counted letter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from w4r import db, prompts, sessions, tally
from w4r.cases import load_cases

ROOT = Path(__file__).resolve().parent.parent
CASE = "yecenia-armenta"


class _RunThroughApp(PagesManager):
    """AppTest resets Streamlit's legacy `pages/` mode on every run; the server leaves it once
    app.py's navigation has run. Tests run pages the way the server does after that (the
    first-request case itself is covered in a browser by test_e2e)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def through_app(monkeypatch) -> None:
    monkeypatch.setattr(app_test_module, "PagesManager", _RunThroughApp)


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    """The app on a fresh SQLite file, opened on its home page."""
    monkeypatch.setenv("W4R_DB", str(tmp_path / "pages.db"))
    monkeypatch.delenv("W4R_CONTENT", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    return at.run()


def shown(text: str) -> str:
    """A markdown string as a reader sees it: the escapes that keep typed text inert removed."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def page_html(at: AppTest) -> str:
    """The HTML blocks of a page (st.html), joined."""
    return " ".join(h.proto.body for h in at.get("html"))


def no_error(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def write_for(at: AppTest, case_id: str = CASE, kind: str = "appeal") -> AppTest:
    """Choose a case and a kind of letter, landing on the Write page."""
    at.switch_page("pages/cases.py").run()
    at.button(key=f"{case_id}-{kind}").click().run()
    assert no_error(at).title[0].value.endswith(load_cases(ROOT / "content" / "cases").get(case_id).name)
    # st.switch_page moved the script; AppTest's own page pointer must follow it
    return no_error(at.switch_page("pages/write.py").run())


def shown_field(at: AppTest, name: str):
    """The widget of a letter part, if the current step shows it."""
    key = f"w4r.field.{name}"
    widgets = [w for w in (*at.text_input, *at.text_area) if w.key == key]
    return widgets[0] if widgets else None


def field(at: AppTest, name: str):
    """The widget of a letter part, going to its step (through "All steps") when needed."""
    if shown_field(at, name) is None:
        draft = at.session_state["w4r.draft"]
        index = [s.field for s in prompts.steps(draft.kind)].index(name)
        no_error(at.button(key=f"go-{index}").click().run())
    widget = shown_field(at, name)
    assert widget is not None, f"no field {name}"
    return widget


def preview(at: AppTest) -> str:
    return "\n".join(t.value for t in at.get("text"))


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r} in {[b.label for b in at.button]}"
    return found[0]


def total(tmp_path: Path) -> int:
    database = db.connect(tmp_path / "pages.db")
    return tally.totals(database, sessions.default(database)).total


class TestHome:
    def test_explains_and_disclaims(self, app):
        no_error(app)
        assert app.title[0].value == "Write for Rights"
        text = " ".join(c.value for c in app.caption)
        assert "not an official Amnesty International product" in text
        assert any(m.value.startswith("Letters counted so far: 0") for m in app.markdown)

    def test_join_a_session_by_code(self, app, tmp_path):
        sessions.create(db.connect(tmp_path / "pages.db"), "Class 7B", code="7B2026")
        app.text_input[0].input("7b-2026")
        button(app, "Join").click().run()
        no_error(app)
        assert any("You joined Class 7B" in i.value for i in app.info)
        assert any("**Class 7B**" in m.value for m in app.markdown), "joined session shown"

    def test_unknown_code_is_a_clear_message(self, app):
        app.text_input[0].input("NOPE42")
        no_error(button(app, "Join").click().run())
        assert any("No class or event has that code" in e.value for e in app.error)

    def test_join_link(self, tmp_path, monkeypatch):
        monkeypatch.setenv("W4R_DB", str(tmp_path / "pages.db"))
        sessions.create(db.connect(tmp_path / "pages.db"), "Event hall", kind="event",
                        code="HALL1")
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        at.query_params["s"] = "hall1"
        no_error(at.run())
        assert any("Event hall" in m.value for m in at.markdown)

    def test_unknown_join_link_falls_back_with_a_notice(self, tmp_path, monkeypatch):
        monkeypatch.setenv("W4R_DB", str(tmp_path / "pages.db"))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        at.query_params["s"] = "<b>NOPE</b>"
        no_error(at.run())
        assert any("There is no class or event" in i.value for i in at.info)


class TestChooseCase:
    def test_a_card_per_case_with_both_kinds(self, app):
        at = no_error(app.switch_page("pages/cases.py").run())
        cases = load_cases(ROOT / "content" / "cases").cases
        keys = {b.key for b in at.button}
        for case in cases:
            assert {f"{case.id}-solidarity", f"{case.id}-appeal"} <= keys
        subheaders = [shown(s.value) for s in at.subheader]
        assert subheaders == [c.name for c in cases]

    def test_demo_notice_names_the_years(self, app):
        at = no_error(app.switch_page("pages/cases.py").run())
        years = sorted({c.year for c in load_cases(ROOT / "content" / "cases").cases})
        notice = at.info[0].value
        assert "Demo cases from past campaigns" in notice and "organizer's case file" in notice
        assert all(str(y) in notice for y in years)

    def test_a_past_card_says_what_happened_the_campaign_request_and_the_sources_notes(self, app):
        at = no_error(app.switch_page("pages/cases.py").run())
        texts = [shown(m.value) for m in at.markdown]
        captions = [shown(c.value) for c in at.caption]
        case = load_cases(ROOT / "content" / "cases").get(CASE)
        assert f"**What happened:** {case.outcome}" in texts
        assert f"**The request of the Write for Rights 2015 campaign:** {case.appeal.ask}" in texts
        assert "**Sources:**" in texts
        assert all(source.note in captions for source in case.sources)
        assert "What happened since: not given in our sources." in captions  # Jani Silva
        assert "Write for Rights 2016" in " ".join(captions)  # Maxima Acuna: no country
        blob = " ".join(texts + captions)
        assert "Not stated in the source documents" not in blob
        assert "do not report an outcome" not in blob

    def test_choosing_opens_the_write_page(self, app):
        at = write_for(app, CASE, "solidarity")
        assert at.title[0].value == "Write for Yecenia Armenta"

    def test_broken_case_files_are_listed_not_raised(self, tmp_path, monkeypatch):
        content = tmp_path / "content"
        (content / "cases").mkdir(parents=True)
        (content / "cases" / "broken.yaml").write_text("id: [unclosed\n")
        (content / "cases" / "ok.yaml").write_text(
            (ROOT / "content" / "cases" / f"{CASE}.yaml").read_text(encoding="utf-8"),
            encoding="utf-8")
        monkeypatch.setenv("W4R_CONTENT", str(content))
        monkeypatch.setenv("W4R_DB", str(tmp_path / "pages.db"))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
        at = no_error(at.switch_page("pages/cases.py").run())
        assert [s.value for s in at.subheader] == ["Yecenia Armenta"]
        assert "broken.yaml: (file): YAML syntax error" in " ".join(t.value for t in at.get("text"))

    def test_no_cases_at_all_says_what_to_do(self, tmp_path, monkeypatch):
        (tmp_path / "content" / "cases").mkdir(parents=True)
        monkeypatch.setenv("W4R_CONTENT", str(tmp_path / "content"))
        monkeypatch.setenv("W4R_DB", str(tmp_path / "pages.db"))
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
        at = no_error(at.switch_page("pages/cases.py").run())
        assert "There are no cases to write for yet" in at.error[0].value


class TestWrite:
    def test_without_a_case_it_points_back(self, app):
        at = no_error(app.switch_page("pages/write.py").run())
        assert "First choose a case" in at.info[0].value

    def test_a_past_case_is_practice_before_the_writer_starts(self, app):
        at = write_for(app)
        texts = [shown(m.value) for m in at.markdown]
        case = load_cases(ROOT / "content" / "cases").get(CASE)
        assert any(t.startswith("**This is a practice letter.** Yecenia Armenta was a Write for "
                                "Rights 2015 case") for t in texts)
        assert f"**What happened:** {case.outcome}" in texts
        assert f"**The request of the Write for Rights 2015 campaign:** {case.appeal.ask}" in texts
        assert case.practice in preview(at)

    def test_appeal_prefills_the_ask_and_a_salutation(self, app):
        at = write_for(app)
        case = load_cases(ROOT / "content" / "cases").get(CASE)
        assert field(at, "request").value == case.appeal.ask
        assert field(at, "greeting").value.endswith(",")
        assert case.appeal.ask in preview(at)

    def test_preview_follows_typing_and_shows_markup_literally(self, app):
        at = write_for(app, kind="solidarity")
        field(at, "message").input("Stay strong. <b>**You are not alone**</b>").run()
        field(at, "name").input("Zoë").run()
        no_error(at)
        assert "Stay strong. <b>**You are not alone**</b>" in preview(at)
        assert "Zoë" in preview(at)

    def test_draft_survives_moving_between_pages(self, app):
        at = write_for(app)
        field(at, "message").input("Привет from Łódź").run()
        at.switch_page("pages/tally.py").run()
        at.switch_page("pages/home.py").run()
        at = no_error(at.switch_page("pages/write.py").run())
        assert field(at, "message").value == "Привет from Łódź"

    def test_switching_kind_keeps_the_text_and_the_submission(self, app):
        at = write_for(app, kind="appeal")
        field(at, "message").input("I care about this.").run()
        draft_id = at.session_state["w4r.draft"].submission_id
        at.get("button_group")[0].set_value("solidarity").run()
        no_error(at)
        assert field(at, "message").value == "I care about this."
        assert "request" not in [s.field for s in prompts.steps("solidarity")]
        assert at.session_state["w4r.draft"].submission_id == draft_id

    def test_an_enormous_letter_gets_a_message(self, app):
        at = write_for(app)
        for name in ("about", "message", "request"):
            at.session_state["w4r.draft"].__setattr__(name, "x" * 33_000)
        at = no_error(at.run())
        assert any("characters long" in w.value for w in at.warning)


class TestPrintAndCount:
    def test_without_a_letter_it_points_back(self, app):
        at = no_error(app.switch_page("pages/print.py").run())
        assert "First choose a case" in at.info[0].value

    def test_count_once_however_often_clicked(self, app, tmp_path):
        at = write_for(app)
        field(at, "message").input("Please act.").run()
        at = no_error(at.switch_page("pages/print.py").run())
        assert at.get("download_button"), "a PDF to download"
        button(at, "Count my letter").click().run()
        assert total(tmp_path) == 1
        counted = button(no_error(at), "Counted")
        assert counted.disabled
        at.run()  # a rerun
        # a second click that reaches the server before the button greys out
        at.session_state["w4r.counted"] = set()
        button(at.run(), "Count my letter").click().run()
        assert total(tmp_path) == 1
        assert any("has now written **1** letter" in s.value for s in at.success)

    def test_write_another_gets_a_new_submission(self, app, tmp_path):
        at = write_for(app)
        field(at, "message").input("First letter.").run()
        at.switch_page("pages/print.py").run()
        button(at, "Count my letter").click().run()
        button(at, "Write another letter").click().run()
        at = write_for(no_error(at), "jani-silva", "solidarity")
        field(at, "message").input("Second letter.").run()
        at.switch_page("pages/print.py").run()
        button(at, "Count my letter").click().run()
        assert total(tmp_path) == 2

    def test_empty_letter_cannot_be_counted(self, app, tmp_path):
        at = write_for(app, kind="solidarity")
        at = no_error(at.switch_page("pages/print.py").run())
        assert button(at, "Count my letter").disabled
        assert any("no message yet" in w.value for w in at.warning)
        assert not at.get("download_button")

    def test_a_past_case_letter_is_practice_and_not_posted(self, app):
        at = write_for(app)
        field(at, "message").input("Please act.").run()
        at = no_error(at.switch_page("pages/print.py").run())
        captions = " ".join(c.value for c in at.caption)
        assert "This is a practice letter for a past case" in captions
        assert "case sheet" not in captions and "envelope" not in captions

    def test_arabic_prints(self, app):
        at = write_for(app, kind="solidarity")
        field(at, "message").input("أنت لست وحدك").run()
        at = no_error(at.switch_page("pages/print.py").run())
        assert at.get("download_button"), "an Arabic letter gets its PDF"

    def test_a_script_no_font_covers_is_explained_and_still_counts(self, app, tmp_path,
                                                                   monkeypatch):
        monkeypatch.setenv("W4R_FONT_DIRS", "")  # no system fonts: only the shipped ones
        monkeypatch.delenv("W4R_CJK_FONT", raising=False)
        at = write_for(app, kind="solidarity")
        field(at, "message").input("សូមដោះលែងនាង").run()
        at = no_error(at.switch_page("pages/print.py").run())
        assert any("Khmer" in w.value for w in at.warning)
        assert not at.get("download_button")
        button(at, "Count my letter").click().run()
        assert total(tmp_path) == 1

    def test_the_pdf_is_built_once_per_version_of_the_letter(self, app, monkeypatch):
        from w4r import pdf

        built = []
        real_build = pdf.build
        monkeypatch.setattr(pdf, "build", lambda *a: built.append(a) or real_build(*a))
        at = write_for(app)
        field(at, "message").input("Please act.").run()
        at = no_error(at.switch_page("pages/print.py").run())
        at.run()
        button(at, "Count my letter").click().run()
        assert len(built) == 1, "reruns and counting reuse the built PDF"
        at.radio[0].set_value("letter").run()
        assert [paper for _, paper, _layout in built] == ["a4", "letter"]

    def test_letter_paper_choice_is_kept(self, app):
        at = write_for(app)
        field(at, "message").input("Please act.").run()
        at = at.switch_page("pages/print.py").run()
        at.radio[0].set_value("letter").run()
        at.switch_page("pages/write.py").run()
        at = no_error(at.switch_page("pages/print.py").run())
        assert at.radio[0].value == "letter"


class TestTally:
    def test_empty_tally_invites(self, app):
        at = no_error(app.switch_page("pages/tally.py").run())
        assert [m.value for m in at.metric] == ["0", "0", "0", "0"]
        assert "No letters counted yet" in at.info[0].value

    def test_totals_by_kind_case_and_goal(self, app, tmp_path):
        database = db.connect(tmp_path / "pages.db")
        for i, (case, kind) in enumerate([(CASE, "appeal"), (CASE, "solidarity"),
                                          ("jani-silva", "solidarity")]):
            tally.record(database, tally.Action(f"id{i}", "CLASS", case, kind))
        at = no_error(app.switch_page("pages/tally.py").run())
        assert [m.value for m in at.metric] == ["3", "3", "2", "1"]
        assert "3 of our goal of 30" in at.get("progress")[0].proto.text
        table = at.dataframe[0].value
        assert list(table["Case"]) == ["Yecenia Armenta", "Jani Silva"]
        assert list(table["Total"]) == [2, 1]


def test_a_broken_database_shows_no_path(tmp_path, monkeypatch):
    folder = tmp_path / "secret-server-folder"
    folder.mkdir()
    monkeypatch.setenv("W4R_DB", str(folder))  # a folder where the file should be
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    shown_text = " ".join(e.value for e in at.error)
    assert "cannot be opened" in shown_text
    assert "secret-server-folder" not in shown_text and str(tmp_path) not in shown_text
