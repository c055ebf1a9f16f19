"""One client, one link: a copied client file (same token) is refused everywhere, never built.

Everything here runs the real command (a subprocess, or click's runner where the random
source is replaced) on real builds, on a real git repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE_CLIENT, MINIMAL_CLIENT, PRACTICE_SITE_URL, build
from test_cli import TOKEN, run
from test_history import commit, git

from coach_site.cli import cli
from coach_site.clientfile import scaffold
from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.tokens import read_token
from coach_site.errors import ClientFileError
from coach_site.project_loader import load_project
from coach_site.workbook.pipeline import build_prepared, check_client, prepare_client

ADA_LINK = f"{PRACTICE_SITE_URL}{TOKEN}/"
CY_TOKEN = "CyOwnTokenQmK2xLp7RwZc5"
# The commonest way to start a client: copy an old file, change the name, forget the token.
BO_COPY = "# copied from ada-example.yaml\n" + MINIMAL_CLIENT.replace("Ada Example", "Bartholomew")
B_REFUSED = (
    "clients/bo.yaml:5: link.token: the same private link as clients/ada-example.yaml:4; each client needs "
    "their own. Give this client a new one with: coach-site rotate clients/bo.yaml"
)
A_REFUSED = (
    "clients/ada-example.yaml:4: link.token: the same private link as clients/bo.yaml:5; each client needs "
    "their own. This file had it first, so keep it here and give the other a new one with: "
    "coach-site rotate clients/bo.yaml"
)


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mentions(folder: Path, text: str) -> list[str]:
    return [name for name, data in files_of(folder).items() if text.encode() in data]


@pytest.fixture
def ada_built(project, write_client):
    """Ada and Cy committed and built; Ada's published workbook is what must never change."""
    git(project, "init", "-q")
    write_client(MINIMAL_CLIENT)
    write_client(MINIMAL_CLIENT.replace("Ada Example", "Cy Example").replace(TOKEN, CY_TOKEN), "cy")
    commit(project, "Ada and Cy", "2026-10-20")
    result = run(project, "build")
    assert result.returncode == 0, result.stderr
    return files_of(project / "site" / TOKEN)


def test_check_names_both_files_and_lines_with_or_without_arguments(project, ada_built, write_client):
    write_client(BO_COPY, "bo")
    every = run(project, "check")
    assert every.returncode == 1
    assert A_REFUSED in every.stderr.splitlines() and B_REFUSED in every.stderr.splitlines()
    assert "cy.yaml: ok" in every.stdout and "Traceback" not in every.stderr
    # Given one of the two, check still looks at every client file of the project.
    only_copy = run(project, "check", "clients/bo.yaml")
    assert only_copy.returncode == 1 and only_copy.stderr.splitlines()[0] == B_REFUSED
    only_first = run(project, "check", "clients/ada-example.yaml")
    assert only_first.returncode == 1 and only_first.stderr.splitlines()[0] == A_REFUSED
    assert run(project, "check", "clients/cy.yaml").returncode == 0
    # A copy kept outside clients/ shares the link just the same.
    draft = project / "drafts" / "bo.yaml"
    draft.parent.mkdir()
    draft.write_text(BO_COPY)
    (project / "clients" / "bo.yaml").unlink()
    outside = run(project, "check", "drafts/bo.yaml")
    assert outside.returncode == 1
    assert "drafts/bo.yaml:5: link.token: the same private link as clients/ada-example.yaml:4;" in outside.stderr


def test_build_refuses_both_keeps_the_first_site_byte_for_byte_and_builds_the_others(
    project, ada_built, write_client
):
    write_client(BO_COPY, "bo")
    write_client(MINIMAL_CLIENT.replace("Ada Example", "Cyrenamed Example").replace(TOKEN, CY_TOKEN), "cy")
    result = run(project, "build")
    assert result.returncode == 1
    assert A_REFUSED in result.stderr and B_REFUSED in result.stderr
    assert "Built 1, failed 2, skipped 0 as unchanged" in result.stderr
    assert files_of(project / "site" / TOKEN) == ada_built
    assert mentions(project / "site", "Bartholomew") == []
    assert mentions(project / "site" / CY_TOKEN, "Cyrenamed")  # the others still build
    # Asked for one of the two only, or with --force, the build still refuses.
    for args, refused in (
        (["clients/bo.yaml"], [B_REFUSED]),
        (["clients/ada-example.yaml"], [A_REFUSED]),
        (["--force", "--jobs", "1"], [A_REFUSED, B_REFUSED]),
    ):
        again = run(project, "build", *args)
        assert again.returncode == 1 and all(line in again.stderr.splitlines() for line in refused), args
        assert files_of(project / "site" / TOKEN) == ada_built


