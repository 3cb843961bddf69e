"""Builders of small, valid contract tables for tests, examples and teaching.

Like ``audformat.testing``: every function returns data that passes
:func:`humeresearch.validate`, with the dtypes and categories a table read from a
Hume output has, and is deterministic in ``seed``.

* :func:`long_table`, :func:`spans_table`, :func:`wide_table` and
  :func:`measurements` describe the same synthetic recordings: several sources
  (and files), several models and tracks, instants (frames) and spans.
* :func:`study` adds a design: participants, conditions and trials, with planted
  condition effects, as the input of :func:`humeresearch.compare` or
  :func:`humeresearch.mixed`.

A gap in a track, a missing score or an odd value is made by editing the returned
table (``long[~((long["track"] == "face_1") & long["begin"].between(2, 3))]``).

Examples
--------
>>> import humeresearch as hr
>>> from humeresearch import testing
>>> long = testing.long_table(models=["face", "prosody"])
>>> hr.validate(long, "long") is long
True
>>> long.groupby("model", observed=True)["span_id"].nunique().to_dict()
{'face': 18, 'prosody': 4}
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._build import Builder, Dense
from humeresearch._measurements import Measurements, check, new_provenance
from humeresearch._synthetic import (
    Sources,
    Tracks,
    arguments,
    jsonable,
    source_files,
    span_times,
    track_names,
    with_design,
)
from humeresearch._tables import check_option
from humeresearch.errors import OutOfRangeWarning

__all__ = ["long_table", "measurements", "spans_table", "study", "wide_table"]

#: expressions used when ``names`` is not given.
NAMES: tuple[str, ...] = ("Joy", "Sadness", "Calmness")


def measurements(
    *,
    sources: Sources = ("a.mp4",),
    models: Sequence[define.Model] = ("face",),
    tracks: Tracks = None,
    names: Sequence[str] = NAMES,
    family: define.Family = "emotion",
    duration: float = 6.0,
    fps: float = 3.0,
    span: float = 1.5,
    gap: float = 0.0,
    seed: int = 0,
) -> Measurements:
    """Synthetic :class:`~humeresearch.Measurements` of one or more recordings.

    Every (source, file, model, track) gets its own series:

    * instant models (``face``, ``facemesh``, ``video``) a frame every ``1 / fps``
      seconds, at ``k / fps`` for every ``k / fps < duration``, ``begin == end``,
      ``frame == k``;
    * span models (``prosody``, ``burst``, ``language``, ``ner``, ``audio``)
      consecutive spans of ``span`` seconds, ``gap`` seconds apart, that end by
      ``duration``; ``frame`` is missing.

    Every span has one score per name of ``names`` (in ``family``), drawn uniformly
    from [0, 1]. ``api`` is ``"v0"`` for v0 models and ``"v1"`` for ``audio`` and
    ``video``; ``text`` is missing.

    Parameters
    ----------
    sources : sequence of str or mapping of str to sequence of str, default ("a.mp4",)
        The sources; each holds one file of the same name. A mapping lists the files
        of each source (``{"batch.zip": ["a.mp4", "b.mp4"]}``).
    models : sequence of str, default ("face",)
        Models of every file (``define.MODELS``).
    tracks : mapping of str to str or sequence of str, optional
        Track names per model. By default ``"face_0"`` for face, facemesh and video,
        ``"spk_0"`` for prosody and ``"unknown"`` for the others.
    names : sequence of str, default ("Joy", "Sadness", "Calmness")
        Expression names scored at every span.
    family : str, default "emotion"
        Their family (``define.FAMILIES``).
    duration : float, default 6.0
        Length of every recording in seconds.
    fps : float, default 3.0
        Frame rate of the instant models.
    span : float, default 1.5
        Length of every span of the span models, in seconds.
    gap : float, default 0.0
        Seconds between consecutive spans (0: they touch; negative: each overlaps the
        next by ``-gap`` seconds, as prosody utterances sometimes do).
    seed : int, default 0
        Seed of the scores.

    Returns
    -------
    Measurements
        Its provenance records one synthetic input, ``humeresearch.testing`` with
        these arguments.

    Examples
    --------
    >>> from humeresearch import testing
    >>> m = testing.measurements(sources={"batch.zip": ["a.mp4", "b.mp4"]},
    ...                          models=["face", "prosody"], tracks={"face": ["face_0", "face_1"]})
    >>> m
    <Measurements: 1 source(s), 2 file(s), 80 spans (face=72, prosody=8), 240 scores, 0 error(s)>
    >>> m.provenance["inputs"][0]["format"]
    'synthetic'
    """
    record_arguments = dict(
        sources=jsonable(sources),
        models=list(models),
        tracks=jsonable(tracks),
        names=list(names),
        family=family,
        duration=duration,
        fps=fps,
        span=span,
        gap=gap,
        seed=seed,
    )
    for model in models:
        check_option(model, define.MODELS, name="models", func="testing.measurements")
    check_option(family, define.FAMILIES, name="family", func="testing.measurements")
    if fps <= 0 or span <= 0 or span + gap <= 0 or duration < 0:
        raise ValueError(
            "testing.measurements: fps, span and span + gap must be positive, duration not "
            f"negative; got fps={fps}, span={span}, gap={gap}, duration={duration}"
        )
    rng = np.random.default_rng(seed)
    builder = Builder()
    for source, file in source_files(sources):
        for model in models:
            begin, end, frame = span_times(model, duration=duration, fps=fps, span=span, gap=gap)
            for track in track_names(model, tracks):
                values = rng.random((len(begin), len(names)))
                builder.add(
                    api="v1" if model in define.V1_MODELS else "v0",
                    source=source,
                    file=file,
                    model=model,
                    track=track,
                    begin=begin,
                    end=end,
                    frame=frame,
                    text=[None] * len(begin),
                    scores=[Dense(family, list(names), values)],
                )
    spans, scores, errors = builder.build()
    record = {"path": "humeresearch.testing", "format": "synthetic", "arguments": record_arguments}
    return check(Measurements(spans, scores, errors, new_provenance([record])))


def long_table(
    *,
    sources: Sources = ("a.mp4",),
    models: Sequence[define.Model] = ("face",),
    tracks: Tracks = None,
    names: Sequence[str] = NAMES,
    family: define.Family = "emotion",
    duration: float = 6.0,
    fps: float = 3.0,
    span: float = 1.5,
    gap: float = 0.0,
    seed: int = 0,
) -> pd.DataFrame:
    """A synthetic long table: one row per (span, family, name).

    The long table of :func:`measurements` with the same arguments (see there).
    ``source``, ``file``, ``track``, ``model``, ``family`` and ``name`` are
    categorical, ``span_id`` is int64, ``begin``, ``end`` and ``score`` are float64;
    scores lie in [0, 1].

    Parameters
    ----------
    sources, models, tracks, names, family, duration, fps, span, gap, seed
        As in :func:`measurements`.

    Returns
    -------
    DataFrame
        A valid long contract table.

    Examples
    --------
    >>> from humeresearch import testing
    >>> long = testing.long_table(names=["Joy"], duration=1.0)
    >>> long[["model", "track", "span_id", "begin", "name"]].to_dict("list")
    {'model': ['face', 'face', 'face'], 'track': ['face_0', 'face_0', 'face_0'], \
'span_id': [0, 1, 2], 'begin': [0.0, 0.3333333333333333, 0.6666666666666666], \
'name': ['Joy', 'Joy', 'Joy']}
    """
    return measurements(**arguments(locals())).long()


def spans_table(
    *,
    sources: Sources = ("a.mp4",),
    models: Sequence[define.Model] = ("face",),
    tracks: Tracks = None,
    names: Sequence[str] = NAMES,
    family: define.Family = "emotion",
    duration: float = 6.0,
    fps: float = 3.0,
    span: float = 1.5,
    gap: float = 0.0,
    seed: int = 0,
) -> pd.DataFrame:
    """A synthetic spans table: one row per prediction span.

    The spans table of :func:`measurements` with the same arguments (see there):
    ``api`` ``"v0"`` or ``"v1"``, ``frame`` the frame index of instant models and
    missing otherwise, ``text`` missing.

    Parameters
    ----------
    sources, models, tracks, names, family, duration, fps, span, gap, seed
        As in :func:`measurements`.

    Returns
    -------
    DataFrame
        A valid spans contract table.

    Examples
    --------
    >>> from humeresearch import testing
    >>> spans = testing.spans_table(models=["prosody", "audio"], duration=3.0, gap=0.5)
    >>> spans[["model", "api", "begin", "end"]].to_dict("list")
    {'model': ['prosody', 'audio'], 'api': ['v0', 'v1'], 'begin': [0.0, 0.0], 'end': [1.5, 1.5]}
    >>> bool(spans["frame"].isna().all()), str(spans["frame"].dtype)
    (True, 'Int64')
    """
    return measurements(**arguments(locals())).spans()


def wide_table(
    *,
    sources: Sources = ("a.mp4",),
    models: Sequence[define.Model] = ("face",),
    tracks: Tracks = None,
    names: Sequence[str] = NAMES,
    family: define.Family = "emotion",
    duration: float = 6.0,
    fps: float = 3.0,
    span: float = 1.5,
    gap: float = 0.0,
    seed: int = 0,
) -> pd.DataFrame:
    """A synthetic wide table: the spans table plus one column per (family, name).

    The wide table of :func:`measurements` with the same arguments (see there).

    Parameters
    ----------
    sources, models, tracks, names, family, duration, fps, span, gap, seed
        As in :func:`measurements`.

    Returns
    -------
    DataFrame
        A valid wide contract table.

    Examples
    --------
    >>> from humeresearch import testing
    >>> wide = testing.wide_table(family="facs", names=["AU1", "AU4"], duration=1.0)
    >>> wide.columns[-2:].tolist(), len(wide)
    (['facs:AU1', 'facs:AU4'], 3)
    """
    return measurements(**arguments(locals())).wide()


def study(
    *,
    subjects: int = 12,
    conditions: Sequence[str] = ("control", "treatment"),
    design: Literal["within", "between"] = "within",
    names: Sequence[str] = NAMES,
    frames: int = 6,
    trials: int = 1,
    effects: Mapping[str, float] | None = None,
    subject_sd: float = 0.15,
    noise_sd: float = 0.2,
    seed: int = 0,
) -> pd.DataFrame:
    """A synthetic study: face frames of participants in conditions, with effects.

    One source per participant, condition and trial (``p00_control_0.mp4``), one
    ``face_0`` track each with ``frames`` frames at ``k / 3`` seconds and one
    ``emotion`` score per name of ``names``. The score of participant ``s`` for
    expression ``n`` in condition ``c`` is::

        0.5 + offset[s, n] + (effects[n] if c is not conditions[0] else 0) + noise

    with ``offset ~ N(0, subject_sd)`` (frames of one participant are correlated, as
    in real data) and ``noise ~ N(0, noise_sd)`` per frame. The scores are **not
    clipped** to [0, 1]: statistics tests need normal data whose effects are known
    exactly.

    Parameters
    ----------
    subjects : int, default 12
        Number of participants, ``"p00"``, ``"p01"``, ...
    conditions : sequence of str, default ("control", "treatment")
        Condition levels; the first is the reference.
    design : {"within", "between"}, default "within"
        ``"within"``: every participant is recorded in every condition;
        ``"between"``: participant ``i`` only in condition ``i % len(conditions)``.
    names : sequence of str, default ("Joy", "Sadness", "Calmness")
        Expression names.
    frames : int, default 6
        Frames per source.
    trials : int, default 1
        Recordings per participant and condition.
    effects : mapping of str to float, optional
        Expression name -> shift added to its scores in every condition but the first.
    subject_sd : float, default 0.15
        Standard deviation of the per-participant, per-expression offset.
    noise_sd : float, default 0.2
        Standard deviation of the per-frame noise.
    seed : int, default 0
        Seed of the offsets and the noise.

    Returns
    -------
    DataFrame
        A valid long contract table followed by the columns ``participant``
        (string), ``condition`` (categorical in the order of ``conditions``) and
        ``trial`` (int64).

    Examples
    --------
    >>> from humeresearch import testing
    >>> df = testing.study(subjects=4, design="between", effects={"Joy": 1.0}, noise_sd=0.0,
    ...                    subject_sd=0.0)
    >>> df["source"].cat.categories.tolist()
    ['p00_control_0.mp4', 'p01_treatment_0.mp4', 'p02_control_0.mp4', 'p03_treatment_0.mp4']
    >>> df.groupby(["name", "condition"], observed=True)["score"].mean().unstack().loc["Joy"].tolist()
    [0.5, 1.5]
    """
    check_option(design, ("within", "between"), name="design", func="testing.study")
    effects = dict(effects or {})
    unknown = sorted(set(effects) - set(names))
    if unknown:
        raise ValueError(f"testing.study: effects names {unknown} are not in names {list(names)}")
    rng = np.random.default_rng(seed)
    offsets = rng.normal(0.0, subject_sd, (subjects, len(names)))
    begin = np.arange(frames) / 3.0
    builder = Builder()
    design_rows: list[tuple[str, str, str, int]] = []
    for s in range(subjects):
        levels = list(conditions) if design == "within" else [conditions[s % len(conditions)]]
        for condition in levels:
            shift = np.array(
                [effects.get(n, 0.0) if condition != conditions[0] else 0.0 for n in names]
            )
            for trial in range(trials):
                source = f"p{s:02d}_{condition}_{trial}.mp4"
                noise = rng.normal(0.0, noise_sd, (frames, len(names)))
                builder.add(
                    api="v0",
                    source=source,
                    file=source,
                    model="face",
                    track="face_0",
                    begin=begin,
                    end=begin,
                    frame=np.arange(frames),
                    scores=[Dense("emotion", list(names), 0.5 + offsets[s] + shift + noise)],
                )
                design_rows.append((source, f"p{s:02d}", condition, trial))
    with warnings.catch_warnings():  # unclipped normal scores leave [0, 1] by design
        warnings.simplefilter("ignore", OutOfRangeWarning)
        spans, scores, errors = builder.build()
    long = Measurements(spans, scores, errors, new_provenance([])).long()
    return with_design(long, design_rows, conditions)
