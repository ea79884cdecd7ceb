"""The runtime on real WebSockets over loopback: sessions, error rules per version, negotiation, auth."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from websockets.asyncio.client import connect

import ocppkit
from ocppkit import v16, v21, v201
from ocppkit.client import HandshakeRefused, StationClient
from ocppkit.connection import CallContext, CallError, OcppError, StationConnection
from ocppkit.server import CsmsServer, StationInfo, passwords

T = TypeVar("T")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def run(coro: Awaitable[T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, 20))  # type: ignore[arg-type]


class Csms16(v16.CsmsHandlers):
    async def on_boot_notification(
        self, request: v16.BootNotificationRequest, context: CallContext
    ) -> v16.BootNotificationResponse:
        return v16.BootNotificationResponse(
            current_time=NOW, interval=300, status=v16.RegistrationStatus.ACCEPTED
        )

    async def on_heartbeat(
        self, request: v16.HeartbeatRequest, context: CallContext
    ) -> v16.HeartbeatResponse:
        raise RuntimeError("database password is hunter2")

    async def on_authorize(
        self, request: v16.AuthorizeRequest, context: CallContext
    ) -> v16.AuthorizeResponse:
        raise OcppError("SecurityError", "not accepted yet", {"hint": "boot first"})


class Csms201(v201.CsmsHandlers):
    async def on_boot_notification(
        self, request: v201.BootNotificationRequest, context: CallContext
    ) -> v201.BootNotificationResponse:
        # A handler that calls back before answering: must not block the connection.
        result = await context.connection.call(v201.GetLocalListVersionRequest())  # type: ignore[attr-defined]
        status = (
            v201.RegistrationStatusEnumType.ACCEPTED
            if result.version_number == 7
            else v201.RegistrationStatusEnumType.REJECTED
        )
        return v201.BootNotificationResponse(current_time=NOW, interval=300, status=status)


class Csms21(v21.CsmsHandlers):
    def __init__(self) -> None:
        self.streamed: list[v21.NotifyPeriodicEventStreamRequest] = []

    async def on_heartbeat(
        self, request: v21.HeartbeatRequest, context: CallContext
    ) -> v21.HeartbeatResponse:
        return v21.HeartbeatResponse(current_time=NOW)

    async def on_notify_periodic_event_stream(
        self, message: v21.NotifyPeriodicEventStreamRequest, context: CallContext
    ) -> None:
        self.streamed.append(message)


class Station201(v201.StationHandlers):
    def __init__(self) -> None:
        self.active = 0
        self.most_active = 0

    async def on_get_local_list_version(
        self, request: v201.GetLocalListVersionRequest, context: CallContext
    ) -> v201.GetLocalListVersionResponse:
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        await asyncio.sleep(0.05)
        self.active -= 1
        return v201.GetLocalListVersionResponse(version_number=7)


class Station16(v16.StationHandlers):
    pass


CSMS: dict[str, Callable[[], object]] = {"1.6": Csms16, "2.0.1": Csms201, "2.1": Csms21}
STATIONS: dict[str, Callable[[], object]] = {
    "1.6": Station16,
    "2.0.1": Station201,
    "2.1": v21.StationHandlers,
}


class _Server(CsmsServer):
    """A CSMS that also keeps the handler object it made for each station (a __dict__ subclass)."""

    made: dict[str, Any]


def _server(**kwargs: Any) -> _Server:
    made: dict[str, object] = {}

    def factory(info: StationInfo) -> object:
        made[info.identity] = CSMS[info.version]()
        return made[info.identity]

    server = _Server(handlers=factory, **kwargs)
    server.made = made
    return server


def _client(server: CsmsServer, identity: str, versions: tuple[str, ...], **kwargs: Any) -> StationClient:
    return StationClient(
        f"ws://127.0.0.1:{server.port}/ocpp", identity, lambda v: STATIONS[v](), versions=versions, **kwargs
    )


async def _raw(server: CsmsServer, version: str, frame: str, *, expect_reply: bool = True) -> Any:
    async with connect(f"ws://127.0.0.1:{server.port}/ocpp/RAW", subprotocols=[f"ocpp{version}"]) as ws:  # type: ignore[list-item]
        await ws.send(frame)
        try:
            reply = await asyncio.wait_for(ws.recv(), 0.5 if not expect_reply else 5)
        except TimeoutError:
            return None
        return json.loads(reply)


def test_a_full_exchange_in_each_version() -> None:
    async def main() -> None:
        async with _server() as server:
            c16 = await _client(server, "CP16", ("1.6",)).connect()
            boot = await c16.call(
                v16.BootNotificationRequest(charge_point_vendor="V", charge_point_model="M")
            )
            assert boot.status is v16.RegistrationStatus.ACCEPTED
            assert boot.current_time == NOW

            client = _client(server, "CP201", ("2.0.1",))
            c201 = await client.connect()
            boot2 = await c201.call(v201.BootNotificationRequest(
                charging_station=v201.ChargingStationType(model="M", vendor_name="V"), reason=v201.BootReasonEnumType.POWER_UP))  # fmt: skip
            assert boot2.status is v201.RegistrationStatusEnumType.ACCEPTED  # the CSMS called back first

            c21 = await _client(server, "CP21", ("2.1",)).connect()
            beat = await c21.call(v21.HeartbeatRequest())
            assert beat.current_time == NOW
            assert set(server.connections) == {"CP16", "CP201", "CP21"}
            # The CSMS calls a station through the registry.
            answer = await server.connections["CP201"].call(v201.GetLocalListVersionRequest())
            assert answer.version_number == 7

    run(main())


def test_error_rules_on_the_csms_side() -> None:
    async def main() -> None:
        async with _server() as server:
            c16 = await _client(server, "CP16", ("1.6",)).connect()
            with pytest.raises(CallError) as info:
                await c16.call(v16.HeartbeatRequest())
            assert info.value.code == "InternalError"
            assert "hunter2" not in info.value.description and len(info.value.description) <= 255
            with pytest.raises(CallError) as info:
                await c16.call(v16.AuthorizeRequest(id_tag="T1"))
            assert (info.value.code, info.value.description, info.value.details) == (
                "SecurityError", "not accepted yet", {"hint": "boot first"})  # fmt: skip
            with pytest.raises(CallError) as info:
                await c16.call(v16.StatusNotificationRequest(
                    connector_id=1, error_code=v16.ChargePointErrorCode.NO_ERROR, status=v16.ChargePointStatus.AVAILABLE))  # fmt: skip
            assert info.value.code == "NotSupported"

            assert await _raw(server, "1.6", '[2,"a","Teleport",{}]') == [
                4,
                "a",
                "NotImplemented",
                "action 'Teleport' is not part of OCPP 1.6",
                {},
            ]
            reply = await _raw(server, "1.6", '[2,"b","BootNotification",{"chargePointVendor":"V"}]')
            assert reply[:3] == [4, "b", "OccurenceConstraintViolation"]
            assert reply[4] == {"path": "chargePointModel"}
            reply = await _raw(server, "2.0.1", '[2,"c","Heartbeat",{"x":1}]')
            assert reply[:3] == [4, "c", "ProtocolError"]
            reply = await _raw(server, "2.1", '[2,"d","Heartbeat",[]]')
            assert reply[:3] == [4, "d", "FormatViolation"]
            reply = await _raw(server, "2.0.1", '[2,"e","Reset",{"type":"Immediate"}]')
            assert reply[:3] == [4, "e", "NotSupported"]  # a CSMS does not handle Reset

    run(main())


@pytest.mark.parametrize(
    ("version", "frame", "expected"),
    [
        ("2.0.1", "not json", [4, "-1", "RpcFrameworkError"]),
        ("2.1", '{"a": 1}', [4, "-1", "RpcFrameworkError"]),
        ("2.0.1", '[2, 17, "Heartbeat", {}]', [4, "-1", "RpcFrameworkError"]),
        ("2.0.1", '[2, "x"]', [4, "x", "RpcFrameworkError"]),
        ("1.6", '[2, "x", "Heartbeat"]', [4, "x", "FormationViolation"]),
        ("1.6", "not json", None),
        ("2.0.1", '[7, "u", "Heartbeat", {}]', [4, "u", "MessageTypeNotSupported"]),
        ("2.0.1", '[6, "u", "Heartbeat", {}]', [4, "u", "MessageTypeNotSupported"]),
        ("2.1", '[7, "u", "Heartbeat", {}]', None),
        ("1.6", '[5, "u", "Heartbeat", {}]', None),
        ("2.0.1", '[2, "x", "Heartbeat", {}, 5]', [4, "x", "RpcFrameworkError"]),  # an extra element
        ("1.6", '[2, "x", "Heartbeat", {}, 5]', [4, "x", "FormationViolation"]),
        ("2.1", "[" * 5000 + "]" * 5000, [4, "-1", "RpcFrameworkError"]),  # nested too deep to parse
    ],
)
def test_malformed_frames(version: str, frame: str, expected: list[Any] | None) -> None:
    async def main() -> None:
        async with _server() as server:
            reply = await _raw(server, version, frame, expect_reply=expected is not None)
            assert (reply[:3] if reply else None) == expected

    run(main())


def test_a_payload_nested_deeper_than_the_parser_goes_is_answered() -> None:
    """Valid JSON, 5,000 levels deep in a field that takes any JSON: where the interpreter's
    recursion limit stops the parser (CPython 3.11), a framework error for an unreadable frame;
    where it does not (3.12 and later), the CALL is read and answered (here NotSupported: this
    CSMS has no DataTransfer handler). Either way, an answer."""
    frame = '[2, "d", "DataTransfer", {"vendorId": "v", "data": ' + "[" * 5000 + "]" * 5000 + "}]"

    async def main() -> None:
        async with _server() as server:
            reply = await _raw(server, "2.0.1", frame)
            assert reply[:3] in ([4, "-1", "RpcFrameworkError"], [4, "d", "NotSupported"])

    run(main())


def test_a_connection_survives_hostile_frames() -> None:
    async def main() -> None:
        async with _server() as server:
            url = f"ws://127.0.0.1:{server.port}/ocpp/RAW"
            async with connect(url, subprotocols=["ocpp2.0.1"]) as ws:  # type: ignore[list-item]
                for frame in ("[" * 100_000, "[" * 5000 + "]" * 5000, '[2,"a","Heartbeat",{},{}]', "\u0000"):
                    await ws.send(frame)
                    assert json.loads(await ws.recv())[0] == 4
                await ws.send('[2,"ok","Heartbeat",{}]')
                assert json.loads(await ws.recv())[:2] == [4, "ok"]  # NotSupported: still answering

    run(main())


def test_send_is_never_answered_and_a_bad_result_gets_a_callresulterror() -> None:
    async def main() -> None:
        async with _server() as server:
            c21 = await _client(server, "CP21", ("2.1",)).connect()
            await c21.send_message(v21.NotifyPeriodicEventStreamRequest(
                id=1, pending=0, basetime=NOW, data=[v21.StreamDataElementType(t=0.5, v="230.1")]))  # fmt: skip
            beat = await c21.call(v21.HeartbeatRequest())  # answered normally: the SEND got no reply
            assert beat.current_time == NOW
            assert server.made["CP21"].streamed[0].data[0].v == "230.1"

        # A station that answers a CALL with an invalid CALLRESULT gets CALLRESULTERROR (2.1 only).
        async with (
            _server() as server,
            connect(f"ws://127.0.0.1:{server.port}/ocpp/RAW21", subprotocols=["ocpp2.1"]) as ws,
        ):  # type: ignore[list-item]
            await asyncio.sleep(0.05)
            call = asyncio.ensure_future(server.connections["RAW21"].call(v21.GetLocalListVersionRequest()))
            frame = json.loads(await ws.recv())
            await ws.send(json.dumps([3, frame[1], {"versionNumber": "seven"}]))
            answer = json.loads(await ws.recv())
            assert answer[:3] == [5, frame[1], "TypeConstraintViolation"]
            with pytest.raises(ocppkit.ValidationError):
                await call

    run(main())


def test_callerror_from_the_peer_surfaces_typed() -> None:
    async def main() -> None:
        async with (
            _server() as server,
            connect(f"ws://127.0.0.1:{server.port}/ocpp/RAW", subprotocols=["ocpp2.0.1"]) as ws,
        ):  # type: ignore[list-item]
            await asyncio.sleep(0.05)
            call = asyncio.ensure_future(server.connections["RAW"].call(v201.GetLocalListVersionRequest()))
            frame = json.loads(await ws.recv())
            await ws.send(json.dumps([4, frame[1], "GenericError", "broken", {"why": 1}]))
            with pytest.raises(CallError) as info:
                await call
            assert (info.value.code, info.value.description, info.value.details) == (
                "GenericError",
                "broken",
                {"why": 1},
            )
            assert info.value.action == "GetLocalListVersion"

    run(main())


def test_one_outstanding_call_at_a_time_queued_in_order() -> None:
    async def main() -> None:
        async with _server() as server:
            client = _client(server, "CP", ("2.0.1",))
            await client.connect()
            await asyncio.sleep(0.05)
            csms_side = server.connections["CP"]
            results = await asyncio.gather(
                *(csms_side.call(v201.GetLocalListVersionRequest()) for _ in range(5))
            )
            assert [r.version_number for r in results] == [7] * 5
            station = client.connection.handlers  # type: ignore[union-attr]
            assert station.most_active == 1  # type: ignore[attr-defined]

    run(main())


def test_calls_time_out_and_ids_are_short_and_unique() -> None:
    async def main() -> None:
        async with (
            _server(call_timeout=0.2) as server,
            connect(f"ws://127.0.0.1:{server.port}/ocpp/SILENT", subprotocols=["ocpp1.6"]) as ws,
        ):  # type: ignore[list-item]
            await asyncio.sleep(0.05)
            with pytest.raises(TimeoutError):
                await server.connections["SILENT"].call(v16.ClearCacheRequest())
            with pytest.raises(TimeoutError):
                await server.connections["SILENT"].call(v16.ClearCacheRequest())
            ids = [json.loads(await ws.recv())[1] for _ in range(2)]
            assert len(set(ids)) == 2 and all(len(i) <= 8 for i in ids)

    run(main())


def test_wrong_direction_and_wrong_version_are_refused() -> None:
    async def main() -> None:
        async with _server() as server:
            c16: StationConnection = await _client(server, "CP16", ("1.6",)).connect()
            with pytest.raises(TypeError, match="does not send Reset"):
                await c16.call(v16.ResetRequest(type=v16.ResetType.HARD))  # type: ignore[arg-type]
            with pytest.raises(TypeError, match=r"OCPP 2\.0\.1"):
                await c16.call(v201.HeartbeatRequest())

    run(main())


def test_version_negotiation_follows_the_client_preference() -> None:
    async def main() -> None:
        async with _server(versions=("2.0.1", "1.6")) as server:
            conn = await _client(server, "A", ("2.1", "1.6", "2.0.1")).connect()
            assert conn.version == "1.6"
            with pytest.raises(HandshakeRefused):
                await _client(server, "B", ("2.1",)).connect()

    run(main())


def test_basic_auth_and_unknown_stations() -> None:
    async def main() -> None:
        server = _server(
            check_password=passwords({"CP1": "s3cret-s3cret-16"}),
            accept=lambda info: info.identity != "STRANGER",
        )
        async with server:
            ok = await _client(server, "CP1", ("2.0.1",), password="s3cret-s3cret-16").connect()
            assert ok.version == "2.0.1"
            for identity, password, status in [
                ("CP1", "wrong", 401),
                ("CP1", None, 401),
                ("CP2", "s3cret-s3cret-16", 401),
            ]:
                with pytest.raises(HandshakeRefused) as info:
                    await _client(server, identity, ("2.0.1",), password=password).connect()
                assert info.value.status == status
        async with _server(accept=lambda info: info.identity != "STRANGER") as server:
            with pytest.raises(HandshakeRefused) as info:
                await _client(server, "STRANGER", ("2.0.1",)).connect()
            assert info.value.status == 404

    run(main())


def test_oversized_messages_close_the_connection() -> None:
    async def main() -> None:
        async with (
            _server(link=ocppkit.transport.LinkSettings(max_message_size=1024)) as server,
            connect(f"ws://127.0.0.1:{server.port}/ocpp/BIG", subprotocols=["ocpp1.6"]) as ws,
        ):  # type: ignore[list-item]
            await ws.send(json.dumps([2, "1", "DataTransfer", {"vendorId": "v", "data": "x" * 4000}]))
            await ws.wait_closed()
            assert ws.close_code == 1009

    run(main())


def test_backoff_doubles_then_holds_with_bounded_jitter() -> None:
    import random

    from ocppkit.client import Backoff

    backoff = Backoff(wait_minimum=2.0, random_range=1.0, repeat_times=3)
    rng = random.Random(7)
    delays = [backoff.delay(n, rng) for n in range(6)]
    floors = [2.0, 4.0, 8.0, 16.0, 16.0, 16.0]
    assert all(f <= d <= f + 1.0 for d, f in zip(delays, floors, strict=True))
    assert len({round(d - f, 6) for d, f in zip(delays, floors, strict=True)}) > 1  # randomized


def test_station_reconnects_after_the_csms_closes() -> None:
    async def main() -> None:
        from ocppkit.client import Backoff

        async with _server() as server:
            client = _client(server, "CP", ("2.0.1",), backoff=Backoff(wait_minimum=0.01, random_range=0.01))
            boots: list[str] = []

            async def on_connect(connection: StationConnection) -> None:
                boots.append(connection.version)

            runner = asyncio.ensure_future(client.run(on_connect))
            await client.connected.wait()
            first = server.connections["CP"]
            for ws in list(server._server.connections):  # type: ignore[union-attr]
                await ws.close(1001, "restarting")
            for _ in range(100):  # the CSMS sees the new link before the station's on_connect runs
                if "CP" in server.connections and server.connections["CP"] is not first and len(boots) == 2:
                    break
                await asyncio.sleep(0.02)
            assert server.connections["CP"] is not first
            assert boots == ["2.0.1", "2.0.1"]
            await client.close()
            runner.cancel()

    run(main())


def test_frames_travel_as_websocket_text() -> None:
    async def main() -> None:
        async with (
            _server() as server,
            connect(f"ws://127.0.0.1:{server.port}/ocpp/RAW", subprotocols=["ocpp1.6"]) as ws,
        ):  # type: ignore[list-item]
            await ws.send('[2,"t1","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]')
            reply = await ws.recv()
            assert isinstance(reply, str)  # a text frame (bytes would mean a binary frame)
            assert json.loads(reply)[:2] == [3, "t1"]
            await asyncio.sleep(0.05)
            call = asyncio.ensure_future(server.connections["RAW"].call(v16.ClearCacheRequest()))
            request = await ws.recv()
            assert isinstance(request, str)
            await ws.send(json.dumps([3, json.loads(request)[1], {"status": "Accepted"}]))
            assert (await call).status is v16.ClearCacheStatus.ACCEPTED

    run(main())
