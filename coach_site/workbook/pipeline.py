"""A client's build as a short sequence of named steps: load, validate, render, build, publish."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from coach_site.clientfile.history import last_updated, last_updated_many
from coach_site.clientfile.keys import coachee_link, read_seal
from coach_site.clientfile.loader import (
    load_client_bytes,
    load_client_file,
    read_client_bytes,
)
from coach_site.clientfile.model import Workbook
from coach_site.clientfile.scaffold import placeholders_left
from coach_site.clientfile.tokens import file_key, shared_links
from coach_site.clientfile.validate import validate_client
from coach_site.engine.languages import theme_languages
from coach_site.errors import (
    MACHINE_TROUBLE,
    REPORT_A_BUG,
    BuildError,
    ClientFileError,
    CoachSiteError,
    Problem,
    os_error_in_words,
)
from coach_site.project import Project, shown_path

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from coach_site.workbook.seal import Seal

# Steps 1 and 2 (load, validate) are imported with this module: `check` and the coach's tools
# use them alone. What builds (render, seal, stamp, swap: Markdown, Jinja, cryptography, a
# file lock) is imported by the functions that build, and by build_clients before its
# workers fork, so that they start with it (_import_build_steps).


@dataclass(frozen=True)
class Outcome:
    """What happened to one client of a build: it is Built, Skipped or Failed, never two."""

    client_file: Path


@dataclass(frozen=True)
class Built(Outcome):
    """Built and swapped into place: the workbook at `site` is new."""

    link: str
    site: Path
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped(Outcome):
    """Unchanged since its last build, so not built again: the workbook at `site` stays."""

    link: str
    site: Path


@dataclass(frozen=True)
class Failed(Outcome):
    """Not built; what was published for this client stays as it was."""

    error: CoachSiteError


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


def check_client(client_file: Path, *, weak_token_ok: bool = False, practice_sealed: bool | None = None) -> Workbook:
    """Load and validate one client file (raises ClientFileError). `practice_sealed`: the
    practice's extra.sealed, when known."""
    return validate_client(load_client_file(client_file), weak_token_ok=weak_token_ok, languages=theme_languages(),
                           practice_sealed=practice_sealed)


def prepare_client(
    client_file: Path, project: Project, updated: dt.date | None = None, shared: str | None = None
) -> Prepared:
    """Steps 1 and 2, load and validate, plus what decides whether a rebuild is needed.

    `updated` (the day the file last changed) is looked up in git, and `shared` (the
    fingerprint of what all clients share) computed, when not given.
    """
    from coach_site.workbook.stamps import inputs_fingerprint, shared_fingerprint

    source = read_client_bytes(client_file)
    updated = updated or last_updated(client_file)
    fingerprint = inputs_fingerprint(source, updated, shared or shared_fingerprint(project))
    return _prepare(client_file, source, updated, fingerprint, project.sealed)


def _prepare(client_file: Path, source: bytes, updated: dt.date, fingerprint: str, practice_sealed: bool) -> Prepared:
    """The bytes read once: the same bytes are fingerprinted and parsed."""
    workbook = validate_client(load_client_bytes(source, client_file), languages=theme_languages(),
                               practice_sealed=practice_sealed)
    return Prepared(client_file, workbook, updated, fingerprint)


def build_client(client_file: Path, project: Project, site_dir: Path, *, record: bool = True) -> Built:
    """Build one client's workbook and swap it into `site_dir/<token>/`, changed or not: a
    run of one client, built the way `build_clients` builds every run (its shared set-up,
    its refusal of a shared link, its build record), so one client alone is no other path.

    Raises the client's CoachSiteError on bad input or a failed build; the published site
    and the site dir are then exactly as they were. `record`: see `build_clients`.
    """
    [outcome] = build_clients([client_file], project, site_dir, force=True, record=record)
    if isinstance(outcome, Failed):
        raise outcome.error
    return outcome


