"""OpDef: one TF op type = static shape/dtype rule + NumPy kernel + gradient, registered together.

Subclasses register themselves on definition. A class attribute `grad` is the gradient rule
(`grad(op, *output_grads) -> one entry per input`); `grad = None` declares the op not differentiable.
`tf.RegisterGradient` and `tf.NotDifferentiable` write to the same registry.
"""
from __future__ import annotations

import functools

import numpy as np
from typing import ClassVar

from .graph import Graph, Operation, Tensor, _graph_of, convert_to_tensor, get_default_graph

__all__ = ["OpDef", "OP_REGISTRY", "GRADIENT_REGISTRY", "RegisterGradient", "NotDifferentiable",
           "op_scope", "create_op", "constant_value"]

OP_REGISTRY: dict = {}
GRADIENT_REGISTRY: dict = {}
_UNSET = object()

# Allowed-dtype lists as TF prints them in "not in list of allowed values".
_NUMBER_NAMES = ("bfloat16", "float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64",
                 "int8", "int16", "int32", "int64", "complex64", "complex128")
_FLOAT_NAMES = ("bfloat16", "float16", "float32", "float64", "complex64", "complex128")
_REAL_FLOAT_NAMES = ("bfloat16", "float16", "float32", "float64")
_REAL_NAMES = ("float32", "float64", "int32", "uint8", "int16", "int8", "int64", "bfloat16", "uint16",
               "float16", "uint32", "uint64")
_SIGNED_NAMES = ("bfloat16", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
                 "complex64", "complex128")
TYPES = {"number": _NUMBER_NAMES, "float": _FLOAT_NAMES, "real_float": _REAL_FLOAT_NAMES,
         "real": _REAL_NAMES, "signed": _SIGNED_NAMES,
         "int": ("int32", "int64"), "bool": ("bool",), "any": None,
         "number_string": _NUMBER_NAMES + ("string",)}


class OpDef:
    """Base of every op type. Override `shape`/`dtype` (or `outputs`), then `kernel` or `bind`, and `grad`.

    The one runtime hook is `bind(op, session)`: it returns the callable the session runs. By default it is
    `kernel` with the op's `kernel_attrs` bound; an op that needs more (session state, a precomputed
    specialisation) overrides `bind` instead, and then defines no `kernel` that bind does not call.
    """

    type_name: ClassVar[str] = None
    kernel_attrs: ClassVar[tuple] = ()   # attrs passed to `kernel` as keyword arguments
    stateful: ClassVar[bool] = False     # True: `bind` uses session state; never constant-folded
    needs_ctx: ClassVar[bool] = False    # True: bound kernel is called as fn(undo_log, *inputs)
    ref_inputs: ClassVar[tuple] = ()     # inputs taken by reference (a variable, not its value)
    is_switch: ClassVar[bool] = False    # produces dead outputs (cond)
    is_merge: ClassVar[bool] = False     # consumes dead inputs (cond)
    is_variable: ClassVar[bool] = False  # output 0 is a variable: consumers read the session's current value
    forwards_input: ClassVar[bool] = False  # output 0 is input 0 unchanged (Identity): a variable read stays one
    orders_only: ClassVar[bool] = False  # does nothing but order its control inputs (NoOp)
    numpy_kernel: ClassVar[bool] = False  # `kernel` uses only NumPy and its arguments: export_numpy copies it

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "type_name" in cls.__dict__ and cls.type_name:
            OP_REGISTRY[cls.type_name] = cls
            if hasattr(cls, "grad"):  # defined here or inherited from a base op
                GRADIENT_REGISTRY[cls.type_name] = cls.grad

    # --- static rules -------------------------------------------------------------------
    @classmethod
    def outputs(cls, op: Operation) -> list:
        """[(dtype, dims)] for each output; default: one output from `dtype` and `shape`."""
        return [(cls.dtype(op), cls.shape(op, *[t.shape.dim_sizes for t in op.inputs]))]

    @staticmethod
    def dtype(op):
        return op.inputs[0].dtype.base_dtype

    @staticmethod
    def shape(op, *dims):
        return None

    @classmethod
    def static_value(cls, op: Operation):
        """The value of output 0 known from the op and its inputs' static shapes alone (Const, Shape...), or None."""
        return None

    @classmethod
    def constant_fold(cls, op, values):
        """Value of output 0 from constant input `values` for shape inference; None if unknown."""
        if cls.stateful or cls.needs_ctx or not values:
            return None
        try:
            with np.errstate(all="ignore"):
                out = cls.bind(op, None)(*values)
        except Exception:
            return None
        return out[0] if isinstance(out, tuple) else out

    # --- runtime -----------------------------------------------------------------------
    @classmethod
    def bind(cls, op: Operation, session):
        """The callable the session runs for `op` (input arrays -> outputs); stateful ops use `session`."""
        kw = {a: op.attrs[a] for a in cls.kernel_attrs}
        return functools.partial(cls.kernel, **kw) if kw else cls.kernel

    @staticmethod
    def kernel(*inputs):
        raise NotImplementedError

    @classmethod
    def numpy_source(cls, op: Operation, args: list):
        """This op as NumPy source, for tfsess.export_numpy: an expression computing its output from `args`
        (the Python expressions of its inputs; a tuple expression for several outputs; for an op that
        updates a variable, the new value, its reference inputs given as the variable's current value).
        None: the op has no NumPy form. An expression that needs helper functions returns
        (expression, {helper name: its `def` source}). Default: a kernel that is a NumPy ufunc, or with
        `numpy_kernel`, a call of a copy of the kernel's own source."""
        kernel = getattr(cls, "kernel", None)
        if cls.bind.__func__ is not OpDef.bind.__func__:
            return None
        if isinstance(kernel, np.ufunc) and not cls.kernel_attrs:
            return "np.%s(%s)" % (kernel.__name__, ", ".join(args))
        if cls.numpy_kernel:
            return cls.kernel_numpy_source(op, args)
        return None

    @classmethod
    def kernel_numpy_source(cls, op: Operation, args: list):
        """(call, {helper: source}): a call of a copy of `kernel`'s own source, its attrs as keywords (None
        without source files). For an op whose kernel uses only NumPy and its arguments."""
        return _copied_kernel_call(cls, op, args)

    @classmethod
    def runtime_error(cls, op, exc, inputs):
        """Translate a NumPy failure inside the kernel to a tf.errors class (None: re-raise as is)."""
        return None


