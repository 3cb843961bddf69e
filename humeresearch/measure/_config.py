"""The configuration of a measurement: one object per API, its JSON and its hash."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

from humeresearch.clients import AudioConfig, BatchConfig, StreamConfig, V1Config, VideoConfig
from humeresearch.wire import content_hash

Api = Literal["v1", "v0"]
#: the APIs ``measure`` speaks.
APIS: tuple[str, ...] = ("v1", "v0")

ConfigLike = Union[
    V1Config,
    AudioConfig,
    VideoConfig,
    BatchConfig,
    StreamConfig,
    dict,
    str,
    "os.PathLike[str]",
    None,
]
"""A configuration object, its JSON as a dict, or the path of a JSON file.

With ``api="v0"``, a :class:`~humeresearch.clients.StreamConfig` (or a dict
``{"stream": {"models": ...}}``) measures through the v0 stream instead of batch jobs."""


@dataclass(frozen=True)
class Resolved:
    """A validated configuration of one API.

    Attributes
    ----------
    api : {"v1", "v0"}
    config : V1Config, BatchConfig or StreamConfig
    data : dict
        Its JSON (what the ledger and the provenance keep).
    digest : str
        :func:`humeresearch.wire.content_hash` of ``{"api": api, "config": data}``.
    """

    api: Api
    config: Any
    data: dict[str, Any]
    digest: str


def resolve(api: Api, config: ConfigLike) -> Resolved:
    """Validate ``config`` for ``api`` (None: the API's defaults).

    Examples
    --------
    >>> r = resolve("v1", {"audio": {"measurement_timer_ms": 5000}})
    >>> r.config.audio.measurement_timer_ms, len(r.digest)
    (5000, 64)
    >>> resolve("v0", None).data
    {}
    """
    if isinstance(config, (str, os.PathLike)):
        config = json.loads(Path(config).read_text(encoding="utf-8"))
    if api == "v1":
        obj: Any = _v1(config)
        data = obj.to_dict()
    else:
        obj = _v0(config)
        data = {"stream": obj.to_dict()} if isinstance(obj, StreamConfig) else obj.to_dict()
    return Resolved(api, obj, data, content_hash({"api": api, "config": data}, []))


def _v1(config: Any) -> V1Config:
    if config is None:
        return V1Config()
    if isinstance(config, V1Config):
        return config
    if isinstance(config, AudioConfig):
        return V1Config(audio=config)
    if isinstance(config, VideoConfig):
        return V1Config(video=config)
    if isinstance(config, dict):
        return V1Config.from_dict(config)
    raise TypeError(f"measure: api='v1' takes a V1Config (or dict), got {type(config).__name__}")


def _v0(config: Any) -> BatchConfig | StreamConfig:
    if config is None:
        return BatchConfig()
    if isinstance(config, (BatchConfig, StreamConfig)):
        return config
    if isinstance(config, dict) and set(config) == {"stream"}:
        return StreamConfig.from_dict(config["stream"])
    if isinstance(config, dict):
        return BatchConfig.from_dict(config)
    raise TypeError(
        f"measure: api='v0' takes a BatchConfig or StreamConfig (or dict), got {type(config).__name__}"
    )
