"""tf.nn.rnn_cell: recurrent cells (BasicRNN, BasicLSTM, LSTM with peepholes/projection, GRU), stacking, dropout.

A cell maps (inputs, state) -> (output, new_state). Its variables are made by tf.get_variable under the cell's
scope on the first call (`rnn/basic_lstm_cell/kernel`, as TF names them) and reused on later calls.
"""
from __future__ import annotations

import collections
import numbers

from ..framework import dtypes as _dtypes
from ..framework.graph import Tensor, convert_to_tensor, name_scope
from ..framework.opdef import constant_value
from ..framework.shapes import TensorShape
from . import array_ops as _a
from . import init_ops
from . import math_ops as _m
from .nn_impl import dropout
from .nn_ops import bias_add
from .variable_scope import get_variable, variable_scope

__all__ = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell", "DropoutWrapper",
           "LSTMStateTuple", "ResidualWrapper"]


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """An LSTM state: the cell state `c` and the output `h`."""

    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError("Inconsistent internal state: %s vs %s" % (c.dtype, h.dtype))
        return c.dtype


def _flatten(x):
    if isinstance(x, (list, tuple)):
        out = []
        for i in x:
            out.extend(_flatten(i))
        return out
    return [x]


def _map_size(size, fn):
    """Apply fn to every integer/TensorShape leaf of a state-size structure, keeping the structure."""
    if isinstance(size, LSTMStateTuple):
        return LSTMStateTuple(_map_size(size.c, fn), _map_size(size.h, fn))
    if isinstance(size, tuple) and not isinstance(size, TensorShape):
        return tuple(_map_size(s, fn) for s in size)
    return fn(size)


class RNNCell:
    """Base of the cells: `state_size`, `output_size`, `zero_state`, and variable scoping on `__call__`."""

    _base_name = "rnn_cell"

    def __init__(self, trainable=True, name=None, dtype=None, _reuse=None, **kwargs):
        self.trainable = trainable
        self._name = name
        self._dtype = None if dtype is None else _dtypes.as_dtype(dtype)
        self._reuse = _reuse
        self._scope = None
        self._weights = []
        self.name = name if name is not None else self._base_name

    @property
    def state_size(self):
        raise NotImplementedError

    @property
    def output_size(self):
        raise NotImplementedError

    @property
    def trainable_weights(self) -> list:
        return list(self._weights) if self.trainable else []

    @property
    def weights(self) -> list:
        return list(self._weights)

    variables = weights
    trainable_variables = trainable_weights

    def zero_state(self, batch_size, dtype):
        """Zeros in the structure of `state_size`, each [batch_size, size]."""
        with name_scope(type(self).__name__ + "ZeroState"):
            return _map_size(self.state_size, lambda n: _a.zeros(_concat_batch(batch_size, n), dtype=dtype))

    def _weight(self, name, shape, initializer=None, dtype=None):
        v = get_variable(name, shape=shape, dtype=dtype or self._dtype or _dtypes.float32, initializer=initializer,
                         trainable=self.trainable)
        if v not in self._weights:
            self._weights.append(v)
        return v

    def __call__(self, inputs, state, scope=None):
        if scope is not None:
            with variable_scope(scope, reuse=True if self._scope is not None else self._reuse) as vs:
                self._scope = vs
                return self._call_checked(inputs, state)
        if self._scope is None:
            with variable_scope(self._name, default_name=self._base_name, reuse=self._reuse) as vs:
                self._scope = vs
                self.name = vs.name.split("/")[-1]
                return self._call_checked(inputs, state)
        with variable_scope(self._scope, reuse=True, auxiliary_name_scope=False):
            with name_scope(self._scope.original_name_scope):
                return self._call_checked(inputs, state)

    def _call_checked(self, inputs, state):
        if not isinstance(inputs, Tensor):
            inputs = convert_to_tensor(inputs)
        if self._dtype is None:
            self._dtype = inputs.dtype.base_dtype
        return self.call(inputs, state)

    def call(self, inputs, state):
        raise NotImplementedError


def _concat_batch(batch_size, n):
    n = n.as_list() if isinstance(n, TensorShape) else [n]
    if isinstance(batch_size, Tensor):
        b = constant_value(batch_size)
        if b is None:
            return _a.concat([_a.reshape(batch_size, [1]), _a.constant(n, _dtypes.int32)], 0)
        batch_size = int(b)
    return [int(batch_size)] + n


def _input_depth(inputs) -> int:
    d = inputs.shape.with_rank(2)[1] if inputs.shape.ndims is not None else None
    d = getattr(d, "value", d)
    if d is None:
        raise ValueError("Expected inputs.shape[-1] to be known, saw shape: %s" % inputs.shape)
    return int(d)


def _activation(fn):
    return _m.tanh if fn is None else fn


