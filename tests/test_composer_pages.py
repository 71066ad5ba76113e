"""AppTest of the guided composer: steps, starters, facts, the request, wordings, languages."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from test_pages import (ROOT, app, button, field, no_error, preview, shown_field,  # noqa: F401
                        through_app, write_for)
from w4r import db, prompts, sessions, tally
from w4r.cases import load_cases

CASE = "yecenia-armenta"


@pytest.fixture
def case():
    return load_cases(ROOT / "content" / "cases").get(CASE)


def progress(at) -> str:
    return at.get("progress")[0].proto.text


def next_button(at):
    return [b for b in at.button if b.label.startswith("Next")][0]


class TestSteps:
    def test_one_step_at_a_time_with_a_progress_marker(self, app):
        at = write_for(app, kind="appeal")
        steps = prompts.steps("appeal")
        assert progress(at) == f"Step 1 of {len(steps)}: {steps[0].title}"
        shown = [w.key for w in (*at.text_input, *at.text_area) if w.key.startswith("w4r.field")]
        assert shown == ["w4r.field.greeting"], "only the current step's field is shown"
        no_error(next_button(at).click().run())
        assert progress(at) == f"Step 2 of {len(steps)}: {steps[1].title}"
        assert shown_field(at, steps[1].field) is not None

    def test_back_keeps_what_was_written(self, app):
        at = write_for(app, kind="solidarity")
        steps = prompts.steps("solidarity")
        no_error(next_button(at).click().run())
        shown_field(at, steps[1].field).input("You are not alone.").run()
        no_error(next_button(at).click().run())
        no_error(button(at, "Back").click().run())
        assert shown_field(at, steps[1].field).value == "You are not alone."
        assert "You are not alone." in preview(at)

    def test_the_step_and_text_survive_a_page_change(self, app):
        at = write_for(app, kind="appeal")
        no_error(next_button(at).click().run())
        shown_field(at, "about").input("Je suis élève à Łódź.").run()
        at.switch_page("pages/tally.py").run()
        at = no_error(at.switch_page("pages/write.py").run())
        assert shown_field(at, "about").value == "Je suis élève à Łódź."
        assert progress(at).startswith("Step 2 of")

    def test_back_is_disabled_on_the_first_step(self, app):
        at = write_for(app)
        assert button(at, "Back").disabled

    def test_the_last_step_leads_to_print(self, app):
        at = write_for(app, kind="solidarity")
        for _ in range(len(prompts.steps("solidarity")) - 1):
            no_error(next_button(at).click().run())
        assert next_button(at).label == "Next: print & count"
        at = no_error(button(at, "Next: print & count").click().run())
        assert at.title[0].value == "Print & count"


class TestHelp:
    def test_a_starter_goes_into_the_field(self, app):
        at = write_for(app, kind="appeal")
        no_error(next_button(at).click().run())  # who I am
        starter = prompts.steps("appeal")[1].starters[0]
        no_error(button(at, f"{starter} …").click().run())
        assert shown_field(at, "about").value == starter
        shown_field(at, "about").input(f"{starter} Lycée Hugo.").run()
        no_error(button(at, f"{starter} …").click().run())  # a paragraph: added after
        assert shown_field(at, "about").value == f"{starter} Lycée Hugo. {starter}"

    def test_a_starter_replaces_a_one_line_greeting(self, app):
        at = write_for(app, kind="appeal")
        starter = prompts.steps("appeal")[0].starters[1]
        no_error(button(at, f"{starter} …").click().run())
        assert shown_field(at, "greeting").value == starter

    def test_facts_are_added_exactly_as_the_case_says(self, app, case):
        at = write_for(app, kind="appeal")
        index = [s.id for s in prompts.steps("appeal")].index("what_i_know")
        no_error(at.button(key=f"go-{index}").click().run())
        fact = prompts.facts(case)[0]
        assert fact in " ".join(f"{case.summary} {case.story}".split())  # verbatim
        no_error(at.button(key="fact-0").click().run())
        assert shown_field(at, "message").value == fact

    def test_the_request_can_be_put_back(self, app, case):
        at = write_for(app, kind="appeal")
        request = field(at, "request")
        assert request.value == case.appeal.ask
        request.input("").run()
        no_error(button(at, "Put back the case's exact request").click().run())
        assert shown_field(at, "request").value == case.appeal.ask

    def test_every_step_has_an_example_and_a_hint(self, app):
        at = write_for(app, kind="solidarity")
        for step in prompts.steps("solidarity"):
            assert any(step.title in s.value.replace("\\", "") for s in at.subheader)
            assert any(step.hint[:30] in c.value.replace("\\", "") for c in at.caption)
            if step is not prompts.steps("solidarity")[-1]:
                no_error(next_button(at).click().run())

    def test_every_input_is_labelled(self, app):
        at = write_for(app, kind="appeal")
        for _ in prompts.steps("appeal"):
            for widget in (*at.text_input, *at.text_area):
                assert widget.label.strip(), widget.key
            if next_button(at).label != "Next: print & count":
                no_error(next_button(at).click().run())


class TestSessionChoices:
    def test_simpler_wording_for_ages_10_to_15(self, app, tmp_path):
        sessions.update(db.connect(tmp_path / "pages.db"), db.DEFAULT_SESSION, age_band="10-15")
        at = write_for(app, kind="appeal")
        simple = prompts.steps("appeal", simple=True)
        assert progress(at) == f"Step 1 of {len(simple)}: {simple[0].title}"
        assert simple[0].title != prompts.steps("appeal")[0].title

    @pytest.mark.parametrize("lang", ["fr", "es"])
    def test_prompts_in_the_session_language(self, app, tmp_path, lang, case):
        sessions.update(db.connect(tmp_path / "pages.db"), db.DEFAULT_SESSION, language=lang)
        at = write_for(app, kind="solidarity")
        local = prompts.steps("solidarity", lang, case=case)
        assert local[0].title != prompts.steps("solidarity", case=case)[0].title
        assert progress(at).endswith(local[0].title)


def to_print(at):
    return no_error(button(at, "Next: print & count").click().run()) \
        if any(b.label == "Next: print & count" for b in at.button) else \
        no_error(at.switch_page("pages/print.py").run())


def download(at):
    found = [d for d in at.get("download_button")]
    return found[0] if found else None


class TestChecker:
    def test_findings_show_live_beside_the_draft(self, app):
        at = write_for(app, kind="appeal")
        field(at, "message").input("You are a CRIMINAL!!!").run()
        no_error(at)
        assert any("insult" in e.value.lower() or "criminal" in e.value.lower()
                   for e in at.error)
        assert at.warning, "shouting is a warning"

    def test_a_blocked_letter_cannot_be_printed_or_counted_until_fixed(self, app, tmp_path):
        at = write_for(app, kind="solidarity")
        field(at, "message").input("Stay strong! Call me on +44 7700 900123.").run()
        at = to_print(at)
        assert download(at) is None
        assert button(at, "Count my letter").disabled
        assert any("can't be printed yet" in m.value for m in at.markdown)
        at = no_error(at.switch_page("pages/write.py").run())
        field(at, "message").input("Stay strong! We are thinking of you.").run()
        at = to_print(at)
        assert download(at) is not None
        no_error(button(at, "Count my letter").click().run())
        database = db.connect(tmp_path / "pages.db")
        assert tally.totals(database, sessions.default(database)).total == 1


class TestTranslation:
    def test_translate_show_both_and_print_both(self, app):
        at = write_for(app, kind="solidarity")
        field(at, "message").input("You are not alone.").run()
        at = to_print(at)
        [s for s in at.selectbox if s.label == "Translate into"][0].set_value("fr").run()
        no_error(button(at, "Translate").click().run())
        texts = [t.value for t in at.get("text")]
        assert any("[fr] " in t for t in texts), texts  # the fake provider marks its output
        assert any("Print it only if you trust it" in w.value for w in at.warning)
        [r for r in at.radio if r.label == "What to print"][0].set_value("both").run()
        no_error(at)
        printed = at.session_state["w4r.printed"][1]
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(printed.data)).pages)
        assert "You are not alone." in " ".join(text.split())
        assert "[fr]" in text and "— Français —" in text

    def test_a_failing_translation_keeps_the_letter_printable_and_countable(
            self, app, monkeypatch, tmp_path):
        monkeypatch.setenv("W4R_TRANSLATOR", "google")
        monkeypatch.setenv("W4R_TRANSLATE_URL", "http://127.0.0.1:9/m")  # nothing listens
        at = write_for(app, kind="solidarity")
        field(at, "message").input("You are not alone.").run()
        at = to_print(at)
        assert button(at, "Translate").disabled, "no language chosen yet (the case gives none)"
        [s for s in at.selectbox if s.label == "Translate into"][0].set_value("es").run()
        no_error(button(at, "Translate").click().run())
        assert any("kept as you wrote it" in w.value for w in at.warning)
        assert download(at) is not None
        no_error(button(at, "Count my letter").click().run())
        database = db.connect(tmp_path / "pages.db")
        assert tally.totals(database, sessions.default(database)).total == 1


class TestPrintOptions:
    def test_a_solidarity_message_as_a_card(self, app):
        at = write_for(app, kind="solidarity")
        field(at, "message").input("You are not alone.").run()
        at = to_print(at)
        [r for r in at.radio if r.label == "Print it as"][0].set_value("card").run()
        no_error(at)
        page = PdfReader(io.BytesIO(at.session_state["w4r.printed"][1].data)).pages[0]
        assert float(page.mediabox.width) > float(page.mediabox.height)

    def test_an_appeal_with_a_sender_town_and_a_subject(self, app):
        at = write_for(app, kind="appeal")
        field(at, "about").input("I am a teacher in Poland.").run()
        at = to_print(at)
        [t for t in at.text_input if t.label.startswith("Your town")][0].input("Kraków").run()
        no_error(at)
        data = at.session_state["w4r.printed"][1].data
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
                        .split())
        assert "Kraków" in text and "Re: Yecenia Armenta" in text

    def test_the_session_printer_prints_once_unless_asked_again(self, app, tmp_path, fake_lp):
        sessions.update(db.connect(tmp_path / "pages.db"), db.DEFAULT_SESSION, printer="hall")
        at = write_for(app, kind="solidarity")
        field(at, "message").input("You are not alone.").run()
        at = to_print(at)
        no_error(button(at, "Print on hall").click().run())
        assert any("Sent to hall" in s.value for s in at.success)
        assert (tmp_path / "jobs").read_text().count("job") == 1
        assert button(at, "Print again on hall")

    def test_a_missing_printer_is_a_message_and_the_pdf_stays(self, app, tmp_path, no_lp):
        sessions.update(db.connect(tmp_path / "pages.db"), db.DEFAULT_SESSION, printer="hall")
        at = write_for(app, kind="solidarity")
        field(at, "message").input("You are not alone.").run()
        at = to_print(at)
        no_error(button(at, "Print on hall").click().run())
        assert any("Not printed" in e.value for e in at.error)
        assert download(at) is not None
