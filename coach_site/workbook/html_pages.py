"""The HTML pages coach-site writes itself, outside MkDocs: a sealed page's shell
(`seal.py`) and the site dir's empty front page (`swap.py`).

Each is a Jinja template of the content folders (`Project.content_dirs`: a practice's own
`content/<name>` wins over coach-site's, as for the workbook's pages), rendered with
autoescaping, so every value it prints is HTML-escaped, and with the sentences it marks
with `_()` in the language given, through the same catalogues as the pages' words.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from coach_site.errors import BuildError
from coach_site.workbook.render import template_environment
from coach_site.workbook.translations import translations

_environments: dict[tuple, jinja2.Environment] = {}


def html_template(content_dirs: Sequence[Path], language: str, name: str) -> jinja2.Template:
    """The template `name` of the first of `content_dirs` that holds it, speaking `language`."""
    try:
        return _environment(content_dirs, language).get_template(name)
    except jinja2.TemplateNotFound:
        raise BuildError(f"content/{name} is missing") from None
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"content/{name}:{exc.lineno}: template error: {exc.message}") from None


def render_html(template: jinja2.Template, **context: Any) -> str:
    """The page a template makes with `context`; a template error names the template."""
    try:
        return template.render(**context)
    except jinja2.TemplateError as exc:
        raise BuildError(f"content/{template.name}: template error: {exc}") from None


def _environment(content_dirs: Sequence[Path], language: str) -> jinja2.Environment:
    """One environment per content folders and language (and catalogue: an edited .po is a
    new one); Jinja reloads a template whose file changed (auto_reload)."""
    said = translations(language)
    folders = tuple(folder.resolve() for folder in content_dirs)
    key = (folders, language, id(said))
    if key not in _environments:
        _environments[key] = template_environment(folders, said)
    return _environments[key]
