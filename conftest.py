"""Collection rules shared by the tests and the docstring examples (``--doctest-modules``)."""

from __future__ import annotations

import importlib.util

# docstring examples that need an optional group are skipped cleanly without it
collect_ignore = [
    path
    for path, module in [("humeresearch/readers/_sdk.py", "pydantic")]
    if importlib.util.find_spec(module) is None
]
