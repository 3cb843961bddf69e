"""A server in a subprocess (for peak-memory measurements) and raw-socket HTTP helpers."""

from __future__ import annotations

import contextlib
import os
import select
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024

_CHILD = textwrap.dedent(
    """
    import sys
    from humeresearch import server
    srv = server.start(seed=1)
    print(srv.url, flush=True)
    sys.stdin.read()
    srv.stop()
    """
)


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@contextlib.contextmanager
def server_process() -> Iterator[tuple[subprocess.Popen, str]]:
    """A server in a child process; yields (process, base URL)."""
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc (Linux)")
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read()
        yield proc, url
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def _read_response(sock: socket.socket, timeout: float) -> bytes:
    sock.settimeout(timeout)
    data = b""
    with contextlib.suppress(OSError):
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


def declared_post(url: str, path: str, *, length: int, ctype: str) -> tuple[bytes, float]:
    """POST headers declaring ``length`` bytes, send none; (response, seconds to it)."""
    with socket.create_connection(_address(url)) as sock:
        start = time.monotonic()
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {length}\r\n\r\n".encode()
        )
        return _read_response(sock, 10), time.monotonic() - start


def chunked_post(
    url: str, path: str, *, total: int, ctype: str, head: bytes = b"", fill: bytes = b"x"
) -> tuple[bytes, int]:
    """Stream up to ``total`` bytes as a chunked body, stopping once the server answers;
    (response, bytes sent)."""
    sent = 0
    with socket.create_connection(_address(url)) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ctype}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        block = fill * MiB
        first = True
        with contextlib.suppress(OSError):
            while sent < total:
                chunk = head + block if first else block
                first = False
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                if select.select([sock], [], [], 0)[0]:
                    break
        return _read_response(sock, 10), sent