class BasicRNNCell(RNNCell):
    """output = new_state = activation(W [inputs, state] + b)."""

    _base_name = "basic_rnn_cell"

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = num_units
        self._act = _activation(activation)

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def call(self, inputs, state):
        depth = _input_depth(inputs)
        kernel = self._weight("kernel", [depth + self._num_units, self._num_units])
        bias = self._weight("bias", [self._num_units], init_ops.zeros_initializer())
        out = self._act(bias_add(_m.matmul(_a.concat([inputs, state], 1), kernel), bias))
        return out, out


class BasicLSTMCell(RNNCell):
    """The LSTM of Zaremba et al.: gates i, j, f, o from one matmul; forget_bias added to f."""

    _base_name = "basic_lstm_cell"

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._act = _activation(activation)

    @property
    def state_size(self):
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    @property
    def output_size(self):
        return self._num_units

    def call(self, inputs, state):
        n = self._num_units
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = _a.split(state, 2, axis=1)
        depth = _input_depth(inputs)
        kernel = self._weight("kernel", [depth + n, 4 * n])
        bias = self._weight("bias", [4 * n], init_ops.zeros_initializer())
        gates = bias_add(_m.matmul(_a.concat([inputs, h], 1), kernel), bias)
        i, j, f, o = _a.split(gates, 4, axis=1)
        fb = _a.constant(self._forget_bias, dtype=f.dtype)
        new_c = _m.add(_m.multiply(c, _m.sigmoid(_m.add(f, fb))), _m.multiply(_m.sigmoid(i), self._act(j)))
        new_h = _m.multiply(self._act(new_c), _m.sigmoid(o))
        new_state = LSTMStateTuple(new_c, new_h) if self._state_is_tuple else _a.concat([new_c, new_h], 1)
        return new_h, new_state


class LSTMCell(RNNCell):
    """The LSTM with optional peephole connections, cell clipping and an output projection."""

    _base_name = "lstm_cell"

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None, num_proj=None,
                 proj_clip=None, num_unit_shards=None, num_proj_shards=None, forget_bias=1.0, state_is_tuple=True,
                 activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._act = _activation(activation)

    @property
    def state_size(self):
        n, p = self._num_units, self._num_proj or self._num_units
        return LSTMStateTuple(n, p) if self._state_is_tuple else n + p

    @property
    def output_size(self):
        return self._num_proj or self._num_units

    def call(self, inputs, state):
        n = self._num_units
        p = self._num_proj or n
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = _a.slice(state, [0, 0], [-1, n])
            m_prev = _a.slice(state, [0, n], [-1, p])
        depth = _input_depth(inputs)
        kernel = self._weight("kernel", [depth + p, 4 * n], self._initializer)
        bias = self._weight("bias", [4 * n], init_ops.zeros_initializer())
        lstm = bias_add(_m.matmul(_a.concat([inputs, m_prev], 1), kernel), bias)
        i, j, f, o = _a.split(lstm, 4, axis=1)
        fb = _a.constant(self._forget_bias, dtype=f.dtype)
        if self._use_peepholes:
            w_f = self._weight("w_f_diag", [n], self._initializer)
            w_i = self._weight("w_i_diag", [n], self._initializer)
            w_o = self._weight("w_o_diag", [n], self._initializer)
            c = _m.add(_m.multiply(_m.sigmoid(f + fb + w_f * c_prev), c_prev),
                       _m.multiply(_m.sigmoid(i + w_i * c_prev), self._act(j)))
        else:
            c = _m.add(_m.multiply(_m.sigmoid(f + fb), c_prev), _m.multiply(_m.sigmoid(i), self._act(j)))
        if self._cell_clip is not None:
            c = _m.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = _m.multiply(_m.sigmoid(o + w_o * c), self._act(c))
        else:
            m = _m.multiply(_m.sigmoid(o), self._act(c))
        if self._num_proj is not None:
            with variable_scope("projection"):
                proj = self._weight("kernel", [n, self._num_proj], self._initializer)
            m = _m.matmul(m, proj)
            if self._proj_clip is not None:
                m = _m.clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else _a.concat([c, m], 1)
        return m, new_state


class GRUCell(RNNCell):
    """The gated recurrent unit (Cho et al. 2014): reset and update gates, then a candidate state."""

    _base_name = "gru_cell"

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None, bias_initializer=None,
                 name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = num_units
        self._act = _activation(activation)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def call(self, inputs, state):
        n = self._num_units
        depth = _input_depth(inputs)
        with variable_scope("gates"):
            gk = self._weight("kernel", [depth + n, 2 * n], self._kernel_initializer)
            gb = self._weight("bias", [2 * n], self._bias_initializer or init_ops.constant_initializer(1.0))
        with variable_scope("candidate"):
            ck = self._weight("kernel", [depth + n, n], self._kernel_initializer)
            cb = self._weight("bias", [n], self._bias_initializer or init_ops.zeros_initializer())
        value = _m.sigmoid(bias_add(_m.matmul(_a.concat([inputs, state], 1), gk), gb))
        r, u = _a.split(value, 2, axis=1)
        cand = self._act(bias_add(_m.matmul(_a.concat([inputs, r * state], 1), ck), cb))
        new_h = u * state + (1 - u) * cand
        return new_h, new_h


