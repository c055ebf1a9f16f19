"""The workbook offline, in real Chromium: after one visit, with the host gone, every page
opens (one never opened too), search finds, a typed note survives a reload; a rebuilt
workbook is picked up on the next visit and says so; two workbooks on one host never share
a cache; a sealed workbook's cache holds only ciphertext.

"Offline" is the real thing: the HTTP server that served the workbook is stopped.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLIENT, REPO, QuietServer, build, open_page

EXAMPLE_TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"
TOKEN = "Wf4Hs8Kp2Dx6Nq3Vz7Bc5R"  # links of their own: the example's is the repository's client's
OTHER_TOKEN = "Qb6Tz3Hn8Kw2Rv5Yc9Lm4P"
SEALED_TOKEN = "Sx5Pk8Qw3Nr7Tz2Bv6Hm9L"
SEALED_KEY = "q3J9dK2mZ7xW4vB8nR1tY6uL0pS5aE3cF9hG2jK7mN4"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


class Host:
    """A web host on 127.0.0.1 that can go away and come back at the same address."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.server = QuietServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
        self.port = self.server.server_address[1]
        self._start()

    def _start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def start(self) -> None:
        handler = functools.partial(_Quiet, directory=str(self.folder))
        self.server = QuietServer(("127.0.0.1", self.port), handler)
        self._start()


def client_text(token: str, extra: str = "", replace: tuple[str, str] = ("", "")) -> str:
    text = EXAMPLE_CLIENT.read_text(encoding="utf-8").replace(EXAMPLE_TOKEN, token)
    return text.replace(*replace) + extra if replace[0] else text + extra


@pytest.fixture
def host(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    served = Host(site)
    yield served
    served.stop()


def build_into(tmp_path: Path, site: Path, name: str, text: str):
    client = tmp_path / name
    client.write_text(text, encoding="utf-8")
    return build(client, REPO, site)


def kept_offline(page) -> None:
    """Wait until this page's workbook is kept: its worker active and in control."""
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)


def cached_urls(page) -> dict[str, list[str]]:
    return page.evaluate("""async () => {
        const out = {};
        for (const name of await caches.keys()) {
            out[name] = (await (await caches.open(name)).keys()).map(r => r.url);
        }
        return out;
    }""")


def test_after_one_visit_the_workbook_opens_searches_and_keeps_notes_with_the_host_gone(browser, host, tmp_path):
    build_into(tmp_path, host.folder, "maya.yaml", client_text(TOKEN))
    context = browser.new_context()
    page = context.new_page()
    try:
        open_page(page, f"{host.url}/{TOKEN}/")
        kept_offline(page)
        host.stop()
        # A page never opened before, from the cache.
        open_page(page, f"{host.url}/{TOKEN}/area-health.html")
        assert page.locator("h1").first.inner_text().strip() == "Health"
        # Search: the worker, the index and lunr from the cache.
        open_page(page, f"{host.url}/{TOKEN}/index.html")
        page.keyboard.press("/")
        page.keyboard.type("portfolio")
        page.wait_for_selector(".md-search-result__item", timeout=10_000)
        assert "portfolio" in page.locator(".md-search-result").inner_text().lower()
        # A note typed offline survives a reload.
        open_page(page, f"{host.url}/{TOKEN}/area-relationships.html")
        box = page.get_by_role("textbox", name="Your reflection on: What would a 10 look like?")
        box.fill("Written on the train")
        open_page(page)
        assert page.get_by_role("textbox", name="Your reflection on: What would a 10 look like?").input_value() \
            == "Written on the train"
        # The print page too.
        open_page(page, f"{host.url}/{TOKEN}/print.html")
        assert page.locator("h1").count() > 1
    finally:
        context.close()


def test_a_rebuilt_workbook_is_picked_up_on_the_next_visit_and_says_so(browser, host, tmp_path):
    build_into(tmp_path, host.folder, "maya.yaml", client_text(TOKEN))
    context = browser.new_context()
    page = context.new_page()
    try:
        open_page(page, f"{host.url}/{TOKEN}/")
        kept_offline(page)
        notice = page.locator(".workbook-notice")
        assert notice.inner_text() == ""
        # The coach changes the workbook and publishes it again.
        build_into(tmp_path, host.folder, "maya.yaml",
                   client_text(TOKEN, replace=("Running a 10k in under an hour", "Running a half marathon")))
        open_page(page, f"{host.url}/{TOKEN}/area-health.html")
        assert "Running a half marathon" in page.locator("article").inner_text()
        page.wait_for_function("document.querySelector('.workbook-notice').textContent !== ''", timeout=15_000)
        assert notice.inner_text() == notice.get_attribute("data-changed")
        # Offline again, the new version is the one kept.
        host.stop()
        open_page(page, f"{host.url}/{TOKEN}/area-health.html")
        assert "Running a half marathon" in page.locator("article").inner_text()
        caches = cached_urls(page)
        assert len(caches) == 1, caches  # the old version's cache is gone
    finally:
        context.close()


def test_two_workbooks_on_one_host_never_share_a_cache(browser, host, tmp_path):
    build_into(tmp_path, host.folder, "maya.yaml", client_text(TOKEN))
    build_into(tmp_path, host.folder, "other.yaml", client_text(OTHER_TOKEN))
    context = browser.new_context()
    page = context.new_page()
    try:
        for token in (TOKEN, OTHER_TOKEN):
            open_page(page, f"{host.url}/{token}/")
            kept_offline(page)
        caches = cached_urls(page)
        assert len(caches) == 2, caches
        for name, urls in caches.items():
            (token,) = [t for t in (TOKEN, OTHER_TOKEN) if f"/{t}/" in name]
            assert urls and all(url.startswith(f"{host.url}/{token}/") for url in urls), (name, urls)
    finally:
        context.close()


def test_a_sealed_workbook_caches_only_ciphertext_and_opens_offline(browser, host, tmp_path):
    text = re.sub(r"(?m)^  token: .*\n", f"  token: {SEALED_TOKEN}\n  sealed: true\n  key: {SEALED_KEY}\n",
                  EXAMPLE_CLIENT.read_text(encoding="utf-8"), count=1)
    build_into(tmp_path, host.folder, "sealed.yaml", text)
    context = browser.new_context()
    page = context.new_page()
    try:
        open_page(page, f"{host.url}/{SEALED_TOKEN}/#{SEALED_KEY}")
        kept_offline(page)
        bodies = page.evaluate("""async () => {
            const out = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) out.push([request.url, await (await cache.match(request)).text()]);
            }
            return out;
        }""")
        assert len(bodies) > 10
        # Long enough never to turn up by chance in base64 ciphertext (a name of four letters would).
        for secret in ("Lindqvist", "portfolio", "Relationships", "Leading the design team"):
            assert not [(url, body[max(0, body.find(secret) - 300):body.find(secret) + 100]) for url, body in bodies if secret in body], secret
        host.stop()
        open_page(page, f"{host.url}/{SEALED_TOKEN}/area-1.html")  # a sealed workbook names no area
        assert "portfolio" in page.locator("article").inner_text()
    finally:
        context.close()
