"""The result sections of the demo report: planted truth, figures, statistics, mixed models.

Each takes the report's :class:`~humeresearch.demo._report.Context` and returns HTML.
"""

from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING

import pandas as pd

from humeresearch.demo._figures import DPI
from humeresearch.demo._html import ci, expr, num, pval, table, tag

if TYPE_CHECKING:
    from humeresearch.demo._report import Context

#: figures are shown this much larger than their size in inches at 96 px/in
DISPLAY_SCALE = 1.3


def truth_section(ctx: Context) -> str:
    f = ctx.found
    rows = [
        (
            "planted" if r.was_planted else "",
            [
                expr(r.name, r.family),
                html.escape(r.model),
                num(r.planted, ".2f", signed=True) if r.was_planted else "not planted",
                f"{num(r.found, '.3f', signed=True)} {ci(r.found_low, r.found_high, '.3f')}",
                f"{num(r.effect, '.2f')} {ci(r.ci_low, r.ci_high)}",
                pval(r.p_adj),
                tag(r.status),
            ],
        )
        for r in f.itertuples()
    ]
    head = [
        "expression",
        "model",
        "planted (treatment &minus; control)",
        "found: mean paired difference [95% CI]",
        "d<sub>z</sub> [95% CI]",
        "q (BH)",
        "verdict",
    ]
    return (
        "<h2>The planted truth beside what was found</h2>"
        "<p>Every planted effect (from <code>inputs/truth.csv</code>, written by the simulator) "
        "and every expression that came out significant without being planted. <i>Found</i> is "
        "the mean over participants of their treatment minus control difference in mean score; "
        "the simulator clips scores to [0, 1], so a found difference can be smaller than the "
        "planted shift. Verdicts are computed from the data: <i>recovered</i> = q &lt; 0.05 "
        "in the planted direction, <i>missed</i> = not significant, <i>false discovery</i> = "
        "significant but not planted. FDR control keeps the expected share of false discoveries "
        "at 5% over many studies; within one study they tend to come in groups, because "
        "expressions share variance (in the simulator as in real data).</p>"
        + table(head, rows, {2, 3, 4, 5})
    )


def figure_section(ctx: Context) -> str:
    parts = ["<h2>Figures</h2>"]
    for fig in ctx.figures.values():
        data = base64.b64encode(fig.png).decode("ascii")
        width = round(int.from_bytes(fig.png[16:20], "big") / DPI * 96 * DISPLAY_SCALE)
        parts.append(
            f"<figure><h3>{html.escape(fig.title)}</h3>"
            f"<img alt='{html.escape(fig.title)}' width='{width}' "
            f"src='data:image/png;base64,{data}'>"
            f"<figcaption>{html.escape(fig.caption)} "
            f"(<code>figures/{html.escape(fig.path.name)}</code>)</figcaption></figure>"
        )
    return "".join(parts)


def _planted_keys(ctx: Context) -> dict[tuple[str, str, str], float]:
    p = ctx.found[ctx.found["was_planted"]]
    return {(r.model, r.family, r.name): r.planted for r in p.itertuples()}


