"""Variables (TF1 reference variables): the VariableV2/Assign ops and the tf.Variable class.

A variable's value lives in each Session, never in the graph: two sessions on one graph hold
separate values, and a new session sees the variable uninitialized.
"""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.graph import (get_default_session, GraphKeys, Operation, Tensor, convert_to_tensor, get_default_graph,
                    register_tensor_conversion_function)
from ..framework.opdef import OpDef, op_scope, create_op
from ..framework.runtime import uninitialized_error, write_variable
from ..framework.shapes import TensorShape, fmt_dims, shape_error
from . import array_ops as _a

__all__ = ["Variable", "VariableV1", "RefVariable", "assign", "assign_add", "assign_sub",
           "global_variables", "trainable_variables", "local_variables", "model_variables",
           "moving_average_variables", "global_variables_initializer", "local_variables_initializer",
           "variables_initializer", "initialize_all_variables", "initialize_variables",
           "initialize_local_variables", "is_variable_initialized", "report_uninitialized_variables",
           "assert_variables_initialized"]

class VariableV2(OpDef):
    """A variable's handle: running it reads the session's current value."""

    type_name = "VariableV2"
    is_variable = True
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(op.attrs["dtype"]._as_ref, op.attrs["shape"].dim_sizes)]

    @classmethod
    def bind(cls, op, session):
        get = session.variable_store.get

        def read():
            v = get(op)
            if v is None:
                raise uninitialized_error(op)
            return v
        return read


class _UpdateOp(OpDef):
    """Base of ops that update a variable in place (input 0 by reference); output: the new value."""

    stateful = True
    needs_ctx = True
    ref_inputs = (0,)

    @classmethod
    def outputs(cls, op):
        ref = op.inputs[0]
        return [(ref.dtype, cls.shape(op, *[t.shape.dim_sizes for t in op.inputs]))]

    @staticmethod
    def shape(op, ref, value, *rest):
        return ref


class Assign(_UpdateOp):
    """ref = value (validate_shape: the value's shape must match the variable's)."""

    type_name = "Assign"
    grad = None

    @staticmethod
    def shape(op, ref, value):
        if op.attrs["validate_shape"] and ref is not None and value is not None:
            if len(ref) != len(value):
                raise shape_error(op, "Shapes must be equal rank, but are %d and %d" % (len(ref), len(value)),
                                  ref, value)
            for i, (a, b) in enumerate(zip(ref, value)):
                if a is not None and b is not None and a != b:
                    raise shape_error(op, "Dimension %d in both shapes must be equal, but are %d and %d. Shapes "
                                      "are %s and %s." % (i, a, b, fmt_dims(ref), fmt_dims(value)), ref, value)
        return ref if op.attrs["validate_shape"] else value

    @classmethod
    def bind(cls, op, session):
        var = op.inputs[0].op
        store = session.variable_store
        np_t = op.inputs[0].dtype.base_dtype.as_numpy_dtype
        validate = op.attrs["validate_shape"]
        want = var.attrs["shape"].dim_sizes if var.type == "VariableV2" else None

        def assign(undo, value):
            new = np.array(value, dtype=np_t, copy=True)
            if validate and want is not None and new.shape != want:
                raise InvalidArgumentError(None, op, "Assign requires shapes of both tensors to match. lhs shape= "
                                           "%s rhs shape= %s" % (fmt_dims(want), fmt_dims(new.shape)))
            write_variable(store, undo, var, new)
            return new
        return assign

    @classmethod
    def numpy_source(cls, op, args):
        return "np.array(%s, dtype=%r, copy=True)" % (args[1], op.inputs[0].dtype.base_dtype.name)


