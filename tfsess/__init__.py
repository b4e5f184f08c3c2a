"""tfsess: the TensorFlow 1.x graph-and-session model on NumPy, for teaching and for old TF1 code.

    import tfsess as tf
    x = tf.constant(1); y = tf.constant(2); z = x + y
    with tf.Session() as sess:
        print(sess.run(z))          # 3

In IPython/Jupyter, `%load_ext tfsess` opens an InteractiveSession and adds the `%%graph` and
`%eval` magics (the notebook layer is imported only then).
"""
from __future__ import annotations

__version__ = "0.1.0"

from . import dtypes, errors  # noqa: E402
from .framework.dtypes import (DType, as_dtype, float16, half, float32, float64, double, int8, int16, int32,  # noqa: E402
                     int64, uint8, uint16, uint32, uint64, bool, string, complex64, complex128)
from .framework.shapes import TensorShape, Dimension, dimension_value  # noqa: E402
from .framework.graph import (Graph, Operation, Tensor, GraphKeys, get_default_graph, reset_default_graph,  # noqa: E402
                    name_scope, control_dependencies, device, add_to_collection, add_to_collections,
                    get_collection, get_collection_ref, convert_to_tensor, register_tensor_conversion_function,
                    is_tensor, has_default_graph)
from .framework.opdef import RegisterGradient, NotDifferentiable, NoGradient  # noqa: E402
from .framework.importer import import_graph_def  # noqa: E402
from .ops import graph_file_ops as _graph_file_ops  # noqa: E402,F401  (ops of TF-written graphs)
from .ops.array_ops import (constant, placeholder, placeholder_with_default, identity, zeros, ones, fill,  # noqa: E402
                        zeros_like, ones_like, reshape, transpose, concat, stack, unstack, squeeze,
                        expand_dims, tile, gather, slice, strided_slice, shape, size, rank, cast, one_hot,
                        where, where_v2, stop_gradient, split, pad, reverse, broadcast_to, boolean_mask)
from .ops.math_ops import (add, subtract, multiply, divide, truediv, realdiv, floordiv, div, mod, floormod,  # noqa: E402
                       truncatediv, pow, maximum, minimum, squared_difference, negative, abs, square, sqrt,
                       rsqrt, exp, log, log1p, expm1, sin, cos, tan, tanh, sigmoid, sign, round, floor, ceil,
                       reciprocal, erf, equal, not_equal, less, less_equal, greater, greater_equal, logical_and,
                       logical_or, logical_not, logical_xor, add_n, matmul, reduce_sum, reduce_mean, reduce_max,
                       reduce_min, reduce_prod, reduce_any, reduce_all, reduce_logsumexp, argmax, argmin, cumsum,
                       range, linspace, lin_space, clip_by_value, count_nonzero, log_sigmoid,
                       unsorted_segment_sum, invert_permutation, to_float, to_int32, to_int64, to_double,
                       scalar_mul, tensordot, trace, diag, is_nan, is_inf, is_finite)
from .ops.random_ops import (random_normal, random_uniform, truncated_normal, random_shuffle, multinomial,  # noqa: E402
                         set_random_seed)
from .ops.control_flow_ops import (group, no_op, cond, case, Assert, Print, print_v2 as print,  # noqa: E402
                               check_numerics, tuple_ as tuple, assert_equal, assert_less, assert_greater,
                               assert_non_negative, assert_positive, with_dependencies)
from .ops.while_loop import while_loop  # noqa: E402
from .ops.tensor_array_ops import TensorArray  # noqa: E402
from .ops.variables import (Variable, VariableV1, assign, assign_add, assign_sub, global_variables,  # noqa: E402
                        all_variables, trainable_variables, local_variables, model_variables,
                        moving_average_variables, global_variables_initializer, local_variables_initializer,
                        variables_initializer, initialize_all_variables, initialize_variables,
                        initialize_local_variables, is_variable_initialized, report_uninitialized_variables,
                        assert_variables_initialized)
from .ops.variable_scope import (VariableScope, variable_scope, variable_op_scope, get_variable,  # noqa: E402
                             get_variable_scope, get_local_variable, AUTO_REUSE)
from .ops.init_ops import (zeros_initializer, ones_initializer, constant_initializer,  # noqa: E402
                       random_uniform_initializer, random_normal_initializer, truncated_normal_initializer,
                       variance_scaling_initializer, glorot_uniform_initializer, glorot_normal_initializer,
                       orthogonal_initializer, identity_initializer, he_normal, he_uniform, lecun_normal,
                       lecun_uniform)
