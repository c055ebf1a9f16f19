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
from coach_site.git import git, try_git
from coach_site.project import CONFIG_FILE, is_example_address, is_example_coach

# What a new practice starts from: the example's mkdocs.yml (the same as this repository's),
# the coach's README and the .gitignore.
STARTER = Path(__file__).resolve().parent.parent / "practice"
# What mkdocs.yml says beside a site_url left empty.
SITE_URL_LATER = "not set yet: where your workbooks will be published, like https://you.github.io/workbooks/"


@dataclass(frozen=True)
class Details:
    """What a practice's mkdocs.yml says about the coach. `site_url` None (or empty): no
    website yet; build then links the workbooks on disk until mkdocs.yml has one."""

    name: str
    email: str
    site_url: str | None = None
    language: str | None = None


def name_problem(name: str) -> str | None:
    """Why `name` cannot sign the workbooks; None when it can."""
    if not name.strip():
        return "your name signs every workbook and email; it cannot be empty"
    if is_example_coach(name.strip(), None):
        return f"'{name.strip()}' is the example's coach: give your own name"
    return None


def coach_email_problem(address: str) -> str | None:
    """Why `address` cannot be the coach's; None when it can."""
    if problem := email_problem(address.strip()):
        return problem
    if is_example_coach(None, address.strip()):
        return f"'{address.strip()}' is the example coach's address: give your own"
    return None


def language_problem(language: str) -> str | None:
    return None if language in theme_languages() else unknown_language_message(language, theme_languages())


def details_problems(details: Details) -> list[str]:
    """Everything wrong with the coach's details, each with the option to correct: all at
    once, so one more try is enough."""
    checks = [("--name", details.name, name_problem), ("--email", details.email, coach_email_problem),
              ("--site-url", details.site_url or "", site_url_problem)]
    if details.language is not None:
        checks.append(("--language", details.language, language_problem))
    return [f"{option}: {problem}" for option, value, check in checks if (problem := check(value))]


def site_url_problem(url: str) -> str | None:
    """Why `url` cannot be the base of the private links; None when it can, or when it is
    empty (no website yet: set site_url in mkdocs.yml later)."""
    if not url.strip():
        return None
    url = url.strip()
    if not url.lower().startswith(("https://", "http://")):  # words, say, rather than an address
        return (f"'{printable_line(url)}' is not a web address: write where your workbooks will be published, "
                "like https://coaching.your-name.com/workbooks/ (no website yet? leave it empty and set "
                f"site_url in {CONFIG_FILE} later)")
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in url):
        return (f"{url!r} has a space or a line break inside: a web address has none "
                "(https://coaching.your-name.com/workbooks/)")
    if not urlsplit(url).netloc:
        return (f"'{url}' is not a web address: write where your workbooks will be published, "
                "like https://coaching.your-name.com/workbooks/")
    if is_example_address(url):
        return f"'{url}' is the example's address: give the one your workbooks will be published at"
    return None


@dataclass(frozen=True)
class Started:
    """A practice started: what was written, and what git could not do (said, not fatal:
    the practice works without its first commit)."""

    written: list[Path]
    identity_set: bool  # the practice's repository got the coach's name and email for its commits
    git_problem: str | None = None


FIRST_COMMIT = "Start my coaching practice"


def printable_line(text: str) -> str:
    """`text` on one line, as a message quotes it."""
    return " ".join(text.split())


def init_practice(folder: Path, details: Details) -> Started:
    """Create the practice in `folder` (missing or empty), a git repository with a first
    commit; returns what it wrote."""
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
    try:
        identity_set = start_repository(folder, details.name.strip(), details.email.strip())
    except CoachSiteError as exc:  # no git, or git refused: the files are there all the same
        return Started(written, identity_set=False, git_problem=str(exc))
    return Started(written, identity_set)


def start_repository(folder: Path, name: str, email: str) -> bool:
    """`git init`, the coach's name and email for this repository's commits unless git
    already knows who commits on this machine, and the first commit, so that the README's
    `git commit` works on a machine where git was never set up. Returns whether the
    identity was set here."""
    git("init", "--quiet", cwd=folder)
    known = all(try_git("config", "--get", key, cwd=folder).stdout.strip() for key in ("user.name", "user.email"))
    if not known:
        git("config", "user.name", name, cwd=folder)
        git("config", "user.email", email, cwd=folder)
    git("add", "--all", cwd=folder)
    git("commit", "--quiet", "--no-verify", "-m", FIRST_COMMIT, cwd=folder)
    return not known


def practice_settings(details: Details) -> str:
    """The example's mkdocs.yml, its comments kept, with the coach's details in place."""
    yaml = YAML()  # round trip: comments and order stay as the example has them
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)  # the example's own layout
    settings = yaml.load((STARTER / CONFIG_FILE).read_text(encoding="utf-8"))
    url = (details.site_url or "").strip()
    if url:
        settings["site_url"] = url if url.endswith("/") else f"{url}/"
    else:  # no website yet: build links the workbooks on disk until this is set
        settings["site_url"] = None
        settings.yaml_add_eol_comment(f"# {SITE_URL_LATER}", "site_url")
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
