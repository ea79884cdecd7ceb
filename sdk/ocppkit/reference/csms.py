"""The reference CSMS of ``ocppkit serve``: every version on one endpoint, state in SQLite.

It answers every action a station sends, in every version:

* BootNotification: ``Accepted`` with the configured heartbeat interval; Heartbeat: the time;
* Authorize, and the id token of a transaction: ``Accepted`` when the token is on the allow-list
  (or when there is no allow-list), ``Invalid`` otherwise;
* transactions (1.6 Start/StopTransaction, 2.x TransactionEvent) and meter values are stored, with
  the energy of each transaction from its register readings;
* StatusNotification is stored; DataTransfer answers ``UnknownVendorId``;
* every other action gets a valid answer: the version's example response (``ocppkit.v201.examples``),
  except where that would promise what a reference CSMS cannot do (signing certificates, ISO 15118
  certificates, OCSP): those are refused with the status the schema offers for it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from types import ModuleType
from typing import Any, Final

from ocppkit import v16, v21, v201
from ocppkit._rt import now
from ocppkit.codec import decode_value
from ocppkit.connection import CallContext
from ocppkit.reference.store import Sample, Store
from ocppkit.server import CsmsServer, StationInfo
from ocppkit.transport import LinkSettings, version_module

__all__ = ["ReferenceCsms"]

_log = logging.getLogger("ocppkit.csms")

ENERGY: Final = "Energy.Active.Import.Register"

_REFUSED: Final[dict[str, dict[str, str]]] = {
    # What the reference CSMS cannot do, answered with the schema's refusal rather than a promise.
    "SignCertificate": {"status": "Rejected"},
    "Get15118EVCertificate": {"status": "Failed"},
    "GetCertificateStatus": {"status": "Failed"},
    "GetCertificateChainStatus": {"status": "Failed"},
    "VatNumberValidation": {"status": "Rejected"},
    "DataTransfer": {"status": "UnknownVendorId"},
}


def to_wh(value: float, unit: str | None, multiplier: int = 0) -> float | None:
    """An energy reading in Wh, or ``None`` when the unit is not one of energy."""
    scale = {None: 1.0, "Wh": 1.0, "kWh": 1000.0}.get(unit)
    return None if scale is None else value * scale * 10.0**multiplier


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@dataclass(slots=True)
class ReferenceCsms:
    """The reference CSMS: a [`ocppkit.server.CsmsServer`][ocppkit.server.CsmsServer] with handlers for
    every version."""

    store: Store
    heartbeat_interval: int = 300
    allow: Collection[str] = ()
    """Id tokens accepted; empty: every token is accepted."""
    link: LinkSettings = field(default_factory=LinkSettings)
    versions: tuple[str, ...] = ("2.1", "2.0.1", "1.6")
    clock: Callable[[], datetime] = now
    """The CSMS's time (a simulation may run its own)."""

    def authorized(self, token: str | None) -> bool:
        return token is not None and (not self.allow or token in self.allow)

    def server(self, **options: Any) -> CsmsServer:
        """The endpoint (not started): ``await csms.server().start(host, port)``."""
        connections: dict[int, int] = {}

        def handlers(info: StationInfo) -> object:
            connection_id = self.store.connected(info.identity, info.version, _remote(info.remote))
            connections[id(info)] = connection_id
            _log.info("%s connected (OCPP %s) from %s", info.identity, info.version, _remote(info.remote))
            module = version_module(info.version)
            cls: type[Any] = {"1.6": Csms16, "2.0.1": Csms201, "2.1": Csms21}[module.OCPP_VERSION]
            result: object = cls(self)
            return result

        def disconnected(info: StationInfo) -> None:
            connection_id = connections.pop(id(info), None)
            if connection_id is not None:
                self.store.disconnected(connection_id)

        def trace(identity: str, direction: str, frame: bytes | str) -> None:
            size = len(frame.encode() if isinstance(frame, str) else frame)
            self.store.traffic(identity, direction, size)
            if _log.isEnabledFor(logging.DEBUG):
                text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
                _log.debug("%s %s %s", identity, "→" if direction == "out" else "←", text)

        return CsmsServer(
            handlers=handlers,
            versions=self.versions,
            link=self.link,
            trace=trace,
            on_disconnect=disconnected,
            **options,
        )


