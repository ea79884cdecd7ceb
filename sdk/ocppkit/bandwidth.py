"""How many bytes a month a charging station's OCPP traffic costs, measured on real sockets.

A [`Profile`][ocppkit.bandwidth.Profile] says what a station does in a day (heartbeats, charging
sessions with periodic meter values, boots). [`measure`][ocppkit.bandwidth.measure] plays one such
day between a real ocppkit station client and the reference CSMS over WebSocket on loopback, with
given [`ocppkit.transport.LinkSettings`][ocppkit.transport.LinkSettings], and counts the bytes the
socket carries each way: the HTTP upgrade, WebSocket framing and permessage-deflate are measured,
not estimated. What loopback cannot show is estimated and stated in
[`Overheads`][ocppkit.bandwidth.Overheads]: TLS records and handshakes, and TCP/IP headers with the
ACKs of a link where every message waits for its answer.

OCA's target for a charger on a metered link ("OCPP 2.Lite") is 25 MB a month;
[`HEADROOM`][ocppkit.bandwidth.HEADROOM] (50 %) is added before comparing.
"""

from __future__ import annotations

import asyncio
import json
import tomllib
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from ocppkit.connection import StationConnection, Trace
from ocppkit.reference.csms import ReferenceCsms
from ocppkit.reference.station import SimulatedStation, _Behaviour2x, _Behaviour16, _Session
from ocppkit.reference.store import Store
from ocppkit.transport import LinkSettings

__all__ = ["BUDGET", "HEADROOM", "Measurement", "Overheads", "Profile", "measure"]

BUDGET: Final = 25_000_000
"""OCA's monthly budget for a charger on a metered link, in bytes (25 MB, decimal)."""
HEADROOM: Final = 0.5
"""Added on top of the measured figure before it is compared with the budget."""


