"""How a connection runs its handlers, on real WebSockets over loopback.

Messages are handed to the OCPP connection from websockets' protocol callback; a CALL whose
handler answers at once is answered there, in the name of the connection's task. These tests
pin what a handler sees (its task, timeouts, context variables, cancellation) and that nothing
is lost or reordered on the ways around the fast path (fragmented, binary, early, crossing
messages, a custom transport).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError

from ocppkit import v16, v201
from ocppkit.connection import CallContext, CsmsConnection
from ocppkit.server import CsmsServer, StationInfo
from ocppkit.transport import ServerFeed

T = TypeVar("T")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def run(coro: Awaitable[T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, 20))  # type: ignore[arg-type]


class Recorder(v16.CsmsHandlers):
    """Handlers that record what they see."""

    def __init__(self) -> None:
        self.tasks: list[tuple[asyncio.Task[Any] | None, asyncio.Task[Any] | None]] = []
        self.seen_ids: list[str] = []
        self.events: list[str] = []
        self.release = asyncio.Event()

    async def on_heartbeat(
        self, request: v16.HeartbeatRequest, context: CallContext
    ) -> v16.HeartbeatResponse:
        before = asyncio.current_task()
        await asyncio.sleep(0)  # suspend once: the rest runs after the message's callback
        self.tasks.append((before, asyncio.current_task()))
        return v16.HeartbeatResponse(current_time=NOW)

    async def on_authorize(
        self, request: v16.AuthorizeRequest, context: CallContext
    ) -> v16.AuthorizeResponse:
        # A context variable set by one handler is not seen by the next one.
        self.seen_ids.append(REQUEST_ID.get())
        REQUEST_ID.set(request.id_tag)
        status = v16.AuthorizationStatus.ACCEPTED
        try:
            async with asyncio.timeout(0.05):
                if request.id_tag == "SLOW":
                    await asyncio.sleep(10)
        except TimeoutError:
            status = v16.AuthorizationStatus.BLOCKED
        return v16.AuthorizeResponse(id_tag_info=v16.IdTagInfo(status=status))

    async def on_status_notification(
        self, request: v16.StatusNotificationRequest, context: CallContext
    ) -> v16.StatusNotificationResponse:
        self.events.append(f"start {context.unique_id}")
        try:
            if request.connector_id == 1:
                await self.release.wait()
        except asyncio.CancelledError:
            self.events.append(f"cancelled {context.unique_id}")
            raise
        self.events.append(f"end {context.unique_id}")
        return v16.StatusNotificationResponse()

    async def on_data_transfer(
        self, request: v16.DataTransferRequest, context: CallContext
    ) -> v16.DataTransferResponse:
        return v16.DataTransferResponse(status=v16.DataTransferStatus.ACCEPTED, data=request.data)


def _status(uid: str, connector: int) -> str:
    payload = {"connectorId": connector, "errorCode": "NoError", "status": "Available"}
    return json.dumps([2, uid, "StatusNotification", payload])


class _Csms:
    """A CSMS on loopback whose handler objects and disconnections are kept."""

    def __init__(self) -> None:
        self.handlers: dict[str, Recorder] = {}
        self.gone: list[str] = []
        self.server = CsmsServer(handlers=self._make, versions=("1.6",), on_disconnect=self._gone)

    def _make(self, info: StationInfo) -> Recorder:
        self.handlers[info.identity] = Recorder()
        return self.handlers[info.identity]

    def _gone(self, info: StationInfo) -> None:
        self.gone.append(info.identity)

    def url(self, identity: str) -> str:
        return f"ws://127.0.0.1:{self.server.port}/ocpp/{identity}"


async def _replies(ws: Any, count: int) -> list[Any]:
    return [json.loads(await asyncio.wait_for(ws.recv(), 5)) for _ in range(count)]


def test_a_suspended_handler_goes_on_in_the_task_it_started_in() -> None:
    async def main() -> None:
        csms = _Csms()
        async with csms.server, connect(csms.url("CP1"), subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
            for i in range(3):
                await ws.send(f'[2,"h{i}","Heartbeat",{{}}]')
                assert (await _replies(ws, 1))[0] == [3, f"h{i}", {"currentTime": "2026-11-24T10:00:00Z"}]
        tasks = csms.handlers["CP1"].tasks
        assert len(tasks) == 3
        for before, after in tasks:
            assert before is not None and before is after  # a task of its own throughout

    run(main())


def test_timeouts_and_context_variables_in_handlers_behave_as_in_a_task() -> None:
    async def main() -> None:
        csms = _Csms()
        async with csms.server, connect(csms.url("CP1"), subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
            await ws.send('[2,"a1","Authorize",{"idTag":"SLOW"}]')
            assert (await _replies(ws, 1))[0] == [3, "a1", {"idTagInfo": {"status": "Blocked"}}]
            await ws.send('[2,"a2","Authorize",{"idTag":"FAST"}]')
            assert (await _replies(ws, 1))[0] == [3, "a2", {"idTagInfo": {"status": "Accepted"}}]
            await ws.send('[2,"a3","Authorize",{"idTag":"AGAIN"}]')
            await _replies(ws, 1)
        assert csms.handlers["CP1"].seen_ids == ["-", "-", "-"]

    run(main())


def test_a_handler_that_waits_does_not_hold_up_the_next_message() -> None:
    """A peer that does not wait for its answers (not allowed, but possible): the CALL after one
    whose handler waits is answered first, and both are answered."""

    async def main() -> None:
        csms = _Csms()
        async with csms.server, connect(csms.url("CP1"), subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
            await ws.send(_status("s1", 1))  # waits until released
            await ws.send(_status("s2", 2))
            assert (await _replies(ws, 1))[0] == [3, "s2", {}]
            csms.handlers["CP1"].release.set()
            assert (await _replies(ws, 1))[0] == [3, "s1", {}]
        assert csms.handlers["CP1"].events == ["start s1", "start s2", "end s2", "end s1"]

    run(main())


def test_a_handler_suspended_when_the_link_drops_is_cancelled_at_once() -> None:
    async def main() -> None:
        csms = _Csms()
        async with csms.server:
            ws = await connect(csms.url("CP1"), subprotocols=["ocpp1.6"])  # type: ignore[list-item]
            await ws.send(_status("s1", 1))
            for _ in range(100):
                if csms.handlers.get("CP1") and csms.handlers["CP1"].events:
                    break
                await asyncio.sleep(0.01)
            await ws.close()
            for _ in range(200):  # the station has gone: the server notices, the handler ends
                if csms.gone:
                    break
                await asyncio.sleep(0.01)
            assert csms.gone == ["CP1"]
            assert csms.handlers["CP1"].events == ["start s1", "cancelled s1"]
            assert "CP1" not in csms.server.connections

    run(main())


def test_fragmented_binary_and_early_messages_keep_their_order() -> None:
    """Messages that take websockets' own way (fragmented, binary) and the ones after them are
    answered in the order they came."""

    async def main() -> None:
        csms = _Csms()
        async with csms.server, connect(csms.url("CP1"), subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
            transfer = '[2,"f1","DataTransfer",{"vendorId":"V","data":"' + "x" * 3000 + '"}]'
            await ws.send([transfer[:1000], transfer[1000:2000], transfer[2000:]])  # fragmented
            await ws.send(b'[2,"b1","DataTransfer",{"vendorId":"V","data":"bin"}]')  # binary
            await ws.send('[2,"t1","DataTransfer",{"vendorId":"V","data":"text"}]')
            replies = await _replies(ws, 3)
        assert [r[1] for r in replies] == ["f1", "b1", "t1"]
        assert replies[0][2]["data"] == "x" * 3000
        assert replies[2] == [3, "t1", {"status": "Accepted", "data": "text"}]

    run(main())


def test_text_that_is_not_utf8_closes_the_connection_with_1007() -> None:
    async def main() -> None:
        csms = _Csms()
        async with csms.server, connect(csms.url("CP1"), subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
            await ws.send(b'[2,"u1","DataTransfer",{"vendorId":"\xff"}]', text=True)
            with pytest.raises(ConnectionClosedError) as info:
                await asyncio.wait_for(ws.recv(), 5)
            assert info.value.rcvd is not None and info.value.rcvd.code == 1007

    run(main())


def test_reading_pauses_while_the_socket_cannot_be_written() -> None:
    async def main() -> None:
        csms = _Csms()
        async with csms.server, connect(csms.url("CP1"), subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
            await ws.send('[2,"h","DataTransfer",{"vendorId":"V"}]')
            await _replies(ws, 1)
            assert csms.server._server is not None
            (feed,) = csms.server._server.connections
            assert isinstance(feed, ServerFeed)
            feed.pause_writing()
            assert not feed.transport.is_reading()
            feed.resume_writing()
            assert feed.transport.is_reading()

    run(main())


class Echo201(v201.CsmsHandlers):
    async def on_heartbeat(
        self, request: v201.HeartbeatRequest, context: CallContext
    ) -> v201.HeartbeatResponse:
        return v201.HeartbeatResponse(current_time=NOW)


def test_a_custom_transport_reads_with_run() -> None:
    """Any transport: a receive coroutine and a send coroutine. Each CALL gets a task."""

    async def main() -> None:
        inbox: asyncio.Queue[str | None] = asyncio.Queue()
        sent: list[bytes] = []

        async def recv() -> str:
            item = await inbox.get()
            if item is None:
                raise EOFError
            return item

        async def send(data: bytes) -> None:
            sent.append(data)

        connection = CsmsConnection(version=v201, handlers=Echo201(), send=send, identity="CP1")
        reader = asyncio.create_task(connection.run(recv))
        inbox.put_nowait('[2,"x1","Heartbeat",{}]')
        inbox.put_nowait('[2,"x2","Teleport",{}]')
        inbox.put_nowait("[2,")
        for _ in range(100):
            if len(sent) == 3:
                break
            await asyncio.sleep(0.01)
        inbox.put_nowait(None)
        await reader
        assert connection.closed
        replies = sorted((json.loads(s) for s in sent), key=lambda r: r[1])
        assert replies[0][:3] == [4, "-1", "RpcFrameworkError"]
        assert replies[1] == [3, "x1", {"currentTime": "2026-11-24T10:00:00Z"}]
        assert replies[2][:3] == [4, "x2", "NotImplemented"]

    run(main())


class Cancelling(v16.CsmsHandlers):
    def __init__(self) -> None:
        self.loose: asyncio.Future[None] | None = None

    async def on_heartbeat(
        self, request: v16.HeartbeatRequest, context: CallContext
    ) -> v16.HeartbeatResponse:
        # Cancel its own task, then catch it: what asyncio.timeout does for a task.
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            task.uncancel()
        return v16.HeartbeatResponse(current_time=NOW)

    async def on_authorize(
        self, request: v16.AuthorizeRequest, context: CallContext
    ) -> v16.AuthorizeResponse:
        # Await something that someone else cancels: this handler fails, the link stays.
        self.loose = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_soon(self.loose.cancel)
        await self.loose
        raise AssertionError("not reached")


def test_cancellation_inside_a_handler_is_the_handlers_own() -> None:
    async def main() -> None:
        server = CsmsServer(handlers=lambda info: Cancelling(), versions=("1.6",))
        async with server:
            url = f"ws://127.0.0.1:{server.port}/ocpp/CP1"
            async with connect(url, subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
                await ws.send('[2,"h1","Heartbeat",{}]')
                assert (await _replies(ws, 1))[0] == [3, "h1", {"currentTime": "2026-11-24T10:00:00Z"}]
                await ws.send('[2,"a1","Authorize",{"idTag":"T"}]')
                reply = (await _replies(ws, 1))[0]
                assert reply[:3] == [4, "a1", "InternalError"]
                await ws.send('[2,"h2","Heartbeat",{}]')  # the connection is still served
                assert (await _replies(ws, 1))[0][:2] == [3, "h2"]
                assert "CP1" in server.connections

    run(main())


def test_a_link_that_ended_before_it_was_attached_ends_the_connection() -> None:
    async def main() -> None:
        csms = _Csms()
        async with csms.server:
            ws = await connect(csms.url("CP1"), subprotocols=["ocpp1.6"])  # type: ignore[list-item]
            assert csms.server._server is not None
            (feed,) = csms.server._server.connections
            assert isinstance(feed, ServerFeed)
            await ws.close()
            await feed.wait_closed()

            async def send(data: bytes) -> None:
                raise AssertionError("nothing to send")

            late = CsmsConnection(version=v16, handlers=Recorder(), send=send, identity="CP1")
            feed.ocpp_attach(late)
            assert late.closed
            await asyncio.wait_for(late.serve(feed.ocpp_send_now), 1)  # returns at once

    run(main())


def test_replacing_the_handlers_of_a_live_connection_takes_effect() -> None:
    class Other(Recorder):
        async def on_data_transfer(
            self, request: v16.DataTransferRequest, context: CallContext
        ) -> v16.DataTransferResponse:
            return v16.DataTransferResponse(status=v16.DataTransferStatus.REJECTED)

    async def main() -> None:
        csms = _Csms()
        async with csms.server, connect(csms.url("CP1"), subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
            await ws.send('[2,"d1","DataTransfer",{"vendorId":"V"}]')
            assert (await _replies(ws, 1))[0] == [3, "d1", {"status": "Accepted"}]
            csms.server.connections["CP1"].handlers = Other()
            await ws.send('[2,"d2","DataTransfer",{"vendorId":"V"}]')
            assert (await _replies(ws, 1))[0] == [3, "d2", {"status": "Rejected"}]

    run(main())


class Grouped(v16.CsmsHandlers):
    async def on_heartbeat(
        self, request: v16.HeartbeatRequest, context: CallContext
    ) -> v16.HeartbeatResponse:
        async def later() -> datetime:
            await asyncio.sleep(0.01)
            return NOW

        async with asyncio.TaskGroup() as group:  # the handler's task is the group's parent
            child = group.create_task(later())
        return v16.HeartbeatResponse(current_time=child.result())

    async def on_authorize(
        self, request: v16.AuthorizeRequest, context: CallContext
    ) -> v16.AuthorizeResponse:
        async def fails() -> None:
            await asyncio.sleep(0.01)
            raise KeyError("child")

        async with asyncio.TaskGroup() as group:  # a failing child cancels the handler's task
            group.create_task(fails())
            await asyncio.sleep(5)
        raise AssertionError("not reached")


def test_task_groups_in_handlers_behave_as_in_a_task() -> None:
    async def main() -> None:
        server = CsmsServer(handlers=lambda info: Grouped(), versions=("1.6",))
        async with server:
            url = f"ws://127.0.0.1:{server.port}/ocpp/CP1"
            async with connect(url, subprotocols=["ocpp1.6"]) as ws:  # type: ignore[list-item]
                await ws.send('[2,"h1","Heartbeat",{}]')
                assert (await _replies(ws, 1))[0] == [3, "h1", {"currentTime": "2026-11-24T10:00:00Z"}]
                await ws.send('[2,"a1","Authorize",{"idTag":"T"}]')
                assert (await _replies(ws, 1))[0][:3] == [4, "a1", "InternalError"]
                await ws.send('[2,"h2","Heartbeat",{}]')  # the connection's task goes on serving
                assert (await _replies(ws, 1))[0][:2] == [3, "h2"]

    run(main())
