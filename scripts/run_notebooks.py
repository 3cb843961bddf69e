"""Execute every notebook of a folder top to bottom with nbclient (as CI does).

Each notebook runs in a fresh ``python3`` kernel with its own folder as the working
directory and a time limit per cell; the notebooks in the repository stay untouched
(outputs are never written back). Prints one line per notebook with its wall time and
exits non-zero when any notebook fails or exceeds its total time budget.

Usage::

    python scripts/run_notebooks.py [FOLDER] [--timeout SECONDS] [--budget SECONDS]
        [--only NAME ...] [--save-to DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def run_one(path: Path, timeout: int, kernel: str, save_to: Path | None) -> float:
    """Execute one notebook in its folder; return the wall time in seconds."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    if save_to is not None:
        save_to.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, save_to / path.name)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="notebooks", type=Path)
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")
    parser.add_argument(
        "--budget", type=float, default=120.0, help="seconds per notebook (default 120)"
    )
    parser.add_argument("--kernel", default="python3", help="kernel name (default python3)")
    parser.add_argument("--only", nargs="*", default=None, help="run only these notebook names")
    parser.add_argument(
        "--save-to", type=Path, default=None, help="write the executed notebooks here"
    )
    args = parser.parse_args(argv)

    # the kernels inherit this: figures render inline as for a user, even where CI sets Agg
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    paths = sorted(args.folder.glob("*.ipynb"))
    if args.only:
        paths = [p for p in paths if p.name in args.only or p.stem in args.only]
    if not paths:
        print(f"no notebooks in {args.folder}", file=sys.stderr)
        return 1
    failed: list[str] = []
    total = time.perf_counter()
    for path in paths:
        try:
            seconds = run_one(path.resolve(), args.timeout, args.kernel, args.save_to)
        except Exception as exc:  # CellExecutionError, CellTimeoutError, DeadKernelError...
            print(f"FAIL  {path.name}: {type(exc).__name__}", flush=True)
            print(str(exc)[-4000:], file=sys.stderr, flush=True)
            failed.append(path.name)
            continue
        over = seconds > args.budget
        print(
            f"{'SLOW' if over else 'ok  '}  {path.name}  {seconds:6.1f} s"
            + (f"  (over the {args.budget:.0f} s budget)" if over else ""),
            flush=True,
        )
        if over:
            failed.append(path.name)
    print(
        f"RESULT notebooks={len(paths)} failed={len(failed)} "
        f"seconds={time.perf_counter() - total:.1f}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
