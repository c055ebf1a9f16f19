"""`coach-site list`: what came back from each client beside their dates, in a table that fits 80
columns and as JSON for scripts.

The reflections come from the inbox's record (`.coach-site/inbox.json`, written here as
`coach-site inbox` writes it: InboxRecord.add and save); with no record, nothing came in.
The dates are relative to today, as the coach runs `list`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT, PRACTICE_SITE_URL

from coach_site.inbox.record import InboxRecord

TODAY = dt.date.today()
KEYS = {"client", "file", "link", "next_session", "timezone", "homework_due", "overdue", "last_session",
        "last_reflections", "reflections_since_last_session", "updated", "site", "problem"}
TOKENS = {"ada": "3hVt9QmK2xLp7RwZc5NbYa", "bo": "Nw7Yk3Rt9PqL2xVb5MzC8d", "cy": "Cy4Lm8Qz2RtK7vWb9NcYs3",
          "di": "Di5Kp3Wm6Qx1Vb9Nt4Ly7H"}


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def client(slug: str, *, strategy: int | None = -20, next_session: str | None = None, due: int | None = None) -> str:
    text = MINIMAL_CLIENT.replace("3hVt9QmK2xLp7RwZc5NbYa", TOKENS[slug]).replace("Ada Example", f"{slug.title()} Example")
    sessions = ([f"  strategy: {day(strategy)}\n"] if strategy is not None else []) + \
        ([f"  next: {next_session}\n"] if next_session else [])
    if sessions:
        text += "sessions:\n" + "".join(sessions)
    if due is not None:
        text += f"homework:\n  due: {day(due)}\n"
    return text


def received(project: Path, *mails: tuple[str, int]) -> None:
    """The inbox's record, as it reads these reflections and nothing else: (client slug, sent how
    many days from today), at 09:30 UTC."""
    (project / ".coach-site" / "inbox.json").unlink(missing_ok=True)
    record = InboxRecord(project)
    for number, (slug, offset) in enumerate(mails):
        sent = dt.datetime.combine(day(offset), dt.time(9, 30), tzinfo=dt.timezone.utc)
        record.add(f"<mail-{number}@example.org>", project / "clients" / f"{slug}.yaml", sent)
    record.add("<newsletter@example.org>", None, None)  # a mail that held no reflections counts for no one
    record.save()


def run(project: Path, *args: str, columns: int = 80) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1", "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=120)


def listed(project: Path) -> dict[str, dict]:
    result = run(project, "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert all(set(row) == KEYS for row in rows), rows  # the same keys in every row, whatever it holds
    return {row["client"]: row for row in rows}


def table(project: Path, columns: int = 80) -> list[str]:
    result = run(project, "list", columns=columns)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def row_of(lines: list[str], slug: str) -> list[str]:
    """A client's row, split into its cells (two spaces or more apart)."""
    start = next(n for n, line in enumerate(lines) if line.split() and line.split()[0] == slug)
    return re.split(r"\s{2,}", lines[start].strip())


@pytest.fixture
def practice(project, write_client):
    write_client(client("ada", next_session=f"{day(3)} 14:00", due=-2), "ada")  # overdue: nothing since the session
    write_client(client("bo", next_session=f"{day(3)} 09:00", due=-2), "bo")  # sent after the session: not overdue
    write_client(client("cy", next_session=str(day(10)), due=5), "cy")  # due in five days
    write_client(client("di", strategy=None), "di")  # no dates at all
    return project


def test_without_a_record_nothing_came_in(practice):
    rows = listed(practice)
    assert rows["ada"]["last_reflections"] is None and rows["ada"]["reflections_since_last_session"] == 0
    assert rows["ada"]["overdue"] is True and rows["bo"]["overdue"] is True  # due two days ago, nothing back
    assert rows["cy"]["overdue"] is False and rows["di"]["overdue"] is None and rows["di"]["homework_due"] is None
    lines = table(practice)
    assert row_of(lines, "ada")[3:] == ["yes", "-", "0"] and row_of(lines, "cy")[3:] == ["no", "-", "0"]
    assert row_of(lines, "di") == ["di", "-", "-", "-", "-", "0"]


