"""tf.errors: the public error namespace (re-exports of tfsess.framework.errors)."""
from .framework.errors import *  # noqa: F401,F403
from .framework.errors import __all__  # noqa: F401
