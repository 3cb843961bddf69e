"""Several inputs: expanding lists, globs and folders, and reading them (in parallel)."""

from __future__ import annotations

import glob
import os
import sys
from pathlib import Path
from typing import Any

from humeresearch._measurements import Measurements
from humeresearch.define import Executor
from humeresearch.readers._one import Failure, read_unit
from humeresearch.readers._registry import detect_folder
from humeresearch.readers._source import Input, to_input
from humeresearch.wire.artifacts import is_face_crop

#: one input of several: a path, or bytes / a file object turned into an Input
Unit = Path | Input

_BYTES = bytes | bytearray | memoryview


def expand(src: Any) -> list[Unit] | None:
    """The inputs when ``src`` names several, else None.

    Several are: a list or tuple of paths, bytes and open binary files (bytes are
    named ``<bytes 0>``, ``<bytes 1>`` ... by position); a dict of name -> bytes (or
    file object), the names used as the inputs' names; a glob pattern.
    """
    if isinstance(src, list | tuple) and src and all(_is_item(s) for s in src):
        out: list[Unit] = []
        for i, s in enumerate(src):
            if isinstance(s, str | os.PathLike):
                out.extend(expand(s) or [Path(s)])
            else:
                out.append(to_input(s, name=f"<bytes {i}>" if isinstance(s, _BYTES) else None))
        return out
    if isinstance(src, dict) and src and all(_is_named(k, v) for k, v in src.items()):
        return [to_input(v, name=k) for k, v in src.items()]
    if isinstance(src, str) and any(ch in src for ch in "*?[") and not os.path.exists(src):
        matches = sorted(glob.glob(src, recursive=True))
        if not matches:
            raise FileNotFoundError(f"{src}: no file matches this pattern")
        return [Path(m) for m in matches]
    return None


def _is_item(s: Any) -> bool:
    """An element of a list of several inputs (a decoded JSON list has none of these)."""
    return isinstance(s, str | os.PathLike | Input | _BYTES) or _is_file(s)


def _is_named(key: Any, value: Any) -> bool:
    """A ``{name: bytes}`` entry (a decoded JSON object never holds bytes)."""
    return isinstance(key, str) and bool(key) and (isinstance(value, _BYTES) or _is_file(value))


def _is_file(s: Any) -> bool:
    return hasattr(s, "read") and callable(s.read)


def units(path: Path) -> list[Path]:
    """The inputs of a plain folder: files, and sub-folders that are one input each.

    Hidden files and the face crops of unpacked artifacts folders are skipped.
    """
    out: list[Path] = []
    for child in sorted(path.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_dir():
            out.extend([child] if detect_folder(child) else units(child))
        elif child.is_file() and not is_face_crop(child.resolve().parts):
            out.append(child)
    if not out and not any(path.iterdir()):
        raise FileNotFoundError(f"{path}: folder holds no files")
    return out


def run(
    paths: list[Unit],
    format: str,
    options: dict[str, Any],
    workers: int | None,
    executor: Executor,
    show: bool,
    stop: bool = False,
) -> list[Measurements | Failure]:
    """Outcomes of every input in order (sequentially, up to the first failure if ``stop``)."""
    from tqdm.auto import tqdm

    bar = tqdm(total=len(paths), desc="reading", unit="file", disable=not show)
    try:
        if not workers or workers <= 1 or len(paths) < 2:
            out = []
            for path in paths:
                out.append(read_unit(path, format, options))
                bar.update()
                if stop and isinstance(out[-1], Failure):
                    break
            return out
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed

        pool_cls = ProcessPoolExecutor if executor == "process" else ThreadPoolExecutor
        results: list[Measurements | Failure | None] = [None] * len(paths)
        with pool_cls(max_workers=min(workers, len(paths))) as pool:
            futures = {
                pool.submit(read_unit, path, format, options): i for i, path in enumerate(paths)
            }
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.update()
        return results  # type: ignore[return-value]
    finally:
        bar.close()


def interactive() -> bool:
    """A terminal on stderr, or a Jupyter kernel (where tqdm.auto draws a widget)."""
    if "ipykernel" in sys.modules:
        try:
            from IPython import get_ipython  # type: ignore[import-not-found]

            if get_ipython() is not None:
                return True
        except ImportError:  # pragma: no cover
            pass
    return bool(getattr(sys.stderr, "isatty", lambda: False)())
