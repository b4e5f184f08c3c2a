"""Linear-algebra ops on batches of matrices `[..., M, M]`: inverse, determinant, solve, Cholesky,
self-adjoint eigendecomposition, band part and the 3-vector cross product, with TF's gradients.

Each op reads its input the way TF's kernel does (Cholesky and the eigensolver read only the lower
triangle) and fails with TF 1.15's InvalidArgumentError text for non-square or singular input.
"""
from __future__ import annotations

import numpy as np

from ..framework.errors import FailedPreconditionError, InvalidArgumentError
from ..framework.graph import Tensor
from ..framework.opdef import OpDef, op_scope, check_dtype, same_dtype
from ..framework.shapes import fmt_dims, shape_error
from . import array_ops as _aops
from . import math_ops as _mops

__all__ = ["matrix_inverse", "matrix_determinant", "matrix_solve", "cholesky", "self_adjoint_eig",
           "self_adjoint_eigvals", "cross", "matrix_band_part", "matrix_transpose", "adjoint"]

# TF's allowed types for the matrix kernels, in the order its TypeError prints them
_MATRIX_TYPES = ("float64", "float32", "float16", "complex64", "complex128")
_DET_TYPES = ("float16", "float32", "float64", "complex64", "complex128")
_CROSS_TYPES = ("float32", "float64", "int32", "uint8", "int16", "int8", "int64", "bfloat16", "uint16",
                "float16", "uint32", "uint64")


def _check_types(arg: str, t: Tensor, names) -> None:
    if t.dtype.base_dtype.name not in names:
        raise TypeError("Value passed to parameter '%s' has DataType %s not in list of allowed values: %s"
                        % (arg, t.dtype.base_dtype.name, ", ".join(names)))


# ======================================================================================
# Static shape helpers: batch of square matrices
# ======================================================================================

def _square_dims(op, d, *all_dims, det_order=False):
    """`d` checked as `[..., M, M]` (TF's 'at least rank 2' and 'Dimensions must be equal' errors)."""
    if d is None:
        return None
    if len(d) < 2:
        raise shape_error(op, "Shape must be at least rank 2 but is rank %d" % len(d), *all_dims)
    r, c = d[-2], d[-1]
    if r is not None and c is not None and r != c:
        a, b = (c, r) if det_order else (r, c)
        raise shape_error(op, "Dimensions must be equal, but are %d and %d" % (a, b), *all_dims)
    n = r if r is not None else c
    return d[:-2] + (n, n)


def _merge_batch(op, a, b, all_dims):
    """Merge two batch shapes of equal rank (TF's 'Dimension i in both shapes must be equal')."""
    if len(a) != len(b):
        raise shape_error(op, "Shapes must be equal rank, but are %d and %d" % (len(a), len(b)), *all_dims)
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x is not None and y is not None and x != y:
            raise shape_error(op, "Dimension %d in both shapes must be equal, but are %d and %d. Shapes are %s and %s."
                              % (i, x, y, fmt_dims(a), fmt_dims(b)), *all_dims)
        out.append(x if x is not None else y)
    return tuple(out)


# ======================================================================================
# Run-time helpers
# ======================================================================================

def _check_square(x: np.ndarray, index: int = 0, message: str = "Input matrix must be square.") -> None:
    if x.ndim < 2:
        raise InvalidArgumentError(None, None, "Input tensor %d must have rank >= 2, got %d" % (index, x.ndim))
    if x.shape[-1] != x.shape[-2]:
        raise InvalidArgumentError(None, None, message)


def _compute_dtype(x: np.ndarray):
    """NumPy's LAPACK has no float16: compute in float32 and cast the result back."""
    return np.float32 if x.dtype == np.float16 else None


def _from_lower(a: np.ndarray) -> np.ndarray:
    """The Hermitian matrix TF's kernels see: the lower triangle of `a` mirrored (the upper part is never read)."""
    low = np.tril(a)
    return low + np.conj(np.swapaxes(np.tril(a, -1), -1, -2))


def _adjoint_last(a: np.ndarray) -> np.ndarray:
    return np.conj(np.swapaxes(a, -1, -2))


