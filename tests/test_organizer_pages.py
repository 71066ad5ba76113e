"""AppTest for the organizer's pages: PIN, settings, case file, review, reports, projector."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from test_pages import ROOT, button, no_error, page_html, shown, through_app  # noqa: F401 (autouse fixture)
from w4r import access, db, kept, letters, links, sessions, state, tally
from w4r.cases import load_cases

PIN = "482913"
CASE = "yecenia-armenta"
ORGANIZER_PAGES = ("session", "case_file", "review", "reports", "projector")


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "organizer.db"
    monkeypatch.setenv("W4R_DB", str(path))
    monkeypatch.delenv("W4R_CONTENT", raising=False)
    return path


def fresh(db_path) -> AppTest:
    return no_error(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run())


def first_pin_form(db_path, setup_code: str | None = None, pin: str = PIN,
                   again: str | None = None) -> AppTest:
    """The Organizer page's first-PIN form sent with a setup code (a fresh one by default)."""
    if setup_code is None:
        setup_code = access.new_setup_code(db.connect(db_path), db.DEFAULT_SESSION)
    at = fresh(db_path)
    at.switch_page("pages/organizer.py").run()
    fields = {t.label: t for t in at.text_input}
    fields["Setup code (from the server's terminal)"].input(setup_code)
    fields[FIRST_PIN_LABEL].input(pin)
    fields["The same PIN again"].input(pin if again is None else again)
    return no_error(button(at, "Set the PIN and sign in").click().run())


FIRST_PIN_LABEL = "New organizer PIN (6 digits or more, or a passphrase of 8 characters or more)"


def signed_in(db_path, pin: str = PIN) -> AppTest:
    """The app with the default session's first PIN set on the Organizer page."""
    return first_pin_form(db_path, pin=pin)


def on(at: AppTest, page: str) -> AppTest:
    return no_error(at.switch_page(f"pages/{page}.py").run())


def assert_not_in_navigation(at: AppTest, page: str) -> None:
    """The page is not registered by app.py's navigation: no URL can open it."""
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"pages/{page}.py")


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def assert_asks_for_the_pin(at: AppTest, page: str) -> None:
    """The page's address exists (a reload or a typed URL finds it, never "Page not found"),
    but without a live sign-in it shows the Organizer page's sign-in, not the page."""
    at = on(at, page)
    assert titles(at) == ["Organizer"], titles(at)
    assert not any("Join code:" in m.value for m in at.markdown)


