"""The workbook in the coachee's language: `language:` in the client file, the theme's own
words and direction per client, dates, and coach-site's own words through gettext."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from click.testing import CliRunner
from conftest import MINIMAL_CLIENT

from coach_site.cli import cli
from coach_site.engine.languages import theme_languages
from coach_site.project_loader import load_project
from coach_site.workbook.pipeline import Built, build_client, build_clients
from coach_site.workbook.translations import LOCALE_DIR, catalogue_file

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


# --- 3. Dates -------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "written", "monday"), [
    ("en", "3 November 2026", "Monday"), ("de", "3. November 2026", "Montag"),
    ("fr", "3 novembre 2026", "lundi"), ("es", "3 de noviembre de 2026", "lunes"),
])
def test_dates_and_weekdays_as_people_of_the_language_write_them(language, written, monday):
    import datetime as dt

    from coach_site.workbook.dates import human_date, weekday_names

    assert human_date(dt.date(2026, 11, 3), language) == written
    assert weekday_names(language)[0] == monday


# --- 4 and 5. coach-site's own words: the catalogues ----------------------------------------

def shipped_languages() -> list[str]:
    """Every language with a catalogue (`pt_BR` -> `pt-BR`): adding a .po file adds its language."""
    return sorted(p.parent.parent.name.replace("_", "-") for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))


EXPECTATIONS = Path(__file__).resolve().parent / "languages"


def expectations(language: str) -> dict:
    """What a coachee reads in `language`, written down by someone who reads it (tests/languages/)."""
    path = EXPECTATIONS / f"{language}.yaml"
    if not path.is_file():
        pytest.fail(f"the `{language}` catalogue is shipped: write what a coachee reads in it into "
                    f"tests/languages/{language}.yaml, as de.yaml does")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


SHIPPED = shipped_languages()


def template_messages() -> list[str]:
    """Every message's English text; a counted message's forms each (`1 word`, `{count} words`)."""
    with (LOCALE_DIR / "messages.pot").open("rb") as f:
        return [form for m in read_po(f) if m.id for form in (m.id if isinstance(m.id, tuple) else (m.id,))]


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated(language):
    with catalogue_file(language).open("rb") as f:
        catalogue = read_po(f)
    translated = {}
    for m in catalogue:
        if m.id and m.string and "fuzzy" not in m.flags:  # a counted message: each form, and none empty
            forms = zip(m.id, m.string) if isinstance(m.id, tuple) else [(m.id, m.string)]
            translated.update((english, said) for english, said in forms if all(m.string))
    missing = [m for m in template_messages() if m not in translated]
    assert not missing, f"{language}: {len(missing)} message(s) without a translation: {missing[:5]}"
    for english, said in translated.items():  # placeholders kept as they are
        assert sorted(re.findall(r"\{[a-z_]*\}|%\([a-z_]+\)s", english)) == \
            sorted(re.findall(r"\{[a-z_]*\}|%\([a-z_]+\)s", said)), english


def test_the_pot_lists_every_message_of_the_sources():
    """messages.pot is current: extracting again finds nothing it lacks."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    repo = Path(__file__).resolve().parent.parent
    with (repo / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {message for _, _, message, _, _ in extract_from_dir(str(repo), method_map, options_map)}
    found = {m for m in found if isinstance(m, str)}
    assert found and found <= set(template_messages()), sorted(found - set(template_messages()))[:5]


def visible_text(page: Path) -> str:
    """What a reader meets on a page: its text (not scripts or styles), and the attributes
    that are read out or that the workbook's scripts turn into words (data-*)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.hidden = [], 0

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "style"):
                self.hidden += 1
            self.parts += [v for k, v in attrs if v and (k.startswith("data-") or k in
                                                        ("aria-label", "title", "alt", "placeholder"))]

        def handle_endtag(self, tag):
            if tag in ("script", "style"):
                self.hidden -= 1

        def handle_data(self, data):
            if not self.hidden:
                self.parts.append(data)

    reader = Reader()
    reader.feed(page.read_text(encoding="utf-8"))
    return " ".join(" ".join(reader.parts).split())


def english_sentences() -> set[str]:
    """The pieces of every message with two words or more, between its placeholders and marks."""
    pieces = set()
    for message in template_messages():
        for piece in re.split(r"\{[a-z_]*\}|%\([a-z_]+\)s|\*\*?|[“”\"]", message):
            piece = piece.strip(" .,:;?()")
            if len(piece.split()) >= 2:
                pieces.add(piece)
    return pieces


# The coach's own words in mkdocs.yml (the palette switch's name) are theirs to translate there.
COACH_CONFIG_WORDS = {"Switch to dark mode", "Switch to light mode"}


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("filled", [True, False], ids=["every field set", "every answer empty"])
def test_a_translated_workbook_shows_no_english_words_of_coach_site(project, write_client, tmp_path, filled, language):
    example = (Path(__file__).resolve().parent.parent / "clients" / "maya-lindqvist.yaml").read_text(encoding="utf-8")
    text = (example if filled else client_text(GERMAN_TOKEN, None)) + f"language: {language}\n"
    client = write_client(text, "translated")
    site_dir = tmp_path / "site"
    [outcome] = build_clients([client], load_project(project), site_dir, jobs=1)
    assert isinstance(outcome, Built), outcome
    assert not [w for w in outcome.warnings if "catalogue" in w]
    pages = sorted(outcome.site.glob("*.html"))
    assert len(pages) >= 7
    sentences = english_sentences()
    for page in pages:
        shown = visible_text(page)
        for phrase in COACH_CONFIG_WORDS:
            shown = shown.replace(phrase, "")
        english = [s for s in sentences if s in shown and s not in text]  # the client's own words may say anything
        assert not english, f"{page.name}: English words of coach-site: {english[:5]}"
    home = visible_text(outcome.site / "index.html")
    says = expectations(language)["email_and_home"]
    assert says["compass"] in home and f'lang="{language}"' in (outcome.site / "index.html").read_text(encoding="utf-8")
    if filled:
        assert says["next_session"] in home and says["october"] in home + visible_text(pages[0])


def test_a_language_without_a_catalogue_builds_in_english_and_says_so_once(project, write_client, tmp_path):
    files = [write_client(client_text(HEBREW_TOKEN, "he", "Noa Levi"), "noa"),
             write_client(client_text(GERMAN_TOKEN, "he", "Dan Levi"), "dan")]
    outcomes = list(build_clients(files, load_project(project), tmp_path / "site", jobs=1))
    warnings = [w for o in outcomes for w in o.warnings if "catalogue" in w]
    assert len(warnings) == 1
    assert "language he" in warnings[0] and "coach_site/locale/he/LC_MESSAGES/messages.po" in warnings[0]
    home = visible_text(outcomes[0].site / "index.html")
    assert "Your compass" in home


@pytest.mark.parametrize("language", SHIPPED)
def test_the_homework_email_is_in_the_coachees_language(project, write_client, language):
    example = (Path(__file__).resolve().parent.parent / "clients" / "maya-lindqvist.yaml").read_text(encoding="utf-8")
    client = write_client(example + f"language: {language}\n", "maya")
    result = CliRunner().invoke(cli, ["email", str(client), "--yes"])
    assert result.exit_code == 0, result.output
    says = expectations(language)["email_and_home"]
    assert says["hello"] in result.output and says["subject"] in result.output
    assert says["see_you"] in result.output  # the next session's date as the language writes it
    english = [s for s in english_sentences() if s in result.output and s not in example]
    assert not english, f"{language}: English words of coach-site in the email: {english[:5]}"


# --- The coach's own reports: in the practice's language, whatever the coachee's ------------

def practice_in(project: Path, language: str) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  language: en\n", f"  language: {language}\n"))


def test_prep_and_changes_speak_the_practices_language_not_the_coachees(project, write_client):
    from test_history import commit, repo  # noqa: F401  (the git helpers of the history tests)

    practice_in(project, "de")
    example = (Path(__file__).resolve().parent.parent / "clients" / "maya-lindqvist.yaml").read_text(encoding="utf-8")
    client = write_client(example + "language: fr\n", "maya")
    prep = CliRunner().invoke(cli, ["prep", str(client), "--markdown"])
    assert prep.exit_code == 0, prep.output
    assert prep.output.startswith("# Sitzungsvorbereitung: Maya Lindqvist, 20. Oktober 2026")
    assert "## Die Werte durchgehen (10 Min.)" in prep.output
    assert "Bewertung: 4 (1. Juli 2026) -> 5 (15. Sept. 2026) -> 6 (13. Okt. 2026)" in prep.output
    assert "**Noch offen:** Was müsste passieren, damit du dort ankommst?" in prep.output  # the catalogue's German
    english = [s for s in english_sentences() if s in prep.output and s not in example]
    assert not english, f"English words of coach-site in prep: {english[:5]}"

    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    commit(project, "session 2", "2026-10-13")
    first = CliRunner().invoke(cli, ["changes", str(client)])
    assert first.output.splitlines() == ["maya: Änderungen seit der ersten Fassung", "- Neue Datei: alles ist neu."]
    client.write_text(example.replace("    satisfaction: 4\n", "    satisfaction: 5\n") + "language: fr\n")
    changes = CliRunner().invoke(cli, ["changes", str(client)])
    assert changes.exit_code == 0, changes.output
    assert "maya: Änderungen seit " in changes.output and "(2026-10-13)" in changes.output
    assert "- Health: Bewertung 4 -> 5" in changes.output
    english = [s for s in english_sentences() if s in changes.output]
    assert not english, f"English words of coach-site in changes: {english[:5]}"


def test_a_customised_sentence_without_a_translation_is_said_once_per_language(project, write_client, tmp_path):
    from conftest import customised

    index = customised(project, "index.md.j2")
    index.write_text(index.read_text(encoding="utf-8").replace(
        "\n", '\n{{ _("Our own first words for you.") }}\n', 1), encoding="utf-8")
    files = [write_client(client_text(GERMAN_TOKEN, "de"), "de"),
             write_client(client_text(FRENCH_TOKEN, "de", "Bea Example"), "de2"),
             write_client(client_text(HEBREW_TOKEN, None, "Cy Example"), "en")]
    outcomes = list(build_clients(files, load_project(project), tmp_path / "site", jobs=1))
    said = [w for o in outcomes for w in o.warnings if "your own templates" in w]
    assert said == ["language de: sentences of your own templates have no translation in this language, so "
                    "clients in de read them as you wrote them: content/index.md.j2 (1)."]
    assert "Our own first words for you." in visible_text(outcomes[0].site / "index.html")
    # One client built alone (rotate, serve) is told the same.
    alone = build_client(files[0], load_project(project), tmp_path / "alone")
    assert [w for w in alone.warnings if "your own templates" in w] == said
