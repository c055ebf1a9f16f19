"""The coach-site command, run as a real process: output, exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import MINIMAL_CLIENT, PRACTICE_SITE_URL, customised

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client

TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "coach_site", *args], cwd=project, env=env, capture_output=True, text=True
    )


def test_build_prints_each_clients_private_link(project, write_client):
    write_client(MINIMAL_CLIENT)
    result = run(project, "build")
    assert result.returncode == 0, result.stderr
    assert f"ada-example: {PRACTICE_SITE_URL}{TOKEN}/" in result.stdout
    assert (project / "site" / TOKEN / "index.html").exists()
    # Material's end-of-life banner is silenced: coaches see only our messages.
    assert "end of life" not in result.stdout + result.stderr


def test_a_broken_client_is_reported_and_the_others_still_build(project, write_client):
    write_client(MINIMAL_CLIENT)
    bo = MINIMAL_CLIENT.replace("Ada Example", "Bo").replace(TOKEN, "BoOwnToken7xLp7RwZc5NbYa")
    write_client(bo.replace("  - name: Career\n", "  - name: Career\n    satisfaction: 11\n"), "bo")
    result = run(project, "build")
    assert result.returncode == 1
    assert "clients/bo.yaml:7: focus area 1 (Career), satisfaction: 11 is not between 1 and 10" in result.stderr
    assert "1 client failed to build" in result.stderr
    assert f"ada-example: {PRACTICE_SITE_URL}{TOKEN}/" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_lists_every_problem_and_exits_non_zero(project, write_client):
    path = write_client(MINIMAL_CLIENT + "    why_it_maters: x\n    satisfaction: 0\n")
    result = run(project, "check", str(path.relative_to(project)))
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "clients/ada-example.yaml:7: focus area 1 (Career), why_it_maters: unknown field (did you mean `why_it_matters`?)",
        "clients/ada-example.yaml:8: focus area 1 (Career), satisfaction: 0 is not between 1 and 10",
    ]
    assert "Traceback" not in result.stderr
    ok = write_client(MINIMAL_CLIENT.replace(TOKEN, "OkOwnToken7xLp7RwZc5NbYa"), "ok")
    result = run(project, "check", str(ok.relative_to(project)))
    assert result.returncode == 0 and "clients/ok.yaml: ok" in result.stdout


def test_new_writes_a_file_that_passes_check_with_a_fresh_token(project):
    result = run(project, "new", "Priya Natarajan", "--email", "priya@example.org")
    assert result.returncode == 0, result.stderr
    path = project / "clients" / "priya-natarajan.yaml"
    text = path.read_text()
    assert "# What is important to you about that?" in text
    assert "# What would a 10 look like?" in text
    workbook = validate_client(load_client_file(path))
    assert workbook.client.name == "Priya Natarajan" and workbook.client.email == "priya@example.org"
    assert len(workbook.link.token) >= 22
    assert run(project, "check", "clients/priya-natarajan.yaml").returncode == 0
    # Two new clients never share a token, and an existing file is never overwritten.
    run(project, "new", "Priya Other", "--slug", "priya-2")
    other = validate_client(load_client_file(project / "clients" / "priya-2.yaml"))
    assert other.link.token != workbook.link.token
    again = run(project, "new", "Priya Natarajan")
    assert again.returncode == 1 and "already exists; not overwriting it" in again.stderr
    assert path.read_text() == text


def test_outside_a_project_the_error_says_where_to_run(tmp_path):
    result = run(tmp_path, "build")
    assert result.returncode == 1
    assert "mkdocs.yml not found" in result.stderr and "Traceback" not in result.stderr


def test_unexpected_errors_are_short_and_debug_shows_the_traceback(project, write_client):
    write_client(MINIMAL_CLIENT)
    # A plain Python error in a coach's template: an error nobody planned for.
    index = customised(project, "index.md.j2")
    index.write_text(index.read_text() + "{{ 1 // (client.name | length - client.name | length) }}\n")
    result = run(project, "build")
    assert result.returncode == 1  # that client's error: any other client still builds
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 4
    assert "ada-example.yaml: internal error while building this workbook: ZeroDivisionError" in result.stderr
    assert "--debug" in result.stderr
    result = run(project, "--debug", "build")
    assert "Traceback (most recent call last)" in result.stderr and "index.md.j2" in result.stderr


def test_a_failed_build_names_the_client_file_it_was_building(project, write_client):
    write_client(MINIMAL_CLIENT)
    # A page the theme cannot render: the practice's own main.html calls a macro nobody defined.
    main = customised(project, "main.html")
    main.write_text(main.read_text(encoding="utf-8").replace("{{ super() }}", "{{ super() }}{{ no_such_macro() }}", 1),
                    encoding="utf-8")
    for args in (("build",), ("build", "clients/ada-example.yaml")):
        result = run(project, *args)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("clients/ada-example.yaml: MkDocs could not build the site: UndefinedError: "
                                        "'no_such_macro' is undefined"), result.stderr


def test_messages_name_files_the_same_way_with_or_without_file_arguments(project, write_client):
    write_client(MINIMAL_CLIENT)
    bo = MINIMAL_CLIENT.replace("Ada Example", "Bo").replace(TOKEN, "BoOwnToken7xLp7RwZc5NbYa")
    write_client(bo + "    satisfaction: 11\n", "bo")
    files = ("clients/ada-example.yaml", "clients/bo.yaml")
    for command in ("check", "build"):
        without, given = run(project, command), run(project, command, *files)
        assert without.returncode == given.returncode == 1
        assert without.stderr.splitlines()[0] == given.stderr.splitlines()[0]
        assert without.stderr.startswith("clients/bo.yaml:7: focus area 1 (Career), satisfaction: 11 is not")
        assert str(project) not in without.stdout + without.stderr
    assert "clients/ada-example.yaml: ok" in run(project, "check").stdout.splitlines()