def _remote(remote: Any) -> str:
    if isinstance(remote, tuple) and len(remote) >= 2:
        return f"{remote[0]}:{remote[1]}"
    return str(remote)


def _answer_with_example(module: ModuleType, action: str) -> Callable[[Any, CallContext], Awaitable[Any]]:
    response_cls = module.ACTIONS[action].response
    if response_cls is None:  # a SEND (2.1): noted, never answered

        async def note(request: Any, context: CallContext) -> None:
            _log.info("%s %s (SEND)", context.identity, action)

        return note
    data: dict[str, Any] = json.loads(import_module(f"{module.__name__}.examples").RESPONSES[action])
    data.update({k: v for k, v in _REFUSED.get(action, {}).items() if k in data})
    decode_value(response_cls, data)  # a wrong refusal fails here, not on the wire

    async def answer(request: Any, context: CallContext) -> Any:
        _log.info("%s %s: answered %s", context.identity, action, data.get("status", "(empty)"))
        return decode_value(response_cls, data)

    return answer


class _Base:
    """What every version's handlers share: the fallback answers for actions without logic here."""

    module: ModuleType

    def __init__(self, csms: ReferenceCsms) -> None:
        self.csms = csms
        self.store = csms.store
        for method, answer in _fallbacks(type(self)).items():
            setattr(self, method, answer)


_FALLBACKS: dict[type, dict[str, Callable[[Any, CallContext], Awaitable[Any]]]] = {}


def _fallbacks(cls: type[_Base]) -> dict[str, Callable[[Any, CallContext], Awaitable[Any]]]:
    """The example answers of a handler class's version for every action it has no method of its own."""
    if cls not in _FALLBACKS:
        own = {name for klass in cls.__mro__ if klass.__module__ == __name__ for name in vars(klass)}
        _FALLBACKS[cls] = {
            method: _answer_with_example(cls.module, action)
            for action, method in cls.module.handlers.ROUTES["csms"].items()
            if method not in own
        }
    return _FALLBACKS[cls]


# -- OCPP 1.6 ------------------------------------------------------------------------------------