class TestPin:
    def test_organizer_pages_are_not_reachable_without_the_pin(self, db_path):
        for page in ORGANIZER_PAGES:
            assert_asks_for_the_pin(fresh(db_path), page)
        assert titles(on(fresh(db_path), "organizer")) == ["Organizer"]

    def test_first_use_with_the_setup_code_sets_the_pin_and_opens_the_pages(self, db_path):
        at = signed_in(db_path)
        assert any("signed in as the organizer" in s.value for s in at.success)
        database = db.connect(db_path)
        assert access.has_pin(database, db.DEFAULT_SESSION)
        stored = database.execute("select hash from pins").fetchone()[0]
        assert PIN not in stored and stored.startswith("scrypt$")
        assert titles(on(at, "session")) == ["Session settings"]

    def test_a_visitor_without_the_setup_code_cannot_set_the_pin(self, db_path):
        at = on(fresh(db_path), "organizer")
        assert any("Pupils and visitors cannot do this" in i.value for i in at.info)
        for guess in ("", "ABCD-EFGH-JKLM"):
            at = first_pin_form(db_path, setup_code=guess)
            assert any("setup code is not right" in e.value for e in at.error)
            assert_asks_for_the_pin(at, "session")
        assert not access.has_pin(db.connect(db_path), db.DEFAULT_SESSION)

    def test_two_different_pins_are_refused(self, db_path):
        at = first_pin_form(db_path, again="999999-x")
        assert any("differ" in e.value for e in at.error)
        assert not access.has_pin(db.connect(db_path), db.DEFAULT_SESSION)

    def test_a_weak_pin_is_refused(self, db_path):
        at = first_pin_form(db_path, pin="1234")
        assert any("at least 6" in e.value for e in at.error)
        assert not access.has_pin(db.connect(db_path), db.DEFAULT_SESSION)

    def test_sign_in_wrong_then_throttled_then_right_from_another_browser(self, db_path):
        access.set_pin(db.connect(db_path), db.DEFAULT_SESSION, PIN)
        at = on(fresh(db_path), "organizer")
        messages = []
        for _ in range(access.FREE_TRIES):
            at.text_input[1].input("000000")
            no_error(button(at, "Sign in").click().run())
            messages.append(at.error[0].value.replace("\\", ""))
        assert messages[0] == "That PIN is not right."
        assert messages[-1].startswith("Too many wrong PINs")
        at.text_input[1].input(PIN)  # right PIN, but this browser waits
        no_error(button(at, "Sign in").click().run())
        assert at.error and at.error[0].value.startswith("Too many wrong PINs")
        assert_asks_for_the_pin(at, "session")
        teacher = on(fresh(db_path), "organizer")  # another browser: not locked out
        teacher.text_input[1].input(PIN)
        no_error(button(teacher, "Sign in").click().run())
        assert any("signed in as the organizer" in s.value for s in teacher.success)

    def test_a_pin_change_signs_out_the_other_browsers(self, db_path):
        other = signed_in(db_path)
        at = on(fresh(db_path), "organizer")
        at.text_input[1].input(PIN)
        no_error(button(at, "Sign in").click().run())
        at = on(at, "session")
        fields = {t.label: t for t in at.text_input}
        fields["Current PIN"].input(PIN)
        fields["New PIN"].input("new-pin-2026")
        fields["New PIN again"].input("new-pin-2026")
        no_error(button(at, "Change the PIN").click().run())
        assert any("The PIN is changed" in s.value for s in at.success)
        assert titles(on(at, "session")) == ["Session settings"]  # the changer stays in
        no_error(other.run())
        assert_asks_for_the_pin(other, "session")  # the other browser is signed out

    def test_an_expired_sign_in_removes_the_pages(self, db_path):
        at = signed_in(db_path)
        db.connect(db_path).execute("update signins set last_seen = last_seen - ?",
                                    [access.SIGNIN_IDLE_S + 1])
        no_error(at.run())
        assert_asks_for_the_pin(at, "session")

    def test_sign_out_removes_the_pages(self, db_path):
        at = signed_in(db_path)
        no_error(button(at, "Sign out").click().run())
        assert_asks_for_the_pin(at, "review")

    def test_create_a_session_with_its_pin(self, db_path):
        at = signed_in(db_path)
        inputs = {t.label: t for t in at.text_input}
        inputs["Name"].input("Class 7B")
        inputs["Join code (leave empty for a new random one)"].input("7b2026")
        inputs["Its organizer PIN"].input("739164")
        no_error(button(at, "Create").click().run())
        at = on(at, "session")
        assert any("7B2026" in m.value for m in at.markdown)
        database = db.connect(db_path)
        assert sessions.get(database, "7B2026").name == "Class 7B"
        assert access.check(database, "7B2026", "739164", "test").ok


