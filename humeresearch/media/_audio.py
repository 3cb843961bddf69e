"""Audio to 16 kHz mono s16le (the only format v1 accepts) and splitting at silences."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

import numpy as np

from humeresearch.media._source import MediaError, MediaSource, name_of, open_container
from humeresearch.media._wav import read_wav

#: the v1 sample rate.
RATE = 16000
#: the v1 upload body limit, bytes.
UPLOAD_LIMIT = 25_000_000
#: bytes kept free in an upload body for the WAV header and the multipart framing.
UPLOAD_OVERHEAD = 65_536


@dataclass(frozen=True, repr=False)
class Audio:
    """Mono s16le samples placed on a recording's clock.

    Attributes
    ----------
    pcm : bytes
        Signed 16-bit little-endian mono samples, no header.
    rate : int
        Samples per second (16000 for v1).
    start : float
        Seconds on the recording's clock of the first sample (a piece of a split
        recording keeps its offset here).

    Examples
    --------
    >>> a = Audio(bytes(32000), start=2.0)
    >>> a.duration, a.end, len(a.wav())
    (1.0, 3.0, 32044)
    """

    pcm: bytes
    rate: int = RATE
    start: float = 0.0

    def __post_init__(self) -> None:
        if len(self.pcm) % 2:
            raise MediaError("s16le audio needs an even number of bytes")

    @property
    def samples(self) -> np.ndarray:
        """The samples as an int16 array (a read-only view)."""
        return np.frombuffer(self.pcm, dtype="<i2")

    @property
    def duration(self) -> float:
        """Seconds of audio."""
        return len(self.pcm) / 2 / self.rate

    @property
    def end(self) -> float:
        """Seconds on the recording's clock just after the last sample."""
        return self.start + self.duration

    def wav(self) -> bytes:
        """The samples as a WAV file (44-byte PCM header).

        Examples
        --------
        >>> data = Audio(bytes(3200)).wav()
        >>> data[:4], data[8:12], len(data)
        (b'RIFF', b'WAVE', 3244)
        """
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.rate)
            w.writeframes(self.pcm)
        return buf.getvalue()

    def cut(self, begin: int, end: int) -> Audio:
        """Samples ``[begin, end)`` as an Audio whose ``start`` keeps the clock.

        Examples
        --------
        >>> Audio(bytes(2 * 16000 * 3), start=10.0).cut(8000, 24000)
        Audio(duration=1.000s, rate=16000, start=10.500)
        """
        return Audio(self.pcm[2 * begin : 2 * end], self.rate, self.start + begin / self.rate)

    def __repr__(self) -> str:
        return f"Audio(duration={self.duration:.3f}s, rate={self.rate}, start={self.start:.3f})"


def load_audio(source: MediaSource, *, rate: int = RATE) -> Audio:
    """Decode the audio (or a video's audio track) to mono s16le at ``rate``.

    Parameters
    ----------
    source : path, bytes or binary file
        Any file PyAV can open with an audio stream (WAV, MP3, MP4, MKV, ...).
    rate : int, default 16000
        Output sample rate.

    Returns
    -------
    Audio
        ``start`` is the time of the first decoded sample on the file's clock. A PCM
        WAV already mono s16le at ``rate`` is read as it is, without PyAV.

    Raises
    ------
    MediaError
        When the file cannot be opened or has no audio stream.

    Examples
    --------
    >>> import numpy as np
    >>> stereo44k = Audio(np.zeros(44100, "<i2").tobytes(), rate=44100).wav()
    >>> load_audio(stereo44k)
    Audio(duration=1.000s, rate=16000, start=0.000)
    """
    fast = _plain_wav(source, rate)
    if fast is not None:
        return fast
    import av

    with open_container(source) as container:
        if not container.streams.audio:
            raise MediaError(f"{name_of(source)}: no audio track")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        chunks: list[bytes] = []
        start: float | None = None
        try:
            for frame in container.decode(stream):
                if start is None and frame.time is not None:
                    start = float(frame.time)
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().astype("<i2", copy=False).tobytes())
        except av.FFmpegError as exc:
            raise MediaError(f"{name_of(source)}: cannot decode audio ({exc})") from None
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().astype("<i2", copy=False).tobytes())
    return Audio(b"".join(chunks), rate, max(start or 0.0, 0.0))


def _plain_wav(source: MediaSource, rate: int) -> Audio | None:
    """A WAV already mono s16le at ``rate``: its samples as they are (no decoding)."""
    found = read_wav(source)
    if found is None:
        return None
    header, pcm = found
    if (header.rate, header.channels, header.width) != (rate, 1, 2):
        return None
    return Audio(pcm, rate, 0.0)


def split_audio(
    audio: Audio,
    *,
    max_bytes: int | None = UPLOAD_LIMIT,
    max_seconds: float | None = None,
    search_seconds: float = 30.0,
    window_ms: float = 20.0,
) -> list[Audio]:
    """Split a recording into pieces within a size or duration limit, cutting at silences.

    Each cut goes to the end of the quietest ``window_ms`` stretch within the last
    ``search_seconds`` before the limit (never in the first half of a piece), so no
    utterance is cut when the recording has pauses. Every piece keeps its offset in
    ``start``: results of a piece land on the recording's clock by adding it.

    Parameters
    ----------
    audio : Audio
        The recording.
    max_bytes : int or None, default 25_000_000
        Upload body limit; a piece's WAV plus multipart framing stays below it.
    max_seconds : float, optional
        Duration limit of a piece (v0 stream payloads: 5.0).
    search_seconds : float, default 30.0
        How far before the limit to look for a silence.
    window_ms : float, default 20.0
        Length of the energy windows compared.

    Returns
    -------
    list of Audio
        Consecutive pieces; their ``pcm`` concatenated equals ``audio.pcm``.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(5 * 16000) / 16000
    >>> loud = (np.sin(2 * np.pi * 200 * t) * 8000 * ((t % 2) < 1.5)).astype("<i2")
    >>> pieces = split_audio(Audio(loud.tobytes()), max_seconds=2.5)
    >>> [(round(p.start, 2), round(p.duration, 2)) for p in pieces]
    [(0.0, 2.0), (2.0, 2.0), (4.0, 1.0)]
    """
    limits = [int(max_seconds * audio.rate)] if max_seconds is not None else []
    if max_bytes is not None:
        limits.append((max_bytes - UPLOAD_OVERHEAD) // 2)
    if not limits or min(limits) < 1:
        raise ValueError("split_audio: give a positive max_bytes (> 65536) or max_seconds")
    limit = min(limits)
    x = audio.samples
    win = max(1, int(window_ms / 1000 * audio.rate))
    search = max(win, int(search_seconds * audio.rate))
    pieces: list[Audio] = []
    pos, n = 0, len(x)
    while n - pos > limit:
        hi = pos + limit
        lo = max(pos + limit // 2, hi - search)
        cut = _quietest(x, lo, hi, win)
        pieces.append(audio.cut(pos, cut))
        pos = cut
    pieces.append(audio.cut(pos, n))
    return pieces


def _quietest(x: np.ndarray, lo: int, hi: int, win: int) -> int:
    """The end of the quietest window in ``x[lo:hi]`` (the latest one on ties)."""
    m = (hi - lo) // win
    if m < 1:
        return hi
    frames = x[hi - m * win : hi].astype(np.float64).reshape(m, win)
    energy = (frames * frames).mean(axis=1)
    i = m - 1 - int(np.argmin(energy[::-1]))
    return hi - m * win + (i + 1) * win
