"""tf.variable_scope and tf.get_variable: named, shareable variables with TF1's reuse rules."""
from __future__ import annotations

import enum


from ..framework import dtypes as _dtypes
from ..framework.graph import GraphKeys, Tensor, get_default_graph
from ..framework.shapes import TensorShape
from .variables import Variable
from . import init_ops

__all__ = ["VariableScope", "variable_scope", "variable_op_scope", "get_variable", "get_variable_scope",
           "get_local_variable", "AUTO_REUSE"]


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


class VariableScope:
    """A variable scope: its name, reuse mode and defaults for get_variable."""

    def __init__(self, reuse, name="", initializer=None, regularizer=None, caching_device=None,
                 partitioner=None, custom_getter=None, name_scope="", dtype=_dtypes.float32,
                 use_resource=None, constraint=None):
        self._name = name
        self._reuse = reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtype
        self._constraint = constraint

    @property
    def name(self) -> str:
        return self._name

    @property
    def original_name_scope(self) -> str:
        return self._name_scope

    @property
    def reuse(self):
        return self._reuse

    @property
    def initializer(self):
        return self._initializer

    @property
    def regularizer(self):
        return self._regularizer

    @property
    def dtype(self):
        return self._dtype

    @property
    def custom_getter(self):
        return self._custom_getter

    def reuse_variables(self):
        """Make this scope reuse existing variables from now on."""
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_dtype(self, dtype):
        self._dtype = dtype

    def get_variable(self, name, shape=None, dtype=None, initializer=None, regularizer=None, reuse=None,
                     trainable=None, collections=None, caching_device=None, partitioner=None,
                     validate_shape=True, use_resource=None, custom_getter=None, constraint=None, **kwargs):
        full_name = self._name + "/" + name if self._name else name
        if reuse is None:
            reuse = self._reuse
        if initializer is None:
            initializer = self._initializer
        if regularizer is None:
            regularizer = self._regularizer
        if dtype is None:
            dtype = self._dtype
        g = get_default_graph()
        getter = _store(g).get_variable
        custom = custom_getter or self._custom_getter
        kw = dict(shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer, reuse=reuse,
                  trainable=trainable, collections=collections, validate_shape=validate_shape,
                  constraint=constraint)
        with g.name_scope(None):
            if custom is not None:
                return custom(getter, full_name, **kw)
            return getter(full_name, **kw)


class _VariableStore:
    """The variables made by get_variable in one graph, by full name."""

    def __init__(self):
        self.vars = {}
        self.locations = {}

    def get_variable(self, name, shape=None, dtype=_dtypes.float32, initializer=None, regularizer=None,
                     reuse=None, trainable=None, collections=None, validate_shape=True, constraint=None, **kw):
        dtype = _dtypes.as_dtype(dtype)
        init_is_value = initializer is not None and not callable(initializer)
        if init_is_value and shape is not None and isinstance(initializer, Tensor):
            raise ValueError("If initializer is a constant, do not specify shape.")
        if name in self.vars:
            if reuse is False or reuse is None:
                raise ValueError("Variable %s already exists, disallowed. Did you mean to set reuse=True or "
                                 "reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n%s"
                                 % (name, self.locations.get(name, "")))
            v = self.vars[name]
            if shape is not None and not TensorShape(shape).is_compatible_with(v.shape):
                raise ValueError("Trying to share variable %s, but specified shape %s and found shape %s."
                                 % (name, TensorShape(shape), v.shape))
            if dtype is not None and init_is_value is False and dtype.base_dtype is not v.dtype.base_dtype \
                    and "dtype_given" in kw:
                raise ValueError("Trying to share variable %s, but specified dtype %s and found dtype %s."
                                 % (name, dtype.name, v.dtype.name))
            return v
        if reuse is True:
            raise ValueError("Variable %s does not exist, or was not created with tf.get_variable(). Did you "
                             "mean to set reuse=tf.AUTO_REUSE in VarScope?" % name)
        if init_is_value:
            if isinstance(initializer, Tensor):
                init_val = initializer
            else:
                init_val = initializer
                if "dtype_given" not in kw:
                    dtype = None
        else:
            if shape is None:
                raise ValueError("Variable %s did not get an initializer, so its `shape` argument must be "
                                 "specified." % name)
            shp = TensorShape(shape)
            if not shp.is_fully_defined():
                raise ValueError("Shape of a new variable (%s) must be fully defined, but instead was %s."
                                 % (name, shp))
            if initializer is None:
                if dtype.is_floating:
                    initializer = init_ops.glorot_uniform_initializer()
                elif dtype.is_integer or dtype.is_bool or dtype is _dtypes.string:
                    initializer = init_ops.zeros_initializer()
                else:
                    raise ValueError("An initializer for variable %s of %s is required" % (name, dtype.base_dtype))
            if isinstance(initializer, type):
                initializer = initializer(dtype=dtype)
            dims = shp.as_list()
            init_fn, dt = initializer, dtype

            def init_val():
                return init_fn(dims, dtype=dt)
        if trainable is None:
            trainable = True
        explicit = "dtype_given" in kw and not callable(init_val) and not isinstance(init_val, Tensor)
        v = Variable(initial_value=init_val, name=name, trainable=trainable, collections=collections,
                     dtype=dtype if explicit else None, validate_shape=validate_shape, constraint=constraint)
        self.vars[name] = v
        loc = v.op.location
        self.locations[name] = '  File "%s", line %d, in <module>' % loc
        if regularizer is not None:
            with get_default_graph().name_scope(name + "/Regularizer/"):
                loss = regularizer(v)
            if loss is not None:
                get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return v


