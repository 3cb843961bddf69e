"""A causal, energy-based voice-activity detector (the simulator's stand-in for speech detection).

The detector works on 10 ms frames. A frame is voiced when its RMS exceeds
``max(-50 dBFS, noise floor + 12 dB)``; the noise floor starts at the first frame's level (capped
at -40 dBFS), follows unvoiced frames quickly and may only creep up by 0.1 dB/s while voiced.
A voiced stretch becomes an utterance once it spans 200 ms; it ends after 300 ms without a voiced
frame. Onsets and ends are refined to the first/last sample whose magnitude exceeds the threshold.

Because it is causal and frame-based, feeding the same samples in any chunking gives the same
events, which is what makes the realtime and file simulations identical.
"""

from __future__ import annotations

import numpy as np

ABS_THRESHOLD = 10 ** (-50 / 20)
NOISE_CAP = 10 ** (-40 / 20)
REL_FACTOR = 10 ** (12 / 20)
NOISE_FLOOR = 1e-6


class Vad:
    """Incremental voice-activity detector over float samples in [-1, 1].

    ``feed`` and ``finish`` return events, in order:
    ``("start", onset, at)`` when an utterance is confirmed at sample ``at``, and
    ``("end", onset, end, active_until)`` when it is declared over; ``end`` is exclusive and
    ``active_until`` is the end of the last frame during which the utterance was still open.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros(16000 * 3)
    >>> x[16000:32000] = 0.5 * np.sin(np.arange(16000) * 0.1)
    >>> vad = Vad(16000)
    >>> [e[0] for e in vad.feed(x) + vad.finish()]
    ['start', 'end']
    """

    def __init__(
        self,
        rate: int,
        *,
        frame_ms: float = 10.0,
        hangover: float = 0.3,
        min_speech: float = 0.2,
        drift_db_per_s: float = 0.1,
    ) -> None:
        self.rate = rate
        self.frame = max(1, round(rate * frame_ms / 1000))
        self.hangover = round(hangover * rate)
        self.min_speech = round(min_speech * rate)
        self.drift = 10 ** (drift_db_per_s * self.frame / rate / 20)
        self.pos = 0  # samples processed in whole frames
        self.noise: float | None = None
        self.state = "silence"  # silence | pending | speech
        self.onset = 0
        self.last_end = 0
        self._buf = np.empty(0)

    @property
    def active(self) -> bool:
        """True while a confirmed utterance has not been declared over."""
        return self.state == "speech"

    def feed(self, samples: np.ndarray) -> list[tuple]:
        """Process more samples; return the events they complete."""
        buf = np.concatenate([self._buf, np.asarray(samples, dtype=np.float64)])
        n = buf.size // self.frame
        frames = buf[: n * self.frame].reshape(n, self.frame)
        rms = np.sqrt(np.mean(frames**2, axis=1)) if n else np.empty(0)
        events: list[tuple] = []
        for i in range(n):
            self._step(frames[i], float(rms[i]), events)
        self._buf = buf[n * self.frame :]
        return events

    def finish(self) -> list[tuple]:
        """Process the partial last frame and close an open utterance at the end of the audio."""
        events: list[tuple] = []
        if self._buf.size:
            frame = self._buf
            self._buf = np.empty(0)
            self._step(frame, float(np.sqrt(np.mean(frame**2))), events)
        if self.state == "speech":
            events.append(("end", self.onset, self.last_end, self.pos))
        self.state = "silence"
        return events

    def _step(self, frame: np.ndarray, r: float, events: list[tuple]) -> None:
        start = self.pos
        stop = start + frame.size
        self.pos = stop
        if self.noise is None:
            self.noise = max(NOISE_FLOOR, min(r, NOISE_CAP))
        thr = max(ABS_THRESHOLD, REL_FACTOR * self.noise)
        if r > thr:
            loud = np.flatnonzero(np.abs(frame) > thr)
            first = start + int(loud[0]) if loud.size else start
            last = start + int(loud[-1]) + 1 if loud.size else stop
            if self.state == "silence":
                self.state, self.onset = "pending", first
            self.last_end = last
            if self.state == "pending" and self.last_end - self.onset >= self.min_speech:
                self.state = "speech"
                events.append(("start", self.onset, stop))
            self.noise = max(NOISE_FLOOR, min(self.noise * self.drift, r))
            return
        self.noise = max(NOISE_FLOOR, r if r < self.noise else 0.9 * self.noise + 0.1 * r)
        if self.state != "silence" and stop - self.last_end >= self.hangover:
            if self.state == "speech":
                events.append(("end", self.onset, self.last_end, start))
            self.state = "silence"


def segments(samples: np.ndarray, rate: int) -> list[tuple[float, float]]:
    """Speech segments ``(begin, end)`` in seconds found by :class:`Vad` in a whole signal.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.zeros(16000 * 4)
    >>> x[16000:40000] = 0.3 * np.sin(np.arange(24000) * 0.2)
    >>> [(round(b, 2), round(e, 2)) for b, e in segments(x, 16000)]
    [(1.0, 2.5)]
    """
    vad = Vad(rate)
    events = vad.feed(samples) + vad.finish()
    return [(e[1] / rate, e[2] / rate) for e in events if e[0] == "end"]
