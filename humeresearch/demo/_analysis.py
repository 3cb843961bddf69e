"""Tables of the demo: observations for the mixed models, planted truth vs found, summary."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

KEYS = ["model", "family", "name"]
ALPHA = 0.05


def same_scores(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, Any]:
    """Compare two long tables of the same job (JSON vs artifacts zip) by name, not position.

    Returns
    -------
    dict
        ``rows_a``, ``rows_b`` (row counts), ``matched`` (rows present in both, matched on
        source, file, model, track, begin, end, family, name), ``max_abs_diff`` (largest
        absolute score difference among the matched rows; NaN when none matched).
    """
    on = ["source", "file", "model", "track", "begin", "end", "family", "name"]

    def keyed(t: pd.DataFrame) -> pd.DataFrame:
        t = t[[*on, "score"]].copy()
        for c in on[:4] + on[6:]:
            t[c] = t[c].astype(str)
        # several spans may share a time (none in the demo); number them to match one-to-one
        t["k"] = t.groupby(on, sort=False).cumcount()
        return t

    merged = keyed(a).merge(keyed(b), on=[*on, "k"], suffixes=("_a", "_b"))
    diff = (merged["score_a"] - merged["score_b"]).abs()
    return {
        "rows_a": len(a),
        "rows_b": len(b),
        "matched": len(merged),
        "max_abs_diff": float(diff.max()) if len(diff) else float("nan"),
    }


def observations(long: pd.DataFrame, face_on_utterances: pd.DataFrame) -> pd.DataFrame:
    """Span-level observations for the mixed models, one row per span and expression.

    Face frames are replaced by their means per utterance (``face_on_utterances``, from
    :func:`humeresearch.align`); prosody utterances, language sentences and bursts are
    their own spans. Columns: ``model`` (the measuring model), ``family``, ``name``,
    ``participant``, ``condition`` (str), ``source``, ``span_id``, ``score``.
    """
    cols = ["model", "family", "name", "participant", "condition", "source", "span_id", "score"]
    face = face_on_utterances.assign(model=face_on_utterances["from_model"].astype(str))
    other = long[long["model"] != "face"]
    out = pd.concat([face[cols].astype({"model": str}), other[cols].astype({"model": str})])
    return out.astype({"family": str, "name": str, "condition": str}).reset_index(drop=True)


def top_expressions(comparison: pd.DataFrame, k: int) -> pd.DataFrame:
    """The ``k`` (model, family, name) of ``compare`` with the smallest corrected p-values."""
    ranked = comparison.dropna(subset=["p_adj"]).sort_values(["p_adj", "p"], kind="stable")
    return ranked[KEYS].head(k).astype(str).reset_index(drop=True)


def truth_vs_found(
    truth: pd.DataFrame, comparison: pd.DataFrame, per: pd.DataFrame, *, high: str
) -> pd.DataFrame:
    """The planted effects beside what the statistics found, plus unplanted discoveries.

    Parameters
    ----------
    truth : DataFrame
        ``model, family, name, condition, shift`` (the simulator's ``Study.truth()``).
    comparison : DataFrame
        :func:`humeresearch.compare` output with ``other`` = ``high`` (``diff`` = high - reference).
    per : DataFrame
        Per-participant summary (``participant, condition, model, family, name, score``).
    high : str
        The condition whose minus the other is reported (``treatment``).

    Returns
    -------
    DataFrame
        One row per planted (model, family, name) and per significant unplanted one:
        ``model, family, name``; ``was_planted`` (bool); ``planted`` (float: planted
        shift of high minus the other condition, 0 when not planted); ``found`` (mean paired difference of the
        participant means); ``found_low``, ``found_high`` (its 95% t interval);
        ``effect`` with ``ci_low``, ``ci_high`` (Cohen's d_z and CI, from compare);
        ``p_adj`` (BH-corrected p); ``significant`` (``p_adj < 0.05``); ``status``:
        ``recovered``, ``missed`` (not significant), ``wrong direction``, or
        ``false discovery`` (significant but not planted).
    """
    sign = np.where(truth["condition"].astype(str) == high, 1.0, -1.0)
    planted = (
        truth.assign(planted=truth["shift"].to_numpy() * sign)
        .astype({c: str for c in KEYS})
        .groupby(KEYS, sort=False)["planted"]
        .sum()
        .reset_index()
    )
    cmp = comparison.astype({c: str for c in KEYS})
    found_cols = [*KEYS, "diff", "effect", "ci_low", "ci_high", "p_adj"]
    rows = planted.merge(cmp[found_cols], on=KEYS, how="left")
    extra = cmp.loc[cmp["p_adj"] < ALPHA, found_cols].merge(
        planted[KEYS], how="left", indicator=True
    )
    extra = extra[extra["_merge"] == "left_only"].drop(columns="_merge")
    rows = pd.concat(
        [rows.assign(was_planted=True), extra.assign(planted=0.0, was_planted=False)],
        ignore_index=True,
    ).rename(columns={"diff": "found"})
    rows = rows.merge(_paired_ci(per, high), on=KEYS, how="left")
    rows["significant"] = rows["p_adj"] < ALPHA
    same = np.sign(rows["found"]) == np.sign(rows["planted"])
    rows["status"] = np.select(
        [~rows["was_planted"], ~rows["significant"], same],
        ["false discovery", "missed", "recovered"],
        "wrong direction",
    )
    cols = [
        *KEYS,
        "was_planted",
        "planted",
        "found",
        "found_low",
        "found_high",
        "effect",
        "ci_low",
        "ci_high",
    ]
    return rows[[*cols, "p_adj", "significant", "status"]]


def _paired_ci(per: pd.DataFrame, high: str, level: float = 0.95) -> pd.DataFrame:
    """95% t interval of the mean paired difference (high - other) per expression."""
    wide = per.astype({c: str for c in [*KEYS, "condition"]}).pivot_table(
        index=[*KEYS, "participant"], columns="condition", values="score", observed=True
    )
    other = next(c for c in wide.columns if c != high)
    diff = (wide[high] - wide[other]).dropna().groupby(level=KEYS).agg(["mean", "std", "count"])
    half = stats.t.ppf(0.5 + level / 2, diff["count"] - 1) * diff["std"] / np.sqrt(diff["count"])
    return pd.DataFrame(
        {"found_low": diff["mean"] - half, "found_high": diff["mean"] + half}
    ).reset_index()


def summary_lines(
    study: Any,
    m: Any,
    comparison: pd.DataFrame,
    mixed: pd.DataFrame | None,
    found: pd.DataFrame,
    agreement: dict[str, Any],
    *,
    participants: int,
    duration: float,
) -> tuple[str, ...]:
    """The five lines ``humeresearch demo`` prints, every number computed from the data."""
    n_rec = len(study.design)
    spans = m.spans()
    planted = found[found["was_planted"]]
    recovered = planted[planted["status"] == "recovered"]
    missed = planted[planted["status"] != "recovered"]
    false = found[found["status"] == "false discovery"]
    n_tests = int(comparison["p_adj"].notna().sum())
    n_sig = int((comparison["p_adj"] < ALPHA).sum())

    def label(t: pd.DataFrame) -> str:
        return ", ".join(f"{r.name} ({r.model})" for r in t.itertuples()) or "none"

    diff = agreement["max_abs_diff"]
    return (
        f"Simulated study (SIMULATED data): {participants} participants x 2 conditions, "
        f"{n_rec} recordings of {duration:g} s with face, prosody, language and burst; "
        f"{len(study.effects)} planted effects.",
        f"Read back from the v0 predictions JSON and artifacts zip: {len(spans):,} spans, "
        f"{agreement['rows_a']:,} scores (the two formats agree, max |difference| {diff:.1g}).",
        f"compare: {n_tests} expressions, treatment vs control, paired t on participant means, "
        f"Benjamini-Hochberg FDR: {n_sig} significant at q < {ALPHA}.",
        f"Planted truth: {len(recovered)} of {len(planted)} planted effects recovered; "
        f"missed: {label(missed)}; false discoveries (not planted): {label(false)}.",
        _mixed_line(mixed),
    )


def _mixed_line(mixed: pd.DataFrame | None) -> str:
    if mixed is None:
        return "mixed: skipped, statsmodels is not installed (pip install 'humeresearch[stats]')."
    effects = mixed[mixed["term"] != "Intercept"]
    n_sig = int((effects["p_adj"] < ALPHA).sum())
    return (
        f"mixed (spans in recordings in participants) for the top {len(effects)}: "
        f"{n_sig} of {len(effects)} condition effects significant after FDR."
    )
