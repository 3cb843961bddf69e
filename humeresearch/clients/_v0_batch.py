"""Client of the v0 batch API (``hume-v0.md`` §3-§9): jobs, listing, waiting, results.

Job creation is never retried automatically (the official SDK's blind retries created
duplicate jobs): after an ambiguous failure, :meth:`V0BatchClient.find_jobs` lists
the jobs created since the request and matches their files' md5, URLs and texts.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from humeresearch._tables import check_option
from humeresearch.clients._http import ApiClientBase
from humeresearch.clients._options import (
    DIRECTIONS,
    JOB_SORTS,
    JOB_STATUSES,
    JOB_WHENS,
    Direction,
    JobSort,
    JobStatus,
    JobWhen,
)
from humeresearch.clients._v0_requests import BatchConfig

#: the v0 REST base URL.
V0_BASE_URL = "https://api.hume.ai"
_DONE = ("COMPLETED", "FAILED")


def _upload(item: Any) -> tuple[str, bytes]:
    if isinstance(item, tuple):
        name, data = item
        return str(name), bytes(data)
    path = Path(item)
    return path.name, path.read_bytes()


def request_signature(
    *, files: Sequence[bytes] = (), urls: Sequence[str] = (), text: Sequence[str] = ()
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """What identifies a job's inputs: sorted file md5s, URLs and texts.

    Examples
    --------
    >>> request_signature(files=[b"x"], text=["hi"])
    (('9dd4e461268c8034f5c8564e155c67a6',), (), ('hi',))
    """
    md5s = tuple(sorted(hashlib.md5(f).hexdigest() for f in files))
    return md5s, tuple(sorted(urls)), tuple(sorted(text))


def job_signature(job: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The :func:`request_signature` of a job object's ``request``."""
    req = job.get("request") or {}
    md5s = tuple(sorted(f.get("md5sum", "") for f in req.get("files") or ()))
    return md5s, tuple(sorted(req.get("urls") or ())), tuple(sorted(req.get("text") or ()))


