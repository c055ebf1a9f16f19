"""The key of a sealed workbook: made here, kept in the client file next to the token, and
nowhere else (not the site dir, not the build record, not the published branch).

The coachee's link carries it after `#`, which browsers never send to a server
(`coachee_link`). A sealed client file without a key gets one the first time a workbook or
an email is made from it; `rotate` gives a new one with the new token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import yaml

from coach_site.clientfile.edit import set_values, write_atomically
from coach_site.clientfile.loader import compose_quickly, value_node
from coach_site.clientfile.model import SEAL_KEY_BYTES
from coach_site.project import Project


def new_key() -> str:
    """32 random bytes as base64url without padding: 43 characters a link can carry as they are."""
    return secrets.token_urlsafe(SEAL_KEY_BYTES)  # AES-256: 256 random bits


@dataclass(frozen=True)
class SealAsWritten:
    """What a client file's link says about sealing, read quickly (see `compose_quickly`)."""

    sealed: bool | None  # link.sealed as written; None when not written (or not true/false)
    key: str | None


def read_seal(path: Path, source: bytes | None = None) -> SealAsWritten:
    """link.sealed and link.key, without checking the rest of the file (from `source`, its
    bytes, when the caller has read them). A file that cannot be read says nothing."""
    link = value_node(compose_quickly(path, source), "link")
    sealed, key = _text(value_node(link, "sealed")), _text(value_node(link, "key"))
    flag = {"true": True, "false": False}.get((sealed or "").lower())
    return SealAsWritten(flag, key or None)


def _text(node: yaml.Node | None) -> str | None:
    return node.value.strip() if isinstance(node, yaml.ScalarNode) else None


def is_sealed(sealed: bool | None, practice_sealed: bool) -> bool:
    """A workbook is sealed when its link says so, or says nothing and the practice's
    extra.sealed is true."""
    return practice_sealed if sealed is None else sealed


def coachee_link(project: Project, token: str, sealed: bool | None, key: str | None) -> str:
    """The link a coachee is sent: a sealed workbook's carries its key after `#`, which
    browsers never send to a server. Never put into a page: only the coach sees it."""
    return project.private_link(token) + key_fragment(project, sealed, key)


def key_fragment(project: Project, sealed: bool | None, key: str | None) -> str:
    """`#<key>` for a sealed workbook with its key (what opens it), else nothing."""
    return f"#{key}" if key and is_sealed(sealed, project.sealed) else ""


def needs_key(path: Path, practice_sealed: bool) -> bool:
    """A sealed client file that has no key yet."""
    seal = read_seal(path)
    return is_sealed(seal.sealed, practice_sealed) and not seal.key


def write_new_key(path: Path) -> None:
    """Write a fresh key into the file as link.key; every other byte stays as the coach wrote it."""
    text = path.read_bytes().decode("utf-8")  # as it is: a Windows file keeps its CRLF
    write_atomically(path, set_values(text, {("link", "key"): new_key()}))
