"""tf.data iterators (TF1): one-shot, initializable, reinitializable (from_structure) and feedable
(from_string_handle). The iterator's position lives in the session that runs it."""
from __future__ import annotations

from ..framework import dtypes as _dtypes
from ..framework.graph import Tensor, Operation
from ..framework.opdef import op_scope
from ..framework.shapes import TensorShape
from ..ops import dataset_ops as _d
from .dataset import Dataset, _flat_specs, _pack_specs, _map_specs, _as_type_structure, _zip_shapes, _pair_structure

__all__ = ["Iterator", "make_one_shot_iterator", "make_initializable_iterator", "get_output_types",
           "get_output_shapes", "get_output_classes"]


class Iterator:
    """Gives a dataset's elements one per run of `get_next()`; `initializer` (re)starts it."""

    def __init__(self, handle: Tensor, initializer, structure):
        self._handle = handle
        self._initializer = initializer
        self._structure = structure
        self._string_handle = None

    @property
    def initializer(self) -> Operation:
        if self._initializer is None:
            raise ValueError("Iterator does not have an initializer.")
        return self._initializer

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

    def get_next(self, name=None):
        """Tensors of the next element; running them past the end raises tf.errors.OutOfRangeError."""
        specs = _flat_specs(self._structure)
        with op_scope(name, "IteratorGetNext", [self._handle]) as s:
            op = s.make(_d.IteratorGetNext, [self._handle], {"output_types": [sp[0] for sp in specs],
                                                             "output_shapes": [sp[1] for sp in specs]})
        return _pack_specs(self._structure, op.outputs)

    def make_initializer(self, dataset: Dataset, name=None) -> Operation:
        """An op that (re)starts this iterator on `dataset` (its element types must match)."""
        mine, theirs = _flat_specs(self._structure), _flat_specs(dataset._structure)
        if [s[0] for s in mine] != [s[0] for s in theirs]:
            raise TypeError("Expected output types %r but got dataset with output types %r."
                            % (self.output_types, dataset.output_types))
        for (_, a), (_, b) in zip(mine, theirs):
            if not a.is_compatible_with(b):
                raise TypeError("Expected output shapes compatible with %r but got dataset with output shapes %r."
                                % (self.output_shapes, dataset.output_shapes))
        with op_scope(name, "MakeIterator", [dataset._variant, self._handle]) as s:
            return s.make(_d.MakeIterator, [dataset._variant, self._handle])

    def string_handle(self, name=None) -> Tensor:
        """A string tensor naming this iterator, to feed into an Iterator.from_string_handle."""
        if self._string_handle is None or name is not None:
            with op_scope(name, "IteratorToStringHandle", [self._handle]) as s:
                self._string_handle = s.make(_d.IteratorToStringHandle, [self._handle]).outputs[0]
        return self._string_handle

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None) -> "Iterator":
        """An iterator not bound to a dataset: `make_initializer(ds)` binds it (reinitializable)."""
        structure = _structure_of(output_types, output_shapes)
        specs = _flat_specs(structure)
        with op_scope(None, "Iterator") as s:
            handle = s.make(_d.IteratorV2, [], {"output_types": [sp[0] for sp in specs],
                                                "output_shapes": [sp[1] for sp in specs],
                                                "shared_name": shared_name or ""}).outputs[0]
        return Iterator(handle, None, structure)

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None, output_classes=None) -> "Iterator":
        """An iterator that follows whichever iterator the fed string handle names (feedable)."""
        structure = _structure_of(output_types, output_shapes)
        with op_scope(None, "IteratorFromStringHandleV2", [string_handle]) as s:
            h = s.convert(string_handle, "string_handle", dtype=_dtypes.string)
            handle = s.make(_d.IteratorFromStringHandleV2, [h]).outputs[0]
        return Iterator(handle, None, structure)


def _structure_of(output_types, output_shapes):
    types = _map_specs(_as_type_structure(output_types), lambda s: s[0])
    if output_shapes is None:
        shapes = _map_specs(_as_type_structure(output_types), lambda s: TensorShape(None))
    else:
        shapes = _zip_shapes(types, output_shapes)
    return _pair_structure(types, shapes)


def make_one_shot_iterator(dataset: Dataset) -> Iterator:
    """An iterator that starts by itself on first use (tf.compat.v1.data.make_one_shot_iterator)."""
    specs = dataset._flat()
    with op_scope(None, "OneShotIterator", [dataset._variant]) as s:
        handle = s.make(_d.OneShotIterator, [dataset._variant], {"output_types": [sp[0] for sp in specs],
                                                                 "output_shapes": [sp[1] for sp in specs]}).outputs[0]
    return Iterator(handle, None, dataset._structure)


def make_initializable_iterator(dataset: Dataset, shared_name=None) -> Iterator:
    """An iterator whose `initializer` must run first (tf.compat.v1.data.make_initializable_iterator)."""
    specs = dataset._flat()
    with op_scope(None, "IteratorV2") as s:
        handle = s.make(_d.IteratorV2, [], {"output_types": [sp[0] for sp in specs],
                                            "output_shapes": [sp[1] for sp in specs],
                                            "shared_name": shared_name or ""}).outputs[0]
    it = Iterator(handle, None, dataset._structure)
    it._initializer = it.make_initializer(dataset)
    return it


def get_output_types(dataset_or_iterator):
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    return dataset_or_iterator.output_classes
