"""tf.data's graph ops: dataset ops (TensorSliceDataset, MapDataset, BatchDatasetV2 ...) and iterator ops.

A dataset op's value is an immutable description (`Source`) whose `elements()` yields flat tuples of NumPy
arrays; map/filter functions run as session sub-plans. Iterator state lives in the session
(`session.resource`), so two sessions iterate independently; an exhausted iterator raises OutOfRangeError.
"""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.errors import FailedPreconditionError, InvalidArgumentError, OutOfRangeError
from ..framework.opdef import OpDef

__all__ = ["Source", "IteratorState"]

_HANDLES = "tfsess.data string handles"   # session resource key: string handle -> IteratorState


class Source:
    """A dataset's run-time value: `elements()` returns a fresh Python iterator of flat element tuples."""

    def elements(self):
        raise NotImplementedError


class IteratorState:
    """One iterator's position in one session."""

    __slots__ = ("it", "name")

    def __init__(self, name):
        self.it = None
        self.name = name

    def reset(self, source: Source):
        self.it = source.elements()


def _component(v, dtype):
    if dtype is _dtypes.string:
        a = np.empty(np.shape(v), object)
        a[...] = v
        return a
    return np.asarray(v, dtype.as_numpy_dtype)


# ======================================================================================
# Sources
# ======================================================================================

class _Slices(Source):
    def __init__(self, values):
        n = {len(v) for v in values}
        self.values, self.n = values, n.pop()

    def elements(self):
        vs = self.values
        for i in range(self.n):
            yield tuple(v[i] for v in vs)


class _Tensors(Source):
    def __init__(self, values):
        self.values = tuple(values)

    def elements(self):
        yield self.values


class _Range(Source):
    def __init__(self, start, stop, step):
        self.args = (int(start), int(stop), int(step))

    def elements(self):
        for i in range(*self.args):
            yield (np.int64(i),)


class _Zip(Source):
    def __init__(self, sources):
        self.sources = sources

    def elements(self):
        its = [s.elements() for s in self.sources]
        while True:
            parts = []
            for it in its:
                try:
                    parts.extend(next(it))
                except StopIteration:
                    return
            yield tuple(parts)


class _Concatenate(Source):
    def __init__(self, a, b):
        self.a, self.b = a, b

    def elements(self):
        yield from self.a.elements()
        yield from self.b.elements()


class _Generator(Source):
    def __init__(self, op, fn, args):
        self.op, self.fn, self.args = op, fn, args

    def elements(self):
        op = self.op
        types, shapes, flatten = op.attrs["output_types"], op.attrs["output_shapes"], op.attrs["_flatten"]
        gen = self.fn(*self.args)
        for value in gen:
            flat = flatten(value)
            if len(flat) != len(types):
                raise InvalidArgumentError(None, op, "`generator` yielded an element that did not match the expected "
                                           "structure. The expected structure was %d components, but the yielded "
                                           "element had %d." % (len(types), len(flat)))
            out = []
            for v, dt, shp in zip(flat, types, shapes):
                try:
                    a = _component(v, dt)
                except (TypeError, ValueError):
                    raise InvalidArgumentError(None, op, "TypeError: `generator` yielded an element that could not "
                                               "be converted to the expected type. The expected type was %s, but "
                                               "the yielded element was %r." % (dt.name, v)) from None
                if not shp.is_compatible_with(a.shape):
                    raise InvalidArgumentError(None, op, "`generator` yielded an element of shape %s where an "
                                               "element of shape %s was expected."
                                               % (_tuple_str(a.shape), _tuple_str(shp.as_list() if shp.ndims is not None
                                                                                  else ())))
                out.append(a)
            yield tuple(out)


def _tuple_str(dims):
    dims = tuple(dims)
    return "(%s)" % (", ".join("None" if d is None else str(d) for d in dims) + ("," if len(dims) == 1 else ""))


class _TextLines(Source):
    def __init__(self, op, filenames):
        self.op, self.filenames = op, [f.decode() if isinstance(f, bytes) else str(f)
                                       for f in np.asarray(filenames, object).reshape(-1)]

    def elements(self):
        for name in self.filenames:
            try:
                fh = open(name, "rb")
            except OSError as e:
                from ..framework.errors import NotFoundError
                raise NotFoundError(None, self.op, "%s; No such file or directory" % name) from e
            with fh:
                for line in fh:
                    if line.endswith(b"\n"):
                        line = line[:-1]
                        if line.endswith(b"\r"):
                            line = line[:-1]
                    yield (_component(line, _dtypes.string),)


class _Map(Source):
    def __init__(self, src, run, captured):
        self.src, self.run, self.captured = src, run, list(captured)

    def elements(self):
        run, caps = self.run, self.captured
        for e in self.src.elements():
            yield tuple(run(list(e) + caps))


