"""The ``ocppkit`` command, end to end: real processes on loopback (serve, station, demo, bandwidth).

``validate`` and ``diff`` have their own files (test_cli_validate.py, test_cli_diff.py).
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ocppkit import v16, v21, v201
from ocppkit.cli import parser
from ocppkit.reference.csms import ReferenceCsms
from ocppkit.reference.store import Store

OCPPKIT = [sys.executable, "-m", "ocppkit"]
FAST = ["--meter-interval", "60", "--speed", "600", "--meter-values", "2"]


def ocppkit(*args: str, timeout: float = 120, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*OCPPKIT, *args], capture_output=True, text=True, timeout=timeout, check=False, **kw
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout


@contextmanager
def serving(db: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``ocppkit serve`` as a child process; yields its URL (``ws://127.0.0.1:PORT/ocpp``)."""
    process = subprocess.Popen(
        [*OCPPKIT, "serve", "--port", "0", "--db", str(db), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"listening on ws://(127\.0\.0\.1:\d+)/<identity>", line)
    assert found, (line, process.stderr.read() if process.poll() is not None and process.stderr else "")
    try:
        yield f"ws://{found.group(1)}/ocpp", process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(15)


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    process.wait(15)
    assert process.stderr is not None
    return process.returncode, process.stderr.read()


# -- the command line itself ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["serve", "station", "demo", "validate", "diff", "bandwidth"])
def test_every_command_has_help(command: str) -> None:
    result = ocppkit(command, "--help")
    assert result.returncode == 0
    assert f"usage: ocppkit {command}" in result.stdout


def test_console_script_and_module_agree() -> None:
    """pip installs an ``ocppkit`` script beside the interpreter; it and ``python -m ocppkit`` agree."""
    script = Path(sys.executable).parent / "ocppkit"
    assert script.exists()
    by_script = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    by_module = ocppkit("--version")
    assert by_script.returncode == by_module.returncode == 0
    assert by_script.stdout == by_module.stdout and by_module.stdout.startswith("ocppkit ")
    assert {a.dest for a in parser()._actions} >= {"command"}


def test_usage_errors_exit_2_without_traceback() -> None:
    result = ocppkit("station", "--url", "ws://x", "--id", "A", "--ocpp", "1.5")
    assert result.returncode == 2
    assert "unknown OCPP version '1.5'" in result.stderr
    no_traceback(result)


# -- serve + station ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.6", "2.0.1", "2.1"])
def test_station_runs_sessions_against_serve(tmp_path: Path, version: str) -> None:
    db = tmp_path / "csms.sqlite"
    with serving(db) as (url, process):
        result = ocppkit("station", "--url", url, "--id", f"CS-{version}", "--ocpp", version, "--sessions", "2",
                         *FAST, "--json")  # fmt: skip
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        code, log = stop(process)
    assert code == 0
    assert report["booted"] and report["sessions_done"] == 2 and report["errors"] == []
    assert report["meter_values"] == 4 and report["energy_wh"] > 0
    assert report["frames_out"] == report["frames_in"]  # every call answered, nothing else
    assert 0 < report["wire_out"] < report["payload_out"]  # permessage-deflate by default
    # The live log says what happened, and the database kept it.
    assert f"CS-{version} connected (OCPP {version})" in log
    assert f"CS-{version} booted" in log and "ended" in log
    store = Store(db)
    rows = store.transactions(f"CS-{version}")
    assert len(rows) == 2
    assert all(r.ended_at and r.energy_wh is not None for r in rows)
    assert sum(r.energy_wh or 0 for r in rows) == pytest.approx(report["energy_wh"], abs=2)
    assert store.count("meter_values", f"CS-{version}") >= 4 * 5  # energy, power, 3 currents
    store.close()


def test_serve_keeps_everything_across_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "csms.sqlite"
    for _ in range(2):
        with serving(db) as (url, _process):
            result = ocppkit(
                "station", "--url", url, "--id", "CS-1", "--ocpp", "1.6", "--sessions", "1", *FAST
            )
            assert result.returncode == 0, result.stderr
    store = Store(db)
    rows = store.transactions("CS-1")
    store.close()
    # 1.6 transaction ids come from the CSMS: the restarted one continues, it does not reuse.
    assert [r.transaction_id for r in rows] == ["1", "2"]
    assert all(r.energy_wh for r in rows)


def test_serve_allow_list_refuses_other_tokens(tmp_path: Path) -> None:
    with serving(tmp_path / "db", "--allow", "GOOD-TOKEN") as (url, process):
        bad = ocppkit("station", "--url", url, "--id", "CS-1", "--ocpp", "2.0.1", "--sessions", "1",
                      "--id-token", "BAD-TOKEN", *FAST, "--json")  # fmt: skip
        good = ocppkit("station", "--url", url, "--id", "CS-2", "--ocpp", "2.0.1", "--sessions", "1",
                       "--id-token", "GOOD-TOKEN", *FAST, "--json")  # fmt: skip
        _, log = stop(process)
    assert bad.returncode == 1 and json.loads(bad.stdout)["sessions_refused"] == 1
    assert good.returncode == 0 and json.loads(good.stdout)["sessions_done"] == 1
    assert "authorize BAD-TOKEN: Invalid" in log and "authorize GOOD-TOKEN: Accepted" in log


def test_station_without_a_csms_exits_2(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    result = ocppkit("station", "--url", f"ws://127.0.0.1:{port}", "--id", "CS-1", "--ocpp", "2.0.1",
                     "--sessions", "1", "--connect-timeout", "2")  # fmt: skip
    assert result.returncode == 2
    assert "never booted" in result.stdout and "not booted within 2 s" in result.stdout
    no_traceback(result)


def test_serve_on_a_busy_port_exits_2(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        result = ocppkit("serve", "--port", str(s.getsockname()[1]), "--db", str(tmp_path / "db"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("ocppkit serve: error: ")
    no_traceback(result)


# -- the station answers the CSMS -------------------------------------------------------------------


async def _drive(version: str, tmp_path: Path) -> dict[str, Any]:
    """A CSMS (in this process) calls a simulated station (a child process) with what CSMSs ask."""
    csms = ReferenceCsms(Store(tmp_path / "db"))
    server = await csms.server().start("127.0.0.1", 0)
    station = await asyncio.create_subprocess_exec(
        *OCPPKIT, "station", "--url", f"ws://127.0.0.1:{server.port}", "--id", "CS-1", "--ocpp", version,
        "--meter-interval", "60", "--speed", "30", "--meter-values", "1000", "--json",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(200):
            if "CS-1" in server.connections:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # booted
        answers = await (_calls16 if version == "1.6" else _calls2x)(server.connections["CS-1"], version)
    finally:
        station.send_signal(signal.SIGTERM)
        out, _ = await station.communicate()
        await server.close()
    answers["exit"] = station.returncode
    answers["report"] = json.loads(out)
    return answers


async def _calls16(c: Any, version: str) -> dict[str, Any]:
    got: dict[str, Any] = {}
    r = await c.call(v16.GetConfigurationRequest(key=["HeartbeatInterval", "NoSuchKey"]))
    got["get"] = ([(k.key, k.value) for k in r.configuration_key], r.unknown_key)
    got["set"] = (await c.call(v16.ChangeConfigurationRequest(key="HeartbeatInterval", value="120"))).status
    got["set_unknown"] = (await c.call(v16.ChangeConfigurationRequest(key="NoSuchKey", value="1"))).status
    r = await c.call(v16.GetConfigurationRequest(key=["HeartbeatInterval"]))
    got["after"] = r.configuration_key[0].value
    start = await c.call(v16.RemoteStartTransactionRequest(id_tag="REMOTE-1"))
    got["start"] = start.status
    await asyncio.sleep(0.5)
    got["trigger"] = (
        await c.call(v16.TriggerMessageRequest(requested_message=v16.MessageTrigger.STATUS_NOTIFICATION))
    ).status
    got["stop_unknown"] = (await c.call(v16.RemoteStopTransactionRequest(transaction_id=999))).status
    got["stop"] = (await c.call(v16.RemoteStopTransactionRequest(transaction_id=1))).status
    await asyncio.sleep(0.5)
    got["availability"] = (
        await c.call(v16.ChangeAvailabilityRequest(connector_id=0, type=v16.AvailabilityType.INOPERATIVE))
    ).status
    got["reset"] = (await c.call(v16.ResetRequest(type=v16.ResetType.SOFT))).status
    return got


async def _calls2x(c: Any, version: str) -> dict[str, Any]:
    m: Any = v201 if version == "2.0.1" else v21
    got: dict[str, Any] = {}

    def item(component: str, variable: str, value: str | None = None) -> Any:
        parts = {"component": m.ComponentType(name=component), "variable": m.VariableType(name=variable)}
        if value is None:
            return m.GetVariableDataType(**parts)
        return m.SetVariableDataType(attribute_value=value, **parts)

    r = await c.call(
        m.GetVariablesRequest(
            get_variable_data=[
                item("OCPPCommCtrlr", "HeartbeatInterval"),
                item("OCPPCommCtrlr", "Nope"),
                item("NoSuchCtrlr", "X"),
            ]
        )
    )
    got["get"] = [(x.attribute_status, x.attribute_value) for x in r.get_variable_result]
    r = await c.call(
        m.SetVariablesRequest(
            set_variable_data=[
                item("OCPPCommCtrlr", "HeartbeatInterval", "120"),
                item("ChargingStation", "Model", "X"),
            ]
        )
    )
    got["set"] = [x.attribute_status for x in r.set_variable_result]
    token = m.IdTokenType(
        id_token="REMOTE-1", type=m.IdTokenEnumType.ISO14443 if version == "2.0.1" else "ISO14443"
    )
    got["start"] = (await c.call(m.RequestStartTransactionRequest(id_token=token, remote_start_id=7))).status
    await asyncio.sleep(0.5)
    got["trigger"] = (
        await c.call(m.TriggerMessageRequest(requested_message=m.MessageTriggerEnumType.HEARTBEAT))
    ).status
    got["stop_unknown"] = (await c.call(m.RequestStopTransactionRequest(transaction_id="nope"))).status
    got["stop"] = (await c.call(m.RequestStopTransactionRequest(transaction_id="CS-1-1"))).status
    await asyncio.sleep(0.5)
    got["availability"] = (
        await c.call(m.ChangeAvailabilityRequest(operational_status=m.OperationalStatusEnumType.INOPERATIVE))
    ).status
    got["reset"] = (await c.call(m.ResetRequest(type=m.ResetEnumType.IMMEDIATE))).status
    return got


def test_the_1_6_station_answers_the_csms(tmp_path: Path) -> None:
    got = asyncio.run(_drive("1.6", tmp_path))
    assert got["get"] == ([("HeartbeatInterval", "300")], ["NoSuchKey"])
    assert (got["set"], got["set_unknown"], got["after"]) == ("Accepted", "NotSupported", "120")
    assert got["start"] == "Accepted" and got["trigger"] == "Accepted"
    assert got["stop_unknown"] == "Rejected" and got["stop"] == "Accepted"
    assert got["availability"] == "Accepted" and got["reset"] == "Accepted"
    report = got["report"]
    assert report["sessions_done"] == 1  # the remote start, stopped remotely
    assert report["calls_answered"]["RemoteStartTransaction"] == 1


@pytest.mark.parametrize("version", ["2.0.1", "2.1"])
def test_the_2x_station_answers_the_csms(tmp_path: Path, version: str) -> None:
    got = asyncio.run(_drive(version, tmp_path))
    assert got["get"] == [("Accepted", "300"), ("UnknownVariable", None), ("UnknownComponent", None)]
    assert got["set"] == ["Accepted", "Rejected"]
    assert got["start"] == "Accepted" and got["trigger"] == "Accepted"
    assert got["stop_unknown"] == "Rejected" and got["stop"] == "Accepted"
    assert got["availability"] == "Accepted" and got["reset"] == "Accepted"
    assert got["report"]["sessions_done"] == 1


# -- demo and bandwidth ---------------------------------------------------------------------------------


def test_demo_runs_a_session_per_version() -> None:
    result = ocppkit("demo", "--json", "--speed", "600")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["ok"] is True
    assert [s["ocpp"] for s in summary["stations"]] == ["1.6", "2.0.1", "2.1"]
    for s in summary["stations"]:
        assert s["sessions"] == 1 and s["recorded_matches"] and s["energy_recorded_wh"] > 0
        assert s["messages_sent"] == s["messages_received"] > 5
        assert 0 < s["wire_bytes_sent"] < s["payload_bytes_sent"]


def test_demo_shows_progress_and_a_table() -> None:
    result = ocppkit("demo", "--speed", "600")
    assert result.returncode == 0, result.stderr
    for text in ("listening at", "booted", "meter value 1/4", "transaction", "energy (CSMS)", "DEMO-2.1"):
        assert text in result.stdout


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
def test_bandwidth_defaults_fit_eight_megabytes(version: str) -> None:
    """The issue's target: the reference profile with the SDK's defaults, headroom included, <= 8 MB."""
    result = ocppkit("bandwidth", "--ocpp", version, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    month = data["per_month"]
    assert month["within_budget"] and month["bytes_with_headroom"] <= 8_000_000
    day = data["per_day"]
    assert day["wire_bytes_sent"] < day["json_bytes"] / 4  # compression on by default
    # docs/how-to/bandwidth.md: with the context kept, a message costs a few dozen bytes on the wire.
    assert day["wire_bytes_sent"] / day["messages"] < 60
    assert data["other"]["compression"] is False
    assert data["other"]["per_month"]["bytes"] > 2 * month["bytes"]
    # 288 heartbeats, 3 sessions of 120 meter values, a boot: all sent, all answered.
    assert data["by_action"]["Heartbeat"] == 288
    assert data["by_action"]["MeterValues" if version == "1.6" else "TransactionEvent"] >= 360


def test_bandwidth_human_report_and_websocket_pings(tmp_path: Path) -> None:
    plain = ocppkit("bandwidth", "--ocpp", "2.0.1")
    assert plain.returncode == 0
    assert "within OCA's 25.0 MB budget" in plain.stdout and "estimated: 52 B a packet" in plain.stdout
    # websockets' own default, a ping every 20 s, blows the budget on its own (from one side).
    pings = ocppkit("bandwidth", "--ocpp", "2.0.1", "--ping-interval", "20", "--json")
    assert pings.returncode == 1
    data = json.loads(pings.stdout)
    assert data["per_day"]["pings"] == 4320 and not data["per_month"]["within_budget"]
    # The docs' figure: about 28 MB a month for one side's pings, overheads included.
    without = json.loads(ocppkit("bandwidth", "--ocpp", "2.0.1", "--json").stdout)
    assert 25_000_000 < data["per_month"]["bytes"] - without["per_month"]["bytes"] < 31_000_000


def test_bandwidth_profile_file(tmp_path: Path) -> None:
    profile = tmp_path / "busy.toml"
    profile.write_text("sessions_per_day = 6\nmeter_interval = 30\n")
    busy = json.loads(ocppkit("bandwidth", "--ocpp", "1.6", "--profile", str(profile), "--json").stdout)
    assert busy["by_action"]["MeterValues"] == 6 * 240
    bad = tmp_path / "bad.toml"
    bad.write_text("sesions_per_day = 6\n")
    result = ocppkit("bandwidth", "--ocpp", "1.6", "--profile", str(bad))
    assert result.returncode == 2 and "unknown profile keys: sesions_per_day" in result.stderr
    no_traceback(result)


def test_bandwidth_help_lists_the_profile_keys() -> None:
    from dataclasses import fields

    from ocppkit.bandwidth import Profile
    from ocppkit.cli.bandwidth import PROFILE_KEYS

    assert tuple(f.name for f in fields(Profile)) == PROFILE_KEYS