def test_one_client_built_alone_is_refused_as_a_run_refuses_it(project, ada_built, write_client):
    # One client alone (serve's preview, the tests' own build) is a run of one: the copy is refused there too.
    bo = write_client(BO_COPY, "bo")
    with pytest.raises(ClientFileError) as refused:
        build(bo, project, project / "site")
    assert B_REFUSED in str(refused.value).splitlines()
    assert files_of(project / "site" / TOKEN) == ada_built
    assert mentions(project / "site", "Bartholomew") == []


def test_publish_refuses_and_the_first_clients_published_site_stays_as_it_was(
    project, ada_built, write_client, tmp_path
):
    host = tmp_path / "host"
    assert run(project, "publish", "--to", str(host)).returncode == 0
    published = files_of(host / TOKEN)
    assert published == ada_built
    write_client(BO_COPY, "bo")
    result = run(project, "publish", "--to", str(host))
    assert result.returncode == 1
    assert A_REFUSED in result.stderr and B_REFUSED in result.stderr
    assert files_of(host / TOKEN) == published
    assert mentions(host, "Bartholomew") == [] and mentions(project / "site", "Bartholomew") == []


def test_list_refuses_naming_both_files_and_still_lists_everyone(project, ada_built, write_client):
    write_client(BO_COPY, "bo")
    result = run(project, "list")
    assert result.returncode == 1
    assert A_REFUSED in result.stderr and B_REFUSED in result.stderr
    lines = result.stdout.splitlines()
    state = {line.split()[0]: lines[number + 1] for number, line in enumerate(lines[2:], start=2)
             if not line.startswith(" ")}  # each client's row, then its state on the line below
    assert "refused: same link as another client" in state["bo"] and "refused" in state["ada-example"]
    assert "up to date" in state["cy"]


def test_rotating_the_copy_works_and_leaves_the_first_clients_site_alone(project, ada_built, write_client):
    write_client(BO_COPY, "bo")
    assert run(project, "build").returncode == 1
    rotated = run(project, "rotate", "clients/bo.yaml")
    assert rotated.returncode == 0, rotated.stderr
    bo_token = check_client(project / "clients" / "bo.yaml").link.token
    assert bo_token not in (TOKEN, CY_TOKEN)
    assert files_of(project / "site" / TOKEN) == ada_built
    assert mentions(project / "site" / bo_token, "Bartholomew")
    # Now each has their own link: everyone builds, and Ada's workbook is still Ada's alone.
    after = run(project, "build")
    assert after.returncode == 0, after.stderr
    assert f"ada-example: {ADA_LINK}" in after.stdout
    assert files_of(project / "site" / TOKEN) == ada_built
    assert {name.split("/")[0] for name in mentions(project / "site", "Bartholomew")} == {bo_token}


def test_rotating_a_copy_an_older_version_published_gives_the_first_client_their_workbook_back(
    project, ada_built, write_client
):
    # What an older coach-site did: the copy built over the first client, at the first client's link
    # (built here without the run's refusal of a shared link, which that version lacked).
    bo = write_client(BO_COPY, "bo")
    loaded = load_project(project)
    build_prepared(prepare_client(bo, loaded), loaded, project / "site")
    assert mentions(project / "site" / TOKEN, "Bartholomew")
    assert run(project, "rotate", "clients/bo.yaml").returncode == 0
    assert run(project, "build").returncode == 0
    assert mentions(project / "site" / TOKEN, "Bartholomew") == []
    assert files_of(project / "site" / TOKEN) == ada_built


def test_email_refuses_to_send_the_copy_the_other_clients_link(project, ada_built, write_client):
    write_client(BO_COPY, "bo")
    result = run(project, "email", "clients/bo.yaml")
    assert result.returncode == 1 and result.stdout == ""
    assert B_REFUSED in result.stderr.splitlines()
    assert run(project, "email", "clients/cy.yaml").returncode == 0


