"""Session and InteractiveSession: fetch/feed rules, the default-session stack, eval/run helpers.

`run` looks up (or builds) the Plan for its (fetches, fed tensors) and executes it (tfsess/plan.py).
Variable values live in the session; a failed run rolls back the variables it wrote. A run holds the
locks of the variables it may update until it ends, so threads never lose or undo each other's updates.
"""
from __future__ import annotations

import collections.abc
import inspect
import threading
import warnings

import numpy as np

from ..framework import dtypes as _dtypes
from .config import ConfigProto
from .memory import retain_freed_memory
from .threads import use_threads
from ..framework.errors import NotFoundError
from ..framework.graph import (Graph, Operation, Tensor, get_default_graph, get_default_session,
                              default_session_stack)
from ..framework.runtime import DEAD
from ..framework.sparse_tensor import SparseTensor, SparseTensorValue
from .plan import Plan, fetched_value

__all__ = ["Session", "InteractiveSession", "BaseSession", "get_default_session", "DEAD",
           "register_session_run_conversion_functions"]


_PLAN_CACHE_SIZE = 512
_NO_FEEDS = frozenset()


# ======================================================================================
# Fetch structures
# ======================================================================================

def _fetch_leaf(graph, x):
    try:
        elem = graph.as_graph_element(x, allow_tensor=True, allow_operation=True)
    except TypeError as e:
        raise TypeError('Argument `fetch` = %s has invalid type "%s" must be a string or Tensor. (%s)'
                        % (x, type(x).__name__, e.args[0])) from None
    except ValueError as e:
        raise ValueError("Argument `fetch` = %s cannot be interpreted as a Tensor. (%s)" % (x, e.args[0])) from None
    except KeyError as e:
        raise ValueError("Argument `fetch` = %s cannot be interpreted as a Tensor. (%s)" % (x, str(e))) from None
    if not graph.is_fetchable(elem):
        raise ValueError("Operation %r has been marked as not fetchable." % (elem.name,))
    return elem


_REGISTERED_CONVERSIONS: dict = {}   # type -> (fetch_fn, feed_fn)


def register_session_run_conversion_functions(tensor_type, fetch_function, feed_function=None,
                                              feed_function_for_partial_run=None):
    """Teach Session.run to fetch and feed objects of `tensor_type`.

    fetch_function(obj) -> (list of fetches, fn(list of values) -> value);
    feed_function(obj, value) -> list of (tensor, value) pairs.
    """
    for t in _REGISTERED_CONVERSIONS:
        if issubclass(tensor_type, t):
            raise ValueError("%s has already been registered so ignore it." % tensor_type)
    _REGISTERED_CONVERSIONS[tensor_type] = (fetch_function, feed_function)


def _registered(obj):
    for t, fns in _REGISTERED_CONVERSIONS.items():
        if isinstance(obj, t):
            return fns
    return None


def _flatten_fetch(graph, fetch, leaves):
    """Append graph elements of `fetch` to `leaves`; return a template to rebuild the structure."""
    if fetch is None:
        raise TypeError('Argument `fetch` = None has invalid type "NoneType". Cannot be None')
    if _REGISTERED_CONVERSIONS:
        fns = _registered(fetch)
        if fns is not None:
            parts, contract = fns[0](fetch)
            return ("custom", contract, [_flatten_fetch(graph, f, leaves) for f in parts])
    if isinstance(fetch, (Tensor, Operation, str, bytes)):
        leaves.append(_fetch_leaf(graph, fetch))
        return len(leaves) - 1
    if isinstance(fetch, SparseTensor):  # fetched as a SparseTensorValue of its three components
        parts = (fetch.indices, fetch.values, fetch.dense_shape)
        return ("custom", _sparse_value, [_flatten_fetch(graph, f, leaves) for f in parts])
    if isinstance(fetch, list):
        return ("list", [_flatten_fetch(graph, f, leaves) for f in fetch])
    if isinstance(fetch, tuple):
        subs = [_flatten_fetch(graph, f, leaves) for f in fetch]
        if hasattr(fetch, "_fields"):
            _check_rebuildable(type(fetch), len(subs), ())
            return ("namedtuple", type(fetch), subs)
        return ("tuple", subs)
    if isinstance(fetch, collections.abc.Mapping):
        if type(fetch) is not dict:
            _check_rebuildable(type(fetch), 0, ())
        return ("dict", type(fetch), [(k, _flatten_fetch(graph, v, leaves)) for k, v in fetch.items()])
    if hasattr(fetch, "__attrs_attrs__"):
        fields = [a.name for a in fetch.__attrs_attrs__]
        _check_rebuildable(type(fetch), 0, tuple(fields))
        return ("attrs", type(fetch), [(f, _flatten_fetch(graph, getattr(fetch, f), leaves)) for f in fields])
    leaves.append(_fetch_leaf(graph, fetch))
    return len(leaves) - 1


