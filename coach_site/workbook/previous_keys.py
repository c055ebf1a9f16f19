"""The keys that open a client's sealed reflections: their link's, and those of the links
`coach-site rotate` retired.

A sealed workbook seals what the coachee sends with a key derived from its content key
(clientfile/sealed_reflections.py). `rotate` gives the workbook a new key, but reflections
sealed at the old link may still be on their way (a draft written yesterday, a file saved
last week): before the client file's key is replaced, `rotate` keeps the old link's
reflections key here, in the project's `.coach-site/previous-keys.json` (never in the
site dir, never committed: `.coach-site/` ignores itself), written only by the user
(0600). It is kept for this one purpose: a reflections key opens sealed reflections only,
never the old workbook's pages, and the link's own key is not kept.

The file, keyed by the client file's path from the project's root:

    {"version": 1, "clients": {"clients/maya-lindqvist.yaml": [
        {"workbook": "<16 hex: the old token's workbook_id>", "key": "<base64url of 32 bytes>",
         "retired": "2026-11-25"}]}}

`reflection_keys` gives import-reflections (and whatever reads a coach's mailbox) every key
to try, the link's own first. An entry whose `workbook` is one of the client's earlier
tokens counts too, under whatever path it was kept: a renamed client file keeps its keys.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import tempfile
from collections.abc import Collection
from pathlib import Path
from typing import Any

from coach_site.clientfile.link import read_link
from coach_site.clientfile.sealed_reflections import reflections_key, workbook_id
from coach_site.errors import CoachSiteError, os_error_in_words
from coach_site.project import Project
from coach_site.workbook.workspace import relative_name, state_dir

KEYS_FILE = "previous-keys.json"
_VERSION = 1


def reflection_keys(client_file: Path, project: Project | None) -> list[bytes]:
    """Every key that may open this client's sealed reflections, the current link's first:
    its key with the passphrase the file has (then without it, for reflections sealed before
    a passphrase was added), then the keys of its earlier links kept in `project`'s
    `.coach-site/` (none when `project` is None). The link is read as `check` reads it, so
    a client file with problems elsewhere still gives its keys."""
    link = read_link(client_file)
    keys: list[bytes] = []
    if link.key is not None:
        keys.append(reflections_key(link.key.value, link.passphrase))
        if link.passphrase is not None:
            keys.append(reflections_key(link.key.value))
    if project is not None:
        earlier = {workbook_id(token.value) for token in link.previous_tokens}
        keys += PreviousKeys(project.root).keys_of(client_file, earlier)
    return list(dict.fromkeys(keys))  # each once, in order


class PreviousKeys:
    """The reflections keys of a practice's retired links, in `.coach-site/previous-keys.json`."""

    def __init__(self, project_root: Path):
        self.root = project_root
        self.path = project_root / ".coach-site" / KEYS_FILE
        self.clients: dict[str, list[dict[str, str]]] = {}
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            clients = saved["clients"]
            if isinstance(clients, dict):
                self.clients = {name: [e for e in entries if _valid(e)] for name, entries in clients.items()
                                if isinstance(entries, list)}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError):
            self.clients = {}  # unreadable: no earlier keys (an import that needs one says it cannot open)

    def keys_of(self, client_file: Path, workbooks: Collection[str] = ()) -> list[bytes]:
        """The keys kept for `client_file`, latest first, then any kept for one of `workbooks`."""
        own = self.clients.get(relative_name(client_file, self.root), [])
        others = [e for name, entries in self.clients.items() for e in entries
                  if e["workbook"] in workbooks and e not in own]
        return [_key(entry) for entry in [*reversed(own), *others]]

    def add(self, client_file: Path, token: str, key: bytes, today: dt.date | None = None) -> None:
        """Keep `key` (a reflections key) of the link with `token` that `client_file` retires."""
        entry = {"workbook": workbook_id(token), "key": base64.urlsafe_b64encode(key).decode("ascii").rstrip("="),
                 "retired": (today or dt.date.today()).isoformat()}
        entries = self.clients.setdefault(relative_name(client_file, self.root), [])
        if not any(_key(e) == key for e in entries):
            entries.append(entry)

    def save(self) -> None:
        """Written anew, readable and writable by the user only."""
        try:
            folder = state_dir(self.root)
            handle, temp = tempfile.mkstemp(prefix=f".{KEYS_FILE}.", dir=folder)  # 0600 from the start
        except OSError as exc:
            raise CoachSiteError(f"{self.path}: the earlier link's key cannot be kept: {os_error_in_words(exc)}; "
                                 "nothing was changed") from None
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"version": _VERSION, "clients": self.clients}, out, indent=1)
            os.chmod(temp, 0o600)
            os.replace(temp, self.path)
        except OSError as exc:
            Path(temp).unlink(missing_ok=True)
            raise CoachSiteError(f"{self.path}: the earlier link's key cannot be kept: {os_error_in_words(exc)}; "
                                 "nothing was changed") from None
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


def _valid(entry: Any) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("workbook"), str) and isinstance(entry.get("key"), str)
            and len(_key(entry)) == 32)


def _key(entry: dict[str, str]) -> bytes:
    text = entry["key"]
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return b""
