"""What a run leaves behind: the site dir holds only what may be published, build state lives
in the project's `.coach-site/`, interrupted runs are cleaned up, concurrent runs wait their turn.

Runs are real `coach-site` processes; an interrupted run is one killed with SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT, PRACTICE_SITE_URL

from coach_site.workbook.workspace import _CLAIM_SECONDS as CLAIM_SECONDS
from coach_site.workbook.workspace import private_temp_dir, remove_stale_temp_dirs

TOKENS = {"ada": "3hVt9QmK2xLp7RwZc5NbYa", "bo": "BoBo9xQ2mK7zLp4RwTc8Nb_1", "cy": "CyCy5vH3nJ8wKq2TfX6dPg_2"}


def clients(write_client, slugs=tuple(TOKENS)) -> list[Path]:
    return [
        write_client(MINIMAL_CLIENT.replace(TOKENS["ada"], TOKENS[slug]).replace("Ada Example", f"{slug.title()} Example"),
                     slug)
        for slug in slugs
    ]


def coach_site(project: Path, temp: Path, *args: str, **popen) -> subprocess.Popen:
    """A real coach-site process, with its own temporary folder to look into."""
    temp.mkdir(exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1", "TMPDIR": str(temp)}
    return subprocess.Popen([sys.executable, "-m", "coach_site", *args], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_the_site_dir_holds_no_token_outside_its_folder_and_no_path(project, write_client, tmp_path):
    clients(write_client)
    site_dir = project / "site"
    site_dir.mkdir()
    # What older versions left in the site dir: every token and absolute path.
    old = site_dir / ".coach-site-builds.json"
    old.write_text(json.dumps({str(project / "clients" / "ada.yaml"): {"token": TOKENS["ada"]}}))
    code, _, err = finish(coach_site(project, tmp_path / "tmp", "build"))
    assert code == 0, err
    assert not old.exists()
    for path in files_under(site_dir):
        relative = path.relative_to(site_dir)
        text = path.read_bytes().decode("utf-8", "replace")
        others = [t for t in TOKENS.values() if relative.parts[0] != t]
        assert not [t for t in others if t in text or t in str(relative)], f"{relative} names another client's token"
        assert str(tmp_path) not in text and str(project) not in text, f"{relative} holds a path of this machine"
    records = list((project / ".coach-site").glob("*.builds.json"))
    assert len(records) == 1
    state = records[0].read_text()
    assert str(tmp_path) not in state and '"/' not in state
    saved = json.loads(state)
    assert saved["site_dir"] == "site" and sorted(saved["clients"]) == [f"clients/{s}.yaml" for s in sorted(TOKENS)]
    # git never sees the record, even without the project's .gitignore.
    assert (project / ".coach-site" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_two_site_dirs_keep_separate_records(project, write_client, tmp_path):
    """Built into one site dir, then changed and built into another: the first is still out of date."""
    (ada,) = clients(write_client, ["ada"])
    temp = tmp_path / "tmp"
    assert finish(coach_site(project, temp, "build", "--site-dir", "one"))[0] == 0
    ada.write_text(ada.read_text() + "    outcome: Lead the team\n")
    assert finish(coach_site(project, temp, "build", "--site-dir", "../two"))[0] == 0
    code, _, err = finish(coach_site(project, temp, "build", "--site-dir", "one"))
    assert code == 0 and "Built 1, failed 0, skipped 0" in err
    assert "Lead the team" in (project / "one" / TOKENS["ada"] / "area-career.html").read_text()
    names = sorted(json.loads(p.read_text())["site_dir"] for p in (project / ".coach-site").glob("*.builds.json"))
    assert names == ["../two", "one"]


def test_an_interrupted_build_leaves_nothing_behind_after_the_next_run(project, write_client, tmp_path):
    clients(write_client)
    temp = tmp_path / "tmp"
    site_dir = project / "site"
    build = coach_site(project, temp, "build", "--jobs", "1", start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # catch it with a workbook half built
        half_built = list(site_dir.glob(".building-*"))
        rendering = [p for p in temp.glob("coach-site-*") if (p / ".in-use").exists()]
        if half_built and rendering:
            break
        time.sleep(0.01)
    else:
        pytest.fail("the build finished before it could be interrupted")
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    # What it held was private while it lived: the rendered answers and the half-built copy.
    assert [p.stat().st_mode & 0o777 for p in rendering] == [0o700]
    assert all(p.stat().st_mode & 0o777 == 0o700 for p in half_built)
    assert list(site_dir.glob(".building-*")) and list(temp.glob("coach-site-*"))

    # A folder younger than the claim time may be a run's that has not locked it yet: the
    # leftovers are kept until then. Rather than wait, the test makes them that old.
    claimed = time.time() - CLAIM_SECONDS - 1
    for folder in temp.glob("coach-site-*"):
        os.utime(folder / ".in-use", (claimed, claimed))
    code, _, err = finish(coach_site(project, temp, "build", "--jobs", "1"))
    assert code == 0, err
    assert sorted(p.name for p in site_dir.iterdir() if p.is_dir()) == sorted(TOKENS.values())
    assert list(temp.iterdir()) == []


def test_a_live_runs_temporary_folder_is_never_taken_for_a_leftover(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    dead = subprocess.run(  # a run that dies with its folder still there
        [sys.executable, "-c",
         "import os; from coach_site.workbook.workspace import private_temp_dir\n"
         "with private_temp_dir('build') as f: print(f, flush=True); os._exit(9)"],
        capture_output=True, text=True, env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    dead_folder = Path(dead.stdout.strip())
    assert dead_folder.is_dir()
    with private_temp_dir("build") as live:
        assert live.stat().st_mode & 0o777 == 0o700
        os.utime(dead_folder / ".in-use")  # claimed just now: maybe a run that has not locked it yet
        assert remove_stale_temp_dirs() == [] and dead_folder.is_dir()
        old = time.time() - 3600
        for folder in (live, dead_folder):
            os.utime(folder / ".in-use", (old, old))
        assert remove_stale_temp_dirs() == [dead_folder]
        assert live.is_dir() and not dead_folder.exists()
    assert not live.exists()


def test_two_builds_at_once_on_one_site_dir_both_succeed(project, write_client, tmp_path):
    clients(write_client)
    temp = tmp_path / "tmp"
    runs = [coach_site(project, temp, "build", "--force", "--jobs", "1") for _ in range(2)]
    results = [finish(run) for run in runs]
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    assert all("Traceback" not in err for _, _, err in results)
    assert any("Another coach-site run is building or publishing site; waiting for it to finish" in err
               for _, _, err in results)
    for slug, token in TOKENS.items():
        assert f"{slug}: {PRACTICE_SITE_URL}{token}/" in results[0][1] + results[1][1]
        assert (project / "site" / token / "index.html").is_file()
    assert sorted(p.name for p in (project / "site").iterdir() if p.is_dir()) == sorted(TOKENS.values())


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=env,
                          capture_output=True, text=True)


def test_a_long_or_deep_site_dir_builds(project, write_client, tmp_path):
    """The records of a site dir have a file name of fixed length, however long the site dir's path."""
    clients(write_client, ("ada",))
    deep = tmp_path.joinpath(*["abcdefghij"] * 23)
    for site_dir in (deep, tmp_path / ("w" * 250)):
        result = run(project, "build", "--site-dir", str(site_dir))
        assert result.returncode == 0, result.stderr
        assert (site_dir / TOKENS["ada"] / "index.html").is_file()
    assert max(len(p.name) for p in (project / ".coach-site").iterdir()) < 80


