"""The theme's static files, copied once per run and hard-linked into each client's site.

Every workbook carries the same theme files (Material's scripts, styles and search
workers, and those of overrides/). Copying them for every client was a good part of a
small build's time. During a run they are copied once into a folder of the run, beside
the sites being built (so on the same file system), and each client's site gets a hard
link to that copy: the same bytes, no copy.

A hard link is an equal name for the same file; nothing writes a site's files after
its build, and whatever copies a site elsewhere (publish) copies the bytes. The
installed theme is never linked, only the run's copy of it. Where a link cannot be
made (another file system, a file system without links), the file is copied, as MkDocs
would have done.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path


class SharedAssets:
    """A folder holding one copy of each theme file a run's sites use."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._made: dict[str, str] = {}  # this process's copies, by key

    def place(self, source: str, target: str) -> None:
        """Put the theme file `source` at `target`: a link to the run's copy, else a copy."""
        try:
            _link(self._stored(source), target)
        except OSError:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(source, target)

    def _stored(self, source: str) -> str:
        """The run's copy of `source`, made on first use. Keyed by the file's path, time and
        size, so a theme file changed during the run is copied afresh."""
        info = os.stat(source)
        key = f"{source}\0{info.st_mtime_ns}\0{info.st_size}"
        if key in self._made:
            return self._made[key]
        name = f"{hashlib.sha256(key.encode()).hexdigest()[:24]}-{os.path.basename(source)}"
        stored = os.path.join(self.folder, name)
        if not os.path.exists(stored):
            # Written beside, then linked into place: a forked worker of the same run never
            # links a half-written copy, and when two make one at once, the first one stays.
            partial = f"{stored}.{os.getpid()}.partial"
            shutil.copyfile(source, partial)
            try:
                os.link(partial, stored)
            except FileExistsError:
                pass
            finally:
                os.unlink(partial)
        self._made[key] = stored
        return stored


def _link(stored: str, target: str) -> None:
    """A hard link at `target`, replacing a file there, making its folder if missing."""
    try:
        os.link(stored, target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(stored, target)
    except FileExistsError:
        os.unlink(target)
        os.link(stored, target)
