"""A sealed workbook's link: its key is made once, kept only in the client file, changed by
rotate, and carried by the link the coach sends (after `#`), never by what is published."""

from __future__ import annotations

import base64
import re
import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLIENT, MINIMAL_CLIENT, PRACTICE_SITE_URL, customised
from test_cli import run
from test_sealed import client_names, client_strings, held

TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"
BASE = PRACTICE_SITE_URL
SEALED_CLIENT = MINIMAL_CLIENT.replace(
    f"  token: {TOKEN}\n",
    f"  token: {TOKEN}   # keep it secret\n  sealed: true     # the host holds ciphertext only\n",
)
# The key as written: quoted when it starts with `-` (as 1 key in 64 does), so no reader takes it for a list.
KEY_LINE = re.compile(r"^  key: (\"?)([A-Za-z0-9_-]{43})\1(?: +#.*)?\r?$", re.MULTILINE)


def key_in(client_file: Path) -> str:
    found = KEY_LINE.findall(client_file.read_text(encoding="utf-8"))
    assert len(found) == 1, client_file.read_text(encoding="utf-8")
    return found[0][1]


def token_in(client_file: Path) -> str:
    return re.search(r"^  token: (\S+)", client_file.read_text(encoding="utf-8"), re.MULTILINE).group(1).strip("'\"")


def link_with(key: str, token: str = TOKEN) -> str:
    return f"{BASE}{token}/#{key}"


def files_holding(folder: Path, secret: str) -> list[str]:
    """Every file under a folder whose bytes hold the secret, as text or as the raw key bytes."""
    raw = base64.urlsafe_b64decode(secret + "=")
    return [str(p.relative_to(folder)) for p in sorted(folder.rglob("*"))
            if p.is_file() and (secret.encode() in p.read_bytes() or raw in p.read_bytes())]


def set_practice_sealed(project: Path) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nextra:\n" in text
    config.write_text(text.replace("\nextra:\n", "\nextra:\n  sealed: true\n", 1), encoding="utf-8")


def test_build_writes_the_key_once_next_to_the_token_and_prints_the_link_with_it(project, write_client):
    client = write_client(SEALED_CLIENT)
    first = run(project, "build")
    assert first.returncode == 0, first.stderr
    key = key_in(client)
    assert len(base64.urlsafe_b64decode(key + "=")) == 32  # 256 random bits, base64url without padding
    # Only the key's line is new: comments and every other byte as the coach wrote them.
    assert client.read_text(encoding="utf-8") == SEALED_CLIENT.replace(
        "host holds ciphertext only\n", f"host holds ciphertext only\n  key: {key}\n")
    assert f"ada-example: {link_with(key)}\n" in first.stdout
    assert first.stderr.count("a new key was written") == 1 and "clients/ada-example.yaml" in first.stderr

    # Unchanged, so not rebuilt: the link still carries the key, and the key stays as it is.
    before = client.read_bytes()
    second = run(project, "build")
    assert second.returncode == 0, second.stderr
    assert "skipped 1 as unchanged" in second.stderr
    assert f"ada-example: {link_with(key)}\n" in second.stdout
    assert "new key" not in second.stderr and client.read_bytes() == before


def test_a_windows_file_gets_its_key_line_with_its_own_line_endings(project, write_client):
    client = write_client("")
    client.write_bytes(SEALED_CLIENT.replace("\n", "\r\n").encode())
    assert run(project, "build").returncode == 0
    text = client.read_bytes().decode()
    quote, key = KEY_LINE.findall(text.replace("\r\n", "\n"))[0]
    assert text == SEALED_CLIENT.replace("\n", "\r\n").replace(
        "only\r\n", f"only\r\n  key: {quote}{key}{quote}\r\n")


def test_the_practice_default_seals_every_client_that_does_not_say_otherwise(project, write_client):
    set_practice_sealed(project)
    by_default = write_client(MINIMAL_CLIENT)
    plain_text = MINIMAL_CLIENT.replace("Ada Example", "Bo Example").replace(TOKEN, "BoBo9xQ2mK7zLp4RwTc8Nb_1") \
        .replace("focus_areas:", "  sealed: false\nfocus_areas:")
    plain = write_client(plain_text, "bo-example")
    result = run(project, "build")
    assert result.returncode == 0, result.stderr
    assert f"ada-example: {link_with(key_in(by_default))}\n" in result.stdout
    assert plain.read_text(encoding="utf-8") == plain_text  # link.sealed: false overrides extra.sealed
    assert f"bo-example: {BASE}BoBo9xQ2mK7zLp4RwTc8Nb_1/\n" in result.stdout


def test_a_plain_workbook_is_unchanged(project, write_client):
    client = write_client(MINIMAL_CLIENT)
    result = run(project, "build")
    assert result.returncode == 0, result.stderr
    assert f"ada-example: {BASE}{TOKEN}/\n" in result.stdout
    assert client.read_text(encoding="utf-8") == MINIMAL_CLIENT
    assert "key" not in result.stderr


