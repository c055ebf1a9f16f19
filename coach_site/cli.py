"""The `coach-site` command: a thin click layer over the pipeline and the coach's tools."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # before anything imports Material

import click  # noqa: E402

from coach_site.console import Console, counted, printable, shell_quoted, side_by_side  # noqa: E402
from coach_site.errors import MACHINE_TROUBLE, REPORT_A_BUG, CoachSiteError, os_error_in_words  # noqa: E402
from coach_site.project import CONFIG_FILE, Project, example_values, site_url_missing  # noqa: E402
from coach_site.project_loader import load_project  # noqa: E402

if TYPE_CHECKING:
    from coach_site.workbook.pipeline import Outcome

# Each command imports what it uses when it runs (the pipeline, the engine): `check`, `list`
# or `new` start without loading what only a build needs.

CLIENT_FILE = click.Path(path_type=Path, dir_okay=False)
SITE_DIR = click.option(
    # Checked by check_site_dir, which says what is wrong in the words of every other error.
    "--site-dir", type=click.Path(path_type=Path), default=Path("site"),
    show_default=True, help="Where the private sites are published.",
)


class _Group(click.Group):
    """Turns every error into one or two lines; a traceback only with --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise
        except CoachSiteError as exc:
            Console().error(str(exc))
            ctx.exit(1)
        except OSError as exc:
            if exc.errno not in MACHINE_TROUBLE:
                _internal_error(ctx)
            # Work in progress is written beside what it replaces, so a failed write changes nothing published.
            Console().error(f"cannot write {exc.filename or 'a file'}: {os_error_in_words(exc)}. Nothing published "
                            "was changed; make room or lift the limit, then run the command again.")
            ctx.exit(1)
        except Exception:
            _internal_error(ctx)


def _internal_error(ctx: click.Context) -> None:
    """The error being handled is a bug of ours: its traceback with --debug, else how to report it."""
    exc = sys.exc_info()[1]
    if ctx.obj and ctx.obj.get("debug"):
        traceback.print_exc()
    else:
        Console().error(f"internal error: {type(exc).__name__}: {exc}\n"
                        f"This is a bug in coach-site. {REPORT_A_BUG}")
    ctx.exit(2)


def _set_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        setattr(ctx.obj["console"], param.name, True)


def verbosity(command):
    """--quiet and --verbose, accepted before or after the command's name."""
    command = click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_flag,
                           help="Print only errors.")(command)
    return click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_set_flag,
                        help="Print more about what happens.")(command)


def _console() -> Console:
    return click.get_current_context().obj["console"]


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version, as click's version option says it, with the version looked up only then."""
    if not value or ctx.resilient_parsing:
        return
    from coach_site import __version__

    click.echo(f"coach-site, version {__version__}", color=ctx.color)
    ctx.exit()


@click.group(cls=_Group)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
@click.option("--debug", is_flag=True, help="Show the full traceback of unexpected errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print more about what happens.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, quiet: bool, verbose: bool) -> None:
    """Private coaching workbooks from one YAML file per client."""
    ctx.obj = {"debug": debug, "console": Console(quiet=quiet, verbose=verbose)}


FORCE = click.option("--force", is_flag=True, help="Rebuild every client, even those that have not changed.")
JOBS = click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
                    help="Clients built at once (default: one per CPU core).")


@cli.command()
@click.argument("files", nargs=-1, type=CLIENT_FILE, metavar="[CLIENT_FILES]...")
@SITE_DIR
@FORCE
@JOBS
@verbosity
def build(files: tuple[Path, ...], site_dir: Path, force: bool, jobs: int | None) -> None:
    """Build each client's workbook (default: every clients/*.yaml) and print its private link."""
    from coach_site.commands.build import client_files, raise_if_failed

    project = load_project()
    _warn_if_example(project)
    _note_if_no_site_url(project)
    _hold_site_dir(project, site_dir)
    outcomes = _build_and_report(_keyed(client_files(project, files), project), project, site_dir, force, jobs)
    raise_if_failed(outcomes)


