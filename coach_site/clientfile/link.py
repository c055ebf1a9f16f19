"""What a client file's `link:` says (its token, earlier tokens, sealed flag, key and passphrase), read
without checking the rest of the file.

Every run looks at the link of every client file, changed or not: to refuse two files with
one link or one key, to print a skipped workbook's link, to write a sealed file's first key.
These must never disagree with `check`, so the file is read by the loader itself and each
field normalised by the model's own rule for it (a token's spaces trimmed, one earlier
token written without its `- `, `yes` for true). A file the loader cannot read at all is
`readable=False`: it fails its own check, so it is never built, and nothing is written
into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from coach_site.clientfile.loader import ClientDocument, load_client_bytes, read_client_bytes
from coach_site.clientfile.model import Link
from coach_site.errors import ClientFileError


@dataclass(frozen=True)
class Written:
    """One value of the link, as the model reads it, and the line it is written on."""

    value: str
    line: int | None


@dataclass(frozen=True)
class LinkAsWritten:
    file: Path
    readable: bool = False
    token: Written | None = None
    previous_tokens: tuple[Written, ...] = ()
    sealed: bool | None = None  # as written; None when not written (the practice decides)
    key: Written | None = None
    key_written: bool = False  # `key:` is under link:, whatever it holds (a key the model refuses too)
    passphrase: str | None = None


def _adapter(name: str) -> TypeAdapter:
    """The model's own validation of one field of `link:`."""
    field = Link.model_fields[name]
    return TypeAdapter(Annotated[(field.annotation, *field.metadata)])


_TOKEN, _SEALED, _KEY, _PASSPHRASE = _adapter("token"), _adapter("sealed"), _adapter("key"), _adapter("passphrase")


def read_link(path: Path, source: bytes | None = None) -> LinkAsWritten:
    """The link of the client file at `path` (from `source`, its bytes, when the caller has
    read them already)."""
    try:
        document = load_client_bytes(source if source is not None else read_client_bytes(path), path)
    except ClientFileError:
        return LinkAsWritten(path)
    link = document.data.get("link")
    if not isinstance(link, dict):
        return LinkAsWritten(path, readable=True)
    token = _valid(_TOKEN, link.get("token"))
    key = _valid(_KEY, link.get("key"))
    return LinkAsWritten(
        path,
        readable=True,
        token=Written(token, document.line_of(("link", "token"))) if token else None,
        previous_tokens=tuple(_previous_tokens(document, link.get("previous_tokens"))),
        sealed=_valid(_SEALED, link.get("sealed")),
        key=Written(key, document.line_of(("link", "key"))) if key else None,
        key_written="key" in link,
        passphrase=_valid(_PASSPHRASE, link.get("passphrase")),
    )


def _valid(adapter: TypeAdapter, value: Any) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def _previous_tokens(document: ClientDocument, value: Any) -> list[Written]:
    """Each earlier token the model would accept, one by one: a bad one does not hide the others.
    One token alone may be written without its `- `, as the model allows."""
    items = value if isinstance(value, list) else [value]
    found = []
    for index, item in enumerate(items):
        token = _valid(_TOKEN, item)
        if token:
            where = ("link", "previous_tokens", index) if isinstance(value, list) else ("link", "previous_tokens")
            found.append(Written(token, document.line_of(where)))
    return found
