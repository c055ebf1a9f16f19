"""Sealed workbooks: what the client file says, and what the host holds (ciphertext only).

The leak test builds the example client (every field set) sealed, with a passphrase, and
looks for every string of 8 characters or more of the client file in every file of the
site dir, raw, HTML-escaped and JSON-escaped; a plain build of the same client holds
them, so the test can fail.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE_CLIENT, MINIMAL_CLIENT, REPO, build, copy_project, customised
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.errors import ClientFileError, CoachSiteError
from coach_site.project_loader import load_project
from coach_site.workbook.seal import (
    LEAST_SIZE,
    PASSPHRASE_ITERATIONS,
    SEARCH_SCRIPT,
    content_key,
    decrypt,
    is_sealed,
    padded,
    unpadded,
)

KEY = "q2Vb7XnR4mTz9KcW1pLs8HdYf3JgA6uEo0iNw5rBx-k"  # looks random: 43 characters, 32 bytes
PASSPHRASE = "kettle on the windowsill"
EXAMPLE_TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"
SEALED_TOKEN = "Sq7Mn3Kx9WbR2vLt5PcZd8"  # the sealed copy's own link: build refuses a copy at the example's
HEAD = """\
client:
  name: Ada Example
link:
  token: 3hVt9QmK2xLp7RwZc5NbYa
"""


def sealed_example(passphrase: str | None = PASSPHRASE, sealed: str = "true") -> str:
    """The example client (every field set), sealed with KEY."""
    text = EXAMPLE_CLIENT.read_text(encoding="utf-8")
    extra = f"  sealed: {sealed}\n  key: {KEY}\n" + (f"  passphrase: {passphrase}\n" if passphrase else "")
    return re.sub(r"(?m)^(  token: .*\n)", lambda m: m.group(1) + extra, text, count=1)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ClientFileError) as exc_info:
        validate_client(load_client_file(write(tmp_path, text)))
    return [str(p).replace(str(tmp_path / "x.yaml"), "x.yaml") for p in exc_info.value.problems]


# ---- The client file and mkdocs.yml -----------------------------------------------------

def test_a_sealed_link_has_its_key_and_passphrase(tmp_path):
    link = validate_client(load_client_file(write(tmp_path, sealed_example()))).link
    assert (link.sealed, link.key, link.passphrase) == (True, KEY, PASSPHRASE)


@pytest.mark.parametrize("key", [KEY[:-1], KEY + "A", KEY[:-2] + "+/", "not a key at all"])
def test_a_key_that_is_not_32_bytes_of_base64url_is_a_clear_error(tmp_path, key):
    found = problems(tmp_path, HEAD + f"  sealed: true\n  key: {key}\n")
    assert len(found) == 1
    assert found[0].startswith("x.yaml:6: link.key: must be 43 characters of A-Z a-z 0-9 _ -"), found


def test_sealed_is_true_or_false_and_nothing_else(tmp_path):
    assert validate_client(load_client_file(write(tmp_path, HEAD + "  sealed: false\n"))).link.sealed is False
    for said in ("maybe", "no", "yes"):  # `yes` is text to YAML 1.2 and to the editor's schema
        found = problems(tmp_path, HEAD + f"  sealed: {said}\n")
        assert found == [f"x.yaml:5: link.sealed: write true or false (got {said})"]


def test_a_passphrase_is_one_line(tmp_path):
    found = problems(tmp_path, HEAD + f"  key: {KEY}\n  passphrase: |\n    two\n    lines\n")
    assert len(found) == 1 and found[0].startswith("x.yaml:6: link.passphrase: must be one line")


def test_the_practice_default_seals_unless_the_client_says_false(tmp_path):
    root = copy_project(tmp_path / "p")
    config = root / "mkdocs.yml"
    plain = load_project(root)
    config.write_text(config.read_text() + "  sealed: true\n")  # under extra:, the file's last section
    practice = load_project(root)
    assert (plain.sealed, practice.sealed) == (False, True)
    client = validate_client(load_client_file(write(tmp_path, HEAD)))
    opted_out = validate_client(load_client_file(write(tmp_path, HEAD + "  sealed: false\n")))
    assert is_sealed(client, practice) and not is_sealed(opted_out, practice) and not is_sealed(client, plain)
    config.write_text(config.read_text() + "  sealed: sometimes\n")
    with pytest.raises(CoachSiteError, match=r"mkdocs.yml: extra.sealed: write true or false"):
        load_project(root)


def test_the_content_key_is_the_link_key_or_pbkdf2_of_the_passphrase():
    raw = base64.urlsafe_b64decode(KEY + "=")
    assert content_key(KEY) == raw
    expected = hashlib.pbkdf2_hmac("sha256", "Café".encode(), raw, PASSPHRASE_ITERATIONS, 32)
    assert content_key(KEY, "Cafe\u0301") == expected  # typed decomposed, derived as NFC
    assert PASSPHRASE_ITERATIONS >= 600_000


# ---- What the host holds ----------------------------------------------------------------

def client_strings(path: Path) -> set[str]:
    """Every string of 8 characters or more of the client file: each scalar, each of its lines,
    and the pieces between Markdown's marks (a page shows `*mean*` as <em>mean</em>)."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif node is not None and not isinstance(node, bool):
            text = node.isoformat() if isinstance(node, dt.date) else str(node)
            pieces = {text, *text.splitlines()}
            pieces |= {p for line in text.splitlines() for p in re.split(r"[*_`#\[\]]+|^\s*-\s+", line)}
            found.update(p.strip() for p in pieces if len(p.strip()) >= 8)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def encodings(text: str) -> set[str]:
    """The ways a page might hold a string: raw, HTML-escaped, JSON-escaped."""
    return {
        text,
        html.escape(text),
        html.escape(text, quote=False),
        json.dumps(text)[1:-1],
        json.dumps(text, ensure_ascii=False)[1:-1],
    }


