"""coach-site as a coach installs it: the sdist and wheel a release uploads, built and
checked as the package index will check them, served by a real package index on 127.0.0.1,
installed by name (`coach-site`) into a fresh virtual environment outside the repository,
and a practice of its own started with `init` and used as the README says.

Slow (it builds the release files and installs coach-site with the dependencies its wheel
names, at the versions of the lock in requirements/, from the installer's cache where it
can), so everything it checks shares one installation.
"""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, USER_CACHE, built_asset

pytestmark = pytest.mark.slow

# Never in a release: what a checkout holds besides the sources (a stale build/ folder included).
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "build", "dist", "site", "*.egg-info", "__pycache__",
                                     ".pytest_cache", ".hypothesis", "test-artifacts", ".coach-site", ".tools")


@dataclass(frozen=True)
class Release:
    files: Path  # the sdist and the wheel, as `make release` leaves them in dist/
    checked: subprocess.CompletedProcess  # what `twine check --strict` said of them
    index_log: Path  # what the package index served
    bin: Path  # the `bin/` of the fresh environment coach-site was installed into, by name


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Release:
    """The release files built from this checkout as `make release` builds them, served by
    pypiserver on 127.0.0.1, and `coach-site` installed from that index by name into a fresh
    virtual environment, its dependencies from the usual index, held to the lock's versions."""
    base = tmp_path_factory.mktemp("release")
    source, dist, venv = base / "source", base / "dist", base / "venv"
    shutil.copytree(REPO, source, ignore=NOT_SOURCES)
    uv = Path(sys.executable).parent / "uv"  # the installer `make` puts in .venv, from the lock
    env = {**os.environ, "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR") or str(USER_CACHE / "uv")}

    def run(*args: str | Path) -> subprocess.CompletedProcess:
        done = subprocess.run([str(arg) for arg in args], env=env, capture_output=True, text=True, cwd=base)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done

    # `make release`: the lock's build frontend and setuptools, then twine's check.
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, source)
    checked = run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()))
    port = free_port()
    log = base / "index.log"
    index = subprocess.Popen([sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(port),
                              "--disable-fallback", "--log-file", str(log), "-v", str(dist)],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _first_answer(f"http://127.0.0.1:{port}/simple/coach-site/", index)
        run(uv, "venv", "--quiet", "--python", sys.executable, venv)
        # The local index first, for coach-site (a package of that name elsewhere is never taken);
        # everything else from the usual index, at the lock's versions.
        run(uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python", "--index-strategy", "first-index",
            "--extra-index-url", f"http://127.0.0.1:{port}/simple/", "coach-site",
            "--constraint", REPO / "requirements" / "run.txt")
    finally:
        index.terminate()
        try:
            index.wait(timeout=10)
        except subprocess.TimeoutExpired:
            index.kill()
            index.wait()
    return Release(dist, checked, log, venv / "bin")


@pytest.fixture(scope="module")
def installed(release) -> Path:
    return release.bin


def test_the_release_files_pass_the_index_checks_and_say_what_coach_site_is(release):
    sdist, wheel = sorted(release.files.iterdir(), key=lambda path: path.suffix)
    assert sdist.name == "coach_site-0.1.0.tar.gz" and wheel.name == "coach_site-0.1.0-py3-none-any.whl"
    assert release.checked.stdout.count("PASSED") == 2 and "WARNING" not in release.checked.stdout
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        metadata = email.parser.Parser().parsestr(whl.read("coach_site-0.1.0.dist-info/METADATA").decode())
    assert metadata["Summary"].startswith("Private coaching workbooks from one YAML file per client")
    assert metadata["License-Expression"] == "MIT" and metadata["Requires-Python"] == ">=3.11"
    assert metadata["Description-Content-Type"] == "text/markdown" and "## Start your practice" in metadata.get_payload()
    classifiers = metadata.get_all("Classifier")
    assert "Programming Language :: Python :: 3.11" in classifiers and "Environment :: Console" in classifiers
    assert metadata.get_all("Project-URL")
    assert "coach_site-0.1.0.dist-info/licenses/LICENSE" in names
    # What a practice needs at run time is in the wheel: templates, theme, catalogues, the starter.
    for needed in ("coach_site/theme/content/index.md.j2", "coach_site/theme/content/preview-error.html.j2",
                   "coach_site/theme/overrides/assets/javascripts/store.js", "coach_site/locale/de/LC_MESSAGES/messages.po",
                   "coach_site/practice/mkdocs.yml", "coach_site/clientfile/questions.yaml",
                   "coach_site/engine/vendor/iframe-worker/shim.js"):
        assert needed in names, needed
    assert not [name for name in names if name.startswith(("tests/", "clients/")) or "/__pycache__/" in name]
    with tarfile.open(sdist) as tar:
        inside = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "pyproject.toml", "coach_site/theme/content/index.md.j2"} <= inside
    # Installed by name from the index on 127.0.0.1: it served this wheel.
    assert re.search(r"GET /packages/coach_site-0\.1\.0-py3-none-any\.whl", release.index_log.read_text())


