"""Objects of the official SDKs, read by duck typing (the SDKs are never imported).

Accepted: pydantic models of ``hume`` <= 0.13 (batch predictions ``UnionPredictResult``
lists, stream replies) and of ``hume-expression-measurement`` (v1 file responses and
realtime messages), or lists / tuples of them. Each object is dumped to plain JSON
data with ``model_dump(by_alias=True, mode="json", exclude_none=True)`` (pydantic v2)
or ``dict(by_alias=True, exclude_none=True)`` (pydantic v1); ``None`` fields are left
out because the wire format omits them (the SDKs add them as ``None``). The dumped data
then goes through format detection like any decoded JSON, and the provenance records
both formats (``"sdk"`` and ``dumped_format``).

Examples
--------
>>> import pydantic
>>> import humeresearch as hr
>>> class Score(pydantic.BaseModel):
...     name: str
...     probability: float
>>> class Frame(pydantic.BaseModel):
...     frame_id: int
...     faces: list[dict]
>>> class VideoFileResponse(pydantic.BaseModel):
...     request_id: str
...     run_id: str
...     received: dict
...     measurements: list[Frame]
>>> face = {"face_id": 0, "bbox": [0, 0, 4, 4], "confidence": 0.9,
...         "expressions": [{"name": "joy", "probability": 0.4}]}
>>> obj = VideoFileResponse(request_id="x", run_id="r", received={"frames": 1},
...                         measurements=[Frame(frame_id=0, faces=[face])])
>>> m = hr.read(obj, source="img.jpg")
>>> m.provenance["inputs"][0]["dumped_format"], m.long()["name"].tolist()
('v1', ['joy'])
"""

from __future__ import annotations

from typing import Any

from humeresearch._build import Builder
from humeresearch.errors import FormatError
from humeresearch.readers._registry import FORMATS, Format, detect, options_for, register
from humeresearch.readers._source import Input


def is_model(obj: Any) -> bool:
    """Is ``obj`` a pydantic-like model (has ``model_dump`` or ``dict`` + ``__fields__``)?"""
    if isinstance(obj, type | dict | list | tuple | str | bytes):
        return False
    if callable(getattr(obj, "model_dump", None)):
        return True
    return callable(getattr(obj, "dict", None)) and hasattr(obj, "__fields__")


def dump(obj: Any) -> Any:
    """Plain JSON data of a model, or of a list/tuple/dict that holds models."""
    if is_model(obj):
        method = getattr(obj, "model_dump", None)
        if callable(method):
            try:
                return dump(method(by_alias=True, mode="json", exclude_none=True))
            except TypeError:  # a model_dump without those keywords
                return dump(method())
        return dump(obj.dict(by_alias=True, exclude_none=True))
    if isinstance(obj, list | tuple):
        return [dump(x) for x in obj]
    if isinstance(obj, dict):
        return {k: dump(v) for k, v in obj.items() if v is not None}
    return obj


def looks_like(obj: Any) -> bool:
    """Is ``obj`` an SDK object or a non-empty list of them?"""
    if isinstance(obj, list | tuple):
        return bool(obj) and all(is_model(x) for x in obj[:5])
    return is_model(obj)


def read_sdk(inp: Input, builder: Builder, **options: Any) -> dict[str, Any]:
    """Dump the objects and read them with the format they turn out to be.

    An option that format does not take is a TypeError (SDK objects are always one
    input read on its own).
    """
    data = dump(inp.obj)
    inner = Input(name=inp.name, obj=data)
    fmt = detect(inner)
    if fmt is None or fmt.name == "sdk":
        known = ", ".join(sorted(f for f in FORMATS if f != "sdk"))
        raise FormatError(
            inp.name,
            "",
            f"SDK object of type {type(inp.obj).__name__} dumps to no known format ({known})",
        )
    taken = options_for(fmt, options, name=inp.name, strict=True)
    extra = fmt.read(inner, builder, **taken) or {}
    inp._sha = inner.sha256  # provenance hashes the dumped data, not the object's repr
    return {**extra, "dumped_format": fmt.name, "sdk_type": _type_name(inp.obj)}


def _type_name(obj: Any) -> str:
    item = obj[0] if isinstance(obj, list | tuple) and obj else obj
    cls = type(item)
    return f"{cls.__module__}.{cls.__qualname__}"


register(
    Format(
        "sdk",
        read_sdk,
        sniff_obj=looks_like,
        options=None,  # the options of the format the objects dump to
        description="objects of the official SDKs (pydantic models), read by duck typing",
    )
)
