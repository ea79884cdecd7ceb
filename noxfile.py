"""Development sessions: `nox -l` lists them; `nox` runs the default set (the README's test command)."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["regen_check", "lint", "typecheck", "tests"]

PYTHON = "3.11"
CODE = ["codegen", "sdk/ocppkit", "generated/ocppkit"]
DOCS_ENV = {"NO_MKDOCS_2_WARNING": "1"}  # mkdocs-material 9.8 prints an end-of-life notice otherwise


def _install(session: nox.Session, extras: str = "dev") -> None:
    """Install ocppkit (editable) with the pinned tools of ``extras``."""
    session.install("-e", f".[{extras}]")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff: lint and format check of all code."""
    _install(session)
    session.run("ruff", "check", *CODE, "tests", "bench", "docs/_gen", "noxfile.py")
    session.run("ruff", "format", "--check", *CODE, "tests", "bench", "docs/_gen", "noxfile.py")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over codegen, sdk, generated and the site's build hooks."""
    _install(session, "dev,docs")
    session.run("mypy", *CODE)
    session.run("mypy", "docs/_gen", env={"MYPYPATH": "docs/_gen"})


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite, with the site build and the browser test (pass pytest arguments after --)."""
    _install(session, "dev,docs")
    session.run("pytest", *session.posargs, env=DOCS_ENV)


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
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/ (mkdocs build --strict; the message reference is generated)."""
    _install(session, "dev,docs")
    session.run("mkdocs", "build", "--strict", *session.posargs, env=DOCS_ENV)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks: codec vs the ocpp package and msgspec's floor, then end to end on loopback (--quick)."""
    _install(session)
    session.run("python", "bench/run.py", *session.posargs)
    session.run("python", "bench/e2e.py", *session.posargs)
