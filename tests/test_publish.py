"""Stage 5: a new build is swapped in whole; a failed one changes nothing and leaves nothing."""

from __future__ import annotations

import hashlib
import os
import urllib.request
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT, REPO, build, customised, serve

from coach_site.commands.publish import Target, publish_sites
from coach_site.errors import BuildError, ClientFileError
from coach_site.project_loader import load_project
from coach_site.workbook.swap import (
    FRONT_PAGE_MARK,
    MARK_FILE,
    MARK_TEXT,
    ROBOTS_TXT,
    publish_site,
    remove_leftovers,
    front_page,
    staging_dir,
    write_site_root,
)

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
        (lambda project, client: (project / "content" / "_words.yaml").write_text("nav: [\n"), BuildError),
        (
            lambda project, client: (project / "mkdocs.yml").write_text(
                (project / "mkdocs.yml").read_text().replace("name: material", "name: no-such-theme")
            ),
            BuildError,
        ),
        (
            lambda project, client: customised(project, "main.html").write_text("{% block x %}"),
            BuildError,
        ),
    ],
    ids=["invalid-client", "yaml-syntax", "template-error", "words-error", "mkdocs-config", "theme-override"],
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
    assert (site_dir / "robots.txt").read_text() == ROBOTS_TXT
    assert ROBOTS_TXT.splitlines()[1:] == ["User-agent: *", "Disallow: /"]
    assert sorted(p.name for p in site_dir.iterdir() if p.is_file()) == [
        ".htaccess", ".nojekyll", "_headers", "index.html", "robots.txt"
    ]
    # A host that lists folders (python -m http.server; Apache that ignores .htaccess)
    # shows the empty front page instead of a list of tokens.
    base, stop = serve(site_dir)
    try:
        with urllib.request.urlopen(f"{base}/") as response:
            front = response.read().decode()
        with urllib.request.urlopen(f"{base}/{TOKEN}/") as response:
            assert "Ada" in response.read().decode()  # the workbook itself is served
    finally:
        stop()
    assert TOKEN not in front and "<a " not in front
    assert '<meta name="robots" content="noindex, nofollow">' in front
    assert '<meta name="referrer" content="no-referrer">' in front


# The front page of coach-site's versions before it was a template: ours, to be rewritten.
OLDER_FRONT_PAGE = """<!doctype html>
<!-- coach-site: an empty front page -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>Private</title>
</head>
<body></body>
</html>
"""


def test_a_front_page_that_is_not_ours_is_left_alone(tmp_path):
    front = front_page(load_project(REPO))
    site_dir = tmp_path / "www"
    site_dir.mkdir()
    (site_dir / "index.html").write_text("<h1>My practice</h1>")
    write_site_root(site_dir, front)
    assert (site_dir / "index.html").read_text() == "<h1>My practice</h1>"
    (site_dir / "index.html").write_text(OLDER_FRONT_PAGE.replace("Private", "Old"))  # ours, an older text
    write_site_root(site_dir, front)
    assert (site_dir / "index.html").read_text() == front


def test_the_front_page_is_in_the_practices_language_from_its_template(project, write_client, tmp_path):
    assert front_page(load_project(REPO)) == OLDER_FRONT_PAGE  # the same bytes as before it was a template
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  language: en\n", "  language: de\n"))
    client = write_client(MINIMAL_CLIENT + "language: fr\n")  # a client's own language is theirs alone
    site_dir = tmp_path / "site"
    build(client, project, site_dir)
    front = (site_dir / "index.html").read_text()
    assert '<html lang="de">' in front and "<title>Privat</title>" in front and FRONT_PAGE_MARK in front
    www = tmp_path / "www"  # and so is the host's, where publish writes it
    publish_sites(site_dir, Target("dir", str(www)), current={TOKEN}, failed=set(), project=load_project(project))
    assert (www / "index.html").read_text() == front
    # A practice's own copy wins; one without the mark is refused before anything changes.
    own = customised(project, "front-page.html.j2")
    own.write_text(own.read_text().replace("<body></body>",
                                           "<body><p>{{ _('Nothing to see here') }} &amp; more</p></body>"))
    build(client, project, site_dir)
    assert "<body><p>Nothing to see here &amp; more</p></body>" in (site_dir / "index.html").read_text()
    before = snapshot(site_dir)
    own.write_text(own.read_text().replace(FRONT_PAGE_MARK, "<!-- mine -->"))
    client.write_text(MINIMAL_CLIENT.replace("Career", "Health") + "language: fr\n")
    with pytest.raises(BuildError, match="content/front-page.html.j2 must keep the line <!-- coach-site: an empty"):
        build(client, project, site_dir)
    assert snapshot(site_dir) == before


def test_every_workbook_carries_the_mark_that_tells_nothing(published):
    _, site_dir, _ = published
    assert (site_dir / TOKEN / MARK_FILE).read_text() == MARK_TEXT
    assert TOKEN not in MARK_TEXT and "Ada" not in MARK_TEXT


def test_publish_swaps_a_staged_folder_into_place(tmp_path):
    site_dir = tmp_path / "site"
    (site_dir / TOKEN).mkdir(parents=True)
    (site_dir / TOKEN / "old.html").write_text("old")
    staged = staging_dir(site_dir)
    assert staged.stat().st_mode & 0o777 == 0o700  # private while it holds answers
    (staged / "new.html").write_text("new")
    publish_site(staged, site_dir, TOKEN)
    assert sorted(p.name for p in (site_dir / TOKEN).iterdir()) == [MARK_FILE, "new.html"]
    assert sorted(p.name for p in site_dir.iterdir() if p.is_dir()) == [TOKEN]
    assert (site_dir / TOKEN).stat().st_mode & 0o777 == 0o755  # readable by the web server


def test_an_interrupted_swap_is_put_right_by_the_next_run(tmp_path):
    """Killed between the two renames: the old workbook waits in .retired-*; it goes back."""
    site_dir = tmp_path / "site"
    retired = site_dir / ".retired-x1" / TOKEN
    retired.mkdir(parents=True)
    (retired / "index.html").write_text("published")
    half_built = site_dir / ".building-x2"
    half_built.mkdir()
    (half_built / "index.html").write_text("half")
    remove_leftovers(site_dir)
    assert (site_dir / TOKEN / "index.html").read_text() == "published"
    assert sorted(os.listdir(site_dir)) == [TOKEN]


def test_rotate_writes_a_new_token_rebuilds_and_removes_the_old_site(project, published):
    from coach_site.commands.rotate import rotate_client
    from coach_site.project_loader import load_project

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
    from conftest import EXAMPLE_CLIENT

    from coach_site.clientfile.edit import set_values

    text = EXAMPLE_CLIENT.read_text()
    old = "UDA4ZLKm-ofx5xC6qIoCDw"
    new = "A" * len(old)
    assert set_values(text, {("link", "token"): new}) == text.replace(old, new)


def test_a_rotate_that_cannot_build_changes_nothing(project, published):
    from coach_site.commands.rotate import rotate_client
    from coach_site.project_loader import load_project

    client, site_dir, before_site = published
    before = client.read_text()
    (project / "content" / "values.md.j2").write_text("{{ nope }}")
    with pytest.raises(BuildError):
        rotate_client(client, load_project(project), site_dir)
    assert client.read_text() == before
    assert snapshot(site_dir) == before_site
