"""``python -m ocppkit``: the same as the ``ocppkit`` command."""

from ocppkit.cli import entry

entry()