def test_without_git_the_message_says_which_to_keep_in_words(project, write_client):
    write_client(MINIMAL_CLIENT)
    write_client(BO_COPY, "bo")
    result = run(project, "check")
    assert result.returncode == 1
    assert ("clients/bo.yaml:5: link.token: the same private link as clients/ada-example.yaml:4; each client "
            "needs their own. Keep it for the client who was sent this link, and give the other a new one with: "
            "coach-site rotate <their client file>") in result.stderr.splitlines()


def test_a_broken_copy_is_refused_too_and_an_unreadable_file_stops_nobody(project, write_client, tmp_path):
    write_client(MINIMAL_CLIENT)
    write_client(BO_COPY + "    satisfaction: 11\n", "bo")
    write_client("client: [\n", "unreadable")
    result = run(project, "build")
    assert result.returncode == 1
    assert "clients/bo.yaml:8: focus area 1 (Career), satisfaction: 11 is not between 1 and 10" in result.stderr
    assert "clients/bo.yaml:5: link.token: the same private link as clients/ada-example.yaml:4;" in result.stderr
    assert not (project / "site" / TOKEN).exists()
    (project / "clients" / "bo.yaml").unlink()
    result = run(project, "build")
    assert result.returncode == 1 and "clients/unreadable.yaml:" in result.stderr
    assert f"ada-example: {ADA_LINK}" in result.stdout


def fake_tokens(monkeypatch, *tokens: str) -> list[str]:
    """Make the random source hand out `tokens` first; returns the list of those it gave."""
    given = []
    real = scaffold.secrets.token_urlsafe
    queue = iter(tokens)

    def token_urlsafe(nbytes: int) -> str:
        token = next(queue, None) or real(nbytes)
        given.append(token)
        return token

    monkeypatch.setattr(scaffold.secrets, "token_urlsafe", token_urlsafe)
    return given


def test_new_never_writes_a_token_another_client_file_has(project, write_client, monkeypatch):
    write_client(MINIMAL_CLIENT)
    given = fake_tokens(monkeypatch, TOKEN, "FreshTokenQmK2xLp7RwZc5")
    result = CliRunner().invoke(cli, ["new", "Bartholomew Copy"])
    assert result.exit_code == 0, result.output
    assert given == [TOKEN, "FreshTokenQmK2xLp7RwZc5"]
    assert check_client(project / "clients" / "bartholomew-copy.yaml").link.token == "FreshTokenQmK2xLp7RwZc5"


def test_new_never_writes_a_token_another_client_had_before_rotating(project, write_client, monkeypatch):
    # An old link may still be bookmarked, or published until the next --prune: it stays theirs.
    write_client(MINIMAL_CLIENT.replace(f"token: {TOKEN}", f"token: {CY_TOKEN}\n  previous_tokens: [{TOKEN}]"))
    given = fake_tokens(monkeypatch, TOKEN, "FreshTokenQmK2xLp7RwZc5")
    result = CliRunner().invoke(cli, ["new", "Bartholomew Copy"])
    assert result.exit_code == 0, result.output
    assert given == [TOKEN, "FreshTokenQmK2xLp7RwZc5"]


def test_rotate_never_writes_a_token_another_client_file_has(project, write_client, monkeypatch):
    write_client(MINIMAL_CLIENT)
    cy = write_client(MINIMAL_CLIENT.replace(TOKEN, CY_TOKEN), "cy")
    given = fake_tokens(monkeypatch, TOKEN, CY_TOKEN, "FreshTokenQmK2xLp7RwZc5")
    result = CliRunner().invoke(cli, ["rotate", "clients/cy.yaml"])
    assert result.exit_code == 0, result.output
    assert given == [TOKEN, CY_TOKEN, "FreshTokenQmK2xLp7RwZc5"]
    assert check_client(cy).link.token == "FreshTokenQmK2xLp7RwZc5"


@pytest.mark.parametrize("text, line", [
    (MINIMAL_CLIENT, 4),
    (f"link: {{token: '{TOKEN}'}}  # flow style, quoted\nclient: {{name: Ada}}\n", 1),
    (f"\ufeffclient:\n  name: Ada\n\nlink:\n  token: \"{TOKEN}\"\n", 5),
])
def test_the_light_token_reader_agrees_with_the_loader(tmp_path, text, line):
    path = tmp_path / "client.yaml"
    path.write_text(text, encoding="utf-8")
    use = read_token(path)
    assert (use.token, use.line) == (TOKEN, line)
    assert load_client_file(path).data["link"]["token"] == use.token


