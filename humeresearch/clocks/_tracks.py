"""match_tracks: pair face tracks with speaker tracks by temporal co-occurrence."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from humeresearch import define
from humeresearch._groups import table_codes, times
from humeresearch._tables import TableLike, as_spans, check_option
from humeresearch.clocks._overlap import find_pairs

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

Segments = tuple[np.ndarray, np.ndarray, np.ndarray]


def _of_model(table: TableLike, model: str, what: str) -> pd.DataFrame:
    """The spans of ``model`` in ``table`` (all of them when it holds one model only)."""
    spans = as_spans(table, func="match_tracks", name=what)
    models = spans["model"].astype(str)
    if (models == model).any():
        return spans.loc[(models == model).to_numpy()]
    present = sorted(pd.unique(models))
    if len(present) <= 1:
        return spans
    raise ValueError(
        f"match_tracks: {what} has no {model!r} spans; models present: {present} "
        f"(set {what}_model=)"
    )


def _usable(
    table: TableLike, model: str, what: str, exclude: Sequence[str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """One row per timed span of an identity track, and its begin and end."""
    spans = _of_model(table, model, what)
    spans = spans.loc[~spans["track"].astype(str).isin(list(exclude)).to_numpy()]
    spans = spans.drop_duplicates(["source", "file", "track", "span_id"])
    b, e = times(spans, f"match_tracks: {what}")
    ok = np.isfinite(b) & np.isfinite(e)
    return spans.loc[ok], b[ok], e[ok]


def _union(
    group: np.ndarray, b: np.ndarray, e: np.ndarray, bridge: np.ndarray | None = None
) -> Segments:
    """Union of intervals per group: (group, begin, end) of disjoint segments.

    A gap of at most ``bridge`` seconds (per interval, before it) is closed.
    """
    if not len(b):
        return group[:0], b[:0], e[:0]
    order = np.lexsort((b, group))
    g, b, e = group[order], b[order], e[order]
    gap = np.zeros(len(g)) if bridge is None else bridge[order]
    cm = pd.Series(e).groupby(g, sort=False).cummax().to_numpy()
    new = np.ones(len(g), dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (b[1:] > cm[:-1] + gap[1:])
    starts = np.flatnonzero(new)
    ends = np.r_[starts[1:], len(g)] - 1
    return g[starts], b[starts], cm[ends]


def _face_presence(
    track: np.ndarray,
    file: np.ndarray,
    fb: np.ndarray,
    fe: np.ndarray,
    frame_step: float | None,
) -> Segments:
    """Face presence: each frame stands for ``[t - h/2, t + h/2)``.

    Gaps shorter than half a frame step (timing jitter, not a missing frame) are
    closed: they carry no evidence of absence.
    """
    instant = fe == fb
    if frame_step is not None:
        step = np.full(len(fb), float(frame_step))
    else:
        frames = pd.DataFrame({"f": file[instant], "t": fb[instant]})
        frames = frames.drop_duplicates().sort_values(["f", "t"])
        diff = frames.groupby("f", sort=False)["t"].diff()
        median = diff[diff > 0].groupby(frames["f"][diff > 0]).median()
        step = median.reindex(file).to_numpy(dtype=np.float64)
    half = np.where(instant, step / 2, 0.0)
    ok = ~np.isnan(half)
    return _union(track[ok], (fb - half)[ok], (fe + half)[ok], half[ok])


@dataclass(frozen=True)
class _Evidence:
    """Presence seconds per track, time range per file and overlap per track pair."""

    to_file: pd.Series
    f_len: pd.Series
    v_len: pd.Series
    total: pd.Series
    overlap: pd.Series


def _evidence(pf: Segments, pv: Segments, to_file: pd.Series) -> _Evidence:
    f_len = pd.Series(pf[2] - pf[1]).groupby(pf[0]).sum()
    v_len = pd.Series(pv[2] - pv[1]).groupby(pv[0]).sum()
    seg_file = to_file.reindex(np.r_[pf[0], pv[0]]).to_numpy()
    first_b = pd.Series(np.r_[pf[1], pv[1]]).groupby(seg_file).min()
    last_e = pd.Series(np.r_[pf[2], pv[2]]).groupby(seg_file).max()
    fg, vg = to_file.reindex(pf[0]).to_numpy(), to_file.reindex(pv[0]).to_numpy()
    pairs = find_pairs(fg, pf[1], pf[2], vg, pv[1], pv[2])
    overlap = (
        pd.DataFrame({"ft": pf[0][pairs.source], "vt": pv[0][pairs.target], "w": pairs.weight})
        .groupby(["ft", "vt"])["w"]
        .sum()
    )
    return _Evidence(to_file, f_len, v_len, last_e - first_b, overlap)


def _scores(
    ev: _Evidence, ft: np.ndarray, vt: np.ndarray, fc: object, method: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Overlap, presence seconds and score of every (face, voice) track pair of a file."""
    a = np.array([[ev.overlap.get((x, y), 0.0) for y in vt] for x in ft])
    fs = ev.f_len.reindex(ft).to_numpy()[:, None]
    vs = ev.v_len.reindex(vt).to_numpy()[None, :]
    t = ev.total[fc]
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "phi":
            s = (a * t - fs * vs) / np.sqrt(fs * (t - fs) * vs * (t - vs))
        else:
            s = a / (fs + vs - a)
    return a, fs, vs, np.where(np.isfinite(s), s, np.nan)


