"""`ocppkit validate` and `ocppkit.framecheck`: per version, logs of valid CALL/CALLRESULT pairs and
of invalid frames, each reported with the version's error code and the offending field; prefixes
of real logs, pairing by message id, the human, quiet and JSON Lines reports, exit codes, stdin,
and no crash on any line (hypothesis)."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocppkit.cli import EXIT_FAILED, EXIT_NEGATIVE, EXIT_OK, CliError
from ocppkit.cli import validate as cli
from ocppkit.framecheck import FrameChecker, FrameReport, Status, check_lines, find_frame, ocpp_version
from ocppkit.transport import version_module

ROOT = Path(__file__).resolve().parent.parent
NOW = "2025-03-04T05:06:07Z"
KEYS = {"line", "status", "type", "action", "message_id", "code", "path", "message"}

# (line, expected (status, type, action, code, path)) per version; a None line is a blank line.
Expected = tuple[Status, str | None, str | None, str | None, str | None]
OK, INVALID, NOT_CHECKED = Status.OK, Status.INVALID, Status.NOT_CHECKED

LOG_16: list[tuple[str, Expected | None]] = [
    ("# OCPP 1.6 session", None),
    (
        '[2,"1","BootNotification",{"chargePointVendor":"ACME","chargePointModel":"X1"}]',
        (OK, "CALL", "BootNotification", None, None),
    ),
    (
        f'[3,"1",{{"status":"Accepted","currentTime":"{NOW}","interval":300}}]',
        (OK, "CALLRESULT", "BootNotification", None, None),
    ),
    ("", None),
    ('[2,"2","Authorize",{"idTag":"CAFE01"}]', (OK, "CALL", "Authorize", None, None)),
    ('[3,"2",{"idTagInfo":{"status":"Accepted"}}]', (OK, "CALLRESULT", "Authorize", None, None)),
    (
        '[2,"3","StatusNotification",{"connectorId":1,"errorCode":"NoError"}]',
        (INVALID, "CALL", "StatusNotification", "OccurenceConstraintViolation", "status"),
    ),
    (
        '[2,"4","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available","x":1}]',
        (INVALID, "CALL", "StatusNotification", "FormationViolation", "x"),
    ),
    (
        '[2,"5","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Sleeping"}]',
        (INVALID, "CALL", "StatusNotification", "PropertyConstraintViolation", "status"),
    ),
    (
        '[2,"6","StatusNotification",{"connectorId":"1","errorCode":"NoError","status":"Available"}]',
        (INVALID, "CALL", "StatusNotification", "TypeConstraintViolation", "connectorId"),
    ),
    ('[2,"7","Heartbeat",{}', (INVALID, None, None, "FormationViolation", None)),
    ('[2,"8","FlyToTheMoon",{}]', (INVALID, "CALL", "FlyToTheMoon", "NotImplemented", "Action")),
    ('[2,"9","Heartbeat",{}]', (OK, "CALL", "Heartbeat", None, None)),
    ('[3,"9",{}]', (INVALID, "CALLRESULT", "Heartbeat", "OccurenceConstraintViolation", "currentTime")),
    (f'[3,"77",{{"currentTime":"{NOW}"}}]', (NOT_CHECKED, "CALLRESULT", None, None, None)),
    (
        '[4,"3","OccurenceConstraintViolation","status missing",{}]',
        (OK, "CALLERROR", "StatusNotification", None, None),
    ),
    ('[5,"10","x","y",{}]', (INVALID, None, None, None, "MessageTypeId")),
]

LOG_201: list[tuple[str, Expected | None]] = [
    (
        '[2,"a1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}}]',
        (OK, "CALL", "BootNotification", None, None),
    ),
    (
        f'[3,"a1",{{"currentTime":"{NOW}","interval":300,"status":"Accepted"}}]',
        (OK, "CALLRESULT", "BootNotification", None, None),
    ),
    ('[2,"a2","Heartbeat",{}]', (OK, "CALL", "Heartbeat", None, None)),
    (f'[3,"a2",{{"currentTime":"{NOW}"}}]', (OK, "CALLRESULT", "Heartbeat", None, None)),
    (
        f'[2,"a3","StatusNotification",{{"timestamp":"{NOW}","evseId":1,"connectorId":1}}]',
        # 2.0.1 keeps the single-r spelling (specs/rpc-error-codes.csv).
        (INVALID, "CALL", "StatusNotification", "OccurenceConstraintViolation", "connectorStatus"),
    ),
    (
        f'[2,"a4","StatusNotification",{{"timestamp":"{NOW}","connectorStatus":"Available","evseId":1,"connectorId":1,"x":1}}]',
        (INVALID, "CALL", "StatusNotification", "ProtocolError", "x"),
    ),
    (
        f'[2,"a5","StatusNotification",{{"timestamp":"{NOW}","connectorStatus":"Sleeping","evseId":1,"connectorId":1}}]',
        (INVALID, "CALL", "StatusNotification", "PropertyConstraintViolation", "connectorStatus"),
    ),
    (
        '[2,"a6","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V","modem":{"iccid":5}}}]',
        (INVALID, "CALL", "BootNotification", "TypeConstraintViolation", "chargingStation.modem.iccid"),
    ),
    ("[2,'a7','Heartbeat',{}]", (INVALID, None, None, "RpcFrameworkError", None)),
    ('[2,"a8","FlyToTheMoon",{}]', (INVALID, "CALL", "FlyToTheMoon", "NotImplemented", "Action")),
    ('[2,"a9","Heartbeat",{}]', (OK, "CALL", "Heartbeat", None, None)),
    (
        '[3,"a9",{"currentTime":"yesterday"}]',
        (INVALID, "CALLRESULT", "Heartbeat", "PropertyConstraintViolation", "currentTime"),
    ),
    ('[3,"zz",{}]', (NOT_CHECKED, "CALLRESULT", None, None, None)),
    (
        '[5,"a9","FormatViolation","bad",{}]',
        (INVALID, None, None, "MessageTypeNotSupported", "MessageTypeId"),
    ),
    ('[4,"a8","NotImplemented","unknown action",{}]', (OK, "CALLERROR", "FlyToTheMoon", None, None)),
]

LOG_21: list[tuple[str, Expected | None]] = [
    (
        '[2,"b1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}}]',
        (OK, "CALL", "BootNotification", None, None),
    ),
    (
        f'[3,"b1",{{"currentTime":"{NOW}","interval":300,"status":"Accepted"}}]',
        (OK, "CALLRESULT", "BootNotification", None, None),
    ),
    (
        f'[2,"b2","MeterValues",{{"evseId":1,"meterValue":[{{"timestamp":"{NOW}","sampledValue":[{{"value":1.5}}]}}]}}]',
        (OK, "CALL", "MeterValues", None, None),
    ),
    ('[3,"b2",{}]', (OK, "CALLRESULT", "MeterValues", None, None)),
    (
        f'[2,"b3","StatusNotification",{{"timestamp":"{NOW}","evseId":1,"connectorId":1}}]',
        (INVALID, "CALL", "StatusNotification", "OccurrenceConstraintViolation", "connectorStatus"),
    ),
    ('[2,"b4","Heartbeat",{"x":1}]', (INVALID, "CALL", "Heartbeat", "ProtocolError", "x")),
    (
        f'[2,"b5","StatusNotification",{{"timestamp":"{NOW}","connectorStatus":"Sleeping","evseId":1,"connectorId":1}}]',
        (INVALID, "CALL", "StatusNotification", "PropertyConstraintViolation", "connectorStatus"),
    ),
    (
        f'[2,"b6","MeterValues",{{"evseId":1,"meterValue":[{{"timestamp":"{NOW}","sampledValue":[{{"value":"x"}}]}}]}}]',
        (INVALID, "CALL", "MeterValues", "TypeConstraintViolation", "meterValue[0].sampledValue[0].value"),
    ),
    ("not json at all", (INVALID, None, None, "RpcFrameworkError", None)),
    ('[2,"b8","FlyToTheMoon",{}]', (INVALID, "CALL", "FlyToTheMoon", "NotImplemented", "Action")),
    (
        f'[6,"b9","NotifyPeriodicEventStream",{{"id":1,"pending":0,"basetime":"{NOW}","data":[{{"t":0.5,"v":"1"}}]}}]',
        (OK, "SEND", "NotifyPeriodicEventStream", None, None),
    ),
    (
        f'[2,"b10","NotifyPeriodicEventStream",{{"id":1,"pending":0,"basetime":"{NOW}","data":[]}}]',
        (INVALID, "CALL", "NotifyPeriodicEventStream", "NotSupported", "Action"),
    ),
    ('[2,"b11","Heartbeat",{}]', (OK, "CALL", "Heartbeat", None, None)),
    (
        '[3,"b11",{"currentTime":5}]',
        (INVALID, "CALLRESULT", "Heartbeat", "TypeConstraintViolation", "currentTime"),
    ),
    (
        '[5,"b11","TypeConstraintViolation","currentTime: expected a string",{}]',
        (OK, "CALLRESULTERROR", "Heartbeat", None, None),
    ),
    ('[3,"nope",{}]', (NOT_CHECKED, "CALLRESULT", None, None, None)),
    ('[7,"b12",{}]', (INVALID, None, None, None, "MessageTypeId")),
]

LOGS = {"1.6": LOG_16, "2.0.1": LOG_201, "2.1": LOG_21}


def _expected(log: list[tuple[str, Expected | None]]) -> list[tuple[int, Expected]]:
    return [(number, want) for number, (_, want) in enumerate(log, 1) if want is not None]


def _text(log: list[tuple[str, Expected | None]]) -> str:
    return "".join(line + "\n" for line, _ in log)


def _summary(report: FrameReport) -> Expected:
    return (report.status, report.type, report.action, report.code, report.path)


def _args(version: str, file: str = "-", *, json_: bool = False, quiet: bool = False) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ocppkit")
    cli.add_parser(parser.add_subparsers(dest="command"))
    argv = ["validate", "--ocpp", version, *([file] if file != "-" else [])]
    argv += ["--json"] * json_ + ["--quiet"] * quiet
    return parser.parse_args(argv)


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# -- verdicts, per version ---------------------------------------------------------------------


@pytest.mark.parametrize("version", LOGS)
def test_each_frame_gets_the_versions_code_and_path(version: str) -> None:
    log = LOGS[version]
    reports = list(check_lines(_text(log).encode().splitlines(keepends=True), version))
    assert [(r.line, _summary(r)) for r in reports] == _expected(log)
    for report in reports:
        assert report.message_id is not None or report.type is None
        if report.status is Status.INVALID:
            assert report.message  # and it names the field when there is one
            if report.path is not None:
                assert report.message.startswith(report.path + ":")
        if report.status is Status.NOT_CHECKED:
            assert report.message == "no CALL with this id earlier in the input"


def test_codes_follow_the_version_not_one_table() -> None:
    """The same missing field, three spellings of occurrence; unknown field: 1.6 FormationViolation."""
    missing = '[2,"1","Heartbeat",{"customData":{}}]'  # customData requires vendorId in 2.x
    codes = {v: next(check_lines([missing], v)).code for v in ("2.0.1", "2.1")}
    assert codes == {"2.0.1": "OccurenceConstraintViolation", "2.1": "OccurrenceConstraintViolation"}
    [report] = check_lines(['[2,"1","Authorize",{}]'], "1.6")
    assert (report.code, report.path) == ("OccurenceConstraintViolation", "idTag")


def test_ocpp_version_names() -> None:
    assert [ocpp_version(v) for v in ("1.6", "ocpp1.6", "OCPP2.0.1", " 2.1 ")] == [
        "1.6",
        "1.6",
        "2.0.1",
        "2.1",
    ]
    for bad in ("2.0", "16", "", "ocpp"):
        with pytest.raises(ValueError, match="unknown OCPP version"):
            ocpp_version(bad)


# -- real logs: prefixes, suffixes ---------------------------------------------------------------

FRAME = '[2,"19223201","Heartbeat",{}]'


@pytest.mark.parametrize(
    "line",
    [
        FRAME,
        f"  {FRAME}  \r\n",
        f"2025-03-04T05:06:07.123Z >> {FRAME}",
        f"<< {FRAME}",
        f"send {FRAME}",
        f"recv: {FRAME}",
        f"[2025-03-04 05:06:07,123] [INFO] ocpp: CP_1: {FRAME}",
        f"[1] {FRAME} (took 3 ms)",
        f"12:00:01 CP_1 receive message {FRAME}",
    ],
)
def test_prefixes_and_suffixes_are_tolerated(line: str) -> None:
    assert find_frame(line) == FRAME
    [report] = check_lines([line.encode()], "2.0.1")
    assert _summary(report) == (OK, "CALL", "Heartbeat", None, None)
    assert report.message_id == "19223201"


def test_a_broken_frame_after_a_prefix_is_reported_not_the_prefix() -> None:
    [report] = check_lines(['[2025-03-04 05:06:07] >> [2,"1","Heartbeat",{]'], "2.1")
    assert (report.status, report.code) == (INVALID, "RpcFrameworkError")
    assert report.message is not None and report.message.startswith("not valid JSON")


def test_blank_and_comment_lines_are_skipped_but_counted() -> None:
    reports = list(check_lines(["", "   ", "# note", "  # indented note", FRAME], "1.6"))
    assert [(r.line, r.status) for r in reports] == [(5, OK)]


# -- pairing by message id --------------------------------------------------------------------


def test_a_result_is_checked_against_the_response_of_its_call() -> None:
    # The same payload is a valid Heartbeat response and an invalid Authorize response.
    log = [
        '[2,"h","Heartbeat",{}]',
        '[2,"a","Authorize",{"idTag":"T"}]',
        f'[3,"a",{{"currentTime":"{NOW}"}}]',
        f'[3,"h",{{"currentTime":"{NOW}"}}]',
    ]
    results = list(check_lines(log, "1.6"))[2:]
    assert [_summary(r) for r in results] == [
        (INVALID, "CALLRESULT", "Authorize", "OccurenceConstraintViolation", "idTagInfo"),
        (OK, "CALLRESULT", "Heartbeat", None, None),
    ]


def test_crossing_calls_with_the_same_id_pair_with_the_result_that_fits() -> None:
    log = [
        '>> [2,"1","Heartbeat",{}]',  # station → CSMS
        '<< [2,"1","GetConfiguration",{}]',  # CSMS → station, same id
        '<< [3,"1",{"configurationKey":[]}]',
        f'>> [3,"1",{{"currentTime":"{NOW}"}}]',
    ]
    reports = list(check_lines(log, "1.6"))
    assert [(r.type, r.action, r.status) for r in reports[2:]] == [
        ("CALLRESULT", "GetConfiguration", OK),
        ("CALLRESULT", "Heartbeat", OK),
    ]


def test_a_second_answer_to_one_call_is_not_checked() -> None:
    log = [FRAME, f'[3,"19223201",{{"currentTime":"{NOW}"}}]', f'[3,"19223201",{{"currentTime":"{NOW}"}}]']
    last = list(check_lines(log, "2.0.1"))[-1]
    assert last.status is NOT_CHECKED
    assert last.message == "no outstanding CALL with this id (the CALL on line 1 was answered on line 2)"


def test_a_result_to_an_unknown_action_is_not_checked() -> None:
    reports = list(check_lines(['[2,"u","Teleport",{}]', '[3,"u",{}]'], "2.1"))
    assert [r.status for r in reports] == [INVALID, NOT_CHECKED]
    assert reports[1].action == "Teleport"
    assert reports[1].message == "answers the CALL on line 1, whose action is not an OCPP action"


# -- frame structure ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "line", "code", "path", "message"),
    [
        (
            "2.0.1",
            '[2,"1","Heartbeat",{},{}]',
            "RpcFrameworkError",
            None,
            "a CALL frame has 4 elements, this one has 5",
        ),
        (
            "1.6",
            '[3,"1",{},1]',
            "FormationViolation",
            None,
            "a CALLRESULT frame has 3 elements, this one has 4",
        ),
        (
            "2.1",
            '[2,"1","Heartbeat"]',
            "RpcFrameworkError",
            None,
            "a CALL frame has 4 elements, this one has 3",
        ),
        (
            "2.1",
            '[2,1,"Heartbeat",{}]',
            "RpcFrameworkError",
            "MessageId",
            "MessageId: expected a string, got an integer",
        ),
        (
            "1.6",
            f'[2,"{"x" * 37}","Heartbeat",{{}}]',
            "FormationViolation",
            "MessageId",
            "MessageId: longer than 36 characters (37)",
        ),
        ("2.0.1", '[2,"1",5,{}]', "RpcFrameworkError", "Action", "Action: expected a string, got an integer"),
        (
            "2.1",
            '[2,"1","Heartbeat",[]]',
            "FormatViolation",
            None,
            "payload: expected a JSON object, got an array",
        ),
        (
            "2.1",
            '{"action":"Heartbeat"}',
            "RpcFrameworkError",
            None,
            "not an OCPP-J frame: expected [MessageTypeId, MessageId, ...], got an object",
        ),
        (
            "1.6",
            "[]",
            "FormationViolation",
            None,
            "not an OCPP-J frame: expected [MessageTypeId, MessageId, ...], got an empty array",
        ),
        # CALLERROR: the code must be one of the version's, the details an object.
        (
            "1.6",
            '[4,"1","Oops","",{}]',
            "FormationViolation",
            "ErrorCode",
            "ErrorCode: 'Oops' is not an OCPP 1.6 error code",
        ),
        ("2.0.1", '[4,"1","MessageTypeNotSupported","",{}]', None, None, None),
        (
            "1.6",
            '[4,"1","MessageTypeNotSupported","",{}]',
            "FormationViolation",
            "ErrorCode",
            "ErrorCode: 'MessageTypeNotSupported' is not an OCPP 1.6 error code",
        ),
        (
            "2.1",
            '[4,"1","GenericError","",[]]',
            "RpcFrameworkError",
            "ErrorDetails",
            "ErrorDetails: expected an object, got an array",
        ),
        (
            "2.1",
            '[4,"1","GenericError",null,{}]',
            "RpcFrameworkError",
            "ErrorDescription",
            "ErrorDescription: expected a string, got null",
        ),
        (
            "2.1",
            f'[4,"1","GenericError","{"d" * 256}",{{}}]',
            "RpcFrameworkError",
            "ErrorDescription",
            "ErrorDescription: longer than 255 characters (256)",
        ),
        ("1.6", f'[4,"1","GenericError","{"d" * 256}",{{}}]', None, None, None),
        (
            "2.1",
            '[6,"1","Heartbeat",{}]',
            "NotSupported",
            "Action",
            "Action: Heartbeat is a CALL, not a SEND message",
        ),
        (
            "2.1",
            '[6,"1","Teleport",{}]',
            "NotImplemented",
            "Action",
            "Action: 'Teleport' is not an OCPP 2.1 action",
        ),
    ],
)
def test_frame_structure(
    version: str, line: str, code: str | None, path: str | None, message: str | None
) -> None:
    [report] = check_lines([line], version)
    if code is None:
        assert report.status is OK
    else:
        assert (report.status, report.code, report.path, report.message) == (INVALID, code, path, message)


def test_another_spelling_of_an_error_code_is_accepted_with_a_note() -> None:
    [report] = check_lines(['[4,"1","FormatViolation","",{}]'], "1.6")
    assert report.status is OK
    assert report.message is not None
    assert report.message.startswith(
        "ErrorCode: 'FormatViolation' is accepted as OCPP 1.6's 'FormationViolation'"
    )


def test_an_unknown_message_type_is_ignored_in_1_6_and_refused_in_2_0_1() -> None:
    [ignored] = check_lines(['[6,"1","Heartbeat",{}]'], "1.6")
    [refused] = check_lines(['[6,"1","Heartbeat",{}]'], "2.0.1")
    assert (ignored.status, ignored.code, ignored.message_id) == (INVALID, None, "1")
    assert ignored.message == "MessageTypeId: message type 6 is not part of OCPP 1.6 (a receiver ignores it)"
    assert (refused.status, refused.code, refused.path) == (
        INVALID,
        "MessageTypeNotSupported",
        "MessageTypeId",
    )


# -- hostile input -----------------------------------------------------------------------------

DEEP = 5000


@pytest.mark.parametrize(
    ("line", "status", "code"),
    [
        (b'[2,"1","Heart\xffbeat",{}]', INVALID, "RpcFrameworkError"),
        (b'2025-03-04 \xff\xfe >> [2,"1","Heartbeat",{}]', OK, None),  # bad bytes in the prefix only
        (  # valid JSON: read on CPython 3.12+, beyond 3.11's recursion limit (then not checked)
            b'[2,"1","DataTransfer",{"vendorId":"v","data":' + b"[" * DEEP + b"]" * DEEP + b"}]",
            (OK, NOT_CHECKED),
            None,
        ),
        # unterminated: 3.11's recursion limit stops the parser first (not checked); 3.12+ see it
        (b"[" * DEEP, (NOT_CHECKED, INVALID), (None, "RpcFrameworkError")),
        (b'[2,"1","Heartbeat",{"a":' + b"9" * 5000 + b"}]", INVALID, "FormatViolation"),
        (b'[2,"1","Heartbeat",{"a":1e999}]', INVALID, "FormatViolation"),
        (b'[2,"1","Heartbeat",{"a":NaN}]', INVALID, "RpcFrameworkError"),
        (b'[2,"1","\\ud800",{}]', INVALID, "RpcFrameworkError"),
        (b'[2,"1","\\u001b[31mred",{}]', INVALID, "NotImplemented"),
        (b"[1[1[1[1[1[1[1[1[1[1[1[1[1[1[1[1[1[1[1[1[1[1[1" * 100, INVALID, "RpcFrameworkError"),
        (b"\x00\x01\x02", INVALID, "RpcFrameworkError"),
        (b'[3,"' + b"i" * 100 + b'",{}]', INVALID, "RpcFrameworkError"),
    ],
)
def test_hostile_lines_get_a_verdict(
    line: bytes, status: Status | tuple[Status, ...], code: str | tuple[str | None, ...] | None
) -> None:
    """A tuple: the verdicts that depend on the interpreter's recursion limit (in order)."""
    report = FrameChecker("2.1").check(line, 1)
    assert report is not None
    if isinstance(status, tuple):
        codes = code if isinstance(code, tuple) else (code,) * len(status)
        assert (report.status, report.code) in zip(status, codes, strict=True)
    else:
        assert (report.status, report.code) == (status, code)
    cli.render(report)  # printable too
    json.dumps(report.to_json())


