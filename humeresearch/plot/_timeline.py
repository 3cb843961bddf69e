"""``timeline``: one recording's face, voice and words on one clock, one lane per model/track."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from humeresearch._contract import KEYS
from humeresearch.plot._common import (
    RASTER_ABOVE,
    as_list,
    as_long,
    expression_colors,
    keep_family,
    match_names,
    model_key,
    natural_key,
    rank_names,
    require,
)
from humeresearch.plot._docs import fill

FUNC = "timeline"
#: models whose spans carry words or utterances, in the order tried for ``text=None``
TEXT_MODELS = ("language", "prosody", "burst", "ner")
_TEXT_LEVELS = (0.95, 0.84)  # axes fraction of the two alternating transcript rows


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


def _break_gaps(x: np.ndarray, y: np.ndarray, gap: float) -> tuple[np.ndarray, np.ndarray]:
    """Insert NaN where consecutive instants are more than ``gap`` apart (no line drawn)."""
    cut = np.flatnonzero(np.diff(x) > gap) + 1
    if len(cut) == 0:
        return x, y
    return np.insert(x, cut, np.nan), np.insert(y, cut, np.nan)


def _draw_instants(ax: Axes, x: np.ndarray, y: np.ndarray, gap: float, color: Any) -> None:
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    marker = "o" if len(x) <= 80 else None
    x, y = _break_gaps(x, y, gap)
    (line,) = ax.plot(x, y, color=color, lw=1.1, marker=marker, ms=2.5, solid_joinstyle="round")
    line.set_rasterized(len(x) > RASTER_ABOVE)


def _draw_spans(ax: Axes, b: np.ndarray, e: np.ndarray, s: np.ndarray, color: Any) -> None:
    """Each span a horizontal segment over its extent; touching spans joined as steps."""
    order = np.lexsort((e, b))
    b, e, s = b[order], e[order], s[order]
    ok = np.isfinite(s)
    segs = np.stack([np.column_stack([b[ok], s[ok]]), np.column_stack([e[ok], s[ok]])], axis=1)
    ax.add_collection(LineCollection(segs, colors=[color], linewidths=2.0, capstyle="butt"))
    if len(b) > 1:
        tol = 1e-6 * max(1.0, float(np.nanmax(np.abs(e))))
        join = np.flatnonzero((b[1:] <= e[:-1] + tol) & ok[1:] & ok[:-1])
        if len(join):
            x = b[join + 1]
            risers = np.stack(
                [np.column_stack([x, s[join]]), np.column_stack([x, s[join + 1]])], axis=1
            )
            ax.add_collection(LineCollection(risers, colors=[color], linewidths=0.7))


def _transcript(ax: Axes, words: pd.DataFrame, xlim: tuple[float, float]) -> None:
    """Word/utterance text along the top of a lane, truncated to the room it has."""
    words = words.sort_values(["begin", "end"], kind="stable")
    b = words["begin"].to_numpy(np.float64)
    texts = words["text"].astype(str).to_numpy()
    fig = ax.figure
    width_in = ax.get_position().width * fig.get_figwidth()
    per_second = width_in / max(xlim[1] - xlim[0], 1e-9)
    fontsize = 0.85 * FontProperties(size=plt.rcParams["xtick.labelsize"]).get_size_in_points()
    char_in = 0.6 * fontsize / 72
    # a text may run on until the next text of the same row (rows alternate)
    nxt = np.append(b[2:], [xlim[1], xlim[1]])[: len(b)]
    room = (np.minimum(nxt, xlim[1]) - b) * per_second
    fit = np.floor(room / char_in).astype(int) - 2
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    for i, (text, n) in enumerate(zip(texts, fit)):
        text = " ".join(text.split())
        if n < 3 or not text:
            continue
        if len(text) > n:
            text = text[: n - 1].rstrip() + "\u2026"
        level = _TEXT_LEVELS[i % 2]
        ax.text(
            b[i],
            level,
            text,
            transform=trans,
            fontsize=fontsize,
            va="top",
            ha="left",
            color="0.2",
            clip_on=True,
        )


def _text_rows(
    rec: pd.DataFrame, spans: pd.DataFrame | None, lanes: list[tuple[str, str]], text: Any
) -> dict[tuple[str, str], pd.DataFrame]:
    """Timed rows with text per lane to annotate (by ``text=`` rules)."""
    if text is False:
        return {}
    if spans is not None:
        require(spans, [*KEYS, "begin", "end", "text"], FUNC, "spans")
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


def _lane_axes(
    ax: Axes | Sequence[Axes] | None, n: int, figsize: tuple[float, float] | None
) -> tuple[Figure, list[Axes], bool]:
    if ax is None:
        size = figsize or (7.5, 0.4 + 1.15 * n)
        fig, grid = plt.subplots(
            n, 1, sharex=True, squeeze=False, figsize=size, layout="constrained"
        )
        return fig, list(grid[:, 0]), True
    axes = [ax] if isinstance(ax, Axes) else list(np.ravel(np.asarray(ax, dtype=object)))
    if len(axes) != n or not all(isinstance(a, Axes) for a in axes):
        raise ValueError(
            f"{FUNC}: ax must be one matplotlib Axes per lane; the data has {n} lane(s) "
            f"(model x track), got {len(axes)} object(s)"
        )
    return axes[0].figure, axes, False


@fill
def timeline(
    data: Any,
    source: str | None = None,
    file: str | None = None,
    *,
    names: Sequence[str] | None = None,
    top_k: int | None = 5,
    models: str | Sequence[str] | None = None,
    tracks: str | Sequence[str] | None = None,
    family: str | Sequence[str] | None = "emotion",
    text: bool | str | Sequence[str] | None = None,
    spans: pd.DataFrame | None = None,
    gap: float | None = None,
    palette: Mapping[str, Any] | None = None,
    ax: Axes | Sequence[Axes] | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
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
    names : sequence of str, optional
        Expressions to draw in every lane, matched exactly, else
        case-insensitively. Default: per model, the ``top_k`` names with the
        highest mean score over the recording (duration-weighted for spans), the
        union of these in the legend.
    top_k : int or None, default 5
        Names per model when ``names`` is not given (None: all).
    models : str or sequence of str, optional
        Models to draw, in this order (default: every model present).
    tracks : str or sequence of str, optional
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
    Figure
        The figure; its lanes are ``fig.axes`` (top to bottom; a created figure
        also holds the legend).

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
    >>> fig = hr.plot.timeline(pd.concat([face, words]))
    >>> [a.get_ylabel() for a in fig.axes]
    ['face\\nface_0', 'language']
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    if spans is None and text is not False and not isinstance(data, pd.DataFrame):
        spans_fn = getattr(data, "spans", None)
        spans = spans_fn() if callable(spans_fn) else None
    long = as_long(data, FUNC)
    if long.empty:
        raise ValueError(f"{FUNC}: the data has no rows")
    rec = keep_family(_recording(long, source, file), family, FUNC)
    timed = np.isfinite(rec["begin"].to_numpy(np.float64, na_value=np.nan))
    if not timed.any():
        raise ValueError(f"{FUNC}: no row has a time (raw text cannot be placed on a clock)")
    rec = rec if timed.all() else rec[timed]

    present = sorted(map(str, pd.unique(rec["model"].dropna())), key=model_key)
    wanted_models = as_list(models)
    if wanted_models is not None:
        unknown = [m for m in wanted_models if m not in present]
        if unknown:
            raise ValueError(f"{FUNC}: models {unknown} not in the recording; it has {present}")
        present = list(dict.fromkeys(wanted_models))
        rec = rec[rec["model"].isin(present).to_numpy()]
    wanted_tracks = as_list(tracks)
    if wanted_tracks is not None:
        have = sorted(map(str, pd.unique(rec["track"].dropna())), key=natural_key)
        unknown = [t for t in wanted_tracks if t not in have]
        if unknown:
            raise ValueError(f"{FUNC}: tracks {unknown} not in the recording; it has {have}")
        rec = rec[rec["track"].isin(wanted_tracks).to_numpy()]

    chosen = _pick_names(rec, present, names, top_k)
    colors = expression_colors(chosen, palette)
    sel = rec[rec["name"].isin(chosen).to_numpy()]

    pairs = rec[["model", "track"]].drop_duplicates().astype(str)
    lanes = sorted(
        map(tuple, pairs.to_numpy()),
        key=lambda mt: (present.index(mt[0]), natural_key(mt[1])),
    )
    fig, axes, created = _lane_axes(ax, len(lanes), figsize)

    begin = rec["begin"].to_numpy(np.float64)
    end = rec["end"].to_numpy(np.float64, na_value=np.nan)
    end = np.where(np.isfinite(end), end, begin)
    xlim = (float(begin.min()), float(max(end.max(), begin.min() + 1e-9)))
    groups = sel.groupby(["model", "track", "name"], observed=True, sort=False).indices
    sb = sel["begin"].to_numpy(np.float64)
    se = sel["end"].to_numpy(np.float64, na_value=np.nan)
    se = np.where(np.isfinite(se), se, sb)
    ss = sel["score"].to_numpy(np.float64, na_value=np.nan)

    tracks_per_model = pd.Series([m for m, _ in lanes]).value_counts()
    ytop: dict[str, float] = {}
    ybottom: dict[str, float] = {}
    for model in present:
        in_model = (sel["model"] == model).to_numpy(dtype=bool, na_value=False)
        vals = ss[in_model & np.isfinite(ss)]
        ytop[model] = float(vals.max()) if len(vals) else 1.0
        ybottom[model] = min(0.0, float(vals.min())) if len(vals) else 0.0
    words = _text_rows(rec, spans, lanes, text)

    for lane, lane_ax in zip(lanes, axes):
        model, track = lane
        for name in chosen:
            rows = groups.get((model, track, name))
            if rows is None:
                continue
            b, e, s = sb[rows], se[rows], ss[rows]
            inst = e == b
            if inst.any():
                steps = np.diff(np.unique(b[inst]))
                lane_gap = (
                    gap
                    if gap is not None
                    else (2.5 * float(np.median(steps)) if len(steps) else np.inf)
                )
                _draw_instants(lane_ax, b[inst], s[inst], lane_gap, colors[name])
            if (~inst).any():
                _draw_spans(lane_ax, b[~inst], e[~inst], s[~inst], colors[name])
        top = ytop[model] if ytop[model] > ybottom[model] else ybottom[model] + 1.0
        pad = 0.06 * (top - ybottom[model])
        room = 1.55 if lane in words else 1.0
        lane_ax.set_ylim(ybottom[model], ybottom[model] + (top - ybottom[model] + pad) * room)
        ticks = MaxNLocator(nbins=3).tick_values(ybottom[model], top)
        lane_ax.set_yticks(ticks[(ticks >= ybottom[model]) & (ticks <= top + pad)])
        lane_ax.set_xlim(*xlim)
        show_track = tracks_per_model[model] > 1 or track not in ("unknown", "")
        label = f"{model}\n{track}" if show_track else model
        lane_ax.set_ylabel(label, rotation=0, ha="right", va="center", labelpad=6)
        lane_ax.spines[["top", "right"]].set_visible(False)
        lane_ax.tick_params(axis="y", labelsize="small")
        lane_ax.margins(x=0)
        if lane in words:
            _transcript(lane_ax, words[lane], xlim)
    axes[-1].set_xlabel("time (s)")

    handles = [Line2D([], [], color=colors[n], lw=2.0, label=str(n)) for n in chosen]
    title = str(rec["file"].iloc[0])
    src = str(rec["source"].iloc[0])
    if src != title and len(src) <= 40:
        title = f"{src} \u00b7 {title}"
    if created:
        fig.legend(handles=handles, loc="outside right upper", title="expression", frameon=False)
        fig.suptitle(title, x=0.01, ha="left", fontsize="medium")
    else:
        axes[0].legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            title="expression",
            frameon=False,
        )
        axes[0].set_title(title, loc="left", fontsize="medium")
    return fig