class _Filter(Source):
    def __init__(self, src, run, captured):
        self.src, self.run, self.captured = src, run, list(captured)

    def elements(self):
        run, caps = self.run, self.captured
        for e in self.src.elements():
            if run(list(e) + caps)[0]:
                yield e


class _Interleave(Source):
    """Elements of the datasets made from each input element: `cycle` open at a time, `block` from each in turn
    (cycle 1: flat_map)."""

    def __init__(self, src, run, captured, cycle, block):
        self.src, self.run, self.captured, self.cycle, self.block = src, run, list(captured), cycle, block

    def elements(self):
        outer = self.src.elements()
        caps, open_, done = self.captured, [], False
        while True:
            while not done and len(open_) < self.cycle:
                e = next(outer, None)
                if e is None:
                    done = True
                else:
                    open_.append(self.run(list(e) + caps)[0].elements())
            if not open_:
                return
            for it in list(open_):
                for _ in range(self.block):
                    e = next(it, None)
                    if e is None:
                        open_.remove(it)
                        break
                    yield e


def _stack(op, rows, k):
    first = np.shape(rows[0][k])
    for j, r in enumerate(rows):
        if np.shape(r[k]) != first:
            raise InvalidArgumentError(None, op, "Cannot batch tensors with different shapes in component %d. First "
                                       "element had shape %s and element %d had shape %s."
                                       % (k, list(first), j, list(np.shape(r[k]))))
    return np.stack([r[k] for r in rows])


class _Batch(Source):
    def __init__(self, op, src, size, drop):
        self.op, self.src, self.size, self.drop = op, src, int(size), bool(drop)

    def _rows(self):
        rows = []
        for e in self.src.elements():
            rows.append(e)
            if len(rows) == self.size:
                yield rows
                rows = []
        if rows and not self.drop:
            yield rows

    def elements(self):
        for rows in self._rows():
            yield tuple(_stack(self.op, rows, k) for k in range(len(rows[0])))


class _PaddedBatch(_Batch):
    def __init__(self, op, src, size, drop, shapes, pads):
        super().__init__(op, src, size, drop)
        self.shapes, self.pads = shapes, pads

    def elements(self):
        for rows in self._rows():
            out = []
            for k in range(len(rows[0])):
                vals = [np.asarray(r[k]) for r in rows]
                want = self.shapes[k]
                dims = []
                for d in range(vals[0].ndim):
                    longest = max(v.shape[d] for v in vals)
                    w = want[d] if want is not None and d < len(want) and want[d] is not None and want[d] >= 0 \
                        else longest
                    if longest > w:
                        raise InvalidArgumentError(None, self.op, "Attempted to pad to a smaller size than the input "
                                                   "element.")
                    dims.append(w)
                batch = np.full([len(vals)] + dims, self.pads[k], dtype=vals[0].dtype)
                for i, v in enumerate(vals):
                    batch[(i,) + tuple(slice(0, s) for s in v.shape)] = v
                out.append(batch)
            yield tuple(out)


class _Shuffle(Source):
    """TF's buffered shuffle: fill a buffer, emit a random slot, refill it; a new order each epoch."""

    def __init__(self, src, size, seed, seed2, reshuffle):
        self.src, self.size, self.seeds, self.reshuffle = src, int(size), (int(seed), int(seed2)), reshuffle
        self.epoch = 0

    def elements(self):
        if self.seeds == (0, 0):
            rng = np.random.default_rng()
        else:
            epoch = self.epoch if self.reshuffle else 0
            rng = np.random.default_rng(np.random.SeedSequence([self.seeds[0] & 0xFFFFFFFF,
                                                                self.seeds[1] & 0xFFFFFFFF, epoch]))
        self.epoch += 1
        buf = []
        for e in self.src.elements():
            buf.append(e)
            if len(buf) >= self.size:
                i = int(rng.integers(len(buf)))
                buf[i], buf[-1] = buf[-1], buf[i]
                yield buf.pop()
        while buf:
            i = int(rng.integers(len(buf)))
            buf[i], buf[-1] = buf[-1], buf[i]
            yield buf.pop()


class _Repeat(Source):
    def __init__(self, src, count):
        self.src, self.count = src, int(count)

    def elements(self):
        n = 0
        while self.count < 0 or n < self.count:
            empty = True
            for e in self.src.elements():
                empty = False
                yield e
            n += 1
            if empty:
                return


class _Take(Source):
    def __init__(self, src, count):
        self.src, self.count = src, int(count)

    def elements(self):
        if self.count == 0:
            return
        for i, e in enumerate(self.src.elements()):
            yield e
            if i + 1 == self.count:
                return


