"""TensorFlow data types (tf.float32 ...) and the Python/NumPy -> dtype inference rules of TF1."""
from __future__ import annotations

import builtins

import numpy as np

__all__ = [
    "DType", "as_dtype", "infer_dtype",
    "float16", "half", "float32", "float64", "double", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "bool", "string", "complex64", "complex128", "variant", "resource",
]


class DType:
    """One TensorFlow element type; `_ref` variants describe a variable's reference output."""

    __slots__ = ("_name", "_np", "_cname", "_ref", "_base", "_refd")

    def __init__(self, name: str, np_type, cname: str, ref: bool = False, base: "DType | None" = None):
        self._name = name
        self._np = np_type
        self._cname = cname
        self._ref = ref
        self._base = base if base is not None else self
        self._refd = None

    # --- identity -------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name + "_ref" if self._ref else self._name

    @property
    def is_ref(self) -> bool:
        """Internal API: whether this is a reference type (float32_ref: a variable's own output)."""
        return self._ref

    @property
    def c_name(self) -> str:
        """Internal API: TF's C++ type name (float, int32, string), as kernel error messages print it."""
        return self._cname

    @property
    def as_numpy_dtype(self):
        """The NumPy scalar type (np.float32 ...); strings are `object`."""
        return self._np

    @property
    def base_dtype(self) -> "DType":
        return self._base

    @property
    def real_dtype(self) -> "DType":
        b = self._base
        if b is complex64:
            return float32
        if b is complex128:
            return float64
        return b

    @property
    def _is_ref_dtype(self) -> bool:
        return self._ref

    @property
    def _as_ref(self) -> "DType":
        if self._ref:
            return self
        if self._refd is None:
            self._refd = DType(self._name, self._np, self._cname, True, self)
        return self._refd

    # --- classification ---------------------------------------------------------------
    @property
    def is_floating(self) -> bool:
        return self._base._name in ("float16", "float32", "float64", "bfloat16")

    @property
    def is_integer(self) -> bool:
        return self._base._name.startswith(("int", "uint"))

    @property
    def is_unsigned(self) -> bool:
        return self._base._name.startswith("uint")

    @property
    def is_complex(self) -> bool:
        return self._base._name.startswith("complex")

    @property
    def is_bool(self) -> bool:
        return self._base._name == "bool"

    @property
    def is_numpy_compatible(self) -> bool:
        return True

    @property
    def size(self) -> int:
        return 1 if self._np is object else np.dtype(self._np).itemsize

    @property
    def min(self):
        if self.is_floating:
            return np.finfo(self._np).min
        if self.is_integer:
            return np.iinfo(self._np).min
        if self.is_bool:
            return False
        raise TypeError("Cannot find minimum value of %s." % self)

    @property
    def max(self):
        if self.is_floating:
            return np.finfo(self._np).max
        if self.is_integer:
            return np.iinfo(self._np).max
        if self.is_bool:
            return True
        raise TypeError("Cannot find maximum value of %s." % self)

    def is_compatible_with(self, other) -> bool:
        other = as_dtype(other)
        return self._base is other._base

    # --- protocol ------------------------------------------------------------------------
    def __eq__(self, other):
        if other is None:
            return False
        if isinstance(other, DType):
            return self is other
        try:
            return self is as_dtype(other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash((self._name, self._ref))

    def __repr__(self):
        return "tf." + self.name

    def __str__(self):
        return "<dtype: %r>" % self.name

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16, "half")
float32 = DType("float32", np.float32, "float")
float64 = DType("float64", np.float64, "double")
int8 = DType("int8", np.int8, "int8")
int16 = DType("int16", np.int16, "int16")
int32 = DType("int32", np.int32, "int32")
int64 = DType("int64", np.int64, "int64")
uint8 = DType("uint8", np.uint8, "uint8")
uint16 = DType("uint16", np.uint16, "uint16")
uint32 = DType("uint32", np.uint32, "uint32")
uint64 = DType("uint64", np.uint64, "uint64")
bool = DType("bool", np.bool_, "bool")  # noqa: A001  (tf.bool)
string = DType("string", object, "string")
complex64 = DType("complex64", np.complex64, "complex64")
complex128 = DType("complex128", np.complex128, "complex128")
variant = DType("variant", object, "variant")     # opaque runtime values (a while loop's saved iterations)
resource = DType("resource", object, "resource")  # handles of per-session state (iterators, queues)
half = float16
double = float64

_ALL = [float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
        bool, string, complex64, complex128]
_BY_NAME = {d.name: d for d in _ALL + [variant, resource]}
_BY_NAME.update({d.name + "_ref": d._as_ref for d in _ALL})
_BY_NAME.update({"half": float16, "float": float32, "double": float64})
_BY_NP = {np.dtype(d._np): d for d in _ALL if d is not string}
_BY_NP[np.dtype(object)] = string
_BY_PY = {float: float32, builtins.bool: bool, str: string, bytes: string, complex: complex128}

INT32_MIN, INT32_MAX = -(2 ** 31), 2 ** 31 - 1


def as_dtype(type_value) -> DType:
    """Convert a DType, name, NumPy dtype or Python type to a `DType` (tf.as_dtype)."""
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        d = _BY_NAME.get(type_value)
        if d is not None:
            return d
    elif isinstance(type_value, type) and type_value in _BY_PY:
        return _BY_PY[type_value]
    else:
        try:
            npd = np.dtype(type_value)
        except Exception:
            npd = None
        if npd is not None:
            if npd.kind in "SU":
                return string
            d = _BY_NP.get(npd)
            if d is not None:
                return d
    raise TypeError("Cannot convert the argument `type_value`: %r to a TensorFlow DType." % (type_value,))


def infer_dtype(value) -> DType:
    """The dtype TF1 gives a Python or NumPy value: int -> int32 (int64 if too big), float -> float32."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SUO":
            return string
        return as_dtype(value.dtype)
    if isinstance(value, np.generic):
        if isinstance(value, (np.bytes_, np.str_)):
            return string
        return as_dtype(value.dtype)
    t = type(value)
    if t is builtins.bool:
        return bool
    if t is int:
        return int32 if INT32_MIN <= value <= INT32_MAX else int64
    if t is float:
        return float32
    if t in (str, bytes):
        return string
    if t is complex:
        return complex128
    raise TypeError("no dtype for %r" % (value,))
