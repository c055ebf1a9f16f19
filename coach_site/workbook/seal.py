"""Sealing: a built workbook becomes ciphertext that only the full link opens.

A sealed workbook is built as any other, then, before it is swapped into the site dir,
every page is encrypted (AES-256-GCM, a fresh random 12-byte IV per item and per build,
the item's path in the workbook as additional data, so a host cannot pass one page off as
another: the browser takes the path from the address it opened, never from the shell) and
put in a small shell page that carries no client word: a neutral title, a message for a
browser without JavaScript, and the ciphertext in a data block that never runs. The shell
is the template `content/sealed-page.html.j2` (a practice may have its own), in the
practice's language (theme.language), not the client's, so it does not tell a client's
language either. `theme/overrides/assets/javascripts/sealed.js` decrypts it in the
coachee's browser with the key from the link's fragment (`#...`), which browsers never send
to a host.

Before it is encrypted, each item is padded to its size class (`padded`: its length in 4
bytes, then zeros up to the next power of two at or above 4 KiB), so an answer a few words
longer does not make its page, the print page and the index longer by as much: only a page
that crosses a power of two shows that it grew.

The search index becomes `search/search_index.js`, a script that only defines the
encrypted index (a script loads from disk as well as from a host); no plain index stays.

The content key is the link's key (32 random bytes), or, when the client file has a
passphrase, PBKDF2-HMAC-SHA256 of the passphrase salted with the key, so the link alone
opens nothing (`clientfile/keys.py`: content_key, which reflections sealed in the workbook
are derived from too).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from coach_site.clientfile import keys
from coach_site.clientfile.keys import PASSPHRASE_ITERATIONS, content_key
from coach_site.clientfile.model import Workbook
from coach_site.engine.languages import direction
from coach_site.errors import BuildError
from coach_site.project import Project
from coach_site.workbook.html_pages import html_template, render_html

IV_BYTES = 12
LENGTH_BYTES = 4  # what a padded item starts with: its own length, big-endian (sealed.js reads it)
LEAST_SIZE = 4096  # the smallest size class a sealed item is padded to; the next are its powers of two
MANIFEST = "manifest.webmanifest"  # plain on the host: its names in the practice's language
SEALED_STORAGE_SCOPE = "../"  # the theme's keys in the browser's storage: under the folder above the workbook
SEARCH_INDEX = "search/search_index.json"  # Material's index: what the sealed one stands for
SEARCH_SCRIPT = "search/search_index.js"  # the sealed index, the only copy published
PAGE_BLOCK_ID = "sealed-page"
SHELL_STYLESHEET = "assets/stylesheets/sealed.css"
SHELL_SCRIPTS = ("assets/javascripts/store.js", "assets/javascripts/sealed.js")  # store.js: what the scripts share
SHELL_TEMPLATE = "sealed-page.html.j2"  # the shell, in content/: its words and look
_NOT_SAID_BY_SCRIPT = ("title", "noscript", "short_name", "forget", "forget_confirm")  # the shell, manifest, footer


@dataclass(frozen=True)
class Seal:
    """What seals one workbook: the link's key and the key its content is encrypted with."""

    key: str  # the part of the link after `#`
    content_key: bytes
    passphrase: bool  # the coachee types a passphrase too


def is_sealed(workbook: Workbook, project: Project) -> bool:
    """The client file's link.sealed, else the practice's extra.sealed."""
    return keys.is_sealed(workbook.link.sealed, project.sealed)


def seal_of(workbook: Workbook, project: Project) -> Seal | None:
    """How this workbook is sealed, or None when it is published plain."""
    if not is_sealed(workbook, project):
        return None
    key = workbook.link.key
    if not key:
        raise BuildError("link.key: a sealed workbook needs its key; build it with coach-site build, which adds one")
    passphrase = workbook.link.passphrase
    return Seal(key=key, content_key=content_key(key, passphrase), passphrase=passphrase is not None)


def padded(content: bytes) -> bytes:
    """`content` after its length (LENGTH_BYTES, big-endian) and before zeros, up to its size
    class: the next power of two at or above LEAST_SIZE that holds both. What sealed.js
    decrypts is read back to that length; the zeros are never read."""
    size = max(LEAST_SIZE, 1 << (len(content) + LENGTH_BYTES - 1).bit_length())
    return len(content).to_bytes(LENGTH_BYTES, "big") + content + bytes(size - LENGTH_BYTES - len(content))


