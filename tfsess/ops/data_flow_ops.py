"""Queues and readers (TF1 input pipelines): FIFOQueue, RandomShuffleQueue, TextLineReader, decode_csv, CountUpTo.

A queue's contents live in the session. Queue runners do not need threads here: when a dequeue finds too few
elements, the queue runs its runners' enqueue ops itself, in the calling thread, until it has enough or
every runner has hit OutOfRangeError (then the queue closes, as TF's runners close it). Pipelines are
therefore deterministic, and a dequeue nothing can ever fill fails instead of hanging.
"""
from __future__ import annotations

import collections

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import DeadlineExceededError, InvalidArgumentError, OutOfRangeError
from ..framework.graph import Tensor
from ..framework.opdef import OpDef, op_scope
from ..framework.runtime import uninitialized_error, write_variable
from ..framework.shapes import TensorShape
from .random_ops import get_seed

__all__ = ["QueueBase", "FIFOQueue", "RandomShuffleQueue", "PaddingFIFOQueue", "TextLineReader", "decode_csv",
           "count_up_to", "QueueState"]


# ======================================================================================
# Run-time state
# ======================================================================================

class QueueState:
    """One queue in one session: its elements, whether it is closed, and the runners that fill it."""

    def __init__(self, name, capacity, rng=None, min_after_dequeue=0):
        self.name, self.capacity, self.rng, self.min_after = name, capacity, rng, min_after_dequeue
        self.items = collections.deque()
        self.closed = False
        self.feeders = []     # [feeder], each with .step() -> False once its input is exhausted
        self.filling = 0

    def _kind(self):
        return "RandomShuffleQueue" if self.rng is not None else "FIFOQueue"

    def ensure(self, op, n, allow_small=False):
        """Run the feeders until `n` elements can be dequeued (or the queue is closed)."""
        need = n + (self.min_after if self.rng is not None else 0)
        while len(self.items) < need and not self.closed:
            active = [f for f in self.feeders if not f.done]
            if not active:
                if self.feeders:     # every runner finished with OutOfRange: TF's runners close the queue
                    self.closed = True
                    break
                raise DeadlineExceededError(None, op, "Timed out waiting for notification: %s '%s' has %d elements, "
                                            "%d requested, and nothing will enqueue more (TF would block here "
                                            "forever; start its queue runners with tf.train.start_queue_runners)"
                                            % (self._kind(), self.name, len(self.items), n))
            self.filling += 1
            try:
                for f in active:
                    f.step()
            finally:
                self.filling -= 1
        if len(self.items) < n and not (allow_small and self.items):
            have = len(self.items)
            self.items.clear()
            raise OutOfRangeError(None, op, "%s '%s' is closed and has insufficient elements (requested %d, current "
                                  "size 0)" % (self._kind(), self.name, n - have))

    def take(self, k):
        if self.rng is None:
            return [self.items.popleft() for _ in range(k)]
        out = []
        for _ in range(k):
            i = int(self.rng.integers(len(self.items)))
            self.items[i], self.items[-1] = self.items[-1], self.items[i]
            out.append(self.items.pop())
        return out

    def put(self, op, rows):
        if self.closed:
            from ..framework.errors import CancelledError
            raise CancelledError(None, op, "%s '%s' is closed." % (self._kind(), self.name))
        if not self.filling and len(self.items) + len(rows) > self.capacity:
            raise DeadlineExceededError(None, op, "Timed out waiting for notification: %s '%s' is full (capacity %d) "
                                        "and nothing dequeues from it (TF would block here forever)"
                                        % (self._kind(), self.name, self.capacity))
        self.items.extend(rows)


def _queue_name(session, op):
    count = session.resource("tfsess queue count", lambda: [0])
    name = "_%d_%s" % (count[0], op._name)
    count[0] += 1
    return name


# ======================================================================================
# Queue ops
# ======================================================================================

class _QueueOp(OpDef):
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.resource, ())]


