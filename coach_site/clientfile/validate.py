"""Stage 2, validate: plain data from a client file -> a typed Workbook, or every error at once.

Besides the model's rules, a file is checked for what YAML reads differently from how it
looks, so nothing written is lost without a word: a ` #` inside an answer (the rest is
a comment), list items without `- ` (joined into one line), a session name one typo
away from one the workbook shows.
"""

from __future__ import annotations

import difflib
import functools
import re
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from coach_site.clientfile.explain import ITEM_KEYS, ITEM_WORDS, history_fix, looks_like_prose, no_space_message
from coach_site.clientfile.loader import ClientDocument, PlainScalar, field_label
from coach_site.clientfile.model import (
    ANSWER,
    ANSWER_LIST,
    KNOWN_LANGUAGES,
    KNOWN_SESSIONS,
    NAME,
    PRACTICE_SEALED,
    WEAK_TOKEN_WAIVED,
    FieldKind,
    Workbook,
    kind_of,
)
from coach_site.errors import ClientFileError, Problem
from coach_site.project import shown_path

M = TypeVar("M", bound=BaseModel)


def validate_client(
    document: ClientDocument,
    model: type[M] = Workbook,
    *,
    weak_token_ok: bool = False,
    languages: tuple[str, ...] = (),
    practice_sealed: bool | None = None,
) -> M:
    """The Workbook of a loaded client file; raises ClientFileError listing every problem.

    `model` is Workbook for client files; the reflections file is checked by its own
    model, made of the same parts. `weak_token_ok` waives only the check that the token
    is random: for `rotate`, which replaces it, and for earlier versions of a file.
    `languages`: the codes the workbook's theme knows, for `language:` (unchecked when empty).
    `practice_sealed`: mkdocs.yml's extra.sealed, for what a link may say (None: not known).
    """
    problems = _how_it_was_written(document, model)
    try:
        validated = model.model_validate(document.data, context={
            WEAK_TOKEN_WAIVED: weak_token_ok, KNOWN_LANGUAGES: languages, PRACTICE_SEALED: practice_sealed})
    except ValidationError as exc:
        problems += [_problem(document, error, model) for error in exc.errors()]
    if problems:
        raise ClientFileError(sorted(problems, key=lambda p: (p.line or 0, p.field))) from None
    return validated


def _problem(document: ClientDocument, error: dict[str, Any], model: type[BaseModel]) -> Problem:
    where = tuple(_loc_part(part) for part in error["loc"])
    context = error.get("ctx") or {}
    at = context.get("at")
    if at is not None:  # a model check that points inside the field it checked
        where += tuple(at) if isinstance(at, tuple) else (str(at),)
    indented = _indented_under(document, error, where, model)
    if indented is not None:
        return indented
    message = _written_as_a_list(document, error, where) or _history_in_quotes(document, error, where) \
        or _message(error, where, model)
    if error["type"] == "extra_forbidden" and "did you mean" not in message and looks_like_prose(str(where[-1])):
        message += _answer_went_on(document, where)
    return Problem(
        file=document.path,
        line=document.line_of(where),
        field=field_label(where, document.data),
        # A message that tells what to run names this file as the coach would type it.
        message=message.replace("<this client file>", str(shown_path(document.path))),
    )


def _indented_under(document: ClientDocument, error: dict[str, Any], where: tuple, model: type[BaseModel]) -> Problem | None:
    """`barriers:` left empty and the next field indented under it: YAML reads that field as
    part of `barriers:`, so the problem is the next field's indentation, on its line."""
    value = error.get("input")
    if error["type"] not in ("text", "list", "list_type") or not isinstance(value, dict) or not value:
        return None
    if not where or not isinstance(where[-1], str):
        return None
    first = next(iter(value))
    name, owner = str(getattr(first, "source", first)), where[-1]
    line, owner_line = document.lines.get(where + (name,)), document.lines.get(where)
    if line is None or owner_line is None or line <= owner_line:
        return None  # `next_steps: {a: b}` is written that way, not indented by mistake
    source = document.source.decode("utf-8-sig", "replace").splitlines()
    column = len(source[line - 1]) - len(source[line - 1].lstrip(" "))
    target = source[owner_line - 1].find(f"{owner}:")
    if name in _fields_at(model, where[:-1]) and 0 <= target < column:
        spaces = column - target
        message = (
            f"`{name}:` on line {line} is indented further than the fields beside it (`{owner}:` on line "
            f"{owner_line} starts {target} spaces from the left, `{name}:` {column}), so YAML reads it as part of "
            f"`{owner}:`, which is left empty. Fields of one part line up exactly: take away {spaces} "
            f"space{'s' if spaces > 1 else ''} before `{name}:`"
        )
    elif error["type"] == "text":
        # A key that is not printable (a line break written as "\n") is quoted as the file writes it.
        read_as = f"{name}:" if name.isprintable() else source[line - 1].strip()
        message = (
            f"the line below `{owner}:` is read as a field of its own (`{read_as}`) because of its colon. If it is the "
            f"answer of `{owner}:`, write `{owner}: |` and the answer on the lines below it"
        )
    else:
        return None
    return Problem(document.path, line, field_label(where, document.data), message)