@pytest.mark.parametrize("text", [
    "client: [\n",
    "link:\n  token: short\n",
    "link:\n  token: [a, b]\n",
    "- link\n",
    "",
])
def test_the_light_token_reader_knows_no_token_for_a_file_that_fails_anyway(tmp_path, text):
    path = tmp_path / "client.yaml"
    path.write_text(text, encoding="utf-8")
    assert read_token(path) is None
    assert read_token(tmp_path / "missing.yaml") is None
    assert read_token(tmp_path) is None


def test_the_example_clients_token_is_read_the_same_both_ways():
    assert read_token(EXAMPLE_CLIENT).token == check_client(EXAMPLE_CLIENT).link.token


def test_a_link_another_client_had_before_rotating_is_refused_and_stays_theirs(
    project, ada_built, write_client, tmp_path
):
    # Ada's link is published, then rotated: the old link stays on the host until --prune.
    host = tmp_path / "host"
    assert run(project, "publish", "--to", str(host)).returncode == 0
    assert run(project, "rotate", "clients/ada-example.yaml").returncode == 0
    assert run(project, "publish", "--to", str(host)).returncode == 0
    old_site = files_of(host / TOKEN)
    # Dave's file is copied from an older version of Ada's, old token and all.
    write_client(BO_COPY.replace("Bartholomew", "Dave"), "dave")
    ada_line = next(n for n, line in enumerate((project / "clients" / "ada-example.yaml").read_text().splitlines(), 1)
                    if TOKEN in line)
    refused = (f"clients/dave.yaml:5: link.token: the earlier private link of clients/ada-example.yaml:{ada_line} "
               "(in its link.previous_tokens, from before it was rotated); an old link may still be published "
               "or bookmarked, so it stays that client's. Give this client a new one with: "
               "coach-site rotate clients/dave.yaml")
    for command in (["check"], ["check", "clients/dave.yaml"], ["build"], ["publish", "--to", str(host)]):
        result = run(project, *command)
        assert result.returncode == 1 and refused in result.stderr.splitlines(), (command, result.stderr)
    assert run(project, "check", "clients/ada-example.yaml").returncode == 0  # Ada's own file is fine
    assert files_of(host / TOKEN) == old_site and mentions(host, "Dave") == []
    assert not (project / "site" / TOKEN).exists()


def test_rotate_replaces_a_token_that_cannot_be_random_and_new_never_writes_one(project, write_client, monkeypatch):
    weak = "a" * 64
    client = write_client(MINIMAL_CLIENT.replace(TOKEN, weak))
    refused = run(project, "check")
    assert refused.returncode == 1
    assert ("clients/ada-example.yaml:4: link.token: is made of only 1 different character, so it cannot be random "
            "and someone could guess the link. Make a new one with: coach-site rotate clients/ada-example.yaml"
            ) in refused.stderr
    given = fake_tokens(monkeypatch, "b" * 22, "FreshTokenQmK2xLp7RwZc5")  # the first one could never be random
    result = CliRunner().invoke(cli, ["rotate", "clients/ada-example.yaml"])
    assert result.exit_code == 0, result.output
    assert given == ["b" * 22, "FreshTokenQmK2xLp7RwZc5"]
    link = check_client(client).link
    assert (link.token, link.previous_tokens) == ("FreshTokenQmK2xLp7RwZc5", [weak])
    assert run(project, "check").returncode == 0
    assert (project / "site" / "FreshTokenQmK2xLp7RwZc5" / "index.html").exists()


def test_a_link_to_a_client_file_is_one_client_with_two_files_and_is_refused(project, write_client):
    write_client(MINIMAL_CLIENT, "base-client")
    (project / "clients" / "symlink.yaml").symlink_to("base-client.yaml")
    said = ("clients/symlink.yaml is a link to clients/base-client.yaml: one client, two files; "
            "remove the link (clients/symlink.yaml)")
    for args in (("check",), ("check", "clients/base-client.yaml"), ("build",), ("list",)):
        result = run(project, *args)
        assert result.returncode == 1 and "Traceback" not in result.stderr, args
        named_alone = args == ("check", "clients/base-client.yaml")
        assert (f"clients/symlink.yaml:4: link.token: {said}" in result.stderr) != named_alone, args
        assert f"clients/base-client.yaml:4: link.token: {said}" in result.stderr, args
    assert not (project / "site" / TOKEN).exists()  # built neither once nor twice
    (project / "clients" / "symlink.yaml").unlink()
    assert run(project, "build").returncode == 0
