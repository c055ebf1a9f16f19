"""What each workbook in the site dir was built from, so an unchanged client is not rebuilt.

A client's inputs: its file, the day the workbook says it was updated, and everything
every client shares: mkdocs.yml, content/ and overrides/ (the practice's and coach-site's
own), and the versions of coach-site
and of the libraries that turn them into pages. Any change to any of them (a template,
the theme, an upgrade) changes the fingerprint, so nothing is ever skipped wrongly.
The record lives in the project's `.coach-site/` folder, never in the site dir.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from coach_site.project import Project
from coach_site.workbook.practice_files import check_practice_files
from coach_site.workbook.swap import is_workbook
from coach_site.workbook.workspace import relative_name, site_key, state_dir

OLD_STAMPS_FILE = ".coach-site-builds.json"  # where older versions kept it
# The libraries whose upgrade can change a built page.
LIBRARIES = ("coach-site", "mkdocs", "mkdocs-material", "jinja2", "markdown", "pymdown-extensions",
             "pyyaml", "pydantic", "markupsafe")


def _library_versions() -> str:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}==?")
    return ";".join(found)


@lru_cache(maxsize=8)
def _shared_fingerprint(config_file: Path, folders: tuple[Path, ...], stat_key: tuple) -> str:
    digest = hashlib.sha256(_library_versions().encode())
    digest.update(config_file.read_bytes())
    for number, folder in enumerate(folders):  # which folder a file is in matters: the first wins
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = f"{number}/{path.relative_to(folder).as_posix()}"
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def shared_fingerprint(project: Project) -> str:
    """The fingerprint of what all clients share; recomputed when any of those files changes.
    Raises CoachSiteError when the practice's folders hold what may not be read or published."""
    check_practice_files(project)
    folders = (*project.content_dirs, *project.overrides_dirs)
    # Cheap to compute, and changes whenever a file is added, removed or written.
    stat_key = tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size)
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ) + ((str(project.config_file), project.config_file.stat().st_mtime_ns, project.config_file.stat().st_size),)
    return _shared_fingerprint(project.config_file, folders, stat_key)


def inputs_fingerprint(client_text: bytes, updated: dt.date | None, shared: str) -> str:
    """The fingerprint of everything one client's workbook is built from."""
    digest = hashlib.sha256(shared.encode())
    digest.update(str(updated).encode() + b"\0" + client_text)
    return digest.hexdigest()


class Stamps:
    """One site dir's record: client file -> token and inputs fingerprint of its built workbook.

    Kept in the project's `.coach-site/` folder, one file per site dir, with paths relative
    to the project: the site dir holds only what may be published.
    """

    def __init__(self, project: Project, site_dir: Path):
        self.root = project.root
        self.site_dir = site_dir
        self.path = state_dir(project.root) / f"{site_key(project.root, site_dir)}.builds.json"
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            self.records: dict[str, dict] = saved["clients"]
        except (OSError, ValueError, KeyError, TypeError):
            self.records = {}

    def key(self, client_file: Path) -> str:
        return relative_name(client_file, self.root)

    def current_token(self, client_file: Path, fingerprint: str, site_dir: Path) -> str | None:
        """The token of a workbook built from exactly these inputs and still there; else None.

        Same inputs means the same file, so this needs no parsing of it at all.
        """
        record = self.records.get(self.key(client_file))
        if record is None or record.get("inputs") != fingerprint:
            return None
        token = record.get("token")
        return token if token and is_workbook(site_dir / token) and (site_dir / token / "index.html").is_file() else None

    def is_current(self, client_file: Path, token: str, fingerprint: str, site_dir: Path) -> bool:
        """Built from exactly these inputs, and still there (a deleted site is rebuilt)."""
        return self.current_token(client_file, fingerprint, site_dir) == token

    def record(self, client_file: Path, token: str, fingerprint: str) -> None:
        self.records[self.key(client_file)] = {
            "token": token, "inputs": fingerprint, "built": dt.datetime.now().isoformat(timespec="seconds"),
        }

    def forget(self, client_file: Path) -> None:
        self.records.pop(self.key(client_file), None)

    def save(self) -> None:
        saved = {"site_dir": relative_name(self.site_dir, self.root), "clients": self.records}
        handle, temp = tempfile.mkstemp(prefix=".builds-", dir=self.path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            json.dump(saved, f, indent=1, sort_keys=True)
        os.replace(temp, self.path)
        # Older versions kept the record in the site dir, where it would be published.
        (self.site_dir / OLD_STAMPS_FILE).unlink(missing_ok=True)
