"""smooth: rolling means of every series over a time window."""

from __future__ import annotations

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._groups import (
    IDENTITY_EXTRAS,
    check_overlapping,
    factorize_sorted,
    row_key,
    times,
)
from humeresearch._tables import TableLike, as_long, tidy_categories
from humeresearch.clocks._overlap import find_pairs, two_tier_mean
from humeresearch.clocks._resample import positive_seconds


def smooth(
    data: TableLike,
    *,
    window: float,
    center: bool = True,
    overlapping: define.OverlapPolicy = "allow",
) -> pd.DataFrame:
    """Rolling mean of every series over a time window (seconds, not rows).

    One series is one (source, file, model, track, family, name), plus
    ``from_model``, ``from_track`` and ``event`` where present. The smoothed score of
    a span is the mean of its series over ``[c - window/2, c + window/2)`` around its
    centre ``c`` (``center=True``), or over the trailing window
    ``(end - window, end]`` (``center=False``, causal). Weights follow
    :func:`humeresearch.align`: spans by overlap seconds, instants equally. Gaps
    in the data are not filled. Spans of one series that overlap each other raise
    unless ``overlapping="allow"`` (the policy of :func:`humeresearch.resample`).

    Parameters
    ----------
    data : TableLike
        Long table or any long-shaped output.
    window : float
        Window width in seconds (> 0).
    center : bool, default True
        Centred window; ``False`` for a trailing (causal) window.
    overlapping : {"allow", "raise"}, default "allow"
        Spans of one series that overlap each other. Hume pads prosody segments by
        0.2 s, so consecutive utterances of real data overlap: by default each span
        counts with its own duration (or its own overlap with a bin or window), so the
        shared seconds count once per span; ``"raise"`` refuses such data, naming the
        first overlapping pair. The same policy holds in ``summarize``, ``resample``,
        ``smooth`` and ``plot.heatmap`` (:data:`humeresearch.define.OVERLAP_POLICIES`).

    Returns
    -------
    DataFrame
        The same rows and columns, ``score`` replaced by the smoothed value (NaN for
        rows without time).

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> face = pd.DataFrame({"source": "a", "file": "a", "model": "face", "track": "face_0",
    ...     "span_id": [0, 1, 2], "begin": [0.0, 0.5, 1.0], "end": [0.0, 0.5, 1.0],
    ...     "family": "emotion", "name": "Joy", "score": [0.0, 0.5, 1.0]})
    >>> hr.smooth(face, window=1.5)["score"].tolist()
    [0.25, 0.5, 0.75]
    """
    width = positive_seconds(window, "window", "smooth")
    long = as_long(data, func="smooth", name="data")
    check_overlapping(long, overlapping=overlapping, func="smooth")
    b, e = times(long, "smooth: data")
    cols = ["source", "file", "model", "track", "family", "name"]
    cols += [c for c in IDENTITY_EXTRAS if c in long.columns]
    g, _ = factorize_sorted(row_key(long, cols)[0])
    # Round edges and times to the nanosecond so that a frame exactly on a window
    # edge (t = k/3 s at 3 fps) falls on the same side whatever the float rounding.
    b, e = np.round(b, 9), np.round(e, 9)
    if center:
        mid = (b + e) / 2
        lo, hi = np.round(mid - width / 2, 9), np.round(mid + width / 2, 9)
        pairs = find_pairs(g, b, e, g, lo, hi)
    else:
        pairs = find_pairs(g, -e, -b, g, -e, np.round(-e + width, 9))
    score = long["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    mean, _, _ = two_tier_mean(
        pairs.target, len(long), score[pairs.source], pairs.weight, pairs.strong
    )
    out = long.copy()
    out["score"] = mean
    return tidy_categories(out)
