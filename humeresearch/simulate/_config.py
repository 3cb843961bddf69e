"""Effective v0 model configuration (defaults of hume-v0.md section 4.5) and its validation."""

from __future__ import annotations

import copy
from numbers import Real
from typing import Any

from humeresearch.define import GRANULARITIES, STREAM_GRANULARITIES, V0_MODELS
from humeresearch.errors import ConfigError
from humeresearch.wire.v0 import MODEL_DEFAULTS, TRANSCRIPTION_DEFAULTS


def _number(where: str, value: Any, lo: float, hi: float | None = None) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or value < lo
        or (hi is not None and value > hi)
    ):
        rng = f"[{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise ConfigError(where, f"must be a number {rng}, got {value!r}")


def _flag(where: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise ConfigError(where, f"must be true or false, got {value!r}")


def _toggle(where: str, value: Any) -> None:
    if value is not None and not isinstance(value, dict):
        raise ConfigError(where, f"must be {{}} (on) or null (off), got {value!r}")


def _choice(where: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(where, f"must be one of {list(choices)}, got {value!r}")


def validate_model(model: str, cfg: dict[str, Any], *, stream: bool = False) -> None:
    """Check the options of one model (already merged with defaults)."""
    w = f"models.{model}"
    if model == "face":
        _number(f"{w}.fps_pred", cfg["fps_pred"], 0)
        _number(f"{w}.prob_threshold", cfg["prob_threshold"], 0, 1)
        _number(f"{w}.min_face_size", cfg["min_face_size"], 0)
        _flag(f"{w}.identify_faces", cfg["identify_faces"])
        _flag(f"{w}.save_faces", cfg.get("save_faces", False))
        _toggle(f"{w}.facs", cfg["facs"])
        _toggle(f"{w}.descriptions", cfg["descriptions"])
    elif model in ("prosody", "language"):
        choices = STREAM_GRANULARITIES if stream else GRANULARITIES
        _choice(f"{w}.granularity", cfg["granularity"], choices)
        _flag(f"{w}.identify_speakers", cfg.get("identify_speakers", False))
        if model == "language":
            _toggle(f"{w}.sentiment", cfg["sentiment"])
            _toggle(f"{w}.toxicity", cfg["toxicity"])
        elif cfg["window"] is not None:
            win = cfg["window"]
            if not isinstance(win, dict):
                raise ConfigError(f"{w}.window", "must be an object {length, step} or null")
            win = {"length": 4, "step": 1, **win}
            _number(f"{w}.window.length", win["length"], 0.5)
            _number(f"{w}.window.step", win["step"], 0.5)
            cfg["window"] = {"length": win["length"], "step": win["step"]}
    elif model == "ner":
        _flag(f"{w}.identify_speakers", cfg["identify_speakers"])


def v0_default_models(models: dict | None) -> dict:
    """The effective v0 model configuration, as echoed in ``request.models`` of a job.

    ``None`` (the request omitted ``models``) runs every model with its defaults; otherwise only the
    listed models run and ``{}`` means "this model, defaults". Unknown option keys are ignored.

    Parameters
    ----------
    models : dict or None
        The request's ``models`` object.

    Returns
    -------
    dict
        One key per model that runs, each with every option filled in (hume-v0.md section 4.5).

    Raises
    ------
    ConfigError
        For an unknown model name or an invalid option value (a ValueError whose ``field``
        names the option).

    Examples
    --------
    >>> v0_default_models({"face": {}})["face"]["fps_pred"]
    3
    >>> sorted(v0_default_models(None))
    ['burst', 'face', 'facemesh', 'language', 'ner', 'prosody']
    """
    if models is None:
        return copy.deepcopy(MODEL_DEFAULTS)
    if not isinstance(models, dict):
        raise ConfigError("models", f"must be an object, got {type(models).__name__}")
    out: dict[str, dict[str, Any]] = {}
    for name in models:
        if name not in V0_MODELS:
            raise ConfigError("models", f"unknown model {name!r}; choose from {list(V0_MODELS)}")
    for name in MODEL_DEFAULTS:  # the echo order
        if name not in models:
            continue
        given = models[name] if models[name] is not None else {}
        if not isinstance(given, dict):
            raise ConfigError(f"models.{name}", f"must be an object, got {given!r}")
        cfg = copy.deepcopy(MODEL_DEFAULTS[name])
        cfg.update({k: copy.deepcopy(v) for k, v in given.items() if k in cfg})
        validate_model(name, cfg)
        out[name] = cfg
    return out


def transcription_config(transcription: dict | bool | None) -> dict | None:
    """Effective transcription options; ``False`` (the request sent ``null``) turns it off -> None.

    Examples
    --------
    >>> transcription_config(None)["confidence_threshold"]
    0.5
    >>> transcription_config(False) is None
    True
    """
    if transcription is False:
        return None
    base = dict(TRANSCRIPTION_DEFAULTS)
    if transcription is None or transcription is True:
        return base
    if not isinstance(transcription, dict):
        raise ConfigError("transcription", f"must be an object or null, got {transcription!r}")
    base.update({k: v for k, v in transcription.items() if k in base})
    if base["language"] is not None and not isinstance(base["language"], str):
        raise ConfigError(
            "transcription.language", f"must be a BCP-47 tag, got {base['language']!r}"
        )
    _flag("transcription.identify_speakers", base["identify_speakers"])
    _number("transcription.confidence_threshold", base["confidence_threshold"], 0, 1)
    return base
