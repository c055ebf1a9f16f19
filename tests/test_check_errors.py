"""`coach-site check` on the mistakes a coach who never heard of YAML makes: each one names
the file and the line, says what is wrong in plain words and how to fix it; exit 1, no traceback.

Every broken file is checked by one real `coach-site check` run (it lists each file's problems).
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

TOKEN = "<token>"  # each file gets its own: files checked together must not share a link
HEAD = f"client:\n  name: Ada Example\nlink:\n  token: {TOKEN}\n"
AREA = HEAD + "focus_areas:\n  - name: Career\n"  # the area's fields go on from line 7
NBSP = "\u00a0"

# name -> (file text, line, words the message must hold)
CASES: dict[str, tuple[str, int, list[str]]] = {
    "tab": (
        "client:\n\tname: Ada Example\n" + HEAD[len("client:\n  name: Ada Example\n"):],
        2, ["indented with a tab", "replace the tab at the start of the line with spaces"],
    ),
    "colon": (
        AREA + "    why_it_matters: Freedom: mine\n",
        7, ["colon followed by a space (after `Freedom`)", "start of a new field",
            'Put the whole answer in quotes: `why_it_matters: "Freedom: mine"`', "below `|`"],
    ),
    "curly-quotes": (
        AREA + "    why_it_matters: “Freedom: mine”\n",
        7, ["curly quotes (“ ”)", "only straight quotes", 'Type straight quotes instead: `why_it_matters: "Freedom: mine"`'],
    ),
    "lines-without-bar": (
        AREA + "    why_it_matters: I want freedom\nand to be home by six\n",
        8, ["goes on with the answer of `why_it_matters:` on line 7", "only when it starts with `|`",
            "Write `why_it_matters: |`"],
    ),
    "lines-without-bar-with-colon": (
        AREA + "    why_it_matters: I want freedom\n      and to be home: by six\n",
        8, ["goes on with the answer of `why_it_matters:` on line 7", "Write `why_it_matters: |`"],
    ),
    "lines-joined": (
        AREA + "    why_it_matters: I want freedom\n      and to be home by six\n",
        8, ["focus area 1 (Career), why_it_matters:", "starts on line 7", "joins such lines into one line",
            "write `why_it_matters: |`", "to have one line, join them"],
    ),
    "indented-too-little": (
        AREA + "    outcome: Lead the team\n   why_it_matters: Growth\n",
        8, ["`why_it_matters:` starts 3 spaces from the left", "`outcome:` on line 7", "starts 4",
            "add 1 space before `why_it_matters:`"],
    ),
    "indented-too-much": (
        AREA + "    outcome: Lead the team\n      why_it_matters: Growth\n",
        8, ["`why_it_matters:` starts 6 spaces from the left", "take away 2 spaces before `why_it_matters:`"],
    ),
    "area-without-dash": (
        AREA + "  name: Health\n",
        7, ["this focus area has no `- ` in front", "lined up with the `- ` on line 6", "write `  - name: Health`"],
    ),
    "value-without-dash": (
        HEAD + "values:\n  - name: Family\n  name: Craft\n",
        7, ["this value has no `- ` in front", "write `  - name: Craft`"],
    ),
    "nbsp-indentation": (
        AREA + "    outcome: Lead\n" + NBSP * 4 + "barriers: Time\n",
        8, ["non-breaking space", "at character 1 of this line", "type an ordinary one"],
    ),
    "nbsp-after-colon": (
        AREA + "    outcome:" + NBSP + "Lead\n    barriers: Time\n",
        7, ["non-breaking space", "at character 13 of this line"],
    ),
    "nbsp-after-name": (
        HEAD + "focus_areas:\n  - name:" + NBSP + "Career\n",
        6, ["non-breaking space", "at character 10 of this line"],
    ),
    "token-line-deleted": (
        "client:\n  name: Ada Example\nlink:\nfocus_areas:\n  - name: Career\n",
        3, ["link: the private link's token", "is missing", "`git diff x.yaml`", "`git checkout x.yaml`",
            "`git log -p x.yaml`", "coach-site rotate x.yaml"],
    ),
    "token-emptied": (
        "client:\n  name: Ada Example\nlink:\n  token:\nfocus_areas:\n  - name: Career\n",
        4, ["link.token: the private link's token", "`git log -p x.yaml`", "coach-site rotate x.yaml"],
    ),
    "link-deleted": (
        "client:\n  name: Ada Example\nfocus_areas:\n  - name: Career\n",
        1, ["link: the private link's token", "`git checkout x.yaml`", "coach-site rotate x.yaml"],
    ),
    "area-by-number-and-name": (
        AREA + "  - name: Health\n    satisfaction: 11\n",
        8, ["focus area 2 (Health), satisfaction: 11 is not between 1 and 10"],
    ),
    "step-by-number": (
        AREA + "    next_steps:\n      - Renew passport\n      - Call Bo # today\n",
        9, ["focus area 1 (Career), next step 2:", "the text after ` #`"],
    ),
    "value-by-number-and-name": (
        HEAD + "values:\n  - name: Family\n  - name: Craft\n    meanng: Fewer things\n",
        8, ["value 2 (Craft), meanng: unknown field (did you mean `meaning`?)"],
    ),
    "did-you-mean-stays": (
        AREA + "    outcom: Lead\n",
        7, ["focus area 1 (Career), outcom: unknown field (did you mean `outcome`?)"],
    ),
    "dates-stay": (
        AREA + "homework:\n  due: 2026-02-30\n",
        8, ["homework.due: 2026-02-30 is not a real date"],
    ),
    # What a new coach's trial still found (issue 17, second round).
    "starts-with-quote-then-more": (
        AREA + '    outcome: "Run" she said\n',
        7, ['this answer starts with `"`', "the text after it (`she said`)", "`outcome: |` and below it, "
            'indented 6 spaces, `"Run" she said`', "`outcome: '\"Run\" she said'`"],
    ),
    "starts-with-bracket-then-more": (
        AREA + "    outcome: [optional] run 5k\n",
        7, ["this answer starts with `[`", "a list written in brackets", "(`run 5k`)", "`outcome: |`",
            '`outcome: "[optional] run 5k"`'],
    ),
    "starts-with-brace-then-more": (
        AREA + "    outcome: {maybe} run 5k\n",
        7, ["this answer starts with `{`", "(`run 5k`)", "`outcome: |`", '`outcome: "{maybe} run 5k"`'],
    ),
    "item-starts-with-quote-then-more": (
        AREA + '    next_steps:\n      - "Run" twice a week\n      - Sleep\n',
        8, ['this answer starts with `"`', "(`twice a week`)", "`- |` and below it, indented 8 spaces",
            "`- '\"Run\" twice a week'`"],
    ),
    "starts-with-quote-holding-both-kinds": (
        AREA + "    outcome: \"Run\" she's fast\n",
        7, ["this answer starts with `\"`", "`outcome: '\"Run\" she''s fast'`"],
    ),
    "whole-answer-in-quotes-holding-one": (
        AREA + "    outcome: 'I don't know'\n",
        7, ["this answer starts with `'`", "(`t know'`)", '`outcome: "I don\'t know"`'],
    ),
    "quote-never-closed": (
        AREA + '    outcome: "Running 5k...\n    barriers: Time\n    satisfaction: 4\n'
        "  - name: Health\n    outcome: Sleep\n    barriers: Kids\n    satisfaction: 5\n",
        7, ['this answer starts with `"`', "the quote is not closed on this line", "up to the end of the file",
            'end it with `"` on this line', "`outcome: |` and below it"],
    ),
    "quote-closed-lines-later": (
        AREA + '    outcome: "Running 5k...\n    barriers: Time\n    satisfaction: 4\n'
        '  - name: Health\n    outcome: "Sleep" more\n',
        7, ["the quote is not closed on this line", 'up to the next `"`, on line 11', "`outcome: |`"],
    ),
    "apostrophe-first": (
        AREA + "    outcome: 'Cause I can run 5k\n    barriers: Time\n  - name: Health\n",
        7, ["this answer starts with `'`", "the quote is not closed on this line", "`outcome: |` and below it, "
            "indented 6 spaces, `'Cause I can run 5k`", "`outcome: \"'Cause I can run 5k\"`"],
    ),
    "colon-then-list": (
        AREA + "    outcome: My goals are:\n      - run 5k\n      - sleep 8h\n",
        7, ["ends with a colon and continues on the lines below it", "`outcome: |` and below it, each indented "
            "6 spaces, `My goals are:`, `- run 5k`, `- sleep 8h`"],
    ),
    "tab-after-colon": (
        AREA + "    satisfaction:\t4\n",
        7, ["a tab after `satisfaction:`", "replace the tab with one space"],
    ),
    "empty-field-then-field-too-far": (
        AREA + "    barriers:\n      satisfaction: 4\n",
        8, ["`satisfaction:` on line 8 is indented further than the fields beside it", "part of `barriers:`",
            "take away 2 spaces before `satisfaction:`"],
    ),
    "empty-list-then-field-too-far": (
        AREA + "    next_steps:\n      outcome: Lead\n",
        8, ["`outcome:` on line 8 is indented further", "take away 2 spaces before `outcome:`"],
    ),
    "answer-below-empty-field-with-colon": (
        AREA + "    outcome:\n      Why: it matters to me\n",
        8, ["focus area 1 (Career), outcome: the line below `outcome:` is read as a field of its own (`Why:`)",
            "write `outcome: |`"],
    ),
    "fields-in-braces-where-a-list-goes": (  # written so, not indented by mistake: said as it is
        AREA + "    next_steps: {outcome: Lead}\n",
        7, ["focus area 1 (Career), next_steps: expected a list (lines starting with `- `), got a mapping"],
    ),
    "area-dash-became-spaces": (
        AREA + "    outcome: Lead\n    satisfaction: 4\n    name: Health\n    outcome: Sleep\n    satisfaction: 6\n",
        9, ["the focus area that starts on this line has no `- ` before `name:`", "the focus area above (line 6)",
            "write `  - name: Health`"],
    ),
    "answer-went-on-with-colon": (
        AREA + "  - name: Health\n    why_it_matters: I want to\n    But: slowly\n",
        9, ["focus area 2 (Health), But: unknown field", "goes on with the answer above it",
            "below `why_it_matters: |`"],
    ),
    "unknown-field-first-of-its-part": (  # nothing above it that an answer could go on from
        HEAD.replace("client:\n", "client:\n  My note: new client\n"),
        2, ["client.My note: unknown field (known fields: name, preferred_name, email, timezone)\n"],
    ),
    "unknown-field-below-a-part": (  # `link:` above holds fields, not an answer
        HEAD + "My note: new client\n",
        5, ["My note: unknown field (known fields: client, link, sessions, values, focus_areas, homework, "
            "schedule, ted_talk, anything_we_missed, language, from_coachee)\n"],
    ),
    "answer-went-on-indented-with-colon": (
        AREA + "  - name: Health\n    why_it_matters: I want to\n      But: slowly\n",
        9, ["goes on with the answer of `why_it_matters:` on line 8", "Write `why_it_matters: |`"],
    ),
    # Other slips that still ended in the parser's words.
    "no-space-after-colon": (
        AREA + "    outcome:Lead the team\n",
        7, ["there is no space after `outcome:`", "`outcome: Lead the team`"],
    ),
    "no-space-after-name": (
        AREA + "  - name:Health\n",
        7, ["focus area 2: there is no space after `name:`", "`name: Health`"],
    ),
    "bracket-never-closed": (
        AREA + "    outcome: [run 5k\n    barriers: Time\n",
        7, ["this answer starts with `[`", "no `]` closes it", "`outcome: |`", '`outcome: "[run 5k"`'],
    ),
    "backslash-in-double-quotes": (
        AREA + '    outcome: "50\\50 chance"\n',
        7, ["in double quotes", "a backslash", "single quotes instead: `outcome: '50\\50 chance'`"],
    ),
    "three-dashes-line": (
        AREA + "    outcome: Lead\n---\n    barriers: Time\n",
        8, ["a line that starts with `---`", "a second file begins there", "Delete the line"],
    ),
    "answer-starts-with-dash": (
        AREA + "    outcome: - run 5k\n",
        7, ["this answer starts with `- `", '`outcome: "- run 5k"`', "`outcome: |`"],
    ),
    "step-after-colon": (
        AREA + "    next_steps: - Call Bo\n",
        7, ["a list starts on the line below its field", "write `next_steps:` alone", "`- Call Bo`, indented 6 spaces"],
    ),
    "list-below-an-answer": (
        AREA + "    outcome: Lead\n    - step one\n",
        8, ["this list item (`- `) comes below `outcome:` on line 7", "an answer or a list, not both",
            "write `outcome: |`"],
    ),
    "list-items-out-of-line": (
        AREA + "    next_steps:\n      - Call Bo\n     - Renew passport\n",
        9, ["this `- ` starts 5 spaces from the left", "on line 8, starts 6", "add 1 space before this `- `"],
    ),
    # A coach's first hour (issue 28): messages that misled, or whose fix did not work.
    "curly-quotes-then-more": (
        AREA + "    why_it_matters: “Freedom: mine” is what I want\n",
        7, ["starts with curly quotes (“ ”)", "only straight quotes",
            '`why_it_matters: "“Freedom: mine” is what I want"`'],
    ),
    "rating-history-on-one-line": (
        AREA + "    satisfaction: 2026-12-01: 5, 2026-12-07: 3\n",
        7, ["ratings with their dates", "`satisfaction: {2026-12-01: 5, 2026-12-07: 3}`",
            "one date per line below `satisfaction:`, each indented 6 spaces: `2026-12-01: 5`, `2026-12-07: 3`"],
    ),
    "rating-history-in-quotes": (
        AREA + '    satisfaction: "2026-12-01: 5, 2026-12-07: 3"\n',
        7, ["focus area 1 (Career), satisfaction: `2026-12-01: 5, 2026-12-07: 3` is read as one text",
            "`satisfaction: {2026-12-01: 5, 2026-12-07: 3}`", "one date per line"],
    ),
    "ticked-step-without-dash": (
        AREA + "    next_steps:\n      - step: Call Bo\n        done: true\n      ✅ Sign up for the 10k\n",
        10, ["a next step of the list above without its `- `", "lined up with the `- ` on line 8",
             "`      - step: Sign up for the 10k` and below it, lined up with `step:`, `done: true`",
             "marked done with `done:`"],
    ),
    "ticked-step-below-done": (
        AREA + "homework:\n  action_items:\n    - step: Call Bo\n      done: 2026-12-01\n      ✔ Book the dentist\n",
        11, ["an action item of the list above without its `- `", "`    - step: Book the dentist`"],
    ),
    "step-without-dash-below-done": (
        AREA + "    next_steps:\n      - step: Call Bo\n        done: true\n      Sign up for the 10k\n",
        10, ["a next step of the list above without its `- `", "write `      - Sign up for the 10k`"],
    ),
    "name-glued-with-fields-below": (
        HEAD + "focus_areas:\n  - name:Health\n    outcome: Run\n",
        6, ["there is no space after `name:`", "`name: Health`"],
    ),
    "area-without-name-with-fields-below": (
        AREA + "    outcome: Lead\n  - Family\n    outcome: Home by six\n",
        8, ["this focus area has no `name:`", "Write `  - name: Family`"],
    ),
    "area-without-name-alone": (
        AREA + "  - Family\n",
        7, ["focus area 2: a focus area starts with `- name:` and its name", "write `- name: Family`"],
    ),
    "value-without-name-with-fields-below": (
        HEAD + "values:\n  - Family\n    meaning: Sunday dinners\n",
        6, ["this value has no `name:`", "Write `  - name: Family`"],
    ),
    "nbsp-indentation-then-field": (
        AREA + NBSP + "   outcome: Lead\n    barriers: Time\n",
        7, ["non-breaking space", "at character 1 of this line"],
    ),
    "nbsp-before-dash": (
        AREA + "    outcome: Lead\n" + NBSP * 2 + "- name: Health\n    outcome: Run\n",
        8, ["non-breaking space", "at character 1 of this line"],
    ),
    "nbsp-indentation-mid-area": (
        AREA + "    outcome: Lead\n" + NBSP * 4 + "barriers: Time\n    how_youll_know: Sleep\n",
        8, ["non-breaking space", "at character 1 of this line"],
    ),
    "answer-written-as-a-list": (
        AREA + "    outcome:\n      - Run a 10k\n      - Lead the team\n",
        7, ["focus area 1 (Career), outcome: an answer is text, not a list",
            "write `outcome: |` and below it each line, indented 6 spaces: `Run a 10k`, `Lead the team`"],
    ),
}

# What those messages must no longer say (issue 28): a fix that leads to another error.
MISLEADING = {
    "curly-quotes-then-more": ["(“ e)", "(“ t)", '`why_it_matters: "Freedom: mine" is what I want`'],
    "rating-history-on-one-line": ["Put the whole answer in quotes"],
    "rating-history-in-quotes": ["not a whole number"],
    "ticked-step-without-dash": ["done: |"],
    "ticked-step-below-done": ["done: |"],
    "step-without-dash-below-done": ["done: |"],
    "area-without-name-alone": ["expected a mapping"],
    "answer-written-as-a-list": ["expected text, got a list"],
}

# An answer that starts with a sign YAML keeps for itself: `outcome: @home more`.
STARTS = {"at": "@home more", "backquote": "`why` not", "percent": "%50 more", "star": "*really* fit",
          "ampersand": "&more to say", "bang": "!important today", "bar": "| my answer", "angle": "> more"}
for _name, _answer in STARTS.items():
    _shown = "a backquote (`)" if _answer[0] == "`" else f"`{_answer[0]}`"
    CASES[f"starts-with-{_name}"] = (
        AREA + f"    outcome: {_answer}\n",
        7, [f"this answer starts with {_shown}", f'Put the whole answer in quotes ("{_answer}")', "below `|`"],
    )


def token_for(name: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(name.encode()).digest()[:16]).decode().rstrip("=")


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What one `coach-site check` run says about each broken file, by case."""
    folder = tmp_path_factory.mktemp("broken")
    for name, (text, _, _) in CASES.items():
        (folder / f"{name}.yaml").write_text(text.replace(TOKEN, token_for(name)), encoding="utf-8")
    files = [f"{name}.yaml" for name in CASES]
    result = subprocess.run(
        [sys.executable, "-m", "coach_site", "check", *files], cwd=folder,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder), "NO_COLOR": "1"}, capture_output=True, text=True,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    said: dict[str, str] = {}
    for line in result.stderr.splitlines():
        name, _, rest = line.partition(".yaml:")
        if name in CASES:
            said.setdefault(name, "")
            said[name] += rest + "\n"
    return said


