"""The ``humeresearch serve`` subcommand (wired into ``humeresearch.cli`` by the lead)."""

from __future__ import annotations

import argparse
import os
import sys

_DESCRIPTION = """\
Run a local Hume-compatible server (v0 batch + stream, v1 uploads + realtime + runs)
on 127.0.0.1 that answers with deterministic, clearly simulated predictions.
The official SDKs work against it: HumeClient(api_key=KEY, base_url=URL) for v0;
ExpressionMeasurementClient(api_key=KEY, environment=ExpressionMeasurementClientEnvironment(
base=URL, production=WS_URL)) for v1. The API key is --api-key or $HUME_API_KEY
(none: no authentication)."""


def add_serve_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``serve`` subcommand to an argparse ``subparsers`` object."""
    p = subparsers.add_parser(
        "serve",
        help="run a local Hume-compatible server with simulated predictions",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind (loopback unless --allow-remote)"
    )
    p.add_argument(
        "--port", type=int, default=8000, help="port to bind; 0 picks a free one (default 8000)"
    )
    p.add_argument(
        "--data-dir", default=None, help="directory of the job/run store (default: in memory)"
    )
    p.add_argument(
        "--api-key", default=None, help="required API key (default: $HUME_API_KEY, else none)"
    )
    p.add_argument(
        "--no-auth", action="store_true", help="accept every request even if $HUME_API_KEY is set"
    )
    p.add_argument(
        "--seed", type=int, default=0, help="seed of the simulated predictions and faults"
    )
    p.add_argument(
        "--faults",
        default=None,
        metavar="SPEC",
        help="fault injection, e.g. '429:0.1,500:0.05,drop_after:0.02,slow:0.1@2.0,fail_job:0.1,"
        "truncate:0.05,ws_close:0.05,shutdown:0.01' (KIND:PROB[@PARAM] or KIND:#N; "
        "optional 'ROUTE=' prefix)",
    )
    p.add_argument(
        "--processing-delay", type=float, default=0.0, help="seconds a v0 job takes (default 0)"
    )
    p.add_argument(
        "--realtime-speed", type=float, default=1.0, help="multiplier of the realtime pacing limits"
    )
    p.add_argument(
        "--allow-remote", action="store_true", help="allow binding a non-loopback address"
    )
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.set_defaults(func=run_serve)
    return p


def run_serve(args: argparse.Namespace) -> int:
    """Run the server in the foreground until interrupted; returns the exit code."""
    import logging

    from humeresearch.server._run import base_urls, make_settings, prepare

    api_key = None if args.no_auth else (args.api_key or os.environ.get("HUME_API_KEY") or None)
    try:
        settings = make_settings(
            args.host,
            args.port,
            data_dir=args.data_dir,
            api_key=api_key,
            seed=args.seed,
            faults=args.faults,
            processing_delay=args.processing_delay,
            allow_remote=args.allow_remote,
            realtime_speed=args.realtime_speed,
        )
        uv, sock, _ = prepare(settings, log_level=args.log_level, preload=False)
    except (ValueError, OSError) as exc:
        print(f"humeresearch serve: error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    url, ws_url, _ = base_urls(sock)
    auth = "API key required" if api_key else "no authentication"
    print(
        f"humeresearch serve: {url} (WebSockets {ws_url}); v0 + v1; SIMULATED predictions, "
        f"seed {settings.seed}; {auth}; data {settings.data_dir or 'in memory'}",
        flush=True,
    )
    try:
        uv.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0
