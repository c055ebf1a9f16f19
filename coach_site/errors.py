"""Errors a coach can read: each one names the file, the line, the field and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a client file."""

    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


# What to do about a bug: coach-site has no address of its own to give, so the README says where.
REPORT_A_BUG = (
    "Run the same command again with --debug and send its output to whoever set up coach-site for you, "
    "or file it at the coach-site project's issue tracker (see \"Reporting a problem\" in the README)."
)


class CoachSiteError(Exception):
    """An error we expect and explain; the CLI prints it without a traceback."""


class ClientFileError(CoachSiteError):
    """A client file that cannot be read or does not follow the client format."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self):  # travels whole between processes of a parallel build
        return (type(self), (self.problems,))


class BuildError(CoachSiteError):
    """A template, theme or MkDocs failure while turning a valid file into a site."""
