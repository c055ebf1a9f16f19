"""The client file as a typed model: the contract of the client format, in code.

Every answer is optional and arrives here as clean text or None, never as an empty
string; the templates decide how to show an unanswered question. Messages raised
here are the "what is wrong" half of an error; `validate` adds file, line and field.
"""

from __future__ import annotations

import base64
import datetime as dt
import difflib
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from coach_site.clientfile import shapes
from coach_site.clientfile.catalogue import QUESTIONS, Section
from coach_site.clientfile.loader import YamlDate, YamlInt

TOKEN_MIN, TOKEN_MAX = 22, 64  # the upper bound keeps a link (and its folder name) a sane length
TOKEN_PATTERN = re.compile(rf"^[A-Za-z0-9_-]{{{TOKEN_MIN},{TOKEN_MAX}}}$")
MAX_FOCUS_AREAS = 8
WEAK_TOKEN_WAIVED = "weak_token_waived"  # validation context: read a file whose token is to be replaced
KNOWN_LANGUAGES = "known_languages"  # validation context: the language codes the workbook's theme knows
PRACTICE_SEALED = "practice_sealed"  # validation context: mkdocs.yml's extra.sealed (None: not known here)
# Session names the workbook reads (`next`) or the scaffold writes; a name one typo away
# from one of these is almost surely that session, lost to the typo.
KNOWN_SESSIONS = ("values", "strategy", "next")


def kind_of(value: Any) -> str:
    """How a value looks to someone who wrote it in YAML."""
    if isinstance(value, dict):
        return "a mapping of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    return "text"


def _as_text(value: Any) -> str | None:
    """Any scalar the coach wrote, as the text they wrote; None when blank."""
    if value is None:
        return None
    if isinstance(value, (YamlInt, YamlDate)):
        value = value.source
    elif isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise PydanticCustomError("text", "expected text, got {kind}", {"kind": kind_of(value)})
    return _quick_to_build(value.strip()) or None


# Markdown's time on one piece of text grows with the square of these marks and lines
# (each `[` is tried as the start of a link, each `<` and `&` becomes an entity); the
# limits keep any field's page well under a second of work, and no answer needs more.
MAX_MARKS = 300
MAX_LINES = 1000
_MARKS = re.compile(r"[\[<>&\\*_`]")
# Markdown reads a list inside a list, or a quote inside a quote, by calling itself once
# more for each level: a few hundred levels take seconds and then fail the whole build.
# Each list or quote mark at a line's start counts as a level, and so does each 4 spaces
# of indentation (Markdown's own step). Every level below the first costs, so the levels of
# all lines together are limited too. No answer needs more than a few.
MAX_DEPTH = 10
MAX_NESTED = 500
_INDENT_STEP = 4
_LINE_BREAK = re.compile(r"\r\n?|\n")  # as Markdown reads them
_SPACES = re.compile(" *")
_LESS_NESTING = "Take out some of the marks (- + * 1. >) at the start of its lines, or some of the spaces before them."
_NESTING_MARK = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)])(?: |$)|> ?")  # with the space that ends it


def _quick_to_build(text: str) -> str:
    marks = len(_MARKS.findall(text))
    if marks > MAX_MARKS:
        raise PydanticCustomError(
            "too_many_marks",
            "holds {n} of the characters [ < > & \\ * _ ` ; a field may hold at most {max} of them, "
            "as each makes the page slower to build. Take some out.",
            {"n": marks, "max": MAX_MARKS},
        )
    lines = _LINE_BREAK.split(text)
    depths = [_depth(line) for line in lines]
    if max(depths) > MAX_DEPTH:
        raise PydanticCustomError(
            "too_deep",
            "nests lists, quotes or indented lines {n} levels deep; a field may go at most {max} levels deep, "
            "as each level makes the page slower to build. {fix}",
            {"n": max(depths), "max": MAX_DEPTH, "fix": _LESS_NESTING},
        )
    nested = sum(depth - 1 for depth in depths if depth > 1)
    if nested > MAX_NESTED:
        raise PydanticCustomError(
            "too_nested",
            "has {n} levels of lists inside lists, quotes inside quotes or indented lines in all; a field "
            "may have at most {max}, as each makes the page slower to build. {fix}",
            {"n": nested, "max": MAX_NESTED, "fix": _LESS_NESTING},
        )
    if len(lines) > MAX_LINES:
        raise PydanticCustomError(
            "too_many_lines",
            "has {n} lines; a field may have at most {max}, as each makes the page slower to build. "
            "Join some lines.",
            {"n": len(lines), "max": MAX_LINES},
        )
    return text


