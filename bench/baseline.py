"""Baseline half of the ocppkit micro-benchmark.

For each reference frame in ``bench/messages.py`` this measures, in
microseconds per message (median of several timed repeats):

``floor``
    ``msgspec.json.Decoder().decode(frame)`` of the raw frame bytes into
    untyped Python objects (decoder constructed once, outside the loop). Just
    JSON parsing: a lower bound for any inbound path.

``ocpp_in``
    The inbound path of the PyPI ``ocpp`` package (2.1.0), as
    ``ChargePoint.route_message`` -> ``ChargePoint._handle_call`` performs it
    for a CALL, minus networking, logging and handler dispatch:

    1. ``ocpp.messages.unpack(frame_str)`` - ``json.loads`` + ``Call(...)``;
    2. ``ocpp.messages.validate_payload(msg, ocpp_version)`` - jsonschema
       ``Draft4Validator`` (cached per action in ``ocpp.messages._validators``
       after the first call, so the steady state excludes schema loading);
    3. ``ocpp.charge_point.camel_to_snake_case(msg.payload)``;
    4. ``getattr(ocpp.v16.call | ocpp.v201.call, msg.action)(**snake_payload)``.

``ocpp_out``
    The outbound path of ``ChargePoint.call`` up to the point where the frame
    is handed to the websocket, starting from a fully typed ``ocpp`` dataclass
    instance (nested ``datatypes`` dataclasses and ``StrEnum`` members):

    1. ``snake_to_camel_case(serialize_as_dict(payload))`` (``serialize_as_dict``
       is ``dataclasses.asdict`` plus a second pass over nested dataclasses);
    2. ``Call(unique_id, payload.__class__.__name__, remove_nones(...))``;
    3. ``validate_payload(call, ocpp_version)``;
    4. ``call.to_json()`` (``json.dumps`` with compact separators and the
       package's ``_DecimalEncoder``), encoded to UTF-8 bytes.

Deliberate deviations from ``ChargePoint`` (see ``ocpp_inbound`` /
``ocpp_outbound``):

* ``ocpp.messages.ASYNC_VALIDATION`` defaults to ``True``, which makes
  ``validate_payload`` hop to the default thread-pool executor through
  ``loop.run_in_executor``. The measurement runs with it set to ``False``
  (the package's own switch) so only the validation work itself is timed;
  ``validate_payload`` is still the coroutine that is called, driven to
  completion synchronously. ``executor_overhead`` measures what the hop adds.
* ``_handle_call`` does not build the call dataclass: it calls the user's
  handler as ``handler(**snake_case_payload)`` after an
  ``inspect.signature(handler)`` per message. Here the ``ocpp.v*.call``
  dataclass is instantiated with the same keyword arguments instead (same
  argument binding cost, nested values stay plain dicts exactly as a handler
  would receive them); the per-message ``inspect.signature`` is not included.
* ``ChargePoint.call`` creates the unique id with ``str(uuid.uuid4())``; the
  frame's fixed id is reused instead.

Timing: ``time.perf_counter_ns`` around a loop of N calls; N is calibrated so
one repeat takes about 0.2 s (0.02 s with ``quick``), 7 repeats, median
reported. The garbage collector stays enabled (a full collection runs before
each repeat), so allocation-heavy paths pay their realistic GC cost. The
per-call overhead of the timing loop itself (a Python function call, a few
tens of ns) is included in every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import enum
import gc
import itertools
import json
import statistics
import types
import typing
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from time import perf_counter_ns
from typing import TYPE_CHECKING, Any, Final

import msgspec
import ocpp.messages
import ocpp.v16.call
import ocpp.v16.datatypes
import ocpp.v201.call
from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.messages import Call, unpack, validate_payload

if TYPE_CHECKING or __package__:
    from .messages import MESSAGES
else:  # run as ``python bench/baseline.py``
    from messages import MESSAGES

REPEATS: Final[int] = 7
TARGET_REPEAT_S: Final[float] = 0.2
QUICK_FACTOR: Final[int] = 10
COLUMNS: Final[tuple[str, ...]] = ("floor", "ocpp_in", "ocpp_out")

CALL_MODULES: Final[dict[str, types.ModuleType]] = {
    "1.6": ocpp.v16.call,
    "2.0.1": ocpp.v201.call,
}

# Fields annotated with a bare ``List`` in ``ocpp`` whose items do have a
# dataclass in the package's ``datatypes`` module.
_UNTYPED_LIST_ITEMS: Final[dict[tuple[type, str], type]] = {
    (ocpp.v16.call.MeterValues, "meter_value"): ocpp.v16.datatypes.MeterValue,
}


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


def _time_loop(fn: Callable[[], object], n: int) -> int:
    """Return the nanoseconds taken by ``n`` consecutive calls of ``fn``."""
    loop = itertools.repeat(None, n)
    start = perf_counter_ns()
    for _ in loop:
        fn()
    return perf_counter_ns() - start


def measure(fn: Callable[[], object], quick: bool = False) -> float:
    """Median time of one ``fn()`` call in microseconds.

    ``fn`` is called once to warm caches, N is calibrated so that one repeat
    takes ~``TARGET_REPEAT_S`` seconds (10x less when ``quick``), then the
    median per-call time over ``REPEATS`` repeats is returned.
    """
    target_ns = TARGET_REPEAT_S * 1e9 / (QUICK_FACTOR if quick else 1)
    fn()
    n = 1
    while (elapsed := _time_loop(fn, n)) < target_ns / 20:
        n *= 2
    n = max(1, round(n * target_ns / elapsed))
    per_call_ns: list[float] = []
    for _ in range(REPEATS):
        gc.collect()
        per_call_ns.append(_time_loop(fn, n) / n)
    return statistics.median(per_call_ns) / 1000.0


# --------------------------------------------------------------------------
# The ocpp package's paths
# --------------------------------------------------------------------------


def _run_sync(coro: Coroutine[Any, Any, Any]) -> Any:
    """Drive a coroutine that never suspends (no event loop needed)."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise RuntimeError("coroutine suspended; is ocpp.messages.ASYNC_VALIDATION on?")


