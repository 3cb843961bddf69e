"""Helpers shared by the aggregation functions: family selection and ``by``."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from humeresearch import define
from humeresearch._contract import KEYS
from humeresearch._groups import IDENTITY_EXTRAS
from humeresearch._tables import as_list


def select_family(
    long: pd.DataFrame, family: define.Family | Sequence[define.Family] | None, func: str
) -> pd.DataFrame:
    """The rows of ``family`` (one name or a list; ``None``: every row)."""
    wanted = as_list(family)
    if wanted is None:
        return long
    fam = long["family"].astype(object)
    keep = fam.isin(wanted).to_numpy()
    if len(long) and not keep.any():
        present = sorted(map(str, pd.unique(fam.dropna())))
        shown = wanted[0] if len(wanted) == 1 else wanted
        raise ValueError(
            f"{func}: family {shown!r} is not in the data; families present: {present}"
        )
    return long.loc[keep]


def span_columns(long: pd.DataFrame) -> list[str]:
    """The columns that identify one span: the keys plus the identity extras present."""
    return [*KEYS, *[c for c in IDENTITY_EXTRAS if c in long.columns]]


def as_by(by: str | Sequence[str]) -> list[str]:
    """``by`` as a list of column names (a single string is one column)."""
    return [by] if isinstance(by, str) else list(by)
