"""Steps of :func:`humeresearch.compare`: design and option checks, the pair kernels, the table."""

from __future__ import annotations

import warnings
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from humeresearch._tables import require_columns
from humeresearch.errors import PseudoReplicationWarning
from humeresearch.stats import _twogroup
from humeresearch.stats._common import repeated_measures, require_numeric, warn_pooled_tracks
from humeresearch.stats._omnibus import POSTHOC_NAMES, posthoc_between
from humeresearch.stats._reduce import Reduced, dense_blocks

FUNC = "compare"
#: the one level of ``compare(against=...)``.
AGAINST = "_against"
_Part = tuple[np.ndarray, int, dict[str, np.ndarray]]
_AGAINST_TESTS = {"t": "one_sample_t", "rank": "wilcoxon", "permutation": "sign_flip_permutation"}

COLUMNS = [
    "kind",
    "reference",
    "other",
    "test",
    "n_reference",
    "n_other",
    "n_unpaired",
    "mean_reference",
    "mean_other",
    "sd_reference",
    "sd_other",
    "diff",
    "statistic",
    "df",
    "df2",
    "p",
    "p_adj",
    "correction",
    "effect",
    "effect_type",
    "ci_low",
    "ci_high",
    "cles",
    "note",
]

_PSEUDO_REPLICATION = (
    f"{FUNC}: the rows are repeated measures ({{}}) and no subject= was given, so every "
    "row counts as an independent observation (pseudo-replication: far too many false "
    "positives). Pass subject= to reduce to one value per subject and condition first."
)


def design_of(between: str | None, within: str | None, against: float | None) -> tuple[str, str]:
    """``(design, condition column)`` of exactly one of ``between``, ``within``, ``against``."""
    given = [x is not None for x in (between, within, against)]
    if sum(given) != 1:
        raise ValueError(
            f"{FUNC}: give exactly one of between= (independent groups), within= (repeated "
            "measures of the same subjects) or against= (a one-sample test against a value)"
        )
    if against is not None:
        if isinstance(against, bool) or not isinstance(against, int | float | np.number):
            raise ValueError(f"{FUNC}: against must be a number, got {against!r}")
        return "against", AGAINST
    return ("between", str(between)) if between is not None else ("within", str(within))


def check_columns(
    data: pd.DataFrame, value: str, cond: str, subject: str | None, by_cols: list[str]
) -> None:
    """The analysed columns exist, ``value`` is numeric, and no column plays two roles."""
    needed = [value, cond] + ([subject] if subject is not None else [])
    require_columns(data, needed, func=FUNC)
    require_numeric(data, value, FUNC)
    clash = [c for c in needed if c in by_cols]
    if clash or len(set(needed)) != len(needed):
        raise ValueError(f"{FUNC}: value, the condition, subject and by must be distinct columns")
    if set(by_cols) & set(COLUMNS):
        raise ValueError(
            f"{FUNC}: by columns {sorted(set(by_cols) & set(COLUMNS))} clash with result columns"
        )


def check_units(
    data: pd.DataFrame, design: str, cond: str, subject: str | None, by_cols: list[str]
) -> None:
    """``within`` needs ``subject``; repeated measures without it warn."""
    if design == "within" and subject is None:
        raise ValueError(f"{FUNC}: within= pairs observations by subject; pass subject=")
    if subject is None:
        reason = repeated_measures(data, by_cols, cond)
        if reason:
            warnings.warn(
                _PSEUDO_REPLICATION.format(reason), PseudoReplicationWarning, stacklevel=3
            )
    else:
        warn_pooled_tracks(data, by_cols, FUNC)


def auto_effect(effect: str, test_kind: str, design: str) -> str:
    """The effect size ``"auto"`` stands for: rank-biserial for rank tests, else g or d_z."""
    if effect != "auto":
        return effect
    if test_kind == "rank":
        return "rank_biserial"
    return "hedges_g" if design == "between" else "d_z"


