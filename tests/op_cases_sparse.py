"""Op-case rows for the sparse ops (tfsess/ops/sparse_ops.py); loaded by op_cases.py into the one table.

Builds take the SparseTensor components as separate input tensors, so each case runs with them as
constants, as placeholders of known shape and as placeholders of unknown dims (tests/test_ops.py).
Values against real TensorFlow are in tests/test_sparse.py.
"""
from __future__ import annotations

import numpy as np

import tfsess as tf

from op_cases import case, f64, vjp

# op types declared `grad = None` here, with the reason (merged into op_cases.NOT_DIFFERENTIABLE)
SPARSE_NOT_DIFFERENTIABLE = {
    "SparseToDense": "TF 1.15: ops.NotDifferentiable('SparseToDense')",
    "SparseAddGrad": "a gradient op (TF: NotDifferentiable)",
    "SparseReshape": "integer outputs (indices and shape)",
    "EditDistance": "TF: ops.NotDifferentiable('EditDistance')",
}

_I = np.array([[0, 1], [1, 0], [2, 2]], np.int64)
_S = np.array([3, 4], np.int64)


def _dense(ind, vals, shape, default=0):
    out = np.full(tuple(int(d) for d in shape), default, dtype=np.asarray(vals).dtype)
    out[tuple(np.asarray(ind).T)] = vals
    return out


def _op(x, adj):
    return x.T if adj else x


for _aa in (False, True):
    for _ab in (False, True):
        _b = f64(*((2, 3) if _ab else (3, 2))) if _aa else f64(*((2, 4) if _ab else (4, 2)))
        case("sparse_tensor_dense_matmul_%d%d" % (_aa, _ab),
             lambda i, v, s, b, aa=_aa, ab=_ab: tf.sparse_tensor_dense_matmul(tf.SparseTensor(i, v, s), b,
                                                                            adjoint_a=aa, adjoint_b=ab),
             lambda i, v, s, b, aa=_aa, ab=_ab: _op(_dense(i, v, s), aa) @ _op(b, ab),
             [_I, f64(3), _S, _b], grad=True, grad_inputs=[1, 3], exact_shape=False)
case("sparse_tensor_dense_matmul_bad_index",
     lambda i, v, s, b: tf.sparse_tensor_dense_matmul(tf.SparseTensor(i, v, s), b), None,
     [np.array([[0, 1], [5, 0]], np.int64), f64(2), _S, f64(4, 2)],
     raises=(tf.errors.InvalidArgumentError, "m (5) from index[1,0] out of bounds (>=3)"))

case("sparse_to_dense", lambda i, s, v, d: tf.sparse_to_dense(i, s, v, default_value=d),
     lambda i, s, v, d: _dense(i, v, s, d),
     [np.array([[0, 1], [1, 2]], np.int32), np.array([3, 4], np.int32), f64(2), np.array(-1.0)], exact_shape=False)
case("sparse_to_dense_vector_scalar_value", lambda i, v: tf.sparse_to_dense(i, [5], v),
     lambda i, v: np.where(np.isin(np.arange(5), i), v, 0).astype(np.int32),
     [np.array([1, 3], np.int32), np.array(7, np.int32)])
case("sparse_to_dense_out_of_order", lambda i, v: tf.sparse_to_dense(i, [3, 4], v), None,
     [np.array([[1, 2], [0, 1]], np.int64), f64(2)],
     raises=(tf.errors.InvalidArgumentError, "indices[1] = [0,1] is out of order"))
case("sparse_tensor_to_dense", lambda i, v, s: tf.sparse.to_dense(tf.SparseTensor(i, v, s), default_value=9),
     lambda i, v, s: _dense(i, v, s, 9), [_I, np.array([1, 2, 3], np.int32), _S], exact_shape=False)

_AI = np.array([[0, 0], [1, 2]], np.int64)
_BI = np.array([[0, 0], [0, 1], [2, 3]], np.int64)
_SUM_I = np.array([[0, 0], [0, 1], [1, 2], [2, 3]], np.int64)


def _sparse_add_ref(ai, av, bi, bv, s):
    return [_SUM_I, np.array([av[0] + bv[0], bv[1], av[1], bv[2]]), s]


case("sparse_add", lambda ai, av, bi, bv, s: list(tf.sparse_add(tf.SparseTensor(ai, av, s),
                                                                 tf.SparseTensor(bi, bv, s)).__getattribute__(n)
                                                   for n in ("indices", "values", "dense_shape")),
     _sparse_add_ref, [_AI, f64(2), _BI, f64(3), _S], grad=True, grad_inputs=[1, 3], exact_shape=False)


def _sparse_add_grads(av, bv, w):
    a = tf.SparseTensor(_AI, av, _S)
    b = tf.SparseTensor(_BI, bv, _S)
    return tf.gradients(tf.sparse_add(a, b).values, [av, bv], grad_ys=w)


