"""The simulated charging station of ``ocppkit station``: one EVSE with one connector.

It boots, reports its connector, sends heartbeats at the interval the CSMS gives, runs charging
sessions with periodic meter values (energy register, active power, current per phase) and answers
what a CSMS asks of a station: reset, remote start and stop, change availability, get and set
configuration (1.6) or variables (2.x), trigger message. Transaction-related messages go through the
client's queue, so they survive a lost connection.

Time can run faster than the clock (``speed``): the station waits ``meter_interval / speed`` seconds
between meter values but meters the energy of ``meter_interval`` seconds, so a demo charges kWh in
seconds. Timestamps are always the real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any

from ocppkit import v16, v21, v201
from ocppkit._rt import now
from ocppkit.client import Backoff, HandshakeRefused, StationClient
from ocppkit.connection import CallContext, CallError, StationConnection
from ocppkit.errors import ValidationError
from ocppkit.transport import LinkSettings, WireCounter, version_module

__all__ = ["SimulatedStation", "StationReport"]

Send = Callable[[Any], Awaitable[Any]]
"""Sends a request and gives its response (a connection's ``call``, or the transaction queue)."""

_log = logging.getLogger("ocppkit.station")

ENERGY = "Energy.Active.Import.Register"
POWER = "Power.Active.Import"
CURRENT = "Current.Import"
PHASES = ("L1", "L2", "L3")
VOLTAGE = 230.0


@dataclass(slots=True)
class StationReport:
    """What a simulated station did: the summary ``ocppkit station --json`` prints."""

    identity: str
    version: str
    booted: bool = False
    sessions_done: int = 0
    sessions_refused: int = 0
    meter_values: int = 0
    energy_wh: float = 0.0
    frames_out: int = 0
    frames_in: int = 0
    payload_out: int = 0
    payload_in: int = 0
    wire_out: int = 0
    wire_in: int = 0
    calls_answered: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class _Session:
    id_token: str
    remote_start_id: int | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    transaction_id: str | None = None
    reason: str = "Local"
    samples: int = 0
    number: int | None = None
    """OCPP 1.6: the transaction id the CSMS gave."""
    accepted: bool = True
    """The CSMS accepted the id token when the transaction started."""


class SimulatedStation:
    """A simulated charging station speaking one OCPP version."""

    def __init__(
        self,
        url: str,
        identity: str,
        version: str,
        *,
        sessions: int = 1,
        meter_interval: float = 60.0,
        meter_values: int = 3,
        speed: float = 1.0,
        id_token: str = "DEMO-TOKEN-1",
        power_w: float = 11_000.0,
        password: str | None = None,
        link: LinkSettings | None = None,
        heartbeat_interval: float | None = None,
        progress: Callable[[str, str], None] | None = None,
    ) -> None:
        self.module: ModuleType = version_module(version)
        self.version: str = self.module.OCPP_VERSION
        self.identity = identity
        self.sessions = sessions
        self.meter_interval = meter_interval
        self.meter_values = meter_values
        self.speed = speed
        self.id_token = id_token
        self.power_w = power_w
        self.heartbeat_interval = heartbeat_interval
        self.register_wh = 10_000.0
        self.power_now = power_w
        self._rng = random.Random(identity)
        self.clock: Callable[[], datetime] = now
        """Where timestamps come from (a simulation may run its own clock)."""
        self.report = StationReport(identity, self.version)
        self.wire = WireCounter()
        self._progress = progress
        self._queue: asyncio.Queue[_Session] = asyncio.Queue()
        self._current: _Session | None = None
        self._booted = asyncio.Event()
        self._interval = 300.0
        self._heartbeats: asyncio.Task[None] | None = None
        self._tx_counter = itertools.count(1)
        self._seq = itertools.count()
        self.available = True
        handlers: type[Any] = {"1.6": Station16, "2.0.1": Station201, "2.1": Station21}[self.version]
        self.client = StationClient(
            url=url,
            identity=identity,
            handlers=lambda _version: handlers(self),
            versions=(self.version,),
            password=password,
            link=link or LinkSettings(),
            backoff=Backoff(wait_minimum=1.0, random_range=1.0, repeat_times=3),
            trace=self._trace,
            wire=self.wire,
        )

    # -- bookkeeping ------------------------------------------------------------------------

    def _trace(self, identity: str, direction: str, frame: bytes | str) -> None:
        size = len(frame.encode() if isinstance(frame, str) else frame)
        if direction == "out":
            self.report.frames_out += 1
            self.report.payload_out += size
        else:
            self.report.frames_in += 1
            self.report.payload_in += size

    def _say(self, text: str) -> None:
        _log.info("%s: %s", self.identity, text)
        if self._progress is not None:
            self._progress(self.identity, text)

    def note_error(self, text: str) -> None:
        """Record a problem once (a flapping link repeats the same one)."""
        if text not in self.report.errors:
            self.report.errors.append(text)

    def answered(self, action: str) -> None:
        self.report.calls_answered[action] = self.report.calls_answered.get(action, 0) + 1

    @property
    def charging(self) -> bool:
        return self._current is not None

    # -- running ----------------------------------------------------------------------------

    async def run(
        self,
        *,
        exit_when_done: bool = True,
        timeout: float | None = None,
        connect_timeout: float | None = None,
    ) -> StationReport:
        """Connect, boot, run the sessions; then return (``exit_when_done``) or run until cancelled.

        ``connect_timeout``: give up when not booted within it; ``timeout``: for the whole run.
        """
        for _ in range(self.sessions):
            self._queue.put_nowait(_Session(self.id_token))
        link = asyncio.create_task(self.client.run(on_connect=self._on_connect))
        try:
            async with asyncio.timeout(timeout):
                try:
                    async with asyncio.timeout(connect_timeout):
                        await self._wait_booted(link)
                except TimeoutError:
                    why = self.client.last_error or "no answer"
                    self.note_error(f"not booted within {connect_timeout:g} s ({why})")
                    return self.report
                done = 0
                while not exit_when_done or done < self.sessions:
                    session = await self._queue.get()
                    await self._charge(session)
                    done += 1
        except TimeoutError:
            self.note_error(f"did not finish within {timeout:g} s")
        except HandshakeRefused as exc:
            self.note_error(str(exc))
        finally:
            await self.client.close()
            link.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await link
            if self._heartbeats is not None:
                self._heartbeats.cancel()
            self.finish_report()
        return self.report

    def finish_report(self) -> StationReport:
        """The report with the socket's byte counts as they are now."""
        self.report.wire_out, self.report.wire_in = self.wire.sent, self.wire.received
        return self.report

    async def _wait_booted(self, link: asyncio.Task[None]) -> None:
        booted = asyncio.ensure_future(self._booted.wait())
        await asyncio.wait({booted, link}, return_when=asyncio.FIRST_COMPLETED)
        if not booted.done():
            booted.cancel()
            link.result()  # raises what ended the link
            raise HandshakeRefused("the connection ended before the station booted")

    async def _on_connect(self, connection: StationConnection) -> None:
        self._say(f"connected to {self.client.full_url} with OCPP {self.version}")
        try:
            await self.boot(connection)
        except (CallError, ValidationError, ConnectionError, TimeoutError) as exc:
            self.note_error(f"boot failed: {exc}")
            self._say(f"boot failed: {exc}")

    async def boot(self, connection: StationConnection) -> None:
        behaviour = _behaviour(self)
        while True:
            response = await connection.call(behaviour.boot_request())
            status = str(response.status)
            if status == "Accepted":
                break
            self._say(f"boot {status}; retrying in {response.interval or 10} s")
            await asyncio.sleep((response.interval or 10) / self.speed)
        self._interval = float(self.heartbeat_interval or response.interval or 300)
        self.report.booted = True
        self._say(f"booted (heartbeat every {self._interval:g} s)")
        await connection.call(behaviour.status_request("Available" if self.available else "Unavailable"))
        if self._heartbeats is None or self._heartbeats.done():
            self._heartbeats = asyncio.create_task(self._heartbeat())
        self._booted.set()

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self._interval / self.speed)
            connection = self.client.connection
            if connection is not None and not connection.closed:
                with contextlib.suppress(CallError, ConnectionError, TimeoutError):
                    await connection.call(self.module.HeartbeatRequest())

    async def _call(self, request: Any) -> Any:
        """A non-transaction message: sent now (waits for the connection)."""
        while True:
            connection = self.client.connection
            if connection is not None and not connection.closed:
                try:
                    return await connection.call(request)
                except ConnectionError:
                    pass
            await self.client.connected.wait()
            await asyncio.sleep(0.05)

    async def _charge(self, session: _Session) -> None:
        self._current = session
        try:
            ok = await self._session(_behaviour(self), session)
        except CallError as exc:
            ok = False
            self.note_error(str(exc))
        finally:
            self._current = None
        if ok:
            self.report.sessions_done += 1
        else:
            self.report.sessions_refused += 1

    async def _session(self, behaviour: _Behaviour16 | _Behaviour2x, session: _Session) -> bool:
        """One charging session: start, meter values every interval (until asked to stop), end."""
        call, tx = self._call, self.client.call_transaction
        if not await behaviour.start(session, call, tx):
            return False
        self._say(f"transaction {session.transaction_id} started")
        for _ in range(self.meter_values):
            if await self.wait_interval(session):
                break
            self.meter_step()
            self.metered(session)
            await behaviour.meter(session, tx)
        await behaviour.end(session, call, tx)
        self._say(f"transaction {session.transaction_id} ended")
        return session.accepted

    async def wait_interval(self, session: _Session) -> bool:
        """Sleep one meter interval; ``True`` when the session was asked to stop meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(session.stop.wait(), self.meter_interval / self.speed)
        return session.stop.is_set()

    def meter_step(self) -> None:
        # A real EV's draw wanders a little; so do the readings (deterministically, per station).
        self.power_now = self.power_w * self._rng.uniform(0.96, 1.0)
        wh = self.power_now * self.meter_interval / 3600.0
        self.register_wh += wh
        self.report.energy_wh += wh
        self.report.meter_values += 1

    def metered(self, session: _Session) -> None:
        session.samples += 1
        self._say(
            f"meter value {session.samples}/{self.meter_values}: {self.power_now / 1000:.1f} kW, "
            f"{self.report.energy_wh / 1000:.2f} kWh so far"
        )

    def remote_start(self, id_token: str, remote_start_id: int | None = None) -> bool:
        if self.charging or not self.available:
            return False
        self._queue.put_nowait(_Session(id_token, remote_start_id, reason="Remote"))
        return True

    def remote_stop(self, transaction_id: str) -> bool:
        session = self._current
        if session is None or session.transaction_id != transaction_id:
            return False
        session.reason = "Remote"
        session.stop.set()
        return True

    def trigger(self, message: str) -> bool:
        """Send a triggered message soon; ``False`` if this station cannot."""
        behaviour = _behaviour(self)
        request = behaviour.triggered(message)
        if request is None:
            return False

        async def send() -> None:
            await asyncio.sleep(0)
            with contextlib.suppress(CallError, ConnectionError, TimeoutError):
                await self._call(request)

        asyncio.get_running_loop().create_task(send())
        return True

    def reset(self) -> None:
        """Reboot: drop the link (the client reconnects and boots again)."""

        async def reboot() -> None:
            await asyncio.sleep(0.1)
            session = self._current
            if session is not None:
                session.reason = "Reboot"
                session.stop.set()
            await self.client.drop()

        asyncio.get_running_loop().create_task(reboot())


def _behaviour(station: SimulatedStation) -> _Behaviour16 | _Behaviour2x:
    return _Behaviour16(station) if station.version == "1.6" else _Behaviour2x(station)


# -- what the station sends ---------------------------------------------------------------------


class _Behaviour16:
    def __init__(self, station: SimulatedStation) -> None:
        self.s = station

    def boot_request(self) -> v16.BootNotificationRequest:
        return v16.BootNotificationRequest(
            charge_point_vendor="ocppkit",
            charge_point_model="Simulated 22",
            charge_point_serial_number=f"SIM-{self.s.identity}"[:25],
            firmware_version="1.0.0",
        )

    def status_request(self, status: str) -> v16.StatusNotificationRequest:
        return v16.StatusNotificationRequest(
            connector_id=1,
            error_code=v16.ChargePointErrorCode.NO_ERROR,
            status=v16.ChargePointStatus(status),
            timestamp=self.s.clock(),
        )

    def meter_value(self, context: str) -> v16.MeterValue:
        amps = self.s.power_now / VOLTAGE / 3
        values = [
            v16.SampledValue(
                value=f"{self.s.register_wh:.0f}",
                context=v16.ReadingContext(context),
                measurand=v16.Measurand(ENERGY),
                unit=v16.UnitOfMeasure("Wh"),
            ),
            v16.SampledValue(
                value=f"{self.s.power_now:.0f}",
                context=v16.ReadingContext(context),
                measurand=v16.Measurand(POWER),
                unit=v16.UnitOfMeasure("W"),
            ),
            *(
                v16.SampledValue(
                    value=f"{amps:.1f}",
                    context=v16.ReadingContext(context),
                    measurand=v16.Measurand(CURRENT),
                    phase=v16.Phase(phase),
                    unit=v16.UnitOfMeasure("A"),
                )
                for phase in PHASES
            ),
        ]
        return v16.MeterValue(timestamp=self.s.clock(), sampled_value=values)

    async def start(self, session: _Session, call: Send, tx: Send) -> bool:
        """Authorize and start the transaction; ``False`` when the token is refused."""
        s = self.s
        await call(self.status_request("Preparing"))
        auth = await call(v16.AuthorizeRequest(id_tag=session.id_token))
        if auth.id_tag_info.status != "Accepted":
            s._say(f"token {session.id_token} refused ({auth.id_tag_info.status})")
            await call(self.status_request("Available"))
            return False
        start = await tx(
            v16.StartTransactionRequest(
                connector_id=1, id_tag=session.id_token, meter_start=round(s.register_wh), timestamp=s.clock()
            )
        )
        session.number = start.transaction_id
        session.transaction_id = str(start.transaction_id)
        session.accepted = start.id_tag_info.status == "Accepted"
        await call(self.status_request("Charging"))
        return True

    async def meter(self, session: _Session, tx: Send) -> None:
        await tx(
            v16.MeterValuesRequest(
                connector_id=1,
                transaction_id=session.number,
                meter_value=[self.meter_value("Sample.Periodic")],
            )
        )

    async def end(self, session: _Session, call: Send, tx: Send) -> None:
        assert session.number is not None
        await tx(
            v16.StopTransactionRequest(
                meter_stop=round(self.s.register_wh),
                timestamp=self.s.clock(),
                transaction_id=session.number,
                reason=v16.Reason(session.reason),
                id_tag=session.id_token,
            )
        )
        await call(self.status_request("Finishing"))
        await call(self.status_request("Available"))

    def triggered(self, message: str) -> Any:
        if message == "BootNotification":
            return self.boot_request()
        if message == "Heartbeat":
            return v16.HeartbeatRequest()
        if message == "StatusNotification":
            return self.status_request("Charging" if self.s.charging else "Available")
        if message == "MeterValues":
            return v16.MeterValuesRequest(connector_id=1, meter_value=[self.meter_value("Trigger")])
        return None


class _Behaviour2x:
    def __init__(self, station: SimulatedStation) -> None:
        self.s = station
        self.m: Any = station.module

    def boot_request(self) -> Any:
        m = self.m
        return m.BootNotificationRequest(
            charging_station=m.ChargingStationType(
                vendor_name="ocppkit",
                model="Simulated 22",
                serial_number=f"SIM-{self.s.identity}"[:25],
                firmware_version="1.0.0",
            ),
            reason=m.BootReasonEnumType("PowerUp"),
        )

    def status_request(self, status: str) -> Any:
        m = self.m
        wire = {"Preparing": "Occupied", "Charging": "Occupied", "Finishing": "Occupied"}.get(status, status)
        return m.StatusNotificationRequest(
            timestamp=self.s.clock(),
            connector_status=m.ConnectorStatusEnumType(wire),
            evse_id=1,
            connector_id=1,
        )

    def id_token(self, token: str) -> Any:
        m = self.m
        kind = m.IdTokenEnumType("ISO14443") if hasattr(m, "IdTokenEnumType") else "ISO14443"
        return m.IdTokenType(id_token=token, type=kind)

    def meter_value(self, context: str) -> Any:
        m = self.m
        amps = self.s.power_now / VOLTAGE / 3

        def sample(value: float, measurand: str, unit: str, phase: str | None = None) -> Any:
            return m.SampledValueType(
                value=value,
                context=m.ReadingContextEnumType(context),
                measurand=m.MeasurandEnumType(measurand),
                phase=m.PhaseEnumType(phase) if phase else None,
                unit_of_measure=m.UnitOfMeasureType(unit=unit),
            )

        values = [
            sample(round(self.s.register_wh), ENERGY, "Wh"),
            sample(round(self.s.power_now), POWER, "W"),
            *(sample(round(amps, 1), CURRENT, "A", phase) for phase in PHASES),
        ]
        return m.MeterValueType(sampled_value=values, timestamp=self.s.clock())

    def event(self, session: _Session, kind: str, trigger: str, context: str, **extra: Any) -> Any:
        m = self.m
        assert session.transaction_id is not None
        info = m.TransactionType(
            transaction_id=session.transaction_id,
            charging_state=m.ChargingStateEnumType("Charging" if kind != "Ended" else "EVConnected"),
            stopped_reason=m.ReasonEnumType(session.reason) if kind == "Ended" else None,
            remote_start_id=session.remote_start_id if kind == "Started" else None,
        )
        return m.TransactionEventRequest(
            event_type=m.TransactionEventEnumType(kind),
            timestamp=self.s.clock(),
            trigger_reason=m.TriggerReasonEnumType(trigger),
            seq_no=next(self.s._seq),
            transaction_info=info,
            evse=m.EVSEType(id=1, connector_id=1) if kind == "Started" else None,
            meter_value=[self.meter_value(context)],
            **extra,
        )

    async def start(self, session: _Session, call: Send, tx: Send) -> bool:
        """Authorize and start the transaction; ``False`` when the token is refused."""
        s, m = self.s, self.m
        token = self.id_token(session.id_token)
        auth = await call(m.AuthorizeRequest(id_token=token))
        if auth.id_token_info.status != "Accepted":
            s._say(f"token {session.id_token} refused ({auth.id_token_info.status})")
            return False
        session.transaction_id = f"{s.identity[:20]}-{next(s._tx_counter)}"
        await call(self.status_request("Charging"))
        started = await tx(self.event(session, "Started", "Authorized", "Transaction.Begin", id_token=token))
        info = started.id_token_info
        session.accepted = info is None or info.status == "Accepted"
        return True

    async def meter(self, session: _Session, tx: Send) -> None:
        await tx(self.event(session, "Updated", "MeterValuePeriodic", "Sample.Periodic"))

    async def end(self, session: _Session, call: Send, tx: Send) -> None:
        trigger = "RemoteStop" if session.reason == "Remote" else "StopAuthorized"
        if trigger not in {t.value for t in self.m.TriggerReasonEnumType}:
            trigger = "StopAuthorized"
        await tx(self.event(session, "Ended", trigger, "Transaction.End"))
        await call(self.status_request("Available"))

    def triggered(self, message: str) -> Any:
        m = self.m
        if message == "BootNotification":
            return self.boot_request()
        if message == "Heartbeat":
            return m.HeartbeatRequest()
        if message == "StatusNotification":
            return self.status_request("Charging" if self.s.charging else "Available")
        if message == "MeterValues":
            return m.MeterValuesRequest(evse_id=1, meter_value=[self.meter_value("Trigger")])
        return None


# -- what the station answers -------------------------------------------------------------------

CONFIGURATION_16: dict[str, tuple[str, bool]] = {
    # key: (value, read-only)
    "HeartbeatInterval": ("300", False),
    "MeterValueSampleInterval": ("60", False),
    "MeterValuesSampledData": ("Energy.Active.Import.Register,Power.Active.Import,Current.Import", False),
    "NumberOfConnectors": ("1", True),
    "AuthorizeRemoteTxRequests": ("true", False),
    "TransactionMessageAttempts": ("3", False),
    "TransactionMessageRetryInterval": ("60", False),
    "SupportedFeatureProfiles": ("Core,RemoteTrigger", True),
}


class Station16(v16.StationHandlers):
    """What the simulated 1.6 station answers."""

    def __init__(self, station: SimulatedStation) -> None:
        self.station = station
        self.configuration = dict(CONFIGURATION_16)

    async def on_reset(self, request: v16.ResetRequest, context: CallContext) -> v16.ResetResponse:
        self.station.answered("Reset")
        self.station._say(f"{request.type} reset requested")
        self.station.reset()
        return v16.ResetResponse(status=v16.ResetStatus.ACCEPTED)

    async def on_remote_start_transaction(
        self, request: v16.RemoteStartTransactionRequest, context: CallContext
    ) -> v16.RemoteStartTransactionResponse:
        self.station.answered("RemoteStartTransaction")
        ok = self.station.remote_start(request.id_tag)
        status = v16.RemoteStartStopStatus.ACCEPTED if ok else v16.RemoteStartStopStatus.REJECTED
        return v16.RemoteStartTransactionResponse(status=status)

    async def on_remote_stop_transaction(
        self, request: v16.RemoteStopTransactionRequest, context: CallContext
    ) -> v16.RemoteStopTransactionResponse:
        self.station.answered("RemoteStopTransaction")
        ok = self.station.remote_stop(str(request.transaction_id))
        status = v16.RemoteStartStopStatus.ACCEPTED if ok else v16.RemoteStartStopStatus.REJECTED
        return v16.RemoteStopTransactionResponse(status=status)

    async def on_change_availability(
        self, request: v16.ChangeAvailabilityRequest, context: CallContext
    ) -> v16.ChangeAvailabilityResponse:
        self.station.answered("ChangeAvailability")
        if self.station.charging:
            return v16.ChangeAvailabilityResponse(status=v16.AvailabilityStatus.SCHEDULED)
        self.station.available = request.type == "Operative"
        return v16.ChangeAvailabilityResponse(status=v16.AvailabilityStatus.ACCEPTED)

    async def on_get_configuration(
        self, request: v16.GetConfigurationRequest, context: CallContext
    ) -> v16.GetConfigurationResponse:
        self.station.answered("GetConfiguration")
        keys = request.key if request.key else list(self.configuration)
        known = [k for k in keys if k in self.configuration]
        unknown = [k for k in keys if k not in self.configuration]
        return v16.GetConfigurationResponse(
            configuration_key=[
                v16.KeyValue(key=k, readonly=self.configuration[k][1], value=self.configuration[k][0])
                for k in known
            ]
            or None,
            unknown_key=unknown or None,
        )

    async def on_change_configuration(
        self, request: v16.ChangeConfigurationRequest, context: CallContext
    ) -> v16.ChangeConfigurationResponse:
        self.station.answered("ChangeConfiguration")
        entry = self.configuration.get(request.key)
        if entry is None:
            return v16.ChangeConfigurationResponse(status=v16.ConfigurationStatus.NOT_SUPPORTED)
        if entry[1]:
            return v16.ChangeConfigurationResponse(status=v16.ConfigurationStatus.REJECTED)
        self.configuration[request.key] = (request.value, False)
        return v16.ChangeConfigurationResponse(status=v16.ConfigurationStatus.ACCEPTED)

    async def on_trigger_message(
        self, request: v16.TriggerMessageRequest, context: CallContext
    ) -> v16.TriggerMessageResponse:
        self.station.answered("TriggerMessage")
        ok = self.station.trigger(request.requested_message)
        status = v16.TriggerMessageStatus.ACCEPTED if ok else v16.TriggerMessageStatus.NOT_IMPLEMENTED
        return v16.TriggerMessageResponse(status=status)


VARIABLES_2X: dict[tuple[str, str], tuple[str, bool]] = {
    # (component, variable): (value, read-only)
    ("OCPPCommCtrlr", "HeartbeatInterval"): ("300", False),
    ("SampledDataCtrlr", "TxUpdatedInterval"): ("60", False),
    ("SampledDataCtrlr", "TxUpdatedMeasurands"): (
        "Energy.Active.Import.Register,Power.Active.Import,Current.Import",
        False,
    ),
    ("OCPPCommCtrlr", "MessageAttempts"): ("3", False),
    ("OCPPCommCtrlr", "MessageAttemptInterval"): ("60", False),
    ("AuthCtrlr", "AuthorizeRemoteStart"): ("true", False),
    ("DeviceDataCtrlr", "ItemsPerMessage"): ("50", True),
    ("ChargingStation", "Model"): ("Simulated 22", True),
}


class _Station2x:
    """What the simulated 2.x station answers (each version's own classes via ``self.m``)."""

    m: Any

    def __init__(self, station: SimulatedStation) -> None:
        self.station = station
        # Component and variable names are case-insensitive in OCPP 2.x: keyed in lower case.
        self.variables = {(c.lower(), v.lower()): entry for (c, v), entry in VARIABLES_2X.items()}

    async def on_reset(self, request: Any, context: CallContext) -> Any:
        self.station.answered("Reset")
        self.station._say(f"{request.type} reset requested")
        self.station.reset()
        return self.m.ResetResponse(status=self.m.ResetStatusEnumType("Accepted"))

    async def on_request_start_transaction(self, request: Any, context: CallContext) -> Any:
        self.station.answered("RequestStartTransaction")
        ok = self.station.remote_start(request.id_token.id_token, request.remote_start_id)
        return self.m.RequestStartTransactionResponse(
            status=self.m.RequestStartStopStatusEnumType("Accepted" if ok else "Rejected")
        )

    async def on_request_stop_transaction(self, request: Any, context: CallContext) -> Any:
        self.station.answered("RequestStopTransaction")
        ok = self.station.remote_stop(request.transaction_id)
        return self.m.RequestStopTransactionResponse(
            status=self.m.RequestStartStopStatusEnumType("Accepted" if ok else "Rejected")
        )

    async def on_change_availability(self, request: Any, context: CallContext) -> Any:
        self.station.answered("ChangeAvailability")
        if self.station.charging:
            status = "Scheduled"
        else:
            self.station.available = request.operational_status == "Operative"
            status = "Accepted"
        return self.m.ChangeAvailabilityResponse(status=self.m.ChangeAvailabilityStatusEnumType(status))

    def _lookup(self, component: str, variable: str) -> tuple[str, tuple[str, str] | None]:
        """The attribute status and the key of a variable (``None`` when there is none)."""
        key = (component.lower(), variable.lower())
        if key in self.variables:
            return "Accepted", key
        known_component = any(c == key[0] for c, _ in self.variables)
        return ("UnknownVariable" if known_component else "UnknownComponent"), None

    async def on_get_variables(self, request: Any, context: CallContext) -> Any:
        self.station.answered("GetVariables")
        m = self.m
        results = []
        for item in request.get_variable_data:
            status, key = self._lookup(item.component.name, item.variable.name)
            if key is not None and item.attribute_type not in (None, "Actual"):
                status, key = "NotSupportedAttributeType", None
            results.append(
                m.GetVariableResultType(
                    attribute_status=m.GetVariableStatusEnumType(status),
                    attribute_type=item.attribute_type,
                    attribute_value=self.variables[key][0] if key is not None else None,
                    component=item.component,
                    variable=item.variable,
                )
            )
        return m.GetVariablesResponse(get_variable_result=results)

    async def on_set_variables(self, request: Any, context: CallContext) -> Any:
        self.station.answered("SetVariables")
        m = self.m
        results = []
        for item in request.set_variable_data:
            status, key = self._lookup(item.component.name, item.variable.name)
            if key is not None:
                if self.variables[key][1]:
                    status = "Rejected"  # read-only
                else:
                    self.variables[key] = (item.attribute_value, False)
            results.append(
                m.SetVariableResultType(
                    attribute_status=m.SetVariableStatusEnumType(status),
                    attribute_type=item.attribute_type,
                    component=item.component,
                    variable=item.variable,
                )
            )
        return m.SetVariablesResponse(set_variable_result=results)

    async def on_trigger_message(self, request: Any, context: CallContext) -> Any:
        self.station.answered("TriggerMessage")
        ok = self.station.trigger(request.requested_message)
        return self.m.TriggerMessageResponse(
            status=self.m.TriggerMessageStatusEnumType("Accepted" if ok else "NotImplemented")
        )


class Station201(_Station2x, v201.StationHandlers):
    m = v201


class Station21(_Station2x, v21.StationHandlers):
    m = v21
