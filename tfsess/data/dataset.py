"""tf.data.Dataset (TF1): each transformation adds one dataset op; map/filter functions are traced once.

A Dataset knows its variant tensor and its element structure (nested tuples/dicts of (dtype, shape)).
Iterators (iterator.py) turn it into `get_next()` tensors.
"""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.graph import Tensor, convert_to_tensor, get_default_graph
from ..framework.opdef import op_scope, create_op, constant_value
from ..framework.shapes import TensorShape
from ..ops import array_ops as _a
from ..ops import dataset_ops as _d
from ..ops.control_flow_ops import _flatten, _pack_like
from ..ops.random_ops import get_seed
from ..ops.while_loop import LoopVar, _loop_ops

__all__ = ["Dataset", "TextLineDataset"]


def _leaf_is(x):
    return isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], _dtypes.DType)


def _flat_specs(structure):
    out = []

    def walk(x):
        if _leaf_is(x):
            out.append(x)
        elif isinstance(x, dict):
            for k in sorted(x):
                walk(x[k])
        elif isinstance(x, (list, tuple)):
            for i in x:
                walk(i)
        else:
            raise TypeError("bad dataset structure %r" % (x,))
    walk(structure)
    return out


def _map_specs(structure, fn):
    if _leaf_is(structure):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: _map_specs(structure[k], fn) for k in structure}
    vals = [_map_specs(s, fn) for s in structure]
    return type(structure)(*vals) if hasattr(structure, "_fields") else tuple(vals)


def _pack_specs(structure, flat):
    it = iter(flat)
    return _map_specs(structure, lambda _: next(it))


class _Function:
    """A traced map/filter function: argument placeholders, outputs, captured outside tensors."""

    __slots__ = ("args", "outs", "captured", "structure")


def _trace(fn, structure, kind):
    g = get_default_graph()
    start = g.version
    specs = _flat_specs(structure)
    with op_scope(None, "Dataset_" + kind) as s:
        saved = g.name_stack
        g.name_stack = s.name
        saved_ctx = g.cond_context
        g.cond_context = None
        try:
            with g.control_dependencies(None):
                args = [create_op(LoopVar, [], {"dtype": dt, "shape": shp}, g.unique_name("arg%d" % i), g).outputs[0]
                        for i, (dt, shp) in enumerate(specs)]
                packed = _pack_specs(structure, args)
                if isinstance(packed, tuple) and not hasattr(packed, "_fields"):
                    res = fn(*packed)
                else:
                    res = fn(packed)
                if isinstance(res, list):
                    res = tuple(res)
                flat = [r if isinstance(r, Tensor) else convert_to_tensor(r) for r in _flatten(res, [])]
        finally:
            g.name_stack = saved
            g.cond_context = saved_ctx
    inside = _loop_ops(g.ops_since(start), args)
    captured = {}
    for op in inside:
        for t in op.inputs:
            if t.op not in inside and not t.dtype.is_ref:
                captured[t] = None
    for t in flat:
        if t.op not in inside:
            captured[t] = None
    f = _Function()
    f.args, f.outs, f.captured = args, flat, list(captured)
    f.structure = _pack_like(res, [(t.dtype.base_dtype, t.shape) for t in flat]) if not isinstance(res, Tensor) \
        else (res.dtype.base_dtype, res.shape)
    if isinstance(f.structure, list):
        f.structure = tuple(f.structure)
    return f, res


def _to_tensors(value, name):
    """A (nested) element value as tensors, and its structure of (dtype, shape)."""
    if isinstance(value, dict):
        parts = {k: _to_tensors(value[k], name + "_" + str(k)) for k in value}
        return [t for k in sorted(parts) for t in parts[k][0]], {k: parts[k][1] for k in value}
    if isinstance(value, tuple):
        ts, ss = [], []
        for i, v in enumerate(value):
            t, st = _to_tensors(v, "%s_%d" % (name, i))
            ts.extend(t)
            ss.append(st)
        return ts, (type(value)(*ss) if hasattr(value, "_fields") else tuple(ss))
    t = value if isinstance(value, Tensor) else convert_to_tensor(value, name="component_0")
    if t.dtype.is_ref:
        t = _a.identity(t)
    return [t], (t.dtype.base_dtype, t.shape)


def _const_int(value, name, dtype=_dtypes.int64):
    return value if isinstance(value, Tensor) else _a.constant(value, dtype, name=name)


