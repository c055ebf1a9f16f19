"""Sealed reflections: what a sealed workbook sends back, readable by the coach only.

A sealed workbook's "Send to my coach" and "Download" (reflections.js, with the keys of
store.js's vault) never let the coachee's words leave their device readable: the file
they share, download or put in the email's coded part is

    # Sealed reflections from a coach-site workbook: ... (a line of the workbook's words)
    sealed_reflections:
      workbook: "<16 hex digits>"
      iv: "<base64url, no padding: 12 bytes>"
      data: "<base64: the ciphertext, then GCM's 16-byte tag>"

- `workbook` names the workbook without naming its link: the first 16 hex digits of
  SHA-256 of the token of the link it was written at (`workbook_id`), as the pages'
  data-legacy names each token of the client.
- `data` is AES-256-GCM of the exact reflections file a plain workbook writes (so what is
  opened goes through the same checks), with a fresh random IV for each file and
  `coach-site reflections <workbook>` as additional data: a file cannot be passed off as
  another workbook's.
- The key is derived from the workbook's content key (`keys.content_key`: the link's key,
  or PBKDF2 of the passphrase salted with it) with HKDF-SHA-256, a salt of 32 zero bytes
  and the info `coach-site reflections` (`reflections_key`), as store.js's vaultOf derives
  it in the browser, where it cannot be exported. It opens reflections only, never the
  pages: it is what the coach keeps of a rotated link.

The workbook writes the values quoted (a `workbook` of 16 digits stays text to any YAML
reader); `data` may also be written as a multi-line scalar: its whitespace is ignored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from coach_site.clientfile.keys import content_key
from coach_site.clientfile.loader import load_client_bytes
from coach_site.errors import ClientFileError, Problem

SEALED = "sealed_reflections"  # the file's one top-level field
KEY_INFO = b"coach-site reflections"  # HKDF's info: store.js's hkdf("reflections")
IV_BYTES = 12
TAG_BYTES = 16
_WORKBOOK = re.compile(r"[0-9a-f]{16}")
_IV = re.compile(r"[A-Za-z0-9_-]{16}")  # 12 bytes, base64url without padding
_STARTS_SEALED = re.compile(rb"^(\xef\xbb\xbf)?(#[^\n]*\n|[ \t]*\r?\n)*" + re.escape(SEALED.encode()) + rb":[ \t]*\r?$",
                            re.MULTILINE)
_WHITESPACE = re.compile(r"\s+")
_AGAIN = ("Nothing was imported. Ask your client to press \"Send to my coach\" again in their workbook, opened "
          "from the latest link you sent them, and import what they send")


def workbook_id(token: str) -> str:
    """What a sealed file names its workbook by: the first 16 hex digits of SHA-256 of the
    link's token (the same hash as the pages' data-legacy)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


def reflections_key(key: str, passphrase: str | None = None) -> bytes:
    """The key reflections are sealed with in the workbook whose link has `key` (and
    `passphrase`): HKDF-SHA-256 of its content key (32 zero bytes of salt, info
    "coach-site reflections")."""
    return _hkdf(content_key(key, passphrase))


def _hkdf(content: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=bytes(32), info=KEY_INFO).derive(content)


def additional_data(workbook: str) -> bytes:
    """What binds a sealed file to its workbook (AES-GCM's additional data)."""
    return f"coach-site reflections {workbook}".encode("utf-8")


def seal(plain: bytes, key: bytes, workbook: str,
         comment: str = "Sealed reflections from a coach-site workbook.") -> bytes:
    """`plain` (a reflections file) sealed as the workbook seals it, with `key` (a
    `reflections_key`) for the workbook `workbook` (a `workbook_id`)."""
    iv = secrets.token_bytes(IV_BYTES)
    data = AESGCM(key).encrypt(iv, plain, additional_data(workbook))
    coded_iv = base64.urlsafe_b64encode(iv).decode("ascii").rstrip("=")
    return (f"# {comment}\n{SEALED}:\n  workbook: \"{workbook}\"\n  iv: \"{coded_iv}\"\n"
            f"  data: \"{base64.b64encode(data).decode('ascii')}\"\n").encode("utf-8")