def _depth(line: str) -> int:
    """How deep Markdown nests a line: its list and quote marks, and its indentation."""
    line = line.expandtabs(_INDENT_STEP)
    marks = spaces = at = 0
    while True:
        blank = _SPACES.match(line, at).end()
        spaces, at = spaces + blank - at, blank
        mark = _NESTING_MARK.match(line, at)
        if mark is None:
            return marks + spaces // _INDENT_STEP
        marks, at = marks + 1, mark.end()


def _required_line(value: Any) -> str:
    text = _as_text(value)
    if text is None:
        raise PydanticCustomError("empty", "must not be empty")
    # Names appear in headings and navigation: one line, single spaces.
    return " ".join(text.split())


def _optional_line(value: Any) -> str | None:
    return None if _as_text(value) is None else _required_line(value)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return None if value is None else dt.date(value.year, value.month, value.day)
    text = _as_text(value)
    if text is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise PydanticCustomError("date", "{text} is not a real date", {"text": text}) from None
    raise PydanticCustomError(
        "date", "'{text}' is not a date; write it as YYYY-MM-DD", {"text": text}
    )


class SessionDate(dt.date):
    """A session's day and, when the file gives one (`2026-12-14 10:00`), its time of day
    (`at`), in the client's time zone (client.timezone, else extra.timezone in mkdocs.yml).
    It is a date wherever a date is read (pages, sorting, comparisons); what shows or
    schedules a session reads `at` too."""

    at: dt.time | None

    def __new__(cls, day: dt.date, at: dt.time | None = None) -> "SessionDate":
        made = super().__new__(cls, day.year, day.month, day.day)
        made.at = at
        return made

    def __reduce__(self) -> tuple:  # a date's own pickling would lose the time
        return (SessionDate, (dt.date(self.year, self.month, self.day), self.at))

    def __repr__(self) -> str:
        return f"SessionDate({self.isoformat()!r}, at={self.at!r})"

    @property
    def when(self) -> tuple[dt.date, dt.time]:
        """The day and time, for comparing two sessions (a session without a time is its day's start)."""
        return dt.date(self.year, self.month, self.day), self.at or dt.time(0)

    def written(self) -> str:
        """As a client file writes it: `2026-12-14`, or `2026-12-14 10:00`."""
        return self.isoformat() + (f" {self.at:%H:%M}" if self.at else "")


_SESSION_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T| +)(\d{1,2}):(\d{2})")


def _session_date(value: Any) -> SessionDate | None:
    """A session: a date (YYYY-MM-DD), and its time after it if the coach knows it (HH:MM)."""
    if isinstance(value, SessionDate) or value is None:
        return value
    text = None if isinstance(value, (dict, list, bool)) else _as_text(value)
    timed = _SESSION_TIME.fullmatch(text) if text else None
    if timed is None:
        try:
            day = _date(value)
        except PydanticCustomError:
            raise PydanticCustomError(
                "date", "'{text}' is not a date; write it as YYYY-MM-DD, and a time after it if you like "
                "(YYYY-MM-DD HH:MM)", {"text": text if text is not None else kind_of(value)},
            ) from None
        return None if day is None else SessionDate(day)
    day = _date(timed.group(1))
    hour, minute = int(timed.group(2)), int(timed.group(3))
    if hour > 23 or minute > 59:
        raise PydanticCustomError(
            "time", "{time} is not a time of day; write it as HH:MM, from 00:00 to 23:59",
            {"time": f"{timed.group(2)}:{timed.group(3)}"},
        )
    return SessionDate(day, dt.time(hour, minute))


def timezone_problem(name: str) -> str | None:
    """Why `name` is not a time zone coach-site can use, with the likely fix; None when it is
    one: an IANA name such as Europe/Berlin, as the time zone database writes it."""
    zones = _time_zones()
    if name in zones:
        return None
    by_fold = {zone.casefold(): zone for zone in zones}
    folded = name.strip().casefold().replace(" ", "_")
    meant = by_fold.get(folded)
    if meant is None:
        close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.8)
        meant = by_fold[close[0]] if close else None
    if meant is None:  # a city alone: `Berlin` -> Europe/Berlin
        cities = [zone for zone in zones if zone.rsplit("/", 1)[-1].casefold() == folded]
        meant = cities[0] if len(cities) == 1 else None
    hint = f" (did you mean `{meant}`?)" if meant else "; write its IANA name, like Europe/Berlin or America/New_York"
    return f"`{_visible(name)}` is not a time zone{hint}".replace("{", "(").replace("}", ")")


