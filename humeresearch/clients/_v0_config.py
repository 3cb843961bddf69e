"""Configuration objects of the v0 API (``hume-v0.md`` §4, §10.2): one per model, batch and stream.

Every object is a frozen dataclass validated at construction (a :class:`ConfigError`
names the field); ``to_dict()`` gives exactly the JSON the contract expects, with every
unset (``None``) field omitted; ``from_dict()`` reads it back. The per-model objects are
shared by :class:`BatchConfig` and :class:`StreamConfig`, which check the options each
API accepts (``passage`` only in a stream, ``conversational_turn`` and ``ner`` only in
batch ...).

Examples
--------
>>> from humeresearch.clients import FaceConfig
>>> FaceConfig(fps_pred=0, identify_faces=True).to_dict()
{'fps_pred': 0.0, 'identify_faces': True}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar

from humeresearch import define
from humeresearch.clients import _check as check
from humeresearch.clients._errors import ConfigError

_M = TypeVar("_M", bound="_ModelConfig")

#: batch granularities plus the stream-only ``passage``.
LanguageGranularity = Literal["word", "sentence", "utterance", "conversational_turn", "passage"]


class _ModelConfig:
    """Shared ``to_dict``/``from_dict`` of the per-model objects."""

    #: boolean fields sent as ``{}`` when true and omitted otherwise.
    _AS_OBJECT: ClassVar[tuple[str, ...]] = ()
    #: fields sent as floats (the SDK serialises them so).
    _AS_FLOAT: ClassVar[tuple[str, ...]] = ()
    #: model key in ``models``.
    model: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        """The model's options as JSON-ready data (unset fields omitted)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if value is None or (f.name in self._AS_OBJECT and value is False):
                continue
            if f.name in self._AS_OBJECT:
                value = {}
            elif f.name in self._AS_FLOAT:
                value = float(value)
            elif isinstance(value, Window):
                value = value.to_dict()
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls: type[_M], data: Mapping[str, Any] | None, *, field: str = "") -> _M:
        """Build from contract JSON (``{}`` / ``null`` feature switches become True / None)."""
        field = field or f"models.{cls.model}"
        data = data or {}
        names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        check.only_keys(data, names, field)
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key in cls._AS_OBJECT:
                value = None if value is None else True
            elif key == "window" and isinstance(value, Mapping):
                check.only_keys(value, ("length", "step"), f"{field}.window")
                value = Window(**value)
            kwargs[key] = value
        return cls(**kwargs)


@dataclass(frozen=True)
class Window:
    """A prosody sliding window (``prosody.window``), seconds; the docs give 0.5 s minimum.

    Examples
    --------
    >>> Window(length=4, step=1).to_dict()
    {'length': 4.0, 'step': 1.0}
    """

    length: float = 4.0
    step: float = 1.0

    def __post_init__(self) -> None:
        check.number(self.length, "models.prosody.window.length", lo=0.5)
        check.number(self.step, "models.prosody.window.step", lo=0.5)

    def to_dict(self) -> dict[str, float]:
        """``{"length": ..., "step": ...}``.

        Examples
        --------
        >>> Window().to_dict()
        {'length': 4.0, 'step': 1.0}
        """
        return {"length": float(self.length), "step": float(self.step)}


@dataclass(frozen=True)
class FaceConfig(_ModelConfig):
    """v0 ``face`` options (batch and stream; ``save_faces`` is batch only).

    Examples
    --------
    >>> FaceConfig(identify_faces=True, facs=True).to_dict()
    {'identify_faces': True, 'facs': {}}
    >>> FaceConfig(prob_threshold=1.5)
    Traceback (most recent call last):
    ...
    humeresearch.errors.ConfigError: models.face.prob_threshold: must be a number in 0-1, got 1.5
    """

    fps_pred: float | None = None
    prob_threshold: float | None = None
    identify_faces: bool | None = None
    min_face_size: float | None = None
    facs: bool | None = None
    descriptions: bool | None = None
    save_faces: bool | None = None

    model: ClassVar[str] = "face"
    _AS_OBJECT: ClassVar[tuple[str, ...]] = ("facs", "descriptions")
    _AS_FLOAT: ClassVar[tuple[str, ...]] = ("fps_pred", "prob_threshold")

    def __post_init__(self) -> None:
        check.number(self.fps_pred, "models.face.fps_pred", lo=0)
        check.number(self.prob_threshold, "models.face.prob_threshold", lo=0, hi=1)
        check.number(self.min_face_size, "models.face.min_face_size", lo=0)
        for name in ("identify_faces", "facs", "descriptions", "save_faces"):
            check.flag(getattr(self, name), f"models.face.{name}")


