"""Optimizer update ops (ApplyGradientDescent, ApplyAdam ...): each updates a variable and its slots.

Inputs taken by reference (the variable and its slot variables) are read from and written to the
session's variable store; the run's undo log restores them if the run fails.
"""
from __future__ import annotations

import inspect
import re
import textwrap

import numpy as np

from ..framework import parallel
from ..framework.errors import InvalidArgumentError
from ..framework.opdef import OpDef, op_scope
from ..framework.shapes import fmt_dims
from ..framework.runtime import uninitialized_error, write_variable
from ..ops.variables import _ref_of

__all__ = ["apply_gradient_descent", "apply_momentum", "apply_adam", "apply_adagrad", "apply_rms_prop"]


class _ApplyOp(OpDef):
    """Base: the first `n_refs` inputs are variables updated in place; output 0 is the new variable value."""

    stateful = True
    needs_ctx = True
    n_refs = 1
    kernel_attrs = ()
    grad = None

    def __init_subclass__(cls, **kwargs):
        cls.ref_inputs = tuple(range(cls.n_refs))
        super().__init_subclass__(**kwargs)

    @classmethod
    def outputs(cls, op):
        var = op.inputs[0]
        g = op.inputs[-1] if cls.grad_index is None else op.inputs[cls.grad_index]
        vd, gd = var.shape.dim_sizes, g.shape.dim_sizes
        if vd is not None and gd is not None and (len(vd) != len(gd) or any(
                a is not None and b is not None and a != b for a, b in zip(vd, gd))):
            raise ValueError("Shapes must be equal rank, but are %d and %d for '%s' (op: '%s') with input shapes: "
                             "%s, %s." % (len(vd), len(gd), op.name, op.type, fmt_dims(vd), fmt_dims(gd))
                             if len(vd) != len(gd) else
                             "Dimension mismatch between var %s and grad %s for '%s' (op: '%s')."
                             % (fmt_dims(vd), fmt_dims(gd), op.name, op.type))
        return [(var.dtype, vd)]

    grad_index = None

    @classmethod
    def bind(cls, op, session):
        n = cls.n_refs
        var_ops = [op.inputs[i].op for i in range(n)]
        store = session.variable_store
        update = cls.update
        kw = {a: op.attrs[a] for a in cls.kernel_attrs}
        gi = -1 if cls.grad_index is None else cls.grad_index - n

        def apply(undo, *values):
            cur = [_current(store, v, op) for v in var_ops]
            _check_grad(cur[0], values[gi], op)
            new = update(*cur, *values, **kw)
            for v, old, a in zip(var_ops, cur, new):
                _store(store, undo, v, old, a)
            return store[var_ops[0]]
        return apply

    @classmethod
    def numpy_source(cls, op, args):
        """The update as NumPy: this op's own `update` function (its source), on the variables' values; a tuple
        of the new values of the n_refs variables, each in its variable's dtype (as `_store` keeps them)."""
        if not hasattr(cls, "update"):
            return None
        try:
            update_src = textwrap.dedent(inspect.getsource(cls.update))
        except (OSError, TypeError):  # no source files (a frozen install): no NumPy form
            return None
        name = "_" + re.sub(r"(?<!^)(?=[A-Z])", "_", cls.type_name).lower()
        update_src = update_src.replace("@staticmethod\n", "", 1).replace("def update(", "def %s(" % name, 1)
        kw = ["%s=%r" % (a, op.get_attr(a)) for a in cls.kernel_attrs]
        helpers = {name: update_src, "_s": _S_SRC, "_apply_update": _APPLY_UPDATE_SRC}
        if "_blockwise(" in update_src:
            helpers.update(_fused_helpers_source())
        return ("_apply_update(%s, %d, %s)" % (name, cls.n_refs, ", ".join(args + kw)), helpers)


def _current(store, var_op, op):
    """The variable's value before the update (FailedPreconditionError if uninitialized)."""
    cur = store.get(var_op)
    if cur is None:
        raise uninitialized_error(var_op, op)
    return cur


