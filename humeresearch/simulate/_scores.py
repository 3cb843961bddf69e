"""Smooth, correlated, deterministic score generators.

Simulation device (not Hume's model and not an official grouping of expressions): every media item
has four latent processes over time -- positive valence, negative valence, arousal and cognitive
engagement -- each a sum of three low-frequency sinusoids (0.01-0.2 Hz) with unit variance; the
negative-valence process is built anti-correlated with the positive one. A name's score is

    sigmoid(logit(baseline) + offset + 1.1 * loadings . latents(t) + 0.5 * own(t))

with a per-name baseline (fixed by the name), per-name loadings on the four processes (below), a
per-name process ``own`` (two slow sinusoids and a faster, weaker one, with phases drawn per
media item). A name's score never depends on which other names are requested. Names that load on the same
process (Joy, Amusement, Smile, AU12 ...) therefore rise and fall together.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence

import numpy as np

# loadings on (positive valence, negative valence, arousal, cognitive); lookups are case-insensitive
_LOAD: dict[str, tuple[float, float, float, float]] = {
    "admiration": (0.7, 0, 0.2, 0.2), "adoration": (0.8, 0, 0.1, 0),
    "aesthetic appreciation": (0.6, 0, -0.1, 0.3), "amusement": (0.9, 0, 0.5, 0),
    "anger": (0, 0.8, 0.6, 0), "annoyance": (0, 0.7, 0.3, 0), "anxiety": (0, 0.7, 0.5, 0.1),
    "awe": (0.5, 0, 0.5, 0.3), "awkwardness": (0, 0.5, 0.1, 0.2), "boredom": (0, 0.3, -0.7, -0.3),
    "calmness": (0.4, 0, -0.7, 0), "concentration": (0, 0, 0, 0.9), "confusion": (0, 0.3, 0.1, 0.6),
    "contemplation": (0, 0, -0.2, 0.8), "contempt": (0, 0.6, 0, 0), "contentment": (0.7, 0, -0.4, 0),
    "craving": (0.3, 0.1, 0.4, 0), "desire": (0.5, 0, 0.4, 0), "determination": (0.2, 0, 0.4, 0.6),
    "disappointment": (0, 0.7, -0.3, 0), "disapproval": (0, 0.6, 0.1, 0.1), "disgust": (0, 0.8, 0.3, 0),
    "distress": (0, 0.8, 0.5, 0), "doubt": (0, 0.4, 0, 0.5), "ecstasy": (0.8, 0, 0.7, 0),
    "embarrassment": (0, 0.5, 0.3, 0), "empathic pain": (0, 0.6, 0, 0.1), "enthusiasm": (0.7, 0, 0.6, 0.1),
    "entrancement": (0.4, 0, -0.2, 0.4), "envy": (0, 0.5, 0.1, 0), "excitement": (0.7, 0, 0.8, 0),
    "fear": (0, 0.7, 0.7, 0), "gratitude": (0.7, 0, 0, 0), "guilt": (0, 0.6, 0, 0.1),
    "horror": (0, 0.8, 0.8, 0), "interest": (0.3, 0, 0.3, 0.6), "joy": (0.9, 0, 0.4, 0),
    "love": (0.8, 0, 0.1, 0), "nostalgia": (0.3, 0.2, -0.3, 0.3), "pain": (0, 0.7, 0.3, 0),
    "pride": (0.6, 0, 0.3, 0), "realization": (0.1, 0, 0.3, 0.6), "relief": (0.5, 0, -0.3, 0),
    "romance": (0.6, 0, 0, 0), "sadness": (0, 0.8, -0.4, 0), "sarcasm": (0.2, 0.4, 0.1, 0.2),
    "satisfaction": (0.7, 0, 0, 0), "shame": (0, 0.7, 0, 0), "surprise (negative)": (0, 0.5, 0.7, 0.1),
    "surprise (positive)": (0.5, 0, 0.7, 0.1), "sympathy": (0.3, 0.3, -0.1, 0),
    "tiredness": (0, 0.2, -0.8, -0.2), "triumph": (0.7, 0, 0.6, 0),
}  # fmt: skip
_KEYWORDS: dict[tuple[float, float, float, float], tuple[str, ...]] = {
    (0.8, 0, 0.3, 0): ("au6 ", "au12 ", "smile", "grin", "beaming", "laugh", "cheer", "giggle",
                       "chuckle", "cackle", "haha", "hehe", "yay", "whee", "hurray", "yippee",
                       "aww", "ooh", "wow", "snicker"),
    (0, 0.8, 0.2, 0): ("au4 ", "au9 ", "au15 ", "frown", "scowl", "glar", "snarl", "grimace",
                       "wince", "cry", "sulk", "pout", "wrinkled", "sob", "wail", "whimper",
                       "groan", "moan", "ugh", "eww", "yuck", "argh", "ouch", "oww", "sigh",
                       "tsk", "pff", "hiss", "growl", "toxic", "insult", "obscene", "threat",
                       "identity_hate"),
    (0, 0.2, 0.9, 0): ("au5 ", "au26 ", "au27 ", "jaw drop", "gasp", "wide-eyed", "scream",
                       "shriek", "screech", "eek", "yelp", "shout", "roar", "howl", "woah",
                       "hoot", "squeal", "fast", "loud"),
    (0, 0, -0.8, 0.2): ("au43 ", "eyes closed", "yawn", "calm", "monotone", "husky"),
    (0, 0, 0.1, 0.8): ("au7 ", "squint", "hmm", "umm", "uh", "huh", "mhm", "aha", "ponder",
                       "clear", "au1 ", "au2 "),
}  # fmt: skip

_BASELINE_RANGE = {
    "emotion": (0.02, 0.3),
    "facs": (0.02, 0.35),
    "description": (0.01, 0.15),
    "burst_description": (0.005, 0.08),
    "toxicity": (0.001, 0.03),
    "voice_attribute": (0.45, 0.8),
    "v1_audio": (0.08, 0.45),
    "v1_video": (0.03, 0.3),
}


def digest(*parts: object) -> bytes:
    """sha256 over the string forms of ``parts`` (bytes taken as they are)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else repr(p).encode())
        h.update(b"\x1f")
    return h.digest()


