"""mkdocs.yml, read once: by `load_project` for the practice's settings, then by every build of the run.

The file is parsed with MkDocs' own YAML loader (`!ENV`, `!!python/name:` and INHERIT work as
in `mkdocs build`) and kept while it is unchanged: same modification time, same size. An
edited file (during `coach-site serve`, say) is read again.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from mkdocs.utils.yaml import yaml_load

_parsed: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def read_settings(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as a dict, a copy of its own for each caller. Raises on a YAML error."""
    config_file = Path(config_file).resolve()
    info = config_file.stat()
    version = (info.st_mtime_ns, info.st_size)
    known = _parsed.get(config_file)
    if known is None or known[0] != version:
        with config_file.open("rb") as f:
            known = _parsed[config_file] = (version, yaml_load(f) or {})
    return copy.deepcopy(known[1])
