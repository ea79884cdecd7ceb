"""``ocppkit bandwidth``: a station profile's bytes per month against OCA's 25 MB budget."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ocppkit.bandwidth import Measurement

from ocppkit.cli import EXIT_NEGATIVE, EXIT_OK, CliError
from ocppkit.cli._common import positive, setup_logging, version_arg

PROFILE_KEYS = (
    "heartbeat_interval",
    "heartbeat_while_charging",
    "sessions_per_day",
    "session_minutes",
    "meter_interval",
    "phases",
    "boots_per_day",
    "days_per_month",
    "ping_interval",
)
"""The keys of ``ocppkit.bandwidth.Profile`` (listed here so that ``--help`` needs no import)."""


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "bandwidth",
        help="bytes per month of a station profile, against OCA's 25 MB budget",
        description="Play one day of a station profile between a station and the reference CSMS over a "
        "real WebSocket on loopback with the SDK's transport settings, count what the socket carries, "
        "add the TLS and TCP/IP overhead (estimated, stated) and compare the month, plus 50 %% headroom, "
        "with OCA's 25 MB budget for a charger on a metered link. The reference profile: a heartbeat "
        "every 300 s, 3 two-hour sessions a day with meter values every 60 s (energy, power, current "
        "per phase), one boot a day. Exit status 0 within the budget, 1 over it.",
    )
    p.add_argument("--ocpp", required=True, type=version_arg, metavar="{1.6,2.0.1,2.1}", help="OCPP version")
    p.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="a TOML or JSON file overriding the reference profile's keys: " + ", ".join(PROFILE_KEYS),
    )
    p.add_argument("--no-compression", action="store_true", help="measure without permessage-deflate")
    p.add_argument(
        "--ping-interval",
        type=positive(float),
        metavar="S",
        help="add WebSocket pings from the station every S s",
    )
    p.add_argument("--no-tls", action="store_true", help="leave out the TLS estimate (a ws:// link)")
    p.add_argument("--json", action="store_true", help="print every figure as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ocppkit.bandwidth import BUDGET, Overheads, Profile, measure  # noqa: PLC0415 (`--help` stays quick)
    from ocppkit.transport import LinkSettings  # noqa: PLC0415

    setup_logging(0, quiet=True)
    profile = Profile()
    if args.profile is not None:
        try:
            profile = Profile.load(args.profile)
        except (OSError, ValueError, TypeError) as exc:
            raise CliError(f"cannot read the profile {args.profile}: {exc}") from None
    if args.ping_interval is not None:
        profile = replace(profile, ping_interval=args.ping_interval)
    overheads = Overheads(tls=not args.no_tls)
    compression = not args.no_compression

    async def both() -> tuple[Measurement, Measurement]:
        main = await measure(args.ocpp, profile, LinkSettings(compression=compression), overheads)
        other = await measure(args.ocpp, profile, LinkSettings(compression=not compression), overheads)
        return main, other

    result, other = asyncio.run(both())
    if args.json:
        data = result.as_dict()
        data["other"] = {"compression": other.compression, "per_month": other.as_dict()["per_month"]}
        json.dump(data, sys.stdout, indent=2)
        print()
    else:
        print(report(result, other))
    return EXIT_OK if result.month_with_headroom <= BUDGET else EXIT_NEGATIVE


def _kb(n: float) -> str:
    return f"{n / 1000:,.1f} kB"


def _mb(n: float) -> str:
    return f"{n / 1_000_000:,.1f} MB"


def report(m: Measurement, other: Measurement) -> str:
    from ocppkit.bandwidth import BUDGET, HEADROOM  # noqa: PLC0415

    p, o = m.profile, m.overheads
    days = p.days_per_month
    phases = f"current on {p.phases} phase{'s' if p.phases != 1 else ''}" if p.phases else "no current"
    lines = [
        f"OCPP {m.version}: heartbeat every {p.heartbeat_interval:g} s"
        + ("" if p.heartbeat_while_charging else " (none while charging)")
        + f", {p.sessions_per_day} session(s) a day of {p.session_minutes:g} min with meter values every "
        f"{p.meter_interval:g} s (energy, power, {phases}), {p.boots_per_day} boot(s) a day",
        "One simulated day on a real WebSocket (loopback): "
        + ("permessage-deflate on" if m.compression else "no compression")
        + (f", WebSocket pings every {p.ping_interval:g} s" if p.ping_interval else ", no WebSocket pings")
        + ".",
        "",
    ]
    rows: list[tuple[str, float, str]] = [
        ("OCPP-J messages (JSON)", m.json_bytes, f"{m.messages} calls from the station, each answered"),
        ("on the socket", m.wire_bytes, "measured: HTTP upgrade, WebSocket framing, compression"),
    ]
    if o.tls:
        rows.append(
            ("TLS", m.tls_bytes, f"estimated: {o.tls_record} B a record, {o.tls_handshake:,} B a handshake")
        )
    rows.append(
        (
            "TCP/IP",
            m.tcp_ip_bytes,
            f"estimated: {o.ip_tcp_header} B a packet, {o.pure_acks_per_exchange} ACK an exchange",
        )
    )
    rows.append(("total", m.day_bytes, "socket + TLS + TCP/IP"))
    lines.append(f"  {'':<24}{'per day':>11}{f'per month ({days:g} d)':>22}")
    for name, day, note in rows:
        lines.append(f"  {name:<24}{_kb(day):>11}{_mb(day * days):>22}   {note}")
    verdict = "within" if m.month_with_headroom <= BUDGET else "OVER"
    lines.append(
        f"  {f'with {HEADROOM:.0%} headroom':<24}{'':>11}{_mb(m.month_with_headroom):>22}   "
        f"{verdict} OCA's {_mb(BUDGET)} budget ({m.month_with_headroom / BUDGET:.0%} of it)"
    )
    lines.append("")
    lines.append(
        f"{'Without' if other.compression is False else 'With'} compression: {_mb(other.month_bytes)} a month, "
        f"{_mb(other.month_with_headroom)} with headroom."
    )
    return "\n".join(lines)
