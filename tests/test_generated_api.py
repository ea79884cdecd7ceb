"""What `pip install ocppkit` gives: one package per version, every action, exact wire names."""

from __future__ import annotations

import dataclasses
import json
import types
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import ocppkit
from ocppkit import Direction, Kind, v16, v21, v201

SPECS = Path(__file__).resolve().parent.parent / "specs"
VERSIONS: list[tuple[types.ModuleType, str, int]] = [
    (v16, "ocpp-1.6", 39),
    (v201, "ocpp-2.0.1", 64),
    (v21, "ocpp-2.1", 91),
]


@pytest.mark.parametrize(("module", "folder", "count"), VERSIONS, ids=["1.6", "2.0.1", "2.1"])
def test_actions_table(module: types.ModuleType, folder: str, count: int) -> None:
    actions: dict[str, ocppkit.Action] = dict(module.ACTIONS)
    assert len(actions) == count
    for name, action in actions.items():
        assert action.name == name
        assert action.request.__name__ == name + "Request"
        assert getattr(module, name + "Request") is action.request
        if action.kind is Kind.CALL:
            assert action.response is not None
            assert action.response.__name__ == name + "Response"
        else:
            assert action.response is None
    assert actions["BootNotification"].direction is Direction.STATION_TO_CSMS
    assert actions["Reset"].direction is Direction.CSMS_TO_STATION
    assert actions["DataTransfer"].direction is Direction.BOTH
    assert [n for n, a in actions.items() if a.direction is Direction.BOTH] == ["DataTransfer"]


def test_send_message_of_21() -> None:
    sends = [n for n, a in v21.ACTIONS.items() if a.kind is Kind.SEND]
    assert sends == ["NotifyPeriodicEventStream"]
    action = v21.ACTIONS["NotifyPeriodicEventStream"]
    assert action.direction is Direction.STATION_TO_CSMS
    assert issubclass(action.request, ocppkit.base.StationSend)


def test_direction_is_in_the_class_hierarchy() -> None:
    assert issubclass(v201.ResetRequest, ocppkit.base.CsmsRequest)
    assert not issubclass(v201.ResetRequest, ocppkit.base.StationRequest)
    assert issubclass(v16.DataTransferRequest, ocppkit.base.StationRequest)
    assert issubclass(v16.DataTransferRequest, ocppkit.base.CsmsRequest)


def _schema_nodes(folder: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted((SPECS / folder).glob("*schemas/*.json")):
        out.append((path.name, json.loads(path.read_bytes().decode("utf-8-sig"))))
    return out


def _class_for(module: types.ModuleType, file: str) -> type[Any]:
    stem = file.removesuffix(".json")
    if stem.endswith("Response"):
        return getattr(module, stem)  # type: ignore[no-any-return]
    return getattr(module, stem.removesuffix("Request") + "Request")  # type: ignore[no-any-return]


def _check_object(cls: type[Any], node: dict[str, Any], doc: dict[str, Any], module: types.ModuleType) -> int:
    """Every property of ``node`` is a field of ``cls`` with its exact wire name and required-ness."""
    fields = {f.metadata["wire"]: f for f in dataclasses.fields(cls) if f.metadata["wire"] is not None}
    props = node.get("properties", {})
    assert set(fields) == set(props), cls.__name__
    required = set(node.get("required", []))
    checked = 0
    for wire, sub in props.items():
        f = fields[wire]
        assert (f.default is dataclasses.MISSING) == (wire in required), (cls.__name__, wire)
        checked += 1
        target = sub.get("items", sub) if sub.get("type") == "array" else sub
        if "$ref" in target:
            target = doc["definitions"][target["$ref"].rsplit("/", 1)[1]]
        if target.get("type") == "object":
            inner = _field_class(cls, f, module)
            checked += _check_object(inner, target, doc, module)
    return checked


def _field_class(cls: type[Any], f: dataclasses.Field[Any], module: types.ModuleType) -> type[Any]:
    text = str(f.type).replace(" | None", "").removeprefix("list[").removesuffix("]")
    return getattr(module, text)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("module", "folder", "count"), VERSIONS, ids=["1.6", "2.0.1", "2.1"])
def test_every_property_is_a_field_with_its_wire_name(
    module: types.ModuleType, folder: str, count: int
) -> None:
    checked = 0
    files = _schema_nodes(folder)
    for name, doc in files:
        checked += _check_object(_class_for(module, name), doc, doc, module)
    assert len(files) == {39: 78, 64: 128, 91: 181}[count]
    assert checked > len(files)


