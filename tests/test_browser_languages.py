"""The workbook in the coachee's language, in real Chromium: each shipped catalogue's words on
the pages and in the boxes the JavaScript makes, axe-core on every page of one left-to-right
translation and of a Hebrew-language workbook, which lays out right to left.

A language joins by its catalogue (a .po file under coach_site/locale/): the visible-words
tests read its words from tests/languages/<language>.yaml, written by someone who reads it,
and check every page's language and title. axe-core judges what a language can change on its
own page (longer words, another direction) in German, the longest words of the left-to-right
translations, and in Hebrew; the colours, landmarks and names of every other page are the
English example's, judged in tests/test_accessibility.py.
"""

from __future__ import annotations

import pytest
from conftest import EXAMPLE_CLIENT, REPO, build, open_page, serve
from test_accessibility import axe_failures
from test_languages import SHIPPED, expectations

RIGHT_TO_LEFT = "he"  # Material speaks it; coach-site has no catalogue: its own words stay English
HEBREW_AREA = "מערכות יחסים"  # the Hebrew client names one area in Hebrew: a right-to-left label on the wheel
LEFT_TO_RIGHT = "de"  # the translation axe-core judges beside Hebrew: its words run longest


def token_for(language: str) -> str:
    """A link token per language that looks random, as the client-file check asks."""
    return (language.replace("-", "") + "Qw7qT2vX9pLk4RwZc5NbYeHj")[:22]


def client_text(language: str) -> str:
    text = EXAMPLE_CLIENT.read_text(encoding="utf-8").replace("UDA4ZLKm-ofx5xC6qIoCDw", token_for(language))
    if language == RIGHT_TO_LEFT:
        text = text.replace("  - name: Relationships\n", f"  - name: {HEBREW_AREA}\n")
    return text + f"language: {language}\n"


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """The example client in every shipped language and in Hebrew, built by the real pipeline,
    served at the path mkdocs.yml's site_url gives: {language: (base url, page names)}."""
    root = tmp_path_factory.mktemp("languages")
    sites = {}
    for language in [*SHIPPED, RIGHT_TO_LEFT]:
        client = root / f"{language}.yaml"
        client.write_text(client_text(language), encoding="utf-8")
        sites[language] = build(client, REPO, root / "workbooks").site
    base, stop = serve(root)
    yield {lang: (f"{base}/workbooks/{site.name}", sorted(p.name for p in site.glob("*.html")))
           for lang, site in sites.items()}
    stop()


def expected(language: str) -> dict:
    return expectations(language)["browser"]


def text_of(page) -> str:
    return " ".join(page.locator("body").inner_text().split())


# --- 1. Each shipped language, read in the browser ------------------------------------------

@pytest.mark.parametrize("language", SHIPPED)
def test_every_page_reads_in_the_coachees_language(browser, workbooks, language):
    words = expected(language)
    base, pages = workbooks[language]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        open_page(page, f"{base}/index.html")
        assert page.evaluate("[document.body.dir, getComputedStyle(document.body).direction]") == ["ltr", "ltr"]
        assert page.title() == words["title"]
        navigation = " ".join(page.locator("nav.md-nav--primary").inner_text().split())
        assert all(item in navigation for item in words["navigation"]), navigation
        assert page.locator("input.md-search__input").get_attribute("placeholder") == words["search"]
        assert set(words["pages"]) <= set(pages)
        suffix = words["title"].split(" - ", 1)[1]
        for name in pages:
            open_page(page, f"{base}/{name}")
            # Every page says its language and has a title of its own (a screen reader reads both).
            assert page.evaluate("document.documentElement.lang") == language, name
            title = page.title()
            assert title.endswith(suffix) and (name == "index.html" or title != words["title"]), (name, title)
            shown = text_of(page)
            missing = [s for s in words["pages"].get(name, []) if s not in shown]
            assert not missing, f"{language}, {name}: not shown: {missing}"
            if name == "print.html":
                assert page.get_by_role("button", name=words["print_button"]).is_visible()
            if name == "404.html":
                assert page.get_by_role("link", name=words["not_found_link"]).is_visible()
    finally:
        page.close()


