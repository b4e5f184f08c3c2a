"""Sparse ops on tf.SparseTensor: sparse_placeholder, to/from dense, sparse_add, sparse_reduce_sum, reorder,
reshape, sparse_tensor_dense_matmul and edit_distance (TF 1.15's kernels, shape rules, errors and gradients).
"""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import Tensor, convert_to_tensor, name_scope
from ..framework.opdef import OpDef, op_scope, check_dtype, same_dtype, constant_value, create_op
from ..framework.shapes import TensorShape, fmt_dims, shape_error
from ..framework.sparse_tensor import SparseTensor, SparseTensorValue, dense_shape_of
from . import array_ops as _a
from . import math_ops as _m

__all__ = ["sparse_placeholder", "sparse_tensor_dense_matmul", "sparse_to_dense", "sparse_tensor_to_dense",
           "sparse_add", "sparse_reduce_sum", "sparse_reorder", "sparse_reshape", "from_dense", "edit_distance",
           "gather_nd", "scatter_nd", "embedding_lookup_sparse"]


def _convert_to_sparse_tensor(sp_input) -> SparseTensor:
    if isinstance(sp_input, SparseTensorValue):
        return SparseTensor.from_value(sp_input)
    if not isinstance(sp_input, SparseTensor):
        raise TypeError("Input must be a SparseTensor.")
    return sp_input


def _dbg(shape) -> str:
    """TensorShape::DebugString of a runtime shape: [3,4]."""
    return "[%s]" % ",".join(str(int(d)) for d in shape)


def _index_str(row) -> str:
    return "[%s]" % ",".join(str(int(x)) for x in row)


def _check_indices_valid(ix, shape):
    """TF's SparseTensor::IndicesValid: in bounds, lexicographically increasing, no repeats (first bad row)."""
    n = ix.shape[0]
    if n == 0:
        return
    shape = np.asarray(shape, np.int64)
    oob = np.any((ix < 0) | (ix >= shape), axis=1)
    bad = oob.copy()
    order = np.zeros(n, np.int64)   # sign of the first differing coordinate against the previous row
    if n > 1:
        diff = ix[1:] - ix[:-1]
        nz = diff != 0
        first = np.argmax(nz, axis=1)
        sign = np.sign(diff[np.arange(n - 1), first])
        sign[~nz.any(axis=1)] = 0
        order[1:] = sign
        bad[1:] |= order[1:] <= 0
    if not bad.any():
        return
    i = int(np.argmax(bad))
    index = "indices[%d] = %s" % (i, _index_str(ix[i]))
    if oob[i]:
        raise InvalidArgumentError(None, None, "%s is out of bounds: need 0 <= index < %s" % (index, _dbg(shape)))
    if order[i] < 0:
        raise InvalidArgumentError(None, None, "%s is out of order. Many sparse ops require sorted indices.\n"
                                   "    Use `tf.sparse.reorder` to create a correctly ordered copy.\n\n" % index)
    raise InvalidArgumentError(None, None, "%s is repeated" % index)


def _check_sparse_parts(ix, vals, shape, names=("input_indices", "input_values", "input_shape"), reorder=False):
    """The component checks of a sparse kernel (SparseTensor::Create's texts, or SparseReorder's)."""
    if ix.ndim != 2:
        raise InvalidArgumentError(None, None, "%s should be a matrix but received shape %s"
                                   % (names[0], _dbg(ix.shape)))
    if vals.ndim != 1:
        raise InvalidArgumentError(None, None, "%s should be a vector but received shape %s"
                                   % (names[1], _dbg(vals.shape)))
    if np.ndim(shape) != 1:
        raise InvalidArgumentError(None, None, "%s should be a vector but received shape %s"
                                   % (names[2], _dbg(np.shape(shape))))
    if ix.shape[0] != vals.shape[0]:
        if names[0] == "input_indices" and not reorder:
            raise InvalidArgumentError(None, None, "indices and values rows (indexing dimension) must match. "
                                       "(indices = %d, values = %d)" % (ix.shape[0], vals.shape[0]))
        raise InvalidArgumentError(None, None, "Number of elements in indices (%d) and values (%d) do not match"
                                   % (ix.shape[0], vals.shape[0]))
    if ix.shape[1] != np.size(shape):
        if names[0] == "input_indices" and not reorder:
            raise InvalidArgumentError(None, None, "Order length must be SparseTensor rank.")
        raise InvalidArgumentError(None, None, "Number of dimensions of indices (%d) and shape (%d) do not match"
                                   % (ix.shape[1], np.size(shape)))


def _shape_from_tensor(t: Tensor):
    """The static dims (tuple of int-or-None, or None) that a 1-D shape tensor describes."""
    known = dense_shape_of(t)
    return None if known.ndims is None else tuple(known.as_list())


def _rank2(op, d, what_rank=2, *all_dims):
    if d is not None and len(d) != what_rank:
        raise shape_error(op, "Shape must be rank %d but is rank %d" % (what_rank, len(d)), *all_dims)


# ======================================================================================
# sparse_placeholder
# ======================================================================================

def sparse_placeholder(dtype, shape=None, name=None) -> SparseTensor:
    """A SparseTensor of placeholders, fed with a SparseTensorValue or an (indices, values, shape) tuple.

    As TF 1.15: a fully known `shape` becomes a constant dense_shape; a shape with unknown sizes (or none)
    makes dense_shape a placeholder that the feed fills.
    """
    shape_name = (name + "/shape") if name is not None else None
    rank = None
    dense_shape = None
    if shape is not None:
        if isinstance(shape, Tensor):
            rank = shape.shape[0].value
            dense_shape = shape
        else:
            if isinstance(shape, TensorShape):
                if shape.ndims is None:
                    shape = None
                else:
                    shape = shape.as_list()
            if shape is not None:
                rank = len(shape)
                if None not in shape:
                    dense_shape = _a.constant(list(shape), dtype=_dtypes.int64, name=shape_name)
    if dense_shape is None:
        dense_shape = _a.placeholder(_dtypes.int64, shape=[rank], name=shape_name)
    values = _a.placeholder(dtype, shape=[None], name=(name + "/values") if name is not None else None)
    indices = _a.placeholder(_dtypes.int64, shape=[None, rank], name=(name + "/indices") if name is not None else None)
    return SparseTensor(values=values, indices=indices, dense_shape=dense_shape)


# ======================================================================================
# GatherNd / ScatterNd (the gradients of the sparse ops use them, as in TF)
# ======================================================================================

