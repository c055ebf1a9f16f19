"""`coach-site publish`: copy the built workbooks to where the coachees open them.

Targets:
    git:REMOTE[#BRANCH]   a commit on BRANCH (default gh-pages) pushed to REMOTE, the way
                          `mkdocs gh-deploy` does: GitHub, GitLab, Codeberg and Cloudflare
                          Pages serve from a branch, and every publish is a commit to roll back
    rsync:[USER@HOST:]PATH  rsync (over ssh), when rsync is installed
    DIR                   a local or mounted folder, such as a web server's document root

Rules, whatever the target: only the workbook folders (one per token) and the site
root's own files are published, never clients/; a client whose build failed keeps what
was published before; a published workbook whose client still has a file is never
deleted; one whose client file is gone goes only with --prune. Nothing else is ever
deleted: --prune removes only folders that carry coach-site's mark, and a target that
holds a coach-site project (mkdocs.yml, clients/) is refused.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from coach_site.errors import CoachSiteError
from coach_site.git import GitMissing, git, last_line, try_git
from coach_site.project import Project
from coach_site.workbook.pipeline import Built, Failed, Outcome, Skipped, check_client
from coach_site.workbook.swap import (
    is_workbook,
    remove_site,
    staged_site,
    write_site_root,
)
from coach_site.workbook.workspace import private_temp_dir


@dataclass(frozen=True)
class Target:
    kind: str  # "git", "rsync" or "dir"
    location: str
    branch: str = "gh-pages"

    def __str__(self) -> str:
        return f"{self.location}#{self.branch}" if self.kind == "git" else self.location


@dataclass
class PublishReport:
    published: list[str] = field(default_factory=list)  # tokens copied from the site dir
    orphans: list[str] = field(default_factory=list)  # at the target, with no client file
    pruned: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ClientTokens:
    """The tokens publish goes by: whose workbook may go out, and which must stay."""

    current: set[str]  # every client file's token: all of clients/, not only those built
    failed: set[str]  # clients whose build failed: what was published for them stays


def client_tokens(project: Project, outcomes: list[Outcome], *, prune: bool) -> ClientTokens:
    """The token of every client file of the project and of the run, and those that failed.

    With --prune, a client file whose token cannot be read stops the publish: its published
    workbook could not be told apart from a stale one, and would be removed.
    """
    tokens = {o.client_file: o.site.name for o in outcomes if isinstance(o, (Built, Skipped))}
    unreadable = []
    for client_file in sorted({*project.client_files(), *(o.client_file for o in outcomes)}):
        if client_file in tokens:
            continue  # read for this run's build already
        try:
            tokens[client_file] = check_client(client_file).link.token
        except CoachSiteError:
            unreadable.append(client_file)
    if prune and unreadable:
        raise CoachSiteError(
            f"not pruning: {', '.join(map(str, unreadable))} cannot be read, so its published workbook "
            "cannot be told apart from a stale one. Fix it, then publish again."
        )
    failed = {tokens[o.client_file] for o in outcomes if isinstance(o, Failed) and o.client_file in tokens}
    return ClientTokens(current=set(tokens.values()), failed=failed)


def parse_target(text: str) -> Target:
    if text.startswith("git:"):
        remote, _, branch = text[4:].partition("#")
        if not remote:
            raise CoachSiteError("--to git:REMOTE[#BRANCH]: name the remote (a URL, a path or a remote's name)")
        return Target("git", remote, branch or "gh-pages")
    if text.startswith("rsync:"):
        if not text[6:]:
            raise CoachSiteError("--to rsync:[USER@HOST:]PATH: name where to copy to")
        return Target("rsync", text[6:])
    return Target("dir", text)


def publish_sites(
    site_dir: Path,
    target: Target,
    *,
    current: set[str],
    failed: set[str],
    prune: bool = False,
    confirm: Callable[[list[str]], bool] = lambda orphans: False,
    project_root: Path = Path("."),
) -> PublishReport:
    """Publish the site dir's workbooks of `current` tokens, except `failed` ones.

    `confirm` is asked before pruning, with the tokens that would go.
    """
    check_target(target, project_root)
    ready = sorted(t for t in _tokens(site_dir) if t in current and t not in failed)
    if target.kind == "dir":
        return _publish_to_folder(site_dir, Path(target.location), ready, current, prune, confirm)
    if target.kind == "git":
        return _publish_to_git(site_dir, target, ready, current, prune, confirm, project_root)
    return _publish_with_rsync(site_dir, target, ready, prune)


def check_target(target: Target, project_root: Path) -> None:
    """Refuse a folder that is, holds or sits inside a coach-site project: publishing there
    could overwrite or prune the coach's own files."""
    if target.kind != "dir":
        return
    folder = Path(target.location).expanduser().resolve()
    project = project_root.resolve()
    if folder == project or project in folder.parents:
        why = "it is your coach-site project folder" if folder == project else "it is inside your coach-site project"
    elif folder in project.parents:
        why = "it holds your coach-site project"
    elif (folder / "mkdocs.yml").exists() or (folder / "clients").exists():
        why = "it holds a coach-site project (mkdocs.yml or clients/)"
    else:
        return
    raise CoachSiteError(
        f"not publishing to {target.location}: {why}, and publishing there could overwrite or delete "
        "your own files. Publish to a folder of its own, such as your web server's folder."
    )


