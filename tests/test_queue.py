"""Transaction-related messages survive a CSMS going down, a station restart, and CALLERRORs."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest

from ocppkit import v16, v201
from ocppkit.client import Backoff, StationClient
from ocppkit.connection import CallContext, CallError, OcppError
from ocppkit.queue import MemoryQueue, RetryPolicy, SqliteQueue, TransactionQueue, is_transaction_message
from ocppkit.server import CsmsServer, StationInfo

T = TypeVar("T")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
FAST = Backoff(wait_minimum=0.02, random_range=0.02, repeat_times=2)


def run(coro: Awaitable[T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, 30))  # type: ignore[arg-type]


class Recorder(v201.CsmsHandlers):
    """A CSMS that records the TransactionEvents it accepts; it may refuse the first few."""

    def __init__(self, seen: list[int], refuse: int = 0) -> None:
        self.seen = seen
        self.refuse = refuse

    async def on_transaction_event(
        self, request: v201.TransactionEventRequest, context: CallContext
    ) -> v201.TransactionEventResponse:
        if self.refuse > 0:
            self.refuse -= 1
            raise OcppError("InternalError", "database busy")
        self.seen.append(request.seq_no)
        return v201.TransactionEventResponse()


def event(
    seq: int, kind: v201.TransactionEventEnumType = v201.TransactionEventEnumType.UPDATED
) -> v201.TransactionEventRequest:
    return v201.TransactionEventRequest(
        event_type=kind,
        timestamp=NOW,
        trigger_reason=v201.TriggerReasonEnumType.METER_VALUE_PERIODIC,
        seq_no=seq,
        transaction_info=v201.TransactionType(transaction_id="tx-1"),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def kill(server: CsmsServer) -> None:
    """Drop every connection without a closing handshake, as a crashed process would, and stop."""
    assert server._server is not None
    for ws in list(server._server.connections):
        ws.transport.abort()
    await server.close()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_queue_order_and_attempts(tmp_path: Path, kind: str) -> None:
    queue: TransactionQueue = MemoryQueue() if kind == "memory" else SqliteQueue(tmp_path / "q.db")
    a = queue.push("2.0.1", "TransactionEvent", b"{}")
    b = queue.push("2.0.1", "TransactionEvent", b'{"x":1}')
    assert len(queue) == 2
    assert queue.head() == a
    assert queue.failed(a.key).attempts == 1
    assert queue.failed(a.key).attempts == 2
    queue.remove(a.key)
    assert queue.head() == b
    if kind == "sqlite":
        reopened = SqliteQueue(tmp_path / "q.db")
        assert reopened.head() == b


def test_which_messages_are_transaction_related() -> None:
    assert is_transaction_message(event(1))
    assert is_transaction_message(v16.StopTransactionRequest(meter_stop=1, timestamp=NOW, transaction_id=1))
    assert is_transaction_message(v16.MeterValuesRequest(connector_id=1, transaction_id=5, meter_value=[]))
    assert not is_transaction_message(v16.MeterValuesRequest(connector_id=1, meter_value=[]))
    assert not is_transaction_message(v201.HeartbeatRequest())


def test_csms_killed_mid_session_loses_nothing() -> None:
    async def main() -> None:
        port = free_port()
        seen: list[int] = []
        server = await CsmsServer(handlers=lambda info: Recorder(seen)).start("127.0.0.1", port)
        client = StationClient(
            f"ws://127.0.0.1:{port}/ocpp", "CP", lambda v: v201.StationHandlers(), backoff=FAST
        )
        runner = asyncio.create_task(client.run())
        await client.connected.wait()
        await client.call_transaction(event(1, v201.TransactionEventEnumType.STARTED))
        await kill(server)
        await asyncio.sleep(0.1)
        pending = [client.queue_transaction(event(n)) for n in (2, 3, 4)]
        await asyncio.sleep(0.2)
        assert seen == [1]
        assert len(client.queue) == 3
        server = await CsmsServer(handlers=lambda info: Recorder(seen)).start("127.0.0.1", port)
        await asyncio.gather(*pending)
        await client.call_transaction(event(5, v201.TransactionEventEnumType.ENDED))
        assert seen == [1, 2, 3, 4, 5]
        assert len(client.queue) == 0
        await client.close()
        runner.cancel()
        await server.close()

    run(main())


def test_station_restart_delivers_what_it_stored(tmp_path: Path) -> None:
    async def main() -> None:
        port = free_port()
        seen: list[int] = []
        first = StationClient(f"ws://127.0.0.1:{port}/ocpp", "CP", lambda v: v201.StationHandlers(),
                              queue=SqliteQueue(tmp_path / "station.db"), backoff=FAST)  # fmt: skip
        for n in (1, 2, 3):
            first.queue_transaction(event(n))
        await first.close()  # the station process goes away, CSMS never seen
        server = await CsmsServer(handlers=lambda info: Recorder(seen)).start("127.0.0.1", port)
        second = StationClient(f"ws://127.0.0.1:{port}/ocpp", "CP", lambda v: v201.StationHandlers(),
                               queue=SqliteQueue(tmp_path / "station.db"), backoff=FAST)  # fmt: skip
        await second.connect()
        for _ in range(100):
            if len(second.queue) == 0:
                break
            await asyncio.sleep(0.02)
        assert seen == [1, 2, 3]
        await second.close()
        await server.close()

    run(main())


@pytest.mark.parametrize(("attempts", "refusals", "delivered"), [(3, 2, True), (2, 2, False)])
def test_callerrors_are_retried_then_dropped(attempts: int, refusals: int, delivered: bool) -> None:
    async def main() -> None:
        seen: list[int] = []

        def factory(info: StationInfo) -> Recorder:
            return Recorder(seen, refuse=refusals)

        async with CsmsServer(handlers=factory) as server:
            client = StationClient(f"ws://127.0.0.1:{server.port}/ocpp", "CP", lambda v: v201.StationHandlers(),
                                   retry=RetryPolicy(attempts=attempts, retry_interval=0.01))  # fmt: skip
            await client.connect()
            if delivered:
                await client.call_transaction(event(1))
                assert seen == [1]
            else:
                with pytest.raises(CallError):
                    await client.call_transaction(event(1))
                assert seen == []
            assert len(client.queue) == 0
            await client.close()

    run(main())
