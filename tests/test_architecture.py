"""The import rules a newcomer can rely on (docs/architecture.md), read from the code itself.

Each rule is checked on the modules' real imports (the `ast` of every file of the
package, function-level imports included), so moving a line across a boundary fails here.
An import written as a string counts as one: a string that names a module of ours (a
Markdown extension, an entry point), `importlib.import_module(...)` and `__import__(...)`,
and a module of ours named in the package's own mkdocs.yml (the engine imports what it
names). No module may reach itself through its imports: no circle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "coach_site"
# A module of ours as a string names it: "coach_site.workbook.escape", or with what it holds
# after a colon ("coach_site.cli:main", a Markdown extension's "module:Class").
NAMED_MODULE = re.compile(r"coach_site(?:\.[A-Za-z_]\w*)+(?::[\w.]+)?")
DYNAMIC_IMPORTS = ("import_module", "__import__")
# mkdocs.yml is read by the engine, and MkDocs and Markdown import what it names.
SETTINGS_READER = "coach_site.engine.build"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    return module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]


def imports_in(source: str, package: str) -> tuple[dict[str, int], list[int]]:
    """Every module the source imports, as absolute dotted names (relative imports resolved),
    each with the first line that imports it, strings included; and the lines of imports
    whose name is computed, which no rule can read."""
    found: dict[str, int] = {}
    unreadable: list[int] = []
    tree = ast.parse(source)
    docstrings = {id(body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and (body := node.body) and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)}

    def add(name: str, line: int) -> None:
        found.setdefault(name, line)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module or "", node.level, package)
            add(base, node.lineno)
            for alias in node.names:
                add(f"{base}.{alias.name}", node.lineno)
        elif isinstance(node, ast.Call) and _called(node) in DYNAMIC_IMPORTS:
            name = _dynamic_import(node, package)
            if name is None:
                unreadable.append(node.lineno)
            else:
                add(name, node.lineno)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
              and NAMED_MODULE.fullmatch(node.value.strip())):
            add(node.value.strip().partition(":")[0], node.lineno)
    return found, unreadable


def _absolute(name: str, level: int, package: str) -> str:
    if not level:
        return name
    anchor = package.split(".")[: len(package.split(".")) - level + 1]
    return ".".join([*anchor, name] if name else anchor)


def _called(node: ast.Call) -> str | None:
    return getattr(node.func, "id", getattr(node.func, "attr", None))


def _dynamic_import(node: ast.Call, package: str) -> str | None:
    """`import_module("x")`, `import_module(".x", package="p")` or `__import__("x")`: the
    module named; None when the name is computed."""
    name = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "name"), None)
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        return None
    if not name.value.startswith("."):
        return name.value
    anchor = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "package"), None)
    if isinstance(anchor, ast.Name) and anchor.id == "__package__":
        base = package
    elif isinstance(anchor, ast.Constant) and isinstance(anchor.value, str):
        base = anchor.value
    else:
        return None
    level = len(name.value) - len(name.value.lstrip("."))
    return _absolute(name.value[level:], level, base)


def named_in_settings(text: str) -> dict[str, int]:
    """The modules of ours a mkdocs.yml names (a Markdown extension, a hook, a
    `!!python/name:`), each with the first line that names it."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for match in re.finditer(rf"(?<![\w.]){NAMED_MODULE.pattern}", line.partition(" #")[0]):
            found.setdefault(match.group().partition(":")[0], number)
    return found


def shown(path: Path, line: int) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{line}"


FILES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
READ = {module: imports_in(path.read_text(encoding="utf-8"), package_of(path)) for module, path in FILES.items()}
# Each module -> what it imports -> where that is written.
IMPORTS = {module: {name: shown(FILES[module], line) for name, line in found.items()}
           for module, (found, _) in READ.items()}
for _settings in sorted(PACKAGE.rglob("mkdocs.yml")):
    for _name, _line in named_in_settings(_settings.read_text(encoding="utf-8")).items():
        IMPORTS[SETTINGS_READER].setdefault(_name, shown(_settings, _line))
MODULES = {module: set(found) for module, found in IMPORTS.items()}


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


@pytest.mark.parametrize("source, named", [
    ('SAFE_LINKS = "coach_site.workbook.escape"', "coach_site.workbook.escape"),
    ('md = Markdown(extensions=["attr_list", "coach_site.workbook.escape:SafeLinksExtension"])',
     "coach_site.workbook.escape"),
    ('import importlib\nimportlib.import_module("coach_site.engine.build")', "coach_site.engine.build"),
    ('from importlib import import_module\nimport_module(".escape", package="coach_site.workbook")',
     "coach_site.workbook.escape"),
    ('import_module("..engine.build", __package__)', "coach_site.engine.build"),
    ('__import__("coach_site.project")', "coach_site.project"),
])
def test_the_rules_read_imports_written_as_strings(source, named):
    found, unreadable = imports_in(source, "coach_site.workbook")
    assert named in found and unreadable == []


