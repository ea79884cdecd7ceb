"""End-to-end benchmark on loopback: server CPU time per call and memory per idle connection.

Four OCPP 1.6 servers, each in its own process (``bench/e2e_server.py``): ocppkit's
``CsmsServer``, a bare websockets echo server (the floor: receive + send a fixed reply), the
same echo answering from websockets' protocol callback as ocppkit does (``echo-hooked``: the
floor of that technique, informative) and a CSMS built on the PyPI ``ocpp`` package (2.1.0).
For N = 1, 100 and 1000 stations (``--quick``: 1 and 100, fewer calls), this process opens N
raw websockets client connections and has each station send pre-built OCPP-J 1.6 CALL frames,
one at a time per station (awaiting the reply), all stations concurrently: first Heartbeat, then
MeterValues (10 sampled values and a transactionId, ``bench/messages.py``'s ``v16_meter``
payload). Every frame has its own message
id; every reply is checked to be the CALLRESULT for that id (the echoes: a CALLRESULT).

Figures, from the server's own CPU time / ``VmRSS`` read before and after each phase (each call
phase five times, the median kept; ``ocpp``'s once):

* server CPU µs per call (user + system, all threads) and its ratio to echo at the same N;
* resident memory per idle connection at N = 1000 (also with ``--quick``, then without calls):
  RSS with N connected, idle stations minus RSS before connecting (after a warm-up connection,
  a full GC and ``malloc_trim``), divided by N; and the marginal figure over the second half
  of the stations, which no free memory left over from start-up can hide.

Targets: ocppkit within 1.3x of echo per call; at most 16 KB (KiB) per idle connection.
Misses are reported, not fatal: the exit status is 0 whatever the figures, non-zero only if
the benchmark breaks (a server does not start, a reply is wrong, a time limit is hit).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import platform
import pstats
import statistics
import sys
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

if TYPE_CHECKING or __package__:
    from .e2e_server import MAX_SIZE, SUBPROTOCOL, raise_nofile_limit
    from .messages import V16_METER
else:  # run as ``python bench/e2e.py``
    from e2e_server import MAX_SIZE, SUBPROTOCOL, raise_nofile_limit
    from messages import V16_METER

SERVER: Final[Path] = Path(__file__).resolve().parent / "e2e_server.py"

CALL_TARGET: Final[float] = 1.3
"""ocppkit server CPU per call / echo server CPU per call, every N and message: at most this."""
IDLE_TARGET_KB: Final[float] = 16.0
"""ocppkit resident memory per idle connection (KiB): at most this."""

MESSAGES: Final[tuple[str, ...]] = ("Heartbeat", "MeterValues")
HEARTBEAT_PAYLOAD: Final[str] = "{}"
METER_PAYLOAD: Final[str] = json.dumps(json.loads(V16_METER)[3], separators=(",", ":"))

CALLS: Final[dict[int, int]] = {1: 3000, 100: 30, 1000: 6}
"""Measured calls per station and message, by N (full run)."""
QUICK_CALLS: Final[dict[int, int]] = {1: 600, 100: 20}
REPEATS: Final[int] = 5
"""Each measured phase runs this many times, the figure is the median: CPU time is noisy on a
shared machine, and a phase of a few thousand calls lasts well under a second. (``ocpp``,
tens of times slower, is measured once.)"""
WARM_UP_CALLS: Final[int] = 2
"""Unmeasured calls per station before each measured phase."""

MEMORY_N: Final[int] = 1000
"""Idle memory per connection is measured with this many stations (also with --quick)."""
PROFILE_TOP: Final[int] = 15

HANDSHAKES_AT_ONCE: Final[int] = 50
SETTLE_S: Final[float] = 0.5
PHASE_TIMEOUT_S: Final[float] = 120.0
"""Any single step (start, connect all, one phase) taking longer is an error."""


# --------------------------------------------------------------------------
# The server process
# --------------------------------------------------------------------------


class ServerProcess:
    """``e2e_server.py`` in a child process, driven over its stdin/stdout (one JSON line each)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.ready: dict[str, Any] = {}
        """The server's first line: port, pid, kind (and ``ocpp_async_validation``)."""

    @property
    def port(self) -> int:
        return int(self.ready["port"])

    @classmethod
    async def start(cls, kind: str, compression: bool) -> ServerProcess:
        args = [sys.executable, str(SERVER), "--kind", kind, "--port", "0"]
        if not compression:
            args.append("--no-compression")
        process = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        server = cls(process)
        try:
            server.ready = await server._read()
        except BaseException:
            await server.stop()
            raise
        return server

    async def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        async with asyncio.timeout(PHASE_TIMEOUT_S):
            line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"benchmark server exited (status {await self.process.wait()})")
        document: dict[str, Any] = json.loads(line)
        if "error" in document:
            raise RuntimeError(f"benchmark server: {document['error']}")
        return document

    async def command(self, line: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()
        return await self._read()

    async def stop(self) -> None:
        """End of input closes the server; kill it if it does not exit in time."""
        if self.process.returncode is not None:
            return
        try:
            assert self.process.stdin is not None
            self.process.stdin.close()
            async with asyncio.timeout(15):
                await self.process.wait()
        except (TimeoutError, OSError):
            pass
        finally:
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()


@contextlib.asynccontextmanager
async def running_server(kind: str, compression: bool) -> AsyncIterator[ServerProcess]:
    async with asyncio.timeout(PHASE_TIMEOUT_S):
        server = await ServerProcess.start(kind, compression)
    try:
        yield server
    finally:
        await server.stop()


# --------------------------------------------------------------------------
# The stations
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Station:
    """One raw websockets client; message ids ``<station>.<n>``, unique within the run."""

    name: str
    ws: ClientConnection
    sent: int = 0
    check_id: bool = True
    binary_replies: int = 0
    """Replies received as binary WebSocket frames (OCPP-J uses text frames)."""

    def frames(self, action: str, count: int) -> list[tuple[str, str]]:
        """``count`` CALL frames of ``action``, each with its expected reply prefix."""
        payload = HEARTBEAT_PAYLOAD if action == "Heartbeat" else METER_PAYLOAD
        frames = []
        for _ in range(count):
            self.sent += 1
            unique_id = f"{self.name}.{self.sent}"
            expected = f'[3,"{unique_id}",' if self.check_id else "[3,"
            frames.append((f'[2,"{unique_id}","{action}",{payload}]', expected))
        return frames

    async def run(self, frames: Sequence[tuple[str, str]]) -> None:
        """Send each frame and await its reply, one at a time."""
        ws = self.ws
        for frame, expected in frames:
            await ws.send(frame)
            reply = await ws.recv()
            if not isinstance(reply, str):
                self.binary_replies += 1
                reply = reply.decode()
            if not reply.startswith(expected):
                raise RuntimeError(f"{self.name}: {frame[:40]}... answered with {reply[:200]!r}")


async def open_stations(
    port: int, n: int, compression: bool, check_id: bool, prefix: str = "CP"
) -> list[Station]:
    gate = asyncio.Semaphore(HANDSHAKES_AT_ONCE)

    async def one(i: int) -> Station:
        name = f"{prefix}{i:04d}"
        async with gate:
            ws = await connect(
                f"ws://127.0.0.1:{port}/ocpp/{name}",
                subprotocols=[Subprotocol(SUBPROTOCOL)],
                compression="deflate" if compression else None,
                ping_interval=None,
                max_size=MAX_SIZE,
                open_timeout=30,
            )
        if ws.subprotocol != SUBPROTOCOL:
            await ws.close()
            raise RuntimeError(f"{name}: subprotocol {ws.subprotocol!r} negotiated")
        return Station(name, ws, check_id=check_id)

    results = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
    stations = [r for r in results if isinstance(r, Station)]
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        await close_stations(stations)
        raise errors[0]
    return stations


async def close_stations(stations: Sequence[Station]) -> None:
    await asyncio.gather(*(s.ws.close() for s in stations), return_exceptions=True)


async def wait_connections(server: ServerProcess, n: int) -> dict[str, Any]:
    """Poll the server until it counts ``n`` live connections."""
    deadline = time.monotonic() + PHASE_TIMEOUT_S
    while True:
        stats = await server.command("stats")
        if stats["connections"] == n:
            return stats
        if time.monotonic() > deadline:
            raise RuntimeError(f"server counts {stats['connections']} connections, {n} expected")
        await asyncio.sleep(0.05)


async def all_run(stations: Sequence[Station], action: str, count: int) -> float:
    """Every station sends ``count`` frames of ``action``; return the wall-clock seconds."""
    batches = [s.frames(action, count) for s in stations]
    started = time.perf_counter()
    async with asyncio.timeout(PHASE_TIMEOUT_S), asyncio.TaskGroup() as group:
        for station, batch in zip(stations, batches, strict=True):
            group.create_task(station.run(batch))
    return time.perf_counter() - started


async def settled_stats(server: ServerProcess) -> dict[str, Any]:
    """Let the server go idle, collect its garbage, read its figures."""
    gc.collect()
    await asyncio.sleep(SETTLE_S)
    return await server.command("gc")


# --------------------------------------------------------------------------
# One (kind, N) run
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    """The figures of one server process (one kind, one N)."""

    kind: str
    n: int
    compression: bool
    calls_per_station: int = 0
    idle_kb_per_connection: float = 0.0
    """(RSS with N idle stations - RSS before connecting) / N."""
    marginal_kb_per_connection: float = 0.0
    """(RSS with N idle stations - RSS with the first N/2) / (N - N/2): free of heap slack."""
    used_kb_per_connection: float = 0.0
    """As ``idle_kb_per_connection``, after the calls (buffers and lazy state now touched)."""
    us_per_call: dict[str, float] = field(default_factory=dict)
    calls_per_s: dict[str, float] = field(default_factory=dict)
    binary_replies: bool = False
    ocpp_async_validation: bool | None = None


async def _warm_up(server: ServerProcess, compression: bool, check_id: bool) -> None:
    """One station connects, sends each message, leaves: lazy imports, caches, first use."""
    warm = await open_stations(server.port, 1, compression, check_id, prefix="WARM")
    try:
        for action in MESSAGES:
            await all_run(warm, action, WARM_UP_CALLS)
    finally:
        await close_stations(warm)
    await wait_connections(server, 0)


async def run_one(kind: str, n: int, calls: int, compression: bool, profile: Path | None = None) -> Run:
    """Start ``kind``'s server, connect N stations (memory), then ``calls`` of each message
    per station (CPU); ``calls = 0``: memory only."""
    result = Run(kind, n, compression, calls)
    check_id = not kind.startswith("echo")
    async with running_server(kind, compression) as server:
        result.ocpp_async_validation = server.ready.get("ocpp_async_validation")
        await _warm_up(server, compression, check_id)
        before = await settled_stats(server)
        half = n // 2
        stations: list[Station] = []
        try:
            if half:
                async with asyncio.timeout(PHASE_TIMEOUT_S):
                    stations += await open_stations(server.port, half, compression, check_id, prefix="A")
                await wait_connections(server, half)
            mid = await settled_stats(server)
            async with asyncio.timeout(PHASE_TIMEOUT_S):
                stations += await open_stations(server.port, n - half, compression, check_id, prefix="B")
            await wait_connections(server, n)
            idle = await settled_stats(server)
            result.idle_kb_per_connection = (idle["rss_kb"] - before["rss_kb"]) / n
            result.marginal_kb_per_connection = (idle["rss_kb"] - mid["rss_kb"]) / (n - half)
            if calls == 0:
                return result
            for action in MESSAGES:
                await all_run(stations, action, WARM_UP_CALLS)
                profiled = profile is not None and action == "MeterValues"
                if profiled:
                    await server.command("profile")
                per_call: list[float] = []
                rates: list[float] = []
                for _ in range(1 if profiled or kind == "ocpp" else REPEATS):
                    start = await server.command("stats")
                    wall = await all_run(stations, action, calls)
                    end = await server.command("stats")
                    total = n * calls
                    per_call.append((end["cpu_s"] - start["cpu_s"]) / total * 1e6)
                    rates.append(total / wall)
                if profiled:
                    await server.command(f"dump {profile}")
                result.us_per_call[action] = statistics.median(per_call)
                result.calls_per_s[action] = statistics.median(rates)
            result.binary_replies = any(s.binary_replies for s in stations)
            used = await settled_stats(server)
            result.used_kb_per_connection = (used["rss_kb"] - before["rss_kb"]) / n
        finally:
            await close_stations(stations)
    return result


# --------------------------------------------------------------------------
# Driver and report
# --------------------------------------------------------------------------

ORDER: Final[tuple[str, ...]] = ("echo", "echo-hooked", "ocppkit", "ocpp")
"""Within each N the kinds run back to back, echo first."""


def _memory(run: Run) -> dict[str, Any]:
    return {
        "kind": run.kind,
        "n": run.n,
        "permessage_deflate": run.compression,
        "idle_kb_per_connection": run.idle_kb_per_connection,
        "marginal_kb_per_connection": run.marginal_kb_per_connection,
        "after_traffic_kb_per_connection": run.used_kb_per_connection if run.calls_per_station else None,
    }


async def run_all(quick: bool, compression: bool) -> dict[str, Any]:
    calls_by_n = QUICK_CALLS if quick else CALLS
    started = time.perf_counter()
    runs: list[Run] = []
    for n, calls in calls_by_n.items():
        for kind in ORDER:
            runs.append(await run_one(kind, n, calls, compression))
    by_key = {(r.kind, r.n): r for r in runs}
    # Idle memory at MEMORY_N: from the calls runs if they reached it (full), else memory only.
    idle = [by_key.get((kind, MEMORY_N)) or await run_one(kind, MEMORY_N, 0, compression) for kind in ORDER]
    # The other compression setting, idle memory only (full run).
    other = [] if quick else [await run_one(kind, MEMORY_N, 0, not compression) for kind in ORDER]
    rows: list[dict[str, Any]] = []
    for r in runs:
        echo = by_key[("echo", r.n)]
        for action in MESSAGES:
            rows.append(
                {
                    "kind": r.kind,
                    "n": r.n,
                    "message": action,
                    "calls": r.n * r.calls_per_station,
                    "server_us_per_call": r.us_per_call[action],
                    "vs_echo": r.us_per_call[action] / echo.us_per_call[action],
                    "calls_per_s": r.calls_per_s[action],
                }
            )
    memory = [_memory(r) for r in idle]
    memory_other = [_memory(r) for r in other]
    call_checks = {
        f"N={row['n']} {row['message']}": row["vs_echo"] <= CALL_TARGET
        for row in rows
        if row["kind"] == "ocppkit"
    }
    ocppkit_idle = idle[ORDER.index("ocppkit")]
    # Judged on the larger of the two figures: start-up slack must not make a PASS.
    idle_ok = (
        max(ocppkit_idle.idle_kb_per_connection, ocppkit_idle.marginal_kb_per_connection) <= IDLE_TARGET_KB
    )
    async_validation = idle[ORDER.index("ocpp")].ocpp_async_validation
    return {
        "quick": quick,
        "compression": compression,
        "elapsed_s": round(time.perf_counter() - started, 1),
        "environment": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "machine": platform.machine(),
            "platform": platform.platform(),
            "ocppkit": version("ocppkit"),
            "ocpp": version("ocpp"),
            "websockets": version("websockets"),
            "msgspec": version("msgspec"),
        },
        "settings": {
            "subprotocol": SUBPROTOCOL,
            "permessage_deflate": compression,
            "ping_interval": None,
            "max_size": MAX_SIZE,
            "calls_per_station": calls_by_n,
            "warm_up_calls_per_station": WARM_UP_CALLS,
            "ocpp_async_validation": async_validation,
        },
        "targets": {"ocppkit_vs_echo_max": CALL_TARGET, "idle_kb_per_connection_max": IDLE_TARGET_KB},
        "calls": rows,
        "memory": memory,
        "memory_other_compression": memory_other,
        "binary_reply_frames": sorted({r.kind for r in runs if r.binary_replies}),
        "pass": {"per_call": call_checks, "idle_memory": idle_ok},
        "all_pass": all(call_checks.values()) and idle_ok,
    }


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _on_off(flag: bool) -> str:
    return "on" if flag else "off"


