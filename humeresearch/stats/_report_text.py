"""The results paragraphs of :func:`humeresearch.stats.report`, one writer per result kind."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from humeresearch.stats._report_format import Line, num


@dataclass
class Context:
    table: pd.DataFrame
    lines: list[Line]
    sig: np.ndarray
    p_label: str
    alpha: float

    def apa(self, i: int) -> str:
        return self.lines[i].apa(None if self.p_label == "p" else self.p_label)

    def threshold(self) -> str:
        return f"{self.p_label} < {num(self.alpha, 3, zero=False).rstrip('0')}"

    def rest(self, n: int, word: str, verb: str) -> str:
        if n == 0:
            return ""
        alpha = num(self.alpha, 3, zero=False).rstrip("0")
        noun = word if n == 1 else word + "s"
        other = "The other" if n == 1 else f"The other {n}"
        scope = "" if n == 1 else "all "
        return f" {other} {noun} {verb} ({scope}{self.p_label} ≥ {alpha})."


def and_(items: list[str]) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _direction(ctx: Context, i: int, two_levels: bool) -> str:
    row, line = ctx.table.iloc[i], ctx.lines[i]
    ref, other = row["reference"], row["other"]
    if math.isnan(line.sign):
        return f"{other} vs {ref}"
    if two_levels:
        word = "higher" if line.sign > 0 else "lower"
        return f"{word} in {other} than in {ref}"
    return f"{other} {'>' if line.sign > 0 else '<'} {ref}"


def _compare_text(ctx: Context) -> str:
    t = ctx.table
    kind = t["kind"].astype(str).to_numpy() if "kind" in t.columns else np.full(len(t), "pairwise")
    labels = np.array([x.label for x in ctx.lines], dtype=object)
    n_expr = len(pd.unique(labels))
    if (kind == "omnibus").any():
        return _omnibus_text(ctx, kind, labels, n_expr)
    against = is_against(t)
    pairs = t[["reference", "other"]].astype(str).drop_duplicates()
    k = int(ctx.sig.sum())
    if against:
        ref = str(t["reference"].iloc[0])
        head = f"{k} of {plural(n_expr, 'expression')} differed from {ref} ({ctx.threshold()})."
        body = [
            f" {ctx.lines[i].label}: {'above' if ctx.lines[i].sign > 0 else 'below'} {ref}, "
            f"{ctx.apa(i)}." for i in np.flatnonzero(ctx.sig)
        ]  # fmt: skip
        return head + "".join(body) + ctx.rest(n_expr - k, "expression", "did not differ")
    if len(pairs) == 1:
        ref, other = pairs.iloc[0]
        head = f"{k} of {plural(n_expr, 'expression')} differed between {other} and {ref} "
        head += f"({ctx.threshold()})."
        body = [
            f" {ctx.lines[i].label}: {_direction(ctx, i, True)}, {ctx.apa(i)}."
            for i in np.flatnonzero(ctx.sig)
        ]
        return head + "".join(body) + ctx.rest(n_expr - k, "expression", "did not differ")
    head = f"{k} of {plural(len(t), 'comparison')} ({n_expr} expressions, {len(pairs)} pairs of "
    head += f"levels) were significant ({ctx.threshold()})."
    body = [
        f" {ctx.lines[i].label}: {_direction(ctx, i, False)}, {ctx.apa(i)}."
        for i in np.flatnonzero(ctx.sig)
    ]
    return head + "".join(body) + ctx.rest(len(t) - k, "comparison", "was not significant")


def is_against(table: pd.DataFrame) -> bool:
    """Whether a ``compare`` table tests against a value (its reference is the value)."""
    tests = table["test"].astype(str)
    if not tests.isin(["one_sample_t", "wilcoxon", "sign_flip_permutation"]).all():
        return False
    try:
        table["reference"].astype(str).astype(float)
    except ValueError:
        return False
    return True


def _omnibus_text(ctx: Context, kind: np.ndarray, labels: np.ndarray, n_expr: int) -> str:
    t = ctx.table
    pair_rows = t[kind == "pairwise"]
    levels = list(dict.fromkeys([*pair_rows["reference"].astype(str),
                                 *pair_rows["other"].astype(str)]))  # fmt: skip
    omni = np.flatnonzero(kind == "omnibus")
    sig = [i for i in omni if ctx.sig[i]]
    head = f"{len(sig)} of {plural(len(omni), 'expression')} differed across "
    head += f"{and_(levels) if levels else 'the levels'} (omnibus tests, {ctx.threshold()})."
    body = []
    for i in sig:
        text = f" {labels[i]}: {ctx.apa(i)}"
        pairs = np.flatnonzero((kind == "pairwise") & (labels == labels[i]))
        hits = [j for j in pairs if ctx.sig[j]]
        if hits:
            parts = [f"{_direction(ctx, j, False)} ({ctx.apa(j)})" for j in hits]
            text += "; post hoc, " + "; ".join(parts)
        if not hits:
            text += "; no post-hoc pair differed"
        elif len(hits) < len(pairs):
            text += "; the other pairs did not differ"
        body.append(text + ".")
    return head + "".join(body) + ctx.rest(len(omni) - len(sig), "expression", "did not differ")


def _term_text(ctx: Context, phrase: Callable[[str], str]) -> str:
    """Per term: the count of significant expressions and one sentence per significant one."""
    out = []
    terms = ctx.table["term"].astype(str).to_numpy()
    for term in dict.fromkeys(terms):
        rows = np.flatnonzero(terms == term)
        sig = [i for i in rows if ctx.sig[i]]
        head = f"{len(sig)} of {plural(len(rows), 'expression')} showed {phrase(term)} "
        head += f"({ctx.threshold()})."
        body = "".join(f" {ctx.lines[i].label}: {ctx.apa(i)}." for i in sig)
        out.append(head + body + ctx.rest(len(rows) - len(sig), "expression", "did not"))
    return "\n\n".join(out)


def _anova_text(ctx: Context) -> str:
    def phrase(term: str) -> str:
        if ":" in term:
            return "an interaction of " + " × ".join(term.split(":"))
        return f"a main effect of {term}"

    return _term_text(ctx, phrase)


def _mixed_text(ctx: Context) -> str:
    return _term_text(ctx, lambda term: f"a fixed effect of {term}")


def _agreement_text(ctx: Context) -> str:
    methods = and_(list(dict.fromkeys(x.comparison for x in ctx.lines)))
    k = int(ctx.sig.sum())
    est = ctx.table["estimate"].to_numpy(np.float64, na_value=np.nan)
    head = f"Agreement ({methods}) ranged from {num(np.nanmin(est), zero=False)} to "
    head += f"{num(np.nanmax(est), zero=False)} over {plural(len(est), 'expression')}; "
    head += f"{k} differed from zero ({ctx.threshold()})."
    body = "".join(f" {ctx.lines[i].label}: {ctx.apa(i)}." for i in np.flatnonzero(ctx.sig))
    return head + body + ctx.rest(len(est) - k, "expression", "did not")


def _equivalence_text(ctx: Context) -> str:
    t = ctx.table
    k = int(ctx.sig.sum())
    low, high = num(t["low"].iloc[0]), num(t["high"].iloc[0])
    pair = f"{t['other'].iloc[0]} and {t['reference'].iloc[0]}"
    head = f"{k} of {plural(len(t), 'expression')} were equivalent in {pair} within "
    head += f"[{low}, {high}] (TOST, {ctx.threshold()})."
    body = "".join(f" {ctx.lines[i].label}: {ctx.apa(i)}." for i in np.flatnonzero(ctx.sig))
    return head + body + ctx.rest(len(t) - k, "expression", "could not be shown equivalent")


TEXTS: dict[str, Callable[[Context], str]] = {
    "compare": _compare_text,
    "anova": _anova_text,
    "mixed": _mixed_text,
    "agreement": _agreement_text,
    "equivalence": _equivalence_text,
}