def _sparse_value(values) -> SparseTensorValue:
    return SparseTensorValue(*values)


_REBUILDABLE: dict = {}   # (type, n positional, keyword names) -> True: checked once per structure type


def _check_rebuildable(cls, n_args, keywords):
    """Raise TypeError before the run if the results cannot be put back into a fetch of type `cls`
    (called as `_rebuild` will call it: cls(*n values) or cls(**keywords)); a run must not change state first."""
    key = (cls, n_args, keywords)
    if key in _REBUILDABLE:
        return
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError):  # no introspectable signature (a C type): trust it
        _REBUILDABLE[key] = True
        return
    try:
        sig.bind(*([None] * n_args), **dict.fromkeys(keywords))
    except TypeError as e:
        raise TypeError("Fetch argument of type %s cannot be rebuilt from the fetched values: %s(%s) fails: %s"
                        % (cls.__name__, cls.__name__, ", ".join(["..."] * n_args + [k + "=..." for k in keywords]),
                           e)) from None
    _REBUILDABLE[key] = True


def _rebuild(template, values):
    if type(template) is int:
        return values[template]
    kind = template[0]
    if kind == "list":
        return [_rebuild(t, values) for t in template[1]]
    if kind == "tuple":
        return tuple(_rebuild(t, values) for t in template[1])
    if kind == "namedtuple":
        return template[1](*[_rebuild(t, values) for t in template[2]])
    if kind == "dict":
        out = template[1]()
        for k, t in template[2]:
            out[k] = _rebuild(t, values)
        return out
    if kind == "attrs":
        return template[1](**{f: _rebuild(t, values) for f, t in template[2]})
    if kind == "custom":
        return template[1]([_rebuild(t, values) for t in template[2]])
    raise AssertionError(kind)


# ======================================================================================
# Sessions
# ======================================================================================

