"""Descriptive aggregation: summarize, top_k, dominant, embed, composite, annotate.

These functions describe contract tables (long primarily; wide and spans tables and
``Measurements`` are accepted) or the outputs of :mod:`humeresearch.clocks`:
duration-weighted statistics per group, the top expressions, an expression space,
user-defined composites, and the study design attached to the rows. Inferential
statistics live in :mod:`humeresearch.stats`.

``by=`` always means "compute separately for each value of these columns";
``by=None`` is each function's documented default grouping (one recorded series,
:data:`humeresearch.define.SERIES_KEYS`, in :func:`summarize`; one span in
:func:`top_k`, :func:`dominant` and :func:`embed`) and ``by=()`` one group.

Functions
---------
summarize
    Duration-weighted statistics per group and expression.
top_k, dominant
    The highest-scoring expressions per span or group.
embed
    Expression space (PCA), returned as an :class:`Embedding`.
composite
    Scores of user-defined groups of expressions.
annotate
    Attach participant / condition / session columns from a design table.

Examples
--------
>>> import humeresearch as hr
>>> from humeresearch import aggregate
>>> hr.summarize is aggregate.summarize and hr.annotate is aggregate.annotate
True
"""

from __future__ import annotations

from humeresearch.aggregate._annotate import annotate
from humeresearch.aggregate._composite import composite
from humeresearch.aggregate._embed import Embedding, embed
from humeresearch.aggregate._rank import dominant, top_k
from humeresearch.aggregate._summarize import summarize

__all__ = ["Embedding", "annotate", "composite", "dominant", "embed", "summarize", "top_k"]
