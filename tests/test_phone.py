"""The workbook on a phone, behind nginx with docs/nginx.conf, in real Chromium: what is not
noisy is asserted here (the times are `make bench`'s). Nothing moves once a page is on
screen, a first visit transfers at most 150 KiB, and a later page reuses what the first
one loaded.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import EXAMPLE_CLIENT, copy_project, open_page
from test_nginx import NGINX, TOKEN, nginx_serving

FIRST_VISIT_KIB = 150
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
# Every layout shift the page made, the way Largest Contentful Paint's sibling metric counts them.
SHIFTS = """() => new Promise(resolve => {
    let total = 0;
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
    }).observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve(total), 300);
})"""


# The workbook's service worker in control of the page (an evaluated function: the CSP forbids eval).
IN_CONTROL = """() => navigator.serviceWorker.controller ? true :
    new Promise(resolve => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true)))"""


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    if not shutil.which("nginx") and not NGINX:
        pytest.fail("nginx is missing: run `make test`, which installs Debian's nginx")
    base = tmp_path_factory.mktemp("phone")
    project = copy_project(base / "project")
    shutil.copy(EXAMPLE_CLIENT, project / "clients" / EXAMPLE_CLIENT.name)
    docroot = base / "www"
    published = subprocess.run([sys.executable, "-m", "coach_site", "publish", "--to", str(docroot / "workbooks")],
                               cwd=project, capture_output=True, text=True)
    assert published.returncode == 0, published.stderr
    with nginx_serving(docroot, base) as url:
        yield f"{url}/workbooks/{TOKEN}"


def transferred(page) -> dict[str, int]:
    """Bytes on the wire (compressed, headers included) of each response, by URL, as Chromium counts them."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    urls, sizes = {}, {}
    session.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    session.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    return urls, sizes


# Where each heading and paragraph of the page's text is: what a reader sees move if something moves.
POSITIONS = """() => Array.from(document.querySelectorAll('article h1, article h2, article h3, article p, .md-footer'))
    .filter(el => !el.closest('.reflection, .review-note, .rating-scale, .reflections'))
    .map(el => Math.round(el.getBoundingClientRect().top + window.scrollY))"""


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
@pytest.mark.parametrize("name", ["index.html", "area-career.html", "values.html", "homework.html"])
def test_nothing_moves_when_the_scripts_come_in(browser, host, name, viewport):
    """On a slow phone the page is on screen before its scripts have come: what they add must
    take the room the page already holds for it, so the text is where it was."""
    before_context, after_context = browser.new_context(viewport=viewport), browser.new_context(viewport=viewport)
    try:
        before = before_context.new_page()
        before.route("**/*.js", lambda route: route.abort())  # the page as painted before any script came
        open_page(before, f"{host}/{name}", ready=False)
        after = after_context.new_page()
        open_page(after, f"{host}/{name}")
        painted, working = before.evaluate(POSITIONS), after.evaluate(POSITIONS)
        assert len(painted) == len(working) and len(painted) > 3
        moved = [(b, a) for b, a in zip(painted, working) if abs(b - a) > 1]
        assert moved == [], moved
        assert after.evaluate(SHIFTS) <= 0.01
    finally:
        before_context.close()
        after_context.close()


def test_a_first_visit_is_small_and_a_later_page_reuses_it(browser, host):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        urls, sizes = transferred(page)
        open_page(page, f"{host}/index.html")
        page.evaluate(IN_CONTROL)
        first = sum(sizes.values())
        assert first <= FIRST_VISIT_KIB * 1024, {urls.get(k): v for k, v in sizes.items()}
        # Everything the home page loaded comes from the browser now: only the new page travels.
        urls.clear()
        sizes.clear()
        open_page(page, f"{host}/area-health.html")
        fetched = [url for key, url in urls.items() if sizes.get(key, 0) > 0]
        assert all(url.endswith("area-health.html") for url in fetched), fetched
    finally:
        context.close()
