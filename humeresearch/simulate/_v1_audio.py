"""Simulated v1 audio measurements (hume-v1.md sections 4 and 7), file and realtime."""

from __future__ import annotations

import hashlib

import numpy as np

from humeresearch import vocabularies as voc
from humeresearch.errors import SimulationError
from humeresearch.simulate import _media
from humeresearch.simulate._scores import Scorer, digest, rng_for
from humeresearch.simulate._vad import Vad

RATE = 16_000
MAX_BODY = 25_000_000
WINDOW_MS = 10_000
ENDED_GAP_MS = 1_000
# names the simulator emits: the documented ones plus a few deliberately unlisted ones, so that
# parsers meet names outside every known list (v1 vocabularies are open-ended)
AUDIO_EXPRESSIONS = voc.V1_AUDIO_EXPRESSIONS_SEEN + (
    "aesthetic appreciation", "surprise (positive)", "calmness", "concentration",
    "determination", "tiredness", "excitement", "contentment",
)  # fmt: skip
VOICE_ATTRIBUTES = voc.V1_AUDIO_VOICE_ATTRIBUTES_SEEN + (
    "breathy", "low-pitched", "loud", "soft", "warm",
)  # fmt: skip
VOICE_CUTOFF = 0.725


def _cutoffs(names: tuple[str, ...]) -> np.ndarray:
    return np.array([rng_for("v1-cutoff", n).uniform(0.25, 0.5) for n in names])


def sparse(names: tuple[str, ...], values: np.ndarray, keep: np.ndarray) -> list[dict]:
    """``[{name, probability}]`` of kept names, 4 decimals, sorted by probability (ties: raw, name)."""
    rows = [(round(float(v), 4), float(v), n) for n, v, k in zip(names, values, keep) if k]
    rows.sort(key=lambda r: (-r[0], -r[1], r[2]))
    return [{"name": n, "probability": p} for p, _, n in rows]


def _check_timer(measurement_timer_ms: object) -> int:
    if (
        isinstance(measurement_timer_ms, bool)
        or not isinstance(measurement_timer_ms, (int, np.integer))
        or not 3000 <= measurement_timer_ms <= 10000
    ):
        raise SimulationError(
            "config_invalid",
            f"measurement_timer_ms must be an integer in 3000-10000, got {measurement_timer_ms!r}",
        )
    return int(measurement_timer_ms)


