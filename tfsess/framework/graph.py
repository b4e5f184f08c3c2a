"""Graph, Operation and Tensor: the TF1 dataflow graph, its default-graph stack, names and collections."""
from __future__ import annotations

import os
import re
import sys
import threading

from . import dtypes as _dtypes
from .errors import OperatorNotAllowedInGraphError
from .shapes import TensorShape, merge_dims, fmt_dims
from . import text_format as _text_format

__all__ = [
    "Graph", "Operation", "Tensor", "GraphKeys", "get_default_graph", "reset_default_graph",
    "name_scope", "control_dependencies", "add_to_collection", "add_to_collections",
    "get_collection", "get_collection_ref", "convert_to_tensor", "register_tensor_conversion_function",
]

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the tfsess package
_VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")
_VALID_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")


_PKG_FILES: set = set()  # tfsess source files seen on the stack (a set lookup beats a prefix test)


def _user_location():
    """(file, line) of the first caller frame outside tfsess: where the user defined an op."""
    f = sys._getframe(2)
    pkg = _PKG_FILES
    while f is not None:
        name = f.f_code.co_filename
        if name not in pkg:
            if not name.startswith(_PKG_DIR):
                return name, f.f_lineno
            pkg.add(name)
        f = f.f_back
    return "<unknown>", 0


# ======================================================================================
# Tensor
# ======================================================================================

