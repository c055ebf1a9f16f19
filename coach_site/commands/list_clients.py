"""`coach-site list`: the coach's overview of every client. Terminal only; never published.

Beside each client's link, dates and built workbook, what came back from them: when their
last reflections came in, how many since their last session, and whether their homework is
overdue. Those come from the inbox's record (`inbox/record.py`: what `coach-site inbox` read,
by client file), kept in the practice's `.coach-site/`; without a record, nothing came in.

* The last session is the latest of the file's `sessions:` on or before today (a `next` that
  has passed among them): reflections since it are those sent on that day or later.
* Homework is set at a session: the latest session on or before its due date (the Strategy
  session, usually). It is overdue once its due date has passed (the day after it) and no
  reflections came in on or after the day it was set; a file with no session before its due
  date counts any reflections ever received.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach_site.clientfile.history import last_updated_many
from coach_site.clientfile.keys import coachee_link, is_sealed
from coach_site.clientfile.model import SessionDate, Workbook
from coach_site.clientfile.tokens import file_key, shared_links
from coach_site.console import printable
from coach_site.errors import CoachSiteError, Problem
from coach_site.inbox.record import InboxRecord
from coach_site.project import Project
from coach_site.workbook.dates import short_date
from coach_site.workbook.pipeline import prepare_client
from coach_site.workbook.stamps import Stamps, shared_fingerprint
from coach_site.workbook.workspace import relative_name

# The table's columns after the client's name, each headed on two lines so that the table
# fits 80 columns; the state of the site, its date and the link go on lines of their own.
HEADINGS = (("", "client"), ("next", "session"), ("homework", "due"), ("", "overdue"),
            ("last", "reflections"), ("since", "session"))
NUMBERS = {5}  # the columns of counts, aligned right


@dataclass(frozen=True)
class ClientRow:
    slug: str
    file: str  # the client file, from the practice's folder
    link: str
    next_session: SessionDate | None
    homework_due: dt.date | None
    updated: dt.date | None
    site: str  # "up to date", "changed since built", "not built", or the problem
    problem: bool = False
    shared_link: Problem | None = None  # another client file has the same token
    timezone: str | None = None  # the client's time zone (their own, else the practice's)
    last_session: dt.date | None = None
    last_reflections: dt.datetime | None = None  # when the latest reflections were sent
    reflections_since_last_session: int | None = None  # None: not known (the file cannot be read)
    overdue: bool | None = None  # None: no due date, or not known
    away: bool = False  # the client's own time zone is not the practice's: the table names it beside a session's time

    def cells(self) -> tuple[str, ...]:
        """The row's cells in the table, HEADINGS' order."""
        overdue = {True: "yes", False: "no", None: "-"}[self.overdue]
        since = "-" if self.reflections_since_last_session is None else str(self.reflections_since_last_session)
        return (self.slug, _short(self.next_session), _short(self.homework_due), overdue,
                _short(self.last_reflections.date() if self.last_reflections else None), since)

    def details(self) -> list[str]:
        """The lines below the row: the state of the built workbook and the day the file last changed; the link."""
        state = self.site + (f"; updated {short_date(self.updated)}" if self.updated else "")
        if self.away and getattr(self.next_session, "at", None):
            state += f"; the session's time is in {self.timezone}"
        return [state, self.link]

    def as_json(self) -> dict[str, Any]:
        """The row for scripts: the same keys in every row, dates in ISO 8601, null for none."""
        session = self.next_session
        return {
            "client": self.slug,
            "file": self.file,
            "link": None if self.link == "-" else self.link,
            "next_session": (f"{session.isoformat()}T{session.at:%H:%M}" if getattr(session, "at", None)
                             else _iso(session)),
            "timezone": self.timezone,
            "homework_due": _iso(self.homework_due),
            "overdue": self.overdue,
            "last_session": _iso(self.last_session),
            "last_reflections": self.last_reflections.isoformat() if self.last_reflections else None,
            "reflections_since_last_session": self.reflections_since_last_session,
            "updated": _iso(self.updated),
            "site": printable(self.site),  # a message, as the table says it; the names above stay exact
            "problem": self.problem,
        }


def _short(day: dt.date | None) -> str:
    return short_date(day) if day else "-"


def _iso(day: dt.date | None) -> str | None:
    return dt.date(day.year, day.month, day.day).isoformat() if day else None


def client_overview(project: Project, site_dir: Path, today: dt.date | None = None) -> list[ClientRow]:
    """One row per client file, sorted by next session (its time too; none last), then by name.
    `today`: the coach's, which says what has passed."""
    today = today or dt.date.today()
    stamps = Stamps(project, site_dir)
    files = project.client_files()
    dates = last_updated_many(files)  # a few git calls in all, not two per client
    shared = shared_fingerprint(project)
    links_shared = shared_links(files)
    record = InboxRecord(project.root)
    rows = []
    for client_file in files:
        same_link = links_shared.get(file_key(client_file))
        name = relative_name(client_file, project.root)
        try:
            prepared = prepare_client(client_file, project, dates.get(client_file), shared)
        except CoachSiteError as exc:
            first = str(exc).splitlines()[0]
            rows.append(ClientRow(client_file.stem, name, "-", None, None, None, f"cannot build: {first}", True,
                                  same_link, last_reflections=record.last_received(client_file)))
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
        last = workbook.last_session(today)
        rows.append(ClientRow(
            client_file.stem, name, coachee_link(project, own.token, own.sealed, own.key, site_dir),
            workbook.next_session, workbook.homework.due, prepared.updated, state, bool(same_link), same_link,
            timezone=project.timezone_of(workbook.client.timezone),
            last_session=last,
            last_reflections=record.last_received(client_file),
            reflections_since_last_session=record.received_since(client_file, last or dt.date.min),
            overdue=is_overdue(workbook, record, client_file, today),
            away=workbook.client.timezone not in (None, project.timezone),
        ))
    return sorted(rows, key=_by_next_session)


