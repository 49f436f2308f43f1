"""The layers, read from the source (ast, nothing imported): pages -> dashboard -> lcity_data -> store,
SQLAlchemy only inside the store, and pages and dashboard modules reach the store only through
dashboard/data_access.py.

Every import statement counts, also one inside a function: a cycle hidden in a function body is still a
cycle for the reader. Commands of `python -m lcity_data` that need the dashboard register through the
`lcity_data.commands` entry points instead of being imported by lcity_data.
"""

from __future__ import annotations

import ast
import graphlib
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from lcity_data import cli

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("lcity_data", "dashboard", "pages", "bench", "geo", "scripts")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    """Every project module outside tests/, by dotted name."""
    paths = [ROOT / "app.py", *(p for d in SOURCE_DIRS for p in (ROOT / d).rglob("*.py"))]
    return {_module_name(p): p for p in paths}


def _imports(name: str, path: Path, modules: set[str]) -> set[str]:
    """Dotted names `path` imports, relative imports resolved. `from pkg import x` is pkg.x when that is a
    module in `modules`, else pkg (a package's __init__ run on the way to its submodule is not counted:
    that is how packages work, not a cycle)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            out |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names}
    return out


def _graph() -> dict[str, set[str]]:
    """module -> the project modules it imports."""
    sources = _sources()
    return {name: {i for i in _imports(name, path, set(sources)) if i in sources and i != name}
            for name, path in sources.items()}


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def test_lcity_data_never_imports_dashboard():
    sources = _sources()
    offenders = {name: sorted(i for i in _imports(name, path, set(sources)) if _under(i, "dashboard"))
                 for name, path in sources.items() if _under(name, "lcity_data")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_import_cycle_among_project_modules():
    graph = _graph()
    assert "lcity_data.cli" in graph
    assert "dashboard.briefing.briefing_cli" in graph
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as err:
        raise AssertionError(f"import cycle: {' -> '.join(err.args[1])}") from None


def test_a_cycle_would_be_found():
    """The check above is not vacuous: the cycle issue 18 removed (cli <-> briefing_cli) is one."""
    graph = _graph()
    graph["lcity_data.cli"].add("dashboard.briefing.briefing_cli")
    with pytest.raises(graphlib.CycleError) as err:
        graphlib.TopologicalSorter(graph).prepare()
    assert set(err.value.args[1]) == {"lcity_data.cli", "dashboard.briefing.briefing_cli"}


def test_installed_commands_are_the_ones_pyproject_declares():
    """`briefing` reaches the CLI through the package metadata: a stale install lacks it (reinstall with
    `bash scripts/setup.sh test`, which runs `pip install -e`)."""
    with (ROOT / "pyproject.toml").open("rb") as fh:
        declared = tomllib.load(fh)["project"]["entry-points"][cli.COMMANDS_GROUP]
    installed = {ep.name: ep.value for ep in entry_points(group=cli.COMMANDS_GROUP)}
    assert installed == declared, "the installed metadata is stale: run `bash scripts/setup.sh test`"
    assert "briefing" in declared


def test_sqlalchemy_is_imported_only_by_the_store():
    """Above lcity_data/store/ nobody speaks SQL or catches its errors: the store raises StoreError."""
    sources = _sources()
    users = sorted(name for name, path in sources.items()
                   if any(_under(i, "sqlalchemy") for i in _imports(name, path, set(sources)))
                   and not _under(name, "lcity_data.store"))
    assert users == []
    assert "lcity_data.store.engine" in [n for n, p in sources.items()
                                         if "sqlalchemy" in _imports(n, p, set(sources))]


STORE, DOOR = "lcity_data.store", "dashboard.data_access"


def _store_classes() -> set[str]:
    """What a dashboard module may take from the store: its classes (errors, records, the Store type); the
    one import here, to tell a class from a function."""
    import lcity_data.store as store

    return {name for name in store.__all__ if isinstance(getattr(store, name), type)}


def _store_door_breaches(name: str, tree: ast.AST, modules: set[str], classes: set[str]) -> list[str]:
    """How module `name` gets at the store other than through dashboard/data_access.py: a page importing
    anything of lcity_data.store; a dashboard module importing a function (open_store, resolve_url …) or a
    submodule of it, or `import lcity_data.store`; and anyone but data_access naming `open_store` (e.g. as
    `data_access.open_store`)."""
    page = not _under(name, "dashboard")
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [f"{node.lineno}: import {a.name}" for a in node.names if _under(a.name, STORE)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _under(node.module or "", STORE):
            for a in node.names:
                if page or node.module != STORE or f"{STORE}.{a.name}" in modules or a.name not in classes:
                    out.append(f"{node.lineno}: from {node.module} import {a.name}")
        elif (isinstance(node, ast.Name) and node.id == "open_store") or (
                isinstance(node, ast.Attribute) and node.attr == "open_store"):
            out.append(f"{node.lineno}: open_store")
    return sorted(set(out), key=lambda line: int(line.split(":")[0]))


def test_pages_and_dashboard_reach_the_store_only_through_data_access():
    """One door (issue 18): pages never import the store; dashboard modules take only its classes (to catch
    StoreError, to annotate with Store); only dashboard/data_access.py opens it."""
    sources, classes = _sources(), _store_classes()
    above = {n: p for n, p in sources.items() if n == "app" or _under(n, "pages") or _under(n, "dashboard")}
    assert DOOR in above
    assert "pages.returns" in above
    breaches = {n: b for n, p in above.items() if n != DOOR
                for b in [_store_door_breaches(n, ast.parse(p.read_text(encoding="utf-8")), set(sources), classes)]
                if b}
    assert breaches == {}
    assert {"StoreError", "Store", "ReleaseInfo"} <= classes
    assert "open_store" not in classes


@pytest.mark.parametrize(("module", "code"), [
    ("pages.returns", "from lcity_data.store import StoreError"),
    ("dashboard.returns.round_line", "from lcity_data.store import StoreError, open_store"),
    ("dashboard.returns.round_line", "from lcity_data.store.engine import translated"),
    ("dashboard.returns.round_line", "from lcity_data.store import rounds"),
    ("dashboard.returns.round_line", "import lcity_data.store"),
    ("dashboard.returns.round_line", "from dashboard import data_access\nstore = data_access.open_store()"),
])
def test_a_way_around_data_access_would_be_found(module: str, code: str):
    """The check above is not vacuous: each of these is a breach."""
    assert _store_door_breaches(module, ast.parse(code), set(_sources()), _store_classes())
