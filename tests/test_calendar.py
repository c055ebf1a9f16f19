"""Reminders without a server: the homework's due date and the next session as calendar events.

Every calendar file here is read back with the `icalendar` library, as a calendar reads it:
the one a built workbook carries for "Add to my calendar" (data-calendar, in base64), and the
one `coach-site email --eml` attaches. The browser's side (the link makes the file, on a plain
and on a sealed workbook, under the site's CSP) is tests/test_browser_calendar.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import re
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT, PRACTICE_COACH, build
from icalendar import Calendar
from page_text import read_page


TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"
UTC = dt.timezone.utc


def client(*, due: str | None = "2026-11-30", next_session: str | None = "2026-12-14", extra: str = "") -> str:
    """A client file with a due date and a next session, as the coach writes them."""
    text = MINIMAL_CLIENT.replace("  name: Ada Example\n", f"  name: Ada Example\n{extra}")
    if next_session:
        text += f"sessions:\n  strategy: 2026-11-02\n  next: {next_session}\n"
    if due:
        text += f"homework:\n  due: {due}\n"
    return text


def run(project: Path, *args: str, date: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1",
           "GIT_AUTHOR_NAME": "Sam", "GIT_AUTHOR_EMAIL": "s@example.org",
           "GIT_COMMITTER_NAME": "Sam", "GIT_COMMITTER_EMAIL": "s@example.org"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00"
    command = args if args[0] == "git" else (sys.executable, "-m", "coach_site", *args)
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)


def practice_timezone(project: Path, zone: str) -> None:
    """mkdocs.yml's extra.timezone, as a coach sets it (the line is there, commented out)."""
    settings = project / "mkdocs.yml"
    text = settings.read_text(encoding="utf-8")
    assert "  # timezone: Europe/Berlin\n" in text
    settings.write_text(text.replace("  # timezone: Europe/Berlin\n", f"  timezone: {zone}\n"), encoding="utf-8")


def page_calendar(page: Path) -> tuple[Calendar, bytes, str]:
    """The calendar file a built page carries for "Add to my calendar": parsed, its bytes, its name."""
    attributes = dict(read_page(page).data)
    data = base64.b64decode(attributes["data-calendar"], validate=True)
    return Calendar.from_ical(data), data, attributes["data-file"]


def built_calendar(client_file: Path, project: Path, site_dir: Path, page: str = "index.html") -> Calendar:
    built = build(client_file, project, site_dir)
    return page_calendar(built.site / page)[0]


def events(calendar: Calendar) -> dict[str, object]:
    """The calendar's events by kind: the homework's and the session's (by their titles)."""
    found = {}
    for event in calendar.walk("VEVENT"):
        kind = "homework" if "homework" in str(event["SUMMARY"]).casefold() or "hausaufgaben" in \
            str(event["SUMMARY"]).casefold() else "session"
        found[kind] = event
    return found


def test_a_day_without_a_time_is_an_all_day_event_with_its_reminder_in_words(project, write_client, tmp_path):
    path = write_client(client())
    built = build(path, project, tmp_path / "site")
    calendar, data, name = page_calendar(built.site / "index.html")
    assert name == "coaching-dates.ics" and calendar["VERSION"] == "2.0" and "PRODID" in calendar
    homework, session = events(calendar)["homework"], events(calendar)["session"]
    for event, day in ((homework, dt.date(2026, 11, 30)), (session, dt.date(2026, 12, 14))):
        assert event.decoded("DTSTART") == day and not isinstance(event.decoded("DTSTART"), dt.datetime)
        assert event.decoded("DTEND") == day + dt.timedelta(days=1)
        assert event["DTSTART"].params.get("VALUE") == "DATE" and event["TRANSP"] == "TRANSPARENT"
        [alarm] = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") == dt.timedelta(hours=-15)  # 9:00 the day before
    # Google Calendar and Outlook drop the alarm: the description says the date in words, and what to do.
    assert str(homework["SUMMARY"]) == "Coaching homework due"
    assert "is due on 30 November 2026" in str(homework["DESCRIPTION"])
    assert f"send your reflections to {PRACTICE_COACH[0]}" in str(homework["DESCRIPTION"])
    assert str(session["SUMMARY"]) == f"Coaching session with {PRACTICE_COACH[0]}"
    assert "our next coaching session is on 14 December 2026" in str(session["DESCRIPTION"])
    assert str(homework.walk("VALARM")[0]["DESCRIPTION"]) == "Your coaching homework is due on 30 November 2026."
    # No link (a sealed one's key), no token, no name: a calendar is often shared or kept elsewhere.
    for secret in (TOKEN, "Ada", "ada-example", "http", "coaching.okafor-practice.net"):
        assert secret.encode() not in data, secret
    # The homework page carries the same file.
    assert page_calendar(built.site / "homework.html")[1] == data


