"""The interval join behind align, epochs and smooth: which sources meet which targets.

Rules (documented in :func:`humeresearch.clocks.align`):

* sources and targets meet only within the same group (integer codes);
* an *instant* source (``end == begin``) at ``t`` meets an interval target
  ``[b, e)`` when ``b <= t < e``; with ``closed_last`` also when ``t == e`` and
  ``e`` is the largest end of the group's targets (the end of the last span); it
  meets a zero-length target at ``b`` when ``t == b``. Weight 1, *weak*.
* an *interval* source ``[sb, se)`` meets an interval target when they overlap by
  a positive time; weight = overlap seconds, *strong*. It meets a zero-length
  target at ``b`` when ``sb <= b < se``; weight 1, *strong*.
* spans whose begin or end is NaN (or infinite) meet nothing.

Every search is a single ``np.searchsorted`` over keys sorted by (group, time): the
key is the complex number ``group + 1j * time``, which numpy orders
lexicographically. Each query yields an exact range of matches, so the work is
proportional to the number of pairs (no candidate filtering, no blow-up with long or
overlapping targets).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from humeresearch._groups import expand, wsum


@dataclass(frozen=True)
class Pairs:
    """Matches between sources and targets (parallel arrays)."""

    source: np.ndarray  # int64 index into the source arrays
    target: np.ndarray  # int64 index into the target arrays
    weight: np.ndarray  # float64: overlap seconds (strong interval pairs) or 1
    strong: np.ndarray  # bool: the pair has positive measure (interval source)


def _dense_groups(sg: np.ndarray, tg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group codes small enough to be exact in a float64 (joint factorisation if not)."""
    both = np.concatenate([sg, tg]).astype(np.int64)
    if both.size == 0 or (both.min() >= 0 and both.max() < 2**52):
        return sg, tg
    codes, _ = pd.factorize(both)
    return codes[: len(sg)], codes[len(sg) :]


def _key(group: np.ndarray, t: np.ndarray) -> np.ndarray:
    return group.astype(np.float64) + 1j * t


def _sorted_key(group: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    key = _key(group, t)
    order = np.argsort(key, kind="stable")
    return key[order], order


def find_pairs(
    sg: np.ndarray,
    sb: np.ndarray,
    se: np.ndarray,
    tg: np.ndarray,
    tb: np.ndarray,
    te: np.ndarray,
    *,
    closed_last: bool = False,
) -> Pairs:
    """All (source, target) pairs that share time within a group (see module doc)."""
    sg, tg = _dense_groups(sg, tg)
    s_ok = np.isfinite(sb) & np.isfinite(se)
    t_ok = np.isfinite(tb) & np.isfinite(te)
    s_inst = np.flatnonzero(s_ok & (se == sb))
    s_int = np.flatnonzero(s_ok & (se > sb))
    t_idx = np.flatnonzero(t_ok)
    t_point = te[t_idx] == tb[t_idx]
    parts_s, parts_t, parts_w, parts_strong = [], [], [], []

    # 1. instants into targets: per target, the instants in [b, e) or [b, e]
    if len(s_inst) and len(t_idx):
        keys, order = _sorted_key(sg[s_inst], sb[s_inst])
        g, b, e = tg[t_idx], tb[t_idx], te[t_idx]
        closed = t_point.copy()
        if closed_last:
            gmax = pd.Series(e).groupby(g, sort=False).transform("max").to_numpy()
            closed |= e == gmax
        lo = np.searchsorted(keys, _key(g, b), side="left")
        hi_open = np.searchsorted(keys, _key(g, e), side="left")
        hi_closed = np.searchsorted(keys, _key(g, e), side="right")
        hi = np.where(closed, hi_closed, hi_open)
        q, pos = expand(lo, hi)
        parts_s.append(s_inst[order[pos]])
        parts_t.append(t_idx[q])
        parts_w.append(np.ones(len(q)))
        parts_strong.append(np.zeros(len(q), dtype=bool))

    if len(s_int) and len(t_idx):
        # 2. targets that begin inside an interval source: sb <= tb < se
        keys, order = _sorted_key(tg[t_idx], tb[t_idx])
        g, b, e = sg[s_int], sb[s_int], se[s_int]
        lo = np.searchsorted(keys, _key(g, b), side="left")
        hi = np.searchsorted(keys, _key(g, e), side="left")
        q, pos = expand(lo, hi)
        src = s_int[q]
        tgt = t_idx[order[pos]]
        w = np.minimum(se[src], te[tgt]) - tb[tgt]
        w = np.where(te[tgt] == tb[tgt], 1.0, w)
        parts_s.append(src)
        parts_t.append(tgt)
        parts_w.append(w)
        parts_strong.append(np.ones(len(q), dtype=bool))

        # 3. interval sources that begin strictly inside an interval target: tb < sb < te
        t_int = t_idx[~t_point]
        if len(t_int):
            keys, order = _sorted_key(g, b)
            gg, bb, ee = tg[t_int], tb[t_int], te[t_int]
            lo = np.searchsorted(keys, _key(gg, bb), side="right")
            hi = np.searchsorted(keys, _key(gg, ee), side="left")
            q, pos = expand(lo, hi)
            src = s_int[order[pos]]
            tgt = t_int[q]
            parts_s.append(src)
            parts_t.append(tgt)
            parts_w.append(np.minimum(se[src], te[tgt]) - sb[src])
            parts_strong.append(np.ones(len(q), dtype=bool))

    if not parts_s:
        empty = np.empty(0, dtype=np.int64)
        return Pairs(empty, empty.copy(), np.empty(0), np.empty(0, dtype=bool))
    return Pairs(
        np.concatenate(parts_s).astype(np.int64),
        np.concatenate(parts_t).astype(np.int64),
        np.concatenate(parts_w).astype(np.float64),
        np.concatenate(parts_strong),
    )


def two_tier_mean(
    key: np.ndarray,
    n_keys: int,
    values: np.ndarray,
    weight: np.ndarray,
    strong: np.ndarray,
    seconds: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per key: the weighted mean of the strong items if any, else the plain mean.

    Items whose value is NaN are ignored. Returns (mean, n_items, seconds), where
    n_items counts the items of the tier used and seconds sums ``seconds`` (default
    ``weight``) over the strong items used.
    """
    ok = ~np.isnan(values)
    k, v, w, st = key[ok], values[ok], weight[ok], strong[ok]
    sec = (weight if seconds is None else seconds)[ok]
    ws = np.where(st, w, 0.0)
    sum_ws = wsum(k, ws, n_keys)
    sum_wsv = wsum(k, ws * v, n_keys)
    n_strong = wsum(k, st, n_keys)
    weak = ~st
    sum_weak = wsum(k[weak], v[weak], n_keys)
    n_weak = np.bincount(k[weak], minlength=n_keys).astype(np.float64)
    seconds_out = wsum(k, np.where(st, sec, 0.0), n_keys)
    use_strong = n_strong > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(use_strong, sum_wsv / sum_ws, sum_weak / n_weak)
    n = np.where(use_strong, n_strong, n_weak).astype(np.int64)
    return mean, n, np.where(use_strong, seconds_out, 0.0)
