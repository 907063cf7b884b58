"""Every environment variable read in the settings is documented in docs/configuration.md.

The settings module is parsed, not imported, so the test needs no database and no
environment: it collects the first argument of every ``env(...)``, ``env_bool(...)``,
``env_int(...)`` and ``env_list(...)`` call (and of ``os.environ.get`` / ``os.getenv`` /
``os.environ[...]``, should one appear) and looks for each name, in backticks, in
the documentation.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "src" / "maatwerk" / "conf" / "settings.py"
DOCS = ROOT / "docs" / "configuration.md"

HELPERS = {"env", "env_bool", "env_int", "env_list"}


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _reads_environment(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in HELPERS
    if isinstance(func, ast.Attribute):
        if func.attr == "get" and _is_os_environ(func.value):
            return True  # os.environ.get(...)
        if func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os":
            return True  # os.getenv(...)
    return False


def collect_variables(source: str) -> tuple[set[str], list[int]]:
    """(names read, line numbers of reads whose name is not a string literal).

    Calls inside the helper functions themselves (``env_bool`` calls ``env(name)``)
    are not reads of a particular variable and are skipped.
    """
    tree = ast.parse(source)
    helper_bodies = {
        id(node)
        for function in tree.body
        if isinstance(function, ast.FunctionDef) and function.name in HELPERS
        for node in ast.walk(function)
    }
    names: set[str] = set()
    dynamic: list[int] = []
    for node in ast.walk(tree):
        if id(node) in helper_bodies:
            continue
        argument = None
        if isinstance(node, ast.Call) and _reads_environment(node):
            argument = node.args[0] if node.args else None
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            argument = node.slice  # os.environ["NAME"]
        else:
            continue
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            names.add(argument.value)
        else:
            dynamic.append(node.lineno)
    return names, dynamic


def test_collector_finds_reads_in_a_sample():
    sample = (
        "import os\n"
        "def env(name, default=None):\n"
        "    return os.environ.get(name)\n"
        "A = env('ALPHA', 'x')\n"
        "B = env_bool('BETA', False)\n"
        "C = env_int('GAMMA', 1)\n"
        "D = env_list('DELTA')\n"
        "E = os.environ.get('EPSILON')\n"
        "F = os.environ['ZETA']\n"
        "G = os.getenv('ETA')\n"
        "H = str('NOT_A_VARIABLE')\n"
    )
    names, dynamic = collect_variables(sample)
    assert names == {"ALPHA", "BETA", "GAMMA", "DELTA", "EPSILON", "ZETA", "ETA"}
    assert dynamic == []


def test_every_variable_read_in_the_settings_is_documented():
    names, dynamic = collect_variables(SETTINGS.read_text(encoding="utf-8"))
    assert not dynamic, (
        f"{SETTINGS.name} reads environment variables whose name is not a string "
        f"literal (lines {dynamic}); use a literal so the documentation can be checked"
    )
    # Guard against the collector silently finding nothing.
    assert len(names) >= 10
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= names

    assert DOCS.exists(), "docs/configuration.md is missing"
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", DOCS.read_text(encoding="utf-8")))
    missing = sorted(names - documented)
    assert not missing, (
        f"environment variables read in {SETTINGS.relative_to(ROOT)} but not documented "
        f"as `NAME` in docs/configuration.md: {', '.join(missing)}"
    )
