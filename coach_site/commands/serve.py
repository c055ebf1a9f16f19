"""`coach-site serve`: a live preview of one client's workbook, on MkDocs' own live-reload server.

Edits to the client file, content/, overrides/ or mkdocs.yml rebuild the workbook and
reload the browser. A broken edit is reported in the terminal and the last good build
keeps being served (a failed build never touches what was published).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from pathlib import Path

from coach_site.clientfile.keys import key_fragment
from coach_site.engine.live import LiveReloadServer
from coach_site.errors import CoachSiteError
from coach_site.project import Project
from coach_site.workbook.pipeline import build_client, check_client
from coach_site.workbook.workspace import private_temp_dir

HOST = "127.0.0.1"


class _LocalOnlyServer(LiveReloadServer):
    """MkDocs' live-reload server, answering only requests addressed to this machine by name.

    A web page elsewhere can point its own host name at 127.0.0.1 (DNS rebinding) and then
    read the preview from the coach's browser; such requests carry that other name in Host.
    """

    def __init__(self, *args, port: int, **kwargs):
        super().__init__(*args, port=port, **kwargs)
        self.allowed_hosts = {f"{HOST}:{port}", f"localhost:{port}"}

    def serve_request(self, environ, start_response) -> Iterable[bytes]:
        if environ.get("HTTP_HOST", "").lower() not in self.allowed_hosts:
            start_response("421 Misdirected Request", [("Content-Type", "text/plain")])
            return [f"Open the preview at {self.url}\n".encode()]
        if "\0" in environ.get("PATH_INFO", ""):  # no file has a NUL in its name (the server would fail on it)
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found\n"]
        return super().serve_request(environ, start_response)


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
                on_error(f"{exc}\nStill serving the last good build.")
            else:
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
