"""tf.dtypes: the public data-type namespace (re-exports of tfsess.framework.dtypes)."""
from .framework.dtypes import *  # noqa: F401,F403
from .framework.dtypes import __all__  # noqa: F401
