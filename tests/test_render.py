"""Stage 3: templates -> Markdown pages, with prompts where answers are missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLIENT, MINIMAL_CLIENT, REPO, copy_project

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.errors import BuildError
from coach_site.project import PACKAGE_CONTENT, Coach
from coach_site.workbook.render import ClientPages, area_slug, load_words, render_pages, timeline

COACH = Coach("Sam Rivera", "sam@example.org")


def render(client_file: Path, out: Path, content_dir: Path = REPO / "content"):
    """Render with a practice's `content_dir` over coach-site's own templates."""
    workbook = validate_client(load_client_file(client_file))
    site = render_pages(ClientPages(workbook, (content_dir, PACKAGE_CONTENT), COACH, "https://x/"), out)
    return site, {p: (out / p).read_text(encoding="utf-8") for p in page_files(site)}


def page_files(site) -> list[str]:
    """The pages of the site's nav, in order, a section's pages in its place."""
    pages = []
    for entry in site.nav:
        pages += [entry] if isinstance(entry, str) else [page for section in entry.values() for page in section]
    return pages


def test_pages_come_in_the_workbook_order_with_one_page_per_area(tmp_path):
    site, _ = render(EXAMPLE_CLIENT, tmp_path)
    assert page_files(site) == [
        "index.md", "values.md", "area-career.md", "area-health.md", "area-relationships.md",
        "homework.md", "schedule.md", "ted-talk.md", "reflections.md", "print.md",
    ]
    assert site.nav[2] == {"Focus areas": ["area-career.md", "area-health.md", "area-relationships.md"]}


def test_every_answer_of_the_example_reaches_its_page(tmp_path):
    _, pages = render(EXAMPLE_CLIENT, tmp_path)
    career = pages["area-career.md"]
    for answer in (
        "Leading the design team", "I want my work to *mean* something", "- Talk to my manager",
        "more one-to-ones", "Fear of being seen", "I lead with clarity", "The lead role is agreed",
        "Book the conversation with my manager",
    ):
        assert answer in career
    assert "To reflect on" not in career  # every question of Career is answered
    assert "29 September 2026" in pages["index.md"] and "20 October 2026" in pages["index.md"]
    assert "You don&#39;t have to be the loudest person" in pages["ted-talk.md"]


def test_a_client_with_every_answer_missing_gets_prompts_never_blanks(tmp_path):
    client = tmp_path / "min.yaml"
    client.write_text(MINIMAL_CLIENT)
    _, pages = render(client, tmp_path / "out")
    area = pages["area-career.md"]
    for question in (
        "What does success look like one year from now?", "What is important to you about that?",
        "What would have to happen to get there?", "How will you know when you have achieved it?",
        "What are the current barriers or unknowns", "on a scale of one to ten?", "What would a 10 look like?",
        "in terms of progress in the next 3 months?", "one to two key next steps",
    ):
        assert question in area
    assert "What message would you send?" in pages["ted-talk.md"]
    assert "about where you came from, and how that informed your life now?" in pages["ted-talk.md"]
    assert "When do you wake up" in pages["schedule.md"]
    assert "Name three to five values" in pages["values.md"]
    for name, text in pages.items():
        assert not re.search(r"\bNone\b|\bnull\b", text), name
        # No heading stands alone: every one is followed by text before the next heading.
        assert not re.search(r"^#+ .*\n\s*\n#+ ", text, re.MULTILINE), name


@pytest.mark.parametrize(
    "text, expected",
    [
        ("06:30 run · 08:00 school run", [("06:30", "run"), ("08:00", "school run")]),
        ("7am wake\n9.30 - deep work", [("7am", "wake"), ("9.30", "deep work")]),
        ("Monday: runs\nFriday: date night", None),
        ("06:30 run", None),
        (None, None),
    ],
)
def test_a_schedule_written_as_times_reads_as_a_timeline(text, expected):
    assert timeline(text) == expected


def test_area_pages_get_readable_unique_file_names(tmp_path):
    assert area_slug("Health & Energy") == "health-energy"
    assert area_slug("Gesundheit ünd Glück") == "gesundheit-und-gluck"
    assert area_slug("家庭") == ""
    client = tmp_path / "c.yaml"
    client.write_text(MINIMAL_CLIENT.replace("  - name: Career\n", "  - name: 家庭\n  - name: Career!\n  - name: Career?\n"))
    site, _ = render(client, tmp_path / "out")
    assert site.nav[2]["Focus areas"] == ["area-1.md", "area-career.md", "area-career-3.md"]


def test_a_template_error_names_the_template_and_line(tmp_path):
    content = copy_project(tmp_path / "project") / "content"
    (content / "values.md.j2").write_text("# Values\n\n{{ no_such_thing }}\n")
    client = tmp_path / "c.yaml"
    client.write_text(MINIMAL_CLIENT)
    with pytest.raises(BuildError, match=r"content/values.md.j2:3: template error: 'no_such_thing' is undefined"):
        render(client, tmp_path / "out", content)
    (content / "values.md.j2").write_text("# Values\n\n{% if %}\n")
    with pytest.raises(BuildError, match=r"content/values.md.j2:3: template error"):
        render(client, tmp_path / "out", content)


def test_a_page_template_added_by_the_coach_becomes_a_page_after_the_others(tmp_path):
    content = copy_project(tmp_path / "project") / "content"
    (content / "resources.md.j2").write_text("# Resources for {{ name }}\n")
    site, pages = render(EXAMPLE_CLIENT, tmp_path / "out", content)
    assert page_files(site)[-2:] == ["resources.md", "print.md"]
    assert pages["resources.md"] == "# Resources for Maya\n"


def test_the_print_page_is_a_mark_for_the_engine_not_a_second_copy_of_every_page(tmp_path):
    site, pages = render(EXAMPLE_CLIENT, tmp_path)
    printed = pages["print.md"]
    assert "print_all: true" in printed and "search:\n  exclude: true" in printed
    assert "Leading the design team" not in printed  # the engine adds the pages' HTML, once rendered


@pytest.mark.parametrize(
    "names",
    [
        ["Career 3", "Career!", "Career"],
        ["Career", "Career!", "Career 2", "Career 3"],
        ["Career 2", "Career", "Career!"],
    ],
)
def test_areas_whose_names_slug_alike_each_get_their_own_built_page(tmp_path, names):
    from conftest import build

    areas = "".join(f'  - name: "{name}"\n    outcome: "Outcome of {name}"\n' for name in names)
    client = tmp_path / "x.yaml"
    client.write_text(MINIMAL_CLIENT.split("focus_areas:")[0] + "focus_areas:\n" + areas, encoding="utf-8")
    site = build(client, REPO, tmp_path / "site").site
    pages = sorted(site.glob("area-*.html"))
    assert len(pages) == len(names)
    for name in names:
        [page] = [p for p in pages if f"Outcome of {name}<" in p.read_text(encoding="utf-8")]
        others = [n for n in names if n != name]
        assert not any(f"Outcome of {other}<" in page.read_text(encoding="utf-8") for other in others)


def test_an_edit_to_the_words_shows_at_the_next_build_in_the_same_process(tmp_path):
    # The words are read once and shared while the file is unchanged; an edit is never missed.
    content = copy_project(tmp_path / "project") / "content"
    first, _ = render(EXAMPLE_CLIENT, tmp_path / "one", content)
    words = content / "_words.yaml"  # the practice's own words: only those it changes
    words.write_text("nav:\n  focus_areas: Your areas\n", encoding="utf-8")
    second, _ = render(EXAMPLE_CLIENT, tmp_path / "two", content)
    words.write_text("nav:\n  focus_areas: Areas of your life\n", encoding="utf-8")
    third, _ = render(EXAMPLE_CLIENT, tmp_path / "three", content)
    assert any("Focus areas" in item for item in first.nav if isinstance(item, dict))
    assert any("Your areas" in item for item in second.nav if isinstance(item, dict))
    assert any("Areas of your life" in item for item in third.nav if isinstance(item, dict))


def test_a_practices_own_words_change_those_words_only(tmp_path):
    content = copy_project(tmp_path / "project") / "content"
    (content / "_words.yaml").write_text("print:\n  title: Your whole workbook\n", encoding="utf-8")
    site, pages = render(EXAMPLE_CLIENT, tmp_path / "out", content)
    assert 'title: "Your whole workbook"' in pages["print.md"]
    assert "Print the workbook" not in pages["print.md"]
    # Every other word is coach-site's: the print page's button, the navigation.
    assert load_words([PACKAGE_CONTENT])["print"]["button"] in pages["print.md"]
    assert any("Focus areas" in item for item in site.nav if isinstance(item, dict))


def test_a_practices_template_wins_over_coach_sites_file_by_file(tmp_path):
    content = copy_project(tmp_path / "project") / "content"
    assert sorted(p.name for p in content.iterdir()) == ["README.md"]  # the example practice changes nothing
    (content / "values.md.j2").write_text("# What matters to {{ name }}\n", encoding="utf-8")
    site, pages = render(EXAMPLE_CLIENT, tmp_path / "out", content)
    assert pages["values.md"] == "# What matters to Maya\n"
    assert "Maya" in pages["index.md"] and "Leading the design team" in pages["area-career.md"]
    assert "README.md" not in page_files(site) and not (tmp_path / "out" / "README.md").exists()
    assert page_files(site)[:2] == ["index.md", "values.md"]
