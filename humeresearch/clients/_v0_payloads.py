"""The payloads of a v0 stream: a recording or a text cut within the per-payload limits.

Each :class:`Payload` carries its offset on the recording's clock (seconds) or in the
whole text (characters) and only the models that fit its kind (audio: burst, prosody;
image: face; text: language), so no payload draws an ``E0102``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Literal

from humeresearch.clients._v0_requests import StreamConfig

PayloadKind = Literal["audio", "image", "text"]
#: the models each payload kind takes.
KIND_MODELS: dict[str, tuple[str, ...]] = {
    "audio": ("burst", "prosody"),
    "image": ("face",),
    "text": ("language",),
}


@dataclass(frozen=True, repr=False)
class Payload:
    """One stream message to send.

    Attributes
    ----------
    payload_id : str
        Unique within the stream; echoed by the server.
    kind : {"audio", "image", "text"}
    data : str
        Base64 of a WAV or JPEG, or the text itself (``raw_text``).
    config : StreamConfig
        The models of this payload.
    offset : float
        Seconds on the recording's clock of the payload's time 0.
    chars : int
        Index in the whole text of the payload's first character (text payloads).
    """

    payload_id: str
    kind: PayloadKind
    data: str
    config: StreamConfig
    offset: float = 0.0
    chars: int = 0

    def message(self, *, reset_stream: bool = False) -> dict[str, Any]:
        """The JSON message of this payload.

        Examples
        --------
        >>> from humeresearch.clients import LanguageConfig
        >>> cfg = StreamConfig(language=LanguageConfig(granularity="word"))
        >>> Payload("text-00000", "text", "Hi.", cfg).message(reset_stream=True)
        {'data': 'Hi.', 'models': {'language': {'granularity': 'word'}}, 'raw_text': True, 'reset_stream': True, 'payload_id': 'text-00000'}
        """
        return self.config.payload(
            self.data,
            raw_text=True if self.kind == "text" else None,
            reset_stream=True if reset_stream else None,
            payload_id=self.payload_id,
        )

    def __repr__(self) -> str:
        return (
            f"Payload({self.payload_id!r}, {self.kind}, offset={self.offset:g}, chars={self.chars})"
        )


def subset(config: StreamConfig, kind: str) -> StreamConfig | None:
    """``config`` reduced to the models that fit ``kind`` (None when none does).

    Examples
    --------
    >>> from humeresearch.clients import FaceConfig, ProsodyConfig
    >>> cfg = StreamConfig(face=FaceConfig(), prosody=ProsodyConfig(), stream_window_ms=5000)
    >>> subset(cfg, "audio").models, subset(cfg, "text")
    (('prosody',), None)
    """
    chosen = {m: getattr(config, m) for m in KIND_MODELS[kind] if getattr(config, m) is not None}
    if not chosen:
        return None
    window = config.stream_window_ms if kind == "audio" else None
    return StreamConfig(**chosen, stream_window_ms=window)


def text_stream(text: str, *, config: StreamConfig, prefix: str = "text") -> list[Payload]:
    """A text as payloads of at most 10,000 characters cut at sentence boundaries.

    Examples
    --------
    >>> from humeresearch.clients import LanguageConfig
    >>> cfg = StreamConfig(language=LanguageConfig(granularity="sentence"))
    >>> [(p.payload_id, p.chars) for p in text_stream("Hi there. " * 2500, config=cfg)]
    [('text-00000', 0), ('text-00001', 10000), ('text-00002', 20000)]
    """
    from humeresearch.media import text_payloads

    cfg = subset(config, "text")
    if cfg is None:
        raise ValueError("a text stream needs the language model in the StreamConfig")
    return [
        Payload(f"{prefix}-{k:05d}", "text", piece.text, cfg, chars=piece.offset)
        for k, piece in enumerate(text_payloads(text))
    ]


def media_stream(
    source: Any, *, config: StreamConfig, fps: float = 3.0, max_ms: int = 5000
) -> list[Payload]:
    """A recording as payloads: audio of at most ``max_ms`` cut at silences, then frames.

    Audio payloads (for burst and prosody) come from the audio track, cut at the
    quietest moment before each 5 s limit; image payloads (for face) are the video's
    frames at ``fps`` (or the image itself), at most 3000 px a side. Each keeps its
    offset on the recording's clock.

    Examples
    --------
    >>> import numpy as np
    >>> from humeresearch.clients import ProsodyConfig
    >>> from humeresearch.media import Audio
    >>> t = np.arange(16000 * 12) / 16000
    >>> wav = Audio((np.sin(2 * np.pi * 200 * t) * 8000 * ((t % 3) < 2)).astype("<i2").tobytes()).wav()
    >>> cfg = StreamConfig(prosody=ProsodyConfig())
    >>> [round(p.offset, 2) for p in media_stream(wav, config=cfg)]
    [0.0, 3.0, 6.0, 9.0]
    """
    from humeresearch.media import audio_payloads, image_payload, load_audio, probe, video_frames

    info = probe(source)
    payloads: list[Payload] = []
    audio_cfg = subset(config, "audio")
    if audio_cfg is not None and info.has_audio and not info.is_image:
        for k, piece in enumerate(audio_payloads(load_audio(source), max_ms=max_ms)):
            if piece.pcm:
                data = base64.b64encode(piece.wav()).decode("ascii")
                payloads.append(Payload(f"audio-{k:05d}", "audio", data, audio_cfg, piece.start))
    image_cfg = subset(config, "image")
    if image_cfg is not None and (info.has_video or info.is_image):
        frames = [image_payload(source)] if info.is_image else video_frames(source, fps=fps)
        for k, frame in enumerate(frames):
            if max(frame.width, frame.height) > 3000:
                frame = image_payload(frame.jpeg)
            data = base64.b64encode(frame.jpeg).decode("ascii")
            payloads.append(Payload(f"image-{k:05d}", "image", data, image_cfg, frame.time))
    if not payloads:
        raise ValueError("nothing to stream: no audio for burst/prosody and no image for face")
    return payloads