class TestSettings:
    def test_join_link_and_qr_code(self, db_path):
        at = on(signed_in(db_path), "session")
        assert any("/?s=CLASS" in c.value for c in at.code)
        assert at.get("imgs") or at.get("image"), "a QR code image"

    def test_save_settings(self, db_path):
        at = on(signed_in(db_path), "session")
        fields = {t.label: t for t in at.text_input}
        fields["Name"].input("Klasa 7b")
        at.number_input[0].set_value(120)
        at.multiselect[0].set_value(["solidarity"])
        for toggle in at.toggle:
            if toggle.label.startswith("Keep the text"):
                toggle.set_value(True)
        no_error(button(at, "Save settings").click().run())
        saved = sessions.default(db.connect(db_path))
        assert (saved.name, saved.goal, saved.kinds, saved.keep_text) == \
            ("Klasa 7b", 120, ("solidarity",), True)

    def test_the_time_zone_and_head_count_are_saved_and_checked(self, db_path):
        at = on(signed_in(db_path), "session")
        zone = next(t for t in at.text_input if t.label.startswith("Time zone"))
        zone.input("Europe/Warsaw")
        next(n for n in at.number_input if n.label.startswith("Participants")).set_value(27)
        no_error(button(at, "Save settings").click().run())
        saved = sessions.default(db.connect(db_path))
        assert (saved.timezone, saved.head_count) == ("Europe/Warsaw", 27)
        next(t for t in at.text_input if t.label.startswith("Time zone")).input("Nowhere/Land")
        no_error(button(at, "Save settings").click().run())
        assert any("time zone" in e.value for e in at.error)

    def test_the_hours_an_unfinished_letter_is_kept_are_saved(self, db_path):
        at = on(signed_in(db_path), "session")
        hours = next(n for n in at.number_input if n.label.startswith("Hours an unfinished"))
        assert hours.value == 24
        hours.set_value(6)
        no_error(button(at, "Save settings").click().run())
        assert sessions.default(db.connect(db_path)).draft_hours == 6

    def test_a_bad_setting_is_a_message(self, db_path):
        at = on(signed_in(db_path), "session")
        at.multiselect[0].set_value([])
        no_error(button(at, "Save settings").click().run())
        assert any("at least one kind" in e.value for e in at.error)

    def test_only_allowed_kinds_are_offered_to_writers(self, db_path):
        at = signed_in(db_path)
        sessions.update(db.connect(db_path), db.DEFAULT_SESSION, kinds=("appeal",))
        at = on(at, "cases")
        keys = {b.key for b in at.button}
        assert f"{CASE}-appeal" in keys and f"{CASE}-solidarity" not in keys


class TestCaseFile:
    def test_upload_a_bad_pack_lists_every_problem_and_stores_nothing(self, db_path):
        at = on(signed_in(db_path), "case_file")
        bad = b"id: Not An Id\nname: X\nyear: 1900\n"
        at.file_uploader[0].set_value([("a.yaml", bad, "text/yaml"),
                                       ("b.json", b"{nope", "application/json")])
        no_error(at.run())
        listed = at.code[0].value
        assert "a.yaml: id:" in listed and "a.yaml: year:" in listed and "b.json: (file):" in listed
        assert "nothing was stored" in at.error[0].value
        assert db.connect(db_path).execute("select count(*) from case_files").fetchone()[0] == 0

    def test_upload_a_valid_case_and_offer_it(self, db_path):
        source = (ROOT / "content" / "cases" / f"{CASE}.yaml").read_text(encoding="utf-8")
        text = source.replace(f"id: {CASE}", "id: new-case-2026").replace(
            "status: past", "status: current")
        at = on(signed_in(db_path), "case_file")
        at.file_uploader[0].set_value(("new.yaml", text.encode(), "text/yaml"))
        no_error(at.run())
        no_error(button(at, "Store the 1 case").click().run())
        at = on(at, "case_file")
        at.multiselect[0].set_value(["new-case-2026"])
        no_error(button(at, "Save the choice").click().run())
        assert sessions.default(db.connect(db_path)).cases == ("new-case-2026",)
        at = on(at, "cases")
        keys = {b.key for b in at.button}
        assert "new-case-2026-appeal" in keys and f"{CASE}-appeal" not in keys

    def test_edit_a_case_with_a_mistake_changes_nothing(self, db_path):
        at = on(signed_in(db_path), "case_file")
        at.text_area[0].input("id: x\nyear: [")
        no_error(button(at, "Save the case").click().run())
        assert any("Not saved" in e.value for e in at.error)
        assert db.connect(db_path).execute("select count(*) from case_files").fetchone()[0] == 0


