"""Stage 1, load: read a client file into plain data, remembering the line of every field.

The client format promises that YAML 1.1's surprises do not bite: `17:00` is not
1020, `no` is not False, `1.10` is not 1.1. So this loader knows only the types a
client file needs and leaves every other plain scalar as the text the coach wrote:

    null    ``~``, ``null``, or nothing at all
    int     ``6``, ``-3`` (decimal digits only; keeps its source text for text fields)
    date    ``2026-09-15`` (keeps its source text too)
    text    everything else, quoted or not

Anchors and aliases are refused: nothing in the format needs them, and they are
how a small file expands into a huge one. A `\\uD83D\\uDE00` pair of escapes is
joined into the one character it stands for; half of a pair alone is refused, as no
page can hold it.

For every unquoted (plain) scalar the loader also keeps where it was written and any
` # comment` after it on its line: YAML drops such text, and `validate` tells the
coach when it was probably part of an answer.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coach_site.clientfile.explain import (
    ITEM_WORDS,
    NBSP,
    explain,
    nbsp_column,
    nbsp_message,
    reserved_start_message,
)
from coach_site.errors import ClientFileError, Problem

MAX_FILE_BYTES = 1024 * 1024
_MAX_INT_DIGITS = 100

Path_ = tuple[str | int, ...]


class YamlInt(int):
    """An int that remembers how it was written, so `007` stays `007` as text."""

    source: str

    def __new__(cls, value: int, source: str) -> "YamlInt":
        obj = super().__new__(cls, value)
        obj.source = source
        return obj


class YamlDate(dt.date):
    """A date that remembers how it was written."""

    source: str

    def __new__(cls, value: dt.date, source: str) -> "YamlDate":
        obj = super().__new__(cls, value.year, value.month, value.day)
        obj.source = source
        return obj


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with YAML 1.1's implicit types taken away and anchors refused."""

    def compose_node(self, parent, index):  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (&name, *name) are not allowed in a client file",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp", re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), list("0123456789")
)

# libyaml composes the same nodes about twenty times faster. It is used where it gives what
# PyYAML's composer gives (tests/test_loader.py compares the two), and PyYAML otherwise:
# * libyaml counts a byte order mark inside the text as a column, and reads a next line (U+0085)
#   differently; it accepts tabs where PyYAML refuses them, and a comment stuck to `|` or `>`
#   (`|#`, where the text after it is lost): never for text with any of these;
# * it cannot refuse anchors while composing: PyYAML reads a file again where a node starts
#   with an anchor (`&name`; an alias `*name` needs one) or a tag (`!!str &name`);
# * it places an empty value where the next thing starts (PyYAML: right after its `:` or `-`,
#   where the loader looks for a comment after it): such a value is moved there, or, where
#   that cannot be told for sure (`? key`), PyYAML reads the file;
# * it reads some text inside `[...]` and `{...}` lists PyYAML refuses (`[a ? ]`): PyYAML reads
#   any file with such a list;
# * where libyaml finds a problem, PyYAML reads the file again, to word it as it always has.
_FastLoader: type | None = None
if hasattr(yaml, "CSafeLoader"):

    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


_NOT_FOR_LIBYAML = re.compile(r"[\ufeff\t\x85]|[|>][-+0-9]*#")


def _compose(text: str) -> yaml.Node | None:
    if _FastLoader is not None and not _NOT_FOR_LIBYAML.search(text):
        try:
            root = _FastLoader(text).get_single_node()
        except yaml.YAMLError:
            root = None
        if root is not None and _as_pyyaml_would(root, text.splitlines()):
            return root
    return _Loader(text).get_single_node()


# `\U0010FFFF` is the last character there is; `\U00110000` and beyond name none.
_CHARACTER_ESCAPE = re.compile(r"\\U([0-9A-Fa-f]{8})")


