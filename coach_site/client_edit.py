"""Changing a coach's client file without disturbing it: comments, order, quoting and blank lines stay.

The file is the coach's; coach-site only ever sets a few values in it (a new token, a
coachee's reflections). It is loaded and written with ruamel.yaml's round-trip mode,
never regenerated from the model, and replaced atomically.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

Key = str | int


def _yaml(text: str) -> tuple[YAML, Any]:
    """A round-trip YAML that writes with the indentation the file already uses."""
    _, sequence_indent, dash_offset = load_yaml_guess_indent(text)
    mapping_indent = _mapping_indent(text)
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never re-wrap a coach's long lines
    yaml.indent(
        mapping=mapping_indent,
        sequence=sequence_indent or mapping_indent,
        offset=dash_offset if dash_offset is not None else 0,
    )
    return yaml, yaml.load(text)


def _mapping_indent(text: str) -> int:
    """How far the file indents a mapping under its key (ruamel guesses only lists)."""
    match = re.search(r"^[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*( +)[^\s#-]", text, re.MULTILINE)
    return len(match.group(1)) if match else 2


def set_values(text: str, changes: Mapping[tuple[Key, ...], Any]) -> str:
    """The file's text with each `(path) -> value` set, creating missing mappings on the way."""
    yaml, data = _yaml(text)
    for path, value in changes.items():
        parent = data
        for key in path[:-1]:
            child = parent[key] if _has(parent, key) else None
            if child is None:
                child = CommentedMap()
                parent[key] = child
            parent = child
        parent[path[-1]] = _block_text(value)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _has(parent: Any, key: Key) -> bool:
    if isinstance(parent, CommentedSeq):
        return isinstance(key, int) and key < len(parent)
    return key in parent


def _block_text(value: Any) -> Any:
    """Several lines of text are written as a `|` block, the way a coach writes them."""
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, str) and "\n" in value.strip():
        return LiteralScalarString(value.strip() + "\n")
    return value


def write_atomically(path: Path, text: str) -> None:
    """Replace a file's content in one step: readers see the old file or the new one."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
