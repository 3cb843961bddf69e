"""Text segmentation positions and the score generators' smoothness and correlations."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from humeresearch.simulate._scores import Scorer
from humeresearch.simulate._text import entities, passage, sentences, synthetic_sentences, words

TEXT = st.text(alphabet=st.sampled_from(list("abc XYZ.,!?'-\n\té")), max_size=200)


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_spans_index_the_text(text):
    for fn in (words, sentences, passage, entities):
        spans = fn(text)
        assert all(text[b:e] == s for b, e, s in spans)
        assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_words_are_the_alphanumeric_runs(text):
    got = [w for _, _, w in words(text)]
    # brute force: every maximal run of word characters, glued by inner ' or -
    expected = re.findall(r"\w+(?:['\u2019\-]\w+)*", text)
    assert got == expected
    # sentences cover every word exactly once
    inside = [w for b, e, _ in sentences(text) for _, _, w in words(text[b:e])]
    assert inside == got


def test_sentences_and_entities_examples():
    text = "We met Maria in Paris.  Then I left!\n\nNew paragraph without end"
    assert [s for _, _, s in sentences(text)] == [
        "We met Maria in Paris.",
        "Then I left!",
        "New paragraph without end",
    ]
    assert [s for _, _, s in entities(text)] == ["Maria", "Paris"]


def test_synthetic_sentences_word_count_and_determinism():
    for n in (1, 2, 7, 40):
        a = synthetic_sentences(np.random.default_rng(5), n)
        assert sum(len(words(s)) for s in a) == n
        assert a == synthetic_sentences(np.random.default_rng(5), n)
        assert all(s[0].isupper() and s[-1] in ".?" for s in a)


def _series(names, keys=30, duration=120.0):
    t = np.arange(0, duration, 1 / 3)
    return pd.DataFrame(
        np.concatenate([Scorer(bytes([k]))("face", names, t) for k in range(keys)]), columns=names
    )


def test_scores_deterministic_bounded_and_smooth():
    names = ["Joy", "Amusement", "Sadness", "Anger", "Concentration"]
    t = np.arange(0, 60, 1 / 3)
    a, b = Scorer(b"k")("face", names, t), Scorer(b"k")("face", names, t)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, Scorer(b"other")("face", names, t))
    assert ((a >= 0) & (a <= 1)).all()
    # smooth: neighbouring frames far more alike than frames 20 s apart
    lag1 = np.mean([np.corrcoef(a[:-1, j], a[1:, j])[0, 1] for j in range(a.shape[1])])
    assert lag1 > 0.8


def test_related_expressions_are_correlated():
    c = _series(["Joy", "Amusement", "Sadness", "Fear", "Horror", "Calmness"]).corr()
    assert c.loc["Joy", "Amusement"] > 0.5
    assert c.loc["Fear", "Horror"] > 0.5
    assert c.loc["Joy", "Sadness"] < -0.1


def test_shifts_and_offsets():
    t = np.arange(0, 30, 1 / 3)
    base = Scorer(b"k")("face", ["Joy", "Anger"], t)
    shifted = Scorer(b"k", shifts={("face", "Joy"): 0.2})("face", ["Joy", "Anger"], t)
    np.testing.assert_allclose(shifted[:, 0], np.clip(base[:, 0] + 0.2, 0, 1), atol=1e-6)
    assert np.array_equal(shifted[:, 1], base[:, 1])
    up = Scorer(b"k", offsets={"joy": 1.0})("face", ["Joy"], t)
    assert (up[:, 0] > base[:, 0]).all()
    s = Scorer(b"k").sentiment("language", t)
    assert s.shape == (t.size, 9) and (s.sum(axis=1) > 0.87).all() and (s.sum(axis=1) < 1.06).all()


def test_a_name_does_not_depend_on_the_other_names_requested():
    t = np.arange(0, 20, 1 / 3)
    pair = Scorer(b"k")("face", ["Joy", "Anger"], t)
    assert np.array_equal(Scorer(b"k")("face", ["Joy"], t)[:, 0], pair[:, 0])
    assert np.array_equal(Scorer(b"k")("face", ["Anger", "Pride", "Joy"], t)[:, 2], pair[:, 0])
