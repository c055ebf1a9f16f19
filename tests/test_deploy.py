"""`coach-site publish` to real targets: a bare git repository, a folder, rsync; and `list`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL_CLIENT, PRACTICE_SITE_URL, REPO
from test_cli import run

from coach_site.commands.publish import Target, parse_target, publish_sites
from coach_site.errors import CoachSiteError
from coach_site.project_loader import load_project
from coach_site.workbook.headers import HEADERS, htaccess, netlify_headers, nginx_server
from coach_site.workbook.swap import MARK_FILE, ROBOTS_TXT

ADA = "3hVt9QmK2xLp7RwZc5NbYa"
BO = "BoBo9xQ2mK7zLp4RwTc8Nb_1"
CY = "CyCy5vH3nJ8wKq2TfX6dPg_2"


def client(name: str, token: str, extra: str = "") -> str:
    return MINIMAL_CLIENT.replace("Ada Example", name).replace(ADA, token) + extra


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={repo}", *args], capture_output=True, text=True, check=True).stdout


def tree(repo: Path, rev: str = "gh-pages") -> dict[str, str]:
    """path -> blob id of every file on the branch."""
    lines = git(repo, "ls-tree", "-r", rev).splitlines()
    return {line.split("\t")[1]: line.split()[2] for line in lines}


@pytest.fixture
def remote(tmp_path) -> Path:
    bare = tmp_path / "host.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    return bare


def test_targets_are_read_from_their_prefix():
    assert parse_target("git:origin") == Target("git", "origin", "gh-pages")
    assert parse_target("git:git@example.org:me/site.git#pages") == Target("git", "git@example.org:me/site.git", "pages")
    assert parse_target("rsync:me@host:/var/www") == Target("rsync", "me@host:/var/www")
    assert parse_target("/var/www/workbooks") == Target("dir", "/var/www/workbooks")
    with pytest.raises(CoachSiteError):
        parse_target("git:")
    # Another computer without its prefix is never taken for a folder here: the prefix is said.
    for written, meant in (("coach@host.example:/var/www/", "--to rsync:coach@host.example:/var/www/"),
                           ("git@github.com:me/workbooks.git", "--to git:git@github.com:me/workbooks.git")):
        with pytest.raises(CoachSiteError, match=meant):
            parse_target(written)


def test_git_publish_commits_each_time_and_never_publishes_a_failed_build(project, write_client, remote):
    write_client(client("Ada Example", ADA))
    write_client(client("Bo Example", BO), "bo-example")
    broken = write_client(client("Cy Example", CY, "    satisfaction: 11\n"), "cy")
    first = run(project, "publish", "--to", f"git:{remote}")
    assert first.returncode == 1  # Cy failed, and says so
    assert "clients/cy.yaml:7: focus area 1 (Career), satisfaction: 11 is not between 1 and 10" in first.stderr
    assert f"ada-example: {PRACTICE_SITE_URL}{ADA}/" in first.stdout
    files = tree(remote)
    assert f"{ADA}/index.html" in files and f"{BO}/area-career.html" in files
    assert not any(path.startswith(CY) for path in files)  # the failed client is absent
    assert {"index.html", "robots.txt", "_headers", ".htaccess", ".nojekyll"} <= set(files)
    assert not any(path.startswith(("clients", "content", "mkdocs.yml", ".coach-site")) for path in files)

    # Bo breaks; Cy is fixed; Ada changes. Bo's published copy must stay exactly as it was.
    bo_before = {p: b for p, b in files.items() if p.startswith(BO)}
    write_client(client("Bo Example", BO, "    satisfaction: 0\n"), "bo-example")
    broken.write_text(client("Cy Example", CY))
    write_client(client("Ada Example", ADA, "    outcome: Lead the team\n"))
    second = run(project, "publish", "--to", f"git:{remote}")
    assert second.returncode == 1 and "satisfaction: 0 is not between 1 and 10" in second.stderr
    after = tree(remote)
    assert {p: b for p, b in after.items() if p.startswith(BO)} == bo_before
    assert f"{CY}/index.html" in after
    assert after[f"{ADA}/area-career.html"] != files[f"{ADA}/area-career.html"]
    log = git(remote, "log", "--format=%s", "gh-pages").splitlines()
    assert len(log) == 2 and all(line.startswith("Publish ") for line in log)
    assert "Ada" not in "".join(log)  # commit messages name no client


def test_a_named_remote_of_the_coachs_repository_and_another_branch(project, write_client, remote):
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "remote", "add", "pages", str(remote)], cwd=project, check=True)
    write_client(client("Ada Example", ADA))
    result = run(project, "publish", "--to", "git:pages#site")
    assert result.returncode == 0, result.stderr
    assert f"{ADA}/index.html" in tree(remote, "site")


def test_an_unreachable_remote_is_a_clear_error(project, write_client, tmp_path):
    write_client(client("Ada Example", ADA))
    result = run(project, "publish", "--to", f"git:{tmp_path / 'nowhere.git'}")
    assert result.returncode == 1 and "cannot reach" in result.stderr and "Traceback" not in result.stderr


def test_folder_publish_keeps_clients_with_a_file_and_prunes_only_when_asked(project, write_client, tmp_path):
    www = tmp_path / "www" / "workbooks"
    ada = write_client(client("Ada Example", ADA))
    bo = write_client(client("Bo Example", BO), "bo")
    assert run(project, "publish", "--to", str(www)).returncode == 0
    assert (www / ADA / "index.html").exists() and (www / BO / "index.html").exists()
    assert (www / ADA).stat().st_mode & 0o777 == 0o755

    # Ada's local site is deleted by accident: publishing rebuilds it, never deletes it.
    shutil.rmtree(project / "site" / ADA)
    assert run(project, "publish", "--to", str(www)).returncode == 0
    assert (www / ADA / "index.html").exists()

    # Bo's file is gone: the published workbook stays until --prune, which asks first.
    bo.unlink()
    kept = run(project, "publish", "--to", str(www))
    assert (www / BO).exists()
    assert "1 published workbook is no client's link any more; --prune removes it:\n" \
           f"  {BO}/: its client file is gone\n" in kept.stderr
    refused = run_with_input(project, "n\n", "publish", "--to", str(www), "--prune")
    assert f"{BO}/" in refused.stderr and (www / BO).exists()
    pruned = run(project, "publish", "--to", str(www), "--prune", "--yes")
    assert pruned.returncode == 0 and not (www / BO).exists() and (www / ADA).exists()
    assert ada.exists()


def run_with_input(project: Path, stdin: str, *args: str) -> subprocess.CompletedProcess:
    import sys

    return subprocess.run(
        [sys.executable, "-m", "coach_site", *args], cwd=project, input=stdin, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1"},
    )


def test_prune_is_refused_while_a_client_file_cannot_be_read(project, write_client, tmp_path):
    www = tmp_path / "www"
    write_client(client("Ada Example", ADA))
    write_client("client: [\n", "broken")
    result = run(project, "publish", "--to", str(www), "--prune", "--yes")
    assert result.returncode == 1 and "not pruning: " in result.stderr and "broken.yaml" in result.stderr


def test_rsync_publishes_when_installed_and_says_so_when_not(project, write_client, tmp_path, monkeypatch):
    write_client(client("Ada Example", ADA))
    destination = tmp_path / "rsynced"
    if shutil.which("rsync") is None:
        pytest.fail("rsync is missing: run `make test`, which installs it with the other system packages")
    result = run(project, "publish", "--to", f"rsync:{destination}")
    assert result.returncode == 0, result.stderr
    assert (destination / ADA / "index.html").exists() and (destination / "_headers").exists()
    assert (destination / "index.html").exists() and (destination / ADA / MARK_FILE).exists()
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(CoachSiteError, match="rsync is not installed on this machine"):
        publish_sites(project / "site", Target("rsync", str(destination)), current={ADA}, failed=set(),
                      project=load_project(project))


def test_headers_for_every_host_say_the_same_thing():
    assert netlify_headers().startswith("/*\n")
    for name, value in HEADERS.items():
        assert f"  {name}: {value}\n" in netlify_headers()
        assert f'Header always set {name} "{value}"' in htaccess()
        assert f'add_header {name} "{value}" always;' in nginx_server()
    assert "Options -Indexes" in htaccess() and "autoindex off;" in nginx_server()
    assert HEADERS["X-Robots-Tag"] == "noindex, nofollow" and HEADERS["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self';" in HEADERS["Content-Security-Policy"]
    documented = (REPO / "docs" / "nginx.conf").read_text()
    assert nginx_server() in documented, "docs/nginx.conf is out of date with coach_site/workbook/headers.py"


def test_list_shows_every_client_sorted_by_next_session(project, write_client):
    write_client(client("Ada Example", ADA).replace("link:", "sessions: {next: 2026-12-09}\nlink:"))
    write_client(client("Bo Example", BO).replace("link:", "sessions: {next: 2026-12-02}\nhomework: {due: 2026-11-30}\nlink:"), "bo")
    write_client("client: [\n", "broken")
    assert run(project, "build", "clients/bo.yaml").returncode == 0
    result = run(project, "list")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["next", "homework", "last", "since"]
    assert lines[1].split() == ["client", "session", "due", "overdue", "reflections", "session"]
    # A row per client, then its build state and the day its file changed, then its link.
    assert lines[2].startswith("bo ") and "2 Dec 2026" in lines[2] and "30 Nov 2026" in lines[2]
    assert lines[3].startswith("  up to date; updated ") and lines[4] == f"  {PRACTICE_SITE_URL}{BO}/"
    assert lines[5].startswith("ada-example") and "9 Dec 2026" in lines[5] and lines[6].startswith("  not built")
    assert lines[8].startswith("broken") and lines[9].startswith("  cannot build")
    write_client(client("Bo Example", BO).replace("link:", "sessions: {next: 2026-12-02}\nlink:"), "bo")
    assert "changed since built" in run(project, "list").stdout


def test_from_new_to_a_published_link_as_the_readme_tells(project, remote):
    """The README's GitHub steps, up to the push (to a bare repository on disk)."""
    assert run(project, "new", "Priya Natarajan", "--email", "priya@example.org").returncode == 0
    path = project / "clients" / "priya-natarajan.yaml"
    path.write_text(path.read_text().replace("  - name: First focus area", "  - name: Career")
                    .replace("  - name: First value", "  - name: Courage"))
    assert run(project, "check", "clients/priya-natarajan.yaml").returncode == 0
    published = run(project, "publish", "--to", f"git:{remote}")
    assert published.returncode == 0, published.stderr
    link = published.stdout.strip().splitlines()[-1].split(": ", 1)[1]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert link == f"{PRACTICE_SITE_URL}{token}/"
    page = git(remote, "show", f"gh-pages:{token}/index.html")
    assert "Hi Priya" in page and '<meta name="robots" content="noindex, nofollow">' in page
    assert not any("priya" in path_ for path_ in tree(remote))  # no client file, no name in any path


