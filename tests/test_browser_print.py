"""Printing the workbook, in real Chromium: the PDF it prints starts with the greeting on
page 1, holds what the coachee typed and ticked, gives open questions lines to write on,
fits A4 and Letter, and the print page has a Print button."""

from __future__ import annotations

import subprocess

import pytest
from conftest import EXAMPLE_CLIENT, REPO, build, open_page, serve

from coach_site.workbook.render import fingerprint

TYPED = "A quiet hour every morning, before anyone else is up."
NOTE = "Still true, and more urgent since the reorganisation."
STEP = "Ask two colleagues what they see as my strengths"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    site = build(EXAMPLE_CLIENT, REPO, tmp_path_factory.mktemp("print") / "site").site
    base, stop = serve(site)
    yield base
    stop()


@pytest.fixture
def written(page, workbook):
    """A coachee who typed an answer, rated an area, wrote a review note and ticked a step."""
    open_page(page, f"{workbook}/area-relationships.html")
    page.locator("textarea.reflection__box").first.fill(TYPED)
    page.get_by_role("radio", name="8 out of 10").check()
    open_page(page, f"{workbook}/area-career.html")
    page.get_by_role("button", name="Add a note on: One year from now").click()
    page.locator("textarea.review-note__box:visible").fill(NOTE)
    open_page(page, f"{workbook}/homework.html")
    page.get_by_role("checkbox", name=STEP).check()
    open_page(page, f"{workbook}/print.html")
    assert page.locator(".reflection__printed").count() > 0
    return page


def pdf_pages(page, tmp_path, paper: str) -> list[str]:
    """The text of each page of the PDF Chromium prints, as pdftotext reads it."""
    pdf = tmp_path / f"workbook-{paper}.pdf"
    page.pdf(path=str(pdf), format=paper)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(sheet.split()) for sheet in text.split("\f")[:-1]]  # each page ends with a form feed


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_printed_workbook_starts_with_the_greeting_and_holds_what_was_typed(written, tmp_path, paper):
    sheets = pdf_pages(written, tmp_path, paper)
    assert sheets[0].startswith("Hi Maya"), sheets[0][:200]  # no blank first sheet, no print-page title
    assert all(sheets), "a blank sheet in the printed workbook"
    printed = " ".join(sheets)
    assert TYPED in printed and NOTE in printed and "Your rating now: 8 out of 10" in printed
    for heading in ("Your values", "Career", "Health", "Relationships", "Your homework", "Your TED talk"):
        assert heading in printed
    assert "Print the workbook" not in printed and "Use your browser's Print command" not in printed


def test_ticks_are_printed_and_open_questions_get_lines_to_write_on(written):
    written.emulate_media(media="print")
    assert written.get_by_role("checkbox", name=STEP).first.is_checked()
    prompts = written.locator(".prompt")
    answered = prompts.filter(has=written.locator(".reflection__printed"))
    assert answered.count() == 1
    assert not answered.locator(".write-lines").is_visible()  # their words, not empty lines
    open_prompt = prompts.filter(has_not=written.locator(".reflection__printed")).first
    lines = open_prompt.locator(".write-lines")
    assert lines.is_visible() and lines.bounding_box()["height"] > 80
    written.emulate_media(media="screen")
    assert not lines.is_visible()  # on screen the box is the place to write


def test_the_print_page_has_a_print_button(page, workbook):
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; }")
    open_page(page, f"{workbook}/print.html")
    button = page.get_by_role("button", name="Print")
    button.click()
    assert page.evaluate("window.printed") == 1
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    page.emulate_media(media="print")
    assert not button.is_visible()


def test_without_javascript_the_print_page_offers_no_button_that_does_nothing(browser, workbook):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        open_page(page, f"{workbook}/print.html", ready=False)
        assert page.get_by_role("button", name="Print").count() == 0
        assert page.locator(".print-hint").is_visible()  # the browser's own Print command does it
    finally:
        context.close()


def test_a_filled_schedule_template_and_the_ted_title_are_printed(browser, tmp_path):
    client = tmp_path / "ada.yaml"
    client.write_text("client: {name: Ada Example}\nlink: {token: Jp5Xw2Nq8Tc4Lz7Vb3Rk9H}\n"
                      "focus_areas:\n  - name: Career\n", encoding="utf-8")
    base, stop = serve(build(client, REPO, tmp_path / "site").site)
    context = browser.new_context()
    page = context.new_page()
    try:
        open_page(page, f"{base}/schedule.html")
        first = page.locator(".schedule-day__row").first
        first.get_by_label("Time").fill("06:30")
        first.get_by_label("What you do").fill("run by the river")
        page.get_by_role("textbox", name="Week 2").fill("dinner with Ines")
        open_page(page, f"{base}/ted-talk.html")
        page.get_by_role("textbox", name="What would your talk be called?").fill("The long way round")
        open_page(page, f"{base}/print.html")
        assert page.locator(".reflection__printed").count() > 0
        printed = " ".join(pdf_pages(page, tmp_path, "A4"))
        assert "06:30 run by the river" in printed
        assert "Week 2: dinner with Ines" in printed
        assert "The long way round" in printed
        # A typed day prints as its rows; a part answered, and the title, without lines to write on.
        assert page.locator(f"#open-{fingerprint('schedule|day')} ~ .timeline li").all_inner_texts() == [
            "06:30 run by the river"]
        page.emulate_media(media="print")
        lines = {part: page.locator(f"#open-{fingerprint('schedule|' + part)} .write-lines") for part in
                 ("day", "week", "month")}
        assert not lines["day"].is_visible() and not lines["month"].is_visible()  # "Week 2" is the month's
        assert lines["week"].is_visible()  # not written: lines to write on by hand
        title = page.locator(".prompt", has_text="What would your talk be called?")
        assert not title.locator(".write-lines").is_visible()
        assert page.locator(".prompt", has_text="What message would you send?").locator(".write-lines").is_visible()
    finally:
        context.close()
        stop()