def _still_the_example(project: Project) -> str | None:
    """What in mkdocs.yml is still the example practice's, as lines to act on; None when nothing."""
    found = example_values(project)
    return "\n".join(f"{CONFIG_FILE}: {what}" for what in found) if found else None


def _warn_if_example(project: Project) -> None:
    """Once per command: links and emails made now would point to the example's host."""
    if found := _still_the_example(project):
        _console().warn(f"{found}\nUntil then, links and emails name the example's address and coach.")


def _refuse_if_example(project: Project) -> None:
    if found := _still_the_example(project):
        raise CoachSiteError(f"{found}\nNothing was published: change these in {project.config_file}, "
                             "then publish again.")
    _refuse_if_no_site_url(project, "Nothing was published", "publish")


def _note_if_no_site_url(project: Project) -> None:
    """Once per build: without site_url, the links printed open the workbooks on this computer."""
    if project.site_url is None:
        _console().say(f"{site_url_missing(project)}\nUntil then, each link below opens the workbook on this "
                       "computer; publish and email wait for it.", err=True, dim=True)


def _refuse_if_no_site_url(project: Project, nothing: str, again: str) -> None:
    """A link to send needs the address the workbooks are published at."""
    if project.site_url is None:
        raise CoachSiteError(f"{site_url_missing(project)}\n{nothing}: a link you send must open on the web. "
                             f"Set site_url, then {again} again.")


def _keyed(files: list[Path], project: Project) -> list[Path]:
    """The files, each sealed one given its key first (said once, when written)."""
    from coach_site.commands.build import give_keys, key_written_message

    for client_file in give_keys(project, files):
        _console().say(key_written_message(client_file), err=True)
    return files


def _hold_site_dir(project: Project, site_dir: Path) -> None:
    """Check the site dir, then keep it to this run until the command ends; another run on it
    waits, and says so."""
    from coach_site.workbook.workspace import check_site_dir, site_lock

    check_site_dir(project.root, site_dir)

    def waiting() -> None:
        _console().warn(f"Another coach-site run is building or publishing {site_dir}; "
                        "waiting for it to finish (Ctrl+C to stop).")

    click.get_current_context().with_resource(site_lock(project.root, site_dir, on_wait=waiting))


def _build_and_report(
    files: list[Path], project: Project, site_dir: Path, force: bool, jobs: int | None = None
) -> list[Outcome]:
    """Build, with a progress bar on a terminal, then one line per client and a summary."""
    from coach_site.commands.build import Tally
    from coach_site.workbook.pipeline import build_clients

    console = _console()
    started = time.perf_counter()
    outcomes = build_clients(files, project, site_dir, force=force, jobs=jobs)
    if len(files) > 1 and not console.quiet and sys.stderr.isatty():
        with click.progressbar(outcomes, length=len(files), label="Building workbooks", file=sys.stderr,
                               show_pos=True, color=console.color) as bar:
            outcomes = list(bar)
    outcomes = [_report(console, outcome) for outcome in outcomes]
    tally = Tally.of(outcomes)
    console.say(f"Built {tally.built}, failed {tally.failed}, skipped {tally.skipped} as unchanged, "
                f"in {time.perf_counter() - started:.1f} s", err=True, dim=True)
    return outcomes


def _report(console: Console, outcome: Outcome) -> Outcome:
    from coach_site.workbook.pipeline import Built, Failed

    if isinstance(outcome, Failed):
        console.error(str(outcome.error))
        if outcome.error.__cause__ is not None and click.get_current_context().obj.get("debug"):
            traceback.print_exception(outcome.error.__cause__)  # an unexpected error of this client
        return outcome
    console.say(f"{outcome.client_file.stem}: {outcome.link}")
    state = "built" if isinstance(outcome, Built) else "unchanged, not rebuilt"
    console.detail(f"  {outcome.client_file} -> {outcome.site / 'index.html'} ({state})")
    for warning in outcome.warnings if isinstance(outcome, Built) else ():
        console.warn(f"  warning: {warning}")
    return outcome


