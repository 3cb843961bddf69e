"""Turn submitted v0 sources (URL, uploaded file, raw text) into simulated media descriptions."""

from __future__ import annotations

import hashlib
import io
import posixpath
import tarfile
import urllib.parse
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from humeresearch.errors import SimulationWarning
from humeresearch.simulate import _media
from humeresearch.simulate._scores import digest, rng_for
from humeresearch.simulate._text import synthetic_sentences
from humeresearch.simulate._vad import segments

SOURCE_KINDS = ("url", "file", "text")
BURST_MAX = 0.8  # voiced stretches shorter than this (seconds) are simulated as vocal bursts
DEFAULT_SIZE = (1280, 720)
MAX_MEMBERS = 1000
#: bytes an archive may inflate to in all (members beyond it get a per-file error, unread).
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """One submitted v0 source.

    Parameters
    ----------
    kind : {"url", "file", "text"}
        How it was submitted.
    name : str
        The URL, the uploaded file name, or a label for a raw text item (used as its ``file``).
    data : bytes, optional
        File bytes (uploads; URLs whose content is available). A URL without data is simulated from
        the URL string alone.
    text : str, optional
        The raw text of a ``"text"`` source.
    content_type : str, optional
        The upload's content type, echoed in ``source.content_type``.

    Examples
    --------
    >>> Source("text", "text:0", text="Hello there.").kind
    'text'
    """

    kind: str
    name: str
    data: bytes | None = None
    text: str | None = None
    content_type: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SOURCE_KINDS:
            raise ValueError(f"Source.kind must be one of {list(SOURCE_KINDS)}, got {self.kind!r}")
        if self.kind == "text" and self.text is None and self.data is None:
            raise ValueError(f"text source {self.name!r} needs text= (or data= with UTF-8 bytes)")


@dataclass
class Media:
    """What the simulator knows about one file of a source."""

    file: str
    file_type: str  # video | audio | image | text
    key: bytes
    duration: float = 0.0
    size: tuple[int, int] = DEFAULT_SIZE
    fps: float = 30.0
    speech: list[tuple[float, float]] = field(default_factory=list)
    bursts: list[tuple[float, float]] = field(default_factory=list)
    text: str | None = None
    raw_text: bool = False
    blank: bool = False
    warnings: list[str] = field(default_factory=list)


def simulated_timeline(rng: np.random.Generator, duration: float) -> tuple[list, list]:
    """Plausible speech segments and a few short vocal bursts within ``duration`` seconds."""
    speech, bursts = [], []
    t = float(rng.uniform(0.2, 1.5))
    while t + 0.8 < duration:
        end = min(duration, t + float(rng.uniform(1.5, 6.0)))
        speech.append((round(t, 3), round(end, 3)))
        gap = float(rng.uniform(0.3, 2.0))
        if gap > 1.0 and rng.random() < 0.4 and end + 0.9 < duration:
            b = end + float(rng.uniform(0.2, gap - 0.8))
            bursts.append((round(b, 3), round(min(duration, b + float(rng.uniform(0.3, 0.6))), 3)))
        t = end + gap
    return speech, bursts


def _ext(name: str) -> str:
    base = posixpath.basename(name).lower()
    for double in ("tar.gz", "tar.bz2", "tar.xz"):
        if base.endswith("." + double):
            return double
    return base.rsplit(".", 1)[-1] if "." in base else ""


def _warn(media: Media, message: str) -> None:
    media.warnings.append(message)
    warnings.warn(f"{media.file}: {message}", SimulationWarning, stacklevel=4)


def _from_bytes(file: str, data: bytes, seed: int, content_type: str | None) -> Media | str:
    """Media for one file's bytes, or an error message when nothing can be made of them."""
    key = digest("v0", hashlib.sha256(data).digest(), seed)
    if not data:
        return "the file is empty"
    kind = _media.sniff(data)
    if kind == "unknown" and content_type and content_type.startswith("text/"):
        kind = "text"
    if kind == "riff":
        return "unsupported RIFF file (not WAVE/AVI/WEBP)"
    ftype = _media.KIND_FILE_TYPE.get(kind)
    if ftype is None:
        return "could not recognise the media type (not audio, video, image or text)"
    m = Media(file, ftype, key)
    if ftype == "text":
        m.text = data.decode("utf-8")
    elif ftype == "image":
        try:
            m.size = _media.image_size(data, kind)
            m.blank = _media.image_is_blank(data, kind)
        except ValueError as exc:
            _warn(m, f"simulated: image not decoded ({exc}); size {DEFAULT_SIZE} assumed")
    elif kind == "wav":
        try:
            wav = _media.parse_wav(data, lenient=True)
        except _media.WavError as exc:
            wav = None
            reason = str(exc)
        if wav is not None:
            m.duration = wav.duration
            segs = segments(wav.samples, wav.rate)
            m.speech = [s for s in segs if s[1] - s[0] >= BURST_MAX]
            m.bursts = [s for s in segs if s[1] - s[0] < BURST_MAX]
            return m
        _guess_duration(m, data, f"WAV not decoded ({reason})")
    else:
        _guess_duration(m, data, f"{kind} is not decoded by the simulator")
    return m


