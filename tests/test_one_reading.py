"""Every reader of a client file's link agrees with the loader and the model.

The readers that look up a file's token, earlier tokens, sealed flag and key on every run
once read files their own way: a copy that kept another client's token then got past the
duplicate check and was published over that client's workbook, and a sealed file had a
new key written over its own on every build. Each way they disagreed is tried here through
the real CLI, and a property test holds the reader to the model on random files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT, PRACTICE_SITE_URL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach_site.clientfile.link import read_link
from coach_site.clientfile.loader import load_client_bytes
from coach_site.clientfile.validate import validate_client
from coach_site.errors import ClientFileError

TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"
OTHER = "Q7mXw2RtK9pLz4HvN8cBd_3"
KEY = "rZ3kq8Vb2N7xWp4Lm9Tc6Hy1Jd5Gf0Sa_e-QuXoPiKw"
EXAMPLES = int(os.environ.get("COACH_SITE_EXAMPLES", "300"))


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1", "XDG_CACHE_HOME": str(project / ".cache")}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300)


# Ways of writing a copy of Ada's file that the model reads with Ada's token, and the quick
# readers once did not.
COPIES = {
    "a surrogate pair escape": MINIMAL_CLIENT.replace("name: Ada Example", 'name: "Bob \\uD83D\\uDE00"'),
    "a %YAML 1.3 directive": "%YAML 1.3\n---\n" + MINIMAL_CLIENT.replace("Ada Example", "Bob"),
    "a space inside the token's quotes": MINIMAL_CLIENT.replace(f"token: {TOKEN}", f'token: "{TOKEN} "')
                                                      .replace("Ada Example", "Bob"),
}


@pytest.mark.parametrize("how", COPIES)
def test_a_copy_that_keeps_anothers_token_is_refused_however_it_is_written(project, write_client, how, tmp_path):
    write_client(MINIMAL_CLIENT, "ada")
    copy = write_client(COPIES[how], "bob")
    assert validate_client(load_client_bytes(copy.read_bytes(), copy)).link.token == TOKEN  # the model's reading
    checked = run(project, "check")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "clients/bob.yaml" in checked.stdout + checked.stderr and "the same private link" in checked.stdout + checked.stderr
    published = run(project, "publish", "--to", str(tmp_path / "www"))
    assert published.returncode == 1 and not (tmp_path / "www" / TOKEN).exists()


def test_an_earlier_token_written_without_its_dash_is_still_that_clients(project, write_client):
    # Bo rotated away from OTHER (one earlier token, written without `- `); Cy copied Bo's old file.
    write_client(MINIMAL_CLIENT.replace("Ada Example", "Bo").replace("link:\n", f"link:\n  previous_tokens: {OTHER}\n"),
                 "bo")
    write_client(MINIMAL_CLIENT.replace("Ada Example", "Cy").replace(TOKEN, OTHER), "cy")
    checked = run(project, "check")
    assert checked.returncode == 1 and "the earlier private link of clients/bo.yaml" in checked.stdout + checked.stderr


def sealed_practice(project: Path) -> None:
    settings_file = project / "mkdocs.yml"
    settings_file.write_text(settings_file.read_text(encoding="utf-8").replace("extra:\n", "extra:\n  sealed: true\n", 1),
                             encoding="utf-8")


@pytest.mark.parametrize("how", COPIES)
def test_a_key_that_is_there_is_never_written_over(project, write_client, how):
    sealed_practice(project)
    client = write_client(COPIES[how].replace("link:\n", f"link:\n  key: {KEY}\n"), "bob")
    before = client.read_bytes()
    for command in (("build",), ("build", "--force"), ("email", "clients/bob.yaml")):
        result = run(project, *command)
        assert "a new key was written" not in result.stdout + result.stderr
        assert client.read_bytes() == before
    skipped = run(project, "build")  # unchanged: skipped, and still printed with its key
    assert "skipped 1" in skipped.stderr and f"{TOKEN}/#{KEY}" in skipped.stdout


def test_a_key_the_model_refuses_is_not_replaced_either(project, write_client):
    sealed_practice(project)
    client = write_client(MINIMAL_CLIENT.replace("link:\n", "link:\n  key: too-short\n"), "ada")
    before = client.read_bytes()
    result = run(project, "build")
    assert result.returncode == 1 and "key" in result.stderr
    assert client.read_bytes() == before


def test_two_clients_with_one_key_are_refused_naming_both(project, write_client):
    write_client(MINIMAL_CLIENT.replace("link:\n", f"link:\n  sealed: true\n  key: {KEY}\n"), "ada")
    write_client(MINIMAL_CLIENT.replace("Ada Example", "Bo").replace(TOKEN, OTHER)
                 .replace("link:\n", f"link:\n  sealed: true\n  key: {KEY}\n"), "bo")
    checked = run(project, "check")
    output = checked.stdout + checked.stderr
    assert checked.returncode == 1
    assert "clients/ada.yaml:5: link.key: the same key as clients/bo.yaml:5" in output
    assert "clients/bo.yaml:5: link.key: the same key as clients/ada.yaml:5" in output
    built = run(project, "build")
    assert built.returncode == 1 and not (project / "site" / TOKEN).exists() and not (project / "site" / OTHER).exists()
    rotated = run(project, "rotate", "clients/bo.yaml")
    assert rotated.returncode == 0, rotated.stderr
    assert run(project, "check").returncode == 0  # rotate gave Bo a key of their own


# ---- the property: the reader's link is the model's ------------------------------------------

token_text = st.sampled_from([TOKEN, OTHER, "X" * 21, "short", ""])
written_token = st.builds(lambda token, style: {"plain": token, "double": f'"{token}"', "single": f"'{token}'",
                                                 "spaced": f'"  {token} "'}[style],
                          token_text, st.sampled_from(["plain", "double", "single", "spaced"]))
previous = st.one_of(
    st.just(""),
    written_token.map(lambda t: f"  previous_tokens: {t}\n"),
    st.lists(written_token, min_size=1, max_size=3).map(
        lambda ts: "  previous_tokens:\n" + "".join(f"    - {t}\n" for t in ts)),
    st.lists(written_token, max_size=3).map(lambda ts: f"  previous_tokens: [{', '.join(ts)}]\n"),
)
sealed = st.sampled_from(["", "  sealed: true\n", "  sealed: yes\n", "  sealed: false\n", "  sealed: True\n",
                          "  sealed: maybe\n", '  sealed: "true"\n'])
key = st.sampled_from(["", f"  key: {KEY}\n", f'  key: "{KEY}"\n', f"  key: ' {KEY}'\n", "  key: nope\n", "  key:\n"])
name = st.sampled_from(["Ada", '"Bob \\uD83D\\uDE00"', "Café", '"\\u00e9t\\u00e9"', "'O''Brien'"])
header = st.sampled_from(["", "%YAML 1.1\n---\n", "%YAML 1.3\n---\n", "---\n", "\ufeff"])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=header, name=name, token=written_token, previous=previous, sealed=sealed, key=key)
def test_the_readers_link_is_the_models_for_every_file_the_model_accepts(tmp_path, header, name, token, previous,
                                                                          sealed, key):
    text = f"{header}client:\n  name: {name}\nlink:\n  token: {token}\n{previous}{sealed}{key}"
    path = tmp_path / "client.yaml"
    raw = text.encode("utf-8")
    try:
        model = validate_client(load_client_bytes(raw, path), weak_token_ok=True).link
    except ClientFileError:
        return  # the model refuses it: such a file is never built
    link = read_link(path, raw)
    assert link.readable
    assert link.token is not None and link.token.value == model.token
    assert [t.value for t in link.previous_tokens] == list(model.previous_tokens)
    assert link.sealed == model.sealed
    assert (link.key.value if link.key else None) == model.key