@dataclass(frozen=True, slots=True)
class Profile:
    """What a station does in a day. The defaults are the reference profile."""

    heartbeat_interval: float = 300.0
    """Seconds between heartbeats."""
    heartbeat_while_charging: bool = True
    """Keep sending heartbeats during sessions (OCPP allows skipping them while other messages flow)."""
    sessions_per_day: int = 3
    session_minutes: float = 120.0
    meter_interval: float = 60.0
    """Seconds between meter values in a session."""
    phases: int = 3
    """Current is reported per phase (energy and power once)."""
    boots_per_day: int = 1
    """Each boot is a new connection: handshake, BootNotification, StatusNotification."""
    days_per_month: float = 30.0
    ping_interval: float | None = None
    """Seconds between WebSocket pings from the station (``None``: the SDK's default, no pings)."""

    @classmethod
    def load(cls, path: Path) -> Profile:
        """A profile from a TOML or JSON file; missing keys keep the reference values."""
        text = path.read_bytes()
        data: dict[str, Any] = json.loads(text) if path.suffix == ".json" else tomllib.loads(text.decode())
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(
                f"unknown profile keys: {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            )
        return cls(**data)

    @property
    def meter_values_per_session(self) -> int:
        return int(self.session_minutes * 60 // self.meter_interval)


@dataclass(frozen=True, slots=True)
class Overheads:
    """The estimated parts, each stated: what loopback does not show."""

    ip_tcp_header: int = 52
    """Bytes per packet: IPv4 (20) + TCP (20) + the timestamp option Linux sends (12)."""
    pure_acks_per_exchange: int = 1
    """A request's ACK rides on the answer; the answer's ACK goes alone (the next message is far off)."""
    packets_per_connection: int = 7
    """TCP handshake (3) and close (4)."""
    tls_record: int = 22
    """TLS 1.3 with AES-GCM: 5 header + 16 tag + 1 content type per record (one per WebSocket message)."""
    tls_handshake: int = 6_000
    """A TLS 1.3 handshake with a server certificate chain of ~3 kB, session tickets included."""
    tls: bool = True


@dataclass(slots=True)
class Measurement:
    """One day of a profile, measured, and its month."""

    version: str
    compression: bool
    profile: Profile
    overheads: Overheads
    messages: int = 0
    """OCPP-J messages each way (CALLs from the station, answered one by one)."""
    calls_from_csms: int = 0
    json_bytes: int = 0
    """The OCPP-J messages themselves, both ways."""
    wire_bytes_sent: int = 0
    wire_bytes_received: int = 0
    writes: int = 0
    reads: int = 0
    connections: int = 0
    ping_bytes: int = 0
    """One WebSocket ping and its pong, as the socket carried them (measured)."""
    by_action: dict[str, int] = field(default_factory=dict)

    @property
    def pings(self) -> int:
        """WebSocket pings in a day (each answered by a pong)."""
        interval = self.profile.ping_interval
        return 0 if not interval else int(86_400 // interval)

    @property
    def wire_bytes(self) -> int:
        """Bytes the socket carried in a day, both ways (measured; pings from one measured exchange)."""
        return self.wire_bytes_sent + self.wire_bytes_received + self.pings * self.ping_bytes

    @property
    def tcp_ip_bytes(self) -> int:
        """Estimated TCP/IP headers in a day: data packets, their ACKs, connection set-up."""
        o = self.overheads
        data_packets = self.writes + self.reads + 2 * self.pings
        acks = (self.messages + self.pings) * o.pure_acks_per_exchange
        return (data_packets + acks + o.packets_per_connection * self.connections) * o.ip_tcp_header

    @property
    def tls_bytes(self) -> int:
        """Estimated TLS overhead in a day: a record per write, a handshake per connection."""
        o = self.overheads
        if not o.tls:
            return 0
        records = self.writes + self.reads + 2 * self.pings
        return records * o.tls_record + self.connections * o.tls_handshake

    @property
    def day_bytes(self) -> int:
        return self.wire_bytes + self.tcp_ip_bytes + self.tls_bytes

    @property
    def month_bytes(self) -> int:
        return round(self.day_bytes * self.profile.days_per_month)

    @property
    def month_with_headroom(self) -> int:
        return round(self.month_bytes * (1 + HEADROOM))

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "compression": self.compression,
            "profile": asdict(self.profile),
            "overheads": asdict(self.overheads),
            "per_day": {
                "messages": self.messages,
                "pings": self.pings,
                "json_bytes": self.json_bytes,
                "wire_bytes_sent": self.wire_bytes_sent,
                "wire_bytes_received": self.wire_bytes_received,
                "tcp_ip_bytes_estimated": self.tcp_ip_bytes,
                "tls_bytes_estimated": self.tls_bytes,
                "total_bytes": self.day_bytes,
            },
            "by_action": dict(sorted(self.by_action.items())),
            "per_month": {
                "bytes": self.month_bytes,
                "bytes_with_headroom": self.month_with_headroom,
                "budget": BUDGET,
                "within_budget": self.month_with_headroom <= BUDGET,
            },
        }


Step = Callable[[], Awaitable[Any]]


def _timeline(profile: Profile) -> list[tuple[float, int, str]]:
    """The day's events by time: (second of the day, order, what)."""
    day = 86_400.0
    events: list[tuple[float, int, str]] = []
    boots = max(profile.boots_per_day, 1)
    for b in range(boots):
        events.append((b * day / boots, 0, "boot"))
    sessions = profile.sessions_per_day
    length = profile.session_minutes * 60
    starts = [(i + 0.5) * day / max(sessions, 1) - length / 2 for i in range(sessions)]
    busy = [(s, s + length) for s in starts]
    for s in starts:
        events.append((s, 1, "session-start"))
        for k in range(1, profile.meter_values_per_session + 1):
            events.append((s + k * profile.meter_interval, 2, "meter"))
        events.append((s + length, 3, "session-end"))
    for k in range(1, int(day // profile.heartbeat_interval) + 1):
        t = k * profile.heartbeat_interval
        if profile.heartbeat_while_charging or not any(a <= t <= b for a, b in busy):
            events.append((t, 4, "heartbeat"))
    return sorted(events)


async def measure(
    version: str,
    profile: Profile | None = None,
    link: LinkSettings | None = None,
    overheads: Overheads | None = None,
) -> Measurement:
    """Play one day of ``profile`` over a real WebSocket on loopback and count its bytes."""
    profile = profile or Profile()
    link = link or LinkSettings()
    result = Measurement(version, link.compression, profile, overheads or Overheads())
    store = Store(":memory:")
    csms = ReferenceCsms(store, heartbeat_interval=round(profile.heartbeat_interval), link=link)
    server = csms.server()
    await server.start("127.0.0.1", 0)
    station = SimulatedStation(f"ws://127.0.0.1:{server.port}/ocpp", "BW-1", version, link=link)
    station.client.trace = _counter(result)
    day = datetime(2026, 1, 15, tzinfo=UTC)
    elapsed = [0.0]

    def clock() -> datetime:  # the simulated day's time, on both sides
        return day + timedelta(seconds=elapsed[0])

    station.clock = csms.clock = clock
    try:
        await _play(station, _timeline(profile), elapsed)
        result.ping_bytes = await _one_ping(station)
    finally:
        await station.client.close()
        await server.close()
        store.close()
    result.wire_bytes_sent = station.wire.sent
    result.wire_bytes_received = station.wire.received
    result.writes = station.wire.writes
    result.reads = station.wire.reads
    result.connections = station.wire.connections
    return result


async def _play(
    station: SimulatedStation, timeline: list[tuple[float, int, str]], elapsed: list[float]
) -> None:
    """Send the day's messages in order, each after the answer to the one before."""
    behaviour = _Behaviour16(station) if station.version == "1.6" else _Behaviour2x(station)
    connection: StationConnection | None = None
    session: _Session | None = None
    for second, _, what in timeline:
        elapsed[0] = second
        if what == "boot":
            if connection is not None:
                await station.client.drop()
                await asyncio.sleep(0.05)
            connection = await station.client.connect()
            await connection.call(behaviour.boot_request())
            await connection.call(behaviour.status_request("Available"))
        elif connection is None:
            raise RuntimeError("the timeline does not start with a boot")
        elif what == "heartbeat":
            await connection.call(station.module.HeartbeatRequest())
        elif what == "session-start":
            session = _Session(station.id_token)
            await behaviour.start(session, connection.call, connection.call)
        elif what == "meter" and session is not None:
            station.meter_step()
            await behaviour.meter(session, connection.call)
        elif what == "session-end" and session is not None:
            await behaviour.end(session, connection.call, connection.call)
            session = None


async def _one_ping(station: SimulatedStation) -> int:
    """The bytes of one WebSocket ping and its pong on the station's socket."""
    ws = station.client.websocket
    if ws is None:
        return 0
    before = station.wire.sent + station.wire.received
    await (await ws.ping())
    return station.wire.sent + station.wire.received - before


def _counter(result: Measurement) -> Trace:
    def trace(identity: str, direction: str, frame: bytes | str) -> None:
        data = frame.encode() if isinstance(frame, str) else frame
        result.json_bytes += len(data)
        if direction == "out":
            result.messages += 1
            action = data.split(b",", 3)[2].strip(b'" ') if data.startswith(b"[2") else b"?"
            name = action.decode(errors="replace")
            result.by_action[name] = result.by_action.get(name, 0) + 1

    return trace
