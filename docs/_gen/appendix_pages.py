"""The appendix pages of the site, rendered from the data the SDK ships (not from the IR).

Error codes from ``ocppkit.<version>.errors``; every ``Catalogue`` of ``ocppkit.<version>.appendices``
(security events, reason codes, units, ChargeX codes, 2.1's open-string values, 1.6's
``ChargePointErrorCode`` meanings), found by type so that a new catalogue gets its page without a
change here; the device model of each 2.x version; the glossaries and the 1.6 → 2.x crosswalks
from ``ocppkit.terminology``. Pages document what ``import ocppkit`` holds, word for word.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from enum import Enum
from importlib import import_module
from types import ModuleType
from typing import Any, Final

from codegen.site import cell, table
from ocppkit import terminology
from ocppkit.catalogue import Catalogue
from ocppkit.device_model import DeviceModel
from ocppkit.migrate import GlossaryKind

__all__ = ["pages"]

ROOT: Final = "appendices"
VERSIONS: Final = {"1.6": "v16", "2.0.1": "v201", "2.1": "v21"}

TITLES: Final = {
    "CHARGEX_CODES": "ChargeX error codes",
    "CHARGE_POINT_ERROR_CODES": "1.6 ChargePointErrorCode meanings",
    "SECURITY_EVENTS": "Security events",
    "REASON_CODES": "Reason codes",
    "UNITS_OF_MEASURE": "Units of measure",
}
"""Page titles of the catalogues that need better than their name; the others: ``ID_TOKEN_TYPES`` →
"Id token types"."""

OPEN_STRINGS_21: Final = "open-strings-21"
"""2.1's standardized values of open strings share one page."""


def _module(version: str, name: str) -> ModuleType:
    return import_module(f"ocppkit.{VERSIONS[version]}.{name}")


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _catalogue_table(catalogue: Catalogue[Any]) -> str:
    entries = catalogue.entries
    if not entries:
        return "Empty.\n"
    columns = [f.name for f in dataclasses.fields(entries[0])]
    rows = []
    for e in entries:
        row = []
        for c in columns:
            text = cell(_text(getattr(e, c)))
            row.append(f"`{text}`" if c == "value" else text)
        rows.append(row)
    return table([c.replace("_", " ").capitalize() for c in columns], rows)


def _catalogues() -> dict[str, list[tuple[str, Catalogue[Any]]]]:
    """Catalogue name → (version, catalogue), in version order."""
    found: dict[str, list[tuple[str, Catalogue[Any]]]] = {}
    for version in VERSIONS:
        module = _module(version, "appendices")
        for name in sorted(module.__all__):
            value = getattr(module, name)
            if isinstance(value, Catalogue):
                found.setdefault(name, []).append((version, value))
    return found


def _same(catalogues: Sequence[tuple[str, Catalogue[Any]]]) -> bool:
    def key(c: Catalogue[Any]) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(_text(getattr(e, f.name)) for f in dataclasses.fields(e)) for e in c.entries)

    return len({key(c) for _, c in catalogues}) == 1


def _title(name: str) -> str:
    return TITLES.get(name, name.replace("_", " ").capitalize())


def catalogue_page(name: str, catalogues: Sequence[tuple[str, Catalogue[Any]]]) -> str:
    versions = [v for v, _ in catalogues]
    lines = [f"# {_title(name)}", ""]
    modules = ", ".join(f"`ocppkit.{VERSIONS[v]}.appendices.{name}`" for v in versions)
    lines += [f"As data: {modules} (a `Catalogue`: exact lookup, `find` ignoring case, `search`).", ""]
    if len(catalogues) > 1 and _same(catalogues):
        lines += [f"The same in OCPP {', '.join(versions)}.", "", catalogues[-1][1].title, ""]
        lines.append(_catalogue_table(catalogues[-1][1]))
    else:
        for version, c in catalogues:
            lines += [f"## OCPP {version}", "", c.title, "", _catalogue_table(c), ""]
    return "\n".join(lines)


