"""Where a coachee's reflections come from: the file they downloaded, the email the
workbook's "Send to my coach" wrote (saved as `.eml`), or the text pasted from it.

Whatever the way, the result is the reflections file's bytes, for the same checks. The
workbook's draft is a letter for the coach to read, followed by a machine part: the file's
exact bytes in base64 between two fixed marker lines. Base64 survives what mail does to
text on the way: lines hard-wrapped at 72-78 columns, `> ` quoting and a "Forwarded
message" header, a signature, an HTML-only mail, a charset the mail program chose. So an
email's attached file is read first (always UTF-8, as the workbook writes it), then the
machine part of its text or HTML, then, for drafts of older workbooks, the reflections
written out as text from their `link:` line on.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import html
import re
from collections.abc import Iterator
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

from coach_site.clientfile.loader import MAX_FILE_BYTES, read_client_bytes
from coach_site.errors import ClientFileError, Problem

PASTED = Path("the pasted text")
_MAIL_HEADER = re.compile(
    rb"^(Return-Path|Received|From|To|Date|Subject|MIME-Version|Message-ID|Delivered-To|Content-Type|X-[\w-]+):",
    re.IGNORECASE,
)
_YAML_FILE = re.compile(r"\.ya?ml$", re.IGNORECASE)
# A line of the reflections file: blank, indented, a comment, a list item, or a `key:`.
_REFLECTIONS_LINE = re.compile(r"^(\s|#|- |-$|[A-Za-z_]+:(\s|$)|$)")
# The machine part of the workbook's draft: fixed ASCII markers, never translated.
BEGIN, END = "coach-site:reflections:begin", "coach-site:reflections:end"
_MACHINE_PART = re.compile(re.escape(BEGIN) + r"(.*?)" + re.escape(END), re.DOTALL)
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")


def reflections_source(source: Path | str, pasted: bytes | None = None) -> tuple[bytes, Path]:
    """The reflections' bytes, and the name to give in errors. `source` is a file, or `-`
    for `pasted` (what was pasted on standard input)."""
    if str(source) == "-":
        if len(pasted or b"") > MAX_FILE_BYTES:
            raise ClientFileError([Problem(PASTED, None, "", "is more than 1 MiB: paste only the email with the "
                                           "reflections, or save it as a file and name that")])
        return reflections_in_text((pasted or b"").decode("utf-8", errors="replace"), PASTED), PASTED
    path = Path(source)
    raw = read_client_bytes(path)
    if path.suffix.lower() == ".eml" or _MAIL_HEADER.match(raw):
        where = Path(f"{path} (the reflections in this email)")
        return _from_mail(raw, path, where), where
    return raw, path


class NoReflections(ClientFileError):
    """A mail or text that holds no reflections at all (for `inbox`, a newsletter: not an error)."""


def reflections_in_mail(raw: bytes, where: Path) -> bytes:
    """The reflections file's bytes in a mail (its attached file, the draft's machine part, or an
    older draft's text); raises NoReflections when it holds none, ClientFileError when it holds
    some that cannot be read."""
    return _from_mail(raw, where, where)


def _from_mail(raw: bytes, path: Path, where: Path) -> bytes:
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = list(_parts(message))
    except RecursionError:
        raise _unreadable(path, "its parts are nested too deeply to be an email a workbook wrote") from None
    for part in parts:
        if _is_reflections_file(part):
            # The workbook writes its file in UTF-8, whatever the mail program says of it.
            return _decoded(part, path, charset="utf-8").encode("utf-8")
    bodies = [p for kind in ("plain", "html") for p in parts if p.get_content_type() == f"text/{kind}"
              and not p.is_attachment()]
    texts = [_body_text(body, path) for body in bodies]
    for text in texts:  # the machine part, wherever the mail program put it
        if (found := machine_part(text, path)) is not None:
            return found
    if not texts:
        raise _nothing_found(path)
    return _reflections_in(texts[0], path)


def _body_text(body: EmailMessage, path: Path) -> str:
    """A text or HTML part as plain lines: HTML's tags and `format=flowed`'s soft breaks undone."""
    text = _decoded(body, path)
    if body.get_content_subtype() == "html":
        return _html_text(text)
    if body.get_param("format", "").lower() == "flowed":
        return _unflowed(text, delete_space=body.get_param("delsp", "").lower() == "yes")
    return text


def reflections_in_text(text: str, where: Path) -> bytes:
    """The reflections in a text: its machine part, else (an older workbook's draft) the
    reflections written out from their `link:` line on."""
    found = machine_part(text, where)
    return found if found is not None else _reflections_in(text, where)


def machine_part(text: str, where: Path) -> bytes | None:
    """The reflections file's bytes from the draft's machine part; None when the text has
    none. Whatever mail did around and inside it (quoting marks, wrapping, spaces) is not
    base64, so it is left out before decoding; the last part wins (a reply quotes older ones)."""
    found = _MACHINE_PART.findall(text.replace("\r\n", "\n"))
    if not found:
        return None
    coded = _NOT_BASE64.sub("", found[-1])
    try:
        return base64.b64decode(coded, validate=True)
    except (binascii.Error, ValueError):
        raise _unreadable(where, "the coded part at its end was changed on the way") from None


# An email a workbook wrote, forwarded a few times, is nested a few levels at most.
_MAX_PART_DEPTH = 16


def _parts(message: EmailMessage) -> Iterator[EmailMessage]:
    """The email's leaf parts (not the multipart containers), in order, down to _MAX_PART_DEPTH."""
    todo = [(message, 0)]
    while todo:
        part, depth = todo.pop(0)
        if not part.is_multipart():
            yield part
        elif depth < _MAX_PART_DEPTH:
            children = part.get_payload()
            todo[:0] = [(child, depth + 1) for child in children if isinstance(child, EmailMessage)]


def _decoded(part: EmailMessage, path: Path, charset: str | None = None) -> str:
    """A part's text: in `charset` when given, else in the one its header names (UTF-8 when
    it names none, or one Python does not know and the bytes are UTF-8)."""
    payload = part.get_payload(decode=True) or b""
    named = charset or part.get_content_charset() or "utf-8"
    for candidate in dict.fromkeys([named, "utf-8"]):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    raise _unreadable(path, f"its text is in a character set coach-site cannot read ({named})")


def _is_reflections_file(part: EmailMessage) -> bool:
    name = part.get_filename() or ""
    return not part.is_multipart() and (
        bool(_YAML_FILE.search(name)) or part.get_content_type() in ("application/x-yaml", "text/yaml"))


def _reflections_in(text: str, where: Path) -> bytes:
    """The reflections inside a longer text: from the comments above `link:` to the last
    line that is still part of them."""
    lines = text.replace("\r\n", "\n").replace("\xa0", " ").split("\n")
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "link:"), None)
    if start is None:
        raise _nothing_found(where)
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    end = start + 1
    while end < len(lines) and _REFLECTIONS_LINE.match(lines[end]) and lines[end].rstrip() != "--":
        end += 1
    return ("\n".join(lines[start:end]).rstrip() + "\n").encode("utf-8")


