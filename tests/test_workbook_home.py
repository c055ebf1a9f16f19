"""The workbook reads as a workbook: where the coachee stands on the home page, the header
names it, prompts that invite, the trend's scale, 44 px targets, a 404 page and search that
work from disk, and a workbook after the Values session alone. Real builds, real Chromium."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE_CLIENT, REPO, build, built_asset, copy_project, open_page, serve

from coach_site.project import PACKAGE_CONTENT

WORDS = yaml.safe_load((PACKAGE_CONTENT / "_words.yaml").read_text(encoding="utf-8"))
PROGRESS = WORDS["progress"]
VALUES_ONLY = """\
client:
  name: Rosa Quintero
link:
  token: Vq7Lm2Xp9KcT4wRz8NbYd3
sessions:
  values: 2026-09-01
  next: 2026-09-22
values:
  - name: Honesty
    meaning: Saying what I mean.
  - name: Play
"""


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example workbook, built by the real pipeline, served over HTTP and on disk."""
    site = build(EXAMPLE_CLIENT, REPO, tmp_path_factory.mktemp("home")).site
    base, stop = serve(site)
    yield {"site": site, "http": base}
    stop()


def browser_key(site: Path) -> str:
    """The workbook's key in this browser's storage, as the home page names it."""
    tag = re.search(r'<div class="progress"[^>]*>', (site / "index.html").read_text(encoding="utf-8")).group(0)
    return re.search(r'data-key="([0-9a-f]+)"', tag).group(1)


def open_home(browser, url: str, today: str | None = None, storage: dict | None = None, javascript: bool = True):
    """A fresh browser on the home page, its clock at `today`, its storage holding `storage`."""
    context = browser.new_context(java_script_enabled=javascript)
    if today:
        context.clock.set_fixed_time(dt.datetime.fromisoformat(today))
    page = context.new_page()
    if storage:
        open_page(page, url, ready=javascript)
        page.evaluate("items => { for (const [k, v] of Object.entries(items)) localStorage.setItem(k, v); }", storage)
    open_page(page, url, ready=javascript)
    return context, page


# --- 1. Progress and what's next ---------------------------------------------------


def test_ticks_on_any_page_count_on_the_home_page(browser, example):
    context, page = open_home(browser, f"{example['http']}/index.html")
    try:
        steps = page.locator(".progress__steps")
        # 4 next steps of the areas, 2 action items; the coach's file records one as done.
        assert steps.inner_text() == "1 of 6 done."
        open_page(page, f"{example['http']}/area-career.html")
        page.get_by_role("checkbox", name="Write up the first portfolio project this weekend").check()
        open_page(page, f"{example['http']}/homework.html")
        page.get_by_role("checkbox", name="Ask two colleagues what they see as my strengths").check()
        # The same step on the homework page is the same tick: it counts once.
        assert page.get_by_role("checkbox", name="Write up the first portfolio project this weekend").is_checked()
        open_page(page, f"{example['http']}/index.html")
        assert steps.inner_text() == "3 of 6 done."
    finally:
        context.close()


@pytest.mark.parametrize(("today", "overdue"), [("2026-09-20T09:00", False), ("2026-09-29T23:30", False),
                                                 ("2026-09-30T00:10", True), ("2027-01-04T12:00", True)])
def test_a_passed_due_date_is_said_kindly_against_todays_date(browser, example, today, overdue):
    context, page = open_home(browser, f"{example['http']}/index.html", today=today)
    try:
        due = page.locator(".progress__due").inner_text()
        if overdue:
            assert due == PROGRESS["overdue"].format(date="29 September 2026")
        else:
            assert due == PROGRESS["due"].format(date="29 September 2026")
    finally:
        context.close()


def test_home_page_reads_without_javascript(browser, example):
    context, page = open_home(browser, f"{example['http']}/index.html", javascript=False)
    try:
        progress = page.locator("#coach-site-progress")
        text = progress.inner_text()
        # As the day it was built says: the steps the client file records done, the due date passed.
        assert re.search(re.escape(PROGRESS["done"]).replace(r"\{done\}", r"\d").replace(r"\{total\}", "6"), text), text
        assert PROGRESS["overdue"].format(date="29 September 2026") in text
        assert PROGRESS["next_session"].format(date="20 October 2026") in text
        assert not page.locator(".progress__unsent").is_visible()
        # Questions still open, each a link to its prompt on its page.
        link = progress.get_by_role("link", name="Barriers and unknowns")
        href = link.get_attribute("href")
        assert href.startswith("area-relationships.html#open-")
        link.click()
        page.wait_for_url(f"**/{href}")
        target = page.locator(f"#{href.split('#')[1]}")
        assert "What are the current barriers" in target.inner_text()
        # Answered questions are not listed: Career has every answer.
        assert progress.get_by_role("link", name="Career").count() == 0
    finally:
        context.close()


