"""``SubmitPanel``: choose inputs, models and options, see the cost, measure, follow progress."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any, Literal

import ipywidgets as w
import pandas as pd

from humeresearch._measurements import Measurements
from humeresearch.clients import BatchConfig, V1Config
from humeresearch.measure import Cancel, ledger_table, measure
from humeresearch.widgets._connection import Connection, Target
from humeresearch.widgets._figures import draw_into, say_into
from humeresearch.widgets._form import ConfigForm
from humeresearch.widgets._inputs import Inputs
from humeresearch.widgets._table import FINAL, ProgressTable, plan_summary, result_summary

#: the project folder when none is given.
DEFAULT_PROJECT = "humeresearch-project"
_STYLE = {"description_width": "110px"}


class SubmitPanel(w.VBox):
    """Measure a study from a notebook: inputs, models, cost, Submit, live progress.

    Every submission is a call of :func:`humeresearch.measure.measure` in a worker
    thread (the kernel stays responsive); its per-input events fill the table and the
    progress bar. Plan shows the dry run. The project folder's ledger says what is
    already measured: a panel opened on a project shows it, and measuring again
    skips it.

    Parameters
    ----------
    project : path, optional
        The project folder (ledger, raw responses, ``measurements.parquet``,
        uploads); default ``humeresearch-project`` in the working directory.
    base_url : str, optional
        A server to send to (default: a local server the panel starts on first use).
    target : {"local", "url", "cloud"}, optional
        Where to send (default ``"url"`` when ``base_url`` is given, else ``"local"``).
    api : {"v1", "v0"}, default "v1"
    api_key : str, optional
        Default: one typed into the key field, else ``HUME_API_KEY``. Kept in a
        private attribute, never in a widget.
    inputs : str, optional
        Initial path or glob.
    config : V1Config or BatchConfig, optional
        Initial models and options.
    budget_seconds : float, optional
        Initial budget.
    concurrency : int, default 4

    Attributes
    ----------
    result : Measurements or None
        The measurements of the last submission, once it has finished.
    plan_table : pandas.DataFrame or None
        The last dry run (``measure(..., dry_run=True)``).
    plan_button, submit_button, cancel_button : ipywidgets.Button
        Their ``click()`` runs what a press does.
    progress : ipywidgets.IntProgress
    table_html, status : ipywidgets.HTML
    figure : ipywidgets.Output
        The timeline of the first input, once measured.

    Examples
    --------
    >>> import tempfile
    >>> from humeresearch.widgets import SubmitPanel
    >>> panel = SubmitPanel(project=tempfile.mkdtemp(), base_url="http://127.0.0.1:9")
    >>> panel.forms["v1"].controls["audio.measurement_timer_ms"].value = "2000"
    >>> panel.plan_button.click()
    >>> panel.forms["v1"].errors
    {'audio.measurement_timer_ms': 'must be an integer in 3000-10000, got 2000'}
    """

    def __init__(
        self,
        *,
        project: str | os.PathLike[str] | None = None,
        base_url: str | None = None,
        target: Target | None = None,
        api: Literal["v1", "v0"] = "v1",
        api_key: str | None = None,
        inputs: str = "",
        config: V1Config | BatchConfig | None = None,
        budget_seconds: float | None = None,
        concurrency: int = 4,
    ) -> None:
        super().__init__()
        self.result: Measurements | None = None
        self.plan_table: pd.DataFrame | None = None
        self.error: str | None = None
        self._thread: threading.Thread | None = None
        self._cancel: Cancel | None = None
        self._lock = threading.Lock()
        self._last_refresh = 0.0
        self.table = ProgressTable()
        self.connection = Connection(
            target=target or ("url" if base_url else "local"),
            base_url=base_url,
            api=api,
            api_key=api_key,
        )
        self.inputs = Inputs(self._project_dir, path=inputs)
        self.forms = {
            "v1": ConfigForm(V1Config, value=config if isinstance(config, V1Config) else None),
            "v0": ConfigForm(
                BatchConfig, value=config if isinstance(config, BatchConfig) else None
            ),
        }
        self._build_controls(project, budget_seconds, concurrency)
        self.children = self._layout()
        self.add_class("hr-submit-panel")
        self.connection.api.observe(self._api_changed, names="value")
        self.project.observe(self._show_ledger, names="value")
        self._api_changed()
        self._show_ledger()

    # -- construction -------------------------------------------------------------------

    def _build_controls(self, project: Any, budget_seconds: float | None, concurrency: int) -> None:
        self.project = w.Text(
            value=os.fspath(project) if project is not None else DEFAULT_PROJECT,
            description="project folder",
            style=_STYLE,
            layout=w.Layout(width="560px"),
            continuous_update=False,
        )
        self.budget = w.Text(
            value="" if budget_seconds is None else str(budget_seconds),
            description="budget (s)",
            placeholder="no limit",
            style=_STYLE,
        )
        self.budget_message = w.HTML()
        self.concurrency = w.BoundedIntText(
            value=concurrency, min=1, max=64, description="concurrency", style=_STYLE
        )
        self.plan_button = w.Button(description="Plan", icon="list", tooltip="dry run: cost")
        self.submit_button = w.Button(description="Submit", icon="play", button_style="primary")
        self.cancel_button = w.Button(description="Cancel", icon="stop", disabled=True)
        for button, name in (
            (self.plan_button, "hr-plan"),
            (self.submit_button, "hr-submit"),
            (self.cancel_button, "hr-cancel"),
        ):
            button.add_class(name)
        self.plan_button.on_click(lambda _: self.plan())
        self.submit_button.on_click(lambda _: self.submit())
        self.cancel_button.on_click(lambda _: self.cancel())
        self.status = w.HTML()
        self.status.add_class("hr-status")
        self.plan_summary = w.HTML()
        self.progress = w.IntProgress(value=0, min=0, max=1, description="progress", style=_STYLE)
        self.progress_label = w.HTML()
        self.progress_label.add_class("hr-progress-label")
        self.table_html = w.HTML(self.table.html())
        self.table_html.add_class("hr-table")
        self.figure = w.Output()
        self.figure.add_class("hr-figure")
        self.options_title = w.HTML()

    def _layout(self) -> list[w.Widget]:
        def title(text: str) -> w.HTML:
            return w.HTML(f"<b style='font-size:13px'>{text}</b>")

        return [
            w.HTML("<h3 style='margin:4px 0'>Measure with Hume</h3>"),
            title("Connection"),
            self.connection.widget,
            title("Inputs"),
            self.inputs.widget,
            self.options_title,
            self.forms["v1"].widget,
            self.forms["v0"].widget,
            title("Project and cost"),
            self.project,
            w.HBox([self.budget, self.budget_message, self.concurrency]),
            w.HBox([self.plan_button, self.submit_button, self.cancel_button, self.status]),
            self.plan_summary,
            w.HBox([self.progress, self.progress_label]),
            self.table_html,
            self.figure,
        ]

    def _api_changed(self, change: dict[str, Any] | None = None) -> None:
        api = self.connection.api.value
        for name, form in self.forms.items():
            form.widget.layout.display = None if name == api else "none"
        self.inputs.show_v0(api == "v0")
        kind = "V1Config (audio and video)" if api == "v1" else "BatchConfig (v0 models)"
        self.options_title.value = f"<b style='font-size:13px'>Models and options: {kind}</b>"

    def _project_dir(self) -> Path:
        return Path(self.project.value.strip() or DEFAULT_PROJECT)

    def _show_ledger(self, change: dict[str, Any] | None = None) -> None:
        """Show what the project's ledger says is already measured."""
        if self.running:
            return
        path = self._project_dir() / "ledger.sqlite"
        if not path.exists():
            self.table.clear()
            self._say("")
        else:
            ledger = ledger_table(self._project_dir())
            self.table.from_ledger(ledger)
            done = int(ledger["state"].eq("done").sum())
            self._say(f"this project already holds {done} measured input(s) of {len(ledger)}")
        self._refresh(force=True)

    # -- what the buttons do ------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a submission is in progress."""
        return self._thread is not None and self._thread.is_alive()

    def _request(self) -> dict[str, Any] | None:
        """The arguments of ``measure`` from the controls, or None (errors shown by their field)."""
        api = self.connection.api.value
        config = self.forms[api].value()
        inputs = self.inputs.collect(api)
        budget: float | None = None
        self.budget_message.value = ""
        if self.budget.value.strip():
            try:
                budget = float(self.budget.value)
                if budget < 0:
                    raise ValueError
            except ValueError:
                self.budget_message.value = (
                    "<span style='color:#b00020'>&#9888; a number of seconds &gt;= 0</span>"
                )
                return None
        if config is None or inputs is None:
            self._say("fix the fields marked &#9888; first", error=True)
            return None
        return {
            "inputs": inputs,
            "api": api,
            "config": config,
            "project": self._project_dir(),
            "budget_seconds": budget,
            "concurrency": int(self.concurrency.value),
        }

    def plan(self) -> pd.DataFrame | None:
        """What Plan does: the dry run (nothing sent), shown in the table and summary.

        Returns
        -------
        pandas.DataFrame or None
            The plan, or None when a field is invalid (its message is shown).

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from humeresearch.media import Audio
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.wav").write_bytes(Audio(bytes(2 * 16000 * 2)).wav())
        >>> panel = SubmitPanel(project=folder / "p", base_url="http://127.0.0.1:9",
        ...                     inputs=str(folder / "*.wav"))
        >>> panel.plan()[["kind", "requests", "metered_seconds"]].values.tolist()
        [['file', 1, 10.0]]
        >>> panel.table_frame["state"].tolist()
        ['planned']
        """
        request = self._request()
        if request is None or self.running:
            return None
        inputs = request.pop("inputs")
        request.pop("concurrency")
        try:
            plan = measure(inputs, dry_run=True, progress=False, **request)
        except Exception as exc:
            self._say(self.connection.scrub(f"{type(exc).__name__}: {exc}"), error=True)
            return None
        self.plan_table = plan
        self.table.from_plan(plan)
        self.plan_summary.value = plan_summary(plan, request["api"])
        self._say("planned: nothing was sent")
        self._refresh(force=True)
        return plan

    def submit(self) -> bool:
        """What Submit does: start measuring in a worker thread.

        Returns
        -------
        bool
            Whether a submission started (False: a field is invalid, or one is running).

        Examples
        --------
        >>> from humeresearch import server
        >>> import tempfile
        >>> from pathlib import Path
        >>> from humeresearch.media import Audio
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.wav").write_bytes(Audio(bytes(2 * 16000 * 2)).wav())
        >>> with server.start() as srv:
        ...     panel = SubmitPanel(project=folder / "p", base_url=srv.url,
        ...                         inputs=str(folder / "*.wav"))
        ...     started = panel.submit()
        ...     _ = panel.wait(timeout=30)
        >>> started, panel.table_frame["state"].tolist()
        (True, ['done'])
        """
        if self.running:
            return False
        request = self._request()
        if request is None:
            return False
        try:
            base_url = self.connection.base_url()
        except Exception as exc:
            self._say(self.connection.scrub(str(exc)), error=True)
            return False
        self.result, self.error = None, None
        self._cancel = Cancel()
        self._set_running(True)
        self._thread = threading.Thread(
            target=self._work, args=(request, base_url), name="hr-submit", daemon=True
        )
        self._thread.start()
        threading.Thread(target=self._tick, name="hr-submit-tick", daemon=True).start()
        return True

    def cancel(self) -> None:
        """What Cancel does: stop the running submission cleanly (a later one resumes).

        Examples
        --------
        >>> import tempfile
        >>> panel = SubmitPanel(project=tempfile.mkdtemp(), base_url="http://127.0.0.1:9")
        >>> panel.cancel()  # nothing is running: nothing to stop
        >>> panel.running, panel.cancel_button.disabled
        (False, True)
        """
        if self._cancel is not None and self.running:
            self._cancel.cancel()
            self._say("cancelling: inputs in flight stop at their next step")

    def wait(self, *, timeout: float | None = None) -> Measurements | None:
        """Wait for the running submission; return :attr:`result`.

        Raises
        ------
        TimeoutError
            Still running after ``timeout`` seconds.

        Examples
        --------
        >>> from humeresearch import server
        >>> import tempfile
        >>> from pathlib import Path
        >>> from humeresearch.media import Audio
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.wav").write_bytes(Audio(bytes(2 * 16000 * 2)).wav())
        >>> with server.start() as srv:
        ...     panel = SubmitPanel(project=folder / "p", base_url=srv.url,
        ...                         inputs=str(folder / "*.wav"))
        ...     _ = panel.submit()
        ...     result = panel.wait(timeout=30)
        >>> result is panel.result, panel.running, panel.error
        (True, False, None)
        """
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise TimeoutError(f"SubmitPanel: still measuring after {timeout} s")
        return self.result

    def close(self) -> None:
        """Cancel a running submission, stop the local server the panel started, close.

        Examples
        --------
        >>> import tempfile
        >>> panel = SubmitPanel(project=tempfile.mkdtemp(), base_url="http://127.0.0.1:9")
        >>> panel.close()
        >>> panel.running
        False
        """
        self.cancel()
        if self._thread is not None:
            self._thread.join(30)
        self.connection.close()
        super().close()

    # -- the worker ---------------------------------------------------------------------

    def _work(self, request: dict[str, Any], base_url: str | None) -> None:
        inputs = request.pop("inputs")
        common = dict(request, base_url=base_url, api_key=self.connection.api_key())
        try:
            plan = measure(inputs, dry_run=True, progress=False, **common)
            self.plan_table = plan
            self.table.from_plan(plan)
            self.plan_summary.value = plan_summary(plan, request["api"])
            self.progress.max = max(1, len(plan))
            self._refresh(force=True)
            self._say("measuring ...")
            result = measure(inputs, progress=self._on_event, cancel=self._cancel, **common)
            self.result = result
            self._say(result_summary(result))
            self._show_first(result, list(plan["input"]))
        except Exception as exc:
            self.error = self.connection.scrub(f"{type(exc).__name__}: {exc}")
            self._say(self.error, error=True)
        finally:
            self._set_running(False)
            self._refresh(force=True)

    def _on_event(self, event: dict[str, Any]) -> None:
        self.table.event(event)
        self._refresh(force=event["state"] in ("done", "failed", "skipped"))

    def _tick(self) -> None:
        while self.running:
            time.sleep(0.5)
            self.table.tick()
            self._refresh()

    def _refresh(self, *, force: bool = False) -> None:
        """Redraw the table and the bar (at most 4 times a second unless ``force``)."""
        now = time.monotonic()
        if not force and now - self._last_refresh < 0.25:
            return
        with self._lock:
            self._last_refresh = now
            counts = self.table.counts()
            finished = sum(counts[s] for s in FINAL)
            self.progress.max = max(1, len(self.table))
            self.progress.value = min(finished, self.progress.max)
            parts = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
            total = len(self.table)
            self.progress_label.value = f"{finished}/{total} finished: {parts}" if total else ""
            self.table_html.value = self.table.html()

    def _show_first(self, result: Measurements, order: list[str]) -> None:
        """The timeline of the first measured input in the figure output."""
        from humeresearch import plot

        sources = set(result.long()["source"].astype(str))
        first = next((s for s in order if s in sources), None)
        if first is None:
            say_into(self.figure, "nothing was measured")
            return
        try:
            draw_into(self.figure, lambda: plot.timeline(result, source=first))
        except ValueError as exc:
            say_into(self.figure, f"no timeline for {first}: {exc}")

    def _set_running(self, running: bool) -> None:
        self.plan_button.disabled = running
        self.submit_button.disabled = running
        self.cancel_button.disabled = not running

    def _say(self, text: str, *, error: bool = False) -> None:
        color = "#b00020" if error else "#374151"
        self.status.value = f"<span style='color:{color}'>{text}</span>" if text else ""

    @property
    def table_frame(self) -> pd.DataFrame:
        """The table of inputs as a DataFrame (input, plan, state, ids, elapsed, reason)."""
        return self.table.frame()