case("sparse_add_grad", _sparse_add_grads, lambda av, bv, w: [w[[0, 2]], w[[0, 1, 3]]],
     [f64(2), f64(3), f64(4)], exact_shape=False)
case("sparse_add_dense", lambda i, v, s, d: tf.sparse_add(tf.SparseTensor(i, v, s), d),
     lambda i, v, s, d: d + _dense(i, v, s), [_I, f64(3), _S, f64(3, 4)], grad=True, grad_inputs=[1, 3])

_RI = np.array([[0, 0], [0, 2], [1, 1], [2, 3]], np.int64)
for _name, _kw, _ref in (("all", {}, lambda x: x.sum()),
                         ("axis1", {"axis": 1}, lambda x: x.sum(1)),
                         ("axis0_keepdims", {"axis": 0, "keepdims": True}, lambda x: x.sum(0, keepdims=True)),
                         ("axes_neg", {"axis": [-1, 0]}, lambda x: x.sum())):
    case("sparse_reduce_sum_" + _name,
         lambda i, v, s, kw=_kw: tf.sparse_reduce_sum(tf.SparseTensor(i, v, s), **kw),
         lambda i, v, s, r=_ref: r(_dense(i, v, s)), [_RI, f64(4), _S], grad=True, grad_inputs=[1],
         exact_shape=False)

_UI = np.array([[2, 3], [0, 1], [1, 0]], np.int64)
case("sparse_reorder", lambda i, v, s: list(_parts(tf.sparse_reorder(tf.SparseTensor(i, v, s)))),
     lambda i, v, s: [i[[1, 2, 0]], v[[1, 2, 0]], s], [_UI, f64(3), _S], grad=True, grad_inputs=[1],
     exact_shape=False)
case("sparse_reshape", lambda i, v, s, n: list(_parts(tf.sparse_reshape(tf.SparseTensor(i, v, s), n))),
     lambda i, v, s, n: [np.array([[1, 5], [0, 1], [0, 4]], np.int64), v, np.array([2, 6], np.int64)],
     [_UI, np.array([1, 2, 3], np.int32), _S, np.array([2, -1], np.int64)], exact_shape=False)


def _parts(sp):
    return sp.indices, sp.values, sp.dense_shape


case("sparse_from_dense", lambda x: list(_parts(tf.sparse.from_dense(x))),
     lambda x: [np.argwhere(x != 0).astype(np.int64), x[x != 0], np.array(x.shape, np.int64)],
     [np.array([[0, 3, 0], [4, 0, 5]], np.int32)], exact_shape=False)

# edit distance: tf.edit_distance's docstring example and integer sequences (values checked with real TF)
_HI = np.array([[0, 0, 0], [1, 0, 0]], np.int64)
_TI = np.array([[0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0]], np.int64)
case("edit_distance_strings",
     lambda hi, hv, hs, ti, tv, ts: tf.edit_distance(tf.SparseTensor(hi, hv, hs), tf.SparseTensor(ti, tv, ts)),
     lambda *a: np.array([[np.inf, 1.0], [0.5, 1.0]], np.float32),
     [_HI, np.array([b"a", b"b"], object), np.array([2, 1, 1], np.int64), _TI,
      np.array([b"a", b"b", b"c", b"a"], object), np.array([2, 2, 2], np.int64)], exact_shape=False)
case("edit_distance_unnormalized",
     lambda hi, hv, hs, ti, tv, ts: tf.edit_distance(tf.SparseTensor(hi, hv, hs), tf.SparseTensor(ti, tv, ts),
                                                     normalize=False),
     lambda *a: np.array([1.0, 1.0], np.float32),
     [np.array([[0, 0], [0, 1], [0, 2], [1, 0]], np.int64), np.array([1, 2, 3, 4], np.int32),
      np.array([2, 3], np.int64), np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.int64),
      np.array([1, 3, 4, 5], np.int32), np.array([2, 2], np.int64)], exact_shape=False)

case("gather_nd", tf.gather_nd, lambda p, i: p[tuple(i.T)], [f64(3, 4), np.array([[2, 1], [0, 3]], np.int32)],
     grad=True, grad_inputs=[0])
case("gather_nd_slices", tf.gather_nd, lambda p, i: p[i[..., 0]], [f64(3, 4), np.array([[[2]], [[0]]], np.int64)],
     grad=True, grad_inputs=[0])
case("scatter_nd", lambda i, u: tf.scatter_nd(i, u, [4, 2]),
     lambda i, u: np.add.at(z := np.zeros((4, 2)), i[:, 0], u) or z,
     [np.array([[1], [3], [1]], np.int32), f64(3, 2)], grad=True, grad_inputs=[1])
case("grad_of_gather_nd", vjp(lambda p: tf.gather_nd(p, [[2, 1], [0, 3], [2, 1]])),
     lambda p, w: np.add.at(z := np.zeros_like(p), ([2, 0, 2], [1, 3, 1]), w) or z, [f64(3, 4), f64(3)],
     grad=True)
