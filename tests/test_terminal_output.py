"""What a client file or a coachee wrote reaches the coach's terminal as words only:
no escape sequence, control character or bidi override gets through, through the real CLI."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import EXAMPLE_CLIENT
from test_cli import run
from test_coach_tools import run_on_terminal

TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"
# Clear the screen, a hidden hyperlink, a window title, a carriage return that overwrites
# the line, the bell, the one-byte CSI, a right-to-left override.
HOSTILE = (
    "\x1b[2J\x1b[H\x1b]8;;https://evil.example/\x07click me\x1b]8;;\x07"
    "\x1b]0;pwned\x1b\\\rOK\x07\x9b2J\u202egnp.exe\x00"
)
CONTROLS = ["\x1b", "\x07", "\x9b", "\u202e", "\x00"]
HIDDEN = ["evil.example", "pwned"]  # inside a sequence: gone with it


def assert_only_words(output: str, shown_escaped: bool = False) -> None:
    """No control gets through; nor do the words inside a sequence, unless the output shows
    the client file's YAML, where they stand as harmless escapes (`\\x1b]0;pwned`)."""
    output = re.sub(r"\x1b\[[0-9;]*m", "", output)  # coach-site's own colours and bold
    for fragment in CONTROLS + ([] if shown_escaped else HIDDEN):
        assert fragment not in output, f"{fragment!r} reached the terminal"
    assert "\r" not in output.replace("\r\n", "\n")


@pytest.fixture
def hostile_reflections(project):
    # YAML lets a file hold a raw right-to-left override, e.g. in a comment: the diff shows it.
    (project / "clients" / EXAMPLE_CLIENT.name).write_text(EXAMPLE_CLIENT.read_text().replace(
        "      - Put Sunday calls in the shared calendar\n", "      - Put Sunday calls in the shared calendar\n      # \u202eevil\n"
    ))
    escaped = HOSTILE.encode("unicode_escape").decode().replace('"', '\\"')
    (project / "r.yaml").write_text(
        f'link:\n  token: "{TOKEN}"\nfocus_areas:\n'
        f'  - name: "Relationships"\n    next_steps: ["Call {escaped} mum"]\n'
        f'  - name: "Unknown {escaped} area"\n    outcome: "x"\n'
        f'anything_we_missed: "My {escaped} side"\n'
    )
    return ["import-reflections", f"clients/{EXAMPLE_CLIENT.name}", "r.yaml"]


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_summary_prints_the_coachees_words_only(project, hostile_reflections, dry_run):
    args = hostile_reflections + (["--dry-run"] if dry_run else [])
    output = run_on_terminal(project, *args, no_color=False)  # colours on: nothing strips for us
    assert "filled: Relationships: new next step: Call" in output and "click me" in output
    assert "skipped: Unknown" in output and "My" in output
    assert_only_words(output, shown_escaped=dry_run)
    piped = run(project, *args)
    assert piped.returncode == 0, piped.stderr
    assert_only_words(piped.stdout + piped.stderr, shown_escaped=dry_run)


def test_list_prints_names_and_problems_as_words_only(project):
    text = EXAMPLE_CLIENT.read_text()
    shutil.copy(EXAMPLE_CLIENT, project / "clients" / "maya\x1b[2J\x1b[H\x1b]0;pwned\x07\rOK\x9b2J\u202egnp.yaml")
    escaped = HOSTILE.encode("unicode_escape").decode().replace('"', '\\"')
    (project / "clients" / "broken.yaml").write_text(
        text.replace("  next: 2026-10-20", f'  next: "{escaped}"').replace(TOKEN, "Br0kenTokenQmK2xLp7RwZ")
    )
    output = run_on_terminal(project, "list", no_color=False)
    assert "mayaOKgnp" in output and "broken.yaml:13: sessions.next:" in output
    assert_only_words(output)
    # For scripts, as JSON: the file's name kept whole, every such character in it written as an escape.
    scripted = run_on_terminal(project, "list", "--json", no_color=True)
    assert "maya\\u001b[2J" in scripted and "\\u202egnp" in scripted and "evil.example" not in scripted
    assert_only_words(scripted, shown_escaped=True)


def test_an_error_quoting_the_coachees_words_prints_them_as_words_only(project, hostile_reflections):
    escaped = HOSTILE.encode("unicode_escape").decode().replace('"', '\\"')
    (project / "r.yaml").write_text(
        f'link:\n  token: "{TOKEN}"\nfocus_areas:\n  - name: "Rel {escaped}"\n    barriers: a\n'
        f'  - name: "rel {escaped}"\n    barriers: b\n'
    )
    result = run(project, *hostile_reflections)
    assert result.returncode == 1 and "the same focus area" in result.stderr
    assert_only_words(result.stderr)
