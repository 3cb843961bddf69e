"""Clients of the Hume APIs (v0 batch and stream, v1 files and realtime) and their configurations.

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

from humeresearch.clients._clock import place
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
from humeresearch.clients._v0_payloads import Payload, media_stream, text_stream
from humeresearch.clients._v0_requests import BatchConfig, StreamConfig
from humeresearch.clients._v0_stream import StreamResult, V0StreamClient, read_stream
from humeresearch.clients._v1_config import AudioConfig, V1Config, VideoConfig
from humeresearch.clients._v1_files import V1Client, VideoBatch, pack_frames
from humeresearch.clients._v1_realtime import V1RealtimeClient
from humeresearch.clients._v1_sessions import RealtimeResult, RealtimeSession, read_sessions

__all__ = [
    "place",
    "resolve_key",
    "AsyncHttpClient",
    "HttpClient",
    "RetryPolicy",
    "V0BatchClient",
    "V0StreamClient",
    "V1RealtimeClient",
    "Payload",
    "RealtimeResult",
    "RealtimeSession",
    "StreamResult",
    "media_stream",
    "read_sessions",
    "read_stream",
    "text_stream",
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
