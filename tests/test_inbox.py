"""The coach's inbox: every reflection from every client, into the right file, once, committed.

The mails are made from real workbook output: two workbooks built and opened in Chromium,
answers typed, "Send to my coach" pressed; the draft the workbook wrote (its mailto: body)
and the file it downloads are what the mails carry. They are read from a real Maildir and
mbox (Python's `mailbox`) and from a real IMAP server over TLS (dovecot on 127.0.0.1, see
imap_server.py), by `coach-site inbox` run as a coach runs it.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import json
import mailbox
import os
import pty
import re
import shutil
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLIENT, REPO, build, copy_project, open_page, serve
from imap_server import PASSWORD, USER, start_imap_server
from test_browser_sealed_reflections import b64_forms
from test_browser_sending import BEGIN, END, body_of, box_of, downloaded, mailtos, reflections_says

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client

MAYA_TOKEN = "UDA4ZLKm-ofx5xC6qIoCDw"
PRIYA_TOKEN = "Pn7Kq2Xv9LmR4tWz8BcY3d"
PRIYA_KEY = "Hq4Zt8Mv1Xc6Bn3Lw9Rk2Pj7Ys5Df0Ga-Ue_oTi3Mkq"  # Priya's workbook is sealed
PRIYA = f"""\
client:
  name: Priya Natarajan
  email: priya.natarajan@example.org
link:
  token: {PRIYA_TOKEN}
  sealed: true
  key: {PRIYA_KEY}
sessions:
  strategy: 2026-11-30
focus_areas:
  - name: Career
    outcome: Lead the platform team by the summer.
  - name: Health
homework:
  due: 2026-12-14
"""
# What the coachees type in their workbooks: words found nowhere else.
MAYA_SITTER = "Book a sitter every second Friday, and keep it"
MAYA_MISSED = "My creative side: painting on Sundays"
PRIYA_HEALTH = "Swim twice a week before work, all winter"
SECONDS = 120


def run(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1", "COLUMNS": "120",
                   "XDG_CACHE_HOME": str(project / ".cache"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=environment,
                          capture_output=True, text=True, timeout=SECONDS, stdin=subprocess.DEVNULL)


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout


# ---- Real workbook output ------------------------------------------------------------------

def _sent_from_workbook(browser, base: str, fill: dict[str, tuple[str, str]], tmp: Path,
                        key: str | None = None) -> tuple[str, bytes]:
    """Answers typed into a real workbook, then "Send to my coach": (the draft's body, the file it
    downloads). A sealed workbook is opened from its link (`key`) first, as the coachee does."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    try:
        if key:
            open_page(page, f"{base}/#{key}")
        for field, (page_name, text) in fill.items():
            open_page(page, f"{base}/{page_name}")
            box_of(page, field).fill(text)
            assert page.evaluate("() => window.coachSite.saved()")  # a sealed page writes in the background
        open_page(page, f"{base}/reflections.html")
        page.get_by_role("button", name=reflections_says(page, "send")).click()
        (url,) = set(mailtos(page))
        saved = downloaded(page, page.get_by_role("button", name=reflections_says(page, "download")).click, tmp)
        return body_of(url), saved.read_bytes()
    finally:
        context.close()


@pytest.fixture(scope="module")
def workbook_output(browser, tmp_path_factory):
    """What two coachees' workbooks wrote: {name: (draft body, reflections file)}."""
    root = tmp_path_factory.mktemp("inbox-workbooks")
    priya = root / "priya-natarajan.yaml"
    priya.write_text(PRIYA, encoding="utf-8")
    output = {}
    for name, client, fill, key in (
        ("maya", EXAMPLE_CLIENT, {"focus_areas|Relationships|what_has_to_happen": ("area-relationships.html", MAYA_SITTER),
                                  "anything_we_missed": ("homework.html", MAYA_MISSED)}, None),
        ("priya", priya, {"focus_areas|Health|outcome": ("area-2.html", PRIYA_HEALTH)}, PRIYA_KEY),
    ):
        base, stop = serve(build(client, REPO, root / f"{name}-site").site)
        try:
            output[name] = _sent_from_workbook(browser, base, fill, root, key)
        finally:
            stop()
    return output


# ---- Mails as mail programs send them ------------------------------------------------------

_NUMBER = iter(range(1, 10_000))


