"""Links of the file system where coach-site writes or reads, and a machine's limits.

A link at the publish target or in `content/` is never written through (it would make or
change a file outside); a linked client file stays one file, written through its link; a
theme file linked from outside the practice is never published; a file-size limit is said
in plain words and changes nothing.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT

TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"


def run(project: Path, *args: str, limit_file_bytes: int | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1", "XDG_CACHE_HOME": str(project / ".cache")}

    def limited() -> None:
        if limit_file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))

    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300, preexec_fn=limited)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def ada(write_client) -> Path:
    return write_client(MINIMAL_CLIENT, "ada")


@pytest.mark.parametrize("name", ["_headers", "robots.txt", "index.html", ".htaccess"])
def test_publish_to_a_folder_never_writes_through_a_link_at_the_target(project, ada, tmp_path, name):
    www, outside = tmp_path / "www", tmp_path / "outside"
    www.mkdir()
    (www / name).symlink_to(outside / name)  # dangling: written through, it would make a file outside
    result = run(project, "publish", "--to", str(www))
    assert result.returncode == 1 and f"{name} is a link to {outside / name}" in result.stderr, result.stderr
    assert "bug in coach-site" not in result.stderr
    assert not outside.exists()
    assert not (www / TOKEN).exists()  # nothing half-published


def test_publish_to_a_git_branch_never_writes_through_a_link_on_the_branch(project, ada, tmp_path):
    remote, clone, outside = tmp_path / "host.git", tmp_path / "clone", tmp_path / "outside"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(tmp_path, "init", "-q", "-b", "gh-pages", str(clone))
    (clone / "robots.txt").symlink_to(outside / "robots.txt")
    git(clone, "add", "-A")
    git(clone, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a link")
    git(clone, "push", "-q", str(remote), "gh-pages")
    result = run(project, "publish", "--to", f"git:{remote}")
    assert result.returncode == 1 and "robots.txt is a link to" in result.stderr, result.stderr
    assert not outside.exists()
    assert git(remote, "log", "--format=%s", "gh-pages").splitlines() == ["a link"]  # nothing pushed


def test_customise_never_writes_through_a_link(project, tmp_path):
    outside = tmp_path / "outside.md.j2"
    (project / "content" / "index.md.j2").symlink_to(outside)
    result = run(project, "customise", "index.md.j2")
    assert result.returncode == 1 and "content/index.md.j2 is a link to" in result.stderr, result.stderr
    assert not outside.exists()


@pytest.mark.parametrize("command", ["rotate", "import-reflections"])
def test_a_linked_client_file_is_written_through_its_link(project, tmp_path, command):
    real = tmp_path / "kept-elsewhere" / "ada.yaml"
    real.parent.mkdir()
    real.write_text(MINIMAL_CLIENT, encoding="utf-8")
    link = project / "clients" / "ada.yaml"
    link.symlink_to(real)
    if command == "rotate":
        result = run(project, "rotate", "clients/ada.yaml")
    else:
        reflections = tmp_path / "reflections.yaml"
        reflections.write_text(f"link:\n  token: {TOKEN}\nanything_we_missed: One more thing.\n")
        result = run(project, "import-reflections", "clients/ada.yaml", str(reflections))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == real  # still one file, seen from two places
    assert real.read_text(encoding="utf-8") != MINIMAL_CLIENT  # the change went into the real file
    assert not list(real.parent.glob(".ada.yaml.*")) and not list(link.parent.glob(".ada.yaml.*"))


def test_a_theme_file_linked_from_outside_the_practice_is_never_published(project, ada, tmp_path):
    secret = tmp_path / "elsewhere" / "notes.css"
    secret.parent.mkdir()
    secret.write_text("/* Ada's private notes */", encoding="utf-8")
    (project / "overrides" / "assets").mkdir(parents=True)
    (project / "overrides" / "assets" / "notes.css").symlink_to(secret)
    for command in ("build", "publish"):
        args = ("publish", "--to", str(tmp_path / "www")) if command == "publish" else ("build",)
        result = run(project, *args)
        assert result.returncode == 1, result.stderr
        assert "overrides/assets/notes.css: is a link to" in result.stderr
        assert "outside your practice folder" in result.stderr
    assert not (project / "site" / TOKEN).exists() and not (tmp_path / "www").exists()


def test_a_link_to_a_file_inside_the_practice_is_fine(project, ada):
    (project / "overrides" / "assets").mkdir(parents=True)
    (project / "shared.css").write_text("/* the practice's own */", encoding="utf-8")
    (project / "overrides" / "assets" / "shared.css").symlink_to(project / "shared.css")
    result = run(project, "build")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", [("build",), ("rotate", "clients/ada.yaml")])
def test_a_file_size_limit_is_said_in_plain_words_and_changes_nothing(project, ada, command):
    before = ada.read_bytes()
    result = run(project, *command, limit_file_bytes=4096)
    assert result.returncode == 1 and "bug in coach-site" not in result.stderr, result.stderr
    assert "larger than this computer lets a program write" in result.stderr or "File too large" in result.stderr
    assert ada.read_bytes() == before
    assert not (project / "site" / TOKEN).exists()
