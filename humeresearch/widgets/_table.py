"""The table of inputs a :class:`SubmitPanel` shows: plan, state, ids, elapsed time, reason.

Rows are filled from a dry run (the plan), from the ledger (what a project already
holds) and from ``measure``'s per-input events; the table is kept as plain rows under
a lock (events arrive from the measuring thread) and rendered as HTML.
"""

from __future__ import annotations

import html
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import pandas as pd

#: the states the table shows, in the order of a measurement.
STATES: tuple[str, ...] = (
    "planned",
    "submitted",
    "done",
    "failed",
    "cancelled",
    "over budget",
)
#: ``measure`` event states -> table state (every intermediate step is "submitted").
EVENT_STATES: dict[str, str] = {
    "started": "submitted",
    "sent": "submitted",
    "submitted": "submitted",
    "waiting": "submitted",
    "reattached": "submitted",
    "retrying": "submitted",
    "not_arrived": "submitted",
    "extra_billed": "submitted",
    "done": "done",
    "skipped": "done",
    "failed": "failed",
    "cancelled": "cancelled",
    "over_budget": "over budget",
}
#: table states after which an input no longer changes in this call.
FINAL: frozenset[str] = frozenset({"done", "failed", "cancelled", "over budget"})
_COLORS = {
    "planned": "#6b7280",
    "submitted": "#1d4ed8",
    "done": "#15803d",
    "failed": "#b91c1c",
    "cancelled": "#b45309",
    "over budget": "#b45309",
}
#: columns of :meth:`ProgressTable.frame`.
COLUMNS = [
    "input",
    "media",
    "duration",
    "frames",
    "requests",
    "metered_seconds",
    "state",
    "job_id",
    "run_id",
    "elapsed",
    "reason",
]


@dataclass
class _Row:
    input: str
    media: str | None = None
    duration: float | None = None
    frames: int | None = None
    requests: int | None = None
    metered_seconds: float | None = None
    state: str = "planned"
    job_id: str | None = None
    run_id: str | None = None
    elapsed: float | None = None
    reason: str | None = None
    started: float | None = field(default=None, repr=False)


def _value(x: Any) -> Any:
    """None for missing values (NaN, NA), else ``x``."""
    try:
        return None if x is None or pd.isna(x) else x
    except (TypeError, ValueError):
        return x


