"""tf.contrib.learn: only `datasets` (MNIST from local files, as tf.contrib.learn.datasets.mnist)."""
from __future__ import annotations

from .. import datasets  # noqa: F401


def __getattr__(name):
    from ..framework.unimplemented import missing_attribute
    raise missing_attribute("tf.contrib.learn", name)