class Dataset:
    """A sequence of elements built from tensors, files or Python generators, transformed step by step."""

    def __init__(self, variant: Tensor, structure):
        self._variant = variant
        self._structure = structure

    # --- structure -------------------------------------------------------------------------
    @property
    def output_types(self):
        return _map_specs(self._structure, lambda s: s[0])

    @property
    def output_shapes(self):
        return _map_specs(self._structure, lambda s: s[1])

    @property
    def output_classes(self):
        return _map_specs(self._structure, lambda s: Tensor)

    @property
    def element_spec(self):
        return self._structure

    def _flat(self):
        return _flat_specs(self._structure)

    def _attrs(self):
        specs = self._flat()
        return {"output_types": [s[0] for s in specs], "output_shapes": [s[1] for s in specs]}

    def __iter__(self):
        raise RuntimeError("__iter__() is only supported inside of tf.function or when eager execution is enabled.")

    def __repr__(self):
        return "<%s shapes: %s, types: %s>" % (type(self).__name__, self.output_shapes, self.output_types)

    @staticmethod
    def _make(opdef, inputs, structure, name, attrs=None):
        with op_scope(None, name, [t for t in inputs if isinstance(t, Tensor)]) as s:
            attrs = dict(attrs or {})
            specs = _flat_specs(structure)
            attrs.setdefault("output_types", [sp[0] for sp in specs])
            attrs.setdefault("output_shapes", [sp[1] for sp in specs])
            return DatasetV1Adapter(s.make(opdef, inputs, attrs).outputs[0], structure)

    # --- sources ----------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors) -> "Dataset":
        """One element per row of the given tensors (all must have the same first dimension)."""
        ts, structure = _to_tensors(tensors, "component")
        lead = None
        for t in ts:
            if t.shape.ndims == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
            d = t.shape.dim_sizes[0] if t.shape.dim_sizes is not None else None
            if d is not None and lead is not None and d != lead:
                raise ValueError("Dimensions %d and %d are not compatible" % (lead, d))
            lead = d if d is not None else lead
        structure = _map_specs(structure, lambda s: (s[0], TensorShape(s[1].dim_sizes[1:]) if s[1].dim_sizes is not None
                                                     else TensorShape(None)))
        return Dataset._make(_d.TensorSliceDataset, ts, structure, "TensorSliceDataset")

    @staticmethod
    def from_tensors(tensors) -> "Dataset":
        ts, structure = _to_tensors(tensors, "component")
        return Dataset._make(_d.TensorDataset, ts, structure, "TensorDataset")

    @staticmethod
    def range(*args) -> "Dataset":
        if len(args) == 1:
            start, stop, step = 0, args[0], 1
        elif len(args) == 2:
            (start, stop), step = args, 1
        elif len(args) == 3:
            start, stop, step = args
        else:
            raise ValueError("Invalid arguments to range: %s" % (args,))
        ins = [_const_int(start, "start"), _const_int(stop, "stop"), _const_int(step, "step")]
        return Dataset._make(_d.RangeDataset, ins, (_dtypes.int64, TensorShape([])), "RangeDataset")

    @staticmethod
    def zip(datasets) -> "Dataset":
        flat = _flatten(datasets, [])
        if not all(isinstance(d, Dataset) for d in flat):
            raise TypeError("The argument to `Dataset.zip()` must be a (nested) structure of `Dataset` objects.")

        def struct(x):
            if isinstance(x, Dataset):
                return x._structure
            if isinstance(x, dict):
                return {k: struct(x[k]) for k in x}
            return tuple(struct(i) for i in x)
        return Dataset._make(_d.ZipDataset, [d._variant for d in flat], struct(datasets), "ZipDataset")

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None) -> "Dataset":
        """Elements yielded by a fresh call of `generator(*args)` for each iterator initialization."""
        if not callable(generator):
            raise TypeError("`generator` must be callable.")
        types = _map_specs(_as_type_structure(output_types), lambda s: s[0])
        if output_shapes is None:
            shapes = _map_specs(_as_type_structure(output_types), lambda s: TensorShape(None))
        else:
            shapes = _zip_shapes(types, output_shapes)
        structure = _pair_structure(types, shapes)
        def flatten(value):
            return _flatten_as(structure, value)
        arg_ts = [convert_to_tensor(a) for a in (args or ())]
        return Dataset._make(_d.GeneratorDataset, arg_ts, structure, "GeneratorDataset",
                             {"_generator": generator, "_flatten": flatten})

    # --- transformations --------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None) -> "Dataset":
        """Apply `map_func` (traced once into the graph) to each element."""
        fn, _ = _trace(map_func, self._structure, "map")
        return Dataset._make(_d.MapDataset, [self._variant] + fn.captured, fn.structure, "MapDataset", {"_fn": fn})

    def filter(self, predicate) -> "Dataset":
        """Keep the elements for which `predicate` (a scalar bool function, traced once) is true."""
        fn, res = _trace(predicate, self._structure, "filter")
        if len(fn.outs) != 1 or fn.outs[0].dtype.base_dtype is not _dtypes.bool or fn.outs[0].shape.ndims not in (
                None, 0):
            o = fn.outs[0] if fn.outs else None
            raise ValueError("`predicate` return type must be convertible to a scalar boolean tensor. Was "
                             "TensorSpec(shape=%s, dtype=%r, name=None)." % (o.shape if o is not None else None,
                                                                            o.dtype if o is not None else None))
        return Dataset._make(_d.FilterDataset, [self._variant] + fn.captured, self._structure, "FilterDataset",
                             {"_fn": fn})

    def flat_map(self, map_func) -> "Dataset":
        """`map_func` returns a dataset for each element; their elements follow one another."""
        return self.interleave(map_func, cycle_length=1, block_length=1)

    def interleave(self, map_func, cycle_length=None, block_length=1, num_parallel_calls=None) -> "Dataset":
        """Elements of the datasets `map_func` makes, taking `block_length` from each of `cycle_length` in turn."""
        inner = {}

        def traced(*args):
            ds = map_func(*args)
            if not isinstance(ds, Dataset):
                raise TypeError("`map_func` must return a `Dataset` object. Got %s" % type(ds))
            inner["ds"] = ds
            return ds._variant
        fn, _ = _trace(traced, self._structure, "interleave")
        ins = [self._variant, _const_int(-1 if cycle_length is None else cycle_length, "cycle_length"),
               _const_int(block_length, "block_length")] + fn.captured
        return Dataset._make(_d.InterleaveDataset, ins, inner["ds"]._structure, "InterleaveDataset", {"_fn": fn})

    def batch(self, batch_size, drop_remainder=False) -> "Dataset":
        """Stack `batch_size` consecutive elements (the last batch may be smaller unless drop_remainder)."""
        size = _const_int(batch_size, "batch_size")
        drop = drop_remainder if isinstance(drop_remainder, Tensor) else _a.constant(bool(drop_remainder),
                                                                                     name="drop_remainder")
        b = constant_value(size) if constant_value(drop) else None
        lead = int(b) if b is not None else None
        structure = _map_specs(self._structure, lambda s: (s[0], TensorShape([lead]).concatenate(s[1])))
        return Dataset._make(_d.BatchDatasetV2, [self._variant, size, drop], structure, "BatchDatasetV2")

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False) -> "Dataset":
        """Batch elements of different shapes, padding each component to `padded_shapes` (None: the longest)."""
        specs = self._flat()
        if padded_shapes is None:
            flat_shapes = [s[1] for s in specs]
        else:
            flat_shapes = _flatten(_shape_leaves(padded_shapes), [])
        if len(flat_shapes) != len(specs):
            raise ValueError("The two structures don't have the same number of elements.")
        shapes = [TensorShape(s) if not isinstance(s, TensorShape) else s for s in flat_shapes]
        for (dt, have), want in zip(specs, shapes):
            if have.ndims is not None and want.ndims is not None and have.ndims != want.ndims:
                raise ValueError("The padded shape %s is not compatible with the corresponding input component "
                                 "shape %s." % (want, have))
        if padding_values is None:
            pads = [b"" if dt is _dtypes.string else 0 for dt, _ in specs]
        else:
            pads = _flatten(padding_values, [])
        size = _const_int(batch_size, "batch_size")
        shape_ts = [_a.constant(np.array([-1 if d is None else d for d in (s.as_list() if s.ndims is not None
                                                                             else [])], np.int64),
                                name="padded_shapes") for s in shapes]
        pad_ts = [p if isinstance(p, Tensor) else _a.constant(p, dt, name="padding_values")
                  for p, (dt, _) in zip(pads, specs)]
        drop = _a.constant(bool(drop_remainder), name="drop_remainder")
        lead = int(constant_value(size)) if drop_remainder else None
        structure = _pack_specs(self._structure, [(dt, TensorShape([lead]).concatenate(s))
                                                  for (dt, _), s in zip(specs, shapes)])
        return Dataset._make(_d.PaddedBatchDatasetV2, [self._variant, size] + shape_ts + pad_ts + [drop], structure,
                             "PaddedBatchDatasetV2", {"N": len(specs)})

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None) -> "Dataset":
        """Shuffle with a buffer of `buffer_size` elements; seeded by the graph seed and `seed` as TF is."""
        size = _const_int(buffer_size, "buffer_size")
        s1, s2 = get_seed(seed)
        if s1 is None:
            s1, s2 = 0, 0
        ins = [self._variant, size, _a.constant(s1, _dtypes.int64, name="seed"),
               _a.constant(s2, _dtypes.int64, name="seed2")]
        return Dataset._make(_d.ShuffleDataset, ins, self._structure, "ShuffleDataset",
                             {"reshuffle_each_iteration": True if reshuffle_each_iteration is None
                              else bool(reshuffle_each_iteration)})

    def repeat(self, count=None) -> "Dataset":
        c = _const_int(-1 if count is None else count, "count")
        return Dataset._make(_d.RepeatDataset, [self._variant, c], self._structure, "RepeatDataset")

    def take(self, count) -> "Dataset":
        return Dataset._make(_d.TakeDataset, [self._variant, _const_int(count, "count")], self._structure,
                             "TakeDataset")

    def skip(self, count) -> "Dataset":
        return Dataset._make(_d.SkipDataset, [self._variant, _const_int(count, "count")], self._structure,
                             "SkipDataset")

    def prefetch(self, buffer_size) -> "Dataset":
        return Dataset._make(_d.PrefetchDataset, [self._variant, _const_int(buffer_size, "buffer_size")],
                             self._structure, "PrefetchDataset")

    def cache(self, filename="") -> "Dataset":
        return Dataset._make(_d.CacheDataset, [self._variant, _a.constant(filename, name="filename")],
                             self._structure, "CacheDataset")

    def concatenate(self, dataset) -> "Dataset":
        if [s[0] for s in self._flat()] != [s[0] for s in dataset._flat()]:
            raise TypeError("Two datasets to concatenate have different types %s and %s"
                            % (self.output_types, dataset.output_types))
        structure = _pack_specs(self._structure, [(a[0], _most_specific(a[1], b[1]))
                                                  for a, b in zip(self._flat(), dataset._flat())])
        return Dataset._make(_d.ConcatenateDataset, [self._variant, dataset._variant], structure,
                             "ConcatenateDataset")

    def unbatch(self) -> "Dataset":
        structure = _map_specs(self._structure, lambda s: (s[0], TensorShape(s[1].dim_sizes[1:])
                                                           if s[1].dim_sizes is not None else TensorShape(None)))
        return Dataset._make(_d.UnbatchDataset, [self._variant], structure, "UnbatchDataset")

    def apply(self, transformation_func) -> "Dataset":
        return transformation_func(self)

    # --- iterators --------------------------------------------------------------------------
    def make_one_shot_iterator(self):
        from .iterator import make_one_shot_iterator
        return make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name=None):
        from .iterator import make_initializable_iterator
        return make_initializable_iterator(self, shared_name)


