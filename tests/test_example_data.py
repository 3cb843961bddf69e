"""The bundled example data is exactly what its generating script produces."""

from __future__ import annotations

import importlib.util

from .conftest import REPO


def test_example_data_is_reproducible(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_example_data", REPO / "scripts" / "make_example_data.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    for path in module.make(tmp_path):
        committed = REPO / "data" / "example" / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} differs from what the script makes"
        )
