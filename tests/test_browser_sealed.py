"""A sealed workbook in real Chromium, behind a real nginx with the workbook's CSP, opened
from its link with the key (`.../<token>/#<key>`): it reads, navigates, searches, keeps
reflections and prints as a plain one does; a wrong or missing key and JavaScript turned
off each show a kind message and nothing else; a passphrase is asked once per device.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import EXAMPLE_CLIENT, PRACTICE_SITE_URL, READY, copy_project, hold, open_page, release, wait_until_ready
from test_accessibility import WCAG_AA, axe_failures, describe
from test_nginx import NGINX, nginx_serving
from test_sealed import KEY, sealed_example

TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"
LOCKED_TOKEN = "Pq7Lm2Xz9RtK4vWb8NcYs3"  # the workbook with a passphrase
LOCKED_KEY = "Zr8Kp3Wm6Qx1Vb9Nt4Ly7Hc2Jd5Fs0Ga-Ue_oTi3Mkw"
PASSPHRASE = "blue kettle"
WORDS = {  # content/_words.yaml, sealed: what the messages say
    "no_key": "use the full link from your coach's email",
    "wrong_key": "This link does not open this workbook.",
    "noscript": "turn on JavaScript in your browser",
    "passphrase_wrong": "That passphrase does not open this workbook.",
}
REFLECTION = "Your reflection on: What would a 10 look like?"
PRINTED: dict[str, str] = {}  # client -> the link `publish` printed, the one a coach sends


def locked_client() -> str:
    return (f"client:\n  name: Lena Okafor\nlink:\n  token: {LOCKED_TOKEN}\n  sealed: true\n  key: {LOCKED_KEY}\n"
            f"  passphrase: {PASSPHRASE}\nfocus_areas:\n  - name: Craftsmanship\n"
            "    outcome: A workshop of my own, opened in the spring.\n")


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """Two sealed workbooks published by `coach-site publish`, served by nginx with the
    documented server block (its headers, the CSP among them)."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: run `make test`, which installs Debian's nginx")
    base = tmp_path_factory.mktemp("nginx-sealed")
    project = copy_project(base / "project")
    (project / "clients" / EXAMPLE_CLIENT.name).write_text(sealed_example(passphrase=None), encoding="utf-8")
    (project / "clients" / "lena-okafor.yaml").write_text(locked_client(), encoding="utf-8")
    docroot = base / "www"
    published = subprocess.run(
        [sys.executable, "-m", "coach_site", "publish", "--to", str(docroot / "workbooks")],
        cwd=project, capture_output=True, text=True,
    )
    assert published.returncode == 0, published.stderr
    PRINTED.update(line.split(": ", 1) for line in published.stdout.splitlines() if ": http" in line)
    PRINTED["on disk"] = str(docroot / "workbooks")
    # A host that passes one page off as another: the values page's shell served as another name.
    workbook = docroot / "workbooks" / TOKEN
    (workbook / "moved.html").write_bytes((workbook / "values.html").read_bytes())
    with nginx_serving(docroot, base) as url:
        yield f"{url}/workbooks"