def _unique_pairs(gain: np.ndarray, tol: float = 1e-9) -> list[tuple[int, int]]:
    """The pairs of the best assignment that every best assignment shares.

    ``gain`` is 0 where a pair carries no evidence. A pair is kept when it has a
    positive gain and forbidding it lowers the best total: a pair that an equally
    good assignment avoids (tied evidence) would follow the order of the track
    names, so it is not returned.
    """
    r, c = linear_sum_assignment(gain, maximize=True)
    best = gain[r, c].sum()
    keep = []
    for i, j in zip(r, c):
        if gain[i, j] <= 0:
            continue
        other = gain.copy()
        other[i, j] = 0.0
        r2, c2 = linear_sum_assignment(other, maximize=True)
        if other[r2, c2].sum() < best - tol * max(1.0, abs(best)):
            keep.append((int(i), int(j)))
    return keep


def _assign(
    ev: _Evidence, info: pd.DataFrame, method: str, min_score: float
) -> tuple[list[tuple], list[str]]:
    """The evident pairing of each file, as rows of the output, and the files short of it."""
    face_of_file = pd.Series(ev.f_len.index, index=ev.to_file.reindex(ev.f_len.index).to_numpy())
    voice_of_file = pd.Series(ev.v_len.index, index=ev.to_file.reindex(ev.v_len.index).to_numpy())
    rows, short = [], []
    for fc in sorted(set(face_of_file.index) & set(voice_of_file.index)):
        ft = face_of_file.loc[[fc]].to_numpy()
        vt = voice_of_file.loc[[fc]].to_numpy()
        a, fs, vs, s = _scores(ev, ft, vt, fc, method)
        gain = np.where(np.nan_to_num(s, nan=-np.inf) > min_score, s, 0.0)
        kept = _unique_pairs(gain)
        for i, j in kept:
            fi, vi = info.loc[ft[i]], info.loc[vt[j]]
            row = (fi["source"], fi["file"], fi["track"], vi["track"])
            rows.append((*row, a[i, j], fs[i, 0], vs[0, j], s[i, j]))
        if len(kept) < min(len(ft), len(vt)):
            short.append(f"{info.loc[ft[0], 'source']}/{info.loc[ft[0], 'file']}")
    return rows, short


def _table(rows: list[tuple]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=OUT_COLUMNS)
    for c in OUT_COLUMNS[:4]:
        table[c] = table[c].astype("string")
    for c in OUT_COLUMNS[4:]:
        table[c] = table[c].astype("float64")
    return table.sort_values(["source", "file", "face_track"], ignore_index=True)