@pytest.mark.parametrize("case", list(CASES))
def test_check_says_what_is_wrong_and_how_to_fix_it(checked: dict[str, str], case: str):
    text, line, words = CASES[case]
    said = checked.get(case, "")
    assert said.count("\n") == 1, f"one problem for {case}: {said}"
    assert said.startswith(f"{line}: "), said
    for word in words:
        assert word.replace("x.yaml", f"{case}.yaml") in said, said
    # No parser jargon a coach cannot act on.
    for jargon in ("mapping values", "block end", "simple key", "cannot start any token", "YAML syntax",
                   "end of stream", "quoted scalar", "appears twice"):
        assert jargon not in said, said
    assert not re.search(r"\w\[\d+\]", said), said  # `focus_areas[1]` is for programmers
    for misleading in MISLEADING.get(case, ()):
        assert misleading not in said, said


def test_each_case_fails_in_a_single_file_check_with_exit_one(tmp_path: Path):
    """`check FILE` alone (and build, which loads the same way) exits 1 on one of them."""
    (tmp_path / "x.yaml").write_text(CASES["colon"][0].replace(TOKEN, token_for("colon")), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "coach_site", "check", "x.yaml"], cwd=tmp_path,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"},
                            capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("x.yaml:7: this answer holds a colon followed by a space")


