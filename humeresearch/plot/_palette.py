"""One colour per expression name, a palette for groups, and paper defaults.

The expression colours are deterministic: the same name gets the same colour in
every figure, every session and every version of the toolkit, and the lookup is
case-insensitive, so v0 ``Joy`` and v1 ``joy`` share a colour.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.colors import to_rgb

from humeresearch import vocabularies
from humeresearch._tables import check_option
from humeresearch.define import STYLE_CONTEXTS, StyleContext

RGB = tuple[float, float, float]

#: 64 qualitative colours: matplotlib's tab10 without its grey (grey is kept for
#: "not significant" and neutral marks), then colours picked greedily to be as far
#: as possible (CIELAB distance) from all earlier ones, lightness 35-75, chroma
#: 28-70 (readable on white, not garish). Never reorder: colours are assigned by slot.
PALETTE: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#4e5a06", "#e4a866", "#9cc084", "#a8004e", "#007254", "#fc7e84", "#9c4e00",
    "#1884fc", "#00cc90", "#b4aee4", "#9c0c84", "#7e3c66", "#9c7e00", "#d290a8", "#54c0fc",
    "#9c302a", "#006618", "#968454", "#4248ba", "#fc5496", "#f07e4e", "#78962a", "#f0a830",
    "#007e96", "#544e84", "#de8afc", "#54b496", "#eaa290", "#724e12", "#c0ba60", "#c65a7e",
    "#4ea25a", "#969cfc", "#e43c5a", "#0054a8", "#607e4e", "#78309c", "#9c72a2", "#b47248",
    "#36a2fc", "#d29cea", "#90c642", "#8a78f0", "#a22a00", "#903648", "#c654c0", "#c03684",
    "#d27818", "#48cc6c", "#787ec0", "#fc665a", "#c67272", "#36908a", "#fc8ab4", "#9c4890",
)  # fmt: skip

#: Emotions that most often dominate real recordings come first and get the most
#: distinct colours (slots 0-8 are tab10). The remaining v0 language emotions
#: (a superset of the 48 face/voice emotions) follow in their fixed v0 order.
PRIORITY: tuple[str, ...] = (
    "Calmness", "Joy", "Interest", "Anger", "Confusion", "Boredom", "Amusement",
    "Concentration", "Tiredness", "Contemplation", "Excitement", "Contentment", "Fear",
    "Disgust", "Love", "Awkwardness", "Sadness", "Realization", "Satisfaction", "Doubt",
    "Determination", "Disappointment", "Awe", "Surprise (positive)", "Surprise (negative)",
    "Distress", "Enthusiasm", "Anxiety", "Embarrassment",
)  # fmt: skip

#: v0 sentiment 1 (very negative) .. 9 (very positive): red - grey - blue ramp.
SENTIMENT: tuple[str, ...] = (
    "#c23b22", "#b35a48", "#a4766d", "#9c8c89", "#999999", "#8590a2", "#6886ab",
    "#477bb1", "#2a6fb5",
)  # fmt: skip

#: Groups (conditions, models, tracks) are drawn in shades of slate, from light to
#: dark, so that they are never mistaken for expressions.
GROUP_LIGHT, GROUP_DARK = "#93a4bb", "#2f4466"


@lru_cache(maxsize=1)
def _fixed_slots() -> dict[str, int]:
    """Case-folded name -> slot in :data:`PALETTE` for the frozen v0 vocabularies."""
    slots: dict[str, int] = {}
    emotions = list(PRIORITY) + list(vocabularies.names("v0_language_emotions_53"))
    for name in dict.fromkeys(n.casefold() for n in emotions):
        slots[name] = len(slots)
    # face FACS + face descriptions (36 + 27 = 63 names, shown together) share slots
    # with the emotions: families are rarely mixed in one figure.
    face = list(vocabularies.names("v0_facs_36")) + list(
        vocabularies.names("v0_face_descriptions_27")
    )
    for i, name in enumerate(dict.fromkeys(n.casefold() for n in face)):
        slots.setdefault(name, i % len(PALETTE))
    return slots


def _hashed_slot(key: str) -> int:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % len(PALETTE)


def color(name: str) -> RGB:
    """The colour of one expression name (an RGB tuple of floats in [0, 1]).

    See :func:`palette` for how colours are assigned.

    Parameters
    ----------
    name : str
        An expression name in any case (``"Joy"``, ``"joy"``).

    Returns
    -------
    tuple of float
        ``(r, g, b)``.

    Examples
    --------
    >>> from humeresearch.plot import color
    >>> color("Joy") == color("joy")
    True
    >>> tuple(round(c, 3) for c in color("Calmness"))
    (0.122, 0.467, 0.706)
    """
    if not isinstance(name, str):
        name = str(name)
    key = name.strip().casefold()
    if key.isdigit() and 1 <= int(key) <= 9 and len(key) == 1:
        return to_rgb(SENTIMENT[int(key) - 1])
    slot = _fixed_slots().get(key)
    if slot is None:
        slot = _hashed_slot(key)
    return to_rgb(PALETTE[slot])


def palette(
    names: Iterable[str] | None = None, *, overrides: Mapping[str, Any] | None = None
) -> dict[str, RGB]:
    """One colour per expression name, the same in every figure and session.

    Rules, in order:

    1. ``overrides`` (name -> any matplotlib colour) win, matched exactly then
       case-insensitively;
    2. v0 sentiment names ``"1"`` .. ``"9"`` get a red (negative) - grey - blue
       (positive) ramp;
    3. emotion names of the v0 vocabularies (48 face/voice and 53 language
       emotions, and their lower-case v1 spellings) have fixed slots in
       :data:`PALETTE` (64 colours): the ones that most often dominate recordings
       (Calmness, Joy, Interest, Anger, Confusion, Boredom, Amusement,
       Concentration, Tiredness, ...) get the most distinct colours, and no two of
       these 53 emotions share a colour;
    4. v0 FACS units and face descriptions have fixed slots too (distinct among
       themselves, but they reuse the emotion colours);
    5. any other name (new v1 names, burst descriptions, toxicity, voice
       attributes) gets a slot from a stable hash (BLAKE2b) of its case-folded
       spelling, so it never changes between sessions.

    Matching is case-insensitive and ignores surrounding spaces. Every plotting
    function of :mod:`humeresearch.plot` draws expressions with these colours; pass
    ``palette=`` to any of them to override some.

    Parameters
    ----------
    names : iterable of str, optional
        Names to colour, e.g. ``long["name"].unique()``. Default: every name of
        the fixed v0 emotion list (53 names).
    overrides : mapping, optional
        Colours to use instead for some names.

    Returns
    -------
    dict
        ``name -> (r, g, b)`` with floats in [0, 1], in the order of ``names``.

    Examples
    --------
    >>> from humeresearch.plot import palette
    >>> colours = palette(["Joy", "joy", "Sadness"])
    >>> colours["Joy"] == colours["joy"], colours["Joy"] == colours["Sadness"]
    (True, False)
    >>> palette(["Joy"], overrides={"joy": "black"})["Joy"]
    (0.0, 0.0, 0.0)
    """
    if names is None:
        names = list(dict.fromkeys([*PRIORITY, *vocabularies.names("v0_language_emotions_53")]))
    folded: dict[str, Any] = {}
    exact: dict[str, Any] = dict(overrides or {})
    for key, value in exact.items():
        folded.setdefault(str(key).strip().casefold(), value)
    out: dict[str, RGB] = {}
    for name in names:
        if name in exact:
            out[name] = to_rgb(exact[name])
        elif str(name).strip().casefold() in folded:
            out[name] = to_rgb(folded[str(name).strip().casefold()])
        else:
            out[name] = color(name)
    return out


def group_palette(
    levels: Iterable[Any], *, overrides: Mapping[Any, Any] | None = None
) -> dict[Any, RGB]:
    """Colours for groups (conditions, models, tracks): shades of slate, light to dark.

    Groups are never drawn in expression colours, so a reader does not mistake a
    condition for an expression. With one level the dark shade is used.

    Parameters
    ----------
    levels : iterable
        The group levels, in order (first = lightest).
    overrides : mapping, optional
        Colours to use instead for some levels.

    Returns
    -------
    dict
        ``level -> (r, g, b)``.

    Examples
    --------
    >>> from humeresearch.plot import group_palette
    >>> colours = group_palette(["control", "treatment"])
    >>> [round(c, 3) for c in colours["treatment"]]
    [0.184, 0.267, 0.4]
    """
    levels = list(dict.fromkeys(levels))
    light, dark = np.array(to_rgb(GROUP_LIGHT)), np.array(to_rgb(GROUP_DARK))
    n = len(levels)
    steps = np.linspace(0.0, 1.0, n) if n > 1 else np.ones(1)
    given = dict(overrides or {})
    out = {}
    for level, t in zip(levels, steps):
        if level in given:
            out[level] = to_rgb(given[level])
        else:
            out[level] = tuple(float(v) for v in light + (dark - light) * t)
    return out


def _paper_rc(context: str, font_scale: float) -> dict[str, Any]:
    scale = {"paper": 1.0, "notebook": 1.25, "talk": 1.6, "poster": 2.0}[context] * font_scale
    size = 8.0 * scale
    return {
        "font.family": "sans-serif",
        "font.sans-serif": ["Arial", "Helvetica", "Liberation Sans", "DejaVu Sans"],
        "font.size": size,
        "axes.titlesize": size + 1,
        "axes.labelsize": size,
        "xtick.labelsize": size - 1,
        "ytick.labelsize": size - 1,
        "legend.fontsize": size - 1,
        "legend.title_fontsize": size,
        "figure.titlesize": size + 2,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.linewidth": 0.8,
        "axes.titlelocation": "left",
        "xtick.major.width": 0.8,
        "ytick.major.width": 0.8,
        "lines.linewidth": 1.2,
        "legend.frameon": False,
        "pdf.fonttype": 42,  # TrueType: text stays editable in Illustrator/Inkscape
        "ps.fonttype": 42,
        "svg.fonttype": "none",  # SVG text as text, not paths
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.02,
        "image.interpolation": "nearest",
    }


class Style:
    """Matplotlib rcParams in force: what :func:`style` returns.

    Creating it updates ``matplotlib.rcParams`` with ``rc`` and remembers the
    values it replaced; used as a context manager (``with Style(rc): ...`` or
    ``with style(): ...``) it restores them on exit. Without ``with`` the values
    stay in force.

    Parameters
    ----------
    rc : mapping
        The rcParams to set.

    Attributes
    ----------
    rc : dict
        The values set.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from humeresearch.plot import Style
    >>> before = mpl.rcParams["lines.linewidth"]
    >>> with Style({"lines.linewidth": 3.0}) as s:
    ...     mpl.rcParams["lines.linewidth"], s.rc
    (3.0, {'lines.linewidth': 3.0})
    >>> mpl.rcParams["lines.linewidth"] == before
    True
    """

    def __init__(self, rc: Mapping[str, Any]) -> None:
        self.rc: dict[str, Any] = dict(rc)
        self._saved = {k: mpl.rcParams[k] for k in self.rc}
        mpl.rcParams.update(self.rc)

    def __enter__(self) -> Style:
        return self

    def __exit__(self, *exc: object) -> None:
        mpl.rcParams.update(self._saved)

    def __repr__(self) -> str:
        return f"<humeresearch.plot.Style: {len(self.rc)} rcParams>"


def style(
    context: StyleContext = "paper",
    *,
    font_scale: float = 1.0,
    rc: Mapping[str, Any] | None = None,
) -> Style:
    """Matplotlib defaults for publication figures.

    Nothing is changed until this is called: importing :mod:`humeresearch.plot`
    has no global side effects. Calling it updates ``matplotlib.rcParams``; used as
    a context manager (``with style(): ...``) it restores the previous values on
    exit.

    The defaults: sans-serif text at 8 pt for ``"paper"`` (axis labels 8 pt, tick
    labels and legends 7 pt, titles 9 pt, left-aligned), no top/right spines, thin
    axes lines, no legend frame; vector-friendly output: TrueType fonts embedded in
    PDF/PS (``pdf.fonttype = 42``) and SVG text kept as text, so figures stay
    editable; ``savefig`` at 300 dpi with a tight bounding box.

    Parameters
    ----------
    context : {"paper", "notebook", "talk", "poster"}, default "paper"
        Scales every text size by 1, 1.25, 1.6 or 2.
    font_scale : float, default 1.0
        Extra factor on the text sizes.
    rc : mapping, optional
        Further rcParams, applied last.

    Returns
    -------
    Style
        The values set (its ``rc`` attribute); a context manager that restores
        the previous values on exit.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from humeresearch.plot import style
    >>> before = mpl.rcParams["font.size"]
    >>> with style("paper"):
    ...     mpl.rcParams["font.size"]
    8.0
    >>> mpl.rcParams["font.size"] == before
    True
    """
    check_option(context, STYLE_CONTEXTS, name="context", func="style")
    if not np.isfinite(font_scale) or font_scale <= 0:
        raise ValueError(f"style: font_scale must be a positive number; got {font_scale!r}")
    params = _paper_rc(context, float(font_scale))
    params.update(dict(rc or {}))
    return Style(params)