@pytest.mark.parametrize("language", SHIPPED)
def test_the_boxes_the_scripts_make_speak_the_language(browser, workbooks, language):
    """Labels, status, buttons and confirmations come from the page's data- attributes."""
    words = expected(language)
    base, _ = workbooks[language]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        open_page(page, f"{base}/area-relationships.html")
        first = page.locator(".prompt").first
        assert first.locator(".reflection__label").inner_text().startswith(words["box_label"])
        box = page.get_by_role("textbox", name=f"{words['box_label']} {words['box_about']}")
        box.click()
        page.keyboard.type(words["typed"])
        assert first.locator(".reflection__status").inner_text() == words["saved"]
        assert words["note"] in first.inner_text()

        open_page(page, f"{base}/reflections.html")
        listing = page.locator("#coach-site-reflections")
        assert words["typed"] in listing.inner_text()
        for button in ("send", "copy", "download", "clear_all"):
            assert page.get_by_role("button", name=words[button]).count() == 1, words[button]
        asked: list[str] = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.get_by_role("button", name=words["clear_all"]).click()
        assert asked and words["confirm_clear"] in asked[0]
        assert words["empty"] in listing.inner_text()
    finally:
        context.close()


# --- 2. axe-core on every page, left to right and right to left --------------------------------

def test_the_language_axe_judges_is_a_shipped_translation():
    assert LEFT_TO_RIGHT in SHIPPED


@pytest.mark.screenshots
@pytest.mark.parametrize("language", [LEFT_TO_RIGHT, RIGHT_TO_LEFT])
def test_every_page_left_to_right_and_right_to_left_has_no_wcag_2_2_aa_violations(browser, workbooks, language,
                                                                                   screenshot):
    """Both palettes, both widths (tests/test_accessibility.py's axe_failures)."""
    base, pages = workbooks[language]
    assert "404.html" in pages and len(pages) >= 10
    failures = axe_failures(browser, base, pages, shoot=screenshot, prefix=language)
    assert not failures, "\n" + "\n".join(f"{language}, {where}:\n{text}" for where, text in failures.items())


# --- 3. Right to left -------------------------------------------------------------------------

def edges(page, selector: str, index: int = 0) -> dict:
    """The box of an element and of its text (a Range over its contents), in CSS pixels."""
    return page.evaluate(
        """([selector, index]) => {
            const element = document.querySelectorAll(selector)[index];
            const range = document.createRange();
            range.selectNodeContents(element);
            const box = element.getBoundingClientRect(), text = range.getBoundingClientRect();
            const style = getComputedStyle(element);
            return {left: box.left, right: box.right, textLeft: text.left, textRight: text.right,
                    borderLeft: parseFloat(style.borderLeftWidth), borderRight: parseFloat(style.borderRightWidth)};
        }""",
        [selector, index],
    )