def client_names(path: Path) -> set[str]:
    """The client's names, each word however short ("Maya"): looked for as whole words."""
    client = yaml.safe_load(path.read_text(encoding="utf-8"))["client"]
    return {word for name in (client["name"], client.get("preferred_name") or "") for word in name.split()}


def held(data: bytes, strings: set[str], names: set[str] = frozenset()) -> list[str]:
    """Which of `strings` `data` holds in any encoding and any case, and which of `names` as words."""
    text = data.decode("utf-8", errors="ignore").casefold()
    hits = [s for s in strings if any(form.casefold() in text for form in encodings(s))]
    return hits + [n for n in names if re.search(rf"\b{re.escape(n.casefold())}\b", text)]


def leaks(site_dir: Path, strings: set[str], theme: Path, names: set[str] = frozenset()) -> dict[str, list[str]]:
    """Which of `strings` (and of `names`, as words) each file of `site_dir` holds, in any
    encoding, in any case.

    A file byte for byte the same in `theme`, another client's workbook, is the theme's and
    holds nothing of this client (Material's scripts hold many words, "properly" among them)."""
    found: dict[str, list[str]] = {}
    for file in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        data = file.read_bytes()
        same = theme / file.relative_to(site_dir).relative_to(file.relative_to(site_dir).parts[0])
        if len(file.relative_to(site_dir).parts) > 1 and same.is_file() and same.read_bytes() == data:
            continue
        if hits := held(data, strings, names):
            found[file.relative_to(site_dir).as_posix()] = hits
    return found


@pytest.fixture(scope="module")
def sealed_build(tmp_path_factory):
    """The example client, sealed with a passphrase, and the same client built plain."""
    base = tmp_path_factory.mktemp("sealed")
    sealed_file = base / "maya-sealed.yaml"
    sealed_file.write_text(sealed_example().replace(EXAMPLE_TOKEN, SEALED_TOKEN), encoding="utf-8")
    sealed = build(sealed_file, REPO, base / "sealed-site")
    plain = build(EXAMPLE_CLIENT, REPO, base / "plain-site")
    other_file = base / "ada.yaml"
    other_file.write_text(MINIMAL_CLIENT, encoding="utf-8")
    other = build(other_file, REPO, base / "other-site")
    return sealed_file, sealed, plain, other.site


