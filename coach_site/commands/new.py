"""`coach-site new`: start a client file with a fresh private token and every field ready."""

from __future__ import annotations

from pathlib import Path

from coach_site.clientfile.model import unknown_language_message
from coach_site.clientfile.scaffold import new_client_file
from coach_site.engine.languages import theme_languages
from coach_site.errors import CoachSiteError


def new_client(
    name: str, clients_dir: Path, *, email: str | None = None, slug: str | None = None, language: str | None = None,
    sealed: bool = False,
) -> Path:
    """Write the new client's file in `clients_dir`; returns its path. What the file holds,
    and how its token is chosen, is clientfile/scaffold.py's. `language`: checked here, as
    `check` would, so the new file is valid."""
    if language is not None and language not in theme_languages():
        raise CoachSiteError(f"--language: {unknown_language_message(language, theme_languages())}")
    return new_client_file(name, clients_dir, email=email, slug=slug, language=language, sealed=sealed)
