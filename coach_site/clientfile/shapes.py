"""The JSON Schema of each kind of field: what an editor's YAML language server checks as the coach types.

Each shape accepts what `check` accepts, as far as JSON Schema can say it, and no more:
- an empty field is null, which `check` reads as "not answered yet", so every optional
  field, section and list item may be null;
- the language server reads YAML 1.2 (`true` is a boolean, `7` a number) where the client
  file's loader keeps every plain word as text, so text fields take numbers and booleans too;
- one schema per field, never `anyOf`: the language server joins the titles of `anyOf`'s
  branches on hover ("FocusArea || FocusArea") and reports each branch's error.
What JSON Schema cannot say, `check` still does: two focus areas with one name (`uniqueItems`
compares whole items), a token made of fewer than 8 different characters, an unknown
language code, and the limits on marks, lines and nesting in an answer.
`patternErrorMessage` and `errorMessage` are the language server's own words for a mistake.
"""

from __future__ import annotations

_TEXT_TYPES = ["string", "number", "boolean"]

# A real date, YYYY-MM-DD: months of 31, 30 and 28 days, and 29 February in leap years.
# Year 0000 does not exist. Spaces around it are trimmed, as `check` trims them.
_YEAR = r"[0-9]{4}"
_MONTH_DAY = (
    r"(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8])"
)
_LEAP_YEAR = r"[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00"
DAY_PATTERN = rf"^\s*(?!0000)(?:{_YEAR}-(?:{_MONTH_DAY})|(?:{_LEAP_YEAR})-02-29)\s*$"
_DAY_MESSAGE = "Write a real date as YYYY-MM-DD, e.g. 2026-09-15."

TEXT = {"type": [*_TEXT_TYPES, "null"]}
NAME = {"type": _TEXT_TYPES, "pattern": r"\S", "patternErrorMessage": "A name must not be empty."}
DAY = {"type": ["string", "null"], "pattern": DAY_PATTERN, "patternErrorMessage": _DAY_MESSAGE}
# A session's day, with its time of day if the coach knows it: YYYY-MM-DD HH:MM (24 hours; `9:30` too).
SESSION_DAY_PATTERN = DAY_PATTERN.replace(r"\s*$", r"(?:(?:T| +)(?:[01]?[0-9]|2[0-3]):[0-5][0-9])?\s*$")
SESSION_DAY = {
    "type": ["string", "null"], "pattern": SESSION_DAY_PATTERN,
    "patternErrorMessage": "Write a real date as YYYY-MM-DD, e.g. 2026-09-15, and a time after it if you like: "
    "2026-09-15 10:00.",
}

_DONE_MESSAGE = "`done:` is the date the step was done (YYYY-MM-DD), or true."
# A step's `done`: a date, or true (also written `yes`); `false` is not a way to say "not done".
DONE = {
    "type": ["string", "boolean", "null"],
    "pattern": rf"{DAY_PATTERN}|^\s*(?:[Yy][Ee][Ss]|[Tt][Rr][Uu][Ee])\s*$",
    "patternErrorMessage": _DONE_MESSAGE,
    "if": {"type": "boolean"},
    "then": {"const": True, "errorMessage": _DONE_MESSAGE},
}
# A step: its text, or `step:` and `done:`.
STEP = {
    "type": [*_TEXT_TYPES, "null", "object"],
    "properties": {"step": NAME, "done": DONE},
    "required": ["step"],
    "additionalProperties": False,
}


def lone_or_list(items: dict, **extra: object) -> dict:
    """A list, or its one item written without the `- `, or nothing yet."""
    scalar = {key: items[key] for key in ("pattern", "patternErrorMessage") if key in items}
    types = [t for t in items["type"] if t not in ("object", "null")]
    blank_allowed = {**items, "type": [*types, *(["object"] if "object" in items["type"] else []), "null"]}
    return {"type": ["array", *types, "null"], "items": blank_allowed, **scalar, **extra}


# A rating, 1 to 10: a number, or the same written as text ("7").
_RATING_PATTERN = r"^\s*0*(?:[1-9]|10)\s*$"
_RATING_MESSAGE = "A rating is a whole number from 1 to 10."
RATING = {
    "type": ["integer", "string"], "minimum": 1, "maximum": 10,
    "pattern": _RATING_PATTERN, "errorMessage": _RATING_MESSAGE,
}
SATISFACTION = {
    "type": ["integer", "string", "object", "null"],
    "minimum": 1,
    "maximum": 10,
    "pattern": _RATING_PATTERN,
    "errorMessage": "A rating is a whole number from 1 to 10, or a history of dated ratings: 2026-09-15: 5.",
    "propertyNames": {
        "pattern": DAY_PATTERN,
        "patternErrorMessage": "A rating history maps dates (YYYY-MM-DD) to ratings, e.g. 2026-09-15: 5.",
    },
    "additionalProperties": RATING,
}


def token(min_length: int, max_length: int, max_run: int | None = None) -> dict:
    """A link token: its letters and length; and, for the current one, no long run of one character."""
    no_run = rf"(?!\S*(\S)\1{{{max_run}}})" if max_run else ""
    return {
        "type": ["string"],
        "pattern": rf"^\s*{no_run}[A-Za-z0-9_-]{{{min_length},{max_length}}}\s*$",
        "patternErrorMessage": f"A token is {min_length} to {max_length} random characters of A-Z a-z 0-9 _ -"
        + (f", no character more than {max_run} times in a row" if max_run else "")
        + ". `coach-site rotate` makes a new one.",
    }


# What `check` refuses in an address: spaces and characters one cannot see, the characters
# that end an address in a mail header, more or fewer than one @, and a domain without a dot.
_NOT_IN_ADDRESS = r'\s\p{C}\p{Z}<>()\[\]\\,;:"@'
EMAIL = {
    "type": ["string", "null"],
    "pattern": rf"^\s*[^{_NOT_IN_ADDRESS}]+@[^{_NOT_IN_ADDRESS}.]+(?:\.[^{_NOT_IN_ADDRESS}.]+)+\s*$",
    "patternErrorMessage": "Write an email address like ada@example.org.",
}

LANGUAGE = {"type": ["string", "null"], "pattern": r"\S"}
# An IANA time zone name (Europe/Berlin, America/New_York, UTC); `check` knows which exist.
TIMEZONE = {
    "type": ["string", "null"], "pattern": r"^\s*[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*\s*$",
    "patternErrorMessage": "Write a time zone as its IANA name, like Europe/Berlin or America/New_York.",
    "examples": ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Jerusalem"],
}


def section(**extra: object) -> dict:
    """A part of the file (homework:, schedule:, ...) that may be left empty."""
    return {"type": ["object", "null"], **extra}