class V0BatchClient(ApiClientBase):
    """The v0 batch API: start jobs, list and wait for them, fetch predictions and artifacts.

    Parameters
    ----------
    base_url : str, optional
        Server root (default ``https://api.hume.ai``; the local server's ``.url``).
    api_key : str, optional
        Defaults to ``HUME_API_KEY``; sent only as the ``X-Hume-Api-Key`` header.
    timeout : float or httpx.Timeout, optional
        Per-request timeouts (10 s connect, 120 s otherwise by default).
    retry : RetryPolicy, optional
        Retries of idempotent calls (never of job creation).

    Examples
    --------
    >>> from humeresearch import server
    >>> from humeresearch.clients import BatchConfig, LanguageConfig
    >>> with server.start() as srv, V0BatchClient(srv.url) as v0:
    ...     cfg = BatchConfig(language=LanguageConfig(granularity="sentence"))
    ...     job_id = v0.start_job(config=cfg, text=["I am so glad you came."])
    ...     job = v0.wait(job_id)
    ...     entries = v0.predictions(job_id)
    >>> job["state"]["status"], entries[0]["source"]["type"]
    ('COMPLETED', 'text')
    """

    DEFAULT_BASE_URL = V0_BASE_URL

    def start_job(
        self,
        *,
        config: BatchConfig | None = None,
        urls: Sequence[str] = (),
        text: Sequence[str] = (),
        files: Sequence[Any] = (),
    ) -> str:
        """Start one job; return its ``job_id``. Never retried (see the module docstring).

        Parameters
        ----------
        config : BatchConfig, optional
            Models and options (None: every model with defaults).
        urls, text : sequence of str
            Public media URLs; raw text items (language and ner only).
        files : sequence of path or (filename, bytes)
            Local files, uploaded as multipart ``file`` parts with a ``json`` part.

        Raises
        ------
        ApiError, TransportError
            ``TransportError.sent`` tells whether the job may exist anyway.

        Examples
        --------
        >>> from humeresearch import server
        >>> from humeresearch.clients import BatchConfig, LanguageConfig
        >>> cfg = BatchConfig(language=LanguageConfig(granularity="sentence"))
        >>> with server.start() as srv, V0BatchClient(srv.url) as v0:
        ...     job_id = v0.start_job(config=cfg, text=["Hello there."])
        ...     status = v0.wait(job_id)["state"]["status"]
        >>> len(job_id), status
        (36, 'COMPLETED')
        """
        config = config or BatchConfig()
        if not (urls or text or files):
            raise ValueError("start_job: give urls, text or files")
        if files:
            parts = [("file", _upload(f)) for f in files]
            body = config.to_json(urls=urls or None, text=text or None)
            r = self.http.request(
                "POST", "/v0/batch/jobs", idempotent=False, files=parts, data={"json": body}
            )
        else:
            payload = config.to_dict(urls=urls or None, text=text or None)
            r = self.http.request("POST", "/v0/batch/jobs", idempotent=False, json=payload)
        return str(r.json()["job_id"])

    def job(self, job_id: str) -> dict[str, Any]:
        """The job object (``state.status`` QUEUED, IN_PROGRESS, COMPLETED or FAILED).

        Examples
        --------
        >>> from humeresearch import server
        >>> from humeresearch.clients import BatchConfig, LanguageConfig
        >>> cfg = BatchConfig(language=LanguageConfig(granularity="sentence"))
        >>> with server.start() as srv, V0BatchClient(srv.url) as v0:
        ...     job = v0.job(v0.start_job(config=cfg, text=["Hi."]))
        >>> job["type"], job["request"]["text"]
        ('INFERENCE', ['Hi.'])
        """
        return self.http.request("GET", f"/v0/batch/jobs/{job_id}", idempotent=True).json()

    def jobs(
        self,
        *,
        limit: int | None = None,
        status: JobStatus | Sequence[JobStatus] | None = None,
        when: JobWhen | None = None,
        timestamp_ms: int | None = None,
        sort_by: JobSort | None = None,
        direction: Direction | None = None,
    ) -> list[dict[str, Any]]:
        """One page of ``GET /v0/batch/jobs`` with every filter of §6.

        Examples
        --------
        >>> from humeresearch import server
        >>> from humeresearch.clients import BatchConfig, LanguageConfig
        >>> cfg = BatchConfig(language=LanguageConfig(granularity="sentence"))
        >>> with server.start() as srv, V0BatchClient(srv.url) as v0:
        ...     ids = [v0.start_job(config=cfg, text=[f"text {k}"]) for k in range(3)]
        ...     page = v0.jobs(limit=2, sort_by="created", direction="asc")
        >>> [job["job_id"] for job in page] == ids[:2]
        True
        """
        statuses = [status] if isinstance(status, str) else list(status or ())
        for s in statuses:
            check_option(s, JOB_STATUSES, name="status", func="jobs")
        for value, choices, name in (
            (when, JOB_WHENS, "when"),
            (sort_by, JOB_SORTS, "sort_by"),
            (direction, DIRECTIONS, "direction"),
        ):
            if value is not None:
                check_option(value, choices, name=name, func="jobs")
        params: list[tuple[str, Any]] = [("status", s) for s in statuses]
        for key, value in (
            ("limit", limit),
            ("when", when),
            ("timestamp_ms", timestamp_ms),
            ("sort_by", sort_by),
            ("direction", direction),
        ):
            if value is not None:
                params.append((key, value))
        return self.http.request("GET", "/v0/batch/jobs", idempotent=True, params=params).json()

    def iter_jobs(
        self,
        *,
        created_after_ms: int | None = None,
        status: JobStatus | Sequence[JobStatus] | None = None,
        page_size: int = 100,
    ) -> Iterator[dict[str, Any]]:
        """Every job (newest first), paging with ``when=created_before`` + ``timestamp_ms``.

        Stops at jobs created before ``created_after_ms`` when given. Jobs sharing a
        timestamp across a page boundary are neither skipped nor repeated.

        Examples
        --------
        >>> from humeresearch import server
        >>> from humeresearch.clients import BatchConfig, LanguageConfig
        >>> cfg = BatchConfig(language=LanguageConfig(granularity="sentence"))
        >>> with server.start() as srv, V0BatchClient(srv.url) as v0:
        ...     ids = [v0.start_job(config=cfg, text=[f"text {k}"]) for k in range(3)]
        ...     seen = [job["job_id"] for job in v0.iter_jobs(page_size=2)]
        >>> sorted(seen) == sorted(ids)
        True
        """
        seen: set[str] = set()
        before: int | None = None
        while True:
            page = self.jobs(
                limit=page_size,
                status=status,
                when="created_before" if before is not None else None,
                timestamp_ms=before,
                sort_by="created",
                direction="desc",
            )
            fresh = [j for j in page if j["job_id"] not in seen]
            for j in fresh:
                created = j["state"]["created_timestamp_ms"]
                if created_after_ms is not None and created < created_after_ms:
                    return
                seen.add(j["job_id"])
                yield j
            if len(page) < page_size or not fresh:
                return
            # created_before is exclusive: step back to the oldest timestamp + 1
            before = page[-1]["state"]["created_timestamp_ms"] + 1

    def find_jobs(
        self,
        *,
        created_after_ms: int,
        files: Sequence[Any] = (),
        urls: Sequence[str] = (),
        text: Sequence[str] = (),
    ) -> list[dict[str, Any]]:
        """Jobs created since ``created_after_ms`` whose inputs match (file md5s, URLs, texts).

        Used after an ambiguous failure of :meth:`start_job` to tell "created" from
        "never arrived" before deciding to resubmit.

        Examples
        --------
        >>> from humeresearch import server
        >>> from humeresearch.clients import BatchConfig, LanguageConfig
        >>> cfg = BatchConfig(language=LanguageConfig(granularity="sentence"))
        >>> with server.start() as srv, V0BatchClient(srv.url) as v0:
        ...     job_id = v0.start_job(config=cfg, text=["Did this arrive?"])
        ...     found = v0.find_jobs(created_after_ms=0, text=["Did this arrive?"])
        ...     missing = v0.find_jobs(created_after_ms=0, text=["Never sent."])
        >>> [job["job_id"] for job in found] == [job_id], missing
        (True, [])
        """
        target = request_signature(files=[_upload(f)[1] for f in files], urls=urls, text=text)
        return [
            j
            for j in self.iter_jobs(created_after_ms=created_after_ms)
            if job_signature(j) == target
        ]

    def wait(
        self,
        job_id: str,
        *,
        timeout: float | None = None,
        poll: float = 0.25,
        max_poll: float = 16.0,
        progress: Callable[[dict[str, Any]], None] | None = None,
    ) -> dict[str, Any]:
        """Poll until the job is COMPLETED or FAILED; return the final job object.

        The delay doubles from ``poll`` up to ``max_poll``; ``progress`` gets every
        job object seen. Raises TimeoutError after ``timeout`` seconds.

        Examples
        --------
        >>> from humeresearch import server
        >>> from humeresearch.clients import BatchConfig, LanguageConfig
        >>> cfg = BatchConfig(language=LanguageConfig(granularity="sentence"))
        >>> seen = []
        >>> with server.start() as srv, V0BatchClient(srv.url) as v0:
        ...     job = v0.wait(v0.start_job(config=cfg, text=["Hi."]), progress=seen.append)
        >>> job["state"]["status"], seen[-1] is job
        ('COMPLETED', True)
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = poll
        while True:
            job = self.job(job_id)
            if progress is not None:
                progress(job)
            if job["state"]["status"] in _DONE:
                return job
            if deadline is not None and time.monotonic() + delay > deadline:
                raise TimeoutError(f"job {job_id} not done after {timeout} s")
            self._sleep(delay)
            delay = min(delay * 2, max_poll)

    def predictions(
        self, job_id: str, *, path: str | os.PathLike[str] | None = None
    ) -> list[dict[str, Any]]:
        """The job's predictions (§7); the raw bytes are also written to ``path`` if given.

        Examples
        --------
        >>> from humeresearch import server
        >>> from humeresearch.clients import BatchConfig, LanguageConfig
        >>> cfg = BatchConfig(language=LanguageConfig(granularity="sentence"))
        >>> with server.start() as srv, V0BatchClient(srv.url) as v0:
        ...     job_id = v0.start_job(config=cfg, text=["I am so glad you came."])
        ...     job = v0.wait(job_id)
        ...     entries = v0.predictions(job_id)
        >>> [entry["source"]["type"] for entry in entries]
        ['text']
        """
        r = self.http.request("GET", f"/v0/batch/jobs/{job_id}/predictions", idempotent=True)
        if path is not None:
            Path(path).write_bytes(r.content)
        return r.json()

    def artifacts(self, job_id: str, *, path: str | os.PathLike[str] | None = None) -> bytes:
        """The job's artifacts ZIP (§9); also written to ``path`` if given.

        Examples
        --------
        >>> from humeresearch import server
        >>> from humeresearch.clients import BatchConfig, LanguageConfig
        >>> cfg = BatchConfig(language=LanguageConfig(granularity="sentence"))
        >>> with server.start() as srv, V0BatchClient(srv.url) as v0:
        ...     job_id = v0.start_job(config=cfg, text=["I am so glad you came."])
        ...     job = v0.wait(job_id)
        ...     data = v0.artifacts(job_id)
        >>> data[:2]  # a ZIP archive
        b'PK'
        """
        r = self.http.request("GET", f"/v0/batch/jobs/{job_id}/artifacts", idempotent=True)
        if path is not None:
            Path(path).write_bytes(r.content)
        return r.content
