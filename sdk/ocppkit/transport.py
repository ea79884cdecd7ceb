"""What the websockets server and client share: versions by subprotocol, and link settings."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any, Final, Protocol

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from ocppkit.connection import Connection, Trace

_TEXT: Final = Opcode.TEXT
_BINARY: Final = Opcode.BINARY
_OPEN: Final = State.OPEN
_CLOSED: Final = State.CLOSED

__all__ = [
    "SUBPROTOCOLS",
    "ClientFeed",
    "LinkSettings",
    "ServerFeed",
    "Trace",
    "WireCounter",
    "pump",
    "text_sender",
    "version_module",
]

SUBPROTOCOLS: Final = {"ocpp2.1": "v21", "ocpp2.0.1": "v201", "ocpp1.6": "v16"}
"""WebSocket subprotocol → ocppkit version package."""

_BY_VERSION: Final = {"2.1": "ocpp2.1", "2.0.1": "ocpp2.0.1", "1.6": "ocpp1.6"}


def version_module(version_or_subprotocol: str) -> ModuleType:
    """``"2.0.1"`` or ``"ocpp2.0.1"`` → ``ocppkit.v201``."""
    sub = _BY_VERSION.get(version_or_subprotocol, version_or_subprotocol)
    if sub not in SUBPROTOCOLS:
        raise ValueError(f"unknown OCPP version {version_or_subprotocol!r}; known: {', '.join(_BY_VERSION)}")
    return import_module(f"ocppkit.{SUBPROTOCOLS[sub]}")


class _Sends(Protocol):
    async def send(self, message: bytes, *, text: bool | None = None) -> None: ...


def text_sender(ws: _Sends) -> Callable[[bytes], Awaitable[None]]:
    """Send OCPP-J frames as WebSocket *text* frames (OCPP-J requires text; the bytes are UTF-8)."""

    async def send(data: bytes) -> None:
        try:
            await ws.send(data, text=True)
        except ConnectionClosed as exc:  # what callers of a Connection handle, whatever the transport
            raise ConnectionError(f"connection closed: {exc}") from None

    return send


class _Receives(Protocol):
    async def recv(self) -> str | bytes: ...


async def pump(ws: _Receives, connection: Connection) -> None:
    """Have ``connection`` handle every message of ``ws`` until the link closes.

    On a connection of ocppkit's own websockets classes (`ServerFeed`, `ClientFeed`), messages
    are pushed to it as websockets parses them, and this task is the connection's host (see
    [`Connection.serve`][ocppkit.connection.Connection.serve]); on any other, it reads them.
    """
    if isinstance(ws, _Feeds):
        ws.ocpp_attach(connection)
        await connection.serve(ws.ocpp_send_now)
    else:
        await connection.run(ws.recv, ConnectionClosed)


class _Feeds:
    """What ocppkit adds to websockets' asyncio connection classes: each complete text message
    goes to the OCPP connection straight from websockets' protocol callback (``process_event``),
    not through websockets' message queue and a task wake-up per message, and answers are
    written at once. Anything else (binary or fragmented messages, text that is not UTF-8,
    messages before the OCPP connection is attached) takes websockets' own way, read back in
    order by a task, so websockets' rules apply to it unchanged.

    Flow control: while the socket's write buffer is above its high-water mark, reading
    pauses, so a peer that sends without reading its answers is slowed down, not buffered for.
    """

    _ocpp: Connection | None = None
    _queued = 0
    """Messages given to websockets' own queue and not yet read back: until they are, every
    message goes that way, so that order is kept."""
    _reader: asyncio.Task[None] | None = None

    # websockets' connection attributes used here (declared for the type checker)
    protocol: Any
    transport: Any
    loop: asyncio.AbstractEventLoop

    def process_event(self, event: Any) -> None:
        if type(event) is Frame:
            opcode = event.opcode
            ocpp = self._ocpp
            if opcode is _TEXT and event.fin and not self._queued and ocpp is not None:
                data = event.data
                if ocpp.feed_call(data):
                    return
                try:
                    text = str(data, "utf-8")
                except UnicodeDecodeError:
                    pass  # websockets' way: it closes the connection with 1007
                else:
                    ocpp.feed(text, True)
                    return
            if opcode is _TEXT or opcode is _BINARY:  # the first frame of a message
                self._queued += 1
                self._read_queued()
        super().process_event(event)  # type: ignore[misc]

    def ocpp_attach(self, connection: Connection) -> None:
        """Feed ``connection`` from now on (and whatever arrived before, first)."""
        self._ocpp = connection
        if self.protocol.state is _CLOSED:  # the link ended before it was attached
            connection.connection_lost()
            return
        self._read_queued()

    def _read_queued(self) -> None:
        if self._ocpp is not None and self._queued and self._reader is None:
            self._reader = self.loop.create_task(self._read_back(self._ocpp))

    async def _read_back(self, connection: Connection) -> None:
        try:
            while self._queued:
                data = await self.recv()  # type: ignore[attr-defined]
                self._queued -= 1
                connection.feed(data)
        except ConnectionClosed:
            pass
        finally:
            self._reader = None

    def ocpp_send_now(self, data: bytes) -> None:
        """Write one text frame now; nothing if the link is closing."""
        protocol = self.protocol
        if protocol.state is _OPEN:
            protocol.send_text(data)
            self.send_data()  # type: ignore[attr-defined]

    def pause_writing(self) -> None:
        super().pause_writing()  # type: ignore[misc]
        self.transport.pause_reading()

    def resume_writing(self) -> None:
        super().resume_writing()  # type: ignore[misc]
        self.transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)  # type: ignore[misc]
        if self._ocpp is not None:
            self._ocpp.connection_lost()


class ServerFeed(_Feeds, ServerConnection):
    """websockets' server connection, feeding an OCPP connection (what `CsmsServer` uses)."""


