"""Stage 5: a new build is swapped in whole; a failed one changes nothing and leaves nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from coach_site.errors import BuildError, ClientFileError
from coach_site.publish import ROBOTS_TXT, publish_site, staging_dir
from conftest import MINIMAL_CLIENT, build

TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder with the hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def published(project, write_client, tmp_path):
    client = write_client(MINIMAL_CLIENT)
    site_dir = tmp_path / "site"
    build(client, project, site_dir)
    return client, site_dir, snapshot(site_dir)


def test_a_rebuild_replaces_the_whole_site(project, published):
    client, site_dir, _ = published
    assert (site_dir / TOKEN / "area-career.html").exists()
    client.write_text(MINIMAL_CLIENT.replace("Career", "Health"))
    build(client, project, site_dir)
    assert (site_dir / TOKEN / "area-health.html").exists()
    assert not (site_dir / TOKEN / "area-career.html").exists()  # nothing stale survives
    assert sorted(p.name for p in site_dir.iterdir() if p.is_dir()) == [TOKEN]


@pytest.mark.parametrize(
    "breakage, error",
    [
        (lambda project, client: client.write_text(MINIMAL_CLIENT + "  - name: Career\n"), ClientFileError),
        (lambda project, client: client.write_text("client: [\n"), ClientFileError),
        (lambda project, client: (project / "content" / "values.md.j2").write_text("{{ nope }}"), BuildError),
        (
            lambda project, client: (project / "mkdocs.yml").write_text(
                (project / "mkdocs.yml").read_text().replace("name: material", "name: no-such-theme")
            ),
            BuildError,
        ),
        (
            lambda project, client: (project / "overrides" / "main.html").write_text("{% block x %}"),
            BuildError,
        ),
    ],
    ids=["invalid-client", "yaml-syntax", "template-error", "mkdocs-config", "theme-override"],
)
def test_a_failed_build_leaves_the_published_site_byte_for_byte(project, published, breakage, error):
    client, site_dir, before = published
    breakage(project, client)
    with pytest.raises(error):
        build(client, project, site_dir)
    assert snapshot(site_dir) == before
    assert not [p for p in site_dir.iterdir() if p.is_dir() and p.name.startswith(".")], "temporary folders left behind"


def test_the_site_root_keeps_crawlers_out_and_lists_no_client(published):
    _, site_dir, _ = published
    assert (site_dir / "robots.txt").read_text() == ROBOTS_TXT == "User-agent: *\nDisallow: /\n"
    assert sorted(p.name for p in site_dir.iterdir() if p.is_file()) == [
        ".htaccess", ".nojekyll", "_headers", "robots.txt"
    ]


def test_publish_swaps_a_staged_folder_into_place(tmp_path):
    site_dir = tmp_path / "site"
    (site_dir / TOKEN).mkdir(parents=True)
    (site_dir / TOKEN / "old.html").write_text("old")
    staged = staging_dir(site_dir)
    (staged / "new.html").write_text("new")
    publish_site(staged, site_dir, TOKEN)
    assert [p.name for p in (site_dir / TOKEN).iterdir()] == ["new.html"]
    assert sorted(p.name for p in site_dir.iterdir() if p.is_dir()) == [TOKEN]


def test_rotate_writes_a_new_token_rebuilds_and_removes_the_old_site(project, published):
    from coach_site.pipeline import rotate_client
    from coach_site.project import load_project

    client, site_dir, _ = published
    before = client.read_text()
    result = rotate_client(client, load_project(project), site_dir)
    after = client.read_text()
    new_token = result.link.rstrip("/").rsplit("/", 1)[-1]
    assert new_token != TOKEN and len(new_token) >= 22
    # Only the token's line changed, and the old token went to previous_tokens (nothing else).
    assert after == before.replace(f"  token: {TOKEN}\n", f"  token: {new_token}\n  previous_tokens:\n    - {TOKEN}\n")
    assert (site_dir / new_token / "index.html").exists()
    assert not (site_dir / TOKEN).exists()
    assert not [p for p in site_dir.iterdir() if p.is_dir() and p.name.startswith(".")]


def test_rotate_keeps_comments_and_layout_of_the_example_file(tmp_path):
    from coach_site.client_edit import set_values
    from conftest import EXAMPLE_CLIENT

    text = EXAMPLE_CLIENT.read_text()
    old = "UDA4ZLKm-ofx5xC6qIoCDw"
    new = "A" * len(old)
    assert set_values(text, {("link", "token"): new}) == text.replace(old, new)


def test_a_rotate_that_cannot_build_changes_nothing(project, published):
    from coach_site.pipeline import rotate_client
    from coach_site.project import load_project

    client, site_dir, before_site = published
    before = client.read_text()
    (project / "content" / "values.md.j2").write_text("{{ nope }}")
    with pytest.raises(BuildError):
        rotate_client(client, load_project(project), site_dir)
    assert client.read_text() == before
    assert snapshot(site_dir) == before_site
