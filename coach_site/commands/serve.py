"""`coach-site serve`: a live preview of one client's workbook, on MkDocs' own live-reload server.

Edits to the client file, content/, overrides/ or mkdocs.yml rebuild the workbook and
reload the browser. A broken edit is reported in the terminal and the last good build
keeps being served (a failed build never touches what was published), with a notice at
the top of every page saying what is wrong and where (content/preview-error.html.j2, in
the practice's language), until the next good build takes it away.
"""

from __future__ import annotations

import html
import re
import socket
from collections.abc import Callable, Iterable
from pathlib import Path

from coach_site.clientfile.keys import key_fragment
from coach_site.engine.live import LiveReloadServer
from coach_site.errors import ClientFileError, CoachSiteError
from coach_site.project import Project
from coach_site.workbook.html_pages import html_template, render_html
from coach_site.workbook.pipeline import build_client, check_client
from coach_site.workbook.workspace import private_temp_dir

HOST = "127.0.0.1"
NOTICE = "preview-error.html.j2"


class _LocalOnlyServer(LiveReloadServer):
    """MkDocs' live-reload server, answering only requests addressed to this machine by name.

    A web page elsewhere can point its own host name at 127.0.0.1 (DNS rebinding) and then
    read the preview from the coach's browser; such requests carry that other name in Host.
    """

    def __init__(self, *args, port: int, **kwargs):
        super().__init__(*args, port=port, **kwargs)
        self.allowed_hosts = {f"{HOST}:{port}", f"localhost:{port}"}
        self.notice: bytes | None = None  # what the last edit broke, atop every page until a good build

    def serve_request(self, environ, start_response) -> Iterable[bytes]:
        if environ.get("HTTP_HOST", "").lower() not in self.allowed_hosts:
            start_response("421 Misdirected Request", [("Content-Type", "text/plain")])
            return [f"Open the preview at {self.url}\n".encode()]
        if "\0" in environ.get("PATH_INFO", ""):  # no file has a NUL in its name (the server would fail on it)
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found\n"]
        notice = self.notice
        if notice is None or environ.get("PATH_INFO", "").startswith("/livereload/"):
            return super().serve_request(environ, start_response)
        answered: list = []
        body = super().serve_request(environ, lambda status, headers, exc_info=None: answered.extend((status, headers)))
        status, headers = answered
        if not dict(headers).get("Content-Type", "").startswith("text/html"):
            start_response(status, headers)
            return body
        try:
            page = _with_notice(b"".join(body), notice)
        finally:
            if hasattr(body, "close"):
                body.close()
        headers = [(name, str(len(page)) if name.lower() == "content-length" else value) for name, value in headers]
        start_response(status, headers)
        return [page]


def _with_notice(page: bytes, notice: bytes) -> bytes:
    """The page with the notice first in its body."""
    opening = re.search(rb"<body[^>]*>", page)
    at = opening.end() if opening else 0
    return page[:at] + notice + page[at:]


def preview_notice(error: CoachSiteError, project: Project) -> bytes:
    """The notice of a broken edit, from the practice's template of it, in its language; when
    that template is the broken part, the error alone."""
    try:
        template = html_template(project.content_dirs, project.language, NOTICE)
        return render_html(template, problems=_problems(error)).encode("utf-8")
    except CoachSiteError:
        return f'<pre role="alert">{html.escape(str(error))}</pre>'.encode("utf-8")


_WHERE = re.compile(r"(?P<file>[^\s:][^:]*?):(?P<line>\d+): (?P<what>.+)")


def _problems(error: CoachSiteError) -> list[dict]:
    """What is wrong, each with its file and line where the error names them."""
    if isinstance(error, ClientFileError) and error.problems:
        return [{"file": str(p.file), "line": p.line, "what": f"{p.field}: {p.message}" if p.field else p.message}
                for p in error.problems]
    problems: list[dict] = []
    for line in str(error).splitlines():
        if match := _WHERE.fullmatch(line):
            problems.append(match.groupdict())
        elif problems and not _WHERE.match(line):  # a line that goes on with the one before
            problems[-1]["what"] += f" {line.strip()}"
        else:
            problems.append({"file": None, "line": None, "what": line})
    return problems


def _check_port_free(port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise CoachSiteError(f"cannot serve on {HOST}:{port} ({exc.strerror}); try another --port") from None


def serve_client(
    client_file: Path,
    project: Project,
    port: int,
    *,
    on_built: Callable[[str], None],
    on_error: Callable[[str], None],
) -> None:
    """Build, serve on 127.0.0.1:port, and rebuild on every change until interrupted."""
    # A file that cannot build stops here, clearly.
    link = check_client(client_file, practice_sealed=project.sealed).link
    token = link.token
    _check_port_free(port)
    # A sealed workbook is previewed sealed, as the coachee will open it: its link carries the key.
    url = f"http://{HOST}:{port}/" + key_fragment(project, link.sealed, link.key)
    with private_temp_dir("serve") as serve_dir:

        def builder() -> None:
            try:
                build_client(client_file, project, serve_dir, record=False)
            except CoachSiteError as exc:
                server.notice = preview_notice(exc, project)  # the browser reloads: it shows at once
                on_error(f"{exc}\nStill serving the last good build.")
            else:
                server.notice = None
                on_built(url)

        build_client(client_file, project, serve_dir, record=False)  # a throw-away folder: no build record
        server = _LocalOnlyServer(builder=builder, host=HOST, port=port, root=str(serve_dir / token))
        for path in (client_file, *project.content_dirs, *project.overrides_dirs, project.config_file):
            if path.exists():  # a practice without content/ or overrides/ of its own
                server.watch(str(path))
        on_built(url)
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
