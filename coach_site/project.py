"""A coach's project (a practice) as plain data: where it keeps things, and what its
mkdocs.yml says about the coach. Read from mkdocs.yml by `project_loader.load_project`;
this module imports nothing of coach-site, so every other one may import it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "mkdocs.yml"
DEFAULT_LANGUAGE = "en"  # theme.language when mkdocs.yml names none
# The defaults every practice uses: the workbook's page templates and words, and the theme's
# overrides. A practice's own content/ and overrides/ hold only the files it changes: a file
# of the same name there wins over the package's, file by file (as Material's custom_dir).
PACKAGE_THEME = Path(__file__).resolve().parent / "theme"
PACKAGE_CONTENT = PACKAGE_THEME / "content"
PACKAGE_OVERRIDES = PACKAGE_THEME / "overrides"


@dataclass(frozen=True)
class Coach:
    name: str
    email: str | None = None


@dataclass(frozen=True)
class Project:
    """A coach-site project (a practice): mkdocs.yml beside clients/, and content/ and
    overrides/ with whatever the coach changed of coach-site's own templates and theme."""

    root: Path
    site_url: str | None  # None until the coach has a host: links are then the workbooks on disk
    coach: Coach
    workbook_title: str | None = None  # extra.workbook_title: the header's words, "{name}" filled in
    language: str = DEFAULT_LANGUAGE  # theme.language: the practice's language, for clients without one
    sealed: bool = False  # extra.sealed: workbooks are sealed unless a client's link.sealed says otherwise
    timezone: str | None = None  # extra.timezone: an IANA name, for clients without client.timezone

    def timezone_of(self, client_timezone: str | None) -> str | None:
        """A client's time zone: their own, else the practice's; None when neither is set."""
        return client_timezone or self.timezone

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def overrides_dir(self) -> Path:
        return self.root / "overrides"

    @property
    def content_dirs(self) -> tuple[Path, ...]:
        """Where the page templates and words are looked up, the practice's first."""
        return (self.content_dir, PACKAGE_CONTENT)

    @property
    def overrides_dirs(self) -> tuple[Path, ...]:
        """Where the theme's overrides are looked up, the practice's first (then Material's)."""
        return (self.overrides_dir, PACKAGE_OVERRIDES)

    @property
    def clients_dir(self) -> Path:
        return self.root / "clients"

    def client_files(self) -> list[Path]:
        return sorted(self.clients_dir.glob("*.yaml"))

    def language_of(self, client_language: str | None) -> str:
        """A client's language: their own, else the practice's."""
        return client_language or self.language

    def web_link(self, token: str) -> str | None:
        """The workbook's address on the web, site_url + token + '/', what the pages may say
        of themselves; None while site_url is not set."""
        return f"{self.site_url}{token}/" if self.site_url else None

    def private_link(self, token: str, site_dir: Path) -> str:
        """The link to a workbook: its address on the web; while site_url is not set, its
        front page on this computer (site_dir/<token>/index.html), to open from disk."""
        if link := self.web_link(token):
            return link
        return Path(os.path.abspath(site_dir / token / "index.html")).as_uri()


def site_url_missing(project: Project) -> str:
    """What to do while mkdocs.yml has no site_url, in the coach's words: one line to act on."""
    return (f"{CONFIG_FILE}: site_url is not set yet: set it to the address "
            "your workbooks will be published at, like https://you.github.io/workbooks/")


# What the example practice (this repository's, and the one `init` starts from) says; a
# practice still saying it would send clients links to the example's host, signed by a
# fictional coach.
EXAMPLE_SITE_URL = "https://coaching.example.org/"
EXAMPLE_COACH = Coach("Sam Rivera", "sam.rivera@example.org")


def is_example_address(site_url: str) -> bool:
    """The example practice's site_url: links made with it point to a host that is not the coach's."""
    return site_url.startswith(EXAMPLE_SITE_URL)


def is_example_coach(name: str | None, email: str | None) -> bool:
    """The example practice's coach (by name or by address)."""
    return name == EXAMPLE_COACH.name or email == EXAMPLE_COACH.email


def example_values(project: Project) -> list[str]:
    """What in mkdocs.yml is still the example's, each as what to change; empty when none."""
    found = []
    if project.site_url and is_example_address(project.site_url):
        found.append(f"site_url is still the example's ({project.site_url}): set it to the address "
                     "your workbooks will be published at")
    if is_example_coach(project.coach.name, project.coach.email):
        found.append(f"extra.coach is still the example's ({project.coach.name}, {project.coach.email}): "
                     "set name and email to yours (they sign every workbook and email)")
    return found


def shown_path(path: Path) -> Path:
    """A path as the coach would type it: relative to the current folder when inside it,
    so a message names `clients/ada.yaml` whether or not the coach named the file.
    Links are not followed: a message names the file the coach knows."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd())
    except (ValueError, OSError):
        return Path(path)
