"""The one place where a client's text is made safe for a page.

Two halves of one job, both applied to every page:

* `escape_user_text` is the Jinja `finalize` hook of the content templates, so every
  `{{ value }}` a template prints is HTML-escaped before Markdown sees it. `<script>`
  becomes text; Markdown syntax (`*how*`, lists, links) still works because Markdown
  does not need `<`, `>` or `&`. Trusted HTML (the SVG pictures) is `Markup` and
  passes through untouched.
* `SafeLinksExtension` is a Python-Markdown extension, added to every build (the pipeline
  names it to the engine as `SAFE_LINKS_EXTENSION`; the engine adds it whatever mkdocs.yml
  says), that runs after Markdown has made its links and images: it removes `javascript:`/`data:` and
  other unknown URL schemes, event-handler and style attributes, and images from other
  hosts (a remote image would tell that host who reads the workbook, and when). A
  picture loads only from a relative path on the site itself: anything with a scheme,
  a host (`//host`, `/\\host`, `\\\\host`) or the site's root is shown as a link instead,
  so it never loads, even where the host sends no Content-Security-Policy.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable
from typing import Any

from markdown import Extension, Markdown, util
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

SAFE_LINK_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "background", "cite", "data"}
_BLOCKQUOTE_MARK = re.compile(r"^([ \t]*)&gt;", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
# Attributes whose URL a browser fetches by itself, without a click.
LOADED_ATTRIBUTES = {"src", "srcset", "poster", "background", "data", "lowsrc", "dynsrc"}
_SPACES = re.compile(r"[\x00-\x20\x7f\s]+")
# What a build names to have every page's links and pictures cleaned: Markdown loads an
# extension by its module's name (`makeExtension` below).
SAFE_LINKS_EXTENSION = __name__
# Markdown keeps a backslash-escaped character as a placeholder until its last step.
_MARKDOWN_ESCAPE = re.compile(f"{util.STX}(\\d+){util.ETX}")


def _as_written(value: str) -> str:
    """An attribute as it will be on the page, with Markdown's escape placeholders undone."""
    return _MARKDOWN_ESCAPE.sub(lambda m: chr(int(m.group(1))), value)


def escape_user_text(value: Any) -> str:
    """What a template prints for `{{ value }}`: escaped text, never `None`."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    escaped = str(escape(str(value)))
    # A `>` at the start of a line cannot open a tag: give Markdown its blockquotes back.
    return Markup(_BLOCKQUOTE_MARK.sub(r"\1>", escaped))


def escape_html(value: Any) -> Markup:
    """Escape text for HTML or SVG that we write ourselves (labels in pictures)."""
    return escape(value)


def trusted_html(parts: Iterable[str]) -> Markup:
    """HTML that coach-site writes itself (the SVG pictures), joined and passed to the
    page as it is. Every piece of a client's text in `parts` must have gone through
    `escape_html`: this is the one place that says "do not escape this again"."""
    return Markup("".join(parts))


def url_scheme(url: str) -> str | None:
    """The scheme of a URL as a browser reads it (entities decoded, spaces dropped), or None."""
    cleaned = _CONTROL.sub("", html.unescape(url))
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else None


def is_safe_link(url: str) -> bool:
    scheme = url_scheme(url)
    return scheme is None or scheme in SAFE_LINK_SCHEMES


def is_local_path(url: str) -> bool:
    """A relative path on this site: no scheme, no host, not from the site's root.

    Read as a browser might read it: entities decoded, spaces and control characters
    dropped, and a backslash taken for a slash.
    """
    cleaned = _SPACES.sub("", html.unescape(url))
    return bool(cleaned) and cleaned[0] not in "/\\" and url_scheme(url) is None


def _loads_only_local(name: str, value: str) -> bool:
    if name == "srcset":  # "a.png 1x, b.png 2x": every candidate counts
        return all(is_local_path(part.split()[0]) for part in value.split(",") if part.split())
    return is_local_path(value)


class _SafeLinks(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, element in enumerate(list(parent)):
                self._clean(parent, index, element)

    def _clean(self, parent: etree.Element, index: int, element: etree.Element) -> None:
        picture = _as_written(element.get("src", "")) if element.tag == "img" else None
        for name in list(element.attrib):
            lowered, value = name.lower(), _as_written(element.attrib[name])
            if lowered.startswith("on") or lowered == "style":
                del element.attrib[name]
            elif lowered in URL_ATTRIBUTES and not is_safe_link(value):
                del element.attrib[name]
            elif lowered in LOADED_ATTRIBUTES and not _loads_only_local(lowered, value):
                del element.attrib[name]  # from another host, or the site's root: never fetched
        if element.tag == "a" and "href" not in element.attrib:
            element.tag = "span"  # an unsafe link keeps its words and loses its target
        elif element.tag == "img" and "src" not in element.attrib:
            # A picture from elsewhere: show a link to it instead of loading it.
            safe = bool(picture) and is_safe_link(picture)
            replacement = etree.Element("a", {"href": picture}) if safe else etree.Element("span")
            replacement.text = element.get("alt") or "image"
            replacement.tail = element.tail
            parent.remove(element)
            parent.insert(index, replacement)


class SafeLinksExtension(Extension):
    """Named to every build as `SAFE_LINKS_EXTENSION`, enforced by the engine; see the module docstring."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Late: after 'inline' (20) makes links and 'attr_list' (8) sets attributes,
        # before MkDocs rewrites relative links (0).
        md.treeprocessors.register(_SafeLinks(md), "coach_site_safe_links", 2)


def makeExtension(**kwargs: Any) -> SafeLinksExtension:  # noqa: N802 (Markdown's API)
    return SafeLinksExtension(**kwargs)
