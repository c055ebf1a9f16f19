"""Where the workbook's words live: the questions in one catalogue, each worded once; every
other word a coachee reads in the templates and content/_words.yaml, never in Python or
JavaScript string literals (the groundwork for translating the workbook)."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT, REPO, build

from coach_site.clientfile.catalogue import CATALOGUE_FILE, QUESTIONS
from coach_site.clientfile.model import FocusArea, Reflections, Schedule, TedTalk

SOURCES = ("coach_site", "content", "overrides")  # coach-site's own theme, and the example practice's changes
TEXT_FILES = {".py", ".j2", ".yaml", ".html", ".js", ".css", ".md", ".txt", ".xml"}


def source_texts() -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for folder in SOURCES
        for path in sorted((REPO / folder).rglob("*"))
        if path.is_file() and path.suffix in TEXT_FILES and "__pycache__" not in path.parts
    }


def catalogue_wordings() -> list[str]:
    """Every question, homework task and reflection box's question in the catalogue (headings
    are short words that may well be written elsewhere too, as in a comment)."""
    found = []
    for section in QUESTIONS:
        for q in section:
            found += [w for w in (q.question, q.task) if w]
            if q.box:
                found.append(q.box.question)
    return found


def test_each_question_is_worded_in_one_place_the_catalogue():
    texts = source_texts()
    catalogue = Path(str(CATALOGUE_FILE))
    assert catalogue in texts
    for wording in catalogue_wordings():
        hits = {path.relative_to(REPO).as_posix(): text.count(wording) for path, text in texts.items()}
        hits = {path: n for path, n in hits.items() if n}
        assert hits == {"coach_site/clientfile/questions.yaml": 1}, f"{wording!r} is written in {hits}"


@pytest.mark.parametrize(
    ("section", "model", "not_asked"),
    [
        (QUESTIONS.focus_area, FocusArea, {"name", "notes"}),  # notes: the coachee's, on these answers
        (QUESTIONS.schedule, Schedule, set()),
        (QUESTIONS.ted_talk, TedTalk, set()),
    ],
)
def test_every_answer_of_the_client_file_has_its_question_in_the_catalogue(section, model, not_asked):
    assert [q.field for q in section] == [f for f in model.model_fields if f not in not_asked]
    for q in section:
        assert q.question and q.label and q.short
        assert model.model_fields[q.field].description == q.question  # the schema's hint
    assert Reflections.model_fields["anything_we_missed"].description == QUESTIONS.homework.anything_we_missed.question


# ---- No coachee-facing words in Python ---------------------------------------------------

class _VisibleText(HTMLParser):
    """The words of a page a coachee reads or hears: text, and the attributes a browser shows,
    a screen reader reads, or the workbook's JavaScript puts on the page (data-*)."""

    SHOWN = {"title", "alt", "aria-label", "placeholder"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if v and (k in self.SHOWN or k.startswith("data-"))]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(site: Path) -> str:
    parser = _VisibleText()
    for page in sorted(site.rglob("*.html")):
        parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def python_literals(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module and the fixed parts of its f-strings, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


# The code that makes what a coachee reads: the pages, their pictures, the site around them
# and the homework email. The rest speaks to the coach (messages, prep, changes, the comments
# of a new client file) and may keep its words in Python for now.
COACHEE_FACING = ("coach_site/workbook", "coach_site/engine", "coach_site/commands/email.py")
# Two words or more (of two letters or more): a phrase, not a key, a class name or a path.
_PHRASE = re.compile(r"(?<![\w/.-])[A-Za-z]{2,}[,;:]? +[A-Za-z]{2,}(?![\w/-])")


def _pieces(literal: str) -> set[str]:
    """A literal, and each of its lines and clauses: words may hide in a bigger string
    (`"---\\ntitle: Print the workbook\\n..."`)."""
    whole = " ".join(literal.split()).strip(" .,;:·")
    parts = re.split(r"\n|[:;.?!](?:\s|$)|<[^>]*>", literal)
    return {whole} | {" ".join(p.split()).strip(" .,;:·") for p in parts}


def test_no_words_of_the_workbook_are_in_python_string_literals(tmp_path):
    project = REPO
    client = tmp_path / "ada-example.yaml"
    client.write_text(MINIMAL_CLIENT, encoding="utf-8")  # every question open: every prompt shown
    shown = " ".join(
        visible_text(build(path, project, tmp_path / name).site)
        for path, name in ((REPO / "clients" / "maya-lindqvist.yaml", "full"), (client, "empty"))
    )
    assert "Prepared with you by" in shown and "Focus areas" in shown  # the check sees what it should
    found = []
    modules = [m for m in sorted((REPO / "coach_site").rglob("*.py"))
               if m.relative_to(REPO).as_posix().startswith(COACHEE_FACING)]
    assert len(modules) > 10
    for module in modules:
        where = module.relative_to(REPO).as_posix()
        for line, literal in python_literals(module):
            for words in _pieces(literal):
                if _PHRASE.search(words) and words in shown:
                    found.append(f"{where}:{line}: {words!r}")
    assert not found, "words a coachee reads belong in content/ or the catalogue, not in Python:\n" + "\n".join(found)


# ---- No coachee-facing words in JavaScript -----------------------------------------------

_JS_TOKENS = re.compile(
    r"""/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`""", re.DOTALL
)
_JS_WORD = re.compile(r"\s*[A-Z][a-z]+[.!?]?\s*")  # "Download", "Saved."
_NOT_WORDS = {"use strict"}  # the directive


def js_literals(path: Path) -> list[str]:
    """The string literals of a script, its comments left out."""
    return [t[1:-1] for t in _JS_TOKENS.findall(path.read_text(encoding="utf-8")) if t[0] in "\"'`"]


def js_words(literal: str) -> bool:
    return literal not in _NOT_WORDS and bool(_PHRASE.search(literal) or _JS_WORD.fullmatch(literal))


def test_the_scripts_hold_no_words_and_read_them_from_the_page():
    scripts = sorted(path for folder in ("coach_site/theme/overrides", "overrides") for path in (REPO / folder).rglob("*.js"))
    assert scripts
    found = [f"{s.relative_to(REPO)}: {lit!r}" for s in scripts for lit in js_literals(s) if js_words(lit)]
    assert not found, "the JavaScript must read its words from the page (data- attributes):\n" + "\n".join(found)


def test_the_script_check_tells_words_from_keys_and_selectors():
    for words in ("Download", "Clear all", "Saved on this device.", " on: the question", "Workbook"):
        assert js_words(words), words
    for technical in ("md-button md-button--primary", "article h1", ".reflection[data-field][data-key]",
                      "coach-site:", "application/x-yaml", "DOMContentLoaded", "SHA-256", "use strict",
                      "(prefers-color-scheme: light)", "clear-all", "{date}"):
        assert not js_words(technical), technical