class BaseSession:
    """Runs a graph: holds variable values, random streams and compiled plans for one graph."""

    def __init__(self, target="", graph=None, config=None):
        if graph is None:
            self._graph = get_default_graph()
        else:
            if not isinstance(graph, Graph):
                raise TypeError('Argument `graph` must be a tf.Graph, but got "%s"' % type(graph).__name__)
            self._graph = graph
        if isinstance(target, ConfigProto):
            raise TypeError('Argument `target` must be a string, but got "%s". Did you do "Session(config)" '
                            'instead of "Session(config=config)"?' % type(target).__name__)
        if not isinstance(target, (str, bytes)):
            raise TypeError('Argument `target` must be a string, but got "%s"' % type(target).__name__)
        if config is not None and not isinstance(config, ConfigProto):
            raise TypeError('Argument `config` must be a tf.ConfigProto, but got "%s"' % type(config).__name__)
        if target not in ("", b"", "local", b"local"):
            raise NotFoundError(None, None, "No session factory registered for the given session options: "
                                "{target: \"%s\" config: } Registered factories are {DIRECT_SESSION}."
                                % (target.decode() if isinstance(target, bytes) else target))
        self._target = target if isinstance(target, bytes) else target.encode()
        retain_freed_memory()
        self._config = config
        self._threads = int(getattr(config, "intra_op_parallelism_threads", 0) or 0)  # 0: follow the load
        self._closed = False
        self.variable_store: dict = {}
        self._rngs: dict = {}
        self._plans: dict = {}
        self._var_locks: dict = {}   # variable op -> RLock, held by runs that update it (plan._write_locks)
        self._lock = threading.Lock()
        self._default_graph_cm = None
        self._default_session_cm = None
        self._run_listeners: list = []
        self._resources: dict = {}

    # --- properties --------------------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def graph_def(self):
        return self._graph.as_graph_def()

    @property
    def sess_str(self) -> bytes:
        return self._target

    def list_devices(self):
        return [_Device()]

    def as_default(self):
        """Context manager making this the default session (it does not close the session)."""
        return default_session_stack.get_controller(self)

    # --- lifecycle ------------------------------------------------------------------------------
    def close(self):
        """Release this session's state (variable values). Idempotent."""
        with self._lock:
            self._closed = True
            self.variable_store = {}
            self._rngs = {}
            self._plans = {}
            self._resources = {}

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # --- running --------------------------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Run the ops and evaluate the tensors in `fetches`, substituting `feed_dict` values.

        Returns values in the structure of `fetches`: Tensor -> NumPy value, Operation -> None.
        With `options` asking for a trace and a `run_metadata`, fills it as TF does (tfsess/client/tracing.py).
        """
        if run_metadata is not None and options is not None:
            from .tracing import run_with_metadata
            return run_with_metadata(self, fetches, feed_dict, options, run_metadata)
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        use_threads(self._threads)
        graph = self._graph
        if graph.version == 0:
            raise RuntimeError("The Session graph is empty. Add operations to the graph before calling run().")
        ft = type(fetches)
        if (ft is Tensor or ft is Operation) and fetches._graph_is(graph) and not graph.restricts_fetching:
            return self._run_one(fetches, ft is Operation, feed_dict)
        feeds = self._process_feeds(feed_dict) if feed_dict else {}
        leaves = []
        template = _flatten_fetch(graph, fetches, leaves)
        out = self._run_leaves(leaves, feeds)
        self._notify()
        return _rebuild(template, out)

    def _run_one(self, fetch, is_op, feed_dict):
        """Run a single Tensor or Operation: the shape of every training loop, kept fast.

        When the plan for these feed tensors exists, each value is checked against the dtype and static shape
        the plan recorded for its tensor (no intermediate feed dict); otherwise the feeds go through the full
        rules first.
        """
        plan = None
        if feed_dict:
            try:
                plan = self._plans.get(((fetch,), frozenset(feed_dict)))
            except TypeError:  # an unhashable key: the full rules explain it
                pass
        else:
            plan = self._plans.get(((fetch,), _NO_FEEDS))
        as_fed = None
        if plan is not None:
            values = []
            for t, np_type, dims in plan.fed_checks:
                v = feed_dict[t]
                if type(v) is not np.ndarray or v.dtype.type is not np_type or not _shape_fits(dims, v.shape):
                    v = self._process_feeds({t: v})[t]
                values.append(v)
        else:
            feeds = self._process_feeds(feed_dict) if feed_dict else _Feeds()
            as_fed = feeds.as_fed
            plan = self._cached_plan(((fetch,), frozenset(feeds)), [] if is_op else [fetch], [fetch] if is_op else [],
                                     feeds)
            values = [feeds[t] for t in plan.fed]
        computed = plan.execute(values)
        if self._run_listeners:
            self._notify()
        if is_op:
            return None
        if computed:
            v = computed[0]
            if values and type(v) is np.ndarray and v.ndim and v.flags.writeable:
                v = _unaliased(v, values)
            return fetched_value(v)
        # a fetch that was fed returns the fed value (a string feed as TF has it: np.asarray(value, object))
        if fetch.dtype.base_dtype is _dtypes.string:
            if as_fed is None:   # the cached-plan path: feed_dict is keyed by the tensors themselves
                return np.asarray(feed_dict[fetch], dtype=object)
            if fetch in as_fed:
                return as_fed[fetch]
        return values[plan.fed.index(fetch)]

    def _cached_plan(self, key, tensors, targets, feeds, traced=False):
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plan_for(tensors, targets, feeds, traced)
            with self._lock:  # threads may build plans at once: evict and insert as one step
                plans = self._plans
                while len(plans) >= _PLAN_CACHE_SIZE:
                    del plans[next(iter(plans))]
                plan = plans.setdefault(key, plan)
        return plan

    def _run_leaves(self, leaves, feeds, trace=None):
        """Values of `leaves`; `trace` (a tracing recorder) runs them through a traced plan instead."""
        unique = list(dict.fromkeys(leaves))
        tensors = [x for x in unique if type(x) is Tensor]
        targets = [x for x in unique if type(x) is Operation]
        if not tensors and not targets:
            return []
        if trace is None:
            plan = self._cached_plan((tuple(unique), frozenset(feeds)), tensors, targets, feeds)
            computed = plan.execute([feeds[t] for t in plan.fed])
        else:
            plan = self._cached_plan(("traced", tuple(unique), frozenset(feeds)), tensors, targets, feeds, True)
            trace.begin(plan)
            computed = plan.execute([feeds[t] for t in plan.fed], trace=trace)
        values = {}
        it = iter(computed)
        fed = plan.fed and [feeds[t] for t in plan.fed]
        for t in plan.fetched:
            v = next(it)
            if fed and type(v) is np.ndarray and v.ndim and v.flags.writeable:
                v = _unaliased(v, fed)
            values[t] = fetched_value(v)
        result = []
        for x in leaves:
            if type(x) is Operation:
                result.append(None)
            elif x in feeds:
                as_fed = getattr(feeds, "as_fed", None)
                result.append(as_fed[x] if as_fed and x in as_fed else feeds[x])
            else:
                result.append(values[x])
        return result

    def _plan_for(self, tensors, targets, feeds, traced=False):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        return Plan(self, tensors, targets, feeds, traced=traced)

    def _notify(self):
        if self._run_listeners:
            for cb in list(self._run_listeners):
                try:
                    cb(self)
                except Exception:  # a broken listener (widget) must never break a run
                    pass

    def _add_run_listener(self, cb):
        self._run_listeners.append(cb)

    def _remove_run_listener(self, cb):
        try:
            self._run_listeners.remove(cb)
        except ValueError:
            pass

    # --- feeds -----------------------------------------------------------------------------------
    def _process_feeds(self, feed_dict):
        graph = self._graph
        feeds = _Feeds()
        plain = not graph.restricts_feeding
        for key, val in feed_dict.items():
            if type(key) is Tensor and plain and key.op._graph is graph:
                vt = type(val)
                if vt is np.ndarray or vt is float or vt is int or vt is list:
                    feeds.add(key, val)
                    continue
            for k, v in _flatten_feed_item(key, val):
                try:
                    t = graph.as_graph_element(k, allow_tensor=True, allow_operation=False)
                except Exception as e:
                    raise TypeError("Cannot interpret feed_dict key as Tensor: " + str(e.args[0])) from None
                if isinstance(v, Tensor) or (hasattr(v, "_as_graph_element") and not isinstance(v, type)):
                    raise TypeError("The value of a feed cannot be a tf.Tensor object. Acceptable feed values "
                                    "include Python scalars, strings, lists, numpy ndarrays, or TensorHandles. "
                                    "For reference, the tensor object was %s which was passed to the argument "
                                    "`feed_dict` with key %s." % (v, t))
                if not graph.is_feedable(t):
                    raise ValueError("Tensor %s may not be fed." % t)
                feeds.add(t, v)
        return feeds

    # --- helpers ---------------------------------------------------------------------------------
    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A function running `fetches` with positional feed values for `feed_list`."""
        if feed_list is not None:
            if not isinstance(feed_list, (list, tuple)):
                raise TypeError("Argument `feed_list` must be a list or tuple. Received: feed_list=%s" % (feed_list,))
            feed_tensors = [f if isinstance(f, SparseTensor)   # fed component-wise by _process_feeds
                            else self._graph.as_graph_element(f, allow_tensor=True, allow_operation=False)
                            for f in feed_list]
        else:
            feed_tensors = []
        leaves = []
        template = _flatten_fetch(self._graph, fetches, leaves)
        n = len(feed_tensors)

        def call(*args, **kwargs):
            if len(args) != n:
                raise TypeError("Expected %d positional feed values, got %d." % (n, len(args)))
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            use_threads(self._threads)
            if accept_options and kwargs.get("options") is not None and kwargs.get("run_metadata") is not None:
                from .tracing import run_with_metadata
                return run_with_metadata(self, fetches, dict(zip(feed_tensors, args)), kwargs["options"],
                                         kwargs["run_metadata"])
            feeds = self._process_feeds(dict(zip(feed_tensors, args))) if n else {}
            out = self._run_leaves(leaves, feeds)
            self._notify()
            return _rebuild(template, out)
        return call

    # --- hooks for op kernels (reached through OpDef.bind(op, session)) ---------------------------
    def resource(self, op, factory):
        """The per-session state object of `op` (an iterator, a queue), made by `factory()` on first use.

        State lives in the session, so two sessions on one graph iterate independently; close() drops it.
        """
        r = self._resources.get(op)
        if r is None:
            r = self._resources[op] = factory()
        return r

    def subplan(self, fetch_tensors, fed_tensors):
        """A function computing `fetch_tensors` from positional values of `fed_tensors`, in this session.

        While-loop kernels use it to run their traced cond/body ops once per iteration.
        """
        fed_tensors = list(fed_tensors)
        pos = {t: i for i, t in enumerate(fed_tensors)}
        plan = Plan(self, list(dict.fromkeys(t for t in fetch_tensors if t not in pos)), [], pos)
        at = {t: i for i, t in enumerate(plan.fetched)}
        picks = [(True, pos[t]) if t in pos else (False, at[t]) for t in fetch_tensors]
        execute = plan.execute

        def run(values):
            out = execute(values)
            return [values[i] if fed else out[i] for fed, i in picks]
        return run

    def _rng_for(self, op):
        rng = self._rngs.get(op)
        if rng is None:
            s1, s2 = op.attrs.get("seed", 0), op.attrs.get("seed2", 0)
            if s1 == 0 and s2 == 0:
                rng = np.random.default_rng()
            else:
                rng = np.random.default_rng(np.random.SeedSequence([int(s1) & 0xFFFFFFFF, int(s2) & 0xFFFFFFFF]))
            self._rngs[op] = rng
        return rng

    def _load_variable(self, variable, value):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        var_op = variable.op
        arr = np.array(value, dtype=variable.dtype.base_dtype.as_numpy_dtype, copy=True)
        if not variable.shape.is_compatible_with(arr.shape):
            raise ValueError("Cannot feed value of shape %s for Tensor %s, which has shape %s"
                             % (arr.shape, variable.name, variable.shape))
        arr.flags.writeable = False
        self._set_variables({var_op: arr})

    def _set_variables(self, values: dict) -> None:
        """Store new values (read-only arrays) for variable ops, holding their locks as a run would."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        locks = [self._var_locks.setdefault(v, threading.RLock())
                 for v in sorted(values, key=lambda v: (v.creation_index, id(v)))]
        for lock in locks:
            lock.acquire()
        try:
            self.variable_store.update(values)
        finally:
            for lock in locks:
                lock.release()

    def partial_run_setup(self, fetches, feeds=None):
        raise NotImplementedError("partial_run is experimental in TF1 and not supported by tfsess; "
                                  "use run() with all feeds at once.")

    def partial_run(self, handle, fetches, feed_dict=None):
        raise NotImplementedError("partial_run is experimental in TF1 and not supported by tfsess; "
                                  "use run() with all feeds at once.")


class _Device:
    name = "/job:localhost/replica:0/task:0/device:CPU:0"
    device_type = "CPU"
    memory_limit_bytes = 0

    def __repr__(self):
        return "_DeviceAttributes(%s, %s, %d)" % (self.name, self.device_type, self.memory_limit_bytes)


def _flatten_feed_item(key, val):
    """feed_dict keys may be nested tuples of tensors with values of the same structure."""
    if _REGISTERED_CONVERSIONS:
        fns = _registered(key)
        if fns is not None and fns[1] is not None:
            return list(fns[1](key, val))
    if isinstance(key, SparseTensor):
        # As TF: the value is any iterable of (indices, values, dense_shape), zipped with the components.
        return list(zip((key.indices, key.values, key.dense_shape), val))
    if isinstance(key, tuple) and not hasattr(key, "_fields") and not isinstance(key, str):
        if not isinstance(val, (tuple, list)) or len(val) != len(key):
            raise ValueError("The feed value for a tuple key must have the same structure: %r" % (key,))
        out = []
        for k, v in zip(key, val):
            out.extend(_flatten_feed_item(k, v))
        return out
    return [(key, val)]


def _unaliased(value, fed_values):
    """`value`, copied if it shares memory with a fed array (identity, reshape, slice... of a feed).

    TF returns fresh buffers for computed tensors, so writing into a result never changes the caller's
    feed; only a fetch of a fed tensor itself returns the fed value, as in TF. Costs a bounds check per
    fetched array when there are feeds; copies only when memory is shared."""
    for f in fed_values:
        if type(f) is np.ndarray and np.may_share_memory(value, f):
            return value.copy()
    return value


class _Feeds(dict):
    """Feed values as kernels take them, by tensor; `as_fed` holds what fetching a fed string tensor returns.

    TF returns a fed tensor's value as `np.asarray(value, dtype)`: for strings the objects fed (`str` stays
    `str`), while ops see bytes.
    """

    __slots__ = ("as_fed",)

    def __init__(self):
        super().__init__()
        self.as_fed = {}

    def add(self, t: Tensor, val) -> None:
        self[t] = arr = _convert_feed(t, val)
        if t.dtype.base_dtype is _dtypes.string:
            raw = np.asarray(val, dtype=object)
            if raw is not arr:
                self.as_fed[t] = raw


def _shape_fits(dims, shape) -> bool:
    """Does a value of `shape` fit static `dims` (None: any rank; None dims: any size)?"""
    if dims is None or dims == shape:
        return True
    if len(dims) != len(shape):
        return False
    for d, n in zip(dims, shape):
        if d is not None and d != n:
            return False
    return True


def _convert_feed(t: Tensor, val):
    """np.asarray(val, dtype) with TF's int-range and shape checks."""
    dt = t.dtype.base_dtype
    np_t = dt.as_numpy_dtype
    vt = type(val)
    if vt is np.ndarray and val.dtype.type is np_t and _shape_fits(t.shape.dim_sizes, val.shape):
        return val
    if vt is int or vt is bool:
        if dt is _dtypes.string:
            raise TypeError("Type of feed value %r with type %s is not compatible with Tensor type %s. Try "
                            "explicitly setting the type of the feed tensor to a larger type (e.g. int64)."
                            % (val, vt, "<class 'object'>"))
        if dt.is_integer:
            info = np.iinfo(np_t)
            if not info.min <= val <= info.max:
                raise TypeError("Type of feed value %r with type %s is not compatible with Tensor type %s. Try "
                                "explicitly setting the type of the feed tensor to a larger type (e.g. int64)."
                                % (val, vt, np_t))
    if vt is np.ndarray and val.dtype == np_t and dt is not _dtypes.string:
        arr = val
    elif dt is _dtypes.string:
        arr = np.asarray(val, dtype=object)
        if arr.dtype == object:
            flat = arr.reshape(-1)
            private = arr is not val   # never encode in place in the caller's own array
            for i, s in enumerate(flat):
                if isinstance(s, str):
                    if not private:
                        arr = arr.copy()
                        flat = arr.reshape(-1)
                        private = True
                    flat[i] = s.encode("utf-8")
                elif not isinstance(s, bytes):
                    raise TypeError("Type of feed value %r with type %s is not compatible with Tensor type "
                                    "<class 'object'>." % (s, type(s)))
        if arr.ndim == 0:
            arr = np.array(arr.item(), dtype=object)
    else:
        with np.errstate(invalid="ignore"):
            arr = np.asarray(val, dtype=np_t)
    if not _shape_fits(t.shape.dim_sizes, arr.shape):
        raise ValueError("Cannot feed value of shape %s for Tensor %s, which has shape %s"
                         % (arr.shape, t.name, t.shape))
    return arr


