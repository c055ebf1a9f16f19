"""Precompressed copies of a workbook's text files, for hosts that serve them as they are
(nginx's `gzip_static`, Apache with MultiViews or a rewrite): `page.html.gz` beside
`page.html`, and `page.html.br` where the Python package `brotli` is installed.

Written by `publish --compress` into the workbooks it publishes. Level 9 and no time stamp,
so a file that did not change compresses to the same bytes and a git target sees no change.
"""

from __future__ import annotations

import gzip
from pathlib import Path

TEXT_SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".webmanifest", ".xml", ".txt")
_SMALLEST = 1024  # below this, compressing saves less than a request's headers


def precompress(folder: Path) -> int:
    """Write the compressed copies of every text file in `folder` that has none up to date;
    how many files were written."""
    try:
        import brotli
    except ImportError:
        brotli = None
    written = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES or path.stat().st_size < _SMALLEST:
            continue
        data = path.read_bytes()
        coders = [(".gz", lambda d: gzip.compress(d, compresslevel=9, mtime=0))]
        if brotli is not None:
            coders.append((".br", lambda d: brotli.compress(d, quality=11)))
        for suffix, coder in coders:
            copy = path.with_name(path.name + suffix)
            if copy.exists() and copy.stat().st_mtime_ns >= path.stat().st_mtime_ns:
                continue
            copy.write_bytes(coder(data))
            written += 1
    return written
