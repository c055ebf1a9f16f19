"""Stage 4, build: rendered Markdown pages -> a static site, by MkDocs and Material, in-process.

mkdocs.yml is loaded into a MkDocs config once (once per run while a run is open, see
`share_among_builds`), with the coach-site plugin added to it; each client's build gets a
cheap copy of it with that client's folders, link and navigation.
"""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Material prints an end-of-life banner when imported; coaches should see only our messages.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config.base import ValidationError, get_schema  # noqa: E402
from mkdocs.config.defaults import MkDocsConfig  # noqa: E402
from mkdocs.exceptions import MkDocsException  # noqa: E402
from mkdocs.theme import Theme  # noqa: E402

from coach_site.engine.assets import SharedAssets  # noqa: E402
from coach_site.engine.languages import with_language  # noqa: E402
from coach_site.engine.plugin import PLUGIN_NAME, WorkbookPlugin  # noqa: E402
from coach_site.engine.settings import read_settings  # noqa: E402
from coach_site.engine.theme_cache import cache_theme  # noqa: E402
from coach_site.errors import BuildError  # noqa: E402
from coach_site.project import CONFIG_FILE, Project  # noqa: E402

# What each client's copy of the config sets for itself; everything else is mkdocs.yml's.
_PER_CLIENT = ("docs_dir", "site_dir", "site_url", "nav")


@dataclass(frozen=True)
class SiteWords:
    """The words a workbook gives the theme around its pages, already safe HTML (the theme
    prints some of them unescaped): `title` in the header and every page's title ("Maya's
    workbook"), `toc` over a page's contents (Material's "Table of contents"), and `pages`
    for the templates of overrides/ (`config.extra.words`, the 404 page's)."""

    title: str
    toc: str
    pages: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ClientSite:
    """One client's site, as the engine builds it: the rendered pages, and what the theme
    puts around them."""

    project: Project
    docs_dir: Path  # the client's rendered Markdown pages
    nav: list[Any]  # the pages in workbook order, as MkDocs' nav
    link: str  # the workbook's address, its site_url: never the key
    # The Markdown extensions (by name) every page must have, whatever mkdocs.yml says: the
    # caller's to name (the workbook's cleaning of links and pictures), the engine's to enforce.
    extensions: tuple[str, ...]
    updated: str = ""  # "Updated ..." in the footer, as the workbook writes dates
    words: SiteWords | None = None
    # A code of `languages.theme_languages()` for the theme's own words and direction; None keeps mkdocs.yml's.
    language: str | None = None
    # Where the theme keeps its settings in the browser (Material's `extra.scope`, relative to
    # the workbook); None: the workbook's own folder, or mkdocs.yml's extra.scope.
    storage_scope: str | None = None


def build_site(site: ClientSite, site_dir: Path) -> list[str]:
    """Build the pages of `site.docs_dir` into `site_dir`, which is replaced. Returns MkDocs' warnings."""
    base = _base_config(site, site_dir)
    config = _client_config(base.config, site, site_dir)
    config.extra["workbook_updated"] = site.updated
    if site.storage_scope is not None:
        config.extra["scope"] = site.storage_scope
    if site.words is not None:
        _use_words(config, site.words)
    with base.plugin.warnings_of_build() as warnings:
        try:
            mkdocs_build(config)
        except (MkDocsException, OSError) as exc:
            raise BuildError(f"MkDocs could not build the site: {exc}") from None
        except Exception as exc:  # a theme template or plugin failing on our pages
            raise BuildError(f"MkDocs could not build the site: {type(exc).__name__}: {exc}") from None
    return [*base.warnings, *warnings]


def _use_words(config: MkDocsConfig, words: SiteWords) -> None:
    config["site_name"] = words.title
    # Material titles a page's contents with the `toc` extension's `title` when it has one.
    config.mdx_configs["toc"] = {**(config.mdx_configs.get("toc") or {}), "title": words.toc}
    config.extra["words"] = dict(words.pages)


class _BaseConfig:
    """mkdocs.yml loaded and checked by MkDocs, with the coach-site plugin added, and what
    MkDocs warned about it (repeated with every client's warnings)."""

    def __init__(self, config: MkDocsConfig, plugin: WorkbookPlugin, warnings: list[str]):
        self.config, self.plugin, self.warnings = config, plugin, warnings


class SharedRun:
    """What the builds of one run share: the loaded config, and one copy of the theme's files.

    Open while a run builds several clients (`share_among_builds`); pool workers forked
    while it is open share it too. `folder` (on the sites' file system, not published)
    holds the theme files' copy; `close()` deletes it.
    """

    def __init__(self, folder: Path):
        self.assets = SharedAssets(folder)
        self.configs: dict[tuple, _BaseConfig] = {}
        self.environments: dict[tuple, Any] = {}  # the theme's Jinja environment, one per theme

    def close(self) -> None:
        global _run
        if _run is self:
            _run = None
        shutil.rmtree(self.assets.folder, ignore_errors=True)


