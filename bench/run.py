"""ocppkit speed benchmark: ocppkit vs the PyPI ``ocpp`` package vs msgspec's bare decode.

For each reference CALL frame of ``bench/messages.py`` this measures, in one run and with
the same timing loop (``baseline.measure``: calibrated loop, 7 repeats, median), the
microseconds per message of:

``floor``
    ``msgspec.json.Decoder().decode(frame)``: bare JSON parse of the frame, untyped.
``ocppkit_in``
    OCPP-J frame bytes -> validated typed object, as a router does it: parse the frame with
    msgspec, check it is a CALL ``[2, id, action, payload]``, look the request class up in
    the version's ``ACTIONS`` by the frame's action, then ``ocppkit.decode(cls, payload)``.
``ocppkit_out``
    Typed object -> validated frame bytes: ``ocppkit.codec.encode_frame(obj, id)``, which checks
    the object and writes the CALL ``[2, id, action, payload]`` (action from the object's codec)
    in one msgspec encode.
``ocpp_in`` / ``ocpp_out``
    The ``ocpp`` 2.1.0 inbound and outbound paths of ``bench/baseline.py`` (see its notes).

and compares them with the targets: ``ocpp_in / ocppkit_in`` and ``ocpp_out / ocppkit_out``
at least 100x, ``ocppkit_in / floor`` at most 3x. Misses are reported, not fatal: the exit
status is 0 whatever the figures (a broken benchmark - a frame ocppkit does not round-trip -
still raises). ``--json PATH`` writes every figure for CI logs.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import msgspec

import ocppkit
from ocppkit import v16, v201
from ocppkit.base import Action, Message
from ocppkit.codec import decode, encode_frame  # bound once, as a router does (see README)

if TYPE_CHECKING or __package__:
    from .baseline import REPEATS, benchmarks, executor_overhead, measure, synchronous_validation
    from .messages import CALL, MESSAGES
else:  # run as ``python bench/run.py``
    from baseline import REPEATS, benchmarks, executor_overhead, measure, synchronous_validation
    from messages import CALL, MESSAGES

SPEEDUP_TARGET: Final[float] = 100.0
"""``ocpp`` time / ocppkit time, each direction, every message: at least this."""
FLOOR_TARGET: Final[float] = 3.0
"""``ocppkit_in`` / ``floor``, every message: at most this."""

TIMINGS: Final[tuple[str, ...]] = ("floor", "ocppkit_in", "ocppkit_out", "ocpp_in", "ocpp_out")

ACTIONS_BY_VERSION: Final[dict[str, Mapping[str, Action]]] = {
    "1.6": v16.ACTIONS,
    "2.0.1": v201.ACTIONS,
}

_decode_frame = msgspec.json.Decoder().decode


class _Call(msgspec.Struct, array_like=True, gc=False):
    """An OCPP-J CALL frame, its payload left as raw JSON bytes for the typed decode."""

    kind: int
    unique_id: str
    action: str
    payload: msgspec.Raw


_decode_call = msgspec.json.Decoder(_Call).decode


# --------------------------------------------------------------------------
# The ocppkit paths
# --------------------------------------------------------------------------


def ocppkit_inbound(frame: bytes, actions: Mapping[str, Action]) -> Message:
    """OCPP-J CALL frame bytes -> validated request object (what a router does per message)."""
    call = _decode_call(frame)
    if call.kind != CALL:
        raise ValueError("not an OCPP-J CALL frame")
    return decode(actions[call.action].request, call.payload)


def ocppkit_outbound(message: Message, unique_id: str) -> bytes:
    """Typed request object -> validated OCPP-J CALL frame bytes (a request's frame is a CALL)."""
    return encode_frame(message, unique_id)


# --------------------------------------------------------------------------
# Round-trip check (outside the timing)
# --------------------------------------------------------------------------

_DATE_TIME: Final[re.Pattern[str]] = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})"
)


def _instant(text: str) -> datetime | None:
    """The instant an RFC 3339 date-time denotes, ``None`` for any other string."""
    if _DATE_TIME.fullmatch(text) is None:
        return None
    return datetime.fromisoformat(text.upper())


