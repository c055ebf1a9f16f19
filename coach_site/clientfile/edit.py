"""Changing a coach's client file without disturbing it.

coach-site only ever sets a few values in a coach's file (a new token, a coachee's
reflections). It never rewrites the file from the model: ruamel.yaml composes the
file and tells where each value stands, and only those characters are replaced or
new lines inserted. Every other byte (comments, order, quoting, blank lines, trailing
spaces, line endings) stays exactly as the coach wrote it. Every value is written so
that it reads back as exactly that text, and before anything is written the edited text
is read back: if it holds anything but the values asked for, nothing is written. The file
is then replaced atomically.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from coach_site.errors import REPORT_A_BUG, CoachSiteError

Key = str | int


class Appended(list):
    """A value for set_values meaning "add these items to the list there"."""


@dataclass(frozen=True)
class MarkedDone:
    """A value for set_values at a list item: "this step is done, on this day". A plain item
    (`- Renew passport`) becomes `- step: Renew passport` with `done:` below it, written as
    the coach wrote it; an item that is already `step:`/`done:` gets its `done:` set."""

    day: dt.date


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str
    depth: int = 0  # indentation of inserted lines: at one offset, deeper ones go first
    rank: int = 0  # a new key's rank (set_values' order): at one offset and depth, lower ones go first


def set_values(text: str, changes: Mapping[tuple[Key, ...], Any], order: Mapping[str, int] | None = None) -> str:
    """The file's text with each `(path) -> value` set; nothing else in it changes.

    A value is text, a number, a mapping (for a part the file does not have yet), or
    `Appended([...])` to add items to a list. A key the file does not have yet goes after
    the mapping's last entry, or, with `order` (a key's rank among its siblings, as the
    format lists them), before the first entry that ranks after it, above that entry's
    comments. The file keeps its own line endings. Raises CoachSiteError, writing nothing,
    when the result would not read back as the file's data with exactly these values set.
    """
    lf_text = text.replace("\r\n", "\n")
    try:
        root = YAML().compose(lf_text)
    except YAMLError as exc:
        raise CoachSiteError(f"cannot edit the file: {exc}") from None
    editor = _Editor(lf_text, order or {})
    for path, value in _under_new_parts(root, changes).items():
        editor.set(root, list(path), value)
    edited = _with_line_endings_of(text, editor.edits)
    _check_round_trip(text, edited, changes)
    return edited


def _under_new_parts(root: Node, changes: Mapping[tuple[Key, ...], Any]) -> dict[tuple[Key, ...], Any]:
    """The changes, with those under a part the file does not have yet made one mapping for
    that part: `schedule.day` and `schedule.week` in a file without `schedule:` must add
    one `schedule:` holding both, not two."""
    grouped: dict[tuple[Key, ...], Any] = {}
    for path, value in changes.items():
        missing = _first_missing_key(root, path)
        if missing is None or missing == len(path) - 1 or isinstance(value, Appended):
            grouped[path] = value
            continue
        part = grouped.setdefault(tuple(path[: missing + 1]), {})
        for key in path[missing + 1 : -1]:
            part = part.setdefault(key, {})
        part[path[-1]] = value
    return grouped


def _first_missing_key(node: Node, path: tuple[Key, ...]) -> int | None:
    """Where in `path` the first key stands that the file does not have (None: it has them all)."""
    for depth, key in enumerate(path):
        if isinstance(node, SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        elif isinstance(node, MappingNode):
            found = [value for key_node, value in node.value if key_node.value == key]
            if not found:
                return depth
            node = found[0]
        else:
            return None  # not a part to add keys to: set() says what is wrong
    return None


def _with_line_endings_of(text: str, edits: list["_Edit"]) -> str:
    """Apply edits made on the file's text with LF endings to the file itself.

    The offsets are moved past each CRLF before them, and new lines get the file's own
    line ending, so a Windows file stays a Windows file, byte for byte.
    """
    crlf_at = [m.start() - i for i, m in enumerate(re.finditer("\r\n", text))]  # their LF offsets
    newline = "\r\n" if len(crlf_at) * 2 > text.count("\n") else "\n"

    def original(offset: int) -> int:
        return offset + bisect.bisect_left(crlf_at, offset)

    moved = [
        _Edit(original(e.start), original(e.end), e.text.replace("\n", newline), e.depth, e.rank) for e in edits
    ]
    return _apply(text, moved)


def _apply(text: str, edits: list["_Edit"]) -> str:
    # From the end backwards, so earlier offsets stay valid. At one offset, lines for an
    # inner mapping go before those for an outer one, and otherwise in the order asked.
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, -pair[1].depth, pair[1].rank, pair[0]),
                     reverse=True)
    for _, edit in ordered:
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def _check_round_trip(before: str, after: str, changes: Mapping[tuple[Key, ...], Any]) -> None:
    """The edited text must read back as the old data with the changes made, and nothing else."""
    from coach_site.clientfile.loader import load_client_bytes

    try:
        old = load_client_bytes(before.encode("utf-8"), Path("before")).data
        new = load_client_bytes(after.encode("utf-8"), Path("after")).data
    except CoachSiteError as exc:
        raise CoachSiteError(f"editing the file would break it ({exc}); nothing was written") from None
    expected = _comparable(old)
    for path, value in changes.items():
        if isinstance(value, Appended):
            value = Appended(_comparable(value))
        elif not isinstance(value, MarkedDone):
            value = _comparable(value)
        _put(expected, list(path), value)
    if _comparable(new) != expected:
        raise CoachSiteError(
            "editing the file would change more than the values asked for, so nothing was written. "
            f"This is a bug in coach-site. {REPORT_A_BUG}"
        )


def _put(data: Any, path: list[Key], value: Any) -> None:
    key, rest = path[0], path[1:]
    if rest:
        if not isinstance(data.get(key) if isinstance(data, dict) else data[key], (dict, list)):
            data[key] = {}
        return _put(data[key], rest, value)
    if isinstance(value, MarkedDone):
        item = data[key]
        data[key] = {**item, "done": value.day.isoformat()} if isinstance(item, dict) else {
            "step": item, "done": value.day.isoformat()}
        return None
    if isinstance(value, Appended):
        current = data.get(key) if isinstance(data, dict) else data[key]
        items = [item for item in current if item is not None] if isinstance(current, list) else []
        data[key] = items + list(value)  # a bare `-` left by a template goes
    else:
        data[key] = value


def _comparable(data: Any) -> Any:
    """Data as loaded, to compare exactly: a value written must read back as that value."""
    if isinstance(data, dict):
        return {str(k): _comparable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_comparable(v) for v in data]
    if isinstance(data, dt.date) and not hasattr(data, "source"):
        return data.isoformat()
    return getattr(data, "source", data) if not isinstance(data, int) else int(data)


class _Editor:
    def __init__(self, text: str, order: Mapping[str, int]):
        self.text = text
        self.order = order
        self.edits: list[_Edit] = []

    def edit(self, start: int, end: int, text: str, depth: int = 0, rank: int = 0) -> None:
        self.edits.append(_Edit(start, end, text, depth, rank))

    # --- finding -------------------------------------------------------------

    def set(self, node: Node, path: list[Key], value: Any) -> None:
        key, rest = path[0], path[1:]
        if isinstance(node, SequenceNode):
            child = node.value[key]
            if not rest and isinstance(value, MarkedDone):
                return self.mark_done(node, child, value.day)
            if not rest:
                raise CoachSiteError("cannot replace a whole list item")
            return self.set(child, rest, value)
        if not isinstance(node, MappingNode):
            raise CoachSiteError(f"cannot edit inside a {type(node).__name__}")
        for key_node, value_node in node.value:
            if key_node.value == key:
                if rest and not _is_empty(value_node):
                    return self.set(value_node, rest, value)
                nested = _nest(rest, value)
                if isinstance(value, Appended) and not rest:
                    return self.append(key_node, value_node, value)
                return self.replace(key_node, value_node, nested)
        self.insert_key(node, key, _nest(rest, value))

    # --- writing -------------------------------------------------------------

    def replace(self, key_node: Node, node: Node, value: Any) -> None:
        """Put `value` where the value of `key_node` stands."""
        indent = key_node.start_mark.column + 2
        if isinstance(value, dict) and isinstance(node, ScalarNode) and not _is_empty(node):
            # A plain rating becoming a dated history: `{2026-09-15: 6, 2026-10-13: 7}` in its place.
            if node.style in ("|", ">"):
                raise CoachSiteError(f"cannot replace {key_node.value} with a mapping")
            self.edit(node.start_mark.index, node.end_mark.index, _flow_mapping(value))
            return
        if isinstance(value, dict):
            if not _is_empty(node):
                raise CoachSiteError(f"cannot replace {key_node.value} with a mapping")
            self.edit(self._line_end(key_node.end_mark.index), self._line_end(key_node.end_mark.index),
                      "\n" + _mapping_lines(value, indent))
            return
        if not isinstance(node, ScalarNode):
            raise CoachSiteError(f"cannot replace the list or mapping of {key_node.value} with text")
        start, end = node.start_mark.index, node.end_mark.index
        block = node.style in ("|", ">")
        if block:  # keep the blank lines and comments that follow the old block
            end = start + len(self.text[start:end].rstrip("\n")) + 1
        multiline = _as_block(value)
        if _is_empty(node):
            start = end = self._after_colon(key_node)
            # Keep a comment after the empty value where it was: use up the spaces before it.
            inserted = 1 + len(_BLOCK) if multiline else 1 + len(_inline(value))
            padding = len(self.text[end:]) - len(self.text[end:].lstrip(" "))
            if self.text[end + padding : end + padding + 1] == "#":
                end += min(inserted, padding - 1)
        if multiline:
            lines = "\n" + _block_lines(value, indent)
            if block:
                self.edit(start, end, _BLOCK + lines + "\n")
            else:
                self.edit(start, end, (" " + _BLOCK if _is_empty(node) else _BLOCK))
                self.edit(self._line_end(start), self._line_end(start), lines)
        else:
            inline = _inline(value)
            self.edit(start, end, (" " + inline if _is_empty(node) else inline) + ("\n" if block else ""))

    def mark_done(self, sequence: SequenceNode, item: Node, day: dt.date) -> None:
        """Record a list item (a step) as done on `day`, keeping its text as written."""
        if isinstance(item, MappingNode):
            return self.set(item, ["done"], day)
        if not isinstance(item, ScalarNode) or _is_empty(item) or item.style in ("|", ">"):
            raise CoachSiteError("cannot mark this step as done; write it as `step:` and `done:`")
        written = self.text[item.start_mark.index : item.end_mark.index]
        if "\n" in written:
            raise CoachSiteError("cannot mark a step written on several lines as done; write it as `step:` and `done:`")
        if sequence.flow_style:
            self.edit(item.start_mark.index, item.end_mark.index, f"{{step: {written}, done: {day.isoformat()}}}")
            return
        column = item.start_mark.column
        self.edit(item.start_mark.index, item.end_mark.index, f"step: {written}\n{' ' * column}done: {day.isoformat()}")

    def append(self, key_node: Node, node: Node, items: list) -> None:
        """Add list items after the last one, in the list's own style."""
        if isinstance(node, SequenceNode) and node.flow_style:
            close = self.text.rindex("]", 0, node.end_mark.index)
            lead = ", " if any(not _is_empty(i) for i in node.value) else ""
            self.edit(close, close, lead + ", ".join(_flow_item(i) for i in items))
            return
        if isinstance(node, SequenceNode) and node.value:
            dash = self._dash_column(node.value[0])
            kept = [item for item in node.value if not _is_empty(item)]
            for empty in (item for item in node.value if _is_empty(item)):  # a bare `-` left by a template
                line_start = self.text.rfind("\n", 0, empty.start_mark.index) + 1
                self.edit(line_start, self._line_end(empty.start_mark.index) + 1, "")
            # After the last real item; with only bare `-` items, after the last of them (which go).
            after = self._content_end(kept[-1]) if kept else self._line_end(node.value[-1].start_mark.index) + 1
        else:
            if not _is_empty(node):
                raise CoachSiteError(f"{key_node.value} is not a list")
            dash = key_node.start_mark.column + 2
            after = self._line_end(key_node.end_mark.index) + 1
        lines = "".join(f"{' ' * dash}- {_item(item, dash + 2)}\n" for item in items)
        self._insert_lines(after, lines, dash)

    def insert_key(self, mapping: MappingNode, key: Key, value: Any) -> None:
        """A new `key: value` at the mapping's indentation: where its rank puts it among the
        keys there (see set_values), else after the mapping's last entry."""
        if mapping.flow_style:
            return self.insert_flow_key(mapping, key, value)
        indent = mapping.value[0][0].start_mark.column if mapping.value else 0
        later = [k for k, _ in mapping.value if str(key) in self.order and self.order.get(str(k.value), -1)
                 > self.order[str(key)]]
        at = self._above_comments(later[0]) if later else self._content_end(mapping)
        self._insert_lines(at, _mapping_lines({key: value}, indent), indent, self.order.get(str(key), 0))

    def _above_comments(self, key_node: Node) -> int:
        """The start of the key's line, or of the comment lines right above it (they are about it)."""
        start = self.text.rfind("\n", 0, key_node.start_mark.index) + 1
        while start > 0:
            above = self.text.rfind("\n", 0, start - 1) + 1
            if not self.text[above:start].strip().startswith("#"):
                break
            start = above
        return start

    def insert_flow_key(self, mapping: MappingNode, key: Key, value: Any) -> None:
        """A new `key: value` at the end of a {...} mapping, on the same line."""
        if isinstance(value, dict):
            raise CoachSiteError(f"cannot add {key} to a {{...}} mapping; write it out on its own lines")
        written = "[" + ", ".join(_flow_item(i) for i in value) + "]" if isinstance(value, list) else _flow_item(value)
        close = self.text.rindex("}", 0, mapping.end_mark.index)
        lead = ", " if mapping.value else ""
        self.edit(close, close, f"{lead}{key}: {written}")

    # --- where things are ----------------------------------------------------

    def _insert_lines(self, at: int, lines: str, depth: int = 0, rank: int = 0) -> None:
        if at > len(self.text):
            at = len(self.text)
        if at > 0 and self.text[at - 1] != "\n":
            lines = "\n" + lines
        self.edit(at, at, lines, depth, rank)

    def _line_end(self, index: int) -> int:
        end = self.text.find("\n", index)
        return len(self.text) if end == -1 else end

    def _after_colon(self, key_node: Node) -> int:
        colon = self.text.index(":", key_node.end_mark.index)
        return colon + 1

    def _dash_column(self, item: Node) -> int:
        line_start = self.text.rfind("\n", 0, item.start_mark.index) + 1
        line = self.text[line_start:]
        return len(line) - len(line.lstrip(" "))

    def _content_end(self, node: Node) -> int:
        """The start of the line after the last line holding any of the node's content."""
        while isinstance(node, (MappingNode, SequenceNode)) and node.value and not node.flow_style:
            node = node.value[-1][1] if isinstance(node, MappingNode) else node.value[-1]
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            content = self.text[node.start_mark.index : node.end_mark.index].rstrip("\n")
            return node.start_mark.index + len(content) + 1
        return self._line_end(max(node.end_mark.index - 1, node.start_mark.index)) + 1


