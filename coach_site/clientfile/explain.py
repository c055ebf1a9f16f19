"""What YAML's parser says, said again for a coach who never heard of YAML.

PyYAML words a problem for programmers ("mapping values are not allowed here") and
marks where it noticed it, which is often a line after the mistake. `explain` looks at
that line and the lines around it for the mistakes coaches make (a tab, a colon inside
an answer, an answer over several lines without `|`, a line out of line, an item
without its `- `, a non-breaking space, an answer starting with a character YAML keeps
for itself, or with a quote, `[` or `{` that YAML reads as more than text, a quote never
closed, no space after a colon, a backslash in double quotes) and says what is wrong and
how to fix it, on the line where the mistake is (where a quote opens, not where YAML
noticed it). Where it recognises none of them,
it keeps PyYAML's words and adds what to look for.

It reads only PyYAML's error and the text, so its words are the same whichever parser
composed the file first (see `_compose` in loader.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

NBSP = "\u00a0"
# Characters that mean something to YAML at the start of a value.
RESERVED_STARTS = "@`%*&!|>"
_CURLY_QUOTES = "“”‘’„«»"
# The lists of the format, and what one of their items is called (the loader's labels too).
ITEM_WORDS = {
    "focus_areas": "focus area",
    "values": "value",
    "next_steps": "next step",
    "action_items": "action item",
    "previous_tokens": "previous token",
}
# `  - key: value` split into its indentation, its dashes, its key and what follows the colon.
_FIELD_LINE = re.compile(r"^(?P<indent> *)(?P<dashes>(?:- +)*)(?P<key>[^\s:#'\"{\[][^:#]*?):(?:[ \t]+|$)(?P<value>.*)$")
_VALUE_LINE = re.compile(r"^ *(?:- +)*(?:[^\s:#'\"{\[][^:#]*?: +)?(?P<value>\S.*)$")
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def looks_like_prose(name: str) -> bool:
    """A "field" name no field of the format has the shape of: a capital letter, a space, a
    sign; such as `But` in `But: slowly`, a line of an answer that holds a colon."""
    return not re.fullmatch(r"[a-z_][a-z0-9_]*", name.strip())


@dataclass(frozen=True)
class Explained:
    """Where the mistake is (1-based line) and what to say about it."""

    line: int | None
    message: str


def explain(exc: yaml.MarkedYAMLError, text: str) -> Explained:
    """The mistake behind a YAML syntax error, in plain words, with its fix."""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return Explained(None, _fallback(exc))
    at = min(mark.line, max(len(lines) - 1, 0))
    first = exc.context_mark.line if exc.context_mark else at
    for explainer in (_tab, _nbsp, _reserved_start, _tab_inside, _quote, _flow_unclosed, _backslash,
                      _another_document, _dash_after_colon, _glued_above, _item_without_its_key, _colon, _no_space,
                      _item_without_dash, _no_colon, _list_below_answer, _item_out_of_line, _block_end):
        found = explainer(exc, lines, at, min(first, at))
        if found is not None:
            return found
    return Explained(mark.line + 1, _fallback(exc))


def _fallback(exc: yaml.MarkedYAMLError) -> str:
    what = exc.problem or exc.context or "is not valid YAML"
    return (
        f"YAML syntax: {what}. Look at this line and the one above it: every line is `field: answer`, "
        "lined up with the fields around it and indented with spaces only; an answer that holds `: ` or "
        "` #` or starts with a sign goes in quotes (\"...\") or on the lines below `|`"
    )


def _line(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content_above(lines: list[str], index: int) -> int | None:
    """The nearest line above `index` that is neither blank nor only a comment."""
    for above in range(index - 1, -1, -1):
        stripped = lines[above].strip()
        if stripped and not stripped.startswith("#"):
            return above
    return None


# ---- a tab ------------------------------------------------------------------------------

def _tab(exc, lines, at, first) -> Explained | None:
    for index in [at, *range(at - 1, -1, -1)]:
        line = _line(lines, index)
        leading = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in leading:
            return Explained(index + 1, (
                "this line is indented with a tab. YAML counts only spaces: replace the tab at the start "
                "of the line with spaces, as many as the lines it belongs with have (most editors can "
                "\"convert indentation to spaces\" for the whole file)"
            ))
        if index < first:
            break
    return None


def _tab_inside(exc, lines, at, first) -> Explained | None:
    """A tab after the indentation: between a field's colon and its answer, or after a `-`."""
    mark = exc.problem_mark
    line = _line(lines, at)
    if "'\\t'" not in (exc.problem or "") or mark is None or line[mark.column : mark.column + 1] != "\t":
        return None
    before = line[: mark.column].rstrip(" ")
    if before.endswith(":"):
        field = _FIELD_LINE.match(before + " ")
        where = f"after `{field.group('key')}:`" if field else "after the colon"
    elif before.endswith("-"):
        where = "after the `-`"
    else:
        where = f"at character {mark.column + 1} of this line"
    return Explained(at + 1, (
        f"there is a tab {where}. YAML wants an ordinary space there: replace the tab with one space"
    ))


