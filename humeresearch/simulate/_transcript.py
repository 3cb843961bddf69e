"""Simulated transcripts: text with character positions and word/sentence/utterance times."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from humeresearch.simulate._scores import rng_for
from humeresearch.simulate._sources import Media
from humeresearch.simulate._text import passage, sentences, synthetic_sentences, words

WORDS_PER_SECOND = 2.6


@dataclass(frozen=True)
class Segment:
    """One piece of transcript: ``text == transcript[begin:end]``; times None for raw text."""

    begin: int
    end: int
    text: str
    t0: float | None
    t1: float | None
    speaker: int = 0


@dataclass(frozen=True)
class Transcript:
    text: str
    words: list[Segment]
    sentences: list[Segment]
    utterances: list[Segment]
    confidence: float
    timed: bool

    def turns(self, identify: bool) -> list[Segment]:
        """Conversational turns: consecutive utterances of one speaker merged (text: whole passage)."""
        if not self.timed:
            return [Segment(b, e, t, None, None) for b, e, t in passage(self.text)]
        out: list[Segment] = []
        for u in self.utterances:
            spk = u.speaker if identify else 0
            if out and out[-1].speaker == spk:
                p = out[-1]
                out[-1] = Segment(p.begin, u.end, self.text[p.begin : u.end], p.t0, u.t1, spk)
            else:
                out.append(Segment(u.begin, u.end, u.text, u.t0, u.t1, spk))
        return out


def _timed_words(text: str, offset: int, t0: float, t1: float, speaker: int) -> list[Segment]:
    ws = words(text, offset)
    if not ws:
        return []
    weight = np.array([len(w) + 1.0 for _, _, w in ws])
    edges = t0 + (t1 - t0) * np.concatenate([[0.0], np.cumsum(weight)]) / weight.sum()
    edges = np.round(edges, 3).tolist()
    return [Segment(b, e, w, edges[i], edges[i + 1], speaker) for i, (b, e, w) in enumerate(ws)]


def build(media: Media) -> Transcript:
    """The transcript of a media item: raw text as given, speech segments with filler sentences.

    Speech segment ``i`` is spoken by speaker ``i % 2`` when there are at least two segments.
    """
    rng = rng_for(media.key, "transcript")
    confidence = round(float(rng.uniform(0.85, 0.99)), 7)
    if media.file_type == "text":
        text = media.text or ""
        ws = [Segment(b, e, w, None, None) for b, e, w in words(text)]
        ss = [Segment(b, e, s, None, None) for b, e, s in sentences(text)]
        return Transcript(text, ws, ss, ss, 1.0, False)
    parts: list[str] = []
    ws, ss, us = [], [], []
    pos = 0
    two = len(media.speech) > 1
    for i, (t0, t1) in enumerate(media.speech):
        spk = i % 2 if two else 0
        sents = synthetic_sentences(rng, round((t1 - t0) * WORDS_PER_SECOND))
        utt = " ".join(sents)
        if parts:
            pos += 1
        uw = _timed_words(utt, pos, t0, t1, spk)
        ws.extend(uw)
        k = 0
        for sb, se, st in sentences(utt):
            n = len(words(st))
            mine = uw[k : k + n]
            ss.append(Segment(pos + sb, pos + se, st, mine[0].t0, mine[-1].t1, spk))
            k += n
        us.append(Segment(pos, pos + len(utt), utt, round(t0, 3), round(t1, 3), spk))
        parts.append(utt)
        pos += len(utt)
    return Transcript(" ".join(parts), ws, ss, us, confidence, True)
