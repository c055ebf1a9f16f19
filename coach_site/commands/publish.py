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
is, holds or sits inside a coach-site project (mkdocs.yml, clients/), or is the home
folder, is refused. Root files (robots.txt, .htaccess, ...) that coach-site did not write
are left as they are; nothing is made at the target when no workbook is ready.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from coach_site.clientfile.history import rotated_on
from coach_site.clientfile.link import read_link
from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.model import TOKEN_PATTERN as TOKEN_FOLDER
from coach_site.clientfile.scaffold import placeholder_problems
from coach_site.errors import CoachSiteError
from coach_site.git import GitMissing, git, identity, last_line, try_git
from coach_site.project import Project, shown_path
from coach_site.workbook.dates import human_date
from coach_site.workbook.pipeline import Built, Failed, Outcome, Skipped, check_client
from coach_site.workbook.seal import SEARCH_INDEX
from coach_site.workbook.swap import (
    is_workbook,
    refuse_linked_root_files,
    remove_site,
    front_page,
    root_file_advice,
    site_root_names,
    staged_site,
    write_site_root,
)
from coach_site.workbook.workspace import is_project, private_temp_dir


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
    # The target's own robots.txt, _headers, .htaccess: left as they are (not coach-site's).
    left_alone: list[str] = field(default_factory=list)
    nothing_new: bool = False  # a git branch already held exactly this: no commit was made
    history_replaced: list[str] = field(default_factory=list)  # why the branch became one new commit

    def advice(self, target: Target) -> str | None:
        """What the coach should add by hand to the root files that were left alone."""
        return root_file_advice(self.left_alone, str(target)) if self.left_alone else None


@dataclass(frozen=True)
class ClientTokens:
    """The tokens publish goes by: whose workbook may go out, and which must stay."""

    current: set[str]  # every client file's token: all of clients/, not only those built
    failed: set[str]  # clients whose build failed: what was published for them stays


def unfinished_clients(files: list[Path], project: Project) -> dict[Path, CoachSiteError]:
    """The client files that still hold the names `coach-site new` wrote ("First focus area"),
    each with what to replace where: they are not published, and what was published for them
    stays. A file that cannot be read is left to its build, which says what is wrong."""
    held = {}
    for client_file in files:
        try:
            problems = placeholder_problems(client_file, check_client(client_file, practice_sealed=project.sealed))
        except CoachSiteError:
            continue
        if problems:
            held[client_file] = CoachSiteError(
                "\n".join(map(str, problems)) + "\nNot published: your client would read these names as they are. "
                "Replace them, then publish again.")
    return held


def unlinked(project: Project, tokens: list[str]) -> dict[str, str]:
    """What each published workbook no client's link opens any more was, in the coach's words:
    the old link of a client who was given a new one (its token in their link.previous_tokens),
    or a workbook whose client file is gone."""
    said: dict[str, str] = {}
    for client_file in project.client_files():
        for written in read_link(client_file).previous_tokens:
            if written and written.value in tokens and written.value not in said:
                day = human_date(rotated_on(client_file, written.value))
                said[written.value] = f"the old link of {_client_name(client_file)} (rotated on {day})"
    return {token: said.get(token, "its client file is gone") for token in tokens}


def _client_name(client_file: Path) -> str:
    """The client's name as the file gives it; the file's name when it gives none."""
    try:
        client = load_client_file(client_file).data.get("client")
    except CoachSiteError:
        client = None
    name = client.get("name") if isinstance(client, dict) else None
    return " ".join(str(name).split()) if isinstance(name, (str, int)) and str(name).strip() else client_file.stem


def client_tokens(project: Project, outcomes: list[Outcome], *, prune: bool) -> ClientTokens:
    """The token of every client file of the project and of the run, and those that failed.

    With --prune, a client file whose token cannot be read stops the publish: its published
    workbook could not be told apart from a stale one, and would be removed.
    """
    # Each file by the name the coach would type, however it was given.
    tokens = {shown_path(o.client_file): o.site.name for o in outcomes if isinstance(o, (Built, Skipped))}
    unreadable = []
    for client_file in sorted({shown_path(f) for f in (*project.client_files(), *(o.client_file for o in outcomes))}):
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
    failed = {tokens[shown_path(o.client_file)] for o in outcomes
              if isinstance(o, Failed) and shown_path(o.client_file) in tokens}
    return ClientTokens(current=set(tokens.values()), failed=failed)