class Csms16(_Base, v16.CsmsHandlers):
    module = v16

    async def on_boot_notification(
        self, request: v16.BootNotificationRequest, context: CallContext
    ) -> v16.BootNotificationResponse:
        self.store.booted(
            context.identity,
            vendor=request.charge_point_vendor,
            model=request.charge_point_model,
            serial_number=request.charge_point_serial_number,
            firmware_version=request.firmware_version,
        )
        _log.info(
            "%s booted: %s %s, firmware %s",
            context.identity,
            request.charge_point_vendor,
            request.charge_point_model,
            request.firmware_version or "?",
        )
        return v16.BootNotificationResponse(
            status=v16.RegistrationStatus.ACCEPTED,
            current_time=self.csms.clock(),
            interval=self.csms.heartbeat_interval,
        )

    async def on_heartbeat(
        self, request: v16.HeartbeatRequest, context: CallContext
    ) -> v16.HeartbeatResponse:
        self.store.seen(context.identity)
        return v16.HeartbeatResponse(current_time=self.csms.clock())

    def _tag_info(self, id_tag: str | None) -> v16.IdTagInfo:
        ok = self.csms.authorized(id_tag)
        return v16.IdTagInfo(
            status=v16.AuthorizationStatus.ACCEPTED if ok else v16.AuthorizationStatus.INVALID
        )

    async def on_authorize(
        self, request: v16.AuthorizeRequest, context: CallContext
    ) -> v16.AuthorizeResponse:
        info = self._tag_info(request.id_tag)
        _log.info("%s authorize %s: %s", context.identity, request.id_tag, info.status)
        return v16.AuthorizeResponse(id_tag_info=info)

    async def on_start_transaction(
        self, request: v16.StartTransactionRequest, context: CallContext
    ) -> v16.StartTransactionResponse:
        transaction_id = self.store.next_transaction_id()
        self.store.transaction_started(
            context.identity,
            "1.6",
            str(transaction_id),
            evse_id=None,
            connector_id=request.connector_id,
            id_token=request.id_tag,
            started_at=request.timestamp.isoformat(),
            meter_start_wh=float(request.meter_start),
        )
        info = self._tag_info(request.id_tag)
        _log.info(
            "%s transaction %d started on connector %d by %s (%s)",
            context.identity,
            transaction_id,
            request.connector_id,
            request.id_tag,
            info.status,
        )
        return v16.StartTransactionResponse(id_tag_info=info, transaction_id=transaction_id)

    async def on_stop_transaction(
        self, request: v16.StopTransactionRequest, context: CallContext
    ) -> v16.StopTransactionResponse:
        tx = str(request.transaction_id)
        if request.transaction_data:
            self._store_meter_values(context.identity, tx, request.transaction_data)
        known = self.store.transaction_ended(
            context.identity,
            tx,
            ended_at=request.timestamp.isoformat(),
            meter_stop_wh=float(request.meter_stop),
            reason=request.reason,
        )
        rows = [t for t in self.store.transactions(context.identity) if t.transaction_id == tx]
        energy = rows[0].energy_wh if rows else None
        _log.info(
            "%s transaction %s ended%s: %s Wh",
            context.identity,
            tx,
            f" ({request.reason})" if request.reason else "",
            f"{energy:.0f}" if energy is not None else "?",
        )
        if not known:
            _log.warning("%s stopped transaction %s that this CSMS never saw start", context.identity, tx)
        info = self._tag_info(request.id_tag) if request.id_tag is not None else None
        return v16.StopTransactionResponse(id_tag_info=info)

    def _store_meter_values(self, identity: str, tx: str | None, values: list[v16.MeterValue]) -> int:
        samples = []
        for mv in values:
            stamp = mv.timestamp.isoformat()
            for sv in mv.sampled_value:
                measurand = sv.measurand or ENERGY
                number = _number(sv.value)
                samples.append(Sample(stamp, measurand, sv.value, number, sv.phase, sv.unit, sv.context))
                if tx is not None and measurand == ENERGY and sv.phase is None and number is not None:
                    wh = to_wh(number, sv.unit)
                    if wh is not None:
                        self.store.transaction_reading(identity, tx, wh)
        self.store.samples(identity, tx, None, samples)
        return len(samples)

    async def on_meter_values(
        self, request: v16.MeterValuesRequest, context: CallContext
    ) -> v16.MeterValuesResponse:
        tx = str(request.transaction_id) if request.transaction_id is not None else None
        count = self._store_meter_values(context.identity, tx, request.meter_value)
        _log.info(
            "%s meter values: %d samples%s", context.identity, count, f" (transaction {tx})" if tx else ""
        )
        return v16.MeterValuesResponse()

    async def on_status_notification(
        self, request: v16.StatusNotificationRequest, context: CallContext
    ) -> v16.StatusNotificationResponse:
        self.store.status(context.identity, 0, request.connector_id, request.status, request.error_code)
        _log.info("%s connector %d: %s", context.identity, request.connector_id, request.status)
        return v16.StatusNotificationResponse()


# -- OCPP 2.0.1 and 2.1 ---------------------------------------------------------------------------


