"""The practice's own content/ and overrides/ hold the practice's files, and nothing else.

Every file there is read for the build record and published with every workbook (sealed
or not: a theme file is not sealed). A link that leads outside the practice would publish
whatever it points to, and a pipe or a device could make a build wait forever, so both
are refused before anything is read.
"""

from __future__ import annotations

import os
from pathlib import Path

from coach_site.errors import CoachSiteError
from coach_site.project import Project


def check_practice_files(project: Project) -> None:
    """Raise one error listing every link out of the practice and every file that is not one."""
    root = project.root.resolve()
    problems = []
    for folder in (project.content_dir, project.overrides_dir):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            shown = path.relative_to(project.root).as_posix()
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                problems.append(f"{shown}: is a link to {os.readlink(path)}, outside your practice folder, and "
                                "would be published with every workbook. Copy the file into the practice instead.")
            elif not path.is_symlink() and not (path.is_file() or path.is_dir()):
                problems.append(f"{shown}: is not a file (a pipe, a device or a socket): remove it.")
    if problems:
        raise CoachSiteError("\n".join(problems))