def _copied_kernel_call(cls, op, args):
    """(call, {helper: source}) running a copy of `cls.kernel`'s source (None without source files)."""
    import inspect
    import re
    import textwrap
    try:
        src = textwrap.dedent(inspect.getsource(cls.kernel))
    except (OSError, TypeError):
        return None
    name = "_" + re.sub(r"(?<!^)(?=[A-Z])", "_", cls.type_name).lower()
    src = re.sub(r"^@staticmethod\n", "", src).replace("def kernel(", "def %s(" % name, 1)
    kw = ["%s=%r" % (a, op.get_attr(a)) for a in cls.kernel_attrs]
    return "%s(%s)" % (name, ", ".join(list(args) + kw)), {name: src}


# ======================================================================================
# Gradient registry (tf.RegisterGradient / tf.NotDifferentiable)
# ======================================================================================

class RegisterGradient:
    """Decorator registering a gradient function for an op type: `@tf.RegisterGradient("MyOp")`."""

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, f):
        _register_gradient(self._op_type, f)
        return f


def _register_gradient(op_type, fn):
    """One entry per op type, as in TF: registering a second one is a KeyError."""
    if op_type in GRADIENT_REGISTRY:
        raise KeyError("Registering two gradient with name '%s'! (Previous registration was in %s)"
                       % (op_type, "tfsess"))
    GRADIENT_REGISTRY[op_type] = fn


