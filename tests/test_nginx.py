"""A real nginx, configured with the documented server block, serving a published site dir.

The headers arrive on every page, nothing is listed, and the workbook works in Chromium
with its Content-Security-Policy in force: search, the palette toggle and reflection boxes.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLIENT, REPO, copy_project, open_page

from coach_site.workbook.headers import HEADERS
from coach_site.project_loader import load_project
from coach_site.workbook.swap import front_page

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), ""


@contextlib.contextmanager
def nginx_serving(docroot: Path, base: Path) -> Iterator[str]:
    """A real nginx serving `docroot` with the documented server block (its headers, the CSP
    among them), its files in `base`; yields its address."""
    port = free_port()
    server = (REPO / "docs" / "nginx.conf").read_text()
    server = server.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};").replace("root /var/www/coaching;", f"root {docroot};")
    logs = base / "logs"
    logs.mkdir()
    conf = base / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's private temp folders
    conf.write_text(
        f"{user}worker_processes 1;\npid {base}/nginx.pid;\nerror_log {logs}/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n  access_log {logs}/access.log;\n  include /etc/nginx/mime.types;\n"
        f"  client_body_temp_path {base}/tmp;\n  proxy_temp_path {base}/tmp;\n  fastcgi_temp_path {base}/tmp;\n"
        f"  uwsgi_temp_path {base}/tmp;\n  scgi_temp_path {base}/tmp;\n"
        f"{server}}}\n"
    )
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(base), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"nginx did not start: {process.stderr.read().decode() if process.poll() is not None else ''}")
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()  # never left running
            process.wait()


class Host(str):
    """The host's address, knowing the folder it serves."""

    def __new__(cls, url: str, docroot: Path):
        host = super().__new__(cls, url)
        host.docroot = docroot
        return host


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: run `make test`, which installs Debian's nginx")
    base = tmp_path_factory.mktemp("nginx")
    project = copy_project(base / "project")
    shutil.copy(EXAMPLE_CLIENT, project / "clients" / EXAMPLE_CLIENT.name)
    docroot = base / "www"
    published = subprocess.run(
        [sys.executable, "-m", "coach_site", "publish", "--compress", "--to", str(docroot / "workbooks")],
        cwd=project, capture_output=True, text=True,
    )
    assert published.returncode == 0, published.stderr

    with nginx_serving(docroot, base) as url:
        yield Host(url, docroot)


def fetch_compressed(url: str) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return dict(response.headers), response.read()


def test_every_text_file_travels_compressed_and_a_precompressed_one_as_publish_wrote_it(host, tmp_path):
    site = Path(host.docroot) / "workbooks" / TOKEN
    script = next((site / "assets" / "hashed").glob("reflections.*.js"))
    headers, body = fetch_compressed(f"{host}/workbooks/{TOKEN}/assets/hashed/{script.name}")
    assert headers.get("Content-Encoding") == "gzip"
    assert body == (script.parent / (script.name + ".gz")).read_bytes()  # gzip_static: publish --compress's copy
    assert gzip.decompress(body) == script.read_bytes()
    for path in ("manifest.webmanifest", "index.html", "search/search_index.json"):
        headers, body = fetch_compressed(f"{host}/workbooks/{TOKEN}/{path}")
        assert headers.get("Content-Encoding") == "gzip", path  # compressed on the way where no .gz is
        assert gzip.decompress(body) == (site / path).read_bytes()


def test_hashed_files_are_kept_a_year_and_pages_are_checked_each_time(host):
    site = Path(host.docroot) / "workbooks" / TOKEN
    for hashed in sorted((site / "assets" / "hashed").iterdir())[:3]:
        if hashed.suffix in (".gz", ".br"):
            continue
        status, headers, _ = fetch(f"{host}/workbooks/{TOKEN}/assets/hashed/{hashed.name}")
        assert status == 200 and headers["Cache-Control"] == "private, max-age=31536000, immutable"
        assert headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]
    status, headers, _ = fetch(f"{host}/workbooks/{TOKEN}/index.html")
    assert status == 200 and headers["Cache-Control"] == "private, no-cache"


def test_every_response_carries_the_privacy_headers(host):
    for path in (f"/workbooks/{TOKEN}/", f"/workbooks/{TOKEN}/area-career.html",
                 f"/workbooks/{TOKEN}/assets/stylesheets/workbook.css", "/workbooks/nothing-here/"):
        status, headers, _ = fetch(host + path)
        for name, value in HEADERS.items():
            assert headers.get(name) == value, (path, status, name)


def test_the_private_link_opens_the_workbook(host):
    status, headers, body = fetch(f"{host}/workbooks/{TOKEN}/")
    assert status == 200 and "Hi Maya" in body and headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/", "/workbooks/", f"/workbooks/{TOKEN}/assets/", f"/workbooks/{TOKEN}/search/"])
def test_no_folder_is_listed(host, path):
    status, _, body = fetch(host + path)
    assert status in (403, 404) or (path == "/workbooks/" and body == front_page(load_project(REPO))), (path, status)
    assert TOKEN not in body and "Index of" not in body


def test_the_workbook_works_in_chromium_under_its_csp(browser, host):
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: violations.append(str(e)))
    try:
        for name in ("index.html", "values.html", "area-career.html", "area-relationships.html", "homework.html",
                     "schedule.html", "ted-talk.html", "reflections.html", "print.html"):
            open_page(page, f"{host}/workbooks/{TOKEN}/{name}")
        # Search: the worker and the index load from the site itself.
        open_page(page, f"{host}/workbooks/{TOKEN}/index.html")
        page.keyboard.press("/")
        page.keyboard.type("portfolio")
        page.wait_for_selector(".md-search-result__item", timeout=10_000)
        assert "portfolio" in page.locator(".md-search-result").inner_text().lower()
        # The palette toggle.
        page.keyboard.press("Escape")
        before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        page.locator("form[data-md-component=palette] label:visible").first.click()
        after = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert {before, after} == {"default", "slate"}
        # A reflection box: typed, kept, restored.
        open_page(page, f"{host}/workbooks/{TOKEN}/area-relationships.html")
        page.get_by_role("textbox", name="Your reflection on: What would a 10 look like?").fill("Under CSP")
        open_page(page)
        assert page.get_by_role("textbox", name="Your reflection on: What would a 10 look like?").input_value() == "Under CSP"
        assert violations == []
        # And the policy is really in force: a script that got in anyway would not run, and is
        # reported as a CSP violation.
        with page.expect_console_message(lambda m: "script-src" in m.text, timeout=5_000):
            ran = page.evaluate("""() => {
                const s = document.createElement('script');
                s.textContent = 'window.__injected = true';
                document.body.appendChild(s);
                return window.__injected === true;
            }""")
        assert ran is False
        assert any("script-src" in v for v in violations), violations
    finally:
        context.close()
