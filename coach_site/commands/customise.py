"""`coach-site customise`: copy one of coach-site's templates or theme files into the practice.

The copy, in the practice's content/ or overrides/, wins over coach-site's file of the same
name; every other file stays coach-site's, so an upgrade never conflicts with the coach's
changes. A file already customised is never overwritten.
"""

from __future__ import annotations

import difflib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from coach_site.errors import CoachSiteError
from coach_site.project import PACKAGE_CONTENT, PACKAGE_OVERRIDES, Project, shown_path


@dataclass(frozen=True)
class Template:
    """One of coach-site's files a practice can have its own copy of."""

    folder: str  # "content" or "overrides": where the practice keeps its copy
    name: str  # its path inside that folder, e.g. "assets/stylesheets/workbook.css"
    source: Path

    @property
    def full_name(self) -> str:
        return f"{self.folder}/{self.name}"


def templates() -> list[Template]:
    """Every file a practice can customise, the page templates first."""
    found = []
    for folder, root in (("content", PACKAGE_CONTENT), ("overrides", PACKAGE_OVERRIDES)):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            found.append(Template(folder, path.relative_to(root).as_posix(), path))
    return found


def find_template(name: str) -> Template:
    """The file `name` means: its path (`assets/stylesheets/workbook.css`), with or without
    `content/` or `overrides/` before it, or just its file name when only one has it."""
    wanted = PurePosixPath(name.replace("\\", "/")).as_posix()
    known = templates()
    exact = [t for t in known if wanted in (t.name, t.full_name)]
    by_file_name = [t for t in known if PurePosixPath(t.name).name == wanted]
    for matches in (exact, by_file_name):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise CoachSiteError(f"'{name}' names more than one file; give one of: "
                                 + ", ".join(t.full_name for t in matches))
    raise CoachSiteError(unknown_template_message(name, known))


def unknown_template_message(name: str, known: list[Template]) -> str:
    names = [t.full_name for t in known]
    close = difflib.get_close_matches(name, [*names, *(t.name for t in known)], n=1, cutoff=0.6)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    return f"coach-site has no template or theme file '{name}'.{hint} These can be customised:\n  " + "\n  ".join(names)


def customise(name: str, project: Project) -> Path:
    """Copy the file `name` means into the practice; returns the copy's path."""
    template = find_template(name)
    target = project.root / template.folder / template.name
    if target.is_symlink():  # copied through, coach-site's file would land wherever the link points
        raise CoachSiteError(
            f"{shown_path(target)} is a link to {os.readlink(target)}: coach-site copies nothing through a link. "
            "Remove the link and customise it again."
        )
    if target.exists():
        raise CoachSiteError(
            f"{shown_path(target)} is already yours: edit it there. To start again from coach-site's, "
            "delete it (or rename it) and customise it again."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template.source, target)
    return target