def rng_for(*parts: object) -> np.random.Generator:
    """A numpy Generator seeded from :func:`digest` of ``parts``."""
    return np.random.default_rng(int.from_bytes(digest(*parts)[:16], "little"))


def loading(name: str) -> np.ndarray:
    """Loadings of ``name`` on the four simulated latent processes (unknown names: small, hashed)."""
    low = name.lower()
    if low in _LOAD:
        return np.asarray(_LOAD[low], dtype=float)
    key = low + " "
    for vec, words in _KEYWORDS.items():
        if any(key.startswith(w) or w.strip() in low for w in words):
            return np.asarray(vec, dtype=float)
    return rng_for("loading", low).uniform(-0.15, 0.35, 4)


def baseline(name: str, family: str) -> float:
    """Typical score level of ``name`` (fixed per name and family, content independent)."""
    lo, hi = _BASELINE_RANGE.get(family, (0.02, 0.3))
    return float(rng_for("baseline", family, name.lower()).uniform(lo, hi))


_SLOTS = 4096


@functools.lru_cache(maxsize=256)
def _table(names: tuple[str, ...], family: str) -> tuple[np.ndarray, ...]:
    """Per-name constants of ``names``: loadings (N, 4), baseline logits (N,), the frequencies
    (N, 3) and amplitudes (N, 3) of each name's own process and its phase slot (N,). Cached."""
    load = np.stack([loading(n) for n in names])
    base = np.array([baseline(n, family) for n in names])
    logit = np.log(base / (1 - base))
    freq, amp, slot = [], [], []
    for n in names:
        r = rng_for("own", family, n.lower())
        freq.append(np.exp(r.uniform(np.log([0.02, 0.02, 0.3]), np.log([0.3, 0.3, 0.6]))))
        amp.append(r.uniform(0.5, 1.0, 3) * [1.0, 1.0, 0.3])
        slot.append(int(r.integers(_SLOTS)))
    amp = np.array(amp)
    amp /= np.sqrt((amp**2).sum(axis=1, keepdims=True) / 2)
    out = (load, logit, np.array(freq), amp, np.array(slot))
    for a in out:
        a.flags.writeable = False
    return out


def _sines(rng: np.random.Generator, times: np.ndarray, n: int, k: int, fmin: float, fmax: float):
    """``n`` smooth processes, each a unit-variance sum of ``k`` sinusoids; shape (T, n)."""
    freq = np.exp(rng.uniform(np.log(fmin), np.log(fmax), (n, k)))
    phase = rng.uniform(0, 2 * np.pi, (n, k))
    amp = rng.uniform(0.5, 1.0, (n, k))
    amp /= np.sqrt((amp**2).sum(axis=1, keepdims=True) / 2)
    arg = 2 * np.pi * times[:, None, None] * freq[None] + phase[None]
    return (amp[None] * np.sin(arg)).sum(axis=2)


