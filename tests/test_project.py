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
