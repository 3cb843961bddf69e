"""``humeresearch measure INPUT... --project DIR``: the command line of :func:`measure`.

Exit status: 0 when every input is measured, 1 when some failed (or are left for a
later call), 2 on bad usage. ``humeresearch.cli`` hooks it in with
``add_parser(subparsers)`` and dispatches to ``run(args)``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from humeresearch.measure._config import APIS


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``measure`` subcommand to an ``argparse`` subparsers object.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="humeresearch")
    >>> _ = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["measure", "study/", "--project", "out", "--dry-run"])
    >>> args.inputs, args.api, args.dry_run, args.concurrency
    (['study/'], 'v1', True, 4)
    """
    p = subparsers.add_parser(
        "measure",
        help="measure files, folders, globs or URLs with a Hume API (exactly once, resumable)",
        description="Measure a study: plan and cost first (--dry-run), then send every input "
        "once; a later call resumes. The API key comes from HUME_API_KEY.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="file, folder, glob or URL (v0)")
    p.add_argument("--project", required=True, help="folder of the ledger and the results")
    p.add_argument("--api", choices=APIS, default="v1")
    p.add_argument("--base-url", help="server root (default: Hume's)")
    p.add_argument("--config", help="JSON file of the configuration")
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--dry-run", action="store_true", help="print the plan, send nothing")
    p.add_argument("--budget-seconds", type=float, help="stop before this many metered seconds")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Run the subcommand; print the plan or the summary; return the exit status."""
    import importlib

    for module in ("av", "websockets"):  # the ``measure`` extra
        try:
            importlib.import_module(module)
        except ImportError:
            print(
                f"humeresearch measure: error: needs the optional dependency {module!r} of the "
                "'measure' extra; install it with: pip install \"humeresearch[measure]\"",
                file=sys.stderr,
            )
            return 2
    from humeresearch.measure._run import measure

    out = out or sys.stdout
    try:
        result = measure(
            args.inputs,
            api=args.api,
            config=args.config,
            project=args.project,
            base_url=args.base_url,
            concurrency=args.concurrency,
            budget_seconds=args.budget_seconds,
            dry_run=args.dry_run,
            progress=False if args.quiet else None,
        )
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"humeresearch measure: error: {exc}", file=sys.stderr)
        return 2
    if args.dry_run:
        columns = ["input", "media", "duration", "frames", "requests", "metered_seconds", "state"]
        print(result[columns].to_string(index=False), file=out)
        print(f"total metered seconds: {result['metered_seconds'].sum():g}", file=out)
        return 0
    summary = result.provenance["measure"]["summary"]
    print(_summary_text(summary), file=out)
    return 0 if not summary["failed"] and not summary["pending"] else 1


def _summary_text(summary: dict[str, Any]) -> str:
    lines = [
        f"measured: {summary['measured']}",
        f"skipped (already measured): {summary['skipped']}",
        f"failed: {len(summary['failed'])}",
        *(f"  {name}: {reason}" for name, reason in summary["failed"].items()),
        f"left for a later call: {summary['pending']}",
        f"billed seconds: {summary['billed_seconds']:g}",
        f"extra billed runs: {len(summary['extra_billed_runs'])}"
        f" ({summary['extra_billed_seconds']:g} s)",
    ]
    lines += [f"  {json.dumps(r)}" for r in summary["extra_billed_runs"]]
    return "\n".join(lines)