def test_wire_names_that_case_conversion_breaks() -> None:
    def wire(cls: type[Any], attr: str) -> str:
        return next(f.metadata["wire"] for f in dataclasses.fields(cls) if f.name == attr)  # type: ignore[no-any-return]

    assert wire(v21.ChargingSchedulePeriodType, "limit_l2") == "limit_L2"
    assert wire(v21.OCSPRequestDataType, "responder_url") == "responderURL"
    names = {
        f.metadata["wire"]
        for cls in vars(v21).values()
        if dataclasses.is_dataclass(cls)
        for f in dataclasses.fields(cls)
    }
    assert {"priceScheduleID", "priceScheduleId", "prioritizedEMAIDs", "fixedPF"} <= names


def test_enums_carry_wire_values() -> None:
    assert v16.Measurand.ENERGY_ACTIVE_IMPORT_REGISTER == "Energy.Active.Import.Register"
    assert v16.Phase.L1_N.value == "L1-N"
    assert v21.ReasonEnumType.SOC_LIMIT_REACHED == "SOCLimitReached"
    assert v21.TriggerReasonEnumType.SO_C_LIMIT_REACHED == "SoCLimitReached"
    assert issubclass(v16.ChargePointErrorCode, StrEnum)


def test_16_inline_enums_have_spec_names() -> None:
    for name in (
        "AuthorizationStatus",
        "RegistrationStatus",
        "ChargePointErrorCode",
        "ChargePointStatus",
        "UnitOfMeasure",
    ):
        assert issubclass(getattr(v16, name), StrEnum)
    assert v16.BootNotificationResponse.__dataclass_fields__["status"].type == "RegistrationStatus"


def test_dataclasses_are_slotted_keyword_only_and_default_none() -> None:
    req = v201.HeartbeatRequest()
    assert not hasattr(req, "__dict__")
    with pytest.raises(TypeError):
        v16.AuthorizeRequest("tag")  # type: ignore[misc]
    boot = v16.BootNotificationRequest(charge_point_vendor="V", charge_point_model="M")
    assert boot.firmware_version is None


def test_no_class_is_shared_between_versions() -> None:
    shared = set(v201.__all__) & set(v21.__all__)
    assert len(shared) > 100
    for name in shared:
        assert getattr(v201, name) is not getattr(v21, name)


@pytest.mark.parametrize("module", [v16, v201, v21], ids=["1.6", "2.0.1", "2.1"])
def test_exports(module: types.ModuleType) -> None:
    assert sorted(module.__all__) == sorted(set(module.__all__))
    for name in module.__all__:
        assert hasattr(module, name), name
    exported_classes = {n for n in module.__all__ if isinstance(getattr(module, n), type)}
    for name, action in module.ACTIONS.items():
        assert name + "Request" in exported_classes
        if action.response is not None:
            assert action.response.__name__ in exported_classes


def test_top_level_exports_and_py_typed() -> None:
    for name in ocppkit.__all__:
        assert hasattr(ocppkit, name), name
    assert resources.files("ocppkit").joinpath("py.typed").is_file()


def test_docstrings_come_from_the_schema() -> None:
    doc = v201.ChargingStationType.__doc__ or ""
    assert doc.startswith("The physical system where an Electrical Vehicle (EV) can be charged.")
    assert "\r" not in doc
    assert "urn:x-oca" not in (v201.SampledValueType.__doc__ or "")


@pytest.mark.parametrize("module", [v16, v201, v21], ids=lambda m: m.OCPP_VERSION)
def test_every_action_has_a_valid_example_of_each_payload(module: Any) -> None:
    from importlib import import_module

    examples = import_module(f"{module.__name__}.examples")
    assert set(examples.REQUESTS) == set(module.ACTIONS)
    assert set(examples.RESPONSES) == {n for n, a in module.ACTIONS.items() if a.response is not None}
    for action, text in examples.REQUESTS.items():
        request = examples.example_request(action)
        assert type(request) is module.ACTIONS[action].request
        assert ocppkit.encode(request) == text.encode()
    for action, text in examples.RESPONSES.items():
        assert ocppkit.encode(examples.example_response(action)) == text.encode()
    sends = [n for n, a in module.ACTIONS.items() if a.response is None]  # 2.1's SEND actions
    assert bool(sends) is (module.OCPP_VERSION == "2.1")
    for action in sends:
        with pytest.raises(KeyError):
            examples.example_response(action)