# ---- a non-breaking space ---------------------------------------------------------------

def nbsp_column(line: str) -> int | None:
    """Where a non-breaking space stands in place of an ordinary one: in the indentation,
    or right after a field's colon (0-based); None when there is none there."""
    leading = len(line) - len(line.lstrip(" " + NBSP))
    if NBSP in line[:leading]:
        return line.index(NBSP)
    match = re.match(r"^ *(?:- +)*[A-Za-z_][A-Za-z0-9_ -]*:" + NBSP, line)
    return match.end() - 1 if match else None


def nbsp_message(column: int) -> str:
    return (
        f"there is a non-breaking space (an invisible character that Word, web pages and some phones type "
        f"instead of an ordinary space) at character {column + 1} of this line. YAML does not count it as a "
        "space: delete the space there and type an ordinary one"
    )


def _nbsp(exc, lines, at, first) -> Explained | None:
    above = _content_above(lines, at)
    # YAML reads a line indented with them as more of the line above, and stumbles on the next.
    for index in [*range(at, max(first - 1, -1), -1), *([above] if above is not None and above < first else [])]:
        column = nbsp_column(_line(lines, index))
        if column is not None:
            return Explained(index + 1, nbsp_message(column))
    return None


# ---- a value starting with a character YAML keeps for itself -----------------------------

def reserved_start_message(value: str) -> str:
    sign = value[0]
    meaning = {
        "@": "keeps for itself", "`": "keeps for itself", "%": "reads as an instruction to itself",
        "*": "reads as a reference to another part of the file", "&": "reads as a name for this part of the file",
        "!": "reads as the kind of value that follows", "|": "reads as the start of an answer on the lines below",
        ">": "reads as the start of an answer on the lines below",
    }[sign]
    shown = "a backquote (`)" if sign == "`" else f"`{sign}`"
    return (
        f"this answer starts with {shown}, which YAML {meaning} when it comes first. Put the whole answer in "
        f"quotes ({_quoted(value)}) or write it on the lines below `|`"
        + (", with nothing after the `|` on its own line" if sign in "|>" else "")
    )


def _quoted(value: str) -> str:
    value = value.rstrip()
    if '"' not in value:
        return f'"{value}"'
    # Both kinds inside: single quotes, each one inside written twice (`'` -> `''`).
    return "'" + value.replace("'", "''") + "'"


