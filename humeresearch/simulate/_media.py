"""Media sniffing and decoding for the simulator: WAV samples, JPEG/PNG/GIF sizes, image detail.

Only the standard library and numpy are used; nothing here needs Pillow or ffmpeg.
"""

from __future__ import annotations

import bz2
import struct
import zlib
from dataclasses import dataclass

import numpy as np

# magic-number sniffing ------------------------------------------------------------------------

VIDEO_EXT = {"mp4", "mov", "avi", "mkv", "webm", "m4v", "mpeg", "mpg", "wmv", "flv", "3gp"}
AUDIO_EXT = {"wav", "mp3", "m4a", "flac", "ogg", "oga", "aac", "wma", "opus", "aiff", "aif"}
IMAGE_EXT = {"jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff", "heic"}
TEXT_EXT = {"txt", "text", "md"}
ARCHIVE_EXT = {"zip", "tar", "tgz", "gz", "bz2", "xz"}


def sniff(data: bytes) -> str:
    """Classify bytes by their magic number.

    Returns one of ``wav``, ``riff`` (non-WAV RIFF), ``avi``, ``webp``, ``mp3``, ``flac``, ``ogg``,
    ``mp4`` (ISO-BMFF video), ``m4a`` (ISO-BMFF audio), ``mkv``, ``jpeg``, ``png``, ``gif``, ``bmp``,
    ``zip``, ``tar``, ``gzip``, ``bzip2``, ``xz``, ``text`` or ``unknown``.

    Examples
    --------
    >>> sniff(b"\\xff\\xd8\\xff\\xe0" + bytes(10))
    'jpeg'
    """
    head = data[:16]
    if head[:4] == b"RIFF" and len(data) >= 12:
        form = data[8:12]
        return {b"WAVE": "wav", b"AVI ": "avi", b"WEBP": "webp"}.get(form, "riff")
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] in (b"GIF8",):
        return "gif"
    if head[:2] == b"BM" and len(data) >= 26:
        return "bmp"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[4:8] == b"ftyp":
        brand = data[8:12]
        return "m4a" if brand in (b"M4A ", b"M4B ", b"M4P ") else "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "mkv"
    if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":
        return "zip"
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:3] == b"BZh":
        return "bzip2"
    if head[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if len(data) > 262 and data[257:262] == b"ustar":
        return "tar"
    if data and b"\x00" not in data[:4096]:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "unknown"
        return "text"
    return "unknown"


KIND_FILE_TYPE = {
    "wav": "audio",
    "mp3": "audio",
    "flac": "audio",
    "ogg": "audio",
    "m4a": "audio",
    "mp4": "video",
    "mkv": "video",
    "avi": "video",
    "jpeg": "image",
    "png": "image",
    "gif": "image",
    "bmp": "image",
    "webp": "image",
    "text": "text",
}
"""v0 ``file_type`` of each sniffed kind (archives and unknown bytes have none)."""

# WAV --------------------------------------------------------------------------------------------


class WavError(ValueError):
    """A RIFF/WAVE file that cannot be decoded; ``reason`` says why."""


@dataclass(frozen=True)
class Wav:
    """Decoded WAV: mono float samples in [-1, 1] plus the header fields."""

    rate: int
    channels: int
    bits: int
    format_tag: int
    samples: np.ndarray
    pcm: bytes  # the raw sample bytes of the data chunk

    @property
    def duration(self) -> float:
        return self.samples.size / self.rate if self.rate else 0.0


def parse_wav(data: bytes, *, lenient: bool = True) -> Wav:
    """Decode a RIFF/WAVE file with integer PCM (8/16/24/32 bit) or float (32/64 bit) samples.

    Several channels are averaged to one. With ``lenient=False`` (v1 rules) a truncated data chunk,
    the extensible header and a partial last sample frame raise :class:`WavError`; with
    ``lenient=True`` (v0) the extensible header is accepted and a short data chunk is cut to what
    is present.

    Examples
    --------
    >>> import struct
    >>> pcm = struct.pack("<4h", 0, 1000, -1000, 0)
    >>> hdr = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + 8, b"WAVE", b"fmt ", 16, 1, 1,
    ...                   16000, 32000, 2, 16, b"data", 8)
    >>> parse_wav(hdr + pcm).samples.size
    4
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError("not a RIFF/WAVE file")
    pos, fmt, pcm, truncated = 12, None, None, False
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = data[pos + 8 : pos + 8 + size]
        if len(body) < size:
            truncated = True
        if cid == b"fmt ":
            if len(body) < 16:
                raise WavError("fmt chunk shorter than 16 bytes")
            fmt = struct.unpack_from("<HHIIHH", body, 0) + (body,)
        elif cid == b"data":
            pcm = body
            if truncated:
                break
        pos += 8 + size + (size & 1)
    if fmt is None:
        raise WavError("no fmt chunk")
    if pcm is None:
        raise WavError("no data chunk")
    tag, channels, rate, _, block, bits, body = fmt
    if tag == 0xFFFE:
        if not lenient:
            raise WavError("WAVE_FORMAT_EXTENSIBLE header")
        if len(body) >= 26:
            tag = struct.unpack_from("<H", body, 24)[0]
    if truncated and not lenient:
        raise WavError("data chunk is truncated")
    if channels < 1 or rate < 1 or bits not in (8, 16, 24, 32, 64):
        raise WavError(f"unsupported header: {channels} channels, {rate} Hz, {bits} bit")
    if (tag, bits) not in {(1, 8), (1, 16), (1, 24), (1, 32), (3, 32), (3, 64)}:
        raise WavError(f"unsupported sample format (tag {tag}, {bits} bit)")
    width = bits // 8 * channels
    if len(pcm) % width:
        if not lenient:
            raise WavError("data chunk ends inside a sample frame")
        pcm = pcm[: len(pcm) - len(pcm) % width]
    samples = _pcm_to_float(pcm, tag, bits).reshape(-1, channels).mean(axis=1)
    return Wav(rate, channels, bits, tag, samples, pcm)


def _pcm_to_float(pcm: bytes, tag: int, bits: int) -> np.ndarray:
    if tag == 3:
        return np.frombuffer(pcm, "<f4" if bits == 32 else "<f8").astype(np.float64)
    if bits == 8:
        return (np.frombuffer(pcm, np.uint8).astype(np.float64) - 128.0) / 128.0
    if bits == 16:
        return np.frombuffer(pcm, "<i2").astype(np.float64) / 32768.0
    if bits == 32:
        return np.frombuffer(pcm, "<i4").astype(np.float64) / 2147483648.0
    raw = np.frombuffer(pcm, np.uint8).reshape(-1, 3).astype(np.int32)
    value = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
    value = np.where(value >= 1 << 23, value - (1 << 24), value)
    return value.astype(np.float64) / float(1 << 23)


def s16le_to_float(pcm: bytes) -> np.ndarray:
    """Headerless signed 16-bit little-endian samples as floats in [-1, 1)."""
    return np.frombuffer(pcm, "<i2").astype(np.float64) / 32768.0


# images -----------------------------------------------------------------------------------------

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_info(data: bytes) -> tuple[int, int, int]:
    """Return ``(width, height, scan_offset)`` of a JPEG from its SOF and SOS markers.

    Raises ValueError when the bytes are not a decodable JPEG header.

    Examples
    --------
    >>> sof = b"\\xff\\xc0" + struct.pack(">HBHHB", 8, 8, 48, 64, 0)
    >>> jpeg_info(b"\\xff\\xd8" + sof + b"\\xff\\xda\\x00\\x02" + b"\\x00" * 4 + b"\\xff\\xd9")[:2]
    (64, 48)
    """
    if data[:2] != b"\xff\xd8":
        raise ValueError("no JPEG SOI marker")
    pos, size = 2, None
    n = len(data)
    while pos < n:
        if data[pos] != 0xFF:
            raise ValueError(f"expected a JPEG marker at byte {pos}")
        while pos < n and data[pos] == 0xFF:
            pos += 1
        if pos >= n:
            break
        marker = data[pos]
        pos += 1
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            continue
        if marker == 0xD9:
            break
        if pos + 2 > n:
            break
        length = struct.unpack_from(">H", data, pos)[0]
        if length < 2 or pos + length > n:
            raise ValueError(f"JPEG segment 0x{marker:02X} at byte {pos - 2} is truncated")
        if marker in _SOF:
            if length < 7:
                raise ValueError("JPEG SOF segment too short")
            h, w = struct.unpack_from(">HH", data, pos + 3)
            size = (w, h)
        elif marker == 0xDA:
            if size is None:
                raise ValueError("JPEG scan before any SOF frame header")
            if size[0] == 0 or size[1] == 0:
                raise ValueError("JPEG frame has zero width or height")
            return size[0], size[1], pos + length
        pos += length
    raise ValueError("JPEG ends before its first scan")


def png_size(data: bytes) -> tuple[int, int]:
    """Return ``(width, height)`` from a PNG IHDR chunk (ValueError when malformed)."""
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise ValueError("PNG without IHDR chunk")
    w, h = struct.unpack_from(">II", data, 16)
    if not w or not h:
        raise ValueError("PNG with zero width or height")
    return w, h


def image_size(data: bytes, kind: str) -> tuple[int, int]:
    """Return ``(width, height)`` of a JPEG, PNG, GIF or BMP image (ValueError otherwise)."""
    if kind == "jpeg":
        return jpeg_info(data)[:2]
    if kind == "png":
        return png_size(data)
    if kind == "gif" and len(data) >= 10:
        return struct.unpack_from("<HH", data, 6)
    if kind == "bmp" and len(data) >= 26:
        w, h = struct.unpack_from("<ii", data, 18)
        return abs(w), abs(h)
    raise ValueError(f"cannot read the size of a {kind} image")


def _spread(payload: bytes, budget: int = 1 << 20, pieces: int = 64) -> bytes:
    """Evenly spaced pieces of ``payload`` totalling about ``budget`` bytes."""
    if len(payload) <= budget:
        return payload
    step, size = len(payload) // pieces, budget // pieces
    return b"".join(payload[i * step : i * step + size] for i in range(pieces))


def image_is_blank(data: bytes, kind: str) -> bool:
    """Heuristic: True when a JPEG/PNG holds (almost) no detail, e.g. a uniform frame.

    The compressed image payload (JPEG entropy-coded scan, PNG inflated IDAT data) is recompressed
    with bz2; a uniform image recompresses to well under 200 bytes whatever its size. This is the
    simulator's stand-in for "no face found"; it is not a face detector.
    """
    try:
        if kind == "jpeg":
            payload = data[jpeg_info(data)[2] :]
        elif kind == "png":
            pos, chunks = 8, []
            while pos + 8 <= len(data):
                length, ctype = struct.unpack_from(">I4s", data, pos)
                if ctype == b"IDAT":
                    chunks.append(data[pos + 8 : pos + 8 + length])
                pos += 12 + length
            payload = zlib.decompress(b"".join(chunks))
        else:
            return False
    except (ValueError, zlib.error):
        return False
    return len(bz2.compress(_spread(payload), 9)) < 200
