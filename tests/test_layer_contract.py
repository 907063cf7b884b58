"""The layer contract ([tool.importlinter] in pyproject.toml) catches an upward import.

`make lint` runs lint-imports on the source tree. These tests run it on a copy of the
tree with one deliberately wrong module added: a low app (cases) that imports a high one
(budgets) inside a function, which is where an upward import hides most easily. The
contract must name that import. The copy without the probe must give the same report as
the real tree, so the probe is the only difference the contract sees.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

PROBE_IMPORT = "maatwerk.cases._probe -> maatwerk.budgets.models"
PROBE = '''"""Deliberately wrong: cases sits below budgets in the layer contract."""


def f():
    from maatwerk.budgets import models

    return models
'''


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    """lint-imports with root's pyproject.toml, analysing root/src/maatwerk."""
    env = {
        **os.environ,
        "PYTHONPATH": str(root / "src"),  # before the editable install's path
        "COLUMNS": "200",  # no wrapped lines
        "NO_COLOR": "1",
        "TERM": "dumb",
    }
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _imports_named(output: str) -> set[str]:
    """Every 'importer -> imported' the report names (direct imports and chain links)."""
    return {
        f"{importer} -> {imported}"
        for importer, imported in re.findall(r"(maatwerk[\w.]*) -> (maatwerk[\w.]*)", output)
    }


def _copy_tree(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "src" / "maatwerk",
        tmp_path / "src" / "maatwerk",
        ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "locale"),
    )
    return tmp_path


def test_an_upward_import_inside_a_function_breaks_the_contract(tmp_path):
    real = _lint_imports(ROOT)
    copy = _copy_tree(tmp_path)
    unmodified = _lint_imports(copy)
    # The copy is analysed like the real tree (same result, same violations, if any).
    assert unmodified.returncode == real.returncode, unmodified.stdout + unmodified.stderr
    assert _imports_named(unmodified.stdout) == _imports_named(real.stdout)
    assert PROBE_IMPORT not in _imports_named(unmodified.stdout)

    (copy / "src" / "maatwerk" / "cases" / "_probe.py").write_text(PROBE)
    probed = _lint_imports(copy)

    assert probed.returncode != 0, probed.stdout + probed.stderr
    assert "maatwerk.cases is not allowed to import maatwerk.budgets" in probed.stdout
    assert PROBE_IMPORT in _imports_named(probed.stdout), probed.stdout
    assert _imports_named(probed.stdout) - _imports_named(real.stdout) == {PROBE_IMPORT}


def test_the_source_tree_keeps_the_layer_contract():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