class AssignAdd(_UpdateOp):
    """ref += value."""

    type_name = "AssignAdd"
    grad = None
    _fn = staticmethod(np.add)

    @classmethod
    def bind(cls, op, session):
        var = op.inputs[0].op
        store = session.variable_store
        fn = cls._fn

        def update(undo, value):
            old = store.get(var)
            if old is None:
                raise uninitialized_error(var, op)
            new = fn(old, value)
            if new.shape != old.shape:
                raise InvalidArgumentError(None, op, "Must have the same shape: %s vs %s"
                                           % (fmt_dims(old.shape), fmt_dims(np.shape(value))))
            new = np.asarray(new, dtype=old.dtype)
            if not new.flags.writeable or new is value:
                new = np.array(new, copy=True)
            write_variable(store, undo, var, new)
            return new
        return update

    @classmethod
    def numpy_source(cls, op, args):
        ref, value = args
        return "np.asarray(np.%s(%s, %s), dtype=%s.dtype)" % (cls._fn.__name__, ref, value, ref)


class AssignSub(AssignAdd):
    """ref -= value."""

    type_name = "AssignSub"
    _fn = staticmethod(np.subtract)


class IsVariableInitialized(OpDef):
    type_name = "IsVariableInitialized"
    stateful = True
    ref_inputs = (0,)
    grad = None

    @staticmethod
    def dtype(op):
        return _dtypes.bool

    @staticmethod
    def shape(op, d):
        return ()

    @classmethod
    def bind(cls, op, session):
        var = op.inputs[0].op
        store = session.variable_store
        return lambda: np.bool_(var in store)


def _ref_of(ref, opname):
    if isinstance(ref, Variable):
        return ref._variable
    if isinstance(ref, Tensor) and ref.dtype.is_ref:
        return ref
    raise TypeError("Input 'ref' of '%s' Op requires l-value input" % opname)


def _update(opdef, ref, value, name, default, extra_attrs, use_locking=None):
    r = _ref_of(ref, opdef.type_name)
    with op_scope(name, default, [r]) as s:
        dt = r.dtype.base_dtype
        if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
            v = s.convert(value, "value")
            if v.dtype.base_dtype is not dt:
                raise TypeError("Input 'value' of '%s' Op has type %s that does not match type %s of argument 'ref'."
                                % (opdef.type_name, v.dtype.base_dtype.name, r.dtype.name))
        else:
            try:
                v = s.convert(value, "value", dtype=dt)
            except TypeError as err:
                raise TypeError("Expected %s passed to parameter 'value' of op '%s', got %r of type '%s' instead. "
                                "Error: %s" % (dt.name, opdef.type_name, value, type(value).__name__, err)) from None
        # TF's attr defaults: Assign locks, AssignAdd/AssignSub do not (tfsess makes every update atomic).
        attrs = {"T": dt, "use_locking": opdef is Assign if use_locking is None else bool(use_locking)}
        attrs.update(extra_attrs)
        return s.make(opdef, [r, v], attrs).outputs[0]


def assign(ref, value, validate_shape=None, use_locking=None, name=None) -> Tensor:
    """ref = value; running the returned tensor performs the update and yields the new value."""
    return _update(Assign, ref, value, name, "Assign", {"validate_shape": validate_shape is not False},
                   use_locking)


def assign_add(ref, value, use_locking=None, name=None) -> Tensor:
    return _update(AssignAdd, ref, value, name, "AssignAdd", {}, use_locking)


def assign_sub(ref, value, use_locking=None, name=None) -> Tensor:
    return _update(AssignSub, ref, value, name, "AssignSub", {}, use_locking)