class FIFOQueueV2(_QueueOp):
    type_name = "FIFOQueueV2"

    @classmethod
    def bind(cls, op, session):
        cap = op.attrs["capacity"]
        return lambda: session.resource(op, lambda: QueueState(_queue_name(session, op), cap if cap >= 0 else 1 << 62))


class RandomShuffleQueueV2(_QueueOp):
    type_name = "RandomShuffleQueueV2"

    @classmethod
    def bind(cls, op, session):
        a = op.attrs

        def make():
            s1, s2 = a["seed"], a["seed2"]
            rng = np.random.default_rng() if s1 == 0 and s2 == 0 else \
                np.random.default_rng(np.random.SeedSequence([s1 & 0xFFFFFFFF, s2 & 0xFFFFFFFF]))
            return QueueState(_queue_name(session, op), a["capacity"], rng, a["min_after_dequeue"])
        return lambda: session.resource(op, make)


def _check_component(op, k, v, dtype, shape):
    a = np.asarray(v, dtype=object if dtype is _dtypes.string else dtype.as_numpy_dtype)
    if shape is not None and shape.ndims is not None and not shape.is_compatible_with(a.shape):
        raise InvalidArgumentError(None, op, "Shape mismatch in tuple component %d. Expected %s, got %s"
                                   % (k, shape.as_list(), list(a.shape)))
    return a


class QueueEnqueueV2(OpDef):
    type_name = "QueueEnqueueV2"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return []

    @classmethod
    def bind(cls, op, session):
        types, shapes = op.attrs["Tcomponents"], op.attrs["_shapes"]

        def k(state, *comps):
            row = tuple(_check_component(op, i, c, t, s) for i, (c, t, s) in enumerate(zip(comps, types, shapes)))
            state.put(op, [row])
        return k


class QueueEnqueueManyV2(QueueEnqueueV2):
    type_name = "QueueEnqueueManyV2"

    @classmethod
    def bind(cls, op, session):
        types, shapes = op.attrs["Tcomponents"], op.attrs["_shapes"]

        def k(state, *comps):
            arrs = [np.asarray(c, dtype=object if t is _dtypes.string else t.as_numpy_dtype) for c, t in zip(comps, types)]
            n = {a.shape[0] if a.ndim else -1 for a in arrs}
            if len(n) != 1 or -1 in n:
                raise InvalidArgumentError(None, op, "All input tensors must have the same size in the 0th dimension")
            rows = [tuple(_check_component(op, i, a[j], t, s) for i, (a, t, s) in enumerate(zip(arrs, types, shapes)))
                    for j in range(n.pop())]
            state.put(op, rows)
        return k


class QueueDequeueV2(OpDef):
    type_name = "QueueDequeueV2"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(t, s.dim_sizes) for t, s in zip(op.attrs["component_types"], op.attrs["_shapes"])]

    @classmethod
    def bind(cls, op, session):
        single = len(op.attrs["component_types"]) == 1

        def k(state):
            state.ensure(op, 1)
            row = state.take(1)[0]
            return row[0] if single else row
        return k


class QueueDequeueManyV2(QueueDequeueV2):
    type_name = "QueueDequeueManyV2"
    _small = False

    @classmethod
    def outputs(cls, op):
        n = op.attrs.get("_n")
        return [(t, None if s.ndims is None else (None if cls._small else n,) + tuple(s.dim_sizes))
                for t, s in zip(op.attrs["component_types"], op.attrs["_shapes"])]

    @classmethod
    def bind(cls, op, session):
        types = op.attrs["component_types"]
        single = len(types) == 1
        small = cls._small

        def k(state, n):
            n = int(n)
            state.ensure(op, n, allow_small=small)
            rows = state.take(min(n, len(state.items)) if small else n)
            out = tuple(_batch_rows([r[i] for r in rows], t) if rows else np.zeros((0,), t.as_numpy_dtype)
                        for i, t in enumerate(types))
            return out[0] if single else out
        return k