@pytest.fixture
def visit(browser):
    """A fresh browser (no key kept yet); every page error and CSP report is collected."""
    contexts = []

    def open_context(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: page.problems.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        return page

    yield open_context
    for context in contexts:
        context.close()


def link(host: str, token: str = TOKEN, key: str = KEY, page: str = "") -> str:
    return f"{host}/{token}/{page}#{key}"


def opened(page, url: str | None = None) -> None:
    """The workbook's page at `url` (the page reloaded without one), decrypted and ready, not a
    message of the shell's."""
    open_page(page, url)
    shell = page.locator("#sealed")
    assert shell.count() == 0 and page.locator(".md-content h1").count() >= 1, shell.all_inner_texts()


def assert_search_finds_an_answer(page) -> None:
    """The theme's search, typed as a coachee would, finds words of an answer."""
    page.keyboard.press("/")
    page.keyboard.type("portfolio")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    assert "no time to build the portfolio" in page.locator(".md-search-result").inner_text()


def only_the_message(page, words: str) -> None:
    """The shell's message and nothing of the workbook (the shell is ready once it shows one)."""
    wait_until_ready(page)
    assert words in page.locator("#sealed").inner_text()
    assert page.locator(".md-content").count() == 0
    assert page.title() == "Your workbook"


def test_the_printed_link_opens_the_home_page_and_the_key_leaves_the_address_bar(host, visit):
    printed = PRINTED["maya-lindqvist"]
    assert printed == f"{PRACTICE_SITE_URL}{TOKEN}/#{KEY}"
    page = visit()
    opened(page, printed.replace(PRACTICE_SITE_URL, f"{host}/"))
    assert page.locator(".md-content h1").inner_text() == "Hi Maya"
    assert "Leading the design team" in page.locator(".md-content").inner_text()
    assert page.url == f"{host}/{TOKEN}/"
    assert KEY not in page.evaluate("location.href + history.length + document.referrer")
    assert page.title() == "Home - Maya's workbook"
    assert page.problems == []


def test_the_shell_is_not_ready_while_the_page_is_decrypted_the_opened_page_is(host, visit):
    page = visit()
    hold(page, "crypto.subtle.decrypt")
    open_page(page, link(host), ready=False)  # the shell, still decrypting
    assert page.locator(READY).count() == 0 and page.locator("#sealed").count() == 1
    release(page, "crypto.subtle.decrypt")
    wait_until_ready(page)
    assert page.locator("#sealed").count() == 0 and page.locator(".md-content h1").inner_text() == "Hi Maya"
    assert page.problems == []


def test_the_other_pages_open_with_the_key_kept_and_search_finds_an_answer(host, visit):
    page = visit()
    opened(page, link(host))
    page.locator(".md-nav__link", has_text="Values").first.click()
    page.wait_for_url(f"{host}/{TOKEN}/values.html")
    page.wait_for_selector("text=Learning in public, not in secret.")
    opened(page, f"{host}/{TOKEN}/area-1.html")
    assert "Career" in page.locator(".md-content h1").inner_text()
    assert_search_finds_an_answer(page)
    assert page.problems == []


def test_a_copy_on_disk_opens_from_its_link_and_search_finds_an_answer(host, visit):
    page = visit()
    opened(page, f"file://{PRINTED['on disk']}/{TOKEN}/area-1.html#{KEY}")
    assert "Career" in page.locator(".md-content h1").inner_text()
    assert_search_finds_an_answer(page)


def test_a_page_served_under_another_pages_name_does_not_open(host, visit):
    """The browser takes the page's path from its address, never from the shell: the values
    page's shell at moved.html is decrypted for moved.html (and for the 404 page), and its
    path, bound to it when it was sealed, opens it for neither."""
    page = visit()
    open_page(page, link(host, page="moved.html"))
    only_the_message(page, WORDS["wrong_key"])
    opened(page, link(host, page="values.html"))  # the same shell at its own name, the key in the link
    open_page(page, f"{host}/{TOKEN}/moved.html")  # the key kept: still not under another name
    only_the_message(page, WORDS["wrong_key"])


def test_the_not_found_page_opens_wherever_a_host_serves_it(host, visit):
    page = visit()
    not_found = (Path(PRINTED["on disk"]) / TOKEN / "404.html").read_bytes()
    page.route(f"{host}/{TOKEN}/gone.html", lambda route: route.fulfill(status=404, body=not_found,
                                                                      content_type="text/html"))
    opened(page, link(host, page="gone.html"))
    assert page.locator(".not-found h1").count() == 1
    assert page.problems == []


def test_a_page_opens_at_its_address_without_html_as_some_hosts_serve_it(host, visit):
    page = visit()
    values = (Path(PRINTED["on disk"]) / TOKEN / "values.html").read_bytes()
    page.route(f"{host}/{TOKEN}/values", lambda route: route.fulfill(body=values, content_type="text/html"))
    opened(page, link(host, page="values"))
    assert "Learning in public, not in secret." in page.locator(".md-content").inner_text()
    assert page.problems == []


def test_a_reflection_typed_survives_a_reload_and_the_print_page_shows_the_workbook(host, visit):
    page = visit()
    opened(page, link(host, page="area-3.html"))
    page.get_by_role("textbox", name=REFLECTION).fill("Sealed, and still mine")
    opened(page)
    assert page.get_by_role("textbox", name=REFLECTION).input_value() == "Sealed, and still mine"
    opened(page, f"{host}/{TOKEN}/print.html")
    text = page.locator(".md-content").inner_text()
    assert "Hi Maya" in text and "A standing date night" in text and "Learning in public" in text
    assert page.problems == []


def test_a_wrong_key_shows_a_kind_message_only_and_is_not_kept(host, visit):
    page = visit()
    wrong = KEY[:-3] + ("AAA" if not KEY.endswith("AAA") else "BBB")
    open_page(page, link(host, key=wrong))
    only_the_message(page, WORDS["wrong_key"])
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('coach-site-sealed:'))") == []
    # A kept key that no longer opens the workbook (it was rotated) is said so, and forgotten.
    page.evaluate(f"localStorage.setItem('coach-site-sealed:/workbooks/{TOKEN}/', '{wrong}')")
    open_page(page, f"{host}/{TOKEN}/values.html")
    only_the_message(page, WORDS["wrong_key"])
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('coach-site-sealed:'))") == []
    assert page.problems == []