def _same_scalar(expected: Any, actual: Any) -> bool:
    """JSON scalars: numbers by value (``1 == 1.0``), booleans only with booleans."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    if isinstance(expected, str) and isinstance(actual, str):
        if expected == actual:
            return True
        instant = _instant(expected)
        return instant is not None and instant == _instant(actual)
    return expected is None and actual is None


def json_difference(expected: Any, actual: Any, path: str = "$") -> str | None:
    """Where two JSON values differ (``None`` if equal); date-time strings compare as instants."""
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path}: {len(expected)} items expected, {len(actual)} written"
        pairs = enumerate(zip(expected, actual, strict=True))
        items = (json_difference(e, a, f"{path}[{i}]") for i, (e, a) in pairs)
        return next((where for where in items if where is not None), None)
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() != actual.keys():
            return f"{path}: keys {sorted(expected.keys() ^ actual.keys())} not in both"
        members = (json_difference(e, actual[key], f"{path}.{key}") for key, e in expected.items())
        return next((where for where in members if where is not None), None)
    if _same_scalar(expected, actual):
        return None
    return f"{path}: {expected!r} expected, {actual!r} written"


def check_round_trip(key: str) -> None:
    """ocppkit_in then ocppkit_out must give back the frame (as a JSON value)."""
    ocpp_version, action, frame = MESSAGES[key]
    message = ocppkit_inbound(frame, ACTIONS_BY_VERSION[ocpp_version])
    if type(message) is not ACTIONS_BY_VERSION[ocpp_version][action].request:
        raise AssertionError(f"{key}: ocppkit built {type(message).__qualname__}")
    unique_id = json.loads(frame)[1]
    written = ocppkit_outbound(message, unique_id)
    where = json_difference(json.loads(frame), json.loads(written))
    if where is not None:
        raise AssertionError(f"{key}: ocppkit round trip differs at {where}")


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def _callables(key: str) -> dict[str, Callable[[], object]]:
    """The zero-argument callables timed for message ``key``, by column."""
    ocpp_version, _, frame = MESSAGES[key]
    actions = ACTIONS_BY_VERSION[ocpp_version]
    unique_id = json.loads(frame)[1]
    message = ocppkit_inbound(frame, actions)
    fns = benchmarks(key)  # floor, ocpp_in, ocpp_out (also checks the ocpp paths)
    fns["ocppkit_in"] = lambda: ocppkit_inbound(frame, actions)
    fns["ocppkit_out"] = lambda: ocppkit_outbound(message, unique_id)
    return fns


def run(quick: bool) -> dict[str, Any]:
    """Check, time and compare; return every figure (the ``--json`` document)."""
    for key in MESSAGES:
        check_round_trip(key)
    started = time.perf_counter()
    rows: dict[str, dict[str, Any]] = {}
    with synchronous_validation():
        for key, (ocpp_version, action, frame) in MESSAGES.items():
            fns = _callables(key)
            us = {column: measure(fns[column], quick) for column in TIMINGS}
            speedup_in = us["ocpp_in"] / us["ocppkit_in"]
            speedup_out = us["ocpp_out"] / us["ocppkit_out"]
            in_vs_floor = us["ocppkit_in"] / us["floor"]
            rows[key] = {
                "version": ocpp_version,
                "action": action,
                "frame_bytes": len(frame),
                "us": us,
                "speedup_in": speedup_in,
                "speedup_out": speedup_out,
                "in_vs_floor": in_vs_floor,
                "pass": {
                    "speedup_in": speedup_in >= SPEEDUP_TARGET,
                    "speedup_out": speedup_out >= SPEEDUP_TARGET,
                    "in_vs_floor": in_vs_floor <= FLOOR_TARGET,
                },
            }
    overhead_us = executor_overhead(quick)
    return {
        "quick": quick,
        "repeats": REPEATS,
        "statistic": "median microseconds per message",
        "elapsed_s": round(time.perf_counter() - started, 1),
        "environment": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "machine": platform.machine(),
            "platform": platform.platform(),
            "ocppkit": ocppkit.__version__,
            "ocpp": version("ocpp"),
            "msgspec": version("msgspec"),
        },
        "targets": {"speedup_min": SPEEDUP_TARGET, "in_vs_floor_max": FLOOR_TARGET},
        "messages": rows,
        "ocpp_async_validation_overhead_us": overhead_us,
        "all_pass": all(all(row["pass"].values()) for row in rows.values()),
    }


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def format_report(result: dict[str, Any]) -> str:
    """Render ``run``'s result as plain-text tables."""
    env = result["environment"]
    rows: dict[str, dict[str, Any]] = result["messages"]
    lines = [
        f"ocppkit {env['ocppkit']} vs ocpp {env['ocpp']} (msgspec {env['msgspec']}), "
        f"{env['implementation']} {env['python']} on {env['machine']}; "
        f"median µs per message of {result['repeats']} repeats" + (" (--quick)" if result["quick"] else ""),
        "",
    ]
    header = f"{'message':12} {'ver':5} {'action':17} {'bytes':>6}" + "".join(
        f" {column:>11}" for column in TIMINGS
    )
    lines += [header, "-" * len(header)]
    for key, row in rows.items():
        lines.append(
            f"{key:12} {row['version']:5} {row['action']:17} {row['frame_bytes']:6d}"
            + "".join(f" {row['us'][column]:11.2f}" for column in TIMINGS)
        )
    speedup = f">= {SPEEDUP_TARGET:g}x"
    header = (
        f"{'message':12} {'ocpp_in/ocppkit_in':>20} {'ocpp_out/ocppkit_out':>22} {'ocppkit_in/floor':>18}"
    )
    targets = f"{'target':12} {speedup:>20} {speedup:>22} {'<= ' + f'{FLOOR_TARGET:g}x':>18}"
    lines += ["", header, targets, "-" * len(header)]
    for key, row in rows.items():
        ok = row["pass"]
        lines.append(
            f"{key:12}"
            f" {row['speedup_in']:13.1f}x {_mark(ok['speedup_in'])}"
            f" {row['speedup_out']:15.1f}x {_mark(ok['speedup_out'])}"
            f" {row['in_vs_floor']:11.2f}x {_mark(ok['in_vs_floor'])}"
        )
    checks = [passed for row in rows.values() for passed in row["pass"].values()]
    lines += [
        "",
        f"targets: {sum(checks)}/{len(checks)} PASS"
        + ("" if all(checks) else " (misses are reported, not fatal)"),
        "ocpp's default ASYNC_VALIDATION=True would add "
        f"~{result['ocpp_async_validation_overhead_us']:.1f} µs per message to ocpp_in/ocpp_out "
        "(thread-pool hop, excluded above).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ocppkit speed benchmark (see bench/README.md).")
    parser.add_argument("--quick", action="store_true", help="~10x shorter timing loops")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write every figure as JSON")
    args = parser.parse_args(argv)
    result = run(args.quick)
    print(format_report(result))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
