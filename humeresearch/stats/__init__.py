"""Statistics for papers: per-expression comparisons, mixed models, agreement, clusters.

All functions take a long table (or a :class:`~humeresearch.Measurements`) plus column
names and return one tidy DataFrame whose columns are documented in each function's
docstring. ``by=None`` always means one result per expression (the columns of
:data:`humeresearch.define.EXPRESSION_KEYS` the data has); ``by=()`` one for the whole
table.

* :func:`compare`: two-condition tests per expression (Welch / paired t,
  Mann-Whitney / Wilcoxon, permutation), effect sizes with CIs, corrected p-values;
* :func:`mixed`: one linear mixed model per expression (needs statsmodels,
  ``pip install humeresearch[stats]``);
* :func:`agreement`: Pearson, Spearman, ICC or repeated-measures correlation
  between two aligned measurement sets;
* :func:`cluster_test`: cluster-based permutation test over time bins;
* :func:`correct`: multiple-comparison corrections;
* :func:`anova`: one-way, two-way repeated-measures and mixed ANOVA (and Friedman,
  Kruskal-Wallis) per expression;
* :func:`equivalence`: two one-sided tests (TOST);
* :func:`icc`, :func:`spearman_brown`: intraclass correlations of any number of
  raters, reliability of a mean;
* :func:`lrt`: likelihood-ratio test of nested mixed models;
* :func:`power`: power and sample size after correction over expressions;
* :func:`rescale`: baseline correction of epochs;
* :func:`report`: the results written up in APA style (text, table, methods).
"""

from __future__ import annotations

from humeresearch.errors import StatsWarning
from humeresearch.stats._agreement import agreement
from humeresearch.stats._anova import anova
from humeresearch.stats._cluster import cluster_test
from humeresearch.stats._compare import compare
from humeresearch.stats._correct import correct
from humeresearch.stats._equivalence import equivalence
from humeresearch.stats._icc import icc, spearman_brown
from humeresearch.stats._lrt import lrt
from humeresearch.stats._mixed import mixed
from humeresearch.stats._power import power
from humeresearch.stats._report import Report, report
from humeresearch.stats._rescale import rescale

__all__ = [
    "Report",
    "StatsWarning",
    "agreement",
    "anova",
    "cluster_test",
    "compare",
    "correct",
    "equivalence",
    "icc",
    "lrt",
    "mixed",
    "power",
    "report",
    "rescale",
    "spearman_brown",
]