def test_control_characters_are_escaped_in_the_human_report() -> None:
    report = FrameChecker("2.1").check(b'[2,"1","\\u001b[31mred\\n",{}]', 1)
    assert report is not None
    line = cli.render(report)
    assert "\x1b" not in line and "\n" not in line
    assert "\\x1b[31mred\\n" in line


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
ACTION_NAMES = sorted({name for v in ("1.6", "2.0.1", "2.1") for name in version_module(v).ACTIONS})


@st.composite
def frame_like_lines(draw: st.DrawFn) -> str:
    """Lines that look like frames: a message type, an id, an action or code, JSON values."""
    elements: list[Any] = [
        draw(st.integers(0, 8) | JSON_SCALARS),
        draw(st.sampled_from(["1", "x"]) | JSON_SCALARS),
    ]
    elements += draw(st.lists(st.sampled_from(ACTION_NAMES) | JSON_VALUES, max_size=4))
    text = json.dumps(elements)
    cut = draw(st.integers(0, len(text)))
    prefix = draw(st.sampled_from(["", ">> ", "[INFO] ", "2025-03-04 [", "#"]))
    return prefix + (text if draw(st.booleans()) else text[:cut])


def _never_crashes(lines: Sequence[str | bytes], version: str) -> None:
    checker = FrameChecker(version)
    for number, line in enumerate(lines, 1):
        report = checker.check(line, number)
        if report is None:
            continue
        assert report.line == number
        assert isinstance(report.status, Status)
        if report.status is Status.INVALID:
            assert report.message
        assert set(report.to_json()) == KEYS
        cli.render(report)