def test_check_reports_a_missing_key_and_writes_nothing(project, write_client):
    client = write_client(SEALED_CLIENT)
    result = run(project, "check", "clients/ada-example.yaml")
    assert result.returncode == 0, result.stderr
    assert "clients/ada-example.yaml: ok" in result.stdout
    assert "clients/ada-example.yaml: sealed, no link.key yet: build, publish or email writes one" in result.stderr
    assert client.read_text(encoding="utf-8") == SEALED_CLIENT


def test_the_key_is_nowhere_but_the_client_file_after_a_build(project, write_client):
    client = write_client(SEALED_CLIENT)
    assert run(project, "build").returncode == 0
    key = key_in(client)
    assert files_holding(project / "site", key) == []
    assert files_holding(project / ".coach-site", key) == []  # the build record
    assert (project / "site" / TOKEN / "index.html").is_file()  # a search over something
    assert files_holding(project, key) == ["clients/ada-example.yaml"]


def test_rotate_changes_token_and_key_and_keeps_no_old_key(project, write_client):
    client = write_client(SEALED_CLIENT)
    assert run(project, "build").returncode == 0
    old_key = key_in(client)
    result = run(project, "rotate", "clients/ada-example.yaml")
    assert result.returncode == 0, result.stderr
    text = client.read_text(encoding="utf-8")
    new_token = token_in(client)
    new_key = key_in(client)
    assert new_token != TOKEN and new_key != old_key
    assert f"new link {link_with(new_key, new_token)}" in result.stdout
    assert old_key not in text  # previous_tokens holds the old token only
    assert re.search(rf"previous_tokens:\n    - {TOKEN}\n", text)
    assert files_holding(project, old_key) == [] and files_holding(project / "site", new_key) == []


@pytest.mark.parametrize("sealed_by", ["the client file", "the practice"])
def test_rotate_gives_a_sealed_workbook_without_a_key_yet_its_key_with_the_new_token(project, write_client, sealed_by):
    if sealed_by == "the practice":
        set_practice_sealed(project)
    client = write_client(SEALED_CLIENT if sealed_by == "the client file" else MINIMAL_CLIENT)
    result = run(project, "rotate", "clients/ada-example.yaml")
    assert result.returncode == 0, result.stderr
    assert f"new link {link_with(key_in(client), token_in(client))}" in result.stdout


def test_new_sealed_writes_sealed_and_a_key_and_checks_clean(project):
    result = run(project, "new", "Priya Natarajan", "--sealed")
    assert result.returncode == 0, result.stderr
    client = project / "clients" / "priya-natarajan.yaml"
    text = client.read_text(encoding="utf-8")
    assert re.search(r"^  sealed: true\b", text, re.MULTILINE)
    key = key_in(client)
    checked = run(project, "check", "clients/priya-natarajan.yaml")
    assert checked.returncode == 0 and "priya-natarajan.yaml: ok\n" in checked.stdout, checked.stdout + checked.stderr
    plain = run(project, "new", "Bo Example")
    assert plain.returncode == 0 and "key:" not in (project / "clients" / "bo-example.yaml").read_text()
    assert key != key_in_second_sealed(project)


def key_in_second_sealed(project: Path) -> str:
    """Another sealed client: each gets a key of their own."""
    assert run(project, "new", "Cy Example", "--sealed").returncode == 0
    return key_in(project / "clients" / "cy-example.yaml")


def test_list_shows_the_link_with_its_key(project, write_client):
    client = write_client(SEALED_CLIENT)
    before = run(project, "list")
    assert "sealed, no key yet: build writes one" in before.stdout, before.stdout + before.stderr
    assert run(project, "build").returncode == 0
    result = run(project, "list")
    assert result.returncode == 0, result.stderr
    assert link_with(key_in(client)) in result.stdout


def test_the_email_and_its_draft_carry_the_full_link(project, write_client):
    client = write_client(SEALED_CLIENT)
    result = run(project, "email", "clients/ada-example.yaml", "--eml", "ada.eml")
    assert result.returncode == 0, result.stderr
    key = key_in(client)  # written by `email`, as by `build`
    assert result.stderr.count("a new key was written") == 1
    assert f"\n{link_with(key)}\n" in result.stdout
    # Each page's link keeps the key at its end, where the page reads it.
    assert f"\n{BASE}{TOKEN}/schedule.html#{key}\n" in result.stdout
    assert f"\n{BASE}{TOKEN}/reflections.html#{key}\n" in result.stdout
    draft = message_from_bytes((project / "ada.eml").read_bytes(), policy=policy.default)
    text = draft.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = draft.get_body(("html",)).get_content()
    assert f"\n{link_with(key)}\n" in text
    assert f'<a href="{link_with(key)}">' in html