def _column_of(document: ClientDocument, where: tuple) -> int:
    """How far from the left the field at `where` starts in the file (0 when not found)."""
    line = document.lines.get(where)
    source = document.source.decode("utf-8-sig", "replace").splitlines()
    if line is None or not 0 < line <= len(source) or not isinstance(where[-1], str):
        return 0
    return max(source[line - 1].find(f"{where[-1]}:"), 0)


def _written_as_a_list(document: ClientDocument, error: dict[str, Any], where: tuple) -> str | None:
    """`outcome:` with `- ` lines below it: an answer is text; its lines go below `|`."""
    value = error.get("input")
    if error["type"] != "text" or not isinstance(value, list) or not where or not isinstance(where[-1], str):
        return None
    key, indent = where[-1], _column_of(document, where) + 2
    # Shown as written only when on one line: a message is one line (an item with line breaks is not quoted).
    shown = [f"`{item}`" for item in value[:3]
             if isinstance(item, (str, int)) and str(item).strip() and "\n" not in str(item)]
    return (
        f"an answer is text, not a list (lines starting with `- `, or `[a, b]`). To keep its lines, write "
        f"`{key}: |` and below it each line, indented {indent} spaces"
        + (f": {', '.join(shown)}{', ...' if len(value) > 3 else ''}" if shown else "")
        + " (keep the `- ` in front of a line only if you want it shown as a list item)"
    )


def _history_in_quotes(document: ClientDocument, error: dict[str, Any], where: tuple) -> str | None:
    """`satisfaction: "2026-12-01: 5, 2026-12-07: 3"`: a rating history written as one text."""
    value = error.get("input")
    if error["type"] != "rating" or not isinstance(value, str) or not where or where[-1] != "satisfaction":
        return None
    fix = history_fix("satisfaction", value, _column_of(document, where) + 2)
    return f"`{value.strip()}` is read as one text, not as ratings with their dates: {fix}" if fix else None


def _answer_went_on(document: ClientDocument, where: tuple) -> str:
    """`But: slowly` below `why_it_matters: I want to`: a line of that answer, not a field."""
    line = document.line_of(where) or 0
    part = document.data
    for step in where[:-1]:
        part = part[step] if isinstance(part, (dict, list)) else None
    siblings = [(at, key[-1]) for key, at in document.lines.items()
                if key and key[:-1] == where[:-1] and isinstance(key[-1], str) and at < line]
    if not siblings or not isinstance(part, dict) or not isinstance(part.get(max(siblings)[1]), str):
        return ""  # no answer above it that could go on
    above = f"`{max(siblings)[1]}: |`"
    return (
        f". If this line goes on with the answer above it, YAML reads `{where[-1]}:` as a new field because of "
        f"its colon: write the answer on the lines below {above}, indented further than the field"
    )


def _loc_part(part: Any) -> str | int:
    return part if isinstance(part, int) else str(getattr(part, "source", part))


def _message(error: dict[str, Any], where: tuple, model: type[BaseModel]) -> str:
    kind, value = error["type"], error.get("input")
    if model is Workbook and _token_lost(kind, value, where):  # a reflections file is not the coach's to mend
        return TOKEN_LOST
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        known = _fields_at(model, where[:-1])
        close = difflib.get_close_matches(str(where[-1]), known, n=1, cutoff=0.6)
        hint = f" (did you mean `{close[0]}`?)" if close else f" (known fields: {', '.join(known)})"
        return f"unknown field{hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        glued = no_space_message(value) if isinstance(value, str) else None  # `- name:Health`
        return glued or _item_name_alone(value, where) or f"expected a mapping of fields, got {kind_of(value)}"
    if kind == "list_type":
        return f"expected a list (lines starting with `- `), got {kind_of(value)}"
    if kind == "too_long":
        return f"has {len(value)} focus areas; a workbook has at most 8"
    return error["msg"]


def _item_name_alone(value: Any, where: tuple) -> str | None:
    """`- Family` where `- name: Family` goes."""
    if not isinstance(value, (str, int)) or len(where) < 2 or not isinstance(where[-1], int):
        return None
    item = ITEM_WORDS.get(str(where[-2]))
    key = ITEM_KEYS.get(item or "")
    if key != "name":
        return None
    example = f"`- name: {value}`" if "\n" not in str(value) else "`- name:` and the name, on one line"
    return (f"a {item} starts with `- name:` and its name, on a line of its own below `{where[-2]}:`: "
            f"write {example}")


