"""Sealed reflections on the coach's side: the key derived as the browser derives it (HKDF
of the content key, checked against HMAC written out by hand), the file read and opened, and
every way it can fail (a wrong key, data changed, cut short or not base64, another
workbook) said in plain words by the CLI, with no traceback, a non-zero exit and the client
file unchanged; the keys an import tries (the link's, with and without its passphrase, then
those `rotate` kept in `.coach-site/previous-keys.json`, written for the user only).
(In a real browser, with the file the workbook writes: test_browser_sealed_reflections.py.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import copy_project
from test_sealed import KEY, PASSPHRASE

from coach_site.clientfile.keys import content_key
from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.sealed_reflections import (
    is_sealed,
    reflections_key,
    seal,
    sealed_workbook_id,
    unseal,
    workbook_id,
)
from coach_site.clientfile.validate import validate_client
from coach_site.errors import ClientFileError
from coach_site.project_loader import load_project
from coach_site.workbook.previous_keys import PreviousKeys, reflection_keys

TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"
OTHER_KEY = "Zr8Kp3Wm6Qx1Vb9Nt4Ly7Hc2Jd5Fs0Ga-Ue_oTi3Mkw"
ANSWER = "Lead a small team of makers"
REFLECTIONS = f'link:\n  token: "{TOKEN}"\nfocus_areas:\n  - name: "Career"\n    outcome: "{ANSWER}"\n'.encode()


def sealed_client(passphrase: str | None = None, key: str = KEY) -> str:
    return (f"client:\n  name: Ada Example\nlink:\n  token: {TOKEN}\n  sealed: true\n  key: {key}\n"
            + (f"  passphrase: {passphrase}\n" if passphrase else "") + "focus_areas:\n  - name: Career\n")


def run(project: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=env, capture_output=True,
                          text=True, input=stdin, timeout=300)


def sealed_file(key: bytes | None = None, token: str = TOKEN, plain: bytes = REFLECTIONS) -> bytes:
    return seal(plain, key or reflections_key(KEY), workbook_id(token))


def hkdf_by_hand(content: bytes, info: bytes) -> bytes:
    """RFC 5869 with SHA-256, 32 bytes, a salt of 32 zero bytes: one block of expand."""
    prk = hmac.new(bytes(32), content, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


# ---- The key and the file --------------------------------------------------------------

def test_the_key_is_hkdf_of_the_content_key_as_the_browser_derives_it():
    raw = base64.urlsafe_b64decode(KEY + "=")
    assert reflections_key(KEY) == hkdf_by_hand(raw, b"coach-site reflections")
    with_passphrase = hashlib.pbkdf2_hmac("sha256", PASSPHRASE.encode(), raw, 600_000, 32)
    assert content_key(KEY, PASSPHRASE) == with_passphrase
    assert reflections_key(KEY, PASSPHRASE) == hkdf_by_hand(with_passphrase, b"coach-site reflections")
    assert reflections_key(KEY) not in (raw, with_passphrase)  # opens reflections only, never the pages


def test_the_workbook_is_the_hash_the_pages_name_the_token_by(tmp_path):
    client = tmp_path / "x.yaml"
    client.write_text(sealed_client(), encoding="utf-8")
    workbook = validate_client(load_client_file(client))
    assert workbook_id(TOKEN) == hashlib.sha256(TOKEN.encode()).hexdigest()[:16]
    assert workbook_id(TOKEN) in workbook.link.legacy_browser_keys


def test_a_sealed_file_opens_with_the_first_key_that_fits_and_names_its_workbook():
    raw = sealed_file()
    assert is_sealed(raw) and sealed_workbook_id(raw) == workbook_id(TOKEN)
    assert ANSWER.encode() not in raw
    assert unseal(raw, [reflections_key(OTHER_KEY), reflections_key(KEY)], Path("r.yaml")) == REFLECTIONS
    assert sealed_file() != raw  # a fresh IV each time


def test_data_written_over_several_lines_still_opens():
    raw = sealed_file().decode()
    data = raw.split('data: "')[1].split('"')[0]
    lines = [data[i:i + 40] for i in range(0, len(data), 40)]
    folded = raw.replace(f'data: "{data}"', "data: >-\n    " + "\n    ".join(lines))
    assert unseal(folded.encode(), [reflections_key(KEY)], Path("r.yaml")) == REFLECTIONS


@pytest.mark.parametrize("raw", [REFLECTIONS, b"", b"\xff\xfe", b"sealed_reflections: 3\n",
                                 b"# a comment\nsealed_reflections:\n  workbook: nothex\n", b"- a\n- list\n"])
def test_bytes_that_are_not_a_sealed_file_name_no_workbook(raw):
    assert sealed_workbook_id(raw) is None


def test_the_additional_data_binds_the_file_to_its_workbook():
    """A file sealed for one workbook, relabelled as another of the same key, does not open."""
    raw = sealed_file().replace(workbook_id(TOKEN).encode(), workbook_id("Zz9" + TOKEN[3:]).encode())
    with pytest.raises(ClientFileError, match="cannot be opened with this client's keys"):
        unseal(raw, [reflections_key(KEY)], Path("r.yaml"))


# ---- Each way it fails, from the CLI --------------------------------------------------

def tampered(raw: bytes) -> bytes:
    data = raw.split(b'data: "')[1].split(b'"')[0]
    flipped = data[:5] + (b"B" if data[5:6] == b"A" else b"A") + data[6:]
    return raw.replace(data, flipped)


def truncated(raw: bytes) -> bytes:
    return raw[: raw.index(b'data: "') + 20] + b'"\n'


def not_base64(raw: bytes) -> bytes:
    data = raw.split(b'data: "')[1].split(b'"')[0]
    return raw.replace(data, data[:8] + b"!*~" + data[11:])


FAILURES = {
    "a wrong key": (lambda: sealed_file(reflections_key(OTHER_KEY)), "cannot be opened with this client's keys"),
    "data changed on the way": (lambda: tampered(sealed_file()), "cannot be opened with this client's keys"),
    "cut short": (lambda: truncated(sealed_file()), "sealed_reflections.data: is"),
    "cut short before its data": (lambda: sealed_file().split(b"  data:")[0], "sealed_reflections.data: is missing"),
    "not base64": (lambda: not_base64(sealed_file()), "is not the coded text the workbook wrote"),
    "another workbook": (lambda: sealed_file(token="Zz9" + TOKEN[3:]), "come from another workbook"),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_sealed_file_that_does_not_open_is_said_in_plain_words_and_changes_nothing(project, write_client, case):
    make, said = FAILURES[case]
    client = write_client(sealed_client())
    (project / "r.yaml").write_bytes(make())
    before = client.read_bytes()
    result = run(project, "import-reflections", "clients/ada-example.yaml", "r.yaml")
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr and "This is a bug" not in result.stderr
    assert result.stderr.startswith("r.yaml"), result.stderr
    assert said in result.stderr, result.stderr
    assert "Send to my coach" in result.stderr or case == "another workbook"  # what to do
    assert client.read_bytes() == before


def test_a_sealed_file_imports_from_the_file_an_attachment_and_pasted_text(project, write_client):
    client = write_client(sealed_client(PASSPHRASE))
    raw = sealed_file(reflections_key(KEY, PASSPHRASE))
    message = EmailMessage()
    message["From"], message["Subject"] = "Ada <ada@example.org>", "Reflections from Ada Example"
    message.set_content("Dear Robin,\n\nAda's reflections are in this message, sealed.\n")
    message.add_attachment(raw, maintype="application", subtype="x-yaml", filename="reflections-2026-11-25.yaml")
    (project / "mail.eml").write_bytes(bytes(message))
    coded = base64.b64encode(raw).decode()
    pasted = ("Dear Robin,\n\nsealed.\n\ncoach-site:reflections:begin\n"
              + "\n".join(coded[i:i + 64] for i in range(0, len(coded), 64)) + "\ncoach-site:reflections:end\n")
    (project / "r.yaml").write_bytes(raw)
    for source, stdin in (("r.yaml", None), ("mail.eml", None), ("-", pasted)):
        client.write_text(sealed_client(PASSPHRASE), encoding="utf-8")
        result = run(project, "import-reflections", "clients/ada-example.yaml", source, stdin=stdin)
        assert result.returncode == 0, (source, result.stderr)
        assert validate_client(load_client_file(client)).focus_areas[0].outcome == ANSWER, source


def test_reflections_sealed_before_a_passphrase_was_added_still_open(project, write_client):
    client = write_client(sealed_client(PASSPHRASE))
    (project / "r.yaml").write_bytes(sealed_file(reflections_key(KEY)))
    result = run(project, "import-reflections", "clients/ada-example.yaml", "r.yaml")
    assert result.returncode == 0, result.stderr
    assert validate_client(load_client_file(client)).focus_areas[0].outcome == ANSWER


# ---- The keys of earlier links -------------------------------------------------------

def test_the_keys_tried_are_the_links_first_then_those_rotate_kept(project, write_client):
    client = write_client(sealed_client(PASSPHRASE))
    practice = load_project(project)
    assert reflection_keys(client, practice) == [reflections_key(KEY, PASSPHRASE), reflections_key(KEY)]
    assert reflection_keys(client, None) == reflection_keys(client, practice)

    for _ in range(2):
        assert run(project, "rotate", "clients/ada-example.yaml").returncode == 0
    link = validate_client(load_client_file(client)).link
    first, second = link.previous_tokens
    kept = project / ".coach-site" / "previous-keys.json"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert (project / ".coach-site" / ".gitignore").read_text().splitlines()[-1] == "*"  # never committed
    assert KEY not in kept.read_text() and PASSPHRASE not in kept.read_text()
    keys = reflection_keys(client, practice)
    assert keys[:2] == [reflections_key(link.key, PASSPHRASE), reflections_key(link.key)]
    assert keys[2:] == PreviousKeys(project).keys_of(client) and len(keys) == 4
    assert keys[-1] == reflections_key(KEY, PASSPHRASE)  # the first link's, last: the latest kept goes first
    assert first == TOKEN and second != TOKEN

    # A file sealed at the first link imports after both rotations; and after the client file
    # is renamed, its keys are found by its earlier tokens.
    (project / "r.yaml").write_bytes(sealed_file(reflections_key(KEY, PASSPHRASE)))
    renamed = client.with_name("ada.yaml")
    client.rename(renamed)
    result = run(project, "import-reflections", "clients/ada.yaml", "r.yaml")
    assert result.returncode == 0, result.stderr
    assert validate_client(load_client_file(renamed)).focus_areas[0].outcome == ANSWER


def test_a_plain_client_rotated_keeps_no_key(project, write_client):
    write_client(f"client:\n  name: Ada Example\nlink:\n  token: {TOKEN}\nfocus_areas:\n  - name: Career\n")
    assert run(project, "rotate", "clients/ada-example.yaml").returncode == 0
    assert not (project / ".coach-site" / "previous-keys.json").exists()


def test_an_unreadable_record_of_keys_is_no_keys(tmp_path):
    root = copy_project(tmp_path / "p")
    (root / ".coach-site").mkdir()
    (root / ".coach-site" / "previous-keys.json").write_text("{not json", encoding="utf-8")
    assert PreviousKeys(root).keys_of(root / "clients" / "x.yaml") == []