def _reserved_start(exc, lines, at, first) -> Explained | None:
    for index in sorted({at, first}, reverse=True):
        match = _VALUE_LINE.match(_line(lines, index))
        if not match:
            continue
        value = match.group("value")
        if value[0] not in RESERVED_STARTS:
            continue
        if value[0] in "|>" and re.fullmatch(r"[|>][-+0-9]*( +#.*)?", value):
            continue  # a block scalar's own header: the problem is elsewhere
        if value[0] in "&*" and _anchor_or_alias(value):
            continue  # YAML's own `&name` / `*name`, which the loader refuses in its own words
        return Explained(index + 1, reserved_start_message(value))
    return None


def _anchor_or_alias(value: str) -> bool:
    """`&base {x: 1}`, `*base`: a name for a part of the file, or a reference to one, as YAML
    means them; `*really* fit` or `&more to say` are answers."""
    match = re.match(r"[&*][A-Za-z0-9_-]+(?P<rest>.*)$", value)
    rest = match.group("rest").strip() if match else None
    return rest is not None and (not rest or rest[0] in "{[,]}#")


# ---- `: ` inside an answer, or a line further right than the field above -----------------

def _colon(exc, lines, at, first) -> Explained | None:
    if exc.problem != "mapping values are not allowed here":
        return None
    line = _line(lines, at)
    column = exc.problem_mark.column
    field = _FIELD_LINE.match(line)
    if field and column > field.end("key"):
        below = _lines_below(lines, at, field.start("key"))
        if below and not line[column + 1 :].split(" #")[0].strip():
            return Explained(at + 1, _colon_then_lines(field, below))
        return Explained(at + 1, _colon_in_answer(field.group("key"), field.group("value"), field.start("key")))
    above = _content_above(lines, at)
    owner = _FIELD_LINE.match(_line(lines, above)) if above is not None else None
    # `      But: slowly` under an answer is the answer going on; `      barriers: x`, a field out of line.
    if field and owner and looks_like_prose(field.group("key")) and owner.group("value").strip():
        return Explained(at + 1, _multi_line(owner.group("key"), above))
    if field and owner and _FIELD_NAME.match(field.group("key").strip()):
        return Explained(at + 1, _misaligned(field.group("key"), field.start("key"), owner, above))
    if owner and owner.group("value").strip():
        return Explained(at + 1, _multi_line(owner.group("key"), above))
    return None


def _lines_below(lines: list[str], index: int, column: int) -> list[str]:
    """The lines right below `index` that start further right than `column`, or at it with a
    `- ` (YAML's list under a field); blank ones kept."""
    below = []
    for text in lines[index + 1 :]:
        if text.strip() and (_indent(text) < column or _indent(text) == column and not text.lstrip().startswith("- ")):
            break
        below.append(text.strip())
    while below and not below[-1]:
        below.pop()
    return below


def _colon_then_lines(field: re.Match, below: list[str]) -> str:
    """`outcome: My goals are:` over `- run 5k` lines: one answer, meant to keep its lines."""
    key, indent = field.group("key"), field.start("key") + 2
    shown = ", ".join(f"`{text}`" for text in [field.group("value").rstrip(), *below][:4] if text)
    return (
        f"this answer ends with a colon and continues on the lines below it, which YAML reads as a new field. "
        f"Write it all on the lines below `|`: `{key}: |` and below it, each indented {indent} spaces, "
        f"{shown}{', ...' if len(below) > 3 else ''}"
    )


_CLOSING = {"“": "”", "„": "“”", "«": "»", "‘": "’", "”": "”", "’": "’", "»": "«"}
# `2026-12-01: 5, 2026-12-07: 3`: dated ratings, written on one line without their braces.
_HISTORY = re.compile(r"\d{4}-\d{1,2}-\d{1,2} *: *\d+(?: *, *\d{4}-\d{1,2}-\d{1,2} *: *\d+)* *,?")


