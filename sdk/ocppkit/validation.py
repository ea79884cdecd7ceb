"""Validation modes: strict (the default), lenient (accept and report) or off, chosen per
direction and per action with a [`ValidationPolicy`][ocppkit.validation.ValidationPolicy]."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from ocppkit.errors import ValidationError

__all__ = ["Report", "ValidationMode", "ValidationPolicy", "log_report"]

_log = logging.getLogger("ocppkit.validation")

Report = Callable[[ValidationError], None]
"""Called with what lenient mode accepted anyway."""


class ValidationMode(StrEnum):
    """How strictly payloads are checked against the official schemas."""

    STRICT = "strict"
    """Reject what the schema does not allow, with the version's error code (the default)."""
    LENIENT = "lenient"
    """Accept it, report the violation, and keep every value (unknown enum values stay strings)."""
    OFF = "off"
    """Accept it without reporting; only input that is not a JSON object is refused."""


def log_report(error: ValidationError) -> None:
    """The default report of lenient mode: a warning on the ``ocppkit.validation`` logger."""
    _log.warning("accepted an invalid payload (lenient mode): %s", error)


@dataclass(frozen=True, slots=True)
class ValidationPolicy:
    """Which [`ValidationMode`][ocppkit.validation.ValidationMode] applies to a payload, by direction
    and by action.

    ``overrides`` keys are an action name (both directions) or ``"Action:inbound"`` /
    ``"Action:outbound"``; the most specific key wins, then the direction's default:

        ValidationPolicy(overrides={"MeterValues:inbound": ValidationMode.LENIENT})
    """

    inbound: ValidationMode = ValidationMode.STRICT
    outbound: ValidationMode = ValidationMode.STRICT
    overrides: Mapping[str, ValidationMode] = field(default_factory=lambda: MappingProxyType({}))
    report: Report = log_report

    def mode(self, action: str, direction: Literal["inbound", "outbound"]) -> ValidationMode:
        if self.overrides:
            found = self.overrides.get(f"{action}:{direction}") or self.overrides.get(action)
            if found is not None:
                return found
        return self.inbound if direction == "inbound" else self.outbound