def match_tracks(
    face: TableLike,
    voice: TableLike,
    *,
    face_model: define.Model = "face",
    voice_model: define.Model = "prosody",
    frame_step: float | None = None,
    method: define.TrackMethod = "phi",
    min_score: float = 0.1,
    exclude: Sequence[str] = ("unknown", "unmeasured"),
) -> pd.DataFrame:
    """Pair face tracks with speaker tracks by when they co-occur (Hungarian assignment).

    For each (source, file), a face track is *present* around each of its frames
    (``[t - h/2, t + h/2)`` with ``h`` the frame step) and a speaker track is
    present during its spans. The evidence for a pair is how much their presence
    overlaps, beyond chance: ``method="phi"`` is the correlation of the two presence
    indicators over the file's time range ``T`` (first to last presence of any
    track), ``(a*T - f*v) / sqrt(f*(T-f) * v*(T-v))`` with ``a`` the overlap, ``f``
    and ``v`` the presence seconds; ``method="jaccard"`` is ``a / (f + v - a)``.
    The pairing that maximises the total score within each file is found with
    :func:`scipy.optimize.linear_sum_assignment` over the pairs whose score is above
    ``min_score`` (default 0.1); pairs at or below it, or undefined, carry no
    evidence and are never returned.

    Co-occurrence can only tell faces apart when their presence differs (cuts to the
    speaker, faces leaving the frame). When every face is visible all the time its
    presence is constant, ``phi`` is undefined and no pair is returned: that is the
    honest answer, not a failure. Gaps in a face's presence shorter than half a frame
    step (timing jitter) are closed, and a pair is returned only when every best
    pairing contains it: when two pairings tie (faces whose presence is the same),
    the answer would follow the order of the track names, so none of the tied pairs
    is returned. The result is therefore the same under any relabelling of the
    tracks. Whenever a file with face and voice tracks gets fewer pairs than it has
    faces or voices, a ``UserWarning`` says so.

    Parameters
    ----------
    face, voice : TableLike
        Tables with ``source, file, model, track, span_id, begin, end`` (spans, wide
        or long tables); rows of ``face_model`` / ``voice_model`` are used when the
        table holds several models.
    face_model, voice_model : str
        Models to take the face and speaker tracks from (v1: ``"video"``, ``"audio"``).
    frame_step : float, optional
        Seconds a face frame stands for; default: the median step between the
        distinct frame times of the file.
    method : {"phi", "jaccard"}, default "phi"
        Evidence measure (see above).
    min_score : float, default 0.1
        The documented minimum of evidence: pairs with a score at or below it are
        neither assigned nor returned.
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
    check_option(method, define.TRACK_METHODS, name="method", func="match_tracks")
    f, fb, fe = _usable(face, face_model, "face", exclude)
    v, vb, ve = _usable(voice, voice_model, "voice", exclude)
    keys = pd.concat(
        [t[["source", "file", "track"]].astype(str) for t in (f, v)], ignore_index=True
    )
    (file_code,), _ = table_codes([keys], ["source", "file"])
    (track_code,), _ = table_codes([keys], ["source", "file", "track"])
    info = keys.assign(file_code=file_code, code=track_code).drop_duplicates("code")
    info = info.set_index("code")
    nf = len(f)
    pf = _face_presence(track_code[:nf], file_code[:nf], fb, fe, frame_step)
    positive = ve > vb
    pv = _union(track_code[nf:][positive], vb[positive], ve[positive])
    evidence = _evidence(pf, pv, info["file_code"])
    rows, short = _assign(evidence, info, method, min_score)
    if short:
        warnings.warn(
            f"match_tracks: {len(short)} file(s) have face and voice tracks left unpaired "
            f"for lack of evidence (first: {short[0]}): their presence never differs, "
            f"ties between pairings, or scores not above min_score={min_score}",
            UserWarning,
            stacklevel=2,
        )
    return _table(rows)
