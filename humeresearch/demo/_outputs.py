"""The files of a demo run: the simulated inputs, the Parquet tables, the figures and report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from humeresearch.demo._figures import Figure
    from humeresearch.demo._pipeline import _Data, _Found, _Stages


def write_outputs(
    stage: _Stages,
    out: Path,
    study: Any,
    data: _Data,
    found: _Found,
    *,
    config: dict[str, Any],
    notes: list[str],
    participants: int,
    duration: float,
) -> tuple[dict[str, Figure], dict[str, Path], Path, tuple[str, ...]]:
    """Stages figures, tables and report: the figures, table paths, report path, summary."""
    from humeresearch.demo import _analysis, _figures, _report

    m, cmp, mx = data.m, found.comparison, found.mixed
    with stage("figures"):
        figures = _figures.draw(m, data.long, cmp, mx, found.truth, out / "figures")
    with stage("tables"):
        results = {
            "face_on_utterances": found.on_utterances,
            "per_participant": found.per_participant,
            "compare": cmp,
            **({"mixed": mx} if mx is not None else {}),
            "truth_vs_found": found.truth,
        }
        tables = write_tables(out / "tables", m, results, config)
    summary = _analysis.summary_lines(
        study, m, cmp, mx, found.truth, data.agreement, participants=participants, duration=duration
    )
    with stage("report"):
        report = _report.write(
            out / "report.html",
            _report.Context(
                config=config,
                summary=summary,
                design=data.design,
                truth=data.truth,
                found=found.truth,
                comparison=cmp,
                mixed=mx,
                figures=figures,
                inputs=data.inputs,
                tables=tables,
                provenance={"predictions": m.provenance, "artifacts": data.m_zip.provenance},
                measurements=m,
                agreement=data.agreement,
                notes=tuple(notes),
                timings=dict(stage.timings),
            ),
        )
    return figures, tables, report, summary


def write_inputs(folder: Path, study: Any) -> dict[str, Path]:
    """The simulated study as files in ``folder``: predictions, artifacts, design, truth."""
    from humeresearch import simulate

    files = {
        "predictions": (
            "predictions.json",
            json.dumps(study.predictions, separators=(",", ":")).encode(),
        ),
        "artifacts": ("artifacts.zip", simulate.v0_artifacts_zip(study.predictions)),
        "design": ("design.csv", study.design.to_csv(index=False, lineterminator="\n").encode()),
        "truth": ("truth.csv", study.truth().to_csv(index=False, lineterminator="\n").encode()),
    }
    paths = {}
    for key, (name, data) in files.items():
        paths[key] = folder / name
        paths[key].write_bytes(data)
    return paths


def write_tables(
    folder: Path, m: Any, tables: dict[str, pd.DataFrame], config: dict[str, Any]
) -> dict[str, Path]:
    """The measurements and the result ``tables`` as Parquet files with their provenance."""
    from humeresearch._measurements import write_table

    paths = {"measurements": m.to_parquet(folder / "measurements.parquet")}
    provenance = {**m.provenance, "demo": config}
    for name, table in tables.items():
        paths[name] = folder / f"{name}.parquet"
        write_table(table.reset_index(drop=True), paths[name], provenance, {"form": name})
    return paths