class _Csms2x(_Base):
    """Both 2.x versions: the same logic on each version's own classes (``self.module``)."""

    async def on_boot_notification(self, request: Any, context: CallContext) -> Any:
        m = self.module
        station = request.charging_station
        self.store.booted(
            context.identity,
            vendor=station.vendor_name,
            model=station.model,
            serial_number=station.serial_number,
            firmware_version=station.firmware_version,
        )
        _log.info(
            "%s booted (%s): %s %s, firmware %s",
            context.identity,
            request.reason,
            station.vendor_name,
            station.model,
            station.firmware_version or "?",
        )
        return m.BootNotificationResponse(
            current_time=self.csms.clock(),
            interval=self.csms.heartbeat_interval,
            status=m.RegistrationStatusEnumType("Accepted"),
        )

    async def on_heartbeat(self, request: Any, context: CallContext) -> Any:
        self.store.seen(context.identity)
        return self.module.HeartbeatResponse(current_time=self.csms.clock())

    def _token_info(self, token: Any) -> Any:
        m = self.module
        ok = self.csms.authorized(token.id_token if token is not None else None)
        return m.IdTokenInfoType(status=m.AuthorizationStatusEnumType("Accepted" if ok else "Invalid"))

    async def on_authorize(self, request: Any, context: CallContext) -> Any:
        info = self._token_info(request.id_token)
        _log.info("%s authorize %s: %s", context.identity, request.id_token.id_token, info.status)
        return self.module.AuthorizeResponse(id_token_info=info)

    def _store_meter_values(self, identity: str, tx: str | None, evse: int | None, values: list[Any]) -> int:
        samples = []
        for mv in values:
            stamp = mv.timestamp.isoformat()
            for sv in mv.sampled_value:
                measurand = sv.measurand or ENERGY
                unit = sv.unit_of_measure.unit if sv.unit_of_measure is not None else None
                multiplier = (sv.unit_of_measure.multiplier or 0) if sv.unit_of_measure is not None else 0
                value = float(sv.value)
                text = repr(value) if multiplier == 0 else f"{value}e{multiplier}"
                samples.append(
                    Sample(stamp, measurand, text, value * 10.0**multiplier, sv.phase, unit, sv.context)
                )
                if tx is not None and measurand == ENERGY and sv.phase is None:
                    wh = to_wh(value, unit, multiplier)
                    if wh is not None:
                        self.store.transaction_reading(identity, tx, wh)
        self.store.samples(identity, tx, evse, samples)
        return len(samples)

    async def on_transaction_event(self, request: Any, context: CallContext) -> Any:
        m = self.module
        identity = context.identity
        tx = request.transaction_info.transaction_id
        evse = request.evse.id if request.evse is not None else None
        token = request.id_token.id_token if request.id_token is not None else None
        if request.event_type == "Started" or not self.store.transaction_known(identity, tx):
            self.store.transaction_started(
                identity,
                m.OCPP_VERSION,
                tx,
                evse_id=evse,
                connector_id=request.evse.connector_id if request.evse is not None else None,
                id_token=token,
                started_at=request.timestamp.isoformat(),
                meter_start_wh=None,
            )
        if request.meter_value:
            self._store_meter_values(identity, tx, evse, request.meter_value)
        if request.event_type == "Ended":
            reason = request.transaction_info.stopped_reason
            self.store.transaction_ended(
                identity, tx, ended_at=request.timestamp.isoformat(), meter_stop_wh=None, reason=reason
            )
            rows = [t for t in self.store.transactions(identity) if t.transaction_id == tx]
            energy = rows[0].energy_wh if rows else None
            _log.info(
                "%s transaction %s ended (%s): %s Wh",
                identity,
                tx,
                reason or request.trigger_reason,
                f"{energy:.0f}" if energy is not None else "?",
            )
        else:
            _log.info(
                "%s transaction %s %s (%s)%s",
                identity,
                tx,
                request.event_type.lower(),
                request.trigger_reason,
                f" by {token}" if token else "",
            )
        info = self._token_info(request.id_token) if request.id_token is not None else None
        return m.TransactionEventResponse(id_token_info=info)

    async def on_meter_values(self, request: Any, context: CallContext) -> Any:
        count = self._store_meter_values(context.identity, None, request.evse_id, request.meter_value)
        _log.info("%s meter values of EVSE %d: %d samples", context.identity, request.evse_id, count)
        return self.module.MeterValuesResponse()

    async def on_status_notification(self, request: Any, context: CallContext) -> Any:
        self.store.status(
            context.identity, request.evse_id, request.connector_id, request.connector_status, None
        )
        _log.info(
            "%s EVSE %d connector %d: %s",
            context.identity,
            request.evse_id,
            request.connector_id,
            request.connector_status,
        )
        return self.module.StatusNotificationResponse()


class Csms201(_Csms2x, v201.CsmsHandlers):
    module = v201


class Csms21(_Csms2x, v21.CsmsHandlers):
    module = v21
