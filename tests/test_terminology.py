"""The glossaries and the 1.6 → 2.x crosswalks: counts against their source tables, lookups, and the
generator refusing rows that name an action or a variable the specifications do not have."""

from __future__ import annotations

import csv
import importlib.util
import io
import itertools
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

import ocppkit
from codegen import terminology as gen
from codegen.pipeline import build, write
from ocppkit import migrate, terminology, v16, v21, v201
from ocppkit.migrate import (
    ComponentVariable,
    GlossaryKind,
    KeyMapping,
    Relation,
    config_key,
    config_key_mapping,
    glossary,
    message_for_v2,
    message_for_v16,
    message_mapping,
)
from ocppkit.v21 import device_model as dm21
from ocppkit.v201 import device_model as dm201

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
_serial = itertools.count()


def _rows(name: str, specs: Path = SPECS) -> list[dict[str, str]]:
    """A plain second reading of a project table: the comment lines before the header skipped."""
    lines = (specs / name).read_text(encoding="utf-8").splitlines(keepends=True)
    while lines[0].startswith("#"):
        lines.pop(0)
    return list(csv.DictReader(io.StringIO("".join(lines), newline="")))


# -- counts against the sources ------------------------------------------------------------


def test_counts_against_the_tables() -> None:
    rows = _rows("terminology.csv")
    for version in migrate.VERSIONS:
        assert len(glossary(version)) == sum(1 for r in rows if r["version"] == version)
    assert [len(glossary(v)) for v in migrate.VERSIONS] == [46, 154, 166]
    assert len(terminology.MESSAGES) == len(_rows("crosswalk-messages.csv")) == 93
    assert len(terminology.CONCEPTS) == len(_rows("crosswalk-concepts.csv")) == 23
    assert len(terminology.CONFIG_KEYS) == len(_rows("crosswalk-config-keys.csv")) == 49
    assert [s[0] for s in terminology.SOURCES] == sorted(gen.TABLES)


def test_glossaries_hold_their_table_in_order() -> None:
    rows = _rows("terminology.csv")
    for version in migrate.VERSIONS:
        mine = [(e.kind.value, e.term, e.definition, e.actor_type or "", e.source) for e in glossary(version)]
        assert mine == [
            (r["kind"], r["term"], r["definition"], r["actor_type"], r["source"])
            for r in rows
            if r["version"] == version
        ]


def test_repaired_conversion_artifacts() -> None:
    for version in ("2.0.1", "2.1"):
        (cable,) = glossary(version).find("cable plugged in")
        assert cable.definition.splitlines() == [
            "In this document this can mean the following:",
            "- Cable fixed on Charging Station side, cable plugged in to EV",
            "- Cable plugged into the Charging Station and EV",
            "- Wireless Charger detects an EV",
        ]
    assert glossary("2.1").find("OCPP 2.1 DER terminology") == ()
    der = [e for e in glossary("2.1") if e.source.endswith("OCPP 2.1 DER terminology")]
    assert [e.term for e in der][:2] == ["Cease to Energize", "DER Curve"] and len(der) == 10
    # OCA's own slips stay: the text is quoted verbatim.
    (nat,) = glossary("1.6").find("NAT")
    assert nat.definition == "Native Address Translation"


def test_every_action_of_every_version_is_in_the_message_crosswalk() -> None:
    for version, module in (("1.6", v16), ("2.0.1", v201), ("2.1", v21)):
        named = {n for m in terminology.MESSAGES for n in m.targets(version)}
        assert named == set(module.ACTIONS), version
    assert [m.ocpp16 for m in terminology.MESSAGES if m.ocpp16] == sorted(v16.ACTIONS)
    new = [m for m in terminology.MESSAGES if m.relation is Relation.NEW]
    assert all(m.ocpp16 is None and m.profile is None for m in new)
    assert sum(1 for m in new if not m.ocpp201) == len(v21.ACTIONS) - len(v201.ACTIONS)


def test_every_config_key_target_is_in_both_device_models() -> None:
    for row in terminology.CONFIG_KEYS:
        if row.target is None:
            assert row.mapping is KeyMapping.NONE, row.key
            continue
        for model in (dm201.DEVICE_MODEL, dm21.DEVICE_MODEL):
            found = model.find(row.target.component, row.target.variable)
            assert any((e.instance or None) == row.target.instance for e in found), (row.key, model.version)
            assert row.target.lookup(model).variable == row.target.variable
    assert {r.profile for r in terminology.CONFIG_KEYS} == {
        "Core", "LocalAuthListManagement", "Reservation", "SmartCharging", "Security",
    }  # fmt: skip


