"""`coach-site email`: the homework email the seed describes, as text, HTML and a draft .eml.

The wording lives in content/homework-email.txt.j2, so a coach can make it their own
(`coach-site customise homework-email.txt.j2`).
Nothing is ever sent: the .eml opens as a draft in a mail client.
"""

from __future__ import annotations

import datetime as dt
import email.errors
import email.policy
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import jinja2

from coach_site.clientfile.history import last_updated
from coach_site.clientfile.keys import key_fragment
from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.model import Workbook
from coach_site.clientfile.scaffold import placeholder_problems
from coach_site.clientfile.tokens import file_key, shared_links
from coach_site.console import printable
from coach_site.errors import BuildError, CoachSiteError, Problem
from coach_site.project import Coach, Project, shown_path, site_url_missing
from coach_site.workbook.dates import LANGUAGE, human_date
from coach_site.workbook.escape import escape_html
from coach_site.workbook.events import CalendarFile, coaching_events
from coach_site.workbook.pipeline import check_client
from coach_site.workbook.render import FirstFoundLoader, area_pages, load_words, questions_in
from coach_site.workbook.translations import translations

TEMPLATE = "homework-email.txt.j2"
_URL = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True)
class HomeworkEmail:
    subject: str
    text: str
    calendar: CalendarFile | None = None  # the due date and the next session, attached to the draft

    @property
    def html(self) -> str:
        """The text as simple HTML: paragraphs, line breaks and clickable links."""
        paragraphs = []
        for block in re.split(r"\n\s*\n", self.text.strip()):
            lines = [_linkify(str(escape_html(line))) for line in block.splitlines()]
            paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
        return '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">\n' + "\n".join(
            paragraphs
        ) + "\n</body></html>\n"


def _linkify(escaped_line: str) -> str:
    return _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped_line)