@pytest.mark.parametrize("site_dir, why", [
    ("x" * 300, "cannot be written: a name in it is too long"),
    ("/dev/null", "is not a folder"),
    ("notes.txt", "is not a folder"),
    ("notes.txt/site", "cannot be written: part of it is a file, not a folder"),
    ("/proc/x", "cannot be written: that place cannot hold files"),
    ("/proc/self", "cannot be written: that place cannot hold files"),
    ("/sys/kernel/x", "cannot be written: permission denied"),
])
def test_a_site_dir_that_cannot_hold_workbooks_is_a_clear_error(project, write_client, site_dir, why):
    clients(write_client, ("ada",))
    (project / "notes.txt").write_text("my notes")
    for command in ("build", "rotate clients/ada.yaml", "publish --to ../www"):
        result = run(project, *command.split(), "--site-dir", site_dir)
        assert result.returncode == 1, (command, result.stderr)
        assert result.stderr.strip() == f"--site-dir {site_dir}: {why}. Use a folder of its own, such as " \
                                       "site (the default).", (command, result.stderr)
    assert not (project.parent / "www").exists()


@pytest.mark.parametrize("site_dir", [".", "..", "clients", "clients/site", "content", "overrides/x", ".git",
                                      "{project}"])
def test_a_site_dir_among_the_coachs_own_files_is_refused(project, write_client, site_dir):
    clients(write_client, ("ada",))
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    site_dir = site_dir.format(project=project)
    before = sorted(project.parent.rglob("*"))
    for command in ("build", "publish --to ../www"):
        result = run(project, *command.split(), "--site-dir", site_dir)
        assert result.returncode == 1 and result.stderr.startswith(f"--site-dir {site_dir}: it "), result.stderr
        assert "Traceback" not in result.stderr
    assert sorted(project.parent.rglob("*")) == before  # not a workbook, not a root file, not a lock
    assert run(project, "build", "--site-dir", "site").returncode == 0  # the project's site/ is the usual place
