"""Every word comes back, in real Chromium: the email the workbook writes (a letter, then the
reflections file as base64 between two marker lines), never a mailto: link over 2 000
characters (a long one goes as a saved file), sent only once something was; the home page
counting what is written; and, after an import and a rebuild, the coachee's own words shown
as theirs, with nothing twice and nothing left "not seen yet". In English, German, French and
Spanish: every word the script shows comes from the page."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from conftest import EXAMPLE_CLIENT, REPO, build, copy_project, open_page, serve
from test_mail_forms import forwarded, hard_wrapped, html_only, mail

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.commands.import_reflections import import_reflections
from coach_site.workbook.dates import human_date
from coach_site.workbook.render import fingerprint

TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"
KEY = "7601553bbf700a03"  # Maya's workbook key
LANGUAGES = ["en", "de", "fr", "es"]
LIMIT = 2000
BEGIN, END = "coach-site:reflections:begin", "coach-site:reflections:end"


def client_text(language: str) -> str:
    """The example client without a TED talk (its message is written in the workbook), in `language`."""
    text = EXAMPLE_CLIENT.read_text(encoding="utf-8").replace(TOKEN, (f"sNd{language}Qw7qT2vX9pLk4RwZc5NbY")[:22])
    text = text[: text.index("ted_talk:")]
    return text + ("" if language == "en" else f"language: {language}\n")


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """The example, TED talk still to write, built in each language: {language: base url}."""
    root = tmp_path_factory.mktemp("sending")
    urls, stops = {}, []
    for language in LANGUAGES:
        client = root / f"{language}" / "maya-lindqvist.yaml"
        client.parent.mkdir()
        client.write_text(client_text(language), encoding="utf-8")
        base, stop = serve(build(client, REPO, root / language / "site").site)
        urls[language] = base
        stops.append(stop)
    yield urls
    for stop in stops:
        stop()


def said(page, selector: str, name: str) -> str:
    """A word the page gives its scripts (data-<name> of `selector`)."""
    return page.get_attribute(selector, f"data-{name}")


def reflections_says(page, name: str) -> str:
    return said(page, "#coach-site-reflections", name)


def box_of(page, field: str):
    """The box of an open question, found by where the home page links to it."""
    return page.locator(f"#open-{fingerprint(field)} textarea")


def mailtos(page) -> list[str]:
    return [url for url in page.requests if url.startswith("mailto:")]


def sent_mark(page):
    """When this browser last marked the reflections sent (None: never)."""
    return page.evaluate("localStorage.getItem('coach-site-sent:' + document.querySelector('[data-key]').dataset.key)")


def lines(locator) -> list[str]:
    return [line for line in locator.inner_text().split("\n") if line.strip()]


def body_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["body"][0]


def machine_part(body: str) -> bytes:
    """The base64 between the marker lines, decoded: what the import reads."""
    lines = body.replace("\r\n", "\n").split("\n")
    inside = lines[lines.index(BEGIN) + 1: lines.index(END)]
    assert all(len(line) <= 64 for line in inside) and all(len(line) == 64 for line in inside[:-1])
    return base64.b64decode("".join(inside), validate=True)


def downloaded(page, click, tmp_path):
    """The file a click saves, under the name the page gave it."""
    with page.expect_download() as info:
        click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def write_note_on_the_outcome(page, base: str, text: str) -> None:
    open_page(page, f"{base}/area-career.html")
    page.locator(".review-note__open").first.click()
    page.locator(".review-note__box").first.fill(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_at_390_px_without_a_share_sheet_a_long_message_goes_as_a_saved_file(browser, workbooks, language, tmp_path):
    base = workbooks[language]
    context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    try:
        write_note_on_the_outcome(page, base, "Still true; a team of three is enough.")
        open_page(page, f"{base}/homework.html")
        box_of(page, "anything_we_missed").fill("My creative side.")
        open_page(page, f"{base}/area-relationships.html")
        box_of(page, "focus_areas|Relationships|what_has_to_happen").fill("Book a sitter every second Friday")
        open_page(page, f"{base}/ted-talk.html")
        message = " ".join(["You don't have to be the loudest person in the room to lead it."] * 60)
        box_of(page, "ted_talk|message").fill(message)

        # The home page drops the question answered here, and counts it.
        open_page(page, f"{base}/index.html")
        answered = page.locator(f".progress__open a[href$='#open-{fingerprint('focus_areas|Relationships|what_has_to_happen')}']")
        assert answered.count() == 0
        assert page.locator(f".progress__open a[href$='#open-{fingerprint('focus_areas|Relationships|barriers')}']").count() == 1
        count = page.locator(".progress__answered")
        before, total = int(count.get_attribute("data-count")), count.get_attribute("data-total")
        assert count.inner_text() == count.get_attribute("data-answered").replace("{answered}", str(before + 1)) \
            .replace("{total}", total)
        assert page.locator(".progress__unsent").is_visible()
        assert sent_mark(page) is None

        open_page(page, f"{base}/reflections.html")
        assert sent_mark(page) is None
        assert page.locator(".reflections__sent").inner_text() == reflections_says(page, "never-sent")
        saved = downloaded(page, page.get_by_role("button", name=reflections_says(page, "send")).click, tmp_path)
        assert message in saved.read_text(encoding="utf-8")  # the whole message, in the saved file
        page.wait_for_function("document.querySelector('.reflections__status').textContent !== ''")
        drafts = mailtos(page)
        assert drafts and all(len(url) <= LIMIT for url in drafts), [len(url) for url in drafts]
        draft = body_of(drafts[-1])
        assert saved.name in draft and BEGIN not in draft  # a short email: attach the file named
        assert draft.startswith(reflections_says(page, "letter-greeting"))
        status = page.locator(".reflections__status").inner_text()
        assert status == reflections_says(page, "saved-attach").replace("{file}", saved.name)
        assert sent_mark(page) is not None  # a file saved is sent, as far as the workbook can tell
        open_page(page, f"{base}/index.html")
        assert not page.locator(".progress__unsent").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_email_is_a_letter_then_the_file_and_is_marked_sent_only_when_the_coachee_says_it_went(
        browser, workbooks, language, tmp_path):
    base = workbooks[language]
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    try:
        write_note_on_the_outcome(page, base, "Still true & kind")
        open_page(page, f"{base}/area-relationships.html")
        box_of(page, "focus_areas|Relationships|what_has_to_happen").fill("Book a sitter\nevery second Friday")
        page.locator(".rating-scale__option").nth(7).click()  # 8 of 10, the coachee's rating now
        page.locator(".checklist__box").first.check()
        open_page(page, f"{base}/reflections.html")
        send = page.get_by_role("button", name=reflections_says(page, "send"))
        ask = page.get_by_role("group", name=reflections_says(page, "ask"))
        assert not ask.is_visible()

        send.click()
        assert ask.is_visible()
        assert sent_mark(page) is None  # opened is not sent
        ask.get_by_role("button", name=reflections_says(page, "not-yet")).click()
        assert not ask.is_visible() and sent_mark(page) is None
        assert page.locator(".reflections__status").inner_text() == reflections_says(page, "not-marked")

        (url,) = set(mailtos(page))
        assert len(url) <= LIMIT
        parts = urlsplit(url)
        assert unquote(parts.path) == "sam.rivera@example.org"
        assert parse_qs(parts.query)["subject"] == [reflections_says(page, "subject").replace("{name}", "Maya Lindqvist")]
        body = body_of(url)
        letter = body[: body.index(reflections_says(page, "letter-keep"))]
        lines = letter.replace("\r\n", "\n").rstrip("\n").split("\n")
        assert lines[0] == reflections_says(page, "letter-greeting") == said(page, "#coach-site-reflections",
                                                                             "letter-greeting")
        assert "Sam Rivera" in lines[0]
        places = json.loads(reflections_says(page, "places"))
        relationships = places["focus_areas|Relationships|what_has_to_happen"]
        heading = lines.index(relationships["page"])
        assert lines[heading + 2: heading + 5] == [relationships["question"], "Book a sitter", "every second Friday"]
        rating = reflections_says(page, "letter-rating").replace("{rating}", "8")
        assert lines[lines.index(places["focus_areas|Relationships|satisfaction"]["question"]) + 1] == rating
        note = reflections_says(page, "letter-note").replace("{label}", places["focus_areas|Career|note|outcome"]["label"])
        assert lines[lines.index(note) + 1] == "Still true & kind"
        assert lines[-2:] == [reflections_says(page, "letter-closing"), "Maya"]
        if language != "en":
            assert "Dear" not in letter and "reflections" not in letter  # the words are the catalogue's

        send.click()
        ask.get_by_role("button", name=reflections_says(page, "went")).click()
        assert sent_mark(page) is not None
        assert page.locator(".reflections__status").inner_text() == reflections_says(page, "marked")
        # The day as the workbook writes days: "7 December 2026", "7. Dezember 2026", ...
        today = human_date(dt.date.today(), language)
        assert page.locator(".reflections__sent").inner_text() == reflections_says(page, "sent").replace("{date}", today)

        # The machine part is the file Download saves, byte for byte.
        saved = downloaded(page, page.get_by_role("button", name=reflections_says(page, "download")).click, tmp_path)
        assert machine_part(body_of(mailtos(page)[-1])) == saved.read_bytes()
        every_mail_form_brings_back_the_words(body_of(mailtos(page)[-1]), language, tmp_path)
    finally:
        context.close()


def every_mail_form_brings_back_the_words(draft: str, language: str, tmp_path: Path) -> None:
    """The draft this page wrote, as mail programs pass it on, imports the exact words typed."""
    forms = {"as written": mail(draft), "hard-wrapped": mail(hard_wrapped(draft), cte="8bit"),
             "forwarded": mail(forwarded(hard_wrapped(draft, 76))), "HTML only": mail(html_only(draft), subtype="html")}
    for name, raw in forms.items():
        client = tmp_path / name / "maya-lindqvist.yaml"
        client.parent.mkdir()
        client.write_text(client_text(language), encoding="utf-8")
        (tmp_path / name / "mail.eml").write_bytes(raw)
        import_reflections(client, tmp_path / name / "mail.eml")
        workbook = validate_client(load_client_file(client))
        relationships = next(a for a in workbook.focus_areas if a.name == "Relationships")
        assert relationships.what_has_to_happen == "Book a sitter\nevery second Friday", name
        career = next(a for a in workbook.focus_areas if a.name == "Career")
        assert career.notes["outcome"] == "Still true & kind", name


def test_copy_the_text_puts_the_whole_email_on_the_clipboard_and_asks_whether_it_went(browser, workbooks):
    base = workbooks["en"]
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    try:
        open_page(page, f"{base}/area-relationships.html")
        box_of(page, "focus_areas|Relationships|what_has_to_happen").fill("Book a sitter")
        open_page(page, f"{base}/reflections.html")
        page.get_by_role("button", name="Copy the text").click()
        page.wait_for_function("document.querySelector('.reflections__status').textContent !== ''")
        assert page.locator(".reflections__status").inner_text() == (
            "Copied. Paste it into a new email to Sam Rivera (sam.rivera@example.org) and send it.")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("Dear Sam Rivera,\n") and "Book a sitter" in copied
        assert b"Book a sitter" in machine_part(copied)
        assert page.get_by_role("group", name="Did your email go?").is_visible()
        assert sent_mark(page) is None
    finally:
        context.close()


def test_a_file_loaded_on_another_device_shows_under_its_pages_and_is_not_unseen(browser, workbooks, tmp_path):
    base = workbooks["en"]
    laptop = browser.new_context(accept_downloads=True)
    page = laptop.new_page()
    try:
        open_page(page, f"{base}/area-relationships.html")
        box_of(page, "focus_areas|Relationships|what_has_to_happen").fill("Book a sitter")
        page.locator(".rating-scale__option").nth(2).click()  # 3 of 10
        write_note_on_the_outcome(page, base, "Still true.")
        open_page(page, f"{base}/reflections.html")
        saved = downloaded(page, page.get_by_role("button", name="Download").click, tmp_path)
    finally:
        laptop.close()
    phone = browser.new_context()
    page = phone.new_page()
    try:
        open_page(page, f"{base}/reflections.html")
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Load a reflections file").click()
        chooser.value.set_files(str(saved))
        page.wait_for_function("document.querySelector('.reflections__status').textContent !== ''")
        listing = page.locator("#coach-site-reflections")
        assert listing.locator("h2").all_inner_texts() == ["Career", "Relationships"]  # the workbook's order
        assert lines(listing.locator(".reflections__page").nth(1)) == [
            "Relationships", "What would have to happen to get there?", "Book a sitter",
            "What is your current satisfaction rating in this area, on a scale of one to ten?", "3 out of 10"]
        assert lines(listing.locator(".reflections__page").first) == ["Career", "Note on One year from now", "Still true."]
        assert "Loaded from a file" not in listing.inner_text()
        open_page(page, f"{base}/index.html")
        assert not page.locator(".progress__unsent").is_visible()  # it was sent from the laptop
    finally:
        phone.close()


def test_a_value_is_asked_about_like_every_answer(browser, workbooks):
    base = workbooks["en"]
    context = browser.new_context()
    page = context.new_page()
    try:
        open_page(page, f"{base}/index.html")
        row = page.locator(".progress__open li", has_text="Your values")
        assert row.get_by_role("link", name="Courage").get_attribute("href").startswith("values.html#open-")
        open_page(page, f"{base}/values.html")
        craft = page.locator(".yours", has_text="Also finishing what I start.")  # the value's note, theirs
        assert lines(craft) == ["Your note", "Also finishing what I start."]
        page.get_by_role("button", name="Change your note on: Craft").click()
        assert page.get_by_role("textbox", name=re.compile("on: Craft$")).input_value() == "Also finishing what I start."
        page.get_by_role("button", name="Add a note on: Curiosity").click()
        page.get_by_role("textbox", name="Your note: still true? What would you change? on: Curiosity").fill("Yes")
        box_of(page, "values|Courage|meaning").fill("Saying the hard thing kindly")
        open_page(page, f"{base}/index.html")
        assert page.locator(".progress__open li", has_text="Your values").count() == 0
    finally:
        context.close()


def test_after_import_and_rebuild_the_coachees_words_show_as_theirs_and_nothing_twice(browser, tmp_path):
    """Write, download, import, rebuild, open the same browser again: notes, "anything we
    missed?" and a value's note show as theirs with a box to change them; own steps are
    checklist items and not again in the box; only what came after the download waits."""
    project = copy_project(tmp_path / "practice")
    client = project / "clients" / EXAMPLE_CLIENT.name
    shutil.copy(EXAMPLE_CLIENT, client)
    git = ["git", "-c", "user.name=Coach", "-c", "user.email=coach@example.org"]
    subprocess.run(git + ["init", "-q"], cwd=project, check=True)
    subprocess.run(git + ["add", "-A"], cwd=project, check=True)
    subprocess.run(git + ["commit", "-qm", "Strategy session"], cwd=project, check=True)
    site = project / "site" / TOKEN
    build(client, project, project / "site")
    base, stop = serve(site)  # the same address before and after: the browser keeps notes per host
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        write_note_on_the_outcome(page, base, "Still true; a team of three.")
        open_page(page, f"{base}/homework.html")
        box_of(page, "anything_we_missed").fill("My creative side.")
        open_page(page, f"{base}/area-health.html")
        page.get_by_role("textbox", name="Your own next steps, one per line").fill("Buy running shoes")
        open_page(page, f"{base}/values.html")
        box_of(page, "values|Courage|meaning").fill("Saying the hard thing kindly")
        open_page(page, f"{base}/reflections.html")
        saved = downloaded(page, page.get_by_role("button", name="Download").click, tmp_path)
        open_page(page, f"{base}/area-health.html")  # written after the download: not sent yet
        page.get_by_role("textbox", name="Your own next steps, one per line").fill("Buy running shoes\nStretch daily")

        imported = subprocess.run([sys.executable, "-m", "coach_site", "import-reflections", f"clients/{client.name}",
                                   str(saved)], cwd=project, capture_output=True, text=True)
        assert imported.returncode == 0, imported.stderr
        build(client, project, project / "site")

        open_page(page, f"{base}/area-career.html")
        mine = page.locator(".yours").first
        assert lines(mine) == ["Your note", "Still true; a team of three."]
        change = page.get_by_role("button", name="Change your note on: One year from now")
        assert change.get_attribute("aria-expanded") == "false"
        change.click()
        assert page.locator(".review-note__box").first.input_value() == "Still true; a team of three."

        open_page(page, f"{base}/homework.html")
        assert lines(page.locator(".yours", has_text="You added")) == ["You added", "My creative side."]
        page.get_by_role("button", name=re.compile("^Change what you wrote")).click()
        assert box_of(page, "anything_we_missed").count() == 0  # answered: no prompt, its box beside their words
        missed = page.get_by_role("textbox", name=re.compile("^Your reflection on: Anything we missed"))
        assert missed.input_value() == "My creative side."

        open_page(page, f"{base}/area-health.html")
        assert page.get_by_role("checkbox", name="Buy running shoes").count() == 1
        assert page.get_by_role("textbox", name="Your own next steps, one per line").input_value() == "Stretch daily"

        open_page(page, f"{base}/values.html")
        assert "Saying the hard thing kindly" in page.locator("article").inner_text()
        assert page.get_by_role("button", name="Add a note on: Courage").is_visible()  # a meaning now: a note too

        open_page(page, f"{base}/index.html")
        unsent = page.locator(".progress__unsent-text").inner_text()
        assert unsent.startswith("You have written 1 answer that"), unsent  # the step written after the download
        stored = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('coach-site:'))")
        assert stored == [f"coach-site:{KEY}:focus_areas|Health|next_steps"]
    finally:
        context.close()
        stop()
