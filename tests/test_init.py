"""humeresearch/__init__.py: the TYPE_CHECKING imports mirror the lazy exports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import humeresearch as hr

INIT = Path(hr.__file__)


def _tree() -> ast.Module:
    return ast.parse(INIT.read_text(encoding="utf-8"))


def lazy_names() -> dict[str, str]:
    """The ``_LAZY`` mapping, read from the source."""
    for node in _tree().body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id == "_LAZY":
            value = ast.literal_eval(node.value)  # type: ignore[union-attr]
            assert isinstance(value, dict)
            return value
    raise AssertionError("humeresearch/__init__.py defines no _LAZY")


def type_checking_imports() -> dict[str, str]:
    """name -> "module:attribute" of every import under ``if TYPE_CHECKING:``."""
    out: dict[str, str] = {}
    for node in _tree().body:
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Name)):
            continue
        if node.test.id != "TYPE_CHECKING":
            continue
        for stmt in ast.walk(node):
            if isinstance(stmt, ast.ImportFrom) and stmt.module:
                for alias in stmt.names:
                    name = alias.asname or alias.name
                    # "from humeresearch import plot": the submodule itself
                    if stmt.module == "humeresearch":
                        out[name] = f"humeresearch.{alias.name}"
                    else:
                        out[name] = f"{stmt.module}:{alias.name}"
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    out[alias.asname or alias.name] = alias.name
    return out


LAZY = lazy_names()


def test_type_checking_block_mirrors_lazy():
    checked = type_checking_imports()
    assert sorted(set(LAZY) - set(checked)) == [], "lazy names missing under TYPE_CHECKING"
    assert sorted(set(checked) - set(LAZY)) == [], "TYPE_CHECKING names that are not exported"


def test_type_checking_imports_the_same_objects():
    checked = type_checking_imports()
    differ = {
        name: (checked[name], target)
        for name, target in LAZY.items()
        if name in checked and _resolve(checked[name]) is not _resolve(target)
    }
    assert not differ


def test_all_lists_every_lazy_name():
    assert sorted(hr.__all__) == sorted(["__version__", *LAZY])
    assert set(dir(hr)) >= set(LAZY)


@pytest.mark.parametrize("name", sorted(LAZY))
def test_lazy_name_resolves(name):
    value = getattr(hr, name)
    assert value is _resolve(LAZY[name])


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        hr.nonexistent  # noqa: B018


def _resolve(target: str) -> object:
    import importlib

    module, _, attr = target.partition(":")
    obj = importlib.import_module(module)
    return getattr(obj, attr) if attr else obj
