"""The theme's cache lives where the user's cache settings say, and never in the real ~/.cache during tests."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLE_CLIENT, MINIMAL_CLIENT, REPO, TEST_CACHE, build, customised

from coach_site.engine.theme_cache import cache_directory


def test_the_tests_cache_is_a_folder_of_this_run_not_the_users():
    assert cache_directory() == TEST_CACHE / "coach-site" / "templates"
    assert not cache_directory().is_relative_to(Path.home() / ".cache")


def test_a_build_writes_its_cache_under_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    build(EXAMPLE_CLIENT, REPO, tmp_path / "site")
    assert list((tmp_path / "xdg" / "coach-site").rglob("*")), "the build cached nothing where XDG_CACHE_HOME says"


def test_coach_site_cache_overrides_and_an_empty_one_turns_the_disk_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_SITE_CACHE", str(tmp_path / "mine"))
    assert cache_directory() == tmp_path / "mine" / "templates"
    monkeypatch.setenv("COACH_SITE_CACHE", "")
    assert cache_directory() is None


def test_a_build_caches_the_themes_compiled_templates_and_its_file_list(project, write_client, tmp_path, monkeypatch):
    import material

    from coach_site.engine.theme_cache import bytecode_cache

    monkeypatch.setenv("COACH_SITE_CACHE", str(tmp_path / "cache"))
    build(write_client(MINIMAL_CLIENT), project, tmp_path / "site")
    base_html = Path(material.__file__).parent / "templates" / "base.html"
    key = bytecode_cache().get_cache_key("base.html", str(base_html))
    assert (tmp_path / "cache" / "templates" / f"__jinja2_{key}.cache").is_file()
    assert list((tmp_path / "cache" / "theme-files").glob("*.json")), "the theme's file list was not kept"


def test_the_clients_of_one_run_share_one_theme_environment_and_the_next_run_starts_afresh(
        project, write_client, tmp_path, monkeypatch):
    """Templates are loaded once a run, not once a client; an edit between runs (serve) is seen."""
    import jinja2

    from coach_site.project_loader import load_project
    from coach_site.workbook.pipeline import Built, build_clients

    loaded: list[str] = []
    load = jinja2.BaseLoader.load  # what an environment does when a template is not in its cache
    monkeypatch.setattr(jinja2.BaseLoader, "load",
                        lambda self, env, name, globals=None: loaded.append(name) or load(self, env, name, globals))
    clients = [write_client(MINIMAL_CLIENT.replace("3hVt9QmK2xLp7RwZc5NbYa", token), slug=f"client-{n}")
               for n, token in enumerate(["Qm7tX2kLp9RwZ4vNbY3cHa", "Zr8wP3nVx5TqK7mJb2LdFs"])]
    site = tmp_path / "site"
    assert all(isinstance(o, Built) for o in build_clients(clients, load_project(project), site, jobs=1))
    assert loaded.count("main.html") == 1, "each client loaded the theme's templates again"

    footer = customised(project, "partials/copyright.html")
    footer.write_text(footer.read_text() + "\nEdited between runs\n")
    list(build_clients(clients[:1], load_project(project), site, jobs=1, force=True))
    assert loaded.count("main.html") == 2
    assert "Edited between runs" in (site / "Qm7tX2kLp9RwZ4vNbY3cHa" / "index.html").read_text()
