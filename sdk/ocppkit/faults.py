"""Fault reporting: the ChargeX Minimum Required Error Codes, sent the way each OCPP version expects.

The ChargeX consortium (Idaho National Laboratory, USA) standardized 26 error codes, ``CX001`` to
``CX026``, that a station reports so that operators can track uptime. Each version carries them in
its own message; these builders fill in the fields so that the CSMS recognizes the code:

    from ocppkit import v16
    from ocppkit.faults import ChargeXCode, notify_event_for, status_notification_for

    # OCPP 1.6: StatusNotification with errorCode, vendorId "https://chargex.inl.gov", vendorErrorCode "CX002"
    status_notification_for(ChargeXCode.GROUND_FAILURE, 1, v16.ChargePointStatus.FAULTED)
    # OCPP 2.0.1 / 2.1: NotifyEvent, techCode "CX002" on the Problem variable of EVSE 1, connector 1
    notify_event_for(ChargeXCode.GROUND_FAILURE, "2.0.1", event_id=7, evse=1, connector=1)
    notify_event_for(ChargeXCode.GROUND_FAILURE, "2.0.1", event_id=8, evse=1, connector=1, cleared=True)

`CHARGEX_CODES` is the catalogue (ChargeX's names and descriptions, the 1.6 ``errorCode``,
who is responsible, whether the row rests on a single source); it is generated from
``specs/chargex-codes.csv``, whose header names the sources and the reporting convention, and each
version's ``ocppkit.<version>.appendices`` has the same table. A code is given as a
`ChargeXCode` member (of any version's module) or as its text, ``"CX002"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, overload

from ocppkit import v16, v21, v201
from ocppkit._rt import now
from ocppkit.catalogue import ChargeXEntry
from ocppkit.v16.appendices import CHARGEX_CODES, ChargeXCode

__all__ = [
    "CHARGEX_CODES",
    "PROBLEM",
    "VENDOR_ID",
    "ChargeXCode",
    "ChargeXEntry",
    "event_data_for",
    "lookup",
    "notify_event_for",
    "status_notification_for",
]

VENDOR_ID: Final = "https://chargex.inl.gov"
"""The 1.6 ``vendorId`` that marks ``vendorErrorCode`` as a ChargeX code (INL, EVerest)."""

PROBLEM: Final = "Problem"
"""The standardized variable a 2.x fault is reported on: "Some problem/fault exists" (appendix)."""

CHARGING_STATION: Final = "ChargingStation"
EVSE: Final = "EVSE"
CONNECTOR: Final = "Connector"


def lookup(code: str) -> ChargeXEntry[ChargeXCode]:
    """The catalogue entry of ``code``: a `ChargeXCode` member or its text (case ignored)."""
    found = CHARGEX_CODES.find(code)
    if found is None:
        raise ValueError(
            f"{code!r} is not a ChargeX code (CX001 to CX{len(CHARGEX_CODES):03}, CHARGEX_CODES)"
        )
    return found


def _time(value: datetime | None, what: str) -> datetime:
    if value is None:
        return now()
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} is naive: OCPP date-times need a time zone")
    return value


# -- OCPP 1.6 ---------------------------------------------------------------------------------


def status_notification_for(
    code: str,
    connector_id: int,
    status: v16.ChargePointStatus,
    *,
    timestamp: datetime | None = None,
    info: str | None = None,
) -> v16.StatusNotificationRequest:
    """The 1.6 ``StatusNotification.req`` that reports ``code`` on ``connector_id`` (0: the Charge
    Point main controller).

    ``errorCode`` is the code's ``ChargePointErrorCode``
    ([`ChargeXEntry.ocpp16_error_code`][ocppkit.faults.ChargeXEntry.ocpp16_error_code]: ``OtherError``
    where 1.6 has none of the same meaning), ``vendorId`` is [`VENDOR_ID`][ocppkit.faults.VENDOR_ID]
    and ``vendorErrorCode`` the code. ``status`` is the connector's status: ``Faulted`` "When a Charge
    Point or connector has reported an error and is not available for energy delivery." (1.6,
    section 7.7). ``timestamp`` is when the fault occurred (default: now, in UTC); ``info`` is
    free text of at most 50 characters (a reading, say).

    1.6 cannot clear one code: when the connector is fault-free again, send a StatusNotification
    with ``errorCode`` ``NoError`` and its new status.
    """
    entry = lookup(code)
    if connector_id < 0:
        raise ValueError(f"connector_id is 0 (the Charge Point) or a connector's id, not {connector_id}")
    return v16.StatusNotificationRequest(
        connector_id=connector_id,
        error_code=v16.ChargePointErrorCode(entry.ocpp16_error_code),
        info=info,
        status=v16.ChargePointStatus(status),
        timestamp=_time(timestamp, "timestamp"),
        vendor_id=VENDOR_ID,
        vendor_error_code=entry.value,
    )


# -- OCPP 2.0.1 and 2.1 -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Event:
    """What the two versions' ``EventDataType`` share, checked."""

    tech_code: str
    component: str
    evse: int | None
    connector: int | None
    actual_value: str
    cleared: bool | None
    timestamp: datetime


