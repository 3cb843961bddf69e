"""Importing humeresearch.wire stays free of the server's web stack and of the readers."""

from __future__ import annotations

import subprocess
import sys

from ..conftest import REPO


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_wire_imports_neither_starlette_nor_uvicorn():
    modules = _imported_after("import humeresearch.wire")
    assert "humeresearch.wire" in modules
    web = {m for m in modules if m.split(".")[0] in ("starlette", "uvicorn", "anyio", "httpx")}
    assert web == set()


def test_wire_imports_neither_the_readers_nor_the_server_nor_pandas():
    modules = _imported_after("import humeresearch.wire")
    ours = {m for m in modules if m.startswith("humeresearch.")}
    assert not {m for m in ours if m.startswith(("humeresearch.readers", "humeresearch.server"))}
    assert not {m for m in ours if m.startswith("humeresearch.simulate")}
    assert "pandas" not in modules


def test_the_check_of_the_issue_passes():
    check = (
        "import humeresearch.wire, sys; "
        "assert 'uvicorn' not in sys.modules and 'starlette' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", check], cwd=REPO, check=True)
