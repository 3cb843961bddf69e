"""Every public figure function is documented and its example runs."""

from __future__ import annotations

import doctest
import importlib
import inspect

import matplotlib.pyplot as plt
import pytest

import humeresearch.plot as plot

MODULES = [
    "_palette",
    "_timeline",
    "_heatmap",
    "_distribution",
    "_radar",
    "_forest",
    "_matrix",
    "_map",
]


@pytest.mark.parametrize("name", [n for n in plot.__all__ if callable(getattr(plot, n))])
def test_public_functions_have_numpydoc_sections(name):
    doc = inspect.getdoc(getattr(plot, name)) or ""
    for section in ("Parameters", "Returns", "Examples"):
        assert f"\n{section}\n---" in doc, f"{name} lacks {section}"
    assert "%(" not in doc  # every shared fragment was filled in
    signature = inspect.signature(getattr(plot, name))
    for param in signature.parameters:
        assert param in doc, f"{name}: parameter {param!r} undocumented"


@pytest.mark.parametrize(
    "module", ["humeresearch.plot", *[f"humeresearch.plot.{m}" for m in MODULES]]
)
def test_examples_run(module):
    mod = importlib.import_module(module)
    before = len(plt.get_fignums())
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert len(plt.get_fignums()) == before  # the examples close what they open
