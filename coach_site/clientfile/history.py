"""What git knows about a client file: when it last changed, and how it read before."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from coach_site.errors import CoachSiteError
from coach_site.git import GitFailed, GitMissing, git_bytes


class NotInGit(CoachSiteError):
    """The file is not in a git repository, or git is not installed."""


def _git(path: Path, *args: str) -> str:
    """Run git in the file's folder; NotInGit when there is no repository (or no git)."""
    # git's messages may quote a file's bytes: shown, never a crash.
    return _git_bytes(path, *args).decode("utf-8", errors="replace")


def _git_bytes(path: Path, *args: str) -> bytes:
    """_git's output as git wrote it: an old version of a file, in whatever encoding it had."""
    try:
        return git_bytes(*args, cwd=path.resolve().parent)
    except GitMissing:
        raise NotInGit("git is not installed") from None
    except GitFailed as exc:
        message = exc.reason
        if "not a git repository" in message:
            raise NotInGit(f"{path} is not in a git repository; this needs the history git keeps") from None
        if not message and args[:2] == ("rev-parse", "--verify"):
            message = f"unknown revision {args[-1].removesuffix('^{commit}')}"
        raise CoachSiteError(f"git: {message or 'failed'}") from None


def commits_touching(path: Path) -> list[str]:
    """The commits that changed the file, newest first."""
    return _git(path, "log", "--format=%H", "--", path.name).split()


def is_changed_since_commit(path: Path) -> bool:
    """True when the file has changes git has not committed (or is not tracked at all)."""
    return bool(_git(path, "status", "--porcelain", "--", path.name).strip())


def source_at(path: Path, revision: str) -> bytes | None:
    """The file's bytes at a revision; None when it did not exist then."""
    relative = _git(path, "rev-parse", "--show-prefix").strip() + path.name
    try:
        return _git_bytes(path, "show", f"{revision}:{relative}")
    except NotInGit:
        raise
    except CoachSiteError as exc:
        if "does not exist" in str(exc) or "exists on disk, but not in" in str(exc):
            return None
        raise CoachSiteError(f"git cannot read {path.name} at {revision}: {exc}") from None


def last_updated(path: Path) -> dt.date:
    """The day the client file last changed: its last commit, or the file's own date.

    The file's date is used outside git and when the file has uncommitted changes
    (a preview of work in progress), so the workbook never shows an error for it.
    """
    try:
        if not is_changed_since_commit(path):
            day = _git(path, "log", "-1", "--format=%cs", "--", path.name).strip()
            if day:
                return dt.date.fromisoformat(day)
    except CoachSiteError:
        pass
    return dt.date.fromtimestamp(path.stat().st_mtime)


def rotated_on(path: Path, token: str) -> dt.date:
    """The day `token` left the file's link (`coach-site rotate` moved it to previous_tokens):
    the commit that changed the lines holding it, or the file's own date when that change is
    not committed yet or the file is not in git."""
    # A token is letters, digits, `_` and `-`: nothing a pattern would read as more than itself.
    try:
        if not _git(path, "diff", "HEAD", "--name-only", f"-G{token}", "--", path.name).strip():
            day = _git(path, "log", "-1", "--format=%cs", f"-G{token}", "--", path.name).strip()
            if day:
                return dt.date.fromisoformat(day)
    except CoachSiteError:
        pass
    return dt.date.fromtimestamp(path.stat().st_mtime)


def changes_base(path: Path, revision: str | None) -> tuple[str | None, str | None]:
    """The revision to compare the file with, and how to name it (None for none: the file
    was first written in its only commit, or is not committed yet).

    Default: the previous commit that touched the file. With uncommitted edits that
    is the last commit (what changed since then); otherwise the one before it.
    """
    if revision:
        _git(path, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        return revision, revision
    commits = commits_touching(path)
    if commits and is_changed_since_commit(path):
        base = commits[0]
    elif len(commits) > 1:
        base = commits[1]
    else:
        return None, None
    return base, _git(path, "log", "-1", "--format=%h (%cs)", base).strip()


def workbook_at(path: Path, revision: str):
    """The client file as it was at a revision, validated; None if it did not exist then."""
    from coach_site.clientfile.loader import load_client_bytes
    from coach_site.clientfile.validate import validate_client

    source = source_at(path, revision)
    if source is None:
        return None
    try:
        source.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = source[: exc.start].count(b"\n") + 1
        raise CoachSiteError(
            f"{path}: the version at {_short(revision)} is not UTF-8 text (line {line}), so there is nothing to "
            "compare with. Compare with a later version: --since REVISION."
        ) from None
    # The token of an earlier version may be one that was rotated away for being guessable.
    return validate_client(load_client_bytes(source, Path(f"{path}@{revision}")), weak_token_ok=True)


def last_updated_many(paths: list[Path]) -> dict[Path, dt.date]:
    """last_updated for many files at once: a few git calls per folder instead of two per file."""
    dates: dict[Path, dt.date] = {}
    by_folder: dict[Path, list[Path]] = {}
    for path in paths:
        by_folder.setdefault(path.resolve().parent, []).append(path)
    for folder, files in by_folder.items():
        try:
            top = Path(_git(folder / "x", "rev-parse", "--show-toplevel").strip())
            changed = {
                (top / line[3:]).resolve()
                for line in _git(folder / "x", "status", "--porcelain", "--untracked-files=all", "--", ".").splitlines()
            }
            committed: dict[Path, dt.date] = {}
            day = None
            for line in _git(folder / "x", "log", "--format=%x00%cs", "--name-only", "--", ".").splitlines():
                if line.startswith("\0"):
                    day = dt.date.fromisoformat(line[1:])
                elif line and day is not None:
                    committed.setdefault((top / line).resolve(), day)
        except CoachSiteError:
            changed, committed = set(), {}
        for path in files:
            resolved = path.resolve()
            if resolved in committed and resolved not in changed:
                dates[path] = committed[resolved]
            else:
                with contextlib.suppress(OSError):  # gone, or a link to nothing: reading it says so
                    dates[path] = dt.date.fromtimestamp(path.stat().st_mtime)
    return dates


def _short(revision: str) -> str:
    """A commit's id as git shows it; any other revision as written."""
    return revision[:7] if len(revision) == 40 and all(c in "0123456789abcdef" for c in revision) else revision