def _check_grad(cur, grad, op):
    if np.shape(grad) != cur.shape:
        raise InvalidArgumentError(None, op, "var and grad do not have the same shape%s %s"
                                   % (fmt_dims(cur.shape), fmt_dims(np.shape(grad))))


def _store(store, undo, var_op, old, new):
    """Install the updated value in the variable's dtype (write_variable keeps the old one for rollback)."""
    if type(new) is not np.ndarray or new.dtype != old.dtype:
        new = np.array(new, dtype=old.dtype)
    write_variable(store, undo, var_op, new)


def _s(x, like):
    return np.asarray(x, dtype=like.dtype)


# Fused updates: each optimizer's formula runs block by block over the flattened variable, so that its
# temporaries (two per block) stay in cache and every result is written once into its new array. Big variables
# are updated by several threads at once (framework/parallel.py) when the run may use more than one.
_BLOCK = 1 << 15      # elements per block for big variables on one thread (128 KB of float32)
_WHOLE = 1 << 18      # variables up to this size are updated in one block by one thread
_PAR_MIN = 1 << 17    # variables from this size are split across threads
_PAR_BLOCK = 1 << 17  # elements per block (at most) when several threads share a variable


def _flat(a):
    return a.reshape(-1)


def _like(grad, var):
    g = np.asarray(grad)
    return g if g.dtype == var.dtype else g.astype(var.dtype)


def _blockwise(size, dtype, block):
    """Call block(slice, tmp1, tmp2) over [0, size) in cache-sized pieces (tmps: scratch of the slice's length);
    the blocks of a big variable are shared among the run's threads."""
    if size >= _PAR_MIN and parallel.threads() > 1:
        _parallel_blocks(size, dtype, block)
    else:
        _serial_blocks(size, dtype, block)


def _serial_blocks(size, dtype, block):
    """_blockwise on the calling thread alone (also the exported NumPy programs' _blockwise)."""
    step = size if size <= _WHOLE else _BLOCK
    t, u = np.empty(step, dtype), np.empty(step, dtype)
    for start in range(0, size, step):
        n = min(step, size - start)
        block(slice(start, start + n), t[:n], u[:n])


