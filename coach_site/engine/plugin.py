"""The one MkDocs plugin through which coach-site reaches into every build.

It is not an installed plugin (a coach cannot list or remove it in mkdocs.yml): the
engine adds one to each loaded config, after the coach's own plugins. Through MkDocs'
plugin events it

* enforces what a private workbook needs, whatever mkdocs.yml says (`on_config`): among
  it, search from disk with our own copy of the `iframe-worker` shim, never a CDN's, and
  the Markdown extensions the caller says every page must have (the workbook's cleaning
  of links and pictures: the engine knows no extension of ours by name);
* ships that shim with every workbook (`on_files`), and makes the 404 page's links
  relative, so it works from disk too (`on_template_context`);
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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import is_error_template, normalize_url

from coach_site.engine import print_page
from coach_site.engine.assets import SharedAssets

PLUGIN_NAME = "coach-site"
# Theme features that reach for other hosts or for sitemap.xml, which a private site does not publish.
FEATURES_NEVER_ON = {"navigation.instant", "navigation.instant.prefetch", "navigation.instant.preview"}
# MkDocs' loggers, and the plugins' (mkdocs.plugins.<name>), all live under this one.
MKDOCS_LOGGER = "mkdocs"
_LAST = -100  # after every other plugin's handler of the same event
_FIRST = 100  # before every other plugin's handler of the same event
# Material's `offline` plugin makes search work from disk, where browsers refuse Web Workers,
# with the `iframe-worker` shim, which it adds from a public CDN unless `extra.polyfills`
# already names one. Every workbook carries our copy (MIT, see vendor/iframe-worker/).
SHIM_SOURCE = Path(__file__).parent / "vendor" / "iframe-worker"
SHIM_FILES = {"shim.js": "assets/javascripts/iframe-worker/shim.js",
              "LICENSE": "assets/javascripts/iframe-worker/LICENSE.txt"}
SHIM = SHIM_FILES["shim.js"]
log = logging.getLogger(f"{MKDOCS_LOGGER}.plugins.coach-site")


class WorkbookPlugin(BasePlugin):
    """coach-site's part in a MkDocs build. `assets`: the run's shared theme files, if any;
    `extensions`: the Markdown extensions (by name) every page must have."""

    def __init__(self, assets: SharedAssets | None = None, extensions: Sequence[str] = ()):
        super().__init__()
        self.assets = assets
        self.extensions = tuple(extensions)

    @event_priority(_FIRST)
    def _name_our_shim_first(self, config: MkDocsConfig) -> MkDocsConfig:
        # Named before the offline plugin looks, so it never adds the CDN's copy.
        config.extra["polyfills"] = [*(config.extra.get("polyfills") or []), SHIM]
        return config

    @event_priority(_LAST)
    def _enforce_privacy(self, config: MkDocsConfig) -> MkDocsConfig:
        # Whatever mkdocs.yml says, a private workbook loads nothing from other hosts and
        # every page's links are checked: these are not the coach's to switch off by accident.
        for extension in self.extensions:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        config.theme["font"] = False
        features = config.theme.get("features") or []
        config.theme["features"] = [f for f in features if f not in FEATURES_NEVER_ON]
        config.extra["generator"] = False
        config.extra["polyfills"] = _local_polyfills(config.extra.get("polyfills") or [])
        return config

    on_config = CombinedEvent(_name_our_shim_first, _enforce_privacy)

    @event_priority(_LAST)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        for name, dest in SHIM_FILES.items():
            files.append(File.generated(config, dest, abs_src_path=str(SHIM_SOURCE / name)))
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

    @event_priority(_LAST)
    def on_template_context(self, context: dict[str, Any], template_name: str, config: MkDocsConfig):
        # MkDocs links an error page from the server's root (/workbooks/<token>/...), which
        # breaks when the workbook is opened from disk. Every page of a workbook sits in its
        # one folder, so links relative to that folder work from disk and from a host.
        if is_error_template(template_name):
            context["base_url"] = "."
            context["extra_css"] = [normalize_url(path, None, ".") for path in config.extra_css]
            context["extra_javascript"] = [normalize_url(str(js), None, ".") for js in config.extra_javascript]
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


def _local_polyfills(polyfills: list[Any]) -> list[Any]:
    """The polyfills from this site only, ours once: one from another host would tell it who
    reads the workbook, and when."""
    kept: list[Any] = []
    for script in polyfills:
        url = str(script if isinstance(script, str) else getattr(script, "path", script))
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("/", "\\")):
            log.warning(f"extra.polyfills: {url} is left out: a private workbook loads nothing from other hosts")
        elif script not in kept:
            kept.append(script)
    return kept


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
