"""Running graphs: Session, InteractiveSession, run plans and ConfigProto; per-op tracing (tracing.py), TF's run
metadata (run_metadata.py) and timeline (timeline.py), and the graph as a NumPy program (numpy_export.py).

Imports the framework only; reaches op kernels through the registry."""

from . import timeline  # noqa: E402,F401  (tensorflow.python.client.timeline)