def test_an_old_template_that_writes_a_page_after_the_link_is_refused_for_a_sealed_workbook(project, write_client):
    template = customised(project, "homework-email.txt.j2")
    template.write_text(template.read_text().replace('{{ link_to("schedule.html") }}', "{{ link }}schedule.html"))
    write_client(SEALED_CLIENT)
    result = run(project, "email", "clients/ada-example.yaml")
    assert result.returncode == 1
    assert 'write the page\'s link as {{ link_to("schedule.html") }}' in result.stderr
    write_client(MINIMAL_CLIENT)  # a plain workbook's link ends with `/`: the old template still works
    plain = run(project, "email", "clients/ada-example.yaml")
    assert plain.returncode == 0 and f"\n{BASE}{TOKEN}/schedule.html\n" in plain.stdout


# --- publishing to a git host ---------------------------------------------------------


def blobs(repo: Path) -> dict[str, bytes]:
    """Every blob in the repository's whole history, by object id."""
    listed = subprocess.run(["git", f"--git-dir={repo}", "rev-list", "--all", "--objects"],
                            capture_output=True, text=True, check=True).stdout
    found = {}
    for object_id in (line.split()[0] for line in listed.splitlines() if line.strip()):
        kind = subprocess.run(["git", f"--git-dir={repo}", "cat-file", "-t", object_id],
                              capture_output=True, text=True, check=True).stdout.strip()
        if kind == "blob":
            found[object_id] = subprocess.run(["git", f"--git-dir={repo}", "cat-file", "-p", object_id],
                                              capture_output=True, check=True).stdout
    return found


def private_strings(client_file: Path) -> set[str]:
    """What must never reach the host from a sealed client file: its key, and every string of
    8 characters or more in it (answers, names, values, areas), but the tokens, which name
    the workbook's folder."""
    text = client_file.read_text(encoding="utf-8")
    tokens = set(re.findall(r"[A-Za-z0-9_-]{22,64}", text)) - {key_in(client_file)}
    return (client_strings(client_file) | {key_in(client_file)}) - tokens


def assert_no_private_string_in_history(repo: Path, strings: set[str], names: set[str], theme: set[str]) -> None:
    """No blob of the repository's history holds any of `strings` (raw, HTML- or JSON-escaped,
    in any case) or `names` (as words), but the `theme` blobs every workbook shares."""
    history = {object_id: data for object_id, data in blobs(repo).items() if object_id not in theme}
    assert history, "nothing was published: the check would prove nothing"
    for object_id, data in history.items():
        leaked = [hit[:12] for hit in held(data, strings, names)]
        assert leaked == [], f"blob {object_id} holds {leaked}"


def shared_theme_blobs(repo: Path, folder: str) -> set[str]:
    """The blobs of another client's plain workbook that are theme files: the same bytes in
    every workbook (Material's scripts hold everyday words, "properly" among them)."""
    listed = subprocess.run(["git", f"--git-dir={repo}", "ls-tree", "-r", "gh-pages", "--", f"{folder}/assets"],
                            capture_output=True, text=True, check=True).stdout
    return {line.split()[2] for line in listed.splitlines()}


def test_a_sealed_workbook_published_to_git_holds_no_client_string_and_no_key_in_any_blob(
    project, write_client, tmp_path
):
    remote = tmp_path / "host.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    example = EXAMPLE_CLIENT.read_text(encoding="utf-8")
    client = write_client(re.sub(r"(?m)^(  token: .*)$", r"\1\n  sealed: true", example, count=1), "maya-lindqvist")
    write_client(MINIMAL_CLIENT)  # a plain workbook beside it: its theme files are the shared ones
    first = run(project, "publish", "--to", f"git:{remote}")
    assert first.returncode == 0, first.stderr
    first_strings = private_strings(client)
    assert {"Maya Lindqvist", "Relationships", key_in(client)} <= first_strings
    assert f"maya-lindqvist: {link_with(key_in(client), token_in(client))}\n" in first.stdout
    # A second publish after a rotate: the history holds both versions, and neither key.
    assert run(project, "rotate", "clients/maya-lindqvist.yaml").returncode == 0
    second = run(project, "publish", "--to", f"git:{remote}")
    assert second.returncode == 0, second.stderr
    assert f"maya-lindqvist: {link_with(key_in(client), token_in(client))}\n" in second.stdout
    assert_no_private_string_in_history(remote, first_strings | private_strings(client), client_names(client),
                                        shared_theme_blobs(remote, TOKEN))
    log = subprocess.run(["git", f"--git-dir={remote}", "log", "--format=%B", "gh-pages"],
                         capture_output=True, text=True, check=True).stdout
    assert key_in(client) not in log and log.count("Publish ") == 2


@pytest.mark.parametrize("value", ["yes", "1"])
def test_sealed_is_true_or_false(project, write_client, value):
    write_client(SEALED_CLIENT.replace("sealed: true ", f"sealed: {value} "))
    result = run(project, "check", "clients/ada-example.yaml")
    assert result.returncode == 1
    assert "clients/ada-example.yaml:5: link.sealed: write true or false" in result.stderr