def test_the_installed_package_says_its_version(installed, tmp_path):
    result = subprocess.run([str(installed / "coach-site"), "--version"], capture_output=True, text=True,
                            env=coach_env(tmp_path, installed))
    assert result.returncode == 0 and result.stdout.strip() == "coach-site, version 0.1.0"


def coach_env(home: Path, bin_dir: Path) -> dict[str, str]:
    return {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(home), "NO_COLOR": "1",
            "XDG_CACHE_HOME": str(home / ".cache")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_installed_wheel_runs_a_practice_from_init_to_publish(installed, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = coach_env(home, installed)

    def coach_site(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        result = subprocess.run([str(installed / "coach-site"), *args], cwd=cwd, env=env, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, (args, result.stderr)
        return result

    # The package runs from the environment, not from this checkout.
    where = subprocess.run([str(installed / "python"), "-c", "import coach_site; print(coach_site.__file__)"],
                           cwd=home, env=env, capture_output=True, text=True, check=True).stdout
    assert Path(where.strip()).is_relative_to(installed.parent) and REPO.as_posix() not in where

    coach_site("init", "practice", "--name", "Robin Okafor", "--email", "robin@okafor-practice.net",
               "--site-url", "https://coaching.okafor-practice.net/workbooks/", cwd=home)
    practice = home / "practice"
    assert (practice / "mkdocs.yml").is_file() and (practice / "clients" / "client.schema.json").is_file()

    made = coach_site("new", "Priya Natarajan", "--email", "priya@example.org", cwd=practice)
    client = practice / "clients" / "priya-natarajan.yaml"
    assert made.stdout.startswith("Wrote clients/priya-natarajan.yaml") and client.is_file()
    client.write_text(client.read_text(encoding="utf-8").replace("First focus area", "Career")
                      .replace("First value", "Courage"), encoding="utf-8")  # never sent out half-filled
    assert coach_site("check", cwd=practice).returncode == 0

    built = coach_site("build", cwd=practice)
    [(slug, token)] = re.findall(r"^(\S+): https://coaching\.okafor-practice\.net/workbooks/([\w-]+)/$",
                                 built.stdout, re.MULTILINE)
    site = practice / "site" / token
    assert slug == "priya-natarajan" and (site / "index.html").is_file() and (site / "area-career.html").is_file()
    assert built_asset(site, "assets/stylesheets/workbook.css").is_file()  # the package's theme files
    assert "still the example" not in built.stderr

    mail = coach_site("email", "clients/priya-natarajan.yaml", "--eml", "homework.eml", cwd=practice)
    assert mail.stdout.startswith("Subject: ") and f"https://coaching.okafor-practice.net/workbooks/{token}/" in mail.stdout
    assert mail.stdout.rstrip().endswith("Robin Okafor") and (practice / "homework.eml").is_file()

    port = free_port()
    server = subprocess.Popen([str(installed / "coach-site"), "serve", "clients/priya-natarajan.yaml", "--port",
                               str(port)], cwd=practice, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              preexec_fn=_ctrl_c_stops)
    try:
        page = _first_answer(f"http://127.0.0.1:{port}/", server)
        assert "Priya" in page
    finally:
        how = _stop(server)
    assert how == "SIGINT", f"serve did not stop on Ctrl-C: it took {how}"

    copied = coach_site("customise", "index.md.j2", cwd=practice)
    assert copied.stdout.startswith("Copied to content/index.md.j2")
    index = practice / "content" / "index.md.j2"
    index.write_text(index.read_text(encoding="utf-8") + "\nA note from Robin's own template.\n", encoding="utf-8")

    www = tmp_path / "www"
    published = coach_site("publish", "--to", str(www), cwd=practice)
    assert f"Published 1 workbook to {www}" in published.stderr
    assert "A note from Robin's own template." in (www / token / "index.html").read_text(encoding="utf-8")
    assert "A note from Robin's own template." in (site / "index.html").read_text(encoding="utf-8")
    assert not list(www.rglob("*.yaml")) and not (www / "clients").exists()


def _ctrl_c_stops() -> None:
    """In the child, before serve starts: SIGINT does what Ctrl-C does in a terminal, even when
    whatever runs the tests ignores it (a job started in the background does), which the child
    would inherit."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stop(server: subprocess.Popen, seconds: float = 15) -> str:
    """Stop serve as a coach does (Ctrl-C); failing that SIGTERM, then SIGKILL: no test leaves it
    running. Returns the signal it stopped on."""
    for how, send in (("SIGINT", lambda: server.send_signal(signal.SIGINT)), ("SIGTERM", server.terminate),
                      ("SIGKILL", server.kill)):
        if server.poll() is not None:
            return "nothing: it had stopped"
        send()
        try:
            server.wait(timeout=seconds)
            return how
        except subprocess.TimeoutExpired:
            continue
    raise AssertionError(f"serve (pid {server.pid}) outlived SIGKILL")


def _first_answer(url: str, server: subprocess.Popen, seconds: float = 90) -> str:
    """The page at `url` once the preview answers; the server's output if it stops first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"serve stopped: {server.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"serve did not answer on {url} within {seconds} s")
