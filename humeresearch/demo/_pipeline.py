"""The demo study pipeline: simulate, write v0, read back, align, summarise, test, draw, report."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from humeresearch.demo import _outputs
from humeresearch.simulate import Effect

#: the planted effects of the demo study (stated as planted in every output)
EFFECTS: tuple[Effect, ...] = (
    Effect("Joy", "treatment", 0.15),
    Effect("Tiredness", "control", 0.08, model="face"),
    Effect("Laugh", "treatment", 0.10, model="burst"),
    Effect("Calmness", "control", 0.05, model="prosody"),
)
CONDITIONS: tuple[str, str] = ("control", "treatment")
MODELS: tuple[str, ...] = ("face", "prosody", "language", "burst")
STAGES: tuple[str, ...] = (
    "simulate",
    "write v0",
    "read",
    "align",
    "summarise",
    "compare",
    "mixed",
    "figures",
    "tables",
    "report",
)
#: how the mixed models are fitted (Powell first: robust for near-constant scores)
MIXED_FIT = {"method": ["powell", "lbfgs"]}
MIXED_SKIPPED = (
    "mixed models skipped: statsmodels is not installed (pip install 'humeresearch[stats]')"
)
#: spans are nested in recordings, recordings in participants: a variance component per
#: recording (the ``source``) besides the random intercept per participant
RECORDING_VC = {"recording": "0 + C(source)"}


@dataclass(frozen=True, eq=False)
class DemoResult:
    """What :func:`run` produced.

    Attributes
    ----------
    out : Path
        The output folder.
    report : Path
        ``out / "report.html"``, self-contained.
    inputs : dict of str to Path
        The simulated study as files: ``predictions`` (v0 predictions JSON),
        ``artifacts`` (v0 artifacts zip), ``design`` (CSV: participant, condition,
        recording, source), ``truth`` (CSV of the planted effects).
    tables : dict of str to Path
        Parquet files in ``out / "tables"``: ``measurements`` (readable with
        :func:`humeresearch.read_parquet`), ``face_on_utterances``, ``per_participant``,
        ``compare``, ``mixed``, ``truth_vs_found`` (read with :func:`pandas.read_parquet`).
    figures : dict of str to Path
        PNG files in ``out / "figures"`` (the same images the report embeds).
    comparison, mixed, truth : pandas.DataFrame
        The outputs of :func:`humeresearch.compare` (A = treatment, B = control) and
        :func:`humeresearch.mixed` (None when statsmodels is not installed: the mixed models
        are then skipped, and said so), and the planted truth beside what was found (see
        :func:`humeresearch.demo._analysis.truth_vs_found`).
    summary : tuple of str
        The five summary lines printed by ``humeresearch demo``.
    timings : dict of str to float
        Seconds per stage.
    seconds : float
        Total wall time.
    """

    out: Path
    report: Path
    inputs: dict[str, Path]
    tables: dict[str, Path]
    figures: dict[str, Path]
    comparison: pd.DataFrame
    mixed: pd.DataFrame | None
    truth: pd.DataFrame
    summary: tuple[str, ...]
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


class _Stages:
    """Times the stages and drives the progress bar (tqdm, on stderr)."""

    def __init__(self, progress: bool) -> None:
        from tqdm.auto import tqdm

        self.timings: dict[str, float] = {}
        self.bar = tqdm(
            total=len(STAGES),
            disable=not progress,
            file=sys.stderr,
            unit="stage",
            bar_format="humeresearch demo: {desc:<9} {bar:24} {n_fmt}/{total_fmt} [{elapsed}]",
            leave=False,
        )

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        self.bar.set_description_str(name)
        start = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - start
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def run(
    out: str | os.PathLike[str],
    *,
    participants: int = 16,
    seed: int = 0,
    progress: bool = True,
    duration: float = 30.0,
    effects: Sequence[Effect] = EFFECTS,
    top: int = 6,
) -> DemoResult:
    """Run the demo study end to end and write ``out/report.html`` and the tables.

    Stages: simulate a within-subject study (``participants`` x control/treatment,
    one recording of ``duration`` seconds each: face, prosody with two speakers,
    language with sentiment, vocal bursts, with the planted ``effects``); write it
    as a v0 predictions JSON and a v0 artifacts zip; read both back with
    :func:`humeresearch.read` (and check they agree); align face to the prosody
    utterances; summarise per participant, condition and expression; compare
    treatment with control for every expression (paired t on participant means,
    Benjamini-Hochberg FDR); fit a mixed model (span-level observations, random
    intercept per participant, variance component per recording) for the ``top``
    expressions; draw the figures; write
    the Parquet tables and the report. Nothing touches the network.

    Parameters
    ----------
    out : path
        Output folder (created; existing demo files in it are overwritten).
    participants : int, default 16
        Participants of the simulated study.
    seed : int, default 0
        Seed of the simulation (every value changes with it).
    progress : bool, default True
        Show a progress bar of the stages on stderr.
    duration : float, default 30.0
        Seconds per recording.
    effects : sequence of humeresearch.simulate.Effect, default EFFECTS
        The planted effects (conditions ``control`` / ``treatment``).
    top : int, default 6
        Expressions (the smallest corrected p-values of ``compare``) that get a mixed model.

    Returns
    -------
    DemoResult
        Paths of the report, inputs, tables and figures, the result tables, the
        five summary lines and the timings.

    Examples
    --------
    >>> import tempfile
    >>> res = run(tempfile.mkdtemp(), participants=4, duration=8.0, progress=False)
    >>> sorted(res.tables)
    ['compare', 'face_on_utterances', 'measurements', 'mixed', 'per_participant', 'truth_vs_found']
    """
    start = time.perf_counter()
    out = Path(out)
    for sub in ("inputs", "tables", "figures"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    config = _config(participants, seed, duration, effects, top)
    stage = _Stages(progress)
    notes: list[str] = []
    try:
        study, data = _simulate_and_read(
            stage,
            out / "inputs",
            participants=participants,
            seed=seed,
            duration=duration,
            effects=effects,
        )
        found = _analyse(stage, data, top=top, notes=notes)
        figures, tables, report, summary = _outputs.write_outputs(
            stage,
            out,
            study,
            data,
            found,
            config=config,
            notes=notes,
            participants=participants,
            duration=duration,
        )
    finally:
        stage.close()
    return DemoResult(
        out=out,
        report=report,
        inputs=data.inputs,
        tables=tables,
        figures={k: v.path for k, v in figures.items()},
        comparison=found.comparison,
        mixed=found.mixed,
        truth=found.truth,
        summary=summary,
        timings=dict(stage.timings),
        seconds=time.perf_counter() - start,
    )


@dataclass(frozen=True, eq=False)
class _Data:
    """The study as read back from its v0 files."""

    inputs: dict[str, Path]
    m: Any
    m_zip: Any
    agreement: Any
    design: pd.DataFrame
    truth: pd.DataFrame
    meta: pd.DataFrame
    long: pd.DataFrame


@dataclass(frozen=True, eq=False)
class _Found:
    """The analysis: utterance table, participant means, compare, mixed, truth vs found."""

    on_utterances: pd.DataFrame
    per_participant: pd.DataFrame
    comparison: pd.DataFrame
    mixed: pd.DataFrame | None
    truth: pd.DataFrame


def _simulate_and_read(
    stage: _Stages,
    folder: Path,
    *,
    participants: int,
    seed: int,
    duration: float,
    effects: Sequence[Effect],
) -> tuple[Any, _Data]:
    """Stages simulate, write v0 and read: the study, and its files read back."""
    import humeresearch as hr
    from humeresearch import simulate
    from humeresearch.demo import _analysis

    with stage("simulate"):
        study = simulate.study(
            participants=participants,
            conditions=CONDITIONS,
            duration=duration,
            models=MODELS,
            effects=tuple(effects),
            seed=seed,
        )
    with stage("write v0"):
        inputs = _outputs.write_inputs(folder, study)
    with stage("read"):
        m = hr.read(inputs["predictions"], progress=False)
        m_zip = hr.read(inputs["artifacts"], progress=False)
        agreement = _analysis.same_scores(m.long(), m_zip.long())
        design = pd.read_csv(inputs["design"], dtype="string")
        truth = pd.read_csv(inputs["truth"], dtype={"shift": "float64"})
        meta = design[["source", "participant", "condition"]]
        long = hr.annotate(m.long(), meta, on="source")
    return study, _Data(inputs, m, m_zip, agreement, design, truth, meta, long)


def _analyse(stage: _Stages, data: _Data, *, top: int, notes: list[str]) -> _Found:
    """Stages align, summarise, compare and mixed; appends what to tell to ``notes``."""
    import humeresearch as hr
    from humeresearch.demo import _analysis

    with stage("align"):
        spans = data.m.spans()
        utterances = spans[spans["model"] == "prosody"]
        face = data.m.long()
        face = face[face["model"] == "face"]
        on_utt, unmatched = hr.align(face, utterances, return_unmatched=True)
        on_utt = hr.annotate(on_utt, data.meta, on="source")
        notes.append(
            f"{len(unmatched)} of {int((spans['model'] == 'face').sum())} face frames fall "
            "outside every utterance (silence between turns) and are not in the utterance table."
        )
    with stage("summarise"):
        per = hr.summarize(data.long, by=["participant", "condition", "model"], agg="mean")
    with stage("compare"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cmp = hr.compare(per, within="condition", subject="participant", reference=CONDITIONS[0])
        notes += sorted({f"compare: {w.message}" for w in caught})
    with stage("mixed"):
        mx = _mixed(data.long, on_utt, cmp, top=top, notes=notes)
        found = _analysis.truth_vs_found(data.truth, cmp, per, high=CONDITIONS[1])
    return _Found(on_utt, per, cmp, mx, found)


def _mixed(
    long: pd.DataFrame, on_utt: pd.DataFrame, cmp: pd.DataFrame, *, top: int, notes: list[str]
) -> pd.DataFrame | None:
    """The mixed models of the ``top`` expressions, or None (and a note) without statsmodels."""
    import humeresearch as hr
    from humeresearch.demo import _analysis

    if importlib.util.find_spec("statsmodels") is None:
        notes.append(MIXED_SKIPPED)
        return None
    obs = _analysis.observations(long, on_utt)
    chosen = _analysis.top_expressions(cmp, top)
    return hr.mixed(
        obs.merge(chosen, on=["model", "family", "name"]),
        formula="score ~ condition",
        subject="participant",
        vc_formula=RECORDING_VC,
        fit_kwargs=MIXED_FIT,
    )


def _config(
    participants: int, seed: int, duration: float, effects: Sequence[Effect], top: int
) -> dict[str, Any]:
    return {
        "simulator": "humeresearch.simulate.study",
        "participants": participants,
        "conditions": list(CONDITIONS),
        "recordings_per_condition": 1,
        "duration_s": duration,
        "models": list(MODELS),
        "seed": seed,
        "planted_effects": [
            {"name": e.name, "condition": e.condition, "shift": e.shift, "model": e.model or "all"}
            for e in effects
        ],
        "top_expressions_for_mixed": top,
    }
