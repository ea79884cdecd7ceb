"""Check OCPP-J frames as they appear in logs: framing, payload schema, and call/result pairing.

This is the library behind `ocppkit validate`. A `FrameChecker` reads the lines of a station or
CSMS log in order and gives one `FrameReport` per frame:

* the frame is found on its line after any prefix (timestamps, `>>`/`<<` arrows, `send`/`recv`)
  and before any suffix; blank lines and `#` comments are skipped;
* framing is judged by `ocppkit.rpc.parse_frame`, payloads by `ocppkit.codec.decode`, so a
  report's `code` is the OCPP-J error code the version prescribes, spelled as ocppkit sends it
  (`OccurenceConstraintViolation` in 1.6 and 2.0.1, `OccurrenceConstraintViolation` in 2.1);
* a CALLRESULT (and CALLERROR) carries no action: it is paired by message id with a CALL earlier
  in the input, and its payload checked against that action's response schema. A CALLRESULT that
  answers no earlier CALL is `Status.NOT_CHECKED`, not invalid.

```python
from ocppkit.framecheck import check_lines

for report in check_lines(open("csms.log", "rb"), "2.0.1"):
    if report.status == "invalid":
        print(report.line, report.code, report.path, report.message)
```
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from typing import Any, Final

import msgspec

from ocppkit.base import Action, Kind
from ocppkit.codec import decode
from ocppkit.errors import ValidationError
from ocppkit.rpc import (
    MAX_DESCRIPTION,
    MAX_MESSAGE_ID,
    BadFrame,
    CallErrorFrame,
    CallFrame,
    Frame,
    IgnoredFrame,
    MessageType,
    ResultFrame,
    SendFrame,
    parse_frame,
)
from ocppkit.transport import version_module

__all__ = [
    "VERSIONS",
    "FrameChecker",
    "FrameReport",
    "Status",
    "check_lines",
    "find_frame",
    "ocpp_version",
]

VERSIONS: Final = ("1.6", "2.0.1", "2.1")

_FRAMEWORK_CODE: Final = {
    "1.6": "FormationViolation",
    "2.0.1": "RpcFrameworkError",
    "2.1": "RpcFrameworkError",
}
"""The code `parse_frame` answers a frame that is not a usable RPC message with."""

_FRAME_START: Final = re.compile(r"\[\s*-?\d")
"""Where an OCPP-J frame can start: `[` then a message type number."""
_MAX_STARTS: Final = 16
"""Most places on one line tried as the start of the frame (bounds the work on hostile lines)."""
_HISTORY: Final = 10_000
"""Most CALLs remembered (outstanding, and answered) for pairing; the oldest are forgotten."""

_any = msgspec.json.Decoder().decode
_raw_decode = json.JSONDecoder().raw_decode


class Status(StrEnum):
    """The verdict on one frame."""

    OK = "ok"
    INVALID = "invalid"
    NOT_CHECKED = "not_checked"
    """Could not be judged: a CALLRESULT answering no known CALL, or JSON nested too deeply."""


@dataclass(frozen=True, slots=True)
class FrameReport:
    """What `FrameChecker` says about one frame; the fields are the keys of `to_json()`."""

    line: int
    """1-based line number in the input."""
    status: Status
    type: str | None
    """`CALL`, `CALLRESULT`, `CALLERROR`, `CALLRESULTERROR`, `SEND`; `None` if not recognisable."""
    action: str | None
    """The action; for a CALLRESULT or CALLERROR, that of the CALL it answers (if known)."""
    message_id: str | None
    code: str | None
    """For an invalid frame, the OCPP-J error code the version prescribes; `None` when the
    version says to ignore the frame."""
    path: str | None
    """The offending field: a payload path in wire names (`meterValue[0].sampledValue`), or an
    OCPP-J frame element (`MessageTypeId`, `MessageId`, `Action`, `ErrorCode`,
    `ErrorDescription`, `ErrorDetails`); `None` for the payload as a whole or the whole frame."""
    message: str | None
    """Why the frame is invalid or not checked, or a note on a valid one."""

    def to_json(self) -> dict[str, Any]:
        """This report as a JSON object (the `--json` line of `ocppkit validate`)."""
        return {
            "line": self.line,
            "status": self.status.value,
            "type": self.type,
            "action": self.action,
            "message_id": self.message_id,
            "code": self.code,
            "path": self.path,
            "message": self.message,
        }


def ocpp_version(text: str) -> str:
    """`"1.6"`, `"ocpp1.6"`, `"OCPP2.0.1"` → `"1.6"` / `"2.0.1"`; raises `ValueError` otherwise."""
    name = text.strip().lower().removeprefix("ocpp").strip()
    if name not in VERSIONS:
        raise ValueError(f"unknown OCPP version {text!r}; use one of {', '.join(VERSIONS)}")
    return name


# -- locating the frame on a log line ---------------------------------------------------------


def _parses(text: str) -> bool | None:
    """Whether `text` is exactly one JSON value; `None` if it is nested too deeply to tell."""
    try:
        _any(text)
    except RecursionError:
        return None
    except (msgspec.DecodeError, UnicodeError):
        return False
    return True


def _frame_end(text: str, start: int) -> int | None:
    """The end of a JSON array of at least three elements starting at `start` (text may follow)."""
    try:
        value, end = _raw_decode(text, start)
    except (ValueError, RecursionError):
        return None
    return end if isinstance(value, list) and len(value) >= 3 else None


def find_frame(line: str) -> str:
    """The OCPP-J frame on a log line, without what precedes or follows it.

    The frame starts at a `[` followed by a number; the first such place from which the rest of
    the line is JSON wins, then the first from which a JSON array of at least three elements
    can be read (the rest of the line being a suffix). Failing both, the frame is taken from the
    first such place to the end (and will be reported as not JSON); a line without one is
    returned whole (stripped).
    """
    text = line.strip()
    starts = [m.start() for m in islice(_FRAME_START.finditer(text), _MAX_STARTS)]
    for start in starts:
        if _parses(text[start:]) is not False:
            return text[start:]
    for start in starts:
        end = _frame_end(text, start)
        if end is not None:
            return text[start:end]
    return text[starts[0] :] if starts else text


# -- describing malformed frames --------------------------------------------------------------


_KINDS: Final = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a number"),
    (str, "a string"),
    (list, "an array"),
    (dict, "an object"),
)


def _kind(value: object) -> str:
    """`"an integer"`, `"null"`, ...: a parsed JSON value's type, for messages."""
    if value is None:
        return "null"
    return next((name for cls, name in _KINDS if isinstance(value, cls)), "a value")