def _no_such_character(text: str) -> tuple[str, int | None]:
    """The message and line for an escape in double quotes that names no character."""
    for match in _CHARACTER_ESCAPE.finditer(text):
        if int(match.group(1), 16) > sys.maxunicode:
            return (f"{match.group(0)} names no character (the last one is \\U0010FFFF): write the character "
                    "itself, or take the escape out", text.count("\n", 0, match.start()) + 1)
    return "an escape in double quotes names no character: write the character itself instead", None


def _as_pyyaml_would(root: yaml.Node, lines: list[str]) -> bool:
    """No node starts with an anchor or a tag, no list or mapping is written in `[...]` or
    `{...}`, and every empty value is placed as PyYAML places it. False where that cannot be done."""
    todo: list[tuple[yaml.Node, yaml.Node | None, yaml.Node | None]] = [(root, None, None)]
    while todo:
        node, parent, key = todo.pop()
        mark = node.start_mark
        if mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] in ("&", "!"):
            return False
        if isinstance(node, yaml.ScalarNode):
            if node.value == "" and not node.style and not _place_empty(node, parent, key, lines):
                return False
        elif node.flow_style:
            return False
        elif isinstance(node, yaml.SequenceNode):
            todo.extend((item, node, None) for item in node.value)
        else:
            todo.extend((item, node, k) for k, v in node.value for item in (k, v))
    return True


def _place_empty(node: yaml.ScalarNode, parent: yaml.Node | None, key: yaml.Node | None, lines: list[str]) -> bool:
    """Move an empty value to just after its `key:` or its `-`, as PyYAML marks it."""
    if parent is None:
        return False
    if isinstance(parent, yaml.MappingNode):
        if key is None or key is node or not key.value:
            return False  # an empty key: `? ` or `: value`
        line, column = key.end_mark.line, key.end_mark.column
        colon = lines[line].find(":", column) if line < len(lines) else -1
        if colon < 0 or lines[line][column:colon].strip(" "):
            return False
        at = (line, colon + 1)
    else:
        dash = parent.start_mark.column
        at = None
        for line in range(min(node.start_mark.line, len(lines) - 1), -1, -1):
            text = lines[line][: node.start_mark.column] if line == node.start_mark.line else lines[line]
            if text[dash : dash + 1] == "-" and not text[:dash].strip(" ") and text[dash + 1 : dash + 2] in ("", " "):
                at = (line, dash + 1)
                break
        if at is None:
            return False
    mark = yaml.Mark(node.start_mark.name, -1, at[0], at[1], None, None)
    node.start_mark = node.end_mark = mark
    return True


_STR, _INT, _NULL, _DATE = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "null", "timestamp"))
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
# An explicit !!bool or !!float is still just text to us: the format has no such fields.
_TEXT_TAGS = {_STR, "tag:yaml.org,2002:bool", "tag:yaml.org,2002:float"}


@dataclass(frozen=True)
class PlainScalar:
    """Where an unquoted scalar was written, and the comment after it on its last line."""

    first_line: int
    column: int  # where its text starts on its first line
    last_line: int
    lines: tuple[str, ...]  # the source lines it spans, as written
    comment: str | None  # the text after ` #` on its last line, without the `#`
    comment_line: int
    # A comment line right below it, indented as a continuation would be: YAML ends the
    # text before it, so `Freedom and` / `  #1 priority is family` keeps only "Freedom and".
    comment_below: str | None = None
    comment_below_line: int = 0


@dataclass
class ClientDocument:
    """A client file read into plain data, with the line where each field was written."""

    path: Path
    data: dict[str, Any]
    lines: dict[Path_, int] = field(default_factory=dict)
    source: bytes = b""  # the file's bytes, as read: what a build's fingerprint is made of
    plain: dict[Path_, PlainScalar] = field(default_factory=dict)

    def line_of(self, where: Path_) -> int | None:
        """The line of a field, or of the nearest enclosing field that exists in the file."""
        where = tuple(where)
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where[:-1]
        return self.lines.get((), 1)


def _fail(path: Path, message: str, line: int | None = None) -> ClientFileError:
    return ClientFileError([Problem(path, line, "", message)])