class GatherNd(OpDef):
    """Slices of `params` at the index tuples in the last axis of `indices` (tf.gather_nd)."""

    type_name = "GatherNd"

    @staticmethod
    def shape(op, p, i):
        if p is None or i is None or i[-1] is None:
            return None
        if i[-1] > len(p):
            raise shape_error(op, "indices.shape[-1] must be <= params.rank, but saw indices shape: %s and params "
                              "shape: %s" % (fmt_dims(i), fmt_dims(p)), p, i)
        return i[:-1] + p[i[-1]:]

    @staticmethod
    def kernel(params, indices):
        params, idx = np.asarray(params), np.asarray(indices)
        k = idx.shape[-1]
        flat = idx.reshape(-1, k)
        bounds = np.asarray(params.shape[:k], np.int64)
        bad = np.any((flat < 0) | (flat >= bounds), axis=1)
        if bad.any():
            i = int(np.argmax(bad))
            raise InvalidArgumentError(None, None, "indices%s = [%s] does not index into param shape %s"
                                       % (_flat_pos(idx.shape[:-1], i), ", ".join(str(int(x)) for x in flat[i]),
                                          _dbg(params.shape)))
        out = params[tuple(flat.T)] if k else np.broadcast_to(params, (flat.shape[0],) + params.shape)
        return np.ascontiguousarray(out.reshape(idx.shape[:-1] + params.shape[k:]))

    @staticmethod
    def grad(op, g):
        params, indices = op.inputs
        return [scatter_nd(indices, g, _a.shape(params, out_type=indices.dtype)), None]


def _flat_pos(batch_shape, i) -> str:
    """TF's SliceDebugString: the position of flat batch element `i` as [a,b]."""
    if not batch_shape:
        return ""
    return "[%s]" % ",".join(str(int(x)) for x in np.unravel_index(i, batch_shape))


def gather_nd(params, indices, name=None, batch_dims=0) -> Tensor:
    """Gather slices of `params` at the index tuples of `indices`' last axis (tf.gather_nd)."""
    if batch_dims != 0:
        raise ValueError("tfsess implements gather_nd with batch_dims=0 only")
    with op_scope(name, "GatherNd", [params, indices]) as s:
        p = s.convert(params, "params")
        i = s.convert(indices, "indices")
        check_dtype("GatherNd", "Tindices", i, "int")
        return s.make(GatherNd, [p, i], {"Tparams": p.dtype.base_dtype, "Tindices": i.dtype.base_dtype}).outputs[0]


class ScatterNd(OpDef):
    """Zeros of `shape` with `updates` added at the index tuples of `indices` (tf.scatter_nd)."""

    type_name = "ScatterNd"

    @staticmethod
    def dtype(op):
        return op.inputs[1].dtype.base_dtype

    @staticmethod
    def shape(op, i, u, s):
        return _shape_from_tensor(op.inputs[2])

    @staticmethod
    def kernel(indices, updates, shape):
        idx, upd = np.asarray(indices), np.asarray(updates)
        shape = tuple(int(d) for d in np.reshape(shape, [-1]))
        k = idx.shape[-1]
        flat = idx.reshape(-1, k)
        bad = np.any((flat < 0) | (flat >= np.asarray(shape[:k], np.int64)), axis=1)
        if bad.any():
            i = int(np.argmax(bad))
            raise InvalidArgumentError(None, None, "indices%s = [%s] does not index into shape %s"
                                       % (_flat_pos(idx.shape[:-1], i), ", ".join(str(int(x)) for x in flat[i]),
                                          _dbg(shape)))
        out = np.zeros(shape, upd.dtype)
        np.add.at(out, tuple(flat.T), upd.reshape((flat.shape[0],) + shape[k:]))
        return out

    @staticmethod
    def grad(op, g):
        indices = op.inputs[0]
        return [None, gather_nd(g, indices), None]


def scatter_nd(indices, updates, shape, name=None) -> Tensor:
    """A tensor of `shape`, zero except `updates` added at `indices` (tf.scatter_nd)."""
    with op_scope(name, "ScatterNd", [indices, updates, shape]) as s:
        i = s.convert(indices, "indices")
        check_dtype("ScatterNd", "Tindices", i, "int")
        u = s.convert(updates, "updates")
        sh = s.convert(shape, "shape", dtype=i.dtype.base_dtype)
        return s.make(ScatterNd, [i, u, sh], {"T": u.dtype.base_dtype, "Tindices": i.dtype.base_dtype}).outputs[0]


# ======================================================================================
# SparseToDense: sparse_to_dense, sparse_tensor_to_dense
# ======================================================================================

class SparseToDense(OpDef):
    """Dense tensor of `output_shape` filled with `default_value`, with `sparse_values` at `sparse_indices`."""

    type_name = "SparseToDense"
    kernel_attrs = ("validate_indices",)
    grad = None   # TF 1.15: ops.NotDifferentiable("SparseToDense")

    @staticmethod
    def dtype(op):
        return op.inputs[2].dtype.base_dtype

    @staticmethod
    def shape(op, i, s, v, dv):
        return _shape_from_tensor(op.inputs[1])

    @staticmethod
    def kernel(sparse_indices, output_shape, sparse_values, default_value, validate_indices):
        ix = np.asarray(sparse_indices)
        if ix.ndim > 2:
            raise InvalidArgumentError(None, None, "sparse_indices should be a scalar, vector, or matrix, got shape "
                                       + _dbg(ix.shape))
        out_shape = np.asarray(output_shape)
        if out_shape.ndim != 1:
            raise InvalidArgumentError(None, None, "output_shape must be rank 1, got shape " + _dbg(out_shape.shape))
        num_elems = ix.shape[0] if ix.ndim > 0 else 1
        num_dims = ix.shape[1] if ix.ndim > 1 else 1
        vals = np.asarray(sparse_values)
        if not (vals.ndim == 0 or (vals.ndim == 1 and vals.shape[0] == num_elems)):
            raise InvalidArgumentError(None, None, "sparse_values has incorrect shape %s, should be [] or [%d]"
                                       % (_dbg(vals.shape), num_elems))
        dv = np.asarray(default_value)
        if dv.ndim != 0:
            raise InvalidArgumentError(None, None, "default_value should be a scalar.")
        if out_shape.size != num_dims:
            raise InvalidArgumentError(None, None, "output_shape has incorrect number of elements: %d should be: %d"
                                       % (out_shape.size, num_dims))
        shape = tuple(int(d) for d in out_shape)
        ix = ix.reshape(num_elems, num_dims).astype(np.int64)
        if validate_indices:
            _check_indices_valid(ix, shape)
        elif num_elems and np.any((ix < 0) | (ix >= np.asarray(shape, np.int64))):
            raise InvalidArgumentError(None, None, "Indices are not valid (out of bounds).  Shape: " + _dbg(shape))
        out = np.full(shape, dv, dtype=vals.dtype)
        if num_elems:
            out[tuple(ix.T)] = np.broadcast_to(vals, (num_elems,))
        return out


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0, validate_indices=True,
                    name=None) -> Tensor:
    """Dense tensor of `output_shape` with `sparse_values` at `sparse_indices`, `default_value` elsewhere."""
    with op_scope(name, "SparseToDense", [sparse_indices, output_shape, sparse_values, default_value]) as s:
        i = s.convert(sparse_indices, "sparse_indices")
        check_dtype("SparseToDense", "sparse_indices", i, "int")
        sh = s.convert(output_shape, "output_shape", dtype=i.dtype.base_dtype if not isinstance(output_shape, Tensor)
                       else None)
        same_dtype("SparseToDense", [("sparse_indices", i), ("output_shape", sh)])
        v = s.convert(sparse_values, "sparse_values")
        dv = s.convert(default_value, "default_value", dtype=v.dtype.base_dtype)
        same_dtype("SparseToDense", [("sparse_values", v), ("default_value", dv)])
        return s.make(SparseToDense, [i, sh, v, dv], {"validate_indices": bool(validate_indices),
                                                      "T": v.dtype.base_dtype,
                                                      "Tindices": i.dtype.base_dtype}).outputs[0]


