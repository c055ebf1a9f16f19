"""One client, one link: find client files whose links have the same token (or key).

Copying an old client file is the quickest way to start a new one, and it copies the
token too. Both workbooks would then be published at one link, the second over the
first, so every command that builds or lists refuses such files until one is rotated.
A sealed file's key is refused the same way: one client's link must never open another's.

Links are read by `link.read_link`, the loader's own reading of the file (about 0.5 ms a
file), so every client file of the project can be looked at on every run, even when
nothing changed, and never differently from `check`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from coach_site.clientfile.link import LinkAsWritten, read_link
from coach_site.errors import CoachSiteError, Problem
from coach_site.git import git
from coach_site.project import shown_path

FIELD = "link.token"
KEY_FIELD = "link.key"


@dataclass(frozen=True)
class TokenUse:
    """The token (or key) one client file gives its link, and the line it is on."""

    file: Path
    token: str
    line: int


def read_token(path: Path, source: bytes | None = None) -> TokenUse | None:
    """The file's link token, without checking the rest of the file (from `source`, its
    bytes, when the caller has read them already).

    None when the file cannot be read or its token could never be valid: such a
    file fails its own check, so it is never built.
    """
    return _use(read_link(path, source), "token")


def _use(link: LinkAsWritten, name: str) -> TokenUse | None:
    written = getattr(link, name)
    return TokenUse(link.file, written.value, written.line or 1) if written else None


def tokens_in_use(files: Iterable[Path]) -> set[str]:
    """Every token these client files give their links, and every one they had before:
    a new link must never be one that once opened another client's workbook."""
    used = set()
    for path in files:
        link = read_link(path)
        used.update(written.value for written in [link.token, *link.previous_tokens] if written)
    return used


def shared_links(files: Iterable[Path], sources: Mapping[Path, bytes] | None = None) -> dict[Path, Problem]:
    """For each file whose token another of `files` also has, now or before it was rotated
    (its link.previous_tokens), or whose key another has: the problem to report on it.

    Keyed by `file_key`, so `clients/a.yaml` and its absolute path are one file, but a
    link to a client file is a second file with the same token: one client, two files.
    `sources` holds the bytes of files the caller has read already (by `file_key`).
    """
    sources = sources or {}
    by_token: dict[str, list[TokenUse]] = defaultdict(list)
    by_key: dict[str, list[TokenUse]] = defaultdict(list)
    earlier: list[TokenUse] = []  # every file's previous tokens
    for key, path in _unique(files).items():
        link = read_link(path, sources.get(key))  # each file read once
        if use := _use(link, "token"):
            by_token[use.token].append(use)
        if use := _use(link, "key"):
            by_key[use.token].append(use)
        earlier += [TokenUse(path, written.value, written.line or 1) for written in link.previous_tokens]
    problems = {}
    for uses in by_token.values():
        if len(uses) > 1:
            first = _first_holder(uses)
            for use in uses:
                problems[file_key(use.file)] = _link_problem(use, uses) or _problem(use, uses, first)
    # A link another client had before rotating may still be published or bookmarked: it stays theirs.
    for old in earlier:
        for use in by_token.get(old.token, []):
            if file_key(use.file) != file_key(old.file):
                problems.setdefault(file_key(use.file), _earlier_link_problem(use, old))
    for uses in by_key.values():
        if len(uses) > 1:
            for use in uses:
                problems.setdefault(file_key(use.file), _key_problem(use, uses))
    return problems


def file_key(path: Path) -> Path:
    """The file a path names, for telling files apart: its folders are resolved, but not a
    link to a file, which is a file of its own to the coach."""
    path = Path(path)
    return path.absolute().parent.resolve() / path.name


def _unique(files: Iterable[Path]) -> dict[Path, Path]:
    """Each file once, as it was first given (`clients/a.yaml`, not also its absolute path)."""
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(file_key(path), path)
    return unique


def _link_problem(use: TokenUse, uses: list[TokenUse]) -> Problem | None:
    """When the file is, or has, a link of the filesystem to another of them: one client, two files."""
    for other in uses:
        if other is use or use.file.resolve() != other.file.resolve():
            continue
        link, target = (use, other) if use.file.is_symlink() else (other, use)
        message = (f"{shown_path(link.file)} is a link to {shown_path(target.file)}: one client, two files; "
                   f"remove the link ({shown_path(link.file)})")
        return Problem(shown_path(use.file), use.line, FIELD, message)
    return None


def _problem(use: TokenUse, uses: list[TokenUse], first: TokenUse | None) -> Problem:
    others = " and ".join(f"{shown_path(o.file)}:{o.line}" for o in uses if o is not use)
    message = f"the same private link as {others}; each client needs their own."
    if first is None:
        message += (" Keep it for the client who was sent this link, and give the other a new one with:"
                    " coach-site rotate <their client file>")
    elif use is first:
        rotate = "; ".join(f"coach-site rotate {shown_path(o.file)}" for o in uses if o is not use)
        message += f" This file had it first, so keep it here and give the other a new one with: {rotate}"
    else:
        message += f" Give this client a new one with: coach-site rotate {shown_path(use.file)}"
    return Problem(shown_path(use.file), use.line, FIELD, message)


def _key_problem(use: TokenUse, uses: list[TokenUse]) -> Problem:
    others = " and ".join(f"{shown_path(o.file)}:{o.line}" for o in uses if o is not use)
    message = (f"the same key as {others}: one client's link would open the other's sealed workbook. "
               f"Give one of them a new link and key with: coach-site rotate {shown_path(use.file)}")
    return Problem(shown_path(use.file), use.line, KEY_FIELD, message)


def _earlier_link_problem(use: TokenUse, old: TokenUse) -> Problem:
    message = (
        f"the earlier private link of {shown_path(old.file)}:{old.line} (in its link.previous_tokens, from before "
        "it was rotated); an old link may still be published or bookmarked, so it stays that client's. "
        f"Give this client a new one with: coach-site rotate {shown_path(use.file)}"
    )
    return Problem(shown_path(use.file), use.line, FIELD, message)


def _first_holder(uses: list[TokenUse]) -> TokenUse | None:
    """The file that had the token first: the only one committed to git, or committed
    strictly earlier than the others. None when git cannot tell."""
    times = {use: _first_commit_time(use.file) for use in uses}
    committed = [use for use in uses if times[use] is not None]
    if not committed:
        return None
    earliest = min(times[use] for use in committed)
    first = [use for use in committed if times[use] == earliest]
    return first[0] if len(first) == 1 else None


def _first_commit_time(path: Path) -> int | None:
    """When git first recorded the file (seconds), or None (not committed, no git)."""
    try:
        times = git("log", "--format=%ct", "--", path.name, cwd=path.resolve().parent).split()
    except CoachSiteError:
        return None
    return int(times[-1]) if times else None
