"""Editing a coach's file: only the changed lines change, byte for byte."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from coach_site.clientfile.edit import Appended, set_values, write_atomically
from coach_site.clientfile.loader import load_client_bytes
from coach_site.errors import CoachSiteError

FILE = """\
# Ada's file. Comments, order and blank lines are the coach's.
client:
  name: "Ada Example"   # quoted on purpose
link: {token: 3hVt9QmK2xLp7RwZc5NbYa}

focus_areas:
  - name: Career
    outcome:                  # one year from now?
    barriers: Time
    notes_style: |
      kept
      as is

    next_steps:               # homework 2
      -
  - name: Health
    next_steps: [Run, Sleep]
    why_it_matters: |
      Energy.

schedule:
  day: 06:30 run   # a timeline
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]


def test_filling_an_empty_answer_changes_only_its_line_and_keeps_the_comment():
    after = set_values(FILE, {("focus_areas", 0, "outcome"): "Lead the team"})
    assert changed_lines(FILE, after) == [
        "-     outcome:                  # one year from now?",
        "+     outcome: Lead the team    # one year from now?",
    ]


def test_several_lines_become_a_literal_block():
    after = set_values(FILE, {("focus_areas", 0, "outcome"): "Lead\nthe team"})
    assert changed_lines(FILE, after) == [
        "-     outcome:                  # one year from now?",
        "+     outcome: |-               # one year from now?",
        "+       Lead",
        "+       the team",
    ]
    assert load_client_bytes(after.encode(), Path("x.yaml")).data["focus_areas"][0]["outcome"] == "Lead\nthe team"


def test_replacing_a_value_keeps_everything_around_it():
    after = set_values(FILE, {("focus_areas", 0, "barriers"): "Money: not time", ("link", "token"): "X" * 22})
    assert changed_lines(FILE, after) == [
        "- link: {token: 3hVt9QmK2xLp7RwZc5NbYa}",
        "+ link: {token: XXXXXXXXXXXXXXXXXXXXXX}",
        "-     barriers: Time",
        '+     barriers: "Money: not time"',
    ]


def test_replacing_a_block_keeps_the_blank_line_after_it():
    after = set_values(FILE, {("focus_areas", 1, "why_it_matters"): "Energy.\nAnd joy."})
    # `|-`: the answer reads back as typed, with no line break added at its end.
    assert changed_lines(FILE, after) == ["-     why_it_matters: |", "+     why_it_matters: |-", "+       And joy."]
    assert "      And joy.\n\nschedule:" in after


def test_appending_to_lists_in_their_own_style():
    after = set_values(FILE, {
        ("focus_areas", 0, "next_steps"): Appended(["Call Sam", "Write it up"]),
        ("focus_areas", 1, "next_steps"): Appended(["Stretch"]),
    })
    assert changed_lines(FILE, after) == [
        "-       -",
        "+       - Call Sam",
        "+       - Write it up",
        "-     next_steps: [Run, Sleep]",
        "+     next_steps: [Run, Sleep, Stretch]",
    ]


def test_missing_keys_and_sections_are_added_at_the_right_indentation():
    after = set_values(FILE, {
        ("focus_areas", 1, "barriers"): "Knees",
        ("ted_talk", "message"): "Lead quietly",
        ("schedule", "week"): "Runs on Monday",
    })
    assert changed_lines(FILE, after) == [
        "+     barriers: Knees",
        "+   week: Runs on Monday",
        "+ ted_talk:",
        "+   message: Lead quietly",
    ]
    assert "      Energy.\n    barriers: Knees\n\nschedule:" in after


def test_several_values_of_a_missing_section_add_that_section_once():
    after = set_values(FILE, {
        ("ted_talk", "title"): "The long way round",
        ("ted_talk", "story"): "I grew up by the sea.",
        ("focus_areas", 1, "barriers"): "Knees",
    })
    assert changed_lines(FILE, after) == [
        "+     barriers: Knees",
        "+ ted_talk:",
        "+   title: The long way round",
        "+   story: I grew up by the sea.",
    ]


@pytest.mark.parametrize("text", ["yes", "17:00", "- dash", "# hash", "a: b", "'quoted'", "  spaced", "@me", "x #y"])
def test_values_that_yaml_would_misread_are_quoted(text):
    from pathlib import Path

    from coach_site.clientfile.loader import load_client_bytes

    after = set_values(FILE, {("focus_areas", 0, "barriers"): text})
    data = load_client_bytes(after.encode(), Path("x.yaml")).data
    assert data["focus_areas"][0]["barriers"] == text


def test_a_file_that_is_not_yaml_cannot_be_edited():
    with pytest.raises(CoachSiteError):
        set_values("a: [\n", {("a",): "x"})


def test_write_atomically_replaces_the_whole_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("old\n")
    write_atomically(path, "new\n")
    assert path.read_text() == "new\n" and [p.name for p in tmp_path.iterdir()] == ["c.yaml"]


def test_a_rotated_token_goes_to_previous_tokens_in_block_flow_and_windows_files():
    new, old = "N" * 22, "3hVt9QmK2xLp7RwZc5NbYa"
    change = {("link", "token"): new, ("link", "previous_tokens"): Appended([old])}
    assert set_values(FILE, change).splitlines()[3] == f"link: {{token: {new}, previous_tokens: [{old}]}}"
    block = "link:\r\n  token: 3hVt9QmK2xLp7RwZc5NbYa  # secret\r\nfocus_areas: []\r\n"
    assert set_values(block, change) == (
        f"link:\r\n  token: {new}  # secret\r\n  previous_tokens:\r\n    - {old}\r\nfocus_areas: []\r\n"
    )
    again = set_values(set_values(block, change), {("link", "token"): "M" * 22, ("link", "previous_tokens"): Appended([new])})
    assert f"  previous_tokens:\r\n    - {old}\r\n    - {new}\r\n" in again


def test_a_new_answer_goes_where_its_question_stands_above_the_next_ones_comments():
    from coach_site.clientfile.edit import set_values
    from coach_site.commands.import_reflections import FIELD_ORDER

    text = ("focus_areas:\n  - name: Career\n    outcome: Lead a team\n"
            "    # next_steps: 1-2 key next steps\n    next_steps:\n      - Book the talk\n")
    edited = set_values(text, {("focus_areas", 0, "barriers"): "Time", ("focus_areas", 0, "why_it_matters"): "Growth"},
                        order=FIELD_ORDER)
    assert edited == ("focus_areas:\n  - name: Career\n    outcome: Lead a team\n    why_it_matters: Growth\n"
                      "    barriers: Time\n    # next_steps: 1-2 key next steps\n    next_steps:\n      - Book the talk\n")
    # Without an order, after the last entry, as before.
    assert set_values(text, {("focus_areas", 0, "barriers"): "Time"}).endswith("- Book the talk\n    barriers: Time\n")
