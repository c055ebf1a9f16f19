"""The example workbook's pages, as a reader meets them, against their golden text.

Each page of the example client's workbook (clients/maya-lindqvist.yaml, built by the real
pipeline) is written as readable text into tests/golden/<page>.txt: its title and language,
its landmarks and headings, its text a line per block, what is read out (aria-label, title,
alt, placeholder) and the words its scripts show (data- attributes, each once); tests/golden/_site.txt
names the pages and the installed app. Any change of a template, a word or the theme shows
here as a diff of those files, as Pelican compares whole sites.

Only what varies from day to day is normalised: the "Updated ..." line, whose date is the
day the client file last changed in git (its own date when it has uncommitted edits). No
page depends on today's date when it is built (the due date's wording for a date that has
passed is chosen by the page's script, on the reader's device).

After a change meant to alter the pages, `make snapshot` (COACH_SITE_UPDATE_SNAPSHOT=1)
rewrites the files; review them with `git diff tests/golden/` and commit them with it.
"""

from __future__ import annotations

import difflib
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLIENT, REPO
from page_text import Page, read_page

from coach_site.clientfile.history import last_updated
from coach_site.project_loader import load_project
from coach_site.workbook.dates import human_date
from coach_site.workbook.render import load_words

GOLDEN = Path(__file__).resolve().parent / "golden"
SITE_FILE = "_site.txt"
UPDATE = os.environ.get("COACH_SITE_UPDATE_SNAPSHOT") == "1"


def updated_line(language: str) -> tuple[str, str]:
    """The "Updated ..." line of the example's pages, and what it becomes in the golden text."""
    said = load_words(load_project(REPO).content_dirs, language)["workbook"]["updated"]
    day = human_date(last_updated(EXAMPLE_CLIENT), language)
    return said.replace("{date}", day), said.replace("{date}", "<the day the client file last changed>")


def page_text(page: Page, name: str, updated: tuple[str, str]) -> str:
    out = [f"page: {name}", f"title: {page.title}", f"lang: {page.lang}", "", "landmarks:"]
    out += [f"  {role}" + (f": {label}" if label else "") for role, label in page.landmarks]
    out += ["", "headings:"]
    out += [f"  {'  ' * (level - 1)}h{level} {text}" for level, text in page.headings]
    out += ["", "text:"]
    out += [f"  {updated[1] if line == updated[0] else line}" for line in page.lines]
    out += ["", "read out:"]
    out += [f"  {name}: {value}" for name, value in page.spoken]
    out += ["", "words for the scripts (each once, with how many carry it):"]
    out += [f"  {name}: {value}" + (f" (x{count})" if count > 1 else "")
            for (name, value), count in Counter(page.script_words).items()]
    return "\n".join(out) + "\n"


def site_text(site: Path) -> str:
    """The names of the pages and of the app a coachee installs."""
    out = ["pages:"]
    out += [f"  {page.relative_to(site).as_posix()}: {read_page(page).title}" for page in sorted(site.rglob("*.html"))]
    manifest = json.loads((site / "manifest.webmanifest").read_text(encoding="utf-8"))
    out += ["", "installed as:", f"  name: {manifest['name']}", f"  short_name: {manifest['short_name']}"]
    return "\n".join(out) + "\n"


def golden_texts(site: Path) -> dict[str, str]:
    """File name in tests/golden/ -> its text, for the built site."""
    pages = sorted(site.rglob("*.html"))
    language = read_page(site / "index.html").lang
    updated = updated_line(language)
    texts = {SITE_FILE: site_text(site)}
    for page in pages:
        name = page.relative_to(site).as_posix()
        texts[name.removesuffix(".html").replace("/", "--") + ".txt"] = page_text(read_page(page), name, updated)
    return texts


def test_the_example_workbook_reads_as_its_golden_text(example_site):
    built = golden_texts(example_site)
    assert any(updated_line("en")[1] in text for text in built.values())  # the date is found, and normalised
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        stale = [p for p in GOLDEN.glob("*.txt") if p.name not in built]
        changed = [name for name, text in built.items()
                   if not (GOLDEN / name).is_file() or (GOLDEN / name).read_text(encoding="utf-8") != text]
        for path in stale:
            path.unlink()
        for name in changed:
            (GOLDEN / name).write_text(built[name], encoding="utf-8")
        pytest.skip(f"COACH_SITE_UPDATE_SNAPSHOT=1: tests/golden/ written from this build, not compared: "
                    f"{len(changed)} of {len(built)} file(s) changed, {len(stale)} removed; "
                    "review them with git diff tests/golden/")
    golden = {p.name: p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*.txt"))}
    assert golden, "tests/golden/ is empty: run `make snapshot` to write it"
    diffs = []
    for name in sorted(golden.keys() | built.keys()):
        if golden.get(name) != built.get(name):
            diffs += difflib.unified_diff(
                (golden.get(name) or "").splitlines(keepends=True), (built.get(name) or "").splitlines(keepends=True),
                f"tests/golden/{name}" if name in golden else "/dev/null",
                f"built: {name}" if name in built else "/dev/null",
            )
    if diffs:
        pytest.fail("The example's pages differ from their golden text. If the change is meant, run `make snapshot` "
                    "and commit tests/golden/ with it.\n" + "".join(diffs), pytrace=False)
