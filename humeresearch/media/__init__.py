"""Media preparation for the Hume APIs, with PyAV (the ``measure`` extra).

* audio, also a video's audio track, to 16 kHz mono s16le (:func:`load_audio`),
  split over the 25 MB upload limit at silences, each piece keeping its offset
  (:func:`split_audio`);
* video frames to JPEG at up to 3 per second with their timestamps
  (:func:`video_frames`), images within 2 MB and 8,294,400 px with the scale factor
  kept (:func:`prepare_image`);
* v0 stream payloads: audio of at most 5000 ms, text of at most 10,000 characters
  cut at sentence boundaries, images of at most 3000 px a side.

Examples
--------
>>> from humeresearch.media import Audio, split_audio
>>> pieces = split_audio(Audio(bytes(2 * 16000 * 7)), max_seconds=3)
>>> [p.start for p in pieces]
[0.0, 3.0, 6.0]
"""

from __future__ import annotations

from humeresearch.media._audio import (
    RATE,
    UPLOAD_LIMIT,
    UPLOAD_OVERHEAD,
    Audio,
    load_audio,
    split_audio,
)
from humeresearch.media._payloads import (
    STREAM_AUDIO_MS,
    STREAM_TEXT_CHARS,
    TextPiece,
    audio_payloads,
    image_payload,
    text_payloads,
)
from humeresearch.media._source import MediaError, MediaInfo, MediaSource, probe
from humeresearch.media._video import (
    IMAGE_LIMIT,
    MAX_FPS,
    PIXEL_LIMIT,
    Frame,
    encode_jpeg,
    frame_times,
    prepare_image,
    video_frames,
)

__all__ = [
    "IMAGE_LIMIT",
    "MAX_FPS",
    "PIXEL_LIMIT",
    "RATE",
    "STREAM_AUDIO_MS",
    "STREAM_TEXT_CHARS",
    "UPLOAD_LIMIT",
    "UPLOAD_OVERHEAD",
    "Audio",
    "Frame",
    "MediaError",
    "MediaInfo",
    "MediaSource",
    "TextPiece",
    "audio_payloads",
    "encode_jpeg",
    "frame_times",
    "image_payload",
    "load_audio",
    "prepare_image",
    "probe",
    "split_audio",
    "text_payloads",
    "video_frames",
]
