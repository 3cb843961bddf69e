"""Every public figure function is documented, follows the vocabulary, and its example runs."""

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
    "_volcano",
    "_matrix",
    "_map",
]
PUBLIC = [n for n in plot.__all__ if callable(getattr(plot, n))]
FUNCTIONS = [n for n in PUBLIC if inspect.isfunction(getattr(plot, n))]
#: colour and style helpers: their first argument is not a table
HELPERS = {"color", "palette", "group_palette", "style"}


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_have_numpydoc_sections(name):
    obj = getattr(plot, name)
    doc = inspect.getdoc(obj) or ""
    sections = ("Parameters", "Returns", "Examples") if inspect.isfunction(obj) else (
        "Parameters", "Examples")  # fmt: skip
    for section in sections:
        assert f"\n{section}\n---" in doc, f"{name} lacks {section}"
    assert "%(" not in doc  # every shared fragment was filled in
    signature = inspect.signature(obj)
    for param in signature.parameters:
        assert param in doc, f"{name}: parameter {param!r} undocumented"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_data_first_then_keyword_only(name):
    params = list(inspect.signature(getattr(plot, name)).parameters.values())
    if name not in HELPERS:
        assert params[0].name == "data"
    assert params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:]), name
    banned = {"names", "models", "tracks", "by", "results", "embedding", "dv"}
    assert not banned & {p.name for p in params[1:]}, name


@pytest.mark.parametrize(
    "module", ["humeresearch.plot", *[f"humeresearch.plot.{m}" for m in MODULES]]
)
def test_examples_run(module):
    mod = importlib.import_module(module)
    before = len(plt.get_fignums())
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert len(plt.get_fignums()) == before  # the examples close what they open
