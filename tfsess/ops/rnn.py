"""tf.nn.dynamic_rnn / static_rnn / bidirectional_dynamic_rnn: a cell unrolled over time.

dynamic_rnn runs the cell inside a tf.while_loop over TensorArrays (ops under `rnn/while/`, variables
`rnn/<cell>/kernel`), as TF does; static_rnn calls the cell once per time step in the graph.
Past an example's `sequence_length`, outputs are zero and its state is carried through unchanged.
"""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.graph import Tensor, convert_to_tensor
from ..framework.opdef import OpDef, op_scope
from ..framework.shapes import TensorShape
from . import array_ops as _a
from . import math_ops as _m
from .rnn_cell_impl import _flatten, _pack
from .tensor_array_ops import TensorArray
from .variable_scope import variable_scope
from .while_loop import while_loop

__all__ = ["dynamic_rnn", "static_rnn", "bidirectional_dynamic_rnn", "static_bidirectional_rnn", "reverse_sequence"]


class ReverseSequence(OpDef):
    """Reverses the first seq_lengths[b] entries along seq_dim of each slice b along batch_dim."""

    type_name = "ReverseSequence"
    kernel_attrs = ("seq_dim", "batch_dim")

    @staticmethod
    def shape(op, d, s):
        return d

    @staticmethod
    def kernel(x, lengths, seq_dim, batch_dim):
        x = np.asarray(x)
        out = x.copy()
        for b, n in enumerate(np.asarray(lengths).reshape(-1)):
            n = int(n)
            if n < 0 or n > x.shape[seq_dim]:
                from ..framework.errors import InvalidArgumentError
                raise InvalidArgumentError(None, None, "seq_lens(%d) > input.dims(%d)" % (b, seq_dim))
            src = [slice(None)] * x.ndim
            src[batch_dim] = b
            src[seq_dim] = slice(0, n)
            dst = list(src)
            dst[seq_dim] = slice(n - 1, None, -1) if n else slice(0, 0)
            out[tuple(src)] = x[tuple(dst)]
        return out

    @staticmethod
    def grad(op, g):
        return [reverse_sequence(g, op.inputs[1], op.attrs["seq_dim"], op.attrs["batch_dim"]), None]


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None, seq_dim=None,  # noqa: A002
                     batch_dim=None) -> Tensor:
    """Reverse variable-length slices (tf.reverse_sequence)."""
    seq_axis = seq_dim if seq_axis is None else seq_axis
    batch_axis = (batch_dim if batch_dim is not None else 0) if batch_axis is None else batch_axis
    with op_scope(name, "ReverseSequence", [input, seq_lengths]) as s:
        x = s.convert(input, "input")
        n = s.convert(seq_lengths, "seq_lengths", dtype_hint=_dtypes.int64)
        return s.make(ReverseSequence, [x, n], {"T": x.dtype, "Tlen": n.dtype, "seq_dim": int(seq_axis),
                                                "batch_dim": int(batch_axis)}).outputs[0]


def _transpose_batch_time(x):
    nd = x.shape.ndims
    if nd is not None and nd < 2:
        raise ValueError("Expected input tensor %s to have rank at least 2, but saw shape: %s" % (x, x.shape))
    perm = [1, 0] + list(range(2, nd)) if nd is not None else None
    return _a.transpose(x, perm)


def _mask(time, sequence_length, dtype):
    """1.0 for the batch entries still running at `time`, else 0.0, shaped [batch, 1]."""
    return _a.expand_dims(_m.cast(_m.less(time, sequence_length), dtype), 1)


def _carry(mask, new, old):
    return _pack(new, [n * mask + o * (1 - mask) for n, o in zip(_flatten(new), _flatten(old))])