# Nothing is deleted that is not a workbook.

def commit_project(project: Path, remote: Path) -> None:
    """The coach's project under git, pushed to `remote` as main and named origin."""
    def git_here(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=Coach", "-c", "user.email=coach@example.org", *args],
                       cwd=project, check=True, capture_output=True)

    git_here("init", "-q", "-b", "main")
    git_here("add", "-A")
    git_here("commit", "-q", "-m", "my coaching")
    git_here("remote", "add", "origin", str(remote))
    git_here("push", "-q", "origin", "main")


@pytest.mark.parametrize("to", [".", "clients/..", "site", "..", "{elsewhere}"],
                         ids=["the-project", "the-project-again", "inside-it", "around-it", "another-project"])
def test_a_target_that_holds_a_project_is_refused_and_nothing_is_deleted(project, write_client, tmp_path, to):
    elsewhere = tmp_path / "other-project"
    (elsewhere / "clients").mkdir(parents=True)
    (elsewhere / "clients" / "theirs.yaml").write_text("client: {name: Someone}\n")
    ada = write_client(client("Ada Example", ADA))
    before = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if ".coach-site" not in p.parts}
    result = run(project, "publish", "--to", to.format(elsewhere=elsewhere), "--prune", "--yes")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not publishing to" in result.stderr and "Publish to a folder of its own" in result.stderr
    assert ada.exists() and (elsewhere / "clients" / "theirs.yaml").exists()
    after = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if ".coach-site" not in p.parts}
    assert after == before  # refused before anything was built, copied or deleted


