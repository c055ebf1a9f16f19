"""What coach-site keeps for itself outside the site dir, and how its runs keep out of each other's way.

- `.coach-site/` at the project's root (never published, ignored by git): the build record
  of each site dir, and a lock per site dir so that one run at a time changes it; a second
  run waits for the first.
- Private temporary folders (0700) for rendered answers. Each holds a lock while its run is
  alive, so a later run can tell the leftovers of an interrupted run (deleted) from the
  folders of a run that is still going (left alone).

Locks are the operating system's (`filelock`: flock on Linux and macOS, msvcrt on Windows),
so a run that dies lets go of them with its last process. Pool workers inherit them; each
watches for its parent's end and ends too (`end_with_parent`), so a killed run never
leaves workers behind that hold the site dir forever.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from coach_site.errors import CoachSiteError, os_error_in_words

STATE_DIR = ".coach-site"
TEMP_PREFIX = "coach-site-"
_ALIVE = ".in-use"  # locked by the run that owns a temporary folder
# A folder is claimed a moment after it is made: younger ones are never taken for leftovers.
_CLAIM_SECONDS = 2.0
# Folders of older coach-site versions carry no lock: taken for leftovers only when this old.
_UNCLAIMED_SECONDS = 24 * 3600
# How often a pool worker looks whether the run that started it is still there.
_PARENT_CHECK_SECONDS = 0.2
# The readable part of a record's file name: short enough for any file system, however long the site dir.
_KEY_CHARS = 40
# The project's own folders: a site dir there would write workbooks among the coach's files.
PROJECT_FOLDERS = ("clients", "content", "overrides", STATE_DIR, ".git")


def state_dir(project_root: Path) -> Path:
    """`.coach-site/` at the project's root, made on first use, with a .gitignore of its own."""
    folder = project_root / STATE_DIR
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# coach-site's own records: never commit or publish them.\n*\n", encoding="utf-8")
    return folder


def relative_name(path: Path, project_root: Path) -> str:
    """A path as seen from the project's root (`site`, `../www`): no absolute path is ever kept."""
    return Path(os.path.relpath(path.resolve(), project_root.resolve())).as_posix()


def site_key(project_root: Path, site_dir: Path) -> str:
    """A file name for one site dir's records: readable, and distinct for distinct site dirs."""
    name = relative_name(site_dir, project_root)
    readable = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[-_KEY_CHARS:].strip("-") or "project"
    return f"{readable}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def is_project(folder: Path) -> bool:
    """A coach-site project: mkdocs.yml beside clients/."""
    return (folder / "mkdocs.yml").is_file() and (folder / "clients").is_dir()


def check_site_dir(project_root: Path, site_dir: Path) -> None:
    """Refuse, before anything is built, a site dir that cannot hold workbooks or that would put
    them among the coach's own files (they would be published, or committed with clients/)."""
    folder, project = site_dir.expanduser().resolve(), project_root.resolve()
    inside = next((name for name in PROJECT_FOLDERS if (project / name) in (folder, *folder.parents)), None)
    if folder == project or folder in project.parents:
        why = "it is your project folder" if folder == project else "it holds your project folder"
    elif inside:
        why = f"it is inside your project's {inside}/ folder, among your own files"
    else:
        why = _why_not_writable(folder)
    if why:
        raise CoachSiteError(f"--site-dir {site_dir}: {why}. Use a folder of its own, such as site (the default).")


def _why_not_writable(folder: Path) -> str | None:
    """Make the folder if need be and write a file in it: None when that works, else why not."""
    try:
        if folder.exists() and not folder.is_dir():
            return "is not a folder"
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".coach-site-probe-", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        return f"cannot be written: {os_error_in_words(exc)}"
    return None


@contextmanager
def site_lock(project_root: Path, site_dir: Path, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold the site dir for this run; a second run on it calls `on_wait`, then waits its turn.

    Once the site dir is ours, what interrupted runs left behind is cleaned up.
    """
    from coach_site.workbook.swap import remove_leftovers

    lock = FileLock(state_dir(project_root) / f"{site_key(project_root, site_dir)}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        on_wait()
        lock.acquire()
    try:
        remove_leftovers(site_dir)
        remove_stale_temp_dirs()
        yield
    finally:
        lock.release()


@contextmanager
def private_temp_dir(purpose: str) -> Iterator[Path]:
    """A temporary folder only this user can open, locked while in use, deleted afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{purpose}-"))  # mode 0700
    try:
        with FileLock(folder / _ALIVE):
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def end_with_parent() -> None:
    """Make this process (a pool worker) end when the process that started it ends.

    Workers inherit the run's locks: one left running after its run was killed (SIGTERM,
    a timeout, the out-of-memory killer) would hold the site dir for every later run.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_SECONDS)
        os._exit(1)  # the run is gone: nothing of this worker's is wanted any more

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def remove_stale_temp_dirs(temp_root: Path | None = None) -> list[Path]:
    """Delete this user's coach-site temporary folders whose run is gone. Returns them."""
    temp_root = Path(temp_root or tempfile.gettempdir())
    removed = []
    for folder in temp_root.glob(f"{TEMP_PREFIX}*"):
        if _is_stale(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _is_stale(folder: Path) -> bool:
    try:
        info = folder.lstat()
    except OSError:
        return False
    if not folder.is_dir() or folder.is_symlink() or info.st_uid != os.getuid():
        return False
    age = time.time() - info.st_mtime
    alive = folder / _ALIVE
    if not alive.is_file():
        return age > _UNCLAIMED_SECONDS
    if time.time() - alive.stat().st_mtime < _CLAIM_SECONDS:
        return False
    try:
        with FileLock(alive, timeout=0):
            return True  # nobody holds it: its run is gone
    except Timeout:
        return False  # its run is alive