def mail_of(body: str, *, sender: str, subject: str, date: str, attachment: bytes | None = None,
            attachment_name: str = "reflections.yaml", html: bool = False, message_id: bool = True) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Robin Okafor <robin@okafor-practice.net>"
    message["Subject"] = subject
    message["Date"] = date
    if message_id:
        message["Message-ID"] = f"<inbox-test-{next(_NUMBER)}@example.org>"
    message.set_content(body, subtype="html" if html else "plain", cte="quoted-printable")
    if attachment is not None:
        message.add_attachment(attachment, maintype="application", subtype="x-yaml", filename=attachment_name)
    return bytes(message)


def with_token(draft: str, old: str, new: str) -> str:
    """The draft with its machine part re-made for another token (a workbook no client has)."""
    lines = draft.replace("\r\n", "\n").split("\n")
    start, end = lines.index(BEGIN), lines.index(END)
    file = base64.b64decode("".join(lines[start + 1: end])).decode("utf-8").replace(old, new)
    coded = base64.b64encode(file.encode("utf-8")).decode("ascii")
    return "\n".join(lines[: start + 1] + re.findall(".{1,64}", coded) + lines[end:])


NEWSLETTER = mail_of("<html><body><h1>Winter offers</h1><p>link: our shop</p></body></html>",
                     sender="Shop <news@shop.example.com>", subject="Winter offers", html=True,
                     date="Mon, 30 Nov 2026 08:00:00 +0000")


@pytest.fixture(scope="module")
def mails(workbook_output) -> dict[str, bytes]:
    maya_draft, _ = workbook_output["maya"]
    _, priya_file = workbook_output["priya"]
    return {
        "maya": mail_of(maya_draft, sender="Maya Lindqvist <maya.lindqvist@example.org>",
                        subject="Reflections from Maya Lindqvist", date="Sat, 05 Dec 2026 19:12:00 +0100"),
        "priya": mail_of("Hi Robin,\n\nMy reflections are attached.\n\nPriya\n", attachment=priya_file,
                         sender="Priya Natarajan <priya.natarajan@example.org>",
                         subject="Reflections from Priya Natarajan", date="Sun, 06 Dec 2026 07:45:00 -0500"),
        "newsletter": NEWSLETTER,
        "stranger": mail_of(with_token(maya_draft, MAYA_TOKEN, "Zz9Yy8Xx7Ww6Vv5Uu4Tt3S"),
                            sender="Someone <someone@example.net>", subject="My reflections",
                            date="Fri, 04 Dec 2026 10:00:00 +0000"),
    }


@pytest.fixture
def practice(tmp_path) -> Path:
    """A practice in git with two clients, Maya (the example) and Priya, everything committed."""
    root = copy_project(tmp_path / "practice")
    shutil.copy(EXAMPLE_CLIENT, root / "clients" / "maya-lindqvist.yaml")
    (root / "clients" / "priya-natarajan.yaml").write_text(PRIYA, encoding="utf-8")
    git(root, "init", "--quiet")
    git(root, "config", "user.name", "Robin Okafor")
    git(root, "config", "user.email", "robin@okafor-practice.net")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "The practice")
    return root


def maildir_of(folder: Path, *mails: bytes) -> Path:
    box = mailbox.Maildir(folder, create=True)
    for mail in mails:
        box.add(mail)
    box.close()
    return folder


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under a folder by its path, and its bytes: what a mailbox holds, exactly."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def client(practice: Path, name: str):
    return validate_client(load_client_file(practice / "clients" / f"{name}.yaml"))


def commits(practice: Path) -> list[str]:
    return git(practice, "log", "--format=%s").splitlines()


def assert_both_imported(practice: Path) -> None:
    maya, priya = client(practice, "maya-lindqvist"), client(practice, "priya-natarajan")
    relationships = next(area for area in maya.focus_areas if area.name == "Relationships")
    assert relationships.what_has_to_happen == MAYA_SITTER
    assert maya.anything_we_missed == MAYA_MISSED
    assert next(area for area in priya.focus_areas if area.name == "Health").outcome == PRIYA_HEALTH


# ---- A Maildir and an mbox -------------------------------------------------------------------

def test_the_sealed_clients_mail_holds_none_of_her_words(workbook_output, mails):
    draft, file = workbook_output["priya"]
    sealed_mail = mail_of(draft, sender="Priya <priya.natarajan@example.org>", subject="Reflections",
                          date="Sun, 06 Dec 2026 08:00:00 -0500")
    for raw in (mails["priya"], sealed_mail, file):
        for words in (PRIYA_HEALTH, "Swim twice", "all winter"):
            assert not any(form in raw.decode("ascii", "replace") for form in b64_forms(words) | {words}), words
            assert words.lower().encode() not in raw.lower()


