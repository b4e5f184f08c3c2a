"""Gradient checking: symbolic tf.gradients against central finite differences, through a real Session."""
from __future__ import annotations

import numpy as np

from .framework import dtypes as _dtypes
from .framework.graph import Graph
from .client.session import Session

__all__ = ["check_grads", "numeric_gradients"]


def numeric_gradients(sess, loss, inputs, values, delta, base_feed=None):
    """d loss / d input by central differences, for every element of every input.

    `base_feed` feeds the other placeholders `loss` needs (e.g. integer indices held constant).
    """
    feed = dict(base_feed or {})
    feed.update({t: v.copy() for t, v in zip(inputs, values)})
    out = []
    for t, v in zip(inputs, values):
        g = np.zeros_like(v, dtype=np.float64)
        flat = feed[t].reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + delta
            up = float(sess.run(loss, feed))
            flat[i] = old - delta
            down = float(sess.run(loss, feed))
            flat[i] = old
            g.reshape(-1)[i] = (up - down) / (2 * delta)
        out.append(g)
    return out


def check_grads(fn, args, delta=1e-6, rtol=1e-5, atol=1e-6, seed=0, grad_inputs=None):
    """Check the gradients of `fn` at `args` (float64 arrays) against finite differences.

    `fn(*tensors)` builds ops from placeholders shaped like `args` and returns a tensor (or a list of
    tensors). The output is projected on a fixed random direction, so every element of the Jacobian
    is covered. `grad_inputs` limits the check to those argument positions (others are constants,
    e.g. integer indices). Raises AssertionError naming the worst element; returns the max abs error.
    """
    rng = np.random.RandomState(seed)
    args = [np.asarray(a) for a in args]
    positions = list(range(len(args))) if grad_inputs is None else list(grad_inputs)
    g = Graph()
    with g.as_default():
        from .ops.array_ops import placeholder, constant
        from .ops.math_ops import reduce_sum, multiply
        from .ops.gradients import gradients
        phs = []
        for a in args:
            phs.append(placeholder(_dtypes.as_dtype(a.dtype), shape=a.shape))
        ys = fn(*phs)
        ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
        terms = []
        for i, y in enumerate(ys):
            if y.dtype.base_dtype.is_integer or y.dtype.base_dtype is _dtypes.bool:
                continue
            with Session(graph=g) as s0:
                shape = np.shape(s0.run(y, dict(zip(phs, args))))
            u = constant(rng.uniform(0.5, 1.5, size=shape).astype(y.dtype.base_dtype.as_numpy_dtype))
            terms.append(reduce_sum(multiply(y, u)))
        loss = terms[0]
        for t in terms[1:]:
            loss = loss + t
        xs = [phs[i] for i in positions]
        sym = gradients(loss, xs)
        with Session(graph=g) as sess:
            feed = dict(zip(phs, args))
            sym_vals = []
            for x, sv in zip(xs, sym):
                if sv is None:
                    sym_vals.append(np.zeros(x.shape.as_list(), np.float64))
                else:
                    sym_vals.append(np.asarray(sess.run(sv, feed), np.float64))
            num_vals = numeric_gradients(sess, loss, xs, [args[i] for i in positions], delta, feed)
    worst = 0.0
    for pos, a, b in zip(positions, sym_vals, num_vals):
        if a.shape != b.shape:
            raise AssertionError("gradient of input %d has shape %s, expected %s" % (pos, a.shape, b.shape))
        err = np.abs(a - b)
        tol = atol + rtol * np.abs(b)
        if np.any(err > tol):
            i = np.unravel_index(np.argmax(err - tol), err.shape)
            raise AssertionError("gradient of input %d at %s: symbolic %r vs numeric %r (|diff| %.3g)"
                                 % (pos, tuple(int(k) for k in i), a[i], b[i], err[i]))
        worst = max(worst, float(err.max()) if err.size else 0.0)
    return worst