def _batch_rows(vals, dtype):
    """Stack dequeued components; differing shapes (a PaddingFIFOQueue's None dims) are padded with zeros/b''."""
    shapes = {np.shape(v) for v in vals}
    if len(shapes) == 1:
        return np.stack(vals)
    dims = [max(np.shape(v)[d] for v in vals) for d in range(np.ndim(vals[0]))]
    out = np.full([len(vals)] + dims, b"" if dtype is _dtypes.string else 0,
                  dtype=object if dtype is _dtypes.string else dtype.as_numpy_dtype)
    for i, v in enumerate(vals):
        out[(i,) + tuple(slice(0, n) for n in np.shape(v))] = v
    return out


class QueueDequeueUpToV2(QueueDequeueManyV2):
    type_name = "QueueDequeueUpToV2"
    _small = True


class QueueCloseV2(OpDef):
    type_name = "QueueCloseV2"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return []

    @staticmethod
    def kernel(state):
        state.closed = True


class QueueSizeV2(OpDef):
    type_name = "QueueSizeV2"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.int32, ())]

    @staticmethod
    def kernel(state):
        return np.int32(len(state.items))


class QueueIsClosedV2(QueueSizeV2):
    type_name = "QueueIsClosedV2"

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.bool, ())]

    @staticmethod
    def kernel(state):
        return np.bool_(state.closed)


# ======================================================================================
# Queue classes
# ======================================================================================

def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