def _refuse_a_project_branch(repo: Path, target: Target) -> None:
    """A branch that holds a coach-site project (e.g. git:origin#main) is the coach's sources."""
    found = [name for name in ("clients", "mkdocs.yml") if (repo / name).exists()]
    if found:
        raise CoachSiteError(
            f"not publishing to {target}: that branch holds a coach-site project ({' and '.join(found)}), "
            "and publishing would replace it with the workbooks. Publish to a branch of its own, "
            f"such as git:{target.location}#gh-pages (the default when no #BRANCH is given)."
        )


def _tokens(folder: Path) -> list[str]:
    """The workbook folders coach-site published here; nothing else sharing the folder."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".") and is_workbook(p))


def _publish_to_folder(site_dir, folder, ready, current, prune, confirm) -> PublishReport:
    """Each workbook swapped in whole, as in the site dir: a reader never sees half of one."""
    folder.mkdir(parents=True, exist_ok=True)
    report = PublishReport()
    for token in ready:
        with staged_site(folder, token) as staging:
            shutil.copytree(site_dir / token, staging, dirs_exist_ok=True)
        report.published.append(token)
    write_site_root(folder)  # also when no workbook was published this time
    there = _tokens(folder)
    report.orphans = [t for t in there if t not in current]
    if prune and report.orphans and confirm(report.orphans):
        report.pruned = [token for token in report.orphans if remove_site(folder, token)]
    return report


def _remote_url(remote: str, project_root: Path) -> str:
    """A remote's name in the coach's repository, a path on disk, or a URL, as git can use it."""
    if Path(remote).expanduser().exists():
        return str(Path(remote).expanduser().resolve())
    if "/" not in remote and ":" not in remote:
        named = try_git("remote", "get-url", remote, cwd=project_root)
        if named.ok:
            return named.stdout.strip()
    return remote


def _publish_to_git(site_dir, target, ready, current, prune, confirm, project_root) -> PublishReport:
    """A new commit on the branch, with what was published before as its parent, then a push.

    The commit is made in a throw-away repository that holds only the published files,
    so nothing else of the coach's project can ever reach the branch.
    """
    try:
        return _commit_and_push(site_dir, target, ready, current, prune, confirm, project_root)
    except GitMissing:
        raise CoachSiteError("git is not installed; install it to publish with --to git:") from None


def _commit_and_push(site_dir, target, ready, current, prune, confirm, project_root) -> PublishReport:
    remote = _remote_url(target.location, project_root)
    with private_temp_dir("publish") as work:
        repo = work / "branch"
        repo.mkdir()
        git("init", "-q", cwd=repo)
        fetched = try_git("fetch", "-q", "--depth=1", remote, f"refs/heads/{target.branch}", cwd=repo)
        if fetched.ok:
            git("checkout", "-q", "FETCH_HEAD", cwd=repo)
            _refuse_a_project_branch(repo, target)
        elif "couldn't find remote ref" not in fetched.stderr:
            raise CoachSiteError(f"cannot reach {target.location}: {last_line(fetched.stderr) or 'git fetch failed'}")
        else:
            git("checkout", "-q", "--orphan", target.branch, cwd=repo)
        report = _publish_to_folder(site_dir, repo, ready, current, prune, confirm)
        git("add", "-A", cwd=repo)
        stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")
        count = len(report.published)
        git(*_identity(project_root), "commit", "-q", "--allow-empty", "-m",
            f"Publish {count} workbook{'s' if count != 1 else ''} ({stamp})", cwd=repo)
        git("push", "-q", remote, f"HEAD:refs/heads/{target.branch}", cwd=repo)
    return report


def _identity(project_root: Path) -> list[str]:
    """The coach's own git identity when they have one; a neutral one otherwise."""
    name = try_git("config", "user.name", cwd=project_root).stdout.strip()
    email = try_git("config", "user.email", cwd=project_root).stdout.strip()
    return ["-c", f"user.name={name or 'coach-site'}", "-c", f"user.email={email or 'coach-site@localhost'}"]


def _publish_with_rsync(site_dir, target, ready, prune) -> PublishReport:
    if shutil.which("rsync") is None:
        raise CoachSiteError("rsync is not installed on this machine; install it, or publish with --to git:... or --to DIR")
    if prune:
        raise CoachSiteError("--prune is not supported with rsync; remove old workbooks on the host by hand")
    destination = target.location.rstrip("/")
    report = PublishReport()
    for token in ready:
        _rsync(["-a", "--mkpath", "--delete", f"{site_dir / token}/", f"{destination}/{token}/"])
        report.published.append(token)
    with tempfile.TemporaryDirectory() as root_files:
        os.chmod(root_files, 0o755)  # rsync -a copies this folder's mode to the host's folder
        write_site_root(Path(root_files))
        _rsync(["-a", "--mkpath", f"{root_files}/", f"{destination}/"])
    return report


def _rsync(args: list[str]) -> None:
    result = subprocess.run(["rsync", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise CoachSiteError(f"rsync: {last_line(result.stderr) or 'failed'}")
