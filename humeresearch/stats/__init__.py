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
* :func:`correct`: multiple-comparison corrections.
"""

from __future__ import annotations

from humeresearch.errors import StatsWarning
from humeresearch.stats._agreement import agreement
from humeresearch.stats._cluster import cluster_test
from humeresearch.stats._compare import compare
from humeresearch.stats._correct import correct
from humeresearch.stats._mixed import mixed

__all__ = [
    "StatsWarning",
    "agreement",
    "cluster_test",
    "compare",
    "correct",
    "mixed",
]
