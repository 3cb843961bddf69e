"""Reading the results of ``compare`` / ``mixed`` for ``forest`` and ``volcano``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from humeresearch._tables import as_list, require_columns
from humeresearch.plot._common import expression_colors, pretty_effect

#: colour of neutral marks (legend entries, rows without a name)
NEUTRAL = (0.25, 0.25, 0.25)
#: colour of rows that are not significant
NS = (0.72, 0.72, 0.72)


def effect_column(data: pd.DataFrame, effect: str | None, func: str) -> str:
    """The column of the effect: ``effect``, else ``effect`` (compare) or ``estimate`` (mixed)."""
    if effect is not None:
        require_columns(data, [effect], func=func)
        return effect
    for column in ("effect", "estimate"):
        if column in data.columns:
            return column
    raise ValueError(
        f"{func}: data has neither an 'effect' (compare) nor an 'estimate' (mixed) "
        f"column; pass effect=. It has {list(data.columns)}"
    )


def keep_terms(data: pd.DataFrame, term: str | Sequence[str] | None, func: str) -> pd.DataFrame:
    """Mixed-model data: drop the intercepts unless ``term`` asks for them."""
    if "term" not in data.columns:
        if term is not None:
            raise ValueError(f"{func}: term= given but data has no 'term' column")
        return data
    terms = data["term"].astype(str)
    if term is None:
        keep = terms.str.casefold() != "intercept"
    else:
        wanted = as_list(term) or []
        missing = [t for t in wanted if t not in set(terms)]
        if missing:
            raise ValueError(f"{func}: term {missing} not in data; it has {sorted(set(terms))}")
        keep = terms.isin(wanted)
    return data[keep.to_numpy()]


def keep_kind(data: pd.DataFrame, kind: str | Sequence[str] | None, func: str) -> pd.DataFrame:
    """``compare`` results with omnibus rows: the rows of ``kind`` (default the pairs)."""
    if "kind" not in data.columns:
        if kind is not None:
            raise ValueError(f"{func}: kind= given but data has no 'kind' column")
        return data
    wanted = as_list(kind) or ["pairwise"]
    have = data["kind"].astype(str)
    missing = [k for k in wanted if k not in set(have)]
    if missing:
        raise ValueError(f"{func}: kind {missing} not in data; it has {sorted(set(have))}")
    return data[have.isin(wanted).to_numpy()]


def unique(data: pd.DataFrame, column: str) -> Any:
    """The one value of ``column``, or None when it is absent or varies."""
    if column in data.columns and data[column].nunique(dropna=True) == 1:
        return data[column].dropna().iloc[0]
    return None


def row_labels(data: pd.DataFrame, label: str | Sequence[str] | None) -> list[str]:
    """Name of each row: the ``label`` columns, else name (with model, family, term and the
    compared levels, "other vs reference", when they vary)."""
    if label is not None:
        cols = as_list(label) or []
        require_columns(data, cols, func="forest")
    else:
        cols = [c for c in ("model", "family") if c in data and data[c].nunique() > 1]
        cols += [c for c in ("name",) if c in data]
        cols += [c for c in ("term",) if c in data and data[c].nunique() > 1]
    parts = [data[c].astype(str).to_numpy() for c in cols]
    if label is None and {"other", "reference"} <= set(data.columns):
        pairs = data["other"].astype(str) + " vs " + data["reference"].astype(str)
        if pairs.nunique() > 1:
            parts.append(pairs.to_numpy())
    if not parts:
        return [str(i) for i in data.index]
    return [" \u00b7 ".join(row) for row in zip(*parts)]


def axis_label(data: pd.DataFrame, effect: str) -> str:
    """The effect's axis label: its type, the conditions compared, the mixed-model term."""
    kind = unique(data, "effect_type")
    text = pretty_effect(kind) if kind is not None else effect
    a, b = unique(data, "other"), unique(data, "reference")
    if a is not None and b is not None:
        text += f" ({a} \u2212 {b})"
    term = unique(data, "term")
    if term is not None and effect == "estimate":
        text += f": {term}"
    return text


def significant(data: pd.DataFrame, p: str, alpha: float, func: str) -> np.ndarray:
    """Whether each row has ``p < alpha``."""
    if not 0 < alpha < 1:
        raise ValueError(f"{func}: alpha must be between 0 and 1; got {alpha!r}")
    require_columns(data, [p], func=func)
    return data[p].to_numpy(np.float64, na_value=np.nan) < alpha


def row_colors(data: pd.DataFrame, palette: Mapping[str, Any] | None) -> list[Any]:
    """Each row's expression colour (neutral grey without a ``name`` column)."""
    if "name" not in data.columns:
        return [NEUTRAL] * len(data)
    names = data["name"].astype(str).tolist()
    table = expression_colors(list(dict.fromkeys(names)), palette)
    return [table[n] for n in names]