def build_prepared(prepared: Prepared, project: Project, site_dir: Path) -> Built:
    """Steps 3 to 5: render the pages, build them with MkDocs, swap the site into place.

    The site dir's own files (front page, robots.txt, headers) are the caller's to write,
    once per run.
    """
    from coach_site.engine.build import (  # MkDocs and Material load only when something is built
        ClientSite,
        SiteWords,
        build_site,
    )
    from coach_site.workbook.dates import human_date
    from coach_site.workbook.escape import SAFE_LINKS_EXTENSION, escape_html
    from coach_site.workbook.render import ClientPages, load_words, render_pages, theme_words
    from coach_site.workbook.seal import SEALED_STORAGE_SCOPE, seal_of, seal_site
    from coach_site.workbook.swap import staged_site
    from coach_site.workbook.workspace import private_temp_dir

    link = project.web_link(prepared.token) or ""  # what the pages may hold: never the key (nor a path on disk)
    with private_temp_dir("build") as work, _naming(prepared.client_file):
        seal = seal_of(prepared.workbook, project)
        docs_dir = work / "docs"
        language = project.language_of(prepared.workbook.language)
        pages = ClientPages(
            prepared.workbook, project.content_dirs, project.coach, link, updated=prepared.updated,
            title=project.workbook_title, language=language, sealed=seal is not None,
            timezone=project.timezone_of(prepared.workbook.client.timezone),
        )
        rendered = render_pages(pages, docs_dir)
        with staged_site(site_dir, prepared.token) as staging:
            words = theme_words(prepared.workbook, project.content_dirs, project.workbook_title, language)
            if seal is not None:  # the footer's "forget this workbook on this device", in the client's language
                footer = load_words(project.content_dirs, language)["sealed"]
                words["pages"] = {**words["pages"], "sealed_forget": escape_html(footer["forget"]),
                                  "sealed_forget_confirm": escape_html(footer["forget_confirm"])}
            site = ClientSite(
                project, docs_dir, rendered.nav, link, extensions=(SAFE_LINKS_EXTENSION,),
                updated=human_date(prepared.updated, language), words=SiteWords(**words),
                language=prepared.workbook.language,
                # The theme's own keys in the browser's storage name the folder above a sealed
                # workbook, not the workbook's (its token): they say nothing of the client.
                storage_scope=SEALED_STORAGE_SCOPE if seal is not None else None,
            )
            warnings = build_site(site, staging)
            _finish_site(staging, seal, project)  # before the swap: the site dir never holds the plain pages
    own = prepared.workbook.link
    return Built(prepared.client_file, link=coachee_link(project, own.token, own.sealed, own.key, site_dir),
                 site=site_dir / prepared.token, warnings=[*warnings, *placeholders_left(prepared.workbook)])


def _finish_site(site: Path, seal: Seal | None, project: Project) -> None:
    """The workbook's own steps on what the engine built, in order: only what it loads is kept,
    every file it loads gets a content-hashed name, a sealed workbook is sealed, and the
    service worker lists the files as they will be published."""
    from coach_site.workbook.fingerprint import fingerprint_assets, rewrite_references
    from coach_site.workbook.offline import keep_search_languages, search_languages, write_service_worker
    from coach_site.workbook.render import load_words
    from coach_site.workbook.seal import drop_shell_files, seal_site

    keep_search_languages(site, search_languages(site))
    if seal is None:  # nothing loads the sealed shell's files
        drop_shell_files(site)
    moved = fingerprint_assets(site)  # while the pages are plain: they name the files
    if seal is not None:
        # The shell speaks the practice's language: what the host holds tells no client's.
        shell_words = load_words(project.content_dirs, project.language)["sealed"]
        seal_site(site, seal, shell_words, project.content_dirs, project.language)
        rewrite_references(site, moved)  # the shells name the files too
        fingerprint_assets(site)  # and what only they load
    write_service_worker(site)


@contextlib.contextmanager
def _naming(client_file: Path) -> Iterator[None]:
    """A failed build says whose workbook failed: its message starts with the client file."""
    try:
        yield
    except BuildError as exc:
        raise BuildError(f"{shown_path(client_file)}: {exc}") from None