@cli.command()
@click.argument("client_files", nargs=-1, type=CLIENT_FILE)
@verbosity
def check(client_files: tuple[Path, ...]) -> None:
    """Check client files against the client format, listing every problem."""
    from coach_site.commands.check import check_files

    console = _console()
    problems = 0
    for checked in check_files(client_files):
        problems += len(checked.problems)
        if checked.problems:
            console.error("\n".join(map(str, checked.problems)))
        else:
            console.say(f"{checked.client_file}: ok")
            for note in checked.notes:
                console.warn(f"{checked.client_file}: {note}")
    if problems:
        raise CoachSiteError(counted(problems, "problem found", "problems found"))


@cli.command()
@click.argument("name")
@click.option("--email", help="The client's email address.")
@click.option("--clients-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("clients"),
              show_default=True)
@click.option("--slug", help="File name to use instead of one made from the name.")
@click.option("--language", help="The workbook's language for this client (de, fr, es, pt-BR, ...); "
              "default: theme.language in mkdocs.yml.")
@click.option("--sealed", is_flag=True, help="Seal the workbook: published encrypted, opened only by the link "
              "with its key (writes link.sealed and link.key).")
@verbosity
def new(name: str, email: str | None, clients_dir: Path, slug: str | None, language: str | None,
        sealed: bool) -> None:
    """Start a client file with a fresh private token and every field ready to fill in."""
    from coach_site.commands.new import new_client

    path = new_client(name, clients_dir, email=email, slug=slug, language=language, sealed=sealed)
    _console().say(f"Wrote {path}. Fill it in, then run: coach-site build {shell_quoted(path)}")


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", help="Your name, as it signs every workbook and email.")
@click.option("--email", help="Your email address, in every workbook's footer and email.")
@click.option("--site-url",
              help="Where your workbooks will be published, e.g. https://coaching.your-name.com/workbooks/; "
              "leave it out if you have no website yet (set site_url in mkdocs.yml later).")
@click.option("--language", help="Your workbooks' language (en, de, fr, es, pt-BR, ...); default en.")
@verbosity
def init(folder: Path, name: str | None, email: str | None, site_url: str | None, language: str | None) -> None:
    """Start your practice in a new FOLDER: mkdocs.yml with your details, clients/, git."""
    from coach_site.commands.init import (
        Details,
        coach_email_problem,
        init_practice,
        language_problem,
        name_problem,
        site_url_problem,
    )

    given = {"--name": name, "--email": email}
    if not sys.stdin.isatty() and (missing := [option for option, value in given.items() if value is None]):
        raise CoachSiteError(f"{' and '.join(missing)} missing: coach-site init FOLDER --name \"Your Name\" "
                             "--email you@your-domain.com (and --site-url https://your-domain.com/workbooks/ "
                             "once you have a website)")
    if sys.stdin.isatty():  # each answer checked as it is given, asked again until it will do
        name = _asked(name, "Your name (it signs every workbook)", name_problem)
        email = _asked(email, "Your email address", coach_email_problem)
        site_url = _asked(site_url, "Where your workbooks will be published (https://...; "
                          "press Enter if you have no website yet)", site_url_problem, optional=True)
        if language is not None:
            language = _asked(language, "Your workbooks' language (en, de, fr, ...; Enter for en)", language_problem,
                              optional=True) or None
    details = Details(name=name, email=email, site_url=site_url or None, language=language)
    started = init_practice(folder, details)
    console = _console()
    console.say(f"Started your practice in {folder}.")
    if started.git_problem:
        console.warn(f"{started.git_problem}\nYour practice is ready, but not yet kept in git: run `git init`, "
                     "then `git add -A && git commit -m \"Start my coaching practice\"` in it.")
    elif started.identity_set:
        console.say(f"Its git repository records your commits as {details.name.strip()} <{details.email.strip()}> "
                    "(git config user.name and user.email there).", dim=True)
    if not details.site_url:
        console.say("No website yet: `coach-site build` shows each workbook from this computer. Once you have one, "
                    f"set site_url in {shell_quoted(folder / CONFIG_FILE)} to publish and email links.", dim=True)
    console.say(f"Next: cd {shell_quoted(folder)} && coach-site new \"Full Name\" --email client@example.org "
                "(README.md there says what follows).", dim=True)