def count_letter(db_path, session_code=db.DEFAULT_SESSION, message="You are not alone.",
                 name="Ana Kowalska"):
    database = db.connect(db_path)
    case = load_cases(ROOT / "content" / "cases").get(CASE)
    draft = letters.start(case, "solidarity")
    draft.message, draft.name = message, name
    return kept.count(database, sessions.get(database, session_code), draft)


class TestReview:
    def test_kept_letters_are_listed_and_deleting_keeps_the_count(self, db_path):
        at = signed_in(db_path)
        sessions.update(db.connect(db_path), db.DEFAULT_SESSION, keep_text=True)
        assert count_letter(db_path, message="Stay strong, Yecenia.")
        at = on(at, "review")
        assert at.expander and "Yecenia Armenta" in at.expander[0].label
        assert "Stay strong, Yecenia." in at.expander[0].text[0].value
        no_error(button(at, "Mark printed").click().run())
        assert kept.status_counts(db.connect(db_path), db.DEFAULT_SESSION)["printed"] == 1
        at = on(at, "review")
        at.checkbox[0].check()
        no_error(button(at, "Delete all letter text").click().run())
        database = db.connect(db_path)
        assert kept.listing(database, db.DEFAULT_SESSION, hidden=True) == []
        assert tally.totals(database, sessions.default(database)).total == 1

    def test_a_counted_only_session_says_so(self, db_path):
        at = on(signed_in(db_path), "review")
        assert any("only counts letters" in i.value for i in at.info)


class TestReports:
    def test_manual_entry_counts_once_even_when_submitted_twice(self, db_path):
        at = on(signed_in(db_path), "reports")
        at.number_input[0].set_value(45)
        no_error(button(at, "Add to the tally").click().run())
        assert any("Added 45" in s.value for s in at.success)
        database = db.connect(db_path)
        assert tally.totals(database, sessions.default(database)).total == 45
        no_error(button(at, "Add to the tally").click().run())  # the same entry again
        assert any("already in the tally" in i.value for i in at.info)
        assert tally.totals(database, sessions.default(database)).total == 45
        no_error(button(at, "Add it once more").click().run())
        assert tally.totals(database, sessions.default(database)).total == 90

    def test_breakdown_and_exports(self, db_path):
        at = signed_in(db_path)
        count_letter(db_path)
        at = on(at, "reports")
        table = at.dataframe[0].value
        assert list(table["Case"]) == ["Yecenia Armenta"] and list(table["Count"]) == [1]
        downloads = {d.label: d for d in at.get("download_button")}
        assert "Tally as CSV (Excel, LibreOffice)" in downloads

    def test_merge_an_export_shows_what_is_new_and_counts_once(self, db_path, tmp_path):
        other = db.connect(tmp_path / "kiosk.db")
        for i in range(3):
            tally.record(other, tally.Action(f"kiosk-{i}", db.DEFAULT_SESSION, CASE, "appeal"))
        raw = tally.export_tally(other, sessions.default(other), "json").encode()
        at = on(signed_in(db_path), "reports")
        at.file_uploader[0].set_value(("kiosk.json", raw, "application/json"))
        no_error(at.run())
        assert any("new here: **3**" in m.value for m in at.markdown)
        no_error(button(at, "Merge").click().run())
        database = db.connect(db_path)
        assert tally.totals(database, sessions.default(database)).total == 3
        at = on(at, "reports")
        at.file_uploader[0].set_value(("kiosk.json", raw, "application/json"))
        no_error(at.run())
        assert any("new here: **0**" in m.value for m in at.markdown)

    def test_leaderboard_lists_only_sessions_that_opted_in(self, db_path):
        at = signed_in(db_path)
        database = db.connect(db_path)
        sessions.update(database, db.DEFAULT_SESSION, grouping="Lycée Hugo", leaderboard=True)
        sessions.create(database, "7C", code="SEVENC", grouping="Lycée Hugo", leaderboard=True)
        sessions.create(database, "Secret class", code="HIDDEN", grouping="Lycée Hugo")
        tally.record(database, tally.Action("c1", "SEVENC", CASE, "appeal", count=5))
        at = on(at, "reports")
        board = [d.value for d in at.dataframe if "Rank" in d.value.columns][0]
        assert list(board["Class or table"]) == ["7C", "Our class"]
        assert list(board["Letters"]) == [5, 0]