def build_clients(
    client_files: list[Path],
    project: Project,
    site_dir: Path,
    *,
    force: bool = False,
    jobs: int | None = None,
    record: bool = True,
) -> Iterator[Outcome]:
    """Build several clients, one Outcome each, in the order given.

    Each client file is read once: those bytes are fingerprinted, and parsed only when
    they changed since the last build (unless `force`). A failure stops nobody else.
    Several changed clients are built by a pool of `jobs` processes (default: one per
    core), each paying the imports and theme set-up once; outcomes still come back one
    per client, in order. The site dir's own files are written once, after the builds.
    `record`: keep the site dir's build record in `.coach-site/` (a throw-away preview's
    folder keeps none).
    """
    from coach_site.workbook.stamps import Stamps, inputs_fingerprint, shared_fingerprint
    from coach_site.workbook.swap import front_page, staging_dir, write_site_root

    stamps = Stamps(project, site_dir) if record else None
    dates = last_updated_many([f for f in client_files if f.is_file()])
    shared = shared_fingerprint(project)
    sources: dict[Path, bytes] = {}
    plan: list[Prepared | Outcome] = []
    for client_file in client_files:
        try:
            source = sources[file_key(client_file)] = read_client_bytes(client_file)
            updated = dates.get(client_file) or last_updated(client_file)
            fingerprint = inputs_fingerprint(source, updated, shared)
            token = None if force or stamps is None else stamps.current_token(client_file, fingerprint, site_dir)
            if token:  # unchanged: not even parsed again, only its link's key looked up
                seal = read_seal(client_file, source)
                plan.append(Skipped(client_file, coachee_link(project, token, seal.sealed, seal.key, site_dir),
                                     site_dir / token))
            else:
                plan.append(_prepare(client_file, source, updated, fingerprint, project.sealed))
        except CoachSiteError as exc:
            plan.append(Failed(client_file, exc))
        except Exception as exc:  # a bug met on one client's file is that client's error only
            plan.append(Failed(client_file, _unexpected(client_file, exc)))
    plan = _refuse_shared_links(plan, project, sources)
    changed = [step for step in plan if isinstance(step, Prepared)]
    front = front_page(project) if changed else ""  # before any build: its template may fail
    run = None
    if changed:  # MkDocs is imported and the run's shared set-up made once here, inherited by forked workers
        from coach_site.engine.build import share_among_builds

        _import_build_steps()
        run = share_among_builds(staging_dir(site_dir))
    workers = min(jobs or os.cpu_count() or 1, len(changed))
    pool = _process_pool(workers) if workers > 1 else None
    built_any = False
    warned: set[tuple[str, str]] = set()  # what was said of a language this run: each once
    try:
        pending = {
            id(prepared): pool.submit(build_prepared, prepared, project, site_dir) if pool else None
            for prepared in changed
        }
        for step in plan:
            if not isinstance(step, Prepared):
                yield step
                continue
            outcome = _built_or_failed(step, pending[id(step)], project, site_dir)
            if isinstance(outcome, Built):
                built_any = True
                if stamps is not None:
                    stamps.record(step.client_file, step.token, step.fingerprint)
                outcome = _with_language_warnings(outcome, project, step.workbook, warned)
            yield outcome
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if built_any:
            write_site_root(site_dir, front)
        if run is not None:
            run.close()
        if stamps is not None:
            stamps.save()


def _with_language_warnings(built: Built, project: Project, workbook: Workbook,
                            warned: set[tuple[str, str]]) -> Built:
    """What the workbook's language lacks, said the first time a run builds in it."""
    language = project.language_of(workbook.language)
    return _with_untranslated_warning(_with_catalogue_warning(built, language, warned), project, language, warned)


