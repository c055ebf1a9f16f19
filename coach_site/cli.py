"""The `coach-site` command: a thin click layer over the pipeline's stages."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # before anything imports Material

import click  # noqa: E402

from . import __version__  # noqa: E402
from .errors import ClientFileError, CoachSiteError  # noqa: E402
from .pipeline import build_client, check_client, rotate_client  # noqa: E402
from .project import load_project  # noqa: E402
from .scaffold import new_client_file  # noqa: E402

REPORT_URL = "the coach-site issue tracker"


class _Group(click.Group):
    """Turns every error into one or two lines; a traceback only with --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except CoachSiteError as exc:
            _error(str(exc))
            ctx.exit(1)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            else:
                _error(
                    f"internal error: {type(exc).__name__}: {exc}\n"
                    f"This is a bug in coach-site. Run again with --debug and report the output to {REPORT_URL}."
                )
            ctx.exit(2)


def _error(message: str) -> None:
    click.secho(message, fg="red", err=True)


def _client_files(project, files: tuple[Path, ...]) -> list[Path]:
    found = list(files) or project.client_files()
    if not found:
        raise CoachSiteError(f"no client files in {project.clients_dir}; make one with `coach-site new \"Full Name\"`")
    return found


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="coach-site")
@click.option("--debug", is_flag=True, help="Show the full traceback of unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Private coaching workbooks from one YAML file per client."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("client_files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--site-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True, help="Where the private sites are published.")
def build(client_files: tuple[Path, ...], site_dir: Path) -> None:
    """Build each client's workbook (default: every clients/*.yaml) and print its private link."""
    project = load_project()
    failed = 0
    for client_file in _client_files(project, client_files):
        try:
            built = build_client(client_file, project, site_dir)
        except CoachSiteError as exc:
            failed += 1
            _error(str(exc))
            continue
        click.echo(f"{client_file.stem}: {built.link}")
        for warning in built.warnings:
            click.secho(f"  warning: {warning}", fg="yellow", err=True)
    if failed:
        raise CoachSiteError(f"{failed} client(s) failed to build; their published sites were left as they were")


@cli.command()
@click.argument("client_files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
def check(client_files: tuple[Path, ...]) -> None:
    """Check client files against the client format, listing every problem."""
    files = list(client_files) or _client_files(load_project(), ())
    problems = 0
    for client_file in files:
        try:
            check_client(client_file)
        except ClientFileError as exc:
            problems += len(exc.problems)
            _error(str(exc))
        else:
            click.echo(f"{client_file}: ok")
    if problems:
        raise CoachSiteError(f"{problems} problem(s) found")


@cli.command()
@click.argument("name")
@click.option("--email", help="The client's email address.")
@click.option("--clients-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("clients"),
              show_default=True)
@click.option("--slug", help="File name to use instead of one made from the name.")
def new(name: str, email: str | None, clients_dir: Path, slug: str | None) -> None:
    """Start a client file with a fresh private token and every field ready to fill in."""
    path = new_client_file(name, clients_dir, email=email, slug=slug)
    click.echo(f"Wrote {path}. Fill it in, then run: coach-site build {path}")


@cli.command()
@click.argument("client_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--site-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True, help="Where the private sites are published.")
def rotate(client_file: Path, site_dir: Path) -> None:
    """Give a client a new private link; the old link stops working."""
    built = rotate_client(client_file, load_project(), site_dir)
    click.echo(f"{client_file.stem}: new link {built.link}")
    click.echo("The old link no longer works once the site dir is published again.")


def main() -> None:
    cli(prog_name="coach-site")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