class QueueBase:
    """Shared enqueue/dequeue/close/size methods of the queue classes (tf.QueueBase)."""

    def __init__(self, opdef, dtypes, shapes, names, capacity, attrs, name, default):
        self._dtypes = [_dtypes.as_dtype(d).base_dtype for d in _as_list(dtypes)]
        if shapes is None:
            self._shapes = [TensorShape(None)] * len(self._dtypes)
        else:
            shapes = list(shapes) if isinstance(shapes, (list, tuple)) and shapes and \
                isinstance(shapes[0], (list, tuple, TensorShape)) else [shapes]
            if len(shapes) != len(self._dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes")
            self._shapes = [TensorShape(s) for s in shapes]
        self._names = names
        with op_scope(name, default) as s:
            a = {"component_types": self._dtypes, "shapes": self._shapes, "capacity": capacity}
            a.update(attrs)
            self._queue_ref = s.make(opdef, [], a).outputs[0]
        self._name = self._queue_ref.op.name

    @property
    def name(self) -> str:
        return self._name

    @property
    def queue_ref(self) -> Tensor:
        return self._queue_ref

    @property
    def dtypes(self):
        return list(self._dtypes)

    @property
    def shapes(self):
        return list(self._shapes)

    @property
    def names(self):
        return self._names

    def _components(self, vals, s, many):
        if isinstance(vals, dict):
            if self._names is None:
                raise ValueError("Queue must have names to enqueue a dictionary")
            vals = [vals[n] for n in self._names]
        vals = list(vals) if isinstance(vals, (list, tuple)) else [vals]   # as TF: a list is the components
        if len(vals) != len(self._dtypes):
            raise ValueError("Expected %d components, got %d" % (len(self._dtypes), len(vals)))
        out = []
        for i, (v, t, shp) in enumerate(zip(vals, self._dtypes, self._shapes)):
            c = s.convert(v, "component_%d" % i, dtype=t)
            if c.dtype.base_dtype is not t:
                raise TypeError("Expected %s, got %s" % (t.name, c.dtype.name))
            have = c.shape if not many else (TensorShape(c.shape.dim_sizes[1:]) if c.shape.dim_sizes else TensorShape(None))
            if shp.ndims is not None and not shp.is_compatible_with(have):
                raise ValueError("Shapes %s and %s are incompatible" % (have, shp))
            out.append(c)
        return out

    def _enqueue(self, opdef, vals, name, default, many):
        with op_scope(name, default, [self._queue_ref]) as s:
            comps = self._components(vals, s, many)
            return s.make(opdef, [self._queue_ref] + comps, {"Tcomponents": self._dtypes, "_shapes": self._shapes})

    def enqueue(self, vals, name=None):
        return self._enqueue(QueueEnqueueV2, vals, name, "%s_enqueue" % self._name.split("/")[-1], False)

    def enqueue_many(self, vals, name=None):
        return self._enqueue(QueueEnqueueManyV2, vals, name, "%s_EnqueueMany" % self._name.split("/")[-1], True)

    def _pack(self, outs):
        if self._names is not None:
            return dict(zip(self._names, outs))
        return outs[0] if len(outs) == 1 else outs

    def dequeue(self, name=None):
        with op_scope(name, "%s_Dequeue" % self._name.split("/")[-1], [self._queue_ref]) as s:
            op = s.make(QueueDequeueV2, [self._queue_ref], {"component_types": self._dtypes, "_shapes": self._shapes})
        return self._pack(list(op.outputs))

    def _dequeue_n(self, opdef, n, name, default):
        with op_scope(name, default, [self._queue_ref]) as s:
            nt = s.convert(n, "n", dtype=_dtypes.int32)
            from ..framework.opdef import constant_value
            nv = constant_value(nt)
            op = s.make(opdef, [self._queue_ref, nt], {"component_types": self._dtypes, "_shapes": self._shapes,
                                                       "_n": None if nv is None else int(nv)})
        return self._pack(list(op.outputs))

    def dequeue_many(self, n, name=None):
        return self._dequeue_n(QueueDequeueManyV2, n, name, "%s_DequeueMany" % self._name.split("/")[-1])

    def dequeue_up_to(self, n, name=None):
        return self._dequeue_n(QueueDequeueUpToV2, n, name, "%s_DequeueUpTo" % self._name.split("/")[-1])

    def close(self, cancel_pending_enqueues=False, name=None):
        with op_scope(name, "%s_Close" % self._name.split("/")[-1], [self._queue_ref]) as s:
            return s.make(QueueCloseV2, [self._queue_ref], {"cancel_pending_enqueues": cancel_pending_enqueues})

    def size(self, name=None) -> Tensor:
        with op_scope(name, "%s_Size" % self._name.split("/")[-1], [self._queue_ref]) as s:
            return s.make(QueueSizeV2, [self._queue_ref]).outputs[0]

    def is_closed(self, name=None) -> Tensor:
        with op_scope(name, "%s_IsClosed" % self._name.split("/")[-1], [self._queue_ref]) as s:
            return s.make(QueueIsClosedV2, [self._queue_ref]).outputs[0]


class FIFOQueue(QueueBase):
    """A first-in first-out queue of tuples of tensors (tf.FIFOQueue)."""

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None, name="fifo_queue"):
        super().__init__(FIFOQueueV2, dtypes, shapes, names, capacity, {"shared_name": shared_name or ""}, name,
                         "fifo_queue")


class PaddingFIFOQueue(FIFOQueue):
    """tf.PaddingFIFOQueue: shapes may have None dims; dequeue_many pads each batch to its longest element."""

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None, name="padding_fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class RandomShuffleQueue(QueueBase):
    """A queue that dequeues in random order, keeping at least `min_after_dequeue` elements until closed."""

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None, shared_name=None,
                 name="random_shuffle_queue"):
        s1, s2 = get_seed(seed)
        if s1 is None:
            s1, s2 = 0, 0
        super().__init__(RandomShuffleQueueV2, dtypes, shapes, names, capacity,
                         {"min_after_dequeue": int(min_after_dequeue), "seed": int(s1), "seed2": int(s2),
                          "shared_name": shared_name or ""}, name, "random_shuffle_queue")


# ======================================================================================
# Readers
# ======================================================================================

class ReaderState:
    """A reader in one session: the file it is reading and the lines left."""

    def __init__(self, skip):
        self.skip, self.lines, self.file, self.n = skip, None, None, 0