class TestProjector:
    def test_shows_the_total_and_first_names_when_chosen(self, db_path):
        at = signed_in(db_path)
        sessions.update(db.connect(db_path), db.DEFAULT_SESSION, show_names=True)
        count_letter(db_path, name="Ana Kowalska")
        at = on(at, "projector")
        page = " ".join(m.value for m in at.markdown)
        assert 'w4r-total">1<' in page_html(at) and "Ana ·" in page and "Kowalska" not in page

    def test_names_are_not_shown_unless_chosen(self, db_path):
        at = signed_in(db_path)
        count_letter(db_path, name="Ana Kowalska")
        at = on(at, "projector")
        assert "Ana" not in " ".join(m.value for m in at.markdown)

    def test_html_in_a_session_name_is_shown_as_text(self, db_path):
        at = signed_in(db_path)
        sessions.update(db.connect(db_path), db.DEFAULT_SESSION, name="<b>7B</b>")
        at = on(at, "projector")
        page = " ".join(m.value for m in at.markdown)
        assert "\\<b\\>7B\\</b\\>" in page and "<b>7B</b>" not in page


def test_review_shows_the_checkers_findings(db_path):
    at = signed_in(db_path)
    sessions.update(db.connect(db_path), db.DEFAULT_SESSION, keep_text=True)
    count_letter(db_path, message="Write back to me at ana@example.org")
    at = on(at, "review")
    assert any("ana@example.org" in shown(e.value) for e in at.expander[0].error)


class TestBatchAndReport:
    def test_review_offers_the_batch_of_kept_letters(self, db_path):
        at = signed_in(db_path)
        sessions.update(db.connect(db_path), db.DEFAULT_SESSION, keep_text=True)
        count_letter(db_path, message="Stay strong.")
        count_letter(db_path, message="We think of you.")
        at = on(at, "review")
        labels = [d.label for d in at.get("download_button")]
        assert "Download the batch (PDF)" in labels
        assert any("**2** kept letters" in m.value for m in at.markdown)

    def test_a_batch_of_past_cases_is_practice_and_not_posted(self, db_path):
        at = signed_in(db_path)
        sessions.update(db.connect(db_path), db.DEFAULT_SESSION, keep_text=True)
        count_letter(db_path, message="Stay strong.")
        at = on(at, "review")
        page = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])
        assert "a practice letter for a past case: keep it, do not post it" in page
        assert "envelopes" not in page and "case sheet" not in page

    def test_the_batch_goes_to_the_session_printer(self, db_path, tmp_path, fake_lp):
        at = signed_in(db_path)
        sessions.update(db.connect(db_path), db.DEFAULT_SESSION, keep_text=True, printer="hall")
        count_letter(db_path, message="Stay strong.")
        at = on(at, "review")
        no_error(button(at, "Print the batch on hall").click().run())
        assert any("Sent to hall" in s.value for s in at.success)
        assert (tmp_path / "sent.pdf").read_bytes().startswith(b"%PDF")

    def test_reports_offer_the_certificate(self, db_path):
        at = signed_in(db_path)
        count_letter(db_path)
        at = on(at, "reports")
        labels = [d.label for d in at.get("download_button")]
        assert "Printable report or certificate (PDF)" in labels
        assert {"Section report (CSV)", "Section report and certificates (PDF)"} <= set(labels)
        assert not at.checkbox or all("whole school" not in c.label for c in at.checkbox)
        sessions.update(db.connect(db_path), db.DEFAULT_SESSION, grouping="Collège Jean Moulin")
        at.run()
        assert any("whole school" in c.label for c in at.checkbox)
        assert any("Our class wrote 1 letter for 1 case" in c.value.replace("\\", "")
                   for c in at.caption)


