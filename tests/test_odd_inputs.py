"""Odd things where a client file or reflections are expected: each is refused in plain words,
at once, naming the file, and the other clients still work.

A named pipe would make a reader wait for a writer forever, `/dev/zero` would be read until
memory runs out, standard input could be endless: nothing is read past 1 MiB + 1 byte, and
what is not a regular file is not read at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT

SECONDS = 60  # a hang fails the test instead of the run


def run(project: Path, *args: str, stdin=None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1", "XDG_CACHE_HOME": str(project / ".cache")}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=env, stdin=stdin,
                          capture_output=True, text=True, timeout=SECONDS)


@pytest.fixture
def ada(write_client) -> Path:
    return write_client(MINIMAL_CLIENT, "ada")


ODD_FILES = {
    "a named pipe": lambda path: os.mkfifo(path),
    "a device": lambda path: path.symlink_to("/dev/zero"),
}


@pytest.mark.parametrize("kind", ODD_FILES)
@pytest.mark.parametrize("command", [("check",), ("check", "clients/ada.yaml"), ("build",),
                                     ("build", "clients/ada.yaml"), ("list",)])
def test_a_special_file_among_the_clients_is_refused_without_reading_it(project, ada, kind, command):
    ODD_FILES[kind](project / "clients" / "odd.yaml")
    result = run(project, *command)
    assert "Traceback" not in result.stderr and "bug in coach-site" not in result.stderr
    output = result.stdout + result.stderr
    if command[-1] == "clients/ada.yaml":  # named alone: ada is fine, and the odd file is no token's holder
        assert result.returncode == 0, output
    else:  # (list shows every client's state, and fails only on a shared link)
        assert result.returncode == (0 if command == ("list",) else 1), output
        assert f"odd.yaml: is {kind}, not a file" in output, output
    if command[0] != "check":
        assert "3hVt9QmK2xLp7RwZc5NbYa" in result.stdout  # ada is built, or listed, all the same


def test_a_link_to_nothing_among_the_clients_is_said_as_such(project, ada):
    (project / "clients" / "gone.yaml").symlink_to("moved-away.yaml")
    for command in ("check", "list", "build"):
        result = run(project, command)
        assert "Traceback" not in result.stderr and "bug in coach-site" not in result.stderr, result.stderr
        assert "gone.yaml: is a link to moved-away.yaml, which does not exist" in result.stdout + result.stderr
        assert result.returncode == (0 if command == "list" else 1)


def test_endless_standard_input_is_read_no_further_than_a_reflections_file_may_go(project, ada):
    with open("/dev/zero", "rb") as endless:
        result = run(project, "import-reflections", "clients/ada.yaml", "-", stdin=endless)
    assert result.returncode == 1 and "the pasted text: is more than 1 MiB" in result.stderr
    assert ada.read_text(encoding="utf-8") == MINIMAL_CLIENT


def test_a_reflections_file_that_is_a_device_is_refused(project, ada, tmp_path):
    (tmp_path / "reflections.yaml").symlink_to("/dev/zero")
    result = run(project, "import-reflections", "clients/ada.yaml", str(tmp_path / "reflections.yaml"))
    assert result.returncode == 1 and "is a device, not a file" in result.stderr
