"""Measure a study with a Hume API: planned and costed first, exactly once, resumable.

:func:`measure` (and its twin :func:`measure_async`) takes files, folders, globs,
URLs and texts, plans what each will cost, keeps a SQLite ledger in the project
folder, sends every input once (never retrying a request that creates something
without first checking whether it arrived), stores the raw responses, and returns
one :class:`~humeresearch.Measurements` read from them with :func:`humeresearch.read`.

Examples
--------
>>> import tempfile
>>> from humeresearch import server
>>> from humeresearch.measure import Text, measure
>>> with server.start() as srv:
...     plan = measure([Text("Hello.")], api="v0", project=tempfile.mkdtemp(),
...                    base_url=srv.url, dry_run=True)
>>> plan[["kind", "requests", "state"]].values.tolist()
[['text', 1, 'new']]
"""

from __future__ import annotations

import sys
import types
from typing import Any

from humeresearch.measure._config import APIS, Api
from humeresearch.measure._context import Cancel
from humeresearch.measure._inputs import Text, find_files
from humeresearch.measure._ledger import ledger_table
from humeresearch.measure._plan import FRAME_SECONDS, MIN_RUN_SECONDS, run_seconds
from humeresearch.measure._run import RESULT_NAME, measure, measure_async

__all__ = [
    "APIS",
    "FRAME_SECONDS",
    "MIN_RUN_SECONDS",
    "RESULT_NAME",
    "Api",
    "Cancel",
    "Text",
    "find_files",
    "ledger_table",
    "measure",
    "measure_async",
    "run_seconds",
]


class _CallableModule(types.ModuleType):
    """This package, callable as its function :func:`measure`.

    ``humeresearch.measure`` is always this one object (the top-level lazy name resolves to
    the package, so importing a submodule such as ``humeresearch.measure.cli`` rebinds
    nothing): ``humeresearch.measure(inputs, ...)`` measures, and
    ``humeresearch.measure.measure`` is the function with its signature and documentation.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return measure(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
