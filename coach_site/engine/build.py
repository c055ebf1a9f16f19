"""Stage 4, build: rendered Markdown pages -> a static site, by MkDocs and Material, in-process."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

# Material prints an end-of-life banner when imported; coaches should see only our messages.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.exceptions import MkDocsException  # noqa: E402

from coach_site.engine.theme_cache import cache_theme  # noqa: E402
from coach_site.errors import BuildError  # noqa: E402
from coach_site.project import Project  # noqa: E402
from coach_site.workbook.dates import human_date  # noqa: E402

SAFE_LINKS_EXTENSION = "coach_site.workbook.escape"
# Theme features that reach for other hosts or for sitemap.xml, which a private site does not publish.
_FEATURES_NEVER_ON = {"navigation.instant", "navigation.instant.prefetch", "navigation.instant.preview"}


def build_site(
    project: Project,
    docs_dir: Path,
    nav: list[Any],
    link: str,
    site_dir: Path,
    updated: dt.date | None = None,
) -> list[str]:
    """Build the pages in `docs_dir` into `site_dir`, which is replaced. Returns MkDocs' warnings."""
    config = _client_config(project, docs_dir, nav, link, site_dir)
    config.extra["workbook_updated"] = human_date(updated)
    with _collect_warnings() as warnings:
        try:
            mkdocs_build(config)
        except (MkDocsException, OSError) as exc:
            raise BuildError(f"MkDocs could not build the site: {exc}") from None
        except Exception as exc:  # a theme template or plugin failing on our pages
            raise BuildError(f"MkDocs could not build the site: {type(exc).__name__}: {exc}") from None
    return warnings


def _client_config(project: Project, docs_dir: Path, nav: list[Any], link: str, site_dir: Path):
    try:
        config = load_config(
            config_file=str(project.config_file),
            docs_dir=str(docs_dir),
            site_dir=str(site_dir),
            site_url=link,
            nav=nav,
        )
    except MkDocsException as exc:
        raise BuildError(f"mkdocs.yml: {exc}") from None
    # Whatever mkdocs.yml says, a private workbook loads nothing from other hosts and
    # every page's links are checked: these are not the coach's to switch off by accident.
    config.markdown_extensions.append(SAFE_LINKS_EXTENSION)
    config.theme["font"] = False
    features = config.theme.get("features") or []
    config.theme["features"] = [f for f in features if f not in _FEATURES_NEVER_ON]
    config.extra["generator"] = False
    cache_theme(config)
    return config


class _collect_warnings:
    """Capture MkDocs' log warnings for the caller instead of printing them."""

    def __enter__(self) -> list[str]:
        self.messages: list[str] = []
        self.logger = logging.getLogger("mkdocs")
        self.handler = _ListHandler(self.messages)
        self.previous = (self.logger.level, self.logger.propagate)
        self.logger.addHandler(self.handler)
        self.logger.setLevel(logging.WARNING)
        self.logger.propagate = False
        return self.messages

    def __exit__(self, *exc_info: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.previous[0])
        self.logger.propagate = self.previous[1]


class _ListHandler(logging.Handler):
    def __init__(self, messages: list[str]):
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
