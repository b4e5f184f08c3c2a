"""tf.linalg: matrix ops under their tf.linalg names (inv, det, solve, cholesky, eigh, eigvalsh, cross, ...)."""
from .ops.linalg_ops import (matrix_inverse as inv, matrix_determinant as det, matrix_solve as solve,  # noqa: F401
                             cholesky, self_adjoint_eig as eigh, self_adjoint_eigvals as eigvalsh, cross,
                             matrix_band_part as band_part, matrix_transpose, matrix_transpose as transpose,
                             adjoint)
from .ops.math_ops import matmul, tensordot, trace  # noqa: F401
from .ops.nn_ops import l2_normalize  # noqa: F401

__all__ = ["inv", "det", "solve", "cholesky", "eigh", "eigvalsh", "cross", "band_part", "matrix_transpose",
           "transpose", "adjoint", "matmul", "tensordot", "trace", "l2_normalize"]


def __getattr__(name):
    from .framework.unimplemented import missing_attribute
    raise missing_attribute("tf.linalg", name)
