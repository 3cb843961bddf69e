"""The fixed option sets of humeresearch, each defined once.

Every enumerated choice of the public API lives here twice: as a tuple (for checks,
loops and widgets that build their controls) and as a ``typing.Literal`` alias (for
signatures and type checkers). A test checks that each pair agrees.

Examples
--------
>>> from humeresearch import define
>>> define.V0_MODELS
('face', 'burst', 'prosody', 'language', 'ner', 'facemesh')
>>> "fdr_bh" in define.CORRECTIONS
True
"""

from __future__ import annotations

from typing import Literal

# -- the APIs and their models ------------------------------------------------------------

#: Hume API versions.
APIS: tuple[str, ...] = ("v0", "v1")
Api = Literal["v0", "v1"]

#: v0 models (batch), in the order of the v0 documentation.
V0_MODELS: tuple[str, ...] = ("face", "burst", "prosody", "language", "ner", "facemesh")
V0Model = Literal["face", "burst", "prosody", "language", "ner", "facemesh"]

#: v0 models of the streaming API (``/v0/stream/models``).
V0_STREAM_MODELS: tuple[str, ...] = ("face", "burst", "prosody", "language", "facemesh")
V0StreamModel = Literal["face", "burst", "prosody", "language", "facemesh"]

#: v1 models (audio and video responses).
V1_MODELS: tuple[str, ...] = ("audio", "video")
V1Model = Literal["audio", "video"]

#: every model name of the contract's ``model`` column.
MODELS: tuple[str, ...] = V0_MODELS + V1_MODELS
Model = Literal["face", "burst", "prosody", "language", "ner", "facemesh", "audio", "video"]

#: score families of the contract's ``family`` column.
FAMILIES: tuple[str, ...] = (
    "emotion",
    "facs",
    "description",
    "sentiment",
    "toxicity",
    "voice_attribute",
)
Family = Literal["emotion", "facs", "description", "sentiment", "toxicity", "voice_attribute"]

#: levels of the contract's errors table.
ERROR_LEVELS: tuple[str, ...] = ("source", "file", "job", "stream")
ErrorLevel = Literal["source", "file", "job", "stream"]

#: v0 batch granularities of prosody and language.
GRANULARITIES: tuple[str, ...] = ("word", "sentence", "utterance", "conversational_turn")
Granularity = Literal["word", "sentence", "utterance", "conversational_turn"]

#: v0 streaming granularities of language.
STREAM_GRANULARITIES: tuple[str, ...] = ("word", "sentence", "utterance", "passage")
StreamGranularity = Literal["word", "sentence", "utterance", "passage"]

# -- contract keys ------------------------------------------------------------------------

#: the columns that name one expression: the default ``by`` of the statistics.
EXPRESSION_KEYS: tuple[str, ...] = ("model", "family", "name")
#: the columns that name one recorded series: the default ``by`` of aggregation.
SERIES_KEYS: tuple[str, ...] = ("source", "file", "model", "track")
#: the table kinds of the contract.
TABLE_KINDS: tuple[str, ...] = ("spans", "long", "wide", "errors")
TableKind = Literal["spans", "long", "wide", "errors"]

# -- reading ------------------------------------------------------------------------------

#: what ``read(errors=...)`` does with an unreadable input.
ERROR_MODES: tuple[str, ...] = ("raise", "collect")
ErrorMode = Literal["raise", "collect"]
#: pools of ``read(executor=...)``.
EXECUTORS: tuple[str, ...] = ("thread", "process")
Executor = Literal["thread", "process"]
#: forms ``humeresearch convert --form`` writes.
FORMS: tuple[str, ...] = ("long", "wide", "spans", "errors", "measurements")
Form = Literal["long", "wide", "spans", "errors", "measurements"]

# -- aggregation --------------------------------------------------------------------------

