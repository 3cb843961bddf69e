"""Publication figures from the contract tables and the statistics results.

Every function takes its data as the first argument (every other argument is
keyword-only), draws with matplotlib (and seaborn), and returns the Axes it drew
on; the multi-lane :func:`timeline` returns a NumPy array of Axes, one per lane (as
``plt.subplots`` does). ``distribution`` and ``forest`` facet with ``col=``/``row=`` (one panel per value,
shared scales) and then return a 2-D array of Axes. Pass ``ax=`` to draw into an existing Axes;
otherwise a new constrained-layout figure is created (``plt.show()`` is never
called, and nothing global changes until :func:`style` is called).

Figures
-------
timeline
    One recording on one clock: a lane per model and track; frames as lines,
    spans as segments over their extent, words along the top.
heatmap
    Expressions x time bins (or x spans, files, participants, conditions).
distribution
    Scores per expression and condition (violin, box, strip, point), at the
    subject level when ``subject`` is given, with significance marks from a
    ``compare`` result (``marks=``).
interaction
    Cell means with 95% CIs of a factorial design, one line per level of ``hue``.
radar
    Expression profiles as polygons, one per group, consistent axis order.
forest, volcano
    Effect sizes with CIs (``compare``/``mixed`` output), and effect vs -log10 p.
agreement_matrix, correlation_matrix
    Annotated matrices of agreement results or of correlations between expressions.
expression_map
    The output of ``embed`` as a 2-D map with labelled loading arrows.

Colours and style
-----------------
palette, color
    One fixed colour per expression name, case-insensitive, the same in every
    figure and session.
group_palette
    Shades of slate for groups (conditions, models, tracks).
style, Style
    Paper defaults (font sizes, editable vector text); ``style`` returns a
    ``Style``, usable as a context manager that restores the previous values.

Examples
--------
>>> import humeresearch as hr
>>> hr.plot.color("Joy") == hr.plot.color("joy")
True
"""

from __future__ import annotations

from humeresearch.plot._distribution import distribution
from humeresearch.plot._forest import forest
from humeresearch.plot._heatmap import heatmap
from humeresearch.plot._interaction import interaction
from humeresearch.plot._map import expression_map
from humeresearch.plot._matrix import agreement_matrix, correlation_matrix
from humeresearch.plot._palette import PALETTE, Style, color, group_palette, palette, style
from humeresearch.plot._radar import radar
from humeresearch.plot._timeline import timeline
from humeresearch.plot._volcano import volcano

__all__ = [
    "PALETTE",
    "Style",
    "agreement_matrix",
    "color",
    "correlation_matrix",
    "distribution",
    "expression_map",
    "forest",
    "group_palette",
    "heatmap",
    "interaction",
    "palette",
    "radar",
    "style",
    "timeline",
    "volcano",
]
