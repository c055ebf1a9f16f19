"""The editor support the README promises, in the real YAML language server.

`make test` installs the pinned `yaml-language-server` into .tools/; these tests start it
as an editor does (`--stdio`), open client files that point to the schema in their first
line, as `new` writes it, and read what the coach would see: the underlined mistakes,
the completion list and the hints. Each file is also checked by `check`'s own rules: what
one accepts the other must accept.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLIENT, REPO, copy_project
from lsp import LanguageServer
from test_cli import TOKEN, run

from coach_site.clientfile.catalogue import QUESTIONS
from coach_site.clientfile.schema import SCHEMA_FILE, modeline, schema_text
from coach_site.clientfile.shapes import DAY_PATTERN
from coach_site.errors import ClientFileError
from coach_site.workbook.pipeline import check_client

SERVER = REPO / ".tools" / "node_modules" / ".bin" / "yaml-language-server"

HEAD = f"""\
{modeline()}
client:
  name: Ada Example
link:
  token: {TOKEN}
"""

# Files `check` accepts: the editor must not underline anything in them.
ACCEPTED = {
    "empty sections": "sessions:\nvalues:\nfocus_areas:\nhomework:\nschedule:\nted_talk:\n"
    "anything_we_missed:\nlanguage:\n",
    "empty fields and list items": """\
sessions:
  strategy:
  next:
values:
  -
focus_areas:
  - name: Career
    outcome:
    satisfaction:
    next_steps:
      -
    notes:
  -
homework:
  due:
  action_items:
    -
""",
    "ratings written as text": """\
focus_areas:
  - name: Career
    satisfaction: "7"
  - name: Health
    satisfaction: {2026-09-15: "5", 2026-10-13: 6}
  - name: Home
    satisfaction: {}
""",
    "steps done, and one step without its dash": """\
focus_areas:
  - name: Career
    next_steps:
      - step: Renew passport
        done: 2026-10-02
      - {step: Book the course, done: true}
      - {step: Call Sam, done: yes}
      - Ask for feedback
homework:
  action_items: Write the first page
""",
    "a leap day, answers YAML 1.2 reads as numbers or true": """\
sessions:
  next: 2028-02-29
  values: 2000-02-29
focus_areas:
  - name: 2026
    outcome: true
    why_it_matters: 42
values:
  - name: no
    meaning: 1.10
