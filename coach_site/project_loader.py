"""A practice's mkdocs.yml read into a `Project`: its site_url, coach, language and defaults,
each checked, with a clear error for what is missing or wrong.

It stands above the engine (which reads mkdocs.yml and knows the theme's languages) and
the client file's model (which knows a plausible email address), so that `project.py`
below them all stays plain data.
"""

from __future__ import annotations

from pathlib import Path

from coach_site.clientfile.model import email_problem, timezone_problem
from coach_site.engine.languages import configured_language
from coach_site.engine.settings import read_settings
from coach_site.errors import CoachSiteError
from coach_site.project import CONFIG_FILE, Coach, Project


def load_project(root: Path | str = ".") -> Project:
    """Read the project's mkdocs.yml; a clear error when it is missing or incomplete."""
    root = Path(root).resolve()
    config_file = root / CONFIG_FILE
    if not config_file.is_file():
        raise CoachSiteError(
            f"{config_file.name} not found in {root}: run coach-site from your practice folder "
            "(the one with mkdocs.yml and clients/; `coach-site init` starts one)"
        )
    try:
        config = read_settings(config_file)
    except Exception as exc:  # a YAML error, reported like any other bad input
        raise CoachSiteError(f"{CONFIG_FILE}: cannot be read: {exc}") from None
    # Unset until the coach has a host: build then links the workbooks on disk, and publish
    # and email say what to set.
    site_url = str(config.get("site_url") or "").strip() or None
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    coach = (config.get("extra") or {}).get("coach") or {}
    if not coach.get("name"):
        raise CoachSiteError(f"{CONFIG_FILE}: extra.coach.name: set it to your name (it signs the workbook)")
    title = (config.get("extra") or {}).get("workbook_title")
    return Project(
        root=root, site_url=site_url, coach=Coach(str(coach["name"]), _coach_email(coach.get("email"))),
        workbook_title=str(title) if title else None, language=configured_language(config),
        sealed=_sealed((config.get("extra") or {}).get("sealed", False)),
        timezone=_timezone((config.get("extra") or {}).get("timezone")),
    )


def _timezone(value: object) -> str | None:
    """extra.timezone: the practice's time zone, for every client without client.timezone (the
    time of a session in the calendar event), as the IANA name the time zone database knows."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    name = str(value).strip()
    if problem := timezone_problem(name):
        raise CoachSiteError(f"{CONFIG_FILE}: extra.timezone: {problem}")
    return name


def _sealed(value: object) -> bool:
    """extra.sealed: the practice's default for every client without link.sealed."""
    if value is None or isinstance(value, bool):
        return bool(value)
    raise CoachSiteError(f"{CONFIG_FILE}: extra.sealed: write true or false, not {value!r}")


def _coach_email(value: object) -> str | None:
    """The coach's address, in every workbook's footer and every email's From: a plausible one."""
    email = str(value).strip() if value is not None else ""
    if email and (problem := email_problem(email)):
        raise CoachSiteError(f"{CONFIG_FILE}: extra.coach.email: {problem}")
    return email or None
