"""Data flows one way, once: each client file read once, the site root written once a run,
the print page made from the pages in memory, a staged build swapped in whole or not at all."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from conftest import EXAMPLE_CLIENT, MINIMAL_CLIENT, REPO
from test_coach_tools import run_on_terminal
from test_publish import TOKEN, snapshot

from coach_site.clientfile.loader import load_client_file
from coach_site.clientfile.validate import validate_client
from coach_site.errors import ClientFileError, Problem
from coach_site.project import Coach
from coach_site.project_loader import load_project
from coach_site.workbook.pipeline import Built, Skipped, build_clients
from coach_site.workbook.render import ClientPages, render_pages
from coach_site.workbook.swap import MARK_FILE, site_root_names, staged_site

# Every file this process opens, while a test listens: Python's own audit events, so
# whatever opens a file (pathlib, open(), a library) is seen, and nothing is replaced.
_listening: list[list[tuple[Path, str]]] = []


def _on_audit(event: str, args: tuple) -> None:
    if event == "open" and _listening and isinstance(args[0], (str, bytes, os.PathLike)):
        _listening[-1].append((Path(os.fsdecode(args[0])).resolve(), str(args[1] or "r")))


sys.addaudithook(_on_audit)


@contextlib.contextmanager
def files_opened():
    seen: list[tuple[Path, str]] = []
    _listening.append(seen)
    try:
        yield seen
    finally:
        _listening.remove(seen)


def times_opened(seen: list[tuple[Path, str]], path: Path) -> int:
    return [opened for opened, _ in seen].count(path.resolve())


def test_each_client_file_is_read_once_per_build(project, write_client, tmp_path):
    client = write_client(MINIMAL_CLIENT)
    site_dir = tmp_path / "site"
    with files_opened() as seen:  # new: read once, and those bytes fingerprinted, parsed and checked
        [outcome] = build_clients([client], load_project(project), site_dir, jobs=1)
    assert isinstance(outcome, Built) and times_opened(seen, client) == 1
    with files_opened() as seen:  # unchanged: read once to know it, never parsed
        [outcome] = build_clients([client], load_project(project), site_dir, jobs=1)
    assert isinstance(outcome, Skipped) and times_opened(seen, client) == 1


def test_a_client_file_over_the_limit_is_refused_before_it_is_read(project, write_client, tmp_path):
    client = write_client(MINIMAL_CLIENT + "# " + "x" * (1024 * 1024) + "\n")
    with files_opened() as seen:
        [outcome] = build_clients([client], load_project(project), tmp_path / "site", jobs=1)
    assert "a client file may be at most 1 MiB" in str(outcome.error)
    assert times_opened(seen, client) == 0


def test_the_site_root_is_written_once_per_run_not_once_per_client(project, write_client, tmp_path):
    tokens = {"bo": "BoBo9xQ2mK7zLp4RwTc8Nb_1", "cy": "CyCy5vH3nJ8wKq2TfX6dPg_2", "di": "DiDi7bN4sW9eRt2YuK5mZq_3"}
    files = [write_client(MINIMAL_CLIENT.replace("3hVt9QmK2xLp7RwZc5NbYa", token), slug)
             for slug, token in tokens.items()]
    site_dir = tmp_path / "site"
    for _ in range(2):  # a first run writes the root's files; a second finds them as they should be
        with files_opened() as seen:
            outcomes = list(build_clients(files, load_project(project), site_dir, jobs=1, force=True))
        assert all(isinstance(o, Built) for o in outcomes)
        for name in site_root_names():
            # Read to compare, or written: once a run at most (an empty .nojekyll is never read).
            assert (site_dir / name).is_file() and times_opened(seen, site_dir / name) <= 1, name


def test_nothing_built_leaves_the_site_root_alone(project, write_client, tmp_path):
    site_dir = tmp_path / "site"
    client = write_client(MINIMAL_CLIENT.replace("Ada Example", "[unclosed"))
    [outcome] = build_clients([client], load_project(project), site_dir, jobs=1)
    assert not isinstance(outcome, Built) and not (site_dir / "robots.txt").exists()


def test_render_reads_back_none_of_the_pages_it_wrote(tmp_path):
    workbook = validate_client(load_client_file(EXAMPLE_CLIENT))
    out = tmp_path / "docs"
    with files_opened() as seen:
        render_pages(ClientPages(workbook, load_project(REPO).content_dirs, Coach("Sam Rivera", None), "https://x/"), out)
    read_back = [path for path, mode in seen if out.resolve() in path.parents and not set(mode) & set("wax")]
    assert read_back == []


@pytest.fixture
def published(tmp_path):
    site_dir = tmp_path / "site"
    with staged_site(site_dir, TOKEN) as staging:
        (staging / "index.html").write_text("published")
    return site_dir, snapshot(site_dir)


def test_a_staged_build_is_swapped_in_whole(published):
    site_dir, _ = published
    with staged_site(site_dir, TOKEN) as staging:
        (staging / "index.html").write_text("new")
        assert (site_dir / TOKEN / "index.html").read_text() == "published"  # not before the block ends
    assert (site_dir / TOKEN / "index.html").read_text() == "new" and (site_dir / TOKEN / MARK_FILE).is_file()
    assert sorted(os.listdir(site_dir)) == [TOKEN]


def test_a_failed_staged_build_leaves_nothing_behind_and_changes_nothing(published):
    site_dir, before = published
    with pytest.raises(RuntimeError), staged_site(site_dir, TOKEN) as staging:
        (staging / "index.html").write_text("half built")
        raise RuntimeError("the build failed")
    assert snapshot(site_dir) == before
    assert sorted(os.listdir(site_dir)) == [TOKEN]  # no staging folder left


def _fail_in_a_worker() -> None:
    raise ClientFileError([Problem(Path("clients/ada.yaml"), 7, "link.token", "is too short")])


def test_a_client_file_error_crosses_from_a_worker_process_whole():
    """The parallel build's workers hand errors back pickled; ClientFileError must keep its problems."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        with pytest.raises(ClientFileError) as raised:
            pool.submit(_fail_in_a_worker).result()
    assert str(raised.value) == "clients/ada.yaml:7: link.token: is too short"
    assert raised.value.problems == [Problem(Path("clients/ada.yaml"), 7, "link.token", "is too short")]


def test_prep_colours_a_line_by_its_kind_never_by_its_words(project, write_client):
    write_client(MINIMAL_CLIENT + "    barriers: Still open to offers, **really**\n")
    output = run_on_terminal(project, "prep", "clients/ada-example.yaml", no_color=False)
    [answer] = [line for line in output.splitlines() if "Still open to offers" in line]
    assert "\x1b[33m" not in answer and "**really**" in answer  # the coachee's words, as written
    [question] = [line for line in output.splitlines() if "Still open:" in line and "outcomes" in line]
    assert "\x1b[33m" in question  # an open question, in yellow
