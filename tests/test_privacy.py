"""A private link stays private: no crawlers, no other hosts, no one else's data, no injected code."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import build, html_pages, open_page, serve

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "</title><script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "<iframe src=javascript:alert(1)></iframe>",
    "![t](https://tracker.example/p.png)",
    "![c](//tracker.example/p.png)",  # scheme-relative: another host all the same
    "![x](/\\tracker.example/q.png)",  # a browser reads `/\` as `//`
    "![u](HTTPS://tracker.example/u.png)",
]


def hostile_client(token: str = "EvilEvil9xQ2mK7zLp4Rw_1") -> str:
    """A client file with every hostile string in every text field."""
    bad = " ".join(HOSTILE)
    quoted = '"' + bad.replace("\\", "\\\\").replace('"', '\\"') + '"'
    area = "\n".join(
        f"    {field}: {quoted}"
        for field in ("outcome", "why_it_matters", "what_has_to_happen", "how_youll_know", "barriers",
                      "ten_looks_like", "ten_in_3_months")
    )
    return textwrap.dedent(
        """\
        client:
          name: {q}
          preferred_name: {q}
          email: eve@example.org
        link:
          token: {token}
        sessions:
          next: 2026-10-01
        values:
          - name: {q}
            meaning: {q}
        focus_areas:
          - name: {q}
        {area}
            satisfaction: {{2026-09-01: 3, 2026-10-01: 5}}
            next_steps: [{q}]
          - name: {q2}
        homework:
          due: 2026-09-29
          action_items: [{q}]
        schedule:
          day: {q}
          week: {q}
          month: {q}
        ted_talk:
          title: {q}
          message: {q}
          story: {q}
        """
    ).format(q=quoted, q2=quoted[:-1] + ' 2"', token=token, area=area)


@pytest.fixture(scope="module")
def two_clients(tmp_path_factory):
    """Two clients built into one site dir by the real pipeline."""
    from conftest import REPO

    root = tmp_path_factory.mktemp("two")
    site_dir = root / "site"
    alice = root / "alice.yaml"
    alice.write_text(
        "client: {name: Alice Quillfeather}\nlink: {token: AliceAliceAliceAlice_01}\n"
        "values: [{name: Zephyrwonder, meaning: Marmalade skies}]\n"
        "focus_areas:\n  - name: Xylophonics\n    outcome: Playing the glockenspiel at Pemberley\n"
    )
    bob = root / "bob.yaml"
    bob.write_text(
        "client: {name: Bob Thistledown}\nlink: {token: BobBob9xQ2mK7zLp4RwTc_02}\n"
        "focus_areas:\n  - name: Quokkaland\n    outcome: Sailing the Hebrides by June\n"
    )
    return {
        "alice": build(alice, REPO, site_dir).site,
        "bob": build(bob, REPO, site_dir).site,
        "site_dir": site_dir,
    }


def all_text(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


def test_no_file_of_one_clients_site_holds_anything_of_the_other(two_clients):
    alice, bob = all_text(two_clients["alice"]), all_text(two_clients["bob"])
    for word in ("Alice", "Zephyrwonder", "Marmalade", "Xylophonics", "glockenspiel", "Pemberley", "AliceAlice"):
        assert word in alice and word not in bob
    for word in ("Bob", "Quokkaland", "Hebrides", "BobBob"):
        assert word in bob and word not in alice
    # The search index and the 404 page are the client's own.
    assert "Xylophonics" in (two_clients["alice"] / "search" / "search_index.json").read_text()
    assert "Alice" not in (two_clients["bob"] / "404.html").read_text()


def test_every_page_tells_search_engines_and_referrers_to_stay_away(two_clients):
    for site in (two_clients["alice"], two_clients["bob"]):
        for page in html_pages(site):
            html = page.read_text()
            assert '<meta name="robots" content="noindex, nofollow">' in html, page
            assert '<meta name="referrer" content="no-referrer">' in html, page


def test_no_sitemap_is_published_and_the_root_lists_no_client(two_clients):
    site_dir = two_clients["site_dir"]
    assert not list(site_dir.rglob("sitemap.xml*"))
    robots = (site_dir / "robots.txt").read_text().splitlines()
    assert robots[0].startswith("# coach-site") and robots[1:] == ["User-agent: *", "Disallow: /"]
    front = (site_dir / "index.html").read_text()  # shown instead of a list of the folder
    assert "Alice" not in front and "AliceAliceAliceAlice_01" not in front and "BobBob" not in front
    assert '<meta name="robots" content="noindex, nofollow">' in front and "<a " not in front


def test_canonical_links_point_inside_the_clients_own_token_path(two_clients):
    for name, token in (("alice", "AliceAliceAliceAlice_01"), ("bob", "BobBob9xQ2mK7zLp4RwTc_02")):
        for page in html_pages(two_clients[name]):
            for href in re.findall(r'<link rel="canonical" href="([^"]+)"', page.read_text()):
                assert href.startswith(f"https://coaching.example.org/workbooks/{token}/"), href


def test_the_html_names_no_other_host_to_load_from(two_clients):
    for page in html_pages(two_clients["alice"]):
        html = page.read_text()
        loads = re.findall(r'<(?:script|link|img|iframe|source)\b[^>]*(?:src|href)="([^"]+)"', html)
        for url in loads:
            parsed = urlparse(url)
            assert not parsed.netloc or url.startswith("https://coaching.example.org/workbooks/AliceAlice"), (page, url)
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_in_the_browser_no_request_leaves_the_local_server(browser, two_clients):
    base, stop = serve(two_clients["site_dir"])
    requests: list[str] = []
    page = browser.new_page()
    page.on("request", lambda request: requests.append(request.url))
    try:
        for html in html_pages(two_clients["alice"]):
            open_page(page, f"{base}/AliceAliceAliceAlice_01/{html.name}")
        # Search loads its worker and index: still from the same server.
        open_page(page, f"{base}/AliceAliceAliceAlice_01/index.html")
        page.keyboard.press("/")
        page.keyboard.type("Xylophonics")
        page.wait_for_selector(".md-search-result__item", timeout=10_000)
    finally:
        page.close()
        stop()
    assert requests, "the test recorded no request at all"
    outside = [url for url in requests if not url.startswith(base) and not url.startswith("data:")]
    assert outside == []


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from conftest import REPO

    root = tmp_path_factory.mktemp("hostile")
    client = root / "eve.yaml"
    client.write_text(hostile_client())
    return build(client, REPO, root / "site").site


def test_hostile_text_never_runs_and_injects_no_element(browser, hostile_site):
    base, stop = serve(hostile_site)
    dialogs: list[str] = []
    requests: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    try:
        for html in html_pages(hostile_site):
            open_page(page, f"{base}/{html.name}")
            page.mouse.move(200, 200)
            page.mouse.move(400, 500)
            injected = page.evaluate(
                """() => ({
                    scripts: [...document.scripts].filter(s => !s.src && s.textContent.includes('alert')).length,
                    handlers: [...document.querySelectorAll('*')].filter(
                        el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
                    iframes: document.querySelectorAll('iframe').length,
                    jsLinks: [...document.querySelectorAll('[href],[src]')].filter(
                        el => /^\\s*(javascript|data):/i.test(el.getAttribute('href') || el.getAttribute('src'))).length,
                    foreignImages: [...document.images].filter(i => i.src && !i.src.startsWith(location.origin)
                        && !i.src.startsWith('data:')).length,
                    title: document.title,
                })"""
            )
            assert injected["scripts"] == 0 and injected["handlers"] == 0 and injected["iframes"] == 0, (html.name, injected)
            assert injected["jsLinks"] == 0 and injected["foreignImages"] == 0, (html.name, injected)
            if html.name.startswith("area-"):
                # The hostile text is shown as text, in the page and in its title.
                assert "<script>alert(1)</script>" in page.locator("article").inner_text()
                assert "</title><script>" in injected["title"]
    finally:
        page.close()
        stop()
    assert dialogs == []
    assert [u for u in requests if not u.startswith(base)] == []


def test_the_hostile_pages_hold_no_picture_from_another_host(hostile_site):
    pages = html_pages(hostile_site)
    sources = [src for page in pages for src in re.findall(r'<img\b[^>]*\ssrc="([^"]*)"', page.read_text())]
    assert not [src for src in sources if "tracker" in src], sources
    # Each picture became a link the reader may follow, so nothing written is hidden either.
    area = next(p for p in pages if p.name.startswith("area-")).read_text()
    assert 'href="//tracker.example/p.png"' in area and 'href="/\\tracker.example/q.png"' in area


def test_privacy_holds_whatever_the_coachs_mkdocs_yml_switches_on(tmp_path):
    """Web fonts, instant navigation and the generator tag, all switched on: the workbook stays private."""
    import yaml
    from conftest import MINIMAL_CLIENT, copy_project

    root = copy_project(tmp_path / "project")
    config_file = root / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    text = text.replace("  font: false ", "  font:\n    text: Roboto\n    code: Roboto Mono\n  #")
    text = text.replace("    - navigation.footer\n", "    - navigation.footer\n    - navigation.instant\n"
                        "    - navigation.instant.prefetch\n")
    text = text.replace("  generator: false\n", "  generator: true\n")
    config_file.write_text(text, encoding="utf-8")
    config = yaml.load(text, Loader=yaml.BaseLoader)  # the file really asks for all three
    assert config["theme"]["font"]["text"] == "Roboto" and "navigation.instant" in config["theme"]["features"]
    assert config["extra"]["generator"] == "true"

    client = root / "clients" / "ada.yaml"
    client.write_text(MINIMAL_CLIENT, encoding="utf-8")
    site = build(client, root, tmp_path / "site").site
    pages = html_pages(site)
    assert len(pages) >= 5
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html and "Roboto" not in html, page
        assert "navigation.instant" not in html, page
        # `extra.generator` is Material's "Made with Material for MkDocs" footer link.
        assert "squidfunk" not in html and "Made with" not in html, page