def test_no_string_of_the_client_file_is_in_any_file_of_a_sealed_site(sealed_build):
    client_file, sealed, plain, theme = sealed_build
    strings = client_strings(client_file) - {SEALED_TOKEN}  # the token names the folder
    assert {KEY, PASSPHRASE, "Maya Lindqvist", "Relationships", "maya.lindqvist@example.org"} <= strings
    names = client_names(client_file)
    in_plain = {s for hits in leaks(plain.site.parent, strings, theme, names).values() for s in hits}
    # The test can fail: a plain workbook holds most lines of them as they are (not the key,
    # the passphrase, nor what the pages show otherwise: a date, a list's mark, a timeline).
    lines = {s for s in strings if "\n" not in s}
    assert len(in_plain & lines) >= 0.7 * len(lines), sorted(lines - in_plain)
    assert {"Maya", "Lindqvist", "Relationships", "Build a portfolio of the last two projects"} <= in_plain
    assert leaks(sealed.site.parent, strings, theme, names) == {}


def test_a_sealed_site_holds_shells_the_encrypted_index_and_numbered_area_pages(sealed_build):
    _, sealed, _, _ = sealed_build
    site = sealed.site
    names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and "assets" not in p.parts}
    assert names == {
        "index.html", "values.html", "area-1.html", "area-2.html", "area-3.html", "homework.html", "schedule.html",
        "ted-talk.html", "reflections.html", "print.html", "404.html", SEARCH_SCRIPT, "manifest.webmanifest",
        ".coach-site-workbook", "sw.js",
    }
    assert json.loads((site / "manifest.webmanifest").read_text())["name"] == "Your workbook"
    for page in site.rglob("*.html"):
        shell = page.read_text(encoding="utf-8")
        assert "<title>Your workbook</title>" in shell and '<meta name="robots" content="noindex, nofollow">' in shell
        assert re.search(r'<script src="assets/hashed/sealed\.[0-9a-f]{10}\.js" defer></script>', shell)
        assert 'data-iterations="600000"' in shell and "<noscript>" in shell
        assert "data-path" not in shell  # the browser takes the page's path from its address
        assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/octet-stream\")", shell) is None


def sealed_item(site: Path, path: str) -> dict[str, str]:
    """What the shell at `path` holds: its page's iv and ciphertext."""
    shell = (site / path).read_text(encoding="utf-8")
    block = re.search(r'<script type="application/octet-stream" id="sealed-page" data-iv="([^"]+)">([^<]+)</script>',
                      shell)
    return {"iv": block[1], "data": block[2]}


def sealed_index(site: Path) -> dict[str, str]:
    script = (site / SEARCH_SCRIPT).read_text(encoding="utf-8")
    return json.loads(re.fullmatch(r"var __sealedIndex = (\{.*\});\n", script)[1])


def opened(site: Path, path: str, key: bytes) -> str:
    return decrypt(sealed_item(site, path), key, path).decode("utf-8")


def test_the_key_and_passphrase_open_each_page_and_the_index_and_only_at_its_own_path(sealed_build):
    _, sealed, _, _ = sealed_build
    key = content_key(KEY, PASSPHRASE)
    assert "Hi Maya" in opened(sealed.site, "index.html", key)
    assert "Career" in opened(sealed.site, "area-1.html", key)
    index = json.loads(decrypt(sealed_index(sealed.site), key, "search/search_index.json"))
    assert any("portfolio" in doc["text"] for doc in index["docs"])
    with pytest.raises(InvalidTag):  # the link's key alone opens nothing when there is a passphrase
        opened(sealed.site, "index.html", content_key(KEY))
    # Each item is bound to its own path (AES-GCM's additional data), whatever seal.decrypt does.
    for path in ("area-1.html", "404.html"):
        item = sealed_item(sealed.site, path)
        iv, data = base64.b64decode(item["iv"]), base64.b64decode(item["data"])
        assert AESGCM(key).decrypt(iv, data, path.encode())
        for other in (b"", b"index.html", b"404.html" if path != "404.html" else b"area-1.html"):
            with pytest.raises(InvalidTag):
                AESGCM(key).decrypt(iv, data, other)
    shell = (sealed.site / "area-1.html").read_text(encoding="utf-8")
    (sealed.site / "swapped.html").write_text(shell, encoding="utf-8")
    try:
        with pytest.raises(InvalidTag):  # a page passed off as another does not open
            opened(sealed.site, "swapped.html", key)
    finally:
        (sealed.site / "swapped.html").unlink()


