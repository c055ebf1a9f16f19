"""A sealed workbook in real Chromium, behind a real nginx with the workbook's CSP, opened
from its link with the key (`.../<token>/#<key>`): it reads, navigates, searches, keeps
reflections and prints as a plain one does; a wrong or missing key and JavaScript turned
off each show a kind message and nothing else; a passphrase is asked once per tab, or once
per device when the coachee asks to be remembered. What the device keeps of it is read
back from the browser's own storage: nothing readable in localStorage, sessionStorage or
cookies, keys that cannot be exported and what the coachee wrote encrypted in IndexedDB.
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import EXAMPLE_CLIENT, PRACTICE_SITE_URL, READY, copy_project, hold, open_page, release, wait_until_ready
from test_accessibility import WCAG_AA, axe_failures, describe
from test_nginx import NGINX, nginx_serving
from test_sealed import KEY, client_strings, held, sealed_example

from coach_site.workbook.seal import content_key

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
REMEMBER = "Remember on this device (only on a device no one else uses)"
BROWSER_KEY = hashlib.sha256(TOKEN.encode()).hexdigest()[:16]  # the example's data-key: its notes' names
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
    # The same client in a practice of its own on this host, given a new link (token and key) by
    # `coach-site rotate`, published beside the others: rotated/<new token>/#<new key>.
    later = copy_project(base / "rotated")
    client = later / "clients" / EXAMPLE_CLIENT.name
    client.write_text(sealed_example(passphrase=None), encoding="utf-8")
    for command in (["rotate", str(client)], ["publish", "--to", str(docroot / "rotated")]):
        done = subprocess.run([sys.executable, "-m", "coach_site", *command], cwd=later, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    PRINTED["rotated"] = next(line.split(": ", 1)[1] for line in done.stdout.splitlines() if ": http" in line)
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


# Everything this browser keeps for the page's origin: localStorage, sessionStorage and
# cookies as they are, and IndexedDB's records: the keys (what kind, whether they can be
# exported) and what the coachee wrote (the id, and the ciphertext as characters).
DEVICE = """async () => {
  const kept = {local: {...localStorage}, session: {...sessionStorage}, cookies: document.cookie, keys: [], notes: []};
  if (!(await indexedDB.databases()).some(d => d.name === "coach-site")) return kept;
  const db = await new Promise((ok, no) => {
    const asked = indexedDB.open("coach-site"); asked.onsuccess = () => ok(asked.result); asked.onerror = no; });
  const all = name => new Promise(ok => { const found = [];
    db.transaction(name).objectStore(name).openCursor().onsuccess = e => { const c = e.target.result;
      if (!c) return ok(found); found.push([c.key, c.value]); c.continue(); }; });
  const key = k => k ? {type: k.constructor.name, extractable: k.extractable, algorithm: k.algorithm.name,
                        usages: [...k.usages].sort()} : null;
  const text = bytes => Array.from(new Uint8Array(bytes), b => String.fromCharCode(b)).join("");
  for (const [id, v] of await all("keys")) kept.keys.push({id, token: v.token, tab: key(v.tab),
    vault: v.vault ? {pages: key(v.vault.pages), notes: key(v.vault.notes), names: key(v.vault.names),
                      reflections: key(v.vault.reflections), shelf: v.vault.shelf} : null});
  for (const [id, v] of await all("notes")) kept.notes.push({id, iv: text(v.iv), data: text(v.data)});
  db.close();
  return kept;
}"""


def device(page) -> dict:
    """What this browser keeps for the page's origin (DEVICE), once the page's writes are done."""
    page.evaluate("() => window.coachSite && window.coachSite.saved && window.coachSite.saved()")
    return page.evaluate(DEVICE)


def content_key_forms(key: str, passphrase: str | None = None) -> set[str]:
    """A workbook's content key as a script might write it: base64 (either alphabet), hex."""
    raw = content_key(key, passphrase)
    return {base64.b64encode(raw).decode().rstrip("="), base64.urlsafe_b64encode(raw).decode().rstrip("="), raw.hex()}


def readable(kept: dict) -> str:
    """All that localStorage, sessionStorage and cookies hold, names and values, as one text."""
    return " ".join([*kept["local"], *kept["local"].values(), *kept["session"], *kept["session"].values(),
                     kept["cookies"]])


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
    opened(page, f"{host}/{TOKEN}/values.html")  # and still kept: a shell at a wrong address forgets nothing


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
    device(page)  # written in the background: done before the page goes
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
    kept = device(page)
    assert (kept["keys"], kept["local"], kept["session"]) == ([], {}, {})
    # A key an earlier version kept as text that no longer opens the workbook (it was rotated)
    # is said so, and forgotten.
    page.evaluate(f"localStorage.setItem('coach-site-sealed:/workbooks/{TOKEN}/', '{wrong}')")
    open_page(page, f"{host}/{TOKEN}/values.html")
    only_the_message(page, WORDS["wrong_key"])
    kept = device(page)
    assert (kept["keys"], kept["local"], kept["session"]) == ([], {}, {})
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