def test_exports() -> None:
    for module in (migrate, terminology):
        assert sorted(module.__all__) == sorted(set(module.__all__))
        for name in module.__all__:
            assert hasattr(module, name), name


def test_the_generator_vocabularies_mirror_the_sdk() -> None:
    assert tuple(r.value for r in Relation) == gen.RELATIONS
    assert tuple(k.value for k in GlossaryKind) == gen.KINDS
    assert tuple(m.value for m in KeyMapping) == gen.MAPPINGS
    assert migrate.VERSIONS == gen.VERSIONS
    for version in migrate.VERSIONS:
        for entry in glossary(version):
            assert gen.term_names(entry.term) == entry.names


# -- lookups ----------------------------------------------------------------------------------


def test_messages_from_1_6_to_2_x() -> None:
    assert message_for_v2("StartTransaction") == ("TransactionEvent",)
    assert message_for_v2("stoptransaction", "2.1") == ("TransactionEvent",)
    assert message_for_v2("RemoteStartTransaction") == ("RequestStartTransaction",)
    assert message_for_v2("ChangeConfiguration") == ("SetVariables",)
    assert message_for_v2("GetConfiguration") == (
        "GetVariables",
        "GetBaseReport",
        "GetReport",
        "NotifyReport",
    )
    assert message_for_v2("ExtendedTriggerMessage") == ("TriggerMessage",)
    row = message_mapping("StartTransaction")
    assert (row.relation, row.profile) == (Relation.MERGED, "Core")
    assert message_mapping("SignCertificate").profile == "Security"
    assert message_mapping("Heartbeat").relation is Relation.SAME
    assert message_mapping("GetLocalListVersion").relation is Relation.CHANGED
    with pytest.raises(KeyError, match=re.escape("OCPP 1.6 has no action 'TransactionEvent'")):
        message_for_v2("TransactionEvent")
    with pytest.raises(ValueError, match=re.escape("not '1.6'")):
        message_for_v2("Heartbeat", "1.6")


def test_messages_from_2_x_back_to_1_6() -> None:
    assert message_for_v16("TransactionEvent") == (
        "MeterValues", "StartTransaction", "StatusNotification", "StopTransaction",
    )  # fmt: skip
    assert message_for_v16("requeststarttransaction") == ("RemoteStartTransaction",)
    assert message_for_v16("GetLog") == ("GetDiagnostics", "GetLog")
    assert message_for_v16("SetDisplayMessage") == ()
    assert message_for_v16("AFRRSignal", "2.1") == ()
    with pytest.raises(KeyError, match=re.escape("OCPP 2.0.1 has no action 'AFRRSignal'")):
        message_for_v16("AFRRSignal")


def test_config_keys() -> None:
    assert config_key("HeartbeatInterval") == ComponentVariable("OCPPCommCtrlr", "HeartbeatInterval")
    assert config_key("heartbeatinterval") == config_key("HEARTBEATINTERVAL")
    assert str(config_key("TransactionMessageAttempts")) == "OCPPCommCtrlr.MessageAttempts[TransactionEvent]"
    assert str(config_key("LocalAuthListMaxLength")) == "LocalAuthListCtrlr.Entries (maxLimit)"
    assert config_key("BlinkRepeat") is None
    phase = config_key("ConnectorPhaseRotation")
    assert phase is not None and phase.generic
    row = config_key_mapping("AuthorizeRemoteTxRequests")
    assert (row.profile, row.required, row.accessibility, row.type) == ("Core", True, "R or RW", "boolean")
    assert row.mapping is KeyMapping.RENAMED
    with pytest.raises(KeyError, match=re.escape("'Nope' is not a standard OCPP 1.6 configuration key")):
        config_key("Nope")


