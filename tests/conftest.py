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


@pytest.fixture
def ip():
    """The IPython test shell with tfsess unloaded before and after, and the names a test defines removed."""
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython
    start_ipython()                      # creates the global test shell once (later calls return None)
    shell = get_ipython()
    shell.extension_manager.unload_extension("tfsess")
    before = set(shell.user_ns)
    yield shell
    shell.extension_manager.unload_extension("tfsess")
    for name in set(shell.user_ns) - before:
        del shell.user_ns[name]


@pytest.fixture
def loaded(ip, capsys):
    """The test shell after `%load_ext tfsess` (its load line swallowed)."""
    ip.run_line_magic("load_ext", "tfsess")
    capsys.readouterr()
    return ip
