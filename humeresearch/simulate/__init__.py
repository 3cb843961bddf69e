"""Deterministic simulation of Hume Expression Measurement outputs, usable without any server.

Everything is a pure function of its arguments (content hash, model, configuration, seed):

* v0 batch: :func:`v0_predictions` (predictions JSON), :func:`v0_artifacts_zip` (artifacts zip),
  :func:`v0_default_models` (effective configuration echo);
* v0 streaming: :func:`v0_stream_reply` (one reply per client message);
* v1: :func:`v1_audio`, :func:`v1_audio_stream` (realtime), :func:`v1_video`,
  :func:`v1_video_frame` with :class:`VideoSession` (realtime);
* studies with known truth: :func:`study` with :class:`Effect`.

WAV audio is decoded and segmented by an energy voice-activity detector (silence gives no speech);
text is segmented with exact character positions; images get one simulated face inside their
bounds (no face detector); media that cannot be decoded gets a duration from its size and a
warning. Scores are smooth over time and correlated across related expressions (a simulation
device, see ``humeresearch.simulate._scores``). Every v0 output is marked: each
``results.predictions[]`` item carries ``"simulated": true`` and prosody/language/NER ``metadata``
objects carry ``"simulated": true``.

Examples
--------
>>> from humeresearch import simulate
>>> s = simulate.study(participants=4, duration=6.0, effects=[simulate.Effect("Joy", "treatment", 0.2)])
>>> len(s.predictions)
8
"""

from __future__ import annotations

from humeresearch.errors import SimulationError, SimulationWarning
from humeresearch.simulate._artifacts import v0_artifacts_zip
from humeresearch.simulate._config import v0_default_models
from humeresearch.simulate._sources import Source
from humeresearch.simulate._stream import v0_stream_reply
from humeresearch.simulate._study import Effect, Study, study
from humeresearch.simulate._v0 import v0_predictions
from humeresearch.simulate._v1_audio import AudioStream, v1_audio, v1_audio_stream
from humeresearch.simulate._v1_video import VideoSession, v1_video, v1_video_frame

__all__ = [
    "AudioStream",
    "Effect",
    "SimulationError",
    "SimulationWarning",
    "Source",
    "Study",
    "VideoSession",
    "study",
    "v0_artifacts_zip",
    "v0_default_models",
    "v0_predictions",
    "v0_stream_reply",
    "v1_audio",
    "v1_audio_stream",
    "v1_video",
    "v1_video_frame",
]
