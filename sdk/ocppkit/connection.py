"""One OCPP-J connection, independent of the transport: correlation, queueing, dispatch, errors.

A transport (``ocppkit.server``, ``ocppkit.client``, or a test) gives the connection a coroutine
that sends one WebSocket message and feeds it every message received. The connection then

* sends one CALL at a time per direction, queueing further calls in order (SEND is exempt);
* lets CALLs cross: a handler may itself await an outgoing call without blocking the
  connection. A handler runs as an eager task would: at once, in a copy of the context, and in
  the connection's own task when it has to wait (see `Connection.serve`), so that most CALLs
  are answered with no task made and none woken;
* answers every CALL: NotImplemented for an unknown action, NotSupported for a known action
  without a handler, the validation code of the negotiated version for a bad payload,
  InternalError (no internals) when a handler fails;
* raises [`CallError`][ocppkit.connection.CallError] to the caller of a CALL answered with
  CALLERROR (or, in 2.1, CALLRESULTERROR), and in 2.1 answers an invalid CALLRESULT with CALLRESULTERROR.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import logging
import re
import secrets
import string
import types
from collections.abc import Awaitable, Callable, Coroutine, Generator, Mapping
from types import ModuleType
from typing import Any, Literal, TypeVar

import msgspec

from ocppkit import codec as _codec
from ocppkit.base import Action, CsmsRequest, Request, Response, SendMessage, StationRequest
from ocppkit.errors import ValidationError
from ocppkit.rpc import (
    BadFrame,
    CallErrorFrame,
    CallFrame,
    Frame,
    ResultFrame,
    SendFrame,
    build_error,
    parse_frame,
)
from ocppkit.validation import ValidationMode, ValidationPolicy

try:  # what an eager task does (CPython 3.12) to run a step in a task's name, without a task step
    from asyncio.tasks import _enter_task, _leave_task
except ImportError:  # pragma: no cover
    _enter_task = _leave_task = None  # type: ignore[assignment]

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
T = TypeVar("T")
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


class CallContext:
    """What a handler knows about the CALL it answers (read-only)."""

    __slots__ = ("action", "connection", "identity", "unique_id", "version")

    # A plain class: made for every CALL, and a frozen dataclass costs four times as much.
    def __init__(
        self, identity: str, version: str, unique_id: str, action: str, connection: Connection
    ) -> None:
        self.identity = identity
        """The station's identity."""
        self.version = version
        """The connection's OCPP version: ``"1.6"``, ``"2.0.1"`` or ``"2.1"``."""
        self.unique_id = unique_id
        """The CALL's message id."""
        self.action = action
        self.connection = connection
        """The connection the CALL came on: call the peer back through it."""

    def __repr__(self) -> str:
        return (
            f"CallContext(identity={self.identity!r}, version={self.version!r}, "
            f"unique_id={self.unique_id!r}, action={self.action!r})"
        )


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
        self._fast: dict[bytes, _Route | None] = {}
        """Per action name (its bytes), the fast path's route (see `_fast_route`), made on first use."""
        self._handlers = handlers
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
        self._suspended: set[_Suspended] = set()
        """Handlers that have suspended and not yet finished."""
        self._loop: Any = None
        """The event loop, once `serve` runs (``Any``: read on the hot path without checks)."""
        self._host: Any = None
        """The task running `serve`, while it runs."""
        self._host_idle = False
        """The host awaits ``_host_wake`` and runs no handler: a CALL may be handled in place."""
        self._host_wake: asyncio.Future[None] | None = None
        self._handover: _Handover | None = None
        self._send_now: Callable[[bytes], None] | None = None
        self.closed = False

    @property
    def handlers(self) -> object:
        """The object whose ``on_<action>`` methods answer the peer (it may be replaced)."""
        return self._handlers

    @handlers.setter
    def handlers(self, handlers: object) -> None:
        self._handlers = handlers
        self._fast.clear()  # the routes hold the old object's bound methods

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
    #
    # A transport either pushes each received message with `feed` (websockets, see
    # ocppkit.transport: from websockets' protocol callback, with ``eager=True``, while the
    # connection's task runs `serve`), or is read with `run`. Eagerly fed, a CALL is answered in
    # that callback when its handler does not suspend, with the host task as the current task:
    # no task, no wake-up. A handler that suspends goes on in the host task, which is its own
    # task then. When the host is busy (or the message is fed from inside a task), each CALL and
    # SEND gets a task of its own.

    def feed_call(self, data: bytes | bytearray | memoryview) -> bool:
        """The fast way in for a CALL fed eagerly (see `feed`), as the raw bytes of a text frame:
        ``True`` when it was handled (answered, or its handler handed to the host), ``False``
        when it must be fed with `feed` (not a CALL, not one this path takes, or the host is
        busy). Bytes it takes are valid UTF-8: msgspec checks every string it decodes, and
        anything else in a JSON text is ASCII."""
        if not self._host_idle:
            return False
        match = _CALL_PREFIX.match(data)
        if match is None:
            return False
        uid, key = match.group(1, 2)
        route = self._fast.get(key, _UNKNOWN)
        if route is _UNKNOWN:
            route = self._fast_route(key)
        if route is None:
            return False
        try:
            request = route[0].frame_decode(data)
        except Exception:  # the full path decides, and explains
            return False
        if self._trace is not None:
            self._trace(self.identity, "in", bytes(data))
        self._call_fast(route, uid.decode(), route[4], request)
        return True

    def feed(self, data: bytes | str, eager: bool = False) -> None:
        """Handle one received WebSocket message. Never raises for what the peer sent.

        ``eager``: called from the transport's protocol callback (no task is running): while
        the host is idle, a CALL is then handled at once in the host's name (see
        [`serve`][ocppkit.connection.Connection.serve]); otherwise each CALL and SEND gets a task.
        """
        if self._trace is not None:
            self._trace(self.identity, "in", data)
        self._dispatch(parse_frame(data, self.version), eager and self._host_idle)

    def _call_fast(self, route: _Route, uid: str, name: str, request: Any) -> None:
        """`_step` and `_answer_with` in one, for the common case: a handler that returns a
        response of its class at once, written by the codec's fast path."""
        coro = route[1](request, CallContext(self.identity, self.version, uid, name, self))
        loop = self._loop
        host = self._host
        context = contextvars.copy_context()
        _enter_task(loop, host)
        try:
            awaiting = context.run(coro.send, None)
        except StopIteration as stop:
            response: Any = stop.value
            if type(response) is route[2].response and route[3]:
                try:
                    reply: bytes | None = _json_encode(response.__ocppkit_wire__(uid))  # type: ignore[attr-defined]
                except Exception:  # the codec's full path decides, and explains
                    reply = self._answer_with(response, uid, name, route[2])
            else:
                reply = self._answer_with(response, uid, name, route[2])
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            reply = self._answer_failure(exc, uid, name, route[2])
        else:
            self._handed_over((coro, context, awaiting, uid, name, route[2]))
            return
        finally:
            _leave_task(loop, host)
        if reply is not None:
            self._out(reply)

    def _fast_route(self, key: bytes) -> _Route | None:
        """How a CALL of action ``key`` (its name's bytes, as in the frame) takes the fast path
        on this connection (``None``: it does not): a handled action, strictly validated on
        the way in."""
        route: _Route | None = None
        try:
            name = key.decode()
        except UnicodeDecodeError:
            name = ""
        action = self._actions.get(name)
        method = self._routes.get(name)
        if (
            action is not None
            and method is not None
            and action.response is not None
            and self.policy.mode(name, "inbound") is _STRICT
        ):
            route = (
                action.request.__ocppkit_codec__,
                getattr(self.handlers, method),
                action,
                self.policy.mode(name, "outbound") is _STRICT,
                name,
            )
        if len(self._fast) < len(self._actions):  # action names a peer made up are not kept
            self._fast[key] = route
        return route

    def _dispatch(self, frame: Frame, in_place: bool) -> None:
        if isinstance(frame, CallFrame | SendFrame):
            if in_place:
                self._frame_in_place(frame)
            else:
                self._spawn(self._handle_frame(frame))
        elif isinstance(frame, ResultFrame):
            self._handle_result(frame)
        elif isinstance(frame, CallErrorFrame):
            self._handle_error(frame)
        elif isinstance(frame, BadFrame):
            _log.warning("%s: bad frame from %s: %s", self.version, self.identity, frame.reason)
            if frame.reply is not None:
                self._out(frame.reply)
        else:
            _log.info("%s: ignored a frame from %s: %s", self.version, self.identity, frame.reason)

    async def receive(self, data: bytes | str) -> None:
        """Feed one received message from inside a task (each CALL and SEND gets a task)."""
        self.feed(data)

    async def run(
        self,
        recv: Callable[[], Awaitable[bytes | str]],
        closed: type[BaseException] | tuple[type[BaseException], ...] = EOFError,
    ) -> None:
        """Read messages with ``recv`` and handle each until ``recv`` raises ``closed`` (the
        link is gone); then the connection is lost. For transports that cannot push messages."""
        try:
            while not self.closed:
                self.feed(await recv())
        except closed:
            pass
        finally:
            self.connection_lost()

    async def serve(self, send_now: Callable[[bytes], None]) -> None:
        """Be this connection's host task until the connection is lost.

        The transport feeds messages with ``feed(data, eager=True)`` from its protocol callback
        and gives ``send_now``, which writes a frame at once (dropping it if the link is
        closing). While the host is idle, a CALL is handled right there: its handler's first
        step runs with the host as the current task, in a copy of the context, and when it
        returns (most do, without suspending) the answer is written before the callback ends.
        A handler that suspends is handed to the host, which runs it to its end as its own
        task: ``asyncio.current_task()``, ``asyncio.timeout()`` and cancellation mean in it
        what they would in a task of its own.
        """
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._send_now = send_now
        self._host = asyncio.current_task()
        try:
            while not self.closed:
                wake = self._host_wake = loop.create_future()
                self._host_idle = _enter_task is not None  # else every CALL gets a task
                thrown: BaseException | None = None
                try:
                    await wake
                except asyncio.CancelledError as exc:
                    if self._handover is None:
                        raise
                    thrown = exc  # meant for the handler just handed over (its timeout, say)
                self._host_idle = False
                handover, self._handover = self._handover, None
                if handover is not None:
                    await self._finish(handover, thrown)
        finally:
            self._host_idle = False
            self._host = None
            self.connection_lost()

    # -- handling in place (from the transport's callback) -------------------------------

    def _frame_in_place(self, frame: CallFrame | SendFrame) -> None:
        """A CALL or SEND that did not take the fast path: the rules, then the handler in place."""
        name = frame.action
        uid = frame.unique_id
        if isinstance(frame, SendFrame):
            prepared = self._prepare_send(frame)
            if prepared is not None:
                self._step(prepared, uid, name, None)
            return
        reply, call = self._prepare_call(frame)
        if call is not None:
            reply = self._step(call, uid, name, self._actions[name])
        if reply is not None:
            self._out(reply)

    def _step(self, coro: Any, uid: str, name: str, action: Action | None) -> bytes | None:
        """Run a handler's first step with the host as current task; the reply, if it finished
        (``None`` for a SEND, or when handed over to the host)."""
        loop = self._loop
        host = self._host
        context = contextvars.copy_context()
        _enter_task(loop, host)
        try:
            awaiting = context.run(coro.send, None)
        except StopIteration as stop:
            return None if action is None else self._answer_with(stop.value, uid, name, action)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            return self._answer_failure(exc, uid, name, action)
        finally:
            _leave_task(loop, host)
        self._handed_over((coro, context, awaiting, uid, name, action))
        return None

    def _handed_over(self, handover: _Handover) -> None:
        """A handler run in place has suspended: the host goes on with it."""
        self._host_idle = False
        self._handover = handover
        wake = self._host_wake
        if wake is not None and not wake.done():
            wake.set_result(None)

    async def _finish(self, handover: _Handover, thrown: BaseException | None) -> None:
        """In the host task: run a handed-over handler to its end, then answer."""
        coro, context, awaiting, uid, name, action = handover
        try:
            result = await _resume(coro, context, awaiting, thrown, self)
        except (KeyboardInterrupt, SystemExit):
            raise
        except asyncio.CancelledError as exc:
            host = asyncio.current_task()
            if host is not None and host.cancelling():  # the host itself is being cancelled
                raise
            # The handler's own (it awaited something that was cancelled): its failure alone.
            reply = self._answer_failure(exc, uid, name, action)
        except BaseException as exc:
            reply = self._answer_failure(exc, uid, name, action)
        else:
            reply = None if action is None else self._answer_with(result, uid, name, action)
        if reply is not None and not self.closed:
            await self._reply(reply)

    def _out(self, data: bytes) -> None:
        """Send a frame now if the transport can, else from a task."""
        if self._send_now is not None:
            if self._trace is not None:
                self._trace(self.identity, "out", data)
            self._send_now(data)
        else:
            self._spawn(self._reply(data))

    # -- handling in a task --------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle_frame(self, frame: CallFrame | SendFrame) -> None:
        if isinstance(frame, SendFrame):
            prepared = self._prepare_send(frame)
            if prepared is not None:
                try:
                    await _eager(prepared, self)
                except BaseException as exc:
                    if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt | SystemExit):
                        raise
                    self._answer_failure(exc, frame.unique_id, frame.action, None)
            return
        reply, call = self._prepare_call(frame)
        if call is not None:
            action = self._actions[frame.action]
            try:
                response = await _eager(call, self)
            except BaseException as exc:
                if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt | SystemExit):
                    raise
                reply = self._answer_failure(exc, frame.unique_id, frame.action, action)
            else:
                reply = self._answer_with(response, frame.unique_id, frame.action, action)
        if reply is not None and not self.closed:
            await self._reply(reply)

    async def _reply(self, data: bytes) -> None:
        """Send an answer; if the link is gone meanwhile, there is no one to answer."""
        try:  # noqa: SIM105 (contextlib.suppress costs a context manager per reply)
            await self._send(data)
        except ConnectionError:
            pass

    # -- the rules -----------------------------------------------------------------------

    def _prepare_call(self, frame: CallFrame) -> tuple[bytes | None, Any]:
        """``(error reply, None)`` by the rules, or ``(None, the handler's coroutine)``."""
        action = self._actions.get(frame.action)
        uid = frame.unique_id
        if action is None:
            return build_error(
                uid, "NotImplemented", f"action {frame.action!r} is not part of OCPP {self.version}"
            ), None
        method = self._routes.get(frame.action)
        if method is None or action.response is None:
            return build_error(uid, "NotSupported", f"a {self.role} does not handle {frame.action}"), None
        try:
            request = self._decode(action.request, frame.payload, frame.action)
        except ValidationError as exc:
            return build_error(uid, exc.code, exc.message, {"path": exc.path} if exc.path else None), None
        context = CallContext(self.identity, self.version, uid, frame.action, self)
        return None, getattr(self.handlers, method)(request, context)

    def _prepare_send(self, frame: SendFrame) -> Any:
        """The SEND handler's coroutine, or ``None`` (no handler, invalid: logged, never answered)."""
        action = self._actions.get(frame.action)
        method = self._routes.get(frame.action)
        if action is None or method is None:
            _log.warning("%s: SEND %s from %s has no handler", self.version, frame.action, self.identity)
            return None
        try:
            message = self._decode(action.request, frame.payload, frame.action)
        except ValidationError as exc:
            _log.warning("%s: invalid SEND %s from %s: %s", self.version, frame.action, self.identity, exc)
            return None
        context = CallContext(self.identity, self.version, frame.unique_id, frame.action, self)
        return getattr(self.handlers, method)(message, context)

    def _answer_with(self, response: Any, uid: str, name: str, action: Action) -> bytes:
        """The CALLRESULT for a handler's response, or InternalError if it is not a valid one."""
        if type(response) is not action.response:
            _log.error("%s: handler for %s returned %r", self.version, name, type(response))
            return self._internal_error(uid, name)
        try:
            return self._frame(response, name, uid)
        except ValidationError as exc:
            _log.error("%s: handler for %s returned an invalid response: %s", self.version, name, exc)
            return self._internal_error(uid, name)

    def _answer_failure(self, exc: BaseException, uid: str, name: str, action: Action | None) -> bytes | None:
        """The CALLERROR for a handler that raised (``None`` for a SEND, or when nobody is left)."""
        if isinstance(exc, _Abandoned):
            return None
        if action is None:  # a SEND: nothing to answer
            _log.error("%s: SEND %s from %s failed", self.version, name, self.identity, exc_info=exc)
            return None
        if isinstance(exc, NotSupportedError):
            return build_error(uid, "NotSupported", f"{name} is not supported")
        if isinstance(exc, OcppError):
            return build_error(uid, exc.code, exc.description, exc.details)
        if self.closed:  # failed because the link is gone (a call it made, say)
            _log.info(
                "%s: handler for %s from %s ended with the link: %r", self.version, name, self.identity, exc
            )
            return None
        _log.error("%s: handler for %s from %s failed", self.version, name, self.identity, exc_info=exc)
        return self._internal_error(uid, name)

    @staticmethod
    def _internal_error(uid: str, name: str) -> bytes:
        return build_error(uid, "InternalError", f"an internal error occurred while handling {name}")

    def _handle_result(self, frame: ResultFrame) -> None:
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
                self._out(build_error(unique_id, exc.code, exc.message, None, result_error=True))
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
        if self.closed:
            return
        self.closed = True
        if self._pending is not None and not self._pending[2].done():
            self._pending[2].set_exception(ConnectionError("connection closed"))
        busy = {asyncio.current_task()}
        for handler in list(self._suspended):
            handler.cancel()
            busy.add(handler.task)
        for task in list(self._tasks):  # handlers' tasks not started yet, sends
            if task not in busy:
                task.cancel()
        wake = self._host_wake
        if wake is not None and not wake.done():
            wake.set_result(None)


