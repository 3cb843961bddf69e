"""v0 request configurations: :class:`BatchConfig` (jobs) and :class:`StreamConfig` (payloads).

Examples
--------
>>> from humeresearch.clients import BatchConfig, FaceConfig, ProsodyConfig, TranscriptionConfig
>>> cfg = BatchConfig(face=FaceConfig(fps_pred=0), prosody=ProsodyConfig(granularity="word"),
...                   transcription=TranscriptionConfig(language="en"), notify=False)
>>> cfg.to_json(urls=["https://x/y.mp4"])
'{"models":{"face":{"fps_pred":0.0},"prosody":{"granularity":"word"}},"transcription":{"language":"en"},"urls":["https://x/y.mp4"],"notify":false}'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from humeresearch import define
from humeresearch.clients import _check as check
from humeresearch.clients._errors import ConfigError
from humeresearch.clients._v0_config import (
    MODEL_CLASSES,
    BurstConfig,
    FaceConfig,
    FacemeshConfig,
    LanguageConfig,
    NerConfig,
    ProsodyConfig,
    TranscriptionConfig,
    check_model_types,
    models_dict,
)


@dataclass(frozen=True)
class BatchConfig:
    """A v0 batch job configuration (``POST /v0/batch/jobs``, ``hume-v0.md`` §4.1).

    Parameters
    ----------
    face, burst, prosody, language, ner, facemesh : model config, optional
        The models to run. When none is set, ``models`` is omitted and **every model
        runs**; otherwise only the set ones run.
    transcription : TranscriptionConfig or False, optional
        Transcription options; ``False`` sends ``null`` (transcription off).
    callback_url : str, optional
        URL the server POSTs to when the job ends.
    notify : bool, optional
        E-mail the account owner when the job ends.

    Examples
    --------
    >>> BatchConfig(language=LanguageConfig(granularity="sentence")).to_dict(text=["Hi."])
    {'models': {'language': {'granularity': 'sentence'}}, 'text': ['Hi.']}
    >>> BatchConfig(language=LanguageConfig(granularity="passage"))
    Traceback (most recent call last):
    ...
    humeresearch.errors.ConfigError: models.language.granularity: must be one of 'word', 'sentence', 'utterance', 'conversational_turn' in a batch job ('passage' is stream only); got 'passage'
    """

    face: FaceConfig | None = None
    burst: BurstConfig | None = None
    prosody: ProsodyConfig | None = None
    language: LanguageConfig | None = None
    ner: NerConfig | None = None
    facemesh: FacemeshConfig | None = None
    transcription: TranscriptionConfig | Literal[False] | None = None
    callback_url: str | None = None
    notify: bool | None = None

    def __post_init__(self) -> None:
        check_model_types(self, define.V0_MODELS)
        if self.language is not None:
            check.choice(
                self.language.granularity,
                define.GRANULARITIES,
                "models.language.granularity",
                context="in a batch job ('passage' is stream only)",
            )
        t = self.transcription
        if t is not None and t is not False and not isinstance(t, TranscriptionConfig):
            raise ConfigError("transcription", f"must be a TranscriptionConfig or False, got {t!r}")
        check.text(self.callback_url, "callback_url")
        check.flag(self.notify, "notify")

    @property
    def models(self) -> tuple[str, ...]:
        """The models the job runs (every v0 model when none is set)."""
        chosen = tuple(m for m in define.V0_MODELS if getattr(self, m) is not None)
        return chosen or tuple(define.V0_MODELS)

    def to_dict(
        self, *, urls: Sequence[str] | None = None, text: Sequence[str] | None = None
    ) -> dict[str, Any]:
        """The request object (§4.1) with optional ``urls`` and ``text`` inputs.

        Examples
        --------
        >>> BatchConfig(face=FaceConfig(), notify=True).to_dict(urls=["https://x/y.mp4"])
        {'models': {'face': {}}, 'urls': ['https://x/y.mp4'], 'notify': True}
        >>> BatchConfig(transcription=False).to_dict()
        {'transcription': None}
        """
        out = check.compact({"models": models_dict(self, define.V0_MODELS)})
        if self.transcription is False:
            out["transcription"] = None
        elif self.transcription is not None:
            out["transcription"] = self.transcription.to_dict()
        out.update(check.compact({"urls": list(urls) if urls else None}))
        out.update(check.compact({"text": list(text) if text else None}))
        out.update(check.compact({"callback_url": self.callback_url, "notify": self.notify}))
        return out

    def to_json(
        self, *, urls: Sequence[str] | None = None, text: Sequence[str] | None = None
    ) -> str:
        """:meth:`to_dict` as compact JSON (the multipart ``json`` part or the JSON body).

        Examples
        --------
        >>> BatchConfig(language=LanguageConfig(granularity="word")).to_json(text=["Hi."])
        '{"models":{"language":{"granularity":"word"}},"text":["Hi."]}'
        """
        return check.dumps(self.to_dict(urls=urls, text=text))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BatchConfig:
        """Read a request object (its ``urls``/``text``/``files`` are ignored)."""
        allowed = ("models", "transcription", "callback_url", "notify", "urls", "text", "files")
        check.only_keys(data, allowed, "")
        models = data.get("models") or {}
        check.only_keys(models, define.V0_MODELS, "models")
        kwargs: dict[str, Any] = {
            name: MODEL_CLASSES[name].from_dict(value) for name, value in models.items()
        }
        if "transcription" in data:
            t = data["transcription"]
            kwargs["transcription"] = (
                False if t is None else TranscriptionConfig.from_dict(t, field="transcription")
            )
        return cls(**kwargs, callback_url=data.get("callback_url"), notify=data.get("notify"))


_STREAM_RULES: dict[str, tuple[str, ...]] = {
    "face": ("save_faces",),
    "prosody": ("granularity", "window", "identify_speakers"),
    "language": ("identify_speakers",),
}


@dataclass(frozen=True)
class StreamConfig:
    """A v0 streaming configuration (``/v0/stream/models`` payloads, ``hume-v0.md`` §10.2).

    Parameters
    ----------
    face, burst, prosody, language, facemesh : model config, optional
        The models of every payload (at least one). Batch-only options
        (``face.save_faces``, any prosody option, ``language.identify_speakers``,
        ``conversational_turn``) are errors; ``ner`` does not exist in a stream.
    stream_window_ms : int, optional
        Audio context carried over from earlier payloads.

    Examples
    --------
    >>> cfg = StreamConfig(language=LanguageConfig(granularity="passage"))
    >>> cfg.payload("I am glad.", raw_text=True, payload_id="p0")
    {'data': 'I am glad.', 'models': {'language': {'granularity': 'passage'}}, 'raw_text': True, 'payload_id': 'p0'}
    >>> StreamConfig(prosody=ProsodyConfig(granularity="word"))
    Traceback (most recent call last):
    ...
    humeresearch.errors.ConfigError: models.prosody.granularity: is a batch-only option; a stream takes prosody without options
    """

    face: FaceConfig | None = None
    burst: BurstConfig | None = None
    prosody: ProsodyConfig | None = None
    language: LanguageConfig | None = None
    facemesh: FacemeshConfig | None = None
    stream_window_ms: int | None = None

    def __post_init__(self) -> None:
        check_model_types(self, define.V0_STREAM_MODELS)
        if not any(getattr(self, m) is not None for m in define.V0_STREAM_MODELS):
            raise ConfigError("models", "a stream payload needs at least one model")
        for model, batch_only in _STREAM_RULES.items():
            cfg = getattr(self, model)
            for name in batch_only if cfg is not None else ():
                if getattr(cfg, name) is not None:
                    hint = " without options" if model == "prosody" else f" without {name}"
                    raise ConfigError(
                        f"models.{model}.{name}",
                        f"is a batch-only option; a stream takes {model}{hint}",
                    )
        if self.language is not None:
            check.choice(
                self.language.granularity,
                define.STREAM_GRANULARITIES,
                "models.language.granularity",
                context="in a stream ('conversational_turn' is batch only)",
            )
        check.number(self.stream_window_ms, "stream_window_ms", lo=0, integer=True)

    @property
    def models(self) -> tuple[str, ...]:
        """The models of every payload."""
        return tuple(m for m in define.V0_STREAM_MODELS if getattr(self, m) is not None)

    def to_dict(self) -> dict[str, Any]:
        """``{"models": {...}}`` plus ``stream_window_ms`` when set.

        Examples
        --------
        >>> StreamConfig(prosody=ProsodyConfig(), stream_window_ms=3000).to_dict()
        {'models': {'prosody': {}}, 'stream_window_ms': 3000}
        """
        out = {"models": models_dict(self, define.V0_STREAM_MODELS)}
        return out | check.compact({"stream_window_ms": self.stream_window_ms})

    def payload(
        self,
        data: str,
        *,
        raw_text: bool | None = None,
        reset_stream: bool | None = None,
        payload_id: str | None = None,
    ) -> dict[str, Any]:
        """One client message: ``data`` (base64 media, or text with ``raw_text``) and options.

        Examples
        --------
        >>> StreamConfig(burst=BurstConfig()).payload("UklGRg==", reset_stream=True)
        {'data': 'UklGRg==', 'models': {'burst': {}}, 'reset_stream': True}
        """
        head = {"data": data, **self.to_dict()}
        return head | check.compact(
            {"raw_text": raw_text, "reset_stream": reset_stream, "payload_id": payload_id}
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StreamConfig:
        """Read ``{"models": {...}, "stream_window_ms": ...}``."""
        check.only_keys(data, ("models", "stream_window_ms"), "")
        models = data.get("models") or {}
        check.only_keys(models, define.V0_STREAM_MODELS, "models")
        kwargs = {name: MODEL_CLASSES[name].from_dict(value) for name, value in models.items()}
        return cls(**kwargs, stream_window_ms=data.get("stream_window_ms"))