class _Skip(Source):
    def __init__(self, src, count):
        self.src, self.count = src, int(count)

    def elements(self):
        it = self.src.elements()
        n = 0
        for e in it:
            if self.count < 0:
                continue
            if n >= self.count:
                yield e
            n += 1


class _Cache(Source):
    """Remembers the elements of the first complete pass (the in-memory cache)."""

    def __init__(self, src):
        self.src, self.saved = src, None

    def elements(self):
        if self.saved is not None:
            yield from self.saved
            return
        seen = []
        for e in self.src.elements():
            seen.append(e)
            yield e
        self.saved = seen


class _Unbatch(Source):
    def __init__(self, src):
        self.src = src

    def elements(self):
        for e in self.src.elements():
            for i in range(len(e[0])):
                yield tuple(c[i] for c in e)


# ======================================================================================
# Dataset ops
# ======================================================================================

class _DatasetOp(OpDef):
    """A dataset op: one variant output holding its Source."""

    grad = None

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.variant, ())]


class TensorSliceDataset(_DatasetOp):
    type_name = "TensorSliceDataset"

    @classmethod
    def bind(cls, op, session):
        def k(*values):
            n = {np.shape(v)[0] for v in values}
            if len(n) > 1:
                raise InvalidArgumentError(None, op, "Dimensions of all components should match")
            return _Slices(values)
        return k


class TensorDataset(_DatasetOp):
    type_name = "TensorDataset"

    @staticmethod
    def kernel(*values):
        return _Tensors(values)


class RangeDataset(_DatasetOp):
    type_name = "RangeDataset"

    @classmethod
    def bind(cls, op, session):
        def k(start, stop, step):
            if int(step) == 0:
                raise InvalidArgumentError(None, op, "step must be a non-zero integer.")
            return _Range(start, stop, step)
        return k


class ZipDataset(_DatasetOp):
    type_name = "ZipDataset"

    @staticmethod
    def kernel(*sources):
        return _Zip(list(sources))


class ConcatenateDataset(_DatasetOp):
    type_name = "ConcatenateDataset"

    @staticmethod
    def kernel(a, b):
        return _Concatenate(a, b)


class GeneratorDataset(_DatasetOp):
    type_name = "GeneratorDataset"
    stateful = True

    @classmethod
    def bind(cls, op, session):
        fn = op.attrs["_generator"]
        return lambda *args: _Generator(op, fn, args)


class TextLineDataset(_DatasetOp):
    type_name = "TextLineDataset"

    @classmethod
    def bind(cls, op, session):
        return lambda filenames, compression, buffer: _TextLines(op, filenames)


class MapDataset(_DatasetOp):
    """Runs the traced function on each element (its captured tensors are inputs 1...)."""

    type_name = "MapDataset"
    stateful = True

    @classmethod
    def bind(cls, op, session):
        fn = op.attrs["_fn"]
        run = session.subplan(fn.outs, fn.args + fn.captured)
        return lambda src, *captured: _Map(src, run, captured)


class FilterDataset(_DatasetOp):
    type_name = "FilterDataset"
    stateful = True

    @classmethod
    def bind(cls, op, session):
        fn = op.attrs["_fn"]
        run = session.subplan(fn.outs, fn.args + fn.captured)
        return lambda src, *captured: _Filter(src, run, captured)


class InterleaveDataset(_DatasetOp):
    """flat_map / interleave: the traced function returns a dataset (its variant) per input element."""

    type_name = "InterleaveDataset"
    stateful = True

    @classmethod
    def bind(cls, op, session):
        fn = op.attrs["_fn"]
        run = session.subplan(fn.outs, fn.args + fn.captured)

        def k(src, cycle, block, *captured):
            c = int(cycle)
            return _Interleave(src, run, captured, c if c > 0 else 1 << 30, max(int(block), 1))
        return k


class BatchDatasetV2(_DatasetOp):
    type_name = "BatchDatasetV2"

    @classmethod
    def bind(cls, op, session):
        def k(src, size, drop):
            if int(size) <= 0:
                raise InvalidArgumentError(None, op, "Batch size must be greater than zero.")
            return _Batch(op, src, size, drop)
        return k


class PaddedBatchDatasetV2(_DatasetOp):
    type_name = "PaddedBatchDatasetV2"

    @classmethod
    def bind(cls, op, session):
        n = op.attrs["N"]

        def k(src, size, *rest):
            shapes = [tuple(int(d) for d in np.asarray(s).reshape(-1)) for s in rest[:n]]
            pads = list(rest[n:2 * n])
            return _PaddedBatch(op, src, size, rest[2 * n], shapes, pads)
        return k