_CALL_PREFIX = re.compile(rb'\[\s*2\s*,\s*"([^"\\\x00-\x1f]{0,36})"\s*,\s*"([^"\\\x00-\x1f]{1,100})"\s*,')
"""The head of a CALL whose id and action hold no escapes: the fast path's way to its decoder."""

_STRICT = ValidationMode.STRICT
_UNKNOWN: Any = object()

_Route = tuple[_codec.Codec, Callable[[Any, "CallContext"], Any], Action, bool, str]
"""The fast path for one action: the request's codec, the bound handler, the action, whether
its response is validated strictly, the action's name."""
_json_encode = msgspec.json.Encoder().encode

_Handover = tuple[Any, contextvars.Context, Any, str, str, "Action | None"]
"""A suspended handler: coroutine, context, what it awaits, message id, action name, action."""


class _Abandoned(Exception):
    """A handler was cancelled because its connection was lost: there is no one to answer."""


class _Suspended:
    """A handler that has suspended and not yet finished (see `_resume`)."""

    __slots__ = ("awaiting", "cancel_requested", "lost", "task")

    def __init__(self, awaiting: object) -> None:
        self.awaiting = awaiting
        """What the handler awaits now (what it yielded to the task)."""
        self.task = asyncio.current_task()
        self.cancel_requested = False
        self.lost = False

    def cancel(self) -> None:
        """Cancel the handler as ``Task.cancel`` would: its awaited future, else at its next step."""
        self.lost = True
        awaiting = self.awaiting
        if not (isinstance(awaiting, asyncio.Future) and awaiting.cancel()):
            self.cancel_requested = True


