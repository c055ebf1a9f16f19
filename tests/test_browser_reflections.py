"""Reflections in real Chromium: write, reload, download, clear; and the chain back to the coach."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import EXAMPLE_CLIENT, build, copy_project, html_pages, open_page, serve
from test_browser_workbook import VISIBLE

from coach_site.clientfile.loader import load_client_bytes

TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"


@pytest.fixture
def site(example_url):
    return example_url


def box(page, question: str):
    """The reflection box of an open question, found by its accessible name, as a reader would."""
    return page.get_by_role("textbox", name=question)


def test_boxes_sit_beside_open_questions_only_and_say_where_notes_stay(site, page):
    open_page(page, f"{site}/area-relationships.html")
    boxes = page.locator("textarea.reflection__box")
    # Four open questions, plus the coachee's own next steps.
    assert boxes.count() == 5
    assert box(page, "Your reflection on: What would have to happen to get there?").is_visible()
    assert box(page, "Your own next steps, one per line").is_visible()
    notes = page.locator(".reflection__note")
    assert notes.count() == 1 and notes.inner_text() == "Your notes stay on this device."
    first = page.locator(".reflection").first
    assert "Your notes stay on this device." in first.inner_text()
    open_page(page, f"{site}/area-career.html")  # every question answered: only the next-steps box
    assert page.locator("textarea.reflection__box").count() == 1


def test_what_is_typed_is_kept_on_reload_gathered_and_downloaded_as_yaml(site, page, tmp_path):
    open_page(page, f"{site}/area-relationships.html")
    what = box(page, "Your reflection on: What would have to happen to get there?")
    what.click()
    page.keyboard.type("Book a sitter\nevery second Friday")
    box(page, "Your own next steps, one per line").fill("Call mum on Wednesdays\nPlan a weekend away")
    open_page(page, f"{site}/homework.html")
    missed = box(page, "Your reflection on: Anything we missed? Is there an area of your life that belongs on this map?")
    missed.fill("My creative side: <img src=x onerror=alert(1)>")

    open_page(page)
    assert missed.input_value() == "My creative side: <img src=x onerror=alert(1)>"
    open_page(page, f"{site}/area-relationships.html")
    assert what.input_value() == "Book a sitter\nevery second Friday"

    open_page(page, f"{site}/reflections.html")
    listing = page.locator("#coach-site-reflections")
    text = listing.inner_text()
    assert "Book a sitter" in text and "Call mum on Wednesdays" in text
    assert "My creative side: <img src=x onerror=alert(1)>" in text  # shown as text
    assert listing.locator("img").count() == 0
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    saved = tmp_path / "reflections.yaml"
    download_info.value.save_as(saved)
    data = load_client_bytes(saved.read_bytes(), saved).data
    assert data == {
        "link": {"token": TOKEN},
        "focus_areas": [{
            "name": "Relationships",
            "what_has_to_happen": "Book a sitter\nevery second Friday",
            "next_steps": ["Call mum on Wednesdays", "Plan a weekend away"],
        }],
        "anything_we_missed": "My creative side: <img src=x onerror=alert(1)>",
    }
    outside = [url for url in page.requests if not url.startswith(site)]
    assert outside == [], "a reflection page asked another host for something"


def test_clear_all_asks_first_then_forgets_everything(site, page):
    open_page(page, f"{site}/area-relationships.html")
    box(page, "Your reflection on: What would a 10 look like?").fill("Dinner every Friday")
    open_page(page, f"{site}/reflections.html")
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Clear all").click()
    assert questions and "cannot be undone" in questions[0]
    assert "Dinner every Friday" in page.locator("#coach-site-reflections").inner_text()  # dismissed: kept
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear all").click()
    assert "Nothing written yet" in page.locator("#coach-site-reflections").inner_text()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('coach-site:')).length") == 0
    open_page(page, f"{site}/area-relationships.html")
    assert box(page, "Your reflection on: What would a 10 look like?").input_value() == ""


def test_boxes_work_by_keyboard_with_a_visible_focus(site, page):
    open_page(page, f"{site}/area-relationships.html")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            break
    else:
        pytest.fail("no reflection box is reachable with Tab")
    page.keyboard.type("typed without a mouse")
    focused = page.locator("textarea:focus")
    assert focused.input_value() == "typed without a mouse"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused box has no visible outline"


def test_without_javascript_every_page_reads_and_no_box_appears(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        for name, expected in VISIBLE.items():
            open_page(page, f"{site}/{name}", ready=False)
            text = " ".join(page.locator("article").inner_text().split())
            for item in expected:
                assert item in text, (name, item)
            assert page.locator("textarea").count() == 0
        open_page(page, f"{site}/reflections.html", ready=False)
        assert "needs JavaScript" in page.locator("article").inner_text()
    finally:
        context.close()


def test_reflections_work_from_a_copy_opened_on_disk(browser, example_site):
    context = browser.new_context()
    page = context.new_page()
    try:
        open_page(page, (example_site / "homework.html").as_uri())
        page.locator("textarea.reflection__box").first.fill("Offline thought")
        open_page(page)
        assert page.locator("textarea.reflection__box").first.input_value() == "Offline thought"
    finally:
        context.close()


def test_the_coachee_writes_the_coach_imports_and_the_answers_appear(browser, tmp_path):
    """The whole chain: write, download, import, commit, rebuild: prompts become answers."""
    project = copy_project(tmp_path / "practice")
    client = project / "clients" / EXAMPLE_CLIENT.name
    shutil.copy(EXAMPLE_CLIENT, client)
    git = ["git", "-c", "user.name=Coach", "-c", "user.email=coach@example.org"]
    subprocess.run(git + ["init", "-q"], cwd=project, check=True)
    subprocess.run(git + ["add", "-A"], cwd=project, check=True)
    subprocess.run(git + ["commit", "-qm", "Strategy session"], cwd=project, check=True)
    site = build(client, project, project / "site").site

    base, stop = serve(site)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    downloaded = tmp_path / "from-maya.yaml"
    try:
        open_page(page, f"{base}/area-relationships.html")
        box(page, "Your reflection on: What would have to happen to get there?").fill("Book a sitter every second Friday")
        box(page, "Your reflection on: What would a 10 look like?").fill("We laugh more than we plan")
        open_page(page, f"{base}/reflections.html")
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download").click()
        download_info.value.save_as(downloaded)
    finally:
        context.close()
        stop()

    coach = [sys.executable, "-m", "coach_site"]
    imported = import_reflections(project, client, downloaded)
    assert imported.returncode == 0, imported.stderr
    subprocess.run(git + ["commit", "-qam", "Maya's reflections"], cwd=project, check=True)
    rebuilt = subprocess.run(coach + ["build", f"clients/{client.name}"], cwd=project, capture_output=True, text=True)
    assert rebuilt.returncode == 0, rebuilt.stderr

    html = (project / "site" / TOKEN / "area-relationships.html").read_text()
    section = html.split('id="what-has-to-happen"')[1].split("<h2")[0]
    assert "Book a sitter every second Friday" in section and "To reflect on" not in section
    section = html.split('id="what-a-10-looks-like"')[1].split("<h2")[0]
    assert "We laugh more than we plan" in section and "To reflect on" not in section
    assert [p.name for p in html_pages(project / "site" / TOKEN)]  # the site is whole


def test_after_rotate_the_new_link_shows_the_notes_and_ticks_of_the_old_one(browser, tmp_path):
    """Type at the old link (and find notes a browser kept under the raw token before keys
    existed), rotate, open the new link on the same host: everything is there."""
    from coach_site.commands.rotate import rotate_client
    from coach_site.project_loader import load_project

    project = copy_project(tmp_path / "practice")
    client = project / "clients" / EXAMPLE_CLIENT.name
    shutil.copy(EXAMPLE_CLIENT, client)
    site_dir = project / "site"
    build(client, project, site_dir)
    base, stop = serve(site_dir)  # one host for both links: the browser keeps notes per host
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    downloaded = tmp_path / "from-the-old-link.yaml"
    try:
        open_page(page, f"{base}/{TOKEN}/area-relationships.html")
        box(page, "Your reflection on: What would have to happen to get there?").fill("Book a sitter")
        ticks = page.locator(".checklist__box")
        ticks.first.check()
        step = ticks.first.get_attribute("data-step")
        # What a browser holds from before this version: notes and ticks under the raw token.
        page.evaluate(
            """([token, step]) => {
                localStorage.setItem("coach-site:" + token + ":focus_areas|Relationships|barriers",
                  JSON.stringify({text: "Late work calls", question: "barriers", page: "Relationships", order: 2}));
                localStorage.setItem("coach-site-done:" + token + ":" + step + "x", "1");
            }""",
            [TOKEN, step],
        )
        open_page(page, f"{base}/{TOKEN}/reflections.html")
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download").click()
        download_info.value.save_as(downloaded)

        new_link = rotate_client(client, load_project(project), site_dir).link
        new_token = new_link.rstrip("/").rsplit("/", 1)[-1]
        assert new_token != TOKEN and not (site_dir / TOKEN).exists()
        assert all(TOKEN not in p.read_text() for p in html_pages(site_dir / new_token))  # no old token shown

        open_page(page, f"{base}/{new_token}/area-relationships.html")
        assert box(page, "Your reflection on: What would have to happen to get there?").input_value() == "Book a sitter"
        assert box(page, "Your reflection on: What are the current barriers or unknowns preventing you from "
                         "moving forward in this area?").input_value() == "Late work calls"
        assert page.locator(".checklist__box").first.is_checked()
        stored = page.evaluate("Object.keys(localStorage)")
        assert not [key for key in stored if TOKEN in key and key.startswith("coach-site")]  # moved, not copied
        assert any(key.endswith(step + "x") for key in stored)  # the old tick moved too
        open_page(page, f"{base}/{new_token}/reflections.html")
        assert "Late work calls" in page.locator("#coach-site-reflections").inner_text()
        # Another device, at the new link: the file from the old one is this workbook's, and loads.
        phone = browser.new_context()
        other = phone.new_page()
        open_page(other, f"{base}/{new_token}/reflections.html")
        with other.expect_file_chooser() as chooser:
            other.get_by_role("button", name="Load a reflections file").click()
        chooser.value.set_files(str(downloaded))
        other.wait_for_function("document.querySelector('.reflections__status').textContent !== ''")
        assert "Book a sitter" in other.locator("#coach-site-reflections").inner_text()
        phone.close()
    finally:
        context.close()
        stop()

    imported = import_reflections(project, client, downloaded)
    assert imported.returncode == 0, imported.stderr
    assert "filled: Relationships: what has to happen" in imported.stdout
    foreign = downloaded.read_text().replace(TOKEN, "SomeoneElsesToken_123456")
    downloaded.write_text(foreign)
    refused = import_reflections(project, client, downloaded)
    assert refused.returncode == 1 and "these reflections come from another workbook" in refused.stderr


def test_a_download_holds_line_separators_and_c1_controls_as_escapes_the_import_reads(site, page, tmp_path):
    typed = "one\u2028two\u2029three\x85four\x9b five\ufeff \U0001F389"
    open_page(page, f"{site}/area-relationships.html")
    box(page, "Your reflection on: What would have to happen to get there?").fill(typed)
    open_page(page, f"{site}/reflections.html")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    downloaded = tmp_path / "r.yaml"
    download_info.value.save_as(downloaded)
    data = load_client_bytes(downloaded.read_bytes(), downloaded).data  # YAML refuses a raw \x9b
    assert data["focus_areas"][0]["what_has_to_happen"] == typed


def import_reflections(project, client, downloaded):
    """The coach's `coach-site import-reflections` of a downloaded file, as a subprocess."""
    return subprocess.run([sys.executable, "-m", "coach_site", "import-reflections", f"clients/{client.name}",
                           str(downloaded)], cwd=project, capture_output=True, text=True)


IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.1 Mobile/15E148 Safari/604.1")


@pytest.mark.parametrize(("user_agent", "touch", "told"), [
    (IPHONE, True, True),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
     True, True),  # an iPad asks for the desktop site: a Mac with a touch screen
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
     False, False),  # a Mac: no Home Screen to add to
], ids=["iphone", "ipad", "mac"])
def test_on_an_iphone_or_ipad_my_reflections_says_to_add_the_workbook_to_the_home_screen(
        browser, example_url, user_agent, touch, told):
    context = browser.new_context(user_agent=user_agent, has_touch=touch, is_mobile=False)
    page = context.new_page()
    try:
        if touch:  # Safari on an iPad says MacIntel and has touch points
            page.add_init_script("Object.defineProperty(navigator, 'platform', {get: () => 'MacIntel'});"
                                 "Object.defineProperty(navigator, 'maxTouchPoints', {get: () => 5});")
        open_page(page, f"{example_url}/reflections.html")
        line = page.locator(".reflections__home-screen")
        assert line.count() == (1 if told else 0)
        if told:
            assert line.inner_text() == page.get_attribute("#coach-site-reflections", "data-home-screen")
    finally:
        context.close()
