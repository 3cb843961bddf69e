"""Unit tests of the server's helpers: multipart reading, media rules, hosts, hashes."""

from __future__ import annotations

import asyncio
import io

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humeresearch.server._media import MediaError, audio_pcm, check_jpeg, jpeg_size
from humeresearch.server._multipart import BodyTooLarge, MultipartError, read_multipart
from humeresearch.server._util import is_loopback_host, iso_ms, parse_rfc3339_ms

from .conftest import jpeg_bytes, wav_bytes


class _FakeRequest:
    """The two things read_multipart uses from a Starlette request."""

    def __init__(self, request: httpx.Request, chunk: int) -> None:
        self.headers = {k.lower(): v for k, v in request.headers.items()}
        self._body = request.read()
        self._chunk = chunk

    async def stream(self):
        for i in range(0, len(self._body), self._chunk):
            yield self._body[i : i + self._chunk]


def parse(request: httpx.Request, *, max_bytes: int = 10**7, chunk: int = 7):
    return asyncio.run(read_multipart(_FakeRequest(request, chunk), max_bytes=max_bytes))


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(
        st.tuples(names, st.one_of(st.none(), names), st.binary(max_size=300)),
        min_size=1,
        max_size=5,
    ),
    chunk=st.integers(1, 64),
)
def test_multipart_roundtrip_keeps_raw_bytes(parts, chunk):
    files = [(n, (fn, data, "application/octet-stream")) for n, fn, data in parts]
    request = httpx.Request("POST", "http://x/", files=files)
    got = parse(request, chunk=chunk)
    assert [(p.name, p.filename, p.data) for p in got] == [(n, fn, d) for n, fn, d in parts]
    assert all(p.content_type == "application/octet-stream" for p in got)


def test_multipart_errors():
    request = httpx.Request("POST", "http://x/", files={"file": ("a", b"x" * 1000)})
    with pytest.raises(BodyTooLarge):
        parse(request, max_bytes=500)
    truncated = httpx.Request(
        "POST",
        "http://x/",
        content=b"--b\r\nContent-Disposition: form-data; name=a\r\n\r\nxx",
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    with pytest.raises(MultipartError):
        parse(truncated)
    with pytest.raises(MultipartError):
        parse(httpx.Request("POST", "http://x/", json={"a": 1}))


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=2, max_size=4000).filter(lambda b: len(b) % 2 == 0))
def test_wav_payload_is_exactly_the_samples(pcm):
    assert audio_pcm(wav_bytes(pcm)) == pcm


def test_headerless_passthrough_and_silence_is_not_mp3():
    silence = b"\xff\xff" * 1000  # -1 everywhere: starts like an MPEG sync word
    assert audio_pcm(silence) == silence
    with pytest.raises(MediaError) as info:
        audio_pcm(b"\x00" * 3)
    assert info.value.code == "audio_decode_failed"


@settings(max_examples=25, deadline=None)
@given(st.integers(8, 400), st.integers(8, 400))
def test_jpeg_size_matches_pillow(width, height):
    from PIL import Image

    data = jpeg_bytes(width, height)
    assert jpeg_size(data) == Image.open(io.BytesIO(data)).size == (width, height)
    assert check_jpeg(data, what="x") == (width, height)


def test_hosts_and_times():
    assert all(is_loopback_host(h) for h in ("127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost"))
    assert not any(is_loopback_host(h) for h in ("0.0.0.0", "10.0.0.1", "example.com", "::"))
    assert iso_ms(1_700_000_000_123) == "2023-11-14T22:13:20.123Z"
    assert parse_rfc3339_ms("2023-11-14T22:13:20.123Z") == 1_700_000_000_123
    assert parse_rfc3339_ms("2023-11-14T23:13:20.123+01:00") == 1_700_000_000_123
