"""Odd things where a client file or reflections are expected: each is refused in plain words,
at once, naming the file, and the other clients still work.

A named pipe would make a reader wait for a writer forever, `/dev/zero` would be read until
memory runs out, standard input could be endless: nothing is read past 1 MiB + 1 byte, and
what is not a regular file is not read at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT

SECONDS = 60  # a hang fails the test instead of the run


def run(project: Path, *args: str, stdin=None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1", "XDG_CACHE_HOME": str(project / ".cache")}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=env, stdin=stdin,
                          capture_output=True, text=True, timeout=SECONDS)


@pytest.fixture
def ada(write_client) -> Path:
    return write_client(MINIMAL_CLIENT, "ada")


ODD_FILES = {
    "a named pipe": lambda path: os.mkfifo(path),
    "a device": lambda path: path.symlink_to("/dev/zero"),
}


@pytest.mark.parametrize("kind", ODD_FILES)
@pytest.mark.parametrize("command", [("check",), ("check", "clients/ada.yaml"), ("build",),
                                     ("build", "clients/ada.yaml"), ("list",)])
def test_a_special_file_among_the_clients_is_refused_without_reading_it(project, ada, kind, command):
    ODD_FILES[kind](project / "clients" / "odd.yaml")
    result = run(project, *command)
    assert "Traceback" not in result.stderr and "bug in coach-site" not in result.stderr
    output = result.stdout + result.stderr
    if command[-1] == "clients/ada.yaml":  # named alone: ada is fine, and the odd file is no token's holder
        assert result.returncode == 0, output
    else:  # (list shows every client's state, and fails only on a shared link)
        assert result.returncode == (0 if command == ("list",) else 1), output
        assert f"odd.yaml: is {kind}, not a file" in output, output
    if command[0] != "check":
        assert "3hVt9QmK2xLp7RwZc5NbYa" in result.stdout  # ada is built, or listed, all the same


def test_a_link_to_nothing_among_the_clients_is_said_as_such(project, ada):
    (project / "clients" / "gone.yaml").symlink_to("moved-away.yaml")
    for command in ("check", "list", "build"):
        result = run(project, command)
        assert "Traceback" not in result.stderr and "bug in coach-site" not in result.stderr, result.stderr
        assert "gone.yaml: is a link to moved-away.yaml, which does not exist" in result.stdout + result.stderr
        assert result.returncode == (0 if command == "list" else 1)


def test_endless_standard_input_is_read_no_further_than_a_reflections_file_may_go(project, ada):
    with open("/dev/zero", "rb") as endless:
        result = run(project, "import-reflections", "clients/ada.yaml", "-", stdin=endless)
    assert result.returncode == 1 and "the pasted text: is more than 1 MiB" in result.stderr
    assert ada.read_text(encoding="utf-8") == MINIMAL_CLIENT


def test_a_reflections_file_that_is_a_device_is_refused(project, ada, tmp_path):
    (tmp_path / "reflections.yaml").symlink_to("/dev/zero")
    result = run(project, "import-reflections", "clients/ada.yaml", str(tmp_path / "reflections.yaml"))
    assert result.returncode == 1 and "is a device, not a file" in result.stderr


@pytest.mark.parametrize("escape", ["\\U00110000", "\\UFFFFFFFF"])
def test_an_escape_that_names_no_character_is_said_with_its_line(project, ada, write_client, escape):
    write_client(MINIMAL_CLIENT.replace("name: Ada Example", f'name: "Bo {escape}"'), "bo")
    for command in ("check", "list", "build"):
        result = run(project, command)
        output = result.stdout + result.stderr
        assert "bug in coach-site" not in output, output
        assert f"bo.yaml:2: {escape} names no character" in output
        assert "ada" in output  # one such file does not stop the practice's other clients


def test_an_escape_that_names_no_character_in_reflections_is_said_with_its_line(project, ada, tmp_path):
    reflections = tmp_path / "reflections.yaml"
    reflections.write_text('link:\n  token: 3hVt9QmK2xLp7RwZc5NbYa\nanything_we_missed: "x \\U00110000"\n')
    result = run(project, "import-reflections", "clients/ada.yaml", str(reflections))
    assert result.returncode == 1 and "reflections.yaml:3: \\U00110000 names no character" in result.stderr


def mail(content_type: str, body: str, extra: str = "") -> bytes:
    return (f"From: ada@example.org\nTo: coach@example.org\nSubject: My reflections\nMIME-Version: 1.0\n{extra}"
            f"Content-Type: {content_type}\n\n{body}").encode("utf-8")


REFLECTIONS = "link:\n  token: 3hVt9QmK2xLp7RwZc5NbYa\nanything_we_missed: Café · – 🙂\n"
MAILS = {
    "an unknown charset in the text": mail("text/plain; charset=x-bogus-42", REFLECTIONS),
    "an unknown charset on the attachment": mail(
        'multipart/mixed; boundary="b"',
        '--b\nContent-Type: text/plain\n\nHi\n--b\nContent-Type: text/yaml; charset=x-bogus-42\n'
        f'Content-Disposition: attachment; filename="reflections.yaml"\n\n{REFLECTIONS}--b--\n'),
}


@pytest.mark.parametrize("name", MAILS)
def test_a_mail_in_a_charset_nobody_knows_is_read_as_the_workbook_wrote_it(project, ada, tmp_path, name):
    saved = tmp_path / "mail.eml"
    saved.write_bytes(MAILS[name])
    result = run(project, "import-reflections", "clients/ada.yaml", str(saved))
    assert result.returncode == 0, result.stderr
    assert "Café · – 🙂" in ada.read_text(encoding="utf-8")


def test_a_mail_whose_text_is_in_an_unreadable_charset_is_refused_in_plain_words(project, ada, tmp_path):
    saved = tmp_path / "mail.eml"
    saved.write_bytes(mail("text/plain; charset=x-bogus-42", "").replace(b"\n\n", b"\n\n\xff\xfe link:\n", 1))
    result = run(project, "import-reflections", "clients/ada.yaml", str(saved))
    assert result.returncode == 1 and "bug in coach-site" not in result.stderr
    assert "a character set coach-site cannot read (x-bogus-42)" in result.stderr
    assert "Send to my coach" in result.stderr  # what to ask the coachee for


def test_a_multipart_named_like_the_reflections_file_is_not_taken_for_it(project, ada, tmp_path):
    saved = tmp_path / "mail.eml"
    saved.write_bytes(mail('multipart/mixed; boundary="b"',
                           '--b\nContent-Type: multipart/mixed; boundary="c"; name="r.yaml"\n'
                           'Content-Disposition: attachment; filename="r.yaml"\n\n'
                           f'--c\nContent-Type: text/plain\n\n{REFLECTIONS}--c--\n--b--\n'))
    result = run(project, "import-reflections", "clients/ada.yaml", str(saved))
    assert result.returncode == 0, result.stderr
    assert "Café · – 🙂" in ada.read_text(encoding="utf-8")


def test_a_mail_nested_thousands_of_levels_deep_is_refused_in_plain_words(project, ada, tmp_path):
    depth = 3000
    opening = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(depth))
    closing = "".join(f"\n--b{i}--" for i in reversed(range(depth)))
    saved = tmp_path / "mail.eml"
    saved.write_text(f"From: ada@example.org\nSubject: deep\nMIME-Version: 1.0\n{opening}"
                     f"Content-Type: text/plain\n\n{REFLECTIONS}{closing}\n")
    result = run(project, "import-reflections", "clients/ada.yaml", str(saved))
    assert result.returncode == 1 and "bug in coach-site" not in result.stderr, result.stderr
    assert "mail.eml: cannot be read" in result.stderr or "holds no reflections" in result.stderr
    assert ada.read_text(encoding="utf-8") == MINIMAL_CLIENT


def test_the_draft_email_carries_no_control_character_of_a_name(project, write_client, tmp_path):
    write_client(MINIMAL_CLIENT.replace("name: Ada Example", 'name: "Ada \\e[31mRed\\a Bell"\n  email: ada@example.org'),
                 "ada")
    result = run(project, "email", "clients/ada.yaml", "--eml", str(tmp_path / "draft.eml"))
    assert result.returncode == 0, result.stderr
    headers = (tmp_path / "draft.eml").read_bytes().split(b"\r\n\r\n")[0]
    assert b"\x1b" not in headers and b"\x07" not in headers
    assert b"To: Ada Red Bell <ada@example.org>" in headers


def test_init_refuses_a_site_url_with_a_line_break(tmp_path):
    result = subprocess.run([sys.executable, "-m", "coach_site", "init", "practice", "--name", "Robin Okafor",
                             "--email", "robin@okafor-practice.net", "--site-url",
                             "https://coaching.okafor-practice.net/\nworkbooks/"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=SECONDS)
    assert result.returncode == 1 and "has a space or a line break inside" in result.stderr
    assert not (tmp_path / "practice").exists()


def test_init_says_next_steps_that_work_when_pasted(tmp_path):
    folder = "Robin's practice"
    result = subprocess.run([sys.executable, "-m", "coach_site", "init", folder, "--name", "Robin Okafor",
                             "--email", "robin@okafor-practice.net", "--site-url",
                             "https://coaching.okafor-practice.net/workbooks/"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=SECONDS)
    assert result.returncode == 0, result.stderr
    line = next(line for line in (result.stdout + result.stderr).splitlines() if line.startswith("Next: "))
    command = line.removeprefix("Next: ").split(" (README")[0].replace("coach-site new", "pwd #", 1)
    where = subprocess.run(["sh", "-c", command], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert where.stdout.strip() == str(tmp_path / folder)


def test_one_name_written_composed_and_decomposed_is_one_name(project, write_client):
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    write_client(MINIMAL_CLIENT + f"  - name: {composed}\n  - name: {decomposed}\n", "ada")
    result = run(project, "check")
    assert result.returncode == 1
    assert f"'{decomposed}' is already the name of focus area 2; names must be unique" in result.stdout + result.stderr


@pytest.mark.parametrize("sealed", ["", "  sealed: false\n"])
def test_a_passphrase_on_a_workbook_that_is_not_sealed_is_refused(project, write_client, sealed):
    write_client(MINIMAL_CLIENT.replace("link:\n", f"link:\n{sealed}  passphrase: open sesame\n"), "ada")
    for command in ("check", "build"):
        result = run(project, command)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "passphrase: this workbook is not sealed, so a passphrase would guard nothing" in output
        assert "Add `sealed: true` under link:" in output
    assert not (project / "site" / "3hVt9QmK2xLp7RwZc5NbYa").exists()


def test_a_passphrase_is_fine_where_the_practice_seals_every_workbook(project, write_client):
    settings = project / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("extra:\n", "extra:\n  sealed: true\n", 1))
    write_client(MINIMAL_CLIENT.replace("link:\n", "link:\n  passphrase: open sesame\n"), "ada")
    result = run(project, "check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_reflections_that_would_make_the_client_file_too_big_are_not_written(project, write_client, tmp_path):
    # Each file is fine alone; together they pass what a client file may hold, so the merged
    # file is checked again before it replaces the coach's.
    big = MINIMAL_CLIENT + "    outcome: " + "a" * (1024 * 1024 - len(MINIMAL_CLIENT) - 200) + "\n"
    ada = write_client(big, "ada")
    reflections = tmp_path / "reflections.yaml"
    reflections.write_text("link:\n  token: 3hVt9QmK2xLp7RwZc5NbYa\nanything_we_missed: " + "b" * 5000 + "\n")
    result = run(project, "import-reflections", "clients/ada.yaml", str(reflections))
    assert result.returncode == 1 and "a client file may be at most 1 MiB" in result.stderr, result.stderr
    assert ada.read_text(encoding="utf-8") == big


def test_a_field_named_by_a_line_break_is_said_on_one_line(project, write_client):
    # The colon check quotes the key it read; a key that is a line break must not break the message.
    write_client(MINIMAL_CLIENT.replace("name: Ada Example", 'name:\n    "\\n": Example'), "bo")
    result = run(project, "check")
    problem = [line for line in result.stderr.splitlines() if "bo.yaml:3" in line]
    assert result.returncode != 0 and problem, result.stderr
    assert '(`"\\n": Example`)' in problem[0] and problem[0].endswith("the answer on the lines below it"), problem


@pytest.mark.parametrize("written", [
    "focus_areas:\n  - name: Career\n  - name:\n      - 'a\n\n        b'\n",  # an answer written as a list of lines
    "focus_areas: 'a\n\n  b\n\n  c'\n",  # an area's name alone, over lines
])
def test_a_value_over_several_lines_is_never_quoted_into_a_message(project, write_client, written):
    write_client(MINIMAL_CLIENT[: MINIMAL_CLIENT.index("focus_areas:")] + written, "bo")
    result = run(project, "check")
    problems = [line for line in result.stderr.splitlines() if "bo.yaml:" in line]
    assert result.returncode != 0 and problems, result.stderr
    assert all(line.rstrip().endswith((")", "line", "`")) for line in problems), problems