class AudioStream:
    """Incremental v1 audio measurement: feed PCM (s16le, 16 kHz, mono), get realtime messages.

    ``feed`` returns ``utterance.start``, ``measurement.result`` and ``utterance.end`` messages as
    they become due; ``close`` ends an open utterance (final ``speech_ended`` measurement if due)
    and returns the remaining messages. Identical audio gives identical measurements however it is
    cut into frames, and the same measurements as :func:`v1_audio`.

    Attributes
    ----------
    audio_duration_ms : int
        Audio received so far, in milliseconds.
    utterances : list of dict
        Utterances ended so far (``utterance_id``, ``audio_start_ms``, ``audio_end_ms``).
    measurements : list of dict
        Measurements produced so far (without the ``type`` key).

    Examples
    --------
    >>> s = AudioStream()
    >>> s.feed(bytes(32000)) + s.close()
    []
    """

    def __init__(self, *, measurement_timer_ms: int = 3000, seed: int = 0) -> None:
        self.timer = _check_timer(measurement_timer_ms)
        self.seed = seed
        self._vad = Vad(RATE)
        self._samples = 0
        self._tail = np.empty(0, dtype="<i2")  # recent samples, for the utterance content key
        self._tail_start = 0
        self._odd = b""
        self.utterances: list[dict] = []
        self.measurements: list[dict] = []
        self._open: dict | None = None
        self.closed = False

    @property
    def audio_duration_ms(self) -> int:
        return round(self._samples * 1000 / RATE)

    def feed(self, pcm: bytes) -> list[dict]:
        """Take more samples (any even byte count); return the messages they make due.

        Examples
        --------
        >>> import numpy as np
        >>> tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(48_000) / 16_000)
        >>> pcm = bytes(8000) + (tone * 32767).astype("<i2").tobytes()
        >>> [m["type"] for m in AudioStream().feed(pcm)]
        ['utterance.start', 'measurement.result']
        """
        if self.closed:
            raise SimulationError("invalid_audio_frame", "the stream is closed")
        if not pcm or len(pcm) % 2:
            raise SimulationError(
                "invalid_audio_frame",
                f"audio frames must be non-empty with an even byte count, got {len(pcm)} B",
            )
        ints = np.frombuffer(pcm, "<i2")
        self._tail = np.concatenate([self._tail, ints])
        self._samples += ints.size
        out = self._handle(self._vad.feed(ints.astype(np.float64) / 32768.0))
        if self._vad.active:
            out += self._intervals(self._vad.pos)
        keep = 2 * RATE
        if self._tail.size > keep:
            cut = self._tail.size - keep
            self._tail, self._tail_start = self._tail[cut:], self._tail_start + cut
        return out

    def close(self) -> list[dict]:
        """End the stream: close an open utterance at the end of the audio.

        Examples
        --------
        >>> import numpy as np
        >>> tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(16_000) / 16_000)
        >>> s = AudioStream()
        >>> s.feed((tone * 32767).astype("<i2").tobytes())
        [{'type': 'utterance.start', 'utterance_id': 0, 'audio_start_ms': 0}]
        >>> [m["type"] for m in s.close()], s.close()
        (['measurement.result', 'utterance.end'], [])
        """
        if self.closed:
            return []
        self.closed = True
        return self._handle(self._vad.finish())

    # internals -------------------------------------------------------------------------------

    def _handle(self, events: list[tuple]) -> list[dict]:
        out: list[dict] = []
        for ev in events:
            if ev[0] == "start":
                onset = ev[1]
                chunk = self._tail[onset - self._tail_start : onset - self._tail_start + RATE // 5]
                key = digest("v1-audio", hashlib.sha256(chunk.tobytes()).digest(), self.seed)
                self._open = {
                    "id": len(self.utterances),
                    "start": onset * 1000 // RATE,
                    "scorer": Scorer(key),
                    "k": 1,
                    "last_end": None,
                }
                out.append(
                    {
                        "type": "utterance.start",
                        "utterance_id": self._open["id"],
                        "audio_start_ms": self._open["start"],
                    }
                )
            else:
                _, _, end, active_until = ev
                out += self._intervals(active_until)
                u = self._open
                end_ms = -(-end * 1000 // RATE)
                if u["last_end"] is None or end_ms - u["last_end"] >= ENDED_GAP_MS:
                    out.append(
                        self._measure(max(u["start"], end_ms - WINDOW_MS), end_ms, "speech_ended")
                    )
                utt = {
                    "utterance_id": u["id"],
                    "audio_start_ms": u["start"],
                    "audio_end_ms": end_ms,
                }
                self.utterances.append(utt)
                out.append({"type": "utterance.end", **utt})
                self._open = None
        return out

    def _intervals(self, until_sample: int) -> list[dict]:
        u, out = self._open, []
        while u is not None and (u["start"] + u["k"] * self.timer) * RATE // 1000 <= until_sample:
            m = u["start"] + u["k"] * self.timer
            out.append(self._measure(max(u["start"], m - WINDOW_MS), m, "interval"))
            u["k"] += 1
        return out

    def _measure(self, start_ms: int, end_ms: int, trigger: str) -> dict:
        u = self._open
        u["last_end"] = end_ms
        mid = np.array([(start_ms + end_ms) / 2000.0])
        expr = u["scorer"]("audio", AUDIO_EXPRESSIONS, mid, family="v1_audio")[0]
        voice = u["scorer"]("audio", VOICE_ATTRIBUTES, mid, family="voice_attribute")[0]
        m = {
            "measurement_id": len(self.measurements),
            "utterance_id": u["id"],
            "audio_start_ms": int(start_ms),
            "audio_end_ms": int(end_ms),
            "trigger": trigger,
            "expressions": sparse(AUDIO_EXPRESSIONS, expr, expr >= _cutoffs(AUDIO_EXPRESSIONS)),
            "voice_attributes": sparse(VOICE_ATTRIBUTES, voice, np.round(voice, 4) >= VOICE_CUTOFF),
        }
        self.measurements.append(m)
        return {"type": "measurement.result", **m}


def v1_audio_stream(*, measurement_timer_ms: int = 3000, seed: int = 0) -> AudioStream:
    """Start an incremental v1 audio simulation for a realtime session (see :class:`AudioStream`).

    Examples
    --------
    >>> stream = v1_audio_stream(measurement_timer_ms=5000)
    >>> stream.timer
    5000
    """
    return AudioStream(measurement_timer_ms=measurement_timer_ms, seed=seed)


def _pcm(audio: bytes) -> bytes:
    if len(audio) > MAX_BODY:
        raise SimulationError(
            "audio_too_long", f"the audio is {len(audio)} B; the limit is {MAX_BODY} B"
        )
    if not audio:
        raise SimulationError("audio_decode_failed", "the audio is empty")
    kind = _media.sniff(audio)
    if kind in ("mp3", "flac", "ogg", "mp4", "m4a", "riff", "avi", "webp"):
        what = "non-WAV RIFF" if kind in ("riff", "avi", "webp") else kind.upper()
        raise SimulationError(
            "unsupported_media_type",
            f"{what} audio is not accepted; send s16le 16 kHz mono WAV or raw samples",
        )
    if kind == "wav":
        try:
            wav = _media.parse_wav(audio, lenient=False)
        except _media.WavError as exc:
            raise SimulationError(
                "audio_decode_failed", f"WAV could not be decoded: {exc}"
            ) from None
        if (wav.format_tag, wav.bits, wav.rate, wav.channels) != (1, 16, RATE, 1):
            raise SimulationError(
                "audio_decode_failed",
                f"WAV must be 16-bit PCM, 16000 Hz, mono; got format {wav.format_tag}, {wav.bits} bit, "
                f"{wav.rate} Hz, {wav.channels} channel(s)",
            )
        if not wav.pcm:
            raise SimulationError("audio_decode_failed", "the WAV holds no samples")
        return wav.pcm
    if len(audio) % 2:
        raise SimulationError(
            "audio_decode_failed", f"raw s16le audio needs an even byte count, got {len(audio)}"
        )
    return audio


def v1_audio(audio: bytes, *, measurement_timer_ms: int = 3000, seed: int = 0) -> dict:
    """Simulate ``POST /v1/expression/audio/file`` for one audio upload.

    The audio must be s16le, 16 kHz, mono: a plain PCM WAV or headerless samples. An energy voice
    detector finds utterances; while speech lasts a measurement is made every
    ``measurement_timer_ms`` of speech (``interval``), and when it stops a final ``speech_ended``
    one unless the previous ended less than 1 s earlier; each covers the latest 10 s of its
    utterance. Lists are sparse, lower-case, 4-decimal, sorted by probability, and include names
    outside the documented lists on purpose.

    Parameters
    ----------
    audio : bytes
        The uploaded file.
    measurement_timer_ms : int
        3000-10000.
    seed : int
        Changes every simulated score.

    Returns
    -------
    dict
        ``{"received": {"audio_duration_ms"}, "utterances": [...], "measurements": [...]}``
        (hume-v1.md section 4.3 without ``request_id``/``run_id``, which the server adds).

    Raises
    ------
    SimulationError
        ``unsupported_media_type`` (MP3, FLAC, Ogg, MP4/M4A, non-WAV RIFF), ``audio_decode_failed``
        (other WAV formats, extensible header, truncated WAV, empty input, odd byte count),
        ``audio_too_long`` (over 25 MB), ``config_invalid`` (timer out of range).

    Examples
    --------
    >>> v1_audio(bytes(32000))
    {'received': {'audio_duration_ms': 1000}, 'utterances': [], 'measurements': []}
    """
    stream = AudioStream(measurement_timer_ms=measurement_timer_ms, seed=seed)
    pcm = _pcm(audio)
    stream.feed(pcm)
    stream.close()
    return {
        "received": {"audio_duration_ms": stream.audio_duration_ms},
        "utterances": stream.utterances,
        "measurements": stream.measurements,
    }