def sparse_tensor_to_dense(sp_input, default_value=0, validate_indices=True, name=None) -> Tensor:
    """The dense tensor a SparseTensor stands for, `default_value` where it has no value (tf.sparse.to_dense)."""
    sp_input = _convert_to_sparse_tensor(sp_input)
    if default_value is None:   # TF 2's default: the zero of the values' dtype ("" for strings)
        default_value = np.zeros((), sp_input.dtype.base_dtype.as_numpy_dtype) \
            if sp_input.dtype.base_dtype is not _dtypes.string else b""
    return sparse_to_dense(sp_input.indices, sp_input.dense_shape, sp_input.values, default_value=default_value,
                           validate_indices=validate_indices, name=name)


def from_dense(tensor, name=None) -> SparseTensor:
    """The SparseTensor of the non-zero elements of a dense tensor (tf.sparse.from_dense)."""
    with name_scope(name, "dense_to_sparse"):
        t = convert_to_tensor(tensor)
        indices = _a.where_v2(_m.not_equal(t, _a.constant(0, t.dtype.base_dtype)))
        values = gather_nd(t, indices)
        shape = _a.shape(t, out_type=_dtypes.int64)
        return SparseTensor(indices, values, shape)


# ======================================================================================
# SparseTensorDenseMatMul
# ======================================================================================

class SparseTensorDenseMatMul(OpDef):
    """op(A) @ op(B) for sparse A (indices, values, shape) and dense matrix B; op = adjoint if asked."""

    type_name = "SparseTensorDenseMatMul"
    kernel_attrs = ("adjoint_a", "adjoint_b")

    @staticmethod
    def dtype(op):
        return op.inputs[1].dtype.base_dtype

    @staticmethod
    def shape(op, ind, val, shp, b):
        dims = (ind, val, shp, b)
        _rank2(op, ind, 2, *dims)
        _rank2(op, val, 1, *dims)
        _rank2(op, shp, 1, *dims)
        if shp is not None and shp[0] is not None and shp[0] != 2:
            raise shape_error(op, "Shape must be rank 2 but is rank %d" % shp[0], *dims)
        _rank2(op, b, 2, *dims)
        a = _shape_from_tensor(op.inputs[2])
        a = (None, None) if a is None else a
        b = (None, None) if b is None else b
        adj_a, adj_b = op.attrs["adjoint_a"], op.attrs["adjoint_b"]
        inner_l, inner_r = a[0 if adj_a else 1], b[1 if adj_b else 0]
        if inner_l is not None and inner_r is not None and inner_l != inner_r:
            raise shape_error(op, "Dimensions must be equal, but are %d and %d" % (inner_l, inner_r), *dims)
        return (a[1 if adj_a else 0], b[0 if adj_b else 1])

    @staticmethod
    def kernel(a_indices, a_values, a_shape, b, adjoint_a, adjoint_b):
        ix, vals, shape, b = np.asarray(a_indices), np.asarray(a_values), np.asarray(a_shape), np.asarray(b)
        if shape.ndim != 1:
            raise InvalidArgumentError(None, None, "Tensor 'a_shape' is not a vector")
        if shape.size != 2:
            raise InvalidArgumentError(None, None, "Tensor 'a_shape' must have 2 elements")
        if vals.ndim != 1:
            raise InvalidArgumentError(None, None, "Tensor 'a_values' is not a vector")
        if ix.ndim != 2:
            raise InvalidArgumentError(None, None, "Tensor 'a_indices' is not a matrix")
        if b.ndim != 2:
            raise InvalidArgumentError(None, None, "Tensor 'b' is not a matrix")
        if ix.shape[0] != vals.shape[0]:
            raise InvalidArgumentError(None, None, "Number of rows of a_indices does not match number of entries in "
                                       "a_values")
        if ix.shape[1] != shape.size:
            raise InvalidArgumentError(None, None, "Number of columns of a_indices does not match number of entries "
                                       "in a_shape")
        outer_l, inner_l = (int(shape[1]), int(shape[0])) if adjoint_a else (int(shape[0]), int(shape[1]))
        bop = b.T if adjoint_b else b
        if inner_l != bop.shape[0]:
            raise InvalidArgumentError(None, None, "Cannot multiply A and B because inner dimension does not match: "
                                       "%d vs. %d.  Did you forget a transpose?  Dimensions of A: [%d, %d).  "
                                       "Dimensions of B: %s" % (inner_l, bop.shape[0], shape[0], shape[1],
                                                                _dbg(b.shape)))
        li, ri = (1, 0) if adjoint_a else (0, 1)
        m, k = ix[:, li], ix[:, ri]
        bad = (k < 0) | (k >= inner_l) | (m < 0) | (m >= outer_l)
        if bad.any():
            i = int(np.argmax(bad))
            if not 0 <= k[i] < inner_l:
                raise InvalidArgumentError(None, None, "k (%d) from index[%d,%d] out of bounds (>=%d)"
                                           % (k[i], i, ri, inner_l))
            raise InvalidArgumentError(None, None, "m (%d) from index[%d,%d] out of bounds (>=%d)"
                                       % (m[i], i, li, outer_l))
        out = np.zeros((outer_l, bop.shape[1]), dtype=np.result_type(vals.dtype, b.dtype))
        if ix.shape[0]:
            np.add.at(out, m, vals[:, None] * bop[k])
        return out

    @staticmethod
    def grad(op, g):
        a_indices, a_values, a_shape, b = op.inputs
        adj_a, adj_b = op.get_attr("adjoint_a"), op.get_attr("adjoint_b")
        # d b: op(A)^T @ g, transposed back if b entered adjointed
        b_grad = _matmul_op(a_indices, a_values, a_shape, g, not adj_a, False)
        if adj_b:
            b_grad = _a.transpose(b_grad)
        # d values[i] for entry (r, c): sum_n g[out_row, n] * op(B)[inner, n]
        rows, cols = a_indices[:, 0], a_indices[:, 1]
        out_rows, inner = (cols, rows) if adj_a else (rows, cols)
        b_op = _a.transpose(b) if adj_b else b
        parts_g = _a.gather(g, out_rows)
        parts_b = _a.gather(b_op, inner)
        values_grad = _m.reduce_sum(_m.multiply(parts_g, parts_b), axis=1)
        return [None, values_grad, None, b_grad]