def homework_email(
    workbook: Workbook, content_dirs: Sequence[Path], coach: Coach, link: str, language: str = LANGUAGE,
    *, timezone: str | None = None, updated: dt.date | None = None,
) -> HomeworkEmail:
    """Fill in the homework email for one client, in the workbook's `language`, from the
    first of `content_dirs` that holds the template (the practice's, else coach-site's), with
    the calendar file of its due date and next session (the workbook's own: see
    workbook/events.py; `timezone` the client's, `updated` the day their file last changed)."""
    env = jinja2.Environment(
        loader=FirstFoundLoader(list(content_dirs)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(language), newstyle=True)
    env.filters["human_date"] = functools.partial(human_date, locale=language)
    try:
        text = env.get_template(TEMPLATE).render(
            name=workbook.client.first_name,
            link=link,
            link_to=functools.partial(_link_to, link),
            areas=area_pages(workbook.focus_areas),
            homework=workbook.homework,
            schedule=workbook.schedule,
            ted_talk=workbook.ted_talk,
            anything_we_missed=workbook.anything_we_missed,
            next_session=workbook.next_session,
            coach=coach,
            questions=questions_in(language),
        )
    except jinja2.TemplateNotFound:
        raise BuildError(f"content/{TEMPLATE} is missing") from None
    except jinja2.TemplateError as exc:
        raise BuildError(f"content/{TEMPLATE}: template error: {exc}") from None
    _refuse_a_page_after_the_key(text, link)
    subject, _, body = text.partition("\n")
    if not subject.startswith("Subject:"):
        raise BuildError(f"content/{TEMPLATE}: the first line must be 'Subject: ...'")
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    calendar = coaching_events(workbook, load_words(content_dirs, language), coach, language=language,
                               timezone=timezone, updated=updated)
    return HomeworkEmail(subject=subject.removeprefix("Subject:").strip(), text=body, calendar=calendar)


def _link_to(link: str, page: str) -> str:
    """A page of the workbook: `link_to("schedule.html")`. A sealed workbook's key stays at
    the end, after `#`, where the page reads it."""
    base, hash_, key = link.partition("#")
    return f"{base}{page}{hash_}{key}"


def _refuse_a_page_after_the_key(text: str, link: str) -> None:
    """`{{ link }}schedule.html` in a template of before sealing would put the page's name
    into a sealed workbook's key, and the link would open nothing."""
    _, hash_, key = link.partition("#")
    if hash_ and re.search(re.escape(f"#{key}") + r"[^\s<>\"]", text):
        raise BuildError(
            f"content/{TEMPLATE}: a page's name is written after {{{{ link }}}}, which for a sealed workbook "
            'ends with its key; write the page\'s link as {{ link_to("schedule.html") }} instead'
        )


def draft_message(mail: HomeworkEmail, workbook: Workbook, coach: Coach, client_file: Path | None = None) -> bytes:
    """An RFC 5322 message with text and HTML parts, marked as an unsent draft.

    An address with letters outside ASCII works: its domain is written in the ASCII form
    mail uses (IDNA, `exämple.org` -> `xn--exmple-cua.org`); a name before the @ that
    needs them makes the draft use UTF-8 headers (RFC 6532), the only form that keeps it.
    """
    sender = _address(coach.name, coach.email, "the coach's email in mkdocs.yml") if coach.email else None
    recipient = (
        _address(workbook.client.name, workbook.client.email, f"{client_file or 'the client file'}: client.email") if workbook.client.email else None
    )
    needs_utf8 = any(a is not None and not a.username.isascii() for a in (sender, recipient))
    message = EmailMessage(policy=email.policy.SMTPUTF8 if needs_utf8 else email.policy.SMTP)
    message["Subject"] = " ".join(printable(mail.subject).split())
    if sender:
        message["From"] = sender
    if recipient:
        message["To"] = recipient
    message["Date"] = formatdate(localtime=True)
    message["X-Unsent"] = "1"  # mail clients open it as a draft to edit and send
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    if mail.calendar is not None:  # opened, it adds the due date and the next session to a calendar
        message.add_attachment(mail.calendar.data, maintype="text", subtype="calendar",
                               filename=mail.calendar.file_name, params={"charset": "utf-8"})
    return message.as_bytes()


def _address(name: str, address: str, where: str) -> Address:
    """One address for a header; a clear error when mail cannot carry it."""
    local, _, domain = address.rpartition("@")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise _unwritable(address, where, f"'{domain}' after the @ is not a domain name a mail can go to") from None
    try:
        # A name's control characters (ESC, BEL) would reach the mail program's screen as they are.
        written = Address(display_name=" ".join(printable(name).split()), username=local, domain=ascii_domain)
        str(written)  # the header form: fails here, not half-way through the message
    except (ValueError, email.errors.HeaderParseError):
        raise _unwritable(address, where, "it holds characters an email address cannot hold") from None
    return written


def _unwritable(address: str, where: str, why: str) -> CoachSiteError:
    return CoachSiteError(
        f"{where}: '{address}' cannot be written into the email: {why}. Correct it, or leave it "
        "empty and fill in the address in your mail client."
    )


def due_date_passed(client_file: Path, workbook: Workbook, today: dt.date) -> str | None:
    """What to say when the homework's due date is already past (the email would ask for the
    homework by a day gone); None when it is not, or there is none."""
    due = workbook.homework.due
    if due is None or due >= today:
        return None
    days = (today - due).days
    ago = "yesterday" if days == 1 else f"{days} days ago"
    line = load_client_file(client_file).line_of(("homework", "due"))
    where = Problem(shown_path(client_file), line, "homework.due",
                    f"{due.isoformat()} passed {ago}: the email asks for the homework by that day")
    return str(where)


def client_email(client_file: Path, project: Project) -> tuple[HomeworkEmail, Workbook]:
    """The homework email of a valid client file whose private link is its own; a sealed
    one's link carries its key (`coach-site email` writes one into the file first when it has none)."""
    if project.site_url is None:  # a link to send opens on the web, never on the coach's disk
        raise CoachSiteError(site_url_missing(project))
    workbook = check_client(client_file, practice_sealed=project.sealed)
    if unfinished := placeholder_problems(client_file, workbook):  # "Review ...: First focus area"
        raise CoachSiteError("\n".join(map(str, unfinished)) + "\nNo email was written: the email would name "
                             "them to your client as they are. Replace them, then run coach-site email again.")
    # The link would open whatever was published for the client file this one was copied from.
    if problem := shared_links([*project.client_files(), client_file]).get(file_key(client_file)):
        raise CoachSiteError(str(problem))
    link = workbook.link
    mail = homework_email(
        workbook, project.content_dirs, project.coach,
        project.web_link(link.token) + key_fragment(project, link.sealed, link.key),
        project.language_of(workbook.language),
        timezone=project.timezone_of(workbook.client.timezone), updated=last_updated(client_file),
    )
    return mail, workbook