@functools.cache
def _time_zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def _timezone(value: Any) -> str | None:
    text = _as_text(value)
    if text is not None and (problem := timezone_problem(text)):
        raise PydanticCustomError("timezone", problem)
    return text


def _list(value: Any) -> list:
    """A missing list is an empty list; one lone item may be written without the `- `."""
    if value is None:
        return []
    if isinstance(value, list):
        return [item for item in value if item is not None and item != ""]
    if isinstance(value, dict):
        raise PydanticCustomError(
            "list", "expected a list (lines starting with `- `), got {kind}", {"kind": kind_of(value)}
        )
    return [value]


def _mapping(value: Any) -> Any:
    return {} if value is None else value


def _token(value: Any) -> str:
    text = _as_text(value)
    if text is None:
        raise PydanticCustomError(
            "token", "is empty; every client needs a private link token (`coach-site new` makes one)"
        )
    if not TOKEN_PATTERN.fullmatch(text):
        raise PydanticCustomError(
            "token",
            "must be {min} to {max} characters of A-Z a-z 0-9 _ - (this one has {n} characters{bad})",
            {
                "min": TOKEN_MIN,
                "max": TOKEN_MAX,
                "n": len(text),
                "bad": "" if re.fullmatch(r"[A-Za-z0-9_-]*", text) else ", some of them not allowed",
            },
        )
    return text


# A token must be random, as the README promises ("about 128 bits"). A token with fewer
# than 8 different characters, or one character 8 times in a row, cannot be: a token from
# `coach-site new` (secrets.token_urlsafe(16): 22 characters of 64) has fewer than 8
# different characters with probability 3.5e-13, and a run of 8 with about 3.4e-12
# (15 places x 64^-7); `new` and `rotate` draw again in that case all the same.
TOKEN_MIN_DISTINCT = 8
TOKEN_MAX_RUN = 7


def token_weakness(token: str) -> str | None:
    """Why a well-formed token cannot be a random one, in words; None when it can be."""
    distinct = len(set(token))
    if distinct < TOKEN_MIN_DISTINCT:
        return f"is made of only {distinct} different character{'s' if distinct > 1 else ''}"
    run = max(len(match.group()) for match in re.finditer(r"(.)\1*", token))
    if run > TOKEN_MAX_RUN:
        return f"has one character {run} times in a row"
    return None


def _email(value: Any) -> str | None:
    text = _as_text(value)
    problem = None if text is None else email_problem(text)
    if problem:
        raise PydanticCustomError("email", "{problem}", {"problem": problem})
    return text


# Characters that end an address in a mail header, or make it another address.
_EMAIL_BREAKERS = '<>()[]\\,;:"'


def email_problem(text: str) -> str | None:
    """Why `text` is not a plausible email address, in words, with the likely fix; None when
    it is one. Letters of any script are fine: the email command writes them as mail needs."""
    why = _why_not_an_address(text)
    if why is None:
        return None
    meant = _address_meant(text)
    fix = f" (did you mean `{meant}`?)" if meant else "; write it like ada@example.org"
    return f"'{_visible(text)}' is not an email address: {why}{fix}"


def _why_not_an_address(text: str) -> str | None:
    unseen = [c for c in text if c != " " and unicodedata.category(c)[0] in "CZ"]
    if unseen:
        return f"it holds {_visible(unseen[0])}, a character no address has"
    if " " in text:
        return "it holds a space"
    breaker = next((c for c in text if c in _EMAIL_BREAKERS), None)
    if breaker:
        return f"it holds `{breaker}`"
    if text.count("@") != 1:
        return "it needs exactly one @" if "@" in text else "it has no @"
    local, domain = text.split("@")
    if not local:
        return "nothing comes before the @"
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        return "after the @ it needs a domain name with a dot"
    return None


def _address_meant(text: str) -> str | None:
    """The address inside `Ada <ada@example.org>`, `mailto:ada@...` or text with stray
    spaces and control characters, when that is a plausible one."""
    inside = re.search(r"<([^<>]*)>", text)
    meant = inside.group(1) if inside else text
    meant = re.sub(r"^mailto:", "", meant.strip(), flags=re.IGNORECASE)
    meant = _ESCAPE_SEQUENCE.sub("", meant)
    meant = "".join(c for c in meant if unicodedata.category(c)[0] not in "CZ").rstrip(".")
    return meant if meant != text and meant and _why_not_an_address(meant) is None else None


