"""Render every figure of ``humeresearch.plot`` into PNG files.

Inputs: the bundled example study ``data/example/`` (simulated: participants
recorded in two conditions, a planted Joy effect in "treatment"; simulated here
with ``humeresearch.simulate.study`` if the folder is missing) for the figures of a
study, and the real v0 outputs in ``../shared/fixtures/hume-v0-real/`` (when they
are there) for the figures of single recordings.

Usage::

    python scripts/gallery.py [OUT_DIR] [--quick]

``OUT_DIR`` defaults to ``gallery/``; ``--quick`` simulates a smaller study (only
used when ``data/example/`` is missing).
Prints one line per file and a final ``RESULT figures=N seconds=S`` line.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib

matplotlib.use(os.environ["MPLBACKEND"])

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import humeresearch as hr
from humeresearch import simulate
from humeresearch.plot import style

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / ".." / "shared" / "fixtures" / "hume-v0-real"
EXAMPLE = ROOT / "data" / "example"


def study_tables(quick: bool) -> tuple[hr.Measurements, pd.DataFrame]:
    """The example study: its measurements and the long table with the design columns.

    The bundled ``data/example/`` (8 participants x 2 conditions, Joy raised in
    "treatment") when present; otherwise a study simulated here with the same design
    (16 participants, 8 with ``quick``).
    """
    if (EXAMPLE / "predictions.json").exists() and (EXAMPLE / "design.csv").exists():
        m = hr.read(EXAMPLE / "predictions.json")
        design = pd.read_csv(EXAMPLE / "design.csv", dtype=str)
    else:
        s = simulate.study(
            participants=8 if quick else 16,
            conditions=("control", "treatment"),
            duration=20.0 if quick else 30.0,
            effects=[simulate.Effect("Joy", "treatment", 0.15)],
            seed=0,
        )
        m = hr.read(s.predictions)
        design = s.design
    long = hr.annotate(m.long(), design[["source", "participant", "condition"]], on="source")
    return m, long


def fig_palette(out: Path) -> None:
    names = list(hr.plot.palette())
    colours = hr.plot.palette(names)
    cols = 4
    rows = int(np.ceil(len(names) / cols))
    fig, ax = plt.subplots(figsize=(7.5, 0.2 * rows + 0.5), layout="constrained")
    for i, name in enumerate(names):
        r, c = divmod(i, cols)
        ax.add_patch(plt.Rectangle((c, -r - 0.8), 0.18, 0.7, color=colours[name]))
        ax.text(c + 0.22, -r - 0.45, name, va="center", fontsize="small")
    ax.set_xlim(0, cols)
    ax.set_ylim(-rows, 0)
    ax.axis("off")
    ax.set_title("Expression colours (humeresearch.plot.palette), fixed across figures", loc="left")
    fig.savefig(out)
    plt.close(fig)


def figures(quick: bool) -> dict[str, Callable[[], object]]:
    """File stem -> function drawing one figure (returning its Axes or array of Axes)."""
    m, long = study_tables(quick)
    face = long[long["model"] == "face"]
    ranked = hr.summarize(face, by=["name"]).sort_values("score", ascending=False)["name"]
    shown = [*[n for n in ranked[:7] if n != "Joy"][:5], "Joy"]  # the planted effect
    first = str(long["source"].cat.categories[1])  # a treatment recording
    real = REAL / "interreviewer_predictions.json"
    real_faces = REAL / "hume_examples_faces_predictions.json"

    def compare_face() -> pd.DataFrame:
        return hr.compare(face, within="condition", subject="participant")

    def compare_all() -> pd.DataFrame:
        timed = long[long["family"] == "emotion"]
        return hr.compare(timed, within="condition", subject="participant")

    def mixed_face() -> pd.DataFrame:
        per_rec = (
            face.groupby(["name", "participant", "condition", "source"], observed=True)["score"]
            .mean()
            .reset_index()
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return hr.mixed(per_rec, formula="score ~ condition", subject="participant")

    def agreement() -> pd.DataFrame:
        lang = long[(long["model"] == "language") & (long["family"] == "emotion")]
        sentences = m.spans()
        sentences = sentences[sentences["model"] == "language"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            on_words = {
                mod: hr.align(
                    long[(long["model"] == mod) & (long["family"] == "emotion")],
                    sentences,
                    pool_tracks=True,
                )
                for mod in ("face", "prosody")
            }
        on_words["language"] = lang
        keys = ["source", "file", "span_id"]
        parts = []
        for a, b in (("face", "prosody"), ("face", "language"), ("prosody", "language")):
            res = hr.agreement(on_words[a], on_words[b], on=keys, by=("name",))
            parts.append(res.assign(pair=f"{a} \u2013 {b}"))
        out = pd.concat(parts, ignore_index=True)
        return out[out["name"].isin(list(ranked[:10]))]

    def expression_space() -> object:
        emb = hr.embed(face, by=["participant", "condition"])
        return hr.plot.expression_map(emb, hue="condition")

    out: dict[str, Callable[[], object]] = {
        "timeline_study": lambda: hr.plot.timeline(m, source=first),
        "heatmap_participants": lambda: hr.plot.heatmap(
            face, x="participant", top_k=12, annot=False
        ),
        "distribution_violin": lambda: hr.plot.distribution(
            face, hue="condition", subject="participant", name=shown
        ),
        "distribution_point": lambda: hr.plot.distribution(
            face, hue="condition", subject="participant", kind="point", name=shown
        ),
        "radar_conditions": lambda: hr.plot.radar(
            face, name=shown, hue="condition", subject="participant"
        ),
        "forest_compare": lambda: hr.plot.forest(compare_face(), values=True),
        "forest_mixed": lambda: hr.plot.forest(mixed_face()),
        "volcano": lambda: hr.plot.volcano(compare_all(), p="p"),
        "agreement_matrix": lambda: hr.plot.agreement_matrix(agreement(), x="name", y="pair"),
        "expression_map": expression_space,
    }
    if real.exists():
        rm = hr.read(real)
        out["timeline_real"] = lambda: hr.plot.timeline(rm)
        out["heatmap_time_real"] = lambda: hr.plot.heatmap(
            rm.long().query("model == 'face'"), top_k=16, cluster=True
        )
    if real_faces.exists():
        fl = hr.read(real_faces).long()
        out["timeline_faces_real"] = lambda: hr.plot.timeline(fl, top_k=4)
        out["correlation_matrix_real"] = lambda: hr.plot.correlation_matrix(
            fl, top_k=12, cluster=True
        )
    return out


def main(argv: list[str] | None = None) -> list[Path]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="gallery", help="folder for the PNG files")
    parser.add_argument("--quick", action="store_true", help="smaller simulated study")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    written = []
    with style("paper", font_scale=1.1, rc={"savefig.dpi": 150}):
        fig_palette(out / "palette.png")
        written.append(out / "palette.png")
        for stem, draw in figures(args.quick).items():
            t0 = time.perf_counter()
            drawn = draw()  # an Axes, or timeline's array of Axes
            fig = np.ravel(drawn)[0].figure
            path = out / f"{stem}.png"
            fig.savefig(path)
            plt.close(fig)
            written.append(path)
            took = time.perf_counter() - t0
            print(f"{path}  {path.stat().st_size // 1024} KiB  {took:.1f} s")
    seconds = time.perf_counter() - start
    print(f"RESULT figures={len(written)} seconds={seconds:.1f}")
    return written


if __name__ == "__main__":
    main(sys.argv[1:])