@contextmanager
def synchronous_validation() -> Iterator[None]:
    """Temporarily set ``ocpp.messages.ASYNC_VALIDATION = False``."""
    previous = ocpp.messages.ASYNC_VALIDATION
    ocpp.messages.ASYNC_VALIDATION = False
    try:
        yield
    finally:
        ocpp.messages.ASYNC_VALIDATION = previous


def ocpp_inbound(frame: str, ocpp_version: str) -> Any:
    """``ocpp`` 2.1.0 inbound CALL path: unpack, validate, snake_case, build.

    Mirrors ``ChargePoint.route_message`` + ``ChargePoint._handle_call``
    without networking/logging/handler dispatch. Needs
    ``ASYNC_VALIDATION = False`` (see ``synchronous_validation``).
    """
    msg = unpack(frame)
    _run_sync(validate_payload(msg, ocpp_version))
    snake_case_payload = camel_to_snake_case(msg.payload)
    call_class = getattr(CALL_MODULES[ocpp_version], msg.action)
    return call_class(**snake_case_payload)


def ocpp_outbound(payload: Any, unique_id: str, ocpp_version: str) -> bytes:
    """``ocpp`` 2.1.0 outbound CALL path of ``ChargePoint.call`` before sending.

    Needs ``ASYNC_VALIDATION = False`` (see ``synchronous_validation``).
    """
    camel_case_payload = snake_to_camel_case(serialize_as_dict(payload))
    call = Call(
        unique_id=unique_id,
        action=payload.__class__.__name__,
        payload=remove_nones(camel_case_payload),
    )
    _run_sync(validate_payload(call, ocpp_version))
    frame: str = call.to_json()
    return frame.encode("utf-8")


def _typed(hint: Any, value: Any) -> Any:  # noqa: C901, PLR0911
    """Convert a snake_case JSON value into the ``ocpp`` type ``hint``."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        arms = [a for a in typing.get_args(hint) if a is not type(None)]
        for arm in arms:
            if dataclasses.is_dataclass(arm) and isinstance(value, dict):
                return _typed(arm, value)
        for arm in arms:
            if isinstance(arm, type) and issubclass(arm, enum.Enum):
                try:
                    return arm(value)
                except ValueError:
                    continue
        return value
    if origin is list:
        (item_hint,) = typing.get_args(hint) or (Any,)
        return [_typed(item_hint, item) for item in value]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return build_dataclass(hint, value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    return value


def build_dataclass(cls: type, data: dict[str, Any]) -> Any:
    """Recursively build ``cls`` (an ``ocpp`` dataclass) from snake_case data."""
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        item_cls = _UNTYPED_LIST_ITEMS.get((cls, name))
        if item_cls is not None:
            kwargs[name] = [build_dataclass(item_cls, item) for item in value]
        else:
            kwargs[name] = _typed(hints[name], value)
    return cls(**kwargs)


def typed_call_payload(frame: bytes, ocpp_version: str) -> tuple[str, Any]:
    """Return the frame's unique id and its payload as a typed ``ocpp`` object."""
    _, unique_id, action, payload = json.loads(frame)
    call_class = getattr(CALL_MODULES[ocpp_version], action)
    return unique_id, build_dataclass(call_class, camel_to_snake_case(payload))


