"""The one seam into MkDocs and Material for MkDocs: nothing else imports them.

What the rest of coach-site calls (another engine, Zensical say, would provide the same):

* `settings.read_settings(config_file)`: mkdocs.yml as a dict, read once while unchanged
  (`project_loader.load_project` reads the site_url and coach from it);
* `build.build_site(site, site_dir)`: one client's Markdown pages and what goes around
  them (a `build.ClientSite`, with the Markdown extensions every page must have) -> a
  static site in `site_dir`; returns the build's warnings, raises BuildError;
* `build.share_among_builds(folder)`: while the returned run is open (until `close()`),
  builds share the loaded config and one copy of the theme's files, kept in `folder`;
* `theme_cache.bytecode_cache()`: the compiled-template cache, also used for content/;
* `live.LiveReloadServer`: the preview server of `coach-site serve`.
* `print_page.PRINT_ALL`: the front matter key that makes a page the print page, filled by
  the engine with every other page's HTML once they are built.

Inside, MkDocs is reached through one plugin object (`plugin.WorkbookPlugin`), added to the
loaded config, and one private hook (`theme_cache.cache_theme`: the theme's compiled
templates and file list, for every Jinja environment made from it).
"""