def _initial_state(cell, initial_state, dtype, batch_size):
    if initial_state is not None:
        return initial_state
    if dtype is None:
        raise ValueError("If there is no initial_state, you must give a dtype.")
    return cell.zero_state(batch_size, dtype)


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None, parallel_iterations=None,
                swap_memory=False, time_major=False, scope=None):
    """Run `cell` over the time axis of `inputs` in a while loop; returns (outputs, final_state)."""
    if not callable(cell):
        raise TypeError("cell must be an instance of RNNCell")
    with variable_scope(scope or "rnn"):
        x = inputs if isinstance(inputs, Tensor) else convert_to_tensor(inputs)
        if not time_major:
            x = _transpose_batch_time(x)  # [time, batch, depth]
        dims = x.shape.dim_sizes
        if dims is None or len(dims) != 3 or dims[2] is None:
            raise ValueError("Input size (depth of inputs) must be accessible via shape inference, but saw value "
                             "None.")
        steps_static, batch_static = dims[0], dims[1]
        batch_size = batch_static if batch_static is not None else _a.shape(x)[1]
        state = _initial_state(cell, initial_state, dtype, batch_size)
        dt = _flatten(state)[0].dtype.base_dtype
        if sequence_length is not None:
            sequence_length = _m.to_int32(sequence_length)
            if sequence_length.shape.ndims not in (None, 1):
                raise ValueError("sequence_length must be a vector of length batch_size, but saw shape: %s"
                                 % sequence_length.shape)
            sequence_length = _a.identity(sequence_length, name="sequence_length")
        time_steps = steps_static if steps_static is not None else _a.shape(x)[0]
        time = _a.constant(0, _dtypes.int32, name="time")
        out_size = cell.output_size
        out_ta = TensorArray(dt, size=time_steps, element_shape=TensorShape([batch_static, out_size]),
                             tensor_array_name="rnn/output_0")
        in_ta = TensorArray(x.dtype.base_dtype, size=time_steps, element_shape=TensorShape([batch_static, dims[2]]),
                            tensor_array_name="rnn/input_0").unstack(x)

        def body(t, ta, st):
            inp = in_ta.read(t)
            inp.set_shape([batch_static, dims[2]])
            out, new_st = cell(inp, st)
            if sequence_length is not None:
                m = _mask(t, sequence_length, out.dtype.base_dtype)
                out = out * m
                new_st = _carry(m, new_st, st)
            return t + 1, ta.write(t, out), new_st

        _, out_ta, final = while_loop(lambda t, *_: t < time_steps, body, (time, out_ta, state),
                                      parallel_iterations=parallel_iterations or 32, swap_memory=swap_memory,
                                      maximum_iterations=time_steps)
        outputs = out_ta.stack()
        outputs.set_shape([steps_static, batch_static, out_size])
        if not time_major:
            outputs = _transpose_batch_time(outputs)
        return outputs, final


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """Run `cell` over a Python list of [batch, depth] inputs; returns (list of outputs, final_state)."""
    if not isinstance(inputs, (list, tuple)):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with variable_scope(scope or "rnn"):
        first = inputs[0]
        b = first.shape.dim_sizes[0] if first.shape.dim_sizes is not None else None
        state = _initial_state(cell, initial_state, dtype, b if b is not None else _a.shape(first)[0])
        if sequence_length is not None:
            sequence_length = _a.identity(_m.to_int32(sequence_length), name="sequence_length")
        outputs = []
        for t, inp in enumerate(inputs):
            out, new_state = cell(inp, state)
            if sequence_length is not None:
                m = _mask(t, sequence_length, out.dtype.base_dtype)
                out = out * m
                new_state = _carry(m, new_state, state)
            outputs.append(out)
            state = new_state
        return outputs, state


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None, initial_state_fw=None,
                              initial_state_bw=None, dtype=None, parallel_iterations=None, swap_memory=False,
                              time_major=False, scope=None):
    """A forward and a backward dynamic_rnn; returns ((out_fw, out_bw), (state_fw, state_bw))."""
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, st_fw = dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw, dtype,
                                        parallel_iterations, swap_memory, time_major, scope=fw_scope)
        t_axis, b_axis = (0, 1) if time_major else (1, 0)

        def rev(x):
            if sequence_length is not None:
                return reverse_sequence(x, sequence_length, seq_axis=t_axis, batch_axis=b_axis)
            return _a.reverse(x, [t_axis])
        with variable_scope("bw") as bw_scope:
            tmp, st_bw = dynamic_rnn(cell_bw, rev(inputs), sequence_length, initial_state_bw, dtype,
                                     parallel_iterations, swap_memory, time_major, scope=bw_scope)
        return (out_fw, rev(tmp)), (st_fw, st_bw)


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None, initial_state_bw=None, dtype=None,
                             sequence_length=None, scope=None):
    """static_rnn forwards and backwards; outputs are the per-step concatenation [fw, bw]."""
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, st_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype, sequence_length, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            if sequence_length is not None:
                stacked = _a.stack(list(inputs), 1)
                rev_in = _a.unstack(reverse_sequence(stacked, sequence_length, 1, 0), axis=1)
            else:
                rev_in = list(reversed(inputs))
            tmp, st_bw = static_rnn(cell_bw, rev_in, initial_state_bw, dtype, sequence_length, scope=bw_scope)
            if sequence_length is not None:
                out_bw = _a.unstack(reverse_sequence(_a.stack(tmp, 1), sequence_length, 1, 0), axis=1)
            else:
                out_bw = list(reversed(tmp))
        outputs = [_a.concat([f, b], 1) for f, b in zip(out_fw, out_bw)]
        return outputs, st_fw, st_bw