def _matmul_op(ind, val, shp, b, adjoint_a, adjoint_b, name=None):
    with op_scope(name, "SparseTensorDenseMatMul", [ind, val, shp, b]) as s:
        return s.make(SparseTensorDenseMatMul, [ind, val, shp, b],
                      {"T": val.dtype.base_dtype, "Tindices": ind.dtype.base_dtype,
                       "adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)}).outputs[0]


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None) -> Tensor:
    """Dense matrix product op(sp_a) @ op(b) of a rank-2 SparseTensor and a dense matrix (either may be sparse)."""
    if isinstance(b, (SparseTensor, SparseTensorValue)):
        # A @ B with B sparse: (B' A')'
        if adjoint_a != adjoint_b:
            return _a.transpose(sparse_tensor_dense_matmul(b, sp_a, adjoint_a, adjoint_b))
        return _a.transpose(sparse_tensor_dense_matmul(b, sp_a, adjoint_a=not adjoint_a, adjoint_b=not adjoint_b))
    sp_a = _convert_to_sparse_tensor(sp_a)
    with name_scope(name, "SparseTensorDenseMatMul", [sp_a.indices, sp_a.values, b]):
        b = convert_to_tensor(b, name="b")
        same_dtype("SparseTensorDenseMatMul", [("a_values", sp_a.values), ("b", b)])
        return _matmul_op(sp_a.indices, sp_a.values, sp_a.dense_shape, b, adjoint_a, adjoint_b)


# ======================================================================================
# SparseTensorDenseAdd, SparseAdd (+ SparseAddGrad)
# ======================================================================================

class SparseTensorDenseAdd(OpDef):
    """Dense `b` plus the SparseTensor (a_indices, a_values, a_shape); repeated indices add up."""

    type_name = "SparseTensorDenseAdd"

    @staticmethod
    def dtype(op):
        return op.inputs[3].dtype.base_dtype

    @staticmethod
    def shape(op, ind, val, shp, b):
        return b

    @staticmethod
    def kernel(a_indices, a_values, a_shape, b):
        ix, vals, shape, b = np.asarray(a_indices), np.asarray(a_values), np.asarray(a_shape), np.asarray(b)
        if ix.ndim != 2:
            raise InvalidArgumentError(None, None, "Input a_indices should be a matrix but received shape: "
                                       + _dbg(ix.shape))
        if vals.ndim != 1 or shape.ndim != 1:
            raise InvalidArgumentError(None, None, "Inputs a_values and a_shape should be vectors but received "
                                       "shapes: %s and %s" % (_dbg(vals.shape), _dbg(shape.shape)))
        if shape.size != b.ndim:
            raise InvalidArgumentError(None, None, "Two operands have different ranks; received: %d and %d"
                                       % (shape.size, b.ndim))
        for d in range(b.ndim):
            if int(shape[d]) != b.shape[d]:
                raise InvalidArgumentError(None, None, "Dimension %d does not equal (no broadcasting is supported): "
                                           "sparse side %d vs dense side %d" % (d, shape[d], b.shape[d]))
        out = np.array(b, copy=True)
        if ix.shape[0]:
            bad = (ix < 0) | (ix >= np.asarray(b.shape, np.int64))
            if bad.any():
                i, d = (int(x) for x in np.argwhere(bad)[0])
                raise InvalidArgumentError(None, None, "Sparse tensor has an invalid index on dimension %d: "
                                           "a_indices(%d,%d) = %d, dense tensor shape: %s"
                                           % (d, i, d, ix[i, d], " ".join(str(x) for x in b.shape)))
            np.add.at(out, tuple(ix.T), vals)
        return out

    @staticmethod
    def grad(op, g):
        return [None, gather_nd(g, op.inputs[0]), None, g]


def _sparse_merge(a_ix, b_ix):
    """TF's SparseAdd walk over two index lists taken as sorted: [(take_a, i, take_b, j)] in output order."""
    out = []
    i = j = 0
    na, nb = a_ix.shape[0], b_ix.shape[0]
    a_rows, b_rows = a_ix.tolist(), b_ix.tolist()
    while i < na and j < nb:
        ra, rb = a_rows[i], b_rows[j]
        if ra < rb:
            out.append((i, None))
            i += 1
        elif ra == rb:
            out.append((i, j))
            i += 1
            j += 1
        else:
            out.append((None, j))
            j += 1
    out.extend((k, None) for k in range(i, na))
    out.extend((None, k) for k in range(j, nb))
    return out


class SparseAdd(OpDef):
    """The sum of two SparseTensors of one shape; summed pairs below `thresh` in magnitude are dropped."""

    type_name = "SparseAdd"

    @classmethod
    def outputs(cls, op):
        shp = op.inputs[2].dims
        rank = None if shp is None else shp[0]
        return [(_dtypes.int64, (None, rank)), (op.inputs[1].dtype.base_dtype, (None,)), (_dtypes.int64, (rank,))]

    @staticmethod
    def kernel(a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
        a_ix, a_v, a_s = np.asarray(a_indices), np.asarray(a_values), np.asarray(a_shape)
        b_ix, b_v, b_s = np.asarray(b_indices), np.asarray(b_values), np.asarray(b_shape)
        _check_sparse_parts(a_ix, a_v, a_s, ("a_indices", "a_values", "a_shape"))
        _check_sparse_parts(b_ix, b_v, b_s, ("b_indices", "b_values", "b_shape"))
        if a_s.size != b_s.size:
            raise InvalidArgumentError(None, None, "Operands do not have the same ranks; got shapes: %s and %s"
                                       % (_dbg(a_s), _dbg(b_s)))
        for d in range(a_s.size):
            if a_s[d] != b_s[d]:
                raise InvalidArgumentError(None, None, "Operands' shapes do not match: got %d and %d for dimension %d"
                                           % (a_s[d], b_s[d], d))
        th = np.asarray(thresh)
        rows, vals = [], []
        for i, j in _sparse_merge(a_ix, b_ix):
            if j is None:
                rows.append(a_ix[i])
                vals.append(a_v[i])
            elif i is None:
                rows.append(b_ix[j])
                vals.append(b_v[j])
            else:
                s = a_v[i] + b_v[j]
                if th <= np.abs(s):
                    rows.append(a_ix[i])
                    vals.append(s)
        ix = np.array(rows, np.int64).reshape(len(rows), a_s.size)
        return ix, np.array(vals, dtype=a_v.dtype).reshape(len(vals)), a_s.astype(np.int64)

    @staticmethod
    def grad(op, g_ind, g_val, g_shape):
        a_grad, b_grad = _sparse_add_grad(g_val, op.inputs[0], op.inputs[3], op.outputs[0])
        a_grad.set_shape(op.inputs[1].shape)
        b_grad.set_shape(op.inputs[4].shape)
        return [None, a_grad, None, None, b_grad, None, None]


class SparseAddGrad(OpDef):
    """Gradient of SparseAdd: the sum's value gradients routed back to the entries of a and b."""

    type_name = "SparseAddGrad"
    grad = None   # TF: ops.NotDifferentiable("SparseAddGrad")

    @classmethod
    def outputs(cls, op):
        dt = op.inputs[0].dtype.base_dtype
        a, b = op.inputs[1].dims, op.inputs[2].dims
        return [(dt, None if a is None else (a[0],)), (dt, None if b is None else (b[0],))]

    @staticmethod
    def kernel(backprop_val_grad, a_indices, b_indices, sum_indices):
        g = np.asarray(backprop_val_grad)
        a_ix, b_ix, s_ix = np.asarray(a_indices), np.asarray(b_indices), np.asarray(sum_indices)
        a_g = np.zeros(a_ix.shape[0], g.dtype)
        b_g = np.zeros(b_ix.shape[0], g.dtype)
        s_rows = s_ix.tolist()
        k = 0
        for i, j in _sparse_merge(a_ix, b_ix):
            if k >= len(s_rows):
                break
            row = a_ix[i].tolist() if i is not None else b_ix[j].tolist()
            if row == s_rows[k]:
                if i is not None:
                    a_g[i] = g[k]
                if j is not None:
                    b_g[j] = g[k]
                k += 1
        return a_g, b_g


def _sparse_add_grad(g, a_indices, b_indices, sum_indices):
    with op_scope(None, "SparseAddGrad", [g, a_indices, b_indices, sum_indices]) as s:
        op = s.make(SparseAddGrad, [g, a_indices, b_indices, sum_indices], {"T": g.dtype.base_dtype})
        return op.outputs[0], op.outputs[1]


def sparse_add(a, b, threshold=None, thresh=None):
    """a + b where at least one is a SparseTensor: a SparseTensor if both are, else a dense Tensor."""
    if threshold is not None and thresh is not None:
        raise ValueError("Cannot specify both 'threshold' and 'thresh'")
    if threshold is None:
        threshold = 0 if thresh is None else thresh
    classes = (SparseTensor, SparseTensorValue)
    if not any(isinstance(x, classes) for x in (a, b)):
        raise TypeError("At least one input should be SparseTensor; do you mean to use tf.add()?")
    if all(isinstance(x, classes) for x in (a, b)):
        a = _convert_to_sparse_tensor(a)
        b = _convert_to_sparse_tensor(b)
        with op_scope(None, "SparseAdd", [a.indices, a.values, b.indices, b.values]) as s:
            th = s.convert(threshold, "thresh", dtype=a.values.dtype.real_dtype.base_dtype)
            same_dtype("SparseAdd", [("a_values", a.values), ("b_values", b.values)])
            op = s.make(SparseAdd, [a.indices, a.values, a.dense_shape, b.indices, b.values, b.dense_shape, th],
                        {"T": a.values.dtype.base_dtype, "Treal": th.dtype.base_dtype})
        ind, val, shp = op.outputs
        a.get_shape().assert_is_compatible_with(b.get_shape())
        static = a.get_shape().merge_with(b.get_shape())
        if static.is_fully_defined():
            shp = static.as_list()
        return SparseTensor(ind, val, shp)
    if isinstance(b, classes):
        a, b = b, a
    a = _convert_to_sparse_tensor(a)
    with op_scope(None, "SparseTensorDenseAdd", [a.indices, a.values, b]) as s:
        bt = s.convert(b, "b", dtype=a.values.dtype.base_dtype if not isinstance(b, Tensor) else None)
        same_dtype("SparseTensorDenseAdd", [("a_values", a.values), ("b", bt)])
        return s.make(SparseTensorDenseAdd, [a.indices, a.values, a.dense_shape, bt],
                      {"T": bt.dtype.base_dtype, "Tindices": a.indices.dtype.base_dtype}).outputs[0]


# ======================================================================================
# SparseReduceSum, SparseReorder, SparseReshape
# ======================================================================================

def _reduction_axes(axes, ndims):
    out = set()
    for ax in np.reshape(axes, [-1]).tolist():
        if not -ndims <= ax < ndims:
            raise InvalidArgumentError(None, None, "Invalid reduction dimension %d, for input with %d dimensions."
                                       % (ax, ndims))
        out.add(ax % ndims)
    return out


class SparseReduceSum(OpDef):
    """Sum of a SparseTensor's dense form over `reduction_axes` (a dense result)."""

    type_name = "SparseReduceSum"
    kernel_attrs = ("keep_dims",)

    @staticmethod
    def dtype(op):
        return op.inputs[1].dtype.base_dtype

    @staticmethod
    def shape(op, ind, val, shp, axes):
        shape_v, axes_v = constant_value(op.inputs[2]), constant_value(op.inputs[3])
        if shape_v is None or axes_v is None:
            return None
        shape_v = [int(d) for d in np.reshape(shape_v, [-1])]
        nd = len(shape_v)
        red = {(int(a) + nd) % nd for a in np.reshape(axes_v, [-1])} if nd else set()
        if op.attrs["keep_dims"]:
            return tuple(1 if d in red else n for d, n in enumerate(shape_v))
        return tuple(n for d, n in enumerate(shape_v) if d not in red)

    @staticmethod
    def kernel(input_indices, input_values, input_shape, reduction_axes, keep_dims):
        ix, vals, shape = np.asarray(input_indices), np.asarray(input_values), np.asarray(input_shape)
        _check_sparse_parts(ix, vals, shape)   # ranks first
        shape = [int(d) for d in shape]
        for d in shape:
            if d < 0:
                raise InvalidArgumentError(None, None, "Expected shape dimensions to be non-negative, got %d" % d)
        nd = len(shape)
        red = _reduction_axes(reduction_axes, nd)
        keep = [d for d in range(nd) if d not in red]
        out = np.zeros([shape[d] for d in keep], vals.dtype)
        if ix.shape[0]:
            sub = ix[:, keep]
            bad = (sub < 0) | (sub >= np.asarray([shape[d] for d in keep], np.int64))
            if bad.any():
                i = int(np.argwhere(bad)[0][0])
                raise InvalidArgumentError(None, None, "indices[%d] = %s is out of bounds: need 0 <= index < %s"
                                           % (i, _index_str(ix[i]), _dbg(shape)))
            if keep:
                np.add.at(out, tuple(sub.T), vals)
            else:
                out = np.asarray(vals.sum(dtype=vals.dtype))
        if keep_dims:
            out = out.reshape([1 if d in red else shape[d] for d in range(nd)])
        return out

    @staticmethod
    def grad(op, g):
        sp_indices, _, sp_shape, axes = op.inputs
        rank = _a.size(sp_shape)
        axes = _m.floormod(_m.add(_a.reshape(axes, [-1]), rank), rank)
        dims = _m.range(0, rank)
        reduced = _m.reduce_any(_m.equal(_a.expand_dims(dims, 1), _a.expand_dims(axes, 0)), axis=1)
        kept_shape = _a.where(reduced, _a.ones_like(sp_shape), sp_shape)
        g_kept = _a.reshape(g, kept_shape)
        at = _m.multiply(sp_indices, _a.cast(_m.logical_not(reduced), _dtypes.int64))
        return [None, gather_nd(g_kept, at), None, None]


def sparse_reduce_sum(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None) -> Tensor:
    """Sum of the dense form of `sp_input` over `axis` (all axes by default), as tf.sparse_reduce_sum."""
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keepdims' and 'keep_dims'")
    if axis is not None and reduction_axes is not None:
        raise ValueError("Cannot specify both 'axis' and 'reduction_axes'")
    keepdims = bool(keepdims if keepdims is not None else (keep_dims or False))
    axis = axis if axis is not None else reduction_axes
    sp_input = _convert_to_sparse_tensor(sp_input)
    with op_scope(None, "SparseReduceSum", [sp_input.indices, sp_input.values, sp_input.dense_shape]) as s:
        if axis is None:
            n = sp_input.dense_shape.shape[0].value
            if n is not None:
                ax = _a.constant(np.arange(n, dtype=np.int32))
            else:
                ax = _m.range(0, _a.size(sp_input.dense_shape, name="Rank"))
        else:
            ax = s.convert(axis, "reduction_axes", dtype=_dtypes.int32)
        return s.make(SparseReduceSum, [sp_input.indices, sp_input.values, sp_input.dense_shape, ax],
                      {"keep_dims": keepdims, "T": sp_input.values.dtype.base_dtype}).outputs[0]


class SparseReorder(OpDef):
    """A SparseTensor's entries sorted into row-major (lexicographic) index order."""

    type_name = "SparseReorder"

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.int64, op.inputs[0].dims), (op.inputs[1].dtype.base_dtype, op.inputs[1].dims)]

    @staticmethod
    def kernel(input_indices, input_values, input_shape):
        ix, vals, shape = np.asarray(input_indices), np.asarray(input_values), np.asarray(input_shape)
        _check_sparse_parts(ix, vals, shape, reorder=True)
        if ix.shape[0] == 0 or ix.shape[1] == 0:
            return ix.astype(np.int64), vals
        order = np.lexsort(ix.T[::-1])
        return ix[order].astype(np.int64), vals[order]

    @staticmethod
    def grad(op, g_ind, g_val):
        input_indices, _, input_shape = op.inputs
        n = _a.shape(input_indices)[0]
        entries = _m.range(n)
        with op_scope(None, "SparseReorder", [input_indices, entries, input_shape]) as s:
            ordered = s.make(SparseReorder, [input_indices, entries, input_shape], {"T": entries.dtype}).outputs[1]
        return [None, _a.gather(g_val, _m.invert_permutation(ordered)), None]