def test_the_device_keeps_nothing_readable_and_keys_that_cannot_be_exported(host, visit):
    page = visit()
    opened(page, link(host, page="area-3.html"))
    page.get_by_role("textbox", name=REFLECTION).fill("Sealed, and still mine: quartz")
    page.locator(".checklist__box").first.check()
    page.locator("label[title='Switch to dark mode']").first.click()  # the theme keeps the palette
    assert_search_finds_an_answer(page)
    kept = device(page)
    # Nothing of the client, the link or what was typed is readable where every script of the
    # origin reads: not even the token, in the theme's own keys. The test can fail: it finds
    # the theme's palette there (under the folder above the workbook).
    text = readable(kept)
    assert any(name.endswith(".__palette") for name in kept["local"]), kept["local"]
    assert TOKEN not in text and "quartz" not in text and not held(text.encode(), {KEY, *content_key_forms(KEY)})
    assert held(text.encode(), client_strings(EXAMPLE_CLIENT), {"Maya", "Lindqvist"}) == []
    # The keys: remembered (a link without a passphrase), in IndexedDB, none can be exported.
    assert len(kept["keys"]) == 1 and kept["keys"][0]["tab"] is None
    vault = kept["keys"][0]["vault"]
    assert vault["pages"] == {"type": "CryptoKey", "extractable": False, "algorithm": "AES-GCM", "usages": ["decrypt"]}
    assert vault["notes"] == {"type": "CryptoKey", "extractable": False, "algorithm": "AES-GCM",
                              "usages": ["decrypt", "encrypt"]}
    assert vault["names"] == {"type": "CryptoKey", "extractable": False, "algorithm": "HMAC", "usages": ["sign"]}
    assert vault["reflections"] == {"type": "CryptoKey", "extractable": False, "algorithm": "AES-GCM",
                                    "usages": ["decrypt", "encrypt"]}  # what is sent to the coach is sealed with it
    # What was written: a record per name (the reflection, the tick), filed under a hash, each
    # encrypted with an IV of its own and padded to a power of two (and GCM's 16 bytes).
    notes = kept["notes"]
    assert len(notes) == 2 and all(note["id"].startswith(vault["shelf"] + ".") for note in notes)
    assert not any(BROWSER_KEY in note["id"] or "focus_areas" in note["id"] for note in notes)
    assert all(len(note["iv"]) == 12 and len(note["data"]) - 16 in (256, 512, 1024) for note in notes)
    assert not any("quartz" in note["data"] or "focus_areas" in note["data"] for note in notes)
    # Each write encrypts anew, with an IV of its own: the tick written again is another ciphertext.
    page.keyboard.press("Escape")  # the search closed
    page.locator(".checklist__box").first.uncheck()
    page.locator(".checklist__box").first.check()
    again = device(page)["notes"]
    assert len({note["iv"] for note in notes} | {note["iv"] for note in again}) == 3
    assert len({note["data"] for note in notes} | {note["data"] for note in again}) == 3
    assert page.problems == []


def test_forget_this_workbook_asks_then_clears_the_key_and_what_was_written(host, visit):
    page = visit()
    opened(page, link(host, page="area-3.html"))
    page.get_by_role("textbox", name=REFLECTION).fill("Gone once forgotten")
    assert len(device(page)["notes"]) == 1
    forget = page.get_by_role("button", name="Forget this workbook on this device")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    forget.click()
    assert "What you wrote in it is deleted from this device too" in asked[0]
    kept = device(page)  # not confirmed: nothing forgotten
    assert len(kept["keys"]) == 1 and len(kept["notes"]) == 1
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(wait_until="load"):  # the page reloads without the key
        forget.click()
    only_the_message(page, WORDS["no_key"])
    kept = device(page)
    assert (kept["keys"], kept["notes"], kept["session"]) == ([], [], {})
    open_page(page, f"{host}/{TOKEN}/index.html")
    only_the_message(page, WORDS["no_key"])
    opened(page, link(host, page="area-3.html"))  # the link again: what was written here is gone
    assert page.get_by_role("textbox", name=REFLECTION).input_value() == ""


def test_what_an_earlier_version_kept_readable_is_moved_into_the_encrypted_store(host, visit):
    """An earlier version kept the key as text and the entries readable in localStorage: the
    first visit opens with that key, moves both into IndexedDB, and leaves nothing of them."""
    page = visit()
    open_page(page, f"{host}/{TOKEN}/index.html")  # on the host's origin, with no key yet
    only_the_message(page, WORDS["no_key"])
    field = "focus_areas|Relationships|ten_looks_like"
    page.evaluate("""([token, key, workbook, field]) => {
        localStorage.setItem(`coach-site-sealed:/workbooks/${token}/`, key);
        localStorage.setItem(`coach-site:${workbook}:${field}`, JSON.stringify(
            {text: "Written before sealing was tight", question: "", page: "Relationships", order: 7}));
        localStorage.setItem(`coach-site-done:${workbook}:0123456789abcdef`, "1");
        localStorage.setItem(`coach-site-sent:${workbook}`, "2026-10-01T09:00:00.000Z");
        localStorage.setItem("coach-site:another0another0:anything_we_missed", "{}");  // not this workbook's
    }""", [TOKEN, KEY, BROWSER_KEY, field])
    opened(page, f"{host}/{TOKEN}/area-3.html")  # no key in the link: the one kept as text opens it
    assert page.get_by_role("textbox", name=REFLECTION).input_value() == "Written before sealing was tight"
    store = "window.coachSite.storage()"
    assert page.evaluate(f"{store}.getItem('coach-site-done:{BROWSER_KEY}:0123456789abcdef')") == "1"
    assert page.evaluate(f"{store}.getItem('coach-site-sent:{BROWSER_KEY}')") == "2026-10-01T09:00:00.000Z"
    kept = device(page)
    assert [name for name in kept["local"] if not name.endswith(".__palette")] == [
        "coach-site:another0another0:anything_we_missed"]
    assert len(kept["keys"]) == 1 and len(kept["notes"]) == 3
    opened(page)  # and it stays
    assert page.get_by_role("textbox", name=REFLECTION).input_value() == "Written before sealing was tight"
    assert page.problems == []


