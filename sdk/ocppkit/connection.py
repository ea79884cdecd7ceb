"""One OCPP-J connection, independent of the transport: correlation, queueing, dispatch, errors.

A transport (``ocppkit.server``, ``ocppkit.client``, or a test) gives the connection a coroutine
that sends one WebSocket message and feeds it every message received. The connection then

* sends one CALL at a time per direction, queueing further calls in order (SEND is exempt);
* lets CALLs cross: an incoming CALL is handled in its own task, so a handler may itself await
  an outgoing call without blocking the connection;
* answers every CALL: NotImplemented for an unknown action, NotSupported for a known action
  without a handler, the validation code of the negotiated version for a bad payload,
  InternalError (no internals) when a handler fails;
* raises [`CallError`][ocppkit.connection.CallError] to the caller of a CALL answered with
  CALLERROR (or, in 2.1, CALLRESULTERROR), and in 2.1 answers an invalid CALLRESULT with CALLRESULTERROR.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import string
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal, TypeVar

from ocppkit import codec as _codec
from ocppkit.base import Action, CsmsRequest, Request, Response, SendMessage, StationRequest
from ocppkit.errors import ValidationError
from ocppkit.rpc import (
    BadFrame,
    CallErrorFrame,
    CallFrame,
    IgnoredFrame,
    ResultFrame,
    SendFrame,
    build_error,
    parse_frame,
)
from ocppkit.validation import ValidationPolicy

__all__ = [
    "CallContext",
    "CallError",
    "Connection",
    "CsmsConnection",
    "MessageIds",
    "NotSupportedError",
    "OcppError",
    "StationConnection",
    "Trace",
]

_log = logging.getLogger("ocppkit.connection")

R = TypeVar("R", bound=Response)
Role = Literal["station", "csms"]
Send = Callable[[bytes], Awaitable[None]]
Trace = Callable[[str, str, bytes | str], None]
"""``trace(identity, direction, frame)``: every OCPP-J message a connection sends (``"out"``) or
receives (``"in"``), as it is on the WebSocket, e.g. for a live log or a message count."""


class OcppError(Exception):
    """Raise it in a handler to answer with a CALLERROR of your choosing (e.g. ``SecurityError``)."""

    def __init__(self, code: str, description: str = "", details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {description}" if description else code)
        self.code = code
        self.description = description
        self.details = details or {}


class CallError(Exception):
    """The peer answered a CALL with CALLERROR (or, in OCPP 2.1, CALLRESULTERROR)."""

    def __init__(
        self, action: str, code: str, description: str, details: dict[str, Any], *, result_error: bool = False
    ) -> None:
        kind = "CALLRESULTERROR" if result_error else "CALLERROR"
        super().__init__(f"{action}: {kind} {code}: {description}")
        self.action = action
        self.code = code
        self.description = description
        self.details = details
        self.result_error = result_error


class MessageIds:
    """Short message ids, unique per sender: a random prefix per process and identity, then a
    counter. Keep one per station identity across reconnects (OCPP 2.0.1 asks for uniqueness
    across the connections of an identity)."""

    _ALPHABET = string.ascii_letters + string.digits

    def __init__(self, prefix: str | None = None) -> None:
        self._prefix = (
            prefix if prefix is not None else "".join(secrets.choice(self._ALPHABET) for _ in range(4))
        )
        self._counter = itertools.count(1)

    def __call__(self) -> str:
        return f"{self._prefix}{next(self._counter):x}"


@dataclass(frozen=True, slots=True)
class CallContext:
    """What a handler knows about the CALL it answers."""

    identity: str
    version: str
    unique_id: str
    action: str
    connection: Connection


Handler = Callable[[Any, CallContext], Awaitable[Any]]


def _traced(send: Send, trace: Trace, identity: str) -> Send:
    async def traced(data: bytes) -> None:
        trace(identity, "out", data)
        await send(data)

    return traced


class NotSupportedError(Exception):
    """Raised by the generated skeletons' default handlers: answered with NotSupported."""