def _by_next_session(row: ClientRow) -> tuple:
    session = row.next_session
    return (session is None, session.when if session is not None else (dt.date.max, dt.time(0)), row.slug)


def is_overdue(workbook: Workbook, record: InboxRecord, client_file: Path, today: dt.date) -> bool | None:
    """Whether the homework is overdue: its due date has passed and nothing came back since it
    was set (see the module's docstring); None when the file has no due date."""
    due = workbook.homework.due
    if due is None:
        return None
    if due >= today:
        return False
    set_at = workbook.last_session(due)
    return record.received_since(client_file, set_at or dt.date.min) == 0


def overview_json(rows: list[ClientRow]) -> list[dict[str, Any]]:
    return [row.as_json() for row in rows]


def fitted(rows: list[ClientRow], width: int = 80) -> tuple[list[str], list[list[str]]]:
    """The table: its two heading lines, and each row's lines (a name too long for the width
    on a line of its own, then the cells, then the details, indented), fitted to `width`."""
    cells = [row.cells() for row in rows]
    widths = [max(len(text) for text in (*heading, *(row[index] for row in cells)))
              for index, heading in enumerate(HEADINGS)]
    rest = sum(widths[1:]) + 2 * (len(widths) - 1)
    widths[0] = max(len(HEADINGS[0][1]), min(widths[0], width - rest))

    def line(texts) -> str:
        return "  ".join(text.rjust(wide) if index in NUMBERS else text.ljust(wide)
                         for index, (text, wide) in enumerate(zip(texts, widths))).rstrip()

    heading = [line(part[0] for part in HEADINGS), line(part[1] for part in HEADINGS)]
    blocks = []
    for row, texts in zip(rows, cells):
        lines = []
        if len(texts[0]) > widths[0]:
            lines.append(texts[0])
            texts = ("", *texts[1:])
        lines.append(line(texts))
        lines += [f"  {detail}" for detail in row.details()]
        blocks.append(lines)
    return heading, blocks
