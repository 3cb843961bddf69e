"""Reader for the v0 artifacts zip (``GET /v0/batch/jobs/{id}/artifacts``), an unpacked
folder of it, and loose artifacts CSVs.

Layout (hume-v0.md section 9)::

    <type>-<n>-<basename>/csv/<file>/<model>.csv      e.g. url-0-IMG_4648.mp4/csv/IMG_4648.mp4/face.csv
    <type>-<n>-<basename>/faces/<file>/<id>/frame=<N>.png    face crops (save_faces), listed only

Naming. ``file`` is the ``<file>`` part of the path, as in the predictions JSON. The
zip does not hold the submitted URL, so ``source`` is ``<basename>``: equal to the
JSON reader's source for uploaded files (``file-0-webcam.png`` -> ``webcam.png``) but
not for URL sources (JSON: the URL; zip: ``IMG_4648.mp4``). Pass
``sources={"url-0-IMG_4648.mp4": "https://..."}`` (keys: the folder name or the
basename) to use the URL. A basename repeated by several folders gets ``#1``, ``#2``
..., as repeated sources do in the JSON reader; ``text`` folders give ``text:<n>``.

A loose CSV outside that layout takes ``source`` and ``file`` from its file name with
a trailing model token removed (``interviewiq_img4647_face.csv`` ->
``interviewiq_img4647``, so the face and prosody CSVs of one recording share them);
a bare ``face.csv`` takes its folder's name. Override with ``source=`` / ``file=``.

Zip safety: every member name is checked before anything is read; absolute paths,
``..`` segments, backslashes, drive letters, symlinks and encrypted members are refused
with :class:`FormatError` naming the member. Members are read in memory, never
extracted.

Examples
--------
>>> import io, zipfile
>>> import humeresearch as hr
>>> csv = b"Id,Text,BeginTime,EndTime,Confidence,SpeakerConfidence,Joy,Awe\\r\\nspk_0,Hi,0.5,1.25,,,0.25,\\r\\n"
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w") as z:
...     z.writestr("url-0-talk.mp4/csv/talk.mp4/prosody.csv", csv)
>>> m = hr.read(buf.getvalue(), sources={"talk.mp4": "https://example.org/talk.mp4"})
>>> m.long()[["source", "track", "begin", "name", "score"]].values.tolist()
[['https://example.org/talk.mp4', 'spk_0', 0.5, 'Joy', 0.25]]
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from humeresearch._build import Builder
from humeresearch.define import V0_MODELS
from humeresearch.errors import FormatError
from humeresearch.readers._csv import read_csv_bytes, sniff_csv
from humeresearch.readers._limits import LIMITS, RATIO_FLOOR
from humeresearch.readers._registry import Format, register
from humeresearch.readers._source import Input
from humeresearch.wire.artifacts import SOURCE_FOLDER as _FOLDER
from humeresearch.wire.artifacts import is_face_crop, parse_member

#: what a corrupt archive raises from the standard library's zipfile
_ZIP_FAULTS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    EOFError,
    OverflowError,
    UnicodeDecodeError,
    zlib.error,
)
_CHUNK = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")
_MODEL_ORDER = {m: i for i, m in enumerate(V0_MODELS)}


def loose_names(path_name: str, model: str | None) -> str:
    """Source (= file) name of a CSV outside the layout (see the module docstring)."""
    p = PurePosixPath(path_name.replace("\\", "/"))
    stem = p.name[:-4] if p.name.lower().endswith(".csv") else p.name
    if model is not None:
        if stem == model:
            parent = p.parent.name
            return parent if parent not in ("", ".", "..") else p.name
        for sep in ("_", "-", ".", " "):
            if stem.endswith(sep + model) and len(stem) > len(model) + 1:
                return stem[: -len(model) - 1]
    return stem or p.name


class _Sources:
    """Source names of the ``<type>-<n>-<basename>`` folders, in index order."""

    def __init__(self, folders: list[str], mapping: Mapping[str, str] | None) -> None:
        mapping = dict(mapping or {})
        self.names: dict[str, str] = {}
        seen: dict[str, int] = {}

        def key(folder: str) -> tuple[int, str]:
            m = _FOLDER.match(folder)
            return (int(m.group("index")) if m else 1 << 30, folder)

        for folder in sorted(set(folders), key=key):
            m = _FOLDER.match(folder)
            if folder in mapping:
                name = mapping[folder]
            elif m and m.group("base") in mapping:
                name = mapping[m.group("base")]
            elif m and m.group("type") == "text":
                name = f"text:{m.group('index')}"
            else:
                name = m.group("base") if m else folder
            if name in seen:
                seen[name] += 1
                name = f"{name}#{seen[name]}"
            seen.setdefault(name, 0)
            self.names[folder] = name


def _check_member(name: str, info: zipfile.ZipInfo) -> None:
    m = info.filename
    if m.startswith(("/", "\\")) or _DRIVE.match(m):
        raise FormatError(name, f"member {m!r}", "absolute path refused")
    if "\\" in m:
        raise FormatError(name, f"member {m!r}", "backslash in member name refused")
    if ".." in m.split("/"):
        raise FormatError(name, f"member {m!r}", "'..' segment refused (path traversal)")
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        raise FormatError(name, f"member {m!r}", "symbolic link refused")
    if info.flag_bits & 0x1:
        raise FormatError(name, f"member {m!r}", "encrypted member refused")


def _read_members(
    name: str,
    members: list[tuple[tuple[str, ...], Any]],
    load: Any,
    builder: Builder,
    sources: Mapping[str, str] | None,
    source: str | None,
    file: str | None,
) -> dict[str, Any]:
    """Read the CSV members; ``members`` are (path parts, handle); ``load(handle) -> bytes``."""
    csvs: list[tuple[tuple[int, str, str, int], tuple[str, ...], Any, str | None]] = []
    crops: list[str] = []
    ignored: list[str] = []
    folders: list[str] = []
    for parts, handle in members:
        label = "/".join(parts)
        layout = parse_member(parts)
        if layout is not None:
            folders.append(layout[0])
            m = _FOLDER.match(layout[0])
            order = (int(m.group("index")) if m else 0, layout[0], layout[1])
            csvs.append(((*order, _MODEL_ORDER.get(layout[2], 99)), parts, handle, label))
        elif is_face_crop(parts):
            crops.append(label)
        elif parts[-1].lower().endswith(".csv"):
            csvs.append(((1 << 30, label, "", 0), parts, handle, label))
        else:
            ignored.append(label)
    if not csvs:
        raise FormatError(name, "", "holds no artifacts CSV (expected <type>-<n>-<name>/csv/...)")
    names = _Sources(folders, sources)
    models: list[str] = []
    for _, parts, handle, label in sorted(csvs, key=lambda c: c[0]):
        data = load(handle, label)
        layout = parse_member(parts)
        if layout is not None:
            folder, fname, model = layout
            src = source or names.names[folder]
            fil = file or fname
        else:
            model, src, fil = _loose(label, source, file)
        models.append(
            read_csv_bytes(
                builder,
                data,
                name=name,
                where=f"member {label!r}",
                source=src,
                file=fil,
                model=model,
            )
        )
    extra: dict[str, Any] = {"csv_members": [c[3] for c in sorted(csvs, key=lambda c: c[0])]}
    if names.names:
        extra["sources"] = names.names
    if crops:
        extra["face_crops"] = sorted(crops)
    if ignored:
        extra["ignored_members"] = sorted(ignored)
    return extra


def read_zip(
    inp: Input,
    builder: Builder,
    *,
    sources: Mapping[str, str] | None = None,
    source: str | None = None,
    file: str | None = None,
) -> dict[str, Any]:
    """Read an artifacts zip held in memory (see the module docstring)."""
    assert inp.data is not None
    _check_names(sources, source, file)
    try:
        archive = zipfile.ZipFile(io.BytesIO(inp.data))
        infos = archive.infolist()
    except _ZIP_FAULTS as exc:
        raise FormatError(inp.name, "", f"not a readable zip archive ({exc})") from None
    seen: set[str] = set()
    members = []
    for info in infos:
        _check_member(inp.name, info)
        if info.filename in seen:
            raise FormatError(inp.name, f"member {info.filename!r}", "member name repeats")
        seen.add(info.filename)
        if info.is_dir():
            continue
        members.append((tuple(p for p in info.filename.split("/") if p), info))

    _check_sizes(inp.name, [info for _, info in members])
    total = [0]

    def load(info: zipfile.ZipInfo, label: str) -> bytes:
        try:
            return _inflate(inp.name, archive, info, label, total, len(inp.data))
        except _ZIP_FAULTS as exc:
            raise FormatError(inp.name, f"member {label!r}", f"unreadable ({exc})") from None

    return _read_members(inp.name, members, load, builder, sources, source, file)


def _check_sizes(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse members whose declared sizes are over the limits (before inflating any)."""
    total = 0
    for info in infos:
        where = f"member {info.filename!r}"
        if info.file_size > LIMITS.max_member_size:
            size = f"decompressed size {info.file_size} bytes (declared)"
            raise LIMITS.refuse(name, where, "max_member_size", size)
        if info.file_size > RATIO_FLOOR and info.file_size > LIMITS.max_ratio * max(
            info.compress_size, 1
        ):
            ratio = (
                f"compression ratio {info.file_size / max(info.compress_size, 1):.0f} (declared)"
            )
            raise LIMITS.refuse(name, where, "max_ratio", ratio)
        total += info.file_size
        if total > LIMITS.max_input_size:
            size = f"decompressed size of the members up to this one, {total} bytes (declared)"
            raise LIMITS.refuse(name, where, "max_input_size", size)


