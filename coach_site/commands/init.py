"""`coach-site init`: start a practice of one's own, outside coach-site's source.

A practice is mkdocs.yml with the coach's details, clients/ with the schema editors read,
a .gitignore, a README for the coach, and a git repository. No template is copied: the
practice uses coach-site's own until the coach customises one (`coach-site customise`).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ruamel.yaml import YAML

from coach_site.clientfile.model import email_problem, unknown_language_message
from coach_site.clientfile.schema import write_schema
from coach_site.engine.languages import theme_languages
from coach_site.errors import CoachSiteError
from coach_site.git import git
from coach_site.project import CONFIG_FILE, is_example_address, is_example_coach

# What a new practice starts from: the example's mkdocs.yml (the same as this repository's),
# the coach's README and the .gitignore.
STARTER = Path(__file__).resolve().parent.parent / "practice"


@dataclass(frozen=True)
class Details:
    """What a practice's mkdocs.yml says about the coach."""

    name: str
    email: str
    site_url: str
    language: str | None = None


def details_problems(details: Details) -> list[str]:
    """Everything wrong with the coach's details, each with the option to correct: all at
    once, so one more try is enough."""
    problems = []
    if not details.name.strip():
        problems.append("--name: your name signs every workbook and email; it cannot be empty")
    if problem := email_problem(details.email.strip()):
        problems.append(f"--email: {problem}")
    if problem := site_url_problem(details.site_url.strip()):
        problems.append(f"--site-url: {problem}")
    if details.language is not None and details.language not in theme_languages():
        problems.append(f"--language: {unknown_language_message(details.language, theme_languages())}")
    if is_example_coach(details.name.strip(), details.email.strip()):
        problems.append("--name/--email: these are the example's; give your own")
    return problems


def site_url_problem(url: str) -> str | None:
    """Why `url` cannot be the base of the private links; None when it can."""
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in url):
        return (f"{url!r} has a space or a line break inside: a web address has none "
                "(https://coaching.your-name.com/workbooks/)")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return (f"'{url}' is not a web address: write where your workbooks will be published, "
                "like https://coaching.your-name.com/workbooks/")
    if is_example_address(url):
        return f"'{url}' is the example's address: give the one your workbooks will be published at"
    return None


def init_practice(folder: Path, details: Details) -> list[Path]:
    """Create the practice in `folder` (missing or empty); returns what it wrote."""
    if problems := details_problems(details):
        raise CoachSiteError("\n".join(problems))
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CoachSiteError(
            f"{folder} is not empty: a practice starts in a new folder. Choose a new name "
            "(coach-site init my-practice ...) or empty that folder first."
        )
    folder.mkdir(parents=True, exist_ok=True)
    written = [
        _write(folder / CONFIG_FILE, practice_settings(details)),
        _write(folder / "README.md", (STARTER / "README.md").read_text(encoding="utf-8")),
        _write(folder / ".gitignore", (STARTER / "gitignore").read_text(encoding="utf-8")),
        write_schema(folder / "clients"),  # what every client file's first line points editors to
    ]
    git("init", "--quiet", cwd=folder)
    return written


def practice_settings(details: Details) -> str:
    """The example's mkdocs.yml, its comments kept, with the coach's details in place."""
    yaml = YAML()  # round trip: comments and order stay as the example has them
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)  # the example's own layout
    settings = yaml.load((STARTER / CONFIG_FILE).read_text(encoding="utf-8"))
    url = details.site_url.strip()
    settings["site_url"] = url if url.endswith("/") else f"{url}/"
    settings["extra"]["coach"]["name"] = details.name.strip()
    settings["extra"]["coach"]["email"] = details.email.strip()
    if details.language:
        settings["theme"]["language"] = details.language
    out = io.StringIO()
    yaml.dump(settings, out)
    return out.getvalue().rstrip("\n") + "\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