_ELEMENTS: Final = {
    MessageType.CALL: (("MessageTypeId", int), ("MessageId", str), ("Action", str), ("Payload", object)),
    MessageType.SEND: (("MessageTypeId", int), ("MessageId", str), ("Action", str), ("Payload", object)),
    MessageType.CALLRESULT: (("MessageTypeId", int), ("MessageId", str), ("Payload", object)),
    MessageType.CALLERROR: (
        ("MessageTypeId", int),
        ("MessageId", str),
        ("ErrorCode", str),
        ("ErrorDescription", str),
        ("ErrorDetails", dict),
    ),
}
_ELEMENTS[MessageType.CALLRESULTERROR] = _ELEMENTS[MessageType.CALLERROR]
_TYPE_NAMES: Final = {int: "an integer", str: "a string", dict: "an object"}


def _malformed(kind: MessageType, value: list[Any]) -> tuple[str | None, str]:
    """(path, message) saying what is wrong with a frame of a known type that parse_frame refused."""
    layout = _ELEMENTS[kind]
    for index, (name, expected) in enumerate(layout):
        if index >= len(value):
            return None, f"a {kind.name} frame has {len(layout)} elements, this one has {len(value)}"
        element = value[index]
        if expected is not object and (not isinstance(element, expected) or isinstance(element, bool)):
            return name, f"{name}: expected {_TYPE_NAMES[expected]}, got {_kind(element)}"
        if name == "MessageId" and len(element) > MAX_MESSAGE_ID:
            return name, f"MessageId: longer than {MAX_MESSAGE_ID} characters ({len(element)})"
    if len(value) != len(layout):
        return None, f"a {kind.name} frame has {len(layout)} elements, this one has {len(value)}"
    return None, f"malformed {kind.name} frame"