def stats_section(ctx: Context) -> str:
    c = ctx.comparison.astype({"model": str, "family": str, "name": str})
    planted = _planted_keys(ctx)
    key = list(zip(c["model"], c["family"], c["name"]))
    is_planted = pd.Series([k in planted for k in key], index=c.index)
    shown = c[(c["p_adj"] < 0.05) | is_planted]
    rest = (
        c.drop(shown.index).dropna(subset=["p_adj"]).sort_values("p").head(max(0, 25 - len(shown)))
    )
    shown = pd.concat([shown, rest]).sort_values(["p_adj", "p"], kind="stable")
    rows = []
    for r in shown.itertuples():
        k = (r.model, r.family, r.name)
        planted_tag = (
            f"<span class='tag planted-tag'>planted {num(planted[k], '.2f', True)}</span>"
            if k in planted
            else "not planted"
        )
        rows.append(
            (
                " ".join(
                    x
                    for x in ("sig" if r.p_adj < 0.05 else "", "planted" if k in planted else "")
                    if x
                ),
                [
                    expr(r.name, r.family),
                    html.escape(r.model),
                    str(r.n_other),
                    num(r.mean_other),
                    num(r.mean_reference),
                    num(r.diff, ".3f", True),
                    f"{num(r.effect, '.2f')} {ci(r.ci_low, r.ci_high)}",
                    f"{num(r.statistic, '.2f')} ({num(r.df, '.0f')})",
                    pval(r.p),
                    pval(r.p_adj),
                    "yes" if r.p_adj < 0.05 else "no",
                    planted_tag,
                ],
            )
        )
    head = [
        "expression", "model", "pairs", "mean treatment", "mean control",
        "difference", "d<sub>z</sub> [95% CI]", "t (df)", "p", "q (BH)", "significant",
        "planted?",
    ]  # fmt: skip
    n = int(c["p_adj"].notna().sum())
    return (
        "<h2>Statistics: every expression, treatment vs control</h2>"
        f"<p>{n} paired t-tests (one per model and expression, on the participant means), "
        "corrected together with Benjamini-Hochberg. Shown: every significant or planted "
        f"expression and the next smallest p-values ({len(shown)} of {n} rows); all rows are "
        "in <code>tables/compare.parquet</code>. Green rows are significant at q &lt; 0.05.</p>"
        + table(head, rows, set(range(2, 10)))
    )


def mixed_section(ctx: Context) -> str:
    if ctx.mixed is None:
        return (
            "<h2>Mixed models for the top expressions</h2><p>Skipped: statsmodels is not "
            "installed. Install it with <code>pip install 'humeresearch[stats]'</code> and run "
            "the demo again.</p>"
        )
    mx = ctx.mixed[ctx.mixed["term"] != "Intercept"].astype({"model": str, "name": str})
    planted = _planted_keys(ctx)
    rows = []
    for r in mx.itertuples():
        notes = ["yes" if r.converged else "no"]
        if "boundary" in (r.note or ""):
            notes.append("&sup1;")
        k = (r.model, str(r.family), r.name)
        rows.append(
            (
                "sig" if r.p_adj < 0.05 else "",
                [
                    expr(r.name, str(r.family)),
                    html.escape(r.model),
                    "yes" if k in planted else "no",
                    num(r.estimate, ".3f", True),
                    ci(r.ci_low, r.ci_high, ".3f"),
                    num(r.z, ".2f"),
                    pval(r.p_adj),
                    str(r.n_obs),
                    str(r.n_subjects),
                    "".join(notes),
                ],
            )
        )
    head = ["expression", "model", "planted?", "treatment &minus; control", "95% CI", "z", "q (BH)",
            "observations", "participants", "converged"]  # fmt: skip
    return (
        "<h2>Mixed models for the top expressions</h2>"
        "<p>For the expressions with the smallest corrected p-values above, one linear mixed model "
        "each, <code>score ~ condition</code> with a random intercept per participant and a "
        "variance component per recording (spans are nested in recordings, recordings in "
        "participants), fitted to span-level observations (face frames averaged per prosody "
        "utterance with "
        "<code>humeresearch.align</code>; prosody utterances, language sentences and bursts "
        "as they are). Wald z tests, BH-corrected across these expressions. All rows are in "
        "<code>tables/mixed.parquet</code>.</p>"
        + table(head, rows, {3, 4, 5, 6, 7, 8})
        + "<p class='muted'>&sup1; statsmodels warns &ldquo;The MLE may be on the boundary of "
        "the parameter space&rdquo; whenever a random-effect variance is below 0.01 in the "
        "units of the data. Scores lie in [0, 1], so between-participant variances of this "
        "size are normal here; the warning does not mean the variance is zero. The full "
        "warning text is in the <code>note</code> column of the table.</p>"
    )
