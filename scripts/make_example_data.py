"""Generate the bundled example dataset in ``data/example/`` (simulated, not real).

A within-subject study: 8 participants x 2 conditions (control, treatment), one
15 s recording each with face, prosody (two speakers), language (with sentiment)
and burst, from :func:`humeresearch.simulate.study` with one planted effect: Joy
is raised by 0.15 in the treatment condition. Written in the real v0 formats:

* ``predictions.json``: the v0 batch predictions JSON of all 16 recordings;
* ``artifacts.zip``: the same job as a v0 artifacts zip (CSV layout);
* ``design.csv``: participant, condition, recording, source;
* ``truth.csv``: the planted effects.

The test suite re-runs this script and checks the committed files are what it
produces (``tests/test_example_data.py``).

    python scripts/make_example_data.py [OUT_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from humeresearch import simulate

PARTICIPANTS = 8
DURATION = 15.0
SEED = 2026
EFFECTS = [simulate.Effect("Joy", "treatment", 0.15)]


def make(out: Path) -> list[Path]:
    """Write the example files into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    study = simulate.study(
        participants=PARTICIPANTS,
        conditions=("control", "treatment"),
        duration=DURATION,
        effects=EFFECTS,
        seed=SEED,
    )
    files = {
        "predictions.json": json.dumps(study.predictions, separators=(",", ":")).encode(),
        "artifacts.zip": simulate.v0_artifacts_zip(study.predictions),
        "design.csv": study.design.to_csv(index=False, lineterminator="\n").encode(),
        "truth.csv": study.truth().to_csv(index=False, lineterminator="\n").encode(),
    }
    paths = []
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[1] / "data" / "example"
    )
    for p in make(target):
        print(f"wrote {p} ({p.stat().st_size} bytes)")
