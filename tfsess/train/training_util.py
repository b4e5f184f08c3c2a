"""The global step: an int64 counter variable optimizers can increment."""
from __future__ import annotations

from ..framework import dtypes as _dtypes
from ..framework.graph import GraphKeys, get_default_graph
from ..ops.init_ops import zeros_initializer
from ..ops.variable_scope import get_variable

__all__ = ["get_global_step", "get_or_create_global_step", "create_global_step", "global_step"]


def get_global_step(graph=None):
    """The graph's global step variable, or None."""
    graph = graph or get_default_graph()
    coll = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(coll) == 1:
        return coll[0]
    if len(coll) > 1:
        raise TypeError("Multiple tensors in global_step collection.")
    try:
        return graph.get_tensor_by_name("global_step:0")
    except (KeyError, ValueError):
        return None


def create_global_step(graph=None):
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), graph.name_scope(None):
        return get_variable(GraphKeys.GLOBAL_STEP, shape=[], dtype=_dtypes.int64, initializer=zeros_initializer(),
                            trainable=False, collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The global step, created (int64, initialized to 0, not trainable) if the graph has none."""
    graph = graph or get_default_graph()
    step = get_global_step(graph)
    if step is None:
        step = create_global_step(graph)
    return step


def global_step(sess, global_step_tensor):
    return int(sess.run(global_step_tensor))