@dataclass(frozen=True)
class BurstConfig(_ModelConfig):
    """v0 ``burst``: no options (sent as ``{}``).

    Examples
    --------
    >>> BurstConfig().to_dict()
    {}
    """

    model: ClassVar[str] = "burst"


@dataclass(frozen=True)
class FacemeshConfig(_ModelConfig):
    """v0 ``facemesh``: no options (sent as ``{}``).

    Examples
    --------
    >>> FacemeshConfig().to_dict()
    {}
    """

    model: ClassVar[str] = "facemesh"


@dataclass(frozen=True)
class ProsodyConfig(_ModelConfig):
    """v0 ``prosody`` options (batch only; a stream takes ``prosody`` without options).

    Examples
    --------
    >>> ProsodyConfig(granularity="sentence", window=Window(length=2, step=1)).to_dict()
    {'granularity': 'sentence', 'window': {'length': 2.0, 'step': 1.0}}
    """

    granularity: define.Granularity | None = None
    window: Window | None = None
    identify_speakers: bool | None = None

    model: ClassVar[str] = "prosody"

    def __post_init__(self) -> None:
        check.choice(self.granularity, define.GRANULARITIES, "models.prosody.granularity")
        if self.window is not None and not isinstance(self.window, Window):
            raise ConfigError("models.prosody.window", f"must be a Window, got {self.window!r}")
        check.flag(self.identify_speakers, "models.prosody.identify_speakers")


@dataclass(frozen=True)
class LanguageConfig(_ModelConfig):
    """v0 ``language`` options; ``passage`` granularity only in a stream.

    Examples
    --------
    >>> LanguageConfig(granularity="sentence", sentiment=True).to_dict()
    {'granularity': 'sentence', 'sentiment': {}}
    """

    granularity: LanguageGranularity | None = None
    sentiment: bool | None = None
    toxicity: bool | None = None
    identify_speakers: bool | None = None

    model: ClassVar[str] = "language"
    _AS_OBJECT: ClassVar[tuple[str, ...]] = ("sentiment", "toxicity")

    def __post_init__(self) -> None:
        every = tuple(dict.fromkeys(define.GRANULARITIES + define.STREAM_GRANULARITIES))
        check.choice(self.granularity, every, "models.language.granularity")
        for name in ("sentiment", "toxicity", "identify_speakers"):
            check.flag(getattr(self, name), f"models.language.{name}")


@dataclass(frozen=True)
class NerConfig(_ModelConfig):
    """v0 ``ner`` options (batch only).

    Examples
    --------
    >>> NerConfig(identify_speakers=True).to_dict()
    {'identify_speakers': True}
    """

    identify_speakers: bool | None = None

    model: ClassVar[str] = "ner"

    def __post_init__(self) -> None:
        check.flag(self.identify_speakers, "models.ner.identify_speakers")


@dataclass(frozen=True)
class TranscriptionConfig(_ModelConfig):
    """v0 batch ``transcription`` options (feeds prosody, language and ner).

    Examples
    --------
    >>> TranscriptionConfig(language="en", confidence_threshold=0.6).to_dict()
    {'language': 'en', 'confidence_threshold': 0.6}
    """

    language: str | None = None
    identify_speakers: bool | None = None
    confidence_threshold: float | None = None

    model: ClassVar[str] = "transcription"
    _AS_FLOAT: ClassVar[tuple[str, ...]] = ("confidence_threshold",)

    def __post_init__(self) -> None:
        check.text(self.language, "transcription.language")
        check.flag(self.identify_speakers, "transcription.identify_speakers")
        check.number(self.confidence_threshold, "transcription.confidence_threshold", lo=0, hi=1)


MODEL_CLASSES: dict[str, type[_ModelConfig]] = {
    "face": FaceConfig,
    "burst": BurstConfig,
    "prosody": ProsodyConfig,
    "language": LanguageConfig,
    "ner": NerConfig,
    "facemesh": FacemeshConfig,
}


def check_model_types(obj: Any, names: Sequence[str]) -> None:
    for name in names:
        value = getattr(obj, name)
        if value is not None and not isinstance(value, MODEL_CLASSES[name]):
            kind = MODEL_CLASSES[name].__name__
            raise ConfigError(f"models.{name}", f"must be a {kind}, got {value!r}")


def models_dict(obj: Any, names: Sequence[str]) -> dict[str, Any] | None:
    models = {n: getattr(obj, n).to_dict() for n in names if getattr(obj, n) is not None}
    return models or None
