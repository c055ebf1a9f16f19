"""`coach-site build` (and the build step of `publish`): which client files, and what the
builds add up to. The building itself is workbook/pipeline.py's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coach_site.errors import CoachSiteError
from coach_site.project import Project, shown_path
from coach_site.workbook.pipeline import Built, Failed, Outcome, Skipped


def client_files(project: Project, given: Iterable[Path] = ()) -> list[Path]:
    """The client files named on the command line, or else every one of the project."""
    found = list(given) or [shown_path(path) for path in project.client_files()]
    if not found:
        raise CoachSiteError(f"no client files in {project.clients_dir}; make one with `coach-site new \"Full Name\"`")
    return found


@dataclass(frozen=True)
class Tally:
    """How many clients a run built, skipped as unchanged, and failed."""

    built: int
    skipped: int
    failed: int

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> Tally:
        outcomes = list(outcomes)
        return cls(*(sum(isinstance(o, kind) for o in outcomes) for kind in (Built, Skipped, Failed)))


def raise_if_failed(outcomes: Iterable[Outcome]) -> None:
    """After a run's report: the run failed when any client did."""
    failed = Tally.of(outcomes).failed
    if failed:
        raise CoachSiteError(f"{failed} client(s) failed to build; their published sites were left as they were")
