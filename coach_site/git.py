"""The one place coach-site runs git: its output as text or bytes, its failures as one line.

It knows git, nothing of client files: what a file's history means to a coach is
clientfile/history.py's business, what a publish branch is commands/publish.py's.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from coach_site.errors import CoachSiteError


class GitMissing(CoachSiteError):
    """git is not installed on this machine."""


class GitFailed(CoachSiteError):
    """A git command ended with an error; the message is git's own last line."""

    def __init__(self, command: str, reason: str, stderr: str):
        self.command = command  # git's sub-command, e.g. "fetch"
        self.reason = reason  # the last line git wrote, or "" when it wrote nothing
        self.stderr = stderr
        super().__init__(f"git {command}: {reason or 'failed'}")


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def last_line(text: str) -> str:
    """The last line a command wrote (where git and rsync say what went wrong), or ""."""
    lines = text.strip().splitlines()
    return lines[-1].strip() if lines else ""


def git_bytes(*args: str, cwd: Path) -> bytes:
    """git's output as git wrote it (an old version of a file, in whatever encoding it had).

    Raises GitMissing without git, GitFailed when the command fails.
    """
    result = _run(args, cwd)
    if result.returncode != 0:
        stderr = _text(result.stderr)
        raise GitFailed(_subcommand(args), last_line(stderr) or last_line(_text(result.stdout)), stderr)
    return result.stdout


def git(*args: str, cwd: Path) -> str:
    """git's output as text; raises GitMissing without git, GitFailed when the command fails."""
    return _text(git_bytes(*args, cwd=cwd))


def try_git(*args: str, cwd: Path) -> Result:
    """Run git and hand back whatever happened, for a caller to whom failing is an answer
    (no such branch, no such setting). Raises GitMissing without git."""
    result = _run(args, cwd)
    return Result(result.returncode, _text(result.stdout), _text(result.stderr))


def identity(cwd: Path) -> list[str]:
    """`-c` options for a commit: the coach's own git identity when they have one, a neutral
    one otherwise (a commit must never fail on a machine where git was never set up)."""
    name = try_git("config", "user.name", cwd=cwd).stdout.strip()
    email = try_git("config", "user.email", cwd=cwd).stdout.strip()
    return ["-c", f"user.name={name or 'coach-site'}", "-c", f"user.email={email or 'coach-site@localhost'}"]


def _subcommand(args: tuple[str, ...]) -> str:
    """`commit` of `git -c user.name=... commit ...`: the word a message should name."""
    rest = list(args)
    while len(rest) > 2 and rest[0] == "-c":
        rest = rest[2:]
    return rest[0] if rest else "git"


def _run(args: tuple[str, ...], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitMissing("git is not installed") from None


def _text(output: bytes) -> str:
    # git's messages may quote a file's bytes: shown, never a crash.
    return output.decode("utf-8", errors="replace")
