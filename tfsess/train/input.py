"""TF1 queue-based input: string_input_producer, limit_epochs, batch, shuffle_batch (tf.train.*).

Each producer is a queue plus a QueueRunner in the QUEUE_RUNNERS collection; `num_epochs` counts epochs in a
local variable (run tf.local_variables_initializer()), and the input ends with OutOfRangeError, as in TF.
"""
from __future__ import annotations

from ..framework import dtypes as _dtypes
from ..framework.graph import GraphKeys, Tensor, control_dependencies, convert_to_tensor, name_scope
from ..framework.shapes import TensorShape
from ..ops import array_ops as _a
from ..ops import data_flow_ops as _q
from ..ops.random_ops import random_shuffle
from ..ops.variables import Variable
from .queue_runner import QueueRunner, add_queue_runner

__all__ = ["limit_epochs", "input_producer", "string_input_producer", "range_input_producer",
           "slice_input_producer", "batch", "shuffle_batch"]


def limit_epochs(tensor, num_epochs=None, name=None) -> Tensor:
    """`tensor`, until it has been evaluated `num_epochs` times; then OutOfRangeError."""
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError("num_epochs must be > 0 not %d." % num_epochs)
    with name_scope(name or "limit_epochs") as scope:
        epochs = Variable(_a.zeros([], dtype=_dtypes.int64), name="epochs", trainable=False,
                          collections=[GraphKeys.LOCAL_VARIABLES])
        counter = _q.count_up_to(epochs, num_epochs)
        with control_dependencies([counter]):
            return _a.identity(tensor, name=scope)


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None, capacity=32,
                   shared_name=None, summary_name=None, name=None, cancel_op=None):
    """A queue filled with the rows of `input_tensor`, epoch after epoch (optionally shuffled each epoch)."""
    with name_scope(name or "input_producer") as scope:
        t = convert_to_tensor(input_tensor, name="input_tensor")
        shape = element_shape if element_shape is not None else (
            TensorShape(t.shape.dim_sizes[1:]) if t.shape.dim_sizes is not None else TensorShape(None))
        if shuffle:
            t = random_shuffle(t, seed=seed)
        t = limit_epochs(t, num_epochs)
        q = _q.FIFOQueue(capacity, dtypes=[t.dtype.base_dtype], shapes=[shape], shared_name=shared_name, name=scope)
        enq = q.enqueue_many([t])
        add_queue_runner(QueueRunner(q, [enq], cancel_op=cancel_op))
        return q


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32, shared_name=None,
                          name=None, cancel_op=None):
    """A queue of file names for a reader (tf.train.string_input_producer)."""
    if isinstance(string_tensor, (list, tuple)) and not string_tensor:
        raise ValueError("Expected at least one string in string_input_producer.")
    t = convert_to_tensor(string_tensor, dtype=_dtypes.string)
    return input_producer(t, TensorShape([]), num_epochs, shuffle, seed, capacity, shared_name, name=name,
                          cancel_op=cancel_op)


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32, shared_name=None, name=None):
    """A queue of the integers 0 .. limit-1."""
    from ..ops.math_ops import range as _range
    with name_scope(name or "input_producer"):
        r = _range(limit)
    return input_producer(r, TensorShape([]), num_epochs, shuffle, seed, capacity, shared_name, name=name)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32, shared_name=None,
                         name=None):
    """One row of each tensor per dequeue: the tensors sliced in step along their first dimension."""
    tensors = [convert_to_tensor(t) for t in tensor_list]
    with name_scope(name or "input_producer"):
        n = _a.shape(tensors[0], out_type=_dtypes.int32)[0]
    q = range_input_producer(n, num_epochs, shuffle, seed, capacity, shared_name, name)
    i = q.dequeue()
    return [_a.gather(t, i) for t in tensors]


def _as_list(tensors):
    if isinstance(tensors, dict):
        keys = sorted(tensors)
        return [tensors[k] for k in keys], lambda outs: dict(zip(keys, outs))
    if isinstance(tensors, (list, tuple)):
        return list(tensors), lambda outs: type(tensors)(outs) if isinstance(tensors, tuple) else list(outs)
    return [tensors], lambda outs: outs[0]


def _queue_parts(tensors, enqueue_many, shapes, dynamic_pad=False):
    flat, pack = _as_list(tensors)
    flat = [t if isinstance(t, Tensor) else convert_to_tensor(t) for t in flat]
    if shapes is None:
        shapes = [TensorShape(t.shape.dim_sizes[1:]) if enqueue_many and t.shape.dim_sizes is not None else t.shape
                  for t in flat]
    shapes = [TensorShape(s) for s in shapes]
    if not dynamic_pad and not all(s.is_fully_defined() for s in shapes):
        raise ValueError("All shapes must be fully defined: %s" % shapes)
    return flat, pack, shapes


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None, dynamic_pad=False,
          allow_smaller_final_batch=False, shared_name=None, name=None):
    """Batches of `batch_size` from a FIFO queue filled one example (or `enqueue_many` rows) at a time."""
    flat, pack, shapes = _queue_parts(tensors, enqueue_many, shapes, dynamic_pad)
    with name_scope(name or "batch") as scope:
        if dynamic_pad:
            if any(s.ndims is None for s in shapes):
                raise ValueError("All shapes must have a defined rank when dynamic_pad=True: %s" % shapes)
            q = _q.PaddingFIFOQueue(capacity, [t.dtype.base_dtype for t in flat], shapes, shared_name=shared_name)
        else:
            q = _q.FIFOQueue(capacity, [t.dtype.base_dtype for t in flat], shapes, shared_name=shared_name)
        enq = q.enqueue_many(flat) if enqueue_many else q.enqueue(flat)
        add_queue_runner(QueueRunner(q, [enq] * num_threads))
        out = q.dequeue_up_to(batch_size, name=scope) if allow_smaller_final_batch else \
            q.dequeue_many(batch_size, name=scope)
    return pack(out if isinstance(out, list) else [out])


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None, enqueue_many=False,
                  shapes=None, allow_smaller_final_batch=False, shared_name=None, name=None):
    """Batches drawn at random from a RandomShuffleQueue holding at least `min_after_dequeue` examples."""
    flat, pack, shapes = _queue_parts(tensors, enqueue_many, shapes)
    with name_scope(name or "shuffle_batch") as scope:
        q = _q.RandomShuffleQueue(capacity, min_after_dequeue, [t.dtype.base_dtype for t in flat], shapes, seed=seed,
                                  shared_name=shared_name)
        enq = q.enqueue_many(flat) if enqueue_many else q.enqueue(flat)
        add_queue_runner(QueueRunner(q, [enq] * num_threads))
        out = q.dequeue_up_to(batch_size, name=scope) if allow_smaller_final_batch else \
            q.dequeue_many(batch_size, name=scope)
    return pack(out if isinstance(out, list) else [out])
