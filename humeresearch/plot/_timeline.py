"""``timeline``: one recording's face, voice and words on one clock, one lane per model/track."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes

from humeresearch._contract import KEYS
from humeresearch._tables import TableLike, as_list, as_long, require_columns
from humeresearch.define import Family, Model
from humeresearch.plot._common import (
    expression_colors,
    keep_family,
    match_names,
    model_key,
    natural_key,
    rank_names,
)
from humeresearch.plot._docs import fill
from humeresearch.plot._lanes import (
    Series,
    decorate_lane,
    draw_series,
    lane_axes,
    legend,
    transcript,
)

FUNC = "timeline"
#: models whose spans carry words or utterances, in the order tried for ``text=None``
TEXT_MODELS = ("language", "prosody", "burst", "ner")


def _recording(long: pd.DataFrame, source: str | None, file: str | None) -> pd.DataFrame:
    """Rows of one (source, file); raise listing the recordings when ambiguous."""
    mask = np.ones(len(long), dtype=bool)
    if source is not None:
        mask &= (long["source"] == source).to_numpy(dtype=bool, na_value=False)
    if file is not None:
        mask &= (long["file"] == file).to_numpy(dtype=bool, na_value=False)
    rec = long if mask.all() else long[mask]
    pairs = rec[["source", "file"]].drop_duplicates()
    if len(pairs) == 1:
        return rec
    if len(pairs) == 0:
        known = long[["source", "file"]].drop_duplicates().head(10)
        raise ValueError(
            f"{FUNC}: no rows for source={source!r}, file={file!r}; recordings in the data "
            f"(first 10): {list(map(tuple, known.astype(str).to_numpy()))}"
        )
    raise ValueError(
        f"{FUNC}: the data holds {len(pairs)} recordings; pick one with source= and file= "
        f"(first 10: {list(map(tuple, pairs.head(10).astype(str).to_numpy()))})"
    )


def _pick_names(
    rec: pd.DataFrame, models: list[str], names: Sequence[str] | None, top_k: int | None
) -> list[str]:
    available = list(pd.unique(rec["name"].dropna()))
    if names is not None:
        return match_names(available, names, FUNC)
    if top_k is not None and (not isinstance(top_k, int | np.integer) or top_k < 1):
        raise ValueError(f"{FUNC}: top_k must be a positive int or None; got {top_k!r}")
    chosen: list[str] = []
    for model in models:
        ranked = rank_names(rec[(rec["model"] == model).to_numpy(dtype=bool, na_value=False)])
        chosen.extend(ranked.index[: top_k if top_k is not None else len(ranked)])
    return list(dict.fromkeys(chosen))


def _timed(
    data: TableLike, source: str | None, file: str | None, family: str | Sequence[str] | None
) -> pd.DataFrame:
    """The timed rows of one recording and the families asked for."""
    long = as_long(data, func=FUNC)
    if long.empty:
        raise ValueError(f"{FUNC}: the data has no rows")
    rec = keep_family(_recording(long, source, file), family, FUNC)
    timed = np.isfinite(rec["begin"].to_numpy(np.float64, na_value=np.nan))
    if not timed.any():
        raise ValueError(f"{FUNC}: no row has a time (raw text cannot be placed on a clock)")
    return rec if timed.all() else rec[timed]


def _select(
    rec: pd.DataFrame, model: str | Sequence[str] | None, track: str | Sequence[str] | None
) -> tuple[pd.DataFrame, list[str]]:
    """Rows of the models and tracks asked for, and the models in drawing order."""
    present = sorted(map(str, pd.unique(rec["model"].dropna())), key=model_key)
    wanted_models = as_list(model)
    if wanted_models is not None:
        unknown = [m for m in wanted_models if m not in present]
        if unknown:
            raise ValueError(f"{FUNC}: model {unknown} not in the recording; it has {present}")
        present = list(dict.fromkeys(wanted_models))
        rec = rec[rec["model"].isin(present).to_numpy()]
    wanted_tracks = as_list(track)
    if wanted_tracks is not None:
        have = sorted(map(str, pd.unique(rec["track"].dropna())), key=natural_key)
        unknown = [t for t in wanted_tracks if t not in have]
        if unknown:
            raise ValueError(f"{FUNC}: track {unknown} not in the recording; it has {have}")
        rec = rec[rec["track"].isin(wanted_tracks).to_numpy()]
    return rec, present


def _pick_names(
    rec: pd.DataFrame, models: list[str], name: str | Sequence[str] | None, top_k: int | None
) -> list[str]:
    available = list(pd.unique(rec["name"].dropna()))
    if name is not None:
        return match_names(available, name, FUNC)
    if top_k is not None and (not isinstance(top_k, int | np.integer) or top_k < 1):
        raise ValueError(f"{FUNC}: top_k must be a positive int or None; got {top_k!r}")
    chosen: list[str] = []
    for model in models:
        ranked = rank_names(rec[(rec["model"] == model).to_numpy(dtype=bool, na_value=False)])
        chosen.extend(ranked.index[: top_k if top_k is not None else len(ranked)])
    return list(dict.fromkeys(chosen))


def _lanes(rec: pd.DataFrame, models: list[str]) -> list[tuple[str, str]]:
    """(model, track) pairs in model order, then natural track order."""
    pairs = rec[["model", "track"]].drop_duplicates().astype(str)
    return sorted(
        map(tuple, pairs.to_numpy()),
        key=lambda mt: (models.index(mt[0]), natural_key(mt[1])),
    )


def _text_rows(
    rec: pd.DataFrame, spans: pd.DataFrame | None, lanes: list[tuple[str, str]], text: Any
) -> dict[tuple[str, str], pd.DataFrame]:
    """Timed rows with text per lane to annotate (by ``text=`` rules)."""
    if text is False:
        return {}
    if spans is not None:
        require_columns(spans, [*KEYS, "begin", "end", "text"], func=FUNC, name="spans")
        first = rec.iloc[:1]
        if len(first):
            same = (spans["source"].astype(str) == str(first["source"].iloc[0])) & (
                spans["file"].astype(str) == str(first["file"].iloc[0])
            )
            table = spans[same.to_numpy(dtype=bool, na_value=False)]
        else:
            table = spans.iloc[:0]
    elif "text" in rec.columns:
        table = rec.drop_duplicates(KEYS)
    else:
        if text is True:
            raise ValueError(
                f"{FUNC}: text=True needs the words: pass spans=m.spans() (or Measurements "
                "as data, or a long table with a 'text' column)"
            )
        return {}
    table = table[
        table["text"].notna().to_numpy(dtype=bool)
        & np.isfinite(table["begin"].to_numpy(np.float64, na_value=np.nan))
    ]
    if table.empty:
        return {}
    out = {}
    model = table["model"].astype(str).to_numpy()
    track = table["track"].astype(str).to_numpy()
    for lane in lanes:
        rows = table[(model == lane[0]) & (track == lane[1])]
        if len(rows):
            out[lane] = rows[["begin", "end", "text"]]
    if text is None or text == "auto":
        for preferred in TEXT_MODELS:
            chosen = {k: v for k, v in out.items() if k[0] == preferred}
            if chosen:
                return chosen
        return {}
    if text is True:
        return out
    wanted = as_list(text) or []
    return {k: v for k, v in out.items() if k[0] in wanted}


def _title(rec: pd.DataFrame) -> str:
    title = str(rec["file"].iloc[0])
    src = str(rec["source"].iloc[0])
    if src != title and len(src) <= 40:
        title = f"{src} \u00b7 {title}"
    return title


@fill
def timeline(
    data: TableLike,
    *,
    source: str | None = None,
    file: str | None = None,
    name: str | Sequence[str] | None = None,
    top_k: int | None = 5,
    model: Model | Sequence[Model] | None = None,
    track: str | Sequence[str] | None = None,
    family: Family | Sequence[Family] | None = "emotion",
    text: bool | str | Sequence[str] | None = None,
    spans: pd.DataFrame | None = None,
    gap: float | None = None,
    palette: Mapping[str, Any] | None = None,
    ax: Axes | Sequence[Axes] | None = None,
    figsize: tuple[float, float] | None = None,
) -> npt.NDArray[np.object_]:
    """Draw one recording's expressions over time, one lane per model and track.

    x is seconds on the recording's clock, shared by every lane, so face, voice
    and words line up. Each (model, track) gets its own lane (``face`` ``face_0``
    and ``face_1``, ``prosody`` ``spk_0`` ...), in contract model order (face,
    burst, prosody, language, ...) and natural track order. Lanes of one model
    share their y range (so two faces compare directly); models keep their own,
    since their score scales differ.

    * **instants** (``end == begin``: face and video frames) are drawn as lines
      through the frame times, with markers when a lane has at most 80 frames; the
      line is broken where frames are missing for more than ``gap`` seconds (a face
      not detected), so no value is invented there;
    * **spans** (``end > begin``: words, utterances, windows) are horizontal
      segments covering their whole extent, never points at their midpoints;
      spans that touch or overlap the next one are joined by a thin riser, like a
      step plot;
    * **text**: the words or utterances of the language (else prosody, burst, ner)
      lane run along the top of that lane, each starting at its span's begin, in
      two alternating rows, truncated with "..." to the room they have;
    * one legend for the whole figure, one fixed colour per expression.

    Parameters
    ----------
    %(data_long)s
        With a ``Measurements`` the words come from its spans table.
    source, file : str, optional
        The recording to draw; needed only when the data holds several.
    name : str or sequence of str, optional
        Expressions to draw in every lane, matched exactly, else
        case-insensitively. Default: per model, the ``top_k`` names with the
        highest mean score over the recording (duration-weighted for spans), the
        union of these in the legend.
    top_k : int or None, default 5
        Names per model when ``name`` is not given (None: all).
    model : str or sequence of str, optional
        Models to draw, in this order (default: every model present).
    track : str or sequence of str, optional
        Tracks to draw (default: all).
    %(family)s
    text : bool or str or sequence of str, optional
        Word/utterance annotations. ``None`` (default): on the lanes of the first
        model among language, prosody, burst, ner that has text. ``True``: on every
        lane with text. ``False``: none. A model name or list: on those models.
    spans : DataFrame, optional
        Spans table supplying ``text`` (keys, ``begin``, ``end``, ``text``) when
        ``data`` is a long table without a ``text`` column.
    gap : float, optional
        Seconds without a frame after which an instant line is broken. Default:
        2.5 times the median frame interval of the lane.
    %(palette)s
    ax : Axes or sequence of Axes, optional
        One Axes per lane to draw into (their count must match the lanes).
        Default: a new figure with one row per lane.
    figsize : (float, float), optional
        Size of the new figure (default 7.5 in wide, 1.15 in per lane).

    Returns
    -------
    numpy.ndarray of Axes
        One Axes per lane, top to bottom (shape ``(n_lanes,)``, also for one lane),
        as ``plt.subplots`` returns them; the figure is ``axes[0].figure`` (a
        created figure also holds the legend). An array, unlike a Figure, does not
        render a second copy of the figure when it ends a notebook cell.

    Raises
    ------
    ValueError
        Several recordings and no ``source``/``file`` (lists them), unknown
        models, tracks or names, no timed rows.

    Notes
    -----
    Rows without time (raw text inputs) cannot be placed on a clock and are left
    out. Drawing is vectorised (one line or one ``LineCollection`` per lane and
    expression), so an hour of face data at 3 fps with 48 expressions (about
    500 000 long rows) draws in well under 5 s.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import humeresearch as hr
    >>> t = np.arange(0, 10, 1 / 3)
    >>> face = pd.DataFrame({"source": "a.mp4", "file": "a.mp4", "model": "face",
    ...     "track": "face_0", "span_id": np.tile(np.arange(len(t)), 2),
    ...     "begin": np.tile(t, 2), "end": np.tile(t, 2), "family": "emotion",
    ...     "name": np.repeat(["Joy", "Calmness"], len(t)),
    ...     "score": np.r_[np.sin(t) ** 2, np.cos(t) ** 2]})
    >>> words = pd.DataFrame({"source": "a.mp4", "file": "a.mp4", "model": "language",
    ...     "track": "unknown", "span_id": [0, 1], "begin": [1.0, 4.0], "end": [3.5, 6.0],
    ...     "family": "emotion", "name": "Joy", "score": [0.3, 0.6],
    ...     "text": ["hello there", "goodbye"]})
    >>> axes = hr.plot.timeline(pd.concat([face, words]))
    >>> [a.get_ylabel() for a in axes]
    ['face\\nface_0', 'language']
    >>> import matplotlib.pyplot as plt; plt.close(axes[0].figure)
    """
    if spans is None and text is not False and not isinstance(data, pd.DataFrame):
        spans_fn = getattr(data, "spans", None)
        spans = spans_fn() if callable(spans_fn) else None
    rec, models = _select(_timed(data, source, file, family), model, track)
    chosen = _pick_names(rec, models, name, top_k)
    colors = expression_colors(chosen, palette)
    lanes = _lanes(rec, models)
    fig, axes, created = lane_axes(ax, len(lanes), figsize)
    series = Series.of(rec, rec[rec["name"].isin(chosen).to_numpy()], models)
    words = _text_rows(rec, spans, lanes, text)
    tracks_per_model = pd.Series([m for m, _ in lanes]).value_counts()
    for lane, lane_ax in zip(lanes, axes):
        draw_series(lane_ax, lane, chosen, series, colors, gap)
        show_track = tracks_per_model[lane[0]] > 1 or lane[1] not in ("unknown", "")
        decorate_lane(lane_ax, lane, series, has_text=lane in words, show_track=show_track)
        if lane in words:
            transcript(lane_ax, words[lane], series.xlim)
    axes[-1].set_xlabel("time (s)")
    legend(fig, axes, chosen, colors, _title(rec), created)
    out = np.empty(len(axes), dtype=object)
    out[:] = axes
    return out