def test_a_sealed_draft_in_the_mail_text_imports_too(practice, workbook_output, tmp_path):
    draft, _ = workbook_output["priya"]
    sealed_mail = mail_of(draft, sender="Priya <priya.natarajan@example.org>", subject="Reflections",
                          date="Sun, 06 Dec 2026 08:00:00 -0500")
    result = run(practice, "inbox", str(maildir_of(tmp_path / "Mail", sealed_mail)))
    assert result.returncode == 0, result.stderr
    assert client(practice, "priya-natarajan").focus_areas[1].outcome == PRIYA_HEALTH
    assert re.search(r"Priya Natarajan\s+1\s+1 answer\b", result.stdout), result.stdout

def test_one_run_brings_each_clients_reflections_into_their_file_in_one_commit_each(practice, mails, tmp_path):
    box = maildir_of(tmp_path / "Mail", mails["newsletter"], mails["priya"], mails["stranger"], mails["maya"])
    before = files_of(box)
    result = run(practice, "inbox", str(box))
    assert result.returncode == 0, result.stderr
    assert_both_imported(practice)

    # One commit per client, holding that client's file only, named as the coach reads it.
    subjects = commits(practice)
    assert len(subjects) == 3
    assert {s.rsplit(", ", 1)[0] for s in subjects[:2]} == {"Reflections from Maya Lindqvist",
                                                            "Reflections from Priya Natarajan"}
    for number in (0, 1):
        changed = git(practice, "show", "--name-only", "--format=", f"HEAD~{number}").split()
        assert len(changed) == 1 and changed[0].startswith("clients/")
    assert git(practice, "status", "--porcelain") == ""

    # The table: each client, its mail, what came in; the stranger's mail listed with its reason.
    out = result.stdout + result.stderr
    assert re.search(r"Maya Lindqvist\s+1\s+2 answers", out), out
    assert re.search(r"Priya Natarajan\s+1\s+1 answer\b", out), out
    assert "Someone <someone@example.net>" in out and "is no client's" in out
    assert "1 other mail is not reflections" in out and "Winter offers" not in out
    # The mailbox holds every mail, unchanged (not even marked read).
    assert files_of(box) == before


def test_a_second_run_imports_nothing_and_commits_nothing(practice, mails, tmp_path):
    box = maildir_of(tmp_path / "Mail", mails["maya"], mails["priya"], mails["newsletter"])
    assert run(practice, "inbox", str(box)).returncode == 0
    head, files = git(practice, "rev-parse", "HEAD"), files_of(practice / "clients")
    again = run(practice, "inbox", str(box))
    assert again.returncode == 0, again.stderr
    assert git(practice, "rev-parse", "HEAD") == head and files_of(practice / "clients") == files
    assert "No new reflections." in again.stderr and "3 mails were read before" in again.stderr


def test_an_mbox_file_is_read_and_left_exactly_as_it_was(practice, mails, tmp_path):
    path = tmp_path / "coaching.mbox"
    box = mailbox.mbox(path, create=True)
    for mail in (mails["maya"], mails["newsletter"], mails["priya"]):
        box.add(mail)
    box.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run(practice, "inbox", str(path))
    assert result.returncode == 0, result.stderr
    assert_both_imported(practice)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_the_latest_mail_wins_whatever_order_the_mailbox_keeps(practice, workbook_output, tmp_path):
    draft, _ = workbook_output["maya"]
    later = draft.replace(MAYA_MISSED, "Music, too")  # the letter; the machine part says it exactly:
    later = with_token(later, MAYA_MISSED, "Music, too")
    older = mail_of(draft, sender="Maya <maya.lindqvist@example.org>", subject="Reflections",
                    date="Tue, 01 Dec 2026 09:00:00 +0000")
    newer = mail_of(later, sender="Maya <maya.lindqvist@example.org>", subject="Reflections again",
                    date="Thu, 03 Dec 2026 09:00:00 +0000")
    path = tmp_path / "coaching.mbox"  # an mbox keeps its order: the newer mail first
    box = mailbox.mbox(path, create=True)
    box.add(newer)
    box.add(older)
    box.close()
    result = run(practice, "inbox", str(path))
    assert result.returncode == 0, result.stderr
    assert client(practice, "maya-lindqvist").anything_we_missed == "Music, too"
    assert re.search(r"Maya Lindqvist\s+2\s", result.stdout), result.stdout
    assert len(commits(practice)) == 2  # both mails, one commit