def sparse_reorder(sp_input, name=None) -> SparseTensor:
    """`sp_input` with its entries in canonical row-major order (tf.sparse_reorder)."""
    sp_input = _convert_to_sparse_tensor(sp_input)
    with op_scope(name, "SparseReorder", [sp_input.indices, sp_input.values, sp_input.dense_shape]) as s:
        op = s.make(SparseReorder, [sp_input.indices, sp_input.values, sp_input.dense_shape],
                    {"T": sp_input.values.dtype.base_dtype})
    static = sp_input.get_shape()
    if static.is_fully_defined():
        dense_shape = static.as_list()
    else:
        dense_shape = _a.identity(sp_input.dense_shape)
    return SparseTensor(op.outputs[0], op.outputs[1], dense_shape)


class SparseReshape(OpDef):
    """The indices and shape of a SparseTensor reshaped to `new_shape` (one -1 is inferred)."""

    type_name = "SparseReshape"
    grad = None   # integer outputs (indices and shape): nothing to differentiate

    @classmethod
    def outputs(cls, op):
        n = op.inputs[0].dims
        s = op.inputs[2].dims
        r = None if s is None else s[0]
        return [(_dtypes.int64, (None if n is None else n[0], r)), (_dtypes.int64, (r,))]

    @staticmethod
    def kernel(input_indices, input_shape, new_shape):
        ix, in_shape, target = np.asarray(input_indices), np.asarray(input_shape), np.asarray(new_shape)
        if ix.ndim != 2:
            raise InvalidArgumentError(None, None, "Input indices should be a matrix but received shape "
                                       + _dbg(ix.shape))
        if in_shape.ndim != 1:
            raise InvalidArgumentError(None, None, "Input shape should be a vector but received shape "
                                       + _dbg(in_shape.shape))
        if target.ndim != 1:
            raise InvalidArgumentError(None, None, "Target shape should be a vector but received shape "
                                       + _dbg(target.shape))
        dense_size = int(np.prod(in_shape, dtype=np.int64))
        out = []
        unknown = -1
        product = 1
        for d, size in enumerate(int(x) for x in target):
            if size == -1:
                if unknown != -1:
                    raise InvalidArgumentError(None, None, "only one output dimension may be -1, not both %d and %d"
                                               % (unknown, d))
                unknown = d
                out.append(1)
            else:
                if size < 0:
                    raise InvalidArgumentError(None, None, "size %d must be non-negative, not %d" % (d, size))
                product *= size
                out.append(size)
        if unknown != -1:
            if product <= 0:
                raise InvalidArgumentError(None, None, "reshape cannot infer the missing input size for an empty "
                                           "tensor unless all specified input sizes are non-zero")
            missing = dense_size // product
            if product * missing != dense_size:
                raise InvalidArgumentError(None, None, "Input to reshape is a SparseTensor with %d dense values, but "
                                           "the requested shape requires a multiple of %d. input_shape=%s "
                                           "output_shape=%s" % (dense_size, product, _dbg(in_shape), _dbg(out)))
            out[unknown] = missing
        if int(np.prod(out, dtype=np.int64)) != dense_size:
            raise InvalidArgumentError(None, None, "Input to reshape is a tensor with %d dense values, but the "
                                       "requested shape has %d. input_shape=%s output_shape=%s"
                                       % (dense_size, int(np.prod(out, dtype=np.int64)), _dbg(in_shape), _dbg(out)))
        out_shape = np.array(out, np.int64)
        if ix.shape[0] == 0:
            return np.zeros((0, len(out)), np.int64), out_shape
        linear = np.ravel_multi_index(tuple(ix.T.astype(np.int64)), tuple(int(d) for d in in_shape), mode="wrap") \
            if ix.shape[1] else np.zeros(ix.shape[0], np.int64)
        new = np.stack(np.unravel_index(linear, tuple(out)), axis=1) if out else np.zeros((ix.shape[0], 0), np.int64)
        return new.astype(np.int64), out_shape