class Session(BaseSession):
    """A session to run a graph; use `with tf.Session() as sess:` so it closes itself."""

    def __enter__(self):
        if self._default_graph_cm is None:
            self._default_graph_cm = self._graph.as_default()
        else:
            raise RuntimeError("Session context managers are not re-entrant. Use `Session.as_default()` if you "
                               "want to enter a session multiple times.")
        if self._default_session_cm is None:
            self._default_session_cm = self.as_default()
        self._default_graph_cm.__enter__()
        return self._default_session_cm.__enter__()

    def __exit__(self, exec_type, exec_value, exec_tb):
        try:
            self._default_session_cm.__exit__(exec_type, exec_value, exec_tb)
        finally:
            try:
                self._default_graph_cm.__exit__(exec_type, exec_value, exec_tb)
            finally:
                self._default_session_cm = None
                self._default_graph_cm = None
                self.close()
        return False


class InteractiveSession(BaseSession):
    """A session that installs itself as the default session on construction (for shells and notebooks).

    Deliberate difference from TF 1.15: closing an older InteractiveSession while a newer one is open
    removes it from the default-session stack instead of raising TF's nesting AssertionError.
    """

    _count_lock = threading.Lock()
    _active_session_count = 0

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        with InteractiveSession._count_lock:
            if InteractiveSession._active_session_count > 0:
                warnings.warn("An interactive session is already active. This can cause out-of-memory errors in "
                              "some cases. You must explicitly call `InteractiveSession.close()` to release "
                              "resources held by the other session(s).")
            InteractiveSession._active_session_count += 1
        self._explicitly_closed = False
        self._default_session = self.as_default()
        self._default_session._enforce = False
        self._default_session.__enter__()
        self._explicit_graph = graph
        if graph is not None:
            self._default_graph = graph.as_default()
            self._default_graph.__enter__()

    def close(self):
        super().close()
        with InteractiveSession._count_lock:
            if not self._explicitly_closed:
                InteractiveSession._active_session_count -= 1
                self._explicitly_closed = True
            else:
                return
        if self._explicit_graph is not None:
            try:
                self._default_graph.__exit__(None, None, None)
            except AssertionError:
                pass
            self._default_graph = None
        self._default_session.__exit__(None, None, None)
        self._default_session = None
