"""Property-based: any client file, valid or broken, either builds or gets a file:line error.

Runs 300 examples by default (CI); set COACH_SITE_EXAMPLES for more.
"""

from __future__ import annotations

import json
import os

import pytest
import yaml
from conftest import MINIMAL_CLIENT, copy_project
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from test_publish import snapshot

from coach_site.errors import ClientFileError
from coach_site.project_loader import load_project
from coach_site.workbook.pipeline import build_client

TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"
EXAMPLES = int(os.environ.get("COACH_SITE_EXAMPLES", "300"))

ODD_TEXT = [
    "17:00", "no", "off", "yes", "~", "null", "2026-02-30", "2026-09-15", "<script>alert(1)</script>",
    "[x](javascript:alert(1))", "🌱 ×—·", "\u202eevil", "مرحبا", "\u0000", "a\tb", "- not a list",
    "{{ jinja }}", "{% raw %}", "*", "#", "&amp;", "--- ", "...", "|", "\\", "'", '"', "x" * 500,
    "\ud83d", "\ud83c\udf89", "-Renew passport", "• Renew passport", "Freedom #1", "![c](//host/p.png)",
    "[" * 4000, "<" * 80000, "‹" * 80000, "![" * 301, "a\n" * 1001,  # once minutes of Markdown
    # Lists in lists: once a RecursionError that failed the build, or seconds of work.
    # (Small enough that a file of many of them stays under the 1 MiB a client file may be.)
    "- " * 1000 + "x", "+ " * 1000 + "x", "1. " * 1000, "9. " * 600, "> " * 1000 + "x",
    "\n".join("    " * i + "- x" for i in range(150)), "\n".join(" " * i + "x" for i in range(300)),
]
junk = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats() | st.text(max_size=12)
    | st.sampled_from(ODD_TEXT),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
text = st.one_of(st.text(max_size=60), st.sampled_from(ODD_TEXT), st.none())
rating = st.one_of(st.integers(1, 10), st.dictionaries(st.dates(), st.integers(1, 10), min_size=1, max_size=4))

# Not a timing of the build (`make bench` times builds) but a guard against text that makes
# Markdown's patterns backtrack without end: such text takes minutes, a normal one
# milliseconds, so a ceiling far above either holds on a busy machine too.
PATHOLOGICAL_SECONDS = 10


@st.composite
def sometimes_junk(draw, valid):
    """Mostly a valid value, sometimes anything at all."""
    return draw(junk) if draw(st.integers(0, 14)) == 0 else draw(valid)


@st.composite
def client_files(draw) -> str:
    area_fields = ["outcome", "why_it_matters", "what_has_to_happen", "how_youll_know", "barriers",
                   "ten_looks_like", "ten_in_3_months"]
    areas = []
    for index in range(draw(st.integers(1, 3))):
        names = st.sampled_from(["Career", "Health", "家庭", "Money & time"]).map(lambda n, i=index: f"{n} {i}")
        area = {"name": draw(sometimes_junk(names))}
        for field in draw(st.lists(st.sampled_from(area_fields), unique=True, max_size=4)):
            area[field] = draw(sometimes_junk(text))
        if draw(st.booleans()):
            area["satisfaction"] = draw(sometimes_junk(rating))
        if draw(st.booleans()):
            area["next_steps"] = draw(sometimes_junk(st.lists(text, max_size=2)))
        areas.append(area)
    document = {
        "client": {"name": draw(sometimes_junk(st.sampled_from(["Ada Example", "Zoë Ødegård", "王秀英"])))},
        "link": {"token": draw(sometimes_junk(st.sampled_from([TOKEN] * 8 + ["a" * 65, "a" * 300])))},
        "focus_areas": draw(sometimes_junk(st.just(areas))),
    }
    for section, valid in (
        ("values", st.lists(st.fixed_dictionaries({"name": st.just("Courage")}, optional={"meaning": text}), max_size=2)),
        ("homework", st.fixed_dictionaries({}, optional={"due": st.dates(), "action_items": st.lists(text, max_size=2)})),
        ("schedule", st.fixed_dictionaries({}, optional={"day": text, "week": text, "month": text})),
        ("ted_talk", st.fixed_dictionaries({}, optional={"title": text, "message": text, "story": text})),
        ("sessions", st.dictionaries(st.sampled_from(["values", "strategy", "next", "nxt", "check-in"]), st.dates(), max_size=3)),
    ):
        if draw(st.booleans()):
            document[section] = draw(sometimes_junk(valid))
    if draw(st.integers(0, 9)) == 0:
        document[draw(st.sampled_from(["notes", "focus_area", "Client"]))] = draw(junk)
    for missing in draw(st.lists(st.sampled_from(["client", "link", "focus_areas"]), max_size=1)):
        if draw(st.integers(0, 4)) == 0:
            document.pop(missing)
    written = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    if draw(st.integers(0, 7)) == 0:  # YAML syntax damage
        at = draw(st.integers(0, len(written)))
        written = written[:at] + draw(st.sampled_from([":", "[", "{", "&a ", "*a", "!!python/object ", "\t", '"', "- ", "|\n"])) + written[at:]
    return written


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A project with one client's site already published, to prove failures leave it alone."""
    root = copy_project(tmp_path_factory.mktemp("prop") / "project")
    base = root / "clients" / "base.yaml"
    base.write_text(MINIMAL_CLIENT)
    project = load_project(root)
    site_dir = root / "site"
    build_client(base, project, site_dir)
    return project, site_dir, snapshot(site_dir)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    database=None,
)
@given(written=client_files())
def test_any_client_file_builds_or_gets_a_file_line_error(published, tmp_path_factory, written):
    project, site_dir, before = published
    client = project.clients_dir / "generated.yaml"
    client.write_text(written, encoding="utf-8")
    try:
        build_client(client, project, site_dir)
    except ClientFileError as exc:
        event("refused with file:line errors")
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == client and isinstance(problem.line, int) and problem.line >= 1
            assert str(problem).startswith(f"{client}:{problem.line}: ")
            assert "Traceback" not in str(problem) and "\n" not in problem.message
        assert snapshot(site_dir) == before, "a failed build touched the published site"
        assert not [p for p in site_dir.iterdir() if p.is_dir() and p.name.startswith(".")]
    else:
        event("built")
        site = site_dir / TOKEN
        assert (site / "index.html").exists() and (site / "homework.html").exists()
        # Put the published site back as the next example expects it.
        build_client(project.clients_dir / "base.yaml", project, site_dir)
        assert snapshot(site_dir) == before


