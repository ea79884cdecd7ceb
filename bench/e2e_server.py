"""One OCPP 1.6 CSMS in its own process, for the end-to-end benchmark (``bench/e2e.py``).

``python bench/e2e_server.py --kind {ocppkit,echo,ocpp} --port P [--no-compression]``

``ocppkit``
    :class:`ocppkit.server.CsmsServer` with a ``v16.CsmsHandlers`` subclass answering
    Heartbeat and MeterValues (default validation policy: strict both ways).
``echo``
    A bare ``websockets.asyncio.server.serve`` handler answering every message with one fixed
    CALLRESULT text: receive + send, no parsing. The floor for any CSMS on websockets' API.
``echo-hooked``
    The same fixed answer, written from websockets' protocol callback (``process_event``) as
    ocppkit's transport does, without websockets' message queue, a task wake-up and
    ``send()``: the floor of that technique, to show how much of ocppkit's figure is OCPP.
``ocpp``
    The PyPI ``ocpp`` package (2.1.0) as its documentation shows it: a websockets server
    wrapping each connection in an ``ocpp.v16.ChargePoint`` subclass with ``@on`` handlers
    for Heartbeat and MeterValues. Its settings are left at their defaults, including
    ``ocpp.messages.ASYNC_VALIDATION = True``: each schema validation (request and response)
    runs in the default thread pool. Those threads are part of this process, so their CPU
    time is counted.

All serve subprotocol ``ocpp1.6`` on 127.0.0.1 with the same WebSocket settings:
permessage-deflate (websockets' default parameters) unless ``--no-compression``, no pings,
256 KiB max message size (ocppkit's ``LinkSettings`` default); websockets' defaults otherwise.

Control channel: once listening, the server writes one JSON line ``{"port": P, "pid": ...}``
to stdout (for ``ocpp`` also ``"ocpp_async_validation"``: the package's setting in force).
Then each line read on stdin is a command answered by one JSON line on stdout:

``stats``          ``{"cpu_s": user+sys of the whole process, "rss_kb": VmRSS, "connections": n}``
``gc``             a full ``gc.collect()`` and glibc's ``malloc_trim(0)``, then as ``stats``
``profile``        start a ``cProfile`` profile of the event loop thread, timed by its CPU
                   time (``time.thread_time``), not wall time (``{"ok": true}``)
``dump PATH``      stop it and write the ``pstats`` file to PATH (``{"ok": true}``)

End of input closes the server (every connection closed) and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import ctypes
import ctypes.util
import gc
import json
import os
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.typing import Subprotocol

SUBPROTOCOL: Final[str] = "ocpp1.6"
MAX_SIZE: Final[int] = 256 * 1024
"""ocppkit's ``LinkSettings.max_message_size``, used by every server."""

ECHO_REPLY: Final[str] = '[3,"0",{"currentTime":"2026-11-24T10:15:30Z"}]'
"""What the echo server answers to everything: a HeartbeatResponse-sized CALLRESULT."""


