"""Media checks of the v1 contract: WAV / headerless PCM classification and JPEG limits.

The server owns the input rules (formats, sizes, pixels); the simulator only scores
accepted media. Every failure raises :class:`MediaError` with the contract's code.
"""

from __future__ import annotations

import struct

#: JPEG limits of the v1 contract.
IMAGE_MAX_BYTES = 2_000_000
IMAGE_MAX_PIXELS = 8_294_400

_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}

# MPEG audio bitrates (kbit/s) by (version is MPEG-1, layer) and sample rates by version
_BITRATES = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


class MediaError(ValueError):
    """Media the contract rejects; ``code`` is the v1 error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _mp3_frame_length(data: bytes, offset: int) -> int | None:
    """Length of the MPEG audio frame whose header starts at ``offset`` (None: no header)."""
    if offset + 4 > len(data) or data[offset] != 0xFF or data[offset + 1] & 0xE0 != 0xE0:
        return None
    b1, b2 = data[offset + 1], data[offset + 2]
    version, layer_bits = (b1 >> 3) & 3, (b1 >> 1) & 3
    bitrate_idx, rate_idx, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if version == 1 or layer_bits == 0 or bitrate_idx in (0, 15) or rate_idx == 3:
        return None
    layer = 4 - layer_bits
    bitrate = _BITRATES[(version == 3, layer)][bitrate_idx] * 1000
    rate = _RATES[version][rate_idx]
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    factor = 144 if (layer == 2 or version == 3) else 72
    return factor * bitrate // rate + padding


def _is_mp3(data: bytes) -> bool:
    if data[:3] == b"ID3":
        return True
    length = _mp3_frame_length(data, 0)
    # a second frame header right after the first one, or a file of exactly one frame
    return length is not None and (
        length == len(data) or _mp3_frame_length(data, length) is not None
    )


def sniff_unsupported(data: bytes) -> str | None:
    """Name of a container the v1 audio endpoints reject, or ``None``."""
    if data[:4] == b"RIFF" and data[8:12] != b"WAVE":
        return "a RIFF file that is not WAV"
    if data[:4] == b"fLaC":
        return "FLAC"
    if data[:4] == b"OggS":
        return "Ogg"
    if data[4:8] == b"ftyp":
        return "MP4/M4A"
    if _is_mp3(data):
        return "MP3"
    return None


def _decode_failed(message: str) -> MediaError:
    return MediaError("audio_decode_failed", message)


def _wav_pcm(data: bytes) -> bytes:
    """PCM samples of a WAV file that must be s16le 16 kHz mono (plain PCM header)."""
    offset, fmt_seen = 12, False
    while offset + 8 <= len(data):
        chunk_id, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = offset + 8
        if chunk_id == b"fmt ":
            if size < 16 or body + size > len(data):
                raise _decode_failed("the WAV fmt chunk is truncated")
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", data, body)
            if tag == 0xFFFE:
                raise _decode_failed("WAV files with the extensible header are not accepted")
            if tag != 1 or bits != 16 or rate != 16000 or channels != 1:
                raise _decode_failed(
                    f"the WAV file is format {tag}, {bits}-bit, {rate} Hz, {channels} channel(s); "
                    "only 16-bit PCM, 16000 Hz, mono is accepted"
                )
            fmt_seen = True
        elif chunk_id == b"data":
            if not fmt_seen:
                raise _decode_failed("the WAV data chunk comes before its fmt chunk")
            if body + size > len(data):
                raise _decode_failed("the WAV file is truncated (data chunk longer than the file)")
            if size == 0 or size % 2:
                raise _decode_failed("the WAV data chunk is empty or has an odd number of bytes")
            return data[body : body + size]
        offset = body + size + (size & 1)
    raise _decode_failed("the WAV file has no data chunk")


def audio_pcm(data: bytes) -> bytes:
    """The s16le 16 kHz mono samples of an upload (WAV or headerless), or raise MediaError."""
    if not data:
        raise _decode_failed("the audio is empty")
    unsupported = sniff_unsupported(data)
    if unsupported:
        raise MediaError(
            "unsupported_media_type",
            f"{unsupported} is not accepted; send 16-bit PCM, 16 kHz, mono as WAV or headerless samples",
        )
    if data[:4] == b"RIFF":
        return _wav_pcm(data)
    if len(data) % 2:
        raise _decode_failed("headerless audio must have an even number of bytes (16-bit samples)")
    return data


def is_jpeg(data: bytes) -> bool:
    """Whether ``data`` starts like a JPEG file."""
    return data[:3] == b"\xff\xd8\xff"


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's frame header, or None if none is found."""
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack_from(">H", data, i + 2)[0]
        if marker in _SOF_MARKERS:
            if i + 9 > n:
                return None
            height, width = struct.unpack_from(">HH", data, i + 5)
            return width, height
        if marker == 0xDA:
            return None
        i += 2 + length
    return None


def check_jpeg(data: bytes, *, what: str) -> tuple[int, int]:
    """Validate one image of a v1 upload and return its (width, height)."""
    if not is_jpeg(data):
        raise MediaError("unsupported_media_type", f"{what} is not a JPEG image")
    if len(data) > IMAGE_MAX_BYTES:
        raise MediaError(
            "image_too_large", f"{what} is {len(data)} bytes, over the {IMAGE_MAX_BYTES}-byte limit"
        )
    size = jpeg_size(data)
    if size is None or 0 in size:
        raise MediaError("image_decode_failed", f"{what} could not be decoded (no frame header)")
    if size[0] * size[1] > IMAGE_MAX_PIXELS:
        raise MediaError(
            "image_too_large",
            f"{what} is {size[0]}x{size[1]} pixels, over the {IMAGE_MAX_PIXELS}-pixel limit",
        )
    return size
