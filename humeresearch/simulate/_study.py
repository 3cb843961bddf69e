"""Simulated studies: a participants x conditions x recordings design with planted effects."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from humeresearch import vocabularies as voc
from humeresearch.define import V0_MODELS, V0Model
from humeresearch.simulate._blocks import file_prediction
from humeresearch.simulate._config import transcription_config, v0_default_models
from humeresearch.simulate._scores import Scorer, digest, rng_for
from humeresearch.simulate._sources import Media, simulated_timeline


@dataclass(frozen=True)
class Effect:
    """A planted effect: ``shift`` added to the scores of ``name`` in ``condition``.

    Parameters
    ----------
    name : str
        Expression name as the v0 API spells it (``"Joy"``; burst descriptions such as ``"Laugh"``).
    condition : str
        The condition in which the scores are shifted.
    shift : float
        Added to every score of that name in that condition, then clipped to [0, 1].
    model : str, optional
        Only this model (``face``, ``prosody``, ``language``, ``burst``, ...); None: every model of
        the study whose names include ``name``.

    Examples
    --------
    >>> Effect("Joy", "treatment", 0.1).model is None
    True
    """

    name: str
    condition: str
    shift: float
    model: V0Model | None = None


def _families(model: str) -> dict[str, tuple[str, ...]]:
    if model in ("language", "ner"):
        return {"emotion": voc.V0_LANGUAGE_EMOTIONS}
    if model == "burst":
        return {
            "emotion": voc.V0_EMOTIONS,
            "description": voc.V0_BURST_DESCRIPTIONS,
        }
    return {"emotion": voc.V0_EMOTIONS}


@dataclass(frozen=True, eq=False)
class Study:
    """A simulated study.

    Attributes
    ----------
    design : pandas.DataFrame
        One row per recording: ``participant`` (string, ``p01``...), ``condition`` (string),
        ``recording`` (int64, from 1), ``source`` (string, the file name used in ``predictions``).
    effects : tuple of Effect
        The planted effects.
    predictions : list of dict
        v0 predictions JSON, one source entry per recording (``source.filename`` = ``file`` =
        the design's ``source``).
    models : tuple of str
        The simulated models.
    seed : int
        The seed the study was made with.
    """

    design: pd.DataFrame
    effects: tuple[Effect, ...]
    predictions: list[dict]
    models: tuple[str, ...]
    seed: int

    def truth(self) -> pd.DataFrame:
        """The planted effects, one row per (effect, model it applies to).

        Returns
        -------
        pandas.DataFrame
            Columns ``model``, ``family`` (``emotion`` or ``description``), ``name``,
            ``condition``, ``shift`` (float64; added to the scores of that condition relative to
            every other condition).

        Examples
        --------
        >>> s = study(participants=4, effects=[Effect("Joy", "treatment", 0.1, model="face")],
        ...           duration=5)
        >>> s.truth()[["model", "name", "shift"]].values.tolist()
        [['face', 'Joy', 0.1]]
        """
        rows = []
        for eff in self.effects:
            for model in self.models:
                if eff.model not in (None, model):
                    continue
                for family, names in _families(model).items():
                    if eff.name in names:
                        rows.append((model, family, eff.name, eff.condition, float(eff.shift)))
        out = pd.DataFrame(rows, columns=["model", "family", "name", "condition", "shift"])
        for col in ("model", "family", "name", "condition"):
            out[col] = out[col].astype("string")
        return out.astype({"shift": "float64"})


def _validate(participants, conditions, recordings, duration, models, effects) -> None:
    if (
        isinstance(participants, bool)
        or not isinstance(participants, (int, np.integer))
        or participants < 1
    ):
        raise ValueError(f"participants must be a positive integer, got {participants!r}")
    if (
        isinstance(recordings, bool)
        or not isinstance(recordings, (int, np.integer))
        or recordings < 1
    ):
        raise ValueError(f"recordings must be a positive integer, got {recordings!r}")
    if (
        not conditions
        or len(set(conditions)) != len(conditions)
        or not all(isinstance(c, str) and c for c in conditions)
    ):
        raise ValueError(f"conditions must be distinct non-empty strings, got {conditions!r}")
    if not duration > 0:
        raise ValueError(f"duration must be positive (seconds), got {duration!r}")
    for m in models:
        if m not in V0_MODELS:
            raise ValueError(f"unknown model {m!r} in models; choose from {list(V0_MODELS)}")
    for i, eff in enumerate(effects):
        if not isinstance(eff, Effect):
            raise TypeError(f"effects[{i}] must be an Effect, got {type(eff).__name__}")
        if eff.condition not in conditions:
            raise ValueError(
                f"effects[{i}].condition {eff.condition!r} is not a condition; choose from {list(conditions)}"
            )
        if eff.model is not None and eff.model not in models:
            raise ValueError(
                f"effects[{i}].model {eff.model!r} is not simulated; choose from {list(models)}"
            )
        scope = [eff.model] if eff.model else list(models)
        if not any(eff.name in names for m in scope for names in _families(m).values()):
            raise ValueError(
                f"effects[{i}].name {eff.name!r} is not an expression of model(s) {scope}"
            )


def study(
    *,
    participants: int = 16,
    conditions: Sequence[str] = ("control", "treatment"),
    recordings: int = 1,
    duration: float = 30.0,
    models: Sequence[V0Model] = ("face", "prosody", "language", "burst"),
    effects: Sequence[Effect] = (),
    seed: int = 0,
) -> Study:
    """Simulate a whole study with known truth, to validate and demonstrate statistics.

    Every participant is recorded ``recordings`` times in every condition (a within-subject
    design). Each recording is a video of ``duration`` seconds: one face (``face_0``) at 3 fps,
    speech by two speakers (``spk_0``/``spk_1``) alternating utterances with a synthetic
    transcript, language at sentence granularity with sentiment, and a few short vocal bursts.
    Participants differ by a stable per-expression offset (logit scale, sd 0.35) shared by all
    their recordings and models; recordings differ by their own smooth time courses. Each
    :class:`Effect` adds its ``shift`` to its expression's scores in its condition (clipped to
    [0, 1]). Deterministic given the arguments.

    Parameters
    ----------
    participants, recordings : int
        Design size (recordings per participant and condition).
    conditions : sequence of str
        Condition labels.
    duration : float
        Seconds per recording.
    models : sequence of str
        v0 models to simulate.
    effects : sequence of Effect
        Planted effects.
    seed : int
        Changes every simulated value.

    Returns
    -------
    Study
        ``.design``, ``.effects``, ``.predictions`` (v0 JSON) and ``.truth()``.

    Examples
    --------
    >>> s = study(participants=3, conditions=("a", "b"), duration=6.0, models=("face",))
    >>> s.design.shape, len(s.predictions)
    ((6, 4), 6)
    """
    conditions = tuple(conditions)
    models = tuple(models)
    effects = tuple(effects)
    _validate(participants, conditions, recordings, duration, models, effects)
    config = _config(models)
    trans = transcription_config({"language": "en"})
    names = sorted({n.lower() for m in models for fam in _families(m).values() for n in fam})
    rows, preds = [], []
    width = max(2, len(str(participants)))
    for p in range(1, participants + 1):
        pid = f"p{p:0{width}d}"
        prng = rng_for("study-participant", seed, pid)
        offsets = dict(zip(names, prng.normal(0.0, 0.35, len(names)).tolist()))
        for cond in conditions:
            shifts = _shifts(effects, cond, models)
            for r in range(1, recordings + 1):
                name = f"{pid}_{cond}_{r}.mp4"
                key = digest("study", seed, pid, cond, r)
                scorer = Scorer(key, offsets=offsets, shifts=shifts)
                preds.append(_recording(name, key, float(duration), config, trans, scorer))
                rows.append((pid, cond, r, name))
    design = pd.DataFrame(rows, columns=["participant", "condition", "recording", "source"])
    design = design.astype(
        {"participant": "string", "condition": "string", "recording": "int64", "source": "string"}
    )
    return Study(design, effects, preds, models, seed)


def _config(models: tuple[str, ...]) -> dict:
    """The model configuration of every study recording."""
    config = v0_default_models({m: {} for m in models})
    if "face" in config:
        config["face"]["identify_faces"] = True
    if "prosody" in config:
        config["prosody"]["identify_speakers"] = True
    if "language" in config:
        config["language"].update(granularity="sentence", sentiment={})
    return config


def _shifts(
    effects: tuple[Effect, ...], condition: str, models: tuple[str, ...]
) -> dict[tuple[str, str], float]:
    """``{(model, name): shift}`` of the effects planted in ``condition``."""
    shifts: dict[tuple[str, str], float] = {}
    for eff in effects:
        if eff.condition != condition:
            continue
        for m in models:
            if eff.model in (None, m):
                shifts[(m, eff.name)] = shifts.get((m, eff.name), 0.0) + float(eff.shift)
    return shifts


def _recording(
    name: str, key: bytes, duration: float, config: dict, trans: dict | None, scorer: Scorer
) -> dict:
    """The predictions entry of one recording: a simulated video with speech and bursts."""
    media = Media(name, "video", key, duration=duration)
    rng = rng_for(key, "timeline")
    media.speech, _ = simulated_timeline(rng, media.duration)
    n_calls = int(rng.integers(2, 5)) if duration >= 3 else 0
    starts = np.sort(rng.uniform(0.0, max(0.0, duration - 1.0), n_calls))
    media.bursts = [
        (round(float(b), 3), round(float(min(duration, b + rng.uniform(0.3, 0.9))), 3))
        for b in starts
    ]
    pred = file_prediction(media, config, trans, scorer)
    source = {
        "type": "file",
        "filename": name,
        "content_type": None,
        "md5sum": hashlib.md5(key).hexdigest(),
    }
    return {"source": source, "results": {"predictions": [pred], "errors": []}}