def test_a_dry_run_shows_the_diff_and_writes_commits_and_records_nothing(practice, mails, tmp_path):
    box = maildir_of(tmp_path / "Mail", mails["maya"])
    before, head = files_of(practice / "clients"), git(practice, "rev-parse", "HEAD")
    result = run(practice, "inbox", str(box), "--dry-run")
    assert result.returncode == 0, result.stderr
    added = [line for line in result.stdout.splitlines() if line.startswith("+anything_we_missed:")]
    assert len(added) == 1 and MAYA_MISSED in added[0], result.stdout
    assert result.stdout.startswith("--- clients/maya-lindqvist.yaml\n")
    assert files_of(practice / "clients") == before and git(practice, "rev-parse", "HEAD") == head
    assert not (practice / ".coach-site" / "inbox.json").exists()
    assert run(practice, "inbox", str(box)).returncode == 0  # and then, for real, it is all there to import
    assert client(practice, "maya-lindqvist").anything_we_missed == MAYA_MISSED


def test_a_client_file_with_uncommitted_edits_is_left_alone_and_said(practice, mails, tmp_path):
    maya = practice / "clients" / "maya-lindqvist.yaml"
    maya.write_text(maya.read_text(encoding="utf-8") + "# a thought of the coach's\n", encoding="utf-8")
    edited = maya.read_bytes()
    box = maildir_of(tmp_path / "Mail", mails["maya"], mails["priya"])
    result = run(practice, "inbox", str(box))
    assert result.returncode == 1
    assert "clients/maya-lindqvist.yaml has changes not yet committed" in result.stderr
    assert maya.read_bytes() == edited  # nothing of the coach's edit lost, nothing imported over it
    assert client(practice, "priya-natarajan").focus_areas[1].outcome == PRIYA_HEALTH  # the other client is
    assert len(commits(practice)) == 2
    git(practice, "commit", "--quiet", "-am", "My thought")
    again = run(practice, "inbox", str(box))  # Maya's mail was not recorded: it comes in now
    assert again.returncode == 0, again.stderr
    assert client(practice, "maya-lindqvist").anything_we_missed == MAYA_MISSED


def test_a_conflict_is_left_for_the_coach_with_the_command_that_takes_it(practice, mails, tmp_path):
    maya = practice / "clients" / "maya-lindqvist.yaml"
    text = maya.read_text(encoding="utf-8").replace("homework:\n", "anything_we_missed: The coach's own note\nhomework:\n", 1)
    maya.write_text(text, encoding="utf-8")
    git(practice, "commit", "--quiet", "-am", "A note")
    result = run(practice, "inbox", str(maildir_of(tmp_path / "Mail", mails["maya"])))
    assert result.returncode == 0, result.stderr
    assert client(practice, "maya-lindqvist").anything_we_missed == "The coach's own note"
    (line,) = [line for line in result.stderr.splitlines() if "conflict" in line]
    command = line.split("To take theirs: ", 1)[1]
    kept = Path(practice / command.split()[3])
    assert kept.is_file() and kept.stat().st_mode & 0o777 == 0o600 and ".coach-site" in kept.parts
    assert git(practice, "status", "--porcelain", "--ignored", ".coach-site").startswith("!!")  # never committed
    taken = subprocess.run(command, shell=True, cwd=practice, capture_output=True, text=True,
                           env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(practice),
                                "NO_COLOR": "1"})
    assert taken.returncode == 0, taken.stderr
    assert client(practice, "maya-lindqvist").anything_we_missed == MAYA_MISSED


# ---- IMAP ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def imap():
    server, stop = start_imap_server()
    yield server
    stop()


def imap_env(server) -> dict:
    return {"COACH_SITE_IMAP_PASSWORD": PASSWORD, "SSL_CERT_FILE": str(server.certificate)}