@pytest.mark.parametrize("to", ["git:origin#main", "git:.#main"], ids=["origin-main", "the-project-repo"])
def test_a_branch_that_holds_the_project_is_refused(project, write_client, remote, to):
    write_client(client("Ada Example", ADA))
    commit_project(project, remote)
    before = tree(remote, "main")
    head = git(project / ".git", "rev-parse", "main")
    result = run(project, "publish", "--to", to, "--prune", "--yes")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "that branch holds a coach-site project (clients and mkdocs.yml)" in result.stderr
    assert "Publish to a branch of its own" in result.stderr
    assert tree(remote, "main") == before and "clients/ada-example.yaml" in before
    assert git(project / ".git", "rev-parse", "main") == head
    # The project's own repository may still carry the published branch, as mkdocs gh-deploy does.
    assert run(project, "publish", "--to", "git:origin").returncode == 0
    assert f"{ADA}/index.html" in tree(remote, "gh-pages") and "clients/ada-example.yaml" not in tree(remote)


def test_prune_removes_only_workbooks_never_a_blog_beside_them(project, write_client, tmp_path):
    www = tmp_path / "www"
    (www / "blog").mkdir(parents=True)
    (www / "blog" / "index.html").write_text("my blog")
    (www / "index.html").write_text("my home page")
    write_client(client("Ada Example", ADA))
    bo = write_client(client("Bo Example", BO), "bo")
    assert run(project, "publish", "--to", str(www)).returncode == 0
    bo.unlink()
    result = run(project, "publish", "--to", str(www), "--prune", "--yes")
    assert result.returncode == 0, result.stderr
    assert "blog" not in result.stderr and f"  {BO}/: its client file is gone" in result.stderr
    assert not (www / BO).exists() and (www / ADA / "index.html").exists()
    assert (www / "blog" / "index.html").read_text() == "my blog"
    assert (www / "index.html").read_text() == "my home page"  # a front page not ours stays