def test_each_item_has_its_own_iv(sealed_build):
    _, sealed, _, _ = sealed_build
    ivs = [re.search(r'data-iv="([^"]+)"', p.read_text())[1] for p in sealed.site.rglob("*.html")]
    assert len(ivs) == len(set(ivs)) == 11 and all(len(base64.b64decode(iv)) == 12 for iv in ivs)


def test_the_shell_speaks_the_practices_language_and_the_opened_page_the_clients(tmp_path):
    """What the host holds tells no client's language: the shells and the manifest of a German
    client of an English practice are English, the pages they hold German."""
    client = tmp_path / "ada.yaml"
    client.write_text(HEAD + f"  sealed: true\n  key: {KEY}\nlanguage: de\nfocus_areas:\n  - name: Beruf\n",
                      encoding="utf-8")
    site = build(client, REPO, tmp_path / "site").site
    for page in site.rglob("*.html"):
        shell = page.read_text(encoding="utf-8")
        assert '<html lang="en">' in shell and "<title>Your workbook</title>" in shell, page.name
        assert "Arbeitsbuch" not in shell and "deutsch" not in shell.casefold()
    shell = (site / "area-1.html").read_text(encoding="utf-8")
    assert "turn on JavaScript in your browser" in shell and 'data-say-remember="Remember on this device' in shell
    manifest = (site / "manifest.webmanifest").read_text(encoding="utf-8")
    assert json.loads(manifest)["short_name"] == "Workbook" and "Arbeitsbuch" not in manifest
    page = opened(site, "area-1.html", content_key(KEY))
    assert '<html lang="de"' in page and "Beruf" in page
    assert "Dieses Arbeitsbuch auf diesem Gerät vergessen" in page  # the footer's forget, and its question
    assert 'data-confirm="Dieses Arbeitsbuch auf diesem Gerät vergessen? Was du darin geschrieben hast' in page


def test_a_practice_in_a_right_to_left_language_has_right_to_left_shells(tmp_path):
    root = copy_project(tmp_path / "practice")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  language: en\n", "  language: he\n"))
    client = tmp_path / "ada.yaml"
    client.write_text(HEAD + f"  sealed: true\n  key: {KEY}\nlanguage: en\nfocus_areas:\n  - name: Career\n",
                      encoding="utf-8")
    site = build(client, root, tmp_path / "site").site
    assert '<html lang="he" dir="rtl">' in (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in opened(site, "index.html", content_key(KEY))


# ---- What sizes and IVs say --------------------------------------------------------------

LONGER = " And I will say so to the team, kindly, every week."  # 51 characters more in one answer


@pytest.fixture(scope="module")
def edited_builds(tmp_path_factory):
    """The example client, sealed, built; then built again with one answer (the first focus
    area's outcome) 51 characters longer, into a site dir of its own."""
    base = tmp_path_factory.mktemp("edited")
    client = base / "maya-sealed.yaml"
    text = sealed_example(passphrase=None).replace(EXAMPLE_TOKEN, SEALED_TOKEN)
    before = build(_written(client, text), REPO, base / "before").site
    answer = "      with a team of five people who trust me.\n"
    assert text.count(answer) == 1 and len(LONGER) == 51
    after = build(_written(client, text.replace(answer, answer[:-1] + LONGER + "\n")), REPO, base / "after").site
    return before, after


def _written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def sealed_files(site: Path) -> dict[str, Path]:
    """Every file of a sealed workbook that is not the theme's: the shells, the index, the manifest."""
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*"))
            if p.is_file() and "assets" not in p.parts}