@given(st.lists(st.text(), max_size=5), st.sampled_from(["1.6", "2.0.1", "2.1"]))
def test_any_text_line_gets_a_report_or_is_skipped(lines: list[str], version: str) -> None:
    _never_crashes(lines, version)


@given(st.lists(st.binary(), max_size=5), st.sampled_from(["1.6", "2.0.1", "2.1"]))
def test_any_bytes_get_a_report_or_are_skipped(lines: list[bytes], version: str) -> None:
    _never_crashes(lines, version)


@given(st.lists(frame_like_lines(), min_size=1, max_size=6), st.sampled_from(["1.6", "2.0.1", "2.1"]))
def test_frame_like_lines_get_a_report(lines: list[str], version: str) -> None:
    _never_crashes(lines, version)


# -- the command: reports, exit codes, input ---------------------------------------------------


def test_human_report_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "station.log"
    log.write_text(_text(LOG_16))
    assert cli.run(_args("ocpp1.6", str(log))) == EXIT_NEGATIVE
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == ""
    assert len(lines) == len(_expected(LOG_16)) + 1
    assert lines[0].split() == ["2", "OK", "CALL", "BootNotification", "id=1"]
    assert lines[2].split()[:4] == ["5", "OK", "CALL", "Authorize"]
    assert "   7  INVALID      CALL StatusNotification id=3: OccurenceConstraintViolation at status: " in out
    assert "  11  INVALID      frame: FormationViolation: not valid JSON" in out
    assert "  15  NOT CHECKED  CALLRESULT id=77: no CALL with this id earlier in the input" in out
    assert lines[-1] == f"15 frames: 6 ok, 8 invalid, 1 not checked (OCPP 1.6, {log})"


