"""The import rules a newcomer can rely on (docs/architecture.md), read from the code itself.

Each rule is checked on the modules' real imports (the `ast` of every file of the
package, function-level imports included), so moving a line across a boundary fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "coach_site"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, as absolute dotted names (relative imports resolved)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(path): imports_of(path) for path in sorted(PACKAGE.rglob("*.py"))}


def importers_of(prefixes: tuple[str, ...]) -> dict[str, list[str]]:
    return {
        module: sorted(i for i in imported if i.split(".")[0] in prefixes or i.startswith(prefixes))
        for module, imported in MODULES.items()
        if any(i.split(".")[0] in prefixes or i.startswith(prefixes) for i in imported)
    }


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_rules_read_real_imports():
    # A rule over nothing proves nothing: the reader sees what the package imports today.
    assert "mkdocs.commands.build" in MODULES["coach_site.engine.build"] or any(
        within(i, "mkdocs") for i in MODULES["coach_site.engine.build"]
    )
    assert "coach_site.cli" in MODULES["coach_site.__main__"] | {
        i.rpartition(".")[0] for i in MODULES["coach_site.__main__"]
    }


def test_nothing_imports_the_cli():
    users = [m for m, imported in MODULES.items()
             if m != "coach_site.__main__" and any(within(i, "coach_site.cli") for i in imported)]
    assert users == [], "the click layer is the top: move what they need below it"


@pytest.mark.parametrize("forbidden", ["mkdocs", "material", "jinja2", "markdown",
                                       "coach_site.workbook", "coach_site.engine", "coach_site.commands"])
def test_the_client_file_package_knows_nothing_of_sites(forbidden):
    offenders = [m for m, imported in MODULES.items()
                 if within(m, "coach_site.clientfile") and any(within(i, forbidden) for i in imported)]
    assert offenders == []


@pytest.mark.parametrize("library", ["mkdocs", "material"])
def test_only_the_engine_imports_mkdocs_and_material(library):
    offenders = [m for m, imported in MODULES.items()
                 if not within(m, "coach_site.engine") and any(within(i, library) for i in imported)]
    assert offenders == [], "all MkDocs and Material knowledge lives in coach_site.engine"


def test_the_engine_knows_no_command():
    offenders = [m for m, imported in MODULES.items()
                 if within(m, "coach_site.engine") and any(within(i, "coach_site.commands") for i in imported)]
    assert offenders == []


def test_only_the_escaping_module_marks_text_safe():
    """`Markup(...)` says "this is HTML, do not escape it": one module decides that."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if module_name(path) == "coach_site.workbook.escape":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Markup":
                offenders.append(f"{module_name(path)}:{node.lineno}")
    assert offenders == []


def runs_git(path: Path) -> bool:
    """Whether a file starts a `git` process itself (`subprocess.run(["git", ...])` and the like)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.List):
            first = node.args[0].elts[0] if node.args[0].elts else None
            if isinstance(first, ast.Constant) and first.value == "git":
                return True
    return False


def test_one_git_adapter_that_does_not_read_client_files():
    imported = MODULES["coach_site.git"]
    assert not any(within(i, "coach_site.clientfile") or within(i, "coach_site.workbook") for i in imported)
    runners = [module_name(p) for p in sorted(PACKAGE.rglob("*.py")) if runs_git(p)]
    assert runners == ["coach_site.git"], "run git through coach_site.git"