class ClientFeed(_Feeds, ClientConnection):
    """websockets' client connection, feeding an OCPP connection (what `StationClient` uses)."""


def subprotocol_of(version: str) -> str:
    return _BY_VERSION.get(version, version)


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """WebSocket settings; the defaults suit a charger on a metered mobile link.

    websockets' own defaults ping every 20 s from each side; `ocppkit bandwidth --ping-interval 20`
    measures about 28 MB a month for one side's pings (TCP/IP and TLS included), twice that for
    both: more than OCA's 25 MB budget for a charger. OCPP has its own liveness (Heartbeat,
    and 2.x's WebSocketPingInterval, which the CSMS may set), so ocppkit does not ping unless
    asked. permessage-deflate is on: OCPP's repetitive JSON compresses well.
    """

    ping_interval: float | None = None
    """Seconds between WebSocket pings from this side; ``None``: none."""
    ping_timeout: float | None = 30.0
    compression: bool = True
    """permessage-deflate (RFC 7692); OCPP 2.x requires a CSMS to support it."""
    max_message_size: int = 256 * 1024
    """Larger incoming messages close the connection (1009)."""
    open_timeout: float = 10.0
    close_timeout: float = 5.0

    def websocket_options(self) -> dict[str, Any]:
        """These settings as keyword arguments of websockets' ``serve`` and ``connect``."""
        return {
            "compression": "deflate" if self.compression else None,
            "ping_interval": self.ping_interval,
            "ping_timeout": self.ping_timeout,
            "max_size": self.max_message_size,
            "open_timeout": self.open_timeout,
            "close_timeout": self.close_timeout,
        }


class WireCounter:
    """Bytes a connection's socket carries each way: what TCP transports, HTTP upgrade,
    WebSocket framing and permessage-deflate included (under TLS: the plaintext, before
    encryption). Give one to [`ocppkit.client.StationClient`][ocppkit.client.StationClient]
    (``wire=``) to measure a link; it keeps counting across reconnections."""

    __slots__ = ("connections", "reads", "received", "sent", "writes")

    def __init__(self) -> None:
        self.sent = 0
        self.received = 0
        self.writes = 0
        """Calls to the transport's ``write``: each leaves as at least one TCP segment."""
        self.reads = 0
        """Chunks received (on an idle link, about one per segment the peer sent)."""
        self.connections = 0

    def __repr__(self) -> str:
        return f"WireCounter(sent={self.sent}, received={self.received}, connections={self.connections})"


class _CountingTransport:
    """Delegates to a transport, counting what is written."""

    def __init__(self, transport: asyncio.Transport, counter: WireCounter) -> None:
        self._transport = transport
        self._counter = counter

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._counter.sent += len(data)
        self._counter.writes += 1
        self._transport.write(data)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def counting(base: type[Any], counter: WireCounter) -> type[Any]:
    """A subclass of a websockets connection class that counts its socket's bytes in ``counter``."""

    class Counting(base):  # type: ignore[misc]
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            counter.connections += 1
            super().connection_made(_CountingTransport(transport, counter))  # type: ignore[arg-type]

        def data_received(self, data: bytes) -> None:
            counter.received += len(data)
            counter.reads += 1
            super().data_received(data)

    return Counting
