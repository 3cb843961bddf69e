"""The ``humeresearch serve`` command: the local Hume-compatible server in the foreground.

The parser part imports only the standard library, so that ``humeresearch serve --help``
works without the ``server`` extra; :func:`run` then exits with status 2 and the
``pip install "humeresearch[server]"`` to run.

The API key comes from ``--api-key-file`` (first line of the file) or ``--api-key``,
else ``$HUME_API_KEY``. Prefer the file or the variable: a key given with ``--api-key``
is visible to every local user in the process list (``ps``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from typing import Any

#: modules of the ``server`` extra (checked before anything imports them).
EXTRA_MODULES = ("starlette", "uvicorn", "websockets", "python_multipart")
INSTALL_HINT = 'pip install "humeresearch[server]"'

_DESCRIPTION = """\
Run a local Hume-compatible server (v0 batch + stream, v1 uploads + realtime + runs)
on 127.0.0.1 that answers with deterministic, clearly simulated predictions.
The official SDKs work against it: HumeClient(api_key=KEY, base_url=URL) for v0;
ExpressionMeasurementClient(api_key=KEY, environment=ExpressionMeasurementClientEnvironment(
base=URL, production=WS_URL)) for v1.

API key: --api-key-file FILE or --api-key KEY, else $HUME_API_KEY; none: no
authentication. --api-key is visible to other local users in the process list: on a
shared machine use --api-key-file or $HUME_API_KEY.

Safety: only loopback Host headers (127.0.0.1, localhost, [::1]) are answered unless
--allow-remote; requests from a foreign web page (an Origin header that is not loopback)
are refused on WebSockets and on every request that changes state; secrets in URLs are
redacted from the log; the data directory is created 0700 and its files 0600. Sizes are
limited (v0 bodies 64 MiB, 100 000 characters of text per job; see the server docs)."""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``serve`` command to an argparse ``subparsers`` object.

    Parameters
    ----------
    subparsers : argparse subparsers action
        The object ``ArgumentParser.add_subparsers()`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The ``serve`` parser.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="humeresearch")
    >>> _ = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["serve", "--port", "0", "--api-key-file", "key.txt"])
    >>> args.port, args.api_key_file, args.host
    (0, 'key.txt', '127.0.0.1')
    """
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
    key = p.add_mutually_exclusive_group()
    key.add_argument(
        "--api-key-file",
        default=None,
        metavar="FILE",
        help="read the required API key from the first line of FILE (default: $HUME_API_KEY)",
    )
    key.add_argument(
        "--api-key",
        default=None,
        help="required API key (visible to other local users in the process list; prefer "
        "--api-key-file or $HUME_API_KEY)",
    )
    p.add_argument(
        "--no-auth", action="store_true", help="accept every request even if a key is given"
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
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address and answering any Host header",
    )
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return p


def missing_extra() -> str | None:
    """The first module of the ``server`` extra that is not installed, else ``None``.

    Examples
    --------
    >>> missing_extra() in (None, *EXTRA_MODULES)
    True
    """
    for name in EXTRA_MODULES:
        if importlib.util.find_spec(name) is None:
            return name
    return None


def api_key_from(args: argparse.Namespace) -> str | None:
    """The API key ``args`` select: ``--api-key-file`` or ``--api-key``, else ``$HUME_API_KEY``.

    Raises
    ------
    ValueError
        When the key file cannot be read or is empty.

    Examples
    --------
    >>> api_key_from(argparse.Namespace(no_auth=True, api_key="k", api_key_file=None)) is None
    True
    """
    if args.no_auth:
        return None
    if args.api_key_file:
        try:
            with open(args.api_key_file, encoding="utf-8") as fh:
                key = fh.readline().strip()
        except OSError as exc:
            raise ValueError(f"cannot read the API key file: {exc}") from None
        if not key:
            raise ValueError(f"the API key file {args.api_key_file} is empty")
        return key
    return args.api_key or os.environ.get("HUME_API_KEY") or None


def run(args: argparse.Namespace) -> int:
    """Run the server in the foreground until interrupted; return the exit status.

    Exits 2 with one line on stderr when the ``server`` extra is missing or an option
    is invalid.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by the parser of :func:`add_parser`.

    Returns
    -------
    int
        0 after a clean stop, 2 on a usage or environment error.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="humeresearch")
    >>> _ = add_parser(parser.add_subparsers(dest="command"))
    >>> run(parser.parse_args(["serve", "--host", "example.com"]))  # doctest: +SKIP
    2
    """
    missing = missing_extra()
    if missing is not None:
        print(
            f"humeresearch serve: error: needs the optional dependency {missing!r} of the "
            f"'server' extra; install it with: {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2
    return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    import logging

    from humeresearch.server._guard import install_redaction
    from humeresearch.server._run import base_urls, make_settings, prepare

    try:
        api_key = api_key_from(args)
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
    install_redaction(api_key)
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
