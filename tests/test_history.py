"""Git in the workbook and `coach-site changes`, on real temporary repositories."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLIENT, MINIMAL_CLIENT, build
from test_cli import run

from coach_site.clientfile.history import (
    NotInGit,
    changes_base,
    last_updated,
    workbook_at,
)
from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.commands.changes import describe_changes
from coach_site.errors import CoachSiteError


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Coach", "GIT_AUTHOR_EMAIL": "coach@example.org",
           "GIT_COMMITTER_NAME": "Coach", "GIT_COMMITTER_EMAIL": "coach@example.org"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00"
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(project: Path) -> Path:
    git(project, "init", "-q")
    return project


def commit(repo: Path, message: str, date: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)


def test_updated_is_the_last_commit_that_touched_the_file(repo, write_client, tmp_path):
    client = write_client(MINIMAL_CLIENT)
    commit(repo, "first", "2026-10-20")
    (repo / "mkdocs.yml").write_text((repo / "mkdocs.yml").read_text() + "\n")
    commit(repo, "unrelated", "2026-11-02")
    assert last_updated(client) == dt.date(2026, 10, 20)
    site = build(client, repo, tmp_path / "site").site
    for page in ("index.html", "area-career.html", "homework.html"):
        assert '<p class="workbook-updated">Updated 20 October 2026</p>' in (site / page).read_text()


def test_outside_git_updated_is_the_files_own_date_without_error(project, write_client):
    client = write_client(MINIMAL_CLIENT)
    os.utime(client, (dt.datetime(2026, 3, 4, 12).timestamp(),) * 2)
    assert last_updated(client) == dt.date(2026, 3, 4)


def test_uncommitted_edits_show_the_files_own_date(repo, write_client):
    client = write_client(MINIMAL_CLIENT)
    commit(repo, "first", "2026-10-20")
    client.write_text(MINIMAL_CLIENT + "    outcome: Lead\n")
    os.utime(client, (dt.datetime(2026, 11, 24, 9).timestamp(),) * 2)
    assert last_updated(client) == dt.date(2026, 11, 24)


def area_client(rating: int, outcome: str, steps: list[str]) -> str:
    lines = "".join(f"      - {s}\n" for s in steps)
    return MINIMAL_CLIENT.replace(
        "  - name: Career\n",
        f"  - name: Career\n  - name: Health\n    satisfaction: {rating}\n    outcome: {outcome}\n    next_steps:\n{lines}",
    )


def test_changes_since_the_previous_commit_in_coaching_terms(repo, write_client):
    client = write_client(area_client(3, "Run a 10k", ["Buy shoes"]))
    commit(repo, "session 1", "2026-09-15")
    client.write_text(area_client(4, "Run a half marathon", ["Buy shoes", "Join a running club"]))
    commit(repo, "session 2", "2026-10-13")
    result = run(repo, "changes", "clients/ada-example.yaml")
    assert result.returncode == 0, result.stderr
    assert "changes since" in result.stdout and "(2026-09-15)" in result.stdout
    assert "- Health: rating 3 -> 4; outcome reworded; new next step: Join a running club" in result.stdout
    # With uncommitted edits, the default is the last commit.
    client.write_text(area_client(5, "Run a half marathon", ["Join a running club"]))
    result = run(repo, "changes", "clients/ada-example.yaml")
    assert "(2026-10-13)" in result.stdout
    assert "- Health: rating 4 -> 5; next step removed: Buy shoes" in result.stdout
    # --since any revision.
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    result = run(repo, "changes", "clients/ada-example.yaml", "--since", first)
    assert "- Health: rating 3 -> 5; outcome reworded; new next step: Join a running club; next step removed: Buy shoes" in result.stdout


def test_changes_outside_git_or_at_an_unknown_revision_is_a_clear_error(project, write_client, repo):
    write_client(MINIMAL_CLIENT)
    commit(repo, "first", "2026-09-15")
    result = run(repo, "changes", "clients/ada-example.yaml", "--since", "no-such-rev")
    assert result.returncode == 1 and "unknown revision no-such-rev" in result.stderr
    outside = project.parent / "outside"
    outside.mkdir()
    (outside / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text())
    (outside / "x.yaml").write_text(MINIMAL_CLIENT)
    result = run(outside, "changes", "x.yaml")
    assert result.returncode == 1 and "is not in a git repository" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(NotInGit):
        changes_base(outside / "x.yaml", None)


def test_a_file_committed_once_is_new_and_an_old_version_is_read_from_git(repo, write_client):
    client = write_client(MINIMAL_CLIENT)
    commit(repo, "first", "2026-09-15")
    assert changes_base(client, None) == (None, None)
    assert describe_changes(None, validate_client(load_client_file(client))) == ["New client file: everything is new."]
    assert workbook_at(client, "HEAD").client.name == "Ada Example"
    with pytest.raises(CoachSiteError):
        changes_base(client, "HEAD~5")


def test_describe_changes_covers_areas_values_homework_and_sessions(tmp_path):
    before = validate_client(load_client_file(EXAMPLE_CLIENT))
    text = EXAMPLE_CLIENT.read_text()
    text = text.replace("  - name: Courage\n", "  - name: Courage\n    meaning: Saying the hard thing kindly.\n  - name: Play\n")
    text = text.replace("  due: 2026-09-29", "  due: 2026-10-27").replace("  next: 2026-10-20", "  next: 2026-11-03")
    text = text.replace("  - name: Relationships", "  - name: Money\n  - name: Relationships")
    text = text.replace("    - Find out who else applied for the lead role last year\n", "")
    text = text.replace("  title: The quiet lead", "  title: The quiet leader")
    changed = tmp_path / "maya.yaml"
    changed.write_text(text)
    lines = describe_changes(before, validate_client(load_client_file(changed)))
    assert "Money: new focus area" in lines
    assert "Values: new value Play; Courage: meaning written" in lines
    assert ("Homework: due 29 September 2026 -> 27 October 2026; "
            "action item removed: Find out who else applied for the lead role last year") in lines
    assert "Next session: 20 October 2026 -> 3 November 2026" in lines
    assert "TED talk: title reworded" in lines
    assert describe_changes(before, before) == ["No changes."]


def test_many_files_at_once_agree_with_one_at_a_time(repo, write_client, tmp_path):
    from coach_site.clientfile.history import last_updated_many

    committed = write_client(MINIMAL_CLIENT, "committed")
    edited = write_client(MINIMAL_CLIENT, "edited")
    commit(repo, "first", "2026-10-20")
    edited.write_text(MINIMAL_CLIENT + "    outcome: Lead\n")
    untracked = write_client(MINIMAL_CLIENT, "untracked")
    outside = tmp_path / "elsewhere" / "x.yaml"
    outside.parent.mkdir()
    outside.write_text(MINIMAL_CLIENT)
    files = [committed, edited, untracked, outside]
    assert last_updated_many(files) == {f: last_updated(f) for f in files}
    assert last_updated_many(files)[committed] == dt.date(2026, 10, 20)


def test_changes_over_an_earlier_version_that_is_not_utf8_is_a_clear_error(repo, write_client):
    client = write_client("")
    client.write_bytes(MINIMAL_CLIENT.replace("Ada Example", "Ad\xe9 Example").encode("latin-1"))
    commit(repo, "saved as Latin-1", "2026-09-15")
    client.write_text(MINIMAL_CLIENT.replace("Ada Example", "Adé Example"))
    commit(repo, "saved as UTF-8", "2026-09-22")
    result = run(repo, "changes", "clients/ada-example.yaml")
    assert result.returncode == 1 and "internal error" not in result.stderr and "Traceback" not in result.stderr
    short = git(repo, "log", "-1", "--format=%h", "HEAD~1").strip()
    assert (f"clients/ada-example.yaml: the version at {short} is not UTF-8 text (line 2), so there is "
            "nothing to compare with. Compare with a later version: --since REVISION.") in result.stderr
    # From the UTF-8 version on, it works.
    client.write_text(MINIMAL_CLIENT.replace("  - name: Career\n", "  - name: Career\n    outcome: Lead\n"))
    result = run(repo, "changes", "clients/ada-example.yaml")
    assert result.returncode == 0, result.stderr
    assert "- Career: outcome written" in result.stdout