class Connection:
    """An OCPP-J session over any message transport. Use the role's subclass."""

    role: Role

    def __init__(
        self,
        *,
        version: ModuleType,
        handlers: object,
        send: Send,
        identity: str,
        message_ids: MessageIds | None = None,
        call_timeout: float = 30.0,
        policy: ValidationPolicy | None = None,
        trace: Trace | None = None,
    ) -> None:
        self.version: str = version.OCPP_VERSION
        self.identity = identity
        self.handlers = handlers
        self.call_timeout = call_timeout
        self.policy = policy or ValidationPolicy()
        self._actions: Mapping[str, Action] = version.ACTIONS
        self._routes: Mapping[str, str] = version.handlers.ROUTES[self.role]
        self._trace = trace
        if trace is not None:
            send = _traced(send, trace, identity)
        self._send = send
        self._ids = message_ids or MessageIds()
        self._call_lock = asyncio.Lock()
        self._pending: tuple[str, Action, asyncio.Future[Any]] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.closed = False

    # -- outgoing ------------------------------------------------------------------------

    def _check_outgoing(self, message: object, kinds: type | tuple[type, ...]) -> _codec.Codec:
        codec: _codec.Codec | None = getattr(type(message), "__ocppkit_codec__", None)
        if codec is None or codec.role != "request":
            raise TypeError(f"{type(message).__qualname__} is not an OCPP request class")
        if codec.version != self.version:
            raise TypeError(
                f"{type(message).__qualname__} is OCPP {codec.version}; this connection speaks {self.version}"
            )
        if not isinstance(message, kinds):
            raise TypeError(f"a {self.role} does not send {codec.action}")
        return codec

    async def _call(self, request: Request[R]) -> R:
        codec = self._check_outgoing(request, self._sends)
        unique_id = self._ids()
        frame = self._frame(request, codec.action, unique_id)  # validated before it waits its turn
        async with self._call_lock:
            if self.closed:
                raise ConnectionError("connection closed")
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            self._pending = (unique_id, self._actions[codec.action], future)
            try:
                await self._send(frame)
                return await asyncio.wait_for(future, self.call_timeout)
            finally:
                self._pending = None

    async def send_message(self, message: SendMessage) -> None:
        """Send a SEND message (OCPP 2.1): not queued behind CALLs, never answered."""
        codec = self._check_outgoing(message, SendMessage)
        await self._send(self._frame(message, codec.action, self._ids()))

    def _decode(self, cls: type[Any], payload: Any, action: str) -> Any:
        mode = self.policy.mode(action, "inbound")
        return _codec.decode(cls, payload, mode=mode, report=self.policy.report)

    def _frame(self, message: Any, action: str, unique_id: str) -> bytes:
        """The whole OCPP-J frame of an outgoing message, validated, in one encode."""
        mode = self.policy.mode(action, "outbound")
        return _codec.encode_frame(message, unique_id, mode, self.policy.report)

    _sends: type | tuple[type, ...] = Request

    # -- incoming ------------------------------------------------------------------------

    async def receive(self, data: bytes | str) -> None:
        """Feed one received WebSocket message."""
        if self._trace is not None:
            self._trace(self.identity, "in", data)
        frame = parse_frame(data, self.version)
        if isinstance(frame, CallFrame):
            self._spawn(self._handle_call(frame))
        elif isinstance(frame, ResultFrame):
            await self._handle_result(frame)
        elif isinstance(frame, CallErrorFrame):
            self._handle_error(frame)
        elif isinstance(frame, SendFrame):
            self._spawn(self._handle_send(frame))
        elif isinstance(frame, BadFrame):
            _log.warning("%s: bad frame from %s: %s", self.version, self.identity, frame.reason)
            if frame.reply is not None:
                await self._send(frame.reply)
        elif isinstance(frame, IgnoredFrame):
            _log.info("%s: ignored a frame from %s: %s", self.version, self.identity, frame.reason)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle_call(self, frame: CallFrame) -> None:
        reply = await self._answer(frame)
        if not self.closed:
            await self._send(reply)

    async def _answer(self, frame: CallFrame) -> bytes:  # noqa: PLR0911 (one early answer per rule)
        action = self._actions.get(frame.action)
        uid = frame.unique_id
        if action is None:
            return build_error(
                uid, "NotImplemented", f"action {frame.action!r} is not part of OCPP {self.version}"
            )
        method = self._routes.get(frame.action)
        if method is None or action.response is None:
            return build_error(uid, "NotSupported", f"a {self.role} does not handle {frame.action}")
        try:
            request = self._decode(action.request, frame.payload, frame.action)
        except ValidationError as exc:
            return build_error(uid, exc.code, exc.message, {"path": exc.path} if exc.path else None)
        context = CallContext(self.identity, self.version, uid, frame.action, self)
        try:
            response = await getattr(self.handlers, method)(request, context)
        except NotSupportedError:
            return build_error(uid, "NotSupported", f"{frame.action} is not supported")
        except OcppError as exc:
            return build_error(uid, exc.code, exc.description, exc.details)
        except Exception:
            _log.exception("%s: handler for %s from %s failed", self.version, frame.action, self.identity)
            return build_error(
                uid, "InternalError", f"an internal error occurred while handling {frame.action}"
            )
        if type(response) is not action.response:
            _log.error("%s: handler for %s returned %r", self.version, frame.action, type(response))
            return build_error(
                uid, "InternalError", f"an internal error occurred while handling {frame.action}"
            )
        try:
            return self._frame(response, frame.action, uid)
        except ValidationError as exc:
            _log.error("%s: handler for %s returned an invalid response: %s", self.version, frame.action, exc)
            return build_error(
                uid, "InternalError", f"an internal error occurred while handling {frame.action}"
            )

    async def _handle_send(self, frame: SendFrame) -> None:
        action = self._actions.get(frame.action)
        method = self._routes.get(frame.action)
        if action is None or method is None:
            _log.warning("%s: SEND %s from %s has no handler", self.version, frame.action, self.identity)
            return
        try:
            message = _codec.decode(
                action.request, frame.payload, mode=self.policy.mode(frame.action, "inbound")
            )
            await getattr(self.handlers, method)(
                message, CallContext(self.identity, self.version, frame.unique_id, frame.action, self)
            )
        except Exception:
            _log.exception("%s: SEND %s from %s failed", self.version, frame.action, self.identity)

    async def _handle_result(self, frame: ResultFrame) -> None:
        pending = self._pending
        if pending is None or pending[0] != frame.unique_id or pending[2].done():
            _log.warning(
                "%s: CALLRESULT %s from %s matches no outstanding call",
                self.version,
                frame.unique_id,
                self.identity,
            )
            return
        unique_id, action, future = pending
        assert action.response is not None
        try:
            response = self._decode(action.response, frame.payload, action.name)
        except ValidationError as exc:
            if self.version == "2.1":
                await self._send(build_error(unique_id, exc.code, exc.message, None, result_error=True))
            future.set_exception(exc)
            return
        future.set_result(response)

    def _handle_error(self, frame: CallErrorFrame) -> None:
        pending = self._pending
        if pending is None or pending[0] != frame.unique_id or pending[2].done():
            level = logging.INFO if frame.result_error else logging.WARNING
            _log.log(
                level,
                "%s: %s from %s: %s %s",
                self.version,
                "error",
                self.identity,
                frame.code,
                frame.description,
            )
            return
        pending[2].set_exception(
            CallError(
                pending[1].name, frame.code, frame.description, frame.details, result_error=frame.result_error
            )
        )

    # -- life cycle ----------------------------------------------------------------------

    def connection_lost(self) -> None:
        """The transport is gone: fail the outstanding call, cancel running handlers."""
        self.closed = True
        if self._pending is not None and not self._pending[2].done():
            self._pending[2].set_exception(ConnectionError("connection closed"))
        for task in list(self._tasks):
            task.cancel()


class StationConnection(Connection):
    """The charging station's side: it calls what a station sends."""

    role: Role = "station"
    _sends = (StationRequest,)

    async def call(self, request: StationRequest[R]) -> R:
        """Send a CALL and await its CALLRESULT, typed by the request's response class."""
        return await self._call(request)


class CsmsConnection(Connection):
    """The CSMS's side of a station's connection: it calls what a CSMS sends."""

    role: Role = "csms"
    _sends = (CsmsRequest,)

    async def call(self, request: CsmsRequest[R]) -> R:
        """Send a CALL and await its CALLRESULT, typed by the request's response class."""
        return await self._call(request)