def _asked(value: str | None, question: str, problem, *, optional: bool = False) -> str:
    """An answer on a terminal: the option's value when it will do; else the question asked,
    again after a wrong answer, with what is wrong (the answers given before it are kept)."""
    while True:
        if value is not None:
            why = problem(value)
            if why is None:
                return value
            _console().warn(f"{why}. Try again.")
        value = click.prompt(question, default="" if optional else None, show_default=False, err=True)


@cli.command()
@click.argument("template", required=False)
@verbosity
def customise(template: str | None) -> None:
    """Copy one of coach-site's templates (TEMPLATE) into your content/ or overrides/ to edit;
    without TEMPLATE, list them."""
    from coach_site.commands.customise import customise as copy_template
    from coach_site.commands.customise import templates

    console = _console()
    project = load_project()
    if template is None:
        for known in templates():
            console.say(known.full_name)
        return
    copy = copy_template(template, project)
    console.say(f"Copied to {copy.relative_to(project.root).as_posix()}: edit it there; "
                "it now wins over coach-site's.")


@cli.command()
@click.argument("client_file", type=CLIENT_FILE)
@SITE_DIR
@verbosity
def rotate(client_file: Path, site_dir: Path) -> None:
    """Give a client a new private link; the old link stops working."""
    from coach_site.commands.rotate import rotate_client

    project = load_project()
    _hold_site_dir(project, site_dir)
    built = rotate_client(client_file, project, site_dir)
    console = _console()
    console.say(f"{client_file.stem}: new link {built.link}")
    console.say("The old link stops working on your host when you publish with --prune.", err=True, dim=True)


@cli.command()
@click.argument("client_file", type=CLIENT_FILE)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@verbosity
def serve(client_file: Path, port: int) -> None:
    """Live preview of one workbook on 127.0.0.1, rebuilt on every change."""
    from coach_site.commands.serve import serve_client

    console = _console()
    project = load_project()
    _keyed([client_file], project)  # a sealed file without its key gets it, as build gives it
    console.say(f"Previewing {client_file} (Ctrl+C to stop). Watching it, content/, overrides/ and mkdocs.yml.")
    serve_client(
        client_file, project, port,
        on_built=lambda url: console.say(f"Serving {url}"),
        on_error=console.error,
    )