def projector_window(db_path, token: str) -> AppTest:
    """A fresh browser window opened on a projector link (?p=TOKEN)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["p"] = token
    return no_error(at.run())


class TestProjectorLink:
    def test_shows_the_projector_view_with_the_join_code_and_qr_and_nothing_else(self, db_path):
        database = db.connect(db_path)
        access.create_session(database, PIN, "Class 7B", goal=40, code="7B2026")
        count_letter(db_path, session_code="7B2026")
        at = projector_window(db_path, links.issue_display(database, "7B2026"))
        html_blocks = page_html(at)
        assert 'w4r-total">1<' in html_blocks and "goal 40" in html_blocks
        assert 'w4r-join-code">7B2026<' in html_blocks
        assert at.get("imgs") or at.get("image"), "the join link's QR code"
        assert '/?s=7B2026</div>' in html_blocks
        assert not at.text_input and not at.button and not at.sidebar.children.get(0)
        for page in ("organizer", *ORGANIZER_PAGES):  # no URL of the app opens from here
            assert_not_in_navigation(at, page)

    def test_a_wrong_or_revoked_token_is_a_clear_message_and_reveals_nothing(self, db_path):
        database = db.connect(db_path)
        access.create_session(database, PIN, "Class 7B", code="7B2026")
        old = links.issue_display(database, "7B2026")
        links.issue_display(database, "7B2026")
        for token in (old, "wrong", "x" * 5000, ""):
            at = projector_window(db_path, token)
            assert any("This projector link does not work" in e.value for e in at.error)
            assert "7B2026" not in page_html(at) + " ".join(m.value for m in at.markdown)
            assert not at.get("imgs") and not at.get("image")

    def test_the_projector_window_signs_nobody_in(self, db_path):
        at = signed_in(db_path)
        token = links.issue_display(db.connect(db_path), db.DEFAULT_SESSION)
        at.query_params["p"] = token
        no_error(at.run())
        assert 'w4r-join-code">CLASS<' in page_html(at)
        for page in ORGANIZER_PAGES:  # even in a signed-in browser, the link opens its view only
            assert_not_in_navigation(at, page)

    def test_session_settings_make_a_link_and_a_new_one_ends_the_old(self, db_path):
        at = on(signed_in(db_path), "session")
        no_error(button(at, "Make a projector link").click().run())
        first = next(c.value for c in at.code if "/?p=" in c.value)
        database = db.connect(db_path)
        assert links.displayed(database, first.split("?p=")[1]) == db.DEFAULT_SESSION
        no_error(button(at, "Make a new projector link").click().run())
        second = next(c.value for c in at.code if "/?p=" in c.value)
        assert second != first
        assert links.displayed(database, first.split("?p=")[1]) is None
        assert links.displayed(database, second.split("?p=")[1]) == db.DEFAULT_SESSION

    def test_the_link_callback_asks_for_the_rights_again(self, db_path):
        at = on(signed_in(db_path), "session")
        db.connect(db_path).execute("delete from signins")  # the sign-in ended meanwhile
        no_error(button(at, "Make a projector link").click().run())
        assert db.connect(db_path).execute("select count(*) from displays").fetchone()[0] == 0


def cookie_scripts(at: AppTest) -> str:
    """The scripts that set or clear the sign-in cookie (st.components.v1.html iframes)."""
    return " ".join(e.proto.srcdoc for e in at.get("iframe"))


class TestSignInAcrossAReload:
    """A reload starts an empty tab: the sign-in comes back from the w4r_signin cookie (AppTest
    cannot hold cookies: the browser's are given here; test_e2e_projector.py uses real ones)."""

    @pytest.fixture
    def cookie(self, monkeypatch):
        jar: dict[str, str] = {}
        monkeypatch.setattr(state, "_browser_cookies", lambda: jar)
        return jar

    def test_signing_in_sets_the_cookie_and_signing_out_clears_it(self, db_path, cookie):
        at = signed_in(db_path)
        token = state_token(at)
        script = cookie_scripts(at)
        assert f'value = "{token}"' in script and "SameSite=Strict" in script
        assert "?p=" not in script and token not in " ".join(at.query_params.values())
        no_error(button(at, "Sign out").click().run())
        assert 'value = ""' in cookie_scripts(at) and f'"{token}"' in cookie_scripts(at)

    def test_a_reload_with_a_live_cookie_stays_signed_in(self, db_path, cookie):
        database = db.connect(db_path)
        access.set_pin(database, db.DEFAULT_SESSION, PIN)
        cookie[state.SIGNIN_COOKIE] = access.sign_in(database, db.DEFAULT_SESSION, PIN, "b").token
        at = on(fresh(db_path), "session")  # a reload of /session: a new, empty tab
        assert titles(at) == ["Session settings"]

    def test_a_reload_writes_in_the_organizers_session_unless_a_join_link_says_otherwise(
            self, db_path, cookie):
        database = db.connect(db_path)
        access.create_session(database, PIN, "Class 7B", code="7B2026")
        sessions.create(database, "Event hall", kind="event", code="HALL1")
        cookie[state.SIGNIN_COOKIE] = access.sign_in(database, "7B2026", PIN, "b").token
        assert fresh(db_path).session_state["w4r.session"] == "7B2026"
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        at.query_params["s"] = "HALL1"
        no_error(at.run())
        assert at.session_state["w4r.session"] == "HALL1"
        assert titles(on(at, "session")) == ["Session settings"]  # still the organizer of 7B

    def test_an_expired_revoked_or_made_up_cookie_is_ignored_and_cleared(self, db_path, cookie):
        database = db.connect(db_path)
        access.set_pin(database, db.DEFAULT_SESSION, PIN)
        expired = access.sign_in(database, db.DEFAULT_SESSION, PIN, "b", now=1.0).token
        signed_out = access.sign_in(database, db.DEFAULT_SESSION, PIN, "b").token
        access.sign_out(database, signed_out)
        display = links.issue_display(database, db.DEFAULT_SESSION)
        for value in (expired, signed_out, display, "made-up", "x" * 5000):
            cookie[state.SIGNIN_COOKIE] = value
            at = fresh(db_path)
            assert_asks_for_the_pin(at, "session")
            if len(value) < 100:
                assert 'value = ""' in cookie_scripts(at) and f'"{value}"' in cookie_scripts(at)

    def test_a_pin_change_here_puts_the_new_sign_in_in_the_cookie(self, db_path, cookie):
        at = on(signed_in(db_path), "session")
        old = state_token(at)
        fields = {t.label: t for t in at.text_input}
        fields["Current PIN"].input(PIN)
        fields["New PIN"].input("new-pin-2026")
        fields["New PIN again"].input("new-pin-2026")
        no_error(button(at, "Change the PIN").click().run())
        no_error(at.run())
        assert state_token(at) != old
        assert f'value = "{state_token(at)}"' in cookie_scripts(at)

    def test_a_pin_change_elsewhere_ends_the_cookie_sign_in(self, db_path, cookie):
        database = db.connect(db_path)
        access.set_pin(database, db.DEFAULT_SESSION, PIN)
        cookie[state.SIGNIN_COOKIE] = access.sign_in(database, db.DEFAULT_SESSION, PIN, "b").token
        access.set_pin(database, db.DEFAULT_SESSION, "new-pin-2026")
        assert_asks_for_the_pin(fresh(db_path), "review")


def state_token(at: AppTest) -> str:
    """The sign-in token this AppTest browser holds."""
    return at.session_state["w4r.organizer"]
