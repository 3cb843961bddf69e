"""Every size and count limit of the local server, in one place.

Where the Hume specification gives a limit (``hume-v0.md`` section 10.2, ``hume-v1.md``
section 12) the server applies it; where the specification is silent the server applies
the documented cap below, chosen so that one request costs a bounded amount of memory
whatever a client sends. A request over a limit is refused when it is created (HTTP 413
for sizes, 400 for counts and values), before its memory is spent: a declared
``Content-Length`` over the limit is refused without reading the body, and a streamed
(chunked) body is read only up to the limit.

========================== ============== ================================================
limit                      value          source
========================== ============== ================================================
v0 multipart job body      64 MiB         server cap (the spec is silent)
v0 JSON job body           8 MiB          server cap (urls, text and options only)
v0 ``urls`` per job        100            spec 4.1: "use an archive beyond 100 items"
v0 ``file`` parts per job  100            spec 4.2: "beyond 100 files use an archive"
v0 ``text`` items per job  100            server cap (as for urls and files)
v0 text per job            100 000 chars  server cap: predictions are ~600x the text size
v0 archive, inflated       64 MiB         server cap (members beyond it: per-file errors)
v0 unfinished uploads      512 MiB        server cap on stored bytes of unfinished jobs (503)
v0 stored predictions      256 MiB        server cap per job (larger: the job FAILS)
v0 stream message          16 MiB         server cap; larger messages get ``E0101``
WebSocket frame, hard cap  32 MiB         larger messages close the connection (1009)
v1 upload body             25 MB          spec 12
v1 realtime message        1 MiB / 2 MB   spec 12 (audio / video)
========================== ============== ================================================

v0 jobs are simulated one at a time (a second job waits for the first), and so are
artifacts zips, so that memory stays bounded under many concurrent jobs. Measured peak
memory of a whole server process: about 110 MB idle; a job at the text limit adds about
400 MB; a WAV upload at the body limit about 1 GB (the simulator decodes it).
"""

from __future__ import annotations

V0_MAX_BODY = 64 * 1024 * 1024
V0_MAX_JSON_BODY = 8 * 1024 * 1024
V0_MAX_URLS = 100
V0_MAX_FILES = 100
V0_MAX_TEXTS = 100
V0_MAX_TEXT_CHARS = 100_000
V0_MAX_PENDING_BYTES = 512 * 1024 * 1024
V0_MAX_PREDICTIONS_BYTES = 256 * 1024 * 1024
V0_STREAM_MAX_MESSAGE = 16 * 1024 * 1024
WS_MAX_SIZE = 32 * 1024 * 1024
#: a job interrupted by a stop this many times (the server stopped while it ran) ends FAILED.
V0_MAX_ATTEMPTS = 2
#: largest integer a query parameter may carry (SQLite's INTEGER range).
INT64_MAX = 2**63 - 1
