"""``measure`` and ``measure_async``: plan, ledger, run every input, combine the results."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, overload

import pandas as pd

from humeresearch._measurements import Measurements
from humeresearch._tables import check_option
from humeresearch.measure._config import APIS, Api, ConfigLike, resolve
from humeresearch.measure._context import (
    Cancel,
    Context,
    InputFailed,
    Progress,
    Stopped,
    events_for,
)
from humeresearch.measure._inputs import InputLike, Item, expand
from humeresearch.measure._ledger import Ledger
from humeresearch.measure._plan import PLAN_COLUMNS, budget_cost, plan_item
from humeresearch.measure._results import Reader, combine
from humeresearch.measure._v0 import run_v0
from humeresearch.measure._v1 import run_v1

#: the combined result's file name inside the project.
RESULT_NAME = "measurements.parquet"


def _plan_frame(items: list[Item], api: str, ledger: Ledger | None, digest: str) -> pd.DataFrame:
    rows = []
    for item in items:
        try:
            row = plan_item(item, api=api)
        except ValueError as exc:  # MediaError: the input is reported, not planned
            row = {"input": item.name, "kind": item.kind, "content_hash": item.content_hash}
            row["error"] = str(exc)
        found = ledger.row((item.content_hash, api, digest)) if ledger is not None else None
        row["state"] = found["state"] if found else "new"
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*PLAN_COLUMNS, "state", "error"])
    return frame.astype({"frames": "Int64", "requests": "Int64"})


def _within_budget(plan: pd.DataFrame, budget: float | None) -> pd.Series:
    todo = ~plan["state"].eq("done")
    if budget is None:
        return pd.Series(True, index=plan.index)
    cost = plan.apply(lambda r: budget_cost(r.to_dict()) if todo[r.name] else 0.0, axis=1)
    return cost.cumsum().le(budget) | ~todo


async def _run_one(ctx: Context, item: Item) -> None:
    if ctx.cancel.cancelled:
        ctx.emit(item, "cancelled")
        return
    ctx.emit(item, "started")
    key = ctx.key(item)
    try:
        await (run_v1 if ctx.api == "v1" else run_v0)(ctx, item)
    except Stopped:
        ctx.emit(item, "cancelled")
    except Exception as exc:
        reason = ctx.scrub(
            str(exc) if isinstance(exc, InputFailed) else f"{type(exc).__name__}: {exc}"
        )
        ctx.ledger.update(key, state="failed", reason=reason)
        ctx.emit(item, "failed", reason=reason)


def _client(api: str, base_url: str | None, api_key: str | None) -> Any:
    """The sync client, called in worker threads.

    httpx's AsyncClient (anyio underneath) was measured to cost about three times the
    CPU per request of the sync client in threads, and CPU is what bounds a run.
    """
    from humeresearch.clients import RetryPolicy, V0BatchClient, V1Client

    cls = V1Client if api == "v1" else V0BatchClient
    return cls(base_url, api_key=api_key, retry=RetryPolicy(attempts=6, backoff=0.2, max_backoff=5))


def _summary(ledger: Ledger, keys: list[tuple[str, str, str]], skipped: int) -> dict[str, Any]:
    rows = [r for r in (ledger.row(k) for k in keys) if r is not None]
    return {
        "inputs": len(keys),
        "measured": sum(r["state"] == "done" for r in rows) - skipped,
        "skipped": skipped,
        "failed": {r["input"]: r["reason"] for r in rows if r["state"] == "failed"},
        "pending": sum(r["state"] in ("planned", "submitted") for r in rows),
        "billed_seconds": sum(float(r["billed_seconds"] or 0) for r in rows),
        "extra_billed_runs": [
            {"input": r["input"], **run} for r in rows for run in r["extra_runs"]
        ],
        "extra_billed_seconds": sum(float(r["extra_billed_seconds"] or 0) for r in rows),
    }


@overload
async def measure_async(
    inputs: InputLike | Iterable[InputLike],
    *,
    api: Api = ...,
    config: ConfigLike = ...,
    project: str | os.PathLike[str],
    base_url: str | None = ...,
    api_key: str | None = ...,
    concurrency: int = ...,
    budget_seconds: float | None = ...,
    dry_run: Literal[False] = ...,
    progress: Progress = ...,
    cancel: Cancel | None = ...,
) -> Measurements: ...
@overload
async def measure_async(
    inputs: InputLike | Iterable[InputLike],
    *,
    api: Api = ...,
    config: ConfigLike = ...,
    project: str | os.PathLike[str],
    base_url: str | None = ...,
    api_key: str | None = ...,
    concurrency: int = ...,
    budget_seconds: float | None = ...,
    dry_run: Literal[True],
    progress: Progress = ...,
    cancel: Cancel | None = ...,
) -> pd.DataFrame: ...
async def measure_async(
    inputs: InputLike | Iterable[InputLike],
    *,
    api: Api = "v1",
    config: ConfigLike = None,
    project: str | os.PathLike[str],
    base_url: str | None = None,
    api_key: str | None = None,
    concurrency: int = 4,
    budget_seconds: float | None = None,
    dry_run: bool = False,
    progress: Progress = None,
    cancel: Cancel | None = None,
) -> Measurements | pd.DataFrame:
    """The asynchronous twin of :func:`measure` (same parameters; ``await`` it).

    Examples
    --------
    >>> import asyncio, tempfile
    >>> from humeresearch import server
    >>> from humeresearch.measure import Text
    >>> with server.start() as srv:
    ...     m = asyncio.run(measure_async([Text("I am glad.", name="t")], api="v0",
    ...         project=tempfile.mkdtemp(), base_url=srv.url, progress=False,
    ...         config={"models": {"language": {}}}))
    >>> sorted(m.spans()["source"].unique())
    ['t']
    """
    check_option(api, APIS, name="api", func="measure")
    if not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"measure: concurrency must be a positive integer, got {concurrency!r}")
    resolved = resolve(api, config)
    items = await asyncio.to_thread(expand, inputs)
    project = Path(project)
    if dry_run:
        existing = Ledger(project) if (project / "ledger.sqlite").exists() else None
        try:
            plan = await asyncio.to_thread(_plan_frame, items, api, existing, resolved.digest)
        finally:
            if existing is not None:
                existing.close()
        plan["within_budget"] = _within_budget(plan, budget_seconds)
        return plan
    with Ledger(project) as ledger:
        return await _measure(
            items,
            ledger,
            resolved,
            base_url,
            api_key,
            concurrency,
            budget_seconds,
            progress,
            cancel or Cancel(),
        )


def _triage(
    ctx: Context, items: list[Item], plan: pd.DataFrame, budget: float | None
) -> tuple[list[Item], int]:
    """Plan every input in the ledger; the inputs to run and how many are skipped as done."""
    todo, skipped = [], 0
    for item, (_, row) in zip(items, plan.iterrows(), strict=True):
        cost = None if pd.isna(row["metered_seconds"]) else float(row["metered_seconds"])
        ctx.ledger.plan(ctx.key(item), input=item.name, kind=item.kind, planned_seconds=cost)
        if row["state"] == "done":
            skipped += 1
            ctx.emit(item, "skipped", reason="already measured")
        elif isinstance(row["error"], str):
            ctx.ledger.update(ctx.key(item), state="failed", reason=ctx.scrub(row["error"]))
            ctx.emit(item, "failed", reason=row["error"])
        elif not row["within_budget"]:
            ctx.emit(item, "over_budget", reason=f"budget of {budget:g} s reached")
        else:
            todo.append(item)
    return todo, skipped


async def _measure(
    items: list[Item],
    ledger: Ledger,
    resolved: Any,
    base_url: str | None,
    api_key: str | None,
    concurrency: int,
    budget: float | None,
    progress: Progress,
    cancel: Cancel,
) -> Measurements:
    api = resolved.api
    ledger.add_config(resolved.digest, api, resolved.data)
    plan = await asyncio.to_thread(_plan_frame, items, api, ledger, resolved.digest)
    plan["within_budget"] = _within_budget(plan, budget)
    events = events_for(progress, len(items))
    client = _client(api, base_url, api_key)
    from humeresearch.clients import resolve_key

    secret = resolve_key(api_key)
    ctx = Context(
        ledger,
        ledger.project,
        resolved,
        client,
        cancel,
        events,
        secret.reveal() if secret else None,
    )
    keys = [ctx.key(item) for item in items]
    with ledger.batch():
        todo, skipped = _triage(ctx, items, plan, budget)
    # blocking steps (media preparation, HTTP, stored responses) run in threads: one
    # per input in flight (the default pool has min(32, cpus + 4) threads and would cap
    # concurrency on a small machine)
    pool = concurrent.futures.ThreadPoolExecutor(concurrency + 4, thread_name_prefix="measure")
    asyncio.get_running_loop().set_default_executor(pool)
    index = {id(item): k for k, item in enumerate(items)}
    reader = Reader(ledger, list(zip(keys, items, strict=True)), {index[id(i)] for i in todo})
    queue = iter(todo)  # `concurrency` workers take the inputs in order

    async def worker() -> None:
        for item in queue:
            await _run_one(ctx, item)
            reader.finish(index[id(item)])

    reading = asyncio.ensure_future(reader.run())
    try:
        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(todo)))))
        parts = await reader.close()
    finally:
        reading.cancel()
        await asyncio.to_thread(client.close)
        if events.bar is not None:
            events.bar.close()
    summary = _summary(ledger, keys, skipped)
    record = {
        "api": api,
        "base_url": client.http.base_url,
        "config": resolved.data,
        "config_hash": resolved.digest,
        "inputs": [{"input": i.name, "content_hash": i.content_hash} for i in items],
        "summary": summary,
    }
    path = ledger.project / RESULT_NAME
    return await asyncio.to_thread(combine, parts, measure=record, path=path)


def measure(
    inputs: InputLike | Iterable[InputLike],
    *,
    api: Api = "v1",
    config: ConfigLike = None,
    project: str | os.PathLike[str],
    base_url: str | None = None,
    api_key: str | None = None,
    concurrency: int = 4,
    budget_seconds: float | None = None,
    dry_run: bool = False,
    progress: Progress = None,
    cancel: Cancel | None = None,
) -> Any:
    """Measure files, folders, globs, URLs or texts with a Hume API, exactly once, resumably.

    Every input is identified by its content hash; a SQLite ledger in ``project``
    records, per (content hash, API, configuration), what was planned, submitted
    (job or run id, request time), done (path of the stored raw response), failed
    (reason, attempts) and billed. Done inputs are skipped, interrupted ones resume
    (v0 jobs are re-attached by id, never recreated); requests that create something
    are never retried blindly (see :mod:`humeresearch.measure`). Raw responses are
    stored under ``project`` and read back only through :func:`humeresearch.read`.

    Parameters
    ----------
    inputs : path, folder, glob, URL, Text, or a list of them
        Media files (a folder contributes its media files, recursively); ``http(s)``
        URLs and :class:`~humeresearch.measure.Text` items with ``api="v0"`` only.
    api : {"v1", "v0"}, default "v1"
        v1 uploads a video's audio track and its frames (3 per second), so its audio
        and face measurements come on one clock; v0 starts one batch job per input.
    config : V1Config, BatchConfig, dict or path of a JSON file, optional
        The models and options (default: the API's defaults).
    project : path
        Folder of the ledger (``ledger.sqlite``), the raw responses (``raw/``) and the
        combined result (``measurements.parquet``); created when missing.
    base_url : str, optional
        Server root (default: Hume's; the local server's ``.url`` in tests).
    api_key : str, optional
        Default ``HUME_API_KEY``; sent only in a header, never written anywhere.
    concurrency : int, default 4
        Inputs in flight at once.
    budget_seconds : float, optional
        Stop before an input would take the planned v1 metered seconds (v0: media
        seconds) of this call over the budget; the rest stays planned for later.
    dry_run : bool, default False
        Return the plan (one row per input: ``media``, ``duration``, ``frames``,
        ``requests``, ``metered_seconds``, ``state``, ``within_budget``) and send nothing.
    progress : bool or callable, optional
        None or True: a tqdm bar; False: nothing; a callable: called with every
        per-input event ``{"input", "state", "job_id", "run_id", "elapsed", "reason"}``.
    cancel : Cancel, optional
        A handle whose ``cancel()`` stops the call cleanly (as Ctrl-C does); a later
        call resumes.

    Returns
    -------
    Measurements or pandas.DataFrame
        The measurements of every done input (also in ``project/measurements.parquet``;
        ``provenance["measure"]`` names the API, base URL, configuration, each input's
        content hash and the summary: measured, skipped, failed with reasons, billed
        seconds, extra billed runs), or the plan when ``dry_run``.

    Notes
    -----
    Inside a running event loop (a Jupyter cell) the work runs in a worker thread;
    ``await measure_async(...)`` is the native form there.

    Examples
    --------
    >>> import tempfile
    >>> from humeresearch import server
    >>> from humeresearch.measure import Text
    >>> project = tempfile.mkdtemp()
    >>> texts = [Text("I am so glad you came.", name="hello"), Text("Bye now.", name="bye")]
    >>> cfg = {"models": {"language": {"granularity": "sentence"}}}
    >>> with server.start() as srv:
    ...     m = measure(texts, api="v0", config=cfg, project=project, base_url=srv.url,
    ...                 progress=False)
    ...     again = measure(texts, api="v0", config=cfg, project=project, base_url=srv.url,
    ...                     progress=False)
    ...     jobs = sum(srv.counters()["jobs_by_content"].values())
    >>> sorted(m.spans()["source"].unique()), jobs, again.provenance["measure"]["summary"]["skipped"]
    (['bye', 'hello'], 2, 2)
    """
    kwargs = dict(
        api=api, config=config, project=project, base_url=base_url, api_key=api_key,
        concurrency=concurrency, budget_seconds=budget_seconds, dry_run=dry_run,
        progress=progress, cancel=cancel,
    )  # fmt: skip
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(measure_async(inputs, **kwargs))
    token = cancel or Cancel()
    kwargs["cancel"] = token
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="measure") as pool:
        future = pool.submit(asyncio.run, measure_async(inputs, **kwargs))
        try:
            return future.result()
        except KeyboardInterrupt:
            token.cancel()
            future.result()
            raise
