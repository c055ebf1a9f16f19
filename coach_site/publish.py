"""Stage 5, publish: swap a freshly built site into `<site-dir>/<token>/`.

The new site is built beside the old one (same file system), so the swap is two
renames and the old copy is deleted only once the new one is in place. A failed
build never gets here, so the published site stays byte-for-byte as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

ROBOTS_TXT = "User-agent: *\nDisallow: /\n"
# The site dir's own front page: nothing, so nobody can list the clients from it.
ROOT_INDEX = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="robots" content="noindex, nofollow"><title>Nothing here</title></head>'
    "<body><p>Nothing here.</p></body></html>\n"
)
BUILDING_PREFIX = ".building-"
_RETIRED_PREFIX = ".retired-"


def staging_dir(site_dir: Path) -> Path:
    """A fresh, hidden folder in the site dir to build into (same file system as the target)."""
    site_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=BUILDING_PREFIX, dir=site_dir))


def publish_site(built: Path, site_dir: Path, token: str) -> Path:
    """Move `built` to `site_dir/token`, replacing what was there. Returns the published path."""
    target = site_dir / token
    retired = None
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=_RETIRED_PREFIX, dir=site_dir)) / token
        os.rename(target, retired)
    try:
        os.rename(built, target)
    except OSError:
        if retired is not None:
            os.rename(retired, target)  # put the old site back before failing
        raise
    if retired is not None:
        shutil.rmtree(retired.parent, ignore_errors=True)
    write_site_root(site_dir)
    return target


def remove_site(site_dir: Path, token: str) -> None:
    """Delete a published client site (an old token after rotation)."""
    shutil.rmtree(site_dir / token, ignore_errors=True)


def write_site_root(site_dir: Path) -> None:
    """robots.txt that keeps crawlers out, and an empty front page that lists no client."""
    for name, text in (("robots.txt", ROBOTS_TXT), ("index.html", ROOT_INDEX)):
        path = site_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
