"""No English left in a template: the example workbook built in a pseudo-language.

Every message of coach-site's catalogue (messages.pot: the templates' sentences, the
words of _words.yaml, the questions of questions.yaml) is translated to itself between
⟦ and ⟧, in a catalogue made here for Esperanto (`eo`), a language Material for MkDocs
speaks and coach-site ships no catalogue for; the practice is set to it (theme.language),
so the workbook, its sealed shell and the site dir's front page all speak it. Then every
word a reader meets on every page (its text, title, aria-label, alt and placeholder, and
the words the scripts show, its data- attributes) must be inside ⟦...⟧ or be one of:

* the client's own words (every text of the client file, as written, by line and between
  Markdown's marks; their names) and the practice's (mkdocs.yml: the coach, the palette's
  toggle names);
* Material's own words, read from its installed language file for `eo` (and the English
  one it falls back to for a key `eo` lacks): the theme's search box, "back to top", ...
  coach-site does not translate them, the language's own file does;
* dates and weekday names, as Babel writes them in the language (the client file's dates
  and the day it was last updated);
* identifiers the scripts read, not words (page_text.IDENTIFIERS: keys, fingerprints, fields).

A sentence written straight into a template, or a word put into a page by Python, is
not in the catalogue, so it is not wrapped: it is found here, whatever the language.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po, write_po
from conftest import EXAMPLE_CLIENT, MINIMAL_CLIENT, copy_project
from page_text import Page, read_page

from coach_site.clientfile.history import last_updated
from coach_site.engine.languages import THEME_PACKAGE
from coach_site.project_loader import load_project
from coach_site.workbook import translations
from coach_site.workbook.dates import human_date, short_date, weekday_names
from coach_site.workbook.pipeline import Built, build_clients

PSEUDO = "eo"
KEY = "q2Vb7XnR4mTz9KcW1pLs8HdYf3JgA6uEo0iNw5rBx-k"
WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
LETTER = re.compile(r"[^\W\d_]")  # a letter of any script
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\([a-z_]+\)s")  # filled in after translation
MESSAGE = "\x01"  # where a message was, once read


def pseudo_catalogue(folder: Path) -> Path:
    """A catalogue folder holding one catalogue, for PSEUDO: every message as ⟦message⟧."""
    with (translations.LOCALE_DIR / "messages.pot").open("rb") as f:
        catalogue = read_po(f, locale=PSEUDO)
    for message in catalogue:
        if isinstance(message.id, tuple):  # a counted message: each plural form wrapped
            message.string = tuple(f"⟦{form}⟧" for form in (message.id[0], *[message.id[1]] * 5))[:6]
        elif message.id:
            message.string = f"⟦{message.id}⟧"
    target = folder / PSEUDO / "LC_MESSAGES" / f"{translations.DOMAIN}.po"
    target.parent.mkdir(parents=True)
    with target.open("wb") as f:
        write_po(f, catalogue)
    return folder


@pytest.fixture(scope="module")
def pseudo_build(tmp_path_factory):
    """The example client, and a sealed client, built in one run in a practice that speaks
    PSEUDO, with coach-site's catalogues replaced by the pseudo one for the run."""
    base = tmp_path_factory.mktemp("pseudo")
    root = copy_project(base / "practice")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  language: en\n", f"  language: {PSEUDO}\n"))
    client = root / "clients" / EXAMPLE_CLIENT.name
    shutil.copy(EXAMPLE_CLIENT, client)
    sealed = root / "clients" / "sealed.yaml"  # its pages are shells: the words are the shell's
    sealed.write_text(MINIMAL_CLIENT.replace("focus_areas:", f"  sealed: true\n  key: {KEY}\nfocus_areas:"),
                      encoding="utf-8")
    site_dir = base / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(translations, "LOCALE_DIR", pseudo_catalogue(base / "locale"))
        plain, shells = build_clients([client, sealed], load_project(root), site_dir, jobs=1)
    assert isinstance(plain, Built) and isinstance(shells, Built), (plain, shells)
    assert not plain.warnings and not shells.warnings, plain.warnings + shells.warnings
    return root, client, plain.site, shells.site, site_dir


# ---- What may stand outside ⟦...⟧ ---------------------------------------------------------

