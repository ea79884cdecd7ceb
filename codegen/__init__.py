"""ocppkit code generator: specs/ → generated/."""

__version__ = "0.1.0"
