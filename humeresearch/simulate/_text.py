"""Text segmentation with character positions, and deterministic synthetic transcripts."""

from __future__ import annotations

import re

import numpy as np

_WORD = re.compile(r"\w+(?:['\u2019\-]\w+)*")
_SENT_END = re.compile(r"[.!?\u2026]+[\"')\]\u201d\u2019]*(?=\s|$)")
_PARAGRAPH = re.compile(r"\n\s*\n")

Span = tuple[int, int, str]
"""``(begin, end, text)``: 0-based character offsets, end exclusive, ``text == s[begin:end]``."""


def words(text: str, offset: int = 0) -> list[Span]:
    """Split ``text`` into words (letters/digits, inner apostrophes and hyphens kept).

    Examples
    --------
    >>> words("Don't stop, well-known Paris!")
    [(0, 5, "Don't"), (6, 10, 'stop'), (12, 22, 'well-known'), (23, 28, 'Paris')]
    """
    return [(m.start() + offset, m.end() + offset, m.group()) for m in _WORD.finditer(text)]


def sentences(text: str) -> list[Span]:
    """Split ``text`` into sentences: after ``.``, ``!``, ``?`` followed by space, or at a blank line.

    Leading and trailing whitespace is excluded from every span; text without end punctuation is
    one sentence.

    Examples
    --------
    >>> sentences("Hi, Nun. How are you?  Fine")
    [(0, 8, 'Hi, Nun.'), (9, 21, 'How are you?'), (23, 27, 'Fine')]
    """
    out: list[Span] = []
    cuts = sorted(
        {m.end() for m in _SENT_END.finditer(text)} | {m.start() for m in _PARAGRAPH.finditer(text)}
    )
    start = 0
    for cut in [*cuts, len(text)]:
        piece = text[start:cut]
        stripped = piece.strip()
        if stripped:
            b = start + (len(piece) - len(piece.lstrip()))
            out.append((b, b + len(stripped), stripped))
        start = cut
    return out


def passage(text: str) -> list[Span]:
    """The whole text (stripped) as one span; empty list for blank text."""
    stripped = text.strip()
    if not stripped:
        return []
    b = len(text) - len(text.lstrip())
    return [(b, b + len(stripped), stripped)]


def entities(text: str) -> list[Span]:
    """Named-entity candidates: capitalised words that do not start a sentence (``I`` excluded).

    Examples
    --------
    >>> entities("We met Maria in Paris. Then we left.")
    [(7, 12, 'Maria'), (16, 21, 'Paris')]
    """
    out: list[Span] = []
    for sb, se, _ in sentences(text):
        for b, e, w in words(text[sb:se], sb)[1:]:
            if w[0].isupper() and w != "I":
                out.append((b, e, w))
    return out


# synthetic transcripts --------------------------------------------------------------------------

_COMMON = (
    "the a we it this that they you really just very so and but because then maybe today "
    "project meeting work team plan idea time week results data people question answer "
    "think feel know want need like said told asked went made saw found started finished "
    "good great hard new different important interesting simple better quiet long short "
    "again always never often here there now together with about from into over after"
).split()
_NAMES = (
    "Paris",
    "Maria",
    "Monday",
    "London",
    "Google",
    "Anna",
    "Berlin",
    "Friday",
    "Tom",
    "Europe",
)


def synthetic_sentences(rng: np.random.Generator, n_words: int) -> list[str]:
    """Deterministic filler sentences (4-12 words each) totalling ``n_words`` words (at least 1).

    About one word in eight is a capitalised name so that NER finds entities.

    Examples
    --------
    >>> import numpy as np
    >>> s = synthetic_sentences(np.random.default_rng(0), 9)
    >>> sum(len(x.split()) for x in s)
    9
    """
    n_words = max(1, int(n_words))
    out: list[str] = []
    while n_words > 0:
        k = min(n_words, int(rng.integers(4, 13)))
        if 0 < n_words - k < 3:
            k = n_words
        picks = [str(w) for w in rng.choice(_COMMON, size=k)]
        for i in range(1, k):
            if rng.random() < 0.12:
                picks[i] = str(rng.choice(_NAMES))
        if k > 5 and rng.random() < 0.3:
            picks[k // 2] += ","
        end = "?" if rng.random() < 0.15 else "."
        out.append(" ".join([picks[0].capitalize(), *picks[1:]]) + end)
        n_words -= k
    return out