def client_words(path: Path) -> set[str]:
    """Every text of the client file: whole, each line, each piece between Markdown's marks
    and a timeline's `·`, with a list item's mark taken off; and the words of the names."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.add(node)
            for line in node.splitlines():
                line = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", line)
                found.add(line)
                found.add(re.sub(r"[*_`]+", "", line))
                found.update(re.split(r"[*_`#\[\]()]+|\s·\s", line))

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    walk(data)
    names = data["client"]
    found.update((names["name"] + " " + (names.get("preferred_name") or "")).split())
    return {piece.strip() for piece in found if piece.strip()}


def dates_of(path: Path) -> set[dt.date]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(key)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, dt.date):
            found.add(node)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found | {last_updated(path)}


def material_words(language: str) -> set[str]:
    """The theme's own interface words in `language`, from its installed language file (and
    the English one, for the keys the language lacks: the theme falls back to those)."""
    import importlib.util

    folder = Path(importlib.util.find_spec(THEME_PACKAGE).submodule_search_locations[0])

    def read(code: str) -> dict[str, str]:
        text = (folder / "templates" / "partials" / "languages" / f"{code}.html").read_text(encoding="utf-8")
        return dict(re.findall(r'^\s*"([^"]+)": "((?:[^"\\]|\\.)*)",?$', text, re.MULTILINE))

    own, english = read(language), read("en")
    words = {english[key] for key in english.keys() - own.keys()} | set(own.values())
    assert {"Serĉo", "Reen al supro"} <= words  # the search box's placeholder, "back to top"
    return words


def practice_words(root: Path) -> set[str]:
    """The practice's own words in mkdocs.yml: the coach, and the palette's toggle names."""
    settings = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    coach = settings["extra"]["coach"]
    toggles = [scheme["toggle"]["name"] for scheme in settings["theme"]["palette"]]
    return {coach["name"], coach["email"], *toggles}


class Reader:
    """Reads a page of the pseudo-language build: what may stand outside ⟦...⟧ (longest
    first, each as whole words), and the catalogue's messages as a page shows them (without
    Markdown's marks), so that what fills a message's placeholders is read too: a word put
    into a message by a template or by Python is no more the catalogue's than one beside it."""

    def __init__(self, root: Path, client: Path):
        days = dates_of(client)
        pieces = (client_words(client) | material_words(PSEUDO) | practice_words(root)
                  | {human_date(day, PSEUDO) for day in days} | {short_date(day, PSEUDO) for day in days}
                  | set(weekday_names(PSEUDO)))
        self.allowed = [re.compile(rf"(?<![^\W\d_]){re.escape(piece)}(?![^\W\d_])")
                        for piece in sorted(pieces, key=len, reverse=True) if LETTER.search(piece)]
        with (translations.LOCALE_DIR / "messages.pot").open("rb") as f:
            shown = {" ".join(re.sub(r"\*\*?|`", "", form).split()) for m in read_po(f) if m.id
                     for form in (m.id if isinstance(m.id, tuple) else (m.id,))}
        self.messages = shown  # as written: a script fills in what is still in braces
        self.filled = [re.compile("".join(re.escape(part) if i % 2 == 0 else "(.*?)"  # the placeholders at odd places
                                          for i, part in enumerate(re.split(f"({PLACEHOLDER.pattern})", m))), re.DOTALL)
                       for m in shown if PLACEHOLDER.search(m)]

    def left_of(self, text: str) -> tuple[str, list[str]]:
        """What of `text` is neither a message of the catalogue nor allowed ("" when nothing
        is; its lines stay where they were), and what is wrong inside its messages."""
        problems: list[str] = []

        def message(match: re.Match) -> str:
            problems.extend(self._inside(" ".join(match[0][1:-1].split())))
            return MESSAGE + "\n" * match[0].count("\n")

        while (stripped := WRAPPED.sub(message, text)) != text:
            text = stripped  # innermost first: a message inside a message
        text = text.replace(MESSAGE, " ")
        for pattern in self.allowed:
            text = pattern.sub(lambda m: "\n" * m[0].count("\n") or " ", text)
        return (text if LETTER.search(text) else ""), problems

    def _inside(self, said: str) -> list[str]:
        """A message as the page shows it: one of the catalogue's, its placeholders filled
        with messages or allowed words."""
        if said in self.messages:
            return []
        shown = said.replace(MESSAGE, "⟦...⟧")
        problems = [f"⟦{shown}⟧ is not a message of the catalogue as written"]
        for pattern in self.filled:  # several may match ("{name}: {rating} out of 10"): one must fit
            if found := pattern.fullmatch(said):
                problems = [f"⟦{shown}⟧ fills a placeholder with {' '.join(rest.split())!r}"
                            for value in found.groups()
                            if (rest := self.left_of(PLACEHOLDER.sub(" ", value.replace(MESSAGE, " ")))[0])]
                if not problems:
                    return []
        return problems

    def english_in(self, page: Page) -> list[str]:
        """The page's lines, title and attributes that hold words of neither the catalogue nor
        the list of what is allowed: each as written, and what is left of it."""
        left, found = self.left_of("\n".join(page.lines))
        found += [f"{line!r}: {' '.join(rest.split())!r}"
                  for line, rest in zip(page.lines, left.split("\n")) if LETTER.search(rest)]
        for name, value in [("<title>", page.title), *page.spoken, *page.script_words]:
            rest, problems = self.left_of(value)
            found += [f"{name}={value!r}: {problem}" for problem in problems]
            if rest:
                found.append(f"{name}={value!r}: {' '.join(rest.split())!r}")
        return found