def load_client_file(path: Path | str) -> ClientDocument:
    """Read one client file. Raises ClientFileError naming file and line on any problem."""
    path = Path(path)
    return load_client_bytes(read_client_bytes(path), path)


def _meant(path: Path) -> str:
    """A client named as the coach says it (`ada`, `ada.yaml`): the file it probably is."""
    for candidate in (path.parent / "clients" / path.name, path.parent / "clients" / f"{path.name}.yaml",
                      path.with_name(f"{path.name}.yaml")):
        if candidate != path and candidate.is_file():
            return f"; did you mean {candidate}?"
    return ""


def read_client_bytes(path: Path) -> bytes:
    """A client file's bytes, read once, after checking its size: what a build fingerprints
    and parses. Raises ClientFileError when the file is too big or cannot be read."""
    fail = functools.partial(_fail, path)
    try:
        raw = read_at_most(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        if path.is_symlink():
            raise fail(f"is a link to {os.readlink(path)}, which does not exist: remove the link, or put the "
                       "client file back where it points") from None
        raise fail("no such file" + _meant(path)) from None
    except IsADirectoryError:
        raise fail("is a folder, not a client file") from None
    except NotARegularFile as exc:
        raise fail(f"is {exc.kind}, not a file: a client file is a plain text file") from None
    except TooBig as exc:
        raise fail(f"the file is {exc.size:,} bytes; a client file may be at most 1 MiB") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"the file is more than {MAX_FILE_BYTES:,} bytes; a client file may be at most 1 MiB")
    return raw


class NotARegularFile(OSError):
    """A name that is a pipe, a device or a socket: reading it could wait or go on forever."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


class TooBig(ValueError):
    """A regular file larger than the reader takes: refused before it is opened."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def read_at_most(path: Path, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a regular file (one more than allowed tells it grew too
    big while being read). A file its size says is too big (TooBig), a named pipe, a device
    (`/dev/zero`) or a socket is refused before a byte is read: reading it could take all
    memory, wait for a writer, or never end."""
    info = os.stat(path)
    if stat.S_ISREG(info.st_mode) and info.st_size > limit:
        raise TooBig(info.st_size)
    # O_NONBLOCK: opening a named pipe must not wait for a writer before we can look at it.
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(handle, "rb") as file:
        mode = os.fstat(file.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise NotARegularFile(_KINDS.get(stat.S_IFMT(mode), "a special file"))
        return file.read(limit + 1)


_KINDS = {stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
          stat.S_IFSOCK: "a socket"}


def load_client_bytes(raw: bytes, path: Path) -> ClientDocument:
    """Parse a client file's content (from disk or from git), naming `path` in errors."""
    fail = functools.partial(_fail, path)

    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"the file is {len(raw):,} bytes; a client file may be at most 1 MiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail("is not UTF-8 text; save it as UTF-8", line) from None

    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        explained = explain(exc, text)
        raise fail(explained.message, explained.line) from None
    except yaml.YAMLError as exc:
        raise fail(f"YAML syntax: {exc}") from None
    except RecursionError:
        raise fail("is nested too deeply to be a client file") from None
    except (ValueError, OverflowError):  # PyYAML's scanner meets an escape past the last character
        raise fail(*_no_such_character(text)) from None

    if root is None:
        raise fail("the file is empty; a client file needs at least `client` and `link`", 1)
    if not isinstance(root, yaml.MappingNode):
        raise fail("the file must be a mapping of fields (client:, link:, ...)", root.start_mark.line + 1)

    builder = _Builder(path, text.splitlines())
    try:
        data = builder.build(root, ())
    except RecursionError:
        raise fail("is nested too deeply to be a client file") from None
    if builder.problems:
        raise ClientFileError([
            Problem(path, line, field_label(where, data), message) for line, where, message in builder.problems
        ])
    builder.lines[()] = 1
    return ClientDocument(path=path, data=data, lines=builder.lines, source=raw, plain=builder.plain)


