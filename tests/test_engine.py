"""The one seam into MkDocs: one plugin changes the config, warnings come back, theme files are shared."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import material
import pytest
from conftest import MINIMAL_CLIENT, build, built_asset

from coach_site.commands.publish import Target, publish_sites
from coach_site.engine.plugin import PLUGIN_NAME
from coach_site.errors import BuildError
from coach_site.project_loader import load_project
from coach_site.workbook.escape import SAFE_LINKS_EXTENSION
from coach_site.workbook.pipeline import Built, build_clients

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"
# A MkDocs hook of the coach's own: records the config as the coach's plugins see it
# (on_config runs before ours) and as the build ends.
RECORDING_HOOK = """\
import json, os

def _record(moment, config):
    with open(os.environ["COACH_SITE_TEST_RECORD"], "a", encoding="utf-8") as f:
        f.write(json.dumps({
            "moment": moment, "plugins": list(config.plugins), "extensions": config.markdown_extensions,
            "font": config.theme["font"], "features": config.theme["features"],
            "generator": config.extra["generator"],
        }) + "\\n")

def on_config(config):
    _record("config", config)

def on_post_build(config):
    _record("end", config)
"""


def two_clients(project: Path) -> list[Path]:
    ada = project / "clients" / "ada.yaml"
    ada.write_text(MINIMAL_CLIENT, encoding="utf-8")
    bo = project / "clients" / "bo.yaml"
    bo.write_text(MINIMAL_CLIENT.replace("Ada", "Bo").replace("3hVt9QmK2xLp7RwZc5NbYa", "Bo9QmK2xLp7RwZc5NbYa3h"),
                  encoding="utf-8")
    return [ada, bo]


def test_ours_is_the_one_plugin_that_changes_the_config_added_once_after_the_coachs(project, tmp_path, monkeypatch):
    record = tmp_path / "record.jsonl"
    monkeypatch.setenv("COACH_SITE_TEST_RECORD", str(record))
    (project / "record_config.py").write_text(RECORDING_HOOK, encoding="utf-8")
    config_file = project / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    text = text.replace("plugins:\n  - search\n", "plugins:\n  - search\n  - tags\n") + "hooks:\n  - record_config.py\n"
    text = text.replace("  font: false ", "  font:\n    text: Roboto\n  #")
    text = text.replace("    - navigation.footer\n", "    - navigation.footer\n    - navigation.instant\n")
    text = text.replace("  generator: false\n", "  generator: true\n")
    config_file.write_text(text, encoding="utf-8")

    outcomes = list(build_clients(two_clients(project), load_project(project), tmp_path / "site", jobs=1))
    assert all(isinstance(o, Built) for o in outcomes), [getattr(o, 'error', None) for o in outcomes]

    moments = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    assert [m["moment"] for m in moments] == ["config", "end", "config", "end"]  # two builds, one config
    for seen in moments:
        # The coach's plugins, then ours, once, for every build of the run.
        assert seen["plugins"][:2] == ["material/search", "material/tags"] and seen["plugins"][-1] == PLUGIN_NAME
        assert seen["plugins"].count(PLUGIN_NAME) == 1
    for before in (m for m in moments if m["moment"] == "config"):
        # Before our plugin: mkdocs.yml as the coach wrote it; nothing else has changed it.
        assert before["font"] == {"text": "Roboto"} and "navigation.instant" in before["features"]
        assert before["generator"] is True and SAFE_LINKS_EXTENSION not in before["extensions"]
    for after in (m for m in moments if m["moment"] == "end"):
        assert after["font"] is False and "navigation.instant" not in after["features"]
        assert after["generator"] is False and after["extensions"].count(SAFE_LINKS_EXTENSION) == 1


def test_a_warning_of_a_clients_build_comes_back_with_the_build_and_is_not_printed(project, write_client, tmp_path, capfd):
    (project / "content" / "extra.md.j2").write_text("See [the missing page](nowhere.md).\n", encoding="utf-8")
    client = write_client(MINIMAL_CLIENT)
    handlers = list(logging.getLogger("mkdocs").handlers)
    built = build(client, project, tmp_path / "site")
    assert logging.getLogger("mkdocs").handlers == handlers  # MkDocs' logging as it was, after the build
    assert "Doc file 'extra.md' contains a link 'nowhere.md', but the target is not found among documentation files." in built.warnings
    out, err = capfd.readouterr()
    assert "nowhere.md" not in out + err  # the caller decides how to show it

    # The next build, without the broken link, has no warning left over.
    (project / "content" / "extra.md.j2").write_text("Nothing missing.\n", encoding="utf-8")
    assert build(client, project, tmp_path / "site").warnings == []


PER_CLIENT = {"sw.js", "manifest.webmanifest", ".coach-site-workbook"}  # made for each workbook
VENDORED = ("shim.", "LICENSE")  # the search shim for file:// and its licence, which each build writes


def theme_files(site: Path) -> dict[str, Path]:
    """The site's files of the theme, Material's and coach-site's (under their hashed names too),
    not what is made for each workbook (its pages, search index, manifest and service worker)."""
    return {str(p.relative_to(site)): p for p in site.rglob("*")
            if p.is_file() and p.suffix != ".html" and p.name not in PER_CLIENT and "search" not in p.parts
            and not p.name.startswith(VENDORED)}


def test_the_clients_of_a_run_share_one_copy_of_the_theme_files_and_published_copies_are_their_own(project, tmp_path):
    site_dir = tmp_path / "site"
    outcomes = list(build_clients(two_clients(project), load_project(project), site_dir, jobs=2))
    ada, bo = (o.site for o in outcomes)
    ada_files, bo_files = theme_files(ada), theme_files(bo)
    assert len(ada_files) > 15 and ada_files.keys() == bo_files.keys()
    overrides = built_asset(ada, "assets/stylesheets/workbook.css").relative_to(ada)  # coach-site's overrides/
    assert str(overrides) in ada_files
    for name in ada_files:
        a, b = ada / name, bo / name
        assert a.read_bytes() == b.read_bytes()
        assert os.path.samefile(a, b), f"{name}: two copies, not one shared"
    for name, path in ada_files.items():
        source = MATERIAL_TEMPLATES / name
        if not source.is_file():
            continue  # under its hashed name, or coach-site's own
        assert path.read_bytes() == source.read_bytes()
        assert not os.path.samefile(path, source), f"{name}: linked to the installed theme itself"
    assert not [p for p in site_dir.iterdir() if p.name.startswith(".") and p.is_dir()], "the run's copy was left behind"

    # Published elsewhere, each workbook's files are files of their own.
    target = tmp_path / "www"
    tokens = {ada.name, bo.name}
    publish_sites(site_dir, Target("dir", str(target)), current=tokens, failed=set(),
                  project=load_project(project))
    for name in ada_files:
        assert (target / ada.name / name).read_bytes() == (ada / name).read_bytes()
        assert (target / ada.name / name).stat().st_nlink == 1


def test_what_mkdocs_says_of_mkdocs_yml_comes_back_naming_the_setting(project, write_client, tmp_path):
    client = write_client(MINIMAL_CLIENT)
    config_file = project / "mkdocs.yml"
    good = config_file.read_text(encoding="utf-8")
    config_file.write_text(good + "colour_scheme: teal\n", encoding="utf-8")
    built = build(client, project, tmp_path / "site")
    assert built.warnings == ["mkdocs.yml: colour_scheme: Unrecognised configuration name: colour_scheme"]

    config_file.write_text(good.replace("  name: material\n", "  name: materiall\n"), encoding="utf-8")
    with pytest.raises(BuildError) as raised:
        build(client, project, tmp_path / "site")
    # The failed build names the client it was building, then the setting of mkdocs.yml that stopped it.
    assert str(raised.value).startswith("clients/ada-example.yaml: mkdocs.yml: theme: Unrecognised theme name: 'materiall'.")


def counted(calls: list[str], name: str, function):
    """`function`, unchanged, noting each call in `calls`."""

    def call(*args, **kwargs):
        calls.append(name)
        return function(*args, **kwargs)

    return call


def test_a_run_reads_mkdocs_yml_once_and_loads_it_into_mkdocs_once(project, tmp_path, monkeypatch):
    import coach_site.engine.build as engine_build
    import coach_site.engine.settings as settings

    calls: list[str] = []
    monkeypatch.setattr(settings, "yaml_load", counted(calls, "parsed", settings.yaml_load))
    monkeypatch.setattr(engine_build, "_load_base_config", counted(calls, "loaded", engine_build._load_base_config))
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text() + "\n# new\n")  # not read before
    clients = [*two_clients(project), project / "clients" / "cy.yaml"]
    clients[2].write_text(MINIMAL_CLIENT.replace("3hVt9QmK2xLp7RwZc5NbYa", "Cy9QmK2xLp7RwZc5NbYa3h"))
    outcomes = list(build_clients(clients, load_project(project), tmp_path / "site", jobs=1))
    assert all(isinstance(o, Built) for o in outcomes)
    assert calls == ["parsed", "loaded"]  # for the project and the three builds together
