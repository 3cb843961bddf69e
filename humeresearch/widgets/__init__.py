"""Notebook widgets: submit a study's measurement and follow it, then explore the results.

Standard ipywidgets only (no custom front-end), so they render in JupyterLab, the
classic Notebook and VS Code. They need the ``widgets`` extra
(``pip install "humeresearch[widgets]"``); importing this package without
ipywidgets raises an ImportError that says so.

SubmitPanel
    Connection (local server, a server URL or Hume's cloud; v1 or v0), API key,
    inputs (upload, path or glob, URLs, texts), the models and options generated
    from the configuration objects, project folder, Plan (the dry run and its cost),
    budget, Submit and Cancel, live progress; :attr:`SubmitPanel.result` holds the
    :class:`~humeresearch.Measurements`. Every submission goes through
    :func:`humeresearch.measure.measure`.
Explorer
    Source, file, model, track, family, expressions, time range and view selectors
    over a :class:`~humeresearch.Measurements`; the figure follows the selection.
ConfigForm
    The controls of a configuration dataclass (``V1Config``, ``BatchConfig`` ...),
    generated from its fields, with errors shown next to the field they name.

Examples
--------
>>> from humeresearch.widgets import ConfigForm
>>> from humeresearch.clients import AudioConfig
>>> form = ConfigForm(AudioConfig)
>>> form.controls["measurement_timer_ms"].value = "5000"
>>> form.value()
AudioConfig(measurement_timer_ms=5000)
"""

from __future__ import annotations

try:
    import ipywidgets  # noqa: F401
except ModuleNotFoundError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "humeresearch.widgets needs ipywidgets (the 'widgets' extra); install it with: "
        'pip install "humeresearch[widgets]"'
    ) from exc

from humeresearch.widgets._explorer import Explorer
from humeresearch.widgets._form import ConfigForm
from humeresearch.widgets._submit import SubmitPanel

__all__ = ["ConfigForm", "Explorer", "SubmitPanel"]