def test_yaml_anchors_are_still_refused_in_their_own_words(tmp_path: Path):
    from coach_site.clientfile.loader import load_client_file
    from coach_site.errors import ClientFileError

    (tmp_path / "x.yaml").write_text(HEAD.replace(TOKEN, token_for("a")) + "base: &b {x: 1}\ncopy: *b\n", encoding="utf-8")
    with pytest.raises(ClientFileError) as error:
        load_client_file(tmp_path / "x.yaml")
    assert "anchors and aliases (&name, *name) are not allowed" in str(error.value)


def test_answers_written_the_safe_ways_pass(tmp_path: Path):
    """The fixes the messages give are accepted and keep the answer as written."""
    from coach_site.clientfile.loader import load_client_file
    from coach_site.clientfile.validate import validate_client

    text = AREA + (
        '    why_it_matters: "Freedom: mine"\n'
        "    outcome: '@home more'\n"
        '    barriers: "“Freedom: mine”"\n'
        "    what_has_to_happen: |\n      I want freedom\n      and to be home: by six\n"
        "    ten_looks_like: \"*really* fit\"\n"
    )
    (tmp_path / "x.yaml").write_text(text.replace(TOKEN, token_for("safe")), encoding="utf-8")
    area = validate_client(load_client_file(tmp_path / "x.yaml")).focus_areas[0]
    assert area.why_it_matters == "Freedom: mine" and area.outcome == "@home more"
    assert area.barriers == "“Freedom: mine”" and area.ten_looks_like == "*really* fit"
    assert area.what_has_to_happen == "I want freedom\nand to be home: by six"


