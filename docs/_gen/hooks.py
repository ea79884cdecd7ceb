"""MkDocs hooks (``hooks:`` in mkdocs.yml): add the generated pages to every build.

The message reference is rendered from the generator's IR (:mod:`codegen.site`), the appendix pages
from the data the SDK ships (``appendix_pages``), both in memory: nothing is written under
``docs/`` and nothing generated is committed. This folder is excluded from the site
(``exclude_docs``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # codegen is not installed: it is read from the checkout
    sys.path.insert(0, str(REPO))

import appendix_pages  # noqa: E402  (this folder is on sys.path while MkDocs loads the hook)

from codegen import pipeline, site  # noqa: E402
from codegen.ir import Problems, Spec  # noqa: E402


def _specs() -> list[Spec]:
    problems = Problems()
    specs = pipeline.specs_of(REPO / "specs", problems)
    if problems.errors:
        raise PluginError("the generator reports errors:\n" + "\n".join(map(str, problems.errors)))
    return specs


def generated_pages() -> dict[str, str]:
    """Every generated page: path under ``docs/`` → Markdown."""
    return {**site.pages(_specs()), **appendix_pages.pages()}


def _find_section(nav: Any, index: str) -> list[Any] | None:
    """The nav list whose items include the page ``index``."""
    if isinstance(nav, list):
        if index in nav:
            return nav
        items = nav
    elif isinstance(nav, dict):
        items = list(nav.values())
    else:
        return None
    for item in items:
        found = _find_section(item, index)
        if found is not None:
            return found
    return None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Give each version's section of the nav a "Messages" group listing its action pages."""
    for spec in _specs():
        index = f"{site.ROOT}/{spec.module}/index.md"
        section = _find_section(config.nav, index)
        if section is None:
            raise PluginError(f"mkdocs.yml: the nav has no section with {index}")
        group = [{a.name: site.page_of(spec.module, a.name)} for a in spec.actions]
        section.insert(section.index(index) + 1, {"Messages": group})
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path, text in generated_pages().items():
        if files.get_file_from_path(path) is not None:
            raise PluginError(f"docs/{path} is generated at build time: remove the file")
        files.append(File.generated(config, path, content=text))
    return files