def _guess_duration(m: Media, data: bytes, why: str) -> None:
    rate = (
        250_000 if m.file_type == "video" else 16_000
    )  # bytes/s: ~2 Mbit/s video, 128 kbit/s audio
    m.duration = float(np.clip(round(len(data) / rate, 3), 1.0, 7200.0))
    m.speech, m.bursts = simulated_timeline(rng_for(m.key, "timeline"), m.duration)
    _warn(m, f"simulated: {why}; duration {m.duration:g} s derived from the file size")


def _from_url(url: str, seed: int) -> list[Media]:
    path = urllib.parse.urlsplit(url).path
    base = posixpath.basename(path) or "download"
    ext = _ext(base)
    key = digest("v0-url", url, seed)
    rng = rng_for(key, "url")
    if ext in _media.ARCHIVE_EXT or ext in ("tar.gz", "tar.bz2", "tar.xz"):
        stem = base.split(".")[0]
        return [
            Media(f"{stem}/{i}.jpg", "image", digest(key, i))
            for i in range(int(rng.integers(2, 6)))
        ]
    ftype = (
        "audio" if ext in _media.AUDIO_EXT else "image" if ext in _media.IMAGE_EXT
        else "text" if ext in _media.TEXT_EXT else "video"
    )  # fmt: skip
    m = Media(base, ftype, key)
    if ftype == "text":
        m.text = " ".join(synthetic_sentences(rng, int(rng.integers(20, 80))))
    elif ftype in ("audio", "video"):
        m.duration = round(float(rng.uniform(5.0, 120.0)), 3)
        m.speech, m.bursts = simulated_timeline(rng_for(key, "timeline"), m.duration)
    return [m]


def _safe_member(name: str) -> bool:
    return not (
        name.startswith("/")
        or "\\" in name
        or ".." in name.split("/")
        or (len(name) > 1 and name[1] == ":")
    )


def _archive(data: bytes, kind: str) -> tuple[list[tuple[str, bytes]], list[dict]] | str:
    """(members, per-file errors) of an archive, or why it cannot be opened.

    Members are read only while their declared sizes fit in ``MAX_ARCHIVE_BYTES`` (reads stop
    at the declared size, so a forged header cannot inflate more); the rest are reported.
    """
    members: list[tuple[str, bytes]] = []
    errors: list[dict] = []
    budget = MAX_ARCHIVE_BYTES

    def take(name: str, size: int, read: Callable[[], bytes]) -> None:
        nonlocal budget
        if not _safe_member(name):
            return
        if size > budget:
            errors.append(
                {
                    "file": name,
                    "message": f"simulated: not read: the archive inflates beyond "
                    f"{MAX_ARCHIVE_BYTES} bytes (the simulator's limit)",
                }
            )
            return
        budget -= size
        members.append((name, read()[:size]))

    try:
        if kind == "zip":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for i in [i for i in z.infolist() if not i.is_dir()][:MAX_MEMBERS]:
                    take(i.filename, i.file_size, lambda i=i: z.read(i))
        else:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as t:
                for n, m in enumerate(t):  # lazily: never inflate far past the budget
                    if n >= MAX_MEMBERS or m.offset > 2 * MAX_ARCHIVE_BYTES:
                        break
                    if m.isfile():
                        take(m.name, m.size, lambda m=m: t.extractfile(m).read(m.size))
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, ValueError) as exc:
        return f"could not open the archive ({exc})"
    return members, errors


def resolve(source: Source, seed: int) -> tuple[list[Media], list[dict]]:
    """Media of a source plus per-file errors ``{"file", "message"}``."""
    if source.kind == "text":
        text = source.text if source.text is not None else source.data.decode("utf-8", "replace")
        key = digest("v0-text", text, seed)
        return [Media(source.name, "text", key, text=text, raw_text=True)], []
    if source.data is None:
        if source.kind == "url":
            return _from_url(source.name, seed), []
        return [], [{"file": source.name, "message": "simulated: the upload has no content"}]
    file = (
        posixpath.basename(urllib.parse.urlsplit(source.name).path)
        if source.kind == "url"
        else source.name
    )
    file = file or source.name
    kind = _media.sniff(source.data)
    members = [(file, source.data)]
    if kind in ("zip", "tar", "gzip", "bzip2", "xz"):
        got = _archive(source.data, kind)
        if isinstance(got, str):
            return [], [{"file": file, "message": f"simulated: {got}"}]
        members, errors = got
    else:
        errors = []
    media = []
    for name, data in members:
        m = _from_bytes(name, data, seed, source.content_type)
        if isinstance(m, str):
            errors.append({"file": name, "message": f"simulated: {m}"})
        else:
            media.append(m)
    return media, errors
