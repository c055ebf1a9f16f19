"""Stage 5, publish: swap a freshly built site into `<site-dir>/<token>/`.

The new site is built beside the old one (same file system, `staged_site`), so the swap is two
renames and the old copy is deleted only once the new one is in place. A failed
build never gets here, so the published site stays byte-for-byte as it was.

Every workbook folder carries a mark, so that only folders coach-site made are ever
deleted (by rotate and publish --prune), never anything else that shares the folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from coach_site.errors import BuildError, CoachSiteError
from coach_site.project import Project
from coach_site.workbook.headers import htaccess, netlify_headers
from coach_site.workbook.html_pages import html_template, render_html

# The first line of the root files coach-site writes: a file without it is someone else's.
ROOT_FILE_MARK = "# coach-site"
_OLD_ROOT_FILE_MARK = "# Written by coach-site"  # the .htaccess of older versions
_OLD_ROBOTS_TXT = "User-agent: *\nDisallow: /\n"  # the robots.txt of older versions, unmarked
ROBOTS_TXT = f"{ROOT_FILE_MARK}: keeps crawlers out of the private workbooks.\n{_OLD_ROBOTS_TXT}"
BUILDING_PREFIX = ".building-"
_RETIRED_PREFIX = ".retired-"
# The mark of a workbook folder: the same for every workbook, so it tells nothing about anyone.
MARK_FILE = ".coach-site-workbook"
MARK_TEXT = "A private workbook made by coach-site.\n"
# The site dir's front page (content/front-page.html.j2): lists nothing, so a host that would
# list the folder lists no token. This comment in it tells publish the file is coach-site's.
FRONT_PAGE_MARK = "<!-- coach-site: an empty front page -->"
FRONT_PAGE_TEMPLATE = "front-page.html.j2"


def front_page(project: Project) -> str:
    """The site dir's index.html: one for every client on the host, so in the practice's
    language (theme.language), from the practice's template or coach-site's."""
    template = html_template(project.content_dirs, project.language, FRONT_PAGE_TEMPLATE)
    page = render_html(template, language=project.language)
    if FRONT_PAGE_MARK not in page:  # without it, publish would never rewrite the page again
        raise BuildError(f"content/{FRONT_PAGE_TEMPLATE} must keep the line {FRONT_PAGE_MARK}, "
                         "by which publish knows coach-site's own front page")
    return page


def staging_dir(site_dir: Path) -> Path:
    """A fresh, hidden folder in the site dir to build into (same file system as the target).

    Private (0700) while it holds answers; publish_site opens it to the web server.
    """
    site_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=BUILDING_PREFIX, dir=site_dir))


def is_workbook(folder: Path) -> bool:
    """A folder coach-site published (it carries the mark), not a link to one."""
    return folder.is_dir() and not folder.is_symlink() and (folder / MARK_FILE).is_file()


def publish_site(built: Path, site_dir: Path, token: str) -> Path:
    """Move `built` to `site_dir/token`, replacing what was there. Returns the published path."""
    (built / MARK_FILE).write_text(MARK_TEXT, encoding="utf-8")
    os.chmod(built, 0o755)  # a web server must be able to read the published site
    target = site_dir / token
    retired = None
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=_RETIRED_PREFIX, dir=site_dir)) / token
        os.rename(target, retired)
    try:
        os.rename(built, target)
    except OSError:
        if retired is not None:
            os.rename(retired, target)  # put the old site back before failing
        raise
    if retired is not None:
        shutil.rmtree(retired.parent, ignore_errors=True)
    return target


@contextmanager
def staged_site(site_dir: Path, token: str) -> Iterator[Path]:
    """A private folder to build one workbook into, swapped in at `site_dir/token` when the
    block ends; when the block (or the swap) fails, the folder goes and nothing changed.

        with staged_site(site_dir, token) as staging:
            build into staging
    """
    staged = staging_dir(site_dir)
    try:
        yield staged
        publish_site(staged, site_dir, token)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def remove_leftovers(site_dir: Path) -> None:
    """Clean up after a run that was interrupted: half-built copies go, and a workbook caught
    between the two renames of a swap is put back in place."""
    if not site_dir.is_dir():
        return
    for entry in site_dir.iterdir():
        if entry.is_symlink() or not entry.is_dir():
            continue
        if entry.name.startswith(_RETIRED_PREFIX):
            for old in entry.iterdir():
                if not (site_dir / old.name).exists():
                    os.rename(old, site_dir / old.name)
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(BUILDING_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)


def site_root_files(front: str) -> dict[str, str]:
    """The site dir's own files and what each holds; `front`: the front page (front_page)."""
    return {"index.html": front, **_files_besides_the_front_page()}


