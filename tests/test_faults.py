"""Fault reporting: the ChargeX catalogue against its table, every code's messages in every version
(encoded, checked against the OCA schema, decoded back), and the generator refusing a bad table."""

from __future__ import annotations

import csv
import importlib
import itertools
import json
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import ocppkit
from codegen.pipeline import build, write
from ocppkit import faults, v16, v21, v201
from ocppkit.faults import (
    CHARGEX_CODES,
    ChargeXCode,
    event_data_for,
    notify_event_for,
    status_notification_for,
)
from ocppkit.v16 import appendices as a16
from ocppkit.v21 import appendices as a21
from ocppkit.v201 import appendices as a201

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
TABLE = SPECS / "chargex-codes.csv"
AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
CODES = [f"CX{n:03}" for n in range(1, 27)]
SINGLE_SOURCE = {"CX007", "CX012", "CX013", "CX016", "CX021"}
SAME_NAME_IN_1_6 = {"CX001", "CX002", "CX003", "CX004", "CX005", "CX006", "CX007"}
"""The codes whose ChargeX name is a 1.6 ChargePointErrorCode; the others go as OtherError."""
_serial = itertools.count()


def _table() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def _validate(version_folder: str, schema: str, body: dict[str, Any]) -> None:
    """The OCA schema itself, as a second opinion beside ``ocppkit.encode``."""
    raw = json.loads((SPECS / version_folder / "schemas" / schema).read_text(encoding="utf-8-sig"))
    cls = jsonschema.validators.validator_for(raw)
    cls(raw, format_checker=cls.FORMAT_CHECKER).validate(body)


# -- the catalogue ----------------------------------------------------------------------------


def test_counts_and_order_against_the_table() -> None:
    rows = _table()
    assert [r["code"] for r in rows] == CODES
    for catalogue in (a16.CHARGEX_CODES, a201.CHARGEX_CODES, a21.CHARGEX_CODES):
        assert len(catalogue) == 26
        assert list(catalogue) == CODES
    assert [m.value for m in ChargeXCode] == CODES
    assert faults.CHARGEX_CODES is a16.CHARGEX_CODES
    for row in rows:
        entry = CHARGEX_CODES[row["code"]]
        assert (entry.name, entry.description, entry.ocpp16_error_code) == (
            row["name"], row["description"], row["ocpp16_error_code"],
        )  # fmt: skip
        assert entry.responsibility == tuple(row["responsibility"].split("|"))
        assert entry.classification == tuple(row["classification"].split("|"))
        assert ChargeXCode[entry.value.name].value == row["code"]  # members are named after the ChargeX name
    assert {e.value for e in CHARGEX_CODES.values() if e.single_source} == SINGLE_SOURCE


def test_every_version_holds_the_same_table() -> None:
    def flat(catalogue: Any) -> list[tuple[Any, ...]]:
        return [(e.value, e.name, e.description, str(e.ocpp16_error_code), e.responsibility, e.classification,
                 e.single_source, e.note) for e in catalogue.values()]  # fmt: skip

    assert flat(a16.CHARGEX_CODES) == flat(a201.CHARGEX_CODES) == flat(a21.CHARGEX_CODES)
    # Three StrEnums with the same members: each version's module is self-contained.
    assert {
        str(a16.ChargeXCode.GROUND_FAILURE),
        str(a201.ChargeXCode.GROUND_FAILURE),
        str(a21.ChargeXCode.GROUND_FAILURE),
    } == {"CX002"}


def test_1_6_error_codes_are_chargepointerrorcodes() -> None:
    for entry in a16.CHARGEX_CODES.values():
        assert isinstance(entry.ocpp16_error_code, v16.ChargePointErrorCode)
        expected = entry.name if entry.value in SAME_NAME_IN_1_6 else "OtherError"
        assert entry.ocpp16_error_code == expected, entry.value
    assert a16.CHARGEX_CODES["CX002"].ocpp16_error_code is v16.ChargePointErrorCode.GROUND_FAILURE
    # In 2.x the 1.6 code is kept, as plain text, for those who map between versions.
    assert a201.CHARGEX_CODES["CX008"].ocpp16_error_code == "OtherError"


def test_lookups_and_search() -> None:
    assert faults.lookup("cx002") is CHARGEX_CODES["CX002"]
    assert faults.lookup(a21.ChargeXCode.CUT_CABLE).name == "CutCable"
    with pytest.raises(ValueError, match="not a ChargeX code"):
        faults.lookup("CX027")
    assert {e.value for e in CHARGEX_CODES.search("isolation")} == {"CX011", "CX021", "CX022"}
    # The ChargeX name is searched too: "pre-charge" in the description, PreChargeFailure in the name.
    assert [e.value for e in CHARGEX_CODES.search("precharge")] == ["CX012"]
    assert CHARGEX_CODES.find("Cx026") is CHARGEX_CODES[ChargeXCode.CUT_CABLE]


