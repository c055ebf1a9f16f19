"""Stage 2: every rule of the client format, as the coach meets it (file:line: field: message)."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from coach_site.errors import ClientFileError
from coach_site.loader import load_client_file
from coach_site.validate import validate_client
from conftest import EXAMPLE_CLIENT

HEAD = """\
client:
  name: Ada Example
link:
  token: 3hVt9QmK2xLp7RwZc5NbYa
"""


def validate(tmp_path, text: str):
    path = tmp_path / "x.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return validate_client(load_client_file(path))


def problems(tmp_path, text: str) -> list[str]:
    with pytest.raises(ClientFileError) as exc_info:
        validate(tmp_path, text)
    prefix = str(tmp_path / "x.yaml")
    return [str(p).replace(prefix, "x.yaml") for p in exc_info.value.problems]


def test_the_example_client_uses_every_field_and_is_valid():
    workbook = validate_client(load_client_file(EXAMPLE_CLIENT))
    area = workbook.focus_areas[0]
    assert all(getattr(area, f) for f in type(area).model_fields), "the example leaves a focus-area field empty"
    assert area.satisfaction.has_trend
    assert workbook.ted_talk.story and workbook.schedule.month and workbook.homework.action_items


def test_a_minimal_file_is_valid_and_every_answer_is_optional(tmp_path):
    workbook = validate(tmp_path, HEAD + "focus_areas:\n  - name: Career\n")
    area = workbook.focus_areas[0]
    assert area.outcome is None and area.satisfaction is None and area.next_steps == []
    assert workbook.values == [] and workbook.sessions == {} and workbook.homework.due is None


def test_null_and_empty_answers_are_treated_as_missing(tmp_path):
    workbook = validate(
        tmp_path,
        HEAD
        + """\
focus_areas:
  - name: Career
    outcome:
    why_it_matters: ~
    barriers: ""
    how_youll_know: "   "
    satisfaction:
    next_steps:
      -
homework:
schedule:
ted_talk:
  message: null
""",
    )
    area = workbook.focus_areas[0]
    assert (area.outcome, area.why_it_matters, area.barriers, area.how_youll_know) == (None,) * 4
    assert area.next_steps == [] and area.satisfaction is None
    assert workbook.ted_talk.message is None and workbook.homework.action_items == []


def test_preferred_name_defaults_to_the_first_word_of_name(tmp_path):
    workbook = validate(tmp_path, HEAD + "focus_areas:\n  - name: Career\n")
    assert workbook.client.first_name == "Ada"
    workbook = validate(tmp_path, HEAD.replace("Ada Example", "Ada Example\n  preferred_name: Addie") + "focus_areas:\n  - name: Career\n")
    assert workbook.client.first_name == "Addie"


def test_satisfaction_is_a_rating_or_a_dated_history_in_any_order(tmp_path):
    workbook = validate(
        tmp_path,
        HEAD
        + """\
focus_areas:
  - name: Career
    satisfaction: 6
  - name: Health
    satisfaction:
      2026-09-15: 5
      2026-07-01: 3
      2026-10-13: 4
""",
    )
    career, health = workbook.focus_areas
    assert career.satisfaction.current == 6 and not career.satisfaction.has_trend
    # The current rating is the latest date's, not the last line's.
    assert health.satisfaction.current == 4
    assert [r.when for r in health.satisfaction.history] == [
        dt.date(2026, 7, 1), dt.date(2026, 9, 15), dt.date(2026, 10, 13)
    ]


@pytest.mark.parametrize(
    "rating, message",
    [
        ("11", "x.yaml:8: focus_areas[1].satisfaction: 11 is not between 1 and 10"),
        ("0", "x.yaml:8: focus_areas[1].satisfaction: 0 is not between 1 and 10"),
        ("6.5", "x.yaml:8: focus_areas[1].satisfaction: 6.5 is not a whole number between 1 and 10"),
        ("high", "x.yaml:8: focus_areas[1].satisfaction: high is not a whole number between 1 and 10"),
        ("[5]", "x.yaml:8: focus_areas[1].satisfaction: a list is not a whole number between 1 and 10"),
        ("{2026-09-01: 12}", "x.yaml:8: focus_areas[1].satisfaction.2026-09-01: 12 is not between 1 and 10"),
        ("{soon: 5}", "x.yaml:8: focus_areas[1].satisfaction.soon: 'soon' is not a date; a rating history maps YYYY-MM-DD to a rating"),
    ],
)
def test_a_rating_outside_1_to_10_names_file_line_and_field(tmp_path, rating, message):
    text = HEAD + f"focus_areas:\n  - name: Career\n  - name: Health\n    satisfaction: {rating}\n"
    assert problems(tmp_path, text) == [message]


def test_a_bad_entry_in_a_history_points_at_its_own_line(tmp_path):
    text = HEAD + "focus_areas:\n  - name: Career\n    satisfaction:\n      2026-07-01: 4\n      2026-09-01: 40\n"
    assert problems(tmp_path, text) == ["x.yaml:9: focus_areas[0].satisfaction.2026-09-01: 40 is not between 1 and 10"]


def test_yaml_1_1_traps_do_not_bite_where_text_is_expected(tmp_path):
    workbook = validate(
        tmp_path,
        """\
