"""Project hygiene: lint, and the README's test command is what CI runs."""

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.+?)\n```", readme)
    assert len(commands) == 2, "the README holds exactly two set-up commands"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci


def test_test_modules_have_unique_basenames():
    # tests/ and tests/browser/ have no __init__.py: pytest imports both as one namespace, so two test
    # files with the same name stop a full run at collection (running either folder alone hides it).
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def _constructs_an_apptest(path: Path) -> bool:
    """Whether the code (not its text) calls AppTest(...), AppTest.from_file/from_function/... or CheckedApp(...)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "AppTest":
                return True
            if isinstance(func, ast.Name) and func.id in ("AppTest", "CheckedApp"):
                return True
    return False


def test_only_the_harness_constructs_an_apptest():
    # tests/app_harness.py is the one way in: it fixes the timeout and checks every run for an exception.
    found = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "tests").rglob("*.py"))
             if p.name != "app_harness.py" and _constructs_an_apptest(p)]
    assert found == []
    assert _constructs_an_apptest(ROOT / "tests" / "app_harness.py")  # the check sees a construction


def _status_literals(node: ast.AST, statuses: set[str]) -> bool:
    """Whether `node` is a status name written as a string (or a tuple/list/set of them holds one)."""
    if isinstance(node, ast.Constant):
        return node.value in statuses
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_status_literals(e, statuses) for e in node.elts)
    return False


def test_pages_and_dashboard_ask_provenance_about_statuses():
    # status rules live in lcity_data.provenance (and the catalog): a page that writes `== "illustrative"`,
    # `.eq("official")`, `in ("official", ...)` or `counts["illustrative"]` keeps its own copy of a rule
    from lcity_data.catalog import STATUSES

    statuses = set(STATUSES)
    found = []
    for path in sorted([*(ROOT / "pages").rglob("*.py"), *(ROOT / "dashboard").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                hit = any(_status_literals(n, statuses) for n in (node.left, *node.comparators))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                hit = node.func.attr in ("eq", "ne", "isin") and any(_status_literals(a, statuses) for a in node.args)
            elif isinstance(node, ast.Subscript):
                hit = _status_literals(node.slice, statuses)
            else:
                continue
            if hit:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], "compare statuses through lcity_data.provenance, not by name"


def test_catalogs_are_read_through_the_typed_catalog_only():
    # lcity_data.catalog._read is the one way into the TOML files; everyone else asks load_catalog()
    found = []
    for path in sorted(p for d in ("lcity_data", "dashboard", "pages", "bench", "scripts")
                       for p in (ROOT / d).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.module == "lcity_data.catalog"
                    and any(a.name == "_read" for a in node.names)) or (
                    isinstance(node, ast.Attribute) and node.attr == "_read"
                    and isinstance(node.value, ast.Name) and node.value.id == "catalog"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_no_source_module_outside_tests_is_over_600_lines():
    # one job per module: a module that outgrows 600 lines has several, and a reader pays for each crossing
    # inside it (issue 18 split importer.py, table_reader.py and run_bench.py at their seams)
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    long = {}
    for name in tracked.stdout.split():
        if not name.startswith("tests/") and (ROOT / name).is_file():
            lines = len((ROOT / name).read_text(encoding="utf-8").splitlines())
            if lines > 600:
                long[name] = lines
    assert long == {}
