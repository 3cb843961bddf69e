"""A fast path for plain PCM WAV files: their header read with the stdlib ``wave`` module.

Most study recordings are already 16-bit PCM WAV; opening them with PyAV (and, when
they are 16 kHz mono, decoding and resampling them to the same samples) costs far
more than reading the RIFF header. Anything ``wave`` cannot read (compressed or float
WAV, other containers, a damaged header) returns None and goes the PyAV way.
"""

from __future__ import annotations

import io
import os
import wave
from dataclasses import dataclass
from typing import Any

#: bytes a file must start with to be tried as a WAV.
_RIFF = b"RIFF"
_WAVE = b"WAVE"


@dataclass(frozen=True)
class WavHeader:
    """What the RIFF header of a PCM WAV says.

    Attributes
    ----------
    rate : int
        Samples per second.
    channels : int
        Interleaved channels.
    width : int
        Bytes per sample.
    frames : int
        Samples per channel.
    """

    rate: int
    channels: int
    width: int
    frames: int

    @property
    def duration(self) -> float:
        """Seconds of audio."""
        return self.frames / self.rate if self.rate else 0.0


def _open(source: Any) -> Any:
    """A binary file object of ``source`` positioned at 0, or None when it is not a WAV."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source[:12])
        if data[:4] != _RIFF or data[8:12] != _WAVE:
            return None
        return io.BytesIO(source)
    if isinstance(source, (str, os.PathLike)):
        try:
            fh = open(source, "rb")  # closed by the caller
        except OSError:
            return None
        head = fh.read(12)
        if head[:4] != _RIFF or head[8:12] != _WAVE:
            fh.close()
            return None
        fh.seek(0)
        return fh
    return None


def read_wav(source: Any, *, samples: bool = True) -> tuple[WavHeader, bytes] | None:
    """The header and the sample bytes of a PCM WAV, or None when ``wave`` cannot read it.

    Parameters
    ----------
    source : path or bytes
        The file (open binary files are not tried: they go the PyAV way).
    samples : bool, default True
        Also read the samples (else the bytes returned are empty).

    Returns
    -------
    (WavHeader, bytes) or None

    Examples
    --------
    >>> from humeresearch.media import Audio
    >>> header, pcm = read_wav(Audio(bytes(32000)).wav())
    >>> header.rate, header.channels, header.width, header.frames, len(pcm)
    (16000, 1, 2, 16000, 32000)
    >>> read_wav(b"not a wav") is None
    True
    """
    fh = _open(source)
    if fh is None:
        return None
    try:
        with wave.open(fh, "rb") as w:
            header = WavHeader(w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes())
            data = w.readframes(header.frames) if samples else b""
    except (wave.Error, EOFError, OSError, ValueError):
        return None
    finally:
        fh.close()
    if header.rate <= 0 or header.channels <= 0 or header.width <= 0:
        return None
    if samples:  # a data chunk shorter than its header says: what is there
        header = WavHeader(
            header.rate,
            header.channels,
            header.width,
            len(data) // (header.channels * header.width),
        )
    return header, data