def test_the_fixes_for_quotes_brackets_and_colons_pass(tmp_path: Path):
    """What the messages for an answer starting with a quote, `[` or `{`, a quote never closed
    and a colon before a list say to write is accepted and keeps the answer as the coach meant it."""
    from coach_site.clientfile.loader import load_client_file
    from coach_site.clientfile.validate import validate_client

    text = AREA + (
        "    outcome: '\"Run\" she''s fast'\n"
        "    why_it_matters: |\n      [optional] run 5k\n"
        '    barriers: "{maybe} run 5k"\n'
        "    ten_looks_like: \"'Cause I can run 5k\"\n"
        "    what_has_to_happen: |\n      My goals are:\n      - run 5k\n      - sleep 8h\n"
        "    how_youll_know: \"I don't know\"\n"
        "    next_steps:\n      - '\"Run\" twice a week'\n"
        "    ten_in_3_months: |\n      \"Running 5k...\n"
    )
    (tmp_path / "x.yaml").write_text(text.replace(TOKEN, token_for("fixes")), encoding="utf-8")
    area = validate_client(load_client_file(tmp_path / "x.yaml")).focus_areas[0]
    assert area.outcome == '"Run" she\'s fast' and area.why_it_matters == "[optional] run 5k"
    assert area.barriers == "{maybe} run 5k" and area.ten_looks_like == "'Cause I can run 5k"
    assert area.what_has_to_happen == "My goals are:\n- run 5k\n- sleep 8h"
    assert area.how_youll_know == "I don't know" and area.ten_in_3_months == '"Running 5k...'
    assert area.next_steps == ['"Run" twice a week']