class TextLineReaderV2(OpDef):
    type_name = "TextLineReaderV2"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.resource, ())]

    @classmethod
    def bind(cls, op, session):
        skip = op.attrs["skip_header_lines"]
        return lambda: session.resource(op, lambda: ReaderState(skip))


def _str(v) -> str:
    v = np.asarray(v, object)[()]
    return v.decode() if isinstance(v, bytes) else str(v)


def _bytes(b):
    a = np.empty((), object)
    a[()] = b
    return a


class ReaderReadV2(OpDef):
    """The next (key, value) record; takes the next file name from the queue when the current file ends."""

    type_name = "ReaderReadV2"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.string, ()), (_dtypes.string, ())]

    @classmethod
    def bind(cls, op, session):
        def k(reader, queue):
            while True:
                if reader.lines is not None:
                    for line in reader.lines:
                        reader.n += 1
                        if reader.n <= reader.skip:
                            continue
                        if line.endswith(b"\n"):
                            line = line[:-1]
                            if line.endswith(b"\r"):
                                line = line[:-1]
                        return _bytes(("%s:%d" % (reader.file, reader.n)).encode()), _bytes(line)
                    reader.lines = None
                queue.ensure(op, 1)
                name = _str(queue.take(1)[0][0])
                try:
                    with open(name, "rb") as fh:
                        reader.lines = iter(fh.read().splitlines(keepends=True))
                except OSError:
                    from ..framework.errors import NotFoundError
                    raise NotFoundError(None, op, "%s; No such file or directory" % name) from None
                reader.file, reader.n = name, 0
        return k


class TextLineReader:
    """Reads the lines of the files named by a queue of file names (tf.TextLineReader)."""

    def __init__(self, skip_header_lines=None, name=None):
        with op_scope(name, "TextLineReaderV2") as s:
            self._reader_ref = s.make(TextLineReaderV2, [], {"skip_header_lines": int(skip_header_lines or 0)}) \
                .outputs[0]

    @property
    def reader_ref(self) -> Tensor:
        return self._reader_ref

    def read(self, queue, name=None):
        """(key, value): `key` is "<file>:<line number>", `value` the line."""
        q = queue.queue_ref if isinstance(queue, QueueBase) else queue
        with op_scope(name, "ReaderReadV2", [self._reader_ref, q]) as s:
            out = s.make(ReaderReadV2, [self._reader_ref, q]).outputs
        return out[0], out[1]


# ======================================================================================
# decode_csv and CountUpTo
# ======================================================================================

class DecodeCSV(OpDef):
    """Parses CSV records into one tensor per column (defaults fill empty fields)."""

    type_name = "DecodeCSV"
    grad = None

    @classmethod
    def outputs(cls, op):
        d = op.inputs[0].shape.dim_sizes
        return [(t.dtype.base_dtype, d) for t in op.inputs[1:]]

    @classmethod
    def bind(cls, op, session):
        delim, quote, na, cols = (op.attrs[k] for k in ("field_delim", "use_quote_delim", "na_value", "select_cols"))
        types = [t.dtype.base_dtype for t in op.inputs[1:]]

        def k(records, *defaults):
            recs = np.asarray(records, object)
            outs = [np.empty(recs.shape, object if t is _dtypes.string else t.as_numpy_dtype) for t in types]
            for idx, rec in enumerate(recs.reshape(-1)):
                text = rec.decode() if isinstance(rec, bytes) else str(rec)
                fields = _split_csv(op, text, delim, quote, idx)
                if cols:
                    fields = [fields[c] if c < len(fields) else "" for c in cols]
                if len(fields) != len(types):
                    raise InvalidArgumentError(None, op, "Expect %d fields but have %d in record %d"
                                               % (len(types), len(fields), idx))
                pos = np.unravel_index(idx, recs.shape) if recs.ndim else ()
                for j, (f, t, dflt) in enumerate(zip(fields, types, defaults)):
                    if f == "" or (na and f == na):
                        d = np.asarray(dflt, object if t is _dtypes.string else None).reshape(-1)
                        if d.size == 0:
                            raise InvalidArgumentError(None, op, "Field %d is required but missing in record %d!"
                                                       % (j, idx))
                        outs[j][pos] = d[0]
                        continue
                    try:
                        if t is _dtypes.string:
                            outs[j][pos] = f.encode()
                        elif t.is_integer:
                            outs[j][pos] = int(f)
                        else:
                            outs[j][pos] = float(f)
                    except ValueError:
                        raise InvalidArgumentError(None, op, "Field %d in record %d is not a valid %s: %s"
                                                   % (j, idx, "float" if t is _dtypes.float32 else t.name, f)) \
                            from None
            return tuple(outs) if len(outs) > 1 else outs[0]
        return k


