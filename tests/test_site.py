"""End to end: the example client built by real MkDocs + Material, every page read as HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import EXAMPLE_CLIENT, build, html_pages

PAGES = [
    "index.html", "values.html", "area-career.html", "area-health.html", "area-relationships.html",
    "homework.html", "schedule.html", "ted-talk.html", "reflections.html", "print.html", "404.html",
]


class _Text(HTMLParser):
    """The text of a page's article, the way a reader sees it (tags dropped)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.depth = 0

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def handle_starttag(self, tag, attrs):
        if (tag == "article" or self.depth) and tag not in self.VOID:  # a void tag has no end tag
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def page_text(site: Path, name: str) -> str:
    parser = _Text()
    parser.feed((site / name).read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def test_every_page_of_the_workbook_is_built(example_site):
    assert sorted(p.name for p in html_pages(example_site)) == sorted(PAGES)


def test_home_greets_the_client_and_shows_areas_wheel_values_and_dates(example_site):
    text = page_text(example_site, "index.html")
    for expected in (
        "Hi Maya", "The homework was due on 29 September 2026.",  # built after that day: said so before any script
        "Our next session: 20 October 2026",
        "Career · satisfaction 6/10", "Leading the design team", "Health · satisfaction 4/10",
        "Curiosity : Learning in public, not in secret.", "Craft : Doing fewer things, properly .",
    ):
        assert expected in text
    html = (example_site / "index.html").read_text()
    assert len(re.findall(r'<path class="wheel__wedge', html)) == 3
    assert 'href="area-career.html"' in html


def test_each_area_page_shows_every_answer_in_the_seed_order(example_site):
    text = page_text(example_site, "area-career.html")
    order = [
        "One year from now", "Leading the design team", "Why it matters", "mean something",
        "What has to happen", "Talk to my manager", "How you'll know", "Barriers and unknowns",
        "Satisfaction now", "6 out of 10, on 13 October 2026", "What a 10 looks like",
        "A 10 in three months", "Next steps", "Book the conversation",
    ]
    positions = [text.find(item) for item in order]
    assert -1 not in positions, [o for o, p in zip(order, positions) if p == -1]
    assert positions == sorted(positions)
    html = (example_site / "area-career.html").read_text()
    assert "<em>mean</em>" in html and '<svg class="trend"' in html
    assert html.count('class="checklist__box"') == 2
    # Health has a plain rating: no trend to draw.
    assert '<svg class="trend"' not in (example_site / "area-health.html").read_text()


def test_unanswered_questions_of_the_example_show_as_prompts(example_site):
    text = page_text(example_site, "area-relationships.html")
    assert "To reflect on What would have to happen to get there?" in text
    assert "None" not in text


def test_homework_lists_every_part_of_the_seed(example_site):
    text = page_text(example_site, "homework.html")
    for expected in (
        "Due 29 September 2026", "1. Review your focus areas", "Anything we missed?",
        "2. One or two next steps for each area", "Sign up for the spring 10k",
        "3. Your ideal day, week and month", "Ask two colleagues what they see as my strengths",
        "Optional: your TED talk", "What message would you send?",
    ):
        assert expected in text


def test_schedule_keeps_line_breaks_and_reads_times_as_a_timeline(example_site):
    html = (example_site / "schedule.html").read_text()
    assert '<span class="timeline__time">06:30</span> run' in html
    assert '<span class="timeline__time">22:30</span> screens off' in html
    assert "Monday and Thursday: runs.<br />" in html


def test_ted_talk_page_shows_title_message_and_story(example_site):
    text = page_text(example_site, "ted-talk.html")
    assert "“The quiet lead”" in text and "loudest person in the room" in text
    assert "I grew up translating for my parents" in text


def test_the_footer_names_the_coach_and_links_nowhere_else(example_site):
    html = (example_site / "index.html").read_text()
    assert "Prepared with you by Sam Rivera" in html
    assert 'href="mailto:sam.rivera@example.org"' in html
    assert "squidfunk" not in html


def test_a_client_with_every_answer_missing_builds_prompts_on_every_page(project, write_client, tmp_path):
    from conftest import MINIMAL_CLIENT, build

    site = build(write_client(MINIMAL_CLIENT), project, tmp_path / "site").site
    expected = {
        "index.html": ["Hi Ada", "Your one-year outcome is still to be written", "Name three to five values"],
        "values.html": ["To reflect on", "What matters most to you?"],
        "area-career.html": ["What does success look like one year from now?", "What is important to you about that?",
                             "on a scale of one to ten?", "What would a 10 look like?", "one to two key next steps"],
        "homework.html": ["Anything we missed?", "What are one to two key next steps"],
        "schedule.html": ["When do you wake up", "Which days hold your deep work", "What happens once a month"],
        "ted-talk.html": ["What would your talk be called?", "What message would you send?",
                          "What story would you tell about where you came from"],
    }
    for name, prompts in expected.items():
        text = page_text(site, name)
        for prompt in prompts:
            assert prompt in text, (name, prompt)
        assert not re.search(r"\bNone\b|\bnull\b", text), name
    # The wheel still draws its ring and names the area, with no wedge.
    html = (site / "index.html").read_text()
    assert "wheel__wedge" not in html and "Career: not rated yet" in html


def test_checklist_boxes_name_steps_by_fingerprint_never_by_their_words(example_site):
    html = (example_site / "homework.html").read_text()
    steps = re.findall(r'data-step="([^"]*)"', html)
    assert len(steps) == 6 and all(re.fullmatch(r"[0-9a-f]{16}", s) for s in steps)
    assert len(set(steps)) == 6


def _ids_and_local_urls(html: str) -> tuple[list[str], list[str]]:
    ids = re.findall(r'<[a-zA-Z][^<>]*?\sid="([^"]*)"', html)
    urls = re.findall(r'<[a-zA-Z][^<>]*?\s(?:href|src)="([^"]*)"', html)
    return ids, [re.split(r"[#?]", u)[0] for u in urls if not re.match(r"[a-z]+:|/|#", u)]


def test_the_print_page_holds_every_page_in_order_each_on_a_new_sheet(example_site):
    html = (example_site / "print.html").read_text(encoding="utf-8")
    headings = [re.sub(r"<[^>]*>", "", h).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)]
    assert headings == ["Print the workbook", "Hi Maya", "Your values", "Career", "Health", "Relationships",
                        "Your homework", "Your ideal schedule", "Your TED talk, a year from now"]
    text = page_text(example_site, "print.html")
    assert "Leading the design team" in text and "Learning in public, not in secret." in text
    # Every page but the interactive "My reflections" page, and itself; each one in the contents.
    assert html.count('<div class="print-section"') == len(PAGES) - 3
    assert 'id="coach-site-reflections"' not in html
    assert re.findall(r'href="#print-part-\d+" class="md-nav__link">\s*<span class="md-ellipsis">\s*([^<]*?)\s*<',
                      html)[:3] == ["Home", "Values", "Career"]
    ids, _ = _ids_and_local_urls(html)
    assert len(ids) == len(set(ids))  # two areas' "Why it matters" are two ids
    assert 'id="trend-1-title"' in html and 'aria-labelledby="trend-1-title' in html


def test_the_print_pages_links_and_pictures_work_with_folder_urls_too(project, tmp_path):
    config = project / "mkdocs.yml"
    text = config.read_text().replace("use_directory_urls: false", "use_directory_urls: true")
    config.write_text(text.replace("  - offline", "  # - offline"))  # offline keeps every page in one folder
    site = build(EXAMPLE_CLIENT, project, tmp_path / "site").site
    html = (site / "print" / "index.html").read_text(encoding="utf-8")
    _, urls = _ids_and_local_urls(html)
    assert "../area-career/" in urls  # the home page's link to an area, as seen from print/
    for url in urls:
        target = (site / "print" / url).resolve()
        assert target.exists() or (target / "index.html").exists(), url
