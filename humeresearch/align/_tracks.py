"""match_tracks: pair face tracks with speaker tracks by temporal co-occurrence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from humeresearch.align._common import as_spans, check_choice, codes_of, combine, times
from humeresearch.align._overlap import find_pairs

OUT_COLUMNS = [
    "source",
    "file",
    "face_track",
    "voice_track",
    "overlap_s",
    "face_s",
    "voice_s",
    "score",
]


def _of_model(table: Any, model: str, what: str) -> pd.DataFrame:
    spans = as_spans(table, what)
    models = spans["model"].astype(str)
    if (models == model).any():
        return spans.loc[(models == model).to_numpy()]
    present = sorted(pd.unique(models))
    if len(present) <= 1:
        return spans
    raise ValueError(f"{what}: no {model!r} spans; models present: {present} (set {what}_model=)")


def _union(group: np.ndarray, b: np.ndarray, e: np.ndarray):
    """Union of intervals per group: (group, begin, end) of disjoint segments."""
    if not len(b):
        return group[:0], b[:0], e[:0]
    order = np.lexsort((b, group))
    g, b, e = group[order], b[order], e[order]
    cm = pd.Series(e).groupby(g, sort=False).cummax().to_numpy()
    new = np.ones(len(g), dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (b[1:] > cm[:-1])
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], len(g)] - 1
    return g[starts], b[starts], cm[ends]


def match_tracks(
    face: Any,
    voice: Any,
    *,
    face_model: str = "face",
    voice_model: str = "prosody",
    frame_step: float | None = None,
    score: str = "phi",
    min_score: float = 0.0,
    exclude: Sequence[str] = ("unknown", "unmeasured"),
) -> pd.DataFrame:
    """Pair face tracks with speaker tracks by when they co-occur (Hungarian assignment).

    For each (source, file), a face track is *present* around each of its frames
    (``[t - h/2, t + h/2)`` with ``h`` the frame step) and a speaker track is
    present during its spans. The evidence for a pair is how much their presence
    overlaps, beyond chance: ``score="phi"`` is the correlation of the two presence
    indicators over the file's time range ``T`` (first to last presence of any
    track), ``(a*T - f*v) / sqrt(f*(T-f) * v*(T-v))`` with ``a`` the overlap, ``f``
    and ``v`` the presence seconds; ``score="jaccard"`` is ``a / (f + v - a)``.
    The pairing that maximises the total score within each file is found with
    :func:`scipy.optimize.linear_sum_assignment`; pairs whose score is not above
    ``min_score`` (or undefined) are not returned.

    Co-occurrence can only tell faces apart when their presence differs (cuts to the
    speaker, faces leaving the frame). When every face is visible all the time its
    presence is constant, ``phi`` is undefined and no pair is returned: that is the
    honest answer, not a failure.

    Parameters
    ----------
    face, voice : DataFrame or Measurements
        Tables with ``source, file, model, track, span_id, begin, end`` (spans, wide
        or long tables); rows of ``face_model`` / ``voice_model`` are used when the
        table holds several models.
    face_model, voice_model : str
        Models to take the face and speaker tracks from (v1: ``"video"``, ``"audio"``).
    frame_step : float, optional
        Seconds a face frame stands for; default: the median step between the
        distinct frame times of the file.
    score : {"phi", "jaccard"}, default "phi"
        Evidence measure (see above).
    min_score : float, default 0.0
        Assigned pairs with a score at or below this are dropped.
    exclude : sequence of str, default ("unknown", "unmeasured")
        Track names that carry no identity.

    Returns
    -------
    DataFrame
        One row per assigned pair: ``source, file, face_track, voice_track``;
        ``overlap_s`` seconds both are present; ``face_s``, ``voice_s`` presence
        seconds of each; ``score``.

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> t = [i / 2 for i in range(20)]
    >>> face = pd.DataFrame({"source": "a", "file": "a", "model": "face",
    ...     "track": ["face_0" if x < 5 else "face_1" for x in t], "span_id": range(20),
    ...     "begin": t, "end": t})
    >>> voice = pd.DataFrame({"source": "a", "file": "a", "model": "prosody",
    ...     "track": ["spk_0", "spk_1"], "span_id": [0, 0], "begin": [0.0, 5.0],
    ...     "end": [4.5, 9.5]})
    >>> hr.match_tracks(face, voice)[["face_track", "voice_track", "overlap_s"]].to_dict("records")
    [{'face_track': 'face_0', 'voice_track': 'spk_0', 'overlap_s': 4.5}, \
{'face_track': 'face_1', 'voice_track': 'spk_1', 'overlap_s': 4.5}]
    """
    check_choice(score, ("phi", "jaccard"), "score")
    f = _of_model(face, face_model, "face")
    v = _of_model(voice, voice_model, "voice")
    f = f.loc[~f["track"].astype(str).isin(list(exclude)).to_numpy()].drop_duplicates(
        ["source", "file", "track", "span_id"]
    )
    v = v.loc[~v["track"].astype(str).isin(list(exclude)).to_numpy()].drop_duplicates(
        ["source", "file", "track", "span_id"]
    )
    f = f.loc[np.isfinite(times(f, "face")[0]) & np.isfinite(times(f, "face")[1])]
    v = v.loc[np.isfinite(times(v, "voice")[0]) & np.isfinite(times(v, "voice")[1])]
    both = pd.concat(
        [f[["source", "file", "track"]].astype(str), v[["source", "file", "track"]].astype(str)],
        ignore_index=True,
    )
    sc, su = codes_of(both["source"])
    fc, fu = codes_of(both["file"])
    tc, tu = codes_of(both["track"])
    file_code = combine([sc, fc], [0, len(fu) + 1])
    track_code = combine([file_code, tc], [0, len(tu) + 1])
    nf = len(f)
    fb, fe = times(f, "face")
    vb, ve = times(v, "voice")

    # face presence: each frame stands for [t - h/2, t + h/2)
    instant = fe == fb
    step = np.full(nf, np.nan)
    fcode = file_code[:nf]
    if frame_step is not None:
        step[:] = float(frame_step)
    elif instant.any():
        frames = pd.DataFrame({"f": fcode[instant], "t": fb[instant]}).drop_duplicates()
        frames = frames.sort_values(["f", "t"])
        d = frames.groupby("f", sort=False)["t"].diff()
        med = d[d > 0].groupby(frames["f"][d > 0]).median()
        step = med.reindex(fcode).to_numpy(dtype=np.float64)
    half = np.where(instant, step / 2, 0.0)
    ok = ~np.isnan(half)
    pf = _union(track_code[:nf][ok], (fb - half)[ok], (fe + half)[ok])
    pos = ve > vb
    pv = _union(track_code[nf:][pos], vb[pos], ve[pos])

    track_to_file = pd.Series(file_code, index=track_code).groupby(level=0).first()
    f_len = pd.Series(pf[2] - pf[1]).groupby(pf[0]).sum()
    v_len = pd.Series(pv[2] - pv[1]).groupby(pv[0]).sum()
    span = pd.DataFrame(
        {"file": track_to_file.reindex(np.r_[pf[0], pv[0]]).to_numpy(),
         "b": np.r_[pf[1], pv[1]], "e": np.r_[pf[2], pv[2]]}
    ).groupby("file").agg(b=("b", "min"), e=("e", "max"))
    total = (span["e"] - span["b"]).to_dict()

    fg = track_to_file.reindex(pf[0]).to_numpy()
    vg = track_to_file.reindex(pv[0]).to_numpy()
    pairs = find_pairs(fg, pf[1], pf[2], vg, pv[1], pv[2])
    ov = (
        pd.DataFrame({"ft": pf[0][pairs.source], "vt": pv[0][pairs.target], "w": pairs.weight})
        .groupby(["ft", "vt"])["w"]
        .sum()
    )
    rows = []
    f_tracks = pd.Series(f_len.index, index=track_to_file.reindex(f_len.index).to_numpy())
    v_tracks = pd.Series(v_len.index, index=track_to_file.reindex(v_len.index).to_numpy())
    for file in sorted(set(f_tracks.index) & set(v_tracks.index)):
        ft = np.atleast_1d(f_tracks.loc[[file]].to_numpy())
        vt = np.atleast_1d(v_tracks.loc[[file]].to_numpy())
        a = np.array([[ov.get((x, y), 0.0) for y in vt] for x in ft])
        fs = f_len.reindex(ft).to_numpy()[:, None]
        vs = v_len.reindex(vt).to_numpy()[None, :]
        t = total[file]
        with np.errstate(invalid="ignore", divide="ignore"):
            if score == "phi":
                s = (a * t - fs * vs) / np.sqrt(fs * (t - fs) * vs * (t - vs))
            else:
                s = a / (fs + vs - a)
        s = np.where(np.isfinite(s), s, np.nan)
        r, c = linear_sum_assignment(np.nan_to_num(s, nan=-1e9), maximize=True)
        for i, j in zip(r, c):
            if np.isfinite(s[i, j]) and s[i, j] > min_score:
                rows.append((file, ft[i], vt[j], a[i, j], fs[i, 0], vs[0, j], s[i, j]))

    first = pd.Series(np.arange(len(both)), index=track_code).groupby(level=0).first()
    out = []
    for file, ftc, vtc, a, fs, vs, s in rows:
        i, j = first[ftc], first[vtc]
        out.append(
            (both["source"].iat[i], both["file"].iat[i], both["track"].iat[i],
             both["track"].iat[j], a, fs, vs, s)
        )
    table = pd.DataFrame(out, columns=OUT_COLUMNS)
    for c in OUT_COLUMNS[:4]:
        table[c] = table[c].astype("string")
    for c in OUT_COLUMNS[4:]:
        table[c] = table[c].astype("float64")
    return table.sort_values(["source", "file", "face_track"], ignore_index=True)