""",
    "an address in any script, an earlier token written alone": HEAD.replace(
        "Ada Example\n", "Ada Example\n  email: ada@bücher.de\n"
    ) + "  previous_tokens: 9fKq2WmZ7xLp3RtYc8NbVa\n",
}

# Files `check` refuses: (what to add to HEAD, or a whole file; the text on the line the editor
# must underline; words the underline says, or None).
REFUSED = {
    "a rating history keyed by a word": ("focus_areas:\n  - name: Career\n    satisfaction:\n      someday: 5\n",
                                         "someday", "maps dates"),
    "30 February": ("homework:\n  due: 2026-02-30\n", "2026-02-30", "real date"),
    "29 February of a common year": ("sessions:\n  next: 2027-02-29\n", "2027-02-29", "real date"),
    "29 February of 1900": ("sessions:\n  next: 1900-02-29\n", "1900-02-29", "real date"),
    "a date in another order": ("sessions:\n  next: 20.10.2026\n", "20.10.2026", "YYYY-MM-DD"),
    "month 13": ("homework:\n  due: 2026-13-01\n", "2026-13-01", "real date"),
    "a date with words after it": ("homework:\n  due: 2026-09-15 at 10am\n", "2026-09-15 at 10am", "real date"),
    "a rating of 11": ("focus_areas:\n  - name: Career\n    satisfaction: 11\n", "11", "maximum of 10"),
    "a rating of 0 written as text": ('focus_areas:\n  - name: Career\n    satisfaction: "0"\n', '"0"', "1 to 10"),
    "a rating of 7.5": ("focus_areas:\n  - name: Career\n    satisfaction: 7.5\n", "7.5", "1 to 10"),
    "a history rating of 12": ("focus_areas:\n  - name: Career\n    satisfaction: {2026-09-15: 12}\n", "12}",
                               "maximum of 10"),
    "a misspelt question": ("focus_areas:\n  - name: Career\n    outcme: A team of five\n", "outcme", None),
    "a section written as text": ("homework: next week\n", "next week", None),
    "an area without a name": ("focus_areas:\n  - name:\n", "  - name:", None),
    "a note on no question": ("focus_areas:\n  - name: Career\n    notes:\n      outcom: still true\n", "outcom",
                              None),
    "a step done false": ("focus_areas:\n  - name: Career\n    next_steps:\n      - {step: Call, done: false}\n",
                          "false", "or true"),
    "a step done someday": ("homework:\n  action_items:\n    - {step: Call, done: someday}\n", "someday", "or true"),
    "a step done without its text": ("homework:\n  action_items:\n    - done: 2026-10-02\n", "done:", None),
    "nine focus areas": ("focus_areas:\n" + "".join(f"  - name: Area {n}\n" for n in range(9)), "Area 0",
                         None),
    "a short token": (HEAD.replace(TOKEN, "abc123"), "abc123", "coach-site rotate"),
    "a token with one character 8 times in a row": (HEAD.replace(TOKEN, "3hVt9QmKaaaaaaaaRwZc5N"), "aaaaaaaa",
                                                    "in a row"),
    "an email address without a dot": (HEAD.replace("Ada Example\n", "Ada Example\n  email: ada@example\n"),
                                       "ada@example", "email address"),
    "an email address with a space": (HEAD.replace("Ada Example\n", "Ada Example\n  email: ada @example.org\n"),
                                      "ada @example", "email address"),
    "an empty name": (HEAD.replace("name: Ada Example", 'name: " "'), 'name: " "', "empty"),
}

# What JSON Schema cannot say, so only `check` refuses it: (the file, how docs/client-format.md names it).
ONLY_CHECK_REFUSES = {
    "two areas with one name": ("focus_areas:\n  - name: Career\n  - name: career\n", "two focus areas with one name"),
    "a token of 7 different characters": (HEAD.replace(TOKEN, "abcdefgabcdefgabcdefgab"), "fewer than 8 different"),
    "a language code the workbook does not know": ("language: deu\n", "language code"),
}


def whole_file(text: str) -> str:
    return text if text.startswith(modeline()) else HEAD + text


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A practice's clients/ folder with the schema `new` writes beside the files."""
    project = copy_project(tmp_path_factory.mktemp("editor") / "project")
    assert run(project, "new", "Ada Example").returncode == 0
    shutil.copy(EXAMPLE_CLIENT, project / "clients" / EXAMPLE_CLIENT.name)
    assert (project / "clients" / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()
    return project / "clients"


@pytest.fixture(scope="module")
def editor(clients: Path):
    if not SERVER.exists():
        pytest.fail(
            f"the YAML language server is not installed at {SERVER.relative_to(REPO)}; "
            "`make test` installs it (or run `make yaml-language-server`)",
            pytrace=False,
        )
    with LanguageServer([str(SERVER), "--stdio"], clients.parent) as server:
        yield server


def underlined(editor: LanguageServer, path: Path) -> list[tuple[int, str]]:
    """(line, message) of every mistake the editor underlines in the file, lines from 0."""
    return [(d["range"]["start"]["line"], d["message"]) for d in editor.diagnostics(editor.open(path))]


def check_refuses(path: Path) -> bool:
    try:
        check_client(path)
    except ClientFileError:
        return True
    return False


def write(clients: Path, name: str, text: str) -> Path:
    path = clients / (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".yaml")
    path.write_text(whole_file(text), encoding="utf-8")
    return path


def test_the_example_and_a_fresh_file_from_new_open_without_a_mistake(editor, clients):
    for name in (EXAMPLE_CLIENT.name, "ada-example.yaml"):
        path = clients / name
        assert not check_refuses(path)
        assert underlined(editor, path) == [], name


@pytest.mark.parametrize("case", ACCEPTED)
def test_what_check_accepts_the_editor_accepts(editor, clients, case):
    path = write(clients, case, ACCEPTED[case])
    assert not check_refuses(path), case
    assert underlined(editor, path) == []


@pytest.mark.parametrize("case", REFUSED)
def test_what_check_refuses_the_editor_underlines_on_its_line(editor, clients, case):
    text, on_line, words = REFUSED[case]
    path = write(clients, case, text)
    assert check_refuses(path), case
    line = next(n for n, content in enumerate(whole_file(text).splitlines()) if on_line in content)
    marks = underlined(editor, path)
    assert marks, f"{case}: nothing underlined"
    assert line in [at for at, _ in marks], marks
    if words:
        assert any(words in message for at, message in marks if at == line), marks


@pytest.mark.parametrize("case", ONLY_CHECK_REFUSES)
def test_what_json_schema_cannot_say_is_left_to_check(editor, clients, case):
    """The limits the docs name: if the editor learns one, the docs should say so."""
    text, named = ONLY_CHECK_REFUSES[case]
    path = write(clients, case, text)
    assert check_refuses(path)
    assert underlined(editor, path) == []
    assert named in " ".join((REPO / "docs" / "client-format.md").read_text(encoding="utf-8").split())


def completion_at_end(editor: LanguageServer, clients: Path, name: str, text: str) -> list[dict]:
    path = clients / name
    path.write_text(text, encoding="utf-8")
    uri = editor.open(path)
    editor.diagnostics(uri)  # the schema is loaded
    lines = text.split("\n")
    return editor.completion(uri, len(lines) - 1, len(lines[-1]))


def inserted(item: dict) -> str:
    return (item.get("textEdit") or {}).get("newText") or item.get("insertText") or item["label"]


def test_completion_offers_every_top_level_field_and_inserts_no_null(editor, clients):
    top = ["client", "link", "sessions", "values", "focus_areas", "homework", "schedule", "ted_talk",
           "anything_we_missed", "language"]
    items = completion_at_end(editor, clients, "typing.yaml", f"{modeline()}\n")
    assert set(top) <= {item["label"] for item in items}, editor.log()
    items = completion_at_end(editor, clients, "typing-more.yaml", HEAD)
    offered = {item["label"]: inserted(item) for item in items}
    assert set(top[2:]) <= set(offered), editor.log()
    assert offered["focus_areas"].startswith("focus_areas:")
    for item in items:
        assert "null" not in inserted(item), item


def test_completion_in_a_focus_area_offers_its_questions(editor, clients):
    items = completion_at_end(editor, clients, "typing-area.yaml", HEAD + "focus_areas:\n  - name: Career\n    ")
    offered = {item["label"] for item in items}
    assert {q.field for q in QUESTIONS.focus_area} <= offered
    for item in items:
        assert "null" not in inserted(item), item


def test_hover_shows_each_question_under_its_label(editor, clients):
    path = clients / EXAMPLE_CLIENT.name
    uri = editor.open(path)
    editor.diagnostics(uri)
    lines = path.read_text(encoding="utf-8").splitlines()
    first_area = lines.index("focus_areas:")
    shown = 0
    for asked in QUESTIONS.focus_area:
        key = f"    {asked.field}:"
        at = next(n for n in range(first_area, len(lines)) if lines[n].startswith(key))
        text = editor.hover(uri, at, len(key) - 3)
        assert text.startswith(f"#### {asked.label}\n"), text
        assert asked.question in text
        assert "||" not in text
        shown += 1
    assert shown == len(list(QUESTIONS.focus_area))


def test_the_date_pattern_knows_the_calendar():
    """The schema's date pattern accepts exactly the days that exist, as `check` does."""
    pattern = re.compile(DAY_PATTERN)
    for year, month, day in itertools.product((1, 1900, 2000, 2024, 2026, 2027, 2100, 2400), range(0, 14), range(0, 33)):
        text = f"{year:04d}-{month:02d}-{day:02d}"
        try:
            dt.date.fromisoformat(text)
            real = True
        except ValueError:
            real = False
        assert bool(pattern.search(text)) == real, text
    assert not pattern.search("0000-01-01") and not pattern.search("2026-9-15")
    for around in ("note 2026-09-15", "2026-09-15 at 10am", "x2026-09-15"):  # a date is the whole value
        assert not pattern.search(around), around


def test_the_schema_has_no_defaults_for_the_editor_to_insert():
    text = schema_text()
    assert '"default"' not in text
    assert '"anyOf"' not in json.dumps(json.loads(text)["$defs"]["FocusArea"])