@cli.command()
@click.argument("client_file", type=CLIENT_FILE)
@click.option("--eml", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the email as a draft message file (.eml) for your mail client.")
@click.option("--yes", is_flag=True, help="Write it even when homework.due has passed; do not ask.")
@verbosity
def email(client_file: Path, eml: Path | None, yes: bool) -> None:
    """The homework email after a Strategy session. Printed, never sent."""
    import datetime as dt

    from coach_site.commands.email import client_email, draft_message, due_date_passed

    project = load_project()
    _refuse_if_no_site_url(project, "No email was written", "run coach-site email")
    _warn_if_example(project)
    mail, workbook = client_email(_keyed([client_file], project)[0], project)
    console = _console()
    if passed := due_date_passed(client_file, workbook, dt.date.today()):
        if not yes and not sys.stdin.isatty():
            raise CoachSiteError(f"{passed}\nNo email was written: change homework.due to the day you agreed, "
                                 "or add --yes to write it as it is.")
        console.warn(passed)
        if not yes and not click.confirm("Write the email with this due date as it is?", default=False, err=True):
            raise CoachSiteError("No email was written: change homework.due to the day you agreed, then run "
                                 "coach-site email again.")
    console.say(f"Subject: {mail.subject}\n\n{mail.text}")
    if eml:
        eml.write_bytes(draft_message(mail, workbook, project.coach, client_file))
        dates = [what for what, day in (("the due date", workbook.homework.due),
                                        ("the next session", workbook.next_session)) if day]
        attached = f", with {' and '.join(dates)} attached as calendar events ({mail.calendar.file_name})" \
            if mail.calendar else ""
        console.say(f"Wrote {eml}{attached}: open it in your mail client to review and send.", err=True, dim=True)
        if not workbook.client.email:
            console.warn("The client file has no email address: fill in To: in your mail client.")


@cli.command()
@click.argument("client_file", type=CLIENT_FILE)
@click.option("--markdown", "as_markdown", is_flag=True, help="Print Markdown, to keep in a file.")
@verbosity
def prep(client_file: Path, as_markdown: bool) -> None:
    """The coach's agenda for the next session (never published)."""
    from coach_site.commands.prep import agenda_lines, agenda_markdown, session_agenda
    from coach_site.workbook.pipeline import check_client

    agenda = session_agenda(check_client(client_file), load_project().language)
    if as_markdown:
        click.echo(agenda_markdown(agenda), nl=False)
        return
    console = _console()
    for line in agenda_lines(agenda):
        console.say(line.plain, bold=line.kind == "heading", fg="yellow" if line.kind == "open" else None)


@cli.command()
@click.option("--write", is_flag=True, help="Write clients/client.schema.json instead of printing.")
@verbosity
def schema(write: bool) -> None:
    """The JSON Schema of the client file, for editors that check YAML."""
    from coach_site.clientfile.schema import schema_text, write_schema

    if write:
        _console().say(f"Wrote {write_schema(Path('clients'))}")
    else:
        click.echo(schema_text(), nl=False)


@cli.command()
@click.argument("client_file", type=CLIENT_FILE)
@click.option("--since", "revision", help="A git revision (default: the previous commit that touched the file).")
@verbosity
def changes(client_file: Path, revision: str | None) -> None:
    """What changed in a client's file since a git revision, in coaching terms."""
    from coach_site.commands.changes import changes_since

    heading, *lines = changes_since(client_file, revision, load_project().language)
    console = _console()
    console.say(heading, bold=True)
    for line in lines:
        console.say(f"- {line}")


@cli.command("import-reflections")
@click.argument("client_file", type=CLIENT_FILE)
@click.argument("reflections_file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--overwrite", is_flag=True, help="Replace answers the client file already has.")
@click.option("--take", "take", multiple=True, metavar="QUESTION",
              help="Take the client's answer for this one conflict, as the conflict names it "
                   "(--take \"Career: outcome\"); repeat it for more.")
@click.option("--dry-run", is_flag=True, help="Show the change as a diff; write nothing.")
@verbosity
def import_reflections_command(client_file: Path, reflections_file: Path, overwrite: bool, take: tuple[str, ...],
                               dry_run: bool) -> None:
    """Bring a coachee's reflections into their client file: the downloaded file, a saved
    email (.eml) of them, or - to paste the email's text on standard input."""
    from coach_site.commands.import_reflections import import_reflections

    from coach_site.clientfile.loader import MAX_FILE_BYTES

    # One byte more than a reflections file may hold tells it is too big, without reading on.
    pasted = click.get_binary_stream("stdin").read(MAX_FILE_BYTES + 1) if str(reflections_file) == "-" else None
    report = import_reflections(client_file, reflections_file, overwrite=overwrite, dry_run=dry_run, pasted=pasted,
                                take=take)
    console = _console()
    if dry_run:
        click.echo(printable(report.diff()) or "No changes.", nl=not report.diff())
    for line in report.filled:
        console.say(f"filled: {line}")
    for line in report.revised:
        console.say(f"revised by your client: {line} (their newer answer replaces their earlier one; git keeps it)")
    for line in report.overwritten:
        console.say(f"overwritten: {line}", fg="yellow")
    for line in report.conflicts:
        console.warn(f"conflict, left as it was: {line} (you and your client answered it differently; "
                     f"--take \"{line}\" takes theirs, --overwrite takes all of theirs)")
        if line in report.conflict_texts:
            console.warn(side_by_side(*report.conflict_texts[line], headings=("in your file", "in the reflections"),
                                      width=shutil.get_terminal_size().columns))
    for line in report.skipped:
        console.warn(f"skipped: {line}")
    if report.anything_we_missed:
        console.say(f"Anything we missed? The coachee wrote:\n  {report.anything_we_missed}", bold=True)
    verb = "would change" if dry_run else "changed"
    console.say(f"{client_file}: {verb}" if report.changed else f"{client_file}: nothing to import",
                err=True, dim=True)


@cli.command()
@click.argument("source", metavar="SOURCE")
@click.option("--dry-run", is_flag=True, help="Show what would change, as a diff; write, commit and record nothing.")
@click.option("--mark-read", is_flag=True, help="Mark the mails whose reflections were imported as read "
              "(IMAP and Maildir). Without it, the mailbox is never changed.")
@click.option("--save-password", is_flag=True, help="Keep the password you type in your system's keychain, "
              "so the next run does not ask.")
@verbosity
def inbox(source: str, dry_run: bool, mark_read: bool, save_password: bool) -> None:
    """Bring every client's reflections in from your mailbox, each client's committed on its own.

    \b
    SOURCE is one of:
      a Maildir folder        ~/Mail/Coaching (Thunderbird, mbsync, offlineimap)
      an mbox file            ~/mail/coaching.mbox
      imaps://ACCOUNT@HOST/FOLDER   imaps://you@example.com@imap.example.com/INBOX

    \b
    The password: COACH_SITE_IMAP_PASSWORD, else your system's keychain (see
    --save-password), else asked. It is never written anywhere else. Most
    providers want an app password for IMAP, not your usual one:
      Gmail:    myaccount.google.com > Security > 2-Step Verification >
                App passwords; the host is imap.gmail.com
      iCloud:   account.apple.com > Sign-In and Security > App-Specific
                Passwords; the host is imap.mail.me.com
      Fastmail: Settings > Privacy & Security > App passwords;
                the host is imap.fastmail.com
      Yahoo:    Account security > Generate app password;
                the host is imap.mail.yahoo.com
      Outlook.com and Microsoft 365 may refuse passwords over IMAP: then
      name the folder your mail program keeps on this computer instead.
    Plain imap:// (no TLS) is only for a mail bridge on this computer.
    """
    from coach_site.commands.inbox import read_inbox
    from coach_site.inbox.mailboxes import open_mailbox
    from coach_site.inbox.password import Passwords

    project = load_project()
    console = _console()
    passwords = Passwords()
    mailbox = open_mailbox(source, passwords, writable=mark_read and not dry_run)
    try:
        if save_password:
            for account in passwords.save_typed():
                console.say(f"Kept the password for {account} in your system's keychain.", err=True, dim=True)
        report = read_inbox(project, mailbox, dry_run=dry_run, mark_read=mark_read)
    finally:
        mailbox.close()
    _say_inbox(report, console, dry_run)
    if any(client.held for client in report.clients):
        raise SystemExit(1)


def _say_inbox(report, console: Console, dry_run: bool) -> None:
    """The inbox's table: a line per client, then what is left for the coach."""
    from coach_site.commands.inbox import kinds_in_words

    if dry_run:
        for client in report.clients:
            if client.changed:
                click.echo(printable(client.diff()), nl=False)
    rows = [(printable(c.name), str(len(c.mails)), kinds_in_words(c.came_in) or "nothing new",
             str(len(c.conflicts)) if c.conflicts else "-") for c in report.clients if not c.held]
    if rows:
        heading = ("Client", "Mails", "What came in", "Conflicts")
        widths = [max(len(row[i]) for row in (heading, *rows)) for i in range(4)]
        for number, row in enumerate((heading, *rows)):
            console.say("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip(), bold=not number)
    for client in report.clients:
        if client.held:
            console.error(f"{printable(client.name)}: nothing imported: {client.held}")
        elif client.commit:
            console.say(f"Committed {client.shown}: \"{printable(client.commit)}\"", dim=True)
        elif dry_run and client.changed:
            console.say(f"Would change {client.shown} (nothing written: --dry-run)", dim=True)
        for conflict in client.conflicts:
            take = (f"coach-site import-reflections {shell_quoted(str(client.client_file))} "
                    f"{shell_quoted(os.path.relpath(client.kept))} --take {shell_quoted(conflict)}") if client.kept else ""
            console.warn(f"{printable(client.name)}: conflict, left as you wrote it: {conflict}"
                         + (f". To take theirs: {take}" if take else ""))
    if report.unplaced:
        console.warn(counted(len(report.unplaced), "mail with reflections could not be placed (left in the mailbox):",
                             "mails with reflections could not be placed (left in the mailbox):"))
        for unplaced in report.unplaced:
            envelope = unplaced.mail.envelope
            sent = envelope.sent.date().isoformat() if envelope.sent else "no date"
            console.warn(f"  {sent}  {printable(envelope.sender) or '(no sender)'}  "
                         f"\"{printable(envelope.subject)}\": {unplaced.reason}")
    if not report.clients and not report.unplaced:
        console.say("No new reflections.", err=True)
    others = [counted(report.not_reflections, "other mail is not reflections", "other mails are not reflections")
              if report.not_reflections else "",
              counted(report.read_before, "mail was read before", "mails were read before") if report.read_before else ""]
    if any(others):
        console.say("; ".join(o for o in others if o) + ".", err=True, dim=True)


@cli.command()
@click.argument("files", nargs=-1, type=CLIENT_FILE, metavar="[CLIENT_FILES]...")
@click.option("--to", "to", required=True, metavar="TARGET",
              help="git:REMOTE[#BRANCH] (default branch gh-pages), rsync:[USER@HOST:]PATH, or a folder.")
@SITE_DIR
@FORCE
@JOBS
@click.option("--prune", is_flag=True, help="Remove published workbooks whose client file is gone (asks first).")
@click.option("--compress", is_flag=True, help="Also publish a compressed copy (.gz, and .br with the brotli "
              "package) beside each text file, for hosts that serve them as they are (nginx's gzip_static).")
@click.option("--yes", is_flag=True, help="With --prune: do not ask.")
@verbosity
def publish(files: tuple[Path, ...], to: str, site_dir: Path, force: bool, jobs: int | None,
            prune: bool, compress: bool, yes: bool) -> None:
    """Build what changed, then publish the workbooks to a web host."""
    from coach_site.commands.publish import (
        check_target,
        client_tokens,
        parse_target,
        publish_sites,
        unfinished_clients,
        unlinked,
    )
    from coach_site.commands.build import client_files
    from coach_site.workbook.pipeline import Failed

    project = load_project()
    _refuse_if_example(project)  # before anything is built or sent anywhere
    target = parse_target(to)
    check_target(target, project.root)  # before building anything
    _hold_site_dir(project, site_dir)
    console = _console()
    files = _keyed(client_files(project, files), project)
    held = unfinished_clients(files, project)  # half-filled: never sent out, what was published stays
    outcomes = _build_and_report([f for f in files if f not in held], project, site_dir, force, jobs)
    for client_file, error in held.items():
        console.error(str(error))
        outcomes.append(Failed(client_file, error))
    tokens = client_tokens(project, outcomes, prune=prune)

    def listed(heading: str, tokens: list[str], say) -> None:
        what = unlinked(project, tokens)
        say(heading)
        for token in tokens:
            say(f"  {token}/: {what[token]}")

    def confirm(orphans: list[str]) -> bool:
        listed(counted(len(orphans), "published workbook is no client's link any more:",
                       "published workbooks are no client's link any more:"), orphans, console.warn)
        return yes or click.confirm("Remove them from the host?", default=False, err=True)

    def confirm_rewrite(reasons: list[str]) -> bool:
        console.warn(f"Earlier commits of {target} still hold what no link should open any more:")
        for reason in reasons:
            console.warn(f"  {reason}")
        console.warn("Publishing replaces the branch's history with one new commit (a force push): the host then "
                     "serves only the new commit, and anyone's copy of the old branch stops matching it.")
        return yes or click.confirm("Replace the branch's history?", default=False, err=True)

    if compress:
        from coach_site.workbook.compress import precompress

        for token in sorted(tokens.current):
            if (site_dir / token).is_dir():
                precompress(site_dir / token)
    report = publish_sites(site_dir, target, current=tokens.current, failed=tokens.failed, prune=prune,
                           confirm=confirm, confirm_rewrite=confirm_rewrite, project=project)
    if report.nothing_new:
        console.say(f"Nothing new to publish: {target} already holds these workbooks.", err=True)
        _raise_if_held_or_failed(outcomes, held)
        return
    if report.history_replaced:
        console.say(f"Replaced the history of {target} with one commit.", err=True)
    console.say(f"Published {counted(len(report.published), 'workbook', 'workbooks')} to {target}.", err=True, dim=True)
    if advice := report.advice(target):
        console.warn(advice)
    if report.pruned:
        listed(f"Removed {counted(len(report.pruned), 'workbook', 'workbooks')} from {target}:", report.pruned,
               lambda line: console.say(line, err=True))
    elif report.orphans:
        listed(counted(len(report.orphans), "published workbook is no client's link any more; --prune removes it:",
                       "published workbooks are no client's link any more; --prune removes them:"),
               report.orphans, console.warn)
    _raise_if_held_or_failed(outcomes, held)


def _raise_if_held_or_failed(outcomes: list[Outcome], held: dict) -> None:
    """After a publish: it failed when any client failed to build or was held back half-filled."""
    from coach_site.commands.build import Tally, raise_if_failed

    if not held:
        raise_if_failed(outcomes)
        return
    failed = Tally.of(outcomes).failed - len(held)
    said = [counted(failed, "client failed to build", "clients failed to build")] if failed else []
    said.append(counted(len(held), "client still holds the names `coach-site new` wrote",
                        "clients still hold the names `coach-site new` wrote"))
    raise CoachSiteError(f"{' and '.join(said)}; their published sites were left as they were")


@cli.command("list")
@SITE_DIR
@click.option("--json", "as_json", is_flag=True,
              help="Print the same as JSON, for scripts: one object per client, dates in ISO 8601, null for none.")
@verbosity
def list_clients(site_dir: Path, as_json: bool) -> None:
    """Every client: next session, homework due and whether it is overdue, their last reflections and
    how many since the last session, build state, link (never published)."""
    import json

    from coach_site.commands.list_clients import client_overview, fitted, overview_json

    rows = client_overview(load_project(), site_dir)
    console = _console()
    if as_json:
        # ASCII only: a name's terminal controls or reordering marks arrive as \u escapes, never as they are.
        click.echo(json.dumps(overview_json(rows), indent=2, ensure_ascii=True))
    elif not rows:
        console.say("No client files yet: `coach-site new \"Full Name\"` makes one.")
    else:
        heading, blocks = fitted(rows, shutil.get_terminal_size((80, 24)).columns)
        for line in heading:
            console.say(line, bold=True)
        for row, lines in zip(rows, blocks):
            for line in lines:
                console.say(line, fg="red" if row.problem else None)
    shared = [row.shared_link for row in rows if row.shared_link]
    if shared:
        console.error("\n".join(map(str, sorted(shared, key=str))))
        raise CoachSiteError(f"{len(shared)} client files share a private link; none of them is built "
                             "until each has a link of their own")


def main() -> None:
    # Ended by SIGTERM (`timeout`, a service manager), a run cleans up as after Ctrl-C:
    # its temporary folders go, its workers stop, what was published stays as it was.
    signal.signal(signal.SIGTERM, _end_on_signal)
    try:
        cli(prog_name="coach-site")
    except BrokenPipeError:
        # Whoever read our output (`| head`) stopped reading: not an error to report.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)


def _end_on_signal(number: int, frame: object) -> None:
    raise SystemExit(128 + number)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
