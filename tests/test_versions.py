"""Versions, not conflicts: a coachee who improves an answer after the first import gets their
newer version in, without --overwrite; only a change to the coach's own words is a conflict.

Who wrote an answer is kept in the client file's `from_coachee:` (clientfile/authorship.py),
which survives hand edits: a coachee's answer the coach rewords becomes the coach's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.errors import ClientFileError

TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1", "COLUMNS": "100",
           "GIT_AUTHOR_NAME": "Sam", "GIT_AUTHOR_EMAIL": "s@example.org",
           "GIT_COMMITTER_NAME": "Sam", "GIT_COMMITTER_EMAIL": "s@example.org"}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=120)


def reflections(tmp_path: Path, outcome: str, week: str, name: str = "reflections.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f'link:\n  token: {TOKEN}\nfocus_areas:\n  - name: Career\n    outcome: "{outcome}"\n'
                    f'schedule:\n  week: "{week}"\n', encoding="utf-8")
    return path


@pytest.fixture
def ada(project, write_client) -> Path:
    client = write_client(MINIMAL_CLIENT.replace("Ada Example", "Priya Natarajan"), "priya")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=Sam", "-c", "user.email=s@example.org",
                                                  "commit", "-qm", "Priya"]):
        subprocess.run(["git", *args], cwd=project, check=True)
    return client


def commit(project: Path, message: str) -> None:
    subprocess.run(["git", "-c", "user.name=Sam", "-c", "user.email=s@example.org", "commit", "-qam", message],
                   cwd=project, check=True)


def test_a_revised_answer_of_the_coachees_replaces_their_earlier_one(project, ada, tmp_path):
    first = run(project, "import-reflections", "clients/priya.yaml",
                str(reflections(tmp_path, "Lead a small team", "Runs on Monday")))
    assert first.returncode == 0 and "filled: Career: outcome" in first.stdout, first.stderr
    commit(project, "first reflections")

    second = run(project, "import-reflections", "clients/priya.yaml",
                 str(reflections(tmp_path, "Lead a team of three", "Runs on Monday and Thursday", "again.yaml")))
    assert second.returncode == 0, second.stderr
    assert "revised by your client: Career: outcome" in second.stdout
    assert "revised by your client: schedule: week" in second.stdout
    assert "conflict" not in second.stdout + second.stderr
    workbook = validate_client(load_client_file(ada))
    assert workbook.focus_areas[0].outcome == "Lead a team of three"
    assert workbook.schedule.week == "Runs on Monday and Thursday"
    commit(project, "second reflections")

    changes = run(project, "changes", "clients/priya.yaml")
    assert changes.returncode == 0, changes.stderr
    assert "Priya revised outcome" in changes.stdout and "Priya revised week" in changes.stdout


def test_the_coachs_own_words_are_a_conflict_shown_side_by_side_and_taken_one_at_a_time(project, ada, tmp_path):
    ada.write_text(ada.read_text(encoding="utf-8").replace("  - name: Career\n",
                                                           "  - name: Career\n    outcome: Lead the design team\n"),
                   encoding="utf-8")
    theirs = reflections(tmp_path, "Lead a team of three", "Runs on Monday")
    result = run(project, "import-reflections", "clients/priya.yaml", str(theirs))
    assert result.returncode == 0, result.stderr
    assert "conflict, left as it was: Career: outcome" in result.stderr
    side = next(line for line in result.stderr.splitlines() if "in your file:" in line)
    assert "| in the reflections:" in side  # the two texts side by side
    assert any("Lead the design team" in line and "Lead a team of three" in line for line in result.stderr.splitlines())
    assert validate_client(load_client_file(ada)).focus_areas[0].outcome == "Lead the design team"

    taken = run(project, "import-reflections", "clients/priya.yaml", str(theirs), "--take", "career: OUTCOME")
    assert taken.returncode == 0 and "overwritten: Career: outcome" in taken.stdout, taken.stderr
    assert validate_client(load_client_file(ada)).focus_areas[0].outcome == "Lead a team of three"


def test_a_take_that_names_no_conflict_imports_nothing(project, ada, tmp_path):
    before = ada.read_bytes()
    result = run(project, "import-reflections", "clients/priya.yaml",
                 str(reflections(tmp_path, "Lead a team", "Runs")), "--take", "Carer: outcome")
    assert result.returncode == 1 and "--take Carer: outcome: no conflict of that name" in result.stderr
    assert ada.read_bytes() == before


def test_an_answer_of_the_coachees_the_coach_reworded_is_the_coachs(project, ada, tmp_path):
    assert run(project, "import-reflections", "clients/priya.yaml",
               str(reflections(tmp_path, "Lead a small team", "Runs"))).returncode == 0
    ada.write_text(ada.read_text(encoding="utf-8").replace("Lead a small team", "Lead a small, happy team"),
                   encoding="utf-8")
    result = run(project, "import-reflections", "clients/priya.yaml",
                 str(reflections(tmp_path, "Lead a team of three", "Runs", "again.yaml")))
    assert "conflict, left as it was: Career: outcome" in result.stderr
    assert validate_client(load_client_file(ada)).focus_areas[0].outcome == "Lead a small, happy team"


def test_the_record_survives_a_hand_edit_of_the_file(project, ada, tmp_path):
    assert run(project, "import-reflections", "clients/priya.yaml",
               str(reflections(tmp_path, "Lead a small team", "Runs"))).returncode == 0
    text = ada.read_text(encoding="utf-8")
    assert "from_coachee:" in text and "focus_areas/Career/outcome:" in text
    # The coach re-quotes the answer and notes above it whose it is: the words are the same, so still theirs.
    ada.write_text(text.replace("    outcome: Lead a small team", "    # Priya's words\n    outcome: 'Lead a small team'"),
                   encoding="utf-8")
    result = run(project, "import-reflections", "clients/priya.yaml",
                 str(reflections(tmp_path, "Lead a team of three", "Runs", "again.yaml")))
    assert "revised by your client: Career: outcome" in result.stdout, result.stdout + result.stderr
    assert run(project, "check", "clients/priya.yaml").returncode == 0


def test_an_edit_that_would_leave_an_invalid_file_writes_nothing(project, ada, tmp_path, monkeypatch):
    # The careful writer reads its result back as YAML; the import then checks it against
    # every rule of the format before it replaces the coach's file. A writer's slip that only
    # the format's rules can see (here: a rating out of range) is injected to show that check.
    from coach_site.commands import import_reflections as importer

    real = importer.set_values
    monkeypatch.setattr(importer, "set_values",
                        lambda text, changes, **kw: real(text, changes, **kw).replace("name: Career",
                                                                                    "name: Career\n    satisfaction: 11"))
    before = ada.read_bytes()
    with pytest.raises(ClientFileError, match="satisfaction: 11 is not between 1 and 10"):
        importer.import_reflections(ada, reflections(tmp_path, "Lead a small team", "Runs"))
    assert ada.read_bytes() == before