def matrix_transpose(a, name="matrix_transpose", conjugate=False) -> Tensor:
    """Transpose of the last two dimensions (tf.matrix_transpose, tf.linalg.transpose); real matrices only."""
    with op_scope(name, "matrix_transpose", [a]) as s:
        x = s.convert(a, "a")
        if x.dtype.is_complex:
            raise TypeError("tfsess implements tf.linalg.transpose and tf.linalg.adjoint for real matrices only")
        r = x.shape.ndims
        if r is not None:
            if r < 2:
                raise ValueError("Argument 'a' should be a (batch) matrix, with rank >= 2.  Found: %s" % x.shape)
            perm = list(range(r - 2)) + [r - 1, r - 2]
        else:
            rk = _aops.rank(x)
            perm = _aops.concat([_mops.range(0, rk - 2), _aops.stack([rk - 1, rk - 2])], 0)
        return _aops.transpose(x, perm)


def adjoint(matrix, name=None) -> Tensor:
    """Conjugate transpose of the last two dimensions (tf.linalg.adjoint); real matrices only."""
    with op_scope(name, "adjoint", [matrix]) as s:
        return matrix_transpose(s.convert(matrix, "matrix"))


# ======================================================================================
# MatrixInverse
# ======================================================================================

class MatrixInverse(OpDef):
    """inv(A) (or inv(A^H) with adjoint=True) for each matrix of a batch."""

    type_name = "MatrixInverse"
    kernel_attrs = ("adjoint",)

    @staticmethod
    def shape(op, d):
        return _square_dims(op, d, d)

    @staticmethod
    def kernel(a, adjoint):
        _check_square(a)
        if np.isnan(a).any():
            raise InvalidArgumentError(None, None, "Input is not invertible.")
        ct = _compute_dtype(a)
        x = a.astype(ct) if ct else a
        if adjoint:
            x = _adjoint_last(x)
        try:
            out = np.linalg.inv(x)
        except np.linalg.LinAlgError:
            raise InvalidArgumentError(None, None, "Input is not invertible.") from None
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def grad(op, g):
        # B = inv(A): dA = -B^H g B^H; with adjoint=True (B = inv(A^H)): dA = -B g^H B
        ainv = op.outputs[0]
        adj = op.get_attr("adjoint")
        return [_mops.negative(_mops.matmul(ainv, _mops.matmul(g, ainv, adjoint_a=adj, adjoint_b=not adj),
                                            adjoint_a=not adj))]


def matrix_inverse(input, adjoint=False, name=None) -> Tensor:  # noqa: A002
    """Inverse of each square matrix in `input` (`[..., M, M]`) (tf.matrix_inverse, tf.linalg.inv)."""
    with op_scope(name, "MatrixInverse", [input]) as s:
        x = s.convert(input, "input")
        _check_types("input", x, _MATRIX_TYPES)
        return s.make(MatrixInverse, [x], {"T": x.dtype.base_dtype, "adjoint": bool(adjoint)}).outputs[0]


# ======================================================================================
# MatrixDeterminant
# ======================================================================================

class MatrixDeterminant(OpDef):
    """det(A) for each matrix of a batch: `[..., M, M]` -> `[...]`."""

    type_name = "MatrixDeterminant"

    @staticmethod
    def shape(op, d):
        sq = _square_dims(op, d, d, det_order=True)
        return None if sq is None else sq[:-2]

    @staticmethod
    def kernel(a):
        _check_square(a)
        ct = _compute_dtype(a)
        out = np.linalg.det(a.astype(ct) if ct else a)
        return np.asarray(out).astype(a.dtype, copy=False)

    @staticmethod
    def grad(op, g):
        # d det(A) / dA = det(A) inv(A)^H, scaled per matrix of the batch
        a, c = op.inputs[0], op.outputs[0]
        mult = _aops.expand_dims(_aops.expand_dims(_mops.multiply(g, c), -1), -1)
        return [_mops.multiply(mult, matrix_inverse(a, adjoint=True))]


def matrix_determinant(input, name=None) -> Tensor:  # noqa: A002
    """Determinant of each square matrix in `input` (tf.matrix_determinant, tf.linalg.det)."""
    with op_scope(name, "MatrixDeterminant", [input]) as s:
        x = s.convert(input, "input")
        _check_types("input", x, _DET_TYPES)
        return s.make(MatrixDeterminant, [x], {"T": x.dtype.base_dtype}).outputs[0]


# ======================================================================================
# MatrixSolve
# ======================================================================================

