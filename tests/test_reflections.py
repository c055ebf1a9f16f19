"""`coach-site import-reflections` on real files: fill, conflict, refuse; the rest untouched."""

from __future__ import annotations

import difflib
import shutil

import pytest

from coach_site.errors import ClientFileError
from coach_site.loader import load_client_file
from coach_site.reflections import import_reflections
from coach_site.validate import validate_client
from conftest import EXAMPLE_CLIENT
from test_cli import run

TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"
REFLECTIONS = f"""\
# Reflections from a coach-site workbook, written on 2026-11-25.
link:
  token: "{TOKEN}"
focus_areas:
  - name: "Relationships"
    what_has_to_happen: "Book a sitter\\nevery second Friday"
    barriers: "Late work calls"
    next_steps:
      - "Put Sunday calls in the shared calendar"
      - "Call mum on Wednesdays"
  - name: "career"
    outcome: "Something else entirely"
ted_talk:
  message: "A different message"
anything_we_missed: "My creative side: painting."
"""


@pytest.fixture
def files(project):
    client = project / "clients" / EXAMPLE_CLIENT.name
    shutil.copy(EXAMPLE_CLIENT, client)
    reflections = project / "reflections.yaml"
    reflections.write_text(REFLECTIONS)
    return client, reflections


def test_empty_answers_are_filled_and_conflicts_left_alone(files):
    client, reflections = files
    before = client.read_text()
    report = import_reflections(client, reflections)
    assert report.filled == [
        "Relationships: what has to happen", "Relationships: barriers",
        "Relationships: new next step: Call mum on Wednesdays",
    ]
    assert report.conflicts == ["Career: outcome", "ted talk: message"]
    assert report.anything_we_missed == "My creative side: painting."
    workbook = validate_client(load_client_file(client))
    relationships = workbook.focus_areas[2]
    assert relationships.what_has_to_happen == "Book a sitter\nevery second Friday"
    assert relationships.barriers == "Late work calls"
    assert relationships.next_steps == ["Put Sunday calls in the shared calendar", "Call mum on Wednesdays"]
    assert workbook.focus_areas[0].outcome.startswith("Leading the design team")  # the conflict, untouched
    assert workbook.ted_talk.message.startswith("You don't have to be the loudest")
    # Byte for byte: only added lines, every original line still there in order.
    diff = [line for line in difflib.ndiff(before.splitlines(), client.read_text().splitlines()) if line[:1] in "+-"]
    assert not [line for line in diff if line.startswith("-")]
    assert diff == [
        "+       - Call mum on Wednesdays",
        "+     what_has_to_happen: |",
        "+       Book a sitter",
        "+       every second Friday",
        "+     barriers: Late work calls",
    ]


def test_overwrite_takes_the_reflection_for_conflicts(files):
    client, reflections = files
    report = import_reflections(client, reflections, overwrite=True)
    assert report.overwritten == ["Career: outcome", "ted talk: message"] and report.conflicts == []
    workbook = validate_client(load_client_file(client))
    assert workbook.focus_areas[0].outcome == "Something else entirely"
    assert workbook.ted_talk.message == "A different message"


def test_dry_run_prints_the_diff_and_writes_nothing(project, files):
    client, reflections = files
    before = client.read_text()
    result = run(project, "import-reflections", f"clients/{client.name}", "reflections.yaml", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"--- clients/{client.name}" in result.stdout and "+    barriers: Late work calls" in result.stdout
    assert "conflict, left as it was: Career: outcome" in result.stderr
    assert "My creative side: painting." in result.stdout
    assert client.read_text() == before


def test_reflections_from_another_workbook_are_refused(files):
    client, reflections = files
    reflections.write_text(REFLECTIONS.replace(TOKEN, "SomeoneElsesToken_123456"))
    before = client.read_text()
    with pytest.raises(ClientFileError) as exc_info:
        import_reflections(client, reflections)
    assert str(exc_info.value) == (
        f"{reflections}:3: link.token: these reflections come from another workbook, "
        f"not from {client.name}'s; nothing was imported"
    )
    assert client.read_text() == before


@pytest.mark.parametrize(
    "broken, message",
    [
        (REFLECTIONS.replace("    barriers:", "    barrier:"), "reflections.yaml:7: focus_areas[0].barrier: unknown field (did you mean `barriers`?)"),
        (REFLECTIONS.replace("  message:", "  mesage:"), "reflections.yaml:14: ted_talk.mesage: unknown field (did you mean `message`?)"),
        ("focus_areas: []\n", "reflections.yaml:1: link: is required but missing"),
        ("link: [\n", "reflections.yaml:2: YAML syntax"),
    ],
)
def test_malformed_reflections_are_refused_with_file_line_errors(project, files, broken, message):
    client, reflections = files
    reflections.write_text(broken)
    before = client.read_text()
    result = run(project, "import-reflections", f"clients/{client.name}", "reflections.yaml")
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert client.read_text() == before


def test_a_fresh_client_file_keeps_its_comments_when_filled(project):
    assert run(project, "new", "Bo Example").returncode == 0
    client = project / "clients" / "bo-example.yaml"
    token = validate_client(load_client_file(client)).link.token
    reflections = project / "r.yaml"
    reflections.write_text(
        f"link: {{token: {token}}}\nfocus_areas:\n  - name: First focus area\n    barriers: Time\n"
        "    next_steps: [Start]\nschedule:\n  week: Runs\n"
    )
    before = client.read_text()
    import_reflections(client, reflections)
    after = client.read_text()
    diff = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert len([d for d in diff if d.startswith("-")]) == 3  # barriers, the bare `-`, week
    old_line = next(line for line in before.splitlines() if line.startswith("    barriers:"))
    new_line = next(line for line in after.splitlines() if line.startswith("    barriers:"))
    assert new_line.startswith("    barriers: Time ") and new_line.index("#") == old_line.index("#")
    assert "      - Start\n" in after and "  week: Runs\n" in after
