"""A client's build as a short sequence of named steps: load, validate, render, build, publish."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .build import build_site
from .errors import CoachSiteError
from .loader import load_client_file
from .model import Workbook
from .project import Project
from .publish import publish_site, staging_dir
from .render import render_pages
from .validate import validate_client


@dataclass(frozen=True)
class BuiltClient:
    client_file: Path
    link: str
    site: Path
    warnings: list[str] = field(default_factory=list)


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
    with tempfile.TemporaryDirectory(prefix="coach-site-") as work:
        docs_dir = Path(work) / "docs"
        rendered = render_pages(
            workbook, project.content_dir, docs_dir, coach=project.coach, link=link
        )
        staged = staging_dir(site_dir)
        try:
            warnings = build_site(project, docs_dir, rendered.nav, link, staged)
            published = publish_site(staged, site_dir, token)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    return BuiltClient(client_file=client_file, link=link, site=published, warnings=warnings)


__all__ = ["BuiltClient", "CoachSiteError", "build_client", "check_client"]
