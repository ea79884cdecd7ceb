"""Python names from wire names: one deterministic rule, checked for collisions by the parser."""

from __future__ import annotations

import keyword
import re

from codegen.ir import PyName, WireName

_ACRONYM_PLURAL = re.compile(r"([A-Z]{2,})s(?=[A-Z_]|$)")
_ACRONYM_WORD = re.compile(r"([A-Z]+)([A-Z][a-z])")
_LOWER_UPPER = re.compile(r"([a-z])([A-Z])")
_DIGIT_WORD = re.compile(r"([0-9])([A-Z](?=[A-Z][a-z]|[a-z]{2}))")
_NOT_IDENT = re.compile(r"[^0-9A-Za-z]+")


def _words(text: str) -> str:
    text = _ACRONYM_PLURAL.sub(lambda m: m.group(1) + "S", text)
    text = _ACRONYM_WORD.sub(r"\1_\2", text)
    text = _LOWER_UPPER.sub(r"\1_\2", text)
    text = _DIGIT_WORD.sub(r"\1_\2", text)
    text = _NOT_IDENT.sub("_", text).strip("_")
    return re.sub("_+", "_", text)


def field_name(wire: WireName) -> PyName:
    """``chargePointVendor`` → ``charge_point_vendor``, ``limit_L2`` → ``limit_l2``."""
    name = _words(wire).lower()
    # Hard keywords only: soft ones (match, case, _, and type since Python 3.12) are valid names,
    # and escaping them would make the output depend on the Python that runs the generator.
    if keyword.iskeyword(name):
        name += "_"
    return PyName(name)


def member_name(value: WireName) -> PyName:
    """``Energy.Active.Import.Register`` → ``ENERGY_ACTIVE_IMPORT_REGISTER``, ``L1-N`` → ``L1_N``."""
    name = _words(value).upper() or "EMPTY"
    if name[0].isdigit():
        name = "V_" + name
    return PyName(name)
