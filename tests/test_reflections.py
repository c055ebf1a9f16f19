"""`coach-site import-reflections` on real files: fill, conflict, refuse; the rest untouched."""

from __future__ import annotations

import difflib
import json
import shutil

import pytest
from conftest import EXAMPLE_CLIENT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import run

from coach_site.clientfile import edit
from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.commands.import_reflections import import_reflections
from coach_site.errors import ClientFileError, CoachSiteError

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
        "Relationships: new next step: Call mum on Wednesdays", "anything we missed",
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
    record = [line.split(":")[0] for line in diff if line.startswith("+   ") and "/" in line.split(":")[0]]
    assert diff[:6] == [  # each answer where its question stands (what has to happen, then how you'll know)
        "+     what_has_to_happen: |-",
        "+       Book a sitter",
        "+       every second Friday",
        "+     barriers: Late work calls",
        "+       - Call mum on Wednesdays",
        '+ anything_we_missed: "My creative side: painting."',
    ]
    lines = client.read_text().splitlines()
    assert lines.index("    what_has_to_happen: |-") == lines.index("    why_it_matters: They are the people I'll still "
                                                                    "know in forty years.") + 1
    assert lines.index("    barriers: Late work calls") == lines.index("    how_youll_know: We stop cancelling.") + 1
    # Then whose words they are (clientfile/authorship.py): each answer the coachee wrote, once.
    assert diff[6] == "+ from_coachee:" and record == [
        "+   focus_areas/Relationships/what_has_to_happen", "+   focus_areas/Relationships/barriers",
    ]
    assert diff[7 + len(record)].startswith("+   anything_we_missed: ") and len(diff) == 8 + len(record)
    assert workbook.anything_we_missed == "My creative side: painting."  # kept in the file, not only printed


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
        (REFLECTIONS.replace("    barriers:", "    barrier:"), "reflections.yaml:7: focus area 1 (Relationships), barrier: unknown field (did you mean `barriers`?)"),
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


# --- What the coachee typed lands as typed, and nothing else in the file changes ----------

def reflection_file(path, area: str, field: str, text: str) -> None:
    """A reflections file as the browser writes one: every value a JSON string (JSON.stringify,
    here with every non-ASCII character escaped, emoji as surrogate pairs)."""
    value = (
        f"\n      - {json.dumps(text)}" if field == "next_steps" else f" {json.dumps(text)}"
    )
    path.write_text(f'link:\n  token: "{TOKEN}"\nfocus_areas:\n  - name: {json.dumps(area)}\n    {field}:{value}\n')