class Tensor:
    """A symbolic handle to one output of an Operation; its value exists only inside `Session.run`."""

    __slots__ = ("_op", "_value_index", "_dtype", "_shape", "_consumers", "__weakref__")

    # NumPy must defer to the tensor's reflected operators (`ndarray + tensor`).
    __array_priority__ = 100

    def __init__(self, op: "Operation", value_index: int, dtype, shape: TensorShape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._consumers = []

    # --- identity --------------------------------------------------------------------
    @property
    def op(self) -> "Operation":
        return self._op

    @property
    def value_index(self) -> int:
        return self._value_index

    @property
    def name(self) -> str:
        return "%s:%d" % (self._op._name, self._value_index)

    @property
    def dtype(self):
        return self._dtype

    @property
    def graph(self) -> "Graph":
        return self._op._graph

    @property
    def device(self) -> str:
        return self._op._device

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def get_shape(self) -> TensorShape:
        return self._shape

    def set_shape(self, shape):
        """Refine the static shape; a conflict raises ValueError as TF does."""
        other = TensorShape(shape)
        try:
            merged = merge_dims(self._shape.dim_sizes, other.dim_sizes)
        except ValueError:
            a, b = self._shape.dim_sizes, other.dim_sizes
            if a is not None and b is not None and len(a) == len(b):
                for i, (x, y) in enumerate(zip(a, b)):
                    if x is not None and y is not None and x != y:
                        raise ValueError("Dimension %d in both shapes must be equal, but are %d and %d. "
                                         "Shapes are %s and %s." % (i, x, y, fmt_dims(a), fmt_dims(b))) from None
            raise ValueError("Shapes must be equal rank, but are %d and %d"
                             % (len(a), len(b))) from None
        self._shape = TensorShape._from_dims(merged)

    def consumers(self) -> list:
        return list(self._consumers)

    @property
    def dims(self):
        """The static shape as a tuple of ints and None (unknown sizes), or None for an unknown rank."""
        return self._shape.dim_sizes

    def _graph_is(self, graph) -> bool:
        return self._op._graph is graph

    def eval(self, feed_dict=None, session=None):
        """Run this tensor in `session` (or the default session) and return its value."""
        return _eval_using_default_session(self, feed_dict, self.graph, session)

    def _as_node_def_input(self) -> str:
        return self._op._name if self._value_index == 0 else "%s:%d" % (self._op._name, self._value_index)

    # --- printing --------------------------------------------------------------------
    def __repr__(self):
        return "<tf.Tensor '%s' shape=%s dtype=%s>" % (self.name, self._shape, self._dtype.name)

    def __str__(self):
        dev = ", device=%s" % self._op._device if self._op._device else ""
        if self._shape.dim_sizes is None:
            return 'Tensor("%s", dtype=%s%s)' % (self.name, self._dtype.name, dev)
        return 'Tensor("%s", shape=%s, dtype=%s%s)' % (self.name, self._shape, self._dtype.name, dev)

    # --- Python protocol (TF1 graph mode) ---------------------------------------------
    # `==` and hash are object identity (TF1 semantics), inherited from object for C-speed dict lookups.
    __array_ufunc__ = None  # `ndarray + tensor` defers to the tensor's reflected operator

    def __bool__(self):
        raise OperatorNotAllowedInGraphError(
            "Using a symbolic `tf.Tensor` as a Python `bool` is not allowed. You can attempt the following "
            "resolutions to the problem: If you are running in Graph mode, use Eager execution mode or "
            "decorate this function with @tf.function. If you are using AutoGraph, you can try decorating "
            "this function with @tf.function. If that does not work, then you may be using an unsupported "
            "feature or your source code may not be visible to AutoGraph.")

    __nonzero__ = __bool__

    def __iter__(self):
        raise OperatorNotAllowedInGraphError(
            "Iterating over a symbolic `tf.Tensor` is not allowed. You can attempt the following "
            "resolutions to the problem: If you are running in Graph mode, use Eager execution mode or "
            "decorate this function with @tf.function. If you are using AutoGraph, you can try decorating "
            "this function with @tf.function. If that does not work, then you may be using an unsupported "
            "feature or your source code may not be visible to AutoGraph.")

    def __len__(self):
        raise TypeError("len is not well defined for a symbolic Tensor (%s). Please call `x.shape` rather "
                        "than `len(x)` for shape information." % self.name)

    def __array__(self, dtype=None, copy=None):
        raise NotImplementedError(
            "Cannot convert a symbolic tf.Tensor (%s) to a numpy array. This error may indicate that "
            "you're trying to pass a Tensor to a NumPy call, which is not supported." % self.name)

    def __reduce__(self):
        raise TypeError("Tensors are graph elements and cannot be pickled; fetch their values instead.")

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    @classmethod
    def _override_operator(cls, operator: str, func):
        """Install an operator overload (filled in by math_ops, as TF does)."""
        setattr(cls, operator, func)


# ======================================================================================
# Operation
# ======================================================================================

class NodeDef:
    """A readable stand-in for TF's NodeDef proto: name, op, inputs, device and attrs."""

    __slots__ = ("name", "op", "input", "device", "attr")

    def __init__(self, name, op, inputs, device, attr):
        self.name, self.op, self.input, self.device, self.attr = name, op, inputs, device, attr

    def __str__(self):
        return _text_format.node_text(self.name, self.op, self.input, self.device, self.attr)

    __repr__ = __str__


class Operation:
    """A node of the graph: an op type, input tensors, attributes and output tensors."""

    __slots__ = ("_graph", "_name", "_type", "_opdef", "_inputs", "_outputs", "_control_inputs",
                 "_attrs", "_id", "_device", "_location", "_ctrl_outputs", "_cond_ctx",
                 "_original_op", "_grad_override", "__weakref__")

    def __init__(self, graph, name, opdef, inputs, attrs, control_inputs):
        self._graph = graph
        self._name = name
        self._opdef = opdef
        self._type = opdef.type_name
        self._inputs = tuple(inputs)
        self._attrs = attrs
        self._control_inputs = control_inputs
        self._outputs = []
        self._id = 0
        self._device = graph._device_stack[-1] if graph._device_stack else ""
        self._location = _user_location()
        self._ctrl_outputs = []
        self._cond_ctx = None
        self._original_op = None
        self._grad_override = None

    # --- identity --------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def type(self) -> str:
        return self._type

    @property
    def graph(self) -> "Graph":
        return self._graph

    @property
    def inputs(self) -> tuple:
        return self._inputs

    @property
    def outputs(self) -> list:
        return list(self._outputs)

    def values(self) -> tuple:
        return tuple(self._outputs)

    @property
    def control_inputs(self) -> list:
        return list(self._control_inputs)

    @property
    def _control_outputs(self) -> list:
        return list(self._ctrl_outputs)

    @property
    def device(self) -> str:
        return self._device

    def _set_device(self, device):
        self._device = device or ""

    @property
    def node_def(self) -> NodeDef:
        inputs = [t._as_node_def_input() for t in self._inputs]
        inputs += ["^" + c._name for c in self._control_inputs]
        return NodeDef(self._name, self._type, inputs, self._device,
                       {k: v for k, v in self._attrs.items() if not k.startswith("_")})

    @property
    def op_def(self):
        return self._opdef

    @property
    def traceback(self):
        return [self._location]

    def _graph_is(self, graph) -> bool:
        return self._graph is graph

    def get_attr(self, name: str):
        try:
            return self._attrs[name]
        except KeyError:
            raise ValueError("Operation '%s' has no attr named '%s'." % (self._name, name)) from None

    def _set_attr(self, name, value):
        self._attrs[name] = value

    # --- the framework's internal API for the other layers (documented, stable; not TF API) ------------
    @property
    def attrs(self) -> dict:
        """Every attr by name (read it, never write it; `get_attr` raises TF's error for a missing one)."""
        return self._attrs

    @property
    def cond_context(self):
        """The tf.cond branch this op was built in (its values may be dead at run time), or None."""
        return self._cond_ctx

    @cond_context.setter
    def cond_context(self, ctx) -> None:
        self._cond_ctx = ctx

    @property
    def gradient_override(self) -> "str | None":
        """The op type whose gradient this op uses (Graph.gradient_override_map when it was built), or None."""
        return self._grad_override

    def build_outputs(self) -> list:
        """Infer and attach this op's output tensors from its OpDef (once, while the op is being built)."""
        if self._outputs:
            raise ValueError("Operation '%s' already has its outputs" % self._name)
        self._outputs = [Tensor(self, i, dt, TensorShape._from_dims(d))
                         for i, (dt, d) in enumerate(self._opdef.outputs(self))]
        return list(self._outputs)

    def set_internal_attr(self, name: str, value) -> None:
        """Record a tfsess-internal attr (name starts with '_'; never in the NodeDef) while building the graph."""
        if not name.startswith("_"):
            raise ValueError("internal attr names start with '_', got %r" % (name,))
        self._attrs[name] = value

    @property
    def location(self) -> tuple:
        """(file, line) of the user code that created this op, for error annotations and the graph view."""
        return self._location

    @property
    def creation_index(self) -> int:
        """Position in the graph's creation order, which is a topological order."""
        return self._id

    def run(self, feed_dict=None, session=None):
        """Run this op in `session` (or the default session); returns None."""
        _run_using_default_session(self, feed_dict, self.graph, session)

    def __repr__(self):
        return "<tf.Operation '%s' type=%s>" % (self._name, self._type)

    def __str__(self):
        return str(self.node_def)

    def __reduce__(self):
        raise TypeError("Operations are graph elements and cannot be pickled.")


# ======================================================================================
# Graph
# ======================================================================================

class GraphKeys:
    """Standard collection names (tf.GraphKeys)."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    SAVEABLE_OBJECTS = "saveable_objects"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    TRAIN_OP = "train_op"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"


class _ControlDeps:
    """One `control_dependencies` block: its control ops and the ops created inside it."""

    __slots__ = ("control_inputs", "seen")

    def __init__(self, control_inputs):
        self.control_inputs = control_inputs
        self.seen = set()


class Graph:
    """A TensorFlow computation: operations in creation order (which is a topological order)."""

    def __init__(self):
        self._lock = threading.RLock()
        self._ops: list = []
        self._ops_by_name: dict = {}
        self._names_in_use: dict = {}
        self._name_stack = ""
        self._control_deps: list = []
        self._collections: dict = {}
        self._finalized = False
        self._seed = None
        self._next_id = 0
        self._device_stack: list = []
        self._cond_ctx = None
        self._gradient_override_map: dict = {}
        self._unfeedable = set()
        self._unfetchable = set()
        self._building_function = False
        self._layer_state: dict = {}
        self._listeners: list = []

    # --- basic state -------------------------------------------------------------------
    @property
    def version(self) -> int:
        """The id of the last op added (0 for an empty graph)."""
        return self._next_id

    @property
    def _last_id(self) -> int:
        return self._next_id

    # --- the framework's internal API for the op layer (documented, stable; not TF API) ------------------
    @property
    def cond_context(self):
        """The tf.cond branch new ops are built in, or None; the cond/while builders set it while they build."""
        return self._cond_ctx

    @cond_context.setter
    def cond_context(self, ctx) -> None:
        self._cond_ctx = ctx

    @property
    def name_stack(self) -> str:
        """The name scope new ops are named in ('' at the top); scope builders set and restore it."""
        return self._name_stack

    @name_stack.setter
    def name_stack(self, scope: str) -> None:
        self._name_stack = scope

    @property
    def has_control_dependencies(self) -> bool:
        """Whether a `control_dependencies` block is open (new ops then get control inputs)."""
        return bool(self._control_deps)

    @property
    def restricts_feeding(self) -> bool:
        """Whether prevent_feeding was called on any tensor (a session then checks each feed)."""
        return bool(self._unfeedable)

    @property
    def restricts_fetching(self) -> bool:
        """Whether prevent_fetching was called on any op (a session then checks each fetch)."""
        return bool(self._unfetchable)

    def ops_since(self, version: int) -> list:
        """The ops added after `version` (a value of Graph.version), in creation order."""
        return self._ops[version:]      # op ids are 1, 2, 3 ... in creation order: op._id == index + 1

    def has_operation(self, name: str) -> bool:
        """Whether an op of exactly this name is in the graph."""
        return name in self._ops_by_name

    def add_built_ops(self, ops) -> None:
        """Add ops built outside create_op (an atomic import), marking their names as used."""
        self._check_not_finalized()
        for op in ops:
            key = op._name.lower()
            self._names_in_use[key] = self._names_in_use.get(key, 0) + 1
            self._add_op(op)

    def layer_state(self, key: str, factory):
        """Per-graph state a higher layer keeps with the graph (variable store, variable scopes), made once."""
        state = self._layer_state.get(key)
        if state is None:
            state = self._layer_state[key] = factory()
        return state

    def add_op_listener(self, listener) -> None:
        """Call listener(op) for every op added from now on (the notebook's %%graph follows cells this way)."""
        self._listeners.append(listener)

    def remove_op_listener(self, listener) -> None:
        self._listeners.remove(listener)

    def init_scope(self):
        """A context that builds outside every control-dependency block and cond branch (TF's init_scope)."""
        return _InitScope(self)

    @property
    def finalized(self) -> bool:
        return self._finalized

    def finalize(self):
        """Make the graph read-only: later op creation raises RuntimeError."""
        self._finalized = True

    def _unsafe_unfinalize(self):
        self._finalized = False

    def _check_not_finalized(self):
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")

    @property
    def seed(self):
        return self._seed

    @seed.setter
    def seed(self, seed):
        self._seed = seed

    @property
    def building_function(self) -> bool:
        return False

    @property
    def graph_def_versions(self):
        return None

    def as_default(self):
        """Context manager making this graph the default graph of the current thread."""
        return _default_graph_stack.get_controller(self)

    def get_operations(self) -> list:
        return list(self._ops)

    def _add_op(self, op: Operation):
        """Append a fully built op (called by opdef.create_op)."""
        with self._lock:
            self._next_id += 1
            op._id = self._next_id
            self._ops.append(op)
            self._ops_by_name[op._name] = op
        for t in op._inputs:
            t._consumers.append(op)
        for c in op._control_inputs:
            c._ctrl_outputs.append(op)
        for deps in self._control_deps:
            deps.seen.add(op)
        for listener in self._listeners:
            listener(op)

    # --- names ----------------------------------------------------------------------------
    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """TF's name uniquification: `Const`, `Const_1`, ... (case-insensitive keys)."""
        if self._name_stack:
            name = self._name_stack + "/" + name
        name_key = name.lower()
        i = self._names_in_use.get(name_key, 0)
        if mark_as_used:
            self._names_in_use[name_key] = i + 1
        if i > 0:
            base_name_key = name_key
            while name_key in self._names_in_use:
                name_key = "%s_%d" % (base_name_key, i)
                i += 1
            if mark_as_used:
                self._names_in_use[name_key] = 1
            name = "%s_%d" % (name, i - 1)
        return name

    def _op_name(self, name: str) -> str:
        """The name an op created with `name=` gets: uniquified, or verbatim if it ends with '/'."""
        if name[-1:] == "/":
            return name[:-1]
        if not _VALID_OP_NAME.match(name):
            raise ValueError("`%s` is not a valid node name. Accepted names conform to Regex /re.compile(%r)/"
                             % (name, _VALID_OP_NAME.pattern))
        return self.unique_name(name)

    def get_name_scope(self) -> str:
        return self._name_stack

    def name_scope(self, name):
        """Context manager for a name scope; yields the scope string with a trailing '/'."""
        return _NameScope(self, name)

    # --- lookups ----------------------------------------------------------------------------
    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Resolve a Tensor, Operation or name string to an element of this graph (TF's rules and texts)."""
        with self._lock:
            return self._as_graph_element_locked(obj, allow_tensor, allow_operation)

    def _as_graph_element_locked(self, obj, allow_tensor, allow_operation):
        if allow_tensor and allow_operation:
            types_str = "Tensor or Operation"
        elif allow_tensor:
            types_str = "Tensor"
        elif allow_operation:
            types_str = "Operation"
        else:
            raise ValueError("allow_tensor and allow_operation can't both be False.")
        conv = getattr(obj, "_as_graph_element", None)
        if conv is not None and not isinstance(obj, type):
            obj = conv()
        if isinstance(obj, bytes):
            obj = obj.decode("utf-8")
        if isinstance(obj, str):
            name = obj
            if ":" in name and allow_tensor:
                try:
                    op_name, out_n = name.split(":")
                    out_n = int(out_n)
                except Exception:
                    raise ValueError("The name %s looks a like a Tensor name, but is not a valid one. Tensor "
                                     "names must be of the form \"<op_name>:<output_index>\"." % repr(name)) from None
                if op_name in self._ops_by_name:
                    op = self._ops_by_name[op_name]
                else:
                    raise KeyError("The name %s refers to a Tensor which does not exist. The operation, %s, "
                                   "does not exist in the graph." % (repr(name), repr(op_name)))
                try:
                    return op._outputs[out_n]
                except IndexError:
                    raise KeyError("The name %s refers to a Tensor which does not exist. The operation, %s, "
                                   "exists but only has %s outputs."
                                   % (repr(name), repr(op_name), len(op._outputs))) from None
            elif ":" in name and not allow_tensor:
                raise ValueError("Name %s appears to refer to a Tensor, not a %s." % (repr(name), types_str))
            elif ":" not in name and allow_operation:
                if name not in self._ops_by_name:
                    raise KeyError("The name %s refers to an Operation not in the graph." % repr(name))
                return self._ops_by_name[name]
            else:
                if name in self._ops_by_name:
                    err = ("The name %s refers to an Operation, not a %s." % (repr(name), types_str))
                else:
                    err = ("The name %s looks like an (invalid) Operation name, not a %s." % (repr(name), types_str))
                err += " Tensor names must be of the form \"<op_name>:<output_index>\"."
                raise ValueError(err)
        elif isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError("Tensor %s is not an element of this graph." % obj)
            return obj
        elif isinstance(obj, Operation) and allow_operation:
            if obj.graph is not self:
                raise ValueError("Operation %s is not an element of this graph." % obj)
            return obj
        else:
            raise TypeError("Can not convert a %s into a %s." % (type(obj).__name__, types_str))

    def get_operation_by_name(self, name: str) -> Operation:
        if not isinstance(name, (str, bytes)):
            raise TypeError("Operation names are strings (or similar), not %s." % type(name).__name__)
        return self.as_graph_element(name, allow_tensor=False, allow_operation=True)

    def get_tensor_by_name(self, name: str) -> Tensor:
        if not isinstance(name, (str, bytes)):
            raise TypeError("Tensor names are strings (or similar), not %s." % type(name).__name__)
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def _get_operation_by_name_unsafe(self, name):
        return self._ops_by_name[name]

    # --- collections ------------------------------------------------------------------------
    def add_to_collection(self, name, value):
        self._check_not_finalized()
        with self._lock:
            self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name) -> list:
        with self._lock:
            coll = self._collections.get(name)
            if coll is None:
                coll = []
                self._collections[name] = coll
            return coll

    def get_collection(self, name, scope=None) -> list:
        with self._lock:
            coll = self._collections.get(name)
            if coll is None:
                return []
            if scope is None:
                return list(coll)
            regex = re.compile(scope)
            return [item for item in coll if hasattr(item, "name") and regex.match(item.name)]

    def get_all_collection_keys(self) -> list:
        with self._lock:
            return [k for k in self._collections if isinstance(k, str)]

    def clear_collection(self, name):
        self._check_not_finalized()
        with self._lock:
            self._collections.pop(name, None)

    @property
    def collections(self) -> list:
        return self.get_all_collection_keys()

    # --- contexts ------------------------------------------------------------------------------
    def control_dependencies(self, control_inputs):
        """Ops created in the block run only after `control_inputs` (None clears outer blocks)."""
        if control_inputs is None:
            return _ControlDepsScope(self, None)
        ops = []
        for c in control_inputs:
            if hasattr(c, "_as_graph_element") and not isinstance(c, (Tensor, Operation)):
                c = c._as_graph_element()
            if isinstance(c, Tensor):
                c = c.op
            elif not isinstance(c, Operation):
                raise TypeError("Control input must be Operation or Tensor: %s" % (c,))
            if c.graph is not self:
                raise ValueError("Control input %s must be from the same graph as the op." % c.name)
            if c not in ops:
                ops.append(c)
        return _ControlDepsScope(self, ops)

    def _control_inputs_for(self, input_ops) -> list:
        """Control inputs a new op gets from the enclosing control_dependencies blocks."""
        ret = []
        for deps in self._control_deps:
            if deps.control_inputs is None:
                continue
            if any(op in deps.seen for op in input_ops):
                continue  # dominated: an input was created inside this block already
            for c in deps.control_inputs:
                if c not in input_ops and c not in ret:
                    ret.append(c)
        return ret

    def device(self, device_name_or_function):
        """Record a device for ops created in the block (computation always stays on the CPU)."""
        return _DeviceScope(self, device_name_or_function)

    def colocate_with(self, op, ignore_existing=False):
        return _NullScope()

    def container(self, container_name):
        return _NullScope()

    def gradient_override_map(self, op_type_map):
        """Use a differently registered gradient for ops of the given types created in the block."""
        return _GradientOverrideScope(self, op_type_map)

    # --- feeding / fetching policy ------------------------------------------------------------
    def prevent_feeding(self, tensor):
        self._unfeedable.add(tensor)

    def is_feedable(self, tensor) -> bool:
        return tensor not in self._unfeedable

    def prevent_fetching(self, op):
        self._unfetchable.add(op)

    def is_fetchable(self, tensor_or_op) -> bool:
        op = tensor_or_op.op if isinstance(tensor_or_op, Tensor) else tensor_or_op
        return op not in self._unfetchable

    # --- serialisation-ish ------------------------------------------------------------------------
    def as_graph_def(self, from_version=None, add_shapes=False):
        """The graph as TensorFlow's GraphDef protocol buffer (nodes in creation order, TF's attrs)."""
        from .graph_def import graph_to_proto
        return graph_to_proto(self, from_version, add_shapes)

    @property
    def graph_def(self):
        return self.as_graph_def()


class GraphDef:
    """A light stand-in for TF's GraphDef proto (`node` list, `str()` text form)."""

    def __init__(self, nodes):
        self.node = nodes

    def __str__(self):
        return "".join("node {\n%s}\n" % "".join("  " + l + "\n" for l in str(n).splitlines()) for n in self.node)

    def __len__(self):
        return len(self.node)


# --- small context managers (plain classes: cheaper than @contextmanager) ---------------------

class _NullScope:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class _NameScope:
    __slots__ = ("_graph", "_name", "_old")

    def __init__(self, graph, name):
        if name:
            if isinstance(name, bytes):
                name = name.decode("utf-8")
            if not isinstance(name, str):
                raise TypeError("name for name_scope must be a string.")
            if graph._name_stack:
                if not _VALID_SCOPE_NAME.match(name):
                    raise ValueError("'%s' is not a valid scope name. A scope name has to match the following "
                                     "pattern: %s" % (name, _VALID_SCOPE_NAME.pattern))
            elif not _VALID_OP_NAME.match(name):
                raise ValueError("'%s' is not a valid root scope name. A root scope name has to match the "
                                 "following pattern: %s" % (name, _VALID_OP_NAME.pattern))
        self._graph = graph
        self._name = name

    def __enter__(self):
        g = self._graph
        self._old = g._name_stack
        name = self._name
        if not name:
            new = ""
        elif name[-1] == "/":
            new = name[:-1]
        else:
            new = g.unique_name(name)
        g._name_stack = new
        return new + "/" if new else ""

    def __exit__(self, *exc):
        self._graph._name_stack = self._old
        return False


class _InitScope:
    """Graph.init_scope(): no control dependencies and no cond branch inside, both restored on exit."""

    def __init__(self, graph):
        self._g = graph

    def __enter__(self):
        g = self._g
        self._saved = (g._control_deps, g._cond_ctx)
        g._control_deps, g._cond_ctx = [], None

    def __exit__(self, *exc):
        self._g._control_deps, self._g._cond_ctx = self._saved
        return False


class _ControlDepsScope:
    __slots__ = ("_graph", "_ops", "_saved")

    def __init__(self, graph, ops):
        self._graph, self._ops = graph, ops

    def __enter__(self):
        g = self._graph
        if self._ops is None:
            self._saved = g._control_deps
            g._control_deps = []
        else:
            self._saved = None
            g._control_deps.append(_ControlDeps(self._ops))
        return None

    def __exit__(self, *exc):
        g = self._graph
        if self._saved is not None:
            g._control_deps = self._saved
        else:
            g._control_deps.pop()
        return False


class _DeviceScope:
    __slots__ = ("_graph", "_device")

    def __init__(self, graph, device):
        if callable(device):
            device = ""  # device functions pick per op; placement is recorded only
        self._graph, self._device = graph, device or ""

    def __enter__(self):
        self._graph._device_stack.append(self._device)

    def __exit__(self, *exc):
        self._graph._device_stack.pop()
        return False


class _GradientOverrideScope:
    def __init__(self, graph, mapping):
        if not isinstance(mapping, dict):
            raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        self._graph, self._mapping, self._saved = graph, mapping, None

    def __enter__(self):
        g = self._graph
        self._saved = dict(g._gradient_override_map)
        g._gradient_override_map.update(self._mapping)

    def __exit__(self, *exc):
        self._graph._gradient_override_map = self._saved
        return False


# ======================================================================================
# Default graph stack (thread-local, with a lazily created global default graph)
# ======================================================================================

class _DefaultStack(threading.local):
    """A thread-local stack of default objects with TF's nesting checks."""

    def __init__(self):
        super().__init__()
        self.stack = []

    def get_default(self):
        return self.stack[-1] if self.stack else None

    def reset(self):
        self.stack = []

    def is_cleared(self):
        return not self.stack

    def get_controller(self, default):
        return _StackController(self, default)


class _StackController:
    __slots__ = ("_stack", "_default", "_enforce", "_list")

    def __init__(self, stack, default, enforce_nesting=True):
        self._stack, self._default, self._enforce = stack, default, enforce_nesting

    def __enter__(self):
        self._list = self._stack.stack
        self._list.append(self._default)
        return self._default

    def __exit__(self, *exc):
        lst = self._stack.stack
        if lst is not self._list:
            return False  # the stack was reset meanwhile
        if self._enforce:
            if not lst or lst[-1] is not self._default:
                raise AssertionError("Nesting violated for default stack of %s objects" % type(self._default))
            lst.pop()
        else:
            try:
                lst.remove(self._default)
            except ValueError:
                pass
        return False


class _DefaultGraphStack(_DefaultStack):
    def __init__(self):
        super().__init__()
        self._global_default_graph = None

    def get_default(self):
        if self.stack:
            return self.stack[-1]
        if self._global_default_graph is None:
            self._global_default_graph = Graph()
        return self._global_default_graph

    def reset(self):
        super().reset()
        self._global_default_graph = None


_default_graph_stack = _DefaultGraphStack()


def get_default_graph() -> Graph:
    """The innermost `as_default()` graph of this thread, or the global default graph."""
    return _default_graph_stack.get_default()


def has_default_graph() -> bool:
    return len(_default_graph_stack.stack) >= 1


def reset_default_graph():
    """Clear the default graph stack and start a new global default graph."""
    if not _default_graph_stack.is_cleared():
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If you need a "
                             "cleared graph, exit the nesting and create a new graph.")
    _default_graph_stack.reset()


# ======================================================================================
# Module-level helpers on the default graph
# ======================================================================================

def _graph_of(values) -> Graph:
    """The graph of the first graph element among `values` (checking they agree), else the default graph."""
    first = None
    for v in values:
        if isinstance(v, (Tensor, Operation)):
            g = v.graph
        elif hasattr(v, "_as_graph_element") and not isinstance(v, type):
            e = v._as_graph_element()
            g = e.graph if e is not None else None
            v = e
        else:
            continue
        if first is None:
            first = v
        elif g is not first.graph:
            raise ValueError("%s must be from the same graph as %s." % (v, first))
    return first.graph if first is not None else get_default_graph()


class name_scope:  # noqa: N801  (TF's spelling)
    """tf.name_scope(name, default_name=None, values=None): a name scope in the right graph."""

    __slots__ = ("_name", "_default_name", "_values", "_g_ctx", "_ns_ctx")

    def __init__(self, name, default_name=None, values=None):
        self._name = default_name if name is None else name
        self._default_name = default_name
        self._values = values

    def __enter__(self):
        if self._name is None and self._values is not None:
            raise ValueError("At least one of name (%s) and default_name (%s) must be provided."
                             % (self._name, self._default_name))
        g = _graph_of(self._values) if self._values else get_default_graph()
        if g is not get_default_graph():
            self._g_ctx = g.as_default()
            self._g_ctx.__enter__()
        else:
            self._g_ctx = None
        self._ns_ctx = g.name_scope(self._name)
        try:
            return self._ns_ctx.__enter__()
        except BaseException:
            if self._g_ctx is not None:
                self._g_ctx.__exit__(None, None, None)
            raise

    def __exit__(self, *exc):
        self._ns_ctx.__exit__(*exc)
        if self._g_ctx is not None:
            self._g_ctx.__exit__(*exc)
        return False


def control_dependencies(control_inputs):
    """tf.control_dependencies on the default graph."""
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name_or_function):
    """tf.device: recorded on ops (and shown in drawings); computation stays on the CPU."""
    return get_default_graph().device(device_name_or_function)


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    get_default_graph().add_to_collections(names, value)