# --------------------------------------------------------------------------
# Benchmark driver
# --------------------------------------------------------------------------


def _check_paths(key: str, frame: bytes, ocpp_version: str, action: str) -> None:
    """Sanity-check that both ``ocpp`` paths accept/reproduce the frame."""
    inbound = ocpp_inbound(frame.decode("utf-8"), ocpp_version)
    if type(inbound).__name__ != action:
        raise AssertionError(f"{key}: inbound built {type(inbound).__name__}")
    unique_id, typed = typed_call_payload(frame, ocpp_version)
    if json.loads(ocpp_outbound(typed, unique_id, ocpp_version)) != json.loads(frame):
        raise AssertionError(f"{key}: ocpp outbound does not reproduce the frame")


def benchmarks(key: str) -> dict[str, Callable[[], object]]:
    """The zero-argument callables timed for message ``key``."""
    ocpp_version, action, frame = MESSAGES[key]
    frame_str = frame.decode("utf-8")
    decoder = msgspec.json.Decoder()
    unique_id, typed = typed_call_payload(frame, ocpp_version)
    with synchronous_validation():
        _check_paths(key, frame, ocpp_version, action)
    return {
        "floor": lambda: decoder.decode(frame),
        "ocpp_in": lambda: ocpp_inbound(frame_str, ocpp_version),
        "ocpp_out": lambda: ocpp_outbound(typed, unique_id, ocpp_version),
    }


def baseline_results(quick: bool = False) -> dict[str, dict[str, float]]:
    """Per message key: median µs per call for ``floor``/``ocpp_in``/``ocpp_out``."""
    results: dict[str, dict[str, float]] = {}
    with synchronous_validation():
        for key in MESSAGES:
            fns = benchmarks(key)
            results[key] = {column: measure(fns[column], quick) for column in COLUMNS}
    return results


def executor_overhead(quick: bool = False) -> float:
    """Extra µs per ``validate_payload`` with the default ASYNC_VALIDATION=True.

    Times ``await validate_payload(...)`` through the default executor versus
    the synchronous path, for the smallest message (``v16_boot``), each
    awaited in a running event loop.
    """
    ocpp_version, _, frame = MESSAGES["v16_boot"]
    msg = unpack(frame.decode("utf-8"))

    async def timed(asynchronous: bool) -> float:
        ocpp.messages.ASYNC_VALIDATION = asynchronous
        n = 200 if quick else 2000
        samples: list[float] = []
        for _ in range(REPEATS):
            start = perf_counter_ns()
            for _ in range(n):
                await validate_payload(msg, ocpp_version)
            samples.append((perf_counter_ns() - start) / n)
        return statistics.median(samples) / 1000.0

    async def both() -> float:
        with synchronous_validation():
            sync_us = await timed(False)
            async_us = await timed(True)
        return async_us - sync_us

    return asyncio.run(both())


def format_table(results: dict[str, dict[str, float]]) -> str:
    """Render ``baseline_results`` output as a plain-text table."""
    header = f"{'message':12} {'ver':5} {'action':17} {'bytes':>6}" + "".join(
        f" {c + ' µs':>12}" for c in COLUMNS
    )
    lines = [header, "-" * len(header)]
    for key, row in results.items():
        ocpp_version, action, frame = MESSAGES[key]
        lines.append(
            f"{key:12} {ocpp_version:5} {action:17} {len(frame):6d}"
            + "".join(f" {row[c]:12.2f}" for c in COLUMNS)
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="~10x shorter runs")
    args = parser.parse_args()
    print(format_table(baseline_results(args.quick)))
    print(
        "\nocpp validate_payload with default ASYNC_VALIDATION=True adds "
        f"~{executor_overhead(args.quick):.1f} µs per call (thread-pool hop)."
    )


if __name__ == "__main__":
    main()