# -- OCPP 1.6 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_every_code_builds_a_valid_1_6_status_notification(code: str) -> None:
    entry = CHARGEX_CODES[code]
    request = status_notification_for(code, 2, v16.ChargePointStatus.FAULTED, timestamp=AT, info="42.1 C")
    raw = ocppkit.encode(request)
    body = json.loads(raw)
    assert body == {
        "connectorId": 2,
        "errorCode": entry.ocpp16_error_code,
        "info": "42.1 C",
        "status": "Faulted",
        "timestamp": "2026-03-04T05:06:07Z",
        "vendorId": "https://chargex.inl.gov",
        "vendorErrorCode": code,
    }
    _validate("ocpp-1.6", "StatusNotification.json", body)
    assert ocppkit.decode(v16.StatusNotificationRequest, raw) == request


def test_1_6_defaults_and_checks() -> None:
    before = datetime.now(UTC).replace(microsecond=0)  # the builders stamp to the millisecond
    request = status_notification_for(ChargeXCode.NO_INTERNET, 0, v16.ChargePointStatus.AVAILABLE)
    assert request.timestamp is not None and request.timestamp >= before
    assert request.timestamp.microsecond % 1000 == 0
    assert request.info is None and request.error_code is v16.ChargePointErrorCode.OTHER_ERROR
    assert "info" not in json.loads(ocppkit.encode(request))
    with pytest.raises(ValueError, match="connector_id is 0"):
        status_notification_for("CX001", -1, v16.ChargePointStatus.FAULTED)
    with pytest.raises(ValueError, match="naive"):
        status_notification_for("CX001", 1, v16.ChargePointStatus.FAULTED, timestamp=datetime(2026, 1, 1))
    with pytest.raises(ocppkit.ValidationError, match="info"):
        ocppkit.encode(status_notification_for("CX001", 1, v16.ChargePointStatus.FAULTED, info="x" * 51))


# -- OCPP 2.0.1 and 2.1 -----------------------------------------------------------------------

SCOPES = {
    "station": ({}, {"name": "ChargingStation"}),
    "evse": ({"evse": 2}, {"name": "EVSE", "evse": {"id": 2}}),
    "connector": ({"evse": 2, "connector": 1}, {"name": "Connector", "evse": {"id": 2, "connectorId": 1}}),
}
VERSIONS = {"2.0.1": ("ocpp-2.0.1", v201.NotifyEventRequest), "2.1": ("ocpp-2.1", v21.NotifyEventRequest)}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("code", CODES)
def test_every_code_builds_a_valid_notify_event(code: str, version: str) -> None:
    folder, cls = VERSIONS[version]
    for scope, (where, component) in SCOPES.items():
        for cleared in (False, True):
            request = notify_event_for(
                code, version, event_id=17, cleared=cleared, timestamp=AT, generated_at=AT + timedelta(seconds=1),
                **where,
            )  # type: ignore[call-overload]  # fmt: skip
            assert isinstance(request, cls)
            raw = ocppkit.encode(request)
            body = json.loads(raw)
            event = {
                "eventId": 17,
                "timestamp": "2026-03-04T05:06:07Z",
                "trigger": "Alerting",
                "actualValue": "false" if cleared else "true",
                "techCode": code,
                "component": component,
                "eventNotificationType": "HardWiredNotification",
                "variable": {"name": "Problem"},
            } | ({"cleared": True} if cleared else {})
            assert body == {"generatedAt": "2026-03-04T05:06:08Z", "seqNo": 0, "eventData": [event]}, scope
            _validate(folder, "NotifyEventRequest.json", body)
            assert ocppkit.decode(cls, raw) == request


def test_2_x_optional_fields_and_several_events_in_one_message() -> None:
    start = event_data_for(ChargeXCode.CABLE_OVER_TEMP_DERATE, "2.1", event_id=1, evse=1, timestamp=AT,
                           tech_info="cable 87 C", transaction_id="tx-1", severity=4)  # fmt: skip
    stop = event_data_for(ChargeXCode.CABLE_OVER_TEMP_STOP, "2.1", event_id=2, evse=1, timestamp=AT)
    request = v21.NotifyEventRequest(generated_at=AT, seq_no=0, event_data=[start, stop])
    body = json.loads(ocppkit.encode(request))
    first = body["eventData"][0]
    assert (first["techInfo"], first["transactionId"], first["severity"]) == ("cable 87 C", "tx-1", 4)
    assert [e["techCode"] for e in body["eventData"]] == ["CX018", "CX019"]
    _validate("ocpp-2.1", "NotifyEventRequest.json", body)
    offset = datetime(2026, 3, 4, 6, 6, 7, tzinfo=timezone(timedelta(hours=1)))
    request201 = notify_event_for(
        "CX015", "2.0.1", event_id=3, timestamp=offset, generated_at=offset, seq_no=4
    )
    body = json.loads(ocppkit.encode(request201))
    assert body["seqNo"] == 4 and body["eventData"][0]["component"] == {"name": "ChargingStation"}
    assert ocppkit.decode(v201.NotifyEventRequest, ocppkit.encode(request201)) == request201
    # Defaults: now, in UTC.
    before = datetime.now(UTC).replace(microsecond=0)  # the builders stamp to the millisecond
    made = notify_event_for("CX015", "2.0.1", event_id=3)
    assert made.generated_at >= before and made.event_data[0].timestamp >= before