client:
  name: no
link:
  token: 3hVt9QmK2xLp7RwZc5NbYa
focus_areas:
  - name: off
    outcome: yes
    barriers: 17:00
    why_it_matters: 1.10
    how_youll_know: 2026
    next_steps: [on, 09:30]
schedule:
  day: 06:30
""",
    )
    area = workbook.focus_areas[0]
    assert workbook.client.name == "no" and area.name == "off" and area.outcome == "yes"
    assert area.barriers == "17:00" and area.why_it_matters == "1.10" and area.how_youll_know == "2026"
    assert area.next_steps == ["on", "09:30"] and workbook.schedule.day == "06:30"


def test_dates_are_dates_where_dates_are_expected_and_quoted_values_are_text(tmp_path):
    workbook = validate(
        tmp_path,
        HEAD
        + """\
sessions:
  values: 2026-09-01
  next: "2026-10-01"
focus_areas:
  - name: "2026-09-01"
    outcome: '42'
homework:
  due: 2026-09-29
""",
    )
    assert workbook.sessions["values"] == dt.date(2026, 9, 1)
    assert workbook.next_session == dt.date(2026, 10, 1)
    assert workbook.homework.due == dt.date(2026, 9, 29)
    assert workbook.focus_areas[0].name == "2026-09-01" and workbook.focus_areas[0].outcome == "42"


@pytest.mark.parametrize(
    "section, message",
    [
        ("homework:\n  due: next week\n", "x.yaml:8: homework.due: 'next week' is not a date; write it as YYYY-MM-DD"),
        ("homework:\n  due: 2026-02-30\n", "x.yaml:8: homework.due: 2026-02-30 is not a real date"),
        ("sessions:\n  next: tomorrow\n", "x.yaml:8: sessions.next: 'tomorrow' is not a date; write it as YYYY-MM-DD"),
    ],
)
def test_bad_dates_are_named(tmp_path, section, message):
    assert problems(tmp_path, HEAD + "focus_areas:\n  - name: Career\n" + section) == [message]


@pytest.mark.parametrize(
    "typo, suggestion",
    [
        ("why_it_maters", "why_it_matters"),
        ("barrier", "barriers"),
        ("ten_in_three_months", "ten_in_3_months"),
        ("next_step", "next_steps"),
    ],
)
def test_unknown_keys_are_errors_with_a_suggestion(tmp_path, typo, suggestion):
    text = HEAD + f"focus_areas:\n  - name: Career\n    {typo}: something\n"
    assert problems(tmp_path, text) == [
        f"x.yaml:7: focus_areas[0].{typo}: unknown field (did you mean `{suggestion}`?)"
    ]


def test_unknown_top_level_keys_list_the_known_ones(tmp_path):
    [message] = problems(tmp_path, HEAD + "focus_areas:\n  - name: Career\nnotes: hi\n")
    assert message.startswith("x.yaml:7: notes: unknown field (known fields: client, link, sessions")


def test_every_error_of_a_file_is_reported_at_once_in_line_order(tmp_path):
    text = """\
client:
  nmae: Ada
link:
  token: short
focus_areas:
  - name: Career
    satisfaction: 11
    outcom: x
