"""The one MkDocs plugin through which coach-site reaches into every build.

It is not an installed plugin (a coach cannot list or remove it in mkdocs.yml): the
engine adds one to each loaded config, after the coach's own plugins. Through MkDocs'
plugin events it

* enforces what a private workbook needs, whatever mkdocs.yml says (`on_config`);
* during a run, places the theme's static files from the run's one copy (`on_files`);
* fills the print page (front matter `print_all: true`) with every other page's HTML
  (`on_page_context`, once every page is rendered: see `print_page`);
* hands MkDocs' warnings of a build to the caller, through a handler on the "mkdocs"
  logger, the namespace of MkDocs' own loggers and of the plugin loggers
  (`mkdocs.plugins.get_plugin_logger`), for that build only; nothing else of the
  logging set-up is changed.

The theme's caches are not here but in `theme_cache.cache_theme`, the one private hook:
they must reach environments that no plugin event sees.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from coach_site.engine import print_page
from coach_site.engine.assets import SharedAssets

PLUGIN_NAME = "coach-site"
SAFE_LINKS_EXTENSION = "coach_site.workbook.escape"
# Theme features that reach for other hosts or for sitemap.xml, which a private site does not publish.
FEATURES_NEVER_ON = {"navigation.instant", "navigation.instant.prefetch", "navigation.instant.preview"}
# MkDocs' loggers, and the plugins' (mkdocs.plugins.<name>), all live under this one.
MKDOCS_LOGGER = "mkdocs"
_LAST = -100  # after every other plugin's handler of the same event


class WorkbookPlugin(BasePlugin):
    """coach-site's part in a MkDocs build. `assets`: the run's shared theme files, if any."""

    def __init__(self, assets: SharedAssets | None = None):
        super().__init__()
        self.assets = assets

    @event_priority(_LAST)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # Whatever mkdocs.yml says, a private workbook loads nothing from other hosts and
        # every page's links are checked: these are not the coach's to switch off by accident.
        if SAFE_LINKS_EXTENSION not in config.markdown_extensions:
            config.markdown_extensions.append(SAFE_LINKS_EXTENSION)
        config.theme["font"] = False
        features = config.theme.get("features") or []
        config.theme["features"] = [f for f in features if f not in FEATURES_NEVER_ON]
        config.extra["generator"] = False
        return config

    @event_priority(_LAST)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.assets is None:
            return files
        theme_dirs = set(config.theme.dirs)
        for file in [f for f in files if f.src_dir in theme_dirs and not f.is_documentation_page()]:
            files.remove(file)
            files.append(_SharedThemeFile(file, self.assets))
        return files

    @event_priority(_LAST)
    def on_page_context(self, context, page, config, nav):
        # By now every page's Markdown is HTML: the print page takes theirs.
        if page.meta.get(print_page.PRINT_ALL):
            print_page.assemble(page, nav.pages)
        return context

    @contextmanager
    def warnings_of_build(self) -> Iterator[list[str]]:
        """The warnings MkDocs and its plugins log while the block runs, instead of printing them."""
        handler = _ListHandler()
        logger = logging.getLogger(MKDOCS_LOGGER)
        logger.addHandler(handler)
        try:
            yield handler.messages
        finally:
            logger.removeHandler(handler)


class _SharedThemeFile(File):
    """A theme file whose copy in the site is placed from the run's shared copy."""

    def __init__(self, file: File, assets: SharedAssets):
        super().__init__(file.src_uri, file.src_dir, file.dest_dir, file.use_directory_urls,
                         dest_uri=file.dest_uri, inclusion=file.inclusion)
        self.assets = assets

    def copy_file(self, dirty: bool = False) -> None:
        self.assets.place(self.abs_src_path, self.abs_dest_path)


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
