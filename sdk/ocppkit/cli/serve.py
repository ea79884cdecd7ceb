"""``ocppkit serve``: the reference CSMS on one endpoint for OCPP 1.6, 2.0.1 and 2.1."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from ocppkit.cli import EXIT_OK, CliError
from ocppkit.cli._common import positive, run_until_signal, setup_logging, version_arg
from ocppkit.framecheck import VERSIONS

_log = logging.getLogger("ocppkit.csms")


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="run the reference CSMS (1.6, 2.0.1 and 2.1 on one endpoint, state in SQLite)",
        description="Run the reference CSMS: one WebSocket endpoint for OCPP 1.6, 2.0.1 and 2.1 "
        "(the station's subprotocol picks the version). A station connects at ws://HOST:PORT/<identity> "
        "or ws://HOST:PORT/ocpp/<identity>: the identity is the last path segment. Every "
        "station-initiated action is answered; stations, connections, transactions and meter values "
        "are kept in SQLite. Stop it with Ctrl-C.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument(
        "--port", type=int, default=9000, help="TCP port; 0 picks a free one (default: %(default)s)"
    )
    p.add_argument(
        "--db",
        default="ocppkit-csms.sqlite",
        metavar="PATH",
        help="SQLite database; ':memory:' keeps nothing (default: %(default)s)",
    )
    p.add_argument(
        "--heartbeat-interval",
        type=positive(int),
        default=300,
        metavar="S",
        help="interval given in BootNotification responses (default: %(default)s)",
    )
    p.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="TOKEN",
        help="accept this id token (repeatable); without any, every token is accepted",
    )
    p.add_argument(
        "--ocpp",
        action="append",
        type=version_arg,
        metavar="VERSION",
        help=f"serve only these versions (repeatable; default: all of {', '.join(VERSIONS)})",
    )
    p.add_argument("--no-compression", action="store_true", help="turn permessage-deflate off")
    p.add_argument("-v", "--verbose", action="count", default=0, help="log every frame (-vv: websockets too)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ocppkit.reference.csms import ReferenceCsms  # noqa: PLC0415 (`--help` stays quick)
    from ocppkit.reference.store import Store  # noqa: PLC0415
    from ocppkit.transport import LinkSettings  # noqa: PLC0415

    setup_logging(args.verbose)
    try:
        store = Store(args.db)
    except Exception as exc:  # sqlite3 errors: a bad path, a file that is not a database
        raise CliError(f"cannot open the database {args.db}: {exc}") from None
    versions = tuple(v for v in ("2.1", "2.0.1", "1.6") if not args.ocpp or v in args.ocpp)
    csms = ReferenceCsms(
        store,
        heartbeat_interval=args.heartbeat_interval,
        allow=frozenset(args.allow),
        link=LinkSettings(compression=not args.no_compression),
        versions=versions,
    )

    async def main(stop: asyncio.Event) -> int:
        server = await csms.server().start(args.host, args.port)
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(f"ocppkit serve: listening on ws://{host}:{server.port}/<identity>", flush=True)
        _log.info(
            "serving OCPP %s; database %s (%d stations, %d transactions so far); %s",
            ", ".join(versions),
            args.db,
            store.count("stations"),
            store.count("transactions"),
            f"accepting id tokens {', '.join(sorted(args.allow))}"
            if args.allow
            else "accepting every id token",
        )
        try:
            await stop.wait()
        finally:
            _log.info("shutting down")
            await server.close()
            store.close()
        return EXIT_OK

    try:
        return run_until_signal(main)
    finally:
        sys.stdout.flush()
