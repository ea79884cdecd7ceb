"""The standardized device model of OCPP 2.0.1 and 2.1 as typed data, and checked request entries.

Each 2.x version has ``ocppkit.<version>.device_model``, generated from the OCA appendix CSVs: its
``DEVICE_MODEL`` (a [`DeviceModel`][ocppkit.device_model.DeviceModel]) and three builders typed
with that version's classes:

    from ocppkit import v201
    from ocppkit.v201.device_model import DEVICE_MODEL, get_variable, set_variable

    interval = DEVICE_MODEL.get("ocppcommctrlr", "heartbeatinterval")  # names ignore case
    v201.GetVariablesRequest(get_variable_data=[get_variable(interval)])
    v201.SetVariablesRequest(set_variable_data=[set_variable(interval, 300)])  # "300" on the wire
    set_variable(interval, "5 min")  # ValueError: not an OCPP integer

This module holds what the versions share: the records, the case-insensitive lookup
([`DeviceModel`][ocppkit.device_model.DeviceModel]), the addressing of an entry
([`target`][ocppkit.device_model.target]) and the value check
([`check_value`][ocppkit.device_model.check_value]), which turns a Python value into the
``attributeValue`` text the variable's data type admits or raises `ValueError`.

OCA texts are quoted verbatim: (c) Open Charge Alliance, CC BY-ND 4.0.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final

from ocppkit._rt import format_datetime, parse_datetime
from ocppkit.errors import ValidationError

__all__ = [
    "GENERIC",
    "Component",
    "DeviceModel",
    "DeviceModelVariable",
    "Required",
    "Target",
    "Variable",
    "check_monitor",
    "check_value",
    "target",
]

GENERIC: Final = "<generic>"
"""The component name the appendix gives variables that any component may have."""

INT32: Final = (-(2**31), 2**31 - 1)
"""OCPP's integer: "32 bit (31 bit resolution, 1 sign bit)" (part 2, primitive datatypes)."""

DECIMAL_PLACES: Final = 6
"""A decimal sent towards the Charging Station "SHALL NOT have more than six decimal places"."""

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)", re.ASCII)
"""No leading zeros and no plus sign: "Allowed value examples: 1234, -1234 Not Allowed: 01234, +1234"."""
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)
_IDENTIFIER = re.compile(r"[a-zA-Z0-9*\-_=:+|@.]*", re.ASCII)
"""The character set of identifierString and passwordString (part 2, primitive datatypes)."""

_NUMERIC = frozenset({"integer", "decimal"})
_LISTS = frozenset({"MemberList", "SequenceList"})
_NUMERIC_MONITORS = frozenset({"UpperThreshold", "LowerThreshold", "TargetDelta", "TargetDeltaRelative"})
"""Monitors whose behaviour on a variable that is not numeric the specification leaves undefined."""
_PERIODIC_MONITORS = frozenset({"Periodic", "PeriodicClockAligned"})


class Required(StrEnum):
    """The appendix's "Required?" column."""

    YES = "yes"
    NO = "no"
    V2X = "V2X"
    """Required when the Charging Station supports V2X (2.1)."""


@dataclass(frozen=True, slots=True)
class Component:
    """A standardized component (appendix chapter 3)."""

    name: str
    description: str | None
    """``None`` for a component that only the component-variable table names (components.csv lacks it)."""


@dataclass(frozen=True, slots=True)
class Variable:
    """A standardized variable (appendix chapter 4); several rows may share a name (2.1: ``Timeout``)."""

    name: str
    data_type: str | None
    """A ``DataEnumType`` value, or ``None`` where the table gives none."""
    string_format: str | None
    """``identifierString`` or ``passwordString`` where the table names one of these string types."""
    units: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceModelVariable:
    """One row of the component-variable table: a variable of a component, with its type and unit."""

    version: str
    component: str
    """The component's name, or [`GENERIC`][ocppkit.device_model.GENERIC] for a variable any
    component may have."""
    variable: str
    instance: str | None = None
    """The variable instance: a name (``GetReport``), or a placeholder (``<vendorId>``, ``1, 2 .. 20``)."""
    attributes: tuple[str, ...] = ()
    """The ``AttributeEnumType`` values the table names (``EnergyImport.maxSet``); empty for any."""
    required: Required = Required.NO
    data_type: str
    """A ``DataEnumType`` value: what [`check_value`][ocppkit.device_model.check_value] admits."""
    string_format: str | None = None
    units: tuple[str, ...] = ()
    """The standardized unit(s), the first being the default (``("Wh", "kWh")``)."""
    description: str = ""

    @property
    def generic(self) -> bool:
        return self.component == GENERIC

    @property
    def instance_is_placeholder(self) -> bool:
        """Whether the instance stands for names the station chooses (the request must give one)."""
        return self.instance is not None and ("<" in self.instance or ".." in self.instance)


