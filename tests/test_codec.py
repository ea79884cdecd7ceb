"""decode/encode: each error rule on each version, and the round-trip rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from types import ModuleType
from typing import Any

import pytest

import ocppkit
from ocppkit import JSON_NULL, ValidationError, v16, v21, v201

BOOT16 = {"chargePointVendor": "VendorX", "chargePointModel": "Model1"}
BOOT2 = {"chargingStation": {"model": "Model1", "vendorName": "VendorX"}, "reason": "PowerUp"}
V = [(v16, BOOT16), (v201, BOOT2), (v21, BOOT2)]
IDS = ["1.6", "2.0.1", "2.1"]

# The codes each version prescribes (docs/concepts/errors.md explains each row).
EXPECTED = {
    "1.6": {
        "format": "FormationViolation",
        "structure": "FormationViolation",
        "type": "TypeConstraintViolation",
        "occurrence": "OccurenceConstraintViolation",
        "property": "PropertyConstraintViolation",
    },
    "2.0.1": {
        "format": "FormatViolation",
        "structure": "ProtocolError",
        "type": "TypeConstraintViolation",
        "occurrence": "OccurenceConstraintViolation",
        "property": "PropertyConstraintViolation",
    },
    "2.1": {
        "format": "FormatViolation",
        "structure": "ProtocolError",
        "type": "TypeConstraintViolation",
        "occurrence": "OccurrenceConstraintViolation",
        "property": "PropertyConstraintViolation",
    },
}


def _boot(module: ModuleType) -> type[Any]:
    return module.BootNotificationRequest  # type: ignore[no-any-return]


def _fails(cls: type[Any], data: Any) -> ValidationError:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    with pytest.raises(ValidationError) as info:
        ocppkit.decode(cls, raw)
    return info.value


def _version(module: ModuleType) -> str:
    return str(module.OCPP_VERSION)


@pytest.mark.parametrize(("module", "valid"), V, ids=IDS)
def test_valid_boot_round_trips(module: ModuleType, valid: dict[str, Any]) -> None:
    obj = ocppkit.decode(_boot(module), json.dumps(valid))
    assert json.loads(ocppkit.encode(obj)) == valid
    assert ocppkit.decode(_boot(module), ocppkit.encode(obj)) == obj


@pytest.mark.parametrize(("module", "valid"), V, ids=IDS)
def test_not_json_and_not_an_object_are_format_violations(module: ModuleType, valid: dict[str, Any]) -> None:
    deep = b'{"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}"  # too deep for any parser's stack
    for data in (b"{not json", b"[1, 2]", b'"text"', b"null", deep):
        err = _fails(_boot(module), data)
        assert err.violation is ocppkit.Violation.FORMAT
        assert err.code == EXPECTED[_version(module)]["format"]


@pytest.mark.parametrize(("module", "valid"), V, ids=IDS)
def test_unknown_field(module: ModuleType, valid: dict[str, Any]) -> None:
    err = _fails(_boot(module), valid | {"surprise": 1})
    assert err.code == EXPECTED[_version(module)]["structure"]
    assert err.path == "surprise"


@pytest.mark.parametrize(("module", "valid"), V, ids=IDS)
def test_missing_required_field(module: ModuleType, valid: dict[str, Any]) -> None:
    key = next(iter(valid))
    err = _fails(_boot(module), {k: v for k, v in valid.items() if k != key})
    assert err.code == EXPECTED[_version(module)]["occurrence"]
    assert err.path == key
    assert "missing" in err.message


@pytest.mark.parametrize(("module", "valid"), V, ids=IDS)
def test_wrong_type_and_null(module: ModuleType, valid: dict[str, Any]) -> None:
    key = next(iter(valid))
    for bad in (12, None, [], True):
        err = _fails(_boot(module), valid | {key: bad})
        assert err.code == EXPECTED[_version(module)]["type"], bad
        assert err.path == key


@pytest.mark.parametrize(("module", "valid"), V, ids=IDS)
def test_string_too_long_is_a_property_violation(module: ModuleType, valid: dict[str, Any]) -> None:
    if module is v16:
        data = valid | {"chargePointVendor": "x" * 21}
        path = "chargePointVendor"
    else:
        data = valid | {"chargingStation": {"model": "m" * 21, "vendorName": "v"}}
        path = "chargingStation.model"
    err = _fails(_boot(module), data)
    assert err.code == EXPECTED[_version(module)]["property"]
    assert err.path == path
    assert "maxLength 20" in err.message


@pytest.mark.parametrize(("module", "valid"), V, ids=IDS)
def test_bad_enum_value(module: ModuleType, valid: dict[str, Any]) -> None:
    cls = module.BootNotificationResponse
    err = _fails(cls, {"status": "Acepted", "currentTime": "2026-01-01T00:00:00Z", "interval": 60})
    assert err.code == EXPECTED[_version(module)]["property"]
    assert err.path == "status"
    assert "Accepted" in err.message


@pytest.mark.parametrize("module", [v16, v201, v21], ids=IDS)
def test_bad_and_naive_date_times(module: ModuleType) -> None:
    cls = module.BootNotificationResponse
    for stamp in ("2026-01-01T00:00:00", "yesterday", "2026-13-01T00:00:00Z", "2026-01-01 00:00:00Z"):
        err = _fails(cls, {"status": "Accepted", "currentTime": stamp, "interval": 60})
        assert err.code == EXPECTED[_version(module)]["property"], stamp
        assert err.path == "currentTime"


@pytest.mark.parametrize("module", [v201, v21], ids=IDS[1:])
def test_too_few_and_too_many_items(module: ModuleType) -> None:
    cls = module.GetVariablesRequest
    err = _fails(cls, {"getVariableData": []})
    assert err.code == EXPECTED[_version(module)]["occurrence"]
    cls = module.GetLocalListVersionResponse
    assert ocppkit.decode(cls, b'{"versionNumber": 1}').version_number == 1
    many = {"chargingProfile": {"id": 1, "stackLevel": 0, "chargingProfilePurpose": "TxProfile",
            "chargingProfileKind": "Relative", "chargingSchedule": [
                {"id": i, "chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 1.0}]}
                for i in range(4)]}, "evseId": 1}  # fmt: skip
    err = _fails(module.SetChargingProfileRequest, many)
    assert err.code == EXPECTED[_version(module)]["occurrence"]
    assert err.path == "chargingProfile.chargingSchedule"


def test_number_out_of_range_and_paths_into_arrays() -> None:
    data = {"evseId": 1, "meterValue": [{"timestamp": "2026-01-01T00:00:00Z",
            "sampledValue": [{"value": 1.0}, {"value": "high"}]}]}  # fmt: skip
    err = _fails(v201.MeterValuesRequest, data)
    assert err.path == "meterValue[0].sampledValue[1].value"
    assert err.code == "TypeConstraintViolation"
    err = _fails(v201.HeartbeatResponse, {"currentTime": 5})
    assert err.code == "TypeConstraintViolation"
    err = _fails(v201.ClearCacheResponse, {"status": "Accepted", "statusInfo": {"reasonCode": "x" * 21}})
    assert err.path == "statusInfo.reasonCode"


def _profile(limit: float) -> dict[str, Any]:
    return {"connectorId": 1, "csChargingProfiles": {"chargingProfileId": 1, "stackLevel": 0,
            "chargingProfilePurpose": "TxDefaultProfile", "chargingProfileKind": "Absolute",
            "chargingSchedule": {"chargingRateUnit": "A",
                                 "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}]}}}  # fmt: skip


def test_multiple_of_uses_decimal_arithmetic() -> None:
    assert ocppkit.decode(v16.SetChargingProfileRequest, json.dumps(_profile(0.3))) is not None
    assert ocppkit.decode(v16.SetChargingProfileRequest, json.dumps(_profile(16))) is not None
    err = _fails(v16.SetChargingProfileRequest, _profile(0.35))
    assert err.code == "PropertyConstraintViolation"
    assert "multiple of 0.1" in err.message


def test_integral_floats_follow_the_schema_draft() -> None:
    # 1.6 core schemas are draft-04: 5.0 is not an integer there; 2.x (draft-06) accepts it.
    assert _fails(v16.HeartbeatResponse, {"currentTime": 5}).code == "TypeConstraintViolation"
    err = _fails(v16.ChangeAvailabilityRequest, {"connectorId": 1.0, "type": "Operative"})
    assert err.code == "TypeConstraintViolation"
    ok = ocppkit.decode(v201.GetLocalListVersionResponse, b'{"versionNumber": 5.0}')
    assert ok.version_number == 5
    assert type(ok.version_number) is int


def test_date_times_decode_aware_and_encode_canonically() -> None:
    for stamp, out in [
        ("2026-01-01T01:00:00+01:00", "2026-01-01T00:00:00Z"),
        ("2026-01-01t00:00:00.120z", "2026-01-01T00:00:00.120Z"),
        ("2026-01-01T00:00:00z", "2026-01-01T00:00:00Z"),
        ("2026-01-01t00:00:00-00:30", "2026-01-01T00:30:00Z"),
        ("0001-01-01T00:00:00+00:01", "0001-01-01T00:00:00+00:01"),
        ("2026-01-01T00:00:00.123456Z", "2026-01-01T00:00:00.123456Z"),
    ]:
        obj = ocppkit.decode(v201.HeartbeatResponse, json.dumps({"currentTime": stamp}))
        assert obj.current_time.utcoffset() is not None
        assert json.loads(ocppkit.encode(obj)) == {"currentTime": out}
    local = datetime(2026, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    assert (
        ocppkit.encode(v201.HeartbeatResponse(current_time=local))
        == b'{"currentTime":"2026-01-01T00:00:00Z"}'
    )


def test_encode_validates() -> None:
    with pytest.raises(ValidationError) as info:
        ocppkit.encode(v201.HeartbeatResponse(current_time=datetime(2026, 1, 1)))  # naive
    assert info.value.code == "PropertyConstraintViolation"
    with pytest.raises(ValidationError) as info:
        ocppkit.encode(v16.AuthorizeRequest(id_tag="x" * 21))
    assert info.value.path == "idTag"
    with pytest.raises(ValidationError) as info:
        ocppkit.encode(v201.GetVariablesRequest(get_variable_data=[]))
    assert info.value.code == "OccurenceConstraintViolation"
    with pytest.raises(ValidationError) as info:
        ocppkit.encode(v16.ResetRequest(type="Hard!"))  # type: ignore[arg-type]
    assert info.value.code == "PropertyConstraintViolation"
    with pytest.raises(ValidationError) as info:
        ocppkit.encode(v16.AuthorizeRequest(id_tag=None))  # type: ignore[arg-type]
    assert info.value.code == "OccurenceConstraintViolation"


def test_encode_never_emits_null_or_unset_fields() -> None:
    out = ocppkit.encode(v16.BootNotificationRequest(charge_point_vendor="V", charge_point_model="M"))
    assert out == b'{"chargePointVendor":"V","chargePointModel":"M"}'
    assert ocppkit.encode(v201.StatusNotificationResponse()) == b"{}"


def test_enum_fields_take_members_or_plain_wire_strings() -> None:
    a = ocppkit.encode(v16.ResetRequest(type=v16.ResetType.HARD))
    b = ocppkit.encode(v16.ResetRequest(type="Hard"))  # type: ignore[arg-type]
    assert a == b == b'{"type":"Hard"}'
    assert ocppkit.decode(v16.ResetRequest, a).type is v16.ResetType.HARD


def test_data_transfer_data_keeps_null_and_absence_apart() -> None:
    for payload in (
        {"vendorId": "v", "data": None},
        {"vendorId": "v"},
        {"vendorId": "v", "data": {"k": [1, None]}},
    ):
        obj = ocppkit.decode(v201.DataTransferRequest, json.dumps(payload))
        assert json.loads(ocppkit.encode(obj)) == payload
    assert ocppkit.decode(v201.DataTransferRequest, b'{"vendorId":"v","data":null}').data is JSON_NULL


def test_custom_data_keeps_vendor_keys() -> None:
    payload = {"currentTime": "2026-01-01T00:00:00Z", "customData": {"vendorId": "acme", "acme:temp": 21.5}}
    obj = ocppkit.decode(v21.HeartbeatResponse, json.dumps(payload))
    assert obj.custom_data is not None
    assert obj.custom_data.extra == {"acme:temp": 21.5}
    assert json.loads(ocppkit.encode(obj)) == payload
    built = v21.HeartbeatResponse(
        current_time=datetime(2026, 1, 1, tzinfo=UTC),
        custom_data=v21.CustomDataType(vendor_id="acme", extra={"acme:temp": 21.5}),
    )
    assert built == obj


def test_decode_rejects_classes_that_are_not_messages() -> None:
    with pytest.raises(TypeError):
        ocppkit.decode(v16.IdTagInfo, b"{}")  # type: ignore[type-var]


def test_error_message_is_clear() -> None:
    err = _fails(v201.BootNotificationRequest, BOOT2 | {"reason": "Boot"})
    assert str(err).startswith("PropertyConstraintViolation: reason: 'Boot' is not one of BootReasonEnumType")
    assert err.version == "2.0.1"


def test_lenient_mode_accepts_reports_and_keeps_values() -> None:
    reported: list[ValidationError] = []
    data = b'{"status": "Acepted", "currentTime": "yesterday", "interval": 60}'
    obj = ocppkit.decode(
        v201.BootNotificationResponse, data, mode=ocppkit.ValidationMode.LENIENT, report=reported.append
    )
    assert [e.code for e in reported] == ["PropertyConstraintViolation"]
    assert obj.status == "Acepted"
    assert obj.current_time == "yesterday"  # type: ignore[comparison-overlap]
    assert json.loads(ocppkit.encode(obj, mode=ocppkit.ValidationMode.OFF)) == json.loads(data)
    good = ocppkit.decode(
        v201.BootNotificationResponse,
        data.replace(b"Acepted", b"Accepted").replace(b"yesterday", b"2026-01-01T00:00:00Z"),
        mode=ocppkit.ValidationMode.LENIENT,
        report=reported.append,
    )
    assert good.status is v201.RegistrationStatusEnumType.ACCEPTED
    assert len(reported) == 1


def test_off_mode_is_silent_but_not_json_is_still_refused(caplog: pytest.LogCaptureFixture) -> None:
    obj = ocppkit.decode(v16.AuthorizeRequest, b'{"idTag": 42, "extra": 1}', mode=ocppkit.ValidationMode.OFF)
    assert obj.id_tag == 42  # type: ignore[comparison-overlap]
    assert caplog.records == []
    with pytest.raises(ValidationError) as info:
        ocppkit.decode(v16.AuthorizeRequest, b"[1]", mode=ocppkit.ValidationMode.OFF)
    assert info.value.code == "FormationViolation"


def test_lenient_encode_reports_then_writes(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="ocppkit.validation"):
        out = ocppkit.encode(v16.AuthorizeRequest(id_tag="x" * 25), mode=ocppkit.ValidationMode.LENIENT)
    assert out == b'{"idTag":"' + b"x" * 25 + b'"}'
    assert "PropertyConstraintViolation" in caplog.text
    with pytest.raises(ValidationError):
        ocppkit.encode(
            v201.HeartbeatResponse(current_time=datetime(2026, 1, 1)), mode=ocppkit.ValidationMode.OFF
        )


def test_policy_picks_the_most_specific_mode() -> None:
    policy = ocppkit.ValidationPolicy(
        outbound=ocppkit.ValidationMode.LENIENT,
        overrides={
            "MeterValues": ocppkit.ValidationMode.OFF,
            "MeterValues:inbound": ocppkit.ValidationMode.LENIENT,
        },
    )
    assert policy.mode("Heartbeat", "inbound") is ocppkit.ValidationMode.STRICT
    assert policy.mode("Heartbeat", "outbound") is ocppkit.ValidationMode.LENIENT
    assert policy.mode("MeterValues", "inbound") is ocppkit.ValidationMode.LENIENT
    assert policy.mode("MeterValues", "outbound") is ocppkit.ValidationMode.OFF


def test_null_in_a_field_that_admits_any_json_does_not_hide_another_null() -> None:
    err = _fails(v201.DataTransferRequest, {"vendorId": "v", "data": None, "messageId": None})
    assert (err.path, err.code) == ("messageId", "TypeConstraintViolation")
