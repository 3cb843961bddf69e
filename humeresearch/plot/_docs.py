"""Docstring fragments shared by the plotting functions, written once (seaborn style).

A function decorated with :func:`fill` has every ``%(key)s`` of its docstring
replaced by the fragment below (a literal percent sign is written ``%%``). Each
fragment is a numpydoc parameter entry whose first line goes where the
placeholder stands (already indented) and whose continuation lines carry their
own 8-space indentation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

DOCS: dict[str, str] = {
    "data_long": """data : TableLike
        Long contract table (``source, file, model, track, span_id, begin, end,
        family, name, score``, extra columns kept), a wide table (melted, NaN scores
        dropped), or a ``Measurements`` (its ``.long()``).""",
    "name": """name : str or sequence of str, optional
        Expressions to draw, in this order. Matched exactly, else
        case-insensitively (``"joy"`` finds ``Joy``). Default: the ``top_k``
        highest by mean score.""",
    "family": """family : str or sequence of str or None, default "emotion"
        Keep only these families (``emotion``, ``facs``, ``description``,
        ``sentiment``, ``toxicity``, ``voice_attribute``); ``None`` keeps all.""",
    "palette": """palette : mapping, optional
        Colours for some expression names (name -> matplotlib colour), overriding
        :func:`humeresearch.plot.palette`.""",
    "ax": """ax : matplotlib Axes, optional
        Axes to draw into. Default: a new figure of size ``figsize``.""",
    "figsize": """figsize : (float, float), optional
        Size in inches of the new figure (ignored with ``ax``); default chosen from
        the number of rows drawn.""",
    "results_p": """p : str, default "p_adj"
        Column of the p-values that decide significance (the corrected ones by
        default; ``"p"`` for raw p-values).""",
    "alpha": """alpha : float, default 0.05
        Significance level: rows with ``p < alpha`` are marked.""",
    "effect": """effect : str, optional
        Column of the effect. Default: ``"effect"`` when the table has it (the
        output of :func:`humeresearch.compare`), else ``"estimate"`` (the output of
        :func:`humeresearch.mixed`).""",
    "returns_ax": """Axes
        The Axes drawn on.""",
    "colors_note": """Expressions are drawn in their fixed colours (see
    :func:`humeresearch.plot.palette`); groups in shades of slate (see
    :func:`humeresearch.plot.group_palette`).""",
}


def fill(func: F) -> F:
    """Replace the ``%(key)s`` placeholders of ``func.__doc__`` by :data:`DOCS`."""
    if func.__doc__:
        func.__doc__ = func.__doc__ % DOCS
    return func