def test_2_x_checks() -> None:
    with pytest.raises(ValueError, match="give evse too"):
        notify_event_for("CX001", "2.0.1", event_id=1, connector=1)
    with pytest.raises(ValueError, match="evse ids start at 1"):
        notify_event_for("CX001", "2.1", event_id=1, evse=0)
    with pytest.raises(ValueError, match="connector ids start at 1"):
        event_data_for("CX001", "2.1", event_id=1, evse=1, connector=0)
    with pytest.raises(ValueError, match=r"severity is new in OCPP 2\.1"):
        notify_event_for("CX001", "2.0.1", event_id=1, severity=3)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=r"severity is new in OCPP 2\.1"):
        event_data_for("CX001", "2.0.1", event_id=1, severity=3)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=r"not '1\.6'"):
        notify_event_for("CX001", "1.6", event_id=1)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="not a ChargeX code"):
        notify_event_for("GroundFailure", "2.1", event_id=1)
    with pytest.raises(ValueError, match="generated_at is naive"):
        notify_event_for("CX001", "2.1", event_id=1, generated_at=datetime(2026, 1, 1))


# -- the generator ----------------------------------------------------------------------------


def _copy_specs(tmp: Path, version: str) -> tuple[Path, str]:
    """specs/ copied, with only ``version`` left, under a module name of its own."""
    specs = tmp / "specs"
    shutil.copytree(SPECS, specs)
    module = f"vfault{next(_serial)}"
    data = json.loads((specs / "versions.json").read_text(encoding="utf-8"))
    data["versions"] = [v | {"module": module} for v in data["versions"] if v["version"] == version]
    (specs / "versions.json").write_text(json.dumps(data), encoding="utf-8")
    return specs, module


def _edit(specs: Path, old: str, new: str) -> None:
    path = specs / "chargex-codes.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(specs: Path, tmp: Path) -> list[str]:
    _, problems = build(specs, tmp / "out")
    return [str(p) for p in problems.items]


def test_the_generator_refuses_a_1_6_error_code_that_is_not_a_chargepointerrorcode(tmp_path: Path) -> None:
    specs, _ = _copy_specs(tmp_path, "1.6")
    _edit(specs, "CX008,EmergencyStop,Emergency stop is pressed by the user (required if equipped).,OtherError,",
          "CX008,EmergencyStop,Emergency stop is pressed by the user (required if equipped).,EmergencyStop,")  # fmt: skip
    _edit(specs, "CX026,CutCable,The output cable has been severed from the EVSE.,OtherError,",
          "CX026,CutCable,The output cable has been severed from the EVSE.,NoError,")  # fmt: skip
    found = _problems(specs, tmp_path)
    assert any(
        "chargex-codes.csv:" in p and "CX008: 'EmergencyStop' is not a ChargePointErrorCode of OCPP 1.6" in p
        for p in found
    ), found
    assert any("CX026: 'NoError' is not a ChargePointErrorCode" in p for p in found), found


def test_the_generator_checks_the_other_columns(tmp_path: Path) -> None:
    specs, _ = _copy_specs(tmp_path, "2.0.1")
    _edit(specs, "CX003,HighTemperature,", "CX3,HighTemperature,")
    _edit(
        specs,
        ",CSO|EVSE,Safety|Maintenance,kwwhat|EVerest,high,\n",
        ",CSO|EVSE,Safety|Upkeep,kwwhat|EVerest,maybe,\n",
    )
    _edit(specs, "CX025,BrokenLatch,", "CX025,CutCable,")
    found = _problems(specs, tmp_path)
    assert any("'CX3' is not a ChargeX code" in p for p in found), found
    assert any("CX026: classification ['Upkeep'] not in" in p for p in found), found
    assert any("CX026: confidence is high or single source" in p for p in found), found
    assert any("'CX026' and 'CX025' both make member CUT_CABLE" in p for p in found), found


def test_a_new_chargex_row_reaches_the_catalogue(tmp_path: Path) -> None:
    specs, module = _copy_specs(tmp_path, "1.6")
    with (specs / "chargex-codes.csv").open("a", encoding="utf-8") as f:
        f.write("CX027,ReaderJammed,A test row.,ReaderFailure,EVSE,Maintenance,test,single source,\n")
    out = tmp_path / "out"
    files, problems = build(specs, out)
    assert [str(p) for p in problems.items] == []
    write(files, out)
    ocppkit.__path__.append(str(out / "ocppkit"))
    try:
        appendices = importlib.import_module(f"ocppkit.{module}.appendices")
        enums = importlib.import_module(f"ocppkit.{module}.enums")
    finally:
        ocppkit.__path__.remove(str(out / "ocppkit"))
    assert len(appendices.CHARGEX_CODES) == 27
    entry = appendices.CHARGEX_CODES[appendices.ChargeXCode.READER_JAMMED]
    assert entry.ocpp16_error_code is enums.ChargePointErrorCode.READER_FAILURE
    assert entry.single_source is True
