"""Back to the coach, in real Chromium: send by the share sheet (the email: test_browser_sending.py), download with ticks,
load on another device, group by page, ask to keep it, install; and the import of it all."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLIENT, build, copy_project, open_page, serve
from test_browser_reflections import box

from coach_site.clientfile.loader import load_client_bytes, load_client_file
from coach_site.clientfile.validate import validate_client

TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"
KEY = "7601553bbf700a03"  # Maya's workbook key (a hash of her first token)
WHAT_HAS_TO_HAPPEN = "Your reflection on: What would have to happen to get there?"


@pytest.fixture
def site(example_url):
    return example_url


def put(page, field: str, text: str, page_title: str = "Career") -> None:
    """An entry as the workbook's widgets keep it (the rating control, the review-note boxes,
    the value boxes), written through store.js's own write()."""
    page.evaluate(
        """([key, field, text, title]) => coachSite.write(coachSite.storage(), coachSite.keyFor(key, field),
             {text: text, question: "", page: title, href: "", order: 0})""",
        [KEY, field, text, page_title],
    )


def downloaded(page, tmp_path, name="reflections.yaml"):
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    path = tmp_path / name
    info.value.save_as(path)
    return path


def test_a_download_counts_as_sent_and_the_home_page_stops_reminding(site, page, tmp_path):
    open_page(page, f"{site}/area-relationships.html")
    box(page, WHAT_HAS_TO_HAPPEN).fill("Book a sitter")
    open_page(page, f"{site}/reflections.html")
    assert "Not sent to your coach yet." in page.locator(".reflections__sent").inner_text()
    downloaded(page, tmp_path)
    assert page.evaluate(f"localStorage.getItem('coach-site-sent:{KEY}')") is not None
    assert "Last sent or downloaded" in page.locator(".reflections__sent").inner_text()
    open_page(page, f"{site}/index.html")
    assert not page.locator(".progress__unsent").is_visible()  # nothing waits to be sent


SHARE_SHEET = """
    window.__shared = [];
    navigator.canShare = (data) => !!(data && data.files && data.files.length);
    navigator.share = (data) => data.files[0].text().then((text) => {
        window.__shared.push({name: data.files[0].name, type: data.files[0].type, title: data.title, text: text});
    });
"""


def test_where_files_can_be_shared_send_opens_the_share_sheet_with_the_file(site, page):
    page.add_init_script(SHARE_SHEET)  # a phone's Web Share API, which desktop Linux Chromium lacks
    open_page(page, f"{site}/area-relationships.html")
    box(page, WHAT_HAS_TO_HAPPEN).fill("Book a sitter")
    open_page(page, f"{site}/reflections.html")
    assert page.evaluate(f"localStorage.getItem('coach-site-sent:{KEY}')") is None
    page.get_by_role("button", name="Send to my coach").click()
    page.wait_for_function("window.__shared.length === 1")
    shared = page.evaluate("window.__shared[0]")
    assert shared["name"].startswith("reflections-") and shared["name"].endswith(".yaml")
    assert shared["title"] == "Reflections from Maya Lindqvist"
    data = load_client_bytes(shared["text"].encode(), Path("shared.yaml")).data
    assert data["focus_areas"][0]["what_has_to_happen"] == "Book a sitter"
    assert page.url.endswith("/reflections.html")  # no email opened as well
    assert not [url for url in page.requests if url.startswith("mailto:")]
    page.wait_for_function(f"localStorage.getItem('coach-site-sent:{KEY}') !== null")  # once the sheet said so


CANCELLED_SHARE_SHEET = """
    navigator.canShare = (data) => !!(data && data.files && data.files.length);
    navigator.share = () => Promise.reject(new DOMException("The coachee closed the sheet", "AbortError"));
"""


def test_a_share_sheet_closed_without_sharing_marks_nothing_sent(site, page):
    page.add_init_script(CANCELLED_SHARE_SHEET)
    open_page(page, f"{site}/area-relationships.html")
    box(page, WHAT_HAS_TO_HAPPEN).fill("Book a sitter")
    open_page(page, f"{site}/reflections.html")
    page.get_by_role("button", name="Send to my coach").click()
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")  # the sheet's answer has come
    assert page.evaluate(f"localStorage.getItem('coach-site-sent:{KEY}')") is None
    assert "Not sent to your coach yet." in page.locator(".reflections__sent").inner_text()
    assert not [url for url in page.requests if url.startswith("mailto:")]