def test_a_file_without_a_due_date_or_a_next_session_offers_no_calendar(project, write_client, tmp_path):
    built = build(write_client(client(due=None, next_session=None)), project, tmp_path / "site")
    assert "data-calendar" not in (built.site / "index.html").read_text(encoding="utf-8")
    assert "Add to my calendar" not in (built.site / "index.html").read_text(encoding="utf-8")
    only_session = build(write_client(client(due=None)), project, tmp_path / "site2")
    calendar, _, _ = page_calendar(only_session.site / "index.html")
    assert list(events(calendar)) == ["session"]


def test_a_session_at_a_time_is_in_the_practices_time_zone_and_a_clients_own_overrides_it(
        project, write_client, tmp_path):
    practice_timezone(project, "Europe/Berlin")
    here = write_client(client(next_session="2026-12-14 10:00"))
    away = write_client(client(next_session="2026-12-14 10:00", extra="  timezone: America/New_York\n")
                        .replace(TOKEN, "Nw7Yk3Rt9PqL2xVb5MzC8d"), "bo")
    for path, zone, in_utc in ((here, "Europe/Berlin", dt.datetime(2026, 12, 14, 9, 0, tzinfo=UTC)),
                               (away, "America/New_York", dt.datetime(2026, 12, 14, 15, 0, tzinfo=UTC))):
        calendar = built_calendar(path, project, tmp_path / path.stem)
        session = events(calendar)["session"]
        start = session.decoded("DTSTART")
        assert start.tzinfo is not None and start == in_utc, (zone, start)
        assert start.replace(tzinfo=None) == dt.datetime(2026, 12, 14, 10, 0)  # 10:00 where the client is
        assert session["DTSTART"].params["TZID"] == zone
        assert session.decoded("DURATION") == dt.timedelta(hours=1) and session["TRANSP"] == "OPAQUE"
        assert session.walk("VALARM")[0].decoded("TRIGGER") == dt.timedelta(hours=-1)
        # RFC 5545: each TZID has its VTIMEZONE, which says the offset that day.
        [vtimezone] = calendar.walk("VTIMEZONE")
        assert vtimezone["TZID"] == zone
        assert zoneinfo.ZoneInfo(zone).utcoffset(dt.datetime(2026, 12, 14, 10)) == start.utcoffset()
        assert "14 December 2026, 10:00" in str(session["DESCRIPTION"])
        # The homework's day stays a day, wherever the client is.
        assert events(calendar)["homework"].decoded("DTSTART") == dt.date(2026, 11, 30)


def test_a_session_at_a_time_with_no_time_zone_anywhere_is_at_that_time_wherever_the_calendar_is(
        project, write_client, tmp_path):
    calendar = built_calendar(write_client(client(next_session="2026-12-14 18:30")), project, tmp_path / "site")
    start = events(calendar)["session"].decoded("DTSTART")
    assert start == dt.datetime(2026, 12, 14, 18, 30) and start.tzinfo is None  # a floating time
    assert not calendar.walk("VTIMEZONE") and "TZID" not in events(calendar)["session"]["DTSTART"].params


@pytest.mark.parametrize("where", ["client", "practice"])
def test_the_events_speak_the_clients_language(project, write_client, tmp_path, where):
    if where == "client":
        path = write_client(client().replace("focus_areas:", "language: de\nfocus_areas:"))
    else:
        settings = project / "mkdocs.yml"
        settings.write_text(settings.read_text(encoding="utf-8").replace("  language: en\n", "  language: de\n"))
        path = write_client(client())
    built = build(path, project, tmp_path / "site")
    calendar, _, name = page_calendar(built.site / "index.html")
    homework, session = events(calendar)["homework"], events(calendar)["session"]
    assert name == "coaching-termine.ics"
    assert str(homework["SUMMARY"]) == "Coaching-Hausaufgaben fällig"
    assert "sind am 30. November 2026 fällig" in str(homework["DESCRIPTION"])
    assert str(session["SUMMARY"]) == f"Coaching-Sitzung mit {PRACTICE_COACH[0]}"
    for event in (homework, session):
        for field in ("SUMMARY", "DESCRIPTION"):
            assert event[field].params["LANGUAGE"] == "de"
        assert event.walk("VALARM")[0]["DESCRIPTION"].params["LANGUAGE"] == "de"
    assert "In meinen Kalender eintragen" in (built.site / "index.html").read_text(encoding="utf-8")


