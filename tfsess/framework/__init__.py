"""The graph and its rules: dtypes, shapes, errors, Graph/Operation/Tensor, the op registry and the graph walk.

Imports nothing from ops, client, train or notebook.

The layers above read and build graphs only through this documented internal API (TF's public names where TF
has one), never through the framework's private fields (tests/test_internal_api.py checks it):

- Operation: name, type, graph, inputs, outputs, control_inputs, device, op_def (the OpDef class), attrs (read
  only), get_attr, cond_context (get/set while building a tf.cond branch), set_internal_attr ('_'-names),
  location (the user's file and line), creation_index.
- Tensor: op, value_index, name, dtype, shape, dims (sizes tuple or None), graph, consumers().
- TensorShape: dim_sizes (sizes tuple or None), ndims, as_list(); DType: as_numpy_dtype, base_dtype.
- Graph: cond_context and name_stack (get/set while a builder opens a branch or scope), has_control_dependencies,
  init_scope() (TF's init_scope), plus TF's public Graph methods.
- opdef.create_op(...) builds and adds an op; OpDef subclasses define an op's shape/dtype rule, kernel, gradient.
"""

from . import constant_op  # noqa: E402,F401  (registers the plain-value -> Const conversion)