def test_entries_are_grouped_under_their_page_once_and_stamped_when_written(site, page):
    open_page(page, f"{site}/area-relationships.html")
    box(page, WHAT_HAS_TO_HAPPEN).fill("Book a sitter")
    box(page, "Your reflection on: What would a 10 look like?").fill("We laugh more")
    open_page(page, f"{site}/homework.html")
    box(page, "Your reflection on: Anything we missed? Is there an area of your life that belongs on this map?"
        ).fill("Painting")
    stored = json.loads(page.evaluate(f"localStorage.getItem('coach-site:{KEY}:anything_we_missed')"))
    changed = dt.datetime.fromisoformat(stored["changed"].replace("Z", "+00:00"))
    assert abs(changed - dt.datetime.now(dt.timezone.utc)).seconds < 60
    open_page(page, f"{site}/reflections.html")
    headings = page.locator("#coach-site-reflections h2")
    assert headings.all_inner_texts() == ["Relationships", "Your homework"]
    first = page.locator(".reflections__page").first
    assert first.locator(".reflections__item").count() == 2
    assert first.locator("h2 a").get_attribute("href") == "area-relationships.html"


def test_ticks_notes_ratings_and_meanings_travel_back_and_the_rebuilt_workbook_shows_them(browser, tmp_path):
    project = copy_project(tmp_path / "practice")
    client = project / "clients" / EXAMPLE_CLIENT.name
    shutil.copy(EXAMPLE_CLIENT, client)
    site_dir = project / "site"
    build(client, project, site_dir)
    base, stop = serve(site_dir / TOKEN)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        open_page(page, f"{base}/homework.html")
        done_already = page.get_by_role("checkbox", name="Book the conversation with my manager")
        assert done_already.is_checked()  # recorded done in the client file
        page.get_by_role("checkbox", name="Write up the first portfolio project this weekend").check()
        page.get_by_role("checkbox", name="Ask two colleagues what they see as my strengths").check()
        put(page, "focus_areas|Career|satisfaction", "8")
        put(page, "focus_areas|Career|note|outcome", "Still true; maybe a team of three")
        put(page, "values|Courage|meaning", "Saying the hard thing kindly", "Values")
        put(page, "focus_areas|Health|next_steps", "Buy running shoes")
        open_page(page, f"{base}/reflections.html")
        reflections = downloaded(page, tmp_path)
    finally:
        context.close()
        stop()
    text = reflections.read_text()
    assert '- step: "Write up the first portfolio project this weekend"\n        done: true' in text
    assert "Book the conversation" not in text  # already recorded: nothing to send back

    result = subprocess.run([sys.executable, "-m", "coach_site", "import-reflections", f"clients/{client.name}",
                             str(reflections)], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    workbook = validate_client(load_client_file(client))
    career, health = workbook.focus_areas[0], workbook.focus_areas[1]
    assert career.satisfaction.current == 8 and career.satisfaction.history[-1].when == dt.date.today()
    assert len(career.satisfaction.history) == 4  # the coach's three ratings kept
    assert career.notes["outcome"] == "Still true; maybe a team of three"
    assert career.next_steps[1].done == dt.date.today()
    assert [str(s) for s in health.next_steps] == ["Sign up for the spring 10k", "Buy running shoes"]
    assert workbook.homework.action_items[0].done == dt.date.today()
    assert workbook.values[3].meaning == "Saying the hard thing kindly"

    build(client, project, site_dir)
    base, stop = serve(site_dir / TOKEN)
    context = browser.new_context()  # another device: nothing in its storage
    page = context.new_page()
    try:
        open_page(page, f"{base}/area-career.html")
        assert page.get_by_role("checkbox", name="Write up the first portfolio project this weekend").is_checked()
    finally:
        context.close()
        stop()


def test_a_reflections_file_loads_on_a_fresh_browser_without_losing_what_is_there(browser, site, tmp_path):
    laptop = browser.new_context(accept_downloads=True)
    page = laptop.new_page()
    open_page(page, f"{site}/area-relationships.html")
    box(page, WHAT_HAS_TO_HAPPEN).fill("Book a sitter")
    box(page, "Your own next steps, one per line").fill("Call mum\nPlan a weekend away")
    page.get_by_role("checkbox", name="Put Sunday calls in the shared calendar").check()
    put(page, "focus_areas|Career|satisfaction", "8")
    open_page(page, f"{site}/reflections.html")
    reflections = downloaded(page, tmp_path)
    laptop.close()

    phone = browser.new_context()
    page = phone.new_page()
    try:
        open_page(page, f"{site}/area-relationships.html")
        box(page, WHAT_HAS_TO_HAPPEN).fill("Ask my sister to babysit")
        box(page, "Your own next steps, one per line").fill("Call mum\nBook the restaurant")
        put(page, "focus_areas|Career|satisfaction", "6")
        open_page(page, f"{site}/reflections.html")
        asked: list[str] = []
        page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Load a reflections file").click()
        chooser.value.set_files(str(reflections))
        page.wait_for_function("document.querySelector('.reflections__status').textContent !== ''")
        status = page.locator(".reflections__status").inner_text()
        assert "1 answer differed" in status and "both versions are kept" in status
        assert asked == ["Career: this device has 6 as your rating now, the file 8. Use the file's 8?"]
        open_page(page, f"{site}/area-relationships.html")
        assert box(page, WHAT_HAS_TO_HAPPEN).input_value() == "Ask my sister to babysit\n\nBook a sitter"
        assert box(page, "Your own next steps, one per line").input_value() == (
            "Call mum\nBook the restaurant\nPlan a weekend away")
        assert page.get_by_role("checkbox", name="Put Sunday calls in the shared calendar").is_checked()
        stored = json.loads(page.evaluate(f"localStorage.getItem('coach-site:{KEY}:focus_areas|Career|satisfaction')"))
        assert stored["text"] == "8"

        open_page(page, f"{site}/reflections.html")
        foreign = tmp_path / "someone-else.yaml"
        foreign.write_text(reflections.read_text().replace(TOKEN, "SomeoneElsesToken_9x8Yq"))
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Load a reflections file").click()
        chooser.value.set_files(str(foreign))
        page.wait_for_function("document.querySelector('.reflections__status').textContent.includes('another')")
        not_yaml = tmp_path / "notes.txt"
        not_yaml.write_text("Dear diary: [unclosed")
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Load a reflections file").click()
        chooser.value.set_files(str(not_yaml))
        page.wait_for_function("document.querySelector('.reflections__status').textContent.includes('could not')")
    finally:
        phone.close()


PERSIST_SPY = """
    window.__persistAsked = 0;
    if (navigator.storage) {
        const persist = navigator.storage.persist.bind(navigator.storage);
        navigator.storage.persist = () => { window.__persistAsked += 1; return persist(); };
    }
"""


def test_the_browser_is_asked_to_keep_what_is_written_and_the_page_says_what_is_kept_where(site, page):
    page.add_init_script(PERSIST_SPY)
    open_page(page, f"{site}/area-relationships.html")
    assert page.evaluate("window.__persistAsked") == 0  # not for a mere visit
    box(page, WHAT_HAS_TO_HAPPEN).fill("Book")
    box(page, WHAT_HAS_TO_HAPPEN).fill("Book a sitter")
    assert page.evaluate("window.__persistAsked") == 1  # once, when something is first kept
    open_page(page, f"{site}/reflections.html")
    article = page.locator("article").inner_text()
    assert "Only in this browser, on this device" in article
    safety = page.locator(".reflections__safety").inner_text()
    assert safety.startswith("This browser")


def test_the_workbook_is_installable_with_its_own_manifest_and_icons(site, page):
    open_page(page, f"{site}/index.html")
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{site}/manifest.webmanifest" and manifest["errors"] == []
    data = json.loads(manifest["data"])
    assert data["name"] == "Maya's workbook" and data["start_url"] == "index.html" and data["scope"] == "./"
    for icon in data["icons"]:
        assert "//" not in icon["src"]  # the workbook's own file, never another host's
        served = page.request.get(f"{site}/{icon['src']}")
        assert served.ok
        if icon["type"] == "image/png":  # as big as it says: width and height from the PNG's header
            png = served.body()
            width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
            assert icon["sizes"] == f"{width}x{height}"
    errors = [e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    assert [e for e in errors if e != "in-incognito"] == []  # a test's browser profile is always incognito
    assert [url for url in page.requests if not url.startswith(site)] == []