def test_the_fixes_of_a_coachs_first_hour_pass(tmp_path: Path):
    """What the messages of issue 28 say to write is accepted and keeps what the coach meant."""
    from coach_site.clientfile.loader import load_client_file
    from coach_site.clientfile.validate import validate_client

    text = HEAD + (
        "values:\n  - name: Family\n    meaning: Sunday dinners\n"
        "focus_areas:\n  - name: Career\n"
        '    why_it_matters: "“Freedom: mine” is what I want"\n'
        "    satisfaction: {2026-12-01: 5, 2026-12-07: 3}\n"
        "    outcome: |\n      Run a 10k\n      Lead the team\n"
        "    next_steps:\n      - step: Call Bo\n        done: true\n"
        "      - step: Sign up for the 10k\n        done: true\n      - Call mum\n"
        "  - name: Health\n    outcome: Run\n"
        "  - name: Family\n    satisfaction:\n      2026-12-01: 5\n      2026-12-07: 3\n"
    )
    (tmp_path / "x.yaml").write_text(text.replace(TOKEN, token_for("first-hour")), encoding="utf-8")
    workbook = validate_client(load_client_file(tmp_path / "x.yaml"))
    career, health, family = workbook.focus_areas
    assert career.why_it_matters == "“Freedom: mine” is what I want"
    assert career.outcome == "Run a 10k\nLead the team" and health.outcome == "Run"
    assert [r.value for r in career.satisfaction.history] == [5, 3] == [r.value for r in family.satisfaction.history]
    assert workbook.values[0].name == "Family"
    assert str(career.next_steps[1]) == "Sign up for the 10k" and career.next_steps[1].done


@pytest.mark.parametrize("case", ["token-line-deleted", "token-emptied", "link-deleted"])
def test_rotate_gives_a_file_whose_token_was_lost_a_new_link(project: Path, case: str):
    """What the lost-token message says to run works: `rotate` writes a new token and builds."""
    from coach_site.clientfile.loader import load_client_file
    from coach_site.clientfile.validate import validate_client

    client = project / "clients" / "ada.yaml"
    client.write_text(CASES[case][0], encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "coach_site", "rotate", "clients/ada.yaml"], cwd=project,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    link = validate_client(load_client_file(client)).link
    assert link.previous_tokens == [] and (project / "site" / link.token / "index.html").exists()
    assert f"/{link.token}/" in result.stdout