def test_over_imaps_every_reflection_comes_in_and_the_mailbox_keeps_every_mail_unread(practice, mails, imap):
    imap.clear()
    imap.deliver(mails["maya"], mails["newsletter"], mails["priya"], mails["stranger"])
    address = f"imaps://{USER}@127.0.0.1:{imap.imaps_port}/INBOX"
    result = run(practice, "inbox", address, env=imap_env(imap))
    assert result.returncode == 0, result.stderr
    assert_both_imported(practice)
    flags = imap.flags()
    assert len(flags) == 4 and not any("\\Seen" in f for f in flags.values()), flags
    # The password is nowhere: not said, not in the record, not in git.
    said = result.stdout + result.stderr
    assert PASSWORD not in said
    for path in practice.rglob("*"):
        if path.is_file() and ".git" not in path.parts[len(practice.parts):][:1]:
            assert PASSWORD.encode() not in path.read_bytes(), path
    assert PASSWORD not in git(practice, "log", "-p", "--all")

    again = run(practice, "inbox", address, env=imap_env(imap))
    assert again.returncode == 0 and "3 mails were read before" in again.stderr
    assert "Someone <someone@example.net>" in again.stderr  # not placed: said again until dealt with
    assert len(commits(practice)) == 3


def test_mark_read_marks_only_the_mails_whose_reflections_came_in(practice, mails, imap):
    imap.clear()
    imap.deliver(mails["maya"], mails["newsletter"], mails["stranger"])
    result = run(practice, "inbox", f"imaps://{USER}@127.0.0.1:{imap.imaps_port}/INBOX", "--mark-read",
                 env=imap_env(imap))
    assert result.returncode == 0, result.stderr
    seen = {mid for mid, f in imap.flags().items() if "\\Seen" in f}
    maya_id = email.message_from_bytes(mails["maya"])["Message-ID"]
    assert seen == {maya_id}


def test_plain_imap_is_for_this_computer_only(practice, mails, imap):
    imap.clear()
    imap.deliver(mails["priya"])
    local = run(practice, "inbox", f"imap://{USER}@127.0.0.1:{imap.imap_port}/INBOX", env=imap_env(imap))
    assert local.returncode == 0, local.stderr
    assert client(practice, "priya-natarajan").focus_areas[1].outcome == PRIYA_HEALTH
    refused = run(practice, "inbox", "imap://coach@mail.example.com/INBOX", env=imap_env(imap))
    assert refused.returncode == 1 and "unencrypted" in refused.stderr and "imaps://" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_wrong_password_and_a_missing_folder_are_said_in_plain_words(practice, imap):
    address = f"imaps://{USER}@127.0.0.1:{imap.imaps_port}"
    wrong = run(practice, "inbox", f"{address}/INBOX", env={**imap_env(imap), "COACH_SITE_IMAP_PASSWORD": "nope"})
    assert wrong.returncode == 1 and "did not accept the password" in wrong.stderr and "app password" in wrong.stderr
    missing = run(practice, "inbox", f"{address}/Coaching", env=imap_env(imap))
    assert missing.returncode == 1 and 'no folder "Coaching"' in missing.stderr and "INBOX" in missing.stderr
    untrusted = run(practice, "inbox", f"{address}/INBOX", env={"COACH_SITE_IMAP_PASSWORD": PASSWORD})
    assert untrusted.returncode == 1 and "certificate could not be checked" in untrusted.stderr
    for result in (wrong, missing, untrusted):
        assert "Traceback" not in result.stderr and PASSWORD not in result.stderr


def test_without_a_password_and_no_terminal_it_says_where_one_comes_from(practice, imap):
    result = run(practice, "inbox", f"imaps://{USER}@127.0.0.1:{imap.imaps_port}/INBOX",
                 env={"SSL_CERT_FILE": str(imap.certificate)})
    assert result.returncode == 1 and "COACH_SITE_IMAP_PASSWORD" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("source", "said"), [
    ("nowhere", "there is no such folder or file"),
    (".", "is not a Maildir"),
    ("pop3://coach@mail.example.com", "imaps://"),
    ("imaps://mail.example.com/INBOX", "name the mail account"),
    ("imaps://coach:hunter2@mail.example.com/INBOX", "password written in the address"),
])
def test_a_source_that_is_no_mailbox_is_said_in_plain_words(practice, source, said):
    result = run(practice, "inbox", source)
    assert result.returncode == 1 and said in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr


def keychain_env(server, keychain: Path) -> dict:
    return {"SSL_CERT_FILE": str(server.certificate), "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
            "PYTHONPATH": str(Path(__file__).parent), "COACH_SITE_TEST_KEYRING": str(keychain)}


