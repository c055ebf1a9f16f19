"""Shared fixtures: a throw-away copy of the project, client files, real builds, real Chromium."""

from __future__ import annotations

import atexit
import functools
import http.server
import json
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import pytest

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# The user's cache folder, where the installer keeps what it downloaded (tests/test_wheel.py).
USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
# Tests never write into the real ~/.cache: the theme's cache goes to a folder of this run.
TEST_CACHE = Path(tempfile.mkdtemp(prefix="coach-site-test-cache-"))
atexit.register(shutil.rmtree, TEST_CACHE, ignore_errors=True)
os.environ["XDG_CACHE_HOME"] = str(TEST_CACHE)
os.environ.pop("COACH_SITE_CACHE", None)

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CLIENT = REPO / "clients" / "maya-lindqvist.yaml"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

MINIMAL_CLIENT = """\
client:
  name: Ada Example
link:
  token: 3hVt9QmK2xLp7RwZc5NbYa
focus_areas:
  - name: Career
"""


# A practice's own details, in place of the example's (which build, email and publish
# warn about, and publish refuses).
PRACTICE_SITE_URL = "https://coaching.okafor-practice.net/workbooks/"
PRACTICE_COACH = ("Robin Okafor", "robin@okafor-practice.net")


def copy_project(root: Path, *, example_details: bool = False) -> Path:
    """A new coach-site project at `root`: this one's mkdocs.yml, content/, overrides/, no
    clients; with a coach's own details in mkdocs.yml unless `example_details`."""
    root.mkdir(parents=True)
    settings = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if not example_details:
        settings = own_details(settings)
    (root / "mkdocs.yml").write_text(settings, encoding="utf-8")
    for folder in ("content", "overrides"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "clients").mkdir()
    return root


def own_details(settings: str) -> str:
    """The example's mkdocs.yml with a coach's own site_url, name and email."""
    changed = (settings.replace("https://coaching.example.org/workbooks/", PRACTICE_SITE_URL)
               .replace("name: Sam Rivera", f"name: {PRACTICE_COACH[0]}")
               .replace("email: sam.rivera@example.org", f"email: {PRACTICE_COACH[1]}"))
    assert changed.count(PRACTICE_SITE_URL) == 1 and PRACTICE_COACH[1] in changed, "the example's mkdocs.yml changed"
    return changed


def customised(project_root: Path, name: str) -> Path:
    """The practice's own copy of one of coach-site's templates, as `coach-site customise` makes it."""
    from coach_site.commands.customise import customise
    from coach_site.project_loader import load_project

    return customise(name, load_project(project_root))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this project, as the working directory."""
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def write_client(project: Path):
    """Write a client file into the project's clients/ and return its path."""

    def write(text: str, slug: str = "ada-example") -> Path:
        path = project / "clients" / f"{slug}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def build(client_file: Path, project_root: Path, site_dir: Path):
    """One client built as `coach-site build` builds it: a run of one, a shared link refused,
    the build record kept; the Built outcome, or the client's error raised.

    Built from this repository, the record is not kept: its .coach-site/ would gather one
    file for every test's site dir of every run."""
    from coach_site.project_loader import load_project
    from coach_site.workbook.pipeline import build_client

    record = Path(project_root).resolve() != REPO
    return build_client(client_file, load_project(project_root), site_dir, record=record)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example client's workbook, built once by the real pipeline."""
    site_dir = tmp_path_factory.mktemp("site")
    return build(EXAMPLE_CLIENT, REPO, site_dir).site