def test_git_prune_keeps_what_coach_site_did_not_publish(project, write_client, remote, tmp_path):
    # The branch already holds someone's blog.
    seed = tmp_path / "seed"
    subprocess.run(["git", "init", "-q", "-b", "gh-pages", str(seed)], check=True)
    (seed / "blog").mkdir()
    (seed / "blog" / "post.html").write_text("a post")
    subprocess.run(["git", "-C", str(seed), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(seed), "-c", "user.name=A", "-c", "user.email=a@example.org",
                    "commit", "-q", "-m", "blog"], check=True)
    subprocess.run(["git", "-C", str(seed), "push", "-q", str(remote), "gh-pages"], check=True)
    write_client(client("Ada Example", ADA))
    bo = write_client(client("Bo Example", BO), "bo")
    assert run(project, "publish", "--to", f"git:{remote}").returncode == 0
    bo.unlink()
    result = run(project, "publish", "--to", f"git:{remote}", "--prune", "--yes")
    assert result.returncode == 0, result.stderr
    assert "blog" not in result.stderr and f"Removed 1 workbook from {remote}#gh-pages:\n" \
           f"  {BO}/: its client file is gone\n" in result.stderr
    files = tree(remote)
    assert "blog/post.html" in files and f"{ADA}/index.html" in files
    assert not any(path.startswith(BO) for path in files)


def test_prune_removes_the_workbook_of_a_rotated_link(project, write_client, tmp_path):
    """The README: after rotate, the old link works on the host until publish --prune."""
    www = tmp_path / "www"
    write_client(client("Ada Example", ADA))
    assert run(project, "publish", "--to", str(www)).returncode == 0
    rotated = run(project, "rotate", "clients/ada-example.yaml")
    assert rotated.returncode == 0, rotated.stderr
    assert "when you publish with --prune" in rotated.stderr
    new = rotated.stdout.split("new link ")[1].strip().rstrip("/").rsplit("/", 1)[-1]
    assert run(project, "publish", "--to", str(www)).returncode == 0
    assert (www / ADA).exists() and (www / new / "index.html").exists()  # old link still works
    assert run(project, "publish", "--to", str(www), "--prune", "--yes").returncode == 0
    assert not (www / ADA).exists() and (www / new / "index.html").exists()