def format_report(result: dict[str, Any]) -> str:
    env = result["environment"]
    settings = result["settings"]
    lines = [
        f"ocppkit {env['ocppkit']} vs bare websockets {env['websockets']} (echo) vs ocpp {env['ocpp']}, "
        f"{env['implementation']} {env['python']} on {env['machine']}"
        + (" (--quick)" if result["quick"] else ""),
        f"OCPP 1.6 on loopback, permessage-deflate {_on_off(result['compression'])}, no pings; "
        f"ocpp's ASYNC_VALIDATION {_on_off(bool(settings['ocpp_async_validation']))} (its default)",
        "",
    ]
    header = f"{'kind':11} {'N':>5} {'message':12} {'calls':>6} {'server µs/call':>15} {'x echo':>7} {'calls/s':>8}"
    lines += [header, "-" * len(header)]
    for row in result["calls"]:
        lines.append(
            f"{row['kind']:11} {row['n']:5d} {row['message']:12} {row['calls']:6d}"
            f" {row['server_us_per_call']:15.1f} {row['vs_echo']:6.2f}x {row['calls_per_s']:8.0f}"
        )
    header = f"{'kind':11} {'N':>5} {'deflate':>7} {'idle KB/conn':>13} {'marginal':>9} {'after calls':>12}"
    lines += ["", header, "-" * len(header)]
    for mem in [*result["memory"], *result["memory_other_compression"]]:
        kind = mem["kind"]
        after = mem["after_traffic_kb_per_connection"]
        lines.append(
            f"{kind:11} {mem['n']:5d} {_on_off(mem['permessage_deflate']):>7}"
            f" {mem['idle_kb_per_connection']:13.1f} {mem['marginal_kb_per_connection']:9.1f}"
            f" {'-' if after is None else f'{after:.1f}':>12}"
        )
    ocppkit_memory = result["memory"][ORDER.index("ocppkit")]
    lines += ["", "targets:"]
    for where, ok in result["pass"]["per_call"].items():
        row = next(
            r for r in result["calls"] if r["kind"] == "ocppkit" and f"N={r['n']} {r['message']}" == where
        )
        lines.append(
            f"  ocppkit <= {CALL_TARGET:g}x echo per call, {where:18} {row['vs_echo']:5.2f}x {_mark(ok)}"
        )
    worst = max(ocppkit_memory["idle_kb_per_connection"], ocppkit_memory["marginal_kb_per_connection"])
    lines.append(
        f"  ocppkit <= {IDLE_TARGET_KB:g} KB per idle connection, N={ocppkit_memory['n']:<5}"
        f"        {worst:5.1f} KB {_mark(result['pass']['idle_memory'])}"
        " (the larger of idle and marginal)"
    )
    checks = [*result["pass"]["per_call"].values(), result["pass"]["idle_memory"]]
    lines.append(
        f"{sum(checks)}/{len(checks)} PASS" + ("" if all(checks) else " (misses are reported, not fatal)")
    )
    if result["binary_reply_frames"]:
        lines.append(
            f"note: {', '.join(result['binary_reply_frames'])} answered in binary WebSocket frames"
            " (OCPP-J uses text frames)"
        )
    lines.append(f"elapsed {result['elapsed_s']} s")
    return "\n".join(lines)