def test_a_change_configuration_becomes_a_set_variables_entry() -> None:
    target = config_key("HeartbeatInterval")
    assert target is not None
    request = v201.SetVariablesRequest(
        set_variable_data=[dm201.set_variable(target.lookup(dm201.DEVICE_MODEL), 300)]
    )
    assert json.loads(ocppkit.encode(request)) == {
        "setVariableData": [
            {
                "attributeValue": "300",
                "component": {"name": "OCPPCommCtrlr"},
                "variable": {"name": "HeartbeatInterval"},
            }
        ]
    }
    attempts = config_key("TransactionMessageAttempts")
    assert attempts is not None
    entry = dm21.get_variable(attempts.lookup(dm21.DEVICE_MODEL))
    assert (entry.component.name, entry.variable.name, entry.variable.instance) == (
        "OCPPCommCtrlr", "MessageAttempts", "TransactionEvent",
    )  # fmt: skip


def test_glossary_lookups() -> None:
    csms = glossary("2.0.1").find("csms")
    assert csms[0].term == "Charging Station Management System (CSMS)"
    assert {e.kind for e in csms} == {GlossaryKind.TERM, GlossaryKind.ABBREVIATION, GlossaryKind.ACTOR}
    assert glossary("2.0.1").find("Charging Station Management System")[0] is csms[0]
    (central,) = glossary("1.6").find("central system")
    assert central.definition.startswith("Charge Point Management System")
    (evcc,) = glossary("2.1").find("Electric Vehicle Communication Controller")
    assert evcc.kind is GlossaryKind.ISO15118
    assert all(e.abbreviation for e in glossary("1.6").of(GlossaryKind.ABBREVIATION))
    assert {e.actor_type for e in glossary("2.1").of(GlossaryKind.ACTOR)} == {"Actor", "Device", "System"}
    assert "Trip Curve" in [e.term for e in glossary("2.1").search("momentary cessation")]
    assert glossary("1.6").find("DER") == ()
    with pytest.raises(ValueError):
        glossary("2.0")


def test_concepts() -> None:
    idtag, info = migrate.concepts("idTag")  # idTag, and IdTagInfo
    assert idtag.ocpp2.startswith("IdTokenType") and info.ocpp2 == "IdTokenInfoType"
    assert "AuthorizeRequest.idTag" in idtag.ocpp16_names
    assert len(migrate.concepts()) == len(terminology.CONCEPTS)


# -- regeneration -----------------------------------------------------------------------------


def _copy_specs(tmp: Path) -> Path:
    specs = tmp / "specs"
    shutil.copytree(SPECS, specs)
    return specs


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(specs: Path, tmp: Path) -> tuple[dict[str, str], list[str]]:
    files, problems = build(specs, tmp / "out")
    return files, [str(p) for p in problems.items]


def test_a_row_naming_an_action_or_a_variable_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    _edit(
        specs / "crosswalk-messages.csv",
        "StartTransaction,Core,TransactionEvent,",
        "StartTransaction,Core,TransactionEvents,",
    )
    _edit(
        specs / "crosswalk-messages.csv",
        "\nHeartbeat,Core,Heartbeat,Heartbeat,",
        "\nHeartbeat,Core,Heartbeat,heartbeat,",
    )
    _edit(
        specs / "crosswalk-config-keys.csv",
        ",SampledDataCtrlr,TxUpdatedInterval,",
        ",SampledDataCtrlr,TxUpdatedIntervall,",
    )
    _edit(
        specs / "crosswalk-config-keys.csv",
        ",TxCtrlr,EVConnectionTimeOut,",
        ",AuthCtrlr,EVConnectionTimeOut,",
    )
    files, found = _problems(specs, tmp_path)
    assert files == {}
    assert any(
        "crosswalk-messages.csv:" in p and "OCPP 2.0.1 has no action 'TransactionEvents'" in p for p in found
    ), found
    assert any("OCPP 2.1 has no action 'heartbeat' (the action is spelled Heartbeat)" in p for p in found)
    assert any(
        "OCPP 2.0.1's device model (dm_components_vars.csv) has no SampledDataCtrlr.TxUpdatedIntervall" in p
        for p in found
    )
    assert any(
        "OCPP 2.1's device model (dm_components_vars.csv) has no AuthCtrlr.EVConnectionTimeOut" in p
        for p in found
    )
    # The row with the bad name still counts for completeness: its 1.6 action is not reported missing.
    assert not any("no row names the OCPP 1.6 action StartTransaction" in p for p in found)