@types.coroutine
def _eager(coro: Coroutine[Any, Any, T], connection: Connection) -> Generator[Any, None, T]:
    """Await a handler's coroutine in the current task (its first step in a copy of the context)."""
    context = contextvars.copy_context()
    try:
        awaiting = context.run(coro.send, None)
    except StopIteration as stop:
        result: T = stop.value
        return result
    result = yield from _resume(coro, context, awaiting, None, connection)
    return result


@types.coroutine
def _resume(
    coro: Coroutine[Any, Any, T],
    context: contextvars.Context,
    awaiting: Any,
    thrown: BaseException | None,
    connection: Connection,
) -> Generator[Any, None, T]:
    """Go on running a suspended handler, step by step in its context, in the current task:
    to the handler this task is its own. ``thrown``: an exception to throw in first."""
    handler = _Suspended(awaiting)
    connection._suspended.add(handler)
    try:
        while True:
            if thrown is None:
                try:
                    yield handler.awaiting
                except GeneratorExit:
                    coro.close()
                    raise
                except BaseException as exc:
                    thrown = exc
                else:
                    if handler.cancel_requested:
                        handler.cancel_requested = False
                        thrown = asyncio.CancelledError()
                    else:
                        handler.awaiting = context.run(coro.send, None)
                        continue
            error, thrown = thrown, None
            handler.awaiting = context.run(coro.throw, error)
    except StopIteration as stop:
        result: T = stop.value
        return result
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if handler.lost and (task is None or not task.cancelling()):
            raise _Abandoned from None
        raise
    finally:
        connection._suspended.discard(handler)


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