PROFILE_GROUPS: Final[tuple[tuple[str, str], ...]] = (
    ("/generated/ocppkit/", "ocppkit generated codecs"),
    ("/ocppkit/", "ocppkit runtime (rpc, connection, codec, server)"),
    ("/websockets/", "websockets"),
    ("/asyncio/", "asyncio event loop"),
)


def _group(filename: str) -> str:
    return next((name for part, name in PROFILE_GROUPS if part in filename), "other Python")


def _own_time_by_group(stats: dict[Any, Any]) -> dict[str, float]:
    """Own time by component; a C function's (``~``) time goes to its callers' components."""
    groups: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, callers) in stats.items():
        if filename != "~":
            groups[_group(filename)] = groups.get(_group(filename), 0.0) + tottime
            continue
        for (caller_file, _, _), caller_stats in callers.items():
            group = _group(caller_file)
            groups[group] = groups.get(group, 0.0) + caller_stats[2]
    return groups


async def profile_ocppkit(path: Path, compression: bool, quick: bool) -> str:
    """cProfile of ocppkit's server (event loop thread CPU) during MeterValues at N=100.

    The profiler's own cost per function call inflates code made of many small calls; read
    the shares, not the seconds.
    """
    calls = (QUICK_CALLS if quick else CALLS)[100]
    await run_one("ocppkit", 100, calls, compression, profile=path)
    stats: dict[Any, Any] = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in stats.values())
    lines = [
        f"ocppkit server, MeterValues, N=100, {100 * calls} calls under cProfile ({path}),",
        f"{total:.2f} s of loop-thread CPU (profiler overhead included). Own time by component"
        " (C functions counted with their callers):",
    ]
    groups = _own_time_by_group(stats)
    for name, seconds in sorted(groups.items(), key=lambda item: item[1], reverse=True):
        lines.append(f"  {seconds / total:6.1%}  {name}")
    lines.append(f"top {PROFILE_TOP} functions by own time:")
    ranked = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:PROFILE_TOP]
    for (filename, lineno, function), (_, calls_made, tottime, cumtime, _) in ranked:
        where = f"{Path(filename).name}:{lineno}({function})" if lineno else function
        lines.append(
            f"  {tottime / total:6.1%} own {cumtime / total:6.1%} cum {calls_made:8d} calls  {where}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ocppkit end-to-end benchmark (see bench/README.md).")
    parser.add_argument("--quick", action="store_true", help="N = 1 and 100 only, fewer calls")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write every figure as JSON")
    parser.add_argument(
        "--compression",
        action="store_true",
        help="permessage-deflate on for the main run (default off; the full run also measures "
        "idle memory with the other setting)",
    )
    parser.add_argument(
        "--profile",
        metavar="PATH",
        type=Path,
        help="afterwards, cProfile ocppkit's server (MeterValues, N=100) into PATH and print the top",
    )
    args = parser.parse_args(argv)
    raise_nofile_limit()
    result = asyncio.run(run_all(args.quick, args.compression))
    print(format_report(result))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    if args.profile is not None:
        print()
        print(asyncio.run(profile_ocppkit(args.profile.resolve(), args.compression, args.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
