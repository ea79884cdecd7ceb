"""Read ``specs/``: OCA schema files (verbatim) and the project-owned tables beside them."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class VersionConfig:
    version: str
    module: str
    subprotocol: str
    folder: str
    schema_folders: tuple[str, ...]
    request_suffix: str
    response_suffix: str


@dataclass(frozen=True, slots=True)
class SchemaFile:
    rel_path: str
    """Relative to ``specs/``, with ``/`` separators."""
    name: str
    """The file name, e.g. ``BootNotificationRequest.json``."""
    sha256: str
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ActionRow:
    action: str
    direction: str
    kind: str
    source: str


@dataclass(frozen=True, slots=True)
class NameRow:
    schema: str
    pointer: str
    name: str


@dataclass(frozen=True, slots=True)
class ErrorRow:
    code: str
    accept: tuple[str, ...]
    violations: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class DataFile:
    rel_path: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Overlay:
    """A correction of an OCA schema, kept beside it instead of editing it (specs/overlays/)."""

    path: str
    """The overlay file, relative to ``specs/``."""
    reason: str
    file: str
    """The schema it corrects, relative to ``specs/``."""
    pointer: str
    """JSON pointer of the node it changes."""
    set: dict[str, Any]
    remove: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RawVersion:
    config: VersionConfig
    schemas: tuple[SchemaFile, ...]
    actions: tuple[ActionRow, ...]
    names: tuple[NameRow, ...]
    errors: tuple[ErrorRow, ...]
    data_files: tuple[DataFile, ...]
    """The project-owned tables this version was read with."""
    overlays: tuple[Overlay, ...] = ()


def _data_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _schema(specs: Path, path: Path) -> SchemaFile:
    raw = path.read_bytes()
    doc = json.loads(raw.decode("utf-8-sig"))
    return SchemaFile(
        rel_path=path.relative_to(specs).as_posix(),
        name=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        document=doc,
    )


def load_configs(specs: Path) -> list[VersionConfig]:
    data = json.loads((specs / "versions.json").read_text(encoding="utf-8"))
    return [
        VersionConfig(
            version=v["version"],
            module=v["module"],
            subprotocol=v["subprotocol"],
            folder=v["folder"],
            schema_folders=tuple(v["schema_folders"]),
            request_suffix=v["request_suffix"],
            response_suffix=v["response_suffix"],
        )
        for v in data["versions"]
    ]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x for x in cell.split("|") if x)


def _data_file(specs: Path, path: Path) -> DataFile:
    return DataFile(path.relative_to(specs).as_posix(), sha256_of(path))


def load_overlays(specs: Path, folder: str) -> tuple[list[Overlay], list[Path]]:
    """The overlays whose ``file`` lies in ``folder``, and their paths."""
    found: list[Overlay] = []
    paths: list[Path] = []
    for path in sorted((specs / "overlays").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not str(data.get("file", "")).startswith(folder + "/"):
            continue
        found.append(
            Overlay(
                path=path.relative_to(specs).as_posix(),
                reason=str(data.get("reason", "")),
                file=str(data["file"]),
                pointer=str(data.get("pointer", "")),
                set=dict(data.get("set", {})),
                remove=tuple(data.get("remove", ())),
            )
        )
        paths.append(path)
    return found, paths


def load_version(specs: Path, config: VersionConfig) -> RawVersion:
    base = specs / config.folder
    schemas: list[SchemaFile] = []
    for folder in config.schema_folders:
        for path in sorted((base / folder).glob("*.json")):
            schemas.append(_schema(specs, path))
    data_files = [specs / "versions.json", specs / "rpc-error-codes.csv", base / "actions.csv"]
    actions = tuple(
        ActionRow(r["action"], r["direction"], r["kind"], r.get("source", ""))
        for r in _data_rows(base / "actions.csv")
    )
    names: tuple[NameRow, ...] = ()
    if (base / "type-names.csv").exists():
        data_files.append(base / "type-names.csv")
        names = tuple(
            NameRow(r["schema"], r["pointer"], r["name"]) for r in _data_rows(base / "type-names.csv")
        )
    errors = tuple(
        ErrorRow(r["code"], _split(r["accept"]), _split(r["violations"]), r["description"])
        for r in _data_rows(specs / "rpc-error-codes.csv")
        if r["version"] == config.version
    )
    overlays, overlay_paths = load_overlays(specs, config.folder)
    data_files += overlay_paths
    return RawVersion(
        config,
        tuple(schemas),
        actions,
        names,
        errors,
        tuple(_data_file(specs, p) for p in sorted(data_files)),
        tuple(overlays),
    )
