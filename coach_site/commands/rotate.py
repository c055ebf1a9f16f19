"""`coach-site rotate`: give a client a new private link; the old link stops working."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from coach_site.clientfile.edit import Appended, set_values, write_atomically
from coach_site.clientfile.keys import is_sealed, new_key, read_seal
from coach_site.clientfile.link import read_link
from coach_site.clientfile.loader import load_client_bytes, load_client_file
from coach_site.clientfile.scaffold import new_token
from coach_site.clientfile.sealed_reflections import reflections_key
from coach_site.clientfile.tokens import read_token, tokens_in_use
from coach_site.project import Project
from coach_site.workbook.pipeline import (
    Built,
    build_prepared,
    check_client,
    prepare_client,
)
from coach_site.workbook.previous_keys import PreviousKeys
from coach_site.workbook.stamps import Stamps
from coach_site.workbook.swap import front_page, write_site_root
from coach_site.workbook.workspace import private_temp_dir


def rotate_client(client_file: Path, project: Project, site_dir: Path) -> Built:
    """Give a client a new private link: new token in the file (and a new key when sealed),
    site rebuilt, old site removed.

    The new site is built from a copy of the edited file first; only when it is in place
    is the client file replaced and the old token's site deleted. A failure on the way
    leaves the file and the published site as they were.
    """
    # A guessable token is why some rotate; a lost one (`token:` deleted or emptied) why others do.
    old_token = None if _token_lost(client_file) else check_client(client_file, weak_token_ok=True).link.token
    others = [f for f in project.client_files() if f.resolve() != client_file.resolve()]
    text = client_file.read_bytes().decode("utf-8")  # as it is: a Windows file keeps its CRLF
    sharing = [f for f in others if (use := read_token(f)) and use.token == old_token]
    changes = {("link", "token"): new_token(taken={old_token, *tokens_in_use(others)} - {None})}
    seal = read_seal(client_file)  # read as written: a file whose token was lost has no valid link yet
    if seal.key or is_sealed(seal.sealed, project.sealed):
        # A new key with the new token. The old one is kept nowhere (previous_tokens holds tokens
        # only); what its reflections were sealed with is kept in .coach-site/ (below).
        changes[("link", "key")] = new_key()
    if old_token and not sharing:  # a copy of another client's file: that old link was never this client's
        # The old token goes to previous_tokens: the coachee's notes and reflections follow the new link.
        changes[("link", "previous_tokens")] = Appended([old_token])
    new_text = set_values(text, changes)
    if old_token is None:  # the rest of the file is checked as the client's own file, not as the copy
        check_client_text(new_text, client_file)
    with private_temp_dir("rotate") as work:
        edited = work / client_file.name
        edited.write_bytes(new_text.encode("utf-8"))
        # Built from the copy, but any error names the client's own file.
        prepared = dataclasses.replace(prepare_client(edited, project), client_file=client_file)
        front = front_page(project)  # a template that cannot make it fails before anything is swapped in
        built = build_prepared(prepared, project, site_dir)
        write_site_root(site_dir, front)
    if old_token and seal.key and not sharing:  # before the key is replaced: reflections on their way still open
        kept = PreviousKeys(project.root)
        kept.add(client_file, old_token, reflections_key(seal.key, read_link(client_file).passphrase))
        kept.save()
    write_atomically(client_file, new_text)
    if old_token and not sharing:  # a copied file's old link is still the other client's: leave their site alone
        shutil.rmtree(site_dir / old_token, ignore_errors=True)  # this client's own workbook, old token
    stamps = Stamps(project, site_dir)
    stamps.forget(client_file)  # built from a copy: the next build records the real file
    for other in sharing:  # an older version may have published this client over them: rebuild theirs
        stamps.forget(other)
    stamps.save()
    return Built(client_file, link=built.link, site=built.site, warnings=built.warnings)


def _token_lost(client_file: Path) -> bool:
    """`link:` without a `token:`, or with an empty one: there is no old link to retire."""
    link = load_client_file(client_file).data.get("link")
    return not isinstance(link, dict) or not str(link.get("token") or "").strip()


def check_client_text(text: str, client_file: Path) -> None:
    """Raise ClientFileError naming `client_file` when `text`, its edited content, has problems."""
    from coach_site.clientfile.validate import validate_client
    from coach_site.engine.languages import theme_languages

    validate_client(load_client_bytes(text.encode("utf-8"), client_file), languages=theme_languages())