# ---- The check ------------------------------------------------------------------------------

def test_every_word_of_every_page_is_a_message_of_the_catalogue_or_the_clients(pseudo_build):
    root, client, site, sealed_site, site_dir = pseudo_build
    reader = Reader(root, client)
    pages = {f"workbook/{p.relative_to(site).as_posix()}": p for p in sorted(site.rglob("*.html"))}
    pages |= {f"sealed/{p.relative_to(sealed_site).as_posix()}": p for p in sorted(sealed_site.rglob("*.html"))}
    pages["site dir/index.html"] = site_dir / "index.html"
    assert {"workbook/index.html", "workbook/404.html", "workbook/print.html", "sealed/area-1.html"} <= set(pages)
    found = {name: english for name, path in pages.items() if (english := reader.english_in(read_page(path)))}
    assert not found, "words of coach-site outside its catalogue (put them in a template's _() or _words.yaml):\n" + \
        "\n".join(f"{name}:\n  " + "\n  ".join(english) for name, english in found.items())


def test_the_check_sees_every_kind_of_page_in_the_pseudo_language(pseudo_build):
    """The check can fail: what it reads is there, and wrapped."""
    _, _, site, sealed_site, site_dir = pseudo_build
    home = read_page(site / "index.html")
    assert home.lang == PSEUDO and "⟦Hi %(name)s⟧".replace("%(name)s", "Maya") in home.lines
    assert "Reen al supro" in home.lines  # Material's own words, in the language's file's words
    assert any(name == "data-question" and value.startswith("⟦") for page in site.glob("*.html")
               for name, value in read_page(page).data)  # a question of questions.yaml, through the catalogue
    shell = read_page(sealed_site / "index.html")
    assert shell.title == "⟦Your workbook⟧" and "⟦Your workbook⟧" in shell.lines
    assert any(name == "data-say-no-key" and value.startswith("⟦") for name, value in shell.data)
    front = read_page(site_dir / "index.html")
    assert (front.lang, front.title) == (PSEUDO, "⟦Private⟧")
    reader = Reader(*pseudo_build[:2])
    assert reader.left_of("⟦Hi Maya⟧ Reen al supro Maya") == ("", [])
    assert reader.left_of("⟦Hi Maya⟧ Your compass")[0].split() == ["Your", "compass"]
    assert reader.left_of("⟦Hi Friend⟧ ⟦Values⟧") == ("", ["⟦Hi Friend⟧ fills a placeholder with 'Friend'"])
    assert reader.left_of("⟦Due ⟦Values⟧⟧")[1] == []  # a message in a message's placeholder
    assert reader.left_of("⟦Your valeus⟧")[1] == ["⟦Your valeus⟧ is not a message of the catalogue as written"]