class MatrixSolve(OpDef):
    """X with A X = B (or A^H X = B with adjoint=True), per matrix of a batch; batch dims must be equal."""

    type_name = "MatrixSolve"
    kernel_attrs = ("adjoint",)

    @staticmethod
    def shape(op, a, b):
        sq = _square_dims(op, a, a, b)
        if b is not None and len(b) < 2:
            raise shape_error(op, "Shape must be at least rank 2 but is rank %d" % len(b), a, b)
        if sq is None or b is None:
            if b is None:
                return None if sq is None else sq[:-1] + (None,)
            return b
        batch = _merge_batch(op, sq[:-2], b[:-2], (a, b))
        n, m = sq[-2], b[-2]
        if n is not None and m is not None and n != m:
            raise shape_error(op, "Dimensions must be equal, but are %d and %d" % (n, m), a, b)
        return batch + (n if n is not None else m, b[-1])

    @staticmethod
    def kernel(a, b, adjoint):
        _check_square(a, 0, "First input (lhs) must be a square matrix.")
        if b.ndim < 2:
            raise InvalidArgumentError(None, None, "Input tensor 1 must have rank >= 2, got %d" % b.ndim)
        if a.shape[:-2] != b.shape[:-2]:
            raise InvalidArgumentError(None, None, "All input tensors must have the same outer dimensions.")
        if a.shape[-2] != b.shape[-2]:
            raise InvalidArgumentError(None, None, "Input matrix and rhs are incompatible.")
        ct = _compute_dtype(a)
        x, y = (a.astype(ct), b.astype(ct)) if ct else (a, b)
        if adjoint:
            x = _adjoint_last(x)
        if b.shape[-1] == 0 or a.shape[-1] == 0:
            return np.zeros(b.shape, dtype=a.dtype)
        if np.isnan(x).any():
            raise InvalidArgumentError(None, None, "Input matrix is not invertible.")
        try:
            out = np.linalg.solve(x, y)
        except np.linalg.LinAlgError:
            raise InvalidArgumentError(None, None, "Input matrix is not invertible.") from None
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def grad(op, g):
        a, c = op.inputs[0], op.outputs[0]
        adj = op.get_attr("adjoint")
        grad_b = matrix_solve(a, g, adjoint=not adj)
        if adj:
            grad_a = _mops.negative(_mops.matmul(c, grad_b, adjoint_b=True))
        else:
            grad_a = _mops.negative(_mops.matmul(grad_b, c, adjoint_b=True))
        return [grad_a, grad_b]


def matrix_solve(matrix, rhs, adjoint=False, name=None) -> Tensor:
    """Solve `matrix @ X = rhs` for X, batched over leading dims (tf.matrix_solve, tf.linalg.solve)."""
    with op_scope(name, "MatrixSolve", [matrix, rhs]) as s:
        a = s.convert(matrix, "matrix")
        b = s.convert(rhs, "rhs", dtype=a.dtype.base_dtype) if not isinstance(rhs, Tensor) else rhs
        _check_types("matrix", a, _MATRIX_TYPES)
        same_dtype("MatrixSolve", [("matrix", a), ("rhs", b)])
        return s.make(MatrixSolve, [a, b], {"T": a.dtype.base_dtype, "adjoint": bool(adjoint)}).outputs[0]


# ======================================================================================
# MatrixBandPart (used by the Cholesky and eigendecomposition gradients)
# ======================================================================================

class MatrixBandPart(OpDef):
    """Keep the band num_lower below / num_upper above the diagonal (negative: keep the whole triangle)."""

    type_name = "MatrixBandPart"

    @staticmethod
    def shape(op, d, lo, up):
        for name, t in (("num_lower", lo), ("num_upper", up)):
            if t is not None and len(t) != 0:
                raise shape_error(op, "Shape must be rank 0 but is rank %d" % len(t), d, lo, up)
        if d is not None and len(d) < 2:
            raise shape_error(op, "Shape must be at least rank 2 but is rank %d" % len(d), d, lo, up)
        return d

    @staticmethod
    def kernel(x, num_lower, num_upper):
        if x.ndim < 2:
            raise InvalidArgumentError(None, None, "input must be at least 2-dim, received shape: %s"
                                       % fmt_dims(x.shape))
        m, n = x.shape[-2], x.shape[-1]
        lo, up = int(num_lower), int(num_upper)
        if lo > m:
            raise InvalidArgumentError(None, None, "num_lower must be negative or less or equal to number of "
                                       "rows (%d) got: %d" % (m, lo))
        if up > n:
            raise InvalidArgumentError(None, None, "num_upper must be negative or less or equal to number of "
                                       "columns (%d) got: %d" % (n, up))
        i = np.arange(m)[:, None]
        j = np.arange(n)[None, :]
        keep = np.ones((m, n), dtype=bool)
        if lo >= 0:
            keep &= (i - j) <= lo
        if up >= 0:
            keep &= (j - i) <= up
        return np.where(keep, x, np.zeros((), dtype=x.dtype))

    @staticmethod
    def grad(op, g):
        return [matrix_band_part(g, op.inputs[1], op.inputs[2]), None, None]


