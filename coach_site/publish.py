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

from .headers import htaccess, netlify_headers

ROBOTS_TXT = "User-agent: *\nDisallow: /\n"
BUILDING_PREFIX = ".building-"
_RETIRED_PREFIX = ".retired-"


def staging_dir(site_dir: Path) -> Path:
    """A fresh, hidden folder in the site dir to build into (same file system as the target)."""
    site_dir.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=BUILDING_PREFIX, dir=site_dir))
    # mkdtemp makes a private (0700) folder; a web server must be able to read the site.
    os.chmod(staged, 0o755)
    return staged


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


def site_root_files() -> dict[str, str]:
    return {
        "robots.txt": ROBOTS_TXT,
        "_headers": netlify_headers(),
        ".htaccess": htaccess(),
        ".nojekyll": "",  # GitHub Pages: serve the files as they are
    }


def remove_site(site_dir: Path, token: str) -> None:
    """Delete a published client site (an old token after rotation)."""
    shutil.rmtree(site_dir / token, ignore_errors=True)


def write_site_root(site_dir: Path) -> None:
    """The site dir's own files: robots.txt that keeps crawlers out, and the privacy headers
    for Netlify/Cloudflare and Apache hosts. No index page: the root lists no client, and
    hosts answer 404 there."""
    for name, text in site_root_files().items():
        path = site_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
