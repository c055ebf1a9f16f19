"""Answering in place, in real Chromium: the coachee's own rating, a meaning for a value, next
steps on the homework page, review notes beside the coach's answers, the schedule template and
the TED talk. Each test checks what the coachee sees and what this browser keeps."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest
from conftest import REPO, build, copy_project, open_page, serve

TOKEN = "Hq7Vd2LmX9pRtB4wZs6NcK"
AREA = 'Health & "Energy"'
VALUE = "Courage & <Care>"
CLIENT = f"""\
client:
  name: Rosa Quintero
link:
  token: {TOKEN}
values:
  - name: "{VALUE}"
  - name: Play
    meaning: Laughing every day.
focus_areas:
  - name: '{AREA}'
    outcome: Run a 10k before my birthday.
    why_it_matters: Energy for the kids.
    satisfaction:
      2026-07-01: 4
      2026-09-15: 5
  - name: Career
"""


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    """A client with open questions everywhere the widgets live, built by the real pipeline."""
    root = tmp_path_factory.mktemp("widgets")
    client = root / "rosa.yaml"
    client.write_text(CLIENT, encoding="utf-8")
    site = build(client, REPO, root / "site").site
    base, stop = serve(site)
    yield base
    stop()


def stored(page, field: str):
    """What this browser keeps for `field` of the workbook on the page, as the page filed it."""
    workbook = page.locator("[data-key]").first.get_attribute("data-key")
    raw = page.evaluate("key => localStorage.getItem(key)", f"coach-site:{workbook}:{field}")
    return json.loads(raw) if raw is not None else None


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# ---- 1. Satisfaction now ------------------------------------------------------------------

def test_own_rating_is_set_with_the_arrow_keys_kept_restored_and_cleared(workbook, page):
    open_page(page, f"{workbook}/area-health-energy.html")
    assert "5 out of 10" in page.locator("p.rating").inner_text()  # the coach's rating stays beside it
    assert page.locator("figure.trend-figure svg").is_visible()  # and its history
    scale = page.get_by_role("group", name="Your rating now, from 1 (not at all satisfied) to 10")
    assert scale.is_visible()
    radios = scale.get_by_role("radio")
    assert radios.count() == 10
    assert [radios.nth(i).get_attribute("value") for i in range(10)] == [str(n) for n in range(1, 11)]

    page.get_by_role("radio", name="6 out of 10").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    seven = page.get_by_role("radio", name="7 out of 10")
    assert seven.is_checked() and seven.evaluate("el => el === document.activeElement")
    outline = seven.evaluate("el => getComputedStyle(el.nextElementSibling).outlineStyle")
    assert outline not in ("none", ""), "the focused number shows no focus ring"
    entry = stored(page, f"focus_areas|{AREA}|satisfaction")
    assert entry["text"] == "7" and entry["page"] == AREA
    assert entry["question"].startswith("What is your current satisfaction rating")
    assert "Saved on this device." in scale.inner_text()

    open_page(page)
    assert page.get_by_role("radio", name="7 out of 10").is_checked()
    page.get_by_role("button", name="Clear my rating").click()
    assert not any(radios.nth(i).is_checked() for i in range(10))
    assert stored(page, f"focus_areas|{AREA}|satisfaction") is None
    open_page(page)
    assert not any(radios.nth(i).is_checked() for i in range(10))
    assert page.get_by_role("button", name="Clear my rating").is_disabled()


def test_an_area_without_a_rating_can_be_rated_too(workbook, page):
    open_page(page, f"{workbook}/area-career.html")
    page.get_by_role("radio", name="3 out of 10").check()
    assert stored(page, "focus_areas|Career|satisfaction")["text"] == "3"
    open_page(page, f"{workbook}/area-health-energy.html")  # one area's rating is its own
    assert stored(page, f"focus_areas|{AREA}|satisfaction") is None


@pytest.mark.parametrize("width", [320, 1280])
def test_every_rating_target_is_at_least_44_px_and_fits_the_screen(browser, workbook, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        open_page(page, f"{workbook}/area-health-energy.html")
        radios = page.locator(".rating-scale input[type=radio]")
        for i in range(10):
            box = radios.nth(i).bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44, (i + 1, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (i + 1, box)
        assert no_sideways_scrolling(page)
    finally:
        page.close()


# ---- 2. A meaning for a value; next steps on the homework page ---------------------------

def test_a_value_without_a_meaning_gets_a_box_of_its_own(workbook, page):
    open_page(page, f"{workbook}/values.html")
    boxes = page.locator("textarea.reflection__box")
    assert boxes.count() == 1  # "Play" has its meaning: no box there
    boxes.fill("Saying the hard thing kindly")
    entry = stored(page, f"values|{VALUE}|meaning")
    assert entry["text"] == "Saying the hard thing kindly"
    assert entry["question"].startswith("What does this value mean to you?")
    open_page(page)
    assert boxes.input_value() == "Saying the hard thing kindly"


def test_next_steps_written_on_the_homework_page_are_the_area_pages_own(workbook, page):
    open_page(page, f"{workbook}/homework.html")
    steps = page.get_by_role("textbox", name="Your own next steps, one per line")
    assert steps.count() == 2  # one per area
    steps.nth(1).fill("Ask for the lead role\nUpdate my portfolio")
    entry = stored(page, "focus_areas|Career|next_steps")
    assert entry["text"] == "Ask for the lead role\nUpdate my portfolio"
    open_page(page, f"{workbook}/area-career.html")
    own = page.get_by_role("textbox", name="Your own next steps, one per line")
    assert own.input_value() == "Ask for the lead role\nUpdate my portfolio"
    own.fill("Ask for the lead role")
    open_page(page, f"{workbook}/homework.html")
    assert steps.nth(1).input_value() == "Ask for the lead role"
    assert steps.nth(0).input_value() == ""


# ---- 3. Review notes beside the coach's answers -------------------------------------------

def test_a_review_note_opens_beside_the_coachs_answer_and_never_touches_it(workbook, page):
    open_page(page, f"{workbook}/area-health-energy.html")
    add = page.locator("button.review-note__open")
    assert add.count() == 2  # the outcome and why it matters: the answers the coach wrote
    assert page.locator("textarea.review-note__box:visible").count() == 0  # unobtrusive until asked
    opener = page.get_by_role("button", name="Add a note on: One year from now")
    assert opener.get_attribute("aria-expanded") == "false"
    opener.click()
    note = page.get_by_role("textbox", name="Your note: still true? What would you change? on: One year from now")
    assert note.is_visible() and note.evaluate("el => el === document.activeElement")
    page.keyboard.type("Make it a half marathon")
    entry = stored(page, f"focus_areas|{AREA}|note|outcome")
    assert entry["text"] == "Make it a half marathon"
    assert entry["question"] == "One year from now: still true? What would you change?"
    assert stored(page, f"focus_areas|{AREA}|outcome") is None  # the coach's answer is not an entry
    assert "Run a 10k before my birthday." in page.locator("article").inner_text()

    open_page(page)
    assert note.input_value() == "Make it a half marathon"  # a written note stays open
    assert page.get_by_role("button", name="Add a note on: Why it matters").is_visible()
    open_page(page, f"{workbook}/area-career.html")  # nothing written by the coach: nothing to review
    assert page.locator("button.review-note__open").count() == 0


# ---- 4. The schedule template ------------------------------------------------------------

def day_rows(page):
    return page.locator(".schedule-day__row")


def fill_day(page):
    rows = day_rows(page)
    assert rows.count() == 3  # a fresh day starts with rows to fill
    rows.nth(0).get_by_label("Time").fill("06:30")
    rows.nth(0).get_by_label("What you do").fill("run")
    rows.nth(1).get_by_label("Time").fill("08:00")
    rows.nth(1).get_by_label("What you do").fill("school run")
    rows.nth(2).get_by_label("What you do").fill("a mistake")
    page.get_by_role("button", name="Remove the time 3").click()
    page.get_by_role("button", name="Add a time").click()
    assert rows.count() == 3
    assert rows.nth(2).get_by_label("Time").evaluate("el => el === document.activeElement")
    page.keyboard.type("0930p")  # typed into the time box, as a keyboard user would (this browser: 12-hour)
    rows.nth(2).get_by_label("What you do").fill("read, lights out")


def fill_week_and_month(page):
    monday = page.get_by_role("group", name="Monday")
    monday.get_by_role("textbox", name="Morning").fill("run")
    monday.get_by_role("textbox", name="Evening").fill("choir")
    page.get_by_role("group", name="Wednesday").get_by_role("textbox", name="Afternoon").fill("portfolio")
    page.get_by_role("textbox", name="Week 1").fill("a weekend away")
    page.get_by_role("textbox", name="Week 3").fill("lunch with Ines")


DAY = "06:30 run · 08:00 school run · 21:30 read, lights out"
WEEK = "Monday morning: run · Monday evening: choir\nWednesday afternoon: portfolio"
MONTH = "Week 1: a weekend away\nWeek 3: lunch with Ines"


def test_the_schedule_template_writes_the_timeline_form_and_reads_it_back(workbook, page):
    open_page(page, f"{workbook}/schedule.html")
    days = page.locator(".schedule-week__day legend")
    assert days.all_inner_texts() == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    assert page.locator(".schedule-template--month").get_by_role("textbox").evaluate_all(
        "boxes => boxes.map(b => b.labels[0].innerText.trim())") == ["Week 1", "Week 2", "Week 3", "Week 4"]
    fill_day(page)
    fill_week_and_month(page)
    assert stored(page, "schedule|day")["text"] == DAY
    assert stored(page, "schedule|week")["text"] == WEEK
    assert stored(page, "schedule|month")["text"] == MONTH
    assert stored(page, "schedule|day")["question"].startswith("When do you wake up")

    open_page(page)
    rows = day_rows(page)
    assert rows.count() == 3
    assert [rows.nth(i).get_by_label("Time").input_value() for i in range(3)] == ["06:30", "08:00", "21:30"]
    assert [rows.nth(i).get_by_label("What you do").input_value() for i in range(3)] == [
        "run", "school run", "read, lights out"]
    assert page.get_by_role("group", name="Monday").get_by_role("textbox", name="Evening").input_value() == "choir"
    assert page.get_by_role("textbox", name="Week 3").input_value() == "lunch with Ines"
    assert stored(page, "schedule|day")["text"] == DAY  # reading it back changed nothing


def test_removing_a_time_keeps_the_focus_in_the_day(workbook, page):
    open_page(page, f"{workbook}/schedule.html")
    rows = day_rows(page)
    assert rows.count() == 3

    def focused(locator) -> bool:
        return locator.evaluate("el => el === document.activeElement")

    page.get_by_role("button", name="Remove the time 2").click()
    assert rows.count() == 2
    assert focused(rows.nth(1).get_by_label("Time"))  # the row after it, now the second
    page.get_by_role("button", name="Remove the time 2").click()
    assert rows.count() == 1
    assert focused(rows.nth(0).get_by_label("Time"))  # no row after it: the one before
    page.get_by_role("button", name="Remove the time 1").click()
    assert rows.count() == 0
    assert focused(page.get_by_role("button", name="Add a time"))  # never the top of the page


def test_text_the_template_does_not_know_is_kept_in_it(workbook, page):
    open_page(page, f"{workbook}/schedule.html")
    workbook_key = page.locator("[data-key]").first.get_attribute("data-key")
    page.evaluate("""([key, text]) => localStorage.setItem(key, JSON.stringify({text, question: "", order: 0}))""",
                  [f"coach-site:{workbook_key}:schedule|week", "Mostly rest\nMonday morning: run · then a swim"])
    open_page(page)
    monday = page.get_by_role("group", name="Monday")
    assert monday.get_by_role("textbox", name="Morning").input_value() == "Mostly rest · run · then a swim"
    stored_day = "7am wake up · 09:15 - deep work"  # a day written before the template, by hand
    page.evaluate("""([key, text]) => localStorage.setItem(key, JSON.stringify({text, question: "", order: 0}))""",
                  [f"coach-site:{workbook_key}:schedule|day", stored_day])
    open_page(page)
    rows = day_rows(page)
    assert [rows.nth(i).get_by_label("Time").input_value() for i in range(2)] == ["", "09:15"]
    assert [rows.nth(i).get_by_label("What you do").input_value() for i in range(2)] == ["7am wake up", "deep work"]


@pytest.mark.parametrize("width", [320, 1280])
def test_the_schedule_template_fits_the_screen(browser, workbook, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        open_page(page, f"{workbook}/schedule.html")
        page.get_by_role("button", name="Add a time").click()
        assert no_sideways_scrolling(page)
        for control in page.locator(".schedule-template input, .schedule-template button").all():
            box = control.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
            assert box["height"] >= 44, box
    finally:
        page.close()


def test_without_javascript_the_schedule_page_shows_its_questions(browser, workbook):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        open_page(page, f"{workbook}/schedule.html", ready=False)
        text = page.locator("article").inner_text()
        for question in ("When do you wake up", "Which days hold your deep work", "What happens once a month"):
            assert question in text
        assert page.locator(".schedule-template:visible").count() == 0
    finally:
        context.close()


def test_the_filled_template_comes_back_as_the_schedule_after_import(browser, tmp_path):
    """Fill, download, import, rebuild: the day reads as a timeline, the week a line per day."""
    project = copy_project(tmp_path / "practice")
    client = project / "clients" / "rosa.yaml"
    client.write_text(CLIENT, encoding="utf-8")
    site = build(client, project, project / "site").site
    base, stop = serve(site)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    downloaded = tmp_path / "from-rosa.yaml"
    try:
        open_page(page, f"{base}/schedule.html")
        fill_day(page)
        fill_week_and_month(page)
        open_page(page, f"{base}/reflections.html")
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download").click()
        download_info.value.save_as(downloaded)
    finally:
        context.close()
        stop()
    imported = subprocess.run([sys.executable, "-m", "coach_site", "import-reflections", "clients/rosa.yaml",
                               str(downloaded)], cwd=project, capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    shutil.rmtree(project / "site")
    html = (build(client, project, project / "site").site / "schedule.html").read_text()
    day = html.split('id="an-ideal-day"')[1].split("<h2")[0]
    for time, what in (("06:30", "run"), ("08:00", "school run"), ("21:30", "read, lights out")):
        assert f'<span class="timeline__time">{time}</span> {what}' in day
    week = html.split('id="an-ideal-week"')[1].split("<h2")[0]
    assert "Monday morning: run · Monday evening: choir<br />\nWednesday afternoon: portfolio" in week
    assert "schedule-template" not in html  # written now: the template gives way to their schedule


# ---- 5. The TED talk ---------------------------------------------------------------------

START = dt.datetime(2026, 10, 1, 9, 0)
SPOKEN_AFTER_MS = 1500  # answers.js: a screen reader hears the word count when typing pauses this long


def test_the_ted_title_is_one_line_without_a_form_label(workbook, page):
    open_page(page, f"{workbook}/ted-talk.html")
    title = page.get_by_role("textbox", name="What would your talk be called?")
    assert title.evaluate("el => el.tagName") == "INPUT"
    section = page.locator(".line-answer")
    assert "Your reflection" not in section.inner_text()
    title.fill("The long way round")
    assert stored(page, "ted_talk|title")["text"] == "The long way round"
    open_page(page)
    assert title.input_value() == "The long way round"


def test_the_story_space_grows_with_the_text_and_counts_words_politely(workbook, page):
    page.clock.install(time=START)  # the page's timers run on a clock the test moves
    open_page(page, f"{workbook}/ted-talk.html")
    prompts = page.locator("article").inner_text()
    assert "What message would you send?" in prompts
    assert "What story would you tell about where you came from" in prompts
    story = page.get_by_role("textbox", name="Your reflection on: What story would you tell", exact=False)
    before = story.bounding_box()["height"]
    counter = page.locator('.word-count[data-for="ted_talk|story"]')
    assert counter.inner_text() == "0 words"
    story.click()
    page.clock.pause_at(START + dt.timedelta(hours=1))  # no time passes while typing
    page.keyboard.type("Word")
    assert counter.inner_text() == "1 word"
    page.keyboard.type(" by word\n" * 20)
    assert counter.inner_text() == "41 words"  # shown at once
    told = counter.locator("[aria-live=polite]")
    assert told.inner_text() == ""  # not read out on every keystroke
    page.clock.run_for(SPOKEN_AFTER_MS - 1)
    assert told.text_content() == ""  # typing has not paused long enough yet
    page.clock.run_for(1)
    assert told.text_content() == "41 words"  # read out once typing pauses
    after = story.bounding_box()["height"]
    assert after > before + 200, (before, after)
    assert story.evaluate("el => el.scrollHeight <= el.clientHeight + 1"), "the box scrolls inside"
    assert stored(page, "ted_talk|story")["text"].count("by word") == 20


def test_every_reflection_box_grows(workbook, page):
    open_page(page, f"{workbook}/area-career.html")
    box = page.locator("textarea.reflection__box").first
    before = box.bounding_box()["height"]
    box.fill("\n".join(f"line {n}" for n in range(15)))
    assert box.bounding_box()["height"] > before + 100
    assert box.evaluate("el => el.scrollHeight <= el.clientHeight + 1")


def test_a_review_note_grows_with_its_text_too(workbook, page):
    open_page(page, f"{workbook}/area-health-energy.html")
    page.get_by_role("button", name="Add a note on: One year from now").click()
    note = page.locator("textarea.review-note__box:visible")
    before = note.bounding_box()["height"]
    note.fill("\n".join(f"line {n}" for n in range(15)))
    assert note.bounding_box()["height"] > before + 100
    assert note.evaluate("el => el.scrollHeight <= el.clientHeight + 1"), "the note scrolls inside"
