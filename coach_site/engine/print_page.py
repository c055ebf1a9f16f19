"""The print page: every page of the workbook, in order, on one page, made from their HTML.

The pages are already Markdown-rendered when the print page is built, so it takes their
HTML instead of running every answer through Markdown a second time. Moving a page's HTML
onto another page needs two things done, both here:

* relative links and pictures are rebased, so they point where they did on their own page;
* an `id` an earlier part already uses (two area pages both have "why-it-matters") is
  renamed, with the references to it inside the same part, so every id on the page is one
  element's.

The HTML handled is MkDocs' own output: tags written by Python-Markdown and our
templates, attributes double-quoted, and a client's text escaped (it never holds a `"`
or `<` of its own), so a tag can be read with a pattern.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import get_relative_url

# Front matter that makes a page the print page (set by render), and that leaves a page out of it.
PRINT_ALL = "print_all"
PRINT = "print"

_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_ATTRIBUTE = re.compile(r'(\s)([a-zA-Z:-]+)="([^"]*)"')
_URL_ATTRIBUTES = {"href", "src", "xlink:href"}
# Attributes that name other elements by id, as a space-separated list.
_ID_LISTS = {"for", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-details",
             "headers", "list", "form"}
_ID = re.compile(r'<[a-zA-Z][^<>]*?\sid="([^"]*)"')
_FRAGMENT_REF = re.compile(r"url\(#([^)]+)\)")


def assemble(print_page: Page, pages: Iterable[Page]) -> None:
    """Append every other printable page's HTML to `print_page`, each on a new sheet, and
    give it a table of contents of its parts."""
    seen_ids = set(_ids(print_page.content or ""))
    chunks, toc = [print_page.content or ""], []
    for number, page in enumerate(_printable(print_page, pages), start=1):
        anchor = f"print-part-{number}"
        body = _rebase_links(page.content or "", page.url, print_page.url)
        body = _unique_ids(body, seen_ids, prefix=f"{anchor}-")
        seen_ids.update(_ids(body))
        chunks.append(f'\n<div class="print-section" id="{anchor}" aria-hidden="true"></div>\n{body}\n')
        toc.append(AnchorLink(html.escape(page.title or ""), anchor, 2))  # level 1 would be the page title
    print_page.content = "".join(chunks)
    print_page.toc = TableOfContents(toc)


def _ids(body: str) -> list[str]:
    return _ID.findall(body)


def _printable(print_page: Page, pages: Iterable[Page]) -> list[Page]:
    return [p for p in pages if p is not print_page and p.meta.get(PRINT, True) is not False]


def _rebase_links(body: str, from_url: str, to_url: str) -> str:
    """Relative URLs of a page at `from_url`, rewritten for a page at `to_url`."""
    if _directory(from_url) == _directory(to_url):
        return body  # every page in one folder (use_directory_urls: false): nothing moves

    def attribute(match: re.Match) -> str:
        space, name, value = match.groups()
        if name in _URL_ATTRIBUTES and _is_relative(value):
            value = get_relative_url(urljoin("/" + from_url, html.unescape(value))[1:], to_url)
            value = html.escape(value)
        return f'{space}{name}="{value}"'

    return _TAG.sub(lambda tag: _ATTRIBUTE.sub(attribute, tag.group(0)), body)


def _directory(url: str) -> str:
    return url.rpartition("/")[0]


def _is_relative(url: str) -> bool:
    parts = urlsplit(html.unescape(url))
    return not (parts.scheme or parts.netloc or url.startswith(("/", "#")) or url == "")


def _unique_ids(body: str, taken: set[str], prefix: str) -> str:
    """Rename this part's ids that an earlier part already uses, and its references to them."""
    clashing = {i for i in _ids(body) if i in taken}
    if not clashing:
        return body

    def renamed(name: str) -> str:
        return prefix + name if name in clashing else name

    def attribute(match: re.Match) -> str:
        space, name, value = match.groups()
        if name == "id":
            value = renamed(value)
        elif name in _ID_LISTS:
            value = " ".join(renamed(v) for v in value.split())
        elif name in _URL_ATTRIBUTES and value.startswith("#"):
            value = "#" + renamed(value[1:])
        value = _FRAGMENT_REF.sub(lambda m: f"url(#{renamed(m.group(1))})", value)
        return f'{space}{name}="{value}"'

    return _TAG.sub(lambda tag: _ATTRIBUTE.sub(attribute, tag.group(0)), body)