def get_collection(key, scope=None) -> list:
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key) -> list:
    return get_default_graph().get_collection_ref(key)


# ======================================================================================
# Conversion of Python values to tensors
# ======================================================================================

_conversion_functions: list = []   # (base_type, fn(value, dtype, name, as_ref))


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """Teach convert_to_tensor about a new type (tf.register_tensor_conversion_function)."""
    _conversion_functions.append((priority, base_type, conversion_func))
    _conversion_functions.sort(key=lambda e: e[0])


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None, as_ref=False):
    """Return `value` as a Tensor; Python and NumPy values become Const ops (TF1 dtype rules)."""
    if isinstance(value, Tensor):
        if dtype is not None:
            dtype = _dtypes.as_dtype(dtype)
            if not dtype.is_compatible_with(value.dtype):
                raise ValueError("Tensor conversion requested dtype %s for Tensor with dtype %s: %r"
                                 % (dtype.name, value.dtype.name, value))
        return value
    hint = preferred_dtype if preferred_dtype is not None else dtype_hint
    for _, base, fn in _conversion_functions:
        if isinstance(value, base):
            if dtype is None and hint is not None:  # TF tries the preferred dtype first, silently
                try:
                    t = fn(value, dtype=hint, name=name, as_ref=as_ref)
                except (TypeError, ValueError):
                    t = NotImplemented
                if t is not NotImplemented:
                    return t
            t = fn(value, dtype=dtype, name=name, as_ref=as_ref)
            if t is not NotImplemented:
                return t
    raise TypeError("Failed to convert object of type %s to Tensor. Contents: %s."
                    % (type(value), value))


