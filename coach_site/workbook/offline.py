"""The workbook offline: a service worker of its own, written at build time.

`sw.js` in the workbook's folder precaches that workbook's files, each listed with its
content hash (offline/service-worker.js says how it serves them). It is written last, over
the site as it will be published (a sealed workbook's shells and encrypted index, never a
plain page), so a rebuilt workbook is a new list and the browser fetches its files again.
It never names a file outside the workbook's folder.

Search loads lunr's language files on its own; only the workbook's search language's are
kept (Material ships forty, most of a megabyte), and only those are precached.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

WORKER = "sw.js"
_SOURCE = Path(__file__).with_name("offline") / "service-worker.js"
LUNR = "assets/javascripts/lunr"
SEARCH_INDEX = "search/search_index.json"
# Never precached: the host's business (sitemaps), licences, what publish adds beside a file.
_NOT_CACHED_NAMES = {WORKER, "sitemap.xml", "sitemap.xml.gz", ".coach-site-workbook"}
_NOT_CACHED_SUFFIXES = (".gz", ".br", ".txt", ".map")
# The lunr files Material's search worker loads for a language beyond the stemmers'.
_SEGMENTERS = {"ja": "tinyseg.js", "th": "wordcut.js", "hi": "wordcut.js"}


def search_languages(site: Path) -> list[str]:
    """The search index's languages (read before sealing encrypts it); none when there is no index."""
    index = site / SEARCH_INDEX
    if not index.is_file():
        return []
    config = json.loads(index.read_text(encoding="utf-8")).get("config", {})
    languages = config.get("lang", ["en"])
    return [languages] if isinstance(languages, str) else list(languages)


def keep_search_languages(site: Path, languages: list[str]) -> None:
    """Remove lunr's files for languages the workbook's search does not use."""
    folder = site / LUNR
    if not folder.is_dir():
        return
    needed = {f"{LUNR}/min/lunr.stemmer.support.min.js", f"{LUNR}/min/lunr.multi.min.js"}
    needed |= {f"{LUNR}/min/lunr.{language}.min.js" for language in languages}
    needed |= {f"{LUNR}/{_SEGMENTERS[language]}" for language in languages if language in _SEGMENTERS}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(site).as_posix()
        if path.is_file() and name not in needed and not path.name.startswith("LICENSE"):
            path.unlink()
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            shutil.rmtree(path)


def write_service_worker(site: Path) -> Path:
    """Write `sw.js` into the workbook's folder, precaching every file it will publish."""
    files = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name = path.relative_to(site).as_posix()
        if path.name in _NOT_CACHED_NAMES or path.name.endswith(_NOT_CACHED_SUFFIXES) or path.name.startswith("LICENSE"):
            continue
        files[name] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    listed = json.dumps(files, indent=0, sort_keys=True)
    version = hashlib.sha256(listed.encode()).hexdigest()[:16]
    worker = site / WORKER
    worker.write_text(f"var PRECACHE = {listed};\nvar PRECACHE_VERSION = \"{version}\";\n"
                      + _SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    return worker