def test_after_rotate_publish_names_the_old_link_and_the_day_it_was_rotated(project, write_client, tmp_path):
    """Not "no client file": the client is there, with a new link; the old one is theirs, retired."""
    www = tmp_path / "www"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "GIT_AUTHOR_NAME": "Robin", "GIT_AUTHOR_EMAIL": "r@example.org",
           "GIT_COMMITTER_NAME": "Robin", "GIT_COMMITTER_EMAIL": "r@example.org"}

    def commit(day: str) -> None:
        for args in (["add", "-A"], ["commit", "-q", "-m", "session"]):
            subprocess.run(["git", *args], cwd=project, check=True,
                           env={**env, "GIT_COMMITTER_DATE": f"{day}T10:00:00", "GIT_AUTHOR_DATE": f"{day}T10:00:00"})

    subprocess.run(["git", "init", "-q"], cwd=project, check=True, env=env)
    write_client(client("Ada Example", ADA))
    commit("2026-10-01")
    assert run(project, "publish", "--to", str(www)).returncode == 0
    assert run(project, "rotate", "clients/ada-example.yaml").returncode == 0
    # Not committed yet: the day is the client file's own.
    os.utime(project / "clients" / "ada-example.yaml", (1_793_016_000, 1_793_016_000))  # noon, 26 October 2026 (UTC)
    kept = run(project, "publish", "--to", str(www))
    assert kept.returncode == 0, kept.stderr
    assert "1 published workbook is no client's link any more; --prune removes it:\n" \
           f"  {ADA}/: the old link of Ada Example (rotated on 26 October 2026)\n" in kept.stderr
    assert "client file" not in kept.stderr
    commit("2026-11-03")  # the rotation committed: its day is the commit's
    asked = run_with_input(project, "n\n", "publish", "--to", str(www), "--prune")
    assert f"  {ADA}/: the old link of Ada Example (rotated on 3 November 2026)\n" in asked.stderr
    assert (www / ADA).exists()
    pruned = run(project, "publish", "--to", str(www), "--prune", "--yes")
    assert f"Removed 1 workbook from {www}:\n  {ADA}/: the old link of Ada Example (rotated on 3 November 2026)" \
        in pruned.stderr and not (www / ADA).exists()


def test_a_client_still_holding_the_names_new_wrote_is_not_published(project, write_client, tmp_path):
    www = tmp_path / "www"
    write_client(client("Ada Example", ADA))
    assert run(project, "new", "Bo Example").returncode == 0
    bo = project / "clients" / "bo-example.yaml"
    result = run(project, "publish", "--to", str(www))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = bo.read_text().splitlines()
    value_line = lines.index("  - name: First value") + 1
    area_line = next(i for i, line in enumerate(lines, 1) if "name: First focus area" in line)
    assert f'clients/bo-example.yaml:{value_line}: value 1 (First value), name: "First value" is still the name ' \
           "`coach-site new` wrote: give the value its own name, or delete its two lines" in result.stderr
    assert f'clients/bo-example.yaml:{area_line}: focus area 1 (First focus area), name: "First focus area" is ' \
           "still the name `coach-site new` wrote: give the area its own name, or delete the area" in result.stderr
    assert "1 client still holds the names `coach-site new` wrote; their published sites were left as they were" \
        in result.stderr
    bo_token = yaml.safe_load(bo.read_text())["link"]["token"]
    assert (www / ADA / "index.html").is_file() and not (www / bo_token).exists()  # the others go out
    bo.write_text(bo.read_text().replace("First focus area", "Health").replace("First value", "Courage"))
    assert run(project, "publish", "--to", str(www)).returncode == 0
    assert (www / bo_token / "index.html").is_file()