@pytest.fixture(scope="session")
def example_url(example_site):
    """The example workbook served over HTTP on 127.0.0.1, once for the whole run."""
    base, stop = serve(example_site)
    yield base
    stop()


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that drops a connection (a page left while it loads) is no error of the test's."""

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def serve(directory: Path):
    """Serve a folder on 127.0.0.1 from a background thread; returns (base_url, stop)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}", stop


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page; `page.requests` lists every URL it asked for."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def built_asset(site: Path, name: str) -> Path:
    """Where a theme file (`assets/javascripts/store.js`) is in a built workbook: under its
    content-hashed name in assets/hashed/ (coach_site/workbook/fingerprint.py)."""
    base = name.rsplit("/", 1)[-1]
    stem, parts = base.split(".", 1)[0], base.split(".")
    suffix = ".min." + parts[-1] if len(parts) > 2 and parts[-2] == "min" else "." + parts[-1]
    pattern = re.compile(re.escape(stem) + r"\.[0-9a-f]{10}" + re.escape(suffix) + "$")
    (found,) = [p for p in (site / "assets" / "hashed").iterdir() if pattern.match(p.name)]
    return found


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html"))


# ---- Opening a page, the one way every browser test does ---------------------------------

# Set by store.js once every workbook script has started, its async work done (old notes
# moved, a sealed page decrypted): the page's own sign that it can be used.
READY = "html[data-workbook-ready]"


def open_page(page, url: str | None = None, *, ready: bool = True) -> None:
    """Open `url` in `page` (reload it when no url is given): up to the load event, then until
    the workbook's scripts are ready, unless `ready` is False (JavaScript off, or a page the
    test judges before its scripts start)."""
    if url is None:
        page.reload(wait_until="load")
    else:
        page.goto(url, wait_until="load")
    if ready:
        wait_until_ready(page)


def wait_until_ready(page, timeout: float = 15_000) -> None:
    """Wait for the workbook's ready sign (at once when it is already there)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # A selector, not a function: under the workbook's CSP (no 'unsafe-eval') a polled
    # function cannot run in the page. It returns at once when the sign is there, and, unlike
    # an evaluate, lives through a page that is navigating away.
    try:
        page.wait_for_selector(READY, state="attached", timeout=timeout)
    except PlaywrightTimeout:
        pytest.fail(f"{page.url} never said it was ready (data-workbook-ready on <html>): a script that "
                    "failed or never finished starting, or a page without JavaScript (open_page(..., ready=False))")


# A browser call the workbook's scripts wait for at start-up (hashing, asking about storage,
# decrypting), held back in every page until the test lets it through: what a page shows
# before and after, without a clock or a sleep.
_HOLD = """(calls => {
  window.__held = {};
  for (const call of calls) {
    const path = call.split("."), method = path.pop();
    const owner = path.reduce((object, name) => object[name], window);
    const original = owner[method].bind(owner);
    let release;
    const gate = new Promise(resolve => { release = resolve; });
    window.__held[call] = release;
    owner[method] = (...args) => gate.then(() => original(...args));
  }
})(%s);"""


def hold(page, *calls: str) -> None:
    """Hold each of `calls` ("navigator.storage.persisted", "crypto.subtle.decrypt", ...) in
    every page `page` opens from now on, until `release(page, call)`."""
    page.add_init_script(_HOLD % json.dumps(calls))


def release(page, call: str) -> None:
    page.evaluate("call => window.__held[call]()", call)


# ---- Screenshots, only when asked ----------------------------------------------------------

SCREENSHOTS = os.environ.get("COACH_SITE_SCREENSHOTS") == "1"  # `make screenshots`; never in CI


@pytest.fixture
def screenshot(request):
    """Save what a test shows to test-artifacts/<test file>/<name>.png when screenshots are
    asked for (COACH_SITE_SCREENSHOTS=1, `make screenshots`), and nothing otherwise. A page is
    taken whole; a locator, as it is. One folder per test file: files run in parallel."""
    assert request.node.get_closest_marker("screenshots"), "a test that takes screenshots is marked screenshots"
    folder = ARTIFACTS / request.path.stem

    def take(target, name: str) -> None:
        if not SCREENSHOTS:
            return
        folder.mkdir(parents=True, exist_ok=True)
        whole = {"full_page": True} if hasattr(target, "goto") else {}
        target.screenshot(path=str(folder / f"{name}.png"), **whole)

    return take


# The files that take longest start first: with a file per worker (--dist loadfile), a long
# file started last keeps one core busy while the other waits, and the suite's time is the
# longest worker's. Measured with `--durations`; the order of the others stays as collected.
SLOW_FILES = ("test_wheel.py", "test_accessibility.py", "test_browser_languages.py", "test_killed_runs.py",
              "test_browser_sending.py", "test_benchmarks.py", "test_properties.py", "test_browser_sealed.py",
              "test_browser_sealed_reflections.py",
              "test_runs.py", "test_publish_history.py", "test_links_and_limits.py", "test_odd_inputs.py")


def pytest_collection_modifyitems(config, items):
    rank = {name: index for index, name in enumerate(SLOW_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FILES)))  # stable: the rest as collected