class Scorer:
    """Deterministic scores for one media item (``key``: its content hash plus the seed).

    Parameters
    ----------
    key : bytes
        Identity of the media item; same key and arguments give identical scores.
    offsets : dict, optional
        Extra logit offsets per lower-case name (the study's participant effects).
    shifts : dict, optional
        ``{(model, name): shift}`` added to the final score (then clipped to [0, 1]).

    Examples
    --------
    >>> import numpy as np
    >>> s = Scorer(b"x")
    >>> s("face", ["Joy", "Sadness"], np.linspace(0, 10, 31)).shape
    (31, 2)
    """

    def __init__(
        self,
        key: bytes,
        *,
        offsets: dict[str, float] | None = None,
        shifts: dict[tuple[str, str], float] | None = None,
    ) -> None:
        self.key = key
        self.offsets = offsets or {}
        self.shifts = shifts or {}

    def _phases(self, model: str, family: str) -> np.ndarray:
        """Random phases of the per-name processes for this item, model and family; (slots, 3)."""
        cache = self.__dict__.setdefault("_phase_cache", {})
        if (model, family) not in cache:
            cache[(model, family)] = rng_for(self.key, model, family).uniform(
                0, 2 * np.pi, (_SLOTS, 3)
            )
        return cache[(model, family)]

    def latents(self, times: np.ndarray) -> np.ndarray:
        """The four latent processes at ``times`` (seconds); shape (T, 4)."""
        times = np.asarray(times, dtype=float)
        z = _sines(rng_for(self.key, "latent"), times, 4, 3, 0.01, 0.2)
        z[:, 1] = -0.5 * z[:, 0] + np.sqrt(0.75) * z[:, 1]
        return z

    def __call__(
        self,
        model: str,
        names: Sequence[str],
        times: np.ndarray,
        *,
        family: str = "emotion",
    ) -> np.ndarray:
        """Scores of ``names`` at ``times`` (seconds) as float64 values of float32; shape (T, N)."""
        times = np.asarray(times, dtype=float)
        names = list(names)
        if times.size == 0 or not names:
            return np.zeros((times.size, len(names)))
        load, base, freq, amp, slot = _table(tuple(names), family)
        if self.offsets:
            base = base + np.array([self.offsets.get(n.lower(), 0.0) for n in names])
        phase = self._phases(model, family)[slot]  # (N, 3): this item's phases for each name
        arg = 2 * np.pi * times[:, None, None] * freq[None] + phase[None]
        own = (amp[None] * np.sin(arg)).sum(axis=2)
        logit = base[None] + 1.1 * self.latents(times) @ load.T + 0.5 * own
        out = 1.0 / (1.0 + np.exp(-logit))
        if self.shifts:
            add = np.array([self.shifts.get((model, n), 0.0) for n in names])
            out = np.clip(out + add[None], 0.0, 1.0)
        return out.astype(np.float32).astype(np.float64)

    def sentiment(self, model: str, times: np.ndarray) -> np.ndarray:
        """A 9-level sentiment distribution per time (rows sum to 0.88-1.05, like real output)."""
        times = np.asarray(times, dtype=float)
        z = self.latents(times)
        rng = rng_for(self.key, model, "sentiment")
        centre = np.clip(5.0 + 1.4 * (z[:, 0] - z[:, 1]) + rng.normal(0, 0.3, times.size), 1.2, 8.8)
        levels = np.arange(1, 10)
        p = np.exp(-0.5 * ((levels[None] - centre[:, None]) / 0.9) ** 2)
        total = rng.uniform(0.88, 1.05, times.size)
        p = p / p.sum(axis=1, keepdims=True) * total[:, None]
        return p.astype(np.float32).astype(np.float64)

    def smooth(self, label: str, times: np.ndarray, lo: float, hi: float) -> np.ndarray:
        """A smooth series in [lo, hi] (detection probabilities, confidences, box jitter)."""
        times = np.asarray(times, dtype=float)
        z = _sines(rng_for(self.key, "smooth", label), times, 1, 2, 0.02, 0.2)[:, 0]
        return lo + (hi - lo) * (0.5 + 0.5 * np.tanh(0.7 * z))