DatasetV1 = Dataset


class DatasetV1Adapter(Dataset):
    """The class TF1 gives transformed datasets (same behaviour as Dataset)."""


def _flatten_as(structure, value) -> list:
    """The components of a generator's value, following the declared structure (a list is one tensor)."""
    if _leaf_is(structure):
        return [value]
    out = []
    if isinstance(structure, dict):
        for k in sorted(structure):
            out.extend(_flatten_as(structure[k], value[k]))
        return out
    if not isinstance(value, (tuple, list)) or len(value) != len(structure):
        return [value]   # the component count check reports it
    for st, v in zip(structure, value):
        out.extend(_flatten_as(st, v))
    return out


def _most_specific(a, b):
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


def _shape_leaves(x):
    if isinstance(x, TensorShape):
        return x
    if isinstance(x, dict):
        return [_shape_leaves(x[k]) for k in sorted(x)]
    if isinstance(x, tuple):
        return [_shape_leaves(i) for i in x]
    return TensorShape(x)   # a list is one shape, as in TF


def _as_type_structure(types):
    if isinstance(types, dict):
        return {k: _as_type_structure(types[k]) for k in types}
    if isinstance(types, (tuple, list)):
        return tuple(_as_type_structure(t) for t in types)
    return (_dtypes.as_dtype(types), TensorShape(None))