def test_schedule_parts_still_open_are_listed_with_links_to_their_questions(browser, tmp_path):
    client = tmp_path / "ada.yaml"
    client.write_text("client: {name: Ada Example}\nlink: {token: Rk4Wn8TzQe2Lb7Ys5HvXc3}\n"
                      "focus_areas:\n  - name: Career\n    outcome: Leading a team.\n"
                      "schedule:\n  day: 06:30 run · 08:00 school run\n", encoding="utf-8")
    site = build(client, REPO, tmp_path / "site").site
    base, stop = serve(site)
    context, page = open_home(browser, f"{base}/index.html", javascript=False)
    try:
        progress = page.locator("#coach-site-progress")
        assert progress.get_by_role("link", name=PROGRESS["schedule"]).get_attribute("href") == "schedule.html"
        assert progress.get_by_role("link", name="An ideal day").count() == 0  # written already
        assert progress.get_by_role("link", name="An ideal month").get_attribute("href").startswith(
            "schedule.html#open-")
        link = progress.get_by_role("link", name="An ideal week")
        href = link.get_attribute("href")
        assert href.startswith("schedule.html#open-")
        link.click()
        page.wait_for_url(f"**/{href}")
        assert "Which days hold your deep work" in page.locator(f"#{href.split('#')[1]}").inner_text()
    finally:
        context.close()
        stop()


def entry(text: str, changed: str | None) -> str:
    value = {"text": text, "question": "Q?", "page": "Career", "href": "area-career.html", "order": 1}
    if changed is not None:
        value["changed"] = changed
    return json.dumps(value)


@pytest.mark.parametrize(
    ("stored", "expect"),
    [
        ({"a": ("Not sent yet", "2026-10-01T08:00:00Z")}, (1, True)),  # five days old, never sent
        ({"a": ("Fresh", "2026-10-05T08:00:00Z")}, (1, False)),  # a day old: no reminder yet
        ({"a": ("Sent", "2026-10-01T08:00:00Z"), "sent": "2026-10-02T08:00:00Z"}, None),  # all sent
        ({"a": ("Sent", "2026-10-01T08:00:00Z"), "b": ("After", "2026-10-05T09:00:00Z"),
          "sent": "2026-10-02T08:00:00Z"}, (1, False)),  # only what changed since the send
        ({"a": ("Odd", "not a date"), "b": ("Old", "2026-09-01T08:00:00Z"), "sent": "garbage"}, (2, True)),
        ({"a": ("No time", None)}, (1, False)),  # an entry without `changed`: unsent, not reminded
    ],
)
def test_what_is_not_sent_yet_shows_with_a_reminder_when_old(browser, example, stored, expect):
    key = browser_key(example["site"])
    storage = {}
    for name, value in stored.items():
        if name == "sent":
            storage[f"coach-site-sent:{key}"] = value
        else:
            storage[f"coach-site:{key}:focus_areas|Career|{name}"] = entry(*value)
    context, page = open_home(browser, f"{example['http']}/index.html", today="2026-10-06T10:00", storage=storage)
    try:
        unsent = page.locator(".progress__unsent")
        if expect is None:
            assert not unsent.is_visible()
            return
        count, reminded = expect
        assert unsent.is_visible()
        text = unsent.inner_text()
        form = "one" if count == 1 else "other"  # English's plural forms
        assert PROGRESS["unsent"][form].replace("{coach}", "Sam Rivera").format(count=count) in text
        assert (PROGRESS["reminder"].replace("{coach}", "Sam Rivera").format(days=3) in text) is reminded
        assert unsent.get_by_role("link", name=PROGRESS["unsent_link"]).get_attribute("href") == "reflections.html"
    finally:
        context.close()


# --- 2. Reads as a workbook ---------------------------------------------------------


