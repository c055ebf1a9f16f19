"""`coach-site inbox`: every client's reflections from the coach's mailbox, into the right
client file, once, each client's committed on its own.

A mail holds reflections when a workbook wrote it: the draft's machine part, the attached
reflections file, or an older draft's text (commands/reflections_source.py). Its token, the
workbook's current or an earlier one (`previous_tokens`), says whose they are. Each client's
mails are imported oldest first, by import-reflections' own rules, into a private copy of
the client file; the result replaces the file in one step and is committed alone. The
record (inbox/record.py) keeps what was read, so a second run imports nothing twice. The
mailbox is never changed, unless asked (--mark-read).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from coach_site.clientfile.link import read_link
from coach_site.clientfile.sealed_reflections import is_sealed, sealed_workbook_id, unseal, workbook_id
from coach_site.clientfile.loader import load_client_bytes, load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.commands.import_reflections import KINDS, merge_reflections
from coach_site.commands.reflections_source import NoReflections, reflections_in_mail
from coach_site.errors import ClientFileError, CoachSiteError
from coach_site.git import GitFailed, git, identity, try_git
from coach_site.inbox.mailboxes import Mail, Mailbox
from coach_site.inbox.record import InboxRecord
from coach_site.project import Project
from coach_site.workbook.dates import human_date
from coach_site.workbook.previous_keys import reflection_keys
from coach_site.workbook.workspace import private_temp_dir, relative_name, state_dir

KEPT_DIR = "reflections"  # .coach-site/reflections/<client>/: reflections with conflicts, for --take


@dataclass(frozen=True)
class Unplaced:
    """A mail with reflections that could not go into any client file, and why."""

    mail: Mail
    reason: str


@dataclass
class ClientInbox:
    """What one client's mails brought."""

    client_file: Path
    name: str
    shown: str  # the client file as the coach names it, from the practice's root
    mails: list[Mail] = field(default_factory=list)
    came_in: Counter = field(default_factory=Counter)
    conflicts: list[str] = field(default_factory=list)
    kept: Path | None = None  # the latest reflections with conflicts, kept for import-reflections --take
    old_text: str = ""
    new_text: str = ""
    commit: str | None = None  # the commit's message, once committed
    held: str | None = None  # why nothing of this client was imported this time

    @property
    def changed(self) -> bool:
        return self.new_text != self.old_text

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.old_text.splitlines(keepends=True), self.new_text.splitlines(keepends=True), self.shown, self.shown))


@dataclass
class InboxReport:
    clients: list[ClientInbox] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    not_reflections: int = 0  # newsletters and the like: simply not reflections
    read_before: int = 0  # mails an earlier run has read


def read_inbox(project: Project, mailbox: Mailbox, *, dry_run: bool = False, mark_read: bool = False,
               today: dt.date | None = None, on_mail: Callable[[int, int], None] = lambda done, total: None,
               ) -> InboxReport:
    """Import every new mail of reflections in `mailbox` into its client's file (unless dry_run)."""
    today = today or dt.date.today()
    with _one_run(project):
        if not dry_run:
            _require_git(project)
        record = InboxRecord(project.root)
        report = InboxReport()
        envelopes = mailbox.envelopes()
        new = [e for e in envelopes if not (e.message_id and record.has_read(e.message_id))]
        report.read_before = len(envelopes) - len(new)
        clients = _ClientIndex(project)
        found: dict[Path, list[tuple[Mail, bytes]]] = {}
        for done, mail in enumerate(mailbox.mails(new), 1):
            on_mail(done, len(new))
            if record.has_read(mail.mail_id):  # one without a Message-ID, known by its bytes
                report.read_before += 1
                continue
            where = Path(_mail_name(mail))
            try:
                reflections = reflections_in_mail(mail.raw, where)
            except NoReflections:
                report.not_reflections += 1
                if not dry_run:
                    record.add(mail.mail_id, None, mail.envelope.sent)
                continue
            except ClientFileError as exc:
                report.unplaced.append(Unplaced(mail, _first_reason(exc)))
                continue
            client_file, reason = clients.whose(reflections, where)
            if client_file is None:
                report.unplaced.append(Unplaced(mail, reason))
                continue
            found.setdefault(client_file, []).append((mail, reflections))
        imported: list[Mail] = []
        for client_file, mails in sorted(found.items()):
            client = _import_client(project, client_file, mails, report, dry_run=dry_run, today=today)
            report.clients.append(client)
            if client.held is None and not dry_run:
                for mail in client.mails:
                    record.add(mail.mail_id, client_file, mail.envelope.sent)
                record.save()  # after each commit: a run stopped later re-reads none of these
                imported += client.mails
        if not dry_run:
            record.save()
            if mark_read and imported:
                mailbox.mark_read([mail.envelope for mail in imported])
        return report


