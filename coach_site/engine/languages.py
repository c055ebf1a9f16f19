"""The languages the theme speaks, and how a workbook is set to one of them.

Material for MkDocs has its interface words for each language in
`templates/partials/languages/<code>.html` (`de`, `fr`, `pt-BR`, `he`, ...); a workbook's
language is one of those codes. Setting it (`theme.language`) gives the theme's own words,
`<html lang>` and, for right-to-left languages, `dir="rtl"`. The list is read from the
installed theme's files without importing it, so `check` stays quick.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

from coach_site.project import DEFAULT_LANGUAGE

THEME_PACKAGE = "material"


@functools.cache
def theme_languages() -> tuple[str, ...]:
    """Every language code the installed theme has its interface words for, sorted."""
    spec = importlib.util.find_spec(THEME_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    codes = {
        path.stem
        for folder in folders
        for path in (Path(folder) / "templates" / "partials" / "languages").glob("*.html")
    }
    return tuple(sorted(codes))


def configured_language(settings: dict[str, Any]) -> str:
    """mkdocs.yml's `theme.language`: the practice's language for every client without one."""
    theme = settings.get("theme")
    language = theme.get("language") if isinstance(theme, dict) else None
    return str(language) if language else DEFAULT_LANGUAGE


def with_language(settings: dict[str, Any], language: str | None) -> dict[str, Any]:
    """mkdocs.yml's settings with the theme set to `language` (a code of `theme_languages`);
    unchanged for None. MkDocs' own `locale` is left alone: Material has no MkDocs
    translations (MkDocs would warn on every build), its words follow `language`."""
    if not language:
        return settings
    theme = settings.get("theme")
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme}
    theme["language"] = language
    return {**settings, "theme": theme}


@functools.cache
def direction(language: str) -> str:
    """`rtl` or `ltr`: how the theme writes `language` (its language file says so), for a page
    the theme does not make (a sealed workbook's shell)."""
    spec = importlib.util.find_spec(THEME_PACKAGE)
    for folder in list(spec.submodule_search_locations or []) if spec else []:
        words = Path(folder) / "templates" / "partials" / "languages" / f"{language}.html"
        if words.is_file():
            return "rtl" if '"direction": "rtl"' in words.read_text(encoding="utf-8") else "ltr"
    return "ltr"
