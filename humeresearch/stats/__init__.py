"""Statistics for papers: per-expression comparisons, mixed models, agreement, clusters.

All functions take long data plus column names and return one tidy DataFrame whose
columns are documented in each function's docstring.

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

from humeresearch.stats._agreement import agreement
from humeresearch.stats._cluster import cluster_test
from humeresearch.stats._common import DEFAULT_BY, StatsWarning
from humeresearch.stats._compare import compare
from humeresearch.stats._correct import METHODS, correct
from humeresearch.stats._mixed import mixed

__all__ = [
    "DEFAULT_BY",
    "METHODS",
    "StatsWarning",
    "agreement",
    "cluster_test",
    "compare",
    "correct",
    "mixed",
]
