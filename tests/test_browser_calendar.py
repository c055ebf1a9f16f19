""""Add to my calendar" in real Chromium, behind a real nginx with the workbook's CSP: the link
gives a calendar file, made in the browser from the page's own bytes, that a calendar reads
(parsed here with `icalendar`), on a plain workbook and on a sealed one, with nothing fetched
and no CSP violation; without JavaScript the link is not there.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT, PRACTICE_COACH, copy_project, open_page
from icalendar import Calendar
from test_nginx import NGINX, nginx_serving

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.workbook.events import event_uid

PLAIN_TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"
SEALED_TOKEN = "Sq7Mn3Kx9WbR2vLt5PcZd8"
KEY = "q2Vb7XnR4mTz9KcW1pLs8HdYf3JgA6uEo0iNw5rBx-k"
LINK = "Add to my calendar"
DATES = "sessions:\n  strategy: 2026-11-02\n  next: 2026-12-14 10:00\nhomework:\n  due: 2026-11-30\n"


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """A plain and a sealed workbook, both with a due date and a session at 10:00, published by
    `coach-site publish` from a practice in Europe/Berlin and served by nginx with the documented
    server block (its headers, the CSP among them)."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: run `make test`, which installs Debian's nginx")
    base = tmp_path_factory.mktemp("nginx-calendar")
    project = copy_project(base / "project")
    settings = project / "mkdocs.yml"
    settings.write_text(settings.read_text().replace("  # timezone: Europe/Berlin\n", "  timezone: Europe/Berlin\n"))
    (project / "clients" / "ada.yaml").write_text(MINIMAL_CLIENT + DATES, encoding="utf-8")
    sealed = (MINIMAL_CLIENT.replace("Ada Example", "Bo Example")
              .replace(f"  token: {PLAIN_TOKEN}\n", f"  token: {SEALED_TOKEN}\n  sealed: true\n  key: {KEY}\n"))
    (project / "clients" / "bo.yaml").write_text(sealed + DATES, encoding="utf-8")
    docroot = base / "www"
    published = subprocess.run([sys.executable, "-m", "coach_site", "publish", "--to", str(docroot / "workbooks")],
                               cwd=project, capture_output=True, text=True)
    assert published.returncode == 0, published.stderr
    workbooks = {slug: validate_client(load_client_file(project / "clients" / f"{slug}.yaml")) for slug in ("ada", "bo")}
    with nginx_serving(docroot, base) as url:
        yield f"{url}/workbooks", workbooks


@pytest.fixture
def visit(browser):
    """A fresh browser; every CSP report and page error is collected, every request listed."""
    contexts = []

    def open_context(**options):
        context = browser.new_context(accept_downloads=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.problems, page.requests = [], []
        page.on("console", lambda m: page.problems.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        page.on("request", lambda request: page.requests.append(request.url))
        return page

    yield open_context
    for context in contexts:
        context.close()


def downloaded(page) -> tuple[Calendar, str]:
    """Click "Add to my calendar" and read the file it gives."""
    link = page.get_by_role("link", name=LINK)
    assert link.is_visible()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    return Calendar.from_ical(Path(download.path()).read_bytes()), download.suggested_filename


def check_events(calendar: Calendar, workbook) -> None:
    """The due date as a day, the session at 10:00 in Berlin, each under the client's own UID."""
    found = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    homework, session = found[event_uid(workbook, "homework")], found[event_uid(workbook, "session")]
    assert homework.decoded("DTSTART") == dt.date(2026, 11, 30) and str(homework["SUMMARY"]) == "Coaching homework due"
    start = session.decoded("DTSTART")
    assert session["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert start == dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.timezone.utc)  # 10:00 in Berlin, in winter
    assert str(session["SUMMARY"]) == f"Coaching session with {PRACTICE_COACH[0]}"
    assert homework.walk("VALARM") and session.walk("VALARM")


@pytest.mark.parametrize("page_name", ["", "homework.html"])
def test_a_plain_workbooks_link_gives_a_calendar_file(host, visit, page_name):
    url, workbooks = host
    page = visit()
    open_page(page, f"{url}/{PLAIN_TOKEN}/{page_name}")
    calendar, name = downloaded(page)
    assert name == "coaching-dates.ics"
    check_events(calendar, workbooks["ada"])
    assert page.problems == []
    assert all(request.startswith(url) or request.startswith("blob:") for request in page.requests), page.requests


def test_a_sealed_workbooks_link_gives_the_calendar_file_it_carried_sealed(host, visit):
    url, workbooks = host
    page = visit()
    open_page(page, f"{url}/{SEALED_TOKEN}/#{KEY}")
    assert page.locator("h1").first.inner_text() == "Hi Bo"  # opened: the page decrypted
    calendar, name = downloaded(page)
    assert name == "coaching-dates.ics"
    check_events(calendar, workbooks["bo"])
    open_page(page, f"{url}/{SEALED_TOKEN}/homework.html#{KEY}")
    check_events(downloaded(page)[0], workbooks["bo"])
    assert page.problems == []
    assert all(request.startswith(url) or request.startswith("blob:") for request in page.requests), page.requests


def test_without_javascript_the_link_is_not_there(host, visit):
    url, _ = host
    page = visit(java_script_enabled=False)
    open_page(page, f"{url}/{PLAIN_TOKEN}/", ready=False)
    assert page.get_by_text("Our next session: 14 December 2026, 10:00.").is_visible()
    assert page.get_by_role("link", name=LINK).count() == 0
    assert not page.get_by_text(LINK).is_visible()