def test_no_key_shows_a_kind_message_only(host, visit):
    page = visit()
    open_page(page, f"{host}/{TOKEN}/values.html")
    only_the_message(page, WORDS["no_key"])


def test_without_javascript_the_page_says_to_turn_it_on(host, visit):
    page = visit(java_script_enabled=False)
    open_page(page, link(host), ready=False)  # no script runs to say so
    assert WORDS["noscript"] in page.locator("#sealed").inner_text()
    assert page.locator(".md-content").count() == 0


def test_forget_this_workbook_clears_the_key(host, visit):
    page = visit()
    opened(page, link(host, page="homework.html"))
    page.get_by_role("button", name="Forget this workbook on this device").click()
    only_the_message(page, WORDS["no_key"])
    open_page(page, f"{host}/{TOKEN}/index.html")
    only_the_message(page, WORDS["no_key"])


def test_a_passphrase_is_asked_once_then_the_workbook_opens(host, visit):
    page = visit()
    open_page(page, link(host, LOCKED_TOKEN, LOCKED_KEY))
    field = page.get_by_label("Your workbook's passphrase (your coach gave it to you)")
    assert page.locator(".sealed-status").inner_text() == ""  # nothing says "opening" before it is typed
    field.fill("blue kettel")
    page.get_by_role("button", name="Open my workbook").click()
    page.wait_for_selector(f"text={WORDS['passphrase_wrong']}", timeout=15_000)
    assert page.locator(".md-content").count() == 0
    field.fill(PASSPHRASE)
    page.get_by_role("button", name="Open my workbook").click()
    page.wait_for_selector(".md-content h1", timeout=15_000)  # the shell is gone: the page's own scripts
    wait_until_ready(page)
    assert page.locator(".md-content h1").inner_text() == "Hi Lena"
    assert PASSPHRASE not in str(page.evaluate("JSON.stringify(localStorage)"))
    opened(page, f"{host}/{LOCKED_TOKEN}/area-1.html")  # asked once per device: not again
    assert "A workshop of my own" in page.locator(".md-content").inner_text()
    assert page.problems == []


SEALED_PAGES = ["index.html", "values.html", "area-1.html", "area-2.html", "area-3.html", "homework.html",
                "schedule.html", "ted-talk.html", "reflections.html", "print.html", "404.html"]


def test_the_sealed_pages_have_no_wcag_2_2_aa_violations(browser, host):
    """A sealed page, once opened, is the plain one (test_accessibility.py judges the example's
    pages in both palettes at both widths) with the footer's forget button: every page once,
    and the home page, opened from the link, in both palettes at both widths."""
    # The first page is opened from the link; the others with the key this browser keeps.
    base, from_link = f"{host}/{TOKEN}", f"index.html#{KEY}"
    failures = axe_failures(browser, base, [from_link, *SEALED_PAGES], palettes=["light"], widths=[1280])
    failures |= axe_failures(browser, base, [from_link], palettes=["dark"], widths=[390, 1280])
    failures |= axe_failures(browser, base, [from_link], palettes=["light"], widths=[390])
    assert not failures, "\n" + "\n".join(f"{where}:\n{text}" for where, text in failures.items())


MESSAGES = {
    "no key": (f"{TOKEN}/index.html", WORDS["no_key"]),
    "wrong key": (f"{TOKEN}/#{LOCKED_KEY}", WORDS["wrong_key"]),
    "passphrase": (f"{LOCKED_TOKEN}/#{LOCKED_KEY}", ""),
}


@pytest.mark.parametrize("palette", ["light", "dark"])
@pytest.mark.parametrize("case", sorted(MESSAGES))
def test_the_message_pages_have_no_wcag_2_2_aa_violations(host, visit, palette, case):
    path, words = MESSAGES[case]
    page = visit(color_scheme=palette, viewport={"width": 390, "height": 800})
    open_page(page, f"{host}/{path}")
    if words:
        only_the_message(page, words)
    else:
        assert page.locator("#sealed-passphrase").count() == 1
    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    assert violations == [], describe(violations)


def test_the_no_javascript_page_has_no_wcag_2_2_aa_violations(host, visit):
    # axe runs as a script: the page is the one a browser without JavaScript gets (its
    # <noscript> shown as the parser would), judged in a browser that runs axe.
    page = visit()
    page.route(f"{host}/{TOKEN}/assets/javascripts/*.js", lambda route: route.abort())
    open_page(page, f"{host}/{TOKEN}/", ready=False)  # no script runs
    page.evaluate("""() => { const n = document.querySelector('noscript');
        n.insertAdjacentHTML('afterend', n.textContent); n.remove(); }""")
    assert WORDS["noscript"] in page.locator("#sealed").inner_text()
    violations = Axe().run(page, options=WCAG_AA).response["violations"]
    assert violations == [], describe(violations)
