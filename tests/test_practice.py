"""A practice of one's own: `init`, `customise`, the package's templates under the practice's
own files, and the warnings while mkdocs.yml still holds the example's details."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import MINIMAL_CLIENT, PRACTICE_SITE_URL, REPO, built_asset, copy_project

from coach_site.clientfile.schema import SCHEMA_FILE, schema_text
from coach_site.project import PACKAGE_OVERRIDES
from coach_site.project_loader import load_project

TOKEN = "3hVt9QmK2xLp7RwZc5NbYa"
DETAILS = ("--name", "Robin Okafor", "--email", "robin@okafor-practice.net",
           "--site-url", "https://coaching.okafor-practice.net/workbooks")


def run(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "coach_site", *args], cwd=folder, env=env,
                          capture_output=True, text=True, input=stdin)


def test_init_starts_a_practice_with_the_coachs_details_and_the_examples_settings(tmp_path):
    result = run(tmp_path, "init", "practice", *DETAILS, "--language", "de")
    assert result.returncode == 0, result.stderr
    practice = tmp_path / "practice"
    assert sorted(p.name for p in practice.iterdir()) == [".git", ".gitignore", "README.md", "clients", "mkdocs.yml"]
    settings = yaml.safe_load((practice / "mkdocs.yml").read_text(encoding="utf-8"))
    example = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert settings["site_url"] == "https://coaching.okafor-practice.net/workbooks/"
    assert settings["extra"]["coach"] == {"name": "Robin Okafor", "email": "robin@okafor-practice.net"}
    assert settings["theme"]["language"] == "de"
    # Everything else, comments included, is the example's.
    for key in ("plugins", "markdown_extensions", "extra_javascript", "extra_css", "use_directory_urls"):
        assert settings[key] == example[key], key
    assert settings["theme"]["palette"] == example["theme"]["palette"]
    assert "# The base of the private links" in (practice / "mkdocs.yml").read_text(encoding="utf-8")
    assert (practice / "clients" / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()
    assert {"site/", ".coach-site/", "*.eml"} <= set((practice / ".gitignore").read_text().splitlines())
    assert subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=practice,
                          capture_output=True, text=True).stdout.strip() == "true"
    readme = (practice / "README.md").read_text(encoding="utf-8")
    assert all(f"coach-site {command}" in readme for command in ("new", "check", "build", "email", "publish"))
    # No template is copied: the practice uses coach-site's until it customises one.
    assert not (practice / "content").exists() and not (practice / "overrides").exists()


def test_the_package_starts_practices_from_this_repositorys_mkdocs_yml():
    from coach_site.commands.init import STARTER

    assert (STARTER / "mkdocs.yml").read_text(encoding="utf-8") == (REPO / "mkdocs.yml").read_text(encoding="utf-8")


def test_init_refuses_a_folder_that_is_not_empty_and_changes_nothing(tmp_path):
    (tmp_path / "practice").mkdir()
    (tmp_path / "practice" / "notes.txt").write_text("mine")
    result = run(tmp_path, "init", "practice", *DETAILS)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("practice is not empty: a practice starts in a new folder.")
    assert sorted(p.name for p in (tmp_path / "practice").iterdir()) == ["notes.txt"]


def test_init_without_a_terminal_names_what_is_missing(tmp_path):
    result = run(tmp_path, "init", "practice", "--site-url", "https://coaching.okafor-practice.net/")
    assert result.returncode == 1
    assert result.stderr.startswith("--name and --email missing: coach-site init FOLDER --name")
    assert not (tmp_path / "practice").exists()


def test_init_says_every_problem_of_the_details_at_once(tmp_path):
    result = run(tmp_path, "init", "practice", "--name", "Robin Okafor", "--email", "robin.okafor-practice.net",
                 "--site-url", "coaching.okafor-practice.net")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "--email: 'robin.okafor-practice.net' is not an email address" in result.stderr
    assert "--site-url: 'coaching.okafor-practice.net' is not a web address" in result.stderr
    assert not (tmp_path / "practice").exists()


def test_init_refuses_details_that_would_send_clients_wrong_links(tmp_path):
    for args, said in (
        (("--site-url", "coaching.okafor-practice.net"), "--site-url: 'coaching.okafor-practice.net' is not a web address"),
        (("--site-url", "https://coaching.example.org/workbooks/"), "is the example's address"),
        (("--email", "robin.okafor-practice.net"), "--email: 'robin.okafor-practice.net' is not an email address"),
        (("--name", "Sam Rivera"), "--name: 'Sam Rivera' is the example's coach: give your own name"),
        (("--email", "sam.rivera@example.org"), "--email: 'sam.rivera@example.org' is the example coach's address"),
        (("--language", "xx"), "--language:"),
    ):
        given = dict(zip(DETAILS[::2], DETAILS[1::2]))
        given.update(dict(zip(args[::2], args[1::2])))
        result = run(tmp_path, "init", "practice", *(item for pair in given.items() for item in pair))
        assert result.returncode == 1 and said in result.stderr, (args, result.stderr)
        assert not (tmp_path / "practice").exists()


def test_customise_copies_one_file_and_then_it_wins_in_the_workbook(tmp_path):
    practice = copy_project(tmp_path / "practice")
    (practice / "clients" / "ada.yaml").write_text(MINIMAL_CLIENT, encoding="utf-8")
    result = run(practice, "customise", "workbook.css")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Copied to overrides/assets/stylesheets/workbook.css")
    copy = practice / "overrides" / "assets" / "stylesheets" / "workbook.css"
    assert copy.read_bytes() == (PACKAGE_OVERRIDES / "assets" / "stylesheets" / "workbook.css").read_bytes()
    copy.write_text(copy.read_text() + "\n/* the practice's own */\n")
    assert run(practice, "customise", "content/index.md.j2").returncode == 0
    index = practice / "content" / "index.md.j2"
    index.write_text(index.read_text().replace("\n", "\nOur first page for {{ name }}.\n", 1))
    assert run(practice, "build").returncode == 0
    site = practice / "site" / TOKEN
    assert built_asset(site, "assets/stylesheets/workbook.css").read_text().endswith("/* the practice's own */\n")
    assert "Our first page for Ada." in (site / "index.html").read_text()
    # The files it did not customise are coach-site's; its README is not published.
    store = "assets/javascripts/store.js"
    assert built_asset(site, store).read_bytes() == (PACKAGE_OVERRIDES / store).read_bytes()
    assert not list(site.rglob("README*"))


def test_customise_never_overwrites_and_names_what_it_knows(project):
    assert run(project, "customise", "main.html").returncode == 0
    (project / "overrides" / "main.html").write_text("mine")
    again = run(project, "customise", "overrides/main.html")
    assert again.returncode == 1 and again.stderr.startswith("overrides/main.html is already yours: edit it there.")
    assert (project / "overrides" / "main.html").read_text() == "mine"
    unknown = run(project, "customise", "index.md")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("coach-site has no template or theme file 'index.md'. Did you mean `index.md.j2`?")
    assert "  content/_words.yaml\n" in unknown.stderr and "  overrides/partials/copyright.html\n" in unknown.stderr
    listed = run(project, "customise")
    assert listed.returncode == 0 and "content/homework-email.txt.j2" in listed.stdout.splitlines()


def test_the_examples_details_are_warned_about_once_and_publish_refuses(tmp_path):
    practice = copy_project(tmp_path / "practice", example_details=True)
    (practice / "clients" / "ada.yaml").write_text(MINIMAL_CLIENT, encoding="utf-8")
    for command in (["build"], ["email", "clients/ada.yaml"]):
        result = run(practice, *command)
        assert result.returncode == 0, result.stderr
        assert result.stderr.count("still the example's") == 2, (command, result.stderr)  # site_url, extra.coach
        assert "mkdocs.yml: site_url is still the example's (https://coaching.example.org/workbooks/)" in result.stderr
        assert "mkdocs.yml: extra.coach is still the example's (Sam Rivera, sam.rivera@example.org)" in result.stderr
    www = tmp_path / "www"
    refused = run(practice, "publish", "--to", str(www))
    assert refused.returncode == 1 and not www.exists()
    assert f"Nothing was published: change these in {practice / 'mkdocs.yml'}" in refused.stderr
    # With the coach's own details: no warning, and it publishes.
    settings = practice / "mkdocs.yml"
    settings.write_text(settings.read_text().replace("https://coaching.example.org/workbooks/", PRACTICE_SITE_URL)
                        .replace("Sam Rivera", "Robin Okafor"))
    half = run(practice, "publish", "--to", str(www))
    assert half.returncode == 1 and "extra.coach is still" in half.stderr and "site_url is still" not in half.stderr
    settings.write_text(settings.read_text().replace("sam.rivera@example.org", "robin@okafor-practice.net"))
    published = run(practice, "publish", "--to", str(www))
    assert published.returncode == 0, published.stderr
    assert "still the example" not in published.stderr and (www / TOKEN / "index.html").is_file()


def test_a_practice_that_changes_nothing_builds_from_the_package_alone(tmp_path):
    practice = copy_project(tmp_path / "practice")
    for folder in ("content", "overrides"):
        for path in (practice / folder).iterdir():
            path.unlink()
        (practice / folder).rmdir()
    (practice / "clients" / "ada.yaml").write_text(MINIMAL_CLIENT, encoding="utf-8")
    project = load_project(practice)
    assert not project.content_dir.exists() and not project.overrides_dir.exists()
    result = run(practice, "build")
    assert result.returncode == 0, result.stderr
    site = practice / "site" / TOKEN
    assert built_asset(site, "assets/stylesheets/workbook.css").is_file() and (site / "values.html").is_file()
    assert '<meta name="referrer" content="no-referrer">' in (site / "index.html").read_text()


def test_the_names_new_wrote_are_said_until_the_coach_replaces_them(tmp_path):
    practice = copy_project(tmp_path / "practice")
    assert run(practice, "new", "Ada Example").returncode == 0
    checked = run(practice, "check", "clients/ada-example.yaml")
    assert checked.returncode == 0, checked.stderr
    assert '"First value" is still the name `coach-site new` wrote' in checked.stderr
    assert '"First focus area" is still the name `coach-site new` wrote' in checked.stderr
    built = run(practice, "build", "clients/ada-example.yaml")
    assert built.returncode == 0 and '"First focus area" is still the name' in built.stderr
    client = practice / "clients" / "ada-example.yaml"
    client.write_text(client.read_text().replace("First focus area", "Health").replace("First value", "Courage"))
    assert "still the name" not in run(practice, "check", "clients/ada-example.yaml").stderr
    assert "still the name" not in run(practice, "build", "clients/ada-example.yaml").stderr


# --- a practice started before the coach has a website ------------------------------------

COACH = ("--name", "Robin Okafor", "--email", "robin@okafor-practice.net")


def _named(client: Path) -> None:
    """The names `new` wrote, replaced as a coach does."""
    client.write_text(client.read_text(encoding="utf-8").replace("First focus area", "Health")
                      .replace("First value", "Courage"), encoding="utf-8")


def test_init_without_a_website_links_the_workbooks_on_disk_until_site_url_is_set(tmp_path):
    started = run(tmp_path, "init", "practice", *COACH)
    assert started.returncode == 0, started.stderr
    assert "No website yet" in started.stdout
    practice = tmp_path / "practice"
    written = (practice / "mkdocs.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(written)["site_url"] is None
    assert "site_url: # not set yet: where your workbooks will be published" in written
    for args in (("new", "Priya Natarajan", "--email", "priya@example.org"), ("new", "Jana Weber", "--sealed")):
        assert run(practice, *args).returncode == 0
    for client in (practice / "clients").glob("*.yaml"):
        _named(client)
    assert run(practice, "check").returncode == 0

    built = run(practice, "build")
    assert built.returncode == 0, built.stderr
    assert "mkdocs.yml: site_url is not set yet: set it to the address your workbooks will be published at" \
        in built.stderr and "each link below opens the workbook on this computer" in built.stderr
    links = dict(re.findall(r"^(\S+): (\S+)$", built.stdout, re.MULTILINE))
    priya = yaml.safe_load((practice / "clients" / "priya-natarajan.yaml").read_text())["link"]
    jana = yaml.safe_load((practice / "clients" / "jana-weber.yaml").read_text())["link"]
    page = practice / "site" / priya["token"] / "index.html"
    assert links["priya-natarajan"] == page.as_uri() and page.is_file()
    assert links["jana-weber"] == (practice / "site" / jana["token"] / "index.html").as_uri() + "#" + jana["key"]
    # Nothing on a page names this computer's folders.
    assert str(practice) not in page.read_text(encoding="utf-8")
    listed = run(practice, "list")
    assert listed.returncode == 0 and page.as_uri() in listed.stdout

    www = tmp_path / "www"
    for command in (("publish", "--to", str(www)),
                    ("email", "clients/priya-natarajan.yaml", "--eml", str(tmp_path / "priya.eml"))):
        refused = run(practice, *command)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert refused.stderr.startswith("mkdocs.yml: site_url is not set yet: set it to the address your "
                                         "workbooks will be published at, like https://you.github.io/workbooks/\n")
        assert "a link you send must open on the web. Set site_url, then" in refused.stderr
    assert not www.exists() and not (tmp_path / "priya.eml").exists()

    settings = practice / "mkdocs.yml"
    settings.write_text(re.sub(r"site_url:.*", f"site_url: {PRACTICE_SITE_URL}", written), encoding="utf-8")
    assert f"priya-natarajan: {PRACTICE_SITE_URL}{priya['token']}/\n" in run(practice, "build").stdout
    mailed = run(practice, "email", "clients/priya-natarajan.yaml")
    assert mailed.returncode == 0 and f"{PRACTICE_SITE_URL}{priya['token']}/" in mailed.stdout
    published = run(practice, "publish", "--to", str(www))
    assert published.returncode == 0, published.stderr
    assert (www / priya["token"] / "index.html").is_file()


def test_serve_previews_a_practice_without_a_website(tmp_path):
    from test_serve import free_port, get, serving, wait_for

    assert run(tmp_path, "init", "practice", *COACH).returncode == 0
    practice = tmp_path / "practice"
    (practice / "clients" / "ada-example.yaml").write_text(MINIMAL_CLIENT, encoding="utf-8")
    port = free_port()
    with serving(practice, port):
        page = wait_for(lambda: get(f"http://127.0.0.1:{port}/area-career.html"), what="the first build")
    assert "Career" in page


def run_on_a_terminal(folder: Path, answers: list[str], *args: str) -> tuple[int, str]:
    """coach-site with a pseudo-terminal for its input and output, as a coach types: the
    answers are typed ahead, a line each, and read one per question."""
    import os
    import pty

    leader, follower = pty.openpty()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "TERM": "xterm", "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "coach_site", *args], cwd=folder, env=env,
                               stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    os.write(leader, "".join(f"{answer}\n" for answer in answers).encode())
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    try:
        process.wait(timeout=60)
    finally:
        process.kill()
        os.close(leader)
    return process.returncode, output.decode("utf-8", "replace").replace("\r\n", "\n")


def test_init_on_a_terminal_asks_a_wrong_answer_again_and_keeps_the_others(tmp_path):
    typed = ["Robin Okafor", "robin.okafor-practice.net", "robin@okafor-practice.net",
             "I don't have a website yet", "coaching.okafor-practice.net/workbooks",
             "https://coaching.okafor-practice.net/workbooks"]
    code, output = run_on_a_terminal(tmp_path, typed, "init", "practice")
    assert code == 0, output
    # The questions again after a wrong answer, with what is wrong: nothing else is asked again.
    assert output.count("Your name (it signs every workbook):") == 1
    assert output.count("Your email address:") == 2
    assert "'robin.okafor-practice.net' is not an email address" in output
    assert output.count("Where your workbooks will be published") == 3
    assert "'I don't have a website yet' is not a web address: write where your workbooks will be published, " \
           "like https://coaching.your-name.com/workbooks/ (no website yet? leave it empty" in output
    assert "'coaching.okafor-practice.net/workbooks' is not a web address" in output
    settings = yaml.safe_load((tmp_path / "practice" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert settings["site_url"] == PRACTICE_SITE_URL
    assert settings["extra"]["coach"] == {"name": "Robin Okafor", "email": "robin@okafor-practice.net"}


def test_init_on_a_terminal_asks_a_wrong_option_again_and_takes_no_website_for_an_answer(tmp_path):
    code, output = run_on_a_terminal(tmp_path, ["", "fr"], "init", "practice", *COACH, "--site-url", "my website",
                                     "--language", "french")
    assert code == 0, output
    assert "'my website' is not a web address" in output and "`french` is not a language code" in output
    assert "Your name" not in output and "Your email" not in output
    settings = yaml.safe_load((tmp_path / "practice" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert settings["site_url"] is None and settings["theme"]["language"] == "fr"


def git_out(folder: Path, *args: str, home: Path) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(home)}).stdout.strip()


def test_init_makes_the_first_commit_as_the_coach_where_git_does_not_know_them(tmp_path):
    """A machine where git was never set up: the README's `git commit` works in the practice."""
    assert run(tmp_path, "init", "practice", *COACH).returncode == 0
    practice = tmp_path / "practice"
    assert git_out(practice, "config", "--local", "user.name", home=tmp_path) == "Robin Okafor"
    assert git_out(practice, "config", "--local", "user.email", home=tmp_path) == "robin@okafor-practice.net"
    assert git_out(practice, "log", "--format=%an <%ae>: %s", home=tmp_path) == \
        "Robin Okafor <robin@okafor-practice.net>: Start my coaching practice"
    assert git_out(practice, "status", "--porcelain", home=tmp_path) == ""
    assert set(git_out(practice, "ls-files", home=tmp_path).splitlines()) == {
        ".gitignore", "README.md", "mkdocs.yml", f"clients/{SCHEMA_FILE}"}
    assert run(practice, "new", "Priya Natarajan").returncode == 0
    commit = subprocess.run(["sh", "-c", 'git add -A && git commit -m "Session with Priya"'], cwd=practice,
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert commit.returncode == 0, commit.stderr


def test_init_leaves_a_known_git_identity_alone(tmp_path):
    (tmp_path / ".gitconfig").write_text("[user]\n\tname = Robin Home\n\temail = robin@home.example\n")
    assert run(tmp_path, "init", "practice", *COACH).returncode == 0
    practice = tmp_path / "practice"
    local = subprocess.run(["git", "config", "--local", "--get-regexp", "^user\\."], cwd=practice,
                           capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert local.stdout == ""
    assert git_out(practice, "log", "--format=%an <%ae>", home=tmp_path) == "Robin Home <robin@home.example>"


def test_the_getting_started_guide_names_only_commands_and_options_that_exist():
    """docs/getting-started.md, for the coach: every `coach-site ...` it gives is a command
    that exists, with options it takes."""
    import re as regex

    from coach_site.cli import cli

    guide = (REPO / "docs" / "getting-started.md").read_text(encoding="utf-8")
    code = "\n".join(regex.findall(r"```[a-z]*\n(.*?)```", guide, regex.DOTALL) + regex.findall(r"`([^`\n]+)`", guide))
    used = regex.findall(r"coach-site ([a-z-]+)((?: +--?[a-z-]+| +[^\s`|]+)*)", code)
    assert len(used) > 10
    for name, rest in used:
        if name == "version":
            continue
        assert name in cli.commands or name == "--version", name
        command = cli.commands.get(name)
        options = {opt for param in (command.params if command else []) for opt in param.opts}
        for option in regex.findall(r"(--[a-z-]+)", rest):
            assert option in options | {"--help", "--quiet", "--verbose"}, (name, option)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.index("docs/getting-started.md") < readme.index("make build")  # the first screen leads to it