def test_valid_log_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "ok.log"
    log.write_text(f'{FRAME}\n[3,"19223201",{{"currentTime":"{NOW}"}}]\n[3,"other",{{}}]\n')
    assert cli.run(_args("2.1", str(log))) == EXIT_OK
    assert (
        capsys.readouterr().out.splitlines()[-1]
        == f"3 frames: 2 ok, 0 invalid, 1 not checked (OCPP 2.1, {log})"
    )


def test_quiet_prints_only_invalid_frames_and_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "q.log"
    log.write_text(_text(LOG_201))
    assert cli.run(_args("2.0.1", str(log), quiet=True)) == EXIT_NEGATIVE
    lines = capsys.readouterr().out.splitlines()
    invalid = [n for n, want in _expected(LOG_201) if want[0] is INVALID]
    assert [int(line.split()[0]) for line in lines[:-1]] == invalid
    assert all(line.split()[1] == "INVALID" for line in lines[:-1])
    assert lines[-1].startswith("15 frames: 6 ok, 8 invalid, 1 not checked")


@pytest.mark.parametrize("quiet", [False, True])
def test_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str], quiet: bool) -> None:
    log = tmp_path / "j.log"
    log.write_text(_text(LOG_21))
    assert cli.run(_args("2.1", str(log), json_=True, quiet=quiet)) == EXIT_NEGATIVE
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]  # nothing else on stdout
    expected = [(n, w) for n, w in _expected(LOG_21) if not quiet or w[0] is INVALID]
    assert all(set(record) == KEYS for record in records)
    assert [
        (r["line"], (Status(r["status"]), r["type"], r["action"], r["code"], r["path"])) for r in records
    ] == expected
    first = records[0]
    if not quiet:
        assert first == {
            "line": 1,
            "status": "ok",
            "type": "CALL",
            "action": "BootNotification",
            "message_id": "b1",
            "code": None,
            "path": None,
            "message": None,
        }
    assert {r["status"] for r in records} <= {"ok", "invalid", "not_checked"}