class MultiRNNCell(RNNCell):
    """Cells stacked: each cell's output is the next one's input; the state is a tuple of their states."""

    _base_name = "multi_rnn_cell"

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not isinstance(cells, (list, tuple)):
            raise TypeError("cells must be a list or tuple, but saw: %s." % (cells,))
        if len(set(id(c) for c in cells)) < len(cells):
            import warnings
            warnings.warn("At least two cells provided to MultiRNNCell are the same object and will share weights.")
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(c.state_size for c in self._cells)
        return sum(c.state_size for c in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    @property
    def weights(self) -> list:
        return [w for c in self._cells for w in c.weights]

    trainable_weights = weights
    variables = weights
    trainable_variables = weights

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            if self._state_is_tuple:
                return tuple(c.zero_state(batch_size, dtype) for c in self._cells)
            return super().zero_state(batch_size, dtype)

    def call(self, inputs, state):
        cur = inputs
        new_states = []
        offset = 0
        for i, cell in enumerate(self._cells):
            with variable_scope("cell_%d" % i):
                if self._state_is_tuple:
                    s = state[i]
                else:
                    size = cell.state_size
                    s = _a.slice(state, [0, offset], [-1, size])
                    offset += size
                cur, ns = cell(cur, s)
                new_states.append(ns)
        return cur, (tuple(new_states) if self._state_is_tuple else _a.concat(new_states, 1))


def _keep(p) -> bool:
    """True when keep probability `p` is a constant 1 (TF then adds no dropout op)."""
    if isinstance(p, numbers.Real):
        if not 0.0 < p <= 1.0:
            raise ValueError("Parameter input_keep_prob must be between 0 and 1: %d" % p)
        return p == 1.0
    return False


class DropoutWrapper(RNNCell):
    """Dropout on a cell's inputs, outputs and/or state, with keep probabilities (tensors or floats)."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None):
        super().__init__()
        if variational_recurrent:
            raise NotImplementedError("tfsess: DropoutWrapper(variational_recurrent=True) is not implemented; "
                                      "use the default (a new mask each time step).")
        self._cell = cell
        self._probs = (input_keep_prob, output_keep_prob, state_keep_prob)
        for p in self._probs:
            _keep(p)
        self._seed = seed

    @property
    def wrapped_cell(self):
        return self._cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    @property
    def weights(self) -> list:
        return self._cell.weights

    trainable_weights = weights
    variables = weights

    def zero_state(self, batch_size, dtype):
        return self._cell.zero_state(batch_size, dtype)

    def _drop(self, x, p, salt):
        if _keep(p):
            return x
        seed = None if self._seed is None else self._seed + salt
        return dropout(x, keep_prob=p, seed=seed)

    def __call__(self, inputs, state, scope=None):
        pi, po, ps = self._probs
        inputs = self._drop(inputs, pi, 0)
        out, new_state = self._cell(inputs, state, scope=scope)
        if not _keep(ps):  # TF's default filter: an LSTM's c is kept, every other state part dropped
            salt = iter(range(1, 1 << 30))
            new_state = _map_state(new_state, lambda t: self._drop(t, ps, next(salt)))
        out = self._drop(out, po, 99)
        return out, new_state


class ResidualWrapper(RNNCell):
    """A cell whose output is its input plus the wrapped cell's output."""

    def __init__(self, cell, residual_fn=None):
        super().__init__()
        self._cell = cell
        self._fn = residual_fn

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        return self._cell.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        out, new_state = self._cell(inputs, state, scope=scope)
        return (self._fn(inputs, out) if self._fn else inputs + out), new_state


def _map_state(state, fn):
    if isinstance(state, LSTMStateTuple):
        return LSTMStateTuple(state.c, _map_state(state.h, fn))
    if isinstance(state, (tuple, list)):
        return type(state)(_map_state(s, fn) for s in state)
    return fn(state)


def _pack(structure, flat):
    it = iter(flat)

    def rebuild(x):
        if isinstance(x, LSTMStateTuple):
            return LSTMStateTuple(rebuild(x.c), rebuild(x.h))
        if isinstance(x, tuple):
            return tuple(rebuild(i) for i in x)
        if isinstance(x, list):
            return [rebuild(i) for i in x]
        return next(it)
    return rebuild(structure)