def unpadded(data: bytes) -> bytes:
    """The inverse of `padded`."""
    length = int.from_bytes(data[:LENGTH_BYTES], "big")
    if length > len(data) - LENGTH_BYTES:
        raise ValueError("a sealed item shorter than the length it starts with")
    return data[LENGTH_BYTES:LENGTH_BYTES + length]


def encrypt(content: bytes, seal: Seal, path: str) -> dict[str, str]:
    """One item, padded and encrypted for the workbook at `path` (relative to its root), with
    an IV of its own (random, never reused: a rebuild with the same key gets new ones): iv
    and data, base64."""
    iv = secrets.token_bytes(IV_BYTES)
    data = AESGCM(seal.content_key).encrypt(iv, padded(content), path.encode("utf-8"))
    return {"iv": _b64(iv), "data": _b64(data)}


def decrypt(item: dict[str, str], content_key: bytes, path: str) -> bytes:
    """The inverse of `encrypt` (raises cryptography's InvalidTag on a wrong key or path)."""
    return unpadded(AESGCM(content_key).decrypt(base64.b64decode(item["iv"]), base64.b64decode(item["data"]),
                                                path.encode("utf-8")))


def drop_shell_files(site: Path) -> None:
    """A plain workbook loads neither the shell's script nor its stylesheet: not published."""
    for name in (SHELL_STYLESHEET, SHELL_SCRIPTS[-1]):
        (site / name).unlink(missing_ok=True)


def seal_site(site: Path, seal: Seal, words: dict[str, Any], content_dirs: Sequence[Path], language: str) -> None:
    """Turn the built workbook in `site` into its sealed form, in place: every page a shell,
    the search index encrypted, the app's names in the manifest the shell's. `words`: the
    `sealed` part of content/_words.yaml in `language`, the practice's (theme.language): what
    a host holds is the same for every client of the practice, whatever their language; the
    shell's template is looked up in `content_dirs`."""
    template = html_template(content_dirs, language, SHELL_TEMPLATE)
    for page in sorted(site.rglob("*.html")):
        path = page.relative_to(site).as_posix()
        html = page.read_text(encoding="utf-8")
        _replace(page, shell_page(encrypt(html.encode("utf-8"), seal, path), path, seal, words, template, language))
    _seal_search_index(site, seal)
    _name_the_app(site / MANIFEST, words)


def _name_the_app(manifest: Path, words: dict[str, Any]) -> None:
    """The manifest's names (render wrote the shell's, in the client's language) in the shell's language."""
    if not manifest.exists():
        return
    app = json.loads(manifest.read_text(encoding="utf-8"))
    app.update(name=words["title"], short_name=words["short_name"])
    _replace(manifest, json.dumps(app, ensure_ascii=False, indent=2) + "\n")


def _seal_search_index(site: Path, seal: Seal) -> None:
    index = site / SEARCH_INDEX
    if not index.exists():
        return
    sealed = encrypt(index.read_bytes(), seal, SEARCH_INDEX)
    _replace(site / SEARCH_SCRIPT, f"var __sealedIndex = {json.dumps(sealed)};\n")
    index.unlink()


def shell_page(sealed: dict[str, str], path: str, seal: Seal, words: dict[str, Any],
               template: jinja2.Template, language: str) -> str:
    """The page a host holds at `path` in place of the page `sealed` holds (the shell
    `template`, content/sealed-page.html.j2): no word of the client, the words sealed.js shows
    in `language` (the practice's: the decrypted page brings the client's), and the
    ciphertext, which never runs. It does not name its own path: sealed.js takes that from
    the address it was opened at."""
    attributes = [("lang", language)] + ([("dir", "rtl")] if direction(language) == "rtl" else [])
    up = "../" * path.count("/")  # every link relative to the page, so it opens from disk too
    data = {
        "root": up or "./",
        "index": f"{up}{SEARCH_SCRIPT}",
        "iterations": str(PASSPHRASE_ITERATIONS) if seal.passphrase else "",
        **{f"say-{key.replace('_', '-')}": text for key, text in words.items() if key not in _NOT_SAID_BY_SCRIPT},
    }
    return render_html(
        template, html_attributes=attributes, root=up, stylesheet=SHELL_STYLESHEET,
        scripts=SHELL_SCRIPTS, data=data, says=words, block_id=PAGE_BLOCK_ID, sealed=sealed,
    )


def _replace(path: Path, text: str) -> None:
    """Write `path` anew (never through a hard link: the theme's files are shared by a run's sites)."""
    handle, temp = tempfile.mkstemp(prefix=".sealing-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(temp, 0o644)
    os.replace(temp, path)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