def _with_catalogue_warning(built: Built, language: str, warned: set[tuple[str, str]]) -> Built:
    """A workbook in a language coach-site has no words for is built with the English ones;
    the first such build of a run says so (the theme's own words are in the language)."""
    from coach_site.workbook.translations import catalogue_file, has_catalogue

    if has_catalogue(language) or ("catalogue", language) in warned:
        return built
    warned.add(("catalogue", language))
    where = catalogue_file(language).relative_to(catalogue_file(language).parents[4])
    return replace(built, warnings=[*built.warnings, (
        f"language {language}: coach-site has no catalogue of its words in this language ({where}), so they "
        f"are in English; the theme's own words are in {language}. The README says how to add one."
    )])


def _with_untranslated_warning(built: Built, project: Project, language: str,
                               warned: set[tuple[str, str]]) -> Built:
    """Sentences of the practice's own templates that the language's catalogue lacks reach
    the client as written (often English): the first build in that language of a run says so."""
    from coach_site.workbook.translations import untranslated_in

    if ("own words", language) in warned:
        return built
    warned.add(("own words", language))  # looked at once a run, whatever it finds: it reads the templates
    if not (missing := untranslated_in(project.content_dir, language)):
        return built
    files = ", ".join(f"content/{name} ({count})" for name, count in missing.items())
    return replace(built, warnings=[*built.warnings, (
        f"language {language}: sentences of your own templates have no translation in this language, so "
        f"clients in {language} read them as you wrote them: {files}."
    )])


def _built_or_failed(prepared: Prepared, future: Future | None, project: Project, site_dir: Path) -> Outcome:
    """Build one prepared client here, or collect its build from a pool worker."""
    try:
        return future.result() if future else build_prepared(prepared, project, site_dir)
    except CoachSiteError as exc:
        return Failed(prepared.client_file, exc)
    except Exception as exc:  # in this process or a worker: the others still build
        return Failed(prepared.client_file, _unexpected(prepared.client_file, exc))


def _refuse_shared_links(
    plan: list[Prepared | Outcome], project: Project, sources: dict[Path, bytes]
) -> list[Prepared | Outcome]:
    """Fail every client whose token another client file of the project also has.

    Built, the second would replace the first at the first's link, so neither is built
    and what was published at that link stays as it was. Unchanged clients count too.
    """
    shared = shared_links([*project.client_files(), *(step.client_file for step in plan)], sources)
    if not shared:
        return plan
    refused: list[Prepared | Outcome] = []
    for step in plan:
        problem = shared.get(file_key(step.client_file))
        if problem is not None:
            step = Failed(step.client_file, _with_problem(step.error if isinstance(step, Failed) else None, problem))
        refused.append(step)
    return refused


def _with_problem(error: CoachSiteError | None, problem: Problem) -> CoachSiteError:
    """The client's own problems (if it has any) and one more."""
    if isinstance(error, ClientFileError):
        return ClientFileError([*error.problems, problem])
    if error is not None:
        return CoachSiteError(f"{error}\n{problem}")
    return ClientFileError([problem])


def _unexpected(client_file: Path, exc: Exception) -> BuildError:
    if isinstance(exc, OSError) and exc.errno in MACHINE_TROUBLE:  # the machine's, not a bug: a full disk, a limit
        return BuildError(f"{shown_path(client_file)}: cannot write its workbook: {os_error_in_words(exc)}. Its "
                          "published site was left as it was; make room or lift the limit, then build again.")
    error = BuildError(
        f"{shown_path(client_file)}: internal error while building this workbook: {type(exc).__name__}: {exc}\n"
        "This is a bug in coach-site; the other workbooks were built, and this one's published "
        f"site was left as it was. {REPORT_A_BUG}"
    )
    error.__cause__ = exc  # what --debug shows
    return error


def _import_build_steps() -> None:
    """What build_prepared imports, imported in this process: forked workers then start with it."""
    import coach_site.workbook.dates
    import coach_site.workbook.escape
    import coach_site.workbook.fingerprint
    import coach_site.workbook.offline
    import coach_site.workbook.render
    import coach_site.workbook.seal
    import coach_site.workbook.workspace  # noqa: F401


def _process_pool(workers: int) -> ProcessPoolExecutor:
    # Forked workers start with everything this process has imported already.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from coach_site.workbook.workspace import end_with_parent

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=end_with_parent)
