"""Option sets of the clients not (yet) in :mod:`humeresearch.define`: tuple + Literal pairs.

Examples
--------
>>> from humeresearch.clients._options import JOB_STATUSES
>>> JOB_STATUSES
('QUEUED', 'IN_PROGRESS', 'COMPLETED', 'FAILED')
"""

from __future__ import annotations

from typing import Literal

#: v0 job states (``state.status``).
JOB_STATUSES: tuple[str, ...] = ("QUEUED", "IN_PROGRESS", "COMPLETED", "FAILED")
JobStatus = Literal["QUEUED", "IN_PROGRESS", "COMPLETED", "FAILED"]
#: v0 list-jobs ``when``.
JOB_WHENS: tuple[str, ...] = ("created_before", "created_after")
JobWhen = Literal["created_before", "created_after"]
#: v0 list-jobs ``sort_by``.
JOB_SORTS: tuple[str, ...] = ("created", "started", "ended")
JobSort = Literal["created", "started", "ended"]
#: list ``direction``.
DIRECTIONS: tuple[str, ...] = ("asc", "desc")
Direction = Literal["asc", "desc"]
#: v1 run states.
RUN_STATUSES: tuple[str, ...] = ("live", "ended", "errored")
RunStatus = Literal["live", "ended", "errored"]
#: v1 run modes.
RUN_MODES: tuple[str, ...] = ("realtime", "file")
RunMode = Literal["realtime", "file"]
#: v1 endpoints.
RUN_ENDPOINTS: tuple[str, ...] = ("audio", "video")
RunEndpoint = Literal["audio", "video"]

OPTIONS: dict[str, tuple[tuple[str, ...], object]] = {
    "JOB_STATUSES": (JOB_STATUSES, JobStatus),
    "JOB_WHENS": (JOB_WHENS, JobWhen),
    "JOB_SORTS": (JOB_SORTS, JobSort),
    "DIRECTIONS": (DIRECTIONS, Direction),
    "RUN_STATUSES": (RUN_STATUSES, RunStatus),
    "RUN_MODES": (RUN_MODES, RunMode),
    "RUN_ENDPOINTS": (RUN_ENDPOINTS, RunEndpoint),
}
