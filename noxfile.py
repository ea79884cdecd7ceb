"""Development sessions: `nox -l` lists them; `nox` runs the default set (the README's test command)."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["regen_check", "lint", "typecheck", "tests"]

PYTHON = "3.11"
CODE = ["codegen", "sdk/ocppkit", "generated/ocppkit"]


def _install(session: nox.Session) -> None:
    """Install ocppkit (editable) with the pinned dev tools."""
    session.install("-e", ".[dev]")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff: lint and format check of all code."""
    _install(session)
    session.run("ruff", "check", *CODE, "tests", "bench", "noxfile.py")
    session.run("ruff", "format", "--check", *CODE, "tests", "bench", "noxfile.py")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over codegen, sdk and generated."""
    _install(session)
    session.run("mypy", *CODE)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite (pass pytest arguments after --)."""
    _install(session)
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def regen(session: nox.Session) -> None:
    """Regenerate generated/ from specs/."""
    _install(session)
    session.run("python", "-m", "codegen", "generate")


@nox.session(python=PYTHON)
def regen_check(session: nox.Session) -> None:
    """Fail when generated/ is not what the generator makes from specs/ now."""
    _install(session)
    session.run("python", "-m", "codegen", "generate", "--check")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks: codec vs the ocpp package and msgspec's floor, then end to end on loopback (--quick)."""
    _install(session)
    session.run("python", "bench/run.py", *session.posargs)
    session.run("python", "bench/e2e.py", *session.posargs)