def sparse_reshape(sp_input, shape, name=None) -> SparseTensor:
    """`sp_input` as a SparseTensor of `shape` (the dense form reshaped in row-major order)."""
    sp_input = _convert_to_sparse_tensor(sp_input)
    shape = _m.cast(shape, dtype=_dtypes.int64)
    with name_scope(name, "SparseReshape", [sp_input]) as scope:
        op = create_op(SparseReshape, [sp_input.indices, sp_input.dense_shape, shape], {}, scope[:-1],
                       sp_input.indices.graph)   # the op takes the scope's own name, as in TF
        reshaped_ind, reshaped_shape = op.outputs
        target = dense_shape_of(shape)
        if target.ndims is not None and sp_input.shape.is_fully_defined():
            user = constant_value(shape)
            if user is not None and sum(int(d) == -1 for d in np.reshape(user, [-1])) > 1:
                raise ValueError("At most one dimension can be inferred (-1). Found: %s" % (np.asarray(user),))
            want = target.as_list()
            original = list(want)
            in_size = int(np.prod(sp_input.shape.as_list(), dtype=np.int64))
            implied = sum(d is None for d in want)
            if implied == 1 and 0 not in want:
                k = original.index(None)
                rest = original[:k] + original[k + 1:]
                want[k] = int(in_size // int(np.prod(rest, dtype=np.int64)))
            if implied == 0 or (implied == 1 and 0 not in want):
                size = int(np.prod(want, dtype=np.int64))
                if size != in_size:
                    raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements)."
                                     % (in_size, original, size))
                reshaped_shape = _a.constant(want, dtype=_dtypes.int64)
        return SparseTensor(reshaped_ind, _a.identity(sp_input.values), reshaped_shape)


