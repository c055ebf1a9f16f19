"""`coach-site new`: start a client file with a fresh private token and every field ready."""

from __future__ import annotations

from pathlib import Path

from coach_site.clientfile.scaffold import new_client_file


def new_client(name: str, clients_dir: Path, *, email: str | None = None, slug: str | None = None) -> Path:
    """Write the new client's file in `clients_dir`; returns its path. What the file holds,
    and how its token is chosen, is clientfile/scaffold.py's."""
    return new_client_file(name, clients_dir, email=email, slug=slug)
