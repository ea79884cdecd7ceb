"""`ocppkit diff` and `ocppkit.specdiff`: on the real spec folders, on edited copies, and as a process."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ocppkit import cli, specdiff
from ocppkit.specdiff import (
    CellChange,
    ConstraintChange,
    EnumChange,
    RequiredChange,
    RowChange,
    SpecDiff,
    TypeChange,
)

SPECS = Path(__file__).resolve().parent.parent / "specs"
V16, V201, V21 = SPECS / "ocpp-1.6", SPECS / "ocpp-2.0.1", SPECS / "ocpp-2.1"
COMMANDS = ("serve", "station", "demo", "validate", "diff", "bandwidth")


# -- helpers that read the folders without specdiff, to check it against -------------------------


def _schemas(folder: Path) -> dict[str, dict[str, object]]:
    return {
        p.stem: json.loads(p.read_bytes().decode("utf-8-sig")) for p in sorted(folder.glob("*schemas/*.json"))
    }


def _definition(folder: Path, name: str) -> dict[str, object]:
    found = [s["definitions"][name] for s in _schemas(folder).values() if name in s.get("definitions", {})]  # type: ignore[operator, index]
    assert found, name
    return found[0]  # type: ignore[no-any-return]


def _actions(folder: Path) -> set[str]:
    return {re.sub("(Request|Response)$", "", stem) for stem in _schemas(folder)}


@pytest.fixture(scope="module")
def d201_21() -> SpecDiff:
    return specdiff.compare(specdiff.load(V201), specdiff.load(V21))


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str | Path
) -> tuple[int, str, str]:
    """`ocppkit ARGV` in this process, with only the `diff` command registered."""
    monkeypatch.setattr(cli, "_COMMANDS", ("diff",))
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _table(diff: SpecDiff, file: str) -> specdiff.TableDiff:
    (table,) = [t for t in diff.appendix_changes if t.file == file]
    return table


# -- 2.0.1 → 2.1 ----------------------------------------------------------------------------------


def test_idtoken_type_turns_from_enum_to_string(d201_21: SpecDiff) -> None:
    assert TypeChange("IdTokenType.type", "enum IdTokenEnumType", "string") in d201_21.type_changes
    assert ConstraintChange("IdTokenType.type", "maxLength", None, "20") in d201_21.constraint_changes
    assert "IdTokenEnumType" in d201_21.types_removed
    # the same happened to the connector type and the charging limit source (their values moved to appendix tables)
    assert (
        TypeChange("ReserveNowRequest.connectorType", "enum ConnectorEnumType", "string")
        in d201_21.type_changes
    )
    assert set(d201_21.types_removed) == {
        "ChargingLimitSourceEnumType",
        "ConnectorEnumType",
        "IdTokenEnumType",
    }


def test_measurand_gains_exactly_its_new_values(d201_21: SpecDiff) -> None:
    old = set(_definition(V201, "MeasurandEnumType")["enum"])  # type: ignore[call-overload]
    new = set(_definition(V21, "MeasurandEnumType")["enum"])  # type: ignore[call-overload]
    (change,) = [e for e in d201_21.enum_changes if e.path == "MeasurandEnumType"]
    assert change.added == tuple(sorted(new - old))
    assert len(change.added) == 31
    assert change.removed == ()
    assert {"Power.Active.Setpoint", "EnergyRequest.Target", "Display.PresentSOC"} <= set(change.added)


def test_new_actions_of_21(d201_21: SpecDiff) -> None:
    added = _actions(V21) - _actions(V201)
    assert d201_21.actions_added == tuple(sorted(added))
    assert len(added) == 27
    assert {"BatterySwap", "RequestBatterySwap", "NotifyPeriodicEventStream", "SetDERControl"} <= added
    assert d201_21.actions_removed == ()
    # messages of new actions are not listed again, nor are their types' fields
    assert d201_21.messages_added == ()
    assert not [f for f in d201_21.fields_added if f.path.startswith("BatterySwapRequest.")]


def test_fields_required_and_types_201_21(d201_21: SpecDiff) -> None:
    assert RequiredChange("ChargingSchedulePeriodType.limit", True, False) in d201_21.required_changes
    added = {f.path: (f.type, f.required) for f in d201_21.fields_added}
    assert added["VariableMonitoringType.eventNotificationType"] == ("enum EventNotificationEnumType", True)
    assert added["AuthorizeResponse.tariff"] == ("object TariffType", False)
    assert TypeChange("ACChargingParametersType.evMaxCurrent", "integer", "number") in d201_21.type_changes
    assert ConstraintChange("IdTokenType.idToken", "maxLength", "36", "255") in d201_21.constraint_changes
    assert "TariffType" in d201_21.types_added
    assert d201_21.warnings == ()


def test_appendix_changes_201_21(d201_21: SpecDiff) -> None:
    assert set(d201_21.appendix_files_added) == {
        p.name for p in (V21 / "appendices-csv-v2.0").glob("*.csv")
    } - {p.name for p in (V201 / "appendices-csv-v1.4").glob("*.csv")}
    assert "idtokenenumtype.csv" in d201_21.appendix_files_added
    assert d201_21.appendix_files_removed == ()

    security = _table(d201_21, "security_events.csv")
    assert [r.key for r in security.rows_added] == [("DiscardedRenewedClientCertificate",)]
    assert security.rows_removed == ()
    assert security.rows_changed == ()

    reasons = _table(d201_21, "reason_codes.csv")
    assert reasons.columns_added == ("Group",)
    assert [r.key for r in reasons.rows_removed] == [("UnknownTxId",)]
    assert ("RateLimitExceeded",) in [r.key for r in reasons.rows_added]
    # the group rows of 2.1 are not reason codes; their group is carried onto the rows below them
    assert ("",) not in [r.key for r in reasons.rows_added]
    (limit,) = [r for r in reasons.rows_added if r.key == ("RateLimitExceeded",)]
    assert limit.cells["group"]

    device_model = _table(d201_21, "dm_components_vars.csv")
    assert device_model.key == ("Specific Component", "Variable", "Instance")
    assert (
        RowChange(("ConnectedEV", "ProtocolAgreed", ""), (CellChange("Required?", "no", "V2X"),))
        in device_model.rows_changed
    )
    # five bytes of the 2.1 table are Windows-1252; they are read, not fatal
    assert ("SmartChargingCtrlr", "SetpointPriority", "") in [r.key for r in device_model.rows_added]

    variables = _table(d201_21, "variables.csv")
    # 2.1 lists VehicleId twice: the row 2.0.1 had matches, the other is added, none is "changed"
    (vehicle_id,) = [r for r in variables.rows_added if r.key == ("VehicleId",)]
    assert vehicle_id.cells["description"].startswith("For ConnectedEV:")
    assert ("VehicleId",) not in [r.key for r in variables.rows_changed]
    assert RowChange(("ChargeProtocol",), (CellChange("DataType", "", "string"),)) in variables.rows_changed


def test_summary_counts_match_the_lists(d201_21: SpecDiff) -> None:
    summary = d201_21.summary()
    assert summary["actions_added"] == len(d201_21.actions_added) == 27
    assert summary["enum_values_added"] == sum(len(e.added) for e in d201_21.enum_changes)
    assert summary["appendix_rows_added"] == sum(len(t.rows_added) for t in d201_21.appendix_changes)
    assert d201_21.differences


# -- nothing changed ------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", [V16, V201, V21, V21 / "schemas", V201 / "appendices-csv-v1.4"])
def test_a_folder_compared_with_itself_reports_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    diff = specdiff.compare(specdiff.load(folder), specdiff.load(folder))
    assert diff == SpecDiff(old=str(folder), new=str(folder))
    assert not diff.differences
    code, out, err = _run(monkeypatch, capsys, "diff", folder, folder, "--exit-code")
    assert (code, err) == (0, "")
    assert "No differences." in out
    assert all(f"| {n} |" not in out for n in range(1, 10))


def test_bom_crlf_and_utf16_read_as_the_same_schema(tmp_path: Path) -> None:
    plain, odd = tmp_path / "plain", tmp_path / "odd"
    for folder in (plain, odd):
        folder.mkdir()
    for stem in ("BootNotificationRequest", "BootNotificationResponse", "TransactionEventRequest"):
        shutil.copy(V21 / "schemas" / f"{stem}.json", plain)
    text = (plain / "BootNotificationRequest.json").read_bytes().decode("utf-8-sig")
    (odd / "BootNotificationRequest.json").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    (odd / "BootNotificationResponse.json").write_bytes(
        (plain / "BootNotificationResponse.json").read_text(encoding="utf-8").encode("utf-16")
    )
    shutil.copy(plain / "TransactionEventRequest.json", odd)
    assert not specdiff.compare(specdiff.load(plain), specdiff.load(odd)).differences


def test_16_and_2x_file_names_are_the_same_messages(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(V16 / "schemas" / "BootNotification.json", tmp_path / "a" / "BootNotification.json")
    shutil.copy(V16 / "schemas" / "BootNotification.json", tmp_path / "b" / "BootNotificationRequest.json")
    a, b = specdiff.load(tmp_path / "a"), specdiff.load(tmp_path / "b")
    assert list(a.messages) == list(b.messages) == ["BootNotificationRequest"]
    assert not specdiff.compare(a, b).differences
    # in a folder that uses the Request suffix, a file without one is a message of its own (2.1's SEND)
    assert "NotifyPeriodicEventStream" in specdiff.load(V21).messages


# -- 1.6 → 2.0.1 ----------------------------------------------------------------------------------


def test_16_to_201_compares_inline_types_with_named_ones() -> None:
    diff = specdiff.compare(specdiff.load(V16), specdiff.load(V201))
    assert {"StartTransaction", "ChangeConfiguration"} <= set(diff.actions_removed)
    assert {"TransactionEvent", "SetVariables"} <= set(diff.actions_added)
    assert (
        TypeChange("BootNotificationResponse.status", "enum", "enum RegistrationStatusEnumType")
        in diff.type_changes
    )
    # the inline 1.6 enum is compared with the values of the named 2.0.1 one
    assert EnumChange("ResetRequest.type", ("Immediate", "OnIdle"), ("Hard", "Soft")) in diff.enum_changes
    assert "BootNotificationResponse.status" not in {e.path for e in diff.enum_changes}  # same three values
    # `additionalProperties: false` on a string enum does nothing, so losing it is not a change
    assert not [c for c in diff.constraint_changes if c.keyword == "additionalProperties"]
    assert json.loads(specdiff.render_json(diff))["differences"] is True
    assert specdiff.render_markdown(diff).startswith("# OCPP spec diff")


# -- edited copies: exactly the edits -------------------------------------------------------------


def _edit_schemas(folder: Path, definition: str, edit: object) -> int:
    """Apply `edit` to `definition` in every schema file of `folder` that defines it."""
    edited = 0
    for path in sorted(folder.glob("*schemas/*.json")):
        schema = json.loads(path.read_bytes().decode("utf-8-sig"))
        if definition in schema.get("definitions", {}):
            edit(schema["definitions"][definition])  # type: ignore[operator]
            path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
            edited += 1
    return edited


def test_an_edited_copy_reports_exactly_the_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "ocpp-2.0.1"
    shutil.copytree(V201, copy)

    def drop_watchdog(d: dict[str, list[str]]) -> None:
        d["enum"].remove("Watchdog")

    def station(d: dict[str, dict[str, dict[str, int]] | list[str]]) -> None:
        d["required"].append("serialNumber")  # type: ignore[union-attr]
        d["properties"]["model"]["maxLength"] = 30  # type: ignore[call-overload]

    assert _edit_schemas(copy, "BootReasonEnumType", drop_watchdog) >= 1
    assert _edit_schemas(copy, "ChargingStationType", station) >= 1

    diff = specdiff.compare(specdiff.load(V201), specdiff.load(copy))
    assert diff == SpecDiff(
        old=str(V201),
        new=str(copy),
        enum_changes=(EnumChange("BootReasonEnumType", (), ("Watchdog",)),),
        required_changes=(RequiredChange("ChargingStationType.serialNumber", False, True),),
        constraint_changes=(ConstraintChange("ChargingStationType.model", "maxLength", "20", "30"),),
    )

    code, out, err = _run(monkeypatch, capsys, "diff", V201, copy, "--json", "--exit-code")
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert {k: v for k, v in report["summary"].items() if v} == {
        "required_changes": 1,
        "constraint_changes": 1,
        "enum_types_changed": 1,
        "enum_values_removed": 1,
    }
    assert report["constraint_changes"] == [
        {"path": "ChargingStationType.model", "keyword": "maxLength", "old": 20, "new": 30}
    ]
    assert report["enum_changes"] == [{"path": "BootReasonEnumType", "added": [], "removed": ["Watchdog"]}]

    code, out, _ = _run(monkeypatch, capsys, "diff", V201, copy)
    assert code == 0  # without --exit-code, a report is a success
    assert "- `ChargingStationType.serialNumber`: optional → required" in out
    assert "- `ChargingStationType.model` `maxLength`: `20` → `30`" in out
    assert "- removed: `Watchdog`" in out


def test_an_edited_16_copy_reports_the_inline_enum_by_path(tmp_path: Path) -> None:
    copy = tmp_path / "ocpp-1.6"
    shutil.copytree(V16, copy)
    path = copy / "schemas" / "MeterValues.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    sampled = schema["properties"]["meterValue"]["items"]["properties"]["sampledValue"]["items"]
    sampled["properties"]["measurand"]["enum"].remove("Voltage")
    sampled["properties"]["unit"]["enum"].append("mHz")
    path.write_text(json.dumps(schema), encoding="utf-8")
    diff = specdiff.compare(specdiff.load(V16), specdiff.load(copy))
    prefix = "MeterValuesRequest.meterValue[].sampledValue[]"
    assert diff == SpecDiff(
        old=str(V16),
        new=str(copy),
        enum_changes=(
            EnumChange(f"{prefix}.measurand", (), ("Voltage",)),
            EnumChange(f"{prefix}.unit", ("mHz",), ()),
        ),
    )


def test_an_edited_appendix_table_reports_rows_by_key(tmp_path: Path) -> None:
    copy = tmp_path / "ocpp-2.0.1"
    shutil.copytree(V201, copy)
    tables = copy / "appendices-csv-v1.4"
    events = tables / "security_events.csv"
    lines = events.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith("StartupOfTheDevice;")]
    lines = [line.replace(";Yes", ";No") if line.startswith("FirmwareUpdated;") else line for line in lines]
    body = "\n".join(lines).encode("utf-8") + '\nNewEvent ;"A “new”\n event";No\n'.encode("cp1252")
    events.write_bytes(b"\xef\xbb\xbf" + body)  # a BOM, a Windows-1252 line, padding, a line break in a cell
    units = tables / "units_of_measure.csv"
    units.write_bytes(units.read_text(encoding="utf-8").encode("utf-16"))  # the same table in UTF-16

    diff = specdiff.compare(specdiff.load(V201), specdiff.load(copy))
    assert not diff.fields_added and not diff.enum_changes
    (table,) = diff.appendix_changes
    assert table.file == "security_events.csv"
    assert table.key == ("Security Event",)
    assert table.rows_removed[0].key == ("StartupOfTheDevice",)
    assert len(table.rows_removed) == 1
    assert [(r.key, r.cells["description"]) for r in table.rows_added] == [(("NewEvent",), "A “new” event")]
    assert table.rows_changed == (RowChange(("FirmwareUpdated",), (CellChange("Critical", "Yes", "No"),)),)
    assert {k: v for k, v in diff.summary().items() if v} == {
        "appendix_rows_added": 1,
        "appendix_rows_removed": 1,
        "appendix_rows_changed": 1,
    }


def test_number_bounds_compare_by_value(tmp_path: Path) -> None:
    """2.1 writes 281 integer bounds as `0.0` (2.0.1: 11): `0` and `0.0` are the same bound."""

    def folder(name: str, minimum: float, maximum: float) -> Path:
        (tmp_path / name).mkdir()
        schema = {
            "type": "object",
            "properties": {"n": {"type": "integer", "minimum": minimum, "maximum": maximum}},
        }
        (tmp_path / name / "FooRequest.json").write_text(json.dumps(schema), encoding="utf-8")
        return tmp_path / name

    a, b, c = folder("a", 0, 3), folder("b", 0.0, 3.0), folder("c", 0.5, 3)
    assert not specdiff.compare(specdiff.load(a), specdiff.load(b)).differences
    assert specdiff.compare(specdiff.load(b), specdiff.load(c)).constraint_changes == (
        ConstraintChange("FooRequest.n", "minimum", "0", "0.5"),
    )


def test_rows_with_a_repeated_key_pair_by_content(tmp_path: Path) -> None:
    def folder(name: str, *rows: str) -> Path:
        (tmp_path / name).mkdir()
        (tmp_path / name / "variables.csv").write_text("Name ; Unit\n" + "".join(rows), encoding="utf-8")
        return tmp_path / name

    old = folder("old", "Timeout;s\n", "Other;A\n")
    new = folder("new", "Timeout;ms\n", "Timeout;min\n", "Other ; V\n")
    (table,) = specdiff.compare(specdiff.load(old), specdiff.load(new)).appendix_changes
    # two candidates for one old row: which one changed is not known, so one is removed and two added
    assert [(r.key, r.cells["unit"]) for r in table.rows_removed] == [(("Timeout",), "s")]
    assert [(r.key, r.cells["unit"]) for r in table.rows_added] == [
        (("Timeout",), "ms"),
        (("Timeout",), "min"),
    ]
    assert table.rows_changed == (RowChange(("Other",), (CellChange("Unit", "A", "V"),)),)


def test_a_definition_that_differs_between_files_is_a_warning(tmp_path: Path) -> None:
    def schema(max_length: int) -> str:
        return json.dumps(
            {
                "definitions": {"FooType": {"type": "string", "maxLength": max_length}},
                "type": "object",
                "properties": {"foo": {"$ref": "#/definitions/FooType"}},
            }
        )

    (tmp_path / "ARequest.json").write_text(schema(10), encoding="utf-8")
    (tmp_path / "BRequest.json").write_text(schema(20), encoding="utf-8")
    spec = specdiff.load(tmp_path)
    assert spec.shapes["FooType"].constraints == {"maxLength": "10"}
    (warning,) = spec.warnings
    assert "FooType" in warning
    assert "BRequest.json" in warning
    assert "ARequest.json" in warning


# -- reports --------------------------------------------------------------------------------------


def test_json_report_has_the_documented_keys(d201_21: SpecDiff) -> None:
    report = json.loads(specdiff.render_json(d201_21))
    keys = {
        "format",
        "old",
        "new",
        "differences",
        "summary",
        "actions",
        "messages",
        "types",
        "fields",
        "required_changes",
        "type_changes",
        "constraint_changes",
        "enum_changes",
        "appendices",
        "warnings",
    }
    assert set(report) == keys
    assert report["format"] == specdiff.FORMAT
    assert report["differences"] is True
    doc = specdiff.__doc__ or ""
    for key in [*keys, *report["summary"], *report["appendices"], *report["appendices"]["tables"][0]]:
        assert f"`{key}`" in doc, key
    assert report["summary"] == d201_21.summary()
    assert report["actions"]["added"] == sorted(report["actions"]["added"])
    assert report["type_changes"][0].keys() == {"path", "old", "new"}
    assert report["fields"]["added"][0].keys() == {"path", "type", "required"}
    assert report["enum_changes"][0].keys() == {"path", "added", "removed"}
    assert report["required_changes"][0].keys() == {"path", "old", "new"}
    table = report["appendices"]["tables"][0]
    assert table["rows_changed"] or table["rows_added"]
    for row in table["rows_added"] + table["rows_removed"]:
        assert row.keys() == {"key", "cells"}
    for row in table["rows_changed"]:
        assert row.keys() == {"key", "cells"}
        assert all(cell.keys() == {"column", "old", "new"} for cell in row["cells"])


def test_markdown_report_summary_first_sorted_and_stable(d201_21: SpecDiff) -> None:
    text = specdiff.render_markdown(d201_21)
    headings = re.findall("^## (.+)$", text, flags=re.MULTILINE)
    assert headings[0] == "Summary"
    assert "| Actions added | 27 |" in text
    assert f"| Enum values added | {d201_21.summary()['enum_values_added']} |" in text
    section = text.split("## Actions added (27)\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert section == sorted(section)
    assert len(section) == 27
    assert "- `IdTokenType.type`: `enum IdTokenEnumType` → `string`" in text
    assert "### `MeasurandEnumType`: 31 added, 0 removed" in text
    again = specdiff.compare(specdiff.load(V201), specdiff.load(V21))
    assert specdiff.render_markdown(again) == text
    # a stray Windows-1252 control byte of the 2.1 appendix is shown, not printed raw
    assert "\x9d" not in text
    assert "\\x9d" in text


def test_output_file_and_format_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.json"
    code, out, err = _run(monkeypatch, capsys, "diff", V201, V21, "--format", "json", "-o", target)
    assert (code, out, err) == (0, "", "")
    written = target.read_text(encoding="utf-8")
    assert json.loads(written)["summary"]["actions_added"] == 27
    code, out, _ = _run(monkeypatch, capsys, "diff", V201, V21, "--json")
    assert out == written
    code, out, _ = _run(monkeypatch, capsys, "diff", V201, V21, "--format", "markdown", "--output", "-")
    assert out.startswith("# OCPP spec diff\n")
    code, out, err = _run(monkeypatch, capsys, "diff", V201, V21, "-o", tmp_path / "missing" / "r.md")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("ocppkit diff: error: cannot write")


# -- failures -------------------------------------------------------------------------------------


def _broken(tmp_path: Path, kind: str) -> Path:
    if kind == "missing":
        return tmp_path / "nowhere"
    if kind == "file":
        (tmp_path / "a.json").write_text("{}", encoding="utf-8")
        return tmp_path / "a.json"
    if kind == "empty":
        return tmp_path
    if kind == "bad-json":
        (tmp_path / "schemas").mkdir()
        (tmp_path / "schemas" / "FooRequest.json").write_text('{"type": "object",\n', encoding="utf-8")
        return tmp_path
    if kind == "not-object":
        (tmp_path / "FooRequest.json").write_text("[1, 2]", encoding="utf-8")
        return tmp_path
    assert kind == "parent"
    return SPECS


@pytest.mark.parametrize("kind", ["missing", "file", "empty", "bad-json", "not-object", "parent"])
def test_an_unusable_folder_exits_2_with_one_line(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _broken(tmp_path, kind)
    for argv in (("diff", V201, broken), ("diff", broken, V201, "--json", "--exit-code")):
        code, out, err = _run(monkeypatch, capsys, *argv)
        assert code == 2
        assert out == ""
        assert err.startswith("ocppkit diff: error: ")
        assert err.count("\n") == 1
        assert "Traceback" not in err
    with pytest.raises(specdiff.SpecDiffError, match=re.escape(str(broken))):
        specdiff.load(broken)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_folder_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        code, out, err = _run(monkeypatch, capsys, "diff", locked, V201)
    finally:
        locked.chmod(0o700)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "locked" in err


_HARNESS = "import sys; import ocppkit.cli as c; c._COMMANDS = ('diff',); sys.exit(c.main(sys.argv[1:]))"
"""`ocppkit` with only the `diff` command, so that it runs before the other commands exist."""


def _process(*argv: str | Path, real: bool = False) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ocppkit"] if real else [sys.executable, "-c", _HARNESS]
    return subprocess.run(
        [*command, *map(str, argv)], capture_output=True, text=True, encoding="utf-8", timeout=60, check=False
    )


def test_a_process_reports_and_fails_cleanly(tmp_path: Path) -> None:
    done = _process("diff", V201, V21, "--json")
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["summary"]["actions_added"] == 27
    assert _process("diff", V201, V21, "--exit-code").returncode == 1
    failed = _process("diff", tmp_path / "nowhere", V21)
    assert failed.returncode == 2
    assert failed.stdout == ""
    assert failed.stderr.count("\n") == 1
    assert failed.stderr.startswith("ocppkit diff: error: ")
    assert "Traceback" not in failed.stderr


def _all_commands_exist() -> bool:
    return all(importlib.util.find_spec(f"ocppkit.cli.{name}") is not None for name in COMMANDS)


def test_the_real_command(tmp_path: Path) -> None:
    """`python -m ocppkit diff` (and the `ocppkit` script), once every command of `ocppkit` exists."""
    if not _all_commands_exist():
        pytest.skip("not every ocppkit command module exists yet (ocppkit.cli.parser() imports them all)")
    changed = _process("diff", V201, V21, "--exit-code", real=True)
    assert (changed.returncode, changed.stderr) == (1, "")
    assert changed.stdout.startswith("# OCPP spec diff\n")
    assert "| Actions added | 27 |" in changed.stdout
    script = Path(sys.executable).with_name("ocppkit")  # the console script, where the venv has it
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ocppkit"]
    same = subprocess.run(
        [*command, "diff", str(V21), str(V21), "--json", "--exit-code"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert (same.returncode, same.stderr) == (0, "")
    assert json.loads(same.stdout)["differences"] is False
    failed = _process("diff", tmp_path / "nowhere", V21, real=True)
    assert (failed.returncode, failed.stdout) == (2, "")
    assert failed.stderr.count("\n") == 1
    assert failed.stderr.startswith("ocppkit diff: error: ")
    assert "Traceback" not in failed.stderr


def test_fast_enough() -> None:
    """The whole report for 2.0.1 → 2.1 (read both folders, compare, render) in well under a second."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        specdiff.render_markdown(specdiff.compare(specdiff.load(V201), specdiff.load(V21)))
        best = min(best, time.perf_counter() - start)
    assert best < 1.0