class Variable:
    """A TF1 reference variable: VariableV2 + Assign initializer + Identity `read` snapshot."""

    def __init__(self, initial_value=None, trainable=None, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None, expected_shape=None,
                 import_scope=None, constraint=None, use_resource=None, synchronization=None,
                 aggregation=None, shape=None):
        if variable_def is not None:
            raise NotImplementedError("Variable(variable_def=...) is not supported by tfsess.")
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        init_from_fn = callable(initial_value)
        if trainable is None:
            trainable = True
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        if not isinstance(collections, (list, tuple, set)):
            raise ValueError("collections argument to Variable constructor must be a list, tuple, or set. "
                             "Got %s of type %s" % (collections, type(collections)))
        collections = list(collections)
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections.append(GraphKeys.TRAINABLE_VARIABLES)
        if dtype is not None:
            dtype = _dtypes.as_dtype(dtype)
        self._trainable = trainable
        self._constraint = constraint
        g = get_default_graph() if init_from_fn or not isinstance(initial_value, Tensor) else initial_value.graph
        self._graph_key = g
        with g.as_default(), g.init_scope():
            from ..framework.graph import name_scope
            with name_scope(name, "Variable", [] if init_from_fn else [initial_value]) as scope:
                var_name = scope[:-1]
                if init_from_fn:
                    with g.name_scope("Initializer"):
                        init_t = convert_to_tensor(initial_value(), name="initial_value", dtype=dtype)
                else:
                    init_t = convert_to_tensor(initial_value, name="initial_value", dtype=dtype)
                    if dtype is not None and init_t.dtype.base_dtype is not dtype.base_dtype:
                        init_t = _a.cast(init_t, dtype)
                if init_t.dtype.is_ref:
                    init_t = _a.identity(init_t)
                self._initial_value = init_t
                if shape is not None:
                    vshape = TensorShape(shape)
                elif validate_shape:
                    vshape = init_t.shape
                    if not vshape.is_fully_defined():
                        raise ValueError("initial_value must have a shape specified: %s" % init_t)
                else:
                    vshape = TensorShape(None)
                self._variable = create_op(VariableV2, [], {"shape": vshape, "dtype": init_t.dtype.base_dtype,
                                                            "container": "", "shared_name": ""},
                                           var_name, g).outputs[0]
                self._initializer_op = assign(self._variable, init_t, validate_shape=validate_shape,
                                              name="Assign").op
                self._snapshot = _a.identity(self._variable, name="read")
        g.add_to_collections(collections, self)
        self._save_slice_info = None

    # --- identity -----------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._variable.name

    @property
    def op(self) -> Operation:
        return self._variable.op

    @property
    def dtype(self):
        return self._variable.dtype

    @property
    def graph(self):
        return self._variable.graph

    @property
    def device(self) -> str:
        return self._variable.device

    @property
    def shape(self) -> TensorShape:
        return self._variable.shape

    def get_shape(self) -> TensorShape:
        return self._variable.shape

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    @property
    def initializer(self) -> Operation:
        return self._initializer_op

    @property
    def initial_value(self) -> Tensor:
        return self._initial_value

    def value(self) -> Tensor:
        """The snapshot tensor (`<name>/read:0`) that ops consume."""
        return self._snapshot

    def read_value(self) -> Tensor:
        return _a.identity(self._variable, name="read")

    def _ref(self) -> Tensor:
        return self._variable

    def _as_graph_element(self) -> Tensor:
        return self._variable

    def initialized_value(self) -> Tensor:
        """The value, computed after the initializer has run (for initializing other variables)."""
        from .control_flow_ops import cond
        with self.graph.init_scope():
            return cond(is_variable_initialized(self), self.read_value, lambda: self.initial_value)

    # --- running -----------------------------------------------------------------------------
    def eval(self, session=None):
        return self._variable.eval(session=session)

    def load(self, value, session=None):
        """Assign `value` without adding ops to the graph (deprecated TF1 API)."""
        session = session or get_default_session()
        if session is None:
            raise ValueError("Either session argument should be provided or default session should be established")
        session._load_variable(self, value)

    def assign(self, value, use_locking=False, name=None, read_value=True):
        out = assign(self._variable, value, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        out = assign_add(self._variable, delta, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        out = assign_sub(self._variable, delta, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def set_shape(self, shape):
        self._variable.set_shape(shape)
        self._snapshot.set_shape(shape)

    def count_up_to(self, limit):
        raise NotImplementedError("count_up_to is not supported by tfsess.")

    # --- printing / protocol ---------------------------------------------------------------------
    def __repr__(self):
        return "<tf.Variable '%s' shape=%s dtype=%s>" % (self.name, self.shape, self.dtype.name)

    __str__ = __repr__

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __iter__(self):
        return iter(self._snapshot)

    def __bool__(self):
        return bool(self._snapshot)

    def __len__(self):
        return len(self._snapshot)

    def __array__(self, dtype=None, copy=None):
        return self._snapshot.__array__()

    def __getitem__(self, item):
        return self._snapshot[item]

    __array_priority__ = 100


VariableV1 = Variable
RefVariable = Variable


def _install_variable_operators():
    for name in ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
                 "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__",
                 "__matmul__", "__rmatmul__", "__and__", "__rand__", "__or__", "__ror__", "__xor__", "__rxor__",
                 "__lt__", "__le__", "__gt__", "__ge__", "__neg__", "__abs__", "__invert__"]:
        def make(n):
            def f(self, *args):
                return getattr(Tensor, n)(self._snapshot, *args)
            f.__name__ = n
            return f
        setattr(Variable, name, make(name))


_install_variable_operators()


def _variable_to_tensor(v, dtype=None, name=None, as_ref=False):
    t = v._variable if as_ref else v._snapshot
    if dtype is not None and not _dtypes.as_dtype(dtype).is_compatible_with(t.dtype):
        raise ValueError("Incompatible type conversion requested to type '%s' for variable of type '%s'"
                         % (_dtypes.as_dtype(dtype).name, t.dtype.name))
    return t


register_tensor_conversion_function(Variable, _variable_to_tensor, priority=10)


# ======================================================================================
# Collections of variables and initializers
# ======================================================================================

def global_variables(scope=None) -> list:
    """Variables in GLOBAL_VARIABLES of the default graph (tf.global_variables)."""
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


all_variables = global_variables


def trainable_variables(scope=None) -> list:
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None) -> list:
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None) -> list:
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope=None) -> list:
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def variables_initializer(var_list, name="init") -> Operation:
    """An op running the initializers of `var_list` (a snapshot: later variables are not covered)."""
    from .control_flow_ops import group, no_op
    if var_list:
        return group(*[v.initializer for v in var_list], name=name)
    return no_op(name=name)


