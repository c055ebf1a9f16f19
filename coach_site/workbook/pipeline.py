"""A client's build as a short sequence of named steps: load, validate, render, build, publish."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from coach_site.clientfile.edit import Appended, set_values, write_atomically
from coach_site.clientfile.history import last_updated, last_updated_many
from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.model import Workbook
from coach_site.clientfile.scaffold import new_token
from coach_site.clientfile.tokens import read_token, shared_links, tokens_in_use
from coach_site.clientfile.validate import validate_client
from coach_site.errors import BuildError, ClientFileError, CoachSiteError, Problem
from coach_site.project import Project
from coach_site.workbook.render import render_pages
from coach_site.workbook.stamps import Stamps, inputs_fingerprint, shared_fingerprint
from coach_site.workbook.swap import publish_site, staging_dir
from coach_site.workbook.workspace import private_temp_dir


@dataclass(frozen=True)
class BuiltClient:
    client_file: Path
    link: str
    site: Path
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """What happened to one client of a build: built, skipped as unchanged, or failed."""

    client_file: Path
    built: BuiltClient | None = None
    error: CoachSiteError | None = None
    skipped: bool = False


@dataclass(frozen=True)
class Prepared:
    """A client file read and checked, with the fingerprint of everything its workbook needs."""

    client_file: Path
    workbook: Workbook
    updated: dt.date
    fingerprint: str

    @property
    def token(self) -> str:
        return self.workbook.link.token


def check_client(client_file: Path) -> Workbook:
    """Load and validate one client file (raises ClientFileError)."""
    return validate_client(load_client_file(client_file))


def prepare_client(
    client_file: Path, project: Project, updated: dt.date | None = None, shared: str | None = None
) -> Prepared:
    """Steps 1 and 2, load and validate, plus what decides whether a rebuild is needed.

    `updated` (the day the file last changed) is looked up in git, and `shared` (the
    fingerprint of what all clients share) computed, when not given.
    """
    document = load_client_file(client_file)
    workbook = validate_client(document)
    updated = updated or last_updated(client_file)
    fingerprint = inputs_fingerprint(document.source, updated, shared or shared_fingerprint(project))
    return Prepared(client_file, workbook, updated, fingerprint)


def build_client(client_file: Path, project: Project, site_dir: Path) -> BuiltClient:
    """Build one client's workbook and swap it into `site_dir/<token>/`.

    Raises a CoachSiteError on bad input or a failed build; the published site and the
    site dir are then exactly as they were.
    """
    return build_prepared(prepare_client(client_file, project), project, site_dir)


def build_prepared(prepared: Prepared, project: Project, site_dir: Path) -> BuiltClient:
    """Steps 3 to 5: render the pages, build them with MkDocs, swap the site into place."""
    from coach_site.engine.build import (
        build_site,  # MkDocs and Material load only when something is built
    )

    link = project.private_link(prepared.token)
    with private_temp_dir("build") as work:
        docs_dir = work / "docs"
        rendered = render_pages(
            prepared.workbook, project.content_dir, docs_dir,
            coach=project.coach, link=link, updated=prepared.updated,
        )
        staged = staging_dir(site_dir)
        try:
            warnings = build_site(project, docs_dir, rendered.nav, link, staged, prepared.updated)
            published = publish_site(staged, site_dir, prepared.token)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    return BuiltClient(client_file=prepared.client_file, link=link, site=published, warnings=warnings)


def build_clients(
    client_files: list[Path],
    project: Project,
    site_dir: Path,
    *,
    force: bool = False,
    jobs: int | None = None,
) -> Iterator[Outcome]:
    """Build several clients, one Outcome each, in the order given.

    A client whose inputs are unchanged since its last build is skipped (unless `force`);
    a failure stops nobody else. Several changed clients are built by a pool of `jobs`
    processes (default: one per core), each paying the imports and theme set-up once;
    outcomes still come back one per client, in order.
    """
    stamps = Stamps(project, site_dir)
    plan: list[tuple[Path, Prepared | None, Outcome | None]] = []
    dates = last_updated_many([f for f in client_files if f.is_file()])
    shared = shared_fingerprint(project)
    for client_file in client_files:
        token = None
        if not force and client_file in dates:
            fingerprint = inputs_fingerprint(client_file.read_bytes(), dates[client_file], shared)
            token = stamps.current_token(client_file, fingerprint, site_dir)
        if token:  # unchanged: not even parsed again
            built = BuiltClient(client_file, project.private_link(token), site_dir / token)
            plan.append((client_file, None, Outcome(client_file, built=built, skipped=True)))
            continue
        try:
            plan.append((client_file, prepare_client(client_file, project, dates.get(client_file), shared), None))
        except CoachSiteError as exc:
            plan.append((client_file, None, Outcome(client_file, error=exc)))
        except Exception as exc:  # a bug met on one client's file is that client's error only
            plan.append((client_file, None, Outcome(client_file, error=_unexpected(client_file, exc))))
    plan = _refuse_shared_links(plan, project)
    changed = [prepared for _, prepared, _ in plan if prepared is not None]
    shared = None
    if changed:  # MkDocs is imported and the run's shared set-up made once here, inherited by forked workers
        from coach_site.engine.build import share_among_builds

        shared = share_among_builds(staging_dir(site_dir))
    workers = min(jobs or os.cpu_count() or 1, len(changed))
    pool = _process_pool(workers) if workers > 1 else None
    try:
        pending = {
            id(prepared): pool.submit(build_prepared, prepared, project, site_dir) if pool else None
            for prepared in changed
        }
        for client_file, prepared, outcome in plan:
            if prepared is None:
                yield outcome
                continue
            try:
                future = pending[id(prepared)]
                built = future.result() if future else build_prepared(prepared, project, site_dir)
            except CoachSiteError as exc:
                yield Outcome(client_file, error=exc)
                continue
            except Exception as exc:  # in this process or a worker: the others still build
                yield Outcome(client_file, error=_unexpected(client_file, exc))
                continue
            stamps.record(client_file, prepared.token, prepared.fingerprint)
            yield Outcome(client_file, built=built)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if shared is not None:
            shared.close()
        stamps.save()


def _refuse_shared_links(
    plan: list[tuple[Path, Prepared | None, Outcome | None]], project: Project
) -> list[tuple[Path, Prepared | None, Outcome | None]]:
    """Fail every client whose token another client file of the project also has.

    Built, the second would replace the first at the first's link, so neither is built
    and what was published at that link stays as it was. Unchanged clients count too.
    """
    shared = shared_links([*project.client_files(), *(client_file for client_file, _, _ in plan)])
    if not shared:
        return plan
    refused = []
    for client_file, prepared, outcome in plan:
        problem = shared.get(client_file.resolve())
        if problem is not None:
            error = _with_problem(outcome.error if outcome else None, problem)
            prepared, outcome = None, Outcome(client_file, error=error)
        refused.append((client_file, prepared, outcome))
    return refused


def _with_problem(error: CoachSiteError | None, problem: Problem) -> CoachSiteError:
    """The client's own problems (if it has any) and one more."""
    if isinstance(error, ClientFileError):
        return ClientFileError([*error.problems, problem])
    if error is not None:
        return CoachSiteError(f"{error}\n{problem}")
    return ClientFileError([problem])