def _inflate(
    name: str,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    label: str,
    total: list[int],
    archive_size: int,
) -> bytes:
    """A member's bytes, read in chunks: the limits hold even when its header lies."""
    where = f"member {label!r}"
    packed = max(min(info.compress_size, archive_size), 1)
    cap = min(LIMITS.max_member_size, LIMITS.max_input_size - total[0])
    parts: list[bytes] = []
    size = 0
    with archive.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            if size > cap:
                limit = "max_member_size" if cap == LIMITS.max_member_size else "max_input_size"
                raise LIMITS.refuse(name, where, limit, f"decompressed size over {cap} bytes")
            if size > RATIO_FLOOR and size > LIMITS.max_ratio * packed:
                ratio = f"compression ratio over {LIMITS.max_ratio:g}"
                raise LIMITS.refuse(name, where, "max_ratio", ratio)
            parts.append(chunk)
    total[0] += size
    return b"".join(parts)


def is_artifacts_folder(path: Path) -> bool:
    """Does this folder hold the artifacts layout (``<type>-<n>-<name>/csv/...``)?"""
    for child in path.iterdir():
        if child.is_dir() and _FOLDER.match(child.name) and (child / "csv").is_dir():
            return True
    return False


def read_folder(
    path: Path,
    builder: Builder,
    *,
    sources: Mapping[str, str] | None = None,
    source: str | None = None,
    file: str | None = None,
) -> dict[str, Any]:
    """Read an unpacked artifacts folder; returns provenance (members, size, sha256)."""
    _check_names(sources, source, file)
    name = os.fspath(path)
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    members = [(p.relative_to(path).parts, p) for p in files]
    digest = hashlib.sha256()
    size = 0

    def load(p: Path, label: str) -> bytes:
        nonlocal size
        data = p.read_bytes()
        size += len(data)
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())
        return data

    extra = _read_members(name, members, load, builder, sources, source, file)
    extra["size"] = size
    extra["sha256"] = digest.hexdigest()
    return extra


