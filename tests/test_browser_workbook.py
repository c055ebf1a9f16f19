"""The example workbook in real headless Chromium: what a coachee sees, on a desktop and a phone,
and the sign the page gives once its scripts have started (what every browser test waits for)."""

from __future__ import annotations

import pytest
from conftest import READY, hold, open_page, release, wait_until_ready

# Per page: text the coachee must see, section by section.
VISIBLE = {
    "index.html": [
        "Hi Maya", "29 September 2026", "Our next session: 20 October 2026",  # due, or kindly past due
        "Your focus areas", "Leading the design team", "Your satisfaction wheel", "Your compass",
        "Curiosity: Learning in public, not in secret.",
    ],
    "values.html": ["Your values", "Curiosity", "Learning in public, not in secret.", "Courage", "To reflect on"],
    "area-career.html": [
        "Career", "Focus area 1 of 3", "One year from now", "Why it matters", "What has to happen",
        "How you'll know", "Barriers and unknowns", "Satisfaction now", "6 out of 10, on 13 October 2026",
        "What a 10 looks like", "A 10 in three months", "Next steps", "Book the conversation with my manager",
    ],
    "area-health.html": ["Health", "Running a 10k in under an hour", "4 out of 10", "Sign up for the spring 10k"],
    "area-relationships.html": ["Relationships", "To reflect on", "What would have to happen to get there?"],
    "homework.html": [
        "Your homework", "Due 29 September 2026", "1. Review your focus areas", "Anything we missed?",
        "2. One or two next steps for each area", "3. Your ideal day, week and month", "From our session",
        "Optional: your TED talk",
    ],
    "schedule.html": ["An ideal day", "06:30", "school run", "An ideal week", "Friday evening: date night.", "An ideal month"],
    "ted-talk.html": ["The quiet lead", "The message", "loudest person in the room", "The story", "translating for my parents"],
}


@pytest.fixture
def site_url(example_url):
    return example_url


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("page_name", list(VISIBLE))
def test_every_page_shows_its_sections(browser, site_url, page_name, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        open_page(page, f"{site_url}/{page_name}")
        article = page.locator("article")
        text = " ".join(article.inner_text().split())
        for expected in VISIBLE[page_name]:
            assert expected in text, f"{page_name} at {width}px does not show {expected!r}"
        assert "None" not in text and "null" not in text
        # Long answers wrap: the page never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        page.close()


def test_the_wheel_has_one_visible_wedge_per_area(browser, site_url):
    page = browser.new_page()
    try:
        open_page(page, f"{site_url}/index.html")
        wedges = page.locator("svg.wheel path.wheel__wedge")
        assert wedges.count() == 3
        assert [wedges.nth(i).get_attribute("data-area") for i in range(3)] == ["Career", "Health", "Relationships"]
        for i in range(3):
            box = wedges.nth(i).bounding_box()
            assert box and box["width"] > 10 and box["height"] > 10
        # A screen reader gets the picture's title and every rating.
        label = page.evaluate(
            "[...document.querySelector('svg.wheel').getAttribute('aria-labelledby').split(' ')]"
            ".map(id => document.getElementById(id).textContent).join(' ')"
        )
        assert "Career: 6 out of 10; Health: 4 out of 10; Relationships: 7 out of 10" in label
    finally:
        page.close()


def test_navigation_lists_the_areas_in_order(browser, site_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        open_page(page, f"{site_url}/index.html")
        nav = " ".join(page.locator("nav.md-nav--primary").inner_text().split())
        positions = [nav.find(t) for t in ("Home", "Values", "Career", "Health", "Relationships", "Homework", "Schedule", "TED talk")]
        assert -1 not in positions and positions == sorted(positions)
    finally:
        page.close()


def test_the_page_says_it_is_ready_only_once_every_script_has_finished_starting(browser, site_url):
    """Ready (data-workbook-ready on <html>) waits for the scripts' asynchronous start-up: the
    notes of an earlier link moved (hashing its token), then how safely this browser keeps
    them (the browser's answer)."""
    context = browser.new_context()
    page = context.new_page()
    try:
        open_page(page, f"{site_url}/index.html")
        page.evaluate("localStorage.setItem('coach-site:OldLinkOldLinkOldLink01:anything_we_missed', "
                      "JSON.stringify({text: 'From an older link', question: '', order: 0}))")
        hold(page, "crypto.subtle.digest", "navigator.storage.persisted")
        open_page(page, f"{site_url}/reflections.html", ready=False)  # looked at before it is ready
        actions, safety = page.locator(".reflections__actions"), page.locator(".reflections__safety")
        assert page.locator(READY).count() == 0 and actions.count() == 0  # the old link's token not hashed yet
        release(page, "crypto.subtle.digest")
        actions.wait_for(state="attached")
        assert page.locator(READY).count() == 0 and safety.text_content() == ""  # the browser has not answered
        release(page, "navigator.storage.persisted")
        wait_until_ready(page)
        assert safety.text_content().startswith("This browser")
    finally:
        context.close()