def matrix_band_part(input, num_lower, num_upper, name=None) -> Tensor:  # noqa: A002
    """Zero everything outside a band around the diagonal (tf.matrix_band_part, tf.linalg.band_part)."""
    with op_scope(name, "MatrixBandPart", [input, num_lower, num_upper]) as s:
        x = s.convert(input, "input")
        lo = s.convert(num_lower, "num_lower")
        up = s.convert(num_upper, "num_upper", dtype=lo.dtype.base_dtype) if not isinstance(num_upper, Tensor) \
            else num_upper
        check_dtype("MatrixBandPart", "num_lower", lo, "int")
        same_dtype("MatrixBandPart", [("num_lower", lo), ("num_upper", up)])
        return s.make(MatrixBandPart, [x, lo, up], {"T": x.dtype.base_dtype, "Tindex": lo.dtype.base_dtype}
                      ).outputs[0]


def _lower_half_diag(x: Tensor) -> Tensor:
    """The strictly lower triangle of x plus half its diagonal (TF's Cholesky / eig gradient step)."""
    return _mops.subtract(matrix_band_part(x, -1, 0), _mops.multiply(matrix_band_part(x, 0, 0), 0.5))


# ======================================================================================
# Cholesky
# ======================================================================================

class Cholesky(OpDef):
    """Lower-triangular L with L L^H = A, per matrix; only A's lower triangle is read."""

    type_name = "Cholesky"

    @staticmethod
    def shape(op, d):
        return _square_dims(op, d, d)

    @staticmethod
    def kernel(a):
        _check_square(a)
        if a.shape[-1] == 0:
            return a.copy()
        ct = _compute_dtype(a)
        x = _from_lower(a.astype(ct) if ct else a)
        try:
            out = np.linalg.cholesky(x)
        except np.linalg.LinAlgError:
            raise InvalidArgumentError(None, None, "Cholesky decomposition was not successful. "
                                       "The input might not be valid.") from None
        if np.isnan(out).any():
            raise InvalidArgumentError(None, None, "Cholesky decomposition was not successful. "
                                       "The input might not be valid.")
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def grad(op, g):
        # TF's rule: a symmetric gradient, 0.5 * (phi + phi^H) with phi = L^-H tril_half(L^H g) L^-1
        lo = op.outputs[0]
        l_inv = matrix_inverse(lo)
        middle = _lower_half_diag(_mops.matmul(lo, g, adjoint_a=True))
        grad_a = _mops.matmul(_mops.matmul(l_inv, middle, adjoint_a=True), l_inv)
        grad_a = _mops.add(grad_a, adjoint(grad_a))
        return [_mops.multiply(grad_a, 0.5)]


def cholesky(input, name=None) -> Tensor:  # noqa: A002
    """Cholesky factor of each symmetric positive-definite matrix (tf.cholesky, tf.linalg.cholesky)."""
    with op_scope(name, "Cholesky", [input]) as s:
        x = s.convert(input, "input")
        _check_types("input", x, _MATRIX_TYPES)
        return s.make(Cholesky, [x], {"T": x.dtype.base_dtype}).outputs[0]


# ======================================================================================
# SelfAdjointEigV2
# ======================================================================================