#: statistics of ``summarize(agg=...)``; ``"q<percent>"`` (``"q25"``) is accepted too.
SUMMARY_AGGS: tuple[str, ...] = (
    "mean",
    "std",
    "min",
    "max",
    "median",
    "frac_above",
    "auc",
    "count",
)
SummaryAgg = Literal["mean", "std", "min", "max", "median", "frac_above", "auc", "count"]
#: how many values become one per subject (``compare``, ``cluster_test``) or per cell (plots).
AGGS: tuple[str, ...] = ("mean", "median")
Agg = Literal["mean", "median"]
#: how ``composite`` combines its member expressions.
COMPOSITE_AGGS: tuple[str, ...] = ("mean", "sum", "max")
CompositeAgg = Literal["mean", "sum", "max"]
#: gap filling of ``resample``.
FILLS: tuple[str | None, ...] = (None, "ffill", "bfill", "interpolate")
Fill = Literal["ffill", "bfill", "interpolate"]
#: what ``resample`` does with overlapping spans of one series.
OVERLAP_POLICIES: tuple[str, ...] = ("raise", "allow")
OverlapPolicy = Literal["raise", "allow"]
#: what ``annotate`` does with rows the design does not cover.
MISSING_POLICIES: tuple[str, ...] = ("raise", "keep", "drop")
MissingPolicy = Literal["raise", "keep", "drop"]
#: what ``annotate`` does when the design matches a row more than once.
AMBIGUOUS_POLICIES: tuple[str, ...] = ("raise", "first")
AmbiguousPolicy = Literal["raise", "first"]
#: what ``composite`` does when a member expression is absent.
ABSENT_POLICIES: tuple[str, ...] = ("raise", "ignore")
AbsentPolicy = Literal["raise", "ignore"]
#: methods of ``embed``.
EMBED_METHODS: tuple[str, ...] = ("pca",)
EmbedMethod = Literal["pca"]
#: association measures of ``match_tracks``.
TRACK_METHODS: tuple[str, ...] = ("phi", "jaccard")
TrackMethod = Literal["phi", "jaccard"]

# -- statistics ---------------------------------------------------------------------------

#: multiple-comparison corrections.
CORRECTIONS: tuple[str, ...] = ("fdr_bh", "fdr_by", "holm", "bonferroni", "none")
Correction = Literal["fdr_bh", "fdr_by", "holm", "bonferroni", "none"]
#: test families of ``compare``.
TESTS: tuple[str, ...] = ("auto", "t", "rank", "permutation")
Test = Literal["auto", "t", "rank", "permutation"]
#: alternative hypotheses.
ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater", "less")
Alternative = Literal["two-sided", "greater", "less"]
#: effect sizes of ``compare`` between subjects.
BETWEEN_EFFECTS: tuple[str, ...] = ("auto", "hedges_g", "rank_biserial")
#: effect sizes of ``compare`` within subjects.
WITHIN_EFFECTS: tuple[str, ...] = ("auto", "d_z", "d_av", "rank_biserial")
Effect = Literal["auto", "hedges_g", "d_z", "d_av", "rank_biserial"]
#: methods of ``agreement``.
AGREEMENT_METHODS: tuple[str, ...] = ("pearson", "spearman", "icc", "icc2", "icc3", "rmcorr")
AgreementMethod = Literal["pearson", "spearman", "icc", "icc2", "icc3", "rmcorr"]
#: correlation methods of ``plot.correlation_matrix``.
CORRELATION_METHODS: tuple[str, ...] = ("pearson", "spearman", "kendall")
CorrelationMethod = Literal["pearson", "spearman", "kendall"]

# -- figures ------------------------------------------------------------------------------

#: kinds of ``plot.distribution``.
DISTRIBUTION_KINDS: tuple[str, ...] = ("violin", "box", "strip", "point")
DistributionKind = Literal["violin", "box", "strip", "point"]
#: the part of a matrix ``plot.correlation_matrix`` draws.
TRIANGLES: tuple[str, ...] = ("lower", "upper", "full")
Triangle = Literal["lower", "upper", "full"]

#: every (tuple, Literal) pair defined here, for the consistency test and for widgets.
OPTIONS: dict[str, tuple[tuple[object, ...], object]] = {
    "APIS": (APIS, Api),
    "V0_MODELS": (V0_MODELS, V0Model),
    "V0_STREAM_MODELS": (V0_STREAM_MODELS, V0StreamModel),
    "V1_MODELS": (V1_MODELS, V1Model),
    "MODELS": (MODELS, Model),
    "FAMILIES": (FAMILIES, Family),
    "ERROR_LEVELS": (ERROR_LEVELS, ErrorLevel),
    "GRANULARITIES": (GRANULARITIES, Granularity),
    "STREAM_GRANULARITIES": (STREAM_GRANULARITIES, StreamGranularity),
    "TABLE_KINDS": (TABLE_KINDS, TableKind),
    "ERROR_MODES": (ERROR_MODES, ErrorMode),
    "EXECUTORS": (EXECUTORS, Executor),
    "FORMS": (FORMS, Form),
    "SUMMARY_AGGS": (SUMMARY_AGGS, SummaryAgg),
    "AGGS": (AGGS, Agg),
    "COMPOSITE_AGGS": (COMPOSITE_AGGS, CompositeAgg),
    "FILLS": (tuple(f for f in FILLS if f is not None), Fill),
    "OVERLAP_POLICIES": (OVERLAP_POLICIES, OverlapPolicy),
    "MISSING_POLICIES": (MISSING_POLICIES, MissingPolicy),
    "AMBIGUOUS_POLICIES": (AMBIGUOUS_POLICIES, AmbiguousPolicy),
    "ABSENT_POLICIES": (ABSENT_POLICIES, AbsentPolicy),
    "EMBED_METHODS": (EMBED_METHODS, EmbedMethod),
    "TRACK_METHODS": (TRACK_METHODS, TrackMethod),
    "CORRECTIONS": (CORRECTIONS, Correction),
    "TESTS": (TESTS, Test),
    "ALTERNATIVES": (ALTERNATIVES, Alternative),
    "EFFECTS": (tuple(dict.fromkeys(BETWEEN_EFFECTS + WITHIN_EFFECTS)), Effect),
    "AGREEMENT_METHODS": (AGREEMENT_METHODS, AgreementMethod),
    "CORRELATION_METHODS": (CORRELATION_METHODS, CorrelationMethod),
    "DISTRIBUTION_KINDS": (DISTRIBUTION_KINDS, DistributionKind),
    "TRIANGLES": (TRIANGLES, Triangle),
}

