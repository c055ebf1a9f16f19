"""What the CLI prints, and how loudly: --quiet, --verbose, and no colours under NO_COLOR.

Much of what is printed comes from a client file or a coachee's reflections. Every
message goes through `printable` first, so no text can move the cursor, clear or
retitle the coach's terminal, hide a link behind other words, ring the bell or turn
a line around: only the words are printed.
"""

from __future__ import annotations

import gettext
import os
import re
import shlex
import subprocess
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import click

# Escape sequences as terminals read them: CSI (`ESC [`, also as one byte \x9b), OSC
# (`ESC ]`, e.g. hyperlinks and window titles, up to BEL or ST), DCS/SOS/PM/APC strings,
# and two-character escapes. An unfinished sequence at the end goes too.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])(?:[^\x07\x1b\x9c]*)(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# Turn text around or reorder it on screen (a file name that reads backwards).
_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """Text with terminal escape sequences and control characters taken out.

    Line breaks and tabs stay (messages have several lines); a carriage return, which
    would let text overwrite the start of its line, and every other control go.
    """
    text = _ESCAPE_SEQUENCE.sub("", str(text)).replace("\r\n", "\n")
    return "".join(
        " " if char in "\u2028\u2029" else char
        for char in text
        if char in "\n\t" or (unicodedata.category(char) != "Cc" and char not in _BIDI_CONTROLS)
    )


@dataclass
class Console:
    quiet: bool = False
    verbose: bool = False

    @property
    def color(self) -> bool | None:
        """False under NO_COLOR (https://no-color.org); otherwise click decides by the terminal."""
        return False if os.environ.get("NO_COLOR") else None

    def say(self, message: str, **style) -> None:
        """Normal output (links, results); silent with --quiet."""
        if not self.quiet:
            click.secho(printable(message), color=self.color, **style)

    def detail(self, message: str) -> None:
        """Extra output for --verbose."""
        if self.verbose and not self.quiet:
            click.secho(printable(message), color=self.color, dim=True, err=True)

    def warn(self, message: str) -> None:
        if not self.quiet:
            click.secho(printable(message), color=self.color, fg="yellow", err=True)

    def error(self, message: str) -> None:
        """Errors are always shown, whatever --quiet says."""
        click.secho(printable(message), color=self.color, fg="red", err=True)


def shell_quoted(path: Path | str) -> str:
    """A path as it can be pasted into this system's shell: a folder named `My practice`
    or `Robin's clients` stays one word."""
    text = str(path)
    if os.name == "nt":
        return subprocess.list2cmdline([text])
    return shlex.quote(text)


def side_by_side(left: str, right: str, *, headings: tuple[str, str], width: int = 80) -> str:
    """Two texts in two columns under their headings, each wrapped to half the width,
    indented by two spaces; one below the other where the terminal is too narrow."""
    column = (width - 5) // 2
    if column < 24:
        return "\n".join(f"  {heading}:\n" + textwrap.indent(printable(text), "    ")
                         for heading, text in zip(headings, (left, right)))
    columns = [[heading + ":"] + [line for part in printable(text).split("\n")
                                  for line in (textwrap.wrap(part, column) or [""])]
               for heading, text in zip(headings, (left, right))]
    rows = max(len(c) for c in columns)
    return "\n".join(f"  {a:<{column}} | {b}".rstrip()
                     for a, b in zip(*(c + [""] * (rows - len(c)) for c in columns)))


def counted(count: int, singular: str, plural: str) -> str:
    """`1 problem found`, `2 problems found`: the count and the words in the form it takes
    (gettext's plural forms, so a translation gets its language's forms, not "(s)")."""
    return f"{count} {gettext.ngettext(singular, plural, count)}"
