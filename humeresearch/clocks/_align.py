"""align: put one model's spans onto another model's spans."""

from __future__ import annotations

import warnings
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from humeresearch._contract import KEYS, LONG_COLUMNS
from humeresearch._groups import (
    codes_of,
    combine,
    factorize_sorted,
    first_index,
    row_key,
    table_codes,
    times,
)
from humeresearch._tables import (
    SPAN_LIKE,
    TableLike,
    as_long,
    as_spans,
    is_scaled,
    require_columns,
    score_columns,
    tidy_categories,
)
from humeresearch.clocks._overlap import Pairs, find_pairs, two_tier_mean
from humeresearch.errors import UnmatchedSpansWarning

ALIGN_EXTRA = ["from_model", "from_track", "n_spans", "seconds"]
_PAIR_COLUMNS = ["source", "file", "face_track", "voice_track"]


def _mapped_tracks(long: pd.DataFrame, mapping: pd.DataFrame) -> pd.Series:
    """The target track each data row must match, read from a match_tracks table."""
    require_columns(mapping, _PAIR_COLUMNS, func="align", name="match_track")
    pairs = pd.concat(
        [
            mapping[["source", "file", "face_track", "voice_track"]].set_axis(
                ["source", "file", "track", "to"], axis=1
            ),
            mapping[["source", "file", "voice_track", "face_track"]].set_axis(
                ["source", "file", "track", "to"], axis=1
            ),
        ],
        ignore_index=True,
    ).astype(str)
    dup = pairs.duplicated(["source", "file", "track"])
    if dup.any():
        first = pairs.loc[dup].iloc[0].to_dict()
        raise ValueError(f"align: match_track pairs a track more than once: {first}")
    keys = long[["source", "file", "track"]].astype(str)
    merged = keys.merge(pairs, on=["source", "file", "track"], how="left", sort=False)
    return merged["to"].astype(object).where(merged["to"].notna(), "\x00unpaired")


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _match_groups(
    long: pd.DataFrame, match_track: bool | pd.DataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """The table whose columns group the source rows, and those columns."""
    if isinstance(match_track, pd.DataFrame):
        frame = long[["source", "file"]].assign(track=_mapped_tracks(long, match_track))
        return frame, ["source", "file", "track"]
    if match_track is True:
        return long, ["source", "file", "track"]
    if match_track is False:
        return long, ["source", "file"]
    raise ValueError(
        "align: match_track must be True, False or a DataFrame from match_tracks; "
        f"got {match_track!r}"
    )


def _aggregate(
    long: pd.DataFrame,
    spans: pd.DataFrame,
    pairs: Pairs,
    tb: np.ndarray,
    te: np.ndarray,
    pool_tracks: bool,
) -> pd.DataFrame:
    """The mean per (target, source model, source track, family, name) of the pairs."""
    m_codes, m_uni = codes_of(long["model"])
    k_codes, k_uni = codes_of(long["track"])
    f_codes, f_uni = codes_of(long["family"])
    n_codes, n_uni = codes_of(long["name"])
    src = pairs.source
    parts = [pairs.target, m_codes[src], f_codes[src], n_codes[src]]
    sizes = [len(spans), len(m_uni) + 1, len(f_uni) + 1, len(n_uni) + 1]
    if not pool_tracks:
        parts.insert(2, k_codes[src])
        sizes.insert(2, len(k_uni) + 1)
    key, uniq = factorize_sorted(combine(parts, sizes))
    interval_target = te[pairs.target] > tb[pairs.target]
    score = long["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    mean, n, seconds = two_tier_mean(
        key,
        len(uniq),
        score[src],
        pairs.weight,
        pairs.strong,
        seconds=np.where(interval_target, pairs.weight, 0.0),
    )
    first = first_index(key, len(uniq))
    row = src[first]
    tgt = pairs.target[first]

    out: dict[str, Any] = {}
    for column in ("source", "file", "model", "track"):
        c, u = codes_of(spans[column])
        out[column] = pd.Categorical.from_codes(c[tgt], u)
    out["span_id"] = spans["span_id"].to_numpy(dtype=np.int64)[tgt]
    out["begin"] = tb[tgt]
    out["end"] = te[tgt]
    out["family"] = pd.Categorical.from_codes(f_codes[row], f_uni)
    out["name"] = pd.Categorical.from_codes(n_codes[row], n_uni)
    out["score"] = mean
    out["from_model"] = pd.Categorical.from_codes(m_codes[row], m_uni)
    track_codes = np.full(len(row), -1) if pool_tracks else k_codes[row]
    out["from_track"] = pd.Categorical.from_codes(track_codes, k_uni)
    out["n_spans"] = n
    out["seconds"] = seconds
    table = pd.DataFrame(out, columns=[*LONG_COLUMNS, *ALIGN_EXTRA])
    return _carry(table, long, spans, tgt, row)


def _constant_columns(long: pd.DataFrame, skip: set[str]) -> list[str]:
    """Extra columns of ``long`` that hold one value within each (source, file)."""
    extra = [c for c in long.columns if c not in skip and c not in LONG_COLUMNS]
    if not extra or not len(long):
        return extra
    group, _ = row_key(long, ["source", "file"])
    keep = []
    for column in extra:
        codes, _ = codes_of(long[column])
        if not pd.DataFrame({"g": group, "c": codes}).drop_duplicates()["g"].duplicated().any():
            keep.append(column)
    return keep


def _carry(
    table: pd.DataFrame, long: pd.DataFrame, spans: pd.DataFrame, tgt: np.ndarray, src: np.ndarray
) -> pd.DataFrame:
    """``table`` plus the target's own columns and the source's per-recording labels.

    Target columns (``text``, ``granularity``, design columns of ``onto``; not those
    that are NA for every target) are taken from each row's target span; columns of ``data`` that are constant within each
    (source, file) (design columns added by :func:`humeresearch.annotate`) from its
    source rows. Score columns of a wide ``onto`` are not carried.
    """
    taken = set(table.columns) | set(score_columns(spans))
    if {"family", "name", "score"} <= set(spans.columns):
        taken |= {"family", "name", "score"}
    target = [c for c in spans.columns if c not in taken and spans[c].notna().any()]
    carried = {c: spans[c].iloc[tgt].reset_index(drop=True) for c in target}
    for column in _constant_columns(long, taken | set(target)):
        carried[column] = long[column].iloc[src].reset_index(drop=True)
    if not carried:
        return table
    return pd.concat([table, pd.DataFrame(carried, index=table.index)], axis=1)


def _unmatched(long: pd.DataFrame, pairs: Pairs) -> pd.DataFrame:
    """One row (keys, begin, end) per source span that met no target."""
    matched = np.zeros(len(long), dtype=bool)
    matched[pairs.source] = True
    if matched.all():
        return long.loc[[], SPAN_LIKE].reset_index(drop=True)
    return long.loc[~matched, SPAN_LIKE].drop_duplicates(KEYS).reset_index(drop=True)


def _warn_unmatched(unmatched: pd.DataFrame) -> None:
    first_row = unmatched.iloc[0]
    no_time = int(unmatched["begin"].isna().sum())
    warnings.warn(
        f"align: {len(unmatched)} source spans overlap no target span "
        f"({no_time} have no time); first: "
        + ", ".join(f"{k}={_plain(first_row[k])!r}" for k in KEYS)
        + ". Pass return_unmatched=True to get them.",
        UnmatchedSpansWarning,
        stacklevel=3,
    )


@overload
def align(
    data: TableLike,
    onto: TableLike,
    *,
    match_track: bool | pd.DataFrame = ...,
    pool_tracks: bool = ...,
    return_unmatched: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def align(
    data: TableLike,
    onto: TableLike,
    *,
    match_track: bool | pd.DataFrame = ...,
    pool_tracks: bool = ...,
    return_unmatched: Literal[True],
) -> tuple[pd.DataFrame, pd.DataFrame]: ...


def align(
    data: TableLike,
    onto: TableLike,
    *,
    match_track: bool | pd.DataFrame = False,
    pool_tracks: bool = False,
    return_unmatched: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Put the spans of ``data`` onto the spans of ``onto`` (one clock).

    Within each (source, file), and optionally each matching track, every source
    span is assigned to the target spans it shares time with, and the scores are
    averaged per target span, source model, source track, family and name:

    * an **instant** (``end == begin``, e.g. a face frame) at ``t`` belongs to a
      target ``[begin, end)`` when ``begin <= t < end``. Rule for ``t == end``: an
      instant exactly at the end of the **last** target span of its (source, file)
      (the largest ``end``) belongs to that span, so that a frame at the very end of
      the last utterance is not lost; at the end of any other span it does not.
      Instants are averaged with equal weights.
    * an **interval** (``end > begin``, e.g. a word) contributes to every target it
      overlaps by a positive time, weighted by the overlap in seconds. Touching spans
      (one ends where the other begins) do not overlap.
    * a **zero-length target** (``end == begin``, e.g. aligning onto face frames)
      receives the instants at exactly its time and the intervals that contain it
      (``begin <= t < end``), each with weight 1.
    * when one target receives both, the spans of positive duration decide and the
      zero-length ones get weight 0 (the limit of an overlap-weighted mean); a target
      that receives only instants gets their plain mean.
    * spans with NaN times (raw text) overlap nothing; NaN scores are ignored.

    Parameters
    ----------
    data : TableLike
        Long table (or wide table, or ``Measurements``) of the model(s) to move.
    onto : TableLike
        The target spans: any table with ``source, file, model, track, span_id,
        begin, end`` (a spans, wide or long table, e.g.
        ``m.spans().query("model == 'prosody'")``), or a ``Measurements`` (its spans).
    match_track : bool or DataFrame, default False
        ``True``: a source span only meets target spans of the same ``track`` name
        (e.g. words and utterances of one speaker). A DataFrame from
        :func:`humeresearch.match_tracks`: a face track only meets the speaker track
        it was paired with (and vice versa); unpaired tracks meet nothing.
    pool_tracks : bool, default False
        Average the source tracks together (``from_track`` is then NA). By default
        each source track (e.g. ``face_0``, ``face_1``) gets its own rows: two faces
        seen during one utterance are never averaged into one.
    return_unmatched : bool, default False
        Also return the source spans that overlap no target. Otherwise a
        :class:`~humeresearch.errors.UnmatchedSpansWarning` (a ``UserWarning``) says
        how many there are.

    Returns
    -------
    DataFrame or (DataFrame, DataFrame)
        Long-shaped, one row per (target span, source model, source track, family,
        name) that received at least one span, ordered by target (as in ``onto``)
        then model, track, family, name:

        ``source, file, model, track, span_id, begin, end``
            the **target** span (model and track of the target);
        ``family, name``
            of the source rows;
        ``score``
            the aligned mean (NaN when every contributing score was NaN);
        ``from_model, from_track``
            the source model and track (``from_track`` NA with ``pool_tracks``);
        ``n_spans``
            number of source spans averaged (of the tier used, see above);
        ``seconds``
            overlap seconds that weighted the mean (0 for instants);
        then the target's own other columns (``text``, ``granularity``, design
        columns of ``onto``; columns that are NA for every target are left out), and the columns of ``data`` that hold one value within
        each (source, file), such as ``participant`` and ``condition`` added by
        :func:`humeresearch.annotate` (other columns of ``data``, such as ``prob``,
        vary within a recording and are not carried). Categorical key columns hold
        only the categories present.

        With ``return_unmatched=True`` also the unmatched source spans:
        ``source, file, model, track, span_id, begin, end`` (one row per span).

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> face = pd.DataFrame({"source": "a.mp4", "file": "a.mp4", "model": "face",
    ...     "track": "face_0", "span_id": [0, 1, 2, 3], "begin": [0.0, 0.5, 1.0, 2.5],
    ...     "end": [0.0, 0.5, 1.0, 2.5], "family": "emotion", "name": "Joy",
    ...     "score": [0.2, 0.4, 0.9, 0.1]})
    >>> utterances = pd.DataFrame({"source": "a.mp4", "file": "a.mp4", "model": "prosody",
    ...     "track": "spk_0", "span_id": [0, 1], "begin": [0.0, 0.5], "end": [0.5, 1.0]})
    >>> out, unmatched = hr.align(face, utterances, return_unmatched=True)
    >>> out[["span_id", "from_model", "name", "score", "n_spans"]].to_dict("records")
    [{'span_id': 0, 'from_model': 'face', 'name': 'Joy', 'score': 0.2, 'n_spans': 1}, \
{'span_id': 1, 'from_model': 'face', 'name': 'Joy', 'score': 0.65, 'n_spans': 2}]
    >>> unmatched["span_id"].tolist()
    [3]
    """
    if is_scaled(data) or is_scaled(onto):  # Dask tables or datasets: the scaled-out twin
        from humeresearch import dataset

        return dataset.align(
            data, onto, match_track=match_track, pool_tracks=pool_tracks,
            return_unmatched=return_unmatched,
        )  # fmt: skip
    long = as_long(data, func="align", name="data")
    spans = as_spans(onto, func="align", name="onto")
    sb, se = times(long, "align: data")
    tb, te = times(spans, "align: onto")
    src_frame, groups = _match_groups(long, match_track)
    (sg, tg), _ = table_codes([src_frame, spans], groups)
    pairs = find_pairs(sg, sb, se, tg, tb, te, closed_last=True)
    table = tidy_categories(_aggregate(long, spans, pairs, tb, te, pool_tracks))
    unmatched = tidy_categories(_unmatched(long, pairs))
    if return_unmatched:
        return table, unmatched
    if len(unmatched):
        _warn_unmatched(unmatched)
    return table
