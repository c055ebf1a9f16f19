"""Where `coach-site inbox` reads mail: a Maildir folder, an mbox file, or an IMAP folder.

Every source is read without changing it: Maildir and mbox through Python's `mailbox`,
never written; IMAP through `imapclient`, the folder opened read-only and each mail fetched
with BODY.PEEK, which leaves it unread. Only `--mark-read` changes anything: it marks the
mails whose reflections were imported as read (IMAP and Maildir; an mbox file belongs to the
mail program that keeps it, so it is left alone).

Plain IMAP (`imap://`) sends the password and the mails unencrypted, so it is only for a
server on this computer (a local bridge such as Proton Mail's); anything else is `imaps://`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import mailbox
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from coach_site.errors import CoachSiteError, os_error_in_words

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
IMAP_PORTS = {"imaps": 993, "imap": 143}
_TIMEOUT_SECONDS = 60
_BATCH = 200  # mails fetched per IMAP request


@dataclass(frozen=True)
class Envelope:
    """What the headers say of one mail, and where it is in its mailbox."""

    handle: Any  # the mailbox's own key for it: a Maildir key, an mbox index, an IMAP UID
    message_id: str | None
    sent: dt.datetime | None
    sender: str
    subject: str


@dataclass(frozen=True)
class Mail:
    envelope: Envelope
    raw: bytes

    @property
    def mail_id(self) -> str:
        """The mail's Message-ID, or a hash of its bytes when it has none: how the record knows it."""
        return self.envelope.message_id or "sha256:" + hashlib.sha256(self.raw).hexdigest()


class Mailbox(Protocol):
    where: str  # as the coach named it, without a password

    def envelopes(self) -> list[Envelope]: ...

    def mails(self, envelopes: list[Envelope]) -> Iterator[Mail]: ...

    def mark_read(self, envelopes: list[Envelope]) -> None: ...

    def close(self) -> None: ...


PasswordFor = Callable[[str, str], str]  # (user, host) -> the password


def open_mailbox(source: str, password_for: PasswordFor, *, writable: bool = False) -> Mailbox:
    """The mailbox SOURCE names. `writable`: opened so that mails can be marked read."""
    scheme = source.split("://", 1)[0].lower() if "://" in source else ""
    if scheme in IMAP_PORTS:
        return ImapMailbox.connect(source, password_for, writable=writable)
    if scheme:
        raise CoachSiteError(
            f"{source}: coach-site reads mail from a Maildir folder, an mbox file, or an address that "
            "starts with imaps:// (for example imaps://you@example.com@imap.example.com/INBOX)")
    path = Path(source).expanduser()
    if path.is_dir():
        if not all((path / sub).is_dir() for sub in ("cur", "new")):
            raise CoachSiteError(
                f"{source}: this folder is not a Maildir (a Maildir holds the folders cur/ and new/). Name the "
                "mail folder itself, an mbox file, or an imaps:// address")
        return FileMailbox(source, mailbox.Maildir(path, factory=None, create=False))
    if path.is_file():
        return FileMailbox(source, mailbox.mbox(path, factory=None, create=False))
    raise CoachSiteError(f"{source}: there is no such folder or file")


def _envelope(handle: Any, headers: bytes) -> Envelope:
    message = BytesHeaderParser(policy=default_policy).parsebytes(headers)

    def header(name: str) -> str:
        try:
            return " ".join(str(message.get(name, "") or "").split())
        except (ValueError, TypeError, IndexError):  # a header no parser can read: shown as nothing
            return ""

    message_id = header("Message-ID") or None
    try:
        sent = email.utils.parsedate_to_datetime(header("Date")) if header("Date") else None
    except (ValueError, TypeError, IndexError):
        sent = None
    if sent is not None and sent.tzinfo is None:  # "-0000": the time is UTC, its zone unknown
        sent = sent.replace(tzinfo=dt.timezone.utc)
    return Envelope(handle, message_id, sent, header("From"), header("Subject"))


def _headers_of(raw: bytes) -> bytes:
    end = raw.find(b"\r\n\r\n")
    end = raw.find(b"\n\n") if end == -1 else end
    return raw if end == -1 else raw[: end + 2]


class FileMailbox:
    """A Maildir folder or an mbox file on this computer, read and never written (but for --mark-read)."""

    def __init__(self, where: str, box: mailbox.Maildir | mailbox.mbox):
        self.where, self.box = where, box

    def envelopes(self) -> list[Envelope]:
        try:
            return [_envelope(key, _headers_of(self.box.get_bytes(key))) for key in self.box.iterkeys()]
        except OSError as exc:
            raise CoachSiteError(f"{self.where}: cannot be read: {os_error_in_words(exc)}") from None

    def mails(self, envelopes: list[Envelope]) -> Iterator[Mail]:
        for envelope in envelopes:
            try:
                yield Mail(envelope, self.box.get_bytes(envelope.handle))
            except (OSError, KeyError):
                continue  # gone since it was listed (the mail program moved it): the next run sees it

    def mark_read(self, envelopes: list[Envelope]) -> None:
        if not isinstance(self.box, mailbox.Maildir):
            raise CoachSiteError(
                f"{self.where}: an mbox file belongs to the mail program that keeps it, so --mark-read leaves it "
                "alone. Mark the mails read in your mail program")
        for envelope in envelopes:
            message = self.box.get_message(envelope.handle)
            message.set_subdir("cur")
            message.add_flag("S")
            self.box[envelope.handle] = message

    def close(self) -> None:
        self.box.close()


