"""The self-contained HTML report of the demo (inline CSS, figures as base64 PNG)."""

from __future__ import annotations

import base64
import datetime as _dt
import html
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from humeresearch._version import __version__
from humeresearch.demo._figures import DPI
from humeresearch.demo._html import CSS, ci, expr, kv, num, pval, sha_html, table, tag

#: figures are shown this much larger than their size in inches at 96 px/in
DISPLAY_SCALE = 1.3


@dataclass(frozen=True, eq=False)
class Context:
    """Everything the report shows."""

    config: dict[str, Any]
    summary: tuple[str, ...]
    design: pd.DataFrame
    truth: pd.DataFrame
    found: pd.DataFrame
    comparison: pd.DataFrame
    mixed: pd.DataFrame | None
    figures: dict[str, Any]
    inputs: dict[str, Path]
    tables: dict[str, Path]
    provenance: dict[str, dict[str, Any]]
    measurements: Any
    agreement: dict[str, Any]
    notes: tuple[str, ...]
    timings: dict[str, float]


def write(path: Path, ctx: Context) -> Path:
    """Write the report to ``path`` and return it."""
    path.write_text(render(ctx), encoding="utf-8")
    return path


def render(ctx: Context) -> str:
    """The report as one HTML string (no external resources)."""
    e = html.escape
    cfg = ctx.config
    planted_txt = "; ".join(
        f"<b>{e(p['name'])}</b> +{p['shift']:.2f} in <i>{e(p['condition'])}</i> "
        f"({'all models' if p['model'] == 'all' else e(p['model']) + ' only'})"
        for p in cfg["planted_effects"]
    )
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>humeresearch demo report</title><style>{CSS}</style></head><body>",
        "<h1>humeresearch demo: a simulated study, end to end</h1>",
        f"<p class='muted'>humeresearch {e(__version__)}, written "
        f"{e(_dt.datetime.now(_dt.timezone.utc).isoformat(timespec='seconds'))}</p>",
        "<div class='banner'><b>Simulated data.</b> Nobody was measured. The study was made "
        "by the humeresearch simulator and these effects were <b>planted</b> in it on "
        f"purpose: {planted_txt}. Every other difference between the conditions is chance. "
        "The report shows whether the pipeline finds the planted effects, and only them.</div>",
        "<h2>Summary</h2><ol class='summary'>",
        *(f"<li>{e(line)}</li>" for line in ctx.summary),
        "</ol>",
        _truth_section(ctx),
        _pipeline_section(ctx),
        _figure_section(ctx),
        _stats_section(ctx),
        _mixed_section(ctx),
        _methods_section(ctx),
        _data_section(ctx),
        _provenance_section(ctx),
        "</body></html>",
    ]
    return "\n".join(parts)


# -- sections ---------------------------------------------------------------------------


def _truth_section(ctx: Context) -> str:
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


def _figure_section(ctx: Context) -> str:
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


def _stats_section(ctx: Context) -> str:
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


def _mixed_section(ctx: Context) -> str:
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


def _methods_section(ctx: Context) -> str:
    cfg = ctx.config
    n = int(ctx.comparison["p_adj"].notna().sum())
    text = (
        f"Expression measurements (Hume AI Expression Measurement v0 format; here simulated) of "
        f"{cfg['participants']} participants, each recorded once in a control and a treatment "
        f"condition ({cfg['duration_s']:g} s per recording; face at 3 frames/s, prosody per "
        "utterance, language per sentence, vocal bursts), were read with humeresearch "
        f"{__version__}. For every participant, condition, model and expression we computed the "
        "mean score (duration-weighted for spans, equally weighted for face frames). Conditions "
        f"were compared with paired t-tests on these participant means for each of {n} "
        "model-expression combinations; effect sizes are Cohen's d_z with 95% confidence "
        "intervals, and p-values were corrected with the Benjamini-Hochberg false discovery "
        "rate procedure (q < 0.05). "
    )
    if ctx.mixed is not None:
        text += (
            "For the expressions with the smallest corrected p-values, linear mixed models "
            "(statsmodels MixedLM, REML) with condition as fixed effect, a random intercept per "
            "participant and a variance component per recording were fitted to span-level "
            "observations, with face scores averaged within each speech utterance "
            "(overlap-based alignment). "
        )
    text += "Scores are reported as perceived expressive behaviour, not felt emotion."
    return (
        "<h2>Methods text</h2><p>A paragraph you can adapt for a methods section:</p>"
        f"<blockquote>{html.escape(text)}</blockquote>"
    )


def _data_section(ctx: Context) -> str:
    from humeresearch.cli import summary

    info = summary(ctx.measurements)
    rows = [
        ("", [html.escape(model), f"{d['spans']:,}", f"{d['rows']:,}", str(d["names"]),
              html.escape(", ".join(d["families"])), html.escape(", ".join(d["tracks"]))])
        for model, d in info["models"].items()
    ]  # fmt: skip
    a = ctx.agreement
    design = ctx.design
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in ctx.notes)
    return (
        "<h2>The data as read back</h2>"
        f"<p>{design['participant'].nunique()} participants, conditions "
        f"{html.escape(', '.join(sorted(design['condition'].unique())))}, {len(design)} "
        f"recordings; {info['spans']:,} spans and {info['rows']:,} score rows read from "
        "<code>inputs/predictions.json</code>. The artifacts zip read back to "
        f"{a['rows_b']:,} rows, {a['matched']:,} matched by name and time, largest absolute "
        f"score difference {a['max_abs_diff']:.1g} (the CSVs hold the same values).</p>"
        + table(["model", "spans", "score rows", "names", "families", "tracks"], rows, {1, 2, 3})
        + (f"<p>Notes:</p><ul>{notes}</ul>" if notes else "")
    )


