"""The self-contained HTML report of the demo (inline CSS, figures as base64 PNG).

This module holds what the report shows (:class:`Context`), the page assembly and the
sections that describe the run (pipeline, methods, data, provenance); the result
sections (planted truth, figures, statistics, mixed models) are in
:mod:`humeresearch.demo._results`.
"""

from __future__ import annotations

import datetime as _dt
import html
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from humeresearch._version import __version__
from humeresearch.demo._html import CSS, kv, sha_html, table
from humeresearch.demo._results import figure_section, mixed_section, stats_section, truth_section


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
        truth_section(ctx),
        _pipeline_section(ctx),
        figure_section(ctx),
        stats_section(ctx),
        mixed_section(ctx),
        _methods_section(ctx),
        _data_section(ctx),
        _provenance_section(ctx),
        "</body></html>",
    ]
    return "\n".join(parts)


# -- the sections that describe the run ---------------------------------------------------


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


def _input_rows(ctx: Context) -> list[tuple[str, list[str]]]:
    """Rows of the inputs table: every file read, and the design and truth CSVs."""
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
    return inputs


def _simulation_rows(cfg: dict[str, Any]) -> list[tuple[str, str]]:
    """Key-value rows of the simulation's configuration."""
    effects = "<br>".join(
        html.escape(f"{p['name']} +{p['shift']:.2f} in {p['condition']} ({p['model']})")
        for p in cfg["planted_effects"]
    )
    return [
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


def _provenance_section(ctx: Context) -> str:
    cfg = ctx.config
    inputs = _input_rows(ctx)
    simulation = _simulation_rows(cfg)
    tables = [
        ("", [f"<code>tables/{html.escape(p.name)}</code>", f"{p.stat().st_size:,}"])
        for p in ctx.tables.values()
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