# The token is the client's link: lost, the workbook has no address, and a new one would
# break the link the client has. So first how to get it back, then how to make a new one.
TOKEN_LOST = (
    "the private link's token (`token:` under `link:`) is missing, so the workbook has no address. "
    "If it was deleted by mistake, get it back from git: `git diff <this client file>` shows what changed "
    "since your last commit and `git checkout <this client file>` undoes all of it; "
    "`git log -p <this client file>` shows every earlier version with its `token:` line, to copy back. "
    "Or give the client a new link (the old one stops working): coach-site rotate <this client file>"
)


def _token_lost(kind: str, value: Any, where: tuple) -> bool:
    """`link:` gone, empty, or without its `token:` (or with an empty one)."""
    if where == ("link",):
        return kind == "missing" or value is None or value == {}
    return where == ("link", "token") and (kind == "missing" or (kind == "token" and not str(value or "").strip()))


def _fields_at(model: type[BaseModel], where: tuple) -> list[str]:
    """The field names the format allows at a place in the file, for "did you mean"."""
    for part in where:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        found = _model_in(field.annotation) if field else None
        if found is None:
            return []
        model = found
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _how_it_was_written(document: ClientDocument, model: type[BaseModel]) -> list[Problem]:
    """What YAML read differently from how the coach wrote it (see the module docstring)."""
    problems = []
    for where, scalar in document.plain.items():
        kind = _kind_at(model, where)
        if kind is None:
            continue
        field = field_label(where, document.data)
        for line, message in _answer_problems(scalar, kind, where):
            problems.append(Problem(document.path, line, field, message))
    if model is Workbook:
        problems += _session_typos(document)
    return problems


def _answer_problems(scalar: PlainScalar, kind: str, where: tuple) -> list[tuple[int, str]]:
    found = []
    if scalar.comment is not None and scalar.comment.strip() not in _scaffold_comments():
        found.append((scalar.comment_line, _comment_message(scalar.comment, kind)))
    if scalar.comment_below is not None:
        found.append((scalar.comment_below_line, _comment_below_message(scalar.comment_below, kind, where)))
    joined = _joined_list(scalar, kind) if kind != "name" else None
    if joined:
        found.append(joined)
    elif kind != "name" and len(scalar.lines) > 1 and not found:
        found.append(_joined_lines(scalar, where))
    return found


def _joined_lines(scalar: PlainScalar, where: tuple) -> tuple[int, str]:
    """An answer over several lines without `|`: YAML joins them into one line."""
    second = next((i for i, line in enumerate(scalar.lines[1:], start=1) if line.strip()), 1)
    start = f"`{where[-1]}:`" if isinstance(where[-1], str) else "its `-`"
    owner = f"`{where[-1]}: |`" if isinstance(where[-1], str) else "`- |`"
    return scalar.first_line + second, (
        f"this line goes on with the answer that starts on line {scalar.first_line}, and YAML joins such lines "
        f"into one line of text. To keep the lines as you wrote them, write {owner} and the answer's lines "
        f"below it, indented further than {start}; to have one line, join them"
    )


def _comment_message(comment: str, kind: str) -> str:
    what = "name" if kind == "name" else "answer"
    return (
        f"the text after ` #` (`#{_short(comment)}`) is read as a comment and left out of the workbook. "
        f"If it is part of the {what}, {_quote_it(kind)}; if it is a note for you, move it to a line of its own"
    )


def _comment_below_message(comment: str, kind: str, where: tuple) -> str:
    what = "name" if kind == "name" else "answer"
    start = f"`{where[-1]}:`" if isinstance(where[-1], str) else "the `-` of its item"
    return (
        f"this line starts with `#`, so YAML reads it (`#{_short(comment)}`) as a comment and leaves it out "
        f"of the workbook. If it is part of the {what}, {_quote_it(kind)}; if it is a note for you, "
        f"start it no further right than {start}"
    )


def _quote_it(kind: str) -> str:
    if kind == "name":
        return 'put the whole name in quotes ("...")'
    return 'put the whole answer in quotes ("...") or write it on the lines below `|`'


