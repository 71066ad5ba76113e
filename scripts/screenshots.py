"""Retake docs/screenshots/: every page of the app in headless Chromium, and the printed letter.

    .venv/bin/python scripts/screenshots.py      (or: make screenshots)
    .venv/bin/python scripts/screenshots.py kiosk-display   (only the kiosk's contrast and
                                                             larger-text shots)
    .venv/bin/python scripts/screenshots.py phone           (only the phone-size shots)
    .venv/bin/python scripts/screenshots.py languages       (only the composer in Polish
                                                             and German)

Starts the app like the end-to-end test does (tests/e2e_support.py) on a free port, against a
temporary database that already holds a few counted letters, so the tally looks alive. Needs the
system Chromium (/usr/bin/chromium) and poppler's pdftoppm. Nothing is downloaded.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "tests")]

import e2e_support as e2e  # noqa: E402
from w4r import access, db, kept, letters, sessions, tally  # noqa: E402
from w4r.cases import load_cases  # noqa: E402

OUT = PROJECT_DIR / "docs" / "screenshots"
MAX_HEIGHT = 8_000  # px: a full-page shot never gets taller than this

# What the class has already counted before the screenshots: (case id, kind, how many).
EARLIER_LETTERS = [
    ("yecenia-armenta", "solidarity", 4), ("yecenia-armenta", "appeal", 2),
    ("khaled-drareni", "appeal", 3), ("khaled-drareni", "solidarity", 1),
    ("jani-silva", "solidarity", 3), ("maxima-acuna", "appeal", 2),
    ("phyoe-phyoe-aung", "solidarity", 1),
]


# Letters kept for review (the session keeps text): (case id, kind, message, name).
# Sample letters state only facts from the case files (tests/test_sources.py checks them).
KEPT_LETTERS = [
    ("jani-silva", "solidarity", "Dear Jani, our class read your story today. You are not "
     "alone: we are thinking of you.", "Léa"),
    ("khaled-drareni", "appeal", "I am a student in Lyon. I read that Khaled Drareni is an "
     "Algerian journalist.", "Tomasz"),
]


def prefill(path: Path) -> int:
    """Count the earlier letters in the default session, one submission per letter.

    The session keeps letter text, shows first names, and is on its school's leaderboard
    beside a second class, so the organizer pages have something to show.
    """
    database = db.connect(path)
    try:
        session = sessions.update(database, db.DEFAULT_SESSION, keep_text=True, show_names=True,
                                  grouping="Collège Jean Moulin", leaderboard=True)
        other = sessions.create(database, "Class 8A", code="8A2026", goal=40,
                                grouping="Collège Jean Moulin", leaderboard=True)
        sessions.create(database, "Town fair", kind="event", code="FAIR", goal=200,
                        kiosk=True)
        sessions.create(database, "Town hall", kind="event", code="HALL", kiosk=True,
                        idle_seconds=15)  # a short idle time: the "Still there?" warning
        for lang, name in LANGUAGE_CLASSES.items():  # a class writing in Polish, one in German
            sessions.create(database, name, code=f"{lang.upper()}2026", language=lang)
        found = load_cases(PROJECT_DIR / "content" / "cases")
        n = 0
        for case_id, kind, message, name in KEPT_LETTERS:
            draft = letters.start(found.get(case_id), kind)
            draft.message, draft.name = message, name
            n += kept.count(database, session, draft)
        for i in range(12):
            tally.record(database, tally.Action(f"8a-{i}", other.code, "jani-silva", "appeal"))
        for case_id, kind, how_many in EARLIER_LETTERS:
            for _ in range(how_many):
                n += tally.record(database, tally.Action(
                    submission_id=tally.new_submission_id(), session_code=db.DEFAULT_SESSION,
                    case_id=case_id, kind=kind))
        return n
    finally:
        database.close()


def full_page(page, name: str) -> Path:
    """Screenshot the whole page. Streamlit scrolls inside <main data-testid="stMain">, not the
    document, so a plain full_page shot stops at the fold: grow the viewport to fit instead."""
    page.evaluate("document.activeElement && document.activeElement.blur()")  # no focus ring
    base = dict(page.viewport_size)
    page.mouse.move(base["width"] - 60, base["height"] - 20)  # off the sidebar
    main = page.locator('[data-testid="stMain"]')
    height = base["height"]
    for _ in range(5):  # growing the window can reflow the page: repeat until it settles
        wanted = min(max(main.evaluate("m => m.scrollHeight"), base["height"]), MAX_HEIGHT)
        if wanted == height:
            break
        height = wanted
        page.set_viewport_size({"width": base["width"], "height": height})
        page.wait_for_timeout(300)
    path = OUT / name
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    page.set_viewport_size(base)
    print(f"  {path.relative_to(PROJECT_DIR)}  ({base['width']}x{height})")
    return path


# What the writer types at each step of the composer (None: keep what the step offers).
SOLIDARITY_STEPS = [
    None,
    "You are not alone. Today our class read your story: you were acquitted and released in "
    "March 2016, and your words about the letters you received moved us.",
    "We are a class of 13-year-olds in Lyon, France.",
    None,
    "Sam",
]
APPEAL_STEPS = [None, "FACT-STARTER", "FACT", None, None, "Sam, Lyon"]


def walk_steps(page, kind: str, typed: list, url: str) -> None:
    """Go through the composer's steps, typing or clicking, with a screenshot of each step."""
    for number, text in enumerate(typed, start=1):
        if text == "FACT-STARTER":
            page.locator('[data-testid="stMain"] .stButton button').filter(has_text="…").first \
                .click()
            e2e.wait_for_app(page)
        elif text == "FACT":
            page.get_by_text("Facts from the case (click").click()
            page.locator(".st-key-fact-0 button").click()
            e2e.wait_for_app(page)
            page.get_by_text("Facts from the case (click").click()
        elif text:
            field = page.locator('[data-testid="stMain"] textarea, '
                                 '[data-testid="stMain"] input[type="text"]').first
            field.fill(text)
            field.press("Tab")
            e2e.wait_for_app(page)
        e2e.assert_no_traceback(page, f"{kind} step {number}", url)
        full_page(page, f"composer/{kind}-{number}.png")
        if number < len(typed):
            page.get_by_role("button", name="Next:").first.click()
            e2e.wait_for_app(page)


