"""The key of a sealed workbook: made here, kept in the client file next to the token, and
nowhere else (not the site dir, not the build record, not the published branch).

The coachee's link carries it after `#`, which browsers never send to a server
(`coachee_link`). A sealed client file without a key gets one the first time a workbook or
an email is made from it; `rotate` gives a new one with the new token.

What the pages are encrypted with is the workbook's content key (`content_key`): the
link's key, or with a passphrase, PBKDF2 of the passphrase salted with it, as the
coachee's browser derives it (sealed.js).
"""

from __future__ import annotations

import functools
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from coach_site.clientfile.edit import set_values, write_atomically
from coach_site.clientfile.link import read_link
from coach_site.clientfile.loader import read_client_bytes
from coach_site.clientfile.model import SEAL_KEY_BYTES, seal_key_bytes
from coach_site.project import Project

PASSPHRASE_ITERATIONS = 600_000  # OWASP's figure for PBKDF2-HMAC-SHA256; sealed.js reads it from the page


def new_key() -> str:
    """32 random bytes as base64url without padding: 43 characters a link can carry as they are."""
    return secrets.token_urlsafe(SEAL_KEY_BYTES)  # AES-256: 256 random bits


@functools.lru_cache(maxsize=64)
def content_key(key: str, passphrase: str | None = None) -> bytes:
    """The key a sealed workbook's pages are encrypted with: the link's 32 bytes, or with a
    passphrase, PBKDF2-HMAC-SHA256(NFC passphrase, salt = the link's bytes) (what sealed.js derives)."""
    salt = seal_key_bytes(key)
    if passphrase is None:
        return salt
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=PASSPHRASE_ITERATIONS)
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


@dataclass(frozen=True)
class SealAsWritten:
    """What a client file's link says about sealing (see `link.read_link`)."""

    sealed: bool | None  # link.sealed as written; None when not written (the practice decides)
    key: str | None
    readable: bool = True  # False: the file cannot be read at all, so nothing is known of its key


def read_seal(path: Path, source: bytes | None = None) -> SealAsWritten:
    """link.sealed and link.key, without checking the rest of the file (from `source`, its
    bytes, when the caller has read them)."""
    link = read_link(path, source)
    return SealAsWritten(link.sealed, link.key.value if link.key else None, link.readable)


def is_sealed(sealed: bool | None, practice_sealed: bool) -> bool:
    """A workbook is sealed when its link says so, or says nothing and the practice's
    extra.sealed is true."""
    return practice_sealed if sealed is None else sealed


def coachee_link(project: Project, token: str, sealed: bool | None, key: str | None, site_dir: Path) -> str:
    """The link a coachee is sent: a sealed workbook's carries its key after `#`, which
    browsers never send to a server. Never put into a page: only the coach sees it. While
    site_url is not set, the workbook's front page in `site_dir`, to open from disk."""
    return project.private_link(token, site_dir) + key_fragment(project, sealed, key)


def key_fragment(project: Project, sealed: bool | None, key: str | None) -> str:
    """`#<key>` for a sealed workbook with its key (what opens it), else nothing."""
    return f"#{key}" if key and is_sealed(sealed, project.sealed) else ""


def needs_key(path: Path, practice_sealed: bool) -> bool:
    """A sealed client file that has no key yet. A file that cannot be read needs nothing:
    its own check says what is wrong, and a key it may hold is never written over."""
    seal = read_seal(path)
    return seal.readable and is_sealed(seal.sealed, practice_sealed) and not seal.key


def write_new_key(path: Path) -> bool:
    """Write a fresh key into the file as link.key; every other byte stays as the coach wrote it.

    A key that is there is never replaced (the link emailed yesterday must go on opening):
    the file is read again just before, and nothing is written when it has a key, or a
    `key:` of any kind, or cannot be read. Returns whether a key was written.
    """
    raw = read_client_bytes(path)
    link = read_link(path, raw)  # one reading: the bytes checked are the bytes edited
    if not link.readable or link.key_written:
        return False
    text = raw.decode("utf-8")  # as it is: a Windows file keeps its CRLF
    write_atomically(path, set_values(text, {("link", "key"): new_key()}))
    return True