# -- the checker ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Call:
    line: int
    action: str
    known: Action | None


class FrameChecker:
    """Checks the frames of one log, in order, for one OCPP version.

    Keeps the CALLs seen so far to pair CALLRESULT and CALLERROR frames with them by message id
    (the oldest outstanding CALL with that id first; if both sides' CALLs with one id are
    outstanding, the one whose response schema the result satisfies).
    """

    def __init__(self, version: str) -> None:
        self.version = ocpp_version(version)
        module = version_module(self.version)
        self._actions: dict[str, Action] = dict(module.ACTIONS)
        self._codes: frozenset[str] = frozenset(code.value for code in module.errors.RpcErrorCode)
        self._spellings: dict[str, str] = {
            spelling: code.value for spelling, code in module.errors.ACCEPTED_SPELLINGS.items()
        }
        self._framework = _FRAMEWORK_CODE[self.version]
        self._pending: dict[str, list[_Call]] = {}
        self._pending_count = 0
        self._answered: dict[str, tuple[_Call, int]] = {}
        """Message id → the CALL last answered with it, and the line of its answer."""

    # -- entry points

    def check(self, line: bytes | str, number: int = 0) -> FrameReport | None:
        """Check one log line (`number` is put in the report); `None` for a blank or `#` line.

        Never raises on any input: what cannot be judged is reported `NOT_CHECKED`.
        """
        text = line.decode("utf-8", "surrogateescape") if isinstance(line, bytes) else line
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            return None
        frame = find_frame(stripped)
        data = frame.encode("utf-8", "surrogateescape" if isinstance(line, bytes) else "surrogatepass")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return self._report(
                number,
                Status.INVALID,
                None,
                code=self._framework,
                message=f"not valid UTF-8: {exc.reason} at byte {exc.start}",
            )
        try:
            return self._check_frame(number, data)
        except RecursionError:
            return self._report(
                number,
                Status.NOT_CHECKED,
                None,
                message="JSON nested too deeply for ocppkit to parse",
            )

    # -- one frame

    def _report(
        self,
        number: int,
        status: Status,
        type_: str | None,
        action: str | None = None,
        message_id: str | None = None,
        *,
        code: str | None = None,
        path: str | None = None,
        message: str | None = None,
    ) -> FrameReport:
        return FrameReport(number, status, type_, action, message_id, code, path, message)

    def _check_frame(self, number: int, data: bytes) -> FrameReport:
        frame: Frame = parse_frame(data, self.version)
        if isinstance(frame, BadFrame):
            return self._bad(number, data, frame)
        if isinstance(frame, IgnoredFrame):
            return self._report(
                number,
                Status.INVALID,
                None,
                message_id=_message_id(data),
                path="MessageTypeId",
                message=f"MessageTypeId: {frame.reason} (a receiver ignores it)",
            )
        if isinstance(frame, CallFrame | SendFrame):
            kind = MessageType.SEND if isinstance(frame, SendFrame) else MessageType.CALL
            return self._call(number, frame, kind)
        if isinstance(frame, ResultFrame):
            return self._result(number, frame)
        kind = MessageType.CALLRESULTERROR if frame.result_error else MessageType.CALLERROR
        return self._error(number, frame, kind)

    def _bad(self, number: int, data: bytes, frame: BadFrame) -> FrameReport:
        code = self._framework
        if frame.reply is not None:
            reply = parse_frame(frame.reply, self.version)
            if isinstance(reply, CallErrorFrame):
                code = reply.code
        try:
            value = _any(data)
        except msgspec.DecodeError as exc:
            return self._report(number, Status.INVALID, None, code=code, message=f"not valid JSON: {exc}")
        if not isinstance(value, list) or not value or type(value[0]) is not int:
            if not isinstance(value, list):
                got = _kind(value)
            else:
                got = "an array not starting with a message type number" if value else "an empty array"
            return self._report(
                number,
                Status.INVALID,
                None,
                code=code,
                message=f"not an OCPP-J frame: expected [MessageTypeId, MessageId, ...], got {got}",
            )
        message_id = value[1] if len(value) > 1 and isinstance(value[1], str) else None
        try:
            kind = MessageType(value[0])
        except ValueError:
            kind = None
        if kind is None or frame.reason.startswith("message type"):
            return self._report(
                number,
                Status.INVALID,
                None,
                message_id=message_id,
                code=code,
                path="MessageTypeId",
                message=f"MessageTypeId: message type {value[0]} is not part of OCPP {self.version}",
            )
        action = value[2] if kind in (MessageType.CALL, MessageType.SEND) and len(value) > 2 else None
        path, message = _malformed(kind, value)
        return self._report(
            number,
            Status.INVALID,
            kind.name,
            action if isinstance(action, str) else None,
            message_id,
            code=code,
            path=path,
            message=message,
        )

    def _call(self, number: int, frame: CallFrame | SendFrame, kind: MessageType) -> FrameReport:
        action = self._actions.get(frame.action)
        if kind is MessageType.CALL:
            self._remember(frame.unique_id, _Call(number, frame.action, action))
        uid = frame.unique_id

        def invalid(code: str, path: str | None, message: str) -> FrameReport:
            return self._report(
                number, Status.INVALID, kind.name, frame.action, uid, code=code, path=path, message=message
            )

        if action is None:
            return invalid(
                "NotImplemented", "Action", f"Action: {frame.action!r} is not an OCPP {self.version} action"
            )
        if kind is MessageType.CALL and action.kind is Kind.SEND:
            return invalid("NotSupported", "Action", f"Action: {frame.action} is a SEND message, not a CALL")
        if kind is MessageType.SEND and action.kind is not Kind.SEND:
            return invalid("NotSupported", "Action", f"Action: {frame.action} is a CALL, not a SEND message")
        try:
            decode(action.request, frame.payload)
        except ValidationError as exc:
            return invalid(exc.code, exc.path or None, exc.message)
        return self._report(number, Status.OK, kind.name, frame.action, uid)

    def _result(self, number: int, frame: ResultFrame) -> FrameReport:
        uid = frame.unique_id
        call = self._take(uid, number, frame)
        action_name = call.action if call is not None else None
        if len(uid) > MAX_MESSAGE_ID:
            return self._report(
                number,
                Status.INVALID,
                "CALLRESULT",
                action_name,
                uid,
                code=self._framework,
                path="MessageId",
                message=f"MessageId: longer than {MAX_MESSAGE_ID} characters ({len(uid)})",
            )
        if call is None:
            return self._report(
                number, Status.NOT_CHECKED, "CALLRESULT", None, uid, message=self._unmatched(uid)
            )
        if call.known is None or call.known.response is None:
            why = "is not an OCPP action" if call.known is None else "is a SEND message, never answered"
            return self._report(
                number,
                Status.NOT_CHECKED,
                "CALLRESULT",
                call.action,
                uid,
                message=f"answers the CALL on line {call.line}, whose action {why}",
            )
        try:
            decode(call.known.response, frame.payload)
        except ValidationError as exc:
            return self._report(
                number,
                Status.INVALID,
                "CALLRESULT",
                call.action,
                uid,
                code=exc.code,
                path=exc.path or None,
                message=exc.message,
            )
        return self._report(number, Status.OK, "CALLRESULT", call.action, uid)

    def _error(self, number: int, frame: CallErrorFrame, kind: MessageType) -> FrameReport:
        uid = frame.unique_id
        note: str | None = None
        if kind is MessageType.CALLERROR:
            call = self._take(uid, number, None)
            if call is None:
                note = self._unmatched(uid)
        else:  # a CALLRESULTERROR answers the CALLRESULT of a CALL already answered
            answered = self._answered.get(uid)
            call = answered[0] if answered is not None else None
            if call is None:
                note = "answers no CALL earlier in the input"
        action = call.action if call is not None else None

        def invalid(path: str, message: str) -> FrameReport:
            return self._report(
                number,
                Status.INVALID,
                kind.name,
                action,
                uid,
                code=self._framework,
                path=path,
                message=message,
            )

        if len(uid) > MAX_MESSAGE_ID:
            return invalid("MessageId", f"MessageId: longer than {MAX_MESSAGE_ID} characters ({len(uid)})")
        if frame.code not in self._codes:
            same = self._spellings.get(frame.code)
            if same is None:
                return invalid(
                    "ErrorCode", f"ErrorCode: {frame.code!r} is not an OCPP {self.version} error code"
                )
            spelling = f"ErrorCode: {frame.code!r} is accepted as OCPP {self.version}'s {same!r}"
            note = spelling if note is None else f"{spelling}; {note}"
        if self.version != "1.6" and len(frame.description) > MAX_DESCRIPTION:
            return invalid(
                "ErrorDescription",
                f"ErrorDescription: longer than {MAX_DESCRIPTION} characters ({len(frame.description)})",
            )
        return self._report(number, Status.OK, kind.name, action, uid, message=note)

    # -- pairing

    def _remember(self, uid: str, call: _Call) -> None:
        self._pending.setdefault(uid, []).append(call)
        self._pending_count += 1
        while self._pending_count > _HISTORY:
            oldest = next(iter(self._pending))
            calls = self._pending[oldest]
            calls.pop(0)
            self._pending_count -= 1
            if not calls:
                del self._pending[oldest]

    def _take(self, uid: str, number: int, result: ResultFrame | None) -> _Call | None:
        """The outstanding CALL that `result` (or a CALLERROR, if `None`) answers, now answered."""
        calls = self._pending.get(uid)
        if not calls:
            return None
        chosen = 0
        if result is not None and len(calls) > 1:
            for index, call in enumerate(calls):
                if (
                    call.known is not None
                    and call.known.response is not None
                    and _satisfies(call.known, result)
                ):
                    chosen = index
                    break
        call = calls.pop(chosen)
        self._pending_count -= 1
        if not calls:
            del self._pending[uid]
        self._answered.pop(uid, None)
        self._answered[uid] = (call, number)
        if len(self._answered) > _HISTORY:
            del self._answered[next(iter(self._answered))]
        return call

    def _unmatched(self, uid: str) -> str:
        answered = self._answered.get(uid)
        if answered is not None:
            call, line = answered
            return (
                f"no outstanding CALL with this id (the CALL on line {call.line} was answered on line {line})"
            )
        return "no CALL with this id earlier in the input"


def _message_id(data: bytes) -> str | None:
    """The MessageId of a frame parse_frame did not return, if there is one to read."""
    try:
        value = _any(data)
    except msgspec.DecodeError:
        return None
    if isinstance(value, list) and len(value) > 1 and isinstance(value[1], str):
        return value[1]
    return None


def _satisfies(action: Action, result: ResultFrame) -> bool:
    assert action.response is not None
    try:
        decode(action.response, result.payload)
    except ValidationError:
        return False
    return True


def check_lines(lines: Iterable[bytes | str], version: str) -> Iterator[FrameReport]:
    """Check a log, one frame per line (lines numbered from 1); blank and `#` lines are skipped."""
    checker = FrameChecker(version)
    for number, line in enumerate(lines, 1):
        report = checker.check(line, number)
        if report is not None:
            yield report
