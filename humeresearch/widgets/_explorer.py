"""``Explorer``: browse measurements by recording, model, track, family and expression."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, Literal

import ipywidgets as w
import numpy as np
import pandas as pd

from humeresearch._tables import TableLike, as_long, check_option
from humeresearch.widgets._figures import draw_into, say_into

#: the figures an Explorer draws.
VIEWS: tuple[str, ...] = ("timeline", "heatmap", "distribution")
View = Literal["timeline", "heatmap", "distribution"]
#: the selector value meaning "every model" / "every track".
ALL = "(all)"
_STYLE = {"description_width": "80px"}
_VIEW_LABEL = "<div style='text-align:right;padding-right:8px'>view</div>"
_LAYOUT = {"width": "330px"}


def _options(values: Any) -> list[str]:
    return sorted({str(v) for v in values})


def _labelled(values: list[str]) -> list[tuple[str, str]]:
    """(label, value) pairs: file names as labels when they tell the values apart."""
    labels = [PurePath(v).name or v for v in values]
    if len(set(labels)) < len(labels):
        labels = list(values)
    return list(zip(labels, values))


class Explorer(w.VBox):
    """Browse measurements: pick a recording, model, track, family, expressions and time range.

    The figure (a timeline, a heatmap over time or the score distributions) follows
    every change; :attr:`selection` is the table of the selected rows.

    Parameters
    ----------
    data : Measurements or DataFrame
        Measurements, or a long (or wide) contract table.
    view : {"timeline", "heatmap", "distribution"}, default "timeline"
    top_k : int, default 5
        Expressions selected at first (those with the highest mean score).

    Attributes
    ----------
    source, file, model, track, family : ipywidgets.Dropdown
        Options are (label, value) pairs; recordings are labelled by their file name
        when that tells them apart.
    names : ipywidgets.SelectMultiple
        The expressions.
    time : ipywidgets.FloatRangeSlider
        Seconds on the recording's clock.
    view : ipywidgets.ToggleButtons
    figure : ipywidgets.Output
        The figure, as a PNG image.
    last_figure : matplotlib.figure.Figure or None
        The figure drawn last (closed; its Axes can be inspected).

    Examples
    --------
    >>> from humeresearch.testing import measurements
    >>> from humeresearch.widgets import Explorer
    >>> ex = Explorer(measurements(sources=("a.mp4", "b.mp4"), models=("face",)), top_k=2)
    >>> ex.source.value, [value for _, value in ex.source.options], ex.names.value
    ('a.mp4', ['a.mp4', 'b.mp4'], ('Joy', 'Sadness'))
    >>> ex.time.value = (0.0, 2.0)
    >>> bool(ex.selection["begin"].max() <= 2.0), ex.view.value
    (True, 'timeline')
    """

    def __init__(self, data: TableLike, *, view: View = "timeline", top_k: int = 5) -> None:
        super().__init__()
        check_option(view, VIEWS, name="view", func="Explorer")
        self._data = data
        self.long = as_long(data, func="Explorer")
        if self.long.empty:
            raise ValueError("Explorer: the data holds no scores")
        spans = getattr(data, "spans", None)
        self._spans = spans() if callable(spans) else None
        self.top_k = top_k
        self.last_figure: Any = None
        self._quiet = True
        self.source = self._dropdown("source", _labelled(_options(self.long["source"])))
        self.file = self._dropdown("file", [])
        self.model = self._dropdown("model", [])
        self.track = self._dropdown("track", [])
        self.family = self._dropdown("family", [])
        self.names = w.SelectMultiple(
            options=[], description="expressions", rows=8, style=_STYLE, layout=w.Layout(**_LAYOUT)
        )
        self.time = w.FloatRangeSlider(
            value=(0.0, 1.0),
            min=0.0,
            max=1.0,
            step=0.1,
            description="time (s)",
            continuous_update=False,
            readout_format=".1f",
            style=_STYLE,
            layout=w.Layout(width="480px"),
        )
        self.view = w.ToggleButtons(options=list(VIEWS), value=view)
        self.figure = w.Output()
        self.figure.add_class("hr-explorer-figure")
        self.add_class("hr-explorer")
        chain = [
            (self.source, self._source_changed),
            (self.file, self._file_changed),
            (self.model, self._model_changed),
            (self.track, self._track_changed),
            (self.family, self._family_changed),
            (self.names, self._redraw),
            (self.time, self._redraw),
            (self.view, self._redraw),
        ]
        for control, handler in chain:
            control.observe(handler, names="value")
        left = w.VBox([self.source, self.file, self.model, self.track, self.family])
        self.children = [
            w.HBox([left, self.names]),
            self.time,
            w.HBox([w.HTML(_VIEW_LABEL, layout=w.Layout(width="88px")), self.view]),
            self.figure,
        ]
        self._quiet = False
        self._source_changed()

    def _dropdown(self, name: str, options: list[tuple[str, str]]) -> w.Dropdown:
        return w.Dropdown(
            options=options, description=name, style=_STYLE, layout=w.Layout(**_LAYOUT)
        )

    # -- the cascade: each selector narrows the next ------------------------------------

    def _rows(self, upto: str) -> pd.DataFrame:
        """The rows matching the selectors before ``upto`` in the cascade."""
        d = self.long
        for name in ("source", "file", "model", "track", "family"):
            if name == upto:
                break
            value = getattr(self, name).value
            if value is not None and value != ALL:
                d = d[d[name].astype(str) == value]
        return d

    def _set(self, control: w.Dropdown, options: list[str], prefer: str | None = None) -> None:
        old = control.value
        control.options = _labelled(options)
        keep = old if old in options else prefer if prefer in options else None
        control.value = keep if keep is not None else (options[0] if options else None)

    def _cascade(self, start: str) -> None:
        steps = ("file", "model", "track", "family")
        quiet, self._quiet = self._quiet, True
        try:
            for name in steps[steps.index(start) :] if start in steps else ():
                values = _options(self._rows(name)[name])
                if name in ("model", "track") and len(values) > 1:
                    values = [ALL, *values]
                self._set(getattr(self, name), values, "emotion" if name == "family" else None)
            self._reset_names()
            self._reset_time()
        finally:
            self._quiet = quiet
        self._redraw()

    def _source_changed(self, change: Any = None) -> None:
        self._cascade("file")

    def _file_changed(self, change: Any = None) -> None:
        if not self._quiet:
            self._cascade("model")

    def _model_changed(self, change: Any = None) -> None:
        if not self._quiet:
            self._cascade("track")

    def _track_changed(self, change: Any = None) -> None:
        if not self._quiet:
            self._cascade("family")

    def _family_changed(self, change: Any = None) -> None:
        if not self._quiet:
            self._cascade("names")

    def _reset_names(self) -> None:
        d = self._rows("names")
        means = d.groupby(d["name"].astype(str), observed=True)["score"].mean()
        top = means.sort_values(ascending=False, kind="stable").index[: self.top_k]
        self.names.options = sorted(means.index)
        self.names.value = tuple(sorted(top))

    def _reset_time(self) -> None:
        d = self._rows("names")
        lo = float(np.nanmin(d["begin"])) if d["begin"].notna().any() else 0.0
        hi = float(np.nanmax(d["end"])) if d["end"].notna().any() else 1.0
        lo, hi = (lo, hi) if hi > lo else (lo, lo + 1.0)
        step = max((hi - lo) / 200, 0.01)
        with self.time.hold_trait_notifications():
            self.time.min = -1e12  # widen first: min and max are validated against each other
            self.time.max = hi
            self.time.min = lo
            self.time.step = step
            self.time.value = (lo, hi)

    # -- the selection and its figure ---------------------------------------------------

    @property
    def selection(self) -> pd.DataFrame:
        """The selected rows of the long table (every selector applied).

        Rows overlapping the time range are kept (a span reaching into it counts).
        """
        d = self._rows("names")
        d = d[d["name"].astype(str).isin(self.names.value)]
        lo, hi = self.time.value
        timed = d["begin"].notna()
        inside = (d["end"] >= lo) & (d["begin"] <= hi)
        return d[~timed | inside]

    def _redraw(self, change: Any = None) -> None:
        if self._quiet:
            return
        self.redraw()

    def redraw(self) -> None:
        """Draw the current view of the current selection into :attr:`figure`.

        Examples
        --------
        >>> from humeresearch.testing import measurements
        >>> ex = Explorer(measurements(duration=2.0), view="heatmap")
        >>> ex.redraw()
        >>> ex.figure.outputs[0]["data"]["text/plain"], ex.last_figure.get_axes()[0].get_xlabel()
        ('<Figure with 2 Axes>', 'time (s)')
        """
        from humeresearch import plot

        sel = self.selection
        names: Sequence[str] = list(self.names.value)
        if sel.empty or not names:
            self.last_figure = None
            say_into(self.figure, "nothing selected: choose at least one expression")
            return
        family = self.family.value
        view = self.view.value
        if view == "timeline":
            spans = self._spans_of(sel)

            def draw() -> Any:
                return plot.timeline(sel, name=names, family=family, spans=spans, top_k=None)
        elif view == "heatmap":

            def draw() -> Any:
                return plot.heatmap(sel, name=names, family=family)
        else:

            def draw() -> Any:
                return plot.distribution(sel, name=names, family=family, top_k=None)

        try:
            self.last_figure = draw_into(self.figure, draw)
        except (ValueError, KeyError) as exc:
            self.last_figure = None
            say_into(self.figure, f"cannot draw this selection: {exc}")

    def _spans_of(self, sel: pd.DataFrame) -> pd.DataFrame | None:
        """The spans table of the selected recording (for words on the timeline)."""
        if self._spans is None or "text" not in self._spans.columns:
            return None
        s = self._spans
        return s[s["source"].astype(str).isin(sel["source"].astype(str).unique())]
