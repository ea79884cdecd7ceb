"""``ocppkit demo``: the reference CSMS and three simulated stations, one per OCPP version."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ocppkit.cli import EXIT_FAILED, EXIT_NEGATIVE, EXIT_OK, CliError
from ocppkit.cli._common import positive, setup_logging
from ocppkit.framecheck import VERSIONS

if TYPE_CHECKING:
    from ocppkit.reference.station import StationReport

_LISTENING = re.compile(rb"listening on ws://([^/\s]+)/")


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="run the reference CSMS and three simulated stations, one per version",
        description="Start 'ocppkit serve' on loopback (a child process with a temporary database), "
        "connect three simulated stations to it (OCPP 1.6, 2.0.1 and 2.1), run a full charging "
        "session on each, stop the CSMS and print a summary: messages each way, bytes on the "
        "wire, and the energy the CSMS recorded. Exit status 0 when every session completed and "
        "the CSMS recorded the energy each station metered.",
    )
    p.add_argument(
        "--meter-values",
        type=int,
        default=4,
        metavar="K",
        help="meter values per session (default: %(default)s)",
    )
    p.add_argument(
        "--speed",
        type=positive(float),
        default=120.0,
        metavar="X",
        help="simulated clock speed: meter values every 60 s of station time (default: %(default)sx)",
    )
    p.add_argument(
        "--timeout", type=positive(float), default=120.0, metavar="S", help="give up after S seconds"
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON (no progress lines)")
    p.set_defaults(run=run)


class _Progress:
    def __init__(self, quiet: bool) -> None:
        self.start = time.monotonic()
        self.quiet = quiet

    def __call__(self, identity: str, text: str) -> None:
        if not self.quiet:
            print(f"{time.monotonic() - self.start:6.1f}s  {identity:<10} {text}", flush=True)


def _start_csms(folder: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    log = folder / "csms.log"
    db = folder / "csms.sqlite"
    command = [
        sys.executable,
        "-m",
        "ocppkit",
        "serve",
        "--port",
        "0",
        "--db",
        str(db),
        "--heartbeat-interval",
        "300",
    ]
    with log.open("wb") as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err)
    assert process.stdout is not None
    line = process.stdout.readline()  # "ocppkit serve: listening on ws://127.0.0.1:PORT/<identity>"
    found = _LISTENING.search(line)
    if found is None:
        process.kill()
        process.wait()
        raise CliError(f"the CSMS did not start: {log.read_text(errors='replace').strip()[-300:]}")
    return process, f"ws://{found.group(1).decode()}/ocpp", db


def _stop_csms(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT if os.name == "nt" else signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(args: argparse.Namespace) -> int:
    from ocppkit.reference.station import SimulatedStation  # noqa: PLC0415 (`--help` stays quick)
    from ocppkit.reference.store import Store  # noqa: PLC0415

    setup_logging(0, quiet=True)
    progress = _Progress(args.json)
    with tempfile.TemporaryDirectory(prefix="ocppkit-demo-") as tmp:
        process, url, db = _start_csms(Path(tmp))
        progress("csms", f"ocppkit serve is listening at {url}/<identity> (pid {process.pid})")
        try:
            stations = [
                SimulatedStation(
                    url,
                    f"DEMO-{version}",
                    version,
                    sessions=1,
                    meter_values=args.meter_values,
                    meter_interval=60.0,
                    speed=args.speed,
                    progress=progress,
                )
                for version in VERSIONS
            ]

            async def main() -> list[StationReport]:
                return list(
                    await asyncio.gather(*(s.run(timeout=args.timeout, connect_timeout=10) for s in stations))
                )

            reports = asyncio.run(main())
        finally:
            _stop_csms(process)
        progress("csms", "stopped")
        store = Store(db)
        try:
            rows = {r.identity: r for r in store.transactions()}
        finally:
            store.close()
    summary = [_row(report, rows.get(report.identity)) for report in reports]
    ok = all(s["sessions"] == 1 and s["recorded_matches"] for s in summary)
    if args.json:
        json.dump({"ok": ok, "stations": summary}, sys.stdout, indent=2)
        print()
    else:
        print()
        print(_table(summary))
        print()
        print("every session completed and recorded" if ok else "SOME SESSIONS FAILED: see the lines above")
    if not all(r.booted for r in reports):
        return EXIT_FAILED
    return EXIT_OK if ok else EXIT_NEGATIVE


def _row(report: StationReport, recorded: Any) -> dict[str, Any]:
    recorded_wh = recorded.energy_wh if recorded is not None else None
    metered = round(report.energy_wh)
    return {
        "station": report.identity,
        "ocpp": report.version,
        "sessions": report.sessions_done,
        "messages_sent": report.frames_out,
        "messages_received": report.frames_in,
        "payload_bytes_sent": report.payload_out,
        "payload_bytes_received": report.payload_in,
        "wire_bytes_sent": report.wire_out,
        "wire_bytes_received": report.wire_in,
        "energy_metered_wh": metered,
        "energy_recorded_wh": recorded_wh,
        "recorded_matches": recorded_wh is not None and abs(recorded_wh - metered) <= 1,
        "errors": report.errors,
    }


def _table(rows: list[dict[str, Any]]) -> str:
    head = (
        "station",
        "OCPP",
        "sessions",
        "messages out/in",
        "JSON bytes out/in",
        "wire bytes out/in",
        "energy (CSMS)",
    )
    body = [
        (
            r["station"],
            r["ocpp"],
            str(r["sessions"]),
            f"{r['messages_sent']} / {r['messages_received']}",
            f"{r['payload_bytes_sent']:,} / {r['payload_bytes_received']:,}",
            f"{r['wire_bytes_sent']:,} / {r['wire_bytes_received']:,}",
            f"{r['energy_recorded_wh'] / 1000:.3f} kWh" if r["energy_recorded_wh"] is not None else "none",
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in (head, *body)) for i in range(len(head))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in (head, *body)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(
        "JSON bytes: the OCPP-J messages; wire bytes: what the socket carried (HTTP upgrade, WebSocket "
        "framing, permessage-deflate)."
    )
    return "\n".join(lines)