@pytest.mark.screenshots
@pytest.mark.parametrize("width", [390, 1280])
def test_a_hebrew_workbook_lays_out_right_to_left(browser, workbooks, width, screenshot):
    base, _ = workbooks[RIGHT_TO_LEFT]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        open_page(page, f"{base}/index.html")
        screenshot(page, f"rtl-{width}-index.html")
        assert page.evaluate("[document.documentElement.lang, document.body.dir]") == ["he", "rtl"]
        assert page.locator("input.md-search__input").get_attribute("placeholder") == "חיפוש"  # Material's Hebrew
        assert "Hi Maya" in text_of(page)  # coach-site's words: English, with no Hebrew catalogue
        heading, article = edges(page, "article h1"), edges(page, "article")
        assert heading["textRight"] == pytest.approx(heading["right"], abs=2)  # the text starts on the right
        assert heading["textLeft"] > article["left"] + 100
        if width >= 1280:  # the navigation stands on the right of the page's text
            assert edges(page, ".md-sidebar--primary")["left"] > article["right"]
        else:  # the drawer slides in from the right
            page.locator("label.md-header__button[for='__drawer']").click()
            settled(page, ".md-sidebar--primary")
            drawer = edges(page, ".md-sidebar--primary")
            assert drawer["right"] == pytest.approx(width, abs=2) and drawer["left"] > 0

        open_page(page, f"{base}/schedule.html")
        screenshot(page, f"rtl-{width}-schedule.html")
        line = edges(page, ".timeline ul")
        assert line["borderRight"] == 2 and line["borderLeft"] == 0
        times = page.locator(".timeline__time").count()
        assert times >= 5
        for index in range(times):  # each time on the right of its activity, beside the line
            row = page.evaluate(
                """index => {
                    const time = document.querySelectorAll('.timeline__time')[index];
                    const range = document.createRange();
                    range.setStartAfter(time);
                    range.setEndAfter(time.parentNode.lastChild);
                    const t = time.getBoundingClientRect(), what = range.getBoundingClientRect();
                    return {time: [t.left, t.right], what: [what.left, what.right]};
                }""",
                index,
            )
            assert row["time"][0] >= row["what"][1], row
            assert line["right"] - row["time"][1] < 40, row

        open_page(page, f"{base}/index.html")
        open_page(page, f"{base}/" + page.locator("nav.md-nav--primary a", has_text=HEBREW_AREA).first.get_attribute("href"))
        box = page.locator(".prompt textarea.reflection__box").first
        box.fill("ספר לי על השבוע שלך")
        screenshot(page, f"rtl-{width}-area.html")
        prompt, label = edges(page, ".prompt"), edges(page, ".prompt .reflection__label")
        assert prompt["borderRight"] == 4 and prompt["borderLeft"] == 0
        textarea, status = edges(page, ".prompt textarea.reflection__box"), edges(page, ".prompt .reflection__status")
        # Box, label and status line up on the right, just inside the prompt's border.
        assert textarea["right"] == pytest.approx(label["right"], abs=1)
        assert label["textRight"] == pytest.approx(label["right"], abs=2)
        assert status["textRight"] == pytest.approx(textarea["right"], abs=2)
        assert prompt["right"] - 4 - 30 < textarea["right"] < prompt["right"] - 4
        assert textarea["left"] - prompt["left"] < 2  # and reach the prompt's left side
        assert page.evaluate("getComputedStyle(document.querySelector('textarea.reflection__box')).direction") == "rtl"
    finally:
        context.close()


def settled(page, selector: str) -> None:
    """Wait until an element's transitions and animations have run (a drawer sliding in)."""
    page.wait_for_function(
        "selector => document.querySelector(selector).getAnimations({subtree: true})"
        ".every(a => a.playState === 'finished')",
        arg=selector,
    )


def label_boxes(page, selector: str) -> list[dict]:
    """The SVG user-space boxes of a picture's texts, with its viewBox."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)].map(text => {
            const box = text.getBBox(), view = text.ownerSVGElement.viewBox.baseVal;
            return {text: text.textContent, x0: box.x, y0: box.y, x1: box.x + box.width, y1: box.y + box.height,
                    view: [view.x, view.y, view.x + view.width, view.y + view.height]};
        })""",
        selector,
    )


def clear_of_circle(box: dict, radius: float) -> bool:
    """Whether a box stays outside the circle of `radius` around the origin (the wheel's centre)."""
    nearest_x = min(max(0.0, box["x0"]), box["x1"])
    nearest_y = min(max(0.0, box["y0"]), box["y1"])
    return nearest_x ** 2 + nearest_y ** 2 > radius ** 2


def inside_view(box: dict) -> bool:
    left, top, right, bottom = box["view"]
    return left <= box["x0"] and box["x1"] <= right and top <= box["y0"] and box["y1"] <= bottom


@pytest.mark.screenshots
@pytest.mark.parametrize("width", [390, 1280])
def test_on_a_right_to_left_page_the_pictures_labels_stay_outside_and_whole(browser, workbooks, width, screenshot):
    """The wheel's labels grow away from it (a Hebrew name as well as an English one), and
    the trend's dates stay inside the chart: the page's direction does not flip their anchors."""
    base, _ = workbooks[RIGHT_TO_LEFT]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        open_page(page, f"{base}/index.html")
        labels = label_boxes(page, "svg.wheel text.wheel__label")
        assert len(labels) == 3 and any(HEBREW_AREA in label["text"] for label in labels)
        for label in labels:
            assert clear_of_circle(label, 100), f"the label {label['text']!r} lies on the wheel: {label}"
            assert inside_view(label), f"the label {label['text']!r} is cut off: {label}"
        screenshot(page.locator("svg.wheel"), f"rtl-{width}-wheel")
        open_page(page, f"{base}/area-career.html")
        texts = label_boxes(page, "svg.trend text")
        assert len(texts) >= 4
        for text in texts:
            assert inside_view(text), f"the trend's {text['text']!r} is cut off: {text}"
    finally:
        context.close()
