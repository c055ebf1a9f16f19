"""`coach-site check`: every problem of each client file, the same checks a build makes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coach_site.clientfile.keys import needs_key
from coach_site.clientfile.scaffold import placeholders_left
from coach_site.clientfile.tokens import file_key, shared_links
from coach_site.commands.build import client_files
from coach_site.errors import ClientFileError, CoachSiteError, Problem
from coach_site.project_loader import load_project
from coach_site.workbook.pipeline import check_client


@dataclass(frozen=True)
class Checked:
    """One client file and what is wrong in it (nothing: it builds)."""

    client_file: Path
    problems: list[Problem]
    notes: tuple[str, ...] = ()  # worth knowing, not wrong: a sealed file's key still to be written, ...


def check_files(given: Iterable[Path] = ()) -> list[Checked]:
    """Check the files named (default: the project's clients/*.yaml), one result each.

    A file whose private link another client file of the project has too gets that
    problem added: building it would publish it over the other client's workbook.
    """
    files = list(given) or client_files(load_project())
    shared = shared_links([*_project_client_files(), *files])
    practice_sealed = _practice_sealed()
    checked = []
    for client_file in files:
        problems, notes = [], []
        try:
            notes = placeholders_left(check_client(client_file, practice_sealed=practice_sealed))
        except ClientFileError as exc:
            problems = exc.problems
        if file_key(client_file) in shared:
            problems = [*problems, shared[file_key(client_file)]]
        if key_note := _key_note(client_file, practice_sealed):
            notes.append(key_note)
        checked.append(Checked(client_file, problems, tuple(notes)))
    return checked


def _key_note(client_file: Path, practice_sealed: bool) -> str | None:
    """`check` writes nothing: a sealed file without a key gets one from build, publish or email."""
    if not needs_key(client_file, practice_sealed):
        return None
    return "sealed, no link.key yet: build, publish or email writes one"


def _practice_sealed() -> bool:
    """mkdocs.yml's extra.sealed; outside a project only a client's own link.sealed counts."""
    try:
        return load_project().sealed
    except CoachSiteError:
        return False


def _project_client_files() -> list[Path]:
    """clients/*.yaml of the project here; none outside a project (`check FILE` works anywhere)."""
    try:
        return load_project().client_files()
    except CoachSiteError:
        return []
