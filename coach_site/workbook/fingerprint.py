"""Content-hashed names for every file a workbook's pages load, in one folder.

A browser may then keep each of them for a year without asking again (`immutable`, see
headers.py), and still never use an old one: a file that changes is a file of another name,
and the pages, which are always checked for updates, name the new one. Material names its
main stylesheet and bundle so already; coach-site's own scripts and styles, Material's
copies, the icons and the search worker get the same here. They move to `assets/hashed/`, so
that one path pattern says which files may be kept (`_headers` has no regular expressions),
and every reference in the pages and the web app manifest follows.

Source maps go: no page loads them, and they are a megabyte and a half per workbook.
Runs on the built site before it is sealed (the pages are rewritten while they are plain),
and `rewrite_references` again on the sealed shells, which name the files too.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

HASHED_DIR = "assets/hashed"
_DIGITS = 10
# A file of the workbook's, named in a page: in an attribute, the theme's config (JSON) or the manifest.
_REFERENCE = re.compile(r"""(?P<quote>["'])(?P<prefix>(?:\./|(?:\.\./)+)?)(?P<path>assets/[A-Za-z0-9_./-]+?)(?P=quote)""")
_REFERRING = ("*.html", "manifest.webmanifest")


def fingerprint_assets(site: Path) -> dict[str, str]:
    """Move every file the pages name under assets/ to a content-hashed name in HASHED_DIR,
    rewrite the references, drop source maps; the old path -> new path of each file moved."""
    for source_map in site.glob("assets/**/*.map"):
        source_map.unlink()
    referring = [path for pattern in _REFERRING for path in site.rglob(pattern)]
    named = {match["path"] for path in referring for match in _REFERENCE.finditer(path.read_text(encoding="utf-8"))}
    moved: dict[str, str] = {}
    target = site / HASHED_DIR
    for name in sorted(named):
        file = site / name
        if not file.is_file() or name.startswith(HASHED_DIR + "/"):
            continue
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:_DIGITS]
        new = f"{HASHED_DIR}/{_stem(file.name)}.{digest}{_suffix(file.name)}"
        target.mkdir(parents=True, exist_ok=True)
        file.replace(site / new)  # a rename: a file shared by the run's workbooks (a hard link) stays whole
        moved[name] = new
    rewrite_references(site, moved)
    for folder in sorted((p for p in (site / "assets").rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()  # emptied by the moves: nothing to publish there
    return moved


def rewrite_references(site: Path, moved: dict[str, str]) -> None:
    """Every page and the manifest naming a moved file name its new path."""
    if not moved:
        return
    for pattern in _REFERRING:
        for path in site.rglob(pattern):
            text = path.read_text(encoding="utf-8")
            changed = _REFERENCE.sub(lambda m: _renamed(m, moved), text)
            if changed != text:
                path.write_text(changed, encoding="utf-8")


def _renamed(match: re.Match, moved: dict[str, str]) -> str:
    path = moved.get(match["path"])
    return match[0] if path is None else f"{match['quote']}{match['prefix']}{path}{match['quote']}"


def _stem(name: str) -> str:
    """`bundle.a5f9d56c.min.js` -> `bundle`, `workbook-icon-192.png` -> `workbook-icon-192`:
    the readable part; a hash Material gave is replaced by ours."""
    stem = name.split(".", 1)[0]
    return stem


def _suffix(name: str) -> str:
    """`.min.js`, `.js`, `.css`, `.png`: what tells the host the file's type (and that it is minified)."""
    parts = name.split(".")
    return ".min." + parts[-1] if len(parts) > 2 and parts[-2] == "min" else "." + parts[-1]