def _import_client(project: Project, client_file: Path, mails: list[tuple[Mail, bytes]], report: InboxReport,
                   *, dry_run: bool, today: dt.date) -> ClientInbox:
    """One client's mails, oldest first, into a private copy of their file; then the file, then a commit."""
    workbook = validate_client(load_client_file(client_file))
    client = ClientInbox(client_file, workbook.client.name, relative_name(client_file, project.root))
    if not dry_run and (edits := _uncommitted(project, client_file)):
        client.held = edits
        return client
    mails = sorted(mails, key=lambda pair: _sent_key(pair[0]))
    client.old_text = client_file.read_bytes().decode("utf-8")  # as it is: CRLF stays CRLF
    with private_temp_dir("inbox") as work:
        copy = work / client_file.name
        copy.write_bytes(client_file.read_bytes())
        for mail, as_sent in mails:
            where, reflections = Path(_mail_name(mail)), as_sent
            try:
                if is_sealed(reflections):  # opened with the client's keys, the earlier links' too
                    reflections = unseal(reflections, reflection_keys(client_file, project), where)
                merged = merge_reflections(copy, reflections, where, today=today)
            except ClientFileError as exc:
                report.unplaced.append(Unplaced(mail, _first_reason(exc)))
                continue
            client.mails.append(mail)
            client.came_in.update(merged.came_in)
            client.conflicts = [c for c in client.conflicts if c not in merged.conflicts] + merged.conflicts
            if merged.conflicts and not dry_run:
                client.kept = _keep_for_take(project, client_file, mail, as_sent)  # sealed stays sealed
        client.new_text = copy.read_bytes().decode("utf-8")
    if dry_run or not client.changed:
        return client
    if client_file.read_bytes().decode("utf-8") != client.old_text:
        client.held = f"{client_file} changed while inbox was reading: run coach-site inbox again"
        client.mails = []
        return client
    from coach_site.clientfile.edit import write_atomically

    write_atomically(client_file, client.new_text)
    message = f"Reflections from {workbook.client.name}, {human_date(today)}"
    try:
        git(*identity(project.root), "commit", "--quiet", "--no-verify", "--only", "-m", message, "--",
            relative_name(client_file, project.root), cwd=project.root)
    except GitFailed:
        write_atomically(client_file, client.old_text)  # not committed: the file as it was, the mails unread
        raise
    client.commit = message
    return client


