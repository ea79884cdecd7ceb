"""``ocppkit station``: a simulated charging station."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from typing import TYPE_CHECKING, Any

from ocppkit.cli import EXIT_FAILED, EXIT_NEGATIVE, EXIT_OK
from ocppkit.cli._common import positive, run_until_signal, setup_logging, version_arg

if TYPE_CHECKING:
    from ocppkit.reference.station import StationReport


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "station",
        help="run a simulated charging station",
        description="Run a simulated charging station: it boots, reports its connector, sends "
        "heartbeats, runs charging sessions with meter values (energy, power, current per phase) and "
        "answers the CSMS (reset, remote start/stop, change availability, get/set configuration or "
        "variables, trigger message). With --sessions N it exits after N sessions (unless --stay); "
        "without, it stays connected until Ctrl-C. Exit status: 0 all sessions done, 1 a session "
        "refused or an error, 2 no connection.",
    )
    p.add_argument("--url", required=True, help="the CSMS endpoint, e.g. ws://127.0.0.1:9000/ocpp")
    p.add_argument("--id", required=True, dest="identity", help="the station identity (appended to the URL)")
    p.add_argument("--ocpp", required=True, type=version_arg, metavar="{1.6,2.0.1,2.1}", help="OCPP version")
    p.add_argument(
        "--sessions", type=int, default=0, metavar="N", help="charging sessions to run (default: 0)"
    )
    p.add_argument(
        "--meter-interval",
        type=positive(float),
        default=60.0,
        metavar="S",
        help="seconds between meter values in a session (default: %(default)s)",
    )
    p.add_argument(
        "--meter-values",
        type=int,
        default=3,
        metavar="K",
        help="meter values per session (default: %(default)s)",
    )
    p.add_argument(
        "--speed",
        type=positive(float),
        default=1.0,
        metavar="X",
        help="run the simulated clock X times faster (intervals shrink; energy does not)",
    )
    p.add_argument(
        "--id-token", default="DEMO-TOKEN-1", help="the id token sessions use (default: %(default)s)"
    )
    p.add_argument("--power", type=positive(float), default=11.0, metavar="KW", help="charging power in kW")
    p.add_argument("--password", help="HTTP Basic auth password (security profile 1)")
    p.add_argument("--stay", action="store_true", help="stay connected after the sessions")
    p.add_argument(
        "--connect-timeout",
        type=positive(float),
        default=30.0,
        metavar="S",
        help="give up (exit 2) when not booted within S seconds (default: %(default)s)",
    )
    p.add_argument("--no-compression", action="store_true", help="turn permessage-deflate off")
    p.add_argument("--json", action="store_true", help="print the final report as JSON on standard output")
    p.add_argument("-q", "--quiet", action="store_true", help="log only warnings")
    p.add_argument("-v", "--verbose", action="count", default=0, help="log every frame")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ocppkit.reference.station import SimulatedStation  # noqa: PLC0415 (`--help` stays quick)
    from ocppkit.transport import LinkSettings  # noqa: PLC0415

    setup_logging(args.verbose, args.quiet)
    station = SimulatedStation(
        args.url,
        args.identity,
        args.ocpp,
        sessions=args.sessions,
        meter_interval=args.meter_interval,
        meter_values=args.meter_values,
        speed=args.speed,
        id_token=args.id_token,
        power_w=args.power * 1000,
        password=args.password,
        link=LinkSettings(compression=not args.no_compression),
    )

    async def main(stop: asyncio.Event) -> StationReport:
        forever = args.stay or args.sessions == 0
        task = asyncio.create_task(
            station.run(exit_when_done=not forever, connect_timeout=args.connect_timeout)
        )
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            return station.finish_report()
        stopped.cancel()
        return task.result()

    report = run_until_signal(main)
    if args.json:
        json.dump(report.as_dict(), sys.stdout, indent=2)
        print()
    else:
        print(summary(report))
    if not report.booted:
        return EXIT_FAILED
    if report.sessions_done < args.sessions or report.errors:
        return EXIT_NEGATIVE
    return EXIT_OK


def summary(report: StationReport) -> str:
    lines = [
        f"{report.identity} (OCPP {report.version}): "
        + ("booted" if report.booted else "never booted")
        + f", {report.sessions_done} session(s) done, {report.sessions_refused} refused, "
        f"{report.energy_wh / 1000:.2f} kWh in {report.meter_values} meter values",
        f"  frames: {report.frames_out} sent, {report.frames_in} received; "
        f"bytes on the socket: {report.wire_out} sent, {report.wire_in} received",
    ]
    lines += [f"  error: {e}" for e in report.errors]
    return "\n".join(lines)
