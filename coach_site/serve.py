"""`coach-site serve`: a live preview of one client's workbook, on MkDocs' own live-reload server.

Edits to the client file, content/, overrides/ or mkdocs.yml rebuild the workbook and
reload the browser. A broken edit is reported in the terminal and the last good build
keeps being served (a failed build never touches what was published).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from .errors import CoachSiteError
from .pipeline import build_client, check_client
from .project import Project

HOST = "127.0.0.1"


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
    token = check_client(client_file).link.token  # a file that cannot build stops here, clearly
    _check_port_free(port)
    serve_dir = Path(tempfile.mkdtemp(prefix="coach-site-serve-"))
    url = f"http://{HOST}:{port}/"

    def builder() -> None:
        try:
            build_client(client_file, project, serve_dir)
        except CoachSiteError as exc:
            on_error(f"{exc}\nStill serving the last good build.")
        else:
            on_built(url)

    try:
        build_client(client_file, project, serve_dir)
        server = LiveReloadServer(builder=builder, host=HOST, port=port, root=str(serve_dir / token))
        for path in (client_file, project.content_dir, project.overrides_dir, project.config_file):
            server.watch(str(path))
        on_built(url)
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(serve_dir, ignore_errors=True)
