"""A charging station's link to its CSMS over WebSocket: version preference, Basic auth, TLS and
client certificates, reconnection with randomized exponential back-off."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import random
import ssl as _ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, InvalidStatus
from websockets.typing import Subprotocol

from ocppkit import codec as _codec
from ocppkit.base import Response, StationRequest
from ocppkit.connection import CallError, MessageIds, StationConnection
from ocppkit.queue import MemoryQueue, QueuedMessage, RetryPolicy, TransactionQueue
from ocppkit.transport import (
    ClientFeed,
    LinkSettings,
    Trace,
    WireCounter,
    counting,
    pump,
    subprotocol_of,
    text_sender,
    version_module,
)
from ocppkit.validation import ValidationPolicy

__all__ = ["Backoff", "HandshakeRefused", "StationClient"]

_log = logging.getLogger("ocppkit.client")

R = TypeVar("R", bound=Response)


class HandshakeRefused(ConnectionError):
    """The CSMS refused the WebSocket handshake (HTTP status), or agreed on no OCPP version."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Backoff:
    """Reconnection delays with the semantics of OCPP 2.x's RetryBackOff* variables.

    The first wait is ``wait_minimum`` plus a random part up to ``random_range``; each further
    one doubles, ``repeat_times`` times, then stays there.
    """

    wait_minimum: float = 3.0
    random_range: float = 10.0
    repeat_times: int = 5
    stable_after: float = 60.0
    """A connection that lasted this long (seconds) starts the doubling afresh when it is lost."""

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before reconnection attempt ``attempt`` (0 = the first retry)."""
        doubling = min(attempt, self.repeat_times)
        jitter: float = (rng or random).uniform(0, self.random_range)
        return float(self.wait_minimum * 2**doubling) + jitter


@dataclass(slots=True)
class StationClient:
    """A charging station's connection manager.

    ``handlers(version)`` returns the handler object for a new connection: an instance of the
    negotiated version's ``StationHandlers`` subclass.
    """

    url: str
    """The CSMS endpoint; the identity is appended as the last path segment."""
    identity: str
    handlers: Callable[[str], object]
    versions: tuple[str, ...] = ("2.0.1",)
    """Offered in this order of preference."""
    password: str | None = None
    """Security profiles 1 and 2: HTTP Basic auth with the identity as user name."""
    ssl: _ssl.SSLContext | None = None
    """Profiles 2 and 3 (load a client certificate into the context for 3)."""
    link: LinkSettings = field(default_factory=LinkSettings)
    backoff: Backoff = field(default_factory=Backoff)
    call_timeout: float = 30.0
    policy: ValidationPolicy = field(default_factory=ValidationPolicy)
    queue: TransactionQueue = field(default_factory=MemoryQueue)
    """Where transaction-related messages wait (``SqliteQueue`` to survive a restart)."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    trace: Trace | None = None
    """Called with every frame sent and received (identity, ``"in"``/``"out"``, frame)."""
    wire: WireCounter | None = None
    """Counts the bytes on the socket each way, across reconnections (``None``: not counted)."""
    last_error: str | None = None
    """Why the last connection attempt failed (``None`` before any failure)."""
    connection: StationConnection | None = None
    """The live connection, or ``None`` while disconnected."""
    _ids: MessageIds = field(default_factory=MessageIds)
    _ws: ClientConnection | None = None
    _reader: asyncio.Task[None] | None = None
    _closing: bool = False
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    _waiters: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _drainer: asyncio.Task[None] | None = None

    @property
    def full_url(self) -> str:
        return self.url.rstrip("/") + "/" + quote(self.identity, safe="")

    async def connect(self) -> StationConnection:
        """Open one connection (no retry) and start reading from it."""
        headers = {}
        if self.password is not None:
            token = base64.b64encode(f"{self.identity}:{self.password}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        options: dict[str, Any] = {}
        if self.ssl is not None:  # without one, wss:// uses the system's trusted CAs
            options["ssl"] = self.ssl
        options["create_connection"] = ClientFeed if self.wire is None else counting(ClientFeed, self.wire)
        try:
            ws = await connect(
                self.full_url,
                subprotocols=[Subprotocol(subprotocol_of(v)) for v in self.versions],
                additional_headers=headers,
                **options,
                **self.link.websocket_options(),
                user_agent_header=None,
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            raise HandshakeRefused(f"the CSMS refused the connection: HTTP {status}", status) from None
        except InvalidHandshake as exc:  # e.g. a TLS 1.3 client certificate refused after the handshake
            raise HandshakeRefused(f"the WebSocket handshake failed: {exc}") from None
        if ws.subprotocol is None:
            await ws.close()
            raise HandshakeRefused(f"the CSMS speaks none of {', '.join(self.versions)}")
        module = version_module(ws.subprotocol)
        connection = StationConnection(
            version=module,
            handlers=self.handlers(module.OCPP_VERSION),
            send=text_sender(ws),
            identity=self.identity,
            message_ids=self._ids,
            call_timeout=self.call_timeout,
            policy=self.policy,
            trace=self.trace,
        )
        if isinstance(ws, ClientFeed):
            ws.ocpp_attach(connection)  # what the CSMS sends before the reader runs is kept in order
        self._ws, self.connection = ws, connection
        self._reader = asyncio.create_task(self._read(ws, connection))
        self.connected.set()
        self._start_drainer()
        return connection

    # -- transaction-related messages -----------------------------------------------------

    async def call_transaction(self, request: StationRequest[R]) -> R:
        """Send a transaction-related message through the queue and await its response.

        The message is validated and stored before anything is sent, delivered in order after
        the ones before it, kept while offline, and retried per `retry` when the CSMS
        fails to process it (the final failure raises [`CallError`][ocppkit.connection.CallError]).
        """
        future = self.queue_transaction(request)
        result: R = await future
        return result

    def queue_transaction(self, request: StationRequest[Any]) -> asyncio.Future[Any]:
        """Store a transaction-related message for delivery; returns a future of its response."""
        codec: _codec.Codec = request.__ocppkit_codec__
        payload = _codec.encode(
            request, mode=self.policy.mode(codec.action, "outbound"), report=self.policy.report
        )
        item = self.queue.push(codec.version, codec.action, payload)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters[item.key] = future
        self._wake.set()
        self._start_drainer()
        return future

    def _start_drainer(self) -> None:
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())

    def _settle(self, item: QueuedMessage, result: Any = None, error: BaseException | None = None) -> None:
        self.queue.remove(item.key)
        future = self._waiters.pop(item.key, None)
        if future is None or future.done():
            if error is not None:
                _log.warning("%s: dropped queued %s: %s", self.identity, item.action, error)
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    async def _drain(self) -> None:
        while not self._closing:
            item = self.queue.head()
            if item is None:
                self._wake.clear()
                await self._wake.wait()
                continue
            connection = self.connection
            if connection is None or connection.closed:
                await self.connected.wait()
                continue
            if item.version != connection.version:
                self._settle(
                    item,
                    error=ConnectionError(
                        f"queued under OCPP {item.version}, connected with {connection.version}"
                    ),
                )
                continue
            request = _codec.decode(version_module(item.version).ACTIONS[item.action].request, item.payload)
            try:
                response = await connection.call(request)
            except CallError as exc:
                updated = self.queue.failed(item.key)
                if updated.attempts >= self.retry.attempts:
                    self._settle(item, error=exc)
                else:
                    await asyncio.sleep(self.retry.retry_interval * updated.attempts)
                continue
            except (ConnectionError, TimeoutError):  # offline, or no answer: keep it, try again
                if self.connection is connection and not connection.closed:
                    await asyncio.sleep(self.retry.retry_interval)
                continue
            self._settle(item, response)

    async def _read(self, ws: ClientConnection, connection: StationConnection) -> None:
        try:
            await pump(ws, connection)
        finally:
            if self.connection is connection:
                self.connection = None
                self.connected.clear()

    async def run(self, on_connect: Callable[[StationConnection], object] | None = None) -> None:
        """Stay connected until [`close`][ocppkit.client.StationClient.close]: reconnect with back-off
        whenever the link drops.

        ``on_connect`` runs after each (re)connection, e.g. to send BootNotification.
        """
        attempt = 0
        loop = asyncio.get_running_loop()
        while not self._closing:
            try:
                connection = await self.connect()
            except (TimeoutError, OSError, HandshakeRefused) as exc:
                delay = self.backoff.delay(attempt)
                attempt += 1
                self.last_error = str(exc) or type(exc).__name__
                _log.warning("%s: cannot connect (%s); retrying in %.1f s", self.identity, exc, delay)
                await asyncio.sleep(delay)
                continue
            since = loop.time()
            if on_connect is not None:
                result = on_connect(connection)
                if asyncio.iscoroutine(result):
                    await result
            if self._reader is not None:
                await asyncio.shield(self._reader)
            if self.closing:
                break
            # Back off after a lost connection too (OCPP 2.x RetryBackOff*), so that a CSMS that
            # accepts and drops at once is not hammered; the doubling restarts after a stable link.
            if loop.time() - since >= self.backoff.stable_after:
                attempt = 0
            delay = self.backoff.delay(attempt)
            attempt += 1
            _log.info("%s: connection lost; reconnecting in %.1f s", self.identity, delay)
            await asyncio.sleep(delay)

    @property
    def websocket(self) -> ClientConnection | None:
        """The live WebSocket (websockets' connection object), or ``None``."""
        return self._ws

    @property
    def closing(self) -> bool:
        """[`close`][ocppkit.client.StationClient.close] was called: no more reconnections."""
        return self._closing

    async def drop(self) -> None:
        """Close the current connection (e.g. to reboot); [`run`][ocppkit.client.StationClient.run]
        connects again."""
        if self._ws is not None:
            await self._ws.close()

    async def close(self) -> None:
        """Close the link and stop reconnecting; queued messages stay in the queue."""
        self._closing = True
        self._wake.set()
        self.connected.set()
        if self._drainer is not None:
            self._drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drainer
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
