"""The one HTTP layer of the clients: httpx (sync and async), timeouts, retries, the key.

* Explicit timeouts (``httpx.Timeout``; 10 s to connect, 120 s to read by default).
* Idempotent calls (GETs) retry on 408/409/429/5xx and on lost connections, with
  exponential backoff and full jitter, honouring ``Retry-After``. Calls that create
  something (v0 jobs, v1 uploads) are **never** retried here: a failure reaches the
  caller as :class:`ApiError` or :class:`TransportError` (``sent`` tells whether the
  server may have acted), and the caller decides.
* The API key comes from the argument or ``HUME_API_KEY``, travels only in the
  ``X-Hume-Api-Key`` header, and appears in no repr, log line or exception text.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from humeresearch.clients._errors import ApiError, TransportError

#: statuses an idempotent call retries.
RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
#: default timeouts: 10 s to connect, 120 s for the rest (uploads are measured synchronously).
DEFAULT_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol)


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of idempotent calls.

    Parameters
    ----------
    attempts : int, default 5
        Tries in all (1 = no retry).
    backoff : float, default 0.5
        First delay in seconds; doubles per retry.
    max_backoff : float, default 30.0
        Longest delay (also caps ``Retry-After``).

    Examples
    --------
    >>> p = RetryPolicy(backoff=1.0)
    >>> [p.delay(k, rng=lambda: 1.0) for k in range(4)], p.delay(0, retry_after=7.0)
    ([1.0, 2.0, 4.0, 8.0], 7.0)
    """

    attempts: int = 5
    backoff: float = 0.5
    max_backoff: float = 30.0

    def delay(
        self,
        attempt: int,
        *,
        retry_after: float | None = None,
        rng: Callable[[], float] = random.random,
    ) -> float:
        """Seconds before retry ``attempt`` (0-based): ``Retry-After`` or jittered backoff.

        Examples
        --------
        >>> RetryPolicy(backoff=0.5, max_backoff=3.0).delay(4, rng=lambda: 0.0)
        1.5
        >>> RetryPolicy().delay(0, retry_after=120.0)
        30.0
        """
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_backoff)
        cap = min(self.max_backoff, self.backoff * 2**attempt)
        return cap * (0.5 + 0.5 * rng())  # "equal jitter": at least half the backoff


class Secret:
    """A string kept out of every repr and str.

    Examples
    --------
    >>> s = Secret("abc")
    >>> s, str(s), s.reveal()
    (Secret('***'), '***', 'abc')
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself (only for a request header)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = lambda self: "***"  # noqa: E731


def resolve_key(api_key: str | None) -> Secret | None:
    """The key from the argument, else ``HUME_API_KEY``, else None (a server without auth).

    Examples
    --------
    >>> key = resolve_key("my-key")
    >>> key, key.reveal()
    (Secret('***'), 'my-key')
    """
    key = api_key if api_key is not None else os.environ.get("HUME_API_KEY")
    return Secret(key) if key else None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after-ms")
    if value is not None:
        try:
            return float(value) / 1000
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to the backoff


def api_error(response: httpx.Response, *, secret: Secret | None) -> ApiError:
    """An ApiError from a non-2xx response (v1 ``{type, code, message, request_id}``, v0 bodies)."""
    code = request_id = None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        code = body.get("code") if isinstance(body.get("code"), str) else None
        request_id = body.get("request_id") if isinstance(body.get("request_id"), str) else None
        message = body.get("message") or body.get("fault") or response.text
    else:
        message = response.text
    text = scrub(str(message)[:500] or response.reason_phrase, secret)
    return ApiError(
        response.status_code,
        code,
        text,
        request_id=request_id,
        retry_after=_retry_after(response),
    )


def scrub(text: str, secret: Secret | None) -> str:
    """``text`` with the key replaced by ``***``."""
    return text.replace(secret.reveal(), "***") if secret is not None else text


def transport_error(
    exc: httpx.HTTPError, method: str, url: str, secret: Secret | None
) -> TransportError:
    """A TransportError telling whether the request may have reached the server."""
    sent = not isinstance(exc, _NOT_SENT)
    what = "sent, no complete answer" if sent else "not sent"
    reason = scrub(f"{type(exc).__name__}: {exc}", secret)
    return TransportError(f"{method} {url}: {what} ({reason})", sent=sent)


def retry_delay(
    outcome: httpx.Response | TransportError,
    attempt: int,
    *,
    idempotent: bool,
    policy: RetryPolicy,
) -> float | None:
    """Seconds to wait before retrying, or None to stop (never for non-idempotent calls)."""
    if not idempotent or attempt + 1 >= policy.attempts:
        return None
    if isinstance(outcome, TransportError):
        return policy.delay(attempt)
    if outcome.status_code in RETRY_STATUSES:
        return policy.delay(attempt, retry_after=_retry_after(outcome))
    return None


class _Base:
    """Settings shared by the sync and async clients."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None,
        timeout: httpx.Timeout | float | None,
        retry: RetryPolicy | None,
        headers: dict[str, str] | None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._secret = resolve_key(api_key)
        self.timeout = DEFAULT_TIMEOUT if timeout is None else httpx.Timeout(timeout)
        self.retry = retry or RetryPolicy()
        self._headers = {"User-Agent": "humeresearch", **(headers or {})}
        if self._secret is not None:
            self._headers["X-Hume-Api-Key"] = self._secret.reveal()

    def __repr__(self) -> str:
        key = "set" if self._secret is not None else "none"
        return f"<{type(self).__name__} {self.base_url} api_key={key}>"

    def _finish(self, response: httpx.Response) -> httpx.Response:
        if response.is_success:
            return response
        raise api_error(response, secret=self._secret)


