"""A run killed at any moment (SIGTERM from `timeout`, SIGKILL from the out-of-memory killer)
leaves no process behind and never holds the site dir: the next run finishes.

Only the run's own process is signalled, as `kill PID` does; its pool workers must notice
their parent is gone and end on their own.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT

CLIENTS = 8  # enough that a pool of workers is busy when the run is killed


def write_clients(write_client) -> None:
    for number in range(CLIENTS):
        token = f"KilledRun{number:02d}xLp7RwZc5NbYa"
        write_client(MINIMAL_CLIENT.replace("3hVt9QmK2xLp7RwZc5NbYa", token).replace("Ada", f"Client{number}"),
                     f"client-{number}")


def start_build(project: Path, temp: Path) -> subprocess.Popen:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1", "TMPDIR": str(temp)}
    return subprocess.Popen([sys.executable, "-m", "coach_site", "build", "--force", "--jobs", "2"], cwd=project,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def children_of(pid: int) -> set[int]:
    """The processes `pid` started, read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} (after {seconds} s)")
        time.sleep(0.02)


# The moments: before any worker started; while workers build (their private folders exist);
# once the first workbook is in place (its line is printed).
MOMENTS = ["at-start", "workers-building", "first-workbook-built"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_a_killed_run_leaves_no_worker_and_no_held_lock(project, write_client, tmp_path, moment, sig):
    write_clients(write_client)
    temp = tmp_path / "tmp"
    temp.mkdir()
    run = start_build(project, temp)
    workers: set[int] = set()
    if moment == "workers-building":
        wait_until(lambda: len(children_of(run.pid)) >= 2 and list(temp.glob("coach-site-build-*")), 120,
                   "the run's workers never started building")
    elif moment == "first-workbook-built":
        assert run.stdout.readline(), "the run printed no workbook"
    workers = children_of(run.pid)
    run.send_signal(sig)
    run.wait(timeout=60)
    if moment != "at-start":
        assert workers, "the run had no workers to leave behind"
    wait_until(lambda: not any(alive(pid) for pid in workers), 10, "a worker of the killed run is still alive")
    if sig == signal.SIGTERM:  # ended as by Ctrl-C: it removed its own private folders
        assert not private_folders(temp)

    after = start_build(project, temp)
    try:
        out, _ = after.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        after.kill()
        pytest.fail("the next run waited for the killed run's lock")
    assert after.returncode == 0 and out.count("https://") == CLIENTS
    # (What SIGKILL left is removed by a later run once it is past its claim time: test_runs.py.)


def private_folders(temp: Path) -> list[str]:
    return [p.name for p in temp.glob("coach-site-*") if p.is_dir()]
