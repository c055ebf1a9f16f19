"""Nothing changed, nothing rebuilt; anything changed, the right workbooks rebuilt.

A rebuilt workbook is a new folder swapped into place, so its folder's inode tells,
from the output alone, whether it was rebuilt.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT, customised
from test_publish import snapshot

from coach_site.project_loader import load_project
from coach_site.workbook.pipeline import Built, Failed, Skipped, build_client, build_clients

TOKENS = {"ada": "3hVt9QmK2xLp7RwZc5NbYa", "bo": "BoBo9xQ2mK7zLp4RwTc8Nb_1", "cy": "CyCy5vH3nJ8wKq2TfX6dPg_2"}


@pytest.fixture
def three(project, write_client, tmp_path):
    files = [
        write_client(MINIMAL_CLIENT.replace(TOKENS["ada"], token).replace("Ada Example", f"{slug.title()} Example"), slug)
        for slug, token in TOKENS.items()
    ]
    site_dir = tmp_path / "site"
    outcomes = list(build_clients(files, load_project(project), site_dir, jobs=1))
    assert all(isinstance(o, Built) for o in outcomes)
    return project, files, site_dir


def rebuild(project: Path, files: list[Path], site_dir: Path, **options) -> list[str]:
    """Build again; return the clients whose workbook folder is new."""
    before = {slug: (site_dir / token).stat().st_ino for slug, token in TOKENS.items() if (site_dir / token).exists()}
    outcomes = list(build_clients(files, load_project(project), site_dir, **options))
    assert not [o for o in outcomes if isinstance(o, Failed)]
    rebuilt = sorted(slug for slug, token in TOKENS.items() if before.get(slug) != (site_dir / token).stat().st_ino)
    assert rebuilt == sorted(o.client_file.stem for o in outcomes if not isinstance(o, Skipped))
    return rebuilt


def test_a_client_built_alone_is_recorded_so_the_next_run_skips_it(project, write_client, tmp_path):
    # One client alone goes the way of a run, build record included.
    client, site_dir = write_client(MINIMAL_CLIENT, "ada"), tmp_path / "site"
    build_client(client, load_project(project), site_dir)
    [outcome] = build_clients([client], load_project(project), site_dir)
    assert isinstance(outcome, Skipped)


def test_a_preview_keeps_no_build_record(project, write_client, tmp_path):
    # serve builds into a throw-away folder: a record of it would only pile up in .coach-site/.
    client = write_client(MINIMAL_CLIENT, "ada")
    built = build_client(client, load_project(project), tmp_path / "preview", record=False)
    assert (built.site / "index.html").is_file() and not (project / ".coach-site").exists()


def test_nothing_changed_nothing_rebuilt(three):
    assert rebuild(*three) == []


def test_a_changed_client_file_rebuilds_that_client_only(three):
    project, files, site_dir = three
    files[1].write_text(files[1].read_text() + "    outcome: Lead the team\n")
    assert rebuild(project, files, site_dir) == ["bo"]
    assert "Lead the team" in (site_dir / TOKENS["bo"] / "area-career.html").read_text()


@pytest.mark.parametrize("change", [
    lambda p: (t := customised(p, "values.md.j2")).write_text(t.read_text() + "\nA new line.\n"),
    lambda p: (p / "mkdocs.yml").write_text((p / "mkdocs.yml").read_text().replace("Your coaching workbook", "Workbook")),
    lambda p: customised(p, "workbook.css").write_text("/* changed */\n"),
    lambda p: (p / "overrides" / "new.txt").write_text("a new theme file\n"),
    lambda p: (p / "content" / "_words.yaml").write_text("nav:\n  focus_areas: Your areas\n"),
], ids=["template", "mkdocs.yml", "stylesheet", "new-override-file", "words"])
def test_a_shared_change_rebuilds_everyone(three, change):
    project, files, site_dir = three
    change(project)
    assert rebuild(project, files, site_dir) == ["ada", "bo", "cy"]


def test_a_deleted_workbook_is_rebuilt(three):
    import shutil

    project, files, site_dir = three
    shutil.rmtree(site_dir / TOKENS["cy"])
    assert rebuild(project, files, site_dir) == ["cy"]


def test_force_rebuilds_everyone(three):
    assert rebuild(*three, force=True) == ["ada", "bo", "cy"]


def test_a_template_edited_between_builds_of_one_process_is_used(three):
    """The shared template caches must never serve a stale template."""
    project, files, site_dir = three
    main = customised(project, "main.html")
    main.write_text(main.read_text().replace('<meta name="referrer"', '<meta name="x-edited" content="1">\n  <meta name="referrer"'))
    (project / "overrides" / "assets").mkdir()
    (project / "overrides" / "assets" / "extra.js").write_text("// a new theme file\n")
    rebuild(project, files, site_dir)
    assert '<meta name="x-edited" content="1">' in (site_dir / TOKENS["ada"] / "index.html").read_text()
    assert (site_dir / TOKENS["ada"] / "assets" / "extra.js").exists()


def test_a_parallel_build_is_byte_identical_to_a_sequential_one(project, three, tmp_path):
    _, files, _ = three
    sequential, parallel = tmp_path / "one", tmp_path / "two"
    list(build_clients(files, load_project(project), sequential, jobs=1, force=True))
    outcomes = list(build_clients(files, load_project(project), parallel, jobs=2, force=True))
    assert [o.client_file for o in outcomes] == files  # in order
    a, b = snapshot(sequential), snapshot(parallel)
    assert a == b and len(a) > 50


def test_a_failure_in_a_parallel_build_stays_with_its_client(project, three, tmp_path):
    _, files, _ = three
    files[0].write_text(files[0].read_text() + "    satisfaction: 99\n")
    outcomes = list(build_clients(files, load_project(project), tmp_path / "site2", jobs=2))
    assert [isinstance(o, Failed) for o in outcomes] == [True, False, False]
    assert "99 is not between 1 and 10" in str(outcomes[0].error)


def test_a_failure_inside_a_pool_worker_stays_with_its_client(project, three, tmp_path):
    """Bo's workbook fails only in MkDocs' theme stage, which runs in a worker process."""
    _, files, site_dir = three
    main = customised(project, "main.html")
    main.write_text(main.read_text().replace(
        '{% block content %}',
        '{% block content %}{% if "' + TOKENS["bo"] + '" in config.site_url %}{{ no_such.thing }}{% endif %}',
    ))
    bo_before = snapshot(site_dir / TOKENS["bo"])
    outcomes = list(build_clients(files, load_project(project), site_dir, jobs=2))
    assert [o.client_file.stem for o in outcomes] == ["ada", "bo", "cy"]
    assert [isinstance(o, Failed) for o in outcomes] == [False, True, False]
    assert "MkDocs could not build the site" in str(outcomes[1].error) and "no_such" in str(outcomes[1].error)
    assert snapshot(site_dir / TOKENS["bo"]) == bo_before  # Bo's published workbook as it was
    assert all((site_dir / TOKENS[s] / "index.html").is_file() for s in ("ada", "cy"))


def test_a_new_library_version_rebuilds_everyone(three, monkeypatch):
    """An upgrade of Material (or of any library that makes the pages) changes every page."""
    from importlib.metadata import version as installed

    from coach_site.workbook import stamps

    monkeypatch.setattr(stamps, "version", lambda name: "99.0" if name == "mkdocs-material" else installed(name))
    stamps._shared_fingerprint.cache_clear()  # a new process would start with an empty cache
    assert rebuild(*three) == ["ada", "bo", "cy"]


def test_a_new_last_updated_day_alone_rebuilds_that_client(three):
    """Not in git, a client file's date is its own; touched on another day, same bytes."""
    import datetime as dt
    import os

    project, files, site_dir = three
    day = dt.datetime(2024, 3, 5, 12, 0).timestamp()
    os.utime(files[2], (day, day))
    assert rebuild(project, files, site_dir) == ["cy"]
    assert "Updated 5 March 2024" in (site_dir / TOKENS["cy"] / "index.html").read_text()