def _pipeline_section(ctx: Context) -> str:
    steps = [
        ("simulate", "<code>humeresearch.simulate.study</code>: the study with its planted effects"),
        ("write v0", "the real v0 formats: <code>inputs/predictions.json</code> and "
         "<code>inputs/artifacts.zip</code> (<code>simulate.v0_artifacts_zip</code>)"),
        ("read", "<code>humeresearch.read</code> on both files, exactly as on your own data; "
         "<code>humeresearch.annotate</code> adds participant and condition from "
         "<code>design.csv</code>"),
        ("align", "<code>humeresearch.align</code>: face frames onto the prosody utterances"),
        ("summarise", "<code>humeresearch.summarize</code>: one mean per participant, condition, "
         "model and expression"),
        ("compare", "<code>humeresearch.compare</code>: paired t-tests on the participant means, "
         "Benjamini-Hochberg FDR over every expression"),
        ("mixed", "<code>humeresearch.mixed</code>: linear mixed models for the top expressions"),
        ("figures", "<code>humeresearch.plot</code>: timeline, distribution, forest, volcano"),
    ]  # fmt: skip
    items = "".join(
        f"<li><b>{name}</b> ({ctx.timings.get(name, float('nan')):.1f} s): {text}</li>"
        for name, text in steps
    )
    return f"<h2>What the pipeline did</h2><ol>{items}</ol>"


def _provenance_section(ctx: Context) -> str:
    inputs = []
    for key, prov in ctx.provenance.items():
        for i in prov.get("inputs", []):
            extra = ""
            if i.get("csv_members"):
                extra = f"{len(i['csv_members'])} CSV members"
            inputs.append(
                ("", [html.escape(Path(str(i.get("path"))).name), html.escape(key),
                      html.escape(str(i.get("format"))), f"{i.get('size', 0):,}",
                      sha_html(str(i.get("sha256"))), html.escape(extra)])
            )  # fmt: skip
    for key in ("design", "truth"):
        p = ctx.inputs[key]
        inputs.append(
            ("", [html.escape(p.name), key, "csv", f"{p.stat().st_size:,}",
                  sha_html(_sha256(p)), "written by the simulator"])
        )  # fmt: skip
    tables = [
        ("", [f"<code>tables/{html.escape(p.name)}</code>", f"{p.stat().st_size:,}"])
        for p in ctx.tables.values()
    ]
    cfg = ctx.config
    effects = "<br>".join(
        html.escape(f"{p['name']} +{p['shift']:.2f} in {p['condition']} ({p['model']})")
        for p in cfg["planted_effects"]
    )
    simulation = [
        ("simulator", f"<code>{html.escape(cfg['simulator'])}</code>"),
        ("participants", str(cfg["participants"])),
        ("conditions", html.escape(", ".join(cfg["conditions"]))),
        ("recordings per participant and condition", str(cfg["recordings_per_condition"])),
        ("seconds per recording", f"{cfg['duration_s']:g}"),
        ("models", html.escape(", ".join(cfg["models"]))),
        ("seed", str(cfg["seed"])),
        ("planted effects", effects),
        ("expressions given a mixed model", str(cfg["top_expressions_for_mixed"])),
    ]
    env = [
        ("humeresearch", __version__),
        ("python", sys.version.split()[0]),
        ("platform", platform.platform()),
        *((m, _version(m)) for m in ("numpy", "pandas", "scipy", "statsmodels", "matplotlib")),
    ]
    code = (
        f"humeresearch demo --out humeresearch-demo --participants {cfg['participants']} "
        f"--seed {cfg['seed']}\n\n# or in Python:\nfrom humeresearch import demo\n"
        f"demo.run('humeresearch-demo', participants={cfg['participants']}, "
        f"seed={cfg['seed']}, duration={cfg['duration_s']:g})"
    )
    return (
        "<h2>Provenance</h2><h3>Inputs</h3><p>Every file the analysis read, in "
        "<code>inputs/</code>, with its SHA-256:</p>"
        + table(["file", "role", "format", "bytes", "sha256", ""], inputs, {3})
        + "<h3>Simulation</h3>"
        + kv(simulation)
        + "<h3>Outputs</h3><p>Parquet tables with the provenance in their metadata "
        "(key <code>humeresearch</code>); <code>measurements.parquet</code> reads back with "
        "<code>humeresearch.read_parquet</code>, the others with <code>pandas.read_parquet</code>."
        "</p>"
        + table(["table", "bytes"], tables, {1})
        + "<h3>Environment</h3>"
        + kv((k, html.escape(v)) for k, v in env)
        + f"<h3>Reproduce</h3><pre>{html.escape(code)}</pre>"
    )


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return "not installed"
