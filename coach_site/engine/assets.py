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

    def place(self, source: str, target: str) -> None:
        """Put the theme file `source` at `target`: a link to the run's copy, else a copy."""
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            stored = self._stored(source)
            _replace_with_link(stored, target)
        except OSError:
            shutil.copyfile(source, target)

    def _stored(self, source: str) -> str:
        """The run's copy of `source`, made on first use. Keyed by the file's path, time and
        size, so a theme file changed during the run is copied afresh."""
        info = os.stat(source)
        key = f"{source}\0{info.st_mtime_ns}\0{info.st_size}".encode()
        stored = str(self.folder / f"{hashlib.sha256(key).hexdigest()[:24]}-{os.path.basename(source)}")
        if not os.path.exists(stored):
            # Written beside and renamed into place: a forked worker of the same run never
            # links a half-written copy.
            partial = f"{stored}.{os.getpid()}.partial"
            shutil.copyfile(source, partial)
            os.replace(partial, stored)
        return stored


def _replace_with_link(stored: str, target: str) -> None:
    try:
        os.link(stored, target)
    except FileExistsError:
        os.unlink(target)
        os.link(stored, target)