def git_project(project: Path) -> None:
    for args in (("git", "init", "-q"), ("git", "add", "-A")):
        assert run(project, *args).returncode == 0


def commit(project: Path, date: str) -> None:
    result = run(project, "git", "commit", "-qam", f"session notes {date}", date=date)
    assert result.returncode == 0, result.stderr


def test_a_uid_stays_through_a_second_build_a_changed_date_and_a_rotated_link(project, write_client, tmp_path):
    path = write_client(client(next_session="2026-12-14 10:00"))
    git_project(project)
    commit(project, "2026-11-02")
    first = built_calendar(path, project, tmp_path / "one")
    again = built_calendar(path, project, tmp_path / "two")
    assert first.to_ical() == again.to_ical()  # the same file, built twice: nothing differs
    uids = {kind: str(event["UID"]) for kind, event in events(first).items()}
    assert len(set(uids.values())) == 2 and all(uid.endswith("@coach-site") for uid in uids.values())
    for secret in (TOKEN, "Ada", "ada-example"):
        assert not any(secret in uid for uid in uids.values())
    stamp = {kind: (event.decoded("DTSTAMP"), int(event["SEQUENCE"])) for kind, event in events(first).items()}
    assert stamp["homework"][0] == dt.datetime(2026, 11, 2, tzinfo=UTC)  # the day the file last changed

    # The coach moves the due date and the session, four days later: the same events, a newer version.
    path.write_text(path.read_text().replace("due: 2026-11-30", "due: 2026-12-07")
                    .replace("next: 2026-12-14 10:00", "next: 2026-12-15 11:00"))
    commit(project, "2026-11-06")
    moved = events(built_calendar(path, project, tmp_path / "three"))
    assert {kind: str(event["UID"]) for kind, event in moved.items()} == uids
    assert moved["homework"].decoded("DTSTART") == dt.date(2026, 12, 7)
    assert moved["session"].decoded("DTSTART").replace(tzinfo=None) == dt.datetime(2026, 12, 15, 11, 0)
    for kind, event in moved.items():
        assert int(event["SEQUENCE"]) == stamp[kind][1] + 4
        assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 6, tzinfo=UTC)

    # A new link: the coachee's calendar still knows the events as the same ones.
    assert run(project, "rotate", str(path)).returncode == 0
    assert TOKEN not in path.read_text().split("previous_tokens")[0]
    commit(project, "2026-11-07")
    rotated = events(built_calendar(path, project, tmp_path / "four"))
    assert {kind: str(event["UID"]) for kind, event in rotated.items()} == uids
    # Another client's events are their own.
    other = write_client(client().replace(TOKEN, "Nw7Yk3Rt9PqL2xVb5MzC8d"), "bo")
    assert not {str(e["UID"]) for e in events(built_calendar(other, project, tmp_path / "five")).values()} & \
        set(uids.values())


def test_the_homework_email_attaches_the_workbooks_events_and_says_the_dates_in_words(
        project, write_client, tmp_path):
    practice_timezone(project, "Europe/Lisbon")
    path = write_client(client(due="2099-11-30", next_session="2099-12-14 10:00"))
    result = run(project, "email", str(path), "--eml", "ada.eml")
    assert result.returncode == 0, result.stderr
    assert "Below is the homework still open, for 30 November 2099." in result.stdout
    assert "See you on 14 December 2099, 10:00." in result.stdout
    assert "with the due date and the next session attached as calendar events (coaching-dates.ics)" in result.stderr
    draft = email.message_from_bytes((project / "ada.eml").read_bytes(), policy=email.policy.default)
    assert draft.get_body(("plain",)).get_content().startswith("Hi Ada,")
    [attached] = list(draft.iter_attachments())
    assert attached.get_content_type() == "text/calendar" and attached.get_filename() == "coaching-dates.ics"
    assert attached.get_content_disposition() == "attachment" and attached.get_param("charset") == "utf-8"
    sent = Calendar.from_ical(attached.get_payload(decode=True))
    session = events(sent)["session"]
    assert session["DTSTART"].params["TZID"] == "Europe/Lisbon"
    assert session.decoded("DTSTART").replace(tzinfo=None) == dt.datetime(2099, 12, 14, 10, 0)
    assert events(sent)["homework"].decoded("DTSTART") == dt.date(2099, 11, 30)
    # The workbook offers the very same events: added from either, a calendar keeps one of each.
    shown = built_calendar(path, project, tmp_path / "site")
    assert sent.to_ical() == shown.to_ical()


