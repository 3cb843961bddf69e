"""Local servers for the client tests."""

from __future__ import annotations

import pytest

KEY = "sk-test-0123456789abcdef"


@pytest.fixture(scope="module")
def srv():
    """A shared server with an API key and no faults."""
    from humeresearch import server

    with server.start(api_key=KEY, seed=5) as s:
        yield s


@pytest.fixture()
def faulty():
    """Start a server with the given fault spec: ``faulty("GET /x=429:#1")``."""
    from humeresearch import server

    started = []

    def start(spec: str, **kwargs):
        s = server.start(api_key=KEY, faults=spec, **kwargs)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
