"""What a reader meets on a built page, read with the standard library's HTML parser.

Shared by the golden pages (test_golden.py) and the pseudo-language check
(test_pseudo_language.py): a page's title and language, its text a line per block (the
pieces of one paragraph stay on one line, however many inline elements split it), the
attributes a browser shows or a screen reader reads out, and the words the workbook's
scripts show (data-*), its headings and its landmarks. Scripts and styles are no text;
what is hidden until a script shows it (`hidden`, <noscript>) is, and so are the words of the
calendar events a page carries for "Add to my calendar".
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from icalendar import Calendar

# Elements that start a line of their own; every other element flows inside its line.
BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "br", "button", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "label", "legend", "li", "main", "nav", "noscript", "ol", "option", "p", "pre",
    "section", "select", "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "ul",
    "svg", "title", "desc", "text", "g",
}
SPOKEN = ("aria-label", "title", "alt", "placeholder")  # shown by the browser or read out
LANDMARKS = {"header": "banner", "nav": "navigation", "main": "main", "footer": "contentinfo",
             "aside": "complementary", "search": "search"}
# data- attributes that hold identifiers the workbook's scripts read (keys, fingerprints,
# fields, dates, addresses), never words; data-md-* are the theme's own machinery.
IDENTIFIERS = {"data-field", "data-key", "data-legacy", "data-step", "data-steps", "data-recorded", "data-due",
               "data-order", "data-remind-days", "data-path", "data-root", "data-index", "data-iterations",
               "data-iv", "data-token",
               # JSON the scripts read: what the client file holds of the coachee's answers (the
               # client's own words), the open questions' fields by fingerprint, the place of each
               # field (page titles and questions: the catalogue's, read where those pages show them)
               "data-held", "data-open-fields", "data-places", "data-count", "data-total"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_NOT_TEXT = {"script", "style", "template"}


@dataclass
class Page:
    title: str = ""  # the document's <title>
    lang: str = ""
    lines: list[str] = field(default_factory=list)
    spoken: list[tuple[str, str]] = field(default_factory=list)  # (attribute, value), SPOKEN ones
    data: list[tuple[str, str]] = field(default_factory=list)  # (attribute, value), data-* ones
    headings: list[tuple[int, str]] = field(default_factory=list)
    landmarks: list[tuple[str, str]] = field(default_factory=list)  # (role, its aria-label)

    @property
    def script_words(self) -> list[tuple[str, str]]:
        """The data- attributes that hold words, which the workbook's scripts show; the words of
        a calendar file a page carries (data-calendar), each event's and reminder's, as a
        calendar shows them."""
        found = []
        for name, value in self.data:
            if name == CALENDAR:
                found += calendar_words(value)
            elif name not in IDENTIFIERS and not name.startswith("data-md-"):
                found.append((name, value))
        return found


CALENDAR = "data-calendar"  # "Add to my calendar": a calendar file, in base64


def calendar_words(value: str) -> list[tuple[str, str]]:
    """The words of a calendar file a page carries: each event's and reminder's title and description."""
    calendar = Calendar.from_ical(base64.b64decode(value))
    return [(f"{CALENDAR} {component.name} {field}", str(component[field]))
            for component in calendar.walk() for field in ("SUMMARY", "DESCRIPTION") if field in component]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.line: list[str] = []
        self.skip = 0
        self.in_head = False
        self.in_title = False
        self.heading: tuple[int, list[str]] | None = None

    def flush(self) -> None:
        text = " ".join("".join(self.line).split())
        if text:
            self.page.lines.append(text)
        self.line = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _NOT_TEXT:
            self.skip += 1
        if tag == "html":
            self.page.lang = attributes.get("lang") or ""
        if tag == "head":
            self.in_head = True
        if tag == "title" and self.in_head:
            self.in_title = True
        if tag in BLOCKS:
            self.flush()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = (int(tag[1]), [])
        role = attributes.get("role") or LANDMARKS.get(tag)
        if role in LANDMARKS.values():
            self.page.landmarks.append((role, attributes.get("aria-label") or ""))
        for name, value in attrs:
            if value and name in SPOKEN:
                self.page.spoken.append((name, value))
            elif value and name.startswith("data-"):
                self.page.data.append((name, value))
        if tag in _VOID and tag in BLOCKS:
            self.flush()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _NOT_TEXT:
            self.skip = max(0, self.skip - 1)
        if tag == "head":
            self.in_head = False
        if tag == "title" and self.in_title:
            self.in_title = False
            self.page.title = " ".join("".join(self.line).split())
            self.line = []
            return
        if self.heading and tag == f"h{self.heading[0]}":
            self.page.headings.append((self.heading[0], " ".join("".join(self.heading[1]).split())))
            self.heading = None
        if tag in BLOCKS:
            self.flush()

    def handle_data(self, data):
        if self.skip:
            return
        self.line.append(data)
        if self.heading:
            self.heading[1].append(data)


def read_page(path: Path) -> Page:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    reader.flush()
    return reader.page
