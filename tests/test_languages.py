"""The workbook in the coachee's language: `language:` in the client file, the theme's own
words and direction per client, dates, and coach-site's own words through gettext."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach_site.cli import cli
from coach_site.engine.languages import theme_languages
from coach_site.project import load_project
from coach_site.workbook.pipeline import Built, build_clients
from tests.conftest import MINIMAL_CLIENT

GERMAN_TOKEN = "Gm7qT2vX9pLk4RwZc5NbYe"
FRENCH_TOKEN = "Fr8sK3wY0qMj5TxAd6PcZu"
HEBREW_TOKEN = "Hb4nP7rQ1sVe8UyBf2KdWx"


def client_text(token: str, language: str | None, name: str = "Ada Example") -> str:
    text = MINIMAL_CLIENT.replace("3hVt9QmK2xLp7RwZc5NbYa", token).replace("Ada Example", name)
    return text + (f"language: {language}\n" if language else "")


def html_tag(page: Path) -> str:
    """The page's <html> and <body> tags: its language and its direction."""
    text = page.read_text(encoding="utf-8")
    return re.search(r"<html[^>]*>", text).group(0) + re.search(r"<body[^>]*>", text).group(0)


# --- 1. `language:` in the client file -----------------------------------------------------

def test_the_known_languages_are_the_themes():
    known = theme_languages()
    assert {"en", "de", "fr", "es", "pt-BR", "he"} <= set(known)
    assert "deu" not in known and "xx" not in known


@pytest.mark.parametrize(("written", "meant"), [
    ("deu", "de"), ("German", "de"), ("Deutsch", "de"), ("pt_br", "pt-BR"), ("FR", "fr"), ("espanol", "es"),
])
def test_an_unknown_language_is_an_error_with_the_line_and_the_code_meant(write_client, written, meant):
    client = write_client("client:\n  name: Ada Example\nlanguage: " + written + "\nlink:\n  token: 3hVt9QmK2xLp7RwZc5NbYa\n")
    result = CliRunner().invoke(cli, ["check", str(client)])
    assert result.exit_code == 1
    assert f"ada-example.yaml:3: language: `{written}` is not a language code the workbook knows" in result.output
    assert f"(did you mean `{meant}`?)" in result.output
    assert "Traceback" not in result.output


def test_a_code_nothing_resembles_lists_the_known_codes(write_client):
    client = write_client(client_text("3hVt9QmK2xLp7RwZc5NbYa", "qqq"))
    result = CliRunner().invoke(cli, ["check", str(client)])
    assert result.exit_code == 1
    assert "`qqq` is not a language code" in result.output and "pt-BR" in result.output


def test_a_known_language_passes_check(write_client):
    client = write_client(client_text("3hVt9QmK2xLp7RwZc5NbYa", "pt-BR"))
    result = CliRunner().invoke(cli, ["check", str(client)])
    assert result.exit_code == 0, result.output


def test_new_writes_the_language_and_refuses_an_unknown_one(project):
    result = CliRunner().invoke(cli, ["new", "Jana Weber", "--language", "de"])
    assert result.exit_code == 0, result.output
    written = (project / "clients" / "jana-weber.yaml").read_text(encoding="utf-8")
    assert re.search(r'^language: "de" +# ', written, re.MULTILINE)
    assert CliRunner().invoke(cli, ["check", "clients/jana-weber.yaml"]).exit_code == 0
    refused = CliRunner().invoke(cli, ["new", "Jo Weber", "--language", "Deutsch"])
    assert refused.exit_code == 1
    assert "did you mean `de`?" in refused.output
    assert not (project / "clients" / "jo-weber.yaml").exists()


def test_the_schema_describes_the_language(project):
    schema = json.loads((Path(__file__).parent.parent / "clients" / "client.schema.json").read_text())
    assert "language" in schema["properties"]
    assert "mkdocs.yml" in json.dumps(schema["properties"]["language"])


# --- 2. The theme's language, per client, in one run ---------------------------------------

def test_clients_of_one_run_each_get_their_own_language(project, write_client, tmp_path):
    files = [
        write_client(client_text(GERMAN_TOKEN, "de", "Jana Weber"), "jana"),
        write_client(client_text(FRENCH_TOKEN, "fr", "Chloe Martin"), "chloe"),
        write_client(client_text(HEBREW_TOKEN, "he", "Noa Levi"), "noa"),
        write_client(client_text("3hVt9QmK2xLp7RwZc5NbYa", None), "ada"),
    ]
    site_dir = tmp_path / "site"
    outcomes = list(build_clients(files, load_project(project), site_dir, jobs=1))
    assert all(isinstance(o, Built) for o in outcomes), outcomes
    german, french, hebrew, english = (site_dir / t / "index.html" for t in
                                        (GERMAN_TOKEN, FRENCH_TOKEN, HEBREW_TOKEN, "3hVt9QmK2xLp7RwZc5NbYa"))
    assert 'lang="de"' in html_tag(german) and 'dir="ltr"' in html_tag(german)
    assert 'lang="fr"' in html_tag(french)
    assert 'lang="he"' in html_tag(hebrew) and 'dir="rtl"' in html_tag(hebrew)
    assert 'lang="en"' in html_tag(english)  # mkdocs.yml's theme.language
    # The theme's own interface words: its search box's placeholder.
    assert 'placeholder="Suche"' in german.read_text(encoding="utf-8")
    assert 'placeholder="Rechercher"' in french.read_text(encoding="utf-8")
    assert 'placeholder="Search"' in english.read_text(encoding="utf-8")
    # The search index is each language's own too (the search plugin keeps its first language).
    index = (site_dir / FRENCH_TOKEN / "search" / "search_index.json").read_text(encoding="utf-8")
    assert json.loads(index)["config"]["lang"] == ["fr"]