class HttpClient(_Base):
    """Synchronous HTTP with the retry and secret rules of this module.

    Examples
    --------
    >>> from humeresearch import server
    >>> with server.start(api_key="k") as srv, HttpClient(srv.url, api_key="k") as http:
    ...     jobs = http.request("GET", "/v0/batch/jobs", idempotent=True).json()
    ...     print(jobs, http)  # doctest: +ELLIPSIS
    [] <HttpClient http://127.0.0.1:... api_key=set>
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        headers: dict[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(base_url, api_key=api_key, timeout=timeout, retry=retry, headers=headers)
        self._sleep = sleep
        self._client = httpx.Client(
            timeout=self.timeout, headers=self._headers, transport=transport
        )

    def request(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> httpx.Response:
        """Send one request (retrying only when ``idempotent``); raise on failure.

        ``kwargs`` go to ``httpx.Client.request`` (``params``, ``json``, ``files``, ``data``).

        Examples
        --------
        >>> import httpx
        >>> answers = iter([httpx.Response(503), httpx.Response(200, json={"ok": True})])
        >>> transport = httpx.MockTransport(lambda request: next(answers))
        >>> with HttpClient("http://hume.test", transport=transport, sleep=lambda s: None) as http:
        ...     http.request("GET", "/v0/batch/jobs", idempotent=True).json()  # one retry
        {'ok': True}
        """
        url = self.base_url + path
        attempt = 0
        while True:
            try:
                outcome: httpx.Response | TransportError = self._client.request(
                    method, url, **kwargs
                )
            except httpx.HTTPError as exc:
                outcome = transport_error(exc, method, url, self._secret)
            wait = retry_delay(outcome, attempt, idempotent=idempotent, policy=self.retry)
            if wait is None:
                if isinstance(outcome, TransportError):
                    raise outcome
                return self._finish(outcome)
            self._sleep(wait)
            attempt += 1

    def close(self) -> None:
        """Close the connection pool.

        Examples
        --------
        >>> http = HttpClient("http://hume.test")
        >>> http.close()
        """
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncHttpClient(_Base):
    """Asynchronous twin of :class:`HttpClient` (``await client.request(...)``).

    Examples
    --------
    >>> import asyncio
    >>> from humeresearch import server
    >>> async def main(url):
    ...     async with AsyncHttpClient(url) as http:
    ...         r = await http.request("GET", "/v1/expression/run", idempotent=True)
    ...         return r.json()["runs"]
    >>> with server.start() as srv:
    ...     asyncio.run(main(srv.url))
    []
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        headers: dict[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(base_url, api_key=api_key, timeout=timeout, retry=retry, headers=headers)
        self._client = httpx.AsyncClient(
            timeout=self.timeout, headers=self._headers, transport=transport
        )

    async def request(
        self, method: str, path: str, *, idempotent: bool, **kwargs: Any
    ) -> httpx.Response:
        """Send one request (retrying only when ``idempotent``); raise on failure.

        Examples
        --------
        >>> import asyncio, httpx
        >>> transport = httpx.MockTransport(lambda request: httpx.Response(200, json=[]))
        >>> async def main():
        ...     async with AsyncHttpClient("http://hume.test", transport=transport) as http:
        ...         return (await http.request("GET", "/v0/batch/jobs", idempotent=True)).json()
        >>> asyncio.run(main())
        []
        """
        url = self.base_url + path
        attempt = 0
        while True:
            try:
                outcome: httpx.Response | TransportError = await self._client.request(
                    method, url, **kwargs
                )
            except httpx.HTTPError as exc:
                outcome = transport_error(exc, method, url, self._secret)
            wait = retry_delay(outcome, attempt, idempotent=idempotent, policy=self.retry)
            if wait is None:
                if isinstance(outcome, TransportError):
                    raise outcome
                return self._finish(outcome)
            await asyncio.sleep(wait)
            attempt += 1

    async def aclose(self) -> None:
        """Close the connection pool.

        Examples
        --------
        >>> import asyncio
        >>> asyncio.run(AsyncHttpClient("http://hume.test").aclose())
        """
        await self._client.aclose()

    async def __aenter__(self) -> AsyncHttpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class ApiClientBase:
    """What the REST clients of both APIs share: one :class:`HttpClient`, repr, close, ``with``.

    Subclasses set :attr:`DEFAULT_BASE_URL`.
    """

    DEFAULT_BASE_URL: str = ""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._sleep = sleep
        self.http = HttpClient(
            base_url or self.DEFAULT_BASE_URL,
            api_key=api_key,
            timeout=timeout,
            retry=retry,
            sleep=sleep,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.http.base_url}>"

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def __enter__(self) -> ApiClientBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