class _ClientIndex:
    """Which client file a token belongs to: its current token, or one of its earlier ones.
    Sealed reflections name their workbook by a hash of its token (sealed_reflections.py)."""

    def __init__(self, project: Project):
        self.by_token: dict[str, Path] = {}
        self.by_workbook: dict[str, Path] = {}
        for client_file in project.client_files():
            link = read_link(client_file)
            for written in (*link.previous_tokens, link.token):  # a current token wins over an earlier one
                if written is not None:
                    self.by_token[written.value] = client_file
                    self.by_workbook[workbook_id(written.value)] = client_file

    def whose(self, reflections: bytes, where: Path) -> tuple[Path | None, str]:
        if is_sealed(reflections):
            workbook = sealed_workbook_id(reflections)
            if workbook is None:
                return None, "its sealed reflections were changed or cut short on the way"
            client_file = self.by_workbook.get(workbook)
            return (client_file, "") if client_file else (None, "its sealed reflections are no client's workbook's")
        try:
            data = load_client_bytes(reflections, where).data
        except ClientFileError as exc:
            return None, _first_reason(exc)
        link = data.get("link") if isinstance(data, dict) else None
        token = link.get("token") if isinstance(link, dict) else None
        if not isinstance(token, str) or not token.strip():
            return None, "its reflections name no workbook (no token)"
        client_file = self.by_token.get(token.strip())
        if client_file is None:
            return None, f"its token, {token.strip()[:6]}..., is no client's, now or before"
        return client_file, ""


def _keep_for_take(project: Project, client_file: Path, mail: Mail, reflections: bytes) -> Path:
    """Reflections with conflicts, kept privately in .coach-site/ for `import-reflections --take`."""
    folder = state_dir(project.root) / KEPT_DIR / client_file.stem
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    day = (mail.envelope.sent or dt.datetime.now()).date().isoformat()
    kept = folder / f"{day}-{mail.mail_id.encode().hex()[-12:]}.yaml"
    handle = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "wb") as f:
        f.write(reflections)
    return kept


def _uncommitted(project: Project, client_file: Path) -> str | None:
    """Why a client file's reflections cannot be committed alone now, or None."""
    status = try_git("status", "--porcelain", "--", relative_name(client_file, project.root), cwd=project.root)
    if not status.stdout.strip():
        return None
    name = relative_name(client_file, project.root)
    if status.stdout.startswith("??"):
        return f"{name} is not in git yet: commit it (git add {name} && git commit), then run coach-site inbox again"
    return (f"{name} has changes not yet committed: commit them (git commit {name}) or undo them, then run "
            "coach-site inbox again")


def _require_git(project: Project) -> None:
    if not try_git("rev-parse", "--is-inside-work-tree", cwd=project.root).ok:
        raise CoachSiteError(
            f"{project.root}: this practice is not a git repository, and inbox commits each client's reflections "
            "there. Run git init there and commit your files (coach-site init does this for a new practice)")


class _one_run:
    """One inbox run at a time per practice: two would import the same mails twice."""

    def __init__(self, project: Project):
        self.lock = FileLock(state_dir(project.root) / "inbox.lock")

    def __enter__(self) -> None:
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            raise CoachSiteError("another coach-site inbox is running in this practice: wait for it to finish, "
                                 "then run it again") from None

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def _sent_key(mail: Mail) -> tuple:
    sent = mail.envelope.sent
    return (sent is None, sent.astimezone(dt.timezone.utc) if sent else dt.datetime.min)


def _mail_name(mail: Mail) -> str:
    """A mail as errors name it: its date and sender."""
    sent = human_date(mail.envelope.sent.date()) if mail.envelope.sent else "an undated day"
    return f"the mail of {sent} from {mail.envelope.sender or 'an unknown sender'}"


def _first_reason(exc: ClientFileError) -> str:
    problems = getattr(exc, "problems", None)
    if problems:
        return problems[0].message
    return str(exc).splitlines()[0]


def kinds_in_words(came_in: Counter) -> str:
    """`3 answers, 1 rating, 2 ticks`: what a client's mails brought, in KINDS' order."""
    from coach_site.console import counted

    singular = {"answers": "answer", "notes": "note", "ratings": "rating", "new steps": "new step",
                "ticks": "tick", "schedule": "schedule", "TED talk": "TED talk"}
    return ", ".join(counted(came_in[kind], singular[kind], kind) for kind in KINDS if came_in.get(kind))