def test_the_header_and_titles_name_the_workbook_and_the_coach_can_reword_it(browser, example, tmp_path):
    context, page = open_home(browser, f"{example['http']}/area-career.html")
    try:
        assert page.locator(".md-header__topic").first.inner_text().strip() == "Maya's workbook"
        assert page.title() == "Career - Maya's workbook"
        # Material's "Table of contents" reads as the workbook's words.
        labels = page.locator("nav.md-nav--secondary").evaluate_all("ns => ns.map(n => n.getAttribute('aria-label'))")
        assert labels and set(labels) == {WORDS["workbook"]["toc"]} == {"On this page"}
        assert page.locator("label.md-nav__title[for=__toc]").first.inner_text().strip() == "On this page"
        assert "Table of contents" not in page.content()
    finally:
        context.close()
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "workbook_title: \"{name}'s workbook\"", "workbook_title: \"{name}'s coaching notebook\""), encoding="utf-8")
    site = build(EXAMPLE_CLIENT, project, tmp_path / "site").site
    assert "<title>Home - Maya&#39;s coaching notebook</title>" in (site / "index.html").read_text(encoding="utf-8")
    # Without extra.workbook_title, the workbook's words say it.
    config.write_text(re.sub(r"\n  workbook_title: .*", "", config.read_text(encoding="utf-8")), encoding="utf-8")
    site = build(EXAMPLE_CLIENT, project, tmp_path / "site2").site
    assert "<title>Home - Maya&#39;s workbook</title>" in (site / "index.html").read_text(encoding="utf-8")


