"""The documentation says what the code does: generated parts stay in step with their source."""

from __future__ import annotations

import re

from humeresearch import define

from .conftest import REPO


def test_docs_home_is_the_readme():
    index = (REPO / "docs" / "index.md").read_text()
    assert '--8<-- "README.md"' in index


def test_option_table_lists_every_option_set_of_define():
    text = (REPO / "docs" / "api" / "core.md").read_text()
    rows = dict(re.findall(r"^\| `([A-Z0-9_]+)` \| (.*) \|$", text, re.M))
    assert set(rows) == set(define.OPTIONS)
    for name, (values, _) in define.OPTIONS.items():
        assert rows[name] == ", ".join(f"`{v!r}`" for v in values), name


def test_readme_does_not_call_forest_intervals_corrected():
    readme = (REPO / "README.md").read_text()
    forest_lines = [line for line in readme.splitlines() if "plot.forest" in line]
    assert forest_lines
    assert not any("corrected" in line and "uncorrected" not in line for line in forest_lines)
