"""`coach-site list`: the coach's overview of every client. Terminal only; never published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from coach_site.clientfile.history import last_updated_many
from coach_site.clientfile.keys import coachee_link, is_sealed
from coach_site.clientfile.tokens import file_key, shared_links
from coach_site.errors import CoachSiteError, Problem
from coach_site.project import Project
from coach_site.workbook.dates import human_date
from coach_site.workbook.pipeline import prepare_client
from coach_site.workbook.stamps import Stamps, shared_fingerprint


@dataclass(frozen=True)
class ClientRow:
    slug: str
    link: str
    next_session: dt.date | None
    homework_due: dt.date | None
    updated: dt.date | None
    site: str  # "up to date", "changed since built", "not built", or the problem
    problem: bool = False
    shared_link: Problem | None = None  # another client file has the same token

    def cells(self) -> tuple[str, ...]:
        return (self.slug, human_date(self.next_session) or "-", human_date(self.homework_due) or "-",
                human_date(self.updated) or "-", self.site, self.link)


def client_overview(project: Project, site_dir: Path) -> list[ClientRow]:
    """One row per client file, sorted by next session (none last), then by name."""
    stamps = Stamps(project, site_dir)
    files = project.client_files()
    dates = last_updated_many(files)  # a few git calls in all, not two per client
    shared = shared_fingerprint(project)
    links_shared = shared_links(files)
    rows = []
    for client_file in files:
        same_link = links_shared.get(file_key(client_file))
        try:
            prepared = prepare_client(client_file, project, dates.get(client_file), shared)
        except CoachSiteError as exc:
            first = str(exc).splitlines()[0]
            rows.append(ClientRow(client_file.stem, "-", None, None, None, f"cannot build: {first}", True,
                                  same_link))
            continue
        if same_link:
            state = "refused: same link as another client"
        elif stamps.is_current(client_file, prepared.token, prepared.fingerprint, site_dir):
            state = "up to date"
        elif (site_dir / prepared.token / "index.html").is_file():
            state = "changed since built"
        else:
            state = "not built"
        workbook = prepared.workbook
        own = workbook.link
        if is_sealed(own.sealed, project.sealed) and not own.key:
            state = f"{state}; sealed, no key yet: build writes one"
        rows.append(ClientRow(client_file.stem, coachee_link(project, own.token, own.sealed, own.key, site_dir),
                              workbook.next_session,
                              workbook.homework.due, prepared.updated, state, bool(same_link), same_link))
    return sorted(rows, key=lambda r: (r.next_session is None, r.next_session or dt.date.max, r.slug))
