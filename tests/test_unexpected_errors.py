"""What `check` accepts, `build` builds; and a bug met on one client is that client's error only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT, customised
from test_publish import snapshot

BO = MINIMAL_CLIENT.replace("Ada Example", "Bo Crash").replace("3hVt9QmK2xLp7RwZc5NbYa", "BoBo7tY3pW9rQe5UiO2aSd_02")
# A coach's template that works for every client but one: a plain Python error, not a template error.
CRASH = '{% if client.name == "Bo Crash" and crash %}{{ 1 // (client.name | length - client.name | length) }}{% endif %}\n'


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1", "XDG_CACHE_HOME": str(project / ".cache")}
    return subprocess.run(
        [sys.executable, "-m", "coach_site", *args], cwd=project, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("jobs", ["1", "2"])  # in this process, and in a pool worker
def test_an_unexpected_error_of_one_client_fails_that_client_only(project, write_client, jobs):
    write_client(MINIMAL_CLIENT, "ada")
    bo = write_client(BO, "bo")
    index = customised(project, "index.md.j2")
    index.write_text(index.read_text(encoding="utf-8").replace("\n", "\n{% set crash = false %}\n", 1) + CRASH)
    assert run(project, "build", "--jobs", jobs).returncode == 0
    published = snapshot(project / "site" / "BoBo7tY3pW9rQe5UiO2aSd_02")

    index.write_text(index.read_text(encoding="utf-8").replace("{% set crash = false %}", "{% set crash = true %}"))
    write_client(MINIMAL_CLIENT.replace("Career", "Career now"), "ada")
    bo.write_text(BO.replace("Career", "Health"))
    result = run(project, "build", "--jobs", jobs)

    assert result.returncode == 1, result.stderr  # a client failed; not an internal error of the run
    assert "internal error while building this workbook: ZeroDivisionError" in result.stderr
    assert "clients/bo.yaml: internal error" in result.stderr
    assert "Built 1, failed 1" in result.stderr
    assert "area-career-now.html" in {p.name for p in (project / "site" / "3hVt9QmK2xLp7RwZc5NbYa").iterdir()}
    assert snapshot(project / "site" / "BoBo7tY3pW9rQe5UiO2aSd_02") == published  # Bo's link shows what it showed
    # The build record was kept: Ada, unchanged since, is not built again.
    again = run(project, "build", "clients/ada.yaml", "--jobs", jobs)
    assert again.returncode == 0 and "Built 0, failed 0, skipped 1" in again.stderr, again.stderr


@pytest.mark.parametrize(
    "text",
    [
        MINIMAL_CLIENT + '    outcome: "Yes \\ud83d"\n',  # half of an emoji
        MINIMAL_CLIENT + '    outcome: "' + "[" * 4000 + '"\n',  # minutes of Markdown
        MINIMAL_CLIENT.replace("3hVt9QmK2xLp7RwZc5NbYa", "a" * 300),  # a folder name too long to exist
    ],
)
def test_what_check_refuses_is_never_an_internal_error_of_build(project, write_client, text):
    write_client(text)
    checked, built = run(project, "check"), run(project, "build")
    assert checked.returncode == 1 and built.returncode == 1, (checked.stderr, built.stderr)
    assert "internal error" not in built.stderr and "clients/ada-example.yaml:" in built.stderr