def open_strings_page(catalogues: Iterable[tuple[str, Catalogue[Any]]]) -> str:
    lines = [
        "# OCPP 2.1 standardized values of open strings",
        "",
        "OCPP 2.1 types some fields as free strings and lists the values it standardizes in its "
        "appendices. ocppkit ships each list as a `StrEnum` and a `Catalogue` in `ocppkit.v21.appendices`.",
        "",
    ]
    for name, c in catalogues:
        lines += [f"## {_title(name)}", "", f"`ocppkit.v21.appendices.{name}`: {c.title}", ""]
        lines += [_catalogue_table(c), ""]
    return "\n".join(lines)


def errors_page() -> str:
    lines = [
        "# RPC error codes per version",
        "",
        "The CALLERROR `errorCode`s of each version, spelled as ocppkit sends them, the validation "
        "failures it reports with each, and the other spellings it accepts on receive. Why each "
        "failure maps to its code: [Validation errors and their OCPP-J codes](../concepts/errors.md).",
        "",
    ]
    for version, mod in VERSIONS.items():
        errors = _module(version, "errors")
        by_code: dict[str, list[str]] = {}
        for violation, code in errors.VIOLATION_CODES.items():
            by_code.setdefault(str(code), []).append(f"`{violation.name}`")
        accepted: dict[str, list[str]] = {}
        for spelling, code in errors.ACCEPTED_SPELLINGS.items():
            if spelling != str(code):
                accepted.setdefault(str(code), []).append(f"`{spelling}`")
        rows = [
            [
                f"`{code}`",
                cell(errors.DESCRIPTIONS[code]),
                ", ".join(sorted(by_code.get(str(code), []))),
                ", ".join(sorted(accepted.get(str(code), []))),
            ]
            for code in errors.RpcErrorCode
        ]
        lines += [f"## OCPP {version}", "", f"`ocppkit.{mod}.errors.RpcErrorCode`", ""]
        lines += [table(["Code", "Description", "ocppkit reports", "Also accepted"], rows), ""]
    return "\n".join(lines)


def device_model_page(version: str) -> str:
    model: DeviceModel = _module(version, "device_model").DEVICE_MODEL
    mod = VERSIONS[version]
    lines = [
        f"# Device model of OCPP {version}",
        "",
        f"The standardized components and variables of OCPP {version}: {len(model.components)} components, "
        f"{len(model.variables)} variables, {len(model)} component-variable rows. As data: "
        f"`ocppkit.{mod}.device_model.DEVICE_MODEL`; `get_variable`, `set_variable` and `set_monitoring` "
        "build request entries from a row, checking the value against its data type.",
        "",
        "## Components",
        "",
        table(
            ["Component", "Description"],
            [[f"`{c.name}`", cell(c.description or "")] for c in model.components],
        ),
        "## Variables",
        "",
        table(
            ["Variable", "Data type", "Units", "Description"],
            [
                [f"`{v.name}`", _text(v.data_type), _text(v.units), cell(v.description)]
                for v in model.variables
            ],
        ),
        "## Variables by component",
        "",
        "`<generic>` rows are variables that any component may have.",
        "",
    ]
    by_component: dict[str, list[Any]] = {}
    for e in model.entries:
        by_component.setdefault(e.component, []).append(e)
    for component in sorted(by_component, key=str.casefold):
        lines += [f"### {component}", ""]
        rows = [
            [
                f"`{e.variable}`",
                cell(_text(e.instance)),
                _text(e.attributes),
                _text(e.required),
                _text(e.data_type) + (f" ({e.string_format})" if e.string_format else ""),
                _text(e.units),
                cell(e.description),
            ]
            for e in by_component[component]
        ]
        header = ["Variable", "Instance", "Attributes", "Required", "Data type", "Units", "Description"]
        lines += [table(header, rows), ""]
    return "\n".join(lines)


def glossary_page(version: str) -> str:
    glossary = terminology.GLOSSARIES[version]
    lines = [
        f"# Glossary of OCPP {version}",
        "",
        f'{len(glossary)} entries, OCA\'s wording verbatim. As data: `ocppkit.migrate.glossary("{version}")` '
        "(`find` ignores case and matches abbreviations in parentheses).",
        "",
    ]
    for kind in GlossaryKind:
        entries = glossary.of(kind)
        if not entries:
            continue
        lines += [
            f"## {kind.value.capitalize()}s" if kind is not GlossaryKind.ISO15118 else "## ISO 15118 terms",
            "",
        ]
        rows = [
            [cell(e.term), cell(e.definition)]
            + ([cell(e.actor_type or "")] if kind is GlossaryKind.ACTOR else [])
            + [cell(e.source)]
            for e in entries
        ]
        header = ["Term", "Definition"] + (["Actor type"] if kind is GlossaryKind.ACTOR else []) + ["Source"]
        lines += [table(header, rows), ""]
    return "\n".join(lines)


