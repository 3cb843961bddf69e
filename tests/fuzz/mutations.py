"""A seeded mutation fuzzer of the readers: real fixtures and generated documents.

Every case is bytes handed to :func:`humeresearch.read` from a file on disk. The
outcome of a case is ``"ok"`` (read), ``"FormatError"`` or the name of any other
exception (an escape). Run ``python -m tests.fuzz.mutations -n 5000`` for counts.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import random
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "hume-v0-real"
#: fixtures small enough to mutate whole (the larger ones are shrunk first)
_LIMIT = 120_000

_SCORES = [{"name": "Joy", "score": 0.5}, {"name": "Calmness", "score": 0.25}]


def generated() -> dict[str, bytes]:
    """Small documents of every format that the fixtures do not cover."""
    audio = {
        "request_id": "0" * 32,
        "run_id": "r1",
        "received": {"audio_duration_ms": 4000},
        "measurements": [
            {
                "measurement_id": k,
                "utterance_id": 0,
                "audio_start_ms": 1000 * k,
                "audio_end_ms": 1000 * k + 900,
                "trigger": "interval",
                "expressions": [{"name": "calmness", "probability": 0.8}],
                "voice_attributes": [{"name": "clear", "probability": 0.9}],
            }
            for k in range(3)
        ],
    }
    face = {
        "face_id": 0,
        "bbox": [0, 0, 4, 4],
        "confidence": 0.9,
        "expressions": [{"name": "joy", "probability": 0.4}],
    }
    video = {
        "request_id": "1" * 32,
        "run_id": "r2",
        "received": {"frames": 2},
        "measurements": [{"frame_id": k, "faces": [face]} for k in range(2)],
    }
    log = [
        {"type": "session.created", "session_id": "s1"},
        {"type": "measurement.result", **audio["measurements"][0]},
        {"type": "measurement.result", **audio["measurements"][1]},
        {"type": "error", "code": "x", "message": "m", "retryable": True},
        {"type": "session.closed"},
    ]
    stream_face = {
        "frame": 0,
        "time": None,
        "bbox": {"x": 0, "y": 0, "w": 9, "h": 9},
        "prob": 0.99,
        "face_id": "0",
        "emotions": _SCORES,
    }
    replies = [
        {"payload_id": "a", "face": {"predictions": [stream_face]}},
        {"payload_id": "b", "face": {"warning": "No faces detected.", "code": "W0103"}},
        {
            "payload_id": "c",
            "prosody": {"predictions": [{"time": {"begin": 0.0, "end": 1.0}, "emotions": _SCORES}]},
        },
    ]
    text = [
        {
            "source": {"type": "text"},
            "results": {
                "errors": [],
                "predictions": [
                    {
                        "file": "text",
                        "models": {
                            "language": {
                                "grouped_predictions": [
                                    {
                                        "id": "unknown",
                                        "predictions": [
                                            {
                                                "text": "Hi",
                                                "position": {"begin": 0, "end": 2},
                                                "time": {"begin": 0.0, "end": 0.5},
                                                "emotions": _SCORES,
                                                "sentiment": [{"name": "1", "score": 0.1}],
                                            }
                                        ],
                                    }
                                ]
                            }
                        },
                    }
                ],
            },
        }
    ]
    return {
        "gen_v1_audio.json": json.dumps(audio).encode(),
        "gen_v1_video.json": json.dumps(video).encode(),
        "gen_v1_log.jsonl": "\n".join(json.dumps(m) for m in log).encode(),
        "gen_v0_stream.json": json.dumps(replies).encode(),
        "gen_v0_text.json": json.dumps(text).encode(),
    }


def _shrink(obj: Any, keep: int = 3) -> Any:
    """Lists cut to ``keep`` items, except score lists (kept whole)."""
    if isinstance(obj, list):
        if obj and isinstance(obj[0], dict) and set(obj[0]) == {"name", "score"}:
            return obj
        return [_shrink(x, keep) for x in obj[:keep]]
    if isinstance(obj, dict):
        return {k: _shrink(v, keep) for k, v in obj.items()}
    return obj


def _csv_head(data: bytes, rows: int = 6) -> bytes:
    return b"\r\n".join(data.splitlines()[: rows + 1]) + b"\r\n"


def corpus() -> dict[str, bytes]:
    """Name -> bytes of every base document (fixtures read in place, never copied)."""
    out: dict[str, bytes] = {}
    for path in sorted(FIXTURES.iterdir()):
        data = path.read_bytes()
        if path.suffix == ".json":
            if len(data) > _LIMIT:
                data = json.dumps(_shrink(json.loads(data))).encode()
            out[path.name] = data
        elif path.suffix == ".csv":
            out[path.name] = _csv_head(data)
        elif path.suffix == ".zip" and len(data) <= _LIMIT:
            out[path.name] = data
    out.update(generated())
    return out


# -- mutations ------------------------------------------------------------------------------

_HUGE = ["2**64", "2**63", "-2**63-1", "1e400", "-1e400", "NaN", "Infinity", "-1", "54", "1.5"]
_TOKENS = {"2**64": str(2**64), "2**63": str(2**63), "-2**63-1": str(-(2**63) - 1)}
_SWAPS: list[Any] = [[], {}, "x", None, True, 1, 1.5, [[]], {"a": 1}, -1]
_MARK = "\u0000HUGE:"


def _paths(obj: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*here, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*here, i))


def _set(obj: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = obj
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return obj


def _json_dump(obj: Any) -> bytes:
    text = json.dumps(obj)
    for token in _HUGE:
        text = text.replace(json.dumps(_MARK + token), _TOKENS.get(token, token))
    return text.encode()


def _structural(rng: random.Random, data: bytes) -> tuple[str, bytes] | None:
    try:
        obj = json.loads(data)
    except ValueError:
        lines = [json.loads(x) for x in data.splitlines() if x.strip()]
        obj = lines
    paths = list(_paths(obj))
    path = rng.choice(paths)
    obj = copy.deepcopy(obj)
    kind = rng.choice(["delete", "swap", "huge", "deep", "type_list", "negate", "swap_times"])
    if kind == "delete":
        keyed = [p for p in paths if p and isinstance(p[-1], str)]
        if not keyed:
            return None
        path = rng.choice(keyed)
        parent = obj
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
    elif kind == "swap":
        obj = _set(obj, path, copy.deepcopy(rng.choice(_SWAPS)))
    elif kind == "huge":
        numeric = [p for p in paths if p and _is_number(_get(obj, p))]
        path = rng.choice(numeric or paths)
        obj = _set(obj, path, _MARK + rng.choice(_HUGE))
    elif kind == "deep":
        depth = rng.choice([200, 2_000, 100_000])
        text = _json_dump(_set(obj, path, "\u0000DEEP")).decode()
        nested = (
            "[" * depth + "]" * depth if rng.random() < 0.5 else '{"a":' * depth + "1" + "}" * depth
        )
        return f"deep{depth}", text.replace(json.dumps("\u0000DEEP"), nested).encode()
    elif kind == "type_list":
        dicts = [p for p in paths if isinstance(_get(obj, p), dict)]
        path = rng.choice(dicts or [()])
        target = _get(obj, path)
        if isinstance(target, dict):
            target["type"] = copy.deepcopy(rng.choice([[], {}, 5]))
    elif kind == "negate":
        numeric = [p for p in paths if p and _is_number(_get(obj, p))]
        if not numeric:
            return None
        path = rng.choice(numeric)
        obj = _set(obj, path, -abs(_get(obj, path)) - 1)
    else:
        times = [p for p in paths if p and p[-1] == "begin" and _is_number(_get(obj, p))]
        if not times:
            return None
        path = rng.choice(times)
        end = (*path[:-1], "end")
        parent = _get(obj, path[:-1])
        if "end" in parent:
            b, e = parent["begin"], parent["end"]
            parent["begin"], parent["end"] = (e + 1, b) if b == e else (e, b)
        obj = obj if end else obj
    return kind, _json_dump(obj)


def _get(obj: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        obj = obj[key]
    return obj


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bytes(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    kind = rng.choice(["flip", "truncate", "nul", "cut", "cr", "bom", "utf16", "empty"])
    buf = bytearray(data)
    if kind == "flip" and buf:
        for _ in range(rng.randint(1, 4)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif kind == "truncate":
        buf = buf[: rng.randrange(len(buf) + 1)]
    elif kind == "nul":
        pos = rng.randrange(len(buf) + 1)
        buf[pos:pos] = b"\x00" * rng.randint(1, 3)
    elif kind == "cut" and buf:
        a = rng.randrange(len(buf))
        del buf[a : a + rng.randint(1, 64)]
    elif kind == "cr":
        buf = bytearray(bytes(buf).replace(b"\r\n", b"\r").replace(b"\n", b"\r"))
    elif kind == "bom":
        buf = bytearray(b"\xef\xbb\xbf" + bytes(buf))
    elif kind == "utf16":
        buf = bytearray(bytes(buf).decode("utf-8", "replace").encode("utf-16"))
    elif kind == "empty":
        buf = bytearray()
    return kind, bytes(buf)


def _csv(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    lines = data.split(b"\r\n")
    header = lines[0].split(b",")
    kind = rng.choice(["empty_header", "cell", "cell", "drop_column", "dup_header", "extra_field"])
    j = rng.randrange(len(header))
    if kind == "empty_header":
        header[j] = b""
    elif kind == "dup_header":
        header[j] = header[(j + 1) % len(header)]
    elif kind == "drop_column":
        del header[j]
    lines[0] = b",".join(header)
    body = [ln for ln in range(1, len(lines)) if lines[ln]]
    if kind == "cell" and body:
        r = rng.choice(body)
        cells = lines[r].split(b",")
        k = rng.randrange(len(cells))
        cells[k] = rng.choice(
            [
                b"inf",
                b"-inf",
                b"nan",
                b"1e400",
                b"-1",
                b"54",
                b"1.5",
                str(2**64).encode(),
                str(2**63).encode(),
                b"",
                b"x",
                b"-0.5",
            ]
        )
        lines[r] = b",".join(cells)
        kind = f"cell={cells[k].decode()[:8]}"
    elif kind == "extra_field" and body:
        r = rng.choice(body)
        lines[r] += b",1"
    return kind, b"\r\n".join(lines)


def _zip(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    kind = rng.choice(["directory", "member", "sizes", "truncate_tail"])
    buf = bytearray(data)
    eocd = data.rfind(b"PK\x05\x06")
    cd = data.find(b"PK\x01\x02")
    if kind == "directory" and cd >= 0:
        for _ in range(rng.randint(1, 3)):
            buf[rng.randrange(cd, len(buf))] = rng.randrange(256)
        return kind, bytes(buf)
    if kind == "sizes" and cd >= 0:
        # central directory: compressed size at +20, uncompressed at +24, offset at +42
        off = cd + rng.choice([20, 24, 42, 28, 10])
        buf[off : off + 4] = rng.choice(
            [b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x10\x00\x00\x00"]
        )
        return kind, bytes(buf)
    if kind == "truncate_tail" and eocd >= 0:
        return kind, bytes(buf[: rng.randrange(cd if cd > 0 else 0, len(buf))])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    name = rng.choice(sorted(members))
    sub, members[name] = (
        _csv(rng, members[name]) if name.endswith(".csv") else _bytes(rng, members[name])
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            z.writestr(n, d)
    return f"member:{sub}", out.getvalue()


def mutate(rng: random.Random, name: str, data: bytes) -> tuple[str, bytes] | None:
    """One mutation of a base document: (kind, bytes), or None when it does not apply."""
    if name.endswith(".zip"):
        return _zip(rng, data)
    if rng.random() < 0.4:
        return _bytes(rng, data)
    if name.endswith(".csv"):
        return _csv(rng, data)
    return _structural(rng, data)


# -- running --------------------------------------------------------------------------------


@dataclass
class Outcome:
    base: str
    kind: str
    result: str  # "ok", "FormatError", or an exception type name
    message: str = ""
    changed: bool = False  # the input file was modified
    silent: str = ""  # read, but a value outside the contract passed without a warning


def violations(m: Any, warned: list[str]) -> str:
    """The first contract value a read let through silently ("" when none)."""
    import numpy as np

    spans, long = m.spans(), m.long()
    score = long["score"].to_numpy(dtype=float)
    begin, end = spans["begin"].to_numpy(float), spans["end"].to_numpy(float)
    frame = spans["frame"].dropna().to_numpy(dtype=np.int64) if "frame" in spans else []
    batch = all(r.get("format") != "v0-stream" for r in m.provenance["inputs"])
    checks = [
        ("non-finite score", not np.isfinite(score).all()),
        ("infinite time", bool(np.isinf(begin).any() or np.isinf(end).any())),
        ("negative time", bool((begin < 0).any() or (end < 0).any())),
        ("end < begin", bool((end < begin).any())),
        ("negative frame", bool((np.asarray(frame) < 0).any())),
        ("empty name", bool((long["name"].astype(str) == "").any())),
        (
            "face without time",
            batch
            and bool(
                np.isnan(
                    begin[(spans["model"] == "face").to_numpy() & (spans["api"] == "v0").to_numpy()]
                ).any()
            ),
        ),
    ]
    for label, bad in checks:
        if bad:
            return label
    outside = bool(((score < 0) | (score > 1)).any())
    if "prob" in spans:
        prob = spans["prob"].to_numpy(dtype=float)
        outside = outside or bool(((prob < 0) | (prob > 1)).any())
    if outside and not any("outside" in w for w in warned):
        return "out of range, no warning"
    return ""


def run_case(base: str, kind: str, data: bytes, folder: Path) -> Outcome:
    """Read ``data`` from a file in ``folder``; classify what happened."""
    import humeresearch as hr

    suffix = Path(base).suffix if not base.endswith(".jsonl") else ".jsonl"
    path = folder / f"case{suffix}"
    path.write_bytes(data)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    silent = ""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m = hr.read(path, errors="raise")
        result, message = "ok", ""
        silent = violations(m, [str(w.message) for w in caught])
    except hr.FormatError as exc:
        result, message = "FormatError", str(exc)
    except Exception as exc:
        result, message = type(exc).__name__, f"{exc}"[:300]
    changed = hashlib.sha256(path.read_bytes()).hexdigest() != before
    return Outcome(base, kind, result, message, changed, silent)


def cases(seed: int, n: int) -> Iterator[tuple[str, str, bytes]]:
    """``n`` seeded (base, kind, bytes) cases; the same seed gives the same cases."""
    rng = random.Random(seed)
    base = corpus()
    names = sorted(base)
    extra: list[tuple[str, str, bytes]] = [
        ("gen_v1_log.jsonl", "type_list_line", b'{"type": []}\n{"type": "session.created"}\n'),
        ("gen_v1_log.jsonl", "type_dict_line", b'{"type": {}}\n{"type": "error"}\n'),
        ("x.csv", "cr_only", b"Id,Frame,Time,Probability,Joy\r" + b"face_0,0,0.0,0.9,0.5\r" * 3),
        ("x.csv", "empty_header", b"Id,Frame,Time,Probability,\r\nface_0,0,0.0,0.9,0.5\r\n"),
        ("x.json", "deep", b"[" * 100_000 + b"]" * 100_000),
        ("x.json", "deep_obj", b'{"source":' * 50_000 + b"1" + b"}" * 50_000),
    ]
    yield from extra[:n]
    made = len(extra[:n])
    while made < n:
        name = rng.choice(names)
        got = mutate(rng, name, base[name])
        if got is None:
            continue
        made += 1
        yield name, got[0], got[1]


def run(seed: int, n: int, folder: Path, stop: Callable[[], bool] | None = None) -> list[Outcome]:
    """Run ``n`` cases; ``stop()`` ends early (a time budget)."""
    out = []
    for base, kind, data in cases(seed, n):
        out.append(run_case(base, kind, data, folder))
        if stop is not None and stop():
            break
    return out


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = run(args.seed, args.n, Path(tmp))
    counts = Counter(o.result for o in outcomes)
    other = [o for o in outcomes if o.result not in ("ok", "FormatError")]
    print(
        f"tried {len(outcomes)}  ok {counts['ok']}  FormatError {counts['FormatError']}  "
        f"other {len(other)}  changed {sum(o.changed for o in outcomes)}  "
        f"silent {sum(bool(o.silent) for o in outcomes)}"
    )
    for label, c in Counter(o.silent for o in outcomes if o.silent).most_common():
        print(f"  silent {c:5d} {label}")
    kinds = Counter((o.result, o.base.split(".")[-1], o.kind.split("=")[0]) for o in other)
    for (res, ext, kind), c in kinds.most_common():
        print(f"  {c:5d} {res:22s} {ext:5s} {kind}")
    seen = set()
    for o in other:
        key = (o.result, o.message[:60])
        if key in seen or len(seen) >= args.show:
            continue
        seen.add(key)
        print(f"- {o.result} [{o.base} {o.kind}]: {o.message[:200]}")


if __name__ == "__main__":
    main()
