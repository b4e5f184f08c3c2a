"""The graph and its rules: dtypes, shapes, errors, Graph/Operation/Tensor, the op registry and the graph walk.

Imports nothing from ops, client, train or notebook."""

from . import constant_op  # noqa: E402,F401  (registers the plain-value -> Const conversion)
