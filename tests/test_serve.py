"""`coach-site serve` as a real process: real HTTP, a real edit, the change in the next response."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MINIMAL_CLIENT, customised


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(condition, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@contextlib.contextmanager
def serving(project: Path, port: int) -> Iterator[list[str]]:
    """`coach-site serve clients/ada-example.yaml` on `port`; yields what it prints, as it prints it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "coach_site", "serve", "clients/ada-example.yaml", "--port", str(port)],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(project), "NO_COLOR": "1"},
    )
    lines: list[str] = []
    readers = [threading.Thread(target=lambda s=s: lines.extend(s), daemon=True) for s in (process.stdout, process.stderr)]
    for reader in readers:
        reader.start()
    try:
        yield lines
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()  # never left running
            process.wait()
    assert "Traceback" not in "".join(lines)


@pytest.fixture
def served(project, write_client):
    client = write_client(MINIMAL_CLIENT + "    outcome: Lead the design team\n")
    port = free_port()
    with serving(project, port) as lines:
        yield client, f"http://127.0.0.1:{port}", lines


def test_serve_rebuilds_on_edit_and_keeps_the_last_good_build_on_error(project, served):
    client, base, output = served
    page = wait_for(lambda: get(f"{base}/area-career.html"), what="the first build")
    assert "Lead the design team" in page
    assert "livereload" in page  # MkDocs' live-reload script, so the browser reloads itself

    client.write_text(MINIMAL_CLIENT + "    outcome: Lead a team of five\n")
    page = wait_for(lambda: (p := get(f"{base}/area-career.html")) and "Lead a team of five" in p and p,
                    what="the edit to show")

    client.write_text(MINIMAL_CLIENT + "    satisfaction: 42\n")
    wait_for(lambda: "42 is not between 1 and 10" in "".join(output), what="the error in the terminal")
    assert "Still serving the last good build." in "".join(output)
    assert "Lead a team of five" in get(f"{base}/area-career.html")


NOTICE = "Your last change could not be built."


def test_a_broken_edit_shows_atop_every_page_until_the_next_good_build(project, served):
    client, base, output = served
    wait_for(lambda: get(f"{base}/area-career.html"), what="the first build")
    assert NOTICE not in get(f"{base}/area-career.html")
    # What the coach typed is quoted in the notice as text, never as the page's HTML.
    client.write_text(MINIMAL_CLIENT + "    outcome: Lead a team of five\n    satisfaction: <b>seven</b>\n")
    page = wait_for(lambda: (p := get(f"{base}/area-career.html")) and NOTICE in p and p, what="the notice")
    assert "clients/ada-example.yaml, line 8</strong>: focus area 1 (Career), satisfaction:" in page
    assert "&lt;b&gt;seven&lt;/b&gt;" in page and "<b>seven</b>" not in page
    assert "Correct it and save: this page reloads by itself" in page
    assert page.index(NOTICE) < page.index("Lead the design team")  # atop the last good build
    assert "livereload" in page  # and the browser still reloads itself on the next build
    assert NOTICE in get(f"{base}/index.html") and NOTICE in get(f"{base}/")
    stylesheet = re.search(r'href="(assets/hashed/workbook\.[0-9a-f]+\.css)"', get(f"{base}/index.html"))[1]
    assert NOTICE not in get(f"{base}/{stylesheet}")  # pages only
    wait_for(lambda: "Still serving the last good build." in "".join(output), what="the error in the terminal too")

    client.write_text(MINIMAL_CLIENT + "    outcome: Lead a team of five\n")
    # The notice goes with the build that succeeds (before the browser is told to reload).
    wait_for(lambda: (p := get(f"{base}/area-career.html")) and "Lead a team of five" in p and NOTICE not in p,
             what="the good build, without the notice")
    assert NOTICE not in get(f"{base}/index.html")


def test_the_notice_speaks_the_practices_language(project, write_client):
    settings = project / "mkdocs.yml"
    settings.write_text(settings.read_text().replace("  language: en\n", "  language: de\n", 1))
    client = write_client(MINIMAL_CLIENT)
    port = free_port()
    with serving(project, port):
        wait_for(lambda: get(f"http://127.0.0.1:{port}/area-career.html"), what="the first build")
        client.write_text(MINIMAL_CLIENT + "    satisfaction: 42\n")
        page = wait_for(lambda: (p := get(f"http://127.0.0.1:{port}/area-career.html"))
                        and "Die letzte Änderung" in p and p, what="the notice")
    assert "clients/ada-example.yaml, Zeile 7" in page and "42 is not between 1 and 10" in page
    assert NOTICE not in page


def test_serve_rebuilds_on_a_template_edit_alone(project, served):
    client, base, _ = served
    wait_for(lambda: get(f"{base}/area-career.html"), what="the first build")
    template = customised(project, "focus-area.md.j2")
    sentence = "This is your picture of success in this area, in your words."
    assert sentence in template.read_text()
    template.write_text(template.read_text().replace(sentence, "Your own map of this area."))
    wait_for(lambda: "Your own map of this area." in (get(f"{base}/area-career.html") or ""), what="the template edit")


def ask(base: str, path: str, host: str) -> tuple[int, str]:
    """A request with the Host header a browser sends for `host` (DNS rebinding sends its own name)."""
    port = int(base.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_serve_answers_only_requests_addressed_to_this_machine(served):
    _, base, _ = served
    wait_for(lambda: get(f"{base}/area-career.html"), what="the first build")
    port = base.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        status, page = ask(base, "/area-career.html", host)
        assert status == 200 and "Lead the design team" in page
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", ""):
        for path in ("/", "/area-career.html", "/search/search_index.json", "/livereload/1/1"):
            status, body = ask(base, path, host)
            assert status == 421 and "Lead the design team" not in body, (host, path)


def test_serve_on_a_busy_port_is_a_clear_error(project, write_client):
    write_client(MINIMAL_CLIENT)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "coach_site", "serve", "clients/ada-example.yaml", "--port", str(port)],
            cwd=project, capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


def test_a_sealed_workbook_is_previewed_sealed_from_its_link_with_the_key(project, write_client):
    client = write_client(MINIMAL_CLIENT.replace("  token: 3hVt9QmK2xLp7RwZc5NbYa\n",
                                                 "  token: 3hVt9QmK2xLp7RwZc5NbYa\n  sealed: true\n"))
    port = free_port()
    with serving(project, port) as lines:
        key = wait_for(lambda: re.search(r"^  key: \"?([A-Za-z0-9_-]{43})", client.read_text(), re.M), what="the key")[1]
        wait_for(lambda: any(f"Serving http://127.0.0.1:{port}/#{key}" in line for line in lines), what="the link")
        page = wait_for(lambda: get(f"http://127.0.0.1:{port}/index.html"), what="the preview")  # once listening
        assert 'id="sealed-page"' in page and "Ada Example" not in page  # the preview is the sealed shell


def test_a_name_with_a_nul_in_it_is_simply_not_found(served):
    _, base, lines = served
    wait_for(lambda: get(f"{base}/area-career.html"), what="the first build")
    port = base.rsplit(":", 1)[1]
    for path in ("/%00", "/area-career.html%00", "/assets/%00x"):
        status, body = ask(base, path, f"127.0.0.1:{port}")
        assert status == 404, (path, status, body)
    assert ask(base, "/area-career.html", f"127.0.0.1:{port}")[0] == 200  # and the preview goes on
