"""The live preview's server: MkDocs' own live-reload server, for `coach-site serve`.

What serve uses of it: `LiveReloadServer(builder=, host=, port=, root=)`, `.watch(path)`,
`.serve()`, `.shutdown()`, `.url`, and `serve_request(environ, start_response)` to refuse
requests addressed to other host names.
"""

from __future__ import annotations

from mkdocs.livereload import LiveReloadServer

__all__ = ["LiveReloadServer"]