# ======================================================================================
# EditDistance
# ======================================================================================

def _levenshtein(s, t) -> int:
    if not s:
        return len(t)
    if not t:
        return len(s)
    prev = list(range(len(t) + 1))
    for i, a in enumerate(s, 1):
        cur = [i] + [0] * len(t)
        for j, b in enumerate(t, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b))
        prev = cur
    return prev[-1]


def _groups(ix, vals, ndims):
    """Runs of consecutive entries with the same leading (batch) index: [(key, [values])], as TF's group()."""
    out = []
    keys = ix[:, :ndims - 1].tolist()
    values = vals.tolist()
    for k, v in zip(keys, values):
        if out and out[-1][0] == k:
            out[-1][1].append(v)
        else:
            out.append((k, [v]))
    return out


class EditDistance(OpDef):
    """Levenshtein distance between the sequences (last dimension) of two SparseTensors, per batch position."""

    type_name = "EditDistance"
    kernel_attrs = ("normalize",)
    grad = None   # TF: ops.NotDifferentiable("EditDistance")

    @staticmethod
    def dtype(op):
        return _dtypes.float32

    @staticmethod
    def shape(op, hi, hv, hs, ti, tv, ts):
        h, t = constant_value(op.inputs[2]), constant_value(op.inputs[5])
        if h is None or t is None:
            return None
        h, t = np.reshape(h, [-1]), np.reshape(t, [-1])
        dims = (hi, hv, hs, ti, tv, ts)
        if h.size != t.size:
            raise shape_error(op, "Num elements of hypothesis_shape does not match truth_shape: %d vs. %d"
                              % (h.size, t.size), *dims)
        if h.size < 2:
            raise shape_error(op, "Input Hypothesis SparseTensors must have rank at least 2, but hypothesis_shape "
                              "rank is: %d" % h.size, *dims)
        return tuple(int(max(a, b)) for a, b in zip(h[:-1], t[:-1]))

    @staticmethod
    def kernel(hypothesis_indices, hypothesis_values, hypothesis_shape, truth_indices, truth_values, truth_shape,
               normalize):
        hi, hv, hs = np.asarray(hypothesis_indices), np.asarray(hypothesis_values), np.asarray(hypothesis_shape)
        ti, tv, ts = np.asarray(truth_indices), np.asarray(truth_values), np.asarray(truth_shape)
        for name, a, rank in (("hypothesis_indices", hi, 2), ("truth_indices", ti, 2), ("hypothesis_values", hv, 1),
                              ("truth_values", tv, 1), ("hypothesis_shape", hs, 1), ("truth_shape", ts, 1)):
            if a.ndim != rank:
                raise InvalidArgumentError(None, None, "%s should be a %s, but got shape: %s"
                                           % (name, "matrix" if rank == 2 else "vector", _dbg(a.shape)))
        if hv.size != hi.shape[0]:
            raise InvalidArgumentError(None, None, "Expected hypothesis_values.NumElements == #rows(hypothesis_indices),"
                                       " their shapes are: %s and %s" % (_dbg(hv.shape), _dbg(hi.shape)))
        if hs.size != hi.shape[1]:
            raise InvalidArgumentError(None, None, "Expected hypothesis_shape.NumElements == #cols(hypothesis_indices),"
                                       " their shapes are: %s and %s" % (_dbg(hs.shape), _dbg(hi.shape)))
        if ts.size < 2:
            raise InvalidArgumentError(None, None, "Input SparseTensors must have rank at least 2, but truth_shape rank "
                                       "is: %d" % ts.size)
        if tv.size != ti.shape[0]:
            raise InvalidArgumentError(None, None, "Expected truth_values.NumElements == #rows(truth_indices), their "
                                       "shapes are: %s and %s" % (_dbg(tv.shape), _dbg(ti.shape)))
        if ts.size != ti.shape[1]:
            raise InvalidArgumentError(None, None, "Expected truth_shape.NumElements == #cols(truth_indices), their "
                                       "shapes are: %s and %s" % (_dbg(ts.shape), _dbg(ti.shape)))
        if ts.size != hs.size:
            raise InvalidArgumentError(None, None, "Expected truth and hypothesis to have matching ranks, but their "
                                       "shapes are: %s and %s" % (_dbg(ts.shape), _dbg(hs.shape)))
        nd = ts.size
        out_shape = tuple(int(max(a, b)) for a, b in zip(hs[:-1], ts[:-1]))
        n_out = int(np.prod(out_shape, dtype=np.int64))
        if n_out <= 0:
            raise InvalidArgumentError(None, None, "Got output shape %s which has 0 elements" % _dbg(out_shape))
        out = np.zeros(n_out, np.float32)
        strides = [int(np.prod(out_shape[d + 1:], dtype=np.int64)) for d in range(len(out_shape))]

        def loc(key):
            p = sum(k * s for k, s in zip(key, strides))
            if not 0 <= p < n_out:
                raise InvalidArgumentError(None, None, "Got an inner product %d which would require writing to outside "
                                           "of the buffer for the output tensor (max elements %d)" % (p, n_out))
            return p

        inf = np.float32(np.inf)
        hyp, tru = _groups(hi, hv, nd), _groups(ti, tv, nd)
        i = j = 0
        while i < len(hyp) or j < len(tru):
            if i < len(hyp) and j < len(tru) and hyp[i][0] == tru[j][0]:
                d = np.float32(_levenshtein(tru[j][1], hyp[i][1]))
                out[loc(tru[j][0])] = d / np.float32(len(tru[j][1])) if normalize else d
                i += 1
                j += 1
            elif j >= len(tru) or (i < len(hyp) and tru[j][0] > hyp[i][0]):   # zero-length truth
                n = np.float32(len(hyp[i][1]))
                out[loc(hyp[i][0])] = inf if normalize and n != 0 else n
                i += 1
            else:   # zero-length hypothesis
                out[loc(tru[j][0])] = 1.0 if normalize else np.float32(len(tru[j][1]))
                j += 1
        return out.reshape(out_shape)


