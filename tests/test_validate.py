"""Stage 2: every rule of the client format, as the coach meets it (file:line: field: message)."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from conftest import EXAMPLE_CLIENT

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.errors import ClientFileError

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
        ("11", "x.yaml:8: focus area 2 (Health), satisfaction: 11 is not between 1 and 10"),
        ("0", "x.yaml:8: focus area 2 (Health), satisfaction: 0 is not between 1 and 10"),
        ("6.5", "x.yaml:8: focus area 2 (Health), satisfaction: 6.5 is not a whole number between 1 and 10"),
        ("high", "x.yaml:8: focus area 2 (Health), satisfaction: high is not a whole number between 1 and 10"),
        ("[5]", "x.yaml:8: focus area 2 (Health), satisfaction: a list is not a whole number between 1 and 10"),
        ("{2026-09-01: 12}", "x.yaml:8: focus area 2 (Health), satisfaction.2026-09-01: 12 is not between 1 and 10"),
        ("{soon: 5}", "x.yaml:8: focus area 2 (Health), satisfaction.soon: 'soon' is not a date; a rating history maps YYYY-MM-DD to a rating"),
    ],
)
def test_a_rating_outside_1_to_10_names_file_line_and_field(tmp_path, rating, message):
    text = HEAD + f"focus_areas:\n  - name: Career\n  - name: Health\n    satisfaction: {rating}\n"
    assert problems(tmp_path, text) == [message]


def test_a_bad_entry_in_a_history_points_at_its_own_line(tmp_path):
    text = HEAD + "focus_areas:\n  - name: Career\n    satisfaction:\n      2026-07-01: 4\n      2026-09-01: 40\n"
    assert problems(tmp_path, text) == ["x.yaml:9: focus area 1 (Career), satisfaction.2026-09-01: 40 is not between 1 and 10"]


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
        ("sessions:\n  next: tomorrow\n", "x.yaml:8: sessions.next: 'tomorrow' is not a date; write it as "
         "YYYY-MM-DD, and a time after it if you like (YYYY-MM-DD HH:MM)"),
        ("sessions:\n  next: 2026-12-14 24:00\n",
         "x.yaml:8: sessions.next: 24:00 is not a time of day; write it as HH:MM, from 00:00 to 23:59"),
        ("sessions:\n  next: 2026-12-14 9:60\n",
         "x.yaml:8: sessions.next: 9:60 is not a time of day; write it as HH:MM, from 00:00 to 23:59"),
        ("sessions:\n  next: 2026-02-30 10:00\n", "x.yaml:8: sessions.next: 2026-02-30 is not a real date"),
    ],
)
def test_bad_dates_are_named(tmp_path, section, message):
    assert problems(tmp_path, HEAD + "focus_areas:\n  - name: Career\n" + section) == [message]


def test_a_session_may_say_its_time_and_stays_a_date_where_a_date_is_read(tmp_path):
    workbook = validate(tmp_path, HEAD + "sessions:\n  strategy: 2026-09-15\n  next: 2026-12-14 9:30  # Monday\n"
                        "  review: 2027-01-11T17:05\n  quoted: '2027-02-01 08:00'\n")
    session = workbook.next_session
    assert session == dt.date(2026, 12, 14) and session.at == dt.time(9, 30) and session.written() == "2026-12-14 09:30"
    assert workbook.sessions["strategy"].at is None and workbook.sessions["review"].at == dt.time(17, 5)
    assert workbook.sessions["quoted"].at == dt.time(8, 0)
    # the latest session held by a day: the time of day decides between two on one day
    assert workbook.last_session(dt.date(2026, 12, 14)) is session
    assert workbook.last_session(dt.date(2026, 12, 13)) == dt.date(2026, 9, 15)
    assert workbook.last_session(dt.date(2026, 9, 1)) is None


@pytest.mark.parametrize("written, meant", [
    ("Europe/Berln", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"), ("Berlin", "Europe/Berlin"),
    ("America/New York", "America/New_York"), ("Mars/Olympus", None),
])
def test_a_time_zone_is_one_the_time_zone_database_knows_and_a_near_miss_is_named(tmp_path, written, meant):
    assert validate(tmp_path, HEAD.replace("  name: Ada Example\n", "  name: Ada Example\n  timezone: Asia/Tokyo\n")
                    ).client.timezone == "Asia/Tokyo"
    [problem] = problems(tmp_path, HEAD.replace("  name: Ada Example\n", f"  name: Ada Example\n  timezone: {written}\n"))
    hint = f"(did you mean `{meant}`?)" if meant else "write its IANA name, like Europe/Berlin or America/New_York"
    assert problem == f"x.yaml:3: client.timezone: `{written}` is not a time zone" + (" " if meant else "; ") + hint


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
        f"x.yaml:7: focus area 1 (Career), {typo}: unknown field (did you mean `{suggestion}`?)"
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
        "x.yaml:7: focus area 1 (Career), satisfaction: 11 is not between 1 and 10",
        "x.yaml:8: focus area 1 (Career), outcom: unknown field (did you mean `outcome`?)",
    ]


@pytest.mark.parametrize(
    "link, message",
    [
        ("link:\n  token:\n", "x.yaml:4: link.token: the private link's token (`token:` under `link:`) is missing"),
        ("link:\n  token: abc def ghi jkl mno pqr stu\n", "(this one has 27 characters, some of them not allowed)"),
        ("", "x.yaml:1: link: the private link's token (`token:` under `link:`) is missing"),
    ],
)
def test_the_token_is_checked_before_any_build(tmp_path, link, message):
    text = "client:\n  name: Ada\n" + link + "focus_areas:\n  - name: Career\n"
    [problem] = problems(tmp_path, text)
    assert message in problem


def test_focus_areas_are_up_to_eight_with_unique_names(tmp_path):
    # After the Values session alone there are none yet: the workbook has the values.
    assert validate(tmp_path, HEAD + "focus_areas: []\n").focus_areas == []
    nine = "".join(f"  - name: Area {i}\n" for i in range(9))
    assert problems(tmp_path, HEAD + "focus_areas:\n" + nine) == [
        "x.yaml:5: focus_areas: has 9 focus areas; a workbook has at most 8"
    ]
    assert problems(tmp_path, HEAD + "focus_areas:\n  - name: Career\n  - name: career\n") == [
        "x.yaml:7: focus area 2 (career), name: 'career' is already the name of focus area 1; names must be unique"
    ]


def test_required_names_must_not_be_empty(tmp_path):
    assert problems(tmp_path, HEAD + "values:\n  - meaning: kind\nfocus_areas:\n  - name: ''\n") == [
        "x.yaml:6: value 1, name: is required but missing",
        "x.yaml:8: focus area 1, name: must not be empty",
    ]


@pytest.mark.parametrize(
    "section, message",
    [
        ("focus_areas: Career\n", "x.yaml:5: focus area 1: a focus area starts with `- name:` and its name, on a line "
         "of its own below `focus_areas:`: write `- name: Career`"),
        ("focus_areas:\n  - name: Career\n    outcome: [a, b]\n", "x.yaml:7: focus area 1 (Career), outcome: an answer "
         "is text, not a list (lines starting with `- `, or `[a, b]`). To keep its lines, write `outcome: |` and below "
         "it each line, indented 6 spaces: `a`, `b` (keep the `- ` in front of a line only if you want it shown as a "
         "list item)"),
        ("focus_areas:\n  - name: Career\nhomework: [a]\n", "x.yaml:7: homework: expected a mapping of fields, got a list"),
        ("focus_areas:\n  - name: Career\nvalues: {a: b}\n", "x.yaml:7: values: expected a list (lines starting with `- `), got a mapping of fields"),
        ("focus_areas:\n  - name: Career\n    next_steps: {a: b}\n", "x.yaml:7: focus area 1 (Career), next_steps: expected a list"),
    ],
)
def test_wrong_shapes_say_what_was_expected(tmp_path, section, message):
    [problem] = problems(tmp_path, HEAD + section)
    assert problem.startswith(message)


def test_a_single_next_step_may_be_written_without_a_dash(tmp_path):
    workbook = validate(tmp_path, HEAD + "focus_areas:\n  - name: Career\n    next_steps: Call Sam\n")
    assert workbook.focus_areas[0].next_steps == ["Call Sam"]


@pytest.mark.parametrize(
    "written, message",
    [
        ("ada-at-example", "'ada-at-example' is not an email address: it has no @; write it like ada@example.org"),
        ('"a@b.c\\e[1m"', "'a@b.c\\x1b[1m' is not an email address: it holds \\x1b, a character no address has "
                          "(did you mean `a@b.c`?)"),
        ("ada @example.org", "'ada @example.org' is not an email address: it holds a space (did you mean `ada@example.org`?)"),
        ("Ada <ada@example.org>", "'Ada <ada@example.org>' is not an email address: it holds a space "
                                  "(did you mean `ada@example.org`?)"),
        ("a@b@example.org", "'a@b@example.org' is not an email address: it needs exactly one @"),
        ("ada@example", "'ada@example' is not an email address: after the @ it needs a domain name with a dot"),
        ("ada@example.", "'ada@example.' is not an email address: after the @ it needs a domain name with a dot"),
        ('"ada@exam\\u202eple.org"', "it holds \\u202e, a character no address has (did you mean `ada@example.org`?)"),
        ('"ada@example.org\\nBcc: x@y.org"', "it holds \\x0a, a character no address has"),
    ],
)
def test_email_must_be_a_plausible_address(tmp_path, written, message):
    text = HEAD.replace("Ada Example", f"Ada Example\n  email: {written}") + "focus_areas:\n  - name: Career\n"
    [problem] = problems(tmp_path, text)
    assert problem.startswith("x.yaml:3: client.email: ") and message in problem


@pytest.mark.parametrize("address", ["ada@example.org", "zoë.ødegård@exämple.org", "王秀英@例子.中国", "a+b@x.co.uk"])
def test_an_address_in_any_script_is_an_address(tmp_path, address):
    text = HEAD.replace("Ada Example", f"Ada Example\n  email: {address}") + "focus_areas:\n  - name: Career\n"
    assert validate(tmp_path, text).client.email == address


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


# What YAML reads differently from how it looks: said, never dropped.

AREA = HEAD + "focus_areas:\n  - name: Career\n"


def test_a_comment_inside_an_answer_is_an_error_naming_line_field_and_fix(tmp_path):
    [message] = problems(tmp_path, AREA + "    why_it_matters: Freedom #1. I don't want to be stuck\n")
    assert message.startswith(
        "x.yaml:7: focus area 1 (Career), why_it_matters: the text after ` #` (`#1. I don't want to be stuck`) "
        "is read as a comment and left out of the workbook."
    )
    assert 'put the whole answer in quotes ("...")' in message and "below `|`" in message


@pytest.mark.parametrize(
    "written, line, field, start",
    [
        ("    why_it_matters: Freedom and\n      #1 priority is family\n", 8, "focus area 1 (Career), why_it_matters",
         "`why_it_matters:`"),
        ("    outcome:\n      #1 is freedom\n", 8, "focus area 1 (Career), outcome", "`outcome:`"),
        ("    barriers: Money\n\n      #2 time\n", 9, "focus area 1 (Career), barriers", "`barriers:`"),
        ("    next_steps:\n      - Renew passport\n        #2 on the list\n", 9, "focus area 1 (Career), next step 1",
         "the `-` of its item"),
        ("  - name: Health and\n      #1 family\n", 8, "focus area 2 (Health and), name", "`name:`"),
    ],
)
def test_a_comment_line_where_the_answer_went_on_is_an_error(tmp_path, written, line, field, start):
    [message] = problems(tmp_path, AREA + written)
    assert message.startswith(f"x.yaml:{line}: {field}: this line starts with `#`, so YAML reads it")
    assert "as a comment and leaves it out of the workbook" in message
    assert "in quotes" in message and f"if it is a note for you, start it no further right than {start}" in message


@pytest.mark.parametrize(
    "written, field",
    [
        ("  name: Ada Example # the second\n", "client.name"),
        ("  name: Ada Example\n  preferred_name: Ada #1\n", "client.preferred_name"),
    ],
)
def test_a_comment_after_a_name_is_an_error_too(tmp_path, written, field):
    text = HEAD.replace("  name: Ada Example\n", written) + "values:\n  - name: Career #2 after family\n" + AREA[len(HEAD):]
    found = problems(tmp_path, text)
    assert [m.split(": ")[1] for m in found] == [field, "value 1 (Career), name"]
    assert "the text after ` #`" in found[1] and 'If it is part of the name, put the whole name in quotes ("...")' in found[1]


@pytest.mark.parametrize(
    "written, field",
    [
        ("    outcome: #1 is freedom\n", "focus area 1 (Career), outcome"),  # the whole answer lost
        ("    next_steps:\n      - Renew passport #2 on the list\n", "focus area 1 (Career), next step 1"),
        ("    next_steps: Renew passport #2\n", "focus area 1 (Career), next_steps"),
        ("    barriers: one line\n      and a second #3\n", "focus area 1 (Career), barriers"),
        ("values:\n  - name: Courage\n    meaning: Speak up #always\n", "value 1 (Courage), meaning"),
        ("schedule:\n  day: run # then swim\n", "schedule.day"),
        ("ted_talk:\n  title: Freedom # 1\n", "ted_talk.title"),
        ("homework:\n  action_items:\n    - call Bo # today\n", "homework, action item 1"),
    ],
)
def test_every_answer_field_reports_a_comment_that_took_text(tmp_path, written, field):
    [message] = problems(tmp_path, AREA + written)
    assert f": {field}: the text after ` #`" in message


def test_comments_in_their_usual_places_stay_quiet(tmp_path):
    text = """\
    # a note of the coach, on its own line
    client:   # who this is
      # required
      name: "Ada Example"   # quoted, so whole
      preferred_name: Ada
      email: ada@example.org  # work address
    link:
      token: 3hVt9QmK2xLp7RwZc5NbYa  # keep it secret
        # a note below a token
    sessions:  # dates
      next: 2026-10-01  # after the holidays
    values:
      - name: Courage
        # first
        meaning: "Speak up #always"  # quoted, so whole
      # a note between two values
      - name: Honesty
    focus_areas:
      - name: Career
        # outcome: to ask next time
        outcome: |  # several lines
          Freedom #1
          and more
        why_it_matters: Freedom

        # a note after a blank line
        satisfaction: 6  # up from 4
        next_steps:   # one or two
          - Renew passport
        ten_looks_like: 'Freedom' # quoted
    homework:
      due: 2026-10-01  # a Tuesday
      action_items: [call Bo, write]  # a flow list
    """
    workbook = validate(tmp_path, text)
    assert workbook.values[0].meaning == "Speak up #always"
    assert workbook.focus_areas[0].outcome == "Freedom #1\nand more"


def test_a_new_client_file_and_answers_typed_before_its_questions_pass(tmp_path):
    from coach_site.clientfile.scaffold import new_client_file

    path = new_client_file("Ada Example", tmp_path)
    validate_client(load_client_file(path))  # every comment of the scaffold is a question or hint
    text = path.read_text(encoding="utf-8")
    text = text.replace("    outcome:     ", "    outcome: Get promoted ").replace("      -\n", "      - Renew passport\n")
    assert "outcome: Get promoted              # What are your desired outcomes?" in text
    path.write_text(text, encoding="utf-8")
    workbook = validate_client(load_client_file(path))
    assert workbook.focus_areas[0].outcome == "Get promoted"


@pytest.mark.parametrize(
    "written, line, mark",
    [
        ("    next_steps:\n      -Renew passport\n      -Book the course\n", 8, "-"),
        ("    next_steps: -Renew passport\n", 7, "-"),
        ("    next_steps:\n      • Renew passport\n      • Book the course\n", 8, "•"),
        ("    next_steps: • Renew passport\n", 7, "•"),
        ("    next_steps:\n      - Renew passport\n        -Book the course\n", 9, "-"),
        ("    next_steps:\n      – Renew passport\n      – Book the course\n", 8, "–"),  # Word's en dash
        ("    next_steps: — Renew passport\n", 7, "—"),
        ("    next_steps:\n      · Renew passport\n      · Book the course\n", 8, "·"),
        ("    next_steps:\n      \u2010 Renew passport\n      \u2010 Book the course\n", 8, "\u2010"),
        ("    next_steps:\n      1. Renew passport\n      2. Book the course\n", 9, "2."),
        ("    next_steps:\n      - Renew passport\n        – Book the course\n", 9, "–"),
        ("    next_steps: Call Bo\n      2) Write\n", 8, "2)"),
    ],
)
def test_list_items_that_are_not_list_items_are_errors_with_the_fix(tmp_path, written, line, mark):
    [message] = problems(tmp_path, AREA + written)
    assert message.startswith((f"x.yaml:{line}: focus area 1 (Career), next_steps:", f"x.yaml:{line}: focus area 1 (Career), next step 1:"))
    assert "one line of text" in message and "a dash and a space (`- `)" in message
    assert (f"`{mark}` is not a list mark" in message) == (mark != "-")


def test_action_items_and_multi_line_answers_with_list_marks_are_caught_too(tmp_path):
    text = AREA + "    outcome: Three things\n      - run\n      - swim\nhomework:\n  action_items: -call Bo\n"
    assert [m.split(": ")[0:2] for m in problems(tmp_path, text)] == [
        ["x.yaml:8", "focus area 1 (Career), outcome"],
        ["x.yaml:11", "homework.action_items"],
    ]


def test_a_dash_that_is_text_stays_text(tmp_path):
    workbook = validate(tmp_path, AREA + "    outcome: -5 kg by June\n    next_steps:\n      - -5 kg\n")
    assert workbook.focus_areas[0].outcome == "-5 kg by June"


def test_dashes_and_numbers_in_an_answer_are_text(tmp_path):
    # Where no list is expected, they are text; the lines are kept as written below `|`.
    text = AREA + "    outcome: |\n      Free\n      – and not stuck\n      1. first\n    next_steps:\n      - 1. Renew\n"
    workbook = validate(tmp_path, text)
    assert workbook.focus_areas[0].outcome == "Free\n– and not stuck\n1. first"
    assert workbook.focus_areas[0].next_steps == ["1. Renew"]


@pytest.mark.parametrize(
    "name, known",
    [
        ("nxt", "next"), ("Next", "next"), ("stratgy", "strategy"), ("vaules", "values"), ("nexxt", "next"),
        ("next_session", "next"), ("next session", "next"), ("next-session", "next"), ("Next-Session", "next"),
        ("upcoming", "next"), ("Upcoming session", "next"), ("strategie", "strategy"), ("strategy_session", "strategy"),
        ("values-session", "values"),
    ],
)
def test_a_session_name_one_typo_from_one_the_workbook_uses_is_an_error(tmp_path, name, known):
    text = HEAD + f"sessions:\n  {name}: 2026-10-01\nfocus_areas:\n  - name: Career\n"
    assert problems(tmp_path, text) == [
        f"x.yaml:6: sessions.{name}: is not a session the workbook shows (did you mean `{known}`?)"
    ]


def test_other_session_names_are_free(tmp_path):
    free = ["check-in", "review", "intake", "follow-up", "kickoff", "session 3", "mid-point", "wrap_up"]
    text = HEAD + "sessions:\n" + "".join(f"  {name}: 2026-10-01\n" for name in free)
    text += "  next: 2026-11-01\nfocus_areas:\n  - name: Career\n"
    workbook = validate(tmp_path, text)
    assert workbook.next_session == dt.date(2026, 11, 1) and set(workbook.sessions) == {*free, "next"}


@pytest.mark.parametrize(
    "where, written, suggestion",
    [
        ("", "linkk: x\n", "link"),
        ("client.", "client:\n  name: Ada\n  emial: a@b.org\n", "email"),
        ("link.", "link:\n  token: 3hVt9QmK2xLp7RwZc5NbYa\n  tokn: x\n", "token"),
        ("value 1 (Courage), ", "values:\n  - name: Courage\n    meanng: x\n", "meaning"),
        ("focus area 1 (Career), ", "focus_areas:\n  - name: Career\n    outcom: x\n", "outcome"),
        ("homework.", "homework:\n  dew: 2026-10-01\n", "due"),
        ("schedule.", "schedule:\n  days: x\n", "day"),
        ("ted_talk.", "ted_talk:\n  titel: x\n", "title"),
    ],
)
def test_unknown_keys_are_errors_at_every_level(tmp_path, where, written, suggestion):
    base = {"client": "client:\n  name: Ada\n", "link": "link:\n  token: 3hVt9QmK2xLp7RwZc5NbYa\n",
            "focus_areas": "focus_areas:\n  - name: Career\n"}
    section = written.split(":")[0]
    text = "".join(v for k, v in base.items() if k != section) + written
    found = [m for m in problems(tmp_path, text) if "unknown field" in m]
    assert len(found) == 1 and f": {where}" in found[0] and f"(did you mean `{suggestion}`?)" in found[0]


def test_every_part_of_the_model_forbids_unknown_keys():
    from pydantic import BaseModel

    from coach_site.clientfile.model import Reflections, Workbook
    from coach_site.clientfile.validate import _model_in

    seen, todo = set(), [Workbook, Reflections]
    while todo:
        model = todo.pop()
        seen.add(model)
        assert model.model_config.get("extra") == "forbid", model
        for field in model.model_fields.values():
            inner = _model_in(field.annotation)
            if inner is not None and inner not in seen and issubclass(inner, BaseModel):
                todo.append(inner)
    assert len(seen) >= 8


def test_a_lone_half_of_a_character_is_an_error_and_a_whole_pair_is_the_character(tmp_path):
    [message] = problems(tmp_path, HEAD + 'focus_areas:\n  - name: Career\n    outcome: "Yes \\ud83d"\n')
    assert message.startswith("x.yaml:7: focus area 1 (Career), outcome: holds \\ud83d, half of a character")
    workbook = validate(tmp_path, HEAD + 'focus_areas:\n  - name: "Party \\ud83c\\udf89"\n')
    assert workbook.focus_areas[0].name == "Party 🎉"


def test_a_token_longer_than_64_characters_is_refused(tmp_path):
    assert validate(tmp_path, f"client:\n  name: A\nlink:\n  token: {'a1B2c3D4' * 8}\nfocus_areas: [{{name: X}}]\n")
    [message] = problems(tmp_path, f"client:\n  name: A\nlink:\n  token: {'a' * 300}\nfocus_areas: [{{name: X}}]\n")
    assert message == "x.yaml:4: link.token: must be 22 to 64 characters of A-Z a-z 0-9 _ - (this one has 300 characters)"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[" * 301, "holds 301 of the characters [ < > & \\ * _ ` ; a field may hold at most 300 of them"),
        ("<&" * 200, "holds 400 of the characters"),
        ("a\\n" * 1000 + "a", "has 1001 lines; a field may have at most 1000"),
        ("a\\r" * 1000 + "a", "has 1001 lines; a field may have at most 1000"),  # a line break to Markdown
        # Lists in lists: once a RecursionError that failed the build, naming no file.
        ("- " * 1000 + "x", "nests lists, quotes or indented lines 1000 levels deep; a field may go at most 10"),
        ("+ " * 1000 + "x", "nests lists, quotes or indented lines 1000 levels deep"),
        ("1. " * 1000, "nests lists, quotes or indented lines 1000 levels deep"),
        ("9. " * 600, "nests lists, quotes or indented lines 600 levels deep"),
        ("\\n".join("    " * i + "- x" for i in range(600)), "nests lists, quotes or indented lines 600 levels deep"),
        ("\\n".join(" " * i + "x" for i in range(999)), "nests lists, quotes or indented lines 249 levels deep"),
        ("- " * 11 + "x", "nests lists, quotes or indented lines 11 levels deep"),
        ("x\\n" + "\\t" * 10 + "- x", "nests lists, quotes or indented lines 11 levels deep"),
        ("\\n".join(["- - x"] * 501), "has 501 levels of lists inside lists, quotes inside quotes or indented "
                                       "lines in all; a field may have at most 500"),
    ],
)
def test_text_that_would_make_a_build_crawl_is_refused_with_the_limit(tmp_path, text, message):
    [problem] = problems(tmp_path, AREA + f'    outcome: "{text}"\n')
    assert problem.startswith(f"x.yaml:7: focus area 1 (Career), outcome: {message}")
    assert "Take out some of the marks" in problem or "levels" not in problem
    assert validate(tmp_path, AREA + f'    outcome: "{"[" * 300}"\n')


@pytest.mark.parametrize(
    "text",
    [
        "- " * 10 + "x",
        "\\n".join("    " * i + "- x" for i in range(10)),
        "\\n".join(["- - x"] * 500 + ["- x"] * 500),
        "-5 kg\\n1.5 km\\n2026. A good year\\n*bold*",
    ],
)
def test_lists_in_lists_up_to_the_limits_are_accepted(tmp_path, text):
    assert validate(tmp_path, AREA + f'    outcome: "{text}"\n').focus_areas[0].outcome


@pytest.mark.parametrize("doc", ["README.md", "docs/client-format.md"])
def test_the_documented_client_file_passes_check(tmp_path, doc):
    import re

    from conftest import REPO

    block = re.search(r"```yaml\n(client:.*?)```", (REPO / doc).read_text(encoding="utf-8"), re.DOTALL)
    assert validate(tmp_path, block.group(1)).client.name == "Ada Example"


@pytest.mark.parametrize(
    "token, weakness",
    [
        ("a" * 64, "is made of only 1 different character"),
        ("abababababababababababab", "is made of only 2 different characters"),
        ("Ab1_Ab1_Ab1_Ab1_Ab1_Ab1_", "is made of only 4 different characters"),
        ("3hVt9QmK2xLp7RwZc5NbYaaaaaaaaa", "has one character 9 times in a row"),
    ],
)
def test_a_token_that_cannot_be_random_is_refused_with_the_fix(tmp_path, token, weakness):
    [message] = problems(tmp_path, f"client:\n  name: A\nlink:\n  token: {token}\nfocus_areas: [{{name: X}}]\n")
    assert message == (
        f"x.yaml:4: link.token: {weakness}, so it cannot be random and someone could guess the link. "
        "Make a new one with: coach-site rotate x.yaml"
    )


def test_real_random_tokens_pass_and_earlier_tokens_may_be_weak(tmp_path):
    import secrets

    from coach_site.clientfile.model import token_weakness

    assert [t for t in (secrets.token_urlsafe(16) for _ in range(10_000)) if token_weakness(t)] == []
    assert [t for t in (secrets.token_urlsafe(48) for _ in range(1_000)) if token_weakness(t)] == []
    # A rotated-away token opens nothing: it may be the weak one that was replaced.
    workbook = validate(tmp_path, HEAD.replace("  token:", f"  previous_tokens: [{'a' * 22}]\n  token:")
                        + "focus_areas:\n  - name: Career\n")
    assert workbook.link.previous_tokens == ["a" * 22]
