"""tf.sparse: SparseTensor and the sparse ops under their tf.sparse.* names (TF 1.15)."""
from .framework.sparse_tensor import SparseTensor, SparseTensorValue  # noqa: F401
from .ops.sparse_ops import (sparse_placeholder as placeholder, sparse_tensor_to_dense as to_dense,  # noqa: F401
                             from_dense, sparse_add as add, sparse_reduce_sum as reduce_sum,
                             sparse_reorder as reorder, sparse_reshape as reshape,
                             sparse_tensor_dense_matmul as sparse_dense_matmul,
                             sparse_tensor_dense_matmul as matmul, sparse_to_dense)


def __getattr__(name):
    from .framework.unimplemented import missing_attribute
    raise missing_attribute("tf.sparse", name)


__all__ = ["SparseTensor", "SparseTensorValue", "placeholder", "to_dense", "from_dense", "add", "reduce_sum",
           "reorder", "reshape", "sparse_dense_matmul", "matmul", "sparse_to_dense"]