def convert_n_to_tensor(values, dtype=None, name=None):
    return [convert_to_tensor(v, dtype=dtype, name=None if name is None else "%s_%d" % (name, i))
            for i, v in enumerate(values)]


def is_tensor(x) -> bool:
    """A Tensor, or a tensor-like value such as a SparseTensor (as tf.is_tensor)."""
    return isinstance(x, Tensor) or getattr(type(x), "is_tensor_like", False) is True


# ======================================================================================
# The default session (TF keeps it in framework/ops.py too): Tensor.eval / Operation.run
# ======================================================================================

default_session_stack = _DefaultStack()   # pushed by Session.as_default() / InteractiveSession


def get_default_session():
    """The innermost default session of this thread, or None (tf.get_default_session)."""
    return default_session_stack.get_default()


def _eval_using_default_session(tensors, feed_dict, graph, session=None):
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError("Cannot evaluate tensor using `eval()`: No default session is registered. Use "
                             "`with sess.as_default()` or pass an explicit session to `eval(session=sess)`")
        if session.graph is not graph:
            raise ValueError("Cannot use the default session to evaluate tensor: the tensor's graph is different "
                             "from the session's graph. Pass an explicit session to `eval(session=sess)`.")
    elif session.graph is not graph:
        raise ValueError("Cannot use the given session to evaluate tensor: the tensor's graph is different from "
                         "the session's graph.")
    return session.run(tensors, feed_dict)


def _run_using_default_session(operation, feed_dict, graph, session=None):
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError("Cannot execute operation using `run()`: No default session is registered. Use "
                             "`with sess.as_default():` or pass an explicit session to `run(session=sess)`")
        if session.graph is not graph:
            raise ValueError("Cannot use the default session to execute operation: the operation's graph is "
                             "different from the session's graph. Pass an explicit session to run(session=sess).")
    elif session.graph is not graph:
        raise ValueError("Cannot use the given session to execute operation: the operation's graph is different "
                         "from the session's graph.")
    session.run(operation, feed_dict)
