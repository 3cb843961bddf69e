"""v0 stream payloads within the per-payload limits (``hume-v0.md`` §10.2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from humeresearch.media._audio import Audio, split_audio
from humeresearch.media._source import MediaSource
from humeresearch.media._video import STREAM_SIDE, Frame, prepare_image

#: the longest audio payload, milliseconds.
STREAM_AUDIO_MS = 5000
#: the longest text payload, characters.
STREAM_TEXT_CHARS = 10_000
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026\u3002\uff01\uff1f])[\"'\u201d\u2019)\]]*\s+")


@dataclass(frozen=True)
class TextPiece:
    """A piece of a text and its character offset in the whole text.

    Attributes
    ----------
    offset : int
        Index in the whole text of the piece's first character: positions a stream
        reply gives for this piece are shifted by it.
    text : str
        The piece (``text[offset:offset + len(piece)]`` of the whole).
    """

    offset: int
    text: str


def audio_payloads(audio: Audio, *, max_ms: int = STREAM_AUDIO_MS) -> list[Audio]:
    """Audio cut into payloads of at most ``max_ms``, at silences, each keeping its offset.

    Examples
    --------
    >>> pieces = audio_payloads(Audio(bytes(2 * 16000 * 12)))
    >>> [(p.start, p.duration) for p in pieces]
    [(0.0, 5.0), (5.0, 5.0), (10.0, 2.0)]
    """
    return split_audio(audio, max_bytes=None, max_seconds=max_ms / 1000, search_seconds=max_ms)


def text_payloads(text: str, *, max_chars: int = STREAM_TEXT_CHARS) -> list[TextPiece]:
    """A text cut into payloads of at most ``max_chars``, at sentence boundaries.

    Sentences are packed greedily; a sentence longer than the limit is cut at the
    last space before it (or hard, when it has none). Whitespace between pieces stays
    at the end of the earlier piece, so the pieces concatenate to ``text``.

    Examples
    --------
    >>> [(p.offset, p.text) for p in text_payloads("One. Two! Three?", max_chars=10)]
    [(0, 'One. Two! '), (10, 'Three?')]
    """
    if max_chars < 1:
        raise ValueError("text_payloads: max_chars must be positive")
    ends = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    pieces: list[TextPiece] = []
    start = prev = 0
    for end in ends:
        if end - start > max_chars and prev > start:
            pieces.append(TextPiece(start, text[start:prev]))
            start = prev
        while end - start > max_chars:
            cut = text.rfind(" ", start + 1, start + max_chars) + 1 or start + max_chars
            pieces.append(TextPiece(start, text[start:cut]))
            start = cut
        prev = end
    if start < len(text):
        pieces.append(TextPiece(start, text[start:]))
    return pieces


def image_payload(source: MediaSource, *, max_side: int = STREAM_SIDE) -> Frame:
    """An image as a JPEG of at most ``max_side`` pixels a side (v0 stream: 3000).

    Examples
    --------
    >>> import av, numpy as np
    >>> from humeresearch.media import encode_jpeg
    >>> wide = av.VideoFrame.from_ndarray(np.zeros((1000, 6000, 3), "uint8"), format="rgb24")
    >>> img = image_payload(encode_jpeg(wide, max_pixels=10**9)[0])
    >>> img.width, img.height, img.scale
    (3000, 500, 0.5)
    """
    return prepare_image(source, max_side=max_side)