def _fold(text: str) -> str:
    return text.casefold()


class DeviceModel:
    """The standardized device model of one version; every name lookup ignores case.

    ``get(component, variable)`` finds the component's own row first, then a
    [`GENERIC`][ocppkit.device_model.GENERIC] one (returned with the component filled in); ``find``
    and ``of`` list rows.
    """

    __slots__ = ("_components", "_rows", "_variables", "components", "entries", "variables", "version")

    def __init__(
        self,
        version: str,
        components: Iterable[Component],
        variables: Iterable[Variable],
        entries: Iterable[DeviceModelVariable],
    ) -> None:
        self.version = version
        self.components: tuple[Component, ...] = tuple(components)
        self.variables: tuple[Variable, ...] = tuple(variables)
        self.entries: tuple[DeviceModelVariable, ...] = tuple(entries)
        self._components = {_fold(c.name): c for c in self.components}
        self._variables: dict[str, tuple[Variable, ...]] = {}
        for v in self.variables:
            self._variables[_fold(v.name)] = (*self._variables.get(_fold(v.name), ()), v)
        self._rows: dict[tuple[str, str], tuple[DeviceModelVariable, ...]] = {}
        for e in self.entries:
            key = (_fold(e.component), _fold(e.variable))
            self._rows[key] = (*self._rows.get(key, ()), e)

    def __iter__(self) -> Iterator[DeviceModelVariable]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"<DeviceModel OCPP {self.version}: {len(self.components)} components, {len(self)} rows>"

    def component(self, name: str) -> Component:
        """The component named ``name`` (any case); ``KeyError`` if the appendix has none."""
        try:
            return self._components[_fold(name)]
        except KeyError:
            raise KeyError(f"OCPP {self.version} has no standardized component {name!r}") from None

    def variable(self, name: str) -> tuple[Variable, ...]:
        """The rows of the variables table named ``name`` (any case); empty if none."""
        return self._variables.get(_fold(name), ())

    def of(self, component: str) -> tuple[DeviceModelVariable, ...]:
        """Every row of ``component`` (any case), not counting the generic ones."""
        fold = _fold(component)
        return tuple(e for e in self.entries if _fold(e.component) == fold)

    def find(
        self, component: str | None = None, variable: str | None = None
    ) -> tuple[DeviceModelVariable, ...]:
        """Every row matching the names given (any case); generic rows count for any component."""
        out = []
        for e in self.entries:
            if variable is not None and _fold(e.variable) != _fold(variable):
                continue
            if component is not None and not (e.generic or _fold(e.component) == _fold(component)):
                continue
            out.append(e)
        return tuple(out)

    def required(self) -> tuple[DeviceModelVariable, ...]:
        """The rows the appendix marks required (``Required.YES``)."""
        return tuple(e for e in self.entries if e.required is Required.YES)

    def get(
        self, component: str, variable: str, instance: str | None = None, *, attribute: str | None = None
    ) -> DeviceModelVariable:
        """The one row for ``component``'s ``variable`` (and instance, and attribute where rows differ by it).

        Names ignore case. A variable the component has no row for is looked up among the generic
        ones, and returned with ``component`` set (to the standardized spelling where there is one).
        ``KeyError`` when no row matches or several do (the message says what tells them apart).
        """
        rows = self._rows.get((_fold(component), _fold(variable)), ())
        generic = not rows
        if generic:
            rows = self._rows.get((_fold(GENERIC), _fold(variable)), ())
        if instance is None:
            rows = tuple(r for r in rows if r.instance is None) or rows
        else:
            exact = tuple(r for r in rows if r.instance is not None and _fold(r.instance) == _fold(instance))
            rows = exact or tuple(r for r in rows if r.instance_is_placeholder)
        if attribute is None:
            rows = tuple(r for r in rows if not r.attributes) or rows
        else:
            named = tuple(r for r in rows if _fold(attribute) in {_fold(a) for a in r.attributes})
            rows = named or tuple(r for r in rows if not r.attributes)
        what = f"{component}.{variable}" + (f"[{instance}]" if instance is not None else "")
        if not rows:
            raise KeyError(f"OCPP {self.version} has no standardized variable {what}")
        if len(rows) > 1:
            options = ", ".join(sorted(f"instance={r.instance!r} attributes={r.attributes}" for r in rows))
            raise KeyError(f"{what} is ambiguous in OCPP {self.version}; rows: {options}")
        row = rows[0]
        if generic:
            known = self._components.get(_fold(component))
            row = dataclasses.replace(row, component=known.name if known else component)
        return row