def _short(comment: str) -> str:
    shown = comment.strip()
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _joined_list(scalar: PlainScalar, kind: str) -> tuple[int, str] | None:
    """A list written without `- ` marks, which YAML reads as one line of text."""
    in_list = kind in ("list", "list item")
    if kind == "list":  # where a list is expected, `-Renew` or `• Renew` alone is one too
        mark = _list_mark(scalar.lines[0][scalar.column:], continuation=False, in_list=True)
        if mark:
            return scalar.first_line, _list_message(mark, in_list)
    for offset, line in enumerate(scalar.lines[1:], start=1):
        mark = _list_mark(line.lstrip(), continuation=True, in_list=in_list)
        if mark:
            return scalar.first_line + offset, _list_message(mark, in_list)
    return None


def _list_message(mark: str, in_list: bool) -> str:
    what = "this list" if in_list else "this answer"
    fix = "Start each item on a line of its own with a dash and a space (`- `)"
    if not in_list:
        fix += ", or write the answer on the lines below `|` to keep its lines"
    if mark == "-":
        return f"a dash without a space after it does not start a list item, so YAML reads {what} as one line of text. {fix}"
    return f"`{mark}` is not a list mark in YAML, so YAML reads {what} as one line of text. {fix}"


_BULLETS = "•◦▪●■‣⁃"
# Where a list is expected, also what Word and other editors put before list items:
# en and em dashes, a middle dot, a hyphen that is not `-`, and (on a line of their
# own) numbers. In an answer these are ordinary text, and joining its lines loses nothing.
_LIST_DASHES = "–—·‐‑"
_NUMBERED = re.compile(r"[0-9]{1,3}[.)](?=\s)")


def _list_mark(text: str, continuation: bool, in_list: bool) -> str | None:
    """The list mark `text` starts with: a dash glued to a word (any dash, on a continuation
    line), a bullet, and where a list is expected, a dash of another kind or a number."""
    glued = re.match(r"-[^\s\d.,-]", text)  # `-Renew`, not `-5 kg` or `---`
    if glued or (continuation and re.match(r"-\s", text)):
        return "-"
    if text[:1] and text[0] in _BULLETS + (_LIST_DASHES if in_list else ""):
        return text[0]
    numbered = _NUMBERED.match(text) if in_list and continuation else None
    return numbered.group() if numbered else None


@functools.cache
def _scaffold_comments() -> frozenset[str]:
    """The questions `coach-site new` writes as comments beside each answer: not lost text."""
    from coach_site.clientfile.scaffold import (
        scaffold_comments,  # the scaffold imports the model, as this does
    )

    return frozenset(scaffold_comments())


def _kind_at(model: type[BaseModel], where: tuple) -> str | None:
    """"answer", "list" (the list field itself), "list item" or "name" when `where` is text
    someone wrote."""
    for index, part in enumerate(where):
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if model else None
        if field is None:
            return None
        rest = where[index + 1:]
        kinds = [m for m in field.metadata if isinstance(m, FieldKind)]
        if ANSWER in kinds:
            return "answer" if not rest else None
        if NAME in kinds:
            return "name" if not rest else None
        if ANSWER_LIST in kinds:
            if not rest:
                return "list"
            return "list item" if len(rest) == 1 and isinstance(rest[0], int) else None
        model = _model_in(field.annotation)
    return None


def _session_typos(document: ClientDocument) -> list[Problem]:
    sessions = document.data.get("sessions")
    if not isinstance(sessions, dict):
        return []
    problems = []
    for key in sessions:
        name = str(getattr(key, "source", key))
        meant = _session_meant(name)
        if meant:
            where = ("sessions", name)
            problems.append(Problem(
                document.path, document.line_of(where), field_label(where, document.data),
                f"is not a session the workbook shows (did you mean `{meant}`?)",
            ))
    return problems


# Words a coach may well use for a session the workbook knows by another name.
_SESSION_SYNONYMS = {"upcoming": "next", "following": "next", "coming": "next", "nextsession": "next"}


def _session_meant(name: str) -> str | None:
    """The known session a name almost surely means, or None for a name of its own:
    one typo away (`nxt`, `Next`), a little further when long (`strategie`), holding a
    known name as a word (`next_session`, `Next-Session`), or a synonym (`upcoming`)."""
    if name in KNOWN_SESSIONS:
        return None
    folded = name.casefold()
    words = re.split(r"[\s_.\-]+", folded.strip(" _.-"))
    for known in KNOWN_SESSIONS:
        if _one_typo_apart(folded, known) or known in words:
            return known
        if len(known) >= 6 and difflib.SequenceMatcher(None, folded, known).ratio() >= 0.8:
            return known
    for word in [*words, "".join(words)]:
        if word in _SESSION_SYNONYMS:
            return _SESSION_SYNONYMS[word]
    return None


def _one_typo_apart(a: str, b: str) -> bool:
    """At most one letter added, dropped, changed, or two neighbours swapped."""
    if a == b:
        return True  # the same name in other capitals
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))