class ShuffleDataset(_DatasetOp):
    type_name = "ShuffleDataset"
    stateful = True   # a new Source (epoch count from 0) each time an iterator is initialized

    @classmethod
    def bind(cls, op, session):
        reshuffle = op.attrs["reshuffle_each_iteration"]

        def k(src, size, seed, seed2):
            if int(size) <= 0:
                raise InvalidArgumentError(None, op, "buffer_size must be greater than zero.")
            return _Shuffle(src, size, seed, seed2, reshuffle)
        return k


class RepeatDataset(_DatasetOp):
    type_name = "RepeatDataset"

    @staticmethod
    def kernel(src, count):
        return _Repeat(src, count)


class TakeDataset(_DatasetOp):
    type_name = "TakeDataset"

    @staticmethod
    def kernel(src, count):
        return _Take(src, count)


class SkipDataset(_DatasetOp):
    type_name = "SkipDataset"

    @staticmethod
    def kernel(src, count):
        return _Skip(src, count)


class PrefetchDataset(_DatasetOp):
    """Accepted for TF code: elements are produced on demand, so prefetching changes nothing here."""

    type_name = "PrefetchDataset"

    @staticmethod
    def kernel(src, buffer_size):
        return src


class CacheDataset(_DatasetOp):
    type_name = "CacheDataset"
    stateful = True

    @staticmethod
    def kernel(src, filename):
        return _Cache(src)


class UnbatchDataset(_DatasetOp):
    type_name = "UnbatchDataset"

    @staticmethod
    def kernel(src):
        return _Unbatch(src)


# ======================================================================================
# Iterator ops
# ======================================================================================

def _handles(session) -> dict:
    return session.resource(_HANDLES, dict)


class IteratorV2(OpDef):
    """The iterator resource: this session's IteratorState for the op."""

    type_name = "IteratorV2"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.resource, ())]

    @classmethod
    def bind(cls, op, session):
        def k():
            state = session.resource(op, lambda: IteratorState(op.name))
            _handles(session)[op.name.encode()] = state
            return state
        return k


class OneShotIterator(IteratorV2):
    """An iterator initialized from its dataset the first time it is used in a session."""

    type_name = "OneShotIterator"

    @classmethod
    def bind(cls, op, session):
        def k(source):
            state = session.resource(op, lambda: IteratorState(op.name))
            if state.it is None:
                state.reset(source)
                _handles(session)[op.name.encode()] = state
            return state
        return k


class MakeIterator(OpDef):
    """(Re)starts an iterator on a dataset: the iterator's `initializer`."""

    type_name = "MakeIterator"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return []

    @staticmethod
    def kernel(source, state):
        state.reset(source)


class IteratorToStringHandle(OpDef):
    """A string naming the iterator, for Iterator.from_string_handle (feedable iterators)."""

    type_name = "IteratorToStringHandle"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.string, ())]

    @staticmethod
    def kernel(state):
        out = np.empty((), object)
        out[()] = state.name.encode()
        return out


class IteratorFromStringHandleV2(OpDef):
    """The iterator a string handle names, in this session."""

    type_name = "IteratorFromStringHandleV2"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(_dtypes.resource, ())]

    @classmethod
    def bind(cls, op, session):
        def k(handle):
            h = np.asarray(handle, object)[()]
            h = h if isinstance(h, bytes) else str(h).encode()
            state = _handles(session).get(h)
            if state is None:
                raise InvalidArgumentError(None, op, "Could not find the iterator for string handle %r in this "
                                           "session: run the iterator's string_handle() in it first." % h.decode())
            return state
        return k


class IteratorGetNext(OpDef):
    """The next element of an iterator; OutOfRangeError ("End of sequence") when it is exhausted."""

    type_name = "IteratorGetNext"
    stateful = True
    grad = None

    @classmethod
    def outputs(cls, op):
        return [(dt, s.dim_sizes) for dt, s in zip(op.attrs["output_types"], op.attrs["output_shapes"])]

    @classmethod
    def bind(cls, op, session):
        types = op.attrs["output_types"]
        single = len(types) == 1

        def k(state):
            if state.it is None:
                raise FailedPreconditionError(None, op, "GetNext() failed because the iterator has not been "
                                              "initialized. Ensure that you have run the initializer operation for "
                                              "this iterator before getting the next element.")
            try:
                e = next(state.it)
            except StopIteration:
                state.it = iter(())
                raise OutOfRangeError(None, op, "End of sequence") from None
            if len(e) != len(types):
                raise InvalidArgumentError(None, op, "Number of components does not match: expected %d types but got "
                                           "%d." % (len(types), len(e)))
            out = tuple(_component(v, dt) if not (type(v) is np.ndarray and v.dtype.type is dt.as_numpy_dtype) else v
                        for v, dt in zip(e, types))
            return out[0] if single else out
        return k
