"""`coach-site new`: a fresh client file with every field and the seed's questions beside them."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Container
from pathlib import Path

from coach_site.clientfile.catalogue import QUESTIONS, Section
from coach_site.clientfile.keys import new_key
from coach_site.clientfile.model import Workbook, token_weakness
from coach_site.clientfile.schema import modeline, write_schema
from coach_site.clientfile.tokens import tokens_in_use
from coach_site.clientfile.loader import field_label, load_client_file
from coach_site.errors import CoachSiteError, Problem
from coach_site.project import shown_path

# The names `new` writes for the first value and area, for the coach to replace: a workbook
# that still says them would show the client "First focus area" as one of their areas.
FIRST_VALUE = "First value"
FIRST_AREA = "First focus area"


_STILL_NEWS = {
    "values": (FIRST_VALUE, "give the value its own name, or delete its two lines"),
    "focus_areas": (FIRST_AREA, "give the area its own name, or delete the area"),
}


def _left(workbook: Workbook) -> list[tuple[str, int]]:
    """(section, index) of each name `new` wrote that is still there."""
    return [(section, index) for section, (placeholder, _) in _STILL_NEWS.items()
            for index, item in enumerate(getattr(workbook, section)) if item.name == placeholder]


def _still_news(section: str) -> str:
    placeholder, fix = _STILL_NEWS[section]
    return f'"{placeholder}" is still the name `coach-site new` wrote: {fix}'


def placeholders_left(workbook: Workbook) -> list[str]:
    """The names `new` wrote that the coach has not replaced yet, each with what to do."""
    return [f"{section}: {_still_news(section)}" for section, _ in _left(workbook)]


def placeholder_problems(client_file: Path, workbook: Workbook) -> list[Problem]:
    """The same, each at its line, for what must not go out half-filled (`email`, `publish`)."""
    left = _left(workbook)
    if not left:
        return []
    document = load_client_file(client_file)
    return [Problem(shown_path(client_file), document.line_of((section, index, "name")),
                    field_label((section, index, "name"), document.data), _still_news(section))
            for section, index in left]


_TEMPLATE = """\
{modeline}
client:
  name: {name}
  preferred_name:             # what the workbook calls them; default: the first word of name
  email:{email}
  timezone:                   # where they live, e.g. Europe/Berlin; default: extra.timezone in mkdocs.yml
link:
  token: {token}   # the private part of the link; keep it secret
{seal}language:{language}# the workbook's language (de, fr, es, pt-BR, he, ...); default: theme.language in mkdocs.yml
sessions:                     # session name: date (YYYY-MM-DD), a time after it if you like (YYYY-MM-DD HH:MM)
  values:                     # the Values session: the compass
  strategy:                   # the Strategy session: the map
  next:                       # shown in the workbook as "next session", and in the client's calendar
values:                       # from the Values session
  - name: {first_value}
    meaning:                  # what it means to them, in one line
focus_areas:                  # up to 8 areas (none yet after the Values session); about 15 minutes each in the Strategy session
  - name: {first_area}
{area_questions}
homework:
  due:                        # YYYY-MM-DD
  action_items:               # concrete items from the session, beyond the standard homework
    -
schedule:                     # Homework 3: an ideal average day, week and month
  day:                        # free text; several lines with `|`
  week:
  month:
ted_talk:                     # Optional homework: the TED talk a year from now
{ted_questions}
"""
# How the questions are written beside their fields, where the catalogue's question is not the
# best comment: the format of a rating, and which homework the next steps are.
_HINTS = {
    "satisfaction": "Current satisfaction, 1-10; or a history, e.g. {2026-09-15: 5, 2026-10-20: 6}",
    "next_steps": "Homework 2: {question}",
}
_COMMENT_COLUMN = 30
# Comments earlier versions of `new` wrote, before the questions had one wording: still
# questions beside an answer, not a part of it.
_EARLIER_COMMENTS = (
    "session name: date (YYYY-MM-DD)",
    'shown in the workbook as "next session"',
    "What are the current barriers or unknowns preventing you from moving forward?",
    "Homework 2: one or two key next steps for this area",
    "What story would you tell about where you came from, and how it shaped you?",
)


# `new --sealed`: the workbook is published encrypted; its link carries the key after `#`.
_SEAL = """\
  sealed: true                # published encrypted: only the link with its key opens it
  key: {key}   # the key to the workbook, in its link after #; keep it secret
