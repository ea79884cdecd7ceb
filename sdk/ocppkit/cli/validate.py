"""`ocppkit validate --ocpp VERSION [FILE|-]`: check the OCPP-J frames of a log, one per line.

Each frame is reported OK, INVALID (with the OCPP-J error code the version prescribes, the
offending field and why) or NOT CHECKED (a CALLRESULT answering no CALL earlier in the input).
The checking itself is `ocppkit.framecheck`; this module reads the input and writes the report:

* by default one line per frame, then a summary line;
* `--json`: JSON Lines, one object per frame with the keys `line`, `status` (`ok`, `invalid`,
  `not_checked`), `type`, `action`, `message_id`, `code`, `path`, `message`, and nothing else;
* `--quiet`: only the invalid frames (and, without `--json`, the summary).

Exit code 0 if no frame is invalid, 1 if one is, 2 if the input cannot be read or the arguments
are wrong.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, Final, TextIO

from ocppkit.cli import EXIT_NEGATIVE, EXIT_OK, CliError
from ocppkit.framecheck import VERSIONS, FrameChecker, FrameReport, Status, ocpp_version

__all__ = ["add_parser", "render", "run", "validate"]

_LABELS: Final = {Status.OK: "OK", Status.INVALID: "INVALID", Status.NOT_CHECKED: "NOT CHECKED"}
_SURROGATES: Final = re.compile("[\ud800-\udfff]")
_SHOWN: Final = 80
"""Most characters of an action or message id shown in the human report."""
_SHOWN_MESSAGE: Final = 500

_EPILOG = """\
Lines: one OCPP-J frame each, as in station and CSMS logs; text before the frame
(timestamps, '>>'/'<<', 'send'/'recv') and after it is ignored, blank lines and
lines starting with '#' are skipped. CALLRESULT and CALLERROR frames are paired
with an earlier CALL by message id; a CALLRESULT without one is NOT CHECKED.

--json writes one JSON object per frame: line, status (ok|invalid|not_checked),
type, action, message_id, code, path, message.

Exit codes: 0 no invalid frame, 1 invalid frames found, 2 unreadable input or bad
arguments.
"""


def add_parser(subparsers: Any) -> None:
    """Add `validate` to the `ocppkit` command line."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "validate",
        help="check the OCPP-J frames of a log against a version's schemas",
        description="Check OCPP-J frames (one per line, as in station and CSMS logs) against\n"
        "the framing and message schemas of an OCPP version: for each invalid frame, the\n"
        "error code the version prescribes and the offending field.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--ocpp",
        required=True,
        metavar="VERSION",
        help=f"OCPP version of the frames: {', '.join(VERSIONS)} (or ocpp1.6 etc.)",
    )
    parser.add_argument("file", nargs="?", default="-", metavar="FILE", help="the log; '-' or none: stdin")
    parser.add_argument(
        "--json", action="store_true", help="write JSON Lines, one object per frame, and nothing else"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="report only invalid frames (and the summary)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check `args.file` (or stdin) for `args.ocpp`; 0 if no frame is invalid, else 1."""
    try:
        version = ocpp_version(args.ocpp)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    stdin = args.file in (None, "-")
    name = "<stdin>" if stdin else args.file
    with _opened(args.file, stdin) as lines:
        counts = validate(
            lines,
            version,
            sys.stdout,
            as_json=args.json,
            quiet=args.quiet,
            flush=stdin,
        )
    if not args.json:
        print(_summary(counts, version, name), flush=True)
    return EXIT_NEGATIVE if counts[Status.INVALID] else EXIT_OK


@contextmanager
def _opened(path: str | None, stdin: bool) -> Iterator[Iterator[bytes]]:
    """The input's lines as bytes; an unreadable file is a `CliError`."""
    label = "standard input" if stdin else path
    stream: IO[bytes] | None
    try:
        stream = getattr(sys.stdin, "buffer", None) if stdin else open(path or "", "rb")  # noqa: SIM115
    except OSError as exc:
        raise CliError(f"cannot read {label}: {exc.strerror or exc}") from None
    if stream is None:
        raise CliError("no standard input to read")
    try:
        yield _lines(stream, str(label))
    finally:
        if not stdin:
            stream.close()


def _lines(stream: IO[bytes], label: str) -> Iterator[bytes]:
    """The lines of `stream` (split on `\\n` only: JSON text may hold U+2028), BOM removed."""
    first = True
    while True:
        try:
            line = stream.readline()
        except OSError as exc:
            raise CliError(f"cannot read {label}: {exc.strerror or exc}") from None
        if not line:
            return
        if first:
            line = line.removeprefix(b"\xef\xbb\xbf")
            first = False
        yield line


def validate(
    lines: Iterable[bytes | str],
    version: str,
    out: TextIO,
    *,
    as_json: bool = False,
    quiet: bool = False,
    flush: bool = False,
) -> Counter[Status]:
    """Check `lines` and write the report of each frame to `out` (human lines, or JSON Lines
    with `as_json`; only the invalid ones with `quiet`); returns the count of each `Status`."""
    checker = FrameChecker(version)
    counts: Counter[Status] = Counter(dict.fromkeys(Status, 0))
    for number, line in enumerate(lines, 1):
        try:
            report = checker.check(line, number)
        except Exception as exc:  # a bug in ocppkit must not hide the rest of the log
            report = FrameReport(
                number,
                Status.NOT_CHECKED,
                None,
                None,
                None,
                None,
                None,
                f"ocppkit failed to check this line ({type(exc).__name__}); please report it",
            )
        if report is None:
            continue
        counts[report.status] += 1
        if quiet and report.status is not Status.INVALID:
            continue
        out.write((_json_line(report) if as_json else render(report)) + "\n")
        if flush:
            out.flush()
    return counts


def _clean(value: str | None) -> str | None:
    """Text fit for a UTF-8 stream (lone surrogates replaced)."""
    return None if value is None else _SURROGATES.sub("\ufffd", value)


def _json_line(report: FrameReport) -> str:
    record = {
        key: _clean(value) if isinstance(value, str) else value for key, value in report.to_json().items()
    }
    return json.dumps(record, ensure_ascii=False)


def _show(value: str, limit: int = _SHOWN) -> str:
    """`value` for a terminal: control characters escaped, cut to `limit` characters."""
    if len(value) > limit:
        value = value[: limit - 3] + "..."
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in value)


def render(report: FrameReport) -> str:
    """One frame's line of the human report, e.g.
    `   5  INVALID      CALL StatusNotification id=2: OccurenceConstraintViolation at status: ...`."""
    what = " ".join(
        part
        for part in (
            report.type or "frame",
            _show(report.action) if report.action is not None else None,
            f"id={_show(report.message_id)}" if report.message_id is not None else None,
        )
        if part
    )
    text = f"{report.line:>5}  {_LABELS[report.status]:<11}  {what}"
    if report.message is None:
        return text
    message = _show(report.message, _SHOWN_MESSAGE)
    if report.code is not None:
        message = f"{report.code} at {message}" if report.path else f"{report.code}: {message}"
    return f"{text}: {message}"


def _summary(counts: Counter[Status], version: str, name: str) -> str:
    total = sum(counts.values())
    frames = "1 frame" if total == 1 else f"{total} frames"
    return (
        f"{frames}: {counts[Status.OK]} ok, {counts[Status.INVALID]} invalid, "
        f"{counts[Status.NOT_CHECKED]} not checked (OCPP {version}, {_show(name)})"
    )