def fill_first_text_area(page, text: str) -> None:
    """Type into the page's first text area and leave it, as a pupil does; wait for the rerun."""
    field = page.locator('[data-testid="stMain"] textarea').first
    field.fill(text)
    field.press("Tab")
    e2e.wait_for_app(page)


LANGUAGE_CLASSES = {"pl": "Klasa 7B", "de": "Klasse 7b"}
# What a pupil writes in the composer's message step, in each language (no fact about the person).
LANGUAGE_MESSAGES = {"pl": "Nie jesteś sama. Cała nasza klasa myśli dziś o tobie.",
                     "de": "Du bist nicht allein. Unsere ganze Klasse denkt heute an dich."}


def take_languages(url: str, browser) -> None:
    """The composer as a class writing in Polish and one writing in German sees it."""
    for lang in LANGUAGE_CLASSES:
        page = e2e.new_page(browser)
        page.goto(f"{str(url).rstrip('/')}/cases?s={lang.upper()}2026")  # the class's link
        e2e.wait_for_app(page)
        page.locator(".st-key-yecenia-armenta-solidarity button >> visible=true").first.click()
        e2e.wait_for_app(page)
        page.locator(".st-key-w4r-step-nav button").nth(1).click()  # Next, in any language
        e2e.wait_for_app(page)
        fill_first_text_area(page, LANGUAGE_MESSAGES[lang])
        e2e.assert_no_traceback(page, f"composer in {lang}", url)
        full_page(page, f"composer/{lang}-solidarity-2.png")
        page.context.close()