def _store(g) -> _VariableStore:
    return g.layer_state("variable_store", _VariableStore)


def _scope_state(g):
    return g.layer_state("variable_scopes", lambda: {"current": VariableScope(False), "counts": {}})


def get_variable_scope() -> VariableScope:
    """The current VariableScope of the default graph."""
    return _scope_state(get_default_graph())["current"]


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=None,
                 collections=None, caching_device=None, partitioner=None, validate_shape=True,
                 use_resource=None, custom_getter=None, constraint=None, synchronization=None,
                 aggregation=None):
    """Get an existing variable or create a new one, under the current variable scope (tf.get_variable)."""
    extra = {}
    if dtype is not None:
        extra["dtype_given"] = True
    scope = get_variable_scope()
    full = scope.name + "/" + name if scope.name else name
    reuse = scope.reuse
    init = scope.initializer if initializer is None else initializer
    reg = scope.regularizer if regularizer is None else regularizer
    dt = _dtypes.as_dtype(dtype) if dtype is not None else scope.dtype
    g = get_default_graph()
    custom = custom_getter or scope.custom_getter
    store = _store(g)

    def getter(n, **kw):
        kw2 = dict(kw)
        kw2.update(extra)
        return store.get_variable(n, **kw2)
    kw = dict(shape=shape, dtype=dt, initializer=init, regularizer=reg, reuse=reuse, trainable=trainable,
              collections=collections, validate_shape=validate_shape, constraint=constraint)
    with g.name_scope(None):
        if reuse is AUTO_REUSE:
            kw["reuse"] = full in store.vars or None
        if custom is not None:
            return custom(getter, full, **kw)
        return getter(full, **kw)


def get_local_variable(name, shape=None, dtype=None, initializer=None, **kwargs):
    kwargs["collections"] = [GraphKeys.LOCAL_VARIABLES]
    kwargs["trainable"] = False
    return get_variable(name, shape=shape, dtype=dtype, initializer=initializer, **kwargs)


class variable_scope:  # noqa: N801
    """Context manager for variable names and reuse (tf.variable_scope); also opens a name scope."""

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None, regularizer=None,
                 caching_device=None, partitioner=None, custom_getter=None, reuse=None, dtype=None,
                 use_resource=None, constraint=None, auxiliary_name_scope=True):
        if name_or_scope is None and default_name is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if reuse is False:
            reuse = None
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._values = values
        self._initializer = initializer
        self._regularizer = regularizer
        self._custom_getter = custom_getter
        self._reuse = reuse
        self._dtype = dtype
        self._aux = auxiliary_name_scope

    def __enter__(self) -> VariableScope:
        from ..framework.graph import _graph_of
        g = _graph_of(self._values) if self._values else get_default_graph()
        self._graph_ctx = g.as_default() if g is not get_default_graph() else None
        if self._graph_ctx is not None:
            self._graph_ctx.__enter__()
        state = _scope_state(g)
        old = state["current"]
        self._old = old
        self._old_counts = state["counts"]
        nos = self._name_or_scope
        if isinstance(nos, VariableScope):
            name = nos.name
            ns = nos.original_name_scope
            reuse = True if self._reuse is True or nos.reuse is True else (self._reuse or nos.reuse)
            base = nos
        else:
            if nos is None:
                counts = state["counts"]
                prefix = old.name + "/" if old.name else ""
                base_name = self._default_name
                idx = counts.get(prefix + base_name, 0)
                counts[prefix + base_name] = idx + 1
                short = base_name if idx == 0 else "%s_%d" % (base_name, idx)
            else:
                if not isinstance(nos, str):
                    raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
                short = nos
            name = old.name + "/" + short if old.name else short
            ns = None
            reuse = True if old.reuse is True else (self._reuse if self._reuse is not None else old.reuse)
            base = old
        new = VariableScope(reuse, name=name,
                            initializer=self._initializer if self._initializer is not None else base.initializer,
                            regularizer=self._regularizer if self._regularizer is not None else base.regularizer,
                            custom_getter=self._custom_getter if self._custom_getter is not None else base.custom_getter,
                            dtype=_dtypes.as_dtype(self._dtype) if self._dtype is not None else base.dtype)
        if self._aux:
            if ns is not None:
                self._ns = g.name_scope(ns if ns else None)
            else:
                self._ns = g.name_scope(short)
            new._name_scope = self._ns.__enter__()
        else:
            self._ns = None
            new._name_scope = ns or (name + "/")
        state["current"] = new
        state["counts"] = {}
        self._state = state
        return new

    def __exit__(self, *exc):
        self._state["current"] = self._old
        self._state["counts"] = self._old_counts
        if self._ns is not None:
            self._ns.__exit__(*exc)
        if self._graph_ctx is not None:
            self._graph_ctx.__exit__(*exc)
        return False


def variable_op_scope(values, name_or_scope, default_name=None, **kwargs):
    return variable_scope(name_or_scope, default_name=default_name, values=values, **kwargs)
