"""Figures into an ``Output`` widget as PNG images (from any thread, without a front-end)."""

from __future__ import annotations

import base64
import html
import io
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as w

#: pyplot is not thread-safe: figures are drawn one at a time.
_DRAWING = threading.Lock()


def draw_into(out: w.Output, draw: Callable[[], Any]) -> Any:
    """Draw with ``draw`` (returns Axes, an array of Axes or a Figure) and show it in ``out``.

    The figure is rendered to PNG, shown as the only output of ``out`` and closed, so
    nothing is left for the inline backend to show again. Returns the (closed) Figure.

    Examples
    --------
    >>> import ipywidgets as w, matplotlib.pyplot as plt
    >>> out = w.Output()
    >>> fig = draw_into(out, lambda: plt.subplots()[1])
    >>> sorted(out.outputs[0]["data"]), fig.get_axes() != []
    (['image/png', 'text/plain'], True)
    """
    import matplotlib.pyplot as plt

    with _DRAWING:
        drawn = draw()
        first = drawn.flat[0] if hasattr(drawn, "flat") else drawn
        fig = first if hasattr(first, "savefig") else first.figure
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
        plt.close(fig)
    data = {
        "image/png": base64.b64encode(buf.getvalue()).decode("ascii"),
        "text/plain": f"<Figure with {len(fig.get_axes())} Axes>",
    }
    out.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)
    return fig


def say_into(out: w.Output, text: str) -> None:
    """Show a short message instead of a figure in ``out``.

    Examples
    --------
    >>> import ipywidgets as w
    >>> out = w.Output()
    >>> say_into(out, "nothing selected")
    >>> out.outputs[0]["data"]["text/plain"]
    'nothing selected'
    """
    data = {"text/html": f"<i>{html.escape(text)}</i>", "text/plain": text}
    out.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)


def png_of(out: w.Output) -> bytes | None:
    """The PNG an ``Output`` shows (None when it shows none).

    Examples
    --------
    >>> import ipywidgets as w
    >>> png_of(w.Output()) is None
    True
    """
    for output in out.outputs:
        png = output.get("data", {}).get("image/png")
        if png:
            return base64.b64decode(png)
    return None
