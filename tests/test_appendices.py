"""The appendix catalogues and the device model: counts against their sources, lookups, request
entries, value checks, and the catalogues following a changed CSV when regenerated."""

from __future__ import annotations

import csv
import importlib
import io
import itertools
import json
import shutil
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import ocppkit
from codegen.appendices import decode
from codegen.pipeline import build, write
from ocppkit import v16, v21, v201
from ocppkit.catalogue import Catalogue, Entry
from ocppkit.device_model import GENERIC, DeviceModelVariable, Required, check_monitor, check_value
from ocppkit.v16 import appendices as a16
from ocppkit.v21 import appendices as a21
from ocppkit.v21 import device_model as dm21
from ocppkit.v201 import appendices as a201
from ocppkit.v201 import device_model as dm201

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
CSV201 = SPECS / "ocpp-2.0.1" / "appendices-csv-v1.4"
CSV21 = SPECS / "ocpp-2.1" / "appendices-csv-v2.0"
_serial = itertools.count()


def _rows(path: Path) -> list[list[str]]:
    """A plain second reading of an OCA CSV (latin-1 keeps every byte): data rows, trimmed, no blanks."""
    text = path.read_bytes().decode("latin-1")
    rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=";")]
    return [r for r in rows[1:] if any(r)]


def _project_rows(name: str) -> list[dict[str, str]]:
    with (SPECS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


# -- counts against the sources ------------------------------------------------------------


def test_counts_named_by_the_issue() -> None:
    assert len(a201.REASON_CODES) == 43
    assert len(a21.REASON_CODES) == 56
    assert len(a201.SECURITY_EVENTS) == 20
    assert len(a21.SECURITY_EVENTS) == 21


@pytest.mark.parametrize(
    ("catalogue", "path", "column"),
    [
        (a201.SECURITY_EVENTS, CSV201 / "security_events.csv", 0),
        (a21.SECURITY_EVENTS, CSV21 / "security_events.csv", 0),
        (a201.REASON_CODES, CSV201 / "reason_codes.csv", 0),
        (a21.REASON_CODES, CSV21 / "reason_codes.csv", 1),  # column 0 is the group
        (a201.UNITS_OF_MEASURE, CSV201 / "units_of_measure.csv", 0),
        (a21.UNITS_OF_MEASURE, CSV21 / "units_of_measure.csv", 0),
        (a21.ADDITIONAL_INFO_TYPES, CSV21 / "additional_info_types.csv", 0),
        (a21.AD_HOC_PAYMENT_INFO_TYPES, CSV21 / "additional_info_types_adhoc.csv", 0),
        (a21.PAYMENT_BRANDS, CSV21 / "paymentbrand.csv", 0),
        (a21.PAYMENT_RECOGNITIONS, CSV21 / "paymentrecognition.csv", 0),
        (a21.ID_TOKEN_TYPES, CSV21 / "idtokenenumtype.csv", 0),
        (a21.CHARGING_LIMIT_SOURCES, CSV21 / "charginglimitsourceenumtype.csv", 0),
        (a21.CONNECTOR_TYPES, CSV21 / "connectorenumtype.csv", 0),
        (a21.SIGNING_METHODS, CSV21 / "signingmethod.csv", 0),
    ],
    ids=lambda x: x.name if isinstance(x, Path) else "",
)
def test_each_catalogue_holds_its_table_in_order(catalogue: Catalogue[Any], path: Path, column: int) -> None:
    values = [r[column] for r in _rows(path) if r[column]]  # 2.1 reason codes: group rows have none
    assert list(catalogue) == values
    enum = type(catalogue.entries[0].value)
    assert [m.value for m in enum] == values


def test_counts_and_their_differences_between_versions() -> None:
    assert (len(a201.UNITS_OF_MEASURE), len(a21.UNITS_OF_MEASURE)) == (33, 34)
    assert set(a21.UNITS_OF_MEASURE) - set(a201.UNITS_OF_MEASURE) == {"mHz"}
    # 2.1 adds one security event and changes nothing else in the table.
    assert set(a21.SECURITY_EVENTS) - set(a201.SECURITY_EVENTS) == {"DiscardedRenewedClientCertificate"}
    for entry in a201.SECURITY_EVENTS.values():
        assert a21.SECURITY_EVENTS[entry.value].critical == entry.critical
        assert a21.SECURITY_EVENTS[entry.value].description == entry.description
    # 56 = 43 - UnknownTxId + 14 new codes, in 9 groups.
    assert set(a201.REASON_CODES) - set(a21.REASON_CODES) == {"UnknownTxId"}
    assert len(set(a21.REASON_CODES) - set(a201.REASON_CODES)) == 14
    assert len({e.group for e in a21.REASON_CODES.values()}) == 9
    assert a21.REASON_CODES["BatterySoC"].group == "Swap Station"
    assert {e.group for e in a201.REASON_CODES.values()} == {""}
    # The open strings of 2.1 keep every value of the 2.0.1 enumeration they replace.
    for old, new in ((v201.ConnectorEnumType, a21.CONNECTOR_TYPES), (v201.IdTokenEnumType, a21.ID_TOKEN_TYPES),
                     (v201.ChargingLimitSourceEnumType, a21.CHARGING_LIMIT_SOURCES)):  # fmt: skip
        assert {m.value for m in old} <= set(new)
    assert len(a21.CONNECTOR_TYPES) - len(v201.ConnectorEnumType) == 9


def test_security_events_and_their_critical_flags() -> None:
    for catalogue, path in ((a201.SECURITY_EVENTS, CSV201), (a21.SECURITY_EVENTS, CSV21)):
        flags = {r[0]: r[2] == "Yes" for r in _rows(path / "security_events.csv")}
        assert {e.value: e.critical for e in catalogue.values()} == flags
    assert a201.SECURITY_EVENTS["InvalidFirmwareSignature"].critical is True
    assert a201.SECURITY_EVENTS[a201.SecurityEvent.FAILED_TO_AUTHENTICATE_AT_CSMS].critical is False


def test_1_6_catalogues_are_the_project_tables_and_agree_with_the_schema() -> None:
    rows = _project_rows("security-events-1.6.csv")
    assert len(a16.SECURITY_EVENTS) == len(rows) == 18
    assert {e.value: e.critical for e in a16.SECURITY_EVENTS.values()} == {
        r["Security Event"]: r["Critical"] == "Yes" for r in rows
    }
    # The white paper's names and flags are its own: Central System, not CSMS; fewer critical.
    assert "InvalidCentralSystemCertificate" in a16.SECURITY_EVENTS
    assert a16.SECURITY_EVENTS["InvalidFirmwareSignature"].critical is False
    assert "MaintenanceLoginAccepted" not in a16.SECURITY_EVENTS
    assert max(len(v) for v in a16.SECURITY_EVENTS) <= 50  # SecurityEventNotification.type
    # Every ChargePointErrorCode of the schema has its meaning, keyed by the generated enum.
    assert set(a16.CHARGE_POINT_ERROR_CODES) == {m.value for m in v16.ChargePointErrorCode}
    entry = a16.CHARGE_POINT_ERROR_CODES[v16.ChargePointErrorCode.EV_COMMUNICATION_ERROR]
    assert isinstance(entry.value, v16.ChargePointErrorCode)
    assert "SuspendedEVSE" in entry.description
    assert a16.CHARGE_POINT_ERROR_CODES["OtherError"].description == (
        "Other type of error. More information in vendorErrorCode."
    )


def test_values_fit_the_schema_fields_they_are_for() -> None:
    """The generator checks each table's fields (appendices.csv); a few by hand here."""
    assert max(len(v) for v in a21.CONNECTOR_TYPES) <= 20
    assert max(len(v) for v in a21.REASON_CODES) <= 20  # StatusInfoType.reasonCode
    assert max(len(v) for v in a21.UNITS_OF_MEASURE) <= 16  # VariableCharacteristicsType.unit
    # A catalogue value is a plain string on the wire.
    token = v21.IdTokenType(id_token="04A2B3C4", type=a21.IdTokenEnumStringType.ISO14443)
    body = json.loads(ocppkit.encode(v21.AuthorizeRequest(id_token=token)))
    assert body == {"idToken": {"idToken": "04A2B3C4", "type": "ISO14443"}}


# -- catalogue lookups ----------------------------------------------------------------------


def test_catalogue_lookups() -> None:
    codes = a21.REASON_CODES
    assert codes["TxNotFound"] is codes[a21.ReasonCode.TX_NOT_FOUND]
    assert codes.find("txnotfound") is codes["TxNotFound"]
    assert codes.find("nope") is None
    with pytest.raises(KeyError):
        codes["txnotfound"]  # exact lookup is exact
    assert {e.value for e in codes.search("BATTERY")} >= {"BatteryDamaged", "NoBatteryAvailable"}
    assert a21.SIGNING_METHODS["ECDSA-secp256r1-SHA256"].curve == "secp256r1"
    assert a21.PAYMENT_BRANDS["Visa"].description == ""
    assert "Catalogue" in repr(codes)
    with pytest.raises(ValueError, match="twice"):
        Catalogue("t", [Entry("A", ""), Entry("a", "")])


# -- the device model -----------------------------------------------------------------------


def test_device_model_counts_against_its_tables() -> None:
    for model, folder in ((dm201.DEVICE_MODEL, CSV201), (dm21.DEVICE_MODEL, CSV21)):
        rows = _rows(folder / "dm_components_vars.csv")
        assert len(model) == len(rows)
        assert len(model.variables) == len(_rows(folder / "variables.csv"))
        listed = [r[0] for r in _rows(folder / "components.csv")]
        assert [c.name for c in model.components][: len(listed)] == listed
        only_dm = {r[0] for r in rows} - set(listed) - {GENERIC}
        assert {c.name for c in model.components if c.description is None} == only_dm
    assert (len(dm201.DEVICE_MODEL), len(dm21.DEVICE_MODEL)) == (249, 437)
    assert (len(dm201.DEVICE_MODEL.components), len(dm21.DEVICE_MODEL.components)) == (74, 84)
    assert (len(dm201.DEVICE_MODEL.variables), len(dm21.DEVICE_MODEL.variables)) == (90, 241)
    assert dm201.DEVICE_MODEL.component("customizationctrlr").description is None


def test_device_model_rows_keep_type_unit_requiredness_and_description() -> None:
    row = dm201.DEVICE_MODEL.get("OCPPCommCtrlr", "HeartbeatInterval")
    assert row.data_type is v201.DataEnumType.INTEGER
    assert row.units == ("s",)
    assert row.required is Required.NO
    assert row.description.startswith("Interval of inactivity")
    assert dm201.DEVICE_MODEL.get("SecurityCtrlr", "BasicAuthPassword").string_format == "passwordString"
    energy = dm201.DEVICE_MODEL.get("FiscalMetering", "EnergyImport")
    assert energy.units == ("Wh", "kWh")  # the first is the default
    assert {r.required for r in dm21.DEVICE_MODEL} == set(Required)
    assert dm21.DEVICE_MODEL.get("connectedev", "VehicleCertificate", "Leaf").required is Required.V2X
    assert len(dm201.DEVICE_MODEL.required()) == 64
    assert all(r.required is Required.YES for r in dm201.DEVICE_MODEL.required())


def test_lookup_ignores_case_and_falls_back_to_generic_variables() -> None:
    model = dm201.DEVICE_MODEL
    row = model.get("OCPPCOMMCTRLR", "heartbeatINTERVAL")
    assert (row.component, row.variable) == ("OCPPCommCtrlr", "HeartbeatInterval")
    # No row of its own: the generic row, with the component filled in (standardized spelling).
    feed = model.get("electricalfeed", "Available")
    assert (feed.component, feed.generic) == ("ElectricalFeed", False)
    assert model.get("MyVendorBox", "Active").component == "MyVendorBox"
    assert model.find(variable="available") and all(
        r.variable == "Available" for r in model.find(variable="AVAILABLE")
    )
    assert {r.component for r in model.of("smartchargingctrlr")} == {"SmartChargingCtrlr"}
    assert model.variable("acvoltage")[0].units == ("V",)
    with pytest.raises(KeyError, match="no standardized variable"):
        model.get("OCPPCommCtrlr", "NoSuchThing")
    with pytest.raises(KeyError, match="no standardized component"):
        model.component("Nope")


def test_instances_attributes_and_placeholders() -> None:
    model = dm201.DEVICE_MODEL
    with pytest.raises(KeyError, match="ambiguous"):
        model.get("DeviceDataCtrlr", "ItemsPerMessage")
    assert model.get("DeviceDataCtrlr", "ItemsPerMessage", "getvariables").instance == "GetVariables"
    vendor = model.get("CustomizationCtrlr", "CustomImplementationEnabled", "com.example")
    assert vendor.instance == "<vendorId>" and vendor.instance_is_placeholder
    proto = dm21.DEVICE_MODEL.get("ISO15118Ctrlr", "ProtocolSupported", "3")
    assert proto.instance == "1, 2 .. 20"
    # 2.1 names attributes in the variable column: "EnergyImport.maxSet", "ACCurrent.min/maxSet".
    energy = dm21.DEVICE_MODEL.get("ConnectedEV", "energyimport", attribute="target")
    assert energy.attributes == (v21.AttributeEnumType.TARGET,)
    both = dm21.DEVICE_MODEL.get("ConnectedEV", "ACCurrent")
    assert both.attributes == (v21.AttributeEnumType.MIN_SET, v21.AttributeEnumType.MAX_SET)
    with pytest.raises(KeyError, match="ambiguous"):
        dm21.DEVICE_MODEL.get("ConnectedEV", "EnergyImport")


def test_the_stray_windows_1252_bytes_are_read_as_excel_reads_them() -> None:
    raw = (CSV21 / "dm_components_vars.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text, repaired = decode(raw)
    assert repaired == 5
    assert decode(b"a \x93b\x94 \xe2\x80\x99 \x9d") == ("a \u201cb\u201d \u2019 \x9d", 3)
    proto = dm21.DEVICE_MODEL.get("ISO15118Ctrlr", "ProtocolSupported", "1")
    assert "\u201c<uri>,<major>,<minor>\u201d" in proto.description
    assert (
        "\u201cinstance\u201d"
        in dm21.DEVICE_MODEL.get("NetworkConfiguration", "BasicAuthPassword").description
    )
    assert text.count("\n") == raw.count(b"\n")


def test_corrected_cells_are_read_as_corrected() -> None:
    """specs/appendix-corrections.csv: empty cells and two non-standard unit spellings in 2.1."""
    for name in ("SignStartedReadings", "SignUpdatedReadings"):
        row = dm21.DEVICE_MODEL.get("SampledDataCtrlr", name)
        assert (row.required, row.data_type) == (Required.NO, v21.DataEnumType.BOOLEAN)
    assert dm21.DEVICE_MODEL.get("BatteryCartridge", "SoC").units == ("Percent",)
    assert dm21.DEVICE_MODEL.get("DCDERCtrlr", "MaxVar").units == ("var",)
    units = set(a21.UNITS_OF_MEASURE)
    assert all(set(r.units) <= units for r in dm21.DEVICE_MODEL)
    assert all(set(v.units) <= units for v in dm21.DEVICE_MODEL.variables)
    # Data types are the schema's DataEnumType (2.1's "DateTime" cells read as dateTime).
    assert dm21.DEVICE_MODEL.get("FrequencySimulator", "DateTime", "Start").data_type == "dateTime"


# -- request entries ------------------------------------------------------------------------


def test_request_entries_encode_and_decode() -> None:
    interval = dm201.DEVICE_MODEL.get("ocppcommctrlr", "heartbeatinterval")
    get = v201.GetVariablesRequest(get_variable_data=[dm201.get_variable(interval)])
    assert json.loads(ocppkit.encode(get)) == {
        "getVariableData": [
            {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}}
        ]
    }
    put = v201.SetVariablesRequest(set_variable_data=[dm201.set_variable(interval, 300)])
    assert ocppkit.decode(v201.SetVariablesRequest, ocppkit.encode(put)) == put
    assert put.set_variable_data[0].attribute_value == "300"
    current = dm201.DEVICE_MODEL.get("EVSE", "ACCurrent")
    monitor = dm201.set_monitoring(current, monitor=v201.MonitorEnumType.UPPER_THRESHOLD, value=32, severity=4,
                                   evse=1, connector=2)  # fmt: skip
    body = json.loads(ocppkit.encode(v201.SetVariableMonitoringRequest(set_monitoring_data=[monitor])))
    assert body["setMonitoringData"][0] == {
        "value": 32, "type": "UpperThreshold", "severity": 4,
        "component": {"name": "EVSE", "evse": {"id": 1, "connectorId": 2}}, "variable": {"name": "ACCurrent"},
    }  # fmt: skip


def test_request_entries_fill_instances_and_attributes() -> None:
    vendor = dm201.DEVICE_MODEL.get("CustomizationCtrlr", "CustomImplementationEnabled", "com.example")
    entry = dm201.set_variable(vendor, True, instance="com.example")
    assert (entry.variable.instance, entry.attribute_value) == ("com.example", "true")
    with pytest.raises(ValueError, match="needs an instance"):
        dm201.get_variable(vendor)
    named = dm201.DEVICE_MODEL.get("DeviceDataCtrlr", "BytesPerMessage", "GetReport")
    assert dm201.get_variable(named).variable.instance == "GetReport"
    with pytest.raises(ValueError, match="has instance"):
        dm201.get_variable(named, instance="SetVariables")
    energy = dm21.DEVICE_MODEL.get("ConnectedEV", "EnergyImport", attribute="MaxSet")
    assert dm21.get_variable(energy, evse=1).attribute_type is v21.AttributeEnumType.MAX_SET
    both = dm21.DEVICE_MODEL.get("ConnectedEV", "DCVoltage", attribute="MinSet")
    with pytest.raises(ValueError, match="say which attribute"):
        dm21.get_variable(both, evse=1)
    assert dm21.get_variable(both, evse=1, attribute=v21.AttributeEnumType.MIN_SET).attribute_type == "MinSet"
    with pytest.raises(ValueError, match="names attribute"):
        dm21.get_variable(both, evse=1, attribute=v21.AttributeEnumType.TARGET)


def test_request_entries_check_component_evse_and_version() -> None:
    generic = next(r for r in dm201.DEVICE_MODEL if r.generic and r.variable == "Enabled")
    with pytest.raises(ValueError, match="say which component"):
        dm201.get_variable(generic)
    assert dm201.get_variable(generic, component="TokenReader").component.name == "TokenReader"
    interval = dm201.DEVICE_MODEL.get("OCPPCommCtrlr", "HeartbeatInterval")
    assert dm201.get_variable(interval, component="ocppcommctrlr").component.name == "OCPPCommCtrlr"
    with pytest.raises(ValueError, match="not of"):
        dm201.get_variable(interval, component="TxCtrlr")
    with pytest.raises(ValueError, match="give evse"):
        dm201.get_variable(interval, connector=1)
    with pytest.raises(ValueError, match=r"OCPP 2\.0\.1, not 2\.1"):
        dm21.get_variable(interval)


def test_set_variable_checks_the_value_first() -> None:
    interval = dm201.DEVICE_MODEL.get("OCPPCommCtrlr", "HeartbeatInterval")
    with pytest.raises(ValueError, match=r"OCPPCommCtrlr.HeartbeatInterval \(integer\)"):
        dm201.set_variable(interval, "5 min")
    text = dm201.DEVICE_MODEL.get("OCPPCommCtrlr", "PublicKeyWithSignedMeterValue")
    with pytest.raises(ValueError, match="at most 1000"):
        dm201.set_variable(text, "x" * 1001)  # the schema's maxLength of attributeValue
    assert dm21.set_variable(dm21.DEVICE_MODEL.get("OCPPCommCtrlr", "PublicKeyWithSignedMeterValue"), "Never")
    assert dm21.ATTRIBUTE_VALUE_MAX_LENGTH == 2500


def test_monitors_are_checked() -> None:
    text = dm201.DEVICE_MODEL.get("ChargingStation", "Model")
    with pytest.raises(ValueError, match="needs a numeric variable"):
        dm201.set_monitoring(text, monitor=v201.MonitorEnumType.UPPER_THRESHOLD, value=1, severity=5)
    assert dm201.set_monitoring(text, monitor=v201.MonitorEnumType.DELTA, value=1, severity=5).type == "Delta"
    number = dm201.DEVICE_MODEL.get("EVSE", "Power")
    with pytest.raises(ValueError, match="severity is 0 to 9"):
        check_monitor(number, "Delta", 1, 10)
    with pytest.raises(ValueError, match="interval"):
        check_monitor(number, "Periodic", 0, 5)
    with pytest.raises(ValueError, match="finite number"):
        check_monitor(number, "Delta", float("nan"), 5)


# -- the value check ------------------------------------------------------------------------


def _row(data_type: str, string_format: str | None = None) -> DeviceModelVariable:
    return DeviceModelVariable(version="2.0.1", component="C", variable="V", data_type=data_type,
                               string_format=string_format)  # fmt: skip


@pytest.mark.parametrize(
    ("data_type", "value", "text"),
    [
        ("boolean", True, "true"), ("boolean", "false", "false"),
        ("integer", 0, "0"), ("integer", "-1234", "-1234"), ("integer", 2**31 - 1, "2147483647"),
        ("decimal", 1, "1"), ("decimal", 0.1, "0.1"), ("decimal", Decimal("12.500000"), "12.500000"),
        ("decimal", "-0.000001", "-0.000001"), ("decimal", 1e-06, "0.000001"),
        ("dateTime", datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1))), "2026-01-02T02:04:05Z"),
        ("dateTime", "2026-01-02T03:04:05+01:00", "2026-01-02T03:04:05+01:00"),
        ("string", "", ""), ("string", "any text, even with commas", "any text, even with commas"),
        ("OptionList", "Option", "Option"),
        ("MemberList", ["A", "B"], "A,B"), ("SequenceList", "B,A,B", "B,A,B"), ("MemberList", [], ""),
    ],
)  # fmt: skip
def test_values_that_fit(data_type: str, value: object, text: str) -> None:
    assert check_value(_row(data_type), value) == text


