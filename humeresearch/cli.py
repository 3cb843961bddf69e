"""The ``humeresearch`` command line.

Commands: ``convert`` and ``info`` (reading), ``serve`` (the local Hume-compatible
server) and ``demo`` (a simulated study end to end). Input faults exit with status 2
and a one-line message, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from humeresearch import define
from humeresearch._version import __version__

if TYPE_CHECKING:
    from humeresearch._measurements import Measurements

#: commands that live in their own modules: name -> (module, add_parser, run)
PLUGINS: dict[str, tuple[str, str, str]] = {
    "serve": ("humeresearch.server._cli", "add_serve_parser", "run_serve"),
    "demo": ("humeresearch.demo._cli", "add_demo_parser", "run_demo"),
}


class InputFault(Exception):
    """A fault in what the user gave us: reported in one line, exit status 2."""


def _read(inputs: Sequence[str], *, errors: define.ErrorMode | None = None) -> Measurements:
    from humeresearch import read

    src: Any = inputs[0] if len(inputs) == 1 else list(inputs)
    return read(src, errors=errors, progress=None)


def cmd_convert(args: argparse.Namespace) -> int:
    from humeresearch._contract import validate
    from humeresearch._measurements import write_table

    m = _read(args.inputs, errors="raise" if args.strict else None)
    out = Path(args.output)
    fmt: define.OutputFormat = args.format or ("csv" if out.suffix.lower() == ".csv" else "parquet")
    form = args.form or ("measurements" if fmt == "parquet" else "long")
    if form == "measurements":
        if fmt != "parquet":
            raise InputFault(
                "--form measurements is written as Parquet only (use --format parquet)"
            )
        m.to_parquet(out)
        rows = len(m)
    else:
        table = getattr(m, form)()
        validate(table, form)
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            table.to_csv(out, index=False)
        else:
            write_table(table, out, m.provenance, {"form": form})
        rows = len(table)
    print(f"wrote {out} ({form}, {fmt}, {rows} rows)")
    return 0


def summary(m: Measurements) -> dict[str, Any]:
    """Counts that ``humeresearch info`` prints (also used by the demo)."""
    spans = m.spans()
    long = m.long()
    per_model: dict[str, Any] = {}
    for model, group in spans.groupby("model", observed=True, sort=False):
        rows = long[long["model"] == model]
        per_model[str(model)] = {
            "spans": len(group),
            "rows": len(rows),
            "tracks": sorted(group["track"].astype(str).unique().tolist()),
            "names": int(rows["name"].nunique()),
            "families": sorted(rows["family"].astype(str).unique().tolist()),
        }
    errors = m.errors()
    return {
        "sources": sorted(spans["source"].astype(str).unique().tolist()),
        "files": int(spans[["source", "file"]].drop_duplicates().shape[0]),
        "spans": len(spans),
        "rows": len(long),
        "models": per_model,
        "errors": errors.astype(object).where(errors.notna(), None).to_dict("records"),
        "inputs": [
            {k: i.get(k) for k in ("path", "name", "format", "size", "sha256")}
            for i in m.provenance.get("inputs", [])
        ],
    }


def cmd_info(args: argparse.Namespace) -> int:
    m = _read(args.inputs)
    info = summary(m)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(
        f"inputs:  {len(info['inputs'])}  ({', '.join(sorted({str(i['format']) for i in info['inputs']}))})"
    )
    print(
        f"sources: {len(info['sources'])}   files: {info['files']}   spans: {info['spans']}   score rows: {info['rows']}"
    )
    for model, d in info["models"].items():
        tracks = ", ".join(d["tracks"][:6]) + (" ..." if len(d["tracks"]) > 6 else "")
        print(
            f"  {model:<9} spans {d['spans']:>7}  rows {d['rows']:>9}  names {d['names']:>4}"
            f"  families {'/'.join(d['families'])}  tracks {tracks}"
        )
    print(f"errors:  {len(info['errors'])}")
    for e in info["errors"][:20]:
        code = f" [{e['code']}]" if e.get("code") else ""
        print(f"  {e['level']}: {e['source']} {e['file'] or ''}{code}: {e['message']}")
    return 0


def build_parser() -> tuple[
    argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], int]]
]:
    parser = argparse.ArgumentParser(
        prog="humeresearch",
        description="Read, align, compare and plot Hume AI Expression Measurement outputs.",
    )
    parser.add_argument("--version", action="version", version=f"humeresearch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    runners: dict[str, Callable[[argparse.Namespace], int]] = {}

    p = sub.add_parser(
        "convert",
        help="convert Hume outputs to contract tables (Parquet or CSV)",
        description="Read every INPUT (files, folders, globs; format detected) and write one table.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="output file")
    p.add_argument(
        "--form",
        choices=define.FORMS,
        default=None,
        help="which table (default: measurements for Parquet, i.e. everything, readable by "
        "humeresearch.read_parquet; long for CSV)",
    )
    p.add_argument(
        "--format",
        choices=define.OUTPUT_FORMATS,
        default=None,
        help="default: from OUT's suffix",
    )
    p.add_argument("--strict", action="store_true", help="fail on the first unreadable input")
    runners["convert"] = cmd_convert

    p = sub.add_parser(
        "info",
        help="describe Hume outputs: sources, files, models, tracks, counts, errors",
        description="Read every INPUT and print what it holds.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--json", action="store_true", help="print JSON")
    runners["info"] = cmd_info

    for name, (module, add, run) in PLUGINS.items():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:  # an optional dependency is not installed
            if (exc.name or "humeresearch").partition(".")[0] == "humeresearch":
                raise
            continue
        getattr(mod, add)(sub)
        runners[name] = getattr(mod, run)
    return parser, runners


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``humeresearch`` command."""
    from humeresearch.errors import ContractError, FormatError

    parser, runners = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    try:
        return runners[args.command](args)
    except (FormatError, ContractError, InputFault, FileNotFoundError, IsADirectoryError) as exc:
        print(f"humeresearch {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 130


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(os.sys.argv[1:]))
