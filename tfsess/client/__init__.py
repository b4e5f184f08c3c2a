"""Running graphs: Session, InteractiveSession, run plans and ConfigProto.

Imports the framework only; reaches op kernels through the registry."""

from . import timeline  # noqa: E402,F401  (tensorflow.python.client.timeline)