def test_the_record_says_when_reflections_came_and_how_many_since_the_last_session(practice):
    # Ada's came before her strategy session (20 days ago), Bo's one before and two after it.
    received(practice, ("ada", -25), ("bo", -25), ("bo", -10), ("bo", -1))
    rows = listed(practice)
    assert rows["ada"]["last_reflections"] == f"{day(-25)}T09:30:00+00:00"
    assert rows["ada"]["reflections_since_last_session"] == 0 and rows["ada"]["overdue"] is True
    assert rows["ada"]["last_session"] == str(day(-20))
    assert rows["bo"]["last_reflections"] == f"{day(-1)}T09:30:00+00:00"
    assert rows["bo"]["reflections_since_last_session"] == 2 and rows["bo"]["overdue"] is False
    assert rows["cy"]["last_reflections"] is None and rows["di"]["last_session"] is None
    lines = table(practice)
    short = f"{day(-1).day} {day(-1):%b %Y}"
    assert row_of(lines, "bo")[3:] == ["no", short, "2"] and row_of(lines, "ada")[3] == "yes"


def test_homework_is_set_at_the_last_session_before_its_due_date(project, write_client):
    # A check-in after the strategy session, before the due date: reflections since it answer the homework.
    text = client("ada", due=-3).replace("sessions:\n", f"sessions:\n  check-in: {day(-8)}\n")
    write_client(text, "ada")
    received(project, ("ada", -12))
    assert listed(project)["ada"]["overdue"] is True  # sent before the homework was set at the check-in
    received(project, ("ada", -12), ("ada", -8))
    assert listed(project)["ada"]["overdue"] is False  # the day it was set counts
    # With no session before the due date, any reflections at all count.
    write_client(client("ada", strategy=None, due=-3), "ada")
    assert listed(project)["ada"]["overdue"] is False
    received(project)
    assert listed(project)["ada"]["overdue"] is True


def test_the_json_is_for_scripts_iso_dates_null_for_none_and_a_sessions_time(practice):
    rows = listed(practice)
    assert list(rows) == ["bo", "ada", "cy", "di"]  # by next session, its time too: 09:00 before 14:00; none last
    ada = rows["ada"]
    assert ada["next_session"] == f"{day(3)}T14:00" and ada["homework_due"] == str(day(-2))
    assert ada["file"] == "clients/ada.yaml" and ada["link"] == f"{PRACTICE_SITE_URL}{TOKENS['ada']}/"
    assert ada["site"] == "not built" and ada["problem"] is False and ada["timezone"] is None
    assert dt.date.fromisoformat(ada["updated"]) <= TODAY
    assert rows["cy"]["next_session"] == str(day(10)) and rows["di"]["next_session"] is None


def test_a_file_that_cannot_be_read_is_listed_with_what_is_known(practice, write_client):
    write_client("client: [\n", "broken")
    record = InboxRecord(practice)
    record.add("<m@example.org>", practice / "clients" / "broken.yaml", dt.datetime(2026, 10, 3, 8, 0, tzinfo=dt.timezone.utc))
    record.save()
    broken = listed(practice)["broken"]
    assert broken["problem"] is True and broken["site"].startswith("cannot build")
    assert broken["link"] is None and broken["overdue"] is None and broken["reflections_since_last_session"] is None
    assert broken["last_reflections"] == "2026-10-03T08:00:00+00:00"
    lines = table(practice)
    assert row_of(lines, "broken") == ["broken", "-", "-", "-", "3 Oct 2026", "-"]


def test_the_table_fits_80_columns_a_long_name_on_a_line_of_its_own(practice, write_client):
    settings = practice / "mkdocs.yml"
    settings.write_text(settings.read_text().replace("  # timezone: Europe/Berlin\n", "  timezone: Europe/Berlin\n"))
    long_name = "anna-maria-gonzalez-fernandez-de-la-torre"
    text = client("ada", next_session=f"{day(30)} 18:30", due=20).replace(TOKENS["ada"], "Lo9Ng2Na3Me4Xq5Wr6Ty7U")
    write_client(text.replace("  name: Ada Example\n", "  name: Ada Example\n  timezone: America/Sao_Paulo\n"),
                 long_name)
    lines = table(practice, columns=80)
    links = [line for line in lines if line.strip().startswith("https://")]
    assert len(links) == 5
    assert all(len(line) <= 80 for line in lines if line not in links), "\n".join(lines)
    at = lines.index(long_name)  # alone on its line, its cells on the next
    assert lines[at + 1].startswith(" ") and f"{day(30).day} {day(30):%b %Y}, 18:30" in lines[at + 1]
    assert "the session's time is in America/Sao_Paulo" in lines[at + 2]
    # Clients in the practice's own time zone need no word about it.
    assert not any("Europe/Berlin" in line for line in lines)
    # A wide terminal keeps the name in its row.
    wide = table(practice, columns=140)
    assert any(line.startswith(long_name + " ") for line in wide)


def test_no_clients_says_so_and_json_says_an_empty_list(project):
    assert table(project) == ["No client files yet: `coach-site new \"Full Name\"` makes one."]
    assert run(project, "list", "--json").stdout.strip() == "[]"
