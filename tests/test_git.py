"""The git adapter: real git, its failures told in git's own last line."""

from __future__ import annotations

import subprocess

import pytest

from coach_site.errors import CoachSiteError
from coach_site.git import GitFailed, GitMissing, git, git_bytes, last_line, try_git


@pytest.fixture
def repo(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    return tmp_path


def test_a_failing_git_command_says_what_git_said_last(repo):
    nowhere = str(repo / "no-such-remote")
    expected = subprocess.run(["git", "fetch", nowhere], cwd=repo, capture_output=True, text=True)
    assert expected.returncode != 0 and len(expected.stderr.strip().splitlines()) > 1
    with pytest.raises(GitFailed) as failed:
        git("fetch", nowhere, cwd=repo)
    assert str(failed.value) == f"git fetch: {expected.stderr.strip().splitlines()[-1]}"
    assert isinstance(failed.value, CoachSiteError)  # the CLI shows it as one line, no traceback


def test_the_message_names_the_sub_command_not_the_options_before_it(repo):
    with pytest.raises(GitFailed, match=r"^git commit: "):
        git("-c", "user.name=x", "-c", "user.email=x@y", "commit", "-q", "-m", "nothing to commit", cwd=repo)


def test_output_comes_as_text_and_as_bytes(repo):
    (repo / "a.txt").write_bytes(b"caf\xe9\n")  # Latin-1: not UTF-8
    git("add", "a.txt", cwd=repo)
    git("-c", "user.name=x", "-c", "user.email=x@y", "commit", "-q", "-m", "one", cwd=repo)
    assert git_bytes("show", "HEAD:a.txt", cwd=repo) == b"caf\xe9\n"
    assert git("show", "HEAD:a.txt", cwd=repo) == "caf\ufffd\n"  # shown, never a crash


def test_a_failure_that_is_an_answer_is_handed_back(repo):
    result = try_git("config", "no.such-setting", cwd=repo)
    assert not result.ok and result.returncode == 1 and result.stdout == ""


def test_no_git_on_the_path_is_its_own_error(repo, monkeypatch):
    monkeypatch.setenv("PATH", str(repo))  # a folder with no git in it
    with pytest.raises(GitMissing, match="git is not installed"):
        git("status", cwd=repo)


def test_last_line():
    assert last_line("hint: one\nfatal: two\n\n") == "fatal: two"
    assert last_line("  \n") == ""