def history_fix(key: str, value: str, indent: int) -> str | None:
    """How dated ratings written on one line (`2026-12-01: 5, 2026-12-07: 3`) are written; None
    when `value` is not that."""
    if not _HISTORY.fullmatch(value.strip()):
        return None
    pairs = [pair.strip() for pair in value.strip().rstrip(",").split(",")]
    ratings = ", ".join(re.sub(r" *: *", ": ", pair) for pair in pairs)
    lines = ", ".join(f"`{re.sub(r' *: *', ': ', pair)}`" for pair in pairs[:3])
    return (
        f"write the dates and ratings in braces: `{key}: {{{ratings}}}`, or one date per line below `{key}:`, "
        f"each indented {indent} spaces: {lines}{', ...' if len(pairs) > 3 else ''}"
    )


def _colon_in_answer(key: str, value: str, indent: int = 0) -> str:
    value = value.rstrip()
    if fix := history_fix(key, value, indent + 2):
        return (
            "these look like ratings with their dates, and YAML reads the colon and space after the first date as "
            f"the start of a new field. To keep a rating history, {fix}"
        )
    if value[:1] in _CURLY_QUOTES:
        closers = _CLOSING.get(value[0], value[0])
        end = next((at for at in range(1, len(value)) if value[at] in closers), None)
        shown = f"{value[0]} {value[end]}" if end is not None else value[0]
        if end is not None and end == len(value) - 1:
            straight = re.sub("[“”„«»]", '"', re.sub("[‘’]", "'", value))
            return (
                f"this answer is in curly quotes ({shown}), the kind Word and phones type. YAML counts "
                f"only straight quotes, so it reads the colon and space inside the answer as the start of a new "
                f"field. Type straight quotes instead: `{key}: {straight}` (or write the answer on the lines below "
                "`|`)"
            )
        return (
            f"this answer starts with curly quotes ({shown}), the kind Word and phones type. YAML counts only "
            f"straight quotes, so it reads the colon and space inside the answer as the start of a new field. Put "
            f"the whole answer, curly quotes and all, in straight quotes: `{key}: {_quoted(value)}` (or write it "
            "on the lines below `|`)"
        )
    before = " ".join(value.split(": ", 1)[0].split()[-3:])
    return (
        f"this answer holds a colon followed by a space (after `{before}`), which YAML reads as the start "
        f"of a new field. Put the whole answer in quotes: `{key}: {_quoted(value)}`, or write it on the lines "
        "below `|`"
    )


def _misaligned(key: str, column: int, owner: re.Match, owner_index: int) -> str:
    target = owner.start("key")
    return (
        f"`{key}:` starts {column} spaces from the left, but `{owner.group('key')}:` on line {owner_index + 1}, "
        f"the field before it, starts {target}. Fields of one part line up exactly: "
        + (f"take away {column - target} space{'s' if column - target > 1 else ''}" if column > target
           else f"add {target - column} space{'s' if target - column > 1 else ''}")
        + f" before `{key}:`"
    )


def _multi_line(key: str, owner_index: int) -> str:
    return (
        f"this line goes on with the answer of `{key}:` on line {owner_index + 1}, and YAML reads an answer "
        f"over several lines only when it starts with `|`. Write `{key}: |` and put each line of the answer "
        f"below it, indented two spaces further than `{key}:`"
    )


# ---- an item written without its `name:` (or `step:`), or glued to it ------------------------

# What each list's items start with.
ITEM_KEYS = {"focus area": "name", "value": "name", "next step": "step", "action item": "step"}


def _glued_above(exc, lines, at, first) -> Explained | None:
    """`- name:Health` with the area's fields below it: YAML reads `name:Health` as text, and
    stumbles on the first field under it."""
    if exc.problem != "mapping values are not allowed here":
        return None
    above = _content_above(lines, at)
    if above is None or _indent(_line(lines, at)) <= _indent(_line(lines, above)):
        return None
    message = no_space_message(_line(lines, above))
    return Explained(above + 1, message) if message else None