def _unexpected(client_file: Path, exc: Exception) -> BuildError:
    error = BuildError(
        f"{client_file}: internal error while building this workbook: {type(exc).__name__}: {exc}\n"
        "This is a bug in coach-site; the other workbooks were built, and this one's published "
        "site was left as it was. Run again with --debug and report the output."
    )
    error.__cause__ = exc  # what --debug shows
    return error


def _process_pool(workers: int) -> ProcessPoolExecutor:
    # Forked workers start with everything this process has imported already.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def rotate_client(client_file: Path, project: Project, site_dir: Path) -> BuiltClient:
    """Give a client a new private link: new token in the file, site rebuilt, old site removed.

    The new site is built from a copy of the edited file first; only when it is in place
    is the client file replaced and the old token's site deleted. A failure on the way
    leaves the file and the published site as they were.
    """
    old_token = check_client(client_file).link.token
    others = [f for f in project.client_files() if f.resolve() != client_file.resolve()]
    text = client_file.read_bytes().decode("utf-8")  # as it is: a Windows file keeps its CRLF
    sharing = [f for f in others if (use := read_token(f)) and use.token == old_token]
    changes = {("link", "token"): new_token(taken={old_token, *tokens_in_use(others)})}
    if not sharing:  # a copy of another client's file: that old link was never this client's
        # The old token goes to previous_tokens: the coachee's notes and reflections follow the new link.
        changes[("link", "previous_tokens")] = Appended([old_token])
    new_text = set_values(text, changes)
    with private_temp_dir("rotate") as work:
        edited = work / client_file.name
        edited.write_bytes(new_text.encode("utf-8"))
        built = build_client(edited, project, site_dir)
    write_atomically(client_file, new_text)
    if not sharing:  # a copied file's old link is still the other client's: leave their site alone
        shutil.rmtree(site_dir / old_token, ignore_errors=True)  # this client's own workbook, old token
    stamps = Stamps(project, site_dir)
    stamps.forget(client_file)  # built from a copy: the next build records the real file
    for other in sharing:  # an older version may have published this client over them: rebuild theirs
        stamps.forget(other)
    stamps.save()
    return BuiltClient(client_file=client_file, link=built.link, site=built.site, warnings=built.warnings)