# Where publishing may write, and what it leaves alone.

def snapshot_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("to", ["rsync:{project}", "rsync:.", "rsync:site", "rsync:{tmp}/other/www", "{tmp}/other/www",
                                "{home}", "rsync:{home}", "/", "rsync:/"],
                         ids=["rsync-the-project", "rsync-dot", "rsync-inside", "rsync-in-another-project",
                              "in-another-project", "home", "rsync-home", "top", "rsync-top"])
def test_a_target_among_the_coachs_own_files_is_refused_before_anything_is_built(
    project, write_client, tmp_path, to
):
    other = tmp_path / "other"
    (other / "clients").mkdir(parents=True)
    (other / "mkdocs.yml").write_text("site_name: theirs\n")
    home = tmp_path / "home"
    home.mkdir()
    write_client(client("Ada Example", ADA))
    before = snapshot_of(tmp_path)
    result = subprocess.run(
        [__import__("sys").executable, "-m", "coach_site", "publish", "--to",
         to.format(project=project, tmp=tmp_path, home=home)],
        cwd=project, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(home), "NO_COLOR": "1"},
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not publishing to" in result.stderr and "Publish to a folder of its own" in result.stderr
    assert snapshot_of(tmp_path) == before


@pytest.mark.parametrize("to", ["rsync:-e sh -c 'touch {tmp}/ran' x:/y", "rsync:--version", "git:--upload-pack=touch {tmp}/ran"])
def test_a_target_that_would_be_read_as_an_option_is_refused(project, write_client, tmp_path, to):
    write_client(client("Ada Example", ADA))
    result = run(project, "publish", "--to", to.format(tmp=tmp_path))
    assert result.returncode == 1 and "Published" not in result.stderr
    assert "cannot start with '-'" in result.stderr
    assert not (tmp_path / "ran").exists()


def test_rsync_to_a_relative_path_works_and_a_failure_says_why(project, write_client, tmp_path):
    write_client(client("Ada Example", ADA))
    result = run(project, "publish", "--to", "rsync:../t/w3")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "t" / "w3" / ADA / "index.html").is_file()
    (tmp_path / "a-file").write_text("not a folder")
    failed = run(project, "publish", "--to", f"rsync:{tmp_path}/a-file/www")
    assert failed.returncode == 1 and "Not a directory" in failed.stderr, failed.stderr
    assert "code 11" not in failed.stderr


def test_branch_names_as_git_writes_them(project, write_client, remote):
    write_client(client("Ada Example", ADA))
    assert parse_target("git:origin#refs/heads/pages") == Target("git", "origin", "pages")
    result = run(project, "publish", "--to", f"git:{remote}#refs/heads/pages")
    assert result.returncode == 0, result.stderr
    assert git(remote, "for-each-ref", "--format=%(refname)").split() == ["refs/heads/pages"]
    for odd in ("a..b", "with space", "-x", "x.lock", "refs/heads/"):
        refused = run(project, "publish", "--to", f"git:{remote}#{odd}")
        assert refused.returncode == 1 and "is not a branch name git accepts" in refused.stderr, odd
    assert git(remote, "for-each-ref", "--format=%(refname)").split() == ["refs/heads/pages"]


def test_when_every_client_fails_no_target_is_made(project, write_client, tmp_path, remote):
    write_client(client("Ada Example", ADA, "    satisfaction: 11\n"))
    www = tmp_path / "www"
    for to in (str(www), f"git:{remote}", f"rsync:{tmp_path / 'rsynced'}"):
        result = run(project, "publish", "--to", to)
        assert result.returncode == 1 and "satisfaction: 11" in result.stderr, to
        assert "1 client failed to build" in result.stderr and "rsync:" not in result.stderr, to
    assert not www.exists() and not (tmp_path / "rsynced").exists()
    assert git(remote, "for-each-ref") == ""
    # A target that is there already still gets its root files put right.
    www.mkdir()
    assert run(project, "publish", "--to", str(www)).returncode == 1
    assert (www / "robots.txt").is_file()


