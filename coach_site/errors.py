"""Errors a coach can read: each one names the file, the line, the field and what is wrong."""

from __future__ import annotations

import errno
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


# What an operating system's "cannot write" means, said so a coach knows what to do.
_OS_TROUBLE = {
    errno.EACCES: "permission denied", errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only", errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is used up",
    errno.EFBIG: "the file would be larger than this computer lets a program write (a file size limit, "
                 "such as `ulimit -f`)",
    errno.ENAMETOOLONG: "a name in it is too long", errno.ENOTDIR: "part of it is a file, not a folder",
    errno.ENOENT: "that place cannot hold files", errno.EEXIST: "part of it is a file, not a folder",
}
# The ones that come from the machine, not from coach-site: any command may meet them.
MACHINE_TROUBLE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def os_error_in_words(exc: OSError) -> str:
    """What went wrong with a file, in words: `the disk is full`, not `[Errno 28] ...`."""
    return _OS_TROUBLE.get(exc.errno, (exc.strerror or str(exc)).lower())
