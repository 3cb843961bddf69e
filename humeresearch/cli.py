"""The ``humeresearch`` command line.

Commands: ``convert`` and ``info`` (reading), ``serve`` (the local Hume-compatible
server) and ``demo`` (a simulated study end to end). Input faults exit with status 2
and a one-line message, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
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
#: command -> (public module with ``add_parser(subparsers)`` and ``run(args)``, the extra it
#: needs, one-line help shown when that extra is missing)
PLUGINS: dict[str, tuple[str, str | None, str]] = {
    "serve": ("humeresearch.server.cli", "server", "run the local Hume-compatible server"),
    "demo": ("humeresearch.demo.cli", None, "simulate a small study and analyse it end to end"),
    "measure": ("humeresearch.measure.cli", "measure", "measure files with a Hume API"),
}


class InputFault(Exception):
    """A fault in what the user gave us: reported in one line, exit status 2."""


def _read(inputs: Sequence[str], *, errors: define.ErrorMode | None = None) -> Measurements:
    from humeresearch import read

    src: Any = inputs[0] if len(inputs) == 1 else list(inputs)
    return read(src, errors=errors, progress=None)


#: output suffix -> format written by ``convert``
SUFFIXES: dict[str, define.OutputFormat] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".tsv": "tsv",
    ".xlsx": "xlsx",
}


def _output_format(out: Path, given: define.OutputFormat | None) -> define.OutputFormat:
    """The format to write: ``--format``, else the suffix of OUT (anything else is refused)."""
    if given is not None:
        return given
    fmt = SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        known = ", ".join(SUFFIXES)
        raise InputFault(
            f"cannot tell the format of {str(out)!r} from its suffix ({known}); pass --format"
        )
    if fmt == "xlsx" and importlib.util.find_spec("openpyxl") is None:
        raise InputFault("writing .xlsx needs openpyxl: pip install openpyxl")
    return fmt


def _refuse_overwriting_inputs(out: Path, inputs: Sequence[str]) -> None:
    """Refuse an output that is (through links too) one of the input files."""
    target = out.resolve()
    for inp in inputs:
        path = Path(inp)
        if path.exists() and path.resolve() == target:
            raise InputFault(f"the output {str(out)!r} is the input {inp!r}; choose another path")


def _write(table: Any, out: Path, fmt: str, provenance: dict[str, Any], form: str) -> None:
    """Write ``table`` to a temporary file beside ``out``, then move it into place."""
    from humeresearch._measurements import write_table

    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        if form == "measurements":
            table.to_parquet(tmp)
        elif fmt == "parquet":
            write_table(table, tmp, provenance, {"form": form})
        elif fmt in ("csv", "tsv"):
            table.to_csv(tmp, index=False, sep="," if fmt == "csv" else "\t")
        else:
            table.to_excel(tmp, index=False, engine="openpyxl")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def cmd_convert(args: argparse.Namespace) -> int:
    from humeresearch._contract import validate

    if args.dataset:
        if args.output:
            raise InputFault("give either -o OUT or --dataset DIR, not both")
        from humeresearch.dataset.cli import convert

        return convert(
            args.inputs, args.dataset, wide=args.wide, buckets=args.buckets, strict=args.strict
        )
    if not args.output:
        raise InputFault("convert needs -o OUT (a file) or --dataset DIR")
    out = Path(args.output)
    fmt = _output_format(out, args.format)
    _refuse_overwriting_inputs(out, args.inputs)
    form = args.form or ("measurements" if fmt == "parquet" else "long")
    if form == "measurements" and fmt != "parquet":
        raise InputFault("--form measurements is written as Parquet only (use --format parquet)")
    m = _read(args.inputs, errors="raise" if args.strict else None)
    _report_skipped(m, "convert")
    table: Any = m if form == "measurements" else validate(getattr(m, form)(), form)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _write(table, out, fmt, m.provenance, form)
    except OSError as exc:
        raise InputFault(f"cannot write {str(out)!r}: {exc.strerror or exc}") from exc
    rows = len(m) if form == "measurements" else len(table)
    print(f"wrote {out} ({form}, {fmt}, {rows} rows)")
    return 0


def _unreadable(m: Measurements) -> list[dict[str, Any]]:
    """Provenance entries of inputs that were skipped (unreadable or duplicates)."""
    return [i for i in m.provenance.get("inputs", []) if i.get("error") or not i.get("format")]


def _report_skipped(m: Measurements, command: str) -> None:
    skipped = _unreadable(m)
    if skipped:
        listed = "; ".join(
            i.get("error") or f"{i.get('path') or i.get('name')}: not recognised"
            for i in skipped[:10]
        )
        more = f" (and {len(skipped) - 10} more)" if len(skipped) > 10 else ""
        print(
            f"humeresearch {command}: skipped {len(skipped)} input(s): {listed}{more}",
            file=sys.stderr,
        )


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
            {
                k: i.get(k)
                for k in ("path", "name", "format", "size", "sha256", "error", "duplicate_of")
            }
            for i in m.provenance.get("inputs", [])
        ],
    }


def cmd_info(args: argparse.Namespace) -> int:
    m = _read(args.inputs)
    info = summary(m)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    read_ok = [i for i in info["inputs"] if not i.get("error") and i.get("format")]
    formats = sorted({str(i["format"]) for i in read_ok})
    skipped = [i for i in info["inputs"] if i.get("error") or not i.get("format")]
    print(f"inputs:  {len(info['inputs'])}  ({', '.join(formats)})")
    if skipped:
        print(f"skipped: {len(skipped)}")
        for i in skipped[:20]:
            print(f"  {i.get('error') or (i.get('path') or i.get('name')) + ': not recognised'}")
    duplicates = [i for i in info["inputs"] if i.get("duplicate_of")]
    if duplicates:
        print(f"duplicates (read once, from the richest form): {len(duplicates)}")
        for i in duplicates[:20]:
            print(f"  {i.get('path') or i.get('name')}: same recordings as {i['duplicate_of']}")
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
    p.add_argument("-o", "--output", metavar="OUT", help="output file (or --dataset DIR)")
    p.add_argument(
        "--dataset",
        metavar="DIR",
        help="add the inputs to a partitioned Parquet dataset (appends; an input already in it "
        "is not added again)",
    )
    p.add_argument("--wide", action="store_true", help="with --dataset: also write wide tables")
    p.add_argument("--buckets", type=int, default=16, help="with --dataset: source hash buckets")
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

    for name, (module, extra, summary) in PLUGINS.items():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:  # an optional dependency is not installed
            if extra is None or (exc.name or "humeresearch").partition(".")[0] == "humeresearch":
                raise
            runners[name] = _missing_extra(sub, name, extra, summary, exc.name or "?")
            continue
        mod.add_parser(sub)
        runners[name] = mod.run
    return parser, runners


def _missing_extra(sub: Any, name: str, extra: str, summary: str, module: str) -> Any:
    """List ``name`` in ``--help``; running it exits 2 naming the install command."""
    hint = f'pip install "humeresearch[{extra}]"'
    p = sub.add_parser(name, help=f"{summary} (needs {hint})", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)

    def run(args: argparse.Namespace) -> int:
        print(
            f"humeresearch {name}: error: needs the optional dependency {module!r} of the "
            f"{extra!r} extra; install it with: {hint}",
            file=sys.stderr,
        )
        return 2

    return run


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