def test_an_answer_51_characters_longer_leaves_every_sealed_file_the_same_size(edited_builds):
    before, after = edited_builds
    key = content_key(KEY)
    # The test can fail: what the pages and the index hold did grow, by the answer.
    grown = {path: len(decrypt(item(after, path), key, path)) - len(decrypt(item(before, path), key, path))
             for path in ("area-1.html", "print.html", "search/search_index.json")}
    assert all(more >= 51 for more in grown.values()), grown  # (a page may carry an answer more than once)
    assert "every week." in opened(after, "area-1.html", key) and "every week." not in opened(before, "area-1.html", key)
    sizes = {name: (p.stat().st_size, sealed_files(after)[name].stat().st_size)
             for name, p in sealed_files(before).items()}
    assert sizes.keys() == sealed_files(after).keys()
    assert {name: size for name, size in sizes.items() if size[0] != size[1]} == {}


def item(site: Path, path: str) -> dict[str, str]:
    return sealed_index(site) if path == "search/search_index.json" else sealed_item(site, path)


def test_each_sealed_item_is_padded_to_a_power_of_two_at_or_above_4_kib(edited_builds):
    before, _ = edited_builds
    for path in ("index.html", "area-1.html", "print.html", "404.html", "search/search_index.json"):
        ciphertext = base64.b64decode(item(before, path)["data"])
        size = len(ciphertext) - 16  # AES-GCM's tag
        assert size >= LEAST_SIZE and size & (size - 1) == 0, (path, size)
    assert [len(padded(b"x" * n)) for n in (0, 4092, 4093, 8188, 8189)] == [4096, 4096, 8192, 8192, 16384]
    assert unpadded(padded("Grüße".encode())) == "Grüße".encode()


def test_two_builds_of_an_edited_client_share_no_iv(edited_builds):
    """An IV is never used twice with one key: not within a build, and not across two builds
    of the same workbook (a rebuild with the same key gets new ones), pages and index alike."""
    ivs = [[item(site, path)["iv"] for path in [*sorted(p.relative_to(site).as_posix() for p in site.glob("*.html")),
                                                 "search/search_index.json"]]
           for site in edited_builds]
    assert len(ivs[0]) == len(ivs[1]) == 12
    assert len(set(ivs[0]) | set(ivs[1])) == 24, "an IV used twice with one key"


def test_the_shell_is_a_template_a_practice_may_have_its_own_of_and_its_words_are_escaped(tmp_path):
    root = copy_project(tmp_path / "practice")
    own = customised(root, "sealed-page.html.j2")
    own.write_text(own.read_text(encoding="utf-8").replace(
        "<h1>{{ says.title }}</h1>", '<h1>{{ says.title }}</h1>\n<p class="ours">{{ _("Welcome back") }}</p>'))
    (root / "content" / "_words.yaml").write_text('sealed:\n  title: Notes <b>&</b> "plans"\n'
                                                  '  opening: <script>alert(1)</script>\n', encoding="utf-8")
    client = tmp_path / "ada.yaml"
    client.write_text(HEAD + f"  sealed: true\n  key: {KEY}\nfocus_areas:\n  - name: Career\n", encoding="utf-8")
    site = build(client, root, tmp_path / "site").site
    shell = (site / "area-1.html").read_text(encoding="utf-8")
    assert '<h1>Notes &lt;b&gt;&amp;&lt;/b&gt; &#34;plans&#34;</h1>\n<p class="ours">Welcome back</p>' in shell
    assert "<title>Notes &lt;b&gt;&amp;&lt;/b&gt; &#34;plans&#34;</title>" in shell
    assert 'data-say-opening="&lt;script&gt;alert(1)&lt;/script&gt;"' in shell and "<script>alert" not in shell
    assert "Career" in opened(site, "area-1.html", content_key(KEY))  # and it still opens
