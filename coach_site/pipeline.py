"""A client's build as a short sequence of named steps: load, validate, render, build, publish."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .build import build_site
from .client_edit import set_values, write_atomically
from .errors import CoachSiteError
from .history import last_updated
from .loader import load_client_file
from .model import Workbook
from .project import Project
from .publish import publish_site, remove_site, staging_dir
from .render import render_pages
from .scaffold import new_token
from .validate import validate_client


@dataclass(frozen=True)
class BuiltClient:
    client_file: Path
    link: str
    site: Path
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """What happened to one client of a build: built, or failed with an error."""

    client_file: Path
    built: BuiltClient | None = None
    error: CoachSiteError | None = None


def check_client(client_file: Path) -> Workbook:
    """Load and validate one client file (raises ClientFileError)."""
    return validate_client(load_client_file(client_file))


def build_client(client_file: Path, project: Project, site_dir: Path) -> BuiltClient:
    """Build one client's workbook and swap it into `site_dir/<token>/`.

    Raises a CoachSiteError on bad input or a failed build; the published site and the
    site dir are then exactly as they were.
    """
    workbook = check_client(client_file)
    token = workbook.link.token
    link = project.private_link(token)
    updated = last_updated(client_file)
    with tempfile.TemporaryDirectory(prefix="coach-site-") as work:
        docs_dir = Path(work) / "docs"
        rendered = render_pages(
            workbook, project.content_dir, docs_dir, coach=project.coach, link=link, updated=updated
        )
        staged = staging_dir(site_dir)
        try:
            warnings = build_site(project, docs_dir, rendered.nav, link, staged, updated)
            published = publish_site(staged, site_dir, token)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    return BuiltClient(client_file=client_file, link=link, site=published, warnings=warnings)


def build_clients(client_files: list[Path], project: Project, site_dir: Path) -> Iterator[Outcome]:
    """Build several clients, one Outcome each, in the order given; a failure stops nobody else."""
    for client_file in client_files:
        try:
            yield Outcome(client_file, built=build_client(client_file, project, site_dir))
        except CoachSiteError as exc:
            yield Outcome(client_file, error=exc)


def rotate_client(client_file: Path, project: Project, site_dir: Path) -> BuiltClient:
    """Give a client a new private link: new token in the file, site rebuilt, old site removed.

    The new site is built from a copy of the edited file first; only when it is in place
    is the client file replaced and the old token's site deleted. A failure on the way
    leaves the file and the published site as they were.
    """
    old_token = check_client(client_file).link.token
    text = client_file.read_text(encoding="utf-8")
    new_text = set_values(text, {("link", "token"): new_token()})
    with tempfile.TemporaryDirectory(prefix="coach-site-rotate-") as work:
        edited = Path(work) / client_file.name
        edited.write_text(new_text, encoding="utf-8")
        built = build_client(edited, project, site_dir)
    write_atomically(client_file, new_text)
    remove_site(site_dir, old_token)
    return BuiltClient(client_file=client_file, link=built.link, site=built.site, warnings=built.warnings)


__all__ = ["BuiltClient", "CoachSiteError", "Outcome", "build_client", "build_clients", "check_client", "rotate_client"]