def site_root_names() -> list[str]:
    """The names of the site dir's own files, beside the workbooks."""
    return ["index.html", *_files_besides_the_front_page()]


def _files_besides_the_front_page() -> dict[str, str]:
    return {
        "robots.txt": ROBOTS_TXT,
        "_headers": f"{ROOT_FILE_MARK}: privacy headers for Netlify and Cloudflare Pages.\n{netlify_headers()}",
        ".htaccess": htaccess(),
        ".nojekyll": "",  # GitHub Pages: serve the files as they are
    }


def remove_site(site_dir: Path, token: str) -> bool:
    """Delete a workbook folder, only if coach-site made it (it carries the mark)."""
    if not is_workbook(site_dir / token):
        return False
    shutil.rmtree(site_dir / token)
    return True


def write_site_root(site_dir: Path, front: str) -> list[str]:
    """The site dir's own files: an empty front page (`front`, see front_page) and robots.txt
    that keeps crawlers out, and the privacy headers for Netlify/Cloudflare and Apache hosts.

    A file of the same name that is not ours (a folder shared with a home page or a blog)
    is left as it is: returns the names of those left, bar index.html, whose lines the
    coach may want to add by hand (see root_file_advice).
    """
    refuse_linked_root_files(site_dir)
    left = []
    for name, text in site_root_files(front).items():
        path = site_dir / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            continue
        if name == ".nojekyll":
            continue  # any .nojekyll does its work
        current = path.read_text(encoding="utf-8", errors="replace")
        if current == text:
            continue
        if _is_ours(name, current):
            path.write_text(text, encoding="utf-8")
        elif name != "index.html":  # someone's own front page hides the folder's list just as well
            left.append(name)
    return left


def refuse_linked_root_files(site_dir: Path) -> None:
    """Stop, before anything is written, where a root file's name is a link: written
    through, it would make or change a file outside the site (a dangling link included)."""
    for name in site_root_names():
        path = site_dir / name
        if path.is_symlink():
            raise CoachSiteError(
                f"{path} is a link to {os.readlink(path)}: coach-site writes nothing through a link. "
                "Remove the link, or publish the workbooks to a folder of their own."
            )


def _is_ours(name: str, text: str) -> bool:
    """A root file coach-site wrote, this version or an older one."""
    if name == "index.html":
        return FRONT_PAGE_MARK in text
    first_line = text.partition("\n")[0]
    return (first_line.startswith((ROOT_FILE_MARK, _OLD_ROOT_FILE_MARK))
            or text in (_OLD_ROBOTS_TXT, netlify_headers()))


def root_file_advice(names: list[str], where: str) -> str:
    """What to tell the coach when their own root files were left alone: the lines to add by hand."""
    lines = [f"Left your own {', '.join(names)} in {where} as they are (coach-site did not write them)."]
    for name in names:
        body = [line for line in _files_besides_the_front_page()[name].splitlines() if not line.startswith("#")]
        why = {
            "robots.txt": "to keep crawlers out of the whole folder, if nothing else in it should be found "
                          "(each workbook page says noindex itself)",
            "_headers": "for the privacy headers on Netlify or Cloudflare Pages (they apply to the whole folder)",
            ".htaccess": "for the privacy headers on Apache (they apply to the whole folder)",
        }[name]
        lines.append(f"  Add these lines to {name}, {why}:")
        lines += [f"    {line}" for line in body]
    lines.append("  Or publish the workbooks to a folder of their own, where coach-site writes these files.")
    return "\n".join(lines)