def test_relations_names_and_completeness_are_checked(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    messages = specs / "crosswalk-messages.csv"
    _edit(
        messages,
        "ChangeAvailability,Core,ChangeAvailability,ChangeAvailability,changed,",
        "ChangeAvailability,Core,ChangeAvailability,ChangeAvailability,same,",
    )
    _edit(
        messages,
        "ClearCache,Core,ClearCache,ClearCache,same,",
        "ClearCache,Core,ClearCache,ClearCache,changed,",
    )
    _edit(
        messages,
        "RemoteStopTransaction,Core,RequestStopTransaction,RequestStopTransaction,renamed",
        "RemoteStopTransaction,Core,RequestStopTransaction,RequestStopTransaction,split",
    )
    _edit(messages, "\n,,,AFRRSignal,new,\n", "\n")
    _edit(
        specs / "crosswalk-config-keys.csv",
        ",SecurityCtrlr,CertificateEntries,,maxLimit,",
        ",SecurityCtrlr,CertificateEntries,,maxLimits,",
    )
    _edit(
        specs / "crosswalk-config-keys.csv",
        "CpoName,Security,optional,RW,String,,SecurityCtrlr,OrganizationName,,,renamed",
        "CpoName,Security,optional,RW,boolean,,SecurityCtrlr,OrganizationName,,,renamed",
    )
    _edit(specs / "crosswalk-concepts.csv", "AuthorizeRequest.idTag,", "AuthorizeRequest.idToken,")
    _, found = _problems(specs, tmp_path)
    assert any("'same', but the 2.0.1 payload differs: request connectorId is gone" in p for p in found), (
        found
    )
    assert any("'changed', but every 1.6 payload is a valid 2.0.1 one: 'same'" in p for p in found)
    assert any("'split' names several 2.0.1 actions" in p for p in found)
    assert any("no row names the OCPP 2.1 action AFRRSignal" in p for p in found)
    assert any("maxLimits is not a field of OCPP 2.0.1's VariableCharacteristicsType" in p for p in found)
    assert any(
        "SecurityCtrlr.OrganizationName is string in OCPP 2.1; the 1.6 key is boolean" in p for p in found
    )
    assert any(
        "crosswalk-concepts.csv:" in p and "OCPP 1.6 has no 'AuthorizeRequest.idToken'" in p for p in found
    )


def _import_terminology(files: dict[str, str], out: Path) -> Any:
    write(files, out)
    name = f"terminology_probe{next(_serial)}"
    spec = importlib.util.spec_from_file_location(name, out / gen.OUTPUT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def test_a_new_row_reaches_the_generated_module(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    with (specs / "terminology.csv").open("a", encoding="utf-8") as f:
        f.write('2.0.1,abbreviation,RegenProbe,"A probe, added by a test",,"a test"\n')
    with (specs / "crosswalk-config-keys.csv").open("a", encoding="utf-8") as f:
        f.write(
            "RegenProbeInterval,Core,optional,RW,integer,seconds,OCPPCommCtrlr,HeartbeatInterval,,,renamed,a test\n"
        )
    files, problems = build(specs, tmp_path / "out")
    assert [str(p) for p in problems.items] == []
    module = _import_terminology(files, tmp_path / "out")
    assert len(module.GLOSSARIES["2.0.1"]) == len(glossary("2.0.1")) + 1
    (probe,) = module.GLOSSARIES["2.0.1"].find("regenprobe")
    assert probe.definition == "A probe, added by a test"
    assert module.CONFIG_KEYS[-1].target == ComponentVariable("OCPPCommCtrlr", "HeartbeatInterval")
    assert dict(module.SOURCES)["terminology.csv"] != dict(terminology.SOURCES)["terminology.csv"]


def test_no_module_without_all_three_versions_and_an_error_for_a_missing_table(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    data = json.loads((specs / "versions.json").read_text(encoding="utf-8"))
    data["versions"] = [
        v | {"module": f"vterm{next(_serial)}"} for v in data["versions"] if v["version"] == "2.1"
    ]
    (specs / "versions.json").write_text(json.dumps(data), encoding="utf-8")
    files, found = _problems(specs, tmp_path)
    assert found == [] and gen.OUTPUT not in files and files
    (specs / "crosswalk-concepts.csv").unlink()
    _, found = _problems(specs, tmp_path)
    assert any(p.startswith("error: crosswalk-concepts.csv: missing") for p in found), found