def test_a_docstring_that_names_a_module_imports_nothing_and_a_computed_name_is_unreadable():
    source = '''"""coach_site.engine.plugin"""\nimport_module(name)\n'''
    assert imports_in(source, "coach_site") == ({}, [2])


def test_a_module_named_in_mkdocs_yml_is_read_as_an_import():
    text = "markdown_extensions:\n  - toc\n  - coach_site.workbook.escape  # ours\nhooks:\n  - hooks.py\n"
    assert named_in_settings(text) == {"coach_site.workbook.escape": 3}


def test_every_import_of_the_package_can_be_read():
    unreadable = [shown(FILES[module], line) for module, (_, lines) in READ.items() for line in lines]
    assert unreadable == [], "name the module as written, so these rules can see it"


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


def test_the_engine_imports_nothing_of_ours_but_project_and_errors():
    allowed = ("coach_site.engine", "coach_site.project", "coach_site.errors")
    offenders = {m: sorted(i for i in imported if within(i, "coach_site") and i != "coach_site"
                           and not any(within(i, a) for a in allowed))
                 for m, imported in MODULES.items() if within(m, "coach_site.engine")}
    assert {m: i for m, i in offenders.items() if i} == {}, "hand the engine what it needs in the build request"


def test_the_project_is_plain_data_that_imports_nothing_of_ours():
    assert [i for i in MODULES["coach_site.project"] if within(i, "coach_site")] == []


def test_only_the_cli_and_the_commands_load_the_project():
    # Everything below is handed a Project: reading mkdocs.yml stands above the engine and the client file.
    loaders = sorted(m for m, imported in MODULES.items() if any(within(i, "coach_site.project_loader") for i in imported))
    assert [m for m in loaders if not (m == "coach_site.cli" or within(m, "coach_site.commands"))] == []
    assert loaders, "the rule reads nothing"


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


def _ours(name: str) -> str | None:
    """The module of ours a dotted name is or is in (`coach_site.project.Project`: `coach_site.project`)."""
    while name and name not in FILES:
        name = name.rpartition(".")[0]
    return name or None


def dependencies() -> dict[str, dict[str, str]]:
    """Each module -> the modules of ours it imports, each with where the first import of it
    is written. Importing a module runs its packages' __init__ first: they count too."""
    graph: dict[str, dict[str, str]] = {}
    for module, found in IMPORTS.items():
        edges = graph.setdefault(module, {})
        for name, where in found.items():
            target = _ours(name)
            while target:
                if target != module:
                    edges.setdefault(target, where)
                target = target.rpartition(".")[0] if target != "coach_site" else ""
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle for each group of modules that import each other (the shortest from the
    group's first module), as [a, b, ..., a]; empty when there is none."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in sorted(graph.get(node, ())):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    found = []
    for group in groups:
        start = min(group)
        paths = {start: [start]}
        queue = [start]
        while queue:  # breadth first: the shortest way back to the start
            node = queue.pop(0)
            after = sorted(graph.get(node, ()) & group)
            if start in after:
                found.append([*paths[node], start])
                break
            for step in after:
                if step not in paths:
                    paths[step] = [*paths[node], step]
                    queue.append(step)
    return sorted(found)


def described(circle: list[str], graph: dict[str, dict[str, str]]) -> str:
    """`a -> b (a.py:3) -> a (b.py:7)`: each step with the line that makes it."""
    return " -> ".join([circle[0], *(f"{there} ({graph[here][there]})" for here, there in zip(circle, circle[1:]))])


def test_the_circle_finder_names_each_circle_once():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"d"}, "e": {"a"}}
    assert circles(graph) == [["a", "b", "c", "a"], ["d", "d"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def by_package(graph: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The graph of the packages (`coach_site.engine`, ...; a top module is one of its own),
    each step with one import that makes it."""
    def package(module: str) -> str:
        return ".".join(module.split(".")[:2])

    packages: dict[str, dict[str, str]] = {}
    for module, edges in sorted(graph.items()):
        steps = packages.setdefault(package(module), {})
        for target, where in sorted(edges.items(), key=lambda edge: (-edge[0].count("."), edge[0])):  # a module first
            if target != "coach_site" and package(target) != package(module):
                steps.setdefault(package(target), f"{module} imports {target}, {where}")
    return packages


def test_no_module_reaches_itself_through_its_imports():
    """A circle makes the import order matter and the layers meaningless; break it by moving
    what both need below both, or by handing it over as an argument."""
    graph = dependencies()
    found = [described(circle, graph) for circle in circles({m: set(edges) for m, edges in graph.items()})]
    assert found == [], "modules that import each other:\n" + "\n".join(found)


def test_no_package_reaches_itself_through_its_imports():
    """The layers of docs/architecture.md: the engine below the workbook, the client file
    below both, and no way back up, not even through a module name in a string."""
    graph = by_package(dependencies())
    found = [described(circle, graph) for circle in circles({package: set(steps) for package, steps in graph.items()})]
    assert found == [], "packages that import each other:\n" + "\n".join(found)
