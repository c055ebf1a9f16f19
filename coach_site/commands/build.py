"""`coach-site build` (and the build step of `publish`): which client files, and what the
builds add up to. The building itself is workbook/pipeline.py's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coach_site.clientfile.keys import needs_key, write_new_key
from coach_site.console import counted
from coach_site.errors import CoachSiteError
from coach_site.project import Project, shown_path
from coach_site.workbook.pipeline import Built, Failed, Outcome, Skipped


def client_files(project: Project, given: Iterable[Path] = ()) -> list[Path]:
    """The client files named on the command line, or else every one of the project."""
    found = list(given) or [shown_path(path) for path in project.client_files()]
    if not found:
        raise CoachSiteError(f"no client files in {project.clients_dir}; make one with `coach-site new \"Full Name\"`")
    return found


def give_keys(project: Project, files: Iterable[Path]) -> list[Path]:
    """Write a key into each sealed client file that has none yet; the files written.

    Done before the build reads the files, so the workbook is sealed with the key its
    link carries, and the build record fingerprints the file as it now is.
    """
    given = []
    for client_file in files:
        if client_file.is_file() and needs_key(client_file, project.sealed) and write_new_key(client_file):
            given.append(client_file)
    return given


def key_written_message(client_file: Path) -> str:
    return (f"{shown_path(client_file)}: sealed, so a new key was written into it (link.key); the link with "
            "this key is the only way in: keep the file private")


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
        raise CoachSiteError(counted(failed, "client failed to build; its published site was left as it was",
                                 "clients failed to build; their published sites were left as they were"))