def test_an_open_question_is_the_prompts_large_text_not_a_small_admonition(browser, example):
    context, page = open_home(browser, f"{example['http']}/area-relationships.html")
    try:
        prompt = page.locator(".prompt", has_text="What are the current barriers")
        question = prompt.locator(".prompt__question")
        body = float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset p')).fontSize)"))
        size = float(question.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        assert size >= 20 and size > body * 1.2, (size, body)
        assert page.locator(".admonition").count() == 0
        # Its box is inside the prompt, labelled by the question.
        assert prompt.get_by_role("textbox").count() == 1
    finally:
        context.close()


def test_an_area_not_started_invites_with_its_questions_numbered(browser, tmp_path):
    client = tmp_path / "ada.yaml"
    client.write_text("client: {name: Ada Example}\nlink: {token: 3hVt9QmK2xLp7RwZc5NbYa}\n"
                      "focus_areas:\n  - name: Career\n  - name: Health\n    outcome: Strong.\n", encoding="utf-8")
    site = build(client, REPO, tmp_path / "site").site
    base, stop = serve(site)
    context, page = open_home(browser, f"{base}/area-career.html")
    try:
        assert WORDS["open_area"]["invitation"] in page.locator("article").inner_text()
        numbers = page.locator(".area-questions--open h2").evaluate_all(
            "hs => hs.map(h => getComputedStyle(h, '::before').content)")
        assert numbers[:3] == ['counter(question) ". "'] * 3 or numbers[0].startswith('"1')
        first = page.locator(".area-questions--open h2").first
        assert first.evaluate("h => getComputedStyle(h, '::before').content") != "none"
        open_page(page, f"{base}/area-health.html")  # started: no invitation, no numbers
        assert WORDS["open_area"]["invitation"] not in page.locator("article").inner_text()
        assert page.locator(".area-questions--open").count() == 0
    finally:
        context.close()
        stop()


def test_the_trend_chart_shows_its_1_to_10_scale(example):
    text = (example["site"] / "area-career.html").read_text(encoding="utf-8")
    svg = re.search(r'<svg class="trend".*?</svg>', text, re.DOTALL).group(0)
    labels = re.findall(r'<text class="trend__scale"[^>]*>([^<]*)</text>', svg)
    assert labels == [WORDS["trend"]["scale_top"], WORDS["trend"]["scale_bottom"]] == ["10", "1"]
    guides = [float(y) for y in re.findall(r'<line class="trend__guide"[^>]*y1="([\d.]+)"', svg)]
    assert len(guides) == 2 and guides[0] < guides[1]  # 10 above 1


CONTROLS = """() => {
  const small = [];
  const seen = document.querySelectorAll(
    'input, button, select, textarea, a.md-button, .md-header__button, label.checklist__item');
  for (const el of seen) {
    if (el.type === 'hidden' || el.closest('.md-search__form') && !el.matches('.md-search__input')) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    // Hidden from everyone and out of the tab order (the file picker a button opens): not a target.
    if (el.closest('[aria-hidden="true"]') && el.tabIndex < 0) continue;
    // A checkbox's target is its whole label: a tap anywhere on the step ticks it.
    const target = el.matches('input[type=checkbox]') && el.closest('label') ? el.closest('label') : el;
    const box = target.getBoundingClientRect();
    if (box.width < 44 || box.height < 44)
      small.push(`${el.tagName}.${el.className} ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  return small;
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_every_control_is_a_44_px_target(browser, example, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for name in ("index.html", "area-career.html", "homework.html", "schedule.html", "reflections.html"):
            open_page(page, f"{example['http']}/{name}")
            assert page.evaluate(CONTROLS) == [], (name, width)
        assert page.locator(".md-typeset .md-button").count() >= 1  # reflections' buttons were measured
    finally:
        context.close()


def test_the_404_page_is_the_workbooks_and_works_from_disk(browser, example):
    context = browser.new_context()
    page = context.new_page()
    try:
        open_page(page, (example["site"] / "404.html").as_uri())
        says = WORDS["workbook"]
        assert page.get_by_role("heading", level=1).inner_text() == says["not_found_title"]
        # Styled: the workbook's stylesheet and the theme's loaded from disk.
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor") == "rgb(0, 105, 92)"
        page.get_by_role("link", name=says["not_found_home"]).click()
        page.wait_for_url("**/index.html")
        assert page.url == (example["site"] / "index.html").as_uri()
        assert page.get_by_role("heading", level=1).inner_text() == "Hi Maya"
    finally:
        context.close()


# --- 3. Search from disk, and nothing from a CDN --------------------------------------


def test_search_works_in_a_workbook_opened_from_disk(browser, example):
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        open_page(page, (example["site"] / "index.html").as_uri())
        page.keyboard.press("/")
        page.keyboard.type("portfolio")
        page.wait_for_selector(".md-search-result__item", timeout=10_000)
        assert "portfolio" in page.locator(".md-search-result").inner_text().lower()
        assert [url for url in requests if not url.startswith("file:")] == []
        assert any(re.search(r"/assets/hashed/shim\.[0-9a-f]{10}\.js$", url) for url in requests)
    finally:
        context.close()


def test_no_polyfill_ever_comes_from_another_host(tmp_path):
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "extra:\n", "extra:\n  polyfills:\n    - https://unpkg.com/iframe-worker/shim\n"
                    "    - //cdn.example.org/poly.js\n    - assets/javascripts/store.js\n"), encoding="utf-8")
    built = build(EXAMPLE_CLIENT, project, tmp_path / "site")
    for page in built.site.glob("*.html"):
        sources = re.findall(r'<script[^>]* src="([^"]+)"', page.read_text(encoding="utf-8"))
        assert not [s for s in sources if "//" in s], (page.name, sources)
        assert sum(bool(re.fullmatch(r"(\./)?assets/hashed/shim\.[0-9a-f]{10}\.js", s)) for s in sources) == 1, page.name
    assert built_asset(built.site, "assets/javascripts/iframe-worker/shim.js").is_file()
    assert "MIT" in (built.site / "assets/javascripts/iframe-worker/LICENSE.txt").read_text(encoding="utf-8") or \
        "Permission is hereby granted" in (built.site / "assets/javascripts/iframe-worker/LICENSE.txt").read_text()
    assert any("https://unpkg.com/iframe-worker/shim" in w and "other hosts" in w for w in built.warnings)


# --- 4. After the Values session alone ---------------------------------------------------


def test_a_workbook_builds_after_the_values_session_alone(browser, tmp_path):
    client = tmp_path / "rosa.yaml"
    client.write_text(VALUES_ONLY, encoding="utf-8")
    site = build(client, REPO, tmp_path / "site").site
    assert not list(site.glob("area-*.html"))
    base, stop = serve(site)
    context, page = open_home(browser, f"{base}/index.html")
    try:
        article = page.locator("article").inner_text()
        assert "Hi Rosa" in article and "Honesty" in article and "Saying what I mean." in article
        assert PROGRESS["next_strategy"] in article
        assert PROGRESS["next_session"].format(date="22 September 2026") in article
        assert page.locator("svg.wheel").count() == 0
        assert WORDS["nav"]["focus_areas"] not in page.locator("nav.md-nav--primary").inner_text()
        open_page(page, f"{base}/values.html")
        assert "Play" in page.locator("article").inner_text()
    finally:
        context.close()
        stop()