# Markdown's slow spots: each `[` tried as a link, each `<` `&` an entity, each line a break.
_CHUNKS = ["[", "![", "[a](", "[ ", "<", "&", "\\", "*a", "_a", "`a", "a\n", "x ", "]", "(", "‹",
           "- ", "1. ", "> ", "    ", "\n- - ", "\n    - x"]  # and lists in lists
markdown_marks = st.lists(
    st.tuples(st.sampled_from(_CHUNKS), st.integers(1, 3000)), min_size=1, max_size=4
).map(lambda runs: "".join(chunk * count for chunk, count in runs)[:12000])


# No shrinking: each failing example takes seconds, and the first one already shows the problem.
@settings(max_examples=max(EXAMPLES // 3, 50), deadline=None, database=None, phases=[Phase.generate])
@given(answer=markdown_marks)
def test_no_answer_check_accepts_takes_markdown_long(tmp_path_factory, answer):
    """Either `check` refuses the text with a limit, or its page's Markdown is quick."""
    import time

    import markdown

    from coach_site.clientfile.loader import load_client_file
    from coach_site.clientfile.validate import validate_client
    from coach_site.workbook.escape import escape_user_text

    client = tmp_path_factory.mktemp("marks") / "x.yaml"
    client.write_text(MINIMAL_CLIENT + f"    outcome: {json.dumps(answer)}\n", encoding="utf-8")
    try:
        outcome = validate_client(load_client_file(client)).focus_areas[0].outcome
    except ClientFileError as exc:
        event("refused")
        assert any("at most" in p.message for p in exc.problems), exc
        return
    event("accepted")
    md = markdown.Markdown(extensions=["coach_site.workbook.escape", "admonition", "md_in_html", "nl2br", "toc"])
    started = time.perf_counter()
    md.convert(str(escape_user_text(outcome)))
    assert time.perf_counter() - started < PATHOLOGICAL_SECONDS


@pytest.mark.parametrize(
    "answer",
    [
        "[" * 300, "![" * 300, "[a](" * 300, "[ " * 300, "<" * 300, "&" * 300, "a\n" * 999, "‹" * 80000,
        "\n".join(["- " * 10 + "x"] * 55 + ["- x"] * 944), "\n".join(["- - x"] * 500 + ["- x"] * 499),
        "\n".join(["1. " * 10] * 55 + ["1. x"] * 944), "\n".join("    " * (i % 10) + "- x" for i in range(56)),
        "\n".join(["x"] + [" " * 43 + "x"] * 55 + ["x"] * 943),
    ],
)
def test_the_worst_text_check_accepts_is_quick_to_build(tmp_path, answer):
    import time

    import markdown

    from coach_site.clientfile.loader import load_client_file
    from coach_site.clientfile.validate import validate_client
    from coach_site.workbook.escape import escape_user_text

    client = tmp_path / "x.yaml"
    client.write_text(MINIMAL_CLIENT + f"    outcome: {json.dumps(answer)}\n", encoding="utf-8")
    outcome = validate_client(load_client_file(client)).focus_areas[0].outcome  # at the limit: accepted
    md = markdown.Markdown(extensions=["coach_site.workbook.escape", "admonition", "md_in_html", "nl2br", "toc"])
    started = time.perf_counter()
    md.convert(str(escape_user_text(outcome)))
    assert time.perf_counter() - started < PATHOLOGICAL_SECONDS