@dataclass(frozen=True, slots=True)
class Target:
    """Where a request entry points: the fields of ``ComponentType``, ``VariableType`` and the attribute."""

    component: str
    component_instance: str | None
    evse: int | None
    connector: int | None
    variable: str
    variable_instance: str | None
    attribute: str | None


def _instance(item: DeviceModelVariable, instance: str | None) -> str | None:
    if item.instance_is_placeholder:
        if instance is None:
            raise ValueError(f"{item.component}.{item.variable} needs an instance ({item.instance})")
        return instance
    if instance is not None and (item.instance is None or _fold(instance) != _fold(item.instance)):
        raise ValueError(f"{item.component}.{item.variable} has instance {item.instance!r}, not {instance!r}")
    return item.instance


def _attribute(item: DeviceModelVariable, attribute: str | None) -> str | None:
    if attribute is None:
        if len(item.attributes) > 1:
            raise ValueError(f"{item.variable}: say which attribute ({', '.join(item.attributes)})")
        return item.attributes[0] if item.attributes else None
    known = {_fold(a): a for a in item.attributes}
    if known and _fold(attribute) not in known:
        raise ValueError(f"{item.variable}: the appendix names attribute(s) {', '.join(item.attributes)}")
    return known.get(_fold(attribute), attribute)


def target(
    item: DeviceModelVariable,
    *,
    component: str | None = None,
    component_instance: str | None = None,
    evse: int | None = None,
    connector: int | None = None,
    instance: str | None = None,
    attribute: str | None = None,
    monitor: bool = False,
) -> Target:
    """Resolve the addressing of a request entry for ``item``, checking it against the row.

    ``component`` is needed for a generic row (and may respell a specific one, ignoring case);
    ``instance`` is needed where the row's instance is a placeholder and must agree with a named
    one; ``attribute`` must be one the row names, and defaults to the only one it names. A
    monitor (``monitor=True``) has no attribute: it watches the Actual value.
    """
    if item.generic:
        if component is None:
            raise ValueError(f"{item.variable} is a generic variable: say which component it belongs to")
        name = component
    elif component is not None and _fold(component) != _fold(item.component):
        raise ValueError(f"{item.variable} is a variable of {item.component}, not of {component}")
    else:
        name = item.component
    if connector is not None and evse is None:
        raise ValueError("a connector is addressed within an EVSE: give evse too")
    chosen = None if monitor else _attribute(item, attribute)
    return Target(name, component_instance, evse, connector, item.variable, _instance(item, instance), chosen)


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"expected a decimal, got {type(value).__name__}")
    if isinstance(value, str):
        if _DECIMAL.fullmatch(value) is None:
            raise ValueError(f"{value!r} is not an OCPP decimal (digits, an optional '-' and '.')")
        return Decimal(value)
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite decimal")
    return number


def _decimal_text(value: object, _: object) -> str:
    number = _to_decimal(value)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > DECIMAL_PLACES:
        raise ValueError(f"{value!r} has more than {DECIMAL_PLACES} decimal places")
    return value if isinstance(value, str) else format(number, "f")


def _integer_text(value: object, _: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"expected an integer, got {type(value).__name__}")
    if isinstance(value, str) and _INTEGER.fullmatch(value) is None:
        raise ValueError(f"{value!r} is not an OCPP integer (no leading zeros, no '+')")
    number = int(value)
    if not INT32[0] <= number <= INT32[1]:
        raise ValueError(f"{value!r} does not fit OCPP's 32-bit integer")
    return str(number)