class ImapMailbox:
    """A folder on an IMAP server, over TLS (plain IMAP only on this computer)."""

    def __init__(self, where: str, client: Any, folder: str):
        self.where, self.client, self.folder = where, client, folder

    @classmethod
    def connect(cls, source: str, password_for: PasswordFor, *, writable: bool) -> ImapMailbox:
        from imapclient import IMAPClient
        from imapclient.exceptions import IMAPClientError, LoginError

        address = urlsplit(source)
        scheme, host = address.scheme.lower(), address.hostname or ""
        user = unquote(address.username or "")
        folder = unquote(address.path.lstrip("/")) or "INBOX"
        try:
            port = address.port or IMAP_PORTS[scheme]
        except ValueError:
            raise CoachSiteError(f"{_shown(address)}: the port after the host is not a number") from None
        where = _shown(address)
        if not host or not user:
            raise CoachSiteError(
                f"{where}: name the mail account and the server, as in imaps://you@example.com@imap.example.com/INBOX")
        if address.password is not None:
            raise CoachSiteError(
                f"{where}: a password written in the address would be kept in your shell's history. Leave it out: "
                "coach-site asks for it, or reads COACH_SITE_IMAP_PASSWORD or your system's keychain")
        if scheme == "imap" and host not in LOCAL_HOSTS:
            raise CoachSiteError(
                f"{where}: plain IMAP sends your password and your clients' reflections over the network unencrypted. "
                f"Use imaps://{address.netloc}{address.path or '/INBOX'} (IMAP over TLS, port 993); plain imap:// is "
                "only for a mail bridge on this computer (127.0.0.1 or localhost)")
        try:
            client = IMAPClient(host, port=port, ssl=scheme == "imaps", timeout=_TIMEOUT_SECONDS,
                                ssl_context=ssl.create_default_context() if scheme == "imaps" else None)
        except ssl.SSLCertVerificationError as exc:
            raise CoachSiteError(
                f"{where}: the server's certificate could not be checked ({exc.verify_message}), so coach-site did not "
                "send your password. Check the server's name with your mail provider") from None
        except (OSError, socket.timeout) as exc:
            raise CoachSiteError(f"{where}: cannot reach the mail server: {os_error_in_words(exc)}") from None
        try:
            client.login(user, password_for(user, host))
        except LoginError:
            client.shutdown()
            raise CoachSiteError(
                f"{where}: the mail server did not accept the password for {user}. Many providers want an app "
                "password here, not your usual one: see coach-site inbox --help") from None
        try:
            client.select_folder(folder, readonly=not writable)
        except IMAPClientError:
            names = ", ".join(sorted(name for _flags, _sep, name in client.list_folders()))
            client.logout()
            raise CoachSiteError(f"{where}: there is no folder \"{folder}\" (the folders there: {names})") from None
        return cls(where, client, folder)

    def envelopes(self) -> list[Envelope]:
        uids = sorted(self.client.search("ALL"))
        found = []
        for start in range(0, len(uids), _BATCH):
            batch = uids[start : start + _BATCH]
            fetched = self.client.fetch(batch, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID DATE FROM SUBJECT)]"])
            for uid in batch:
                data = fetched.get(uid, {})
                headers = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER")), b"") or b""
                found.append(_envelope(uid, headers))
        return found

    def mails(self, envelopes: list[Envelope]) -> Iterator[Mail]:
        by_uid = {envelope.handle: envelope for envelope in envelopes}
        uids = list(by_uid)
        for start in range(0, len(uids), _BATCH):
            batch = uids[start : start + _BATCH]
            fetched = self.client.fetch(batch, ["BODY.PEEK[]"])  # PEEK: the mail stays unread
            for uid in batch:
                raw = fetched.get(uid, {}).get(b"BODY[]")
                if raw is not None:
                    yield Mail(by_uid[uid], raw)

    def mark_read(self, envelopes: list[Envelope]) -> None:
        from imapclient import SEEN

        if envelopes:
            self.client.add_flags([envelope.handle for envelope in envelopes], [SEEN])

    def close(self) -> None:
        try:
            self.client.logout()
        except Exception:  # the connection is going anyway; nothing of the coach's depends on it
            pass


def _shown(address: Any) -> str:
    """An IMAP address as it may be shown: never with a password."""
    netloc = address.netloc.rpartition("@")
    user = netloc[0].split(":", 1)[0]
    return f"{address.scheme}://{user}@{netloc[2]}{address.path}" if user else f"{address.scheme}://{netloc[2]}{address.path}"