def is_sealed(raw: bytes) -> bool:
    """Whether `raw` is meant as a sealed reflections file: after its comments, it starts
    with `sealed_reflections:` (whether the rest is whole, `unseal` says)."""
    return _STARTS_SEALED.match(raw) is not None


def sealed_workbook_id(raw: bytes) -> str | None:
    """The `workbook` a sealed reflections file names; None when the bytes are not one."""
    if not is_sealed(raw):
        return None
    try:
        fields = _fields(raw, Path("reflections"))
    except ClientFileError:
        return None
    return fields["workbook"]


def unseal(raw: bytes, keys: Sequence[bytes], where: Path) -> bytes:
    """The reflections file inside a sealed one, opened with the first of `keys` (each a
    `reflections_key`) that opens it. A ClientFileError naming `where` when the file is not
    whole or none of the keys opens it."""
    fields = _fields(raw, where)
    if not _IV.fullmatch(fields["iv"]):
        raise _problem(where, fields, "iv", f"is not the {IV_BYTES} bytes the workbook writes: it was changed on "
                       f"the way. {_AGAIN}")
    iv = base64.urlsafe_b64decode(fields["iv"] + "=" * (-len(fields["iv"]) % 4))
    try:
        data = base64.b64decode(fields["data"], validate=True)
    except (binascii.Error, ValueError):
        raise _problem(where, fields, "data", "is not the coded text the workbook wrote: it was changed or cut short "
                       f"on the way. {_AGAIN}") from None
    if len(data) <= TAG_BYTES:
        raise _problem(where, fields, "data", f"is cut short: it holds no reflections. {_AGAIN}")
    for key in keys:
        try:
            return AESGCM(key).decrypt(iv, data, additional_data(fields["workbook"]))
        except InvalidTag:
            continue
    raise _problem(where, fields, None, (
        "cannot be opened with this client's keys: these reflections were sealed with a key the client file no "
        "longer has (a link given before an earlier `coach-site rotate` whose key was not kept, or another "
        f"client's workbook), or they were changed or cut short on the way. {_AGAIN}"
    ))


def _fields(raw: bytes, where: Path) -> dict[str, Any]:
    """workbook, iv and data of a sealed file, as text, and `lines`: where each is written."""
    try:
        document = load_client_bytes(raw, where)
    except ClientFileError as exc:  # YAML's own words would speak of a client file's answers
        line = exc.problems[0].line if exc.problems else None
        raise ClientFileError([Problem(where, line, "", "cannot be read as sealed reflections: the file was changed "
                                       f"or cut short on the way. {_AGAIN}")]) from None
    sealed = document.data.get(SEALED)
    if not isinstance(sealed, dict):
        raise ClientFileError([Problem(where, document.line_of((SEALED,)), SEALED,
                                       f"is not sealed reflections as a workbook writes them. {_AGAIN}")])
    fields: dict[str, Any] = {"lines": {}}
    for name in ("workbook", "iv", "data"):
        value = sealed.get(name)
        text = _WHITESPACE.sub("", str(getattr(value, "source", value))) if value is not None else ""
        if not text or isinstance(value, (dict, list)):
            raise ClientFileError([Problem(where, document.line_of((SEALED,)), f"{SEALED}.{name}",
                                           f"is missing: the file was cut short or changed on the way. {_AGAIN}")])
        fields[name] = text
        fields["lines"][name] = document.line_of((SEALED, name))
    if not _WORKBOOK.fullmatch(fields["workbook"]):
        raise _problem(where, fields, "workbook", f"is not the 16 hex digits the workbook writes: it was changed "
                       f"on the way. {_AGAIN}")
    return fields


def _problem(where: Path, fields: dict[str, Any], name: str | None, message: str) -> ClientFileError:
    line = fields["lines"].get(name) if name else None
    field = f"{SEALED}.{name}" if name else ""
    return ClientFileError([Problem(where, line, field, message)])
