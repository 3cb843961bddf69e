"""The figures of the demo report, drawn with :mod:`humeresearch.plot`, saved as PNG."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

DPI = 200


@dataclass(frozen=True)
class Figure:
    """One rendered figure: its file, PNG bytes, title, caption and natural size."""

    path: Path
    png: bytes
    title: str
    caption: str
    width_in: float


def _render(fig: Any, path: Path, title: str, caption: str) -> Figure:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.05)
    width = float(fig.get_size_inches()[0])
    plt.close(fig)
    png = buf.getvalue()
    path.write_bytes(png)
    return Figure(path, png, title, caption, width)


def _fig(drawn: Any) -> Any:
    return drawn if hasattr(drawn, "savefig") else drawn.figure


def draw(
    m: Any,
    long: pd.DataFrame,
    comparison: pd.DataFrame,
    mixed: pd.DataFrame | None,
    found: pd.DataFrame,
    folder: Path,
) -> dict[str, Figure]:
    """Draw every figure of the report into ``folder`` and return them by key."""
    import humeresearch as hr

    planted = found[found["was_planted"]]
    out: dict[str, Figure] = {}
    with hr.plot.style("paper", font_scale=1.1):
        out["timeline"] = _timeline(m, long, planted, folder)
        out["distribution"] = _distribution(long, planted, folder)
        out["forest"] = _forest(comparison, folder)
        out["volcano"] = _volcano(comparison, folder)
        if mixed is not None:
            out["mixed"] = _mixed(mixed, folder)
    return out


def _timeline(m: Any, long: pd.DataFrame, planted: pd.DataFrame, folder: Path) -> Figure:
    """Every model of the first treatment recording, for the planted emotions."""
    import humeresearch as hr

    emotions = list(dict.fromkeys(planted.loc[planted["family"] == "emotion", "name"]))
    treated = sorted(
        long.loc[long["condition"].astype(str) == "treatment", "source"].astype(str).unique()
    )
    source = treated[0]
    lanes = hr.plot.timeline(m, source=source, name=emotions, figsize=(8.0, 5.2))
    return _render(
        lanes.flat[0].figure,
        folder / "timeline.png",
        f"One recording on one clock: {source}",
        "Every model of one treatment recording on the recording's clock: face frames "
        "as lines (3 per second), prosody utterances per speaker, language sentences and "
        "vocal bursts as segments over their whole extent. Shown: the emotions with a "
        "planted effect.",
    )


def _distribution(long: pd.DataFrame, planted: pd.DataFrame, folder: Path) -> Figure:
    """Participant means per condition of every planted expression."""
    import matplotlib.pyplot as plt

    import humeresearch as hr

    subj = _planted_per_subject(long, planted)
    fig, ax = plt.subplots(figsize=(8.0, 3.4), layout="constrained")
    hr.plot.distribution(
        subj,
        x="label",
        value="score",
        hue="condition",
        subject="participant",
        kind="violin",
        family=None,
        order=list(subj["label"].cat.categories),
        hue_order=["control", "treatment"],
        ax=ax,
    )
    ax.set_xlabel("")
    ax.set_ylabel("mean score per participant")
    ax.tick_params(axis="x", labelrotation=20)
    return _render(
        fig,
        folder / "distribution.png",
        "The planted expressions, one value per participant",
        "Participant means (dots) per condition for every expression with a planted "
        "effect; the unit of analysis of the statistics is the participant, not the "
        "frame or span.",
    )


def _forest(comparison: pd.DataFrame, folder: Path) -> Figure:
    """Effect sizes of the 20 smallest corrected p-values of ``compare``."""
    import humeresearch as hr

    shown = comparison.dropna(subset=["p_adj"]).sort_values(["p_adj", "p"]).head(20)
    ax = hr.plot.forest(shown, values=True, figsize=(8.0, 0.28 * len(shown) + 1.2))
    return _render(
        ax.figure,
        folder / "forest.png",
        "Effect sizes of the 20 smallest corrected p-values",
        "Cohen's d_z (treatment minus control) with 95% CIs, from compare (paired t on "
        "participant means). Filled markers: significant after Benjamini-Hochberg FDR "
        f"over all {int(comparison['p_adj'].notna().sum())} expressions. The CIs are not "
        "adjusted for multiplicity, so a CI that misses 0 can belong to a non-significant "
        "row.",
    )


def _volcano(comparison: pd.DataFrame, folder: Path) -> Figure:
    """Every expression of ``compare``: effect against corrected significance."""
    import humeresearch as hr

    ax = hr.plot.volcano(comparison, label=True)
    return _render(
        ax.figure,
        folder / "volcano.png",
        "Every expression: effect against significance",
        "Cohen's d_z against -log10 of the BH-corrected p-value for all expressions of "
        "all models; the dashed line is q = 0.05, significant expressions are labelled.",
    )


def _mixed(mixed: pd.DataFrame, folder: Path) -> Figure:
    """The condition effect of every mixed model."""
    import humeresearch as hr

    n_terms = int((mixed["term"] != "Intercept").sum())
    ax = hr.plot.forest(
        mixed,
        term="condition[T.treatment]",
        values=True,
        figsize=(8.0, 0.3 * n_terms + 1.2),
    )
    ax.set_xlabel("treatment \u2212 control (score units), mixed model")
    return _render(
        ax.figure,
        folder / "mixed.png",
        "Mixed models for the top expressions",
        "Condition effect (treatment minus control, in score units) with 95% Wald CIs "
        "from one linear mixed model per expression: span-level observations (face "
        "averaged per utterance, utterances, sentences, bursts) with a random intercept "
        "per participant and a variance component per recording.",
    )


def _planted_per_subject(long: pd.DataFrame, planted: pd.DataFrame) -> pd.DataFrame:
    """Long rows of the planted (model, family, name), with a ``label`` "name (model)"."""
    keys = planted[["model", "family", "name"]].astype(str)
    rows = long[["model", "family", "name", "participant", "condition", "score"]].astype(
        {"model": str, "family": str, "name": str, "condition": str}
    )
    rows = rows.merge(keys, on=["model", "family", "name"])
    labels = list(dict.fromkeys(keys["name"] + " (" + keys["model"] + ")"))
    rows["label"] = pd.Categorical(rows["name"] + " (" + rows["model"] + ")", categories=labels)
    return rows.sort_values("label", kind="stable").reset_index(drop=True)
