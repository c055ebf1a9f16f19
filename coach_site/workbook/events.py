"""The homework's due date and the next session as calendar events: one iCalendar file
(RFC 5545, written with the `icalendar` library) that the homework email attaches and the
workbook offers as "Add to my calendar".

* Every word of an event (its title, its description, its reminder) is the workbook's, in the
  client's language (`calendar` in content/_words.yaml, through the catalogues), and each text
  says its language (`LANGUAGE=`).
* A day without a time is an all-day event (VALUE=DATE). A session with a time of day
  (`next: 2026-12-14 10:00`) is an hour long, at that time in the client's time zone
  (client.timezone, else extra.timezone in mkdocs.yml), its VTIMEZONE in the file; with no
  time zone set anywhere it is at that time wherever the calendar is (a floating time).
* Each event has a UID of its own kind ("homework", "session") and of the client: a hash of
  the first token the client ever had (what the browser already files their notes under), so
  it stays through a rotated link and tells neither the token nor the name. A changed date,
  sent again or added again from the workbook, updates the event instead of adding a second.
* SEQUENCE and DTSTAMP say which version of an event is newer: both come from the day the
  client file last changed (the workbook's "Updated" date), so a workbook built and an email
  written from the same file carry the same event, and a later change has a higher SEQUENCE.
* Google Calendar and Outlook drop an imported event's alarm (VALARM), so the description
  carries the reminder in words; the alarm is there too, for the calendars that keep it.
* No link is in the events: a calendar is often shared or kept by another company, and a
  sealed workbook's key must stay in its link alone.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coach_site.clientfile.model import Workbook
from coach_site.project import Coach
from coach_site.workbook.dates import LANGUAGE, human_date

PRODUCT = "-//coach-site//coach-site workbook//EN"
SESSION_LENGTH = dt.timedelta(hours=1)  # the client file says when a session starts, not how long it is
# When the calendar reminds: the evening before would be too late to start the homework, so
# the morning of the day before (9:00, 15 hours before the day starts); an hour before a
# session at a time.
REMIND_BEFORE_DAY = dt.timedelta(hours=-15)
REMIND_BEFORE_SESSION = dt.timedelta(hours=-1)
_SEQUENCE_FROM = dt.date(2020, 1, 1)  # SEQUENCE counts the days from here to the file's last change

if TYPE_CHECKING:
    from icalendar import Event


@dataclass(frozen=True)
class CalendarFile:
    """The events of one client, as the bytes of a .ics file, and the file's name in their language."""

    data: bytes
    file_name: str

    @property
    def base64(self) -> str:
        """The file as a page carries it (data-calendar): letters a page's Markdown leaves alone."""
        return base64.b64encode(self.data).decode("ascii")


def event_uid(workbook: Workbook, kind: str) -> str:
    """The UID of one kind of event of one client: the same for every version of the event,
    every link the client has had and every place it comes from (email, workbook)."""
    first = workbook.link.previous_tokens[0] if workbook.link.previous_tokens else workbook.link.token
    digest = hashlib.sha256(f"coach-site event\0{first}\0{kind}".encode("utf-8")).hexdigest()
    return f"{digest[:32]}@coach-site"


def coaching_events(
    workbook: Workbook,
    words: Mapping[str, Any],
    coach: Coach,
    *,
    language: str = LANGUAGE,
    timezone: str | None = None,
    updated: dt.date | None = None,
) -> CalendarFile | None:
    """The homework's due date and the next session as one calendar file; None when the client
    file has neither. `words`: the workbook's words in the client's `language` (load_words);
    `timezone`: the client's (an IANA name) or None; `updated`: the day the client file last
    changed, which dates this version of the events."""
    says = words["calendar"]
    due, session = workbook.homework.due, workbook.next_session
    if due is None and session is None:
        return None
    from icalendar import Alarm, Calendar, Event  # loaded by the builds that make events, not by every command

    version = updated or dt.date.today()
    stamp = dt.datetime.combine(version, dt.time(0), tzinfo=dt.timezone.utc)
    sequence = max(0, (version - _SEQUENCE_FROM).days)

    def text(template: str, day: dt.date) -> str:
        return template.replace("{coach}", coach.name).replace("{date}", human_date(day, language))

    def event(kind: str, says_kind: Mapping[str, str], day: dt.date) -> Event:
        found = Event()
        found.add("uid", event_uid(workbook, kind))
        found.add("dtstamp", stamp)
        found.add("sequence", sequence)
        found.add("summary", text(says_kind["title"], day), parameters={"LANGUAGE": language})
        found.add("description", text(says_kind["description"], day), parameters={"LANGUAGE": language})
        return found

    def alarm(says_kind: Mapping[str, str], day: dt.date, before: dt.timedelta) -> Alarm:
        found = Alarm()
        found.add("action", "DISPLAY")
        found.add("trigger", before)
        found.add("description", text(says_kind["reminder"], day), parameters={"LANGUAGE": language})
        return found

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if due is not None:
        homework = event("homework", says["homework"], due)
        _all_day(homework, due)
        homework.add_component(alarm(says["homework"], due, REMIND_BEFORE_DAY))
        calendar.add_component(homework)
    if session is not None:
        meeting = event("session", says["session"], session)
        at = getattr(session, "at", None)
        if at is None:
            _all_day(meeting, session)
            meeting.add_component(alarm(says["session"], session, REMIND_BEFORE_DAY))
        else:
            zone = zoneinfo.ZoneInfo(timezone) if timezone else None  # None: a floating time
            start = dt.datetime.combine(_day(session), at, tzinfo=zone)
            meeting.add("dtstart", start)
            meeting.add("duration", SESSION_LENGTH)
            meeting.add("transp", "OPAQUE")
            meeting.add_component(alarm(says["session"], session, REMIND_BEFORE_SESSION))
        calendar.add_component(meeting)
    if session is not None:  # the VTIMEZONE of a session's time zone, as RFC 5545 asks: the years around it
        calendar.add_missing_timezones(dt.date(session.year - 1, 1, 1), dt.date(session.year + 2, 1, 1))
        for zone in calendar.timezones:
            zone.pop("COMMENT", None)  # the library's note, in English, of the years the rules cover
    return CalendarFile(calendar.to_ical(), says["file_name"])


def _all_day(event: Event, day: dt.date) -> None:
    """A day without a time: from that day to the next (DTEND is not part of the event), shown
    as free time, for it is a reminder, not an appointment."""
    event.add("dtstart", _day(day))
    event.add("dtend", _day(day) + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")


def _day(day: dt.date) -> dt.date:
    """A plain date (a session's SessionDate holds its time beside it)."""
    return dt.date(day.year, day.month, day.day)