def parse_target(text: str) -> Target:
    if text.startswith("git:"):
        remote, _, branch = text[4:].partition("#")
        if not remote:
            raise CoachSiteError("--to git:REMOTE[#BRANCH]: name the remote (a URL, a path or a remote's name)")
        _refuse_an_option(text, remote)
        return Target("git", remote, _branch_name(text, branch))
    if text.startswith("rsync:"):
        if not text[6:]:
            raise CoachSiteError("--to rsync:[USER@HOST:]PATH: name where to copy to")
        _refuse_an_option(text, text[6:])
        return Target("rsync", text[6:])
    if _REMOTE.match(text):  # user@host:path is another machine, never a folder here
        kind = "git" if text.endswith(".git") or text.startswith("git@") else "rsync"
        raise CoachSiteError(f"--to {text}: that is another computer; say how to copy there: "
                             f"--to {kind}:{text}")
    return Target("dir", text)


_REMOTE = re.compile(r"^[^/\s@]+@[^/\s:]+:")


def _refuse_an_option(text: str, location: str) -> None:
    """git and rsync would read a location starting with `-` as one of their options."""
    if location.startswith("-"):
        raise CoachSiteError(
            f"--to {text}: a place to publish to cannot start with '-'; "
            "for a folder of that name, write ./ before it"
        )


def _branch_name(text: str, branch: str) -> str:
    """The branch as git names it: `refs/heads/main` is `main`; a name git refuses is an error."""
    branch = branch.removeprefix("refs/heads/") if branch else "gh-pages"
    try:
        checked = try_git("check-ref-format", "--branch", branch, cwd=Path.cwd())
    except GitMissing:
        return branch  # publishing says git is missing
    if checked.returncode != 0 or checked.stdout.strip() != branch:  # also `@{-1}`, which git would expand
        raise CoachSiteError(
            f"--to {text}: '{branch}' is not a branch name git accepts (no spaces, '..', '~', '^', ':', "
            "'?', '*', '[' or leading '-'); for example git:REMOTE#gh-pages"
        )
    return branch


def publish_sites(
    site_dir: Path,
    target: Target,
    *,
    current: set[str],
    failed: set[str],
    prune: bool = False,
    confirm: Callable[[list[str]], bool] = lambda orphans: False,
    confirm_rewrite: Callable[[list[str]], bool] = lambda reasons: False,
    project: Project,
) -> PublishReport:
    """Publish the site dir's workbooks of `current` tokens, except `failed` ones, and the
    site root's own files (the front page in the practice's language).

    `confirm` is asked before pruning, with the tokens that would go; `confirm_rewrite`
    before a git branch's history is replaced by one commit, with the reasons.
    """
    check_target(target, project.root)
    ready = sorted(t for t in _tokens(site_dir) if t in current and t not in failed)
    front = front_page(project)
    if target.kind == "dir":
        return _publish_to_folder(site_dir, Path(target.location), ready, current, prune, confirm, front)
    if target.kind == "git":
        return _publish_to_git(site_dir, target, ready, current, prune, confirm, confirm_rewrite, project.root, front)
    return _publish_with_rsync(site_dir, target, ready, prune, front)


def check_target(target: Target, project_root: Path) -> None:
    """Refuse a folder (or a local rsync path) that is, holds or sits inside a coach-site project,
    or that is the home folder: publishing there could overwrite or prune the coach's own files."""
    folder = _local_folder(target)
    if folder is None:
        return
    why = _why_not_a_target(folder, project_root.resolve())
    if why:
        raise CoachSiteError(
            f"not publishing to {target.location}: {why}, and publishing there could overwrite or delete "
            "your own files. Publish to a folder of its own, such as your web server's folder."
        )