def _item_without_its_key(exc, lines, at, first) -> Explained | None:
    """`- Family` with fields below it: the item's name written where `- name: Family` goes."""
    if exc.problem != "mapping values are not allowed here":
        return None
    above = _content_above(lines, at)
    item_line = _line(lines, above) if above is not None else ""
    match = re.match(r"^(?P<indent> *)- +(?P<text>[^\s#].*)$", item_line)
    field = _FIELD_LINE.match(_line(lines, at))
    if match is None or field is None or _FIELD_LINE.match(item_line) or field.start("key") <= len(match["indent"]):
        return None
    item = _list_word(lines, above, len(match["indent"]))
    key = ITEM_KEYS.get(item, "name")
    text = match["text"].split(" #")[0].rstrip()
    return Explained(above + 1, (
        f"this {item} has no `{key}:`, so YAML reads `{text}` as the whole {item} and does not know what to do with "
        f"the fields below it. Write `{match['indent']}- {key}: {text}`"
    ))


_CHECK_MARKS = "✅✔☑✓☒❌"


def _a(item: str) -> str:
    return f"{'an' if item[:1] in 'aeiou' else 'a'} {item}"


def _item_without_dash(exc, lines, at, first) -> Explained | None:
    """A step written below a list without its `- ` (often as `✅ Sign up ...`, to mark it done):
    YAML reads it as more of the field above, say `done: true`."""
    if exc.problem != "could not find expected ':'" or exc.context_mark is None:
        return None
    start = exc.context_mark.line
    line = _line(lines, start)
    if not line.strip() or _FIELD_LINE.match(line) or line.lstrip().startswith("- "):
        return None
    dash_line = next((index for index in range(start - 1, -1, -1) if lines[index].lstrip().startswith("- ")
                      and _indent(lines[index]) <= _indent(line) + 2), None)
    above = _content_above(lines, start)
    owner = _FIELD_LINE.match(_line(lines, above)) if above is not None else None
    value = owner.group("value").split(" #")[0].strip().lower() if owner else ""
    ticked = line.strip()[0] in _CHECK_MARKS
    # An answer that goes on is prose; `done: true` or a date does not go on.
    if dash_line is None or not (ticked or re.fullmatch(r"true|false|yes|no|\d{4}-\d{1,2}-\d{1,2}", value)):
        return None
    dash = _indent(lines[dash_line])
    item = _list_word(lines, dash_line, dash)
    text = line.strip().lstrip(_CHECK_MARKS + "\ufe0f ").strip()
    fix = f"`{' ' * dash}- {text}`"
    if ticked:
        key = ITEM_KEYS.get(item, "step")
        fix = (f"`{' ' * dash}- {key}: {text}` and below it, lined up with `{key}:`, `done: true` (or the day it "
               f"was done): {_a(item)} is marked done with `done:`, not with a sign in its text")
    return Explained(start + 1, (
        f"this line reads as {_a(item)} of the list above without its `- `, so YAML takes it for more of the line "
        f"above it. Each {item} starts with a dash and a space, lined up with the `- ` on line {dash_line + 1}: "
        f"write {fix}"
    ))


# ---- a line without `field:` -------------------------------------------------------------

def _no_colon(exc, lines, at, first) -> Explained | None:
    if exc.problem != "could not find expected ':'" or exc.context_mark is None:
        return None
    start = exc.context_mark.line
    above = _content_above(lines, start)
    owner = _FIELD_LINE.match(_line(lines, above)) if above is not None else None
    if owner and owner.group("value").strip():
        return Explained(start + 1, _multi_line(owner.group("key"), above))
    return Explained(start + 1, (
        "this line has no `field:` in front (a name and a colon, such as `outcome:`). Add the field it "
        "answers, or, if it is part of the answer above, write that answer on the lines below `|`"
    ))


# ---- a line out of line, or an item without its `- ` --------------------------------------

