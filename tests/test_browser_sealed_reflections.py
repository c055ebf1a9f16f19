"""Sealed reflections travel sealed, in real Chromium: what a sealed workbook's "Send to my
coach" and "Download" let leave the device (the draft email, its subject, the file) holds
none of the coachee's words, none of the questions and none of the pages' names, in any
case and in base64 at any alignment; `coach-site import-reflections` (the CLI, run as the
coach runs it) opens them with the client file's key, with a passphrase too, and after
`coach-site rotate` with the key it kept of the old link; "Load a reflections file" on a
fresh browser of the same workbook restores the answers, and refuses a file of another
workbook or one changed on the way, with the page's words.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import EXAMPLE_CLIENT, build, copy_project, open_page, serve
from test_browser_sending import body_of, box_of, downloaded, machine_part, mailtos
from test_sealed import KEY, sealed_example

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.sealed_reflections import is_sealed, sealed_workbook_id, workbook_id
from coach_site.clientfile.validate import validate_client

TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"  # the example's, sealed with test_sealed's KEY
OTHER_TOKEN = "Pq7Lm2Xz9RtK4vWb8NcYs3"  # another client's workbook, with a passphrase
OTHER_KEY = "Zr8Kp3Wm6Qx1Vb9Nt4Ly7Hc2Jd5Fs0Ga-Ue_oTi3Mkw"
PASSPHRASE = "blue kettle"
# What the coachee types: words found nowhere else, so a leak of any of them is a leak.
ANSWERS = {
    "focus_areas|Relationships|what_has_to_happen": "Quokka lanterns over the Vltava",
    "anything_we_missed": "Marzipan cartography, Thursdays",
}
NOTE = "Zeppelin apprenticeship still true"  # a note beside the coach's answer (Career: outcome)
LONG = " ".join(["Ptarmigan choreography beside the Oresund, every second Sunday."] * 40)


def other_client() -> str:
    return (f"client:\n  name: Lena Okafor\nlink:\n  token: {OTHER_TOKEN}\n  sealed: true\n  key: {OTHER_KEY}\n"
            f"  passphrase: {PASSPHRASE}\nfocus_areas:\n  - name: Craftsmanship\n"
            "    outcome: A workshop of my own, opened in the spring.\n")


def run(project: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """The CLI, as the coach runs it in their practice."""
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=env, capture_output=True,
                          text=True, input=stdin, timeout=300)


@pytest.fixture(scope="module")
def practice(tmp_path_factory):
    """A practice with two sealed clients (one with a passphrase), built and served:
    (project, base url)."""
    project = copy_project(tmp_path_factory.mktemp("sealed-reflections") / "practice")
    (project / "clients" / EXAMPLE_CLIENT.name).write_text(sealed_example(passphrase=None), encoding="utf-8")
    (project / "clients" / "lena-okafor.yaml").write_text(other_client(), encoding="utf-8")
    for client in sorted((project / "clients").glob("*.yaml")):
        build(client, project, project / "site")
    base, stop = serve(project / "site")
    yield project, base
    stop()


def link(base: str, page: str = "", token: str = TOKEN, key: str = KEY) -> str:
    return f"{base}/{token}/{page}#{key}"


def opened(page, url: str) -> None:
    """A sealed page, decrypted and ready (not the shell's message)."""
    open_page(page, url)
    assert page.locator("#sealed").count() == 0 and page.locator(".md-content h1").count() >= 1


def says(page, name: str) -> str:
    return page.get_attribute("#coach-site-reflections", f"data-{name}")


def status(page) -> str:
    page.wait_for_function("document.querySelector('.reflections__status').textContent !== ''")
    return page.locator(".reflections__status").inner_text()


def kept(page) -> None:
    """A sealed page writes in the background: done before the page goes."""
    assert page.evaluate("() => window.coachSite.saved()")


def write_answers(page, base: str) -> None:
    """The coachee's answers, typed where the workbook asks them."""
    opened(page, link(base, "area-3.html"))
    assert page.locator(".md-content h1").inner_text().startswith("Relationships")
    field = "focus_areas|Relationships|what_has_to_happen"
    box_of(page, field).fill(ANSWERS[field])
    kept(page)
    opened(page, f"{base}/{TOKEN}/homework.html")
    box_of(page, "anything_we_missed").fill(ANSWERS["anything_we_missed"])
    kept(page)
    opened(page, f"{base}/{TOKEN}/area-1.html")
    page.locator(".review-note__open").first.click()
    page.locator(".review-note__box").first.fill(NOTE)
    kept(page)


def b64_forms(text: str) -> set[str]:
    """`text`'s UTF-8 in base64 as it shows wherever it starts in a longer run of bytes: at
    each of the three alignments, both alphabets, without the characters that depend on
    the bytes around it."""
    forms = set()
    for shift in range(3):
        coded = base64.b64encode(bytes(shift) + text.encode("utf-8")).decode("ascii")
        core = coded[4 if shift else 0: -4]
        forms |= {core, core.replace("+", "-").replace("/", "_")}
    return forms


def leaks(blob: str, secrets: list[str]) -> list[str]:
    """Each secret found in `blob`: as written in any case, or in base64 (lines joined)."""
    folded, joined = blob.casefold(), re.sub(r"\s+", "", blob)
    found = [s for s in secrets if s.casefold() in folded]
    found += [f"base64 of {s!r}" for s in secrets if any(form in joined for form in b64_forms(s))]
    return found


def what_must_not_leave(page, fields: list[str]) -> list[str]:
    """The answers typed, and each one's question and page as the workbook names them."""
    places = json.loads(says(page, "places"))
    return [*ANSWERS.values(), NOTE, *(places[f]["question"] for f in fields), *(places[f]["page"] for f in fields),
            places["focus_areas|Career|note|outcome"]["question"]]


def sealed_fields(raw: bytes) -> dict[str, str]:
    """workbook, iv and data of a sealed file, as the workbook writes them (one quoted line each)."""
    return {name: json.loads(value) for name, value in re.findall(r"(?m)^  (workbook|iv|data): (.*)$", raw.decode())}


def assert_sealed_and_unreadable(raw: bytes, secrets: list[str]) -> None:
    """A sealed file: the one comment, the sealed fields, and nothing readable, not even once
    its data is decoded from base64."""
    assert is_sealed(raw) and sealed_workbook_id(raw) == workbook_id(TOKEN)
    fields = sealed_fields(raw)
    assert len(base64.urlsafe_b64decode(fields["iv"] + "==")) == 12
    ciphertext = base64.b64decode(fields["data"], validate=True)
    assert leaks(raw.decode("utf-8"), secrets) == []
    assert leaks(ciphertext.decode("latin-1"), secrets) == []


@pytest.fixture(scope="module")
def sent(browser, practice, tmp_path_factory):
    """The coachee writes, presses Send to my coach (an email: it fits a mailto: link), says
    it went, then downloads the file: {url, body, file, secrets}."""
    project, base = practice
    folder = tmp_path_factory.mktemp("sent")
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    try:
        write_answers(page, base)
        opened(page, f"{base}/{TOKEN}/reflections.html")
        secrets = what_must_not_leave(page, list(ANSWERS))
        page.get_by_role("button", name=says(page, "send")).click()
        ask = page.get_by_role("group", name=says(page, "ask"))
        ask.wait_for(state="visible")
        (url,) = set(mailtos(page))
        ask.get_by_role("button", name=says(page, "went")).click()
        saved = downloaded(page, page.get_by_role("button", name=says(page, "download")).click, folder)
        words = {name: says(page, name) for name in ("letter-greeting", "letter-sealed", "letter-closing",
                                                     "letter-keep", "subject", "file-sealed")}
        return {"url": url, "body": body_of(url), "file": saved, "secrets": secrets, "words": words}
    finally:
        context.close()


def test_the_draft_email_says_only_that_the_reflections_are_in_it_sealed(sent):
    body, words = sent["body"].replace("\r\n", "\n"), sent["words"]
    letter = body[: body.index(words["letter-keep"])].rstrip("\n").split("\n")
    assert letter == [words["letter-greeting"], "", words["letter-sealed"].replace("{name}", "Maya"), "",
                      words["letter-closing"], "Maya"]
    assert "Robin Okafor" in letter[0] and "Maya's reflections are in this message, sealed" in letter[2]
    assert leaks(unquote(sent["url"]), sent["secrets"]) == []  # the address, the subject and the body
    assert_sealed_and_unreadable(machine_part(sent["body"]), sent["secrets"])


def test_the_downloaded_file_is_sealed_and_holds_nothing_readable(sent):
    raw = sent["file"].read_bytes()
    assert sent["file"].name.startswith("reflections-") and sent["file"].suffix == ".yaml"
    assert raw.decode().split("\n")[:2] == [f"# {sent['words']['file-sealed']}", "sealed_reflections:"]
    assert_sealed_and_unreadable(raw, sent["secrets"])
    assert sealed_fields(raw)["iv"] != sealed_fields(machine_part(sent["body"]))["iv"]  # a fresh IV each time


def coach_copy(practice, tmp_path: Path) -> Path:
    """The coach's practice as it is now (client files and .coach-site/), to change freely."""
    project, _ = practice
    copy = tmp_path / "coach"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site"))
    return copy


def assert_imported(client: Path) -> None:
    workbook = validate_client(load_client_file(client))
    relationships = next(a for a in workbook.focus_areas if a.name == "Relationships")
    career = next(a for a in workbook.focus_areas if a.name == "Career")
    assert relationships.what_has_to_happen == ANSWERS["focus_areas|Relationships|what_has_to_happen"]
    assert workbook.anything_we_missed == ANSWERS["anything_we_missed"]
    assert career.notes["outcome"] == NOTE


def test_the_coach_imports_the_sealed_email_and_file_exactly(sent, practice, tmp_path):
    for source, stdin in (("-", sent["body"]), (str(sent["file"]), None)):
        project = coach_copy(practice, tmp_path / source.replace("/", "_"))
        client = project / "clients" / EXAMPLE_CLIENT.name
        before = client.read_text(encoding="utf-8")
        result = run(project, "import-reflections", f"clients/{client.name}", source, stdin=stdin)
        assert result.returncode == 0, result.stderr
        assert_imported(client)
        added = set(client.read_text(encoding="utf-8").splitlines()) - set(before.splitlines())
        assert any(ANSWERS["anything_we_missed"] in line for line in added)


def test_after_rotate_a_file_sealed_with_the_old_key_still_imports(sent, practice, tmp_path):
    project = coach_copy(practice, tmp_path)
    client = project / "clients" / EXAMPLE_CLIENT.name
    rotated = run(project, "rotate", f"clients/{client.name}")
    assert rotated.returncode == 0, rotated.stderr
    link_now = validate_client(load_client_file(client)).link
    assert link_now.token != TOKEN and link_now.key != KEY and link_now.previous_tokens == [TOKEN]
    kept = project / ".coach-site" / "previous-keys.json"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert KEY not in kept.read_text(encoding="utf-8")  # what opens reflections only, not the link's key
    assert not list((project / "site").rglob("previous-keys.json"))

    result = run(project, "import-reflections", f"clients/{client.name}", str(sent["file"]))
    assert result.returncode == 0, result.stderr
    assert_imported(client)

    # Without the key kept of the old link, the same file does not open: said, nothing changed.
    again = coach_copy(practice, tmp_path / "forgotten")
    client = again / "clients" / EXAMPLE_CLIENT.name
    assert run(again, "rotate", f"clients/{client.name}").returncode == 0
    (again / ".coach-site" / "previous-keys.json").unlink()
    before = client.read_bytes()
    result = run(again, "import-reflections", f"clients/{client.name}", str(sent["file"]))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot be opened with this client's keys" in result.stderr, result.stderr
    assert client.read_bytes() == before


def load(page, path: Path) -> str:
    """Load a reflections file on My reflections; what the page says of it."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=says(page, "load")).click()
    chooser.value.set_files(str(path))
    return status(page)


def test_a_sealed_file_restores_the_answers_on_a_fresh_browser_of_the_same_workbook(browser, sent, practice):
    _, base = practice
    context = browser.new_context()
    page = context.new_page()
    try:
        opened(page, link(base, "reflections.html"))
        assert ("Your workbook is sealed, and so is what you send or download from it: only Robin Okafor can open it."
                in page.locator("article").inner_text())
        said = load(page, sent["file"])
        assert said.startswith("Loaded from the file: 3 answers"), said
        listing = page.locator("#coach-site-reflections").inner_text()
        assert all(text in listing for text in [*ANSWERS.values(), NOTE])
        opened(page, f"{base}/{TOKEN}/area-3.html")
        assert box_of(page, "focus_areas|Relationships|what_has_to_happen").input_value() == \
            ANSWERS["focus_areas|Relationships|what_has_to_happen"]
        opened(page, f"{base}/{TOKEN}/homework.html")
        assert box_of(page, "anything_we_missed").input_value() == ANSWERS["anything_we_missed"]
    finally:
        context.close()


def test_a_sealed_file_changed_on_the_way_does_not_load(browser, sent, practice, tmp_path):
    _, base = practice
    raw = sent["file"].read_text(encoding="utf-8")
    data = sealed_fields(raw.encode())["data"]
    flipped = ("B" if data[10] == "A" else "A").join([data[:10], data[11:]])
    changed = tmp_path / "changed.yaml"
    changed.write_text(raw.replace(data, flipped), encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    try:
        opened(page, link(base, "reflections.html"))
        assert load(page, changed) == says(page, "not-opened")
        assert says(page, "not-opened").startswith("This sealed file does not open in this workbook")
        assert page.locator(".reflections__empty").count() == 1  # nothing loaded
    finally:
        context.close()


def test_a_passphrase_workbooks_file_imports_and_is_refused_by_another_workbook(browser, practice, tmp_path):
    project, base = practice
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        open_page(page, link(base, token=OTHER_TOKEN, key=OTHER_KEY))
        page.get_by_label("Your workbook's passphrase (your coach gave it to you)").fill(PASSPHRASE)
        page.get_by_role("button", name="Open my workbook").click()
        page.wait_for_selector(".md-content h1", timeout=15_000)
        opened(page, f"{base}/{OTHER_TOKEN}/area-1.html")
        box_of(page, "focus_areas|Craftsmanship|why_it_matters").fill("Sawdust is my meditation")
        kept(page)
        opened(page, f"{base}/{OTHER_TOKEN}/reflections.html")
        theirs = downloaded(page, page.get_by_role("button", name=says(page, "download")).click, tmp_path)
    finally:
        context.close()
    raw = theirs.read_bytes()
    assert sealed_workbook_id(raw) == workbook_id(OTHER_TOKEN) and b"Sawdust" not in raw

    # Maya's workbook refuses it, with its words.
    context = browser.new_context()
    page = context.new_page()
    try:
        opened(page, link(base, "reflections.html"))
        assert load(page, theirs) == says(page, "other-workbook")
        assert page.locator(".reflections__empty").count() == 1
    finally:
        context.close()

    # The coach: into Lena's file, opened with her key and passphrase; Maya's file refuses it.
    coach = coach_copy(practice, tmp_path / "coach")
    result = run(coach, "import-reflections", "clients/lena-okafor.yaml", str(theirs))
    assert result.returncode == 0, result.stderr
    lena = validate_client(load_client_file(coach / "clients" / "lena-okafor.yaml"))
    assert lena.focus_areas[0].why_it_matters == "Sawdust is my meditation"
    maya = coach / "clients" / EXAMPLE_CLIENT.name
    before = maya.read_bytes()
    result = run(coach, "import-reflections", f"clients/{maya.name}", str(theirs))
    assert result.returncode == 1 and "come from another workbook" in result.stderr and "Traceback" not in result.stderr
    assert maya.read_bytes() == before


def test_a_message_too_long_for_an_email_goes_as_a_sealed_file(browser, practice, tmp_path):
    _, base = practice
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    try:
        opened(page, link(base, "area-3.html"))
        box_of(page, "focus_areas|Relationships|barriers").fill(LONG)
        kept(page)
        opened(page, f"{base}/{TOKEN}/reflections.html")
        saved = downloaded(page, page.get_by_role("button", name=says(page, "send")).click, tmp_path)
        assert status(page) == says(page, "saved-attach").replace("{file}", saved.name)
        (url,) = set(mailtos(page))
        places = json.loads(says(page, "places"))
        secrets = [LONG[:60], LONG[-60:], places["focus_areas|Relationships|barriers"]["question"]]
    finally:
        context.close()
    assert len(url) <= 2000 and saved.name in body_of(url)
    assert leaks(unquote(url), secrets) == []
    assert_sealed_and_unreadable(saved.read_bytes(), secrets)


def test_a_device_whose_kept_keys_cannot_seal_sends_nothing_until_the_link_renews_them(browser, practice):
    """A vault an earlier version remembered has no reflections key: nothing is sent (never
    the words unsealed), the page says what to do, and opening the link renews the vault."""
    _, base = practice
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    try:
        opened(page, link(base, "area-3.html"))
        box_of(page, "focus_areas|Relationships|barriers").fill("Kept under an older key")
        kept(page)
        page.evaluate("""() => new Promise((ok, no) => {
            const asked = indexedDB.open("coach-site");
            asked.onerror = no;
            asked.onsuccess = () => {
              const store = asked.result.transaction("keys", "readwrite").objectStore("keys");
              store.openCursor().onsuccess = (event) => {
                const cursor = event.target.result;
                if (!cursor) return ok();
                const record = cursor.value;
                if (record.vault) { delete record.vault.reflections; cursor.update(record); }
                cursor.continue();
              };
            };
        })""")
        opened(page, f"{base}/{TOKEN}/reflections.html")  # no key in the link: the kept vault opens it
        page.get_by_role("button", name=says(page, "send")).click()
        assert status(page) == says(page, "not-sealed")
        page.get_by_role("button", name=says(page, "download")).click()
        page.evaluate("() => new Promise(resolve => setTimeout(resolve, 100))")
        assert mailtos(page) == [] and downloads == []
        assert not page.get_by_role("group", name=says(page, "ask")).is_visible()

        opened(page, link(base))  # the link with the key, as the email opens it: the vault is made anew
        opened(page, f"{base}/{TOKEN}/reflections.html")
        page.get_by_role("button", name=says(page, "send")).click()
        page.get_by_role("group", name=says(page, "ask")).wait_for(state="visible")
        assert is_sealed(machine_part(body_of(mailtos(page)[-1])))
    finally:
        context.close()
