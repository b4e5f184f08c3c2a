"""Shared fixtures: every test starts with a fresh default graph and no default session, and kernels
are checked against their static dtype/shape rules."""
import numpy as np
import pytest

import tfsess as tf
from tfsess.client import plan as _plan
from tfsess.framework.graph import default_session_stack


@pytest.fixture(autouse=True)
def _fresh_graph_and_checks():
    """A fresh default graph, no leftover default sessions, and per-kernel output checks."""
    default_session_stack.reset()
    tf.reset_default_graph()
    old = _plan.CHECK_OUTPUTS
    _plan.CHECK_OUTPUTS = True
    np.random.seed(0)
    yield
    _plan.CHECK_OUTPUTS = old
    for s in list(default_session_stack.stack):
        try:
            s.close()
        except Exception:
            pass
    default_session_stack.reset()
    tf.reset_default_graph()