"""


def _field_lines(section: Section, indent: str) -> str:
    """One `field:  # question` line per question of a section, the questions from the catalogue."""
    lines = []
    for asked in section:
        comment = _HINTS.get(asked.field, "{question}").replace("{question}", asked.question or "")
        line = f"{indent}{asked.field}:"
        if comment:
            line = f"{line.ljust(_COMMENT_COLUMN - 1)} # {comment}"
        lines.append(line)
        if asked.kind == "list":
            lines.append(f"{indent}  -")
    return "\n".join(lines)


def _scaffold_text(**values: str) -> str:
    return _TEMPLATE.format(
        **values,
        area_questions=_field_lines(QUESTIONS.focus_area, "    "),
        ted_questions=_field_lines(QUESTIONS.ted_talk, "  "),
    )


def scaffold_comments() -> list[str]:
    """The comments `new` writes beside the fields, and those it once wrote: questions and
    hints, never part of an answer."""
    text = _scaffold_text(modeline="", name="", email="", language=_beside_comment(""), token="",
                          seal=_SEAL.format(key=""), first_value="", first_area="")
    found = [match.group(1).strip() for match in re.finditer(r"\s#(.*)$", text, re.MULTILINE)]
    return found + list(_EARLIER_COMMENTS)


def client_slug(name: str) -> str:
    """"Priya Natarajan" -> "priya-natarajan": lower-case letters, digits and `-`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def new_token(taken: Container[str] = frozenset()) -> str:
    """An unguessable link token: 128 random bits, 22 URL-safe characters, none of `taken`."""
    while True:
        token = secrets.token_urlsafe(16)
        # One client, one link, however unlikely a repeat is; and never one check would refuse.
        # No leading `-`: YAML would need it quoted, and a command line could take it for an option.
        if token not in taken and token_weakness(token) is None and not token.startswith("-"):
            return token


def new_client_file(
    name: str, clients_dir: Path, email: str | None = None, slug: str | None = None, language: str | None = None,
    sealed: bool = False,
) -> Path:
    """Write `clients_dir/<slug>.yaml` for a new client; never overwrites. `language`: a
    code the caller has checked. `sealed`: with `sealed: true` and a fresh key."""
    name = " ".join(name.split())
    if not name:
        raise CoachSiteError("the client's name must not be empty")
    slug = slug or client_slug(name)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise CoachSiteError(
            f"cannot make a file name from {name!r}; give one with --slug (lower-case letters, digits and -)"
        )
    path = clients_dir / f"{slug}.yaml"
    text = _scaffold_text(
        modeline=modeline(),
        name=_yaml_text(name),
        email=f" {_yaml_text(email)}" if email else "",
        language=_beside_comment(f" {_yaml_text(language)}" if language else ""),
        token=new_token(taken=tokens_in_use(clients_dir.glob("*.yaml"))),
        seal=_SEAL.format(key=new_key()) if sealed else "",
        first_value=FIRST_VALUE,
        first_area=FIRST_AREA,
    )
    clients_dir.mkdir(parents=True, exist_ok=True)
    write_schema(clients_dir)  # what the first line points editors to
    try:
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise CoachSiteError(f"{path} already exists; not overwriting it") from None
    return path


def _beside_comment(value: str) -> str:
    """A top-level value padded so its comment lines up with the others (column 31)."""
    return value.ljust(21) if len(value) < 21 else value + " "


def _yaml_text(value: str) -> str:
    """A value as a double-quoted YAML string, so any name or address stays text."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