def take(url: str, browser, workdir: Path) -> None:
    page = e2e.new_page(browser)
    page.goto(url)
    e2e.wait_for_app(page)
    e2e.assert_no_traceback(page, "Home", url)
    full_page(page, "1-home.png")

    e2e.open_page(page, "Choose a case")
    full_page(page, "2-cases.png")

    page.locator(".st-key-yecenia-armenta-appeal").get_by_role("button").click()
    e2e.wait_for_app(page)
    walk_steps(page, "appeal", APPEAL_STEPS, url)
    e2e.open_page(page, "Choose a case")
    page.locator(".st-key-yecenia-armenta-solidarity").get_by_role("button").click()
    e2e.wait_for_app(page)
    walk_steps(page, "solidarity", SOLIDARITY_STEPS, url)
    full_page(page, "3-write.png")

    page.get_by_role("button", name="Next: print & count").click()
    e2e.wait_for_app(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the letter (PDF)").click()
    letter = workdir / "letter.pdf"
    download.value.save_as(letter)
    page.get_by_role("button", name="Count my letter").click()
    e2e.wait_for_app(page)
    page.get_by_text("Thank you! Your letter is counted.").wait_for()
    page.wait_for_timeout(3_000)  # let the balloons fly away
    e2e.assert_no_traceback(page, "Print & count", url)
    full_page(page, "4-print.png")

    e2e.open_page(page, "Tally")
    e2e.assert_no_traceback(page, "Tally", url)
    full_page(page, "5-tally.png")
    page.context.close()

    take_organizer(url, browser)
    take_kiosk(url, browser, "en")
    take_kiosk(url, browser, "fr")
    take_kiosk_display(url, browser)
    take_phone(url, browser)
    take_languages(url, browser)

    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(letter),
                    str(OUT / "6-letter")], check=True)
    print(f"  {(OUT / '6-letter.png').relative_to(PROJECT_DIR)}  (page 1 of the PDF, 60 dpi)")


KIOSK_MESSAGE = {"en": "You are not alone. People at the town fair are thinking of you.",
                 "fr": "Tu n'es pas seule. Les gens de la fête de la ville pensent à toi."}


def take_kiosk(url: str, browser, lang: str) -> None:
    """The kiosk flow of the event session FAIR on a tablet-sized screen, in a language."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(f"{url}/?s=FAIR")
    e2e.wait_for_app(page)
    if lang != "en":
        page.get_by_role("button", name={"fr": "Français"}[lang]).click()
        e2e.wait_for_app(page)
    full_page(page, f"kiosk/{lang}-1-attract.png")
    page.locator(".st-key-kiosk-start button").click()
    e2e.wait_for_app(page)
    full_page(page, f"kiosk/{lang}-2-choose.png")
    page.locator(".st-key-kiosk-yecenia-armenta-solidarity button").click()
    e2e.wait_for_app(page)
    fill_first_text_area(page, KIOSK_MESSAGE[lang])
    e2e.assert_no_traceback(page, f"kiosk write ({lang})", url)
    full_page(page, f"kiosk/{lang}-3-write.png")
    page.locator('[data-testid="stMain"] button').filter(has_text="check_circle").click()
    e2e.wait_for_app(page)
    full_page(page, f"kiosk/{lang}-4-thanks.png")
    context.close()


def take_kiosk_display(url: str, browser) -> None:
    """The kiosk's write screen and its "Still there?" warning in high contrast and in larger
    text, on a touch tablet (session HALL, idle time 15 s)."""
    for name, switch in (("contrast", "High contrast"), ("large", "Larger text")):
        context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
        page = context.new_page()
        page.goto(f"{url}/?s=HALL")
        e2e.wait_for_app(page)
        page.get_by_text(switch, exact=True).click()
        e2e.wait_for_app(page)
        page.locator(".st-key-kiosk-start button").tap()
        e2e.wait_for_app(page)
        page.locator(".st-key-kiosk-yecenia-armenta-solidarity button").tap()
        e2e.wait_for_app(page)
        field = page.locator("textarea").first
        field.tap()
        page.keyboard.type(KIOSK_MESSAGE["en"])
        field.press("Tab")
        e2e.wait_for_app(page)
        e2e.assert_no_traceback(page, f"kiosk write ({name})", url)
        page.screenshot(path=OUT / f"kiosk-{name}.png")
        print(f"  docs/screenshots/kiosk-{name}.png")
        page.locator("#w4r-idle-warning").wait_for(timeout=20_000)
        page.wait_for_timeout(300)
        page.screenshot(path=OUT / f"kiosk-{name}-warning.png")
        print(f"  docs/screenshots/kiosk-{name}-warning.png")
        context.close()


PHONE = {"width": 390, "height": 844}


def take_phone(url: str, browser) -> None:
    """A composer step on a phone (Back and Next at the foot of the screen), and the PDF
    preview fitted to the phone's width."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(url)
    e2e.wait_for_app(page)
    page.get_by_role("button", name="Start writing").click()
    e2e.wait_for_app(page)
    page.locator(".st-key-yecenia-armenta-solidarity button >> visible=true").first.click()
    e2e.wait_for_app(page)
    e2e.go_to_step(page, "A message of hope")
    e2e.type_into(page, "A message of hope", SOLIDARITY_STEPS[1])
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 480)")
    page.wait_for_timeout(300)
    e2e.assert_no_traceback(page, "phone write", url)
    page.screenshot(path=OUT / "phone-write.png", animations="disabled")  # one phone screen
    print("  docs/screenshots/phone-write.png  (390x844, the screen as a phone shows it)")
    while not page.get_by_role("button", name="Next: print & count").count():
        page.get_by_role("button", name="Next:").first.click()
        e2e.wait_for_app(page)
    page.get_by_role("button", name="Next: print & count").click()
    e2e.wait_for_app(page)
    page.get_by_text("Preview the PDF", exact=True).click()
    page.locator('[data-testid="stMain"] canvas').first.wait_for()
    page.wait_for_timeout(1_000)
    e2e.assert_no_traceback(page, "phone print", url)
    full_page(page, "phone-print.png")
    context.close()