def _local_folder(target: Target) -> Path | None:
    """The folder on this machine a target writes to; None for a remote one."""
    if target.kind == "dir":
        return Path(target.location).expanduser().resolve()
    if target.kind == "rsync" and _is_local_path(target.location):
        return Path(target.location).expanduser().resolve()
    return None


def _is_local_path(location: str) -> bool:
    """rsync's own rule: HOST:PATH (a ':' before any '/') and rsync:// are remote, the rest local."""
    colon, slash = location.find(":"), location.find("/")
    return colon == -1 or (slash != -1 and slash < colon)


def _why_not_a_target(folder: Path, project: Path) -> str | None:
    if folder == project:
        return "it is your coach-site project folder"
    if project in folder.parents:
        return "it is inside your coach-site project"
    if folder in project.parents:
        return "it holds your coach-site project"
    if folder == Path.home().resolve():
        return "it is your home folder"
    if (folder / "mkdocs.yml").exists() or (folder / "clients").exists():
        return "it holds a coach-site project (mkdocs.yml or clients/)"
    other = next((parent for parent in folder.parents if is_project(parent)), None)
    if other is not None:
        return f"it is inside another coach-site project ({other})"
    return None


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


def _publish_to_folder(site_dir, folder, ready, current, prune, confirm, front) -> PublishReport:
    """Each workbook swapped in whole, as in the site dir: a reader never sees half of one."""
    report = PublishReport()
    if not ready and not folder.exists():
        return report  # nothing to publish: a target that is not there yet is not made
    folder.mkdir(parents=True, exist_ok=True)
    refuse_linked_root_files(folder)  # before any workbook is copied: all or nothing
    for token in ready:
        with staged_site(folder, token) as staging:
            shutil.copytree(site_dir / token, staging, dirs_exist_ok=True)
        report.published.append(token)
    report.left_alone = write_site_root(folder, front)  # also when no workbook was published this time
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


def _publish_to_git(site_dir, target, ready, current, prune, confirm, confirm_rewrite, project_root,
                    front) -> PublishReport:
    """A new commit on the branch, with what was published before as its parent, then a push.

    The commit is made in a throw-away repository that holds only the published files,
    so nothing else of the coach's project can ever reach the branch.
    """
    try:
        return _commit_and_push(site_dir, target, ready, current, prune, confirm, confirm_rewrite, project_root,
                                front)
    except GitMissing:
        raise CoachSiteError("git is not installed; install it to publish with --to git:") from None


def _commit_and_push(site_dir, target, ready, current, prune, confirm, confirm_rewrite, project_root,
                     front) -> PublishReport:
    remote = _remote_url(target.location, project_root)
    with private_temp_dir("publish") as work:
        repo = work / "branch"
        repo.mkdir()
        git("init", "-q", cwd=repo)
        # The whole history (its file names; contents only as needed): what it still holds matters.
        fetched = try_git("fetch", "-q", "--filter=blob:none", "--", remote, f"refs/heads/{target.branch}", cwd=repo)
        if fetched.ok:
            git("checkout", "-q", "FETCH_HEAD", cwd=repo)
            _refuse_a_project_branch(repo, target)
        elif "couldn't find remote ref" not in fetched.stderr:
            raise CoachSiteError(f"cannot reach {target.location}: {last_line(fetched.stderr) or 'git fetch failed'}")
        elif not ready:
            return PublishReport()  # nothing to publish: a branch that is not there yet is not made
        else:
            git("checkout", "-q", "--orphan", target.branch, cwd=repo)
        history = set(git("log", "--format=", "--name-only", "HEAD", cwd=repo).split("\n")) if fetched.ok else set()
        report = _publish_to_folder(site_dir, repo, ready, current, prune, confirm, front)
        git("add", "-A", cwd=repo)
        reasons = _history_leaks(history, repo)
        if reasons and not confirm_rewrite(reasons):
            raise CoachSiteError("not published: the branch's history would still hold what is listed above. "
                                 "Publish again and let coach-site replace the history (or add --yes).")
        if fetched.ok and not reasons and try_git("diff", "--cached", "--quiet", "HEAD", cwd=repo).ok:
            report.nothing_new = True  # the branch holds exactly this already: no empty commit
            return report
        if reasons:  # one new commit with no parent: nothing of the old history stays on the branch
            git("checkout", "-q", "--orphan", f"{target.branch}-new", cwd=repo)
            report.history_replaced = reasons
        stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")
        count = len(report.published)
        git(*identity(project_root), "commit", "-q", "--allow-empty", "-m",
            f"Publish {count} workbook{'s' if count != 1 else ''} ({stamp})", cwd=repo)
        push = ["push", "-q", *(["--force"] if reasons else []), "--", remote, f"HEAD:refs/heads/{target.branch}"]
        git(*push, cwd=repo)
    return report