def global_variables_initializer() -> Operation:
    """An op named `init` that initializes every global variable existing now."""
    return variables_initializer(global_variables(), name="init")


def local_variables_initializer() -> Operation:
    return variables_initializer(local_variables(), name="init")


initialize_all_variables = global_variables_initializer
initialize_variables = variables_initializer
initialize_local_variables = local_variables_initializer


def is_variable_initialized(variable) -> Tensor:
    r = _ref_of(variable, "IsVariableInitialized")
    with op_scope(None, "IsVariableInitialized", [r]) as s:
        return s.make(IsVariableInitialized, [r], {"dtype": r.dtype.base_dtype}).outputs[0]


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables") -> Tensor:
    """A string tensor of the names of uninitialized variables."""
    from .math_ops import logical_not
    if var_list is None:
        var_list = global_variables() + local_variables()
    with op_scope(name, "report_uninitialized_variables", []):
        if not var_list:
            return _a.constant(np.zeros([0], dtype=object), dtype=_dtypes.string)
        flags = _a.stack([is_variable_initialized(v) for v in var_list])
        names = _a.constant(np.array([v.op.name.encode() for v in var_list], dtype=object))
        return _a.boolean_mask(names, logical_not(flags))


def assert_variables_initialized(var_list=None):
    from .math_ops import reduce_all
    if var_list is None:
        var_list = global_variables() + local_variables()
    from .control_flow_ops import no_op
    if not var_list:
        return no_op()
    return reduce_all(_a.stack([is_variable_initialized(v) for v in var_list]))