from .client.session import Session, InteractiveSession, get_default_session  # noqa: E402
from .client.config import ConfigProto, GPUOptions, GraphOptions, OptimizerOptions  # noqa: E402
from .client.numpy_export import export_numpy  # noqa: E402
from .ops.gradients import gradients, hessians, UnconnectedGradients, AggregationMethod  # noqa: E402
from .ops.math_ops import floor_div, arg_max, arg_min, div_no_nan  # noqa: E402
from .ops.linalg_ops import (matrix_inverse, matrix_determinant, matrix_solve, cholesky, self_adjoint_eig,  # noqa: E402
                             self_adjoint_eigvals, cross, matrix_band_part, matrix_transpose)
from . import nn, math, random, strings, initializers, debugging, train  # noqa: E402
from . import layers, summary, contrib, data  # noqa: E402
from . import linalg, losses  # noqa: E402
from .ops.rnn import reverse_sequence  # noqa: E402
from .framework.sparse_tensor import (SparseTensor, SparseTensorValue,  # noqa: E402
                                      convert_to_tensor_or_sparse_tensor)
from .ops.sparse_ops import (sparse_placeholder, sparse_tensor_dense_matmul, sparse_to_dense,  # noqa: E402
                             sparse_tensor_to_dense, sparse_add, sparse_reduce_sum, sparse_reorder, sparse_reshape,
                             edit_distance, gather_nd, scatter_nd)
from . import sparse  # noqa: E402
from .ops.data_flow_ops import (QueueBase, FIFOQueue, RandomShuffleQueue, PaddingFIFOQueue,  # noqa: E402
                                TextLineReader, decode_csv, count_up_to)


_LAZY_MODULES = ("app", "flags", "test", "logging", "gfile", "contrib")


_PROTO_CLASSES = ("GraphDef", "NodeDef", "AttrValue", "TensorProto", "TensorShapeProto", "MetaGraphDef",
                  "SaverDef", "VariableDef", "NameAttrList", "OpDef", "SignatureDef", "TensorInfo")


def __getattr__(name):
    """tf.Summary / tf.Event / tf.RunOptions / tf.RunMetadata (TF's protobuf classes when tensorboard is installed)
    and tf.app, tf.flags, tf.test, tf.logging, tf.gfile, tf.contrib, loaded on first use; any other TF1 name is a
    clear "tfsess does not implement tf.X"."""
    if name in ("Summary", "Event"):
        return getattr(summary, name)
    if name in _PROTO_CLASSES:        # TensorFlow's protobuf messages, built on first use (framework/protos.py)
        from .framework import protos
        return getattr(protos.load(), name)
    if name in ("RunOptions", "RunMetadata"):
        from .client.run_metadata import message_class
        return message_class(name)
    if name in _LAZY_MODULES:
        import importlib
        return importlib.import_module(__name__ + "." + name)
    from .framework.unimplemented import missing_attribute
    raise missing_attribute("tf", name)


def install_as_tensorflow() -> None:
    """Make `import tensorflow` (and TF1 paths like tensorflow.python.framework.ops) give tfsess in this process."""
    from .compat.aliases import install_as_tensorflow as _install
    _install()


newaxis = None
mul = multiply
sub = subtract
neg = negative
Session.__module__ = __name__
InteractiveSession.__module__ = __name__


def disable_eager_execution():
    """Accepted for tf.compat.v1 code: tfsess always builds graphs."""


def disable_v2_behavior():
    """Accepted for tf.compat.v1 code: tfsess always has TF1 behaviour."""


def enable_eager_execution(*args, **kwargs):
    raise NotImplementedError("tfsess implements TF1 graph mode only; eager execution is not available.")


def executing_eagerly() -> builtins_bool:
    return False


import builtins as _builtins  # noqa: E402

builtins_bool = _builtins.bool


def load_ipython_extension(ipython):
    """`%load_ext tfsess`: InteractiveSession, %%graph and %eval (imports the notebook layer now)."""
    from .notebook import load_ipython_extension as _load
    _load(ipython)


def unload_ipython_extension(ipython):
    from .notebook import unload_ipython_extension as _unload
    _unload(ipython)


from . import compat  # noqa: E402  (last: compat.v1 mirrors this namespace)
