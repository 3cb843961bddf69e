"""Seeded mutation fuzz of the readers: only FormatError escapes, inputs stay unchanged.

``HUMERESEARCH_FUZZ_CASES`` (default 600) sets the number of cases and
``HUMERESEARCH_FUZZ_SEED`` (default 0) the seed; the run stops after about 100 s
whatever the count.
"""

from __future__ import annotations

import os
import time

from tests.fuzz.mutations import FIXTURES, run

CASES = int(os.environ.get("HUMERESEARCH_FUZZ_CASES", "600"))
SEED = int(os.environ.get("HUMERESEARCH_FUZZ_SEED", "0"))
BUDGET = 100.0


def test_only_format_errors_escape_and_inputs_are_unchanged(tmp_path):
    assert FIXTURES.is_dir(), f"real fixtures not found at {FIXTURES}"
    start = time.monotonic()
    outcomes = run(SEED, CASES, tmp_path, stop=lambda: time.monotonic() - start > BUDGET)
    escaped = [o for o in outcomes if o.result not in ("ok", "FormatError")]
    assert not escaped, "\n".join(
        f"{o.result} [{o.base} {o.kind}]: {o.message[:160]}" for o in escaped[:10]
    )
    assert not [o for o in outcomes if o.changed]
    assert sum(o.result == "FormatError" for o in outcomes) > len(outcomes) // 3


def test_real_fixtures_read_by_path_are_not_modified():
    import hashlib
    import warnings

    import humeresearch as hr

    paths = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".json", ".csv", ".zip"))
    before = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = hr.read(paths, errors="collect", progress=False)
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths] == before
    assert len(m.spans()) > 0
