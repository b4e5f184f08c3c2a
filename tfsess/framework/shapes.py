"""TensorShape and Dimension with unknown sizes (TF1 behaviour), plus the shared static shape rules.

Shape rules work on plain tuples: a tuple of ints-or-None for a known rank, `None` for an unknown rank.
"""
from __future__ import annotations

from typing import Optional, Tuple

Dims = Optional[Tuple[Optional[int], ...]]

__all__ = ["Dimension", "TensorShape", "as_shape", "as_dimension", "dimension_value", "unknown_shape"]


class Dimension:
    """One dimension of a TensorShape: an int, or unknown (`None`, printed `?`)."""

    __slots__ = ("_value",)

    def __init__(self, value):
        if isinstance(value, Dimension):
            value = value._value
        if value is not None:
            try:
                value = int(value.__index__())
            except AttributeError:
                raise TypeError("Dimension value must be integer or None or have an __index__ method, "
                                "got value '%r' with type '%r'" % (value, type(value))) from None
            if value < 0:
                raise ValueError("Dimension %d must be >= 0" % value)
        self._value = value

    @property
    def value(self):
        return self._value

    def __repr__(self):
        return "Dimension(%r)" % (self._value,)

    def __str__(self):
        return "?" if self._value is None else str(self._value)

    def __int__(self):
        return self._value

    def __index__(self):
        return self._value

    def __eq__(self, other):
        try:
            other = as_dimension(other)
        except (TypeError, ValueError):
            return NotImplemented
        if self._value is None or other._value is None:
            return None
        return self._value == other._value

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is None or eq is NotImplemented else not eq

    def __hash__(self):
        return hash(self._value)

    def _arith(self, other, fn):
        other = as_dimension(other)
        if self._value is None or other._value is None:
            return Dimension(None)
        return Dimension(fn(self._value, other._value))

    def __add__(self, other):
        return self._arith(other, lambda a, b: a + b)

    __radd__ = __add__

    def __sub__(self, other):
        return self._arith(other, lambda a, b: a - b)

    def __rsub__(self, other):
        return as_dimension(other).__sub__(self)

    def __mul__(self, other):
        return self._arith(other, lambda a, b: a * b)

    __rmul__ = __mul__

    def __floordiv__(self, other):
        return self._arith(other, lambda a, b: a // b)

    def __mod__(self, other):
        return self._arith(other, lambda a, b: a % b)

    def _cmp(self, other, fn):
        other = as_dimension(other)
        if self._value is None or other._value is None:
            return None
        return fn(self._value, other._value)

    def __lt__(self, other):
        return self._cmp(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._cmp(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._cmp(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._cmp(other, lambda a, b: a >= b)

    def is_compatible_with(self, other) -> bool:
        other = as_dimension(other)
        return self._value is None or other._value is None or self._value == other._value

    def assert_is_compatible_with(self, other):
        if not self.is_compatible_with(other):
            raise ValueError("Dimensions %s and %s are not compatible" % (self, other))

    def merge_with(self, other) -> "Dimension":
        other = as_dimension(other)
        self.assert_is_compatible_with(other)
        return Dimension(self._value if self._value is not None else other._value)


def as_dimension(value) -> Dimension:
    return value if isinstance(value, Dimension) else Dimension(value)


def dimension_value(dimension):
    return dimension._value if isinstance(dimension, Dimension) else dimension


def _dims_of(value) -> Dims:
    """Normalise anything shape-like to a dims tuple (None = unknown rank)."""
    if value is None:
        return None
    if isinstance(value, TensorShape):
        return value._dims
    if isinstance(value, (int, Dimension)) and not isinstance(value, bool):
        value = [value]
    try:
        items = list(value)
    except TypeError:
        raise TypeError("Cannot convert %r to a TensorShape" % (value,)) from None
    return tuple(None if d is None else Dimension(d)._value for d in items)


class TensorShape:
    """The static shape of a Tensor: known rank with some unknown dims, or unknown rank."""

    __slots__ = ("_dims",)

    def __init__(self, dims=None):
        self._dims = _dims_of(dims)

    @classmethod
    def _from_dims(cls, dims: Dims) -> "TensorShape":
        s = cls.__new__(cls)
        s._dims = dims
        return s

    # --- printing ------------------------------------------------------------------
    def __repr__(self):
        if self._dims is None:
            return "TensorShape(None)"
        return "TensorShape([%s])" % ", ".join("Dimension(%r)" % (d,) for d in self._dims)

    def __str__(self):
        if self._dims is None:
            return "<unknown>"
        if len(self._dims) == 1:
            return "(%s,)" % ("?" if self._dims[0] is None else self._dims[0])
        return "(%s)" % ", ".join("?" if d is None else str(d) for d in self._dims)

    # --- access ---------------------------------------------------------------------
    @property
    def dims(self):
        return None if self._dims is None else [Dimension(d) for d in self._dims]

    @property
    def dim_sizes(self) -> "Dims":
        """Internal API: the sizes as a tuple of ints and None (unknown sizes), or None for an unknown rank."""
        return self._dims

    @property
    def ndims(self):
        return None if self._dims is None else len(self._dims)

    rank = ndims

    def __len__(self):
        if self._dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self._dims)

    def __bool__(self):
        return self._dims is not None

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(Dimension(d) for d in self._dims)

    def __getitem__(self, key):
        if self._dims is not None:
            if isinstance(key, slice):
                return TensorShape._from_dims(self._dims[key])
            return Dimension(self._dims[key])
        if isinstance(key, slice):
            return unknown_shape()
        return Dimension(None)

    def as_list(self):
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def num_elements(self):
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:
            n *= d
        return n

    def is_fully_defined(self) -> bool:
        return self._dims is not None and None not in self._dims

    def assert_is_fully_defined(self):
        if not self.is_fully_defined():
            raise ValueError("Shape %s is not fully defined" % self)

    # --- relations ------------------------------------------------------------------
    def is_compatible_with(self, other) -> bool:
        return dims_compatible(self._dims, _dims_of(other))

    def assert_is_compatible_with(self, other):
        if not self.is_compatible_with(other):
            raise ValueError("Shapes %s and %s are incompatible" % (self, as_shape(other)))

    def assert_has_rank(self, rank):
        if self._dims is not None and len(self._dims) != rank:
            raise ValueError("Shape %s must have rank %d" % (self, rank))

    def assert_same_rank(self, other):
        other = as_shape(other)
        if self._dims is not None and other._dims is not None and len(self._dims) != len(other._dims):
            raise ValueError("Shapes %s and %s must have the same rank" % (self, other))

    def merge_with(self, other) -> "TensorShape":
        other = as_shape(other)
        try:
            return TensorShape._from_dims(merge_dims(self._dims, other._dims))
        except ValueError:
            raise ValueError("Shapes %s and %s are not compatible" % (self, other)) from None

    def concatenate(self, other) -> "TensorShape":
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return unknown_shape()
        return TensorShape._from_dims(self._dims + other._dims)

    def with_rank(self, rank) -> "TensorShape":
        if self._dims is None:
            return TensorShape._from_dims((None,) * rank)
        if len(self._dims) != rank:
            raise ValueError("Shape %s must have rank %d" % (self, rank))
        return self

    def with_rank_at_least(self, rank) -> "TensorShape":
        if self._dims is not None and len(self._dims) < rank:
            raise ValueError("Shape %s must have rank at least %d" % (self, rank))
        return self

    def most_specific_compatible_shape(self, other) -> "TensorShape":
        other = as_shape(other)
        if self._dims is None or other._dims is None or len(self._dims) != len(other._dims):
            return unknown_shape()
        return TensorShape._from_dims(tuple(a if a == b else None for a, b in zip(self._dims, other._dims)))

    def __eq__(self, other):
        try:
            other = as_shape(other)
        except TypeError:
            return NotImplemented
        return self._dims == other._dims

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        return hash(self._dims)

    def __add__(self, other):
        return self.concatenate(other)

    def __radd__(self, other):
        return as_shape(other).concatenate(self)

    def __reduce__(self):
        return TensorShape, (None if self._dims is None else list(self._dims),)


def as_shape(shape) -> TensorShape:
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def unknown_shape(rank=None) -> TensorShape:
    return TensorShape._from_dims(None if rank is None else (None,) * rank)


# ----- helpers for shape rules (dims tuples) -------------------------------------------

def dims_compatible(a: Dims, b: Dims) -> bool:
    if a is None or b is None:
        return True
    if len(a) != len(b):
        return False
    return all(x is None or y is None or x == y for x, y in zip(a, b))


def merge_dims(a: Dims, b: Dims) -> Dims:
    if a is None:
        return b
    if b is None:
        return a
    if len(a) != len(b):
        raise ValueError("rank")
    out = []
    for x, y in zip(a, b):
        if x is not None and y is not None and x != y:
            raise ValueError("dim")
        out.append(x if x is not None else y)
    return tuple(out)


def fmt_dims(d: Dims) -> str:
    """TF's C++ shape text: [2,3], [?,2], ? for unknown rank."""
    if d is None:
        return "?"
    return "[%s]" % ",".join("?" if x is None else str(x) for x in d)


def num_elements(d: Dims):
    if d is None or None in d:
        return None
    n = 1
    for x in d:
        n *= x
    return n


def broadcast_dims(a: Dims, b: Dims, op_name: str = "", op_type: str = "") -> Dims:
    """NumPy broadcasting on static dims; raises TF's ValueError on a definite mismatch."""
    if a is None or b is None:
        return None
    if a == b:
        return a
    n = max(len(a), len(b))
    pa = (1,) * (n - len(a)) + a
    pb = (1,) * (n - len(b)) + b
    out = []
    for x, y in zip(pa, pb):
        if x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x is None:
            out.append(y)
        elif y is None:
            out.append(x)
        elif x == y:
            out.append(x)
        else:
            raise ValueError("Dimensions must be equal, but are %d and %d for '%s' (op: '%s') with input "
                             "shapes: %s, %s." % (x, y, op_name, op_type, fmt_dims(a), fmt_dims(b)))
    return tuple(out)


def shape_error(op, message: str, *input_dims) -> ValueError:
    """A graph-construction ValueError in TF 1.15's form: `<msg> for 'name' (op: 'Type') with input shapes: ...`."""
    shapes = ", ".join(fmt_dims(d) for d in input_dims)
    return ValueError("%s for '%s' (op: '%s') with input shapes: %s." % (message, op.name, op.type, shapes))


def normalize_axis(axis: int, rank: int, op=None, what="dimension") -> int:
    if not -rank <= axis < max(rank, 1) or (rank == 0 and axis not in (0, -1)):
        raise ValueError("Invalid reduction dimension %d for input with %d dimensions." % (axis, rank))
    return axis + rank if axis < 0 else axis