def _split_csv(op, text, delim, quote, idx):
    if not quote or '"' not in text:
        return text.split(delim)
    fields, cur, i, inq = [], [], 0, False
    while i < len(text):
        ch = text[i]
        if inq:
            if ch == '"':
                if i + 1 < len(text) and text[i + 1] == '"':
                    cur.append('"')
                    i += 1
                else:
                    inq = False
            else:
                cur.append(ch)
        elif ch == '"' and not cur:
            inq = True
        elif ch == delim:
            fields.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    if inq:
        raise InvalidArgumentError(None, op, "Quoted field has to end with quote followed by delim or end in record %d"
                                   % idx)
    fields.append("".join(cur))
    return fields


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None, na_value="",
               select_cols=None):
    """Parse CSV strings: one output tensor per column, typed by `record_defaults` ([] = required)."""
    from .array_ops import constant
    with op_scope(name, "DecodeCSV", [records]) as s:
        r = s.convert(records, "records", dtype=_dtypes.string)
        defaults = []
        for i, d in enumerate(record_defaults):
            if isinstance(d, Tensor):
                defaults.append(d)
                continue
            d = list(d) if isinstance(d, (list, tuple)) else [d]
            if not d:
                defaults.append(constant(np.zeros((0,), np.float32), name="record_defaults_%d" % i))
            else:
                defaults.append(constant(d, name="record_defaults_%d" % i))
        for t in defaults:
            if t.dtype.base_dtype not in (_dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64,
                                          _dtypes.string):
                raise TypeError("Value passed to parameter 'record_defaults' has DataType %s not in list of allowed "
                                "values: float32, float64, int32, int64, string" % t.dtype.base_dtype.name)
        out = s.make(DecodeCSV, [r] + defaults, {"field_delim": field_delim, "use_quote_delim": use_quote_delim,
                                                 "na_value": na_value, "select_cols": list(select_cols or [])}).outputs
    return list(out)


class CountUpTo(OpDef):
    """Increments a variable and returns its old value; OutOfRangeError once it reaches `limit`."""

    type_name = "CountUpTo"
    stateful = True
    needs_ctx = True
    ref_inputs = (0,)
    grad = None

    @classmethod
    def outputs(cls, op):
        ref = op.inputs[0]
        return [(ref.dtype.base_dtype, ref.shape.dim_sizes)]

    @classmethod
    def bind(cls, op, session):
        var = op.inputs[0].op
        store = session.variable_store
        limit = op.attrs["limit"]

        def k(undo):
            old = store.get(var)
            if old is None:
                raise uninitialized_error(var, op)
            if old >= limit:
                raise OutOfRangeError(None, op, "Reached limit of %d" % limit)
            write_variable(store, undo, var, np.asarray(old + 1, old.dtype))
            return old
        return k


def count_up_to(ref, limit, name=None) -> Tensor:
    """Increment `ref` until it reaches `limit` (tf.count_up_to)."""
    r = ref._ref() if hasattr(ref, "_ref") else ref
    with op_scope(name, "CountUpTo", [r]) as s:
        return s.make(CountUpTo, [r], {"T": r.dtype.base_dtype, "limit": int(limit)}).outputs[0]

