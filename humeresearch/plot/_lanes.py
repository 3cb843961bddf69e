"""Drawing the lanes of ``timeline``: instants, spans, transcripts, lane axes, legend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from humeresearch._contract import KEYS
from humeresearch._tables import as_list, require_columns
from humeresearch.plot._common import RASTER_ABOVE

FUNC = "timeline"
#: models whose spans carry words or utterances, in the order tried for ``text=None``
TEXT_MODELS = ("language", "prosody", "burst", "ner")
_TEXT_LEVELS = (0.95, 0.84)  # axes fraction of the two alternating transcript rows


@dataclass
class Series:
    """The selected rows of a recording as arrays, grouped per (model, track, name)."""

    groups: dict[tuple[Any, ...], np.ndarray]  # row positions per (model, track, name)
    begin: np.ndarray
    end: np.ndarray  # ``begin`` where the end is missing
    score: np.ndarray
    xlim: tuple[float, float]  # the recording's clock (every row, not only the selected)
    ybottom: dict[str, float]  # per model: min(0, lowest score)
    ytop: dict[str, float]  # per model: highest score

    @classmethod
    def of(cls, rec: pd.DataFrame, sel: pd.DataFrame, models: Sequence[str]) -> Series:
        """Arrays of ``sel`` (the rows of the chosen names) on the clock of ``rec``."""
        begin = rec["begin"].to_numpy(np.float64)
        end = rec["end"].to_numpy(np.float64, na_value=np.nan)
        end = np.where(np.isfinite(end), end, begin)
        xlim = (float(begin.min()), float(max(end.max(), begin.min() + 1e-9)))
        sb = sel["begin"].to_numpy(np.float64)
        se = sel["end"].to_numpy(np.float64, na_value=np.nan)
        se = np.where(np.isfinite(se), se, sb)
        ss = sel["score"].to_numpy(np.float64, na_value=np.nan)
        ytop: dict[str, float] = {}
        ybottom: dict[str, float] = {}
        for model in models:
            in_model = (sel["model"] == model).to_numpy(dtype=bool, na_value=False)
            vals = ss[in_model & np.isfinite(ss)]
            ytop[model] = float(vals.max()) if len(vals) else 1.0
            ybottom[model] = min(0.0, float(vals.min())) if len(vals) else 0.0
        groups = sel.groupby(["model", "track", "name"], observed=True, sort=False).indices
        return cls(groups, sb, se, ss, xlim, ybottom, ytop)


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


def draw_series(
    ax: Axes,
    lane: tuple[str, str],
    names: Sequence[str],
    series: Series,
    colors: Mapping[str, Any],
    gap: float | None,
) -> None:
    """Every chosen name of one lane: instants as broken lines, spans as segments."""
    model, track = lane
    for name in names:
        rows = series.groups.get((model, track, name))
        if rows is None:
            continue
        b, e, s = series.begin[rows], series.end[rows], series.score[rows]
        inst = e == b
        if inst.any():
            steps = np.diff(np.unique(b[inst]))
            lane_gap = (
                gap
                if gap is not None
                else (2.5 * float(np.median(steps)) if len(steps) else np.inf)
            )
            _draw_instants(ax, b[inst], s[inst], lane_gap, colors[name])
        if (~inst).any():
            _draw_spans(ax, b[~inst], e[~inst], s[~inst], colors[name])


def decorate_lane(
    ax: Axes, lane: tuple[str, str], series: Series, *, has_text: bool, show_track: bool
) -> None:
    """y range of the lane's model (room above for text), ticks, clock and label."""
    model, track = lane
    bottom = series.ybottom[model]
    top = series.ytop[model] if series.ytop[model] > bottom else bottom + 1.0
    pad = 0.06 * (top - bottom)
    room = 1.55 if has_text else 1.0
    ax.set_ylim(bottom, bottom + (top - bottom + pad) * room)
    ticks = MaxNLocator(nbins=3).tick_values(bottom, top)
    ax.set_yticks(ticks[(ticks >= bottom) & (ticks <= top + pad)])
    ax.set_xlim(*series.xlim)
    label = f"{model}\n{track}" if show_track else model
    ax.set_ylabel(label, rotation=0, ha="right", va="center", labelpad=6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="y", labelsize="small")
    ax.margins(x=0)


def text_rows(
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


def transcript(ax: Axes, words: pd.DataFrame, xlim: tuple[float, float]) -> None:
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


@dataclass
class Plan:
    """What every panel shares: lanes, names and colours, clock and score ranges."""

    lanes: list[tuple[str, str]]
    models: list[str]
    chosen: list[str]
    colors: Mapping[str, Any]
    scale: Series
    show_track: dict[tuple[str, str], bool]
    with_text: set[tuple[str, str]]
    gap: float | None


def draw_panel(
    block: npt.NDArray[np.object_], rows: pd.DataFrame, words: dict[Any, pd.DataFrame],
    plan: Plan, *, first_col: bool,
) -> None:  # fmt: skip
    """The lanes of one recording on the shared clock and score ranges."""
    sel = rows[rows["name"].isin(plan.chosen).to_numpy()]
    scale = plan.scale
    series = replace(Series.of(rows, sel, plan.models), xlim=scale.xlim, ybottom=scale.ybottom,
                     ytop=scale.ytop)  # fmt: skip
    for lane, lane_ax in zip(plan.lanes, block):
        draw_series(lane_ax, lane, plan.chosen, series, plan.colors, plan.gap)
        decorate_lane(lane_ax, lane, series, has_text=lane in plan.with_text,
                      show_track=plan.show_track[lane])  # fmt: skip
        if lane in words:
            transcript(lane_ax, words[lane], series.xlim)
        if not first_col:
            lane_ax.set_ylabel("")
            lane_ax.tick_params(labelleft=False)


def lane_axes(
    ax: Axes | Sequence[Axes] | None, n: int, figsize: tuple[float, float] | None
) -> tuple[Figure, list[Axes], bool]:
    """The figure, one Axes per lane (new ones unless given), and whether they are new."""
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


def grid_axes(
    ax: Any, n: int, shape: tuple[int, int], figsize: tuple[float, float] | None
) -> tuple[Figure, np.ndarray]:
    """A new figure for a faceted timeline: ``n`` lanes per panel, one panel per (row, col)
    facet, as a 2-D array of shape ``(n_rows * n, n_cols)`` sharing the clock."""
    if ax is not None:
        raise ValueError(f"{FUNC}: ax= cannot be combined with col= or row=; pass figsize=")
    n_rows, n_cols = shape
    size = figsize or (max(7.5, 1.6 + 4.2 * n_cols), 0.4 + (0.35 + 1.15 * n) * n_rows)
    fig, grid = plt.subplots(
        n_rows * n, n_cols, sharex=True, squeeze=False, figsize=size, layout="constrained"
    )
    out = np.empty(grid.shape, dtype=object)
    out[...] = grid
    return fig, out


def legend(
    fig: Figure,
    axes: list[Axes],
    names: Sequence[str],
    colors: Mapping[str, Any],
    title: str,
    created: bool,
) -> None:
    """One legend of the expressions and the recording as title (none when empty): the
    figure's, or the first lane's when the Axes were given."""
    handles = [Line2D([], [], color=colors[n], lw=2.0, label=str(n)) for n in names]
    if created:
        fig.legend(handles=handles, loc="outside right upper", title="expression", frameon=False)
        if title:
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
