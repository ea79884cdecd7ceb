"""Checked by mypy in tests/test_typing.py: lines marked ``# error`` must be errors, no others."""

from __future__ import annotations

from ocppkit import v16, v201
from ocppkit.connection import CsmsConnection, StationConnection


async def station_side(conn: StationConnection) -> None:
    boot = await conn.call(v201.BootNotificationRequest(
        charging_station=v201.ChargingStationType(model="M", vendor_name="V"), reason=v201.BootReasonEnumType.POWER_UP))  # fmt: skip
    interval: int = boot.interval
    status: v201.RegistrationStatusEnumType = boot.status
    wrong: str = boot.interval  # error
    await conn.call(v201.ResetRequest(type=v201.ResetEnumType.IMMEDIATE))  # error
    data = await conn.call(v16.DataTransferRequest(vendor_id="v"))  # both directions
    assert data.status and interval and status and wrong


async def csms_side(conn: CsmsConnection) -> None:
    reset = await conn.call(v201.ResetRequest(type=v201.ResetEnumType.IMMEDIATE))
    ok: v201.ResetStatusEnumType = reset.status
    await conn.call(v201.HeartbeatRequest())  # error
    await conn.call(v201.ResetResponse(status=v201.ResetStatusEnumType.ACCEPTED))  # error
    assert ok