THEIR_ROBOTS = "User-agent: *\nAllow: /\nSitemap: https://example.org/sitemap.xml\n"
THEIR_HTACCESS = "RewriteEngine On\nRewriteRule ^old$ /blog/ [R=301]\n"


def their_site(folder: Path) -> None:
    """A host's folder with a blog, its own front page, robots.txt and .htaccess."""
    (folder / "blog").mkdir(parents=True)
    (folder / "blog" / "index.html").write_text("my blog")
    (folder / "index.html").write_text("my home page")
    (folder / "robots.txt").write_text(THEIR_ROBOTS)
    (folder / ".htaccess").write_text(THEIR_HTACCESS)


def assert_told_what_to_add(stderr: str) -> None:
    assert stderr.count("Left your own robots.txt, .htaccess in") == 1
    assert "Add these lines to robots.txt" in stderr and "    Disallow: /" in stderr
    assert "Add these lines to .htaccess" in stderr and "    Options -Indexes" in stderr
    assert '    Header always set X-Robots-Tag "noindex, nofollow"' in stderr
    assert "Add these lines to _headers" not in stderr  # absent there: written


def test_the_hosts_own_root_files_are_left_alone_in_a_folder(project, write_client, tmp_path):
    www = tmp_path / "www"
    their_site(www)
    write_client(client("Ada Example", ADA))
    result = run(project, "publish", "--to", str(www))
    assert result.returncode == 0, result.stderr
    assert (www / "robots.txt").read_text() == THEIR_ROBOTS and (www / ".htaccess").read_text() == THEIR_HTACCESS
    assert (www / "index.html").read_text() == "my home page" and (www / ADA / "index.html").is_file()
    assert (www / "_headers").read_text().startswith("# coach-site") and (www / ".nojekyll").exists()
    assert_told_what_to_add(result.stderr)
    # Ours, as an older coach-site wrote them (no mark on robots.txt): put right, without a word.
    (www / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    (www / ".htaccess").write_text("# Written by coach-site: private workbooks.\nOptions -Indexes\n")
    again = run(project, "publish", "--to", str(www))
    assert again.returncode == 0 and "Left your own" not in again.stderr
    assert (www / "robots.txt").read_text() == ROBOTS_TXT and (www / ".htaccess").read_text() == htaccess()


def test_the_hosts_own_root_files_are_left_alone_on_a_branch(project, write_client, remote, tmp_path):
    seed = tmp_path / "seed"
    subprocess.run(["git", "init", "-q", "-b", "gh-pages", str(seed)], check=True)
    their_site(seed)
    subprocess.run(["git", "-C", str(seed), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(seed), "-c", "user.name=A", "-c", "user.email=a@example.org",
                    "commit", "-q", "-m", "blog"], check=True)
    subprocess.run(["git", "-C", str(seed), "push", "-q", str(remote), "gh-pages"], check=True)
    write_client(client("Ada Example", ADA))
    result = run(project, "publish", "--to", f"git:{remote}")
    assert result.returncode == 0, result.stderr
    assert git(remote, "show", "gh-pages:robots.txt") == THEIR_ROBOTS
    assert git(remote, "show", "gh-pages:.htaccess") == THEIR_HTACCESS
    assert git(remote, "show", "gh-pages:index.html") == "my home page"
    assert f"{ADA}/index.html" in tree(remote) and "blog/index.html" in tree(remote)
    assert_told_what_to_add(result.stderr)


def test_the_hosts_own_root_files_are_left_alone_by_rsync(project, write_client, tmp_path):
    www = tmp_path / "www"
    their_site(www)
    write_client(client("Ada Example", ADA))
    result = run(project, "publish", "--to", f"rsync:{www}")
    assert result.returncode == 0, result.stderr
    assert (www / "robots.txt").read_text() == THEIR_ROBOTS and (www / ".htaccess").read_text() == THEIR_HTACCESS
    assert (www / "index.html").read_text() == "my home page" and (www / ADA / "index.html").is_file()
    assert (www / "_headers").read_text().startswith("# coach-site")
    assert (www / "_headers").stat().st_mode & 0o777 == 0o644
    assert_told_what_to_add(result.stderr)
