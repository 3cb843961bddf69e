"""Import boundaries: no module reaches into another subpackage's private names.

A name is private when it, or a module on its path, starts with ``_``
(``humeresearch.clocks._common``, ``from humeresearch.stats import _helper``). A
module may import the private names of its own subpackage; the top-level private
core (``CORE``) is shared by every module. Imports inside functions count too.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "humeresearch"
ROOT = "humeresearch"
#: top-level private modules every subpackage may import (their public names only).
MODULE_STRING = re.compile(r"humeresearch(\.[A-Za-z_]\w*)+(:[A-Za-z_]\w*)?")
CORE = frozenset(["_contract", "_build", "_measurements", "_tables", "_gc", "_version", "_groups"])


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def own_package(path: Path) -> str:
    """The package a module belongs to (a package's ``__init__`` belongs to itself)."""
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imported_paths(tree: ast.AST, path: Path) -> list[tuple[int, str]]:
    """(line, dotted path) of everything a module imports, relative imports resolved.

    A string constant that spells a module path (``"humeresearch.server._cli"``,
    ``"humeresearch.errors:FormatError"``) counts as an import: it is one, made later
    with ``importlib``.
    """
    package = own_package(path)
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if MODULE_STRING.fullmatch(node.value):
                out.append((node.lineno, node.value.replace(":", ".")))
    return [(line, p) for line, p in out if p == ROOT or p.startswith(ROOT + ".")]


def violation(importer_package: str, dotted: str) -> str | None:
    """Why importing ``dotted`` from ``importer_package`` breaks the rule, or None."""
    parts = dotted.split(".")
    private = [i for i, p in enumerate(parts) if p.startswith("_") and not p.startswith("__")]
    if not private:
        return None
    first = private[0]
    owner = ".".join(parts[:first])
    if owner == importer_package:
        return None
    if owner == ROOT and parts[first] in CORE and len(private) == 1:
        return None
    return f"imports {dotted} (private to {owner})"


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_rule_examples():
    assert violation("humeresearch.clocks", "humeresearch.clocks._align.align") is None
    assert violation("humeresearch.plot", "humeresearch._tables.as_long") is None
    assert violation("humeresearch", "humeresearch._measurements.write_table") is None
    assert violation("humeresearch.plot", "humeresearch.clocks._common.as_long")
    assert violation("humeresearch.plot", "humeresearch.stats._helper")
    assert violation("humeresearch.plot", "humeresearch._measurements._codes")
    assert violation("humeresearch", "humeresearch.demo._cli.main")
    assert violation("humeresearch.readers", "humeresearch._private_other.x")
    assert violation("humeresearch.plot", "humeresearch.clocks.align") is None
    assert violation("humeresearch.plot", "humeresearch.errors.__name__") is None


def test_module_strings_count_as_imports(tmp_path):
    code = 'PLUGINS = {"serve": ("humeresearch.server._cli", "run")}\nX = "humeresearch._tables:as_long"\n'
    found = imported_paths(ast.parse(code), PACKAGE / "cli.py")
    assert sorted(found) == [(1, "humeresearch.server._cli"), (2, "humeresearch._tables.as_long")]


@pytest.mark.parametrize("path", modules(), ids=lambda p: module_name(p))
def test_no_private_imports_across_subpackages(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = own_package(path)
    problems = [
        f"line {line}: {why}"
        for line, dotted in imported_paths(tree, path)
        if (why := violation(package, dotted))
    ]
    assert not problems, f"{module_name(path)}:\n" + "\n".join(problems)


def test_wire_does_not_import_the_server_stack():
    code = (
        "import sys, humeresearch.wire\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('uvicorn', 'starlette'))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