class SelfAdjointEigV2(OpDef):
    """Eigenvalues (ascending) and, with compute_v, eigenvectors (columns) of each self-adjoint matrix."""

    type_name = "SelfAdjointEigV2"

    @classmethod
    def outputs(cls, op):
        x = op.inputs[0]
        dt = x.dtype.base_dtype
        e_dt = dt.real_dtype if dt.is_complex else dt
        d = _square_dims(op, x.dims, x.dims)
        e = None if d is None else d[:-1]
        if op.attrs["compute_v"]:
            v = d
        else:
            v = (0,)
        return [(e_dt, e), (dt, v)]

    @classmethod
    def bind(cls, op, session):
        compute_v = op.attrs["compute_v"]

        def eig(a):
            _check_square(a)
            ct = _compute_dtype(a)
            x = a.astype(ct) if ct else a
            if not np.isfinite(x).all():
                raise InvalidArgumentError(None, None, "Self-adjoint eigen decomposition was not successful. "
                                           "The input might not be valid.")
            e_dtype = np.real(np.zeros((), a.dtype)).dtype
            if compute_v:
                e, v = np.linalg.eigh(x, UPLO="L")
                return e.astype(e_dtype, copy=False), v.astype(a.dtype, copy=False)
            e = np.linalg.eigvalsh(x, UPLO="L")
            return e.astype(e_dtype, copy=False), np.zeros((0,), dtype=a.dtype)
        return eig

    @staticmethod
    def grad(op, grad_e, grad_v):
        e = op.outputs[0]
        if op.get_attr("compute_v"):
            v = op.outputs[1]
            # f_ij = 1 / (e_j - e_i) off the diagonal, 0 on it (TF's safe reciprocal)
            diff = _mops.subtract(_aops.expand_dims(e, -2), _aops.expand_dims(e, -1))
            f = _mops.multiply(diff, _mops.reciprocal(_mops.add(_mops.multiply(diff, diff),
                                                              _aops.constant(1e-20, dtype=e.dtype))))
            inner = _mops.multiply(f, _mops.matmul(v, grad_v, adjoint_a=True))
            grad_a = _mops.add(_mops.matmul(_mops.multiply(v, _aops.expand_dims(grad_e, -2)), v, adjoint_b=True),
                               _mops.matmul(v, _mops.matmul(inner, v, adjoint_b=True)))
        else:
            _, v = self_adjoint_eig(op.inputs[0])
            grad_a = _mops.matmul(_mops.multiply(v, _aops.expand_dims(grad_e, -2)), v, adjoint_b=True)
        # the kernel reads the lower triangle only: fold the symmetric gradient onto it
        return [_lower_half_diag(_mops.add(grad_a, adjoint(grad_a)))]


def _eig(tensor, compute_v, name, default):
    with op_scope(name, default, [tensor]) as s:
        x = s.convert(tensor, "input")
        _check_types("input", x, _MATRIX_TYPES)
        op = s.make(SelfAdjointEigV2, [x], {"T": x.dtype.base_dtype, "compute_v": compute_v})
        return op.outputs


def self_adjoint_eig(tensor, name=None):
    """(e, v): eigenvalues ascending and eigenvectors as columns (tf.self_adjoint_eig, tf.linalg.eigh)."""
    e, v = _eig(tensor, True, name, "SelfAdjointEigV2")
    return e, v


def self_adjoint_eigvals(tensor, name=None) -> Tensor:
    """Eigenvalues of each self-adjoint matrix, ascending (tf.self_adjoint_eigvals, tf.linalg.eigvalsh)."""
    return _eig(tensor, False, name, "SelfAdjointEigV2")[0]


# ======================================================================================
# Cross
# ======================================================================================

class Cross(OpDef):
    """Pairwise cross product of 3-element vectors along the last axis (both inputs of one shape)."""

    type_name = "Cross"

    @staticmethod
    def shape(op, a, b):
        if a is None or b is None:
            d = a if a is not None else b
        else:
            d = _merge_batch(op, a, b, (a, b))
        if d is not None:
            if len(d) < 1:
                raise shape_error(op, "Shape must be at least rank 1 but is rank 0", a, b)
            if d[-1] is not None and d[-1] != 3:
                raise shape_error(op, "Dimension must be 3 but is %d" % d[-1], a, b)
            d = d[:-1] + (3,)
        return d

    @staticmethod
    def kernel(a, b):
        if a.shape != b.shape:
            raise InvalidArgumentError(None, None, "Both inputs must be of same shape: %s vs. %s"
                                       % (fmt_dims(a.shape), fmt_dims(b.shape)))
        if a.ndim < 1:
            raise InvalidArgumentError(None, None, "Input must be at least 1D%s" % fmt_dims(a.shape))
        if a.shape[-1] != 3:
            raise FailedPreconditionError(None, None, "Cross-products are only defined for 3-element vectors.")
        return np.cross(a, b).astype(a.dtype, copy=False)

    @staticmethod
    def grad(op, g):
        u, v = op.inputs
        return [cross(v, g), cross(g, u)]


def cross(a, b, name=None) -> Tensor:
    """a x b for 3-element vectors in the last axis (tf.cross, tf.linalg.cross)."""
    with op_scope(name, "Cross", [a, b]) as s:
        at = s.convert(a, "a")
        bt = s.convert(b, "b", dtype=at.dtype.base_dtype) if not isinstance(b, Tensor) else b
        _check_types("a", at, _CROSS_TYPES)
        same_dtype("Cross", [("a", at), ("b", bt)])
        return s.make(Cross, [at, bt], {"T": at.dtype.base_dtype}).outputs[0]
