"""Clients of the Hume APIs (v0 batch, v1 files) and their configuration objects.

Configuration objects are frozen dataclasses validated at construction; every client
talks HTTP through one layer (:mod:`humeresearch.clients._http`) with explicit
timeouts, retries of idempotent calls only, and an API key that travels only in
headers.

Examples
--------
>>> from humeresearch.clients import AudioConfig
>>> AudioConfig(measurement_timer_ms=3000).to_json()
'{"measurement_timer_ms":3000}'
"""

from __future__ import annotations

from humeresearch.clients._errors import ApiError, ConfigError, HumeClientError, TransportError
from humeresearch.clients._http import AsyncHttpClient, HttpClient, RetryPolicy, resolve_key
from humeresearch.clients._v0_batch import V0BatchClient
from humeresearch.clients._v0_config import (
    BurstConfig,
    FaceConfig,
    FacemeshConfig,
    LanguageConfig,
    NerConfig,
    ProsodyConfig,
    TranscriptionConfig,
    Window,
)
from humeresearch.clients._v0_requests import BatchConfig, StreamConfig
from humeresearch.clients._v1_config import AudioConfig, V1Config, VideoConfig
from humeresearch.clients._v1_files import V1Client, VideoBatch, pack_frames

__all__ = [
    "resolve_key",
    "AsyncHttpClient",
    "HttpClient",
    "RetryPolicy",
    "V0BatchClient",
    "V1Client",
    "VideoBatch",
    "pack_frames",
    "ApiError",
    "AudioConfig",
    "BatchConfig",
    "BurstConfig",
    "ConfigError",
    "FaceConfig",
    "FacemeshConfig",
    "HumeClientError",
    "LanguageConfig",
    "NerConfig",
    "ProsodyConfig",
    "StreamConfig",
    "TranscriptionConfig",
    "TransportError",
    "V1Config",
    "VideoConfig",
    "Window",
]