def setup_code(url) -> str:
    """The default session's one-time setup code, as `make run` prints it."""
    return access.new_setup_code(db.connect(url.db_path), db.DEFAULT_SESSION)


def take_organizer(url: str, browser) -> None:
    """The organizer's pages: first PIN, settings with the QR code, cases, review, reports."""
    page = e2e.new_page(browser)
    page.goto(url)
    e2e.wait_for_app(page)
    e2e.open_page(page, "Organizer")
    full_page(page, "7-organizer.png")
    e2e.type_into(page, "Setup code (from the server's terminal)", setup_code(url))
    e2e.type_into(page, "New organizer PIN (6 digits or more, or a passphrase of 8 "
                        "characters or more)", "246813")
    e2e.type_into(page, "The same PIN again", "246813")
    page.get_by_role("button", name="Set the PIN and sign in").click()
    e2e.wait_for_app(page)
    for title, name in (("Session settings", "8-session.png"), ("Case file", "9-case-file.png"),
                        ("Review letters", "10-review.png"),
                        ("Tally & reports", "11-reports.png")):
        e2e.open_page(page, title)
        e2e.assert_no_traceback(page, title, url)
        if title == "Review letters":
            page.get_by_text("Jani Silva ·").first.click()  # open one letter
            e2e.wait_for_app(page)
        full_page(page, name)
    e2e.open_page(page, "Projector")
    e2e.assert_no_traceback(page, "Projector", url)
    page.wait_for_timeout(1_000)
    page.locator('[data-testid="stSidebarCollapseButton"] button').click()  # as on the wall
    page.wait_for_timeout(500)
    full_page(page, "12-projector.png")
    page.context.close()


def main() -> int:
    if not e2e.CHROMIUM.exists():
        print(f"screenshots: no Chromium at {e2e.CHROMIUM} (apt-get install chromium)",
              file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    (OUT / "composer").mkdir(parents=True, exist_ok=True)
    (OUT / "kiosk").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="w4r-shots-") as tmp:
        database = Path(tmp) / "w4r.db"
        print(f"screenshots: {prefill(database)} earlier letters counted in a temporary tally")
        with e2e.running_app(database) as url, sync_playwright() as playwright:
            browser = e2e.launch_chromium(playwright)
            try:
                if sys.argv[1:] == ["kiosk-display"]:  # only the kiosk's display shots
                    take_kiosk_display(url, browser)
                elif sys.argv[1:] == ["phone"]:  # only the phone-size shots
                    take_phone(url, browser)
                elif sys.argv[1:] == ["languages"]:  # only the composer in pl and de
                    take_languages(url, browser)
                else:
                    take(url, browser, Path(tmp))
            finally:
                browser.close()
    print(f"screenshots: done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