def _parallel_blocks(size, dtype, block):
    """_blockwise on the run's threads: every thread gets its own scratch, allocated here in the calling one."""
    count = max(-(-size // _PAR_BLOCK), parallel.threads() * 2)   # two pieces a thread at least: load balance
    step = -(-size // count)
    count = -(-size // step)
    scratch = np.empty((parallel.lanes(count), 2, step), dtype)

    def piece(lane, i):
        start = i * step
        n = min(step, size - start)
        t, u = scratch[lane]
        block(slice(start, start + n), t[:n], u[:n])
    parallel.run(piece, count)


_S_SRC = """
def _s(x, like):
    return np.asarray(x, dtype=like.dtype)
"""   # export_numpy's copy of _s, for the update functions' source
_APPLY_UPDATE_SRC = """
def _apply_update(update, n_refs, *args, **attrs):
    \"\"\"An optimizer step: the new values of the first n_refs arguments (variables), in their dtypes.\"\"\"
    new = update(*args, **attrs)
    return tuple(np.asarray(a, dtype=old.dtype) for old, a in zip(args[:n_refs], new))
"""


def _fused_helpers_source():
    """{name: source} of the helpers the fused update functions call, for export_numpy."""
    out = {"_BLOCK": "_BLOCK = %d\n_WHOLE = %d\n" % (_BLOCK, _WHOLE)}
    for fn in (_flat, _like):
        out[fn.__name__] = textwrap.dedent(inspect.getsource(fn))
    out["_blockwise"] = textwrap.dedent(inspect.getsource(_serial_blocks)).replace(
        "def _serial_blocks(", "def _blockwise(", 1)
    return out


class ApplyGradientDescent(_ApplyOp):
    """var -= alpha * delta."""

    type_name = "ApplyGradientDescent"

    @classmethod
    def bind(cls, op, session):
        var_op = op.inputs[0].op
        store = session.variable_store

        get = store.get
        dtype = np.dtype(op.inputs[0].dtype.base_dtype.as_numpy_dtype)
        ndarray = np.ndarray

        def apply_gd(undo, alpha, delta):  # the hot path of every SGD step: kept inline and lean
            cur = get(var_op)
            if cur is None or type(delta) is not ndarray or delta.shape != cur.shape:
                _check_grad(_current(store, var_op, op), delta, op)
            step = delta * alpha
            if type(step) is np.ndarray and step.dtype is dtype:
                new = np.subtract(cur, step, out=step) if step.size > 4096 else cur - step
            else:
                new = np.array(cur - step, dtype=dtype)
            write_variable(store, undo, var_op, new)
            return new
        return apply_gd

    @classmethod
    def numpy_source(cls, op, args):
        var, alpha, delta = args
        return "np.asarray(%s - %s * %s, dtype=%r)" % (var, delta, alpha, op.inputs[0].dtype.base_dtype.name)


class ApplyMomentum(_ApplyOp):
    """accum = accum * momentum + grad; var -= lr * accum (Nesterov: var -= lr * (grad + momentum * accum))."""

    type_name = "ApplyMomentum"
    n_refs = 2
    grad_index = 3
    kernel_attrs = ("use_nesterov",)

    @staticmethod
    def update(var, accum, lr, grad, momentum, use_nesterov):
        lr, momentum = _s(lr, var), _s(momentum, var)
        out = [np.empty(var.shape, var.dtype) for _ in range(2)]
        g = _like(grad, var)

        def block(sl, t, u, var=_flat(var), accum=_flat(accum), g=_flat(g), var_n=out[0].reshape(-1),
                  acc_n=out[1].reshape(-1)):
            gb, an = g[sl], acc_n[sl]
            np.multiply(accum[sl], momentum, out=an)   # accum = accum * momentum + grad
            an += gb
            if use_nesterov:                           # var -= grad * lr + accum * momentum * lr
                np.multiply(an, momentum, out=t)
                t *= lr
                np.multiply(gb, lr, out=u)
                u += t
            else:                                      # var -= lr * accum
                np.multiply(an, lr, out=u)
            np.subtract(var[sl], u, out=var_n[sl])
        _blockwise(var.size, var.dtype, block)
        return out


class ApplyAdam(_ApplyOp):
    """Adam: bias-corrected step from first and second moment estimates m and v (TF's formula, fused)."""

    type_name = "ApplyAdam"
    n_refs = 3
    kernel_attrs = ("use_nesterov",)

    @staticmethod
    def update(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad, use_nesterov):
        b1p, b2p, lr, b1, b2, eps = (_s(x, var) for x in (beta1_power, beta2_power, lr, beta1, beta2, epsilon))
        one = _s(1, var)
        alpha = lr * np.sqrt(one - b2p) / (one - b1p)
        c1, c2 = one - b1, one - b2
        out = [np.empty(var.shape, var.dtype) for _ in range(3)]
        g = _like(grad, var)

        def block(sl, t, u, var=_flat(var), m=_flat(m), v=_flat(v), g=_flat(g),
                  var_n=out[0].reshape(-1), m_n=out[1].reshape(-1), v_n=out[2].reshape(-1)):
            gb, mb, vb, mn, vn = g[sl], m[sl], v[sl], m_n[sl], v_n[sl]
            np.subtract(gb, mb, out=t)       # m += (g - m) * (1 - beta1)
            t *= c1
            np.add(mb, t, out=mn)
            np.multiply(gb, gb, out=t)       # v += (g * g - v) * (1 - beta2)
            t -= vb
            t *= c2
            np.add(vb, t, out=vn)
            np.sqrt(vn, out=t)               # var -= m * alpha / (sqrt(v) + epsilon)
            t += eps
            if use_nesterov:                 # (m * beta1 + g * (1 - beta1)) * alpha, with no temporary
                np.multiply(gb, c1, out=u)
                u += np.multiply(mn, b1, out=var_n[sl])
                u *= alpha
            else:
                np.multiply(mn, alpha, out=u)
            u /= t
            np.subtract(var[sl], u, out=var_n[sl])
        _blockwise(var.size, var.dtype, block)
        return out


class ApplyAdagrad(_ApplyOp):
    """accum += grad^2; var -= lr * grad / sqrt(accum)."""

    type_name = "ApplyAdagrad"
    n_refs = 2

    @staticmethod
    def update(var, accum, lr, grad):
        accum = accum + grad * grad
        return var - _s(lr, var) * grad / np.sqrt(accum), accum


class ApplyRMSProp(_ApplyOp):
    """ms = rho * ms + (1 - rho) * grad^2; mom = momentum * mom + lr * grad / sqrt(ms + eps); var -= mom."""

    type_name = "ApplyRMSProp"
    n_refs = 3

    @staticmethod
    def update(var, ms, mom, lr, rho, momentum, epsilon, grad):
        lr, rho, momentum, eps = (_s(x, var) for x in (lr, rho, momentum, epsilon))
        c = _s(1, var) - rho
        out = [np.empty(var.shape, var.dtype) for _ in range(3)]
        g = _like(grad, var)

        def block(sl, t, u, var=_flat(var), ms=_flat(ms), mom=_flat(mom), g=_flat(g), var_n=out[0].reshape(-1),
                  ms_n=out[1].reshape(-1), mom_n=out[2].reshape(-1)):
            gb, sn, mn = g[sl], ms_n[sl], mom_n[sl]
            np.multiply(gb, gb, out=t)          # ms += (g * g - ms) * (1 - rho)
            t -= ms[sl]
            t *= c
            np.add(ms[sl], t, out=sn)
            np.add(sn, eps, out=t)              # mom = mom * momentum + lr * g / sqrt(ms + eps)
            np.sqrt(t, out=t)
            np.multiply(gb, lr, out=u)
            u /= t
            np.multiply(mom[sl], momentum, out=mn)
            mn += u
            np.subtract(var[sl], mn, out=var_n[sl])  # var -= mom
        _blockwise(var.size, var.dtype, block)
        return out


class ApplyCenteredRMSProp(_ApplyOp):
    type_name = "ApplyCenteredRMSProp"
    n_refs = 4

    @staticmethod
    def update(var, mg, ms, mom, lr, rho, momentum, epsilon, grad):
        lr, rho, momentum, eps = (_s(x, var) for x in (lr, rho, momentum, epsilon))
        one = _s(1, var)
        ms = ms + (grad * grad - ms) * (one - rho)
        mg = mg + (grad - mg) * (one - rho)
        denom = ms - mg * mg + eps
        mom = mom * momentum + lr * grad / np.sqrt(denom)
        return var - mom, mg, ms, mom


def _apply(opdef, refs, values, name, attrs=None):
    refs = [_ref_of(r, opdef.type_name) for r in refs]
    with op_scope(name, opdef.type_name, refs) as s:
        vals = [s.convert(v, "v") for v in values]
        a = {"T": refs[0].dtype.base_dtype, "use_locking": False}
        a.update(attrs or {})
        return s.make(opdef, refs + vals, a).outputs[0]


def apply_gradient_descent(var, alpha, delta, use_locking=False, name=None):
    return _apply(ApplyGradientDescent, [var], [alpha, delta], name)


def apply_momentum(var, accum, lr, grad, momentum, use_locking=False, use_nesterov=False, name=None):
    return _apply(ApplyMomentum, [var, accum], [lr, grad, momentum], name, {"use_nesterov": bool(use_nesterov)})


def apply_adam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad, use_locking=False,
               use_nesterov=False, name=None):
    return _apply(ApplyAdam, [var, m, v], [beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad], name,
                  {"use_nesterov": bool(use_nesterov)})


def apply_adagrad(var, accum, lr, grad, use_locking=False, name=None):
    return _apply(ApplyAdagrad, [var, accum], [lr, grad], name)


def apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, use_locking=False, name=None):
    return _apply(ApplyRMSProp, [var, ms, mom], [lr, rho, momentum, epsilon, grad], name)


def apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad, use_locking=False, name=None):
    return _apply(ApplyCenteredRMSProp, [var, mg, ms, mom], [lr, rho, momentum, epsilon, grad], name)