def _block_end(exc, lines, at, first) -> Explained | None:
    if not (exc.problem or "").startswith("expected <block end>") or exc.context_mark is None:
        return None
    line = _line(lines, at)
    column = exc.problem_mark.column
    opened = exc.context_mark
    if exc.context == "while parsing a block collection" and column == opened.column and not line[column:].startswith("-"):
        item = _list_word(lines, opened.line, opened.column)
        dash_line = _line(lines, opened.line)
        fixed = " " * opened.column + "- " + line.strip()
        return Explained(at + 1, (
            f"this {item} has no `- ` in front. Each {item} starts with a dash and a space, lined up with the "
            f"`- ` on line {opened.line + 1} (`{dash_line.strip()}`): write `{fixed.rstrip()}`, and indent "
            f"its other lines two more spaces so they line up with `{line.strip().split(':')[0]}:`"
        ))
    field = _FIELD_LINE.match(line)
    above = _content_above(lines, at)
    owner = _FIELD_LINE.match(_line(lines, above)) if above is not None else None
    if field and owner:
        return Explained(at + 1, _misaligned(field.group("key"), field.start("key"), owner, above))
    return None


def _list_word(lines: list[str], line: int, dash_column: int) -> str:
    """What the items of the list whose `- ` is at (`line`, `dash_column`) are: "focus area", ..."""
    for above in range(line - 1, -1, -1):
        text = lines[above]
        if text.strip() and not text.strip().startswith("#") and _indent(text) < dash_column + (
            0 if text.lstrip().startswith("-") else 1
        ):
            match = _FIELD_LINE.match(text)
            key = match.group("key").strip() if match else ""
            return ITEM_WORDS.get(key, "item")
    return "item"


# ---- an answer that starts with a quote, `[` or `{` ---------------------------------------

_OPENERS = {
    '"': ("a quoted answer", '"'),
    "'": ("a quoted answer", "'"),
    "[": ("a list written in brackets (`[a, b]`)", "]"),
    "{": ("fields written in braces (`{a: b}`)", "}"),
}


def _quote(exc, lines, at, first) -> Explained | None:
    """`outcome: "Run" she said`, `- [optional] run 5k`, or a quote never closed: YAML read
    the start of the answer as a quote (or a list, or fields) and then stumbled on the rest."""
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        opened = exc.context_mark
        return Explained(opened.line + 1, _unclosed(lines, opened.line, opened.column, None))
    if not (exc.problem or "").startswith(("expected <block end>", "could not find expected ':'")):
        return None
    tokens = _tokens_before(lines, exc.problem_mark)
    opened = _opened_before(tokens)
    if opened is None:
        return None
    closed = tokens[-1].end_mark
    if opened.line != closed.line:
        return Explained(opened.line + 1, _unclosed(lines, opened.line, opened.column, closed.line))
    return Explained(opened.line + 1, _more_after(lines, opened.line, opened.column))


def _tokens_before(lines: list[str], mark) -> list:
    """The tokens YAML's scanner reads before `mark` (up to any problem it meets)."""
    tokens = []
    try:
        for token in yaml.scan("\n".join(lines), Loader=yaml.SafeLoader):
            if (token.start_mark.line, token.start_mark.column) >= (mark.line, mark.column):
                break
            tokens.append(token)
    except yaml.YAMLError:
        pass
    return tokens