def NotDifferentiable(op_type):  # noqa: N802  (TF's spelling)
    """Declare that ops of `op_type` have no gradient."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    _register_gradient(op_type, None)


NoGradient = NotDifferentiable


# ======================================================================================
# Building ops
# ======================================================================================

class op_scope:  # noqa: N801
    """Name an op the way TF does and convert its Python inputs inside `<opname>/`.

    with op_scope(name, "MatMul", [a, b]) as s:
        a, b = s.convert(a, "a"), s.convert(b, "b")
        return s.make(MatMulOp, [a, b], {...})
    """

    __slots__ = ("graph", "name", "_old_stack", "_g_ctx")

    def __init__(self, name, default_name, values=()):
        g = _graph_of(values) if values else get_default_graph()
        self.graph = g
        if name is None:
            name = default_name
        elif not isinstance(name, str):
            if isinstance(name, bytes):
                name = name.decode()
            else:
                raise TypeError("name must be a string, got %r" % (name,))
        self.name = g._op_name(name)

    def __enter__(self):
        g = self.graph
        self._old_stack = g.name_stack
        g.name_stack = self.name
        if g is not get_default_graph():
            self._g_ctx = g.as_default()
            self._g_ctx.__enter__()
        else:
            self._g_ctx = None
        return self

    def __exit__(self, *exc):
        self.graph.name_stack = self._old_stack
        if self._g_ctx is not None:
            self._g_ctx.__exit__(*exc)
        return False

    @property
    def scope(self) -> str:
        return self.name + "/"

    def convert(self, value, arg_name, dtype=None, dtype_hint=None, as_ref=False):
        """convert_to_tensor for input `arg_name` (constants are named `<op>/<arg_name>`)."""
        if isinstance(value, Tensor):
            if value.graph is not self.graph:
                raise ValueError("%s must be from the same graph as %s." % (value, self.graph))
            return value
        return convert_to_tensor(value, dtype=dtype, name=arg_name, dtype_hint=dtype_hint, as_ref=as_ref)

    def make(self, opdef, inputs, attrs=None, control_inputs=None) -> Operation:
        """Create the op named by this scope (its name stack restored first)."""
        g = self.graph
        saved = g.name_stack
        g.name_stack = self._old_stack
        try:
            return create_op(opdef, inputs, attrs or {}, self.name, g, control_inputs)
        finally:
            g.name_stack = saved


def create_op(opdef, inputs, attrs, name: str, graph: Graph, extra_control_inputs=None) -> Operation:
    """Build an Operation of `opdef` with a final `name`, infer its outputs and add it to `graph`."""
    if graph._finalized:
        raise RuntimeError("Graph is finalized and cannot be modified.")
    for t in inputs:
        if t.op._graph is not graph:
            raise ValueError("%s must be from the same graph as %s." % (t, inputs[0]))
    ctx = graph.cond_context
    needs_pivot = False
    if ctx is not None:
        # Values from outside a cond branch enter through a Switch; variable references are not values,
        # so an op using one directly is made to depend on the branch pivot instead (dead if not taken).
        processed = []
        for t in inputs:
            if t.dtype._ref and not ctx.contains(t.op.cond_context):
                processed.append(t)
                needs_pivot = True
            else:
                processed.append(ctx.process_input(t))
        inputs = processed
        needs_pivot = needs_pivot or not inputs
    input_ops = [t.op for t in inputs]
    control = graph._control_inputs_for(input_ops) if graph.has_control_dependencies else []
    if extra_control_inputs:
        for c in extra_control_inputs:
            if c not in control:
                control.append(c)
    if needs_pivot and ctx.pivot_op not in control:
        control.append(ctx.pivot_op)
    op = Operation(graph, name, opdef, inputs, attrs, control)
    if ctx is not None:
        op.cond_context = ctx
    if graph._gradient_override_map:
        op._grad_override = graph._gradient_override_map.get(opdef.type_name)
    op.build_outputs()
    graph._add_op(op)
    return op


def check_dtype(op_type: str, arg: str, t: Tensor, allowed: str):
    """TF's 'Value passed to parameter ... not in list of allowed values' TypeError."""
    names = TYPES[allowed]
    if names is not None and t.dtype.base_dtype.name not in names:
        raise TypeError("Value passed to parameter '%s' has DataType %s not in list of allowed values: %s"
                        % (arg, t.dtype.base_dtype.name, ", ".join(names)))


def same_dtype(op_type: str, args):
    """TF's 'Input 'y' of 'AddV2' Op has type ... that does not match type ... of argument 'x'.'"""
    (n0, t0) = args[0]
    b0 = t0.dtype.base_dtype
    for n, t in args[1:]:
        if t.dtype.base_dtype is not b0:
            raise TypeError("Input '%s' of '%s' Op has type %s that does not match type %s of argument '%s'."
                            % (n, op_type, t.dtype.base_dtype.name, b0.name, n0))


# ======================================================================================
# Constant values for shape inference
# ======================================================================================

def constant_value(t: Tensor, _depth: int = 0):
    """The value of `t` if it is known at graph-construction time (consts, shapes of known tensors)."""
    op = t.op
    opdef = op.op_def
    if t.value_index:           # static_value and constant_fold give output 0 (BroadcastGradientArgs has two)
        return None
    if not op.inputs:
        return opdef.static_value(op)
    if _depth > 6 or op.cond_context is not None:
        return None
    v = opdef.static_value(op)
    if v is not None:
        return v
    values = []
    for inp in op.inputs:
        v = constant_value(inp, _depth + 1)
        if v is None:
            return None
        values.append(v)
    return opdef.constant_fold(op, values)