def _zip_shapes(types, shapes):
    if isinstance(types, dict):
        return {k: _zip_shapes(types[k], shapes[k]) for k in types}
    if isinstance(types, tuple):
        if not isinstance(shapes, (tuple, list)) or len(shapes) != len(types):
            raise TypeError("`output_shapes` must have the same structure as `output_types`.")
        return tuple(_zip_shapes(t, s) for t, s in zip(types, shapes))
    return shapes if isinstance(shapes, TensorShape) else TensorShape(shapes)


def _pair_structure(types, shapes):
    if isinstance(types, dict):
        return {k: _pair_structure(types[k], shapes[k]) for k in types}
    if isinstance(types, tuple):
        return tuple(_pair_structure(t, s) for t, s in zip(types, shapes))
    return (types, shapes)


def TextLineDataset(filenames, compression_type=None, buffer_size=None) -> Dataset:  # noqa: N802
    """The lines of one or more text files, without their line endings (string scalars)."""
    f = filenames if isinstance(filenames, Tensor) else _a.constant(filenames, _dtypes.string, name="filenames")
    ins = [f, _a.constant(compression_type or "", _dtypes.string, name="compression_type"),
           _a.constant(buffer_size or 0, _dtypes.int64, name="buffer_size")]
    return Dataset._make(_d.TextLineDataset, ins, (_dtypes.string, TensorShape([])), "TextLineDataset")