class ProgressTable:
    """Rows of inputs with their plan and state.

    Examples
    --------
    >>> t = ProgressTable()
    >>> t.event({"input": "a.wav", "state": "started", "job_id": None, "run_id": None,
    ...          "elapsed": 0.0, "reason": None})
    >>> t.event({"input": "a.wav", "state": "sent", "job_id": None, "run_id": "r1",
    ...          "elapsed": 0.4, "reason": "audio-000"})
    >>> t.event({"input": "a.wav", "state": "done", "job_id": None, "run_id": None,
    ...          "elapsed": 0.5, "reason": None})
    >>> t.frame()[["input", "state", "run_id", "elapsed"]].values.tolist()
    [['a.wav', 'done', 'r1', 0.5]]
    """

    def __init__(self) -> None:
        self._rows: dict[str, _Row] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

    def clear(self) -> None:
        """Remove every row."""
        with self._lock:
            self._rows = {}

    def from_plan(self, plan: pd.DataFrame) -> None:
        """Replace the rows with a dry run's (``state`` from the ledger: new -> planned)."""
        rows: dict[str, _Row] = {}
        for rec in plan.to_dict("records"):
            state = {"new": "planned"}.get(rec.get("state", "new"), rec.get("state", "planned"))
            if state == "planned" and rec.get("within_budget") is False:
                state = "over budget"
            row = _Row(str(rec["input"]), state=state, reason=_value(rec.get("error")))
            for name in ("media", "duration", "frames", "requests", "metered_seconds"):
                setattr(row, name, _value(rec.get(name)))
            rows[row.input] = row
        with self._lock:
            self._rows = rows

    def from_ledger(self, ledger: pd.DataFrame) -> None:
        """Replace the rows with a project's ledger (the latest row of every input)."""
        rows: dict[str, _Row] = {}
        updated: dict[str, float] = {}
        for rec in ledger.to_dict("records"):  # ledger order; the latest row of an input wins
            stamp = float(rec.get("updated_at") or 0.0)
            if stamp < updated.get(str(rec["input"]), -1.0):
                continue
            updated[str(rec["input"])] = stamp
            remote = _value(rec.get("remote_id"))
            row = _Row(
                str(rec["input"]),
                state=str(rec["state"]),
                metered_seconds=_value(rec.get("billed_seconds")) or None,
                reason=_value(rec.get("reason")),
            )
            if remote is not None:
                setattr(row, "job_id" if rec.get("api") == "v0" else "run_id", remote)
            rows[row.input] = row
        with self._lock:
            self._rows = rows

    def event(self, event: dict[str, Any]) -> None:
        """Apply one ``measure`` progress event."""
        name = str(event["input"])
        state = EVENT_STATES.get(str(event["state"]), "submitted")
        with self._lock:
            row = self._rows.setdefault(name, _Row(name))
            if row.started is None:
                row.started = time.monotonic() - float(event.get("elapsed") or 0.0)
            row.state = state
            row.job_id = event.get("job_id") or row.job_id
            row.run_id = event.get("run_id") or row.run_id
            row.elapsed = float(event.get("elapsed") or 0.0)
            reason = event.get("reason")
            if state == "submitted":
                reason = f"{event['state']}" + (f" {reason}" if reason else "")
            row.reason = reason

    def tick(self) -> None:
        """Advance the elapsed time of the inputs still in flight."""
        now = time.monotonic()
        with self._lock:
            for row in self._rows.values():
                if row.state == "submitted" and row.started is not None:
                    row.elapsed = now - row.started

    def counts(self) -> dict[str, int]:
        """Rows per state (every state of :data:`STATES`, zeros included)."""
        with self._lock:
            out = dict.fromkeys(STATES, 0)
            for row in self._rows.values():
                out[row.state] = out.get(row.state, 0) + 1
        return out

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (:data:`COLUMNS`)."""
        with self._lock:
            records = [{c: getattr(r, c) for c in COLUMNS} for r in self._rows.values()]
        return pd.DataFrame(records, columns=COLUMNS)

    def html(self, *, max_rows: int = 200) -> str:
        """The rows as an HTML table (at most ``max_rows``; the rest counted)."""
        with self._lock:
            rows = list(self._rows.values())
        if not rows:
            return "<i>No inputs yet: choose files and press Plan.</i>"
        head = "".join(
            f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
            for h in (
                "input",
                "media",
                "duration s",
                "frames",
                "requests",
                "billed s (est.)",
                "state",
                "job / run id",
                "elapsed s",
                "reason",
            )
        )
        body = "".join(_html_row(r) for r in rows[:max_rows])
        more = len(rows) - max_rows
        tail = f"<tr><td colspan=10><i>... {more} more</i></td></tr>" if more > 0 else ""
        return (
            "<div style='max-height:320px;overflow:auto'>"
            "<table class='hr-progress-table' style='border-collapse:collapse;font-size:12px'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}{tail}</tbody></table></div>"
        )


def _num(x: Any, fmt: str = "{:.1f}") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return fmt.format(int(x)) if fmt == "{:d}" else fmt.format(float(x))


def _td(content: str, *, right: bool = False, extra: str = "", attrs: str = "") -> str:
    align = "text-align:right;" if right else ""
    return f"<td {attrs} style='padding:2px 8px;{align}{extra}'>{content}</td>"


def _html_row(row: _Row) -> str:
    e = html.escape
    name = PurePath(row.input).name or row.input
    color = _COLORS.get(row.state, "#374151")
    slug = row.state.replace(" ", "-")
    ident = row.job_id or row.run_id or ""
    cells = [
        _td(e(name), attrs=f"title='{e(row.input)}'"),
        _td(e(row.media or "")),
        _td(_num(row.duration), right=True),
        _td(_num(row.frames, "{:d}"), right=True),
        _td(_num(row.requests, "{:d}"), right=True),
        _td(_num(row.metered_seconds), right=True),
        _td(e(row.state), extra=f"color:{color};font-weight:600",
            attrs=f"class='hr-state hr-{slug}'"),
        _td(e(ident[:13]), extra="font-family:monospace", attrs=f"title='{e(ident)}'"),
        _td(_num(row.elapsed), right=True),
        _td(e(str(row.reason or ""))),
    ]  # fmt: skip
    return "<tr style='border-top:1px solid #e5e7eb'>" + "".join(cells) + "</tr>"


def plan_summary(plan: pd.DataFrame, api: str) -> str:
    """One line: inputs, media seconds, frames, requests, estimated billed seconds."""
    seconds = float(plan["duration"].fillna(0).sum())
    frames = int(plan["frames"].fillna(0).sum())
    requests = int(plan["requests"].fillna(0).sum())
    todo = ~plan["state"].eq("done")
    billed = float(plan.loc[todo & plan["within_budget"], "metered_seconds"].fillna(0).sum())
    done = int((~todo).sum())
    over = int((todo & ~plan["within_budget"]).sum())
    cost = f"estimated billed {billed:.1f} s" if api == "v1" else "v0: no published billing rule"
    text = (
        f"{len(plan)} input(s), {seconds:.1f} s of media, {frames} frame(s), "
        f"{requests} request(s); {cost}"
    )
    if done:
        text += f"; {done} already measured"
    if over:
        text += f"; {over} over the budget"
    return f"<span class='hr-plan-summary'>{html.escape(text)}</span>"


def result_summary(result: Any) -> str:
    """One line from a ``Measurements``' measure summary: measured, skipped, failed, billed."""
    summary = result.provenance.get("measure", {}).get("summary", {})
    failed = summary.get("failed") or {}
    text = (
        f"finished: {summary.get('measured', 0)} measured, {summary.get('skipped', 0)} "
        f"already measured, {len(failed)} failed; billed {summary.get('billed_seconds', 0):.1f} s"
    )
    return html.escape(text)
