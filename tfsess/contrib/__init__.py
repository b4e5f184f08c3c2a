"""tf.contrib: the parts TF1 tutorials use that live here (contrib.rnn)."""
from . import rnn  # noqa: F401
