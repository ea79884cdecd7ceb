"""The documentation site, built once per test session: a pytest plugin.

Test modules take it with ``pytest_plugins = ("docs_site",)``. The ``built_site`` fixture runs
``mkdocs build --strict`` (as ``nox -s docs`` does) into a temporary folder and gives the folder;
the build is skipped, with the reason, where the docs tools are not installed.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["REPO", "BuiltSite", "built_site"]

REPO = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT = 300


@dataclass(frozen=True, slots=True)
class BuiltSite:
    path: Path
    log: str
    """What MkDocs printed (INFO lines included)."""
    seconds: float


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    missing = [m for m in ("mkdocs", "material", "mkdocstrings_handlers.python") if not _installed(m)]
    if missing:
        pytest.skip(f"the docs tools are not installed ({', '.join(missing)}): pip install -e '.[docs]'")
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    seconds = time.perf_counter() - start
    log = done.stdout + done.stderr
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{log[-5000:]}"
    return BuiltSite(site, log, seconds)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # the parent package is missing
        return False
