"""A git branch's history is published too: what a link no longer opens must not stay in it.

A workbook sealed after it was published plain, or one rotated to a new link and pruned,
would still be readable in the branch's earlier commits: `publish` then replaces the
history with one new commit (a force push), after saying so and asking. A publish with
nothing new makes no commit at all.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT

TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"


def run(project: Path, *args: str, answer: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1", "XDG_CACHE_HOME": str(project / ".cache")}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300, input=answer)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={repo}", *args], capture_output=True, text=True, check=True).stdout


def every_path_ever(repo: Path) -> set[str]:
    return set(git(repo, "log", "--format=", "--name-only", "gh-pages").split())


@pytest.fixture
def remote(tmp_path) -> Path:
    bare = tmp_path / "host.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    return bare


def test_a_second_publish_with_nothing_new_makes_no_commit(project, write_client, remote):
    write_client(MINIMAL_CLIENT, "ada")
    assert run(project, "publish", "--to", f"git:{remote}").returncode == 0
    again = run(project, "publish", "--to", f"git:{remote}")
    assert again.returncode == 0, again.stderr
    assert "Nothing new to publish" in again.stderr
    assert len(git(remote, "log", "--format=%H", "gh-pages").split()) == 1


def test_sealing_a_workbook_published_plain_replaces_the_branchs_history(project, write_client, remote):
    ada = write_client(MINIMAL_CLIENT + "    outcome: Lead the design team\n", "ada")
    assert run(project, "publish", "--to", f"git:{remote}").returncode == 0
    ada.write_text(ada.read_text(encoding="utf-8").replace("link:\n", "link:\n  sealed: true\n"), encoding="utf-8")

    declined = run(project, "publish", "--to", f"git:{remote}", answer="n\n")
    assert declined.returncode == 1
    assert f"{TOKEN}/: sealed now, but earlier commits hold its plain pages" in declined.stderr
    assert "force push" in declined.stderr
    assert len(git(remote, "log", "--format=%H", "gh-pages").split()) == 1  # nothing pushed

    result = run(project, "publish", "--to", f"git:{remote}", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Replaced the history" in result.stderr
    assert len(git(remote, "log", "--format=%H", "gh-pages").split()) == 1  # one commit, no parent
    assert f"{TOKEN}/search/search_index.json" not in every_path_ever(remote)
    git(remote, "gc", "-q", "--prune=now")  # what only the old history held is gone from the host's repository
    objects = [line.split()[0] for line in git(remote, "rev-list", "--objects", "--all").splitlines()]
    contents = subprocess.run(["git", f"--git-dir={remote}", "cat-file", "--batch"], input="\n".join(objects).encode(),
                              capture_output=True, check=True).stdout
    assert b"Lead the design team" not in contents and len(objects) > 10


def test_a_rotated_and_pruned_link_leaves_the_branchs_history(project, write_client, remote):
    write_client(MINIMAL_CLIENT, "ada")
    assert run(project, "publish", "--to", f"git:{remote}").returncode == 0
    assert run(project, "rotate", "clients/ada.yaml").returncode == 0
    kept = run(project, "publish", "--to", f"git:{remote}")  # not pruned: the old link is still there, no rewrite
    assert kept.returncode == 0 and "Replaced the history" not in kept.stderr
    assert TOKEN in {path.split("/")[0] for path in every_path_ever(remote)}

    pruned = run(project, "publish", "--to", f"git:{remote}", "--prune", "--yes")
    assert pruned.returncode == 0, pruned.stderr
    assert f"{TOKEN}/: a workbook no client has now" in pruned.stderr
    assert TOKEN not in {path.split("/")[0] for path in every_path_ever(remote)}
