"""ocppkit: OCPP 1.6, 2.0.1 and 2.1 for Python, generated from the official OCA schemas.

Messages live in one subpackage per version (``ocppkit.v16``, ``ocppkit.v201``,
``ocppkit.v21``); [`decode`][ocppkit.codec.decode] and [`encode`][ocppkit.codec.encode] turn JSON
into validated typed objects and back, raising [`ValidationError`][ocppkit.errors.ValidationError]
with the error code the message's version prescribes.
"""

from importlib import import_module
from pkgutil import extend_path
from types import ModuleType

# In a source checkout the generated subpackages live in generated/ocppkit/ (joined by the
# editable install); in a wheel they are merged into this folder.
__path__ = extend_path(__path__, __name__)

from ocppkit._rt import JSON_NULL, JsonNull
from ocppkit.base import Action, Direction, Kind
from ocppkit.codec import decode, decode_value, encode, encode_value
from ocppkit.errors import ValidationError, Violation
from ocppkit.validation import ValidationMode, ValidationPolicy

__version__ = "0.1.0"

_VERSIONS = frozenset({"v16", "v201", "v21"})


def __getattr__(name: str) -> ModuleType:
    """``ocppkit.v201`` works after a bare ``import ocppkit``: the version packages load on use."""
    if name in _VERSIONS:
        return import_module(f"ocppkit.{name}")
    raise AttributeError(f"module 'ocppkit' has no attribute {name!r}")


__all__ = [
    "JSON_NULL",
    "Action",
    "Direction",
    "JsonNull",
    "Kind",
    "ValidationError",
    "ValidationMode",
    "ValidationPolicy",
    "Violation",
    "__version__",
    "decode",
    "decode_value",
    "encode",
    "encode_value",
]