def _opened_before(tokens: list):
    """Where the quote, `[` or `{` that ends right before the problem was opened, if one does."""
    if not tokens:
        return None
    last = tokens[-1]
    if isinstance(last, yaml.ScalarToken) and last.style in ("'", '"'):
        return last.start_mark
    if not isinstance(last, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
        return None
    depth = 0
    for token in reversed(tokens):
        if isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
            depth += 1
        elif isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            depth -= 1
            if depth == 0:
                return token.start_mark
    return None


def _bar_example(lines: list[str], index: int, column: int, answer: str) -> str:
    """How the answer starting at (`index`, `column`) is written below `|`, said in one line."""
    owner = _line(lines, index)[:column].rstrip()
    field = _FIELD_LINE.match(owner + " ")
    indent = (field.start("key") if field else owner.rfind("-")) + 2
    return f"`{owner.strip()} |` and below it, indented {indent} spaces, `{answer}`"


def _more_after(lines: list[str], index: int, column: int) -> str:
    line = _line(lines, index)
    sign = line[column]
    what, closer = _OPENERS[sign]
    answer = line[column:].rstrip()
    head = line[:column].strip()
    if sign in "'\"" and len(answer) > 1 and answer[-1] == sign:
        quoted = _quoted(answer[1:-1])  # the whole answer was meant to be in quotes
    else:
        quoted = _quoted(answer)
    rest = line[column + 1 :].split(closer, 1)[-1].strip() if closer in line[column + 1 :] else ""
    after = f" (`{rest}`)" if rest else ""
    return (
        f"this answer starts with `{sign}`, which YAML reads as the start of {what} that ends at the next "
        f"`{closer}`, so it does not know what to do with the text after it{after}. Write the whole answer on "
        f"the lines below `|`: {_bar_example(lines, index, column, answer)}; or put it all in quotes: "
        f"`{head} {quoted}`"
    )


def _unclosed(lines: list[str], index: int, column: int, closed_line: int | None) -> str:
    line = _line(lines, index)
    sign = line[column]
    answer = line[column:].rstrip()
    head = line[:column].strip()
    until = "the end of the file" if closed_line is None else f"the next `{sign}`, on line {closed_line + 1}"
    return (
        f"this answer starts with `{sign}`, which YAML reads as an opening quote, and the quote is not closed "
        f"on this line, so YAML reads every line below as part of the answer, up to {until}. If the answer is "
        f"meant to be in quotes, end it with `{sign}` on this line; if the `{sign}` is part of the answer, write "
        f"it on the lines below `|`: {_bar_example(lines, index, column, answer)}, or put it all in quotes: "
        f"`{head} {_quoted(answer)}`"
    )



# ---- more slips: `outcome:Lead`, `[` never closed, `\\` in double quotes, `---`, `- ` ------

_NO_SPACE = re.compile(r"^(?P<indent> *(?:- +)*)(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<value>[^\s:/].*)$")


def no_space_message(line: str) -> str | None:
    """`outcome:Lead`, a field glued to its answer, said with its fix; None for other lines."""
    match = _NO_SPACE.match(line.rstrip())
    if match is None:
        return None
    key, value = match.group("key"), match.group("value")
    return (
        f"there is no space after `{key}:`, so YAML does not read `{key}` as a field. Put one space between "
        f"the colon and the answer: `{key}: {value}`"
    )


def _no_space(exc, lines, at, first) -> Explained | None:
    if exc.problem != "could not find expected ':'" or exc.context_mark is None:
        return None
    for index in range(exc.context_mark.line, at + 1):
        message = no_space_message(_line(lines, index))
        if message:
            return Explained(index + 1, message)
    return None


def _flow_unclosed(exc, lines, at, first) -> Explained | None:
    """`outcome: [run 5k`: a `[` (or `{`) YAML waits for the end of."""
    if exc.context not in ("while parsing a flow sequence", "while parsing a flow mapping") or exc.context_mark is None:
        return None
    opened = exc.context_mark
    line = _line(lines, opened.line)
    if line[opened.column : opened.column + 1] not in ("[", "{"):
        return None
    sign = line[opened.column]
    what, closer = _OPENERS[sign]
    answer = line[opened.column :].rstrip()
    return Explained(opened.line + 1, (
        f"this answer starts with `{sign}`, which YAML reads as the start of {what}, and no `{closer}` closes it. "
        f"Write the whole answer on the lines below `|`: {_bar_example(lines, opened.line, opened.column, answer)}; "
        f"or put it all in quotes: `{line[: opened.column].strip()} {_quoted(answer)}`"
    ))


def _backslash(exc, lines, at, first) -> Explained | None:
    """`"C:\\Users"`: in double quotes a backslash starts a special sign (`\\n`, `\\u00e9`)."""
    if exc.context != "while scanning a double-quoted scalar" or "escape" not in (exc.problem or ""):
        return None
    opened = exc.context_mark
    line = _line(lines, opened.line)
    answer = line[opened.column :].rstrip()
    inner = answer[1:-1] if len(answer) > 1 and answer.endswith('"') else answer[1:]
    single = "'" + inner.replace("'", "''") + "'"
    return Explained(opened.line + 1, (
        "this answer is in double quotes, where YAML reads a backslash (`\\`) as the start of a special sign. "
        f"Put it in single quotes instead: `{line[: opened.column].strip()} {single}` (or write each backslash twice)"
    ))


def _another_document(exc, lines, at, first) -> Explained | None:
    if exc.problem != "but found another document":
        return None
    marker = _line(lines, at).strip()[:3] or "---"
    return Explained(at + 1, (
        f"a line that starts with `{marker}` tells YAML that a second file begins there, and a client file is one. "
        "Delete the line, or, if it is part of an answer, write that answer on the lines below `|`"
    ))


def _dash_after_colon(exc, lines, at, first) -> Explained | None:
    """`outcome: - run 5k` or `next_steps: - call Bo`: a list item where an answer starts."""
    if exc.problem != "sequence entries are not allowed here":
        return None
    line = _line(lines, at)
    field = _FIELD_LINE.match(line)
    if field is None or field.start("value") != exc.problem_mark.column:
        return None
    key, value = field.group("key"), field.group("value").rstrip()
    if key.strip() in ITEM_WORDS or key.strip() == "action_items":
        item = value[1:].strip()
        return Explained(at + 1, (
            f"a list starts on the line below its field: write `{key}:` alone, and below it `- {item}`, indented "
            f"{field.start('key') + 2} spaces, with each further item on a line of its own"
        ))
    return Explained(at + 1, (
        f"this answer starts with `- `, which YAML reads as a list item when it comes first. Put the whole answer "
        f"in quotes (`{key}: {_quoted(value)}`) or write it on the lines below `|`: "
        f"{_bar_example(lines, at, field.start('value'), value)}"
    ))


def _list_below_answer(exc, lines, at, first) -> Explained | None:
    """`outcome: Lead` and below it `- step one`: a field holds an answer or a list, not both."""
    if exc.problem != "expected <block end>, but found '-'":
        return None
    above = _content_above(lines, at)
    owner = _FIELD_LINE.match(_line(lines, above)) if above is not None else None
    if owner is None or not owner.group("value").strip():
        return None
    key = owner.group("key")
    return Explained(at + 1, (
        f"this list item (`- `) comes below `{key}:` on line {above + 1}, which already has an answer on its own "
        f"line; a field holds an answer or a list, not both. If the item is part of the answer, write `{key}: |` "
        f"and all of the answer's lines below it, indented {owner.start('key') + 2} spaces"
    ))


def _item_out_of_line(exc, lines, at, first) -> Explained | None:
    """`    - a` then `   - b`: the items of one list start at different columns."""
    if not (exc.problem or "").startswith("expected <block end>, but found '"):
        return None
    line = _line(lines, at)
    if not line.lstrip().startswith("-"):
        return None
    above = _content_above(lines, at)
    if above is None or not _line(lines, above).lstrip().startswith("- "):
        return None
    column, target = _indent(line), _indent(_line(lines, above))
    if column == target:
        return None
    spaces = abs(column - target)
    return Explained(at + 1, (
        f"this `- ` starts {column} spaces from the left, but the `- ` of the item above it, on line {above + 1}, "
        f"starts {target}. Items of one list line up exactly: {'add' if column < target else 'take away'} "
        f"{spaces} space{'s' if spaces > 1 else ''} before this `- `"
    ))