def raise_nofile_limit() -> int:
    """Raise the soft open-files limit to the hard limit (1000 connections); return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def cpu_seconds() -> float:
    """User + system CPU time of this process (every thread) so far, from the scheduler's
    nanosecond accounting (``getrusage`` is only as fine as the kernel's tick)."""
    return time.process_time()


def rss_kb() -> int:
    """Resident set size now (``VmRSS`` in ``/proc/self/status``), in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def _malloc_trim() -> None:
    """Give the C heap's free pages back to the OS (glibc), so RSS counts what is in use.

    Without it, the memory start-up left free (importing ocppkit's generated modules leaves
    some 18 MB) is reused by the first connections without growing RSS, hiding their cost.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


# --------------------------------------------------------------------------
# The servers
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Started:
    """A listening server: its port, how many stations are connected, how to close it."""

    port: int
    connections: Callable[[], int]
    close: Callable[[], Awaitable[None]]


def _closer(server: Server) -> Callable[[], Awaitable[None]]:
    async def close() -> None:
        server.close(close_connections=True)
        await server.wait_closed()

    return close


def _port(server: Server) -> int:
    return int(server.sockets[0].getsockname()[1])


def _ws_settings(compression: bool) -> dict[str, Any]:
    """The WebSocket settings the echo and ocpp servers share with ocppkit's CsmsServer."""
    return {
        "subprotocols": [Subprotocol(SUBPROTOCOL)],
        "compression": "deflate" if compression else None,
        "ping_interval": None,
        "max_size": MAX_SIZE,
    }


async def start_ocppkit(port: int, compression: bool) -> Started:
    from ocppkit import v16
    from ocppkit.connection import CallContext
    from ocppkit.server import CsmsServer, StationInfo
    from ocppkit.transport import LinkSettings

    class Csms(v16.CsmsHandlers):
        async def on_heartbeat(
            self, request: v16.HeartbeatRequest, context: CallContext
        ) -> v16.HeartbeatResponse:
            return v16.HeartbeatResponse(current_time=datetime.now(UTC))

        async def on_meter_values(
            self, request: v16.MeterValuesRequest, context: CallContext
        ) -> v16.MeterValuesResponse:
            return v16.MeterValuesResponse()

    def handlers(info: StationInfo) -> Csms:
        return Csms()

    server = CsmsServer(
        handlers=handlers,
        versions=("1.6",),
        link=LinkSettings(ping_interval=None, compression=compression, max_message_size=MAX_SIZE),
    )
    await server.start("127.0.0.1", port)
    return Started(server.port, lambda: len(server.connections), server.close)


async def start_echo(port: int, compression: bool) -> Started:
    live: set[ServerConnection] = set()

    async def handler(ws: ServerConnection) -> None:
        live.add(ws)
        try:
            async for _ in ws:
                await ws.send(ECHO_REPLY)
        except ConnectionClosed:
            pass
        finally:
            live.discard(ws)

    server = await serve(handler, "127.0.0.1", port, **_ws_settings(compression))
    return Started(_port(server), lambda: len(live), _closer(server))


async def start_ocpp(port: int, compression: bool) -> Started:
    from ocpp.routing import on
    from ocpp.v16 import ChargePoint, call_result
    from ocpp.v16.enums import Action

    class Csms(ChargePoint):  # type: ignore[misc]
        @on(Action.heartbeat)  # type: ignore[untyped-decorator, unused-ignore]
        async def on_heartbeat(self, **kwargs: Any) -> Any:
            return call_result.Heartbeat(current_time=datetime.now(UTC).isoformat())

        @on(Action.meter_values)  # type: ignore[untyped-decorator, unused-ignore]
        async def on_meter_values(
            self, connector_id: int, meter_value: list[dict[str, Any]], **kwargs: Any
        ) -> Any:
            return call_result.MeterValues()

    live: set[ServerConnection] = set()

    async def handler(ws: ServerConnection) -> None:
        path = ws.request.path if ws.request is not None else "/"
        live.add(ws)
        try:
            await Csms(path.rstrip("/").rsplit("/", 1)[-1], ws).start()
        except ConnectionClosed:
            pass
        finally:
            live.discard(ws)

    server = await serve(handler, "127.0.0.1", port, **_ws_settings(compression))
    return Started(_port(server), lambda: len(live), _closer(server))


async def start_echo_hooked(port: int, compression: bool) -> Started:
    live: set[ServerConnection] = set()
    reply = ECHO_REPLY.encode()

    class Hooked(ServerConnection):
        """Answers each complete text message from websockets' protocol callback."""

        hooked = False

        def process_event(self, event: Any) -> None:
            if self.hooked and type(event) is Frame and event.opcode is Opcode.TEXT and event.fin:
                str(event.data, "utf-8")  # what websockets' recv() does: check the text
                self.protocol.send_text(reply)
                self.send_data()
                return
            super().process_event(event)

    async def handler(ws: ServerConnection) -> None:
        assert isinstance(ws, Hooked)
        live.add(ws)
        ws.hooked = True
        try:
            await ws.wait_closed()
        finally:
            live.discard(ws)

    server = await serve(handler, "127.0.0.1", port, create_connection=Hooked, **_ws_settings(compression))
    return Started(_port(server), lambda: len(live), _closer(server))


STARTERS: Final[dict[str, Callable[[int, bool], Awaitable[Started]]]] = {
    "ocppkit": start_ocppkit,
    "echo": start_echo,
    "echo-hooked": start_echo_hooked,
    "ocpp": start_ocpp,
}


# --------------------------------------------------------------------------
# Control channel
# --------------------------------------------------------------------------


def _reply(document: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(document) + "\n")
    sys.stdout.flush()


class Control:
    """Answers the commands read on stdin (see the module docstring)."""

    def __init__(self, connections: Callable[[], int]) -> None:
        self.connections = connections
        self.profile: cProfile.Profile | None = None

    def stats(self) -> dict[str, Any]:
        return {"cpu_s": cpu_seconds(), "rss_kb": rss_kb(), "connections": self.connections()}

    def handle(self, line: str) -> dict[str, Any]:
        command, _, argument = line.strip().partition(" ")
        if command == "stats":
            return self.stats()
        if command == "gc":
            gc.collect()
            _malloc_trim()
            return self.stats()
        if command == "profile":
            # CPU time of the loop thread, not wall time: a profile of where the CPU goes.
            self.profile = cProfile.Profile(time.thread_time)
            self.profile.enable()
            return {"ok": True}
        if command == "dump" and self.profile is not None:
            self.profile.disable()
            self.profile.dump_stats(Path(argument))
            self.profile = None
            return {"ok": True}
        return {"error": f"unknown command {line.strip()!r}"}


async def main_async(kind: str, port: int, compression: bool) -> None:
    loop = asyncio.get_running_loop()
    started = await STARTERS[kind](port, compression)
    control = Control(started.connections)
    done = loop.create_future()
    fd = sys.stdin.fileno()
    pending = bytearray()

    def on_stdin() -> None:
        chunk = os.read(fd, 65536)
        if not chunk:
            loop.remove_reader(fd)
            if not done.done():
                done.set_result(None)
            return
        pending.extend(chunk)
        while (end := pending.find(b"\n")) >= 0:
            line = pending[:end].decode()
            del pending[: end + 1]
            _reply(control.handle(line))

    loop.add_reader(fd, on_stdin)
    ready: dict[str, Any] = {"port": started.port, "pid": os.getpid(), "kind": kind}
    if kind == "ocpp":
        import ocpp.messages

        ready["ocpp_async_validation"] = bool(ocpp.messages.ASYNC_VALIDATION)
    _reply(ready)
    try:
        await done
    finally:
        loop.remove_reader(fd)
        async with asyncio.timeout(10):
            await started.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="One OCPP 1.6 CSMS for bench/e2e.py.")
    parser.add_argument("--kind", choices=list(STARTERS), required=True)
    parser.add_argument("--port", type=int, default=0, help="0: any free port (reported on stdout)")
    parser.add_argument("--no-compression", action="store_true", help="no permessage-deflate")
    args = parser.parse_args(argv)
    raise_nofile_limit()
    asyncio.run(main_async(args.kind, args.port, not args.no_compression))
    return 0


if __name__ == "__main__":
    sys.exit(main())