def test_an_email_without_dates_attaches_nothing(project, write_client):
    path = write_client(client(due=None, next_session=None))
    result = run(project, "email", str(path), "--eml", "ada.eml")
    assert result.returncode == 0, result.stderr
    draft = email.message_from_bytes((project / "ada.eml").read_bytes(), policy=email.policy.default)
    assert list(draft.iter_attachments()) == [] and "calendar" not in result.stderr


SEALED_KEY = "q2Vb7XnR4mTz9KcW1pLs8HdYf3JgA6uEo0iNw5rBx-k"


def test_a_sealed_workbook_holds_no_event_in_plain(project, write_client, tmp_path):
    sealed = client().replace(f"  token: {TOKEN}\n", f"  token: {TOKEN}\n  sealed: true\n  key: {SEALED_KEY}\n")
    built = build(write_client(sealed), project, tmp_path / "sealed")
    plain = build(write_client(client().replace(TOKEN, "Nw7Yk3Rt9PqL2xVb5MzC8d"), "bo"), project, tmp_path / "plain")
    calendar_bytes = page_calendar(plain.site / "index.html")[1]
    encoded = base64.b64encode(calendar_bytes).decode()
    uids = [str(event["UID"]).encode() for event in events(page_calendar(plain.site / "index.html")[0]).values()]
    # What tells of the events (the scripts, the same for every workbook, name none of it).
    telling = [b"BEGIN:VCALENDAR", b"VEVENT", b'data-calendar="', b"coaching-dates.ics", b"Coaching homework due",
               b"Coaching session with", encoded[:40].encode(), encoded[-40:].encode(), b".ics", *uids]
    plain_page = (plain.site / "index.html").read_bytes()
    assert all(mark in plain_page for mark in (b'data-calendar="', b"coaching-dates.ics", encoded[:40].encode(),
                                               encoded[-40:].encode()))  # the check sees what it should
    files = [p for p in built.site.rglob("*") if p.is_file()]
    assert len(files) > 20
    for path in files:
        data = path.read_bytes()
        found = [mark for mark in telling if mark in data]
        assert not found, f"{path.relative_to(built.site)} holds {found}"
    assert not [p for p in built.site.rglob("*.ics")]


def test_the_time_of_the_next_session_shows_wherever_its_day_does(project, write_client, tmp_path):
    path = write_client(client(next_session="2026-12-14 10:00"))
    built = build(path, project, tmp_path / "site")
    assert "Our next session: 14 December 2026, 10:00." in read_page(built.site / "index.html").lines
    assert any("our next session on 14 December 2026, 10:00." in line
               for line in read_page(built.site / "homework.html").lines)
    prep = run(project, "prep", str(path), "--markdown")
    assert prep.returncode == 0 and prep.stdout.startswith("# Session prep: Ada Example: 14 December 2026, 10:00")
    git_project(project)
    commit(project, "2026-11-02")
    path.write_text(path.read_text().replace("next: 2026-12-14 10:00", "next: 2026-12-14 11:30"))
    commit(project, "2026-11-03")
    changed = run(project, "changes", str(path))
    assert "Next session: 14 December 2026, 10:00 -> 14 December 2026, 11:30" in changed.stdout, changed.stdout


def test_a_session_time_survives_the_pool_of_build_processes(project, write_client, tmp_path):
    """Clients built in parallel cross into worker processes: the session keeps its time."""
    from coach_site.project_loader import load_project
    from coach_site.workbook.pipeline import build_clients

    files = [write_client(client(next_session=f"2026-12-1{n} 0{n}:15").replace(TOKEN, f"Nw7Yk3Rt9PqL2xVb5MzC8{n}"),
                          f"client-{n}") for n in range(1, 4)]
    outcomes = list(build_clients(files, load_project(project), tmp_path / "site", jobs=2, force=True))
    for n, outcome in enumerate(outcomes, start=1):
        assert f"Our next session: 1{n} December 2026, 0{n}:15." in read_page(outcome.site / "index.html").lines
    assert re.search(r"DTSTART:2026121\dT0\d1500", page_calendar(outcomes[0].site / "index.html")[1].decode())
