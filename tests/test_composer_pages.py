"""AppTest of the guided composer: steps, starters, facts, the request, wordings, languages."""

from __future__ import annotations

import pytest

from test_pages import (ROOT, app, button, field, no_error, preview, shown_field,  # noqa: F401
                        through_app, write_for)
from w4r import db, prompts, sessions
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
            assert any(step.title in s.value for s in at.subheader)
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