def check_combination(
    design: str,
    test_kind: str,
    effect: str,
    ci_method: str,
    alternative: str,
    posthoc: str,
    omnibus: bool | None,
    n_levels: int,
) -> None:
    """Refuse option combinations that have no defined meaning."""
    if ci_method == "exact" and effect not in ("hedges_g", "d_z"):
        raise ValueError(f"{FUNC}: ci_method='exact' applies to hedges_g and d_z, not {effect!r}")
    if design == "against" and effect == "d_av":
        raise ValueError(f"{FUNC}: effect='d_av' needs two conditions; use 'd_z' with against=")
    if posthoc in POSTHOC_NAMES and (design != "between" or test_kind != "t"):
        raise ValueError(f"{FUNC}: posthoc={posthoc!r} needs between= and test='t'")
    if posthoc in POSTHOC_NAMES and alternative != "two-sided":
        raise ValueError(f"{FUNC}: posthoc={posthoc!r} is two-sided only")
    if omnibus and (test_kind == "permutation" or design == "against"):
        raise ValueError(f"{FUNC}: omnibus=True needs between= or within= and test 't' or 'rank'")


def posthoc_of(posthoc: str, design: str, test_kind: str, n_levels: int) -> str:
    """The post-hoc method ``posthoc`` stands for ("auto": Games-Howell after Welch's ANOVA)."""
    if posthoc != "auto":
        return posthoc
    if design == "between" and test_kind == "t" and n_levels >= 3:
        return "games_howell"
    return "pairwise"


def test_name(design: str, test_kind: str, post: str) -> str:
    """The ``test`` column of the pairs."""
    if post in POSTHOC_NAMES:
        return POSTHOC_NAMES[post]
    if design == "against":
        return _AGAINST_TESTS[test_kind]
    return _twogroup.TEST_NAMES[(design, test_kind)]


def run(
    red: Reduced,
    levels: list[Any],
    design: str,
    opt: _twogroup.Options,
    cond: str,
    post: str,
    against: float | None,
) -> pd.DataFrame:
    """Every pair of levels of every group through the test kernel, as one table."""
    kernel = _twogroup.between if design == "between" else _twogroup.within
    pairs = [(0, 0)] if design == "against" else list(combinations(range(len(levels)), 2))
    parts: list[_Part] = []
    for g0, block in dense_blocks(red, len(levels)):
        gids = np.arange(g0, g0 + block.shape[2])
        for k, (i, j) in enumerate(pairs):  # level i is the reference of the pair
            if design == "against":
                ref = np.where(np.isnan(block[0]), np.nan, float(against))  # type: ignore[arg-type]
                res = kernel(block[0], ref, opt)
            else:
                res = kernel(block[j], block[i], opt)
            if post in POSTHOC_NAMES:
                res = posthoc_between(block, i, j, res, post)
            parts.append((gids, k, res))
    if not parts:
        raise ValueError(f"{FUNC}: no rows with a {cond!r}, subject and by value to compare")
    return _assemble(parts, red.keys, levels, pairs)


def _assemble(
    parts: list[_Part],
    keys: pd.DataFrame,
    levels: list[Any],
    pairs: list[tuple[int, int]],
) -> pd.DataFrame:
    gid = np.concatenate([p[0] for p in parts])
    pid = np.concatenate([np.full(len(p[0]), p[1]) for p in parts])
    order = np.lexsort((pid, gid))
    gid, pid = gid[order], pid[order]
    cols = {name: np.concatenate([p[2][name] for p in parts])[order] for name in parts[0][2]}
    out = keys.iloc[gid].reset_index(drop=True)
    out["kind"] = "pairwise"
    a_codes = np.array([i for i, _ in pairs])[pid]
    b_codes = np.array([j for _, j in pairs])[pid]
    out["reference"] = pd.Categorical.from_codes(a_codes, categories=levels)
    out["other"] = pd.Categorical.from_codes(b_codes, categories=levels)
    for name in ("n_reference", "n_other", "n_unpaired"):
        out[name] = cols[name].astype(np.int64)
    for name in ("mean_reference", "mean_other", "sd_reference", "sd_other"):
        out[name] = cols[name].astype(float)
    out["diff"] = out["mean_other"] - out["mean_reference"]
    for name in ("statistic", "df", "p", "effect", "ci_low", "ci_high", "cles"):
        out[name] = cols[name].astype(float)
    out["df2"] = np.nan
    out["note"] = pd.array(cols["note"].astype(str), dtype="str")
    out["_gid"] = gid
    return out