def edit_distance(hypothesis, truth, normalize=True, name="edit_distance") -> Tensor:
    """Levenshtein distances between the sequences of two SparseTensors (the last dimension holds each sequence).

    Returns a float32 Tensor of rank R-1; with `normalize`, each distance is divided by the truth's length
    (an empty truth gives inf, or 0 when the hypothesis is empty too).
    """
    if not isinstance(hypothesis, (SparseTensor, SparseTensorValue)):
        raise TypeError("Hypothesis must be a SparseTensor.")
    if not isinstance(truth, (SparseTensor, SparseTensorValue)):
        raise TypeError("Truth must be a SparseTensor.")
    parts = [hypothesis.indices, hypothesis.values, hypothesis.dense_shape,
             truth.indices, truth.values, truth.dense_shape]
    with op_scope(name, "EditDistance", [p for p in parts if isinstance(p, Tensor)]) as s:
        names = ("hypothesis_indices", "hypothesis_values", "hypothesis_shape", "truth_indices", "truth_values",
                 "truth_shape")
        dts = (_dtypes.int64, None, _dtypes.int64, _dtypes.int64, None, _dtypes.int64)
        ts = [s.convert(p, n, dtype=d) for p, n, d in zip(parts, names, dts)]
        same_dtype("EditDistance", [("hypothesis_values", ts[1]), ("truth_values", ts[4])])
        return s.make(EditDistance, ts, {"normalize": bool(normalize), "T": ts[1].dtype.base_dtype}).outputs[0]


# ======================================================================================
# embedding_lookup_sparse
# ======================================================================================

def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod", name=None, combiner=None,
                            max_norm=None) -> Tensor:
    """Per row of `sp_ids`, the (weighted) sum, mean or sqrt-n mean of the embeddings of its ids.

    Row r of the result combines params[sp_ids.values[i]] over the entries i of row r (indices[i, 0] == r);
    rows up to the last one with ids are returned, empty rows are zero (TF's div_no_nan).
    """
    from .nn_impl import embedding_lookup
    if combiner is None:
        combiner = "mean"
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum', got %s" % (combiner,))
    params = list(params) if isinstance(params, (list, tuple)) else [params]
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError("sp_ids must be SparseTensor, got %s" % type(sp_ids))
    if sp_weights is not None:
        if not isinstance(sp_weights, SparseTensor):
            raise TypeError("sp_weights must be either None or SparseTensor,got %s" % type(sp_weights))
        sp_ids.values.shape.assert_is_compatible_with(sp_weights.values.shape)
        sp_ids.indices.shape.assert_is_compatible_with(sp_weights.indices.shape)
        sp_ids.dense_shape.shape.assert_is_compatible_with(sp_weights.dense_shape.shape)
    with name_scope(name, "embedding_lookup_sparse", params + [sp_ids.indices, sp_ids.values]) as scope:
        segment_ids = _m.cast(sp_ids.indices[:, 0], _dtypes.int32)
        emb = embedding_lookup(params, sp_ids.values, partition_strategy=partition_strategy, max_norm=max_norm)
        num = _m.maximum(_m.add(_m.reduce_max(segment_ids), 1), 0)
        nd = emb.shape.ndims
        if sp_weights is not None:
            w = sp_weights.values
            if w.dtype.base_dtype != emb.dtype.base_dtype:
                w = _m.cast(w, emb.dtype.base_dtype)
        else:
            w = _a.ones_like(segment_ids, dtype=emb.dtype.base_dtype)
        w = _a.reshape(w, [-1] + [1] * (nd - 1)) if nd is not None else _a.expand_dims(w, -1)
        total = _m.unsorted_segment_sum(_m.multiply(emb, w) if sp_weights is not None else emb, segment_ids, num)
        if combiner == "sum":
            return _a.identity(total, name=scope)
        if combiner == "mean":
            norm = _m.unsorted_segment_sum(w, segment_ids, num)
        else:
            norm = _m.sqrt(_m.unsorted_segment_sum(_m.square(w), segment_ids, num))
        zero = _m.equal(norm, _a.zeros_like(norm))
        safe = _a.where_v2(zero, _a.ones_like(norm), norm)
        out = _a.where_v2(zero, _a.zeros_like(total), _m.truediv(total, safe))
        return _a.identity(out, name=scope)
