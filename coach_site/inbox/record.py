"""What `coach-site inbox` has read: each mail once, by its Message-ID (or a hash of its bytes).

Kept in the project's `.coach-site/inbox.json`, never published or committed. A mail is
recorded once its reflections are in the client file (or once it is known to hold none, a
newsletter): a second run reads nothing twice. A mail it could not place (a token no client
has, a file it cannot read) is not recorded, so it is listed again until the coach deals
with it. `coach-site list` reads the record for when each client's reflections came in.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from coach_site.workbook.workspace import relative_name, state_dir

RECORD_FILE = "inbox.json"
_VERSION = 1


@dataclass(frozen=True)
class ReadMail:
    mail_id: str  # the mail's Message-ID, or `sha256:<hex>` of its bytes when it has none
    client: str | None  # the client file its reflections went into, from the project's root; None: not reflections
    sent: str | None  # when the coachee sent it (ISO 8601, from its Date header), when it says
    read: str  # when inbox read it (ISO 8601)

    @property
    def sent_at(self) -> dt.datetime | None:
        return _datetime(self.sent)


class InboxRecord:
    """The record of one practice's inbox runs."""

    def __init__(self, project_root: Path):
        self.root = project_root
        self.path = project_root / ".coach-site" / RECORD_FILE
        self.mails: dict[str, ReadMail] = {}
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            for mail_id, entry in saved["mails"].items():
                self.mails[mail_id] = ReadMail(mail_id, entry.get("client"), entry.get("sent"), entry["read"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.mails = {}  # no record yet, or one that cannot be read: every mail is new

    def has_read(self, mail_id: str) -> bool:
        return mail_id in self.mails

    def add(self, mail_id: str, client_file: Path | None, sent: dt.datetime | None) -> None:
        client = relative_name(client_file, self.root) if client_file is not None else None
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.mails[mail_id] = ReadMail(mail_id, client, sent.isoformat() if sent else None, now)

    def received(self, client_file: Path) -> list[ReadMail]:
        """The mails whose reflections went into this client file, oldest first."""
        client = relative_name(client_file, self.root)
        found = [mail for mail in self.mails.values() if mail.client == client]
        return sorted(found, key=lambda mail: mail.sent or mail.read)

    def last_received(self, client_file: Path) -> dt.datetime | None:
        """When the latest reflections of this client were sent (or read, for a mail without a date)."""
        mails = self.received(client_file)
        return (mails[-1].sent_at or _datetime(mails[-1].read)) if mails else None

    def received_since(self, client_file: Path, day: dt.date) -> int:
        """How many mails of reflections this client sent on or after `day`."""
        return sum(1 for mail in self.received(client_file)
                   if (when := mail.sent_at or _datetime(mail.read)) is not None and when.date() >= day)

    def save(self) -> None:
        folder = state_dir(self.root)
        saved = {"version": _VERSION, "mails": {
            mail_id: {k: v for k, v in asdict(mail).items() if k != "mail_id"} for mail_id, mail in self.mails.items()
        }}
        handle, temp = tempfile.mkstemp(prefix=f".{RECORD_FILE}.", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as f:
                json.dump(saved, f, indent=1, ensure_ascii=False)
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


def _datetime(text: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