class _Builder:
    """Turns composed YAML nodes into plain data, collecting lines and problems."""

    def __init__(self, path: Path, source_lines: list[str]):
        self.path = path
        self.source_lines = source_lines
        self.lines: dict[Path_, int] = {}
        self.problems: list[tuple[int, Path_, str]] = []  # labelled once the whole file is read
        self.plain: dict[Path_, PlainScalar] = {}

    def build(self, node: yaml.Node, where: Path_, owner_column: int | None = None) -> Any:
        """`owner_column`: the column of the value's key, or of its item's `-`, in a block."""
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._problem(node, where, f"the tag {node.tag} is not supported")
            dash = None if node.flow_style else node.start_mark.column
            items = []
            for index, item in enumerate(node.value):
                self.lines[where + (index,)] = item.start_mark.line + 1
                items.append(self.build(item, where + (index,), dash))
            return items
        if not node.style:  # plain: None from PyYAML, "" from libyaml
            self.plain[where] = self._plain_scalar(node, owner_column)
            if re.match(r"[A-Za-z_][A-Za-z0-9_]*:" + NBSP, node.value):  # `- name:\u00a0Career`: text, not a field
                line_text = self.source_lines[node.start_mark.line]
                self._problem(node, where, nbsp_message(nbsp_column(line_text) or node.start_mark.column))
        return self._scalar(node, where)

    def _plain_scalar(self, node: yaml.ScalarNode, owner_column: int | None) -> PlainScalar:
        first, last = node.start_mark.line, node.end_mark.line
        lines = tuple(self.source_lines[first : last + 1])
        after = self.source_lines[last][node.end_mark.column :] if last < len(self.source_lines) else ""
        comment = after.lstrip()[1:] if after.lstrip().startswith("#") else None
        below, below_line = self._comment_below(last + 1, owner_column)
        return PlainScalar(first + 1, node.start_mark.column, last + 1, lines, comment, last + 1, below, below_line)

    def _comment_below(self, start: int, owner_column: int | None) -> tuple[str | None, int]:
        """The first line after `start` (0-based) that is not blank, when it is a comment
        indented further than `owner_column`: where the text would have gone on."""
        if owner_column is None:
            return None, 0
        for index in range(start, len(self.source_lines)):
            line = self.source_lines[index]
            text = line.lstrip(" ")
            if not text.strip():
                continue
            if text.startswith("#") and len(line) - len(text) > owner_column:
                return text[1:], index + 1
            return None, 0
        return None, 0

    def _mapping(self, node: yaml.MappingNode, where: Path_) -> dict:
        if node.tag != _MAP:
            self._problem(node, where, f"the tag {node.tag} is not supported")
        result: dict[Any, Any] = {}
        first_seen: dict[Any, int] = {}
        dash_lost = False  # an item without its `- `: its fields said once, not each as twice
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, where, "a key must be a plain word, not a list or mapping")
                continue
            key = self._scalar(key_node, where)
            name = key_node.value
            if NBSP in name:  # `\u00a0\u00a0outcome: x` is read as a field of the part above
                line_text = self.source_lines[key_node.start_mark.line]
                self._problem(key_node, where, nbsp_message(nbsp_column(line_text) or line_text.index(NBSP)))
                continue
            if key in first_seen:
                if not dash_lost and self._starts_item(node, key_node, where):
                    dash_lost = True
                    self._problem(key_node, (), self._dash_lost(node, key_node, where))
                elif not dash_lost:
                    self._problem(
                        key_node, where + (name,), f"appears twice (first on line {first_seen[key]})"
                    )
                continue
            first_seen[key] = line
            self.lines[where + (name,)] = line
            owner = None if node.flow_style else key_node.start_mark.column
            result[key] = self.build(value_node, where + (name,), owner)
        return result

    @staticmethod
    def _starts_item(node: yaml.MappingNode, key_node: yaml.Node, where: Path_) -> bool:
        """`key_node` is a second `name:` (the key the item starts with) in a list's item, lined up
        with the first: the `- ` of a next item was left out."""
        first = node.value[0][0]
        return (
            bool(where) and isinstance(where[-1], int) and not node.flow_style
            and key_node.value == first.value and key_node.start_mark.column == first.start_mark.column
        )

    def _dash_lost(self, node: yaml.MappingNode, key_node: yaml.Node, where: Path_) -> str:
        opened = node.start_mark
        before = self.source_lines[opened.line][: opened.column].rstrip()
        dash = len(before) - 1 if before.endswith("-") else max(opened.column - 2, 0)
        line = self.source_lines[key_node.start_mark.line]
        item = ITEM_WORDS.get(str(where[-2]), "item") if len(where) > 1 else "item"
        return (
            f"the {item} that starts on this line has no `- ` before `{key_node.value}:`, so YAML reads its fields "
            f"as more fields of the {item} above (line {opened.line + 1}). Start it with a dash and a space, lined "
            f"up with the `- ` on line {opened.line + 1}: write `{' ' * dash}- {line.strip()}`"
        )

    def _scalar(self, node: yaml.Node, where: Path_) -> Any:
        tag, value = node.tag, node.value
        if tag == _NULL:
            return None
        if tag == _INT:
            digits = value.lstrip("+-")
            if digits.isdigit() and len(digits) <= _MAX_INT_DIGITS:
                return YamlInt(int(value), value)
            return value
        if tag == _DATE:
            try:
                return YamlDate(dt.date.fromisoformat(value), value)
            except ValueError:
                return value  # kept as text; a date field will say it is not a real date
        if tag in _TEXT_TAGS:
            return self._whole_characters(node, where, value)
        written = self.source_lines[node.start_mark.line][node.start_mark.column:]
        if isinstance(node, yaml.ScalarNode) and written.startswith("!") and " " in written.strip():
            self._problem(node, where, reserved_start_message(written.strip()))  # `!x y`: an answer, not a tag
        else:
            self._problem(node, where, f"the tag {tag} is not supported; write plain text instead")
        return value

    def _whole_characters(self, node: yaml.Node, where: Path_, value: str) -> str:
        """`\\uD83C\\uDF89` escapes joined into the one character; a lone half is a problem."""
        joined = _SURROGATE_PAIR.sub(_join_pair, value)
        half = _SURROGATE.search(joined)
        if half:
            self._problem(
                node, where,
                f"holds \\u{ord(half.group()):04x}, half of a character written as an escape "
                "(an emoji?), which no page can show; write the character itself, or both halves of the pair",
            )
        return joined

    def _problem(self, node: yaml.Node, where: Path_, message: str) -> None:
        self.problems.append((node.start_mark.line + 1, where, message))


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _join_pair(match: re.Match) -> str:
    return match.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def field_label(where: Path_, data: Any = None) -> str:
    """Where a field is, as a coach reads their file: `('focus_areas', 1, 'satisfaction')` ->
    `focus area 2 (Health), satisfaction`, numbered from 1 and named when the item has a name."""
    parts: list[str] = []
    node = data
    for index, part in enumerate(where):
        if isinstance(part, int):
            container = where[index - 1] if index and isinstance(where[index - 1], str) else None
            if container is not None and parts and parts[-1].endswith(str(container)):
                parts[-1] = parts[-1][: -len(str(container))].rstrip(".")
                if not parts[-1]:
                    parts.pop()
            item = node[part] if isinstance(node, list) and part < len(node) else None
            label = f"{ITEM_WORDS.get(str(container), 'item')} {part + 1}"
            name = item.get("name") if isinstance(item, dict) else None
            if isinstance(name, (str, int)) and str(name).strip() and "\n" not in str(name):
                label += f" ({str(name).strip()})"
            parts.append(label)
            parts.append("")
            node = item
        else:
            parts[-1:] = [f"{parts[-1]}.{part}" if parts and parts[-1] else str(part)]
            node = node.get(part) if isinstance(node, dict) else None
    return ", ".join(p for p in parts if p)