@pytest.mark.parametrize(
    ("data_type", "value", "message"),
    [
        ("boolean", "True", "only"), ("boolean", 1, "only"),
        ("integer", "01234", "no leading zeros"), ("integer", "+1234", "no leading zeros"),
        ("integer", 2**31, "32-bit"), ("integer", True, "expected an integer"), ("integer", 1.0, "expected"),
        ("decimal", "1e3", "not an OCPP decimal"), ("decimal", 0.1234567, "more than 6 decimal places"),
        ("decimal", float("inf"), "finite"), ("decimal", Decimal("NaN"), "finite"), ("decimal", False, "expected"),
        ("dateTime", datetime(2026, 1, 2), "naive"), ("dateTime", "2026-01-02 03:04:05", "RFC 3339"),
        ("string", 5, "expected a string"),
        ("OptionList", "A,B", "holds one value"), ("OptionList", 3, "one option"),
        ("MemberList", "A,A", "listed twice"), ("SequenceList", "A,,B", "cannot be a list member"),
        ("SequenceList", [1], "list of strings"), ("MemberList", 7, "comma-separated"),
    ],
)  # fmt: skip
def test_values_that_do_not_fit(data_type: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_value(_row(data_type), value)


def test_value_lists_lengths_and_string_formats() -> None:
    options = ["Ready", "Busy"]
    assert check_value(_row("OptionList"), "Busy", values_list=options) == "Busy"
    with pytest.raises(ValueError, match="not one of"):
        check_value(_row("OptionList"), "busy", values_list=options)
    with pytest.raises(ValueError, match="not one of"):
        check_value(_row("MemberList"), ["Ready", "Idle"], values_list=options)
    with pytest.raises(ValueError, match="at most 3"):
        check_value(_row("string"), "four", max_length=3)
    assert check_value(_row("string", "identifierString"), "Tx-1:a@b.c") == "Tx-1:a@b.c"
    with pytest.raises(ValueError, match="identifierString"):
        check_value(_row("string", "identifierString"), "no spaces")
    with pytest.raises(ValueError, match="passwordString"):
        check_value(_row("string", "passwordString"), "pässword")
    assert check_value(_row("dateTime"), datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00Z"


# -- regeneration ---------------------------------------------------------------------------


def _copy_specs(tmp: Path, version: str = "2.1") -> tuple[Path, str]:
    """specs/ copied, with only ``version`` left, under a module name of its own."""
    specs = tmp / "specs"
    shutil.copytree(SPECS, specs)
    module = f"vapp{next(_serial)}"
    data = json.loads((specs / "versions.json").read_text(encoding="utf-8"))
    data["versions"] = [v | {"module": module} for v in data["versions"] if v["version"] == version]
    (specs / "versions.json").write_text(json.dumps(data), encoding="utf-8")
    return specs, module


def _append(path: Path, line: bytes) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw + (b"" if raw.endswith(b"\n") else b"\n") + line + b"\n")


def _generate(specs: Path, out: Path, module: str) -> Any:
    files, problems = build(specs, out)
    assert [str(p) for p in problems.items] == []
    write(files, out)
    ocppkit.__path__.append(str(out / "ocppkit"))
    try:
        return (
            importlib.import_module(f"ocppkit.{module}.appendices"),
            importlib.import_module(f"ocppkit.{module}.device_model"),
            files,
        )
    finally:
        ocppkit.__path__.remove(str(out / "ocppkit"))


def test_a_new_csv_row_reaches_the_catalogues(tmp_path: Path) -> None:
    """What a maintainer does when OCA publishes new CSVs: drop them in, regenerate, done."""
    specs, module = _copy_specs(tmp_path)
    _append(specs / "ocpp-2.1/appendices-csv-v2.0/dm_components_vars.csv",
            b'OCPPCommCtrlr;RegenProbeInterval;;yes;Integer;s;"Probe; added by a test \x93quoted\x94"')  # fmt: skip
    _append(specs / "ocpp-2.1/appendices-csv-v2.0/variables.csv", b"RegenProbeInterval;integer;s;Probe")
    _append(
        specs / "ocpp-2.1/appendices-csv-v2.0/reason_codes.csv", b"Regen Group;;;\n;RegenProbe;A probe.;Tests"
    )
    _append(specs / "ocpp-2.1/appendices-csv-v2.0/security_events.csv", b"RegenProbeEvent;A probe;No")
    _append(specs / "appendix-corrections.csv",
            b'ocpp-2.1/appendices-csv-v2.0/paymentbrand.csv,*,PaymentBrand,VPay,V PAY,"a test: corrections apply"')  # fmt: skip
    appendices, device_model, files = _generate(specs, tmp_path / "out", module)

    row = device_model.DEVICE_MODEL.get("ocppcommctrlr", "regenprobeinterval")
    assert (row.required, row.data_type, row.units) == (Required.YES, "integer", ("s",))
    assert row.description == "Probe; added by a test \u201cquoted\u201d"
    assert len(device_model.DEVICE_MODEL) == len(dm21.DEVICE_MODEL) + 1
    assert device_model.set_variable(row, 7).attribute_value == "7"
    assert len(appendices.REASON_CODES) == 57
    assert appendices.REASON_CODES["RegenProbe"].group == "Regen Group"
    assert appendices.SECURITY_EVENTS["RegenProbeEvent"].critical is False
    assert appendices.SecurityEvent.REGEN_PROBE_EVENT == "RegenProbeEvent"
    assert "V PAY" in appendices.PAYMENT_BRANDS and "VPay" not in appendices.PAYMENT_BRANDS
    # The changed CSV is named with its new sha256 in every file's sources.
    sources = files[f"ocppkit/{module}/_sources.py"]
    assert "appendices-csv-v2.0/dm_components_vars.csv" in sources
    assert "1b88ceda4231531426d87ab0d41cceefce14747c5ee0dfcaa1c4f78d1eee53d0" not in sources


def _problems(specs: Path, tmp: Path) -> list[str]:
    _, problems = build(specs, tmp / "out")
    return [str(p) for p in problems.items]


def test_unreadable_rows_are_reported_with_file_and_line(tmp_path: Path) -> None:
    specs, _ = _copy_specs(tmp_path)
    dm = specs / "ocpp-2.1/appendices-csv-v2.0/dm_components_vars.csv"
    _append(dm, b"OCPPCommCtrlr;Probe;;maybe;integer;s;x")
    _append(dm, b"OCPPCommCtrlr;Probe2;;no;float;s;x")
    _append(dm, b"OCPPCommCtrlr;Probe3;;no;integer;furlongs;x")
    _append(dm, b"OCPPCommCtrlr;Probe4.sideways;;no;integer;;x")
    _append(dm, b"OCPPCommCtrlr;HeartbeatInterval;;no;integer;s;twice")
    _append(dm, b"OCPPCommCtrlr;Short")
    found = _problems(specs, tmp_path)
    line = len(dm.read_bytes().splitlines()) - 5
    assert any(f"dm_components_vars.csv:{line}: Required? is one of yes, no, V2X" in p for p in found), found
    assert any("unknown data type 'float'" in p for p in found)
    assert any("warning:" in p and "unit 'furlongs'" in p for p in found)
    assert any("'sideways' is not an AttributeEnumType value" in p for p in found)
    assert any("HeartbeatInterval[None] repeats line" in p for p in found)
    assert any("2 cells, the header has 7" in p for p in found)


def test_corrections_and_unread_tables_are_checked(tmp_path: Path) -> None:
    specs, _ = _copy_specs(tmp_path)
    _append(specs / "appendix-corrections.csv",
            b"ocpp-2.1/appendices-csv-v2.0/units_of_measure.csv,*,Value,Furlong,furlong,stale\n"
            b"ocpp-2.1/appendices-csv-v2.0/units_of_measure.csv,*,Value,A,Ampere,")  # fmt: skip
    (specs / "ocpp-2.1/appendices-csv-v2.0/new_table.csv").write_text("Value;Description\nX;y\n")
    found = _problems(specs, tmp_path)
    assert any("correction changes nothing" in p for p in found), found
    assert any("a correction must say why" in p for p in found)
    assert any(p.startswith("warning: ocpp-2.1/appendices-csv-v2.0/new_table.csv") for p in found)


def test_catalogues_are_checked_against_the_schemas(tmp_path: Path) -> None:
    specs, _ = _copy_specs(tmp_path)
    _append(specs / "ocpp-2.1/appendices-csv-v2.0/connectorenumtype.csv", b"sAVeryLongConnectorName;too long")
    _append(specs / "ocpp-2.1/appendices-csv-v2.0/paymentbrand.csv", b"visa;")
    table = specs / "appendices.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(
        "TariffConditionsFixedType.paymentRecognition", "TariffConditionsFixedType.nope"), encoding="utf-8")  # fmt: skip
    found = _problems(specs, tmp_path)
    assert any("'sAVeryLongConnectorName' is longer than ReserveNowRequest.connectorType allows (20)" in p
               for p in found), found  # fmt: skip
    assert any("'visa' is listed twice (also as 'Visa')" in p for p in found)
    assert any("TariffConditionsFixedType.nope: OCPP 2.1 has no such field" in p for p in found)


def test_1_6_error_code_table_must_cover_the_schema_enum(tmp_path: Path) -> None:
    specs, _ = _copy_specs(tmp_path, "1.6")
    path = specs / "charge-point-error-codes-1.6.csv"
    text = path.read_text(encoding="utf-8").replace("WeakSignal,", "WeakSignals,")
    path.write_text(text, encoding="utf-8")
    found = _problems(specs, tmp_path)
    assert any("missing ['WeakSignal'], not in the schema ['WeakSignals']" in p for p in found), found