def _event(
    code: str, evse: int | None, connector: int | None, cleared: bool, timestamp: datetime | None
) -> _Event:
    entry = lookup(code)
    if connector is not None and evse is None:
        raise ValueError("a connector is addressed within its EVSE: give evse too")
    for what, number in (("evse", evse), ("connector", connector)):
        if number is not None and number < 1:
            raise ValueError(f"{what} ids start at 1 (leave {what} out for the whole {CHARGING_STATION})")
    component = CHARGING_STATION if evse is None else EVSE if connector is None else CONNECTOR
    return _Event(
        tech_code=entry.value,
        component=component,
        evse=evse,
        connector=connector,
        actual_value="false" if cleared else "true",
        cleared=True if cleared else None,
        timestamp=_time(timestamp, "timestamp"),
    )


@overload
def event_data_for(
    code: str,
    version: Literal["2.0.1"],
    *,
    event_id: int,
    evse: int | None = None,
    connector: int | None = None,
    cleared: bool = False,
    timestamp: datetime | None = None,
    tech_info: str | None = None,
    transaction_id: str | None = None,
) -> v201.EventDataType: ...


@overload
def event_data_for(
    code: str,
    version: Literal["2.1"],
    *,
    event_id: int,
    evse: int | None = None,
    connector: int | None = None,
    cleared: bool = False,
    timestamp: datetime | None = None,
    tech_info: str | None = None,
    transaction_id: str | None = None,
    severity: int | None = None,
) -> v21.EventDataType: ...