"""
    assert problems(tmp_path, text) == [
        "x.yaml:1: client.name: is required but missing",
        "x.yaml:2: client.nmae: unknown field (did you mean `name`?)",
        "x.yaml:4: link.token: must be 22 to 64 characters of A-Z a-z 0-9 _ - (this one has 5 characters)",
        "x.yaml:7: focus_areas[0].satisfaction: 11 is not between 1 and 10",
        "x.yaml:8: focus_areas[0].outcom: unknown field (did you mean `outcome`?)",
    ]


@pytest.mark.parametrize(
    "link, message",
    [
        ("link:\n  token:\n", "x.yaml:4: link.token: is empty; every client needs a private link token"),
        ("link:\n  token: abc def ghi jkl mno pqr stu\n", "(this one has 27 characters, some of them not allowed)"),
        ("", "x.yaml:1: link: is required but missing"),
    ],
)
def test_the_token_is_checked_before_any_build(tmp_path, link, message):
    text = "client:\n  name: Ada\n" + link + "focus_areas:\n  - name: Career\n"
    [problem] = problems(tmp_path, text)
    assert message in problem


def test_focus_areas_are_one_to_eight_with_unique_names(tmp_path):
    assert problems(tmp_path, HEAD + "focus_areas: []\n") == [
        "x.yaml:5: focus_areas: needs at least one focus area"
    ]
    nine = "".join(f"  - name: Area {i}\n" for i in range(9))
    assert problems(tmp_path, HEAD + "focus_areas:\n" + nine) == [
        "x.yaml:5: focus_areas: has 9 focus areas; a workbook has at most 8"
    ]
    assert problems(tmp_path, HEAD + "focus_areas:\n  - name: Career\n  - name: career\n") == [
        "x.yaml:7: focus_areas[1].name: 'career' is already the name of focus_areas[0]; names must be unique"
    ]


def test_required_names_must_not_be_empty(tmp_path):
    assert problems(tmp_path, HEAD + "values:\n  - meaning: kind\nfocus_areas:\n  - name: ''\n") == [
        "x.yaml:6: values[0].name: is required but missing",
        "x.yaml:8: focus_areas[0].name: must not be empty",
    ]


@pytest.mark.parametrize(
    "section, message",
    [
        ("focus_areas: Career\n", "x.yaml:5: focus_areas[0]: expected a mapping of fields, got text"),
        ("focus_areas:\n  - name: Career\n    outcome: [a, b]\n", "x.yaml:7: focus_areas[0].outcome: expected text, got a list"),
        ("focus_areas:\n  - name: Career\nhomework: [a]\n", "x.yaml:7: homework: expected a mapping of fields, got a list"),
        ("focus_areas:\n  - name: Career\nvalues: {a: b}\n", "x.yaml:7: values: expected a list (lines starting with `- `), got a mapping of fields"),
        ("focus_areas:\n  - name: Career\n    next_steps: {a: b}\n", "x.yaml:7: focus_areas[0].next_steps: expected a list"),
    ],
)
def test_wrong_shapes_say_what_was_expected(tmp_path, section, message):
    [problem] = problems(tmp_path, HEAD + section)
    assert problem.startswith(message)


def test_a_single_next_step_may_be_written_without_a_dash(tmp_path):
    workbook = validate(tmp_path, HEAD + "focus_areas:\n  - name: Career\n    next_steps: Call Sam\n")
    assert workbook.focus_areas[0].next_steps == ["Call Sam"]


def test_email_must_look_like_an_address(tmp_path):
    text = HEAD.replace("Ada Example", "Ada Example\n  email: ada-at-example") + "focus_areas:\n  - name: Career\n"
    assert problems(tmp_path, text) == ["x.yaml:3: client.email: 'ada-at-example' is not an email address"]


def test_unicode_names_and_answers_are_text(tmp_path):
    workbook = validate(
        tmp_path,
        """\
client:
  name: 王秀英 Zoë
link:
  token: 3hVt9QmK2xLp7RwZc5NbYa
focus_areas:
  - name: Gesundheit & Glück 🌱
    outcome: 10 km × 3 — every week · no excuses
""",
    )
    assert workbook.client.first_name == "王秀英"
    assert workbook.focus_areas[0].outcome == "10 km × 3 — every week · no excuses"
