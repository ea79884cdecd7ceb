"""Reference OCPP-J CALL frames used by the micro-benchmarks.

Four frames of increasing size and nesting depth, all with fixed, realistic
values (no randomness) and compact JSON serialisation (no whitespace between
tokens):

* ``v16_boot``    - OCPP 1.6 ``BootNotification`` (flat, 9 string fields)
* ``v16_meter``   - OCPP 1.6 ``MeterValues`` (1 meterValue, 10 sampledValues)
* ``v201_tx``     - OCPP 2.0.1 ``TransactionEvent`` (1 meterValue, 10
  sampledValues with ``unitOfMeasure``)
* ``v201_report`` - OCPP 2.0.1 ``NotifyReport`` (50 ``reportData`` entries)

``check_messages()`` validates every payload against the official JSON schemas
shipped in ``specs/`` (with format checking enabled); run this module directly
to perform that check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

# jsonschema ships no type information (types-jsonschema is not a dev dependency).
from jsonschema import Draft4Validator, Draft6Validator, FormatChecker  # type: ignore[import-untyped, unused-ignore]
from jsonschema.protocols import Validator  # type: ignore[import-untyped, unused-ignore]

SPECS_DIR: Final[Path] = Path(__file__).resolve().parent.parent / "specs"

CALL: Final[int] = 2


def _frame(unique_id: str, action: str, payload: dict[str, Any]) -> bytes:
    """Serialise an OCPP-J CALL frame compactly (no whitespace)."""
    return json.dumps([CALL, unique_id, action, payload], separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


# --------------------------------------------------------------------------
# OCPP 1.6 BootNotification
# --------------------------------------------------------------------------

_V16_BOOT_PAYLOAD: Final[dict[str, Any]] = {
    "chargePointVendor": "VoltForge",
    "chargePointModel": "AC22-T2S-3P",
    "chargePointSerialNumber": "VF-AC22-2025-004817",
    "chargeBoxSerialNumber": "CB-5E7A19D3C2",
    "firmwareVersion": "4.12.3+build.20251103",
    "iccid": "89490240001234567890",
    "imsi": "262011234567890",
    "meterType": "Eastron SDM630-MCT",
    "meterSerialNumber": "SDM630-21440187",
}

V16_BOOT: Final[bytes] = _frame("4f9d2c1e-8b7a-4e3f-9a6d-0c5b2e7f1a34", "BootNotification", _V16_BOOT_PAYLOAD)

# --------------------------------------------------------------------------
# OCPP 1.6 MeterValues
# --------------------------------------------------------------------------

# (measurand, phase, unit, value as string) - 1.6 sends values as strings.
_V16_SAMPLES: Final[tuple[tuple[str, str | None, str, str], ...]] = (
    ("Energy.Active.Import.Register", None, "Wh", "15274318"),
    ("Power.Active.Import", "L1", "W", "3687.4"),
    ("Power.Active.Import", "L2", "W", "3652.9"),
    ("Power.Active.Import", "L3", "W", "3702.1"),
    ("Current.Import", "L1", "A", "16.02"),
    ("Current.Import", "L2", "A", "15.89"),
    ("Current.Import", "L3", "A", "16.11"),
    ("Voltage", "L1-N", "V", "230.2"),
    ("Voltage", "L2-N", "V", "229.9"),
    ("Voltage", "L3-N", "V", "229.8"),
)


def _v16_sampled_value(measurand: str, phase: str | None, unit: str, value: str) -> dict[str, Any]:
    sampled: dict[str, Any] = {
        "value": value,
        "context": "Sample.Periodic",
        "format": "Raw",
        "measurand": measurand,
    }
    if phase is not None:
        sampled["phase"] = phase
    sampled["location"] = "Outlet"
    sampled["unit"] = unit
    return sampled


_V16_METER_PAYLOAD: Final[dict[str, Any]] = {
    "connectorId": 1,
    "transactionId": 184467,
    "meterValue": [
        {
            "timestamp": "2026-11-24T10:15:30.123Z",
            "sampledValue": [_v16_sampled_value(*s) for s in _V16_SAMPLES],
        }
    ],
}

V16_METER: Final[bytes] = _frame("a81c3e57-2d94-4b6f-8e10-7f3a9c5d2b68", "MeterValues", _V16_METER_PAYLOAD)

# --------------------------------------------------------------------------
# OCPP 2.0.1 TransactionEvent
# --------------------------------------------------------------------------

# (measurand, phase, unit, value) - 2.0.1 sends values as JSON numbers.
# All values carry a fractional part so int/float round-trips are unambiguous.
_V201_SAMPLES: Final[tuple[tuple[str, str | None, str, float], ...]] = (
    ("Energy.Active.Import.Register", None, "Wh", 15274318.5),
    ("Power.Active.Import", "L1", "W", 3687.4),
    ("Power.Active.Import", "L2", "W", 3652.9),
    ("Power.Active.Import", "L3", "W", 3702.1),
    ("Current.Import", "L1", "A", 16.02),
    ("Current.Import", "L2", "A", 15.89),
    ("Current.Import", "L3", "A", 16.11),
    ("Voltage", "L1-N", "V", 230.2),
    ("Voltage", "L2-N", "V", 229.9),
    ("Voltage", "L3-N", "V", 229.8),
)


def _v201_sampled_value(measurand: str, phase: str | None, unit: str, value: float) -> dict[str, Any]:
    sampled: dict[str, Any] = {
        "value": value,
        "context": "Sample.Periodic",
        "measurand": measurand,
    }
    if phase is not None:
        sampled["phase"] = phase
    sampled["location"] = "Outlet"
    sampled["unitOfMeasure"] = {"unit": unit}
    return sampled


_V201_TX_PAYLOAD: Final[dict[str, Any]] = {
    "eventType": "Updated",
    "timestamp": "2026-11-24T10:15:30.123Z",
    "triggerReason": "MeterValuePeriodic",
    "seqNo": 42,
    "transactionInfo": {
        "transactionId": "c3b1f0a2-6e4d-4f8b-b2a9-1d7e5c9f3a60",
        "chargingState": "Charging",
    },
    "evse": {"id": 1, "connectorId": 1},
    "meterValue": [
        {
            "timestamp": "2026-11-24T10:15:30.000Z",
            "sampledValue": [_v201_sampled_value(*s) for s in _V201_SAMPLES],
        }
    ],
}

V201_TX: Final[bytes] = _frame("e2d7a914-5c3b-4a80-9f61-b8c0d4e7a215", "TransactionEvent", _V201_TX_PAYLOAD)

# --------------------------------------------------------------------------
# OCPP 2.0.1 NotifyReport (50 reportData entries)
# --------------------------------------------------------------------------

_RO: Final[str] = "ReadOnly"
_RW: Final[str] = "ReadWrite"
_EAIR: Final[str] = "Energy.Active.Import.Register"
_MEASURANDS: Final[str] = f"{_EAIR},Power.Active.Import,Current.Import,Voltage"
_ALL_MEASURANDS: Final[str] = f"{_MEASURANDS},SoC"
_TX_POINTS: Final[str] = "ParkingBayOccupancy,EVConnected,Authorized,PowerPathClosed"

#: variableCharacteristics.valuesList for the list-typed variables.
_VALUES_LISTS: Final[dict[str, str]] = {
    "AvailabilityState": "Available,Occupied,Reserved,Unavailable,Faulted",
    "NetworkConfigurationPriority": "0,1,2",
    "FileTransferProtocols": "FTP,FTPS,HTTP,HTTPS",
    "TxStartPoint": _TX_POINTS,
    "TxStopPoint": _TX_POINTS,
    "Measurands": _ALL_MEASURANDS,
    "TxUpdatedMeasurands": _ALL_MEASURANDS,
    "TxStartedMeasurands": _ALL_MEASURANDS,
    "TxEndedMeasurands": _ALL_MEASURANDS,
}

# (variable, value, mutability, persistent, constant, dataType, unit,
#  supportsMonitoring)
_Row = tuple[str, str, str, bool, bool, str, str | None, bool]
# (component name, evse id, connector id, rows)
_Group = tuple[str, int | None, int | None, tuple[_Row, ...]]

_REPORT_GROUPS: Final[tuple[_Group, ...]] = (
    ("ChargingStation", None, None, (
        ("AvailabilityState", "Available", _RO, False, False, "OptionList", None, True),
        ("Available", "true", _RO, False, False, "boolean", None, True),
        ("Model", "AC22-T2S-3P", _RO, True, True, "string", None, False),
        ("VendorName", "VoltForge", _RO, True, True, "string", None, False),
        ("SerialNumber", "VF-AC22-2025-004817", _RO, True, True, "string", None, False),
        ("SupplyPhases", "3", _RO, True, True, "integer", None, False),
        ("Power", "11042.4", _RO, False, False, "decimal", "W", True),
        ("Problem", "false", _RO, False, False, "boolean", None, True),
        ("AllowNewSessionsPendingFirmwareUpdate", "false", _RW, True, False,
         "boolean", None, False),
    )),
    ("OCPPCommCtrlr", None, None, (
        ("HeartbeatInterval", "300", _RW, True, False, "integer", "s", False),
        ("MessageTimeout", "30", _RO, True, False, "integer", "s", False),
        ("NetworkConfigurationPriority", "0,1", _RW, True, False, "SequenceList",
         None, False),
        ("NetworkProfileConnectionAttempts", "3", _RW, True, False, "integer", None,
         False),
        ("OfflineThreshold", "600", _RW, True, False, "integer", "s", False),
        ("FileTransferProtocols", "HTTPS,FTPS", _RO, True, True, "MemberList", None,
         False),
        ("RetryBackOffRepeatTimes", "5", _RW, True, False, "integer", None, False),
        ("RetryBackOffRandomRange", "10", _RW, True, False, "integer", "s", False),
        ("RetryBackOffWaitMinimum", "20", _RW, True, False, "integer", "s", False),
        ("WebSocketPingInterval", "60", _RW, True, False, "integer", "s", False),
        ("ResetRetries", "2", _RW, True, False, "integer", None, False),
        ("UnlockOnEVSideDisconnect", "true", _RW, True, False, "boolean", None, False),
    )),
    ("TxCtrlr", None, None, (
        ("EVConnectionTimeOut", "120", _RW, True, False, "integer", "s", False),
        ("StopTxOnEVSideDisconnect", "true", _RW, True, False, "boolean", None, False),
        ("StopTxOnInvalidId", "true", _RW, True, False, "boolean", None, False),
        ("TxStartPoint", "PowerPathClosed", _RW, True, False, "MemberList", None,
         False),
        ("TxStopPoint", "EVConnected,Authorized", _RW, True, False, "MemberList",
         None, False),
    )),
    ("SampledDataCtrlr", None, None, (
        ("TxUpdatedInterval", "60", _RW, True, False, "integer", "s", False),
        ("TxUpdatedMeasurands", _MEASURANDS, _RW, True, False, "MemberList", None,
         False),
        ("TxStartedMeasurands", _EAIR, _RW, True, False, "MemberList", None, False),
        ("TxEndedMeasurands", _EAIR, _RW, True, False, "MemberList", None, False),
        ("TxEndedInterval", "0", _RW, True, False, "integer", "s", False),
    )),
    ("AlignedDataCtrlr", None, None, (
        ("Interval", "900", _RW, True, False, "integer", "s", False),
        ("Measurands", _EAIR, _RW, True, False, "MemberList", None, False),
        ("SendDuringIdle", "false", _RW, True, False, "boolean", None, False),
    )),
    ("AuthCtrlr", None, None, (
        ("AuthorizeRemoteStart", "true", _RW, True, False, "boolean", None, False),
        ("LocalAuthorizeOffline", "true", _RW, True, False, "boolean", None, False),
        ("LocalPreAuthorize", "false", _RW, True, False, "boolean", None, False),
        ("OfflineTxForUnknownIdEnabled", "false", _RW, True, False, "boolean", None,
         False),
    )),
    ("AuthCacheCtrlr", None, None, (
        ("Enabled", "true", _RW, True, False, "boolean", None, False),
        ("LifeTime", "86400", _RW, True, False, "integer", "s", False),
    )),
    ("SecurityCtrlr", None, None, (
        ("SecurityProfile", "2", _RO, True, False, "integer", None, False),
        ("OrganizationName", "VoltForge Charging GmbH", _RW, True, False, "string",
         None, False),
        ("CertificateEntries", "3", _RO, False, False, "integer", None, False),
    )),
    ("DeviceDataCtrlr", None, None, (
        ("ItemsPerMessage", "50", _RO, True, True, "integer", None, False),
        ("BytesPerMessage", "65000", _RO, True, True, "integer", "B", False),
    )),
    ("EVSE", 1, None, (
        ("AvailabilityState", "Occupied", _RO, False, False, "OptionList", None, True),
        ("Power", "11042.4", _RO, False, False, "decimal", "W", True),
        ("SupplyPhases", "3", _RO, True, True, "integer", None, False),
    )),
    ("Connector", 1, 1, (
        ("ConnectorType", "cType2", _RO, True, True, "string", None, False),
        ("AvailabilityState", "Occupied", _RO, False, False, "OptionList", None, True),
    )),
)  # fmt: skip


def _report_data(
    component_name: str, evse_id: int | None, connector_id: int | None, row: _Row
) -> dict[str, Any]:
    (
        variable_name,
        value,
        mutability,
        persistent,
        constant,
        data_type,
        unit,
        supports_monitoring,
    ) = row
    component: dict[str, Any] = {"name": component_name}
    if evse_id is not None:
        evse: dict[str, Any] = {"id": evse_id}
        if connector_id is not None:
            evse["connectorId"] = connector_id
        component["evse"] = evse
    characteristics: dict[str, Any] = {
        "dataType": data_type,
        "supportsMonitoring": supports_monitoring,
    }
    if unit is not None:
        characteristics["unit"] = unit
    if data_type in ("OptionList", "MemberList", "SequenceList"):
        characteristics["valuesList"] = _VALUES_LISTS[variable_name]
    return {
        "component": component,
        "variable": {"name": variable_name},
        "variableAttribute": [
            {
                "type": "Actual",
                "value": value,
                "mutability": mutability,
                "persistent": persistent,
                "constant": constant,
            }
        ],
        "variableCharacteristics": characteristics,
    }


_V201_REPORT_PAYLOAD: Final[dict[str, Any]] = {
    "requestId": 7311,
    "generatedAt": "2026-11-24T10:15:30.123Z",
    "seqNo": 0,
    "tbc": False,
    "reportData": [
        _report_data(component, evse_id, connector_id, row)
        for component, evse_id, connector_id, rows in _REPORT_GROUPS
        for row in rows
    ],
}

V201_REPORT: Final[bytes] = _frame(
    "0b6e9f32-71ca-4d25-a8e4-3f9c6b1d05e7", "NotifyReport", _V201_REPORT_PAYLOAD
)

# --------------------------------------------------------------------------

#: key -> (OCPP version, action, CALL frame bytes)
MESSAGES: Final[dict[str, tuple[str, str, bytes]]] = {
    "v16_boot": ("1.6", "BootNotification", V16_BOOT),
    "v16_meter": ("1.6", "MeterValues", V16_METER),
    "v201_tx": ("2.0.1", "TransactionEvent", V201_TX),
    "v201_report": ("2.0.1", "NotifyReport", V201_REPORT),
}


def _schema_validator(ocpp_version: str, action: str) -> Validator:
    """Build a format-checking validator for the official request schema."""
    if ocpp_version == "1.6":
        path = SPECS_DIR / "ocpp-1.6" / "schemas" / f"{action}.json"
        cls: type[Validator] = Draft4Validator
    elif ocpp_version == "2.0.1":
        path = SPECS_DIR / "ocpp-2.0.1" / "schemas" / f"{action}Request.json"
        cls = Draft6Validator
    else:
        raise ValueError(f"unsupported OCPP version {ocpp_version!r}")
    schema = json.loads(path.read_text(encoding="utf-8-sig"))
    cls.check_schema(schema)
    return cls(schema, format_checker=FormatChecker())


def check_messages() -> None:
    """Validate every reference frame; raise on the first problem found."""
    if "date-time" not in FormatChecker().checkers:
        raise RuntimeError("date-time format checking unavailable (rfc3339-validator)")
    n_report = len(_V201_REPORT_PAYLOAD["reportData"])
    if n_report != 50:
        raise AssertionError(f"NotifyReport has {n_report} entries, not 50")
    for key, (ocpp_version, action, frame) in MESSAGES.items():
        decoded = json.loads(frame)
        if not (
            isinstance(decoded, list)
            and len(decoded) == 4
            and decoded[0] == CALL
            and isinstance(decoded[1], str)
            and 0 < len(decoded[1]) <= 36
            and decoded[2] == action
            and isinstance(decoded[3], dict)
        ):
            raise AssertionError(f"{key}: not a well-formed OCPP-J CALL frame")
        compact = json.dumps(decoded, separators=(",", ":"), ensure_ascii=False)
        if compact.encode("utf-8") != frame:
            raise AssertionError(f"{key}: frame is not compactly serialised")
        validator = _schema_validator(ocpp_version, action)
        validator.validate(decoded[3])  # raises jsonschema.ValidationError
        # Make sure format checking is really active for this schema.
        broken = json.loads(frame.replace(b"2026-11-24T10:15:30.123Z", b"2026-11-24 10:15"))[3]
        if broken != decoded[3] and validator.is_valid(broken):
            raise AssertionError(f"{key}: date-time format is not being checked")


if __name__ == "__main__":
    check_messages()
    for name, (version, action_name, data) in MESSAGES.items():
        print(f"{name:12} OCPP {version:5} {action_name:17} {len(data):6d} bytes  OK")