@pytest.mark.parametrize("file", ["-", None])
def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], file: str | None) -> None:
    _stdin(monkeypatch, b"\xef\xbb\xbf" + FRAME.encode() + b"\n")  # a BOM, too
    args = _args("2.0.1")
    assert args.file == "-"
    args.file = file
    assert cli.run(args) == EXIT_OK
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "    1  OK           CALL Heartbeat id=19223201",
        "1 frame: 1 ok, 0 invalid, 0 not checked (OCPP 2.0.1, <stdin>)",
    ]


def test_empty_input_is_fine(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _stdin(monkeypatch, b"")
    assert cli.run(_args("1.6")) == EXIT_OK
    assert capsys.readouterr().out == "0 frames: 0 ok, 0 invalid, 0 not checked (OCPP 1.6, <stdin>)\n"


def test_unreadable_file_and_bad_version_are_one_line_errors(tmp_path: Path) -> None:
    for args, message in [
        (
            _args("1.6", str(tmp_path / "missing.log")),
            f"cannot read {tmp_path / 'missing.log'}: No such file or directory",
        ),
        (_args("1.6", str(tmp_path)), f"cannot read {tmp_path}: Is a directory"),
        (_args("2.0", "-"), "unknown OCPP version '2.0'; use one of 1.6, 2.0.1, 2.1"),
    ]:
        with pytest.raises(CliError) as caught:
            cli.run(args)
        assert caught.value.code == EXIT_FAILED
        assert str(caught.value) == message
        assert "\n" not in str(caught.value)


def test_no_stdin_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(CliError, match=r"^no standard input to read$"):
        cli.run(_args("2.1"))


def test_a_checker_bug_is_reported_and_the_rest_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    real = FrameChecker.check

    def check(self: FrameChecker, line: bytes | str, number: int = 0) -> FrameReport | None:
        if number == 1:
            raise KeyError("bug")
        return real(self, line, number)

    monkeypatch.setattr(FrameChecker, "check", check)
    out = io.StringIO()
    counts = cli.validate([FRAME, FRAME], "2.1", out)
    assert counts == {Status.OK: 1, Status.INVALID: 0, Status.NOT_CHECKED: 1}
    assert out.getvalue().splitlines()[0] == (
        "    1  NOT CHECKED  frame: ocppkit failed to check this line (KeyError); please report it"
    )


def test_validate_streams_and_counts() -> None:
    out = io.StringIO()
    counts = cli.validate([FRAME, "", '[3,"x",{}]', "garbage"], "2.0.1", out, as_json=True)
    assert counts == {Status.OK: 1, Status.INVALID: 1, Status.NOT_CHECKED: 1}
    assert [json.loads(line)["line"] for line in out.getvalue().splitlines()] == [1, 3, 4]


# -- end to end --------------------------------------------------------------------------------


def test_the_real_command(tmp_path: Path) -> None:
    """`python -m ocppkit validate`: imports every subcommand, so wait until they all exist."""
    from ocppkit.cli import _COMMANDS

    missing = [name for name in _COMMANDS if find_spec(f"ocppkit.cli.{name}") is None]
    if missing:
        pytest.skip(f"subcommand modules not written yet: {', '.join(missing)}")
    log = tmp_path / "csms.log"
    log.write_text(_text(LOG_201))
    command = [sys.executable, "-m", "ocppkit", "validate", "--ocpp", "ocpp2.0.1"]
    done = subprocess.run(
        [*command, str(log), "--json"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == EXIT_NEGATIVE, done.stderr
    assert done.stderr == ""
    assert [json.loads(line)["line"] for line in done.stdout.splitlines()] == [
        n for n, _ in _expected(LOG_201)
    ]

    done = subprocess.run(command, input=FRAME + "\n", capture_output=True, text=True, cwd=ROOT, check=False)
    assert (done.returncode, done.stderr) == (EXIT_OK, "")
    assert done.stdout.splitlines()[0] == "    1  OK           CALL Heartbeat id=19223201"

    done = subprocess.run(
        [*command, str(tmp_path / "nope.log")], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == EXIT_FAILED
    assert (
        done.stderr
        == f"ocppkit validate: error: cannot read {tmp_path / 'nope.log'}: No such file or directory\n"
    )
