"""tf.compat: `import tfsess.compat.v1 as tf` gives the same TF1 namespace as `import tfsess as tf`."""
from . import v1  # noqa: F401