def _boolean_text(value: object, _: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value in {"true", "false"}:
        return value
    raise ValueError(f'only "true" and "false" are allowed, got {value!r}')


def _datetime_text(value: object, _: object) -> str:
    try:
        if isinstance(value, datetime):
            return format_datetime(value)
        parse_datetime(value)
    except ValidationError as e:
        raise ValueError(str(e)) from None
    return str(value)


def _option_text(value: object, allowed: set[str] | None) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected one option (a string), got {type(value).__name__}")
    if "," in value:
        raise ValueError(f"{value!r}: an OptionList holds one value")
    if allowed is not None and value not in allowed:
        raise ValueError(f"{value!r} is not one of {sorted(allowed)}")
    return value


def _list_items(value: object, allowed: set[str] | None) -> list[str]:
    raw: list[object]
    if isinstance(value, str):
        raw = list(value.split(",")) if value else []
    elif isinstance(value, Iterable):
        raw = list(value)
    else:
        raise ValueError(f"expected a comma-separated string or a list of strings, got {value!r}")
    items = [i for i in raw if isinstance(i, str)]
    if len(items) != len(raw):
        raise ValueError(f"expected a list of strings, got {value!r}")
    for i in items:
        if not i or "," in i:
            raise ValueError(f"{i!r} cannot be a list member (empty, or holds a comma)")
        if allowed is not None and i not in allowed:
            raise ValueError(f"{i!r} is not one of {sorted(allowed)}")
    return items


def _sequence_text(value: object, allowed: set[str] | None) -> str:
    return ",".join(_list_items(value, allowed))


def _member_text(value: object, allowed: set[str] | None) -> str:
    items = _list_items(value, allowed)
    if len(set(items)) != len(items):
        raise ValueError("a MemberList is a set: a member is listed twice")
    return ",".join(items)


_TEXT: Final[dict[str, Callable[[object, set[str] | None], str]]] = {
    "boolean": _boolean_text,
    "integer": _integer_text,
    "decimal": _decimal_text,
    "dateTime": _datetime_text,
    "OptionList": _option_text,
    "SequenceList": _sequence_text,
    "MemberList": _member_text,
}
"""How each ``DataEnumType`` turns a value into text; anything else is a string."""


def check_value(
    item: DeviceModelVariable,
    value: object,
    *,
    values_list: Iterable[str] | None = None,
    max_length: int | None = None,
) -> str:
    """The ``attributeValue`` text of ``value`` for ``item``'s data type; ``ValueError`` if it does not fit.

    Python values are turned into OCPP's text forms (``True`` → ``"true"``, ``Decimal("0.5")`` →
    ``"0.5"``, an aware ``datetime`` → RFC 3339 in UTC, a list → ``"a,b"``); text is checked as it
    is. ``values_list`` (the variable's ``valuesList`` characteristic, when known) limits
    ``OptionList``, ``MemberList`` and ``SequenceList`` values; ``max_length`` (its
    ``maxLimit`` for strings, or the ``ConfigurationValueSize``) limits the text.
    """
    allowed = None if values_list is None else set(values_list)
    where = f"{item.component}.{item.variable} ({item.string_format or item.data_type})"
    try:
        convert = _TEXT.get(item.data_type)
        if convert is not None:
            text = convert(value, allowed)
        elif not isinstance(value, str):
            raise ValueError(f"expected a string, got {type(value).__name__}")
        elif item.string_format is not None and _IDENTIFIER.fullmatch(value) is None:
            raise ValueError(f"{value!r} has characters an {item.string_format} does not allow")
        else:
            text = value
    except ValueError as e:
        raise ValueError(f"{where}: {e}") from None
    if max_length is not None and len(text) > max_length:
        raise ValueError(f"{where}: {len(text)} characters, at most {max_length} allowed")
    return text


def check_monitor(item: DeviceModelVariable, monitor: str, value: float, severity: int) -> float:
    """Check a monitor for ``item`` before it goes into a ``SetMonitoringDataType``; returns ``value``.

    Threshold and target monitors need a numeric variable; periodic ones a positive interval in
    seconds; the severity is 0 (danger) to 9 (debug).
    """
    where = f"{item.component}.{item.variable} ({item.data_type})"
    if isinstance(severity, bool) or not isinstance(severity, int) or not 0 <= severity <= 9:
        raise ValueError(f"{where}: severity is 0 to 9, got {severity!r}")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{where}: a monitor value is a finite number, got {value!r}")
    if monitor in _NUMERIC_MONITORS and item.data_type not in _NUMERIC:
        raise ValueError(f"{where}: a {monitor} monitor needs a numeric variable")
    if monitor in _PERIODIC_MONITORS and value <= 0:
        raise ValueError(f"{where}: a {monitor} monitor's value is an interval in seconds, above 0")
    return value