def only_insertions(before: bytes, after: bytes) -> list[bytes]:
    """The lines `after` adds to `before`; fails if any byte of `before` changed or went."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    assert all(tag in ("equal", "insert") for tag, *_ in matcher.get_opcodes()), matcher.get_opcodes()
    return [line for tag, _, _, j1, j2 in matcher.get_opcodes() if tag == "insert" for line in new[j1:j2]]


LINE_BREAKS_AND_SPLITTERS = [
    "one\u2028  barriers: injected\u2028- name: Injected",
    "one\u2029two",
    "one\r  how_youll_know: injected",
    "one\x85two",
    "one\nthree\r\n  - name: Injected",
    "tab\there, bell\x07, esc\x1b[2J, nul\x00, del\x7f, bom\ufeff, nbsp\xa0",
    "Go to Sam's, then call mum [soon], {maybe}",
    "  first line indented?\n  and the second  \n",
    '"quoted" and \\backslash\\ and # not a comment',
    "party \U0001F389 and family \U0001F468\u200d\U0001F469\u200d\U0001F467",
]


@pytest.mark.parametrize("text", LINE_BREAKS_AND_SPLITTERS)
@pytest.mark.parametrize("field", ["barriers", "next_steps"])
def test_a_reflection_lands_exactly_and_adds_nothing_else(files, text, field):
    client, reflections = files
    reflection_file(reflections, "Relationships", field, text)
    before_data = load_client_file(client).data
    before = client.read_bytes()
    report = import_reflections(client, reflections)
    assert report.filled and not report.skipped
    workbook = validate_client(load_client_file(client))
    assert [area.name for area in workbook.focus_areas] == ["Career", "Health", "Relationships"]
    relationships = workbook.focus_areas[2]
    if field == "barriers":
        assert relationships.barriers == text.strip()
    else:
        assert relationships.next_steps == ["Put Sunday calls in the shared calendar", text.strip()]
    loaded = load_client_file(client).data["focus_areas"][2][field]
    assert (loaded if field == "barriers" else loaded[1]) == text.strip()  # as typed: no line break added
    after_data = load_client_file(client).data
    after_data["focus_areas"][2].pop(field)
    before_data["focus_areas"][2].pop(field, None)
    # Whose words: a record of the one answer the coachee wrote (steps are not answers).
    expected_record = [f"focus_areas/Relationships/{field}"] if field == "barriers" else []
    assert list(after_data.pop("from_coachee", {})) == expected_record
    assert after_data == before_data  # no field, area or key anywhere else
    only_insertions(before, client.read_bytes())


def test_a_windows_file_keeps_its_crlf_line_endings_byte_for_byte(files):
    client, reflections = files
    client.write_bytes(client.read_bytes().replace(b"\n", b"\r\n"))
    before = client.read_bytes()
    reflection_file(reflections, "Relationships", "what_has_to_happen", "Book a sitter\nevery Friday")
    import_reflections(client, reflections)
    added = only_insertions(before, client.read_bytes())
    assert added[:3] == [b"    what_has_to_happen: |-\r\n", b"      Book a sitter\r\n", b"      every Friday\r\n"]
    assert added[3] == b"from_coachee:\r\n" and added[4].startswith(b"  focus_areas/Relationships/what_has_to_happen: ")
    assert added[4].endswith(b"\r\n") and len(added) == 5
    assert b"\n" not in client.read_bytes().replace(b"\r\n", b"")


def test_a_next_step_with_a_comma_stays_one_step_in_a_flow_list(files):
    client, reflections = files
    client.write_text(client.read_text().replace(
        "    next_steps:\n      - Put Sunday calls in the shared calendar\n",
        "    next_steps: [Put Sunday calls in the shared calendar]\n",
    ))
    reflection_file(reflections, "Relationships", "next_steps", "Call mum, then Sam [soon]")
    import_reflections(client, reflections)
    assert validate_client(load_client_file(client)).focus_areas[2].next_steps == [
        "Put Sunday calls in the shared calendar", "Call mum, then Sam [soon]",
    ]
    assert '    next_steps: [Put Sunday calls in the shared calendar, "Call mum, then Sam [soon]"]\n' in client.read_text()


def test_two_entries_for_one_area_in_different_case_are_merged(files):
    client, reflections = files
    reflections.write_text(
        f'link:\n  token: "{TOKEN}"\nfocus_areas:\n'
        '  - name: "Relationships"\n    barriers: "Late calls"\n    next_steps: ["Call mum"]\n'
        '  - name: "relationships"\n    what_has_to_happen: "A sitter"\n    barriers: "Late calls"\n'
        '    next_steps: ["Call mum", "Call Sam"]\n'
    )
    report = import_reflections(client, reflections)
    relationships = validate_client(load_client_file(client)).focus_areas[2]
    assert (relationships.barriers, relationships.what_has_to_happen) == ("Late calls", "A sitter")
    assert relationships.next_steps == ["Put Sunday calls in the shared calendar", "Call mum", "Call Sam"]
    assert report.filled.count("Relationships: barriers") == 1


def test_two_entries_for_one_area_that_answer_differently_are_refused_naming_both(project, files):
    client, reflections = files
    reflections.write_text(
        f'link:\n  token: "{TOKEN}"\nfocus_areas:\n'
        '  - name: "Relationships"\n    barriers: "Late calls"\n'
        '  - name: "relationships"\n    barriers: "No sitter"\n'
    )
    before = client.read_bytes()
    result = run(project, "import-reflections", f"clients/{client.name}", "reflections.yaml")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("reflections.yaml:7: focus area 2 (relationships), barriers: 'relationships' is the same focus area as "
            "'Relationships' (line 4), and the two answer barriers differently") in result.stderr
    assert client.read_bytes() == before


def test_an_emoji_escaped_as_a_surrogate_pair_is_imported_as_the_emoji(project, files):
    client, reflections = files
    reflections.write_text(f'link:\n  token: "{TOKEN}"\nanything_we_missed: "Yes \\ud83c\\udf89"\n'
                           'focus_areas:\n  - name: Relationships\n    barriers: "Party \\ud83c\\udf89!"\n')
    result = run(project, "import-reflections", f"clients/{client.name}", "reflections.yaml")
    assert result.returncode == 0, result.stderr
    assert validate_client(load_client_file(client)).focus_areas[2].barriers == "Party \U0001F389!"
    assert "Yes \U0001F389" in result.stdout


def test_half_an_escaped_emoji_is_a_clear_error(project, files):
    client, reflections = files
    reflections.write_text(f'link:\n  token: "{TOKEN}"\nfocus_areas:\n  - name: Relationships\n'
                           '    barriers: "Party \\ud83c!"\n')
    before = client.read_bytes()
    result = run(project, "import-reflections", f"clients/{client.name}", "reflections.yaml")
    assert result.returncode == 1 and "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "reflections.yaml:5: focus area 1 (Relationships), barriers: holds \\ud83c, half of a character" in result.stderr
    assert client.read_bytes() == before


def test_an_edit_that_would_not_read_back_as_asked_is_refused_and_nothing_written(files, monkeypatch):

    # The writer this project had before: a JSON string, which leaves \x85 raw, a line break
    # YAML folds into a space. The read-back check must catch such a writer before it writes.
    monkeypatch.setattr(edit, "_quoted", lambda value: json.dumps(str(value), ensure_ascii=False))
    client, reflections = files
    reflection_file(reflections, "Relationships", "barriers", "one\x85two")
    before = client.read_bytes()
    with pytest.raises(CoachSiteError, match="would change more than the values asked for"):
        import_reflections(client, reflections)
    assert client.read_bytes() == before


# Several lines without a break at the end, as a coachee types most often in a box.
several_lines = st.lists(st.text(st.characters(codec="utf-8"), min_size=1, max_size=15), min_size=2, max_size=4).map(
    "\n".join
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(st.text(min_size=1, max_size=60), several_lines).filter(lambda t: t.strip()),
    field=st.sampled_from(["barriers", "what_has_to_happen", "next_steps"]),
    crlf=st.booleans(),
)
def test_any_text_lands_exactly_and_the_rest_of_the_file_is_byte_identical(files, text, field, crlf):
    client, reflections = files
    original = EXAMPLE_CLIENT.read_bytes()
    client.write_bytes(original.replace(b"\n", b"\r\n") if crlf else original)
    before = client.read_bytes()
    reflection_file(reflections, "Relationships", field, text)
    import_reflections(client, reflections)
    relationships = validate_client(load_client_file(client)).focus_areas[2]
    landed = relationships.next_steps[1:] if field == "next_steps" else [getattr(relationships, field)]
    assert landed == [text.strip()]
    # Exactly as typed in the file too, not only once the model has trimmed it: no added line break.
    loaded = load_client_file(client).data["focus_areas"][2][field]
    assert (loaded[1:] if field == "next_steps" else [loaded]) == [text.strip()]
    added = only_insertions(before, client.read_bytes())
    assert all(line.endswith(b"\r\n" if crlf else b"\n") and b"\r" not in line.rstrip(b"\r\n") for line in added)


@pytest.mark.parametrize(
    "text", ["- " * 1000 + "x", "1. " * 1000, "\n".join("    " * i + "- x" for i in range(600))]
)
def test_lists_in_lists_too_deep_to_build_are_refused_at_import_and_the_build_still_works(project, files, text):
    client, reflections = files
    reflection_file(reflections, "Relationships", "barriers", text)
    before = client.read_bytes()
    result = run(project, "import-reflections", f"clients/{client.name}", "reflections.yaml")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "reflections.yaml:5: focus area 1 (Relationships), barriers: nests lists, quotes or indented lines" in result.stderr
    assert client.read_bytes() == before
    result = run(project, "build", f"clients/{client.name}")
    assert result.returncode == 0, result.stderr