_run: SharedRun | None = None


def share_among_builds(folder: Path) -> SharedRun:
    """Start a run: until `close()`, builds load mkdocs.yml once and share the theme's files."""
    global _run
    _run = SharedRun(folder)
    return _run


def _base_config(site: ClientSite, site_dir: Path) -> _BaseConfig:
    if _run is None:
        return _load_base_config(site, site_dir, assets=None)
    config_file = site.project.config_file
    info = config_file.stat()
    # One per language: the theme's plugins (search's language, say) settle on the first
    # build's language and keep it, so clients of another language get a config of their own.
    # One per set of extensions every page must have: the plugin that enforces them holds them.
    key = (config_file, info.st_mtime_ns, info.st_size, site.language, site.extensions)
    if key not in _run.configs:
        _run.configs[key] = _load_base_config(site, site_dir, assets=_run.assets)
    return _run.configs[key]


def _load_base_config(site: ClientSite, site_dir: Path, assets: SharedAssets | None) -> _BaseConfig:
    """What `mkdocs.config.load_config` does, from the settings read once, plus our plugin.

    Checked with the first client's folders (MkDocs checks that they exist and do not
    nest); each client's copy checks its own again.
    """
    project = site.project
    try:
        settings = with_language(read_settings(project.config_file), site.language)
    except Exception as exc:  # changed into something unreadable since the project was loaded
        raise BuildError(f"{CONFIG_FILE}: cannot be read: {exc}") from None
    config = MkDocsConfig(config_file_path=str(project.config_file))
    config.load_dict(settings)
    config.load_dict({"docs_dir": str(site.docs_dir), "site_dir": str(site_dir)})
    errors, warnings = config.validate()
    if errors:
        raise BuildError("\n".join(f"{CONFIG_FILE}: {name}: {error}" for name, error in errors))
    messages = [f"{CONFIG_FILE}: {name}: {warning}" for name, warning in warnings]
    if config.strict and messages:
        raise BuildError("\n".join([*messages, f"{CONFIG_FILE}: strict: these warnings stop the build"]))
    _layer_overrides(config.theme, project)
    plugin = WorkbookPlugin(assets, site.extensions)
    plugin.load_config({})
    config.plugins[PLUGIN_NAME] = plugin
    return _BaseConfig(config, plugin, messages)


def _layer_overrides(theme: Theme, project: Project) -> None:
    """The theme looks for a file in the practice's overrides/ first, then in coach-site's
    own, then in Material's: a practice changes one file by having one of that name (a
    `custom_dir` set in mkdocs.yml still comes first)."""
    ours = [str(folder) for folder in project.overrides_dirs if folder.is_dir()]
    custom = [theme.custom_dir] if theme.custom_dir else []
    theme.dirs = list(dict.fromkeys([*custom, *ours, *theme.dirs]))


def _client_config(base: MkDocsConfig, site: ClientSite, site_dir: Path) -> MkDocsConfig:
    """A copy of the base config for one client: its own folders, link, nav and `extra`.

    A shallow copy: the plugins are the run's; the theme and the lists and dicts a build
    may change are the client's own, so every build starts from mkdocs.yml as written.
    """
    config = copy.copy(base)
    config.theme = _theme_copy(base.theme)
    config.extra = copy.copy(base.extra)
    config.markdown_extensions = list(base.markdown_extensions)
    config.mdx_configs = dict(base.mdx_configs)
    values = {"docs_dir": str(site.docs_dir), "site_dir": str(site_dir), "site_url": site.link, "nav": site.nav}
    options = dict(get_schema(MkDocsConfig))
    try:
        for key in _PER_CLIENT:
            config[key] = values[key]
            options[key].pre_validation(config, key_name=key)
            config[key] = options[key].validate(config[key])
            options[key].post_validation(config, key_name=key)
    except ValidationError as exc:
        raise BuildError(f"MkDocs could not build the site: {key}: {exc}") from None
    return config


def _theme_copy(base: Theme) -> Theme:
    """A copy of the loaded theme, made through Theme's public API: no theme file is read again."""
    theme = Theme(name=None, custom_dir=base.custom_dir, static_templates=base.static_templates)
    theme.name = base.name
    theme.dirs = list(base.dirs)
    theme.update(copy.deepcopy(dict(base)))
    cache_theme(theme, shared=_run.environments if _run is not None else None)
    return theme