def event_data_for(
    code: str,
    version: Literal["2.0.1", "2.1"],
    *,
    event_id: int,
    evse: int | None = None,
    connector: int | None = None,
    cleared: bool = False,
    timestamp: datetime | None = None,
    tech_info: str | None = None,
    transaction_id: str | None = None,
    severity: int | None = None,
) -> v201.EventDataType | v21.EventDataType:
    """One ``eventData`` entry reporting ``code`` (several go in one NotifyEvent).

    ``techCode`` is the code; ``trigger`` ``Alerting`` and ``eventNotificationType``
    ``HardWiredNotification`` (the station's own software noticed it, no monitor); the variable is
    ``Problem`` of the component the fault is on: the ``ChargingStation`` without ``evse``, the
    ``EVSE`` with ``evse``, the ``Connector`` with ``evse`` and ``connector``. ``actualValue`` is
    ``"true"`` when the fault starts; with ``cleared=True`` it is ``"false"`` and ``cleared`` is set,
    "to report the clearing of a monitored situation, i.e. a 'return to normal'". ``event_id``
    numbers the station's events; ``timestamp`` is when it happened (default: now, in UTC).
    ``severity`` exists in 2.1 only.
    """
    e = _event(code, evse, connector, cleared, timestamp)
    if version == "2.0.1":
        if severity is not None:
            raise ValueError("eventData.severity is new in OCPP 2.1")
        return v201.EventDataType(
            event_id=event_id,
            timestamp=e.timestamp,
            trigger=v201.EventTriggerEnumType.ALERTING,
            actual_value=e.actual_value,
            tech_code=e.tech_code,
            tech_info=tech_info,
            cleared=e.cleared,
            transaction_id=transaction_id,
            component=v201.ComponentType(
                name=e.component,
                evse=None if e.evse is None else v201.EVSEType(id=e.evse, connector_id=e.connector),
            ),
            event_notification_type=v201.EventNotificationEnumType.HARD_WIRED_NOTIFICATION,
            variable=v201.VariableType(name=PROBLEM),
        )
    if version == "2.1":
        return v21.EventDataType(
            event_id=event_id,
            timestamp=e.timestamp,
            trigger=v21.EventTriggerEnumType.ALERTING,
            actual_value=e.actual_value,
            tech_code=e.tech_code,
            tech_info=tech_info,
            cleared=e.cleared,
            transaction_id=transaction_id,
            component=v21.ComponentType(
                name=e.component,
                evse=None if e.evse is None else v21.EVSEType(id=e.evse, connector_id=e.connector),
            ),
            event_notification_type=v21.EventNotificationEnumType.HARD_WIRED_NOTIFICATION,
            variable=v21.VariableType(name=PROBLEM),
            severity=severity,
        )
    raise ValueError(f"NotifyEvent is OCPP 2.0.1 and 2.1, not {version!r} (1.6: status_notification_for)")


@overload
def notify_event_for(
    code: str,
    version: Literal["2.0.1"],
    *,
    event_id: int,
    evse: int | None = None,
    connector: int | None = None,
    cleared: bool = False,
    timestamp: datetime | None = None,
    tech_info: str | None = None,
    transaction_id: str | None = None,
    generated_at: datetime | None = None,
    seq_no: int = 0,
) -> v201.NotifyEventRequest: ...


@overload
def notify_event_for(
    code: str,
    version: Literal["2.1"],
    *,
    event_id: int,
    evse: int | None = None,
    connector: int | None = None,
    cleared: bool = False,
    timestamp: datetime | None = None,
    tech_info: str | None = None,
    transaction_id: str | None = None,
    generated_at: datetime | None = None,
    seq_no: int = 0,
    severity: int | None = None,
) -> v21.NotifyEventRequest: ...


def notify_event_for(
    code: str,
    version: Literal["2.0.1", "2.1"],
    *,
    event_id: int,
    evse: int | None = None,
    connector: int | None = None,
    cleared: bool = False,
    timestamp: datetime | None = None,
    tech_info: str | None = None,
    transaction_id: str | None = None,
    generated_at: datetime | None = None,
    seq_no: int = 0,
    severity: int | None = None,
) -> v201.NotifyEventRequest | v21.NotifyEventRequest:
    """The ``NotifyEventRequest`` that reports ``code`` starting (or, with ``cleared=True``,
    ending): one [`event_data_for`][ocppkit.faults.event_data_for] entry; ``generatedAt`` defaults
    to now, ``seqNo`` to 0."""
    at = _time(generated_at, "generated_at")
    if version == "2.0.1":
        if severity is not None:
            raise ValueError("eventData.severity is new in OCPP 2.1")
        data = event_data_for(
            code, version, event_id=event_id, evse=evse, connector=connector, cleared=cleared,
            timestamp=timestamp, tech_info=tech_info, transaction_id=transaction_id,
        )  # fmt: skip
        return v201.NotifyEventRequest(generated_at=at, seq_no=seq_no, event_data=[data])
    if version == "2.1":
        data21 = event_data_for(
            code, version, event_id=event_id, evse=evse, connector=connector, cleared=cleared,
            timestamp=timestamp, tech_info=tech_info, transaction_id=transaction_id, severity=severity,
        )  # fmt: skip
        return v21.NotifyEventRequest(generated_at=at, seq_no=seq_no, event_data=[data21])
    raise ValueError(f"NotifyEvent is OCPP 2.0.1 and 2.1, not {version!r} (1.6: status_notification_for)")