def test_a_password_typed_once_with_save_password_comes_from_the_keychain_next_time(practice, mails, imap, tmp_path):
    imap.clear()
    imap.deliver(mails["priya"])
    address = f"imaps://{USER}@127.0.0.1:{imap.imaps_port}/INBOX"
    keychain = tmp_path / "keychain.json"
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(practice), "NO_COLOR": "1",
                   "XDG_CACHE_HOME": str(practice / ".cache"), **keychain_env(imap, keychain)}
    # Typed on a terminal (a pseudo-terminal of its own, in a session of its own: no other terminal is asked).
    controller, terminal = pty.openpty()
    typed = subprocess.Popen([sys.executable, "-m", "coach_site", "inbox", address, "--save-password"], cwd=practice,
                             env=environment, stdin=terminal, stdout=subprocess.PIPE, stderr=terminal,
                             start_new_session=True)
    os.close(terminal)
    said = b""
    while b"Password for" not in said:
        said += os.read(controller, 1024)
    os.write(controller, PASSWORD.encode() + b"\n")
    out, _ = typed.communicate(timeout=SECONDS)
    while True:  # the rest of what it said on the terminal, until it closed it
        try:
            chunk = os.read(controller, 1024)
        except OSError:
            break
        if not chunk:
            break
        said += chunk
    os.close(controller)
    assert typed.returncode == 0, said.decode()
    assert PASSWORD.encode() not in out + said  # not echoed, not said
    assert client(practice, "priya-natarajan").focus_areas[1].outcome == PRIYA_HEALTH
    assert json.loads(keychain.read_text()) == {f"coach-site\n{USER}@127.0.0.1": PASSWORD}
    # The next run, without a terminal and without the variable, takes it from the keychain.
    imap.deliver(mails["maya"])
    again = run(practice, "inbox", address, env=keychain_env(imap, keychain))
    assert again.returncode == 0, again.stderr
    assert client(practice, "maya-lindqvist").anything_we_missed == MAYA_MISSED


def test_a_mail_from_an_earlier_link_finds_its_client_and_odd_mails_are_said_with_their_reason(
        practice, mails, workbook_output, tmp_path):
    maya = practice / "clients" / "maya-lindqvist.yaml"  # rotated: the mail's token is an earlier one now
    maya.write_text(maya.read_text(encoding="utf-8").replace(
        f"token: {MAYA_TOKEN}", f"token: Mx4Rt8Wq2Zp6Lk9Hc3Vb7N\n  previous_tokens: [{MAYA_TOKEN}]"), encoding="utf-8")
    git(practice, "commit", "--quiet", "-am", "Rotated")
    draft, _ = workbook_output["maya"]
    changed = draft.replace(END, "not base64 at all!\n" + END)
    damaged = mail_of(changed, sender="Maya <maya.lindqvist@example.org>", subject="Damaged",
                      date="Wed, 02 Dec 2026 09:00:00 +0000")
    tokenless = mail_of("Hi,\n\nlink:\n  nothing: here\nanything_we_missed: hello\n", sender="Ann <ann@example.net>",
                        subject="No token", date="Wed, 02 Dec 2026 10:00:00 +0000")
    (practice / "notes.txt").write_text("the coach's own, staged\n", encoding="utf-8")
    git(practice, "add", "notes.txt")
    result = run(practice, "inbox", str(maildir_of(tmp_path / "Mail", mails["maya"], damaged, tokenless)))
    assert result.returncode == 0, result.stderr
    assert client(practice, "maya-lindqvist").anything_we_missed == MAYA_MISSED
    assert git(practice, "show", "--name-only", "--format=", "HEAD").split() == ["clients/maya-lindqvist.yaml"]
    assert git(practice, "status", "--porcelain").strip() == "A  notes.txt"  # staged, and left staged
    said = result.stderr
    assert re.search(r'"Damaged": .*changed on the way', said), said
    assert re.search(r'"No token": .*no token', said), said


def test_mark_read_in_a_maildir_marks_the_imported_mail_read_and_leaves_the_others(practice, mails, tmp_path):
    box = maildir_of(tmp_path / "Mail", mails["maya"], mails["newsletter"])
    newsletter = next(p for p in (box / "new").iterdir() if b"Winter offers" in p.read_bytes())
    result = run(practice, "inbox", str(box), "--mark-read")
    assert result.returncode == 0, result.stderr
    (read,) = [p for p in (box / "cur").iterdir()]
    assert read.name.endswith(":2,S") and b"maya.lindqvist" in read.read_bytes()
    assert newsletter.exists()  # untouched, still new
