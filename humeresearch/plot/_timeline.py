"""``timeline``: one recording's face, voice and words on one clock, one lane per model/track."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes

from humeresearch._tables import TableLike, as_list, as_long
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
from humeresearch.plot._facets import Facets
from humeresearch.plot._lanes import (
    Plan,
    Series,
    draw_panel,
    grid_axes,
    lane_axes,
    legend,
    text_rows,
)

FUNC = "timeline"
#: columns that are the lanes, the clock or the values of a timeline, never its facets.
_NOT_FACETS = ("model", "track", "span_id", "begin", "end", "score", "text")


def _recording(
    long: pd.DataFrame, source: str | None, file: str | None, *, one: bool = True
) -> pd.DataFrame:
    """Rows of one (source, file) (of any number with ``one=False``); raise listing the
    recordings when none matches or, with ``one``, when several do."""
    mask = np.ones(len(long), dtype=bool)
    if source is not None:
        mask &= (long["source"] == source).to_numpy(dtype=bool, na_value=False)
    if file is not None:
        mask &= (long["file"] == file).to_numpy(dtype=bool, na_value=False)
    rec = long if mask.all() else long[mask]
    pairs = rec[["source", "file"]].drop_duplicates()
    if len(pairs) == 1 or (len(pairs) > 1 and not one):
        return rec
    if len(pairs) == 0:
        known = long[["source", "file"]].drop_duplicates().head(10)
        raise ValueError(
            f"{FUNC}: no rows for source={source!r}, file={file!r}; recordings in the data "
            f"(first 10): {list(map(tuple, known.astype(str).to_numpy()))}"
        )
    raise ValueError(
        f"{FUNC}: the data holds {len(pairs)} recordings; pick one with source= and file=, "
        f"or draw one per panel with col='source' (first 10: "
        f"{list(map(tuple, pairs.head(10).astype(str).to_numpy()))})"
    )


def _timed(
    data: TableLike,
    source: str | None,
    file: str | None,
    family: str | Sequence[str] | None,
    *,
    one: bool,
) -> pd.DataFrame:
    """The timed rows of one recording (any number with ``one=False``) and the families
    asked for."""
    long = as_long(data, func=FUNC)
    if long.empty:
        raise ValueError(f"{FUNC}: the data has no rows")
    rec = keep_family(_recording(long, source, file, one=one), family, FUNC)
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


def _title(rec: pd.DataFrame) -> str:
    title = str(rec["file"].iloc[0])
    src = str(rec["source"].iloc[0])
    if src != title and len(src) <= 40:
        title = f"{src} \u00b7 {title}"
    return title


def _facets(rec: pd.DataFrame, col: str | None, row: str | None) -> Facets:
    """The panels of ``col``/``row``: never the lane, clock or value columns."""
    for option, column in (("col", col), ("row", row)):
        if column in _NOT_FACETS:
            raise ValueError(
                f"{FUNC}: {option}={column!r} cannot be a facet: the lanes are one per model "
                "and track on the time axis; facet by a recording ('source', 'file') or a "
                "design column (e.g. 'condition', 'participant')"
            )
    return Facets.of(rec, col, row, FUNC)


def _panels(rec: pd.DataFrame, facets: Facets) -> dict[tuple[int, int], pd.DataFrame]:
    """The rows of every non-empty panel; each must hold one recording (one clock)."""
    out = {}
    for cell in facets.cells():
        rows = rec[facets.mask(rec, *cell)]
        if rows.empty:
            continue
        pairs = rows[["source", "file"]].drop_duplicates()
        if len(pairs) > 1:
            raise ValueError(
                f"{FUNC}: the panel {facets.title(*cell)!r} holds {len(pairs)} recordings "
                f"(first 5: {list(map(tuple, pairs.head(5).astype(str).to_numpy()))}); a panel "
                "draws one recording on its clock: facet by 'source' or 'file' too (col= and "
                "row=), or select the rows first"
            )
        out[cell] = rows
    return out


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
    col: str | None = None,
    row: str | None = None,
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

    With ``col=`` / ``row=`` the data may hold several recordings: one timeline
    per value of these columns, side by side (``col``) or stacked (``row``),
    e.g. ``col="source"`` for one recording per column, or ``row="participant",
    col="condition"`` for a study's recordings on a grid. Each panel draws exactly
    one recording (a panel with several is refused, naming them) with the same
    lanes, expressions and colours, on shared scales: one clock (x from the
    earliest to the latest time of all panels) and one score range per model
    across all panels. Lane labels are on the first column, the facet values
    above each panel; a combination without rows is an empty panel.

    Parameters
    ----------
    %(data_long)s
        With a ``Measurements`` the words come from its spans table.
    source, file : str, optional
        The recording to draw; needed only when the data holds several and no
        ``col``/``row`` splits them (with facets: a selection of the rows).
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
    col, row : str, optional
        Facet columns (a recording key such as ``"source"`` or ``"file"``, or a
        design column such as ``"condition"`` or ``"participant"``; not ``model``
        or ``track``, which are the lanes): one panel per value, levels in
        categorical or sorted order.
    %(palette)s
    ax : Axes or sequence of Axes, optional
        One Axes per lane to draw into (their count must match the lanes; not
        with ``col``/``row``). Default: a new figure with one row per lane.
    figsize : (float, float), optional
        Size of the new figure (default 7.5 in wide, 1.15 in per lane; with
        facets 4.2 in per column and 1.15 in per lane of every row).

    Returns
    -------
    numpy.ndarray of Axes
        One Axes per lane, top to bottom (shape ``(n_lanes,)``, also for one lane),
        as ``plt.subplots`` returns them; the figure is ``axes[0].figure`` (a
        created figure also holds the legend). An array, unlike a Figure, does not
        render a second copy of the figure when it ends a notebook cell. With
        ``col`` or ``row``: a 2-D array of shape ``(n_row_levels * n_lanes,
        n_col_levels)``, the figure's grid of Axes: the lanes of row level ``i``
        and column level ``j`` are ``axes[i * n_lanes:(i + 1) * n_lanes, j]``.

    Raises
    ------
    ValueError
        Several recordings and no ``source``/``file`` or facets (lists them), a
        panel with several recordings, a lane column as facet, ``ax`` with
        facets, unknown models, tracks or names, no timed rows.

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

    One timeline per recording, side by side on one clock and score scale:

    >>> both = pd.concat([face, face.assign(source="b.mp4", file="b.mp4")])
    >>> grid = hr.plot.timeline(both, col="source")
    >>> grid.shape, grid[0, 1].get_title(loc="left")
    ((1, 2), 'source = b.mp4')
    >>> plt.close("all")
    """
    if spans is None and text is not False and not isinstance(data, pd.DataFrame):
        spans_fn = getattr(data, "spans", None)
        spans = spans_fn() if callable(spans_fn) else None
    faceted = col is not None or row is not None
    rec, models = _select(_timed(data, source, file, family, one=not faceted), model, track)
    facets = _facets(rec, col, row)
    panels = _panels(rec, facets)
    chosen = _pick_names(rec, models, name, top_k)
    lanes = _lanes(rec, models)
    words = {cell: text_rows(rows, spans, lanes, text) for cell, rows in panels.items()}
    tracks_per_model = pd.Series([m for m, _ in lanes]).value_counts()
    plan = Plan(
        lanes=lanes,
        models=models,
        chosen=chosen,
        colors=expression_colors(chosen, palette),
        scale=Series.of(rec, rec[rec["name"].isin(chosen).to_numpy()], models),
        show_track={
            (m, t): bool(tracks_per_model[m] > 1 or t not in ("unknown", "")) for m, t in lanes
        },
        with_text=set().union(*words.values()),
        gap=gap,
    )
    n = len(lanes)
    if faceted:
        fig, grid = grid_axes(ax, n, facets.shape, figsize)
        created = True
    else:
        fig, axes, created = lane_axes(ax, n, figsize)
        grid = np.empty((n, 1), dtype=object)
        grid[:, 0] = axes
    for cell in facets.cells():
        block = grid[cell[0] * n : (cell[0] + 1) * n, cell[1]]
        if cell not in panels:
            for lane_ax in block:
                lane_ax.set_axis_off()
            continue
        draw_panel(block, panels[cell], words[cell], plan, first_col=cell[1] == 0)
        if faceted:
            block[0].set_title(facets.title(*cell), loc="left", fontsize="medium")
    for lane_ax in grid[-1, :]:
        lane_ax.set_xlabel("time (s)")
    legend(fig, list(grid[:, 0]), chosen, plan.colors, "" if faceted else _title(rec), created)
    return grid if faceted else grid[:, 0].copy()