def _history_leaks(history: set[str], repo: Path) -> list[str]:
    """What older commits of the branch still give anyone who can read it, though the new
    tree does not: a workbook folder that is gone (rotated away, pruned), and the plain
    pages of a workbook that is sealed now. Each as a sentence; none when the history is clean."""
    now = set(_tokens(repo))
    earlier = {path.split("/", 1)[0] for path in history if "/" in path}
    gone = sorted(token for token in earlier - now if TOKEN_FOLDER.fullmatch(token))
    # A sealed workbook publishes no plain search index (seal.py): one in history is its plain past.
    plain_then = sorted(token for token in now if not (repo / token / SEARCH_INDEX).exists()
                        and f"{token}/{SEARCH_INDEX}" in history)
    return ([f"{token}/: a workbook no client has now (rotated to a new link, or removed)" for token in gone]
            + [f"{token}/: sealed now, but earlier commits hold its plain pages" for token in plain_then])


def _publish_with_rsync(site_dir, target, ready, prune, front) -> PublishReport:
    if shutil.which("rsync") is None:
        raise CoachSiteError("rsync is not installed on this machine; install it, or publish with --to git:... or --to DIR")
    if prune:
        raise CoachSiteError("--prune is not supported with rsync; remove old workbooks on the host by hand")
    local = _local_folder(target)
    destination = str(local) if local is not None else target.location.rstrip("/")
    report = PublishReport()
    if not ready:
        return report  # nothing to publish: the host is left as it is
    for token in ready:
        _rsync(["-a", "--mkpath", "--delete", "--", f"{site_dir / token}/", f"{destination}/{token}/"])
        report.published.append(token)
    report.left_alone = _rsync_root_files(destination, front)
    return report


def _rsync_root_files(destination: str, front: str) -> list[str]:
    """The root files, with the same rule as for a folder: the host's own ones are left as they are.

    The host's copies are fetched first, put right here, and only those that changed sent back.
    """
    names = site_root_names()
    with private_temp_dir("root-files") as work:
        root = work / "root"
        root.mkdir()
        _rsync(["-a", *(f"--include=/{name}" for name in names), "--exclude=*", "--", f"{destination}/", f"{root}/"])
        before = {name: (root / name).read_bytes() for name in names if (root / name).is_file()}
        left = write_site_root(root, front)
        changed = [name for name in names if (root / name).is_file() and before.get(name) != (root / name).read_bytes()]
        for name in changed:
            os.chmod(root / name, 0o644)  # rsync -a copies the mode: a web server must read them
        if changed:
            _rsync(["-a", "--", *(str(root / name) for name in changed), f"{destination}/"])
    return left


def _rsync(args: list[str]) -> None:
    result = subprocess.run(["rsync", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise CoachSiteError(f"rsync: {_rsync_reason(result.stderr)}")


def _rsync_reason(stderr: str) -> str:
    """The line that says what went wrong (`mkdir "..." failed: Not a directory`), not rsync's
    closing summary (`error in file IO (code 11)`), which names no cause."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    causes = [line for line in lines if not line.startswith("rsync error:")]
    shown = (causes or lines or ["failed"])[0]
    return re.sub(r"^rsync:\s*(\[\w+\]\s*)?", "", shown)
