"""Theme set-up paid once, not once per client.

MkDocs makes a fresh Jinja environment for every build (and Material's search plugin makes
more, for its translations), so every build would compile Material's templates again and
list the theme's 14,000 files again: more than half of a small build's time. Every
environment made from the theme reuses two things instead:

* compiled templates, through Jinja's own bytecode cache (`bytecode_cache()`): in memory
  for this process, and on disk (in the user's cache folder) for the next ones. Jinja
  keys each entry by the template's name and file, and checks the checksum of its source
  before using it, so an edited template in overrides/ (or an upgraded theme) is compiled
  afresh.
* the list of the theme's static files, kept (in memory and on disk) while none of the
  theme's folders has changed: adding, removing or renaming a file changes its folder's
  modification time, which is checked before every use.

Within one run (`share_among_builds`), the builds of all its clients go further and share one
environment per theme (its folders and language): templates loaded once are kept in its
cache, not loaded from the bytecode again for every client (about a tenth of a build's time).
Nothing of a client is kept in it: pages get their context at render time, and the plugins
that may add to it (`on_env`) are the run's, shared anyway. The run ends with the command,
so a template edited during `coach-site serve` is read by the next build.

`cache_theme(theme)` is the engine's one private hook into MkDocs: it wraps the theme's
`get_env`. The plugin API cannot do this: MkDocs lists the theme's files before the first
event that sees the environment (`on_env`), and plugins make environments of their own
through `theme.get_env()` that no event sees (Material's search plugin compiles its
translations in one on every build: a tenth of a second each time without this cache).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

_listings: dict[tuple, tuple[tuple, list[str]]] = {}


class _LayeredBytecodeCache(jinja2.BytecodeCache):
    """Memory in front of a folder on disk; either may be missing an entry, never wrong."""

    def __init__(self, directory: Path | None):
        self.memory: dict[str, bytes] = {}
        self.disk = None
        if directory is not None:
            try:
                directory.mkdir(parents=True, exist_ok=True)
                self.disk = jinja2.FileSystemBytecodeCache(str(directory))
            except OSError:
                self.disk = None  # no writable cache folder: memory only

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.memory.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)
        elif self.disk is not None:
            self.disk.load_bytecode(bucket)  # Jinja ignores an entry whose checksum does not match

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.memory[bucket.key] = bucket.bytecode_to_string()
        if self.disk is not None:
            try:
                self.disk.dump_bytecode(bucket)
            except OSError:
                pass


def cache_directory() -> Path | None:
    """$COACH_SITE_CACHE, else $XDG_CACHE_HOME/coach-site, else ~/.cache/coach-site; "" turns it off."""
    explicit = os.environ.get("COACH_SITE_CACHE")
    if explicit is not None:
        return Path(explicit) / "templates" if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coach-site" / "templates"


_bytecode: dict[Path | None, _LayeredBytecodeCache] = {}


def bytecode_cache() -> _LayeredBytecodeCache:
    directory = cache_directory()
    if directory not in _bytecode:
        _bytecode[directory] = _LayeredBytecodeCache(directory)
    return _bytecode[directory]


def cache_theme(theme: Any, shared: dict[tuple, jinja2.Environment] | None = None) -> None:
    """Make every Jinja environment of this MkDocs theme use the two caches above, and,
    given a run's `shared` dict, be the one environment of the run for this theme."""
    make_env: Callable[[], jinja2.Environment] = theme.get_env
    static_templates = tuple(sorted(theme.static_templates))
    # The language too: the theme's templates (partials/language.html) keep the words of the
    # language they were first rendered in (search takes its language from them), and the
    # MkDocs locale is the same for every language.
    key = (tuple(theme.dirs), str(theme.locale), str(theme.get("language")), static_templates)

    def get_env() -> jinja2.Environment:
        if shared is not None and key in shared:
            return shared[key]
        env = make_env()
        env.bytecode_cache = bytecode_cache()
        env.list_templates = _cached_listing(env.list_templates, tuple(theme.dirs), static_templates)
        if shared is not None:
            shared[key] = env
        return env

    theme.get_env = get_env


def _cached_listing(list_templates: Callable, dirs: tuple[str, ...], static_templates: tuple) -> Callable:
    def cached(extensions=None, filter_func=None) -> list[str]:
        # MkDocs' filter depends only on the theme's static templates: part of the key.
        key = (dirs, static_templates, tuple(extensions or ()), filter_func is None)
        hit = _listings.get(key) or _read_listing(key)
        if hit is not None and _folder_times([folder for folder, _ in hit[0]]) == hit[0]:
            _listings[key] = hit
            return list(hit[1])
        names = list_templates(extensions=extensions, filter_func=filter_func)
        _listings[key] = (_folder_times(_folders(dirs)), names)
        _write_listing(key, _listings[key])
        return list(names)

    return cached


def _listing_file(key: tuple) -> Path | None:
    directory = cache_directory()
    if directory is None:
        return None
    name = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
    return directory.parent / "theme-files" / f"{name}.json"


def _read_listing(key: tuple) -> tuple[tuple, list[str]] | None:
    path = _listing_file(key)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else None
        return tuple((folder, mtime) for folder, mtime in data["folders"]), list(data["names"])
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _write_listing(key: tuple, entry: tuple[tuple, list[str]]) -> None:
    path = _listing_file(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(json.dumps({"folders": entry[0], "names": entry[1]}), encoding="utf-8")
        os.replace(temp, path)
    except OSError:
        pass  # a cache that cannot be written is only a slower build


def _folders(dirs: tuple[str, ...]) -> list[str]:
    """Every folder under the theme's folders (a listing depends on these only)."""
    found, todo = [], list(dirs)
    while todo:
        folder = todo.pop()
        found.append(folder)
        try:
            with os.scandir(folder) as entries:
                todo += [e.path for e in entries if e.is_dir(follow_symlinks=True)]
        except OSError:
            continue
    return sorted(found)


def _folder_times(folders: list[str]) -> tuple[tuple[str, int], ...]:
    """Each folder with its modification time (-1 when it is gone)."""
    times = []
    for folder in folders:
        try:
            times.append((folder, os.stat(folder).st_mtime_ns))
        except OSError:
            times.append((folder, -1))
    return tuple(times)