def _unflowed(text: str, delete_space: bool) -> str:
    """Text sent as `format=flowed` (RFC 3676) with its soft line breaks joined again."""
    out: list[str] = []
    joining = False
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line[1:] if line.startswith(" ") else line  # space-stuffing undone
        if joining:
            out[-1] += line
        else:
            out.append(line)
        joining = line.endswith(" ") and line != "-- "
        if joining and delete_space:
            out[-1] = out[-1][:-1]
    return "\n".join(out)


class _TextOfHtml(HTMLParser):
    _BREAKS = {"br", "p", "div", "li", "tr", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._BREAKS and tag != "br" and self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_text(markup: str) -> str:
    """The text of an HTML-only email, one line per line break or paragraph."""
    parser = _TextOfHtml()
    parser.feed(markup)
    text = "".join(parser.parts)
    return re.sub(r"\n{2,}", "\n", html.unescape(text))


def _unreadable(path: Path, why: str) -> ClientFileError:
    return ClientFileError([Problem(
        path, None, "",
        f"cannot be read: {why}. Ask your client to press \"Send to my coach\" in their workbook again, or to "
        "send the file from My reflections as an attachment",
    )])


def _nothing_found(where: Path) -> NoReflections:
    return NoReflections([Problem(
        where, None, "",
        "holds no reflections: no reflections file is attached, and no line `link:` starts them in its text. "
        "Save the email the workbook's \"Send to my coach\" wrote (or its attached file), or paste the text "
        "from its first line (`# Reflections ...`) to its last",
    )])
