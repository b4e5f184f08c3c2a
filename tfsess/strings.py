"""tf.strings: string ops."""
from .ops.string_ops import length, join, as_string  # noqa: F401

__all__ = ["length", "join", "as_string"]