def _is_empty(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag.endswith(":null") and node.value in ("", "~", "null", "Null", "NULL")


def _nest(path: list[Key], value: Any) -> Any:
    for key in reversed(path):
        value = {key: value}
    return value


def _mapping_lines(mapping: dict, indent: int) -> str:
    out = ""
    for name, value in mapping.items():
        pad, key = " " * indent, _inline(name)  # a key holding `: ` or ` #` is quoted, as a value would be
        if isinstance(value, dict):
            out += f"{pad}{key}:\n" + _mapping_lines(value, indent + 2)
        elif isinstance(value, list):
            out += f"{pad}{key}:\n" + "".join(f"{pad}  - {_item(i, indent + 4)}\n" for i in value)
        elif _as_block(value):
            out += f"{pad}{key}: {_BLOCK}\n" + _block_lines(value, indent + 2) + "\n"
        else:
            out += f"{pad}{key}: {_inline(value)}\n"
    return out


def _flow_mapping(mapping: dict) -> str:
    return "{" + ", ".join(f"{_inline(key)}: {_flow_item(value)}" for key, value in mapping.items()) + "}"


def _item(value: Any, indent: int) -> str:
    if isinstance(value, dict):  # a step with its `done:`, as the first lines of a list item
        return f"\n{' ' * indent}".join(f"{key}: {_item(item, indent + 2)}" for key, item in value.items())
    if _as_block(value):
        return _BLOCK + "\n" + _block_lines(value, indent)
    return _inline(value)


# A literal block that keeps no final line break (`|-`): the text reads back exactly as
# typed. Only text without a break at either end is written as a block (see _as_block).
_BLOCK = "|-"


def _as_block(value: Any) -> bool:
    """Several lines as a literal block `|-`, but only when it reads back as the same text:
    nothing but ordinary characters, no spaces at a line's end, no break at either end."""
    return (
        isinstance(value, str)
        and "\n" in value
        and value == value.strip()
        and all(_is_ordinary(char) for char in value.replace("\n", ""))
        and not any(line != line.rstrip() for line in value.split("\n"))
    )


def _block_lines(value: str, indent: int) -> str:
    return "\n".join(f"{' ' * indent}{line}".rstrip() for line in value.strip("\n").split("\n"))


def _is_ordinary(char: str) -> bool:
    """A character YAML reads as itself anywhere: not a control, line or paragraph
    separator, byte order mark, surrogate or unassigned code point (\x85 and U+2028 are
    line breaks to YAML, so a reflection holding one could otherwise start a new field)."""
    return char == " " or unicodedata.category(char)[0] in "LMNPS"


_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`~][^#]*$")


def _inline(value: Any) -> str:
    """A value on one line: plain when it reads back as the same text, else double-quoted."""
    if isinstance(value, bool) or value is None:
        raise CoachSiteError(f"cannot write {value!r} into a client file")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if (
        _PLAIN_SAFE.match(text) and text == text.strip() and ": " not in text and not text.endswith(":")
        and all(_is_ordinary(char) for char in text)
    ):
        from coach_site.clientfile.loader import load_client_bytes

        try:
            if load_client_bytes(f"v: {text}\n".encode(), Path("check")).data.get("v") == text:
                return text
        except CoachSiteError:
            pass
    return _quoted(text)


def _flow_item(value: Any) -> str:
    """An item inside [...]: quoted when a comma or bracket in it would split or end it."""
    if isinstance(value, dict):
        return _flow_mapping(value)
    inline = _inline(value)
    return _quoted(value) if any(char in inline for char in ",[]{}") and not inline.startswith('"') else inline


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _quoted(value: Any) -> str:
    """A double-quoted YAML scalar on one line: every character that is not ordinary is
    written as an escape, so nothing in it can read as a line break or be folded away."""
    text = str(value)
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _is_ordinary(char):
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def write_atomically(path: Path, text: str) -> None:
    """Replace a file's content in one step: readers see the old file or the new one.

    A link is written through: the file it points to gets the new content and the link
    stays a link (replacing the link with a copy would leave two files that drift apart).
    """
    path = path.resolve() if path.is_symlink() else path
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
