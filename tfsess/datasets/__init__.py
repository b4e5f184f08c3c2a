"""Local data sets TF1 tutorials read (`mnist`, as tensorflow.examples.tutorials.mnist.input_data); never downloads."""
from . import mnist  # noqa: F401

__all__ = ["mnist"]