def test_a_new_link_after_rotate_finds_what_was_written_under_the_earlier_one(host, visit):
    page = visit()
    opened(page, link(host, page="area-3.html"))
    page.get_by_role("textbox", name=REFLECTION).fill("Kept across links")
    before = device(page)
    new_token, new_key = re.fullmatch(r".*/([^/]+)/#(.+)", PRINTED["rotated"]).groups()
    assert new_token != TOKEN and new_key != KEY
    opened(page, link(host.replace("/workbooks", "/rotated"), new_token, new_key, "area-3.html"))
    assert page.get_by_role("textbox", name=REFLECTION).input_value() == "Kept across links"
    after = device(page)  # the earlier link's key and shelf are forgotten
    assert len(after["keys"]) == 1 and after["keys"][0]["id"] != before["keys"][0]["id"]
    shelf = after["keys"][0]["vault"]["shelf"]
    assert len(after["notes"]) == 1 and after["notes"][0]["id"].startswith(shelf + ".")
    assert page.problems == []


def test_a_passphrase_is_asked_in_each_new_tab_unless_remembered_on_the_device(host, visit):
    page = visit()
    open_page(page, link(host, LOCKED_TOKEN, LOCKED_KEY))
    field = page.get_by_label("Your workbook's passphrase (your coach gave it to you)")
    assert page.locator(".sealed-status").inner_text() == ""  # nothing says "opening" before it is typed
    assert not page.get_by_label(REMEMBER).is_checked()  # off until the coachee ticks it
    field.fill("blue kettel")
    page.get_by_role("button", name="Open my workbook").click()
    page.wait_for_selector(f"text={WORDS['passphrase_wrong']}", timeout=15_000)
    assert page.locator(".md-content").count() == 0
    field.fill(PASSPHRASE)
    page.get_by_role("button", name="Open my workbook").click()
    page.wait_for_selector(".md-content h1", timeout=15_000)  # the shell is gone: the page's own scripts
    wait_until_ready(page)
    assert page.locator(".md-content h1").inner_text() == "Hi Lena"
    # Not remembered: IndexedDB has a key for the tab and no vault; this tab's sessionStorage
    # the content key, encrypted with it. Neither is readable.
    kept = device(page)
    assert [(k["vault"], k["tab"]["extractable"]) for k in kept["keys"]] == [(None, False)]
    secrets = {PASSPHRASE, LOCKED_KEY, LOCKED_TOKEN, *content_key_forms(LOCKED_KEY, PASSPHRASE)}
    assert len(kept["session"]) == 1 and not held(readable(kept).encode(), secrets)
    opened(page, f"{host}/{LOCKED_TOKEN}/area-1.html")  # another page, in this tab: not asked again
    assert "A workshop of my own" in page.locator(".md-content").inner_text()
    # A new tab needs the link and the passphrase again.
    tab = page.context.new_page()
    open_page(tab, f"{host}/{LOCKED_TOKEN}/area-1.html")
    only_the_message(tab, WORDS["no_key"])
    open_page(tab, link(host, LOCKED_TOKEN, LOCKED_KEY, "index.html"))
    assert tab.locator("#sealed-passphrase").count() == 1 and tab.locator(".md-content").count() == 0
    # Remembered on the device: the vault is kept, and a new tab opens without asking.
    tab.get_by_label("Your workbook's passphrase (your coach gave it to you)").fill(PASSPHRASE)
    tab.get_by_label(REMEMBER).check()
    tab.get_by_role("button", name="Open my workbook").click()
    tab.wait_for_selector(".md-content h1", timeout=15_000)
    wait_until_ready(tab)
    assert tab.locator(".md-content h1").inner_text() == "Hi Lena"
    kept = device(tab)
    assert [k["vault"]["pages"]["extractable"] for k in kept["keys"]] == [False]
    assert not held(readable(kept).encode(), secrets)
    third = page.context.new_page()
    opened(third, f"{host}/{LOCKED_TOKEN}/area-1.html")
    assert "A workshop of my own" in third.locator(".md-content").inner_text()
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