def read_loose_csv(
    inp: Input,
    builder: Builder,
    *,
    sources: Mapping[str, str] | None = None,
    source: str | None = None,
    file: str | None = None,
) -> dict[str, Any]:
    """Read one artifacts CSV given as a path, bytes or a file object."""
    assert inp.data is not None
    _check_names(sources, source, file)
    label = os.fspath(inp.path) if inp.path is not None else inp.name
    parts = tuple(Path(label).resolve().parts) if inp.path is not None else (label,)
    layout = parse_member(parts)
    if layout is not None:
        folder, fname, model = layout
        src = source or _Sources([folder], sources).names[folder]
        fil = file or fname
    elif inp.path is None and label.startswith("<"):
        model, src, fil = None, source or "csv", file or source or "csv"
    else:
        model, src, fil = _loose(label, source, file)
    model = read_csv_bytes(
        builder, inp.data, name=inp.name, where="", source=src, file=fil, model=model
    )
    return {"model": model}


def _loose(label: str, source: str | None, file: str | None) -> tuple[str | None, str, str]:
    """(model, source, file) of a CSV outside the layout, from its name."""
    stem = posixpath.basename(label.replace("\\", "/"))
    stem = stem[:-4] if stem.lower().endswith(".csv") else stem
    model = stem if stem in V0_MODELS else None
    if model is None:
        model = next((m for m in V0_MODELS if re.search(rf"[_\-. ]{m}$", stem)), None)
    src = source or loose_names(label, model)
    return model, src, file or src


def _check_names(sources: Any, source: Any, file: Any) -> None:
    if sources is not None and not isinstance(sources, Mapping):
        raise ValueError(
            "sources must be a mapping {folder name or basename: source}, "
            f"got {type(sources).__name__}"
        )
    for key, value in (("source", source), ("file", file)):
        if value is not None and (not isinstance(value, str) or not value):
            raise ValueError(f"{key} must be a non-empty string, got {value!r}")


def _sniff_zip(prefix: bytes, _: Input) -> bool:
    return prefix[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _sniff_csv(prefix: bytes, _: Input) -> bool:
    return sniff_csv(prefix)


_OPTIONS = ("sources", "source", "file")

register(
    Format(
        "v0-artifacts",
        read_zip,
        sniff=_sniff_zip,
        folder=is_artifacts_folder,
        read_folder=read_folder,
        options=_OPTIONS,
        description="v0 artifacts zip (GET /v0/batch/jobs/{id}/artifacts) or its unpacked folder",
    )
)
register(
    Format(
        "v0-csv",
        read_loose_csv,
        sniff=_sniff_csv,
        options=_OPTIONS,
        description="one v0 artifacts CSV (face.csv, prosody.csv, language.csv, burst.csv)",
    )
)