def _action_links(version: str, names: Iterable[str]) -> str:
    mod = VERSIONS[version]
    return ", ".join(f"[{n}](../reference/{mod}/messages/{n}.md)" for n in names)


def crosswalk_messages_page() -> str:
    rows = [
        [
            _action_links("1.6", [m.ocpp16] if m.ocpp16 else []),
            cell(m.profile or ""),
            _action_links("2.0.1", m.ocpp201),
            _action_links("2.1", m.ocpp21),
            m.relation.value,
            cell(m.note),
        ]
        for m in terminology.MESSAGES
    ]
    return "\n".join(
        [
            "# Crosswalk: 1.6 messages and their 2.x counterparts",
            "",
            f"{len(terminology.MESSAGES)} rows: every 1.6 action, and every message new in 2.x. As data: "
            "`ocppkit.migrate.message_mapping`, `message_for_v2`, `message_for_v16`. See "
            "[Migrating a 1.6 station to 2.0.1](../how-to/migrate-16-to-201.md).",
            "",
            table(["1.6", "1.6 profile", "2.0.1", "2.1", "Relation", "What changes"], rows),
        ]
    )


def crosswalk_concepts_page() -> str:
    rows = [[cell(c.ocpp16), cell(c.ocpp2), cell(c.area), cell(c.reference)] for c in terminology.CONCEPTS]
    return "\n".join(
        [
            "# Crosswalk: 1.6 and 2.x concepts",
            "",
            "The same idea in 1.6 and in 2.x words. As data: `ocppkit.migrate.concepts()`.",
            "",
            table(["1.6", "2.x", "Area", "Where the specifications say so"], rows),
        ]
    )


def crosswalk_config_keys_page() -> str:
    rows = [
        [
            f"`{k.key}`",
            cell(k.profile),
            "yes" if k.required else "no",
            cell(k.accessibility),
            cell(k.type),
            f"`{k.target}`" if k.target is not None else "—",
            k.mapping.value,
            cell(k.note),
        ]
        for k in terminology.CONFIG_KEYS
    ]
    return "\n".join(
        [
            "# Crosswalk: 1.6 configuration keys and the 2.x device model",
            "",
            f"{len(terminology.CONFIG_KEYS)} standard 1.6 configuration keys and the 2.x device model variable "
            "each became. As data: `ocppkit.migrate.config_key(key)` and `config_key_mapping(key)`.",
            "",
            table(["Key", "Profile", "Required", "Access", "Type", "2.x variable", "Mapping", "Note"], rows),
        ]
    )


def pages() -> dict[str, str]:
    """Every appendix page: path under ``docs/`` → Markdown."""
    out: dict[str, str] = {f"{ROOT}/rpc-errors.md": errors_page()}
    open_strings: list[tuple[str, Catalogue[Any]]] = []
    for name, catalogues in _catalogues().items():
        if [v for v, _ in catalogues] == ["2.1"]:
            open_strings.append((name, catalogues[0][1]))
        else:
            out[f"{ROOT}/{name.lower().replace('_', '-')}.md"] = catalogue_page(name, catalogues)
    if open_strings:
        out[f"{ROOT}/{OPEN_STRINGS_21}.md"] = open_strings_page(open_strings)
    for version, mod in VERSIONS.items():
        if mod != "v16":
            out[f"{ROOT}/device-model-{mod}.md"] = device_model_page(version)
        out[f"{ROOT}/glossary-{mod}.md"] = glossary_page(version)
    out[f"{ROOT}/crosswalk-messages.md"] = crosswalk_messages_page()
    out[f"{ROOT}/crosswalk-concepts.md"] = crosswalk_concepts_page()
    out[f"{ROOT}/crosswalk-config-keys.md"] = crosswalk_config_keys_page()
    return out
