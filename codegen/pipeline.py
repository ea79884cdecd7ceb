"""Load → parse → render, and the comparison with what is on disk."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from codegen import appendices, load, parse, render, terminology
from codegen.ir import Problems, Spec

CONFIG = Path(__file__).resolve().parent.parent / "pyproject.toml"
"""The ruff settings the output is formatted with (the project's own)."""

MANAGED = "ocppkit"
"""The folder under ``generated/`` that the generator owns entirely."""


def specs_of(specs: Path, problems: Problems) -> list[Spec]:
    return [parse.parse_version(load.load_version(specs, cfg), problems) for cfg in load.load_configs(specs)]


def build(specs: Path, out: Path) -> tuple[dict[str, str], Problems]:
    """Every generated file (path relative to ``out`` → text), and the problems met."""
    problems = Problems()
    parsed: list[tuple[Spec, appendices.Appendices | None]] = []
    for cfg in load.load_configs(specs):
        spec = parse.parse_version(load.load_version(specs, cfg), problems)
        app = appendices.read(specs, cfg, spec, problems)
        if app is not None:  # the appendix tables are sources of every file of the version
            spec = dataclasses.replace(
                spec, sources=tuple(sorted({*spec.sources, *app.sources}, key=lambda s: s.path))
            )
        parsed.append((spec, app))
    terms = terminology.read(specs, parsed, problems)  # spans the versions: glossaries and crosswalks
    if problems.errors:
        return {}, problems
    env = render.environment()
    files: dict[str, str] = {}
    for spec, app in parsed:
        files.update(render.render_version(spec, env, app))
    if terms is not None:
        files.update(terminology.render(terms, env))
    return render.ruff_tidy(files, CONFIG), problems


def _on_disk(out: Path) -> set[str]:
    root = out / MANAGED
    if not root.exists():
        return set()
    return {
        p.relative_to(out).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def check(files: dict[str, str], out: Path) -> list[str]:
    """Lines ``stale: PATH`` / ``missing: PATH`` / ``extra: PATH``, sorted; empty when current."""
    lines: list[str] = []
    disk = _on_disk(out)
    for path in sorted(set(files) | disk):
        if path not in disk:
            lines.append(f"missing: {path}")
        elif path not in files:
            lines.append(f"extra: {path}")
        elif (out / path).read_text(encoding="utf-8") != files[path]:
            lines.append(f"stale: {path}")
    return lines


def write(files: dict[str, str], out: Path) -> int:
    """Make ``out`` hold exactly ``files``; returns how many files changed."""
    changed = 0
    for path in sorted(_on_disk(out) - set(files)):
        (out / path).unlink()
        changed += 1
    for path, text in sorted(files.items()):
        target = out / path
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
        changed += 1
    return changed