# -- plot ---------------------------------------------------------------------------------

#: cell aggregates of ``plot.heatmap``: the ``AGGS`` plus the extremes.
HEATMAP_AGGS: tuple[str, ...] = ("mean", "median", "max", "min")
HeatmapAgg = Literal["mean", "median", "max", "min"]
#: text-size contexts of ``plot.style``.
STYLE_CONTEXTS: tuple[str, ...] = ("paper", "notebook", "talk", "poster")
StyleContext = Literal["paper", "notebook", "talk", "poster"]

OPTIONS.update(
    {
        "HEATMAP_AGGS": (HEATMAP_AGGS, HeatmapAgg),
        "STYLE_CONTEXTS": (STYLE_CONTEXTS, StyleContext),
    }
)

# -- cli ----------------------------------------------------------------------------------

#: file formats ``humeresearch convert --format`` writes.
OUTPUT_FORMATS: tuple[str, ...] = ("parquet", "csv", "tsv", "xlsx")
OutputFormat = Literal["parquet", "csv", "tsv", "xlsx"]

OPTIONS.update({"OUTPUT_FORMATS": (OUTPUT_FORMATS, OutputFormat)})

# -- stats --------------------------------------------------------------------------------

#: how rows are weighted inside one subject's value (``compare(weight=...)``): by span
#: duration as :func:`humeresearch.summarize` does, or every row once.
WEIGHTS: tuple[str, ...] = ("duration", "equal")
Weight = Literal["duration", "equal"]

OPTIONS.update({"WEIGHTS": (WEIGHTS, Weight)})

# -- stats: designs, post-hoc tests, effect-size CIs, baselines, power ----------------------

#: post-hoc pairs of ``compare`` with three or more levels: the two-sample tests of
#: ``test=`` (``"pairwise"``), Tukey's HSD or Games-Howell (between subjects).
POSTHOCS: tuple[str, ...] = ("auto", "pairwise", "tukey", "games_howell")
Posthoc = Literal["auto", "pairwise", "tukey", "games_howell"]
#: confidence intervals of standardised mean differences (``compare(ci_method=...)``).
CI_METHODS: tuple[str, ...] = ("normal", "exact")
CiMethod = Literal["normal", "exact"]
#: baseline corrections of ``stats.rescale`` (MNE's ``rescale`` modes).
RESCALE_METHODS: tuple[str, ...] = ("mean", "ratio", "logratio", "percent", "zscore", "zlogratio")
RescaleMethod = Literal["mean", "ratio", "logratio", "percent", "zscore", "zlogratio"]
#: designs of ``power``.
POWER_DESIGNS: tuple[str, ...] = ("between", "within")
PowerDesign = Literal["between", "within"]

OPTIONS.update(
    {
        "POSTHOCS": (POSTHOCS, Posthoc),
        "CI_METHODS": (CI_METHODS, CiMethod),
        "RESCALE_METHODS": (RESCALE_METHODS, RescaleMethod),
        "POWER_DESIGNS": (POWER_DESIGNS, PowerDesign),
    }
)

# -- stats: reporting ------------------------------------------------------------------------

#: styles of ``stats.report``: APA (7th edition) plain text.
REPORT_STYLES: tuple[str, ...] = ("apa",)
ReportStyle = Literal["apa"]

OPTIONS.update({"REPORT_STYLES": (REPORT_STYLES, ReportStyle)})