# A terminal's escape sequence (ESC [ ... letter), which a pasted address may carry.
_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def _visible(text: str | list[str]) -> str:
    """Text with every character one cannot see written as an escape (`\\x1b`)."""
    return "".join(
        c if c == " " or unicodedata.category(c)[0] not in "CZ" else
        f"\\x{ord(c):02x}" if ord(c) <= 0xFF else f"\\u{ord(c):04x}"
        for c in text
    )


def _rating(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= 10:
            return int(value)
        raise PydanticCustomError("rating", "{value} is not between 1 and 10", {"value": int(value)})
    text = None if isinstance(value, (dict, list)) else _as_text(value)
    if text is not None and re.fullmatch(r"\d+", text):
        return _rating(int(text))
    shown = text if text is not None else kind_of(value)
    raise PydanticCustomError(
        "rating", "{shown} is not a whole number between 1 and 10", {"shown": shown}
    )


@dataclass(frozen=True)
class Rating:
    """One satisfaction rating; `when` is None for a plain, undated rating."""

    when: dt.date | None
    value: int


@dataclass(frozen=True)
class Satisfaction:
    """A current rating and, when the file has one, its dated history (oldest first)."""

    history: tuple[Rating, ...]

    @property
    def current(self) -> int:
        return self.history[-1].value

    @property
    def has_trend(self) -> bool:
        return len(self.history) >= 2


def _satisfaction(value: Any) -> Satisfaction | None:
    if value is None or value == {}:
        return None
    if isinstance(value, Satisfaction):
        return value
    if not isinstance(value, dict):
        return Satisfaction((Rating(None, _rating(value)),))
    ratings = []
    for key, rating in value.items():
        when = getattr(key, "source", str(key))
        try:
            day = _date(key)
        except PydanticCustomError:
            day = None
        if day is None:
            raise PydanticCustomError(
                "rating",
                "'{when}' is not a date; a rating history maps YYYY-MM-DD to a rating",
                {"when": when, "at": when},
            )
        try:
            ratings.append(Rating(day, _rating(rating)))
        except PydanticCustomError as exc:
            raise PydanticCustomError(exc.type, exc.message(), {"at": when}) from None
    return Satisfaction(tuple(sorted(ratings, key=lambda r: r.when)))


@dataclass(frozen=True)
class FieldKind:
    """Marks the fields a coachee answers in free text, for checks of how the YAML was written."""

    name: str


ANSWER = FieldKind("answer")  # free text: a ` #` in it starts a comment YAML drops
ANSWER_LIST = FieldKind("answer list")  # a list of free-text items
NAME = FieldKind("name")  # a name: a ` #` in it starts a comment too

# The field types of the format. Each carries the JSON Schema an editor sees (see `shapes`).
Text = Annotated[str | None, BeforeValidator(_as_text), WithJsonSchema(shapes.TEXT), ANSWER]
Name = Annotated[str, BeforeValidator(_required_line), WithJsonSchema(shapes.NAME), NAME]
OptionalName = Annotated[str | None, BeforeValidator(_optional_line), WithJsonSchema(shapes.TEXT), NAME]
Day = Annotated[dt.date | None, BeforeValidator(_date), WithJsonSchema(shapes.DAY)]
SessionDay = Annotated[Any, PlainValidator(_session_date), WithJsonSchema(shapes.SESSION_DAY)]
TimeZone = Annotated[
    str | None, BeforeValidator(_timezone), WithJsonSchema(shapes.TIMEZONE),
    Field(description="Where the client lives, as an IANA time zone name (Europe/Berlin, America/New_York): "
          "the time of their next session is in it. Default: extra.timezone in mkdocs.yml."),
]


class Step(str):
    """A next step or action item: its text, and whether it is done (`done`: a date, True, or False).

    A step is text, so everything that reads steps as text (pages, email, `changes`) keeps
    working; a step the client file records as done also carries `done`.
    """

    done: dt.date | bool

    def __new__(cls, text: str, done: dt.date | bool = False) -> "Step":
        step = super().__new__(cls, text)
        step.done = done
        return step

    def __repr__(self) -> str:
        return f"Step({str(self)!r}, done={self.done!r})"


_STEP_KEYS = ("step", "done")


def _step(value: Any) -> Step | None:
    """`- Renew passport`, or `- {step: Renew passport, done: 2026-10-02}` (done: a date or true)."""
    if isinstance(value, Step):
        return value
    if not isinstance(value, dict):
        text = _as_text(value)
        return None if text is None else Step(text)
    unknown = [str(getattr(k, "source", k)) for k in value if getattr(k, "source", k) not in _STEP_KEYS]
    if unknown:
        raise PydanticCustomError(
            "step", "a step is text, or `step:` (its text) and `done:` (a date or true); `{key}` is neither",
            {"key": unknown[0], "at": (unknown[0],)},
        )
    text = _as_text(value.get("step"))
    if text is None:
        raise PydanticCustomError("step", "has `done:` but no `step:`; write the step's text after `step:`",
                                  {"at": ("step",)})
    return Step(text, _done(value.get("done")))


def _done(value: Any) -> dt.date | bool:
    if value is None or value is False:
        return False
    if value is True or (isinstance(value, str) and value.strip().casefold() in ("yes", "true")):
        return True
    try:
        day = _date(value)
    except PydanticCustomError:
        day = None
    if day is None:
        raise PydanticCustomError(
            "done", "'{value}' is neither a date (YYYY-MM-DD) nor true", {"value": getattr(value, "source", value), "at": ("done",)}
        )
    return day


StepList = Annotated[
    list[Annotated[Any, PlainValidator(_step)]],
    BeforeValidator(_list),
    AfterValidator(lambda items: [item for item in items if item]),  # drop blank items
    WithJsonSchema(shapes.lone_or_list(
        shapes.STEP, description="Each step is text, or `step:` and `done:` (a date or true) once it is done."
    )),
    ANSWER_LIST,
]


def _yes_no(value: Any) -> bool | None:
    """true or false (the loader keeps every scalar as the text the coach wrote). Only these
    two, as the editor's schema says: `yes` is text to YAML 1.2 and to the key's fast reader."""
    if value is None or isinstance(value, bool):
        return value
    said = value.strip().casefold() if isinstance(value, str) else None
    if said in ("true", "false"):
        return said == "true"
    raise PydanticCustomError("yes_no", "write true or false (got {value})", {"value": getattr(value, "source", value)})


SEAL_KEY_BYTES = 32  # AES-256
SEAL_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of 32 bytes, no padding


def _seal_key(value: Any) -> str | None:
    """A sealed workbook's key: 43 characters of A-Z a-z 0-9 _ -, which are 32 random bytes."""
    text = _as_text(value)
    if text is None:
        return None
    if not SEAL_KEY_PATTERN.fullmatch(text) or len(seal_key_bytes(text)) != SEAL_KEY_BYTES:
        raise PydanticCustomError(
            "seal_key",
            "must be 43 characters of A-Z a-z 0-9 _ - (this one has {n}); delete the line and build again "
            "for a new key, then send the coachee the new link",
            {"n": len(text)},
        )
    return text


def seal_key_bytes(key: str) -> bytes:
    """The 32 bytes a key of the client file stands for (base64url without padding)."""
    try:
        return base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    except ValueError:
        return b""


def _passphrase(value: Any) -> str | None:
    text = _as_text(value)
    if text is not None and "\n" in text:
        raise PydanticCustomError("passphrase", "must be one line: the coachee types it")
    return text


SealedFlag = Annotated[bool | None, BeforeValidator(_yes_no), WithJsonSchema({"type": ["boolean", "null"]})]
SealKey = Annotated[
    str | None,
    BeforeValidator(_seal_key),
    WithJsonSchema({"type": ["string", "null"], "pattern": SEAL_KEY_PATTERN.pattern}),
]
Passphrase = Annotated[str | None, BeforeValidator(_passphrase), WithJsonSchema({"type": ["string", "null"]})]
Token = Annotated[
    str,
    BeforeValidator(_token),
    WithJsonSchema(shapes.token(TOKEN_MIN, TOKEN_MAX)),
]
CurrentToken = Annotated[Token, WithJsonSchema(shapes.token(TOKEN_MIN, TOKEN_MAX, TOKEN_MAX_RUN))]
Email = Annotated[
    str | None, BeforeValidator(_email), WithJsonSchema(shapes.EMAIL)
]
SatisfactionField = Annotated[
    Satisfaction | None,
    BeforeValidator(_satisfaction),
    WithJsonSchema(shapes.SATISFACTION),
]


def _field_title(name: str, _info: Any) -> str:
    """The heading an editor shows above a field's hint: `preferred_name` -> "Preferred name"."""
    return name.replace("_", " ").capitalize()


class Record(BaseModel):
    """A part of the client file: unknown keys are errors, so a typo never drops an answer."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, field_title_generator=_field_title
    )


class ClientInfo(Record):
    model_config = ConfigDict(title="Client")

    name: Name = Field(description="The client's full name.")
    preferred_name: OptionalName = Field(None, description="Default: the first word of name.")
    email: Email = None
    timezone: TimeZone = None

    @property
    def first_name(self) -> str:
        """What the workbook calls the client: the preferred name, or the first word of the name."""
        return self.preferred_name or self.name.split()[0]


class Link(Record):
    token: CurrentToken = Field(description="The unguessable part of the private link.")
    previous_tokens: Annotated[
        list[Token], BeforeValidator(_list), WithJsonSchema(shapes.lone_or_list(shapes.token(TOKEN_MIN, TOKEN_MAX)))
    ] = Field(
        default_factory=list,
        description="The client's earlier tokens, oldest first; `coach-site rotate` adds the old one here. "
        "They open nothing; they let the coachee's notes and downloaded reflections follow the new link.",
    )
    sealed: SealedFlag = Field(
        None, description="true: the published workbook is encrypted, and only the full link (with its key) "
        "opens it. Default: extra.sealed in mkdocs.yml.",
    )
    key: SealKey = Field(
        None, description="The key of a sealed workbook, the part of the link after #: 43 characters "
        "(256 random bits). Kept only here.",
    )
    passphrase: Passphrase = Field(
        None, description="A sealed workbook also asks for this once on each device, for shared devices.",
    )

    @property
    def browser_key(self) -> str:
        """What the coachee's browser files their notes and ticks under: the same for every
        link the client ever had, and no token (a hash of the first one)."""
        first = self.previous_tokens[0] if self.previous_tokens else self.token
        return hashlib.sha256(first.encode("utf-8")).hexdigest()[:16]

    @property
    def legacy_browser_keys(self) -> list[str]:
        """Hashes of every token of the client: notes filed under a raw token (before the
        browser key existed) are found by these and moved, without the page naming a token."""
        return [hashlib.sha256(t.encode("utf-8")).hexdigest()[:16] for t in (*self.previous_tokens, self.token)]

    def is_own_token(self, token: str) -> bool:
        return token == self.token or token in self.previous_tokens


def _asks(section: Section, field: str, **kwargs: Any) -> Any:
    """A field of the format whose JSON Schema description is its question in the catalogue,
    and whose title (the heading an editor shows above it) is the question's label."""
    asked = section[field]
    return Field(title=asked.label, description=asked.description, **kwargs)


class Value(Record):
    model_config = ConfigDict(title="Value", json_schema_extra=shapes.section())  # `- ` alone is dropped

    name: Name
    meaning: Text = _asks(QUESTIONS.values, "meaning", default=None)
    note: Text = Field(None, description="The coachee's own note on this value, from their workbook "
                       "(`import-reflections` keeps it here when the meaning was already written).")


def _notes(value: Any) -> Any:
    """Review notes are keyed by the field they are about: a key that is none is a lost note."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PydanticCustomError(
            "notes", "expected the field each note is about, then the note (`outcome: still true`), got {kind}",
            {"kind": kind_of(value)},
        )
    known = [q.field for q in QUESTIONS.focus_area]
    for key in value:
        name = str(getattr(key, "source", key))
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"did you mean `{close[0]}`?" if close else "a note is about one of " + ", ".join(known)
            raise PydanticCustomError(
                "notes", "`{name}` is not a question of a focus area ({hint})", {"name": name, "hint": hint, "at": (name,)}
            )
    return {str(getattr(k, "source", k)): v for k, v in value.items()}


Notes = Annotated[
    dict[str, Text],
    BeforeValidator(_notes),
    AfterValidator(lambda notes: {k: v for k, v in notes.items() if v is not None}),
    WithJsonSchema({
        "type": ["object", "null"],
        "description": "The coachee's review notes (homework 1), by the field each is about; "
        "the coach's answer stays as written.",
        "properties": {q.field: shapes.TEXT for q in QUESTIONS.focus_area},
        "additionalProperties": False,
    }),
]


class FocusArea(Record):
    """One focus area, walked through the Strategy session's questions (the descriptions)."""

    model_config = ConfigDict(title="Focus area", json_schema_extra=shapes.section())  # `- ` alone is dropped

    name: Name
    outcome: Text = _asks(QUESTIONS.focus_area, "outcome", default=None)
    why_it_matters: Text = _asks(QUESTIONS.focus_area, "why_it_matters", default=None)
    what_has_to_happen: Text = _asks(QUESTIONS.focus_area, "what_has_to_happen", default=None)
    how_youll_know: Text = _asks(QUESTIONS.focus_area, "how_youll_know", default=None)
    barriers: Text = _asks(QUESTIONS.focus_area, "barriers", default=None)
    satisfaction: SatisfactionField = _asks(QUESTIONS.focus_area, "satisfaction", default=None)
    ten_looks_like: Text = _asks(QUESTIONS.focus_area, "ten_looks_like", default=None)
    ten_in_3_months: Text = _asks(QUESTIONS.focus_area, "ten_in_3_months", default=None)
    next_steps: StepList = _asks(QUESTIONS.focus_area, "next_steps", default_factory=list)
    notes: Notes = Field(default_factory=dict)


class Homework(Record):
    model_config = ConfigDict(title="Homework", json_schema_extra=shapes.section())

    due: Day = None
    action_items: StepList = Field(default_factory=list)


class Schedule(Record):
    model_config = ConfigDict(title="Schedule", json_schema_extra=shapes.section())

    day: Text = _asks(QUESTIONS.schedule, "day", default=None)
    week: Text = _asks(QUESTIONS.schedule, "week", default=None)
    month: Text = _asks(QUESTIONS.schedule, "month", default=None)


class TedTalk(Record):
    model_config = ConfigDict(title="TED talk", json_schema_extra=shapes.section())

    title: Text = _asks(QUESTIONS.ted_talk, "title", default=None)
    message: Text = _asks(QUESTIONS.ted_talk, "message", default=None)
    story: Text = _asks(QUESTIONS.ted_talk, "story", default=None)


def _section(model: type[Record]):
    return Annotated[model, BeforeValidator(_mapping)]


def _known_language(value: Any, info: ValidationInfo) -> Any:
    """A code the theme knows, written as it writes it: a typo would build in the wrong
    language without a word. Checked when the caller knows the codes (build, check)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise PydanticCustomError(
            "language", "expected a language code such as de, fr or es, got {kind}", {"kind": kind_of(value)}
        )
    known = (info.context or {}).get(KNOWN_LANGUAGES)
    if known and value not in known:
        raise PydanticCustomError("language", unknown_language_message(value, known))
    return value


# The workbook's language, in a client file and in a reflections file alike.
LanguageCode = Annotated[
    str | None,
    BeforeValidator(_known_language),
    WithJsonSchema(shapes.LANGUAGE),
    Field(
        description="The workbook's language for this client, a code such as de, fr, es, pt-BR or he; "
        "default: theme.language in mkdocs.yml.",
        examples=["de", "fr", "es", "pt-BR"],
    ),
]


class Workbook(Record):
    """One coachee's file: everything their workbook is built from."""

    model_config = ConfigDict(title="coach-site client file")

    client: ClientInfo
    link: Link
    sessions: Annotated[dict[str, SessionDay], BeforeValidator(_mapping)] = Field(
        default_factory=dict, description="Session name -> date (YYYY-MM-DD), and its time after it if you like "
        "(YYYY-MM-DD HH:MM, in the client's time zone); `next` is shown as the next session.",
        json_schema_extra=shapes.section(),
    )
    values: Annotated[list[Value], BeforeValidator(_list)] = Field(
        default_factory=list, json_schema_extra={"type": ["array", "null"]}
    )
    focus_areas: Annotated[
        list[FocusArea], BeforeValidator(_list),
        Field(default_factory=list, max_length=MAX_FOCUS_AREAS, json_schema_extra={"type": ["array", "null"]}),
    ]
    homework: _section(Homework) = Field(default_factory=Homework)
    schedule: _section(Schedule) = Field(default_factory=Schedule)
    ted_talk: _section(TedTalk) = Field(default_factory=TedTalk, title="TED talk")
    anything_we_missed: Text = _asks(QUESTIONS.homework, "anything_we_missed", default=None)
    language: LanguageCode = None
    from_coachee: Annotated[dict[str, str], BeforeValidator(_mapping)] = Field(
        default_factory=dict,
        description="Kept by import-reflections: where an answer came from the client, a fingerprint of "
        "their words. An answer that still matches is theirs, and their next version replaces it; an "
        "answer you change becomes yours. Leave it as it is.",
        json_schema_extra=shapes.section(),
    )

    @field_validator("sessions", mode="before")
    @classmethod
    def _session_names_are_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {getattr(k, "source", str(k)): v for k, v in value.items()}
        return value

    @field_validator("link")
    @classmethod
    def _token_is_random(cls, link: Link, info: ValidationInfo) -> Link:
        """A guessable token would open the workbook to anyone who tries it. `rotate` reads
        such a file to replace the token, so it asks for this check to be waived."""
        weakness = token_weakness(link.token)
        if weakness and not (info.context or {}).get(WEAK_TOKEN_WAIVED):
            raise PydanticCustomError(
                "weak_token",
                "{weakness}, so it cannot be random and someone could guess the link. Make a new one with: "
                "coach-site rotate <this client file>",
                {"weakness": weakness, "at": ("token",)},
            )
        return link

    @field_validator("link")
    @classmethod
    def _passphrase_guards_a_sealed_workbook(cls, link: Link, info: ValidationInfo) -> Link:
        """A passphrase only means something to a sealed workbook: on a plain one it would be
        ignored, and the coach would believe the pages guarded when anyone with the link reads them."""
        practice_sealed = (info.context or {}).get(PRACTICE_SEALED)
        sealed = link.sealed if link.sealed is not None else practice_sealed
        if link.passphrase and sealed is False:
            raise PydanticCustomError(
                "passphrase_unsealed",
                "this workbook is not sealed, so a passphrase would guard nothing: anyone with the link reads it. "
                "Add `sealed: true` under link: (or take the passphrase out)",
                {"at": ("passphrase",)},
            )
        return link

    @field_validator("focus_areas")
    @classmethod
    def _names_are_unique(cls, areas: list[FocusArea]) -> list[FocusArea]:
        seen: dict[str, int] = {}
        for index, area in enumerate(areas):
            # "Café" typed as one letter é or as e + an accent looks the same: one name.
            key = unicodedata.normalize("NFC", area.name).casefold()
            if key in seen:
                raise PydanticCustomError(
                    "unique",
                    "'{name}' is already the name of focus area {first}; names must be unique",
                    {"name": area.name, "first": seen[key] + 1, "at": (index, "name")},
                )
            seen[key] = index
        return areas

    @property
    def next_session(self) -> SessionDate | None:
        return self.sessions.get("next")

    def last_session(self, today: dt.date) -> SessionDate | None:
        """The latest session on or before `today` (a `next` that has passed among them)."""
        held = [day for day in self.sessions.values() if day is not None and day <= today]
        return max(held, key=lambda day: day.when) if held else None


class Reflections(Record):
    """What a coachee downloads from "My reflections": the client file's shape, only what they wrote.

    The same parts as a client file, so it is checked by the same rules; `link.token`
    says whose workbook it came from, and `anything_we_missed` answers homework 1. Steps
    ticked done come as `{step, done: true}`; notes beside the coach's answers as `notes`.
    """

    model_config = ConfigDict(title="coach-site reflections file")

    link: Link
    values: Annotated[list[Value], BeforeValidator(_list)] = Field(default_factory=list)
    focus_areas: Annotated[list[FocusArea], BeforeValidator(_list)] = Field(default_factory=list)
    homework: _section(Homework) = Field(default_factory=Homework)
    schedule: _section(Schedule) = Field(default_factory=Schedule)
    ted_talk: _section(TedTalk) = Field(default_factory=TedTalk)
    anything_we_missed: Text = _asks(QUESTIONS.homework, "anything_we_missed", default=None)
    language: LanguageCode = None


def unknown_language_message(code: str, known: tuple[str, ...] | list[str]) -> str:
    """`deu` is not a language code ... (did you mean `de`?)"""
    meant = _language_meant(code, known)
    hint = f" (did you mean `{meant}`?)" if meant else f"; the codes it knows: {', '.join(known)}"
    # Braces would be read as placeholders by the error's template: there are none.
    return f"`{code}` is not a language code the workbook knows{hint}".replace("{", "(").replace("}", ")")


def _language_meant(code: str, known: tuple[str, ...] | list[str]) -> str | None:
    """The known code `code` most likely means: the same in other capitals or with `_`
    (`pt_br`), a language's name in English or in itself (`German`, `Deutsch`), or a near typo."""
    folded = code.strip().casefold().replace("_", "-")
    by_fold = {k.casefold(): k for k in known}
    if folded in by_fold:
        return by_fold[folded]
    named = _language_by_name(folded, known)
    if named:
        return named
    close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.6)
    return by_fold[close[0]] if close else None


def _unaccented(text: str) -> str:
    """`español` -> `espanol`: a name typed without its accents is still that name."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _language_by_name(name: str, known: tuple[str, ...] | list[str]) -> str | None:
    from babel import Locale, UnknownLocaleError

    try:  # a three-letter code (`deu`, `ger`) or a locale (`de_AT`) of a known language
        language = Locale.parse(name.replace("-", "_")).language
        if language in known:
            return language
    except (ValueError, UnknownLocaleError):
        pass
    for code in known:
        try:
            locale = Locale.parse(code.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue
        names = {locale.get_display_name("en") or "", locale.get_display_name() or "",
                 locale.get_language_name("en") or "", locale.get_language_name() or ""}
        if _unaccented(name) in {_unaccented(n.casefold()) for n in names if n}:
            return code
    return None
