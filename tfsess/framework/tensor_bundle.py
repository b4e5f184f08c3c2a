"""TensorFlow's V2 checkpoint format (tensorflow/core/util/tensor_bundle), read and written without protobuf.

A checkpoint `PREFIX` is `PREFIX.index`, a sorted table (sstable.py) whose "" key holds a BundleHeaderProto and
every other key, a tensor name, a BundleEntryProto (dtype, shape, shard, offset, size, masked crc32c), and
`PREFIX.data-00000-of-00001`, the tensors' bytes one after the other: little-endian numbers, and for strings
varint64 lengths, a masked crc32c of the lengths (as uint32s), then the bytes. Everything is checked (sizes
against the file, checksums) before a value is returned.
"""
from __future__ import annotations

import os
import struct

import numpy as np

from . import dtypes as _dtypes
from .crc32c import crc32c, extend, mask
from .errors import DataLossError, NotFoundError, UnimplementedError
from .sstable import decode_varint, encode_varint, read_table, write_table

__all__ = ["BundleEntry", "write_bundle", "BundleReader", "data_filename", "DT_ENUM"]

# tensorflow/core/framework/types.proto
DT_ENUM = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6, "string": 7,
           "complex64": 8, "int64": 9, "bool": 10, "uint16": 17, "complex128": 18, "float16": 19,
           "uint32": 22, "uint64": 23}
_DT_NAME = {v: k for k, v in DT_ENUM.items()}
_DT_PROTO_NAME = {1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16", 6: "DT_INT8",
                  7: "DT_STRING", 8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL", 17: "DT_UINT16",
                  18: "DT_COMPLEX128", 19: "DT_HALF", 22: "DT_UINT32", 23: "DT_UINT64"}
_VERSION_PRODUCER = 1           # kTensorBundleVersion


def data_filename(prefix: str, shard: int = 0, num_shards: int = 1) -> str:
    return "%s.data-%05d-of-%05d" % (prefix, shard, num_shards)


# --- the few protobuf messages of the format, by hand --------------------------------------------

def _key(field: int, wire: int) -> bytes:
    return encode_varint(field << 3 | wire)


def _len_field(field: int, payload: bytes) -> bytes:
    return _key(field, 2) + encode_varint(len(payload)) + payload


def _fields(buf: bytes) -> list:
    """(field number, wire type, value) of one message: ints for varint/fixed, bytes for length-delimited."""
    out, pos, end = [], 0, len(buf)
    while pos < end:
        key, pos = decode_varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = decode_varint(buf, pos)
        elif wire == 1:
            if pos + 8 > end:
                raise DataLossError(None, None, "truncated fixed64 field")
            value, pos = struct.unpack_from("<Q", buf, pos)[0], pos + 8
        elif wire == 5:
            if pos + 4 > end:
                raise DataLossError(None, None, "truncated fixed32 field")
            value, pos = struct.unpack_from("<I", buf, pos)[0], pos + 4
        elif wire == 2:
            n, pos = decode_varint(buf, pos)
            if pos + n > end:
                raise DataLossError(None, None, "truncated length-delimited field")
            value, pos = buf[pos:pos + n], pos + n
        else:
            raise DataLossError(None, None, "unsupported wire type %d" % wire)
        out.append((field, wire, value))
    return out


def _signed64(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


def _shape_proto(shape) -> bytes:
    return b"".join(_len_field(2, _key(1, 0) + encode_varint(d & ((1 << 64) - 1)) if d else b"") for d in shape)


def _parse_shape(buf: bytes) -> list:
    dims = []
    for field, wire, value in _fields(buf):
        if field == 2 and wire == 2:
            size = 0
            for f2, w2, v2 in _fields(value):
                if f2 == 1 and w2 == 0:
                    size = _signed64(v2)
            dims.append(size)
        elif field == 3 and wire == 0 and value:
            raise DataLossError(None, None, "a checkpoint tensor has an unknown rank")
    if any(d < 0 for d in dims):
        raise DataLossError(None, None, "a checkpoint tensor has a negative dimension %s" % dims)
    return dims


class BundleEntry:
    """One BundleEntryProto: where a tensor's bytes are and what they hold."""

    __slots__ = ("dtype", "shape", "shard_id", "offset", "size", "crc32c", "sliced")

    def __init__(self, dtype, shape, shard_id=0, offset=0, size=0, crc=0, sliced=False):
        self.dtype, self.shape, self.shard_id, self.offset = dtype, list(shape), shard_id, offset
        self.size, self.crc32c, self.sliced = size, crc, sliced

    def encode(self) -> bytes:
        out = _key(1, 0) + encode_varint(self.dtype) + _len_field(2, _shape_proto(self.shape))
        for field, v in ((3, self.shard_id), (4, self.offset), (5, self.size)):
            if v:
                out += _key(field, 0) + encode_varint(v)
        return out + _key(6, 5) + struct.pack("<I", self.crc32c)

    @classmethod
    def decode(cls, buf: bytes) -> "BundleEntry":
        e = cls(0, [])
        for field, wire, value in _fields(buf):
            if field == 1 and wire == 0:
                e.dtype = value
            elif field == 2 and wire == 2:
                e.shape = _parse_shape(value)
            elif field in (3, 4, 5) and wire == 0:
                setattr(e, ("shard_id", "offset", "size")[field - 3], _signed64(value))
            elif field == 6 and wire == 5:
                e.crc32c = value
            elif field == 7:
                e.sliced = True
        return e


def _header(num_shards: int) -> bytes:
    version = _key(1, 0) + encode_varint(_VERSION_PRODUCER)
    return _key(1, 0) + encode_varint(num_shards) + _len_field(3, version)


def _parse_header(buf: bytes) -> int:
    num_shards, endianness = 1, 0
    for field, wire, value in _fields(buf):
        if field == 1 and wire == 0:
            num_shards = value
        elif field == 2 and wire == 0:
            endianness = value
        elif field == 3 and wire == 2:
            for f2, w2, v2 in _fields(value):
                if f2 == 2 and w2 == 0 and v2 > _VERSION_PRODUCER:
                    raise UnimplementedError(None, None, "Checkpoint min consumer version %d above current "
                                             "version %d for TensorFlow" % (v2, _VERSION_PRODUCER))
    if endianness != 0:
        raise UnimplementedError(None, None, "Reading big endian-encoded checkpoints is not supported")
    if not 1 <= num_shards <= 1 << 20:
        raise DataLossError(None, None, "bad num_shards %d in the checkpoint header" % num_shards)
    return num_shards


# --- tensor bytes --------------------------------------------------------------------------------

def _dtype_enum(arr: np.ndarray, dtype=None) -> int:
    name = _dtypes.as_dtype(dtype).base_dtype.name if dtype is not None else (
        "string" if arr.dtype == object or arr.dtype.kind in "SU" else _dtypes.as_dtype(arr.dtype).name)
    if name not in DT_ENUM:
        raise UnimplementedError(None, None, "Saving a tensor of dtype %s is not supported" % name)
    return DT_ENUM[name]


def _lengths_crc(lengths) -> int:
    """TF checksums each string length as a little-endian uint32 (a uint64 past 4 GiB)."""
    return crc32c(b"".join(struct.pack("<I" if n <= 0xFFFFFFFF else "<Q", n) for n in lengths))


def _string_bytes(arr: np.ndarray) -> tuple:
    items = [x if isinstance(x, bytes) else str(x).encode("utf-8") for x in arr.reshape(-1)]
    lengths = b"".join(encode_varint(len(x)) for x in items)
    crc = _lengths_crc([len(x) for x in items])
    length_crc = struct.pack("<I", mask(crc))
    crc = extend(crc, length_crc)
    body = b"".join(items)
    return lengths + length_crc + body, extend(crc, body)


def tensor_bytes(arr: np.ndarray, dtype_enum: int) -> tuple:
    """(bytes as the .data shard holds them, unmasked crc32c) of one tensor."""
    if dtype_enum == DT_ENUM["string"]:
        return _string_bytes(arr)
    want = np.dtype(_dtypes.as_dtype(_DT_NAME[dtype_enum]).as_numpy_dtype).newbyteorder("<")
    data = np.ascontiguousarray(arr, dtype=want).tobytes()
    return data, crc32c(data)


def write_bundle(prefix: str, tensors: dict, open_atomic) -> None:
    """Write `tensors` ({name: (array, dtype or None)}) as PREFIX.index and PREFIX.data-00000-of-00001.

    `open_atomic(path, write)` writes one file atomically; the data shard is written before the index."""
    entries, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        arr, dtype = tensors[name]
        arr = np.asarray(arr)
        enum = _dtype_enum(arr, dtype)
        data, crc = tensor_bytes(arr, enum)
        entries[name.encode("utf-8")] = BundleEntry(enum, arr.shape, 0, offset, len(data), mask(crc))
        chunks.append(data)
        offset += len(data)
    table = write_table([(b"", _header(1))] + [(k, e.encode()) for k, e in sorted(entries.items())])

    def write_data(f):
        for c in chunks:
            f.write(c)
    open_atomic(data_filename(prefix), write_data)
    open_atomic(prefix + ".index", lambda f: f.write(table))


_MAX_INDEX_BYTES = 1 << 30


class BundleReader:
    """The entries of a checkpoint, read and checked up front; `tensor(name)` reads and checks one tensor."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        path = prefix + ".index"
        try:
            size = os.path.getsize(path)
            if size > _MAX_INDEX_BYTES:
                raise DataLossError(None, None, "%s is %d bytes: too large for a checkpoint index" % (path, size))
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise NotFoundError(None, None, "Unsuccessful TensorSliceReader constructor: Failed to find any "
                                "matching files for %s" % prefix) from None
        except IsADirectoryError:
            raise NotFoundError(None, None, "Unsuccessful TensorSliceReader constructor: Failed to find any "
                                "matching files for %s" % prefix) from None
        rows = read_table(data)
        if not rows or rows[0][0] != b"":
            raise DataLossError(None, None, "Unable to read file (%s). Perhaps the file is corrupt or was produced "
                                "by a newer version of TensorFlow with format changes (failed to seek to header "
                                "entry)" % path)
        self.num_shards = _parse_header(rows[0][1])
        self.entries = {}
        for key, value in rows[1:]:
            try:
                name = key.decode("utf-8")
            except UnicodeDecodeError:
                raise DataLossError(None, None, "a checkpoint key is not UTF-8: %r" % key) from None
            entry = BundleEntry.decode(value)
            if entry.dtype not in _DT_NAME:
                raise UnimplementedError(None, None, "Tensor %s has dtype enum %d, which tfsess does not read"
                                         % (name, entry.dtype))
            if not 0 <= entry.shard_id < self.num_shards or entry.offset < 0 or entry.size < 0:
                raise DataLossError(None, None, "Entry %s points outside the checkpoint's shards" % name)
            self.entries[name] = entry
        self._sizes = {}

    def dtype_name(self, name: str) -> str:
        return _DT_NAME[self.entries[name].dtype]

    def _shard(self, shard: int) -> str:
        return data_filename(self.prefix, shard, self.num_shards)

    def tensor(self, name: str) -> np.ndarray:
        """The tensor saved as `name`, after its size, layout and checksum were checked."""
        entry = self.entries.get(name)
        if entry is None:
            raise NotFoundError(None, None, "Key %s not found in checkpoint" % name)
        if entry.sliced:
            raise UnimplementedError(None, None, "Tensor %s is saved in slices (a partitioned variable); tfsess "
                                     "reads only whole tensors" % name)
        path = self._shard(entry.shard_id)
        try:
            if path not in self._sizes:
                self._sizes[path] = os.path.getsize(path)
            if entry.offset + entry.size > self._sizes[path]:
                raise DataLossError(None, None, "TensorBundle at %s shard %d (%d bytes): Read less bytes than "
                                    "requested for %s" % (self.prefix, entry.shard_id, self._sizes[path], name))
            with open(path, "rb") as f:
                f.seek(entry.offset)
                data = f.read(entry.size)
        except FileNotFoundError:
            raise NotFoundError(None, None, "%s; No such file or directory" % path) from None
        if len(data) != entry.size:
            raise DataLossError(None, None, "Read less bytes than requested for %s" % name)
        value, crc = self._decode(name, entry, data)
        if mask(crc) != entry.crc32c:
            raise DataLossError(None, None, "TensorBundle at %s shard %d (%d bytes): Checksum does not match: "
                                "stored %d vs. calculated on the restored bytes %d"
                                % (self.prefix, entry.shard_id, self._sizes[path], entry.crc32c, mask(crc)))
        value.flags.writeable = False
        return value

    def _decode(self, name, entry, data):
        n = int(np.prod(entry.shape, dtype=np.int64)) if entry.shape else 1
        if entry.dtype != DT_ENUM["string"]:
            dt = np.dtype(_dtypes.as_dtype(_DT_NAME[entry.dtype]).as_numpy_dtype).newbyteorder("<")
            if n * dt.itemsize != len(data):
                raise DataLossError(None, None, "Tensor %s of shape %s holds %d bytes, expected %d"
                                    % (name, entry.shape, len(data), n * dt.itemsize))
            arr = np.frombuffer(data, dt).astype(dt.newbyteorder("="), copy=True).reshape(entry.shape)
            return arr, crc32c(data)
        pos, lengths = 0, []
        for _ in range(n):
            length, pos = decode_varint(data, pos)
            lengths.append(length)
        if pos + 4 + sum(lengths) != len(data):
            raise DataLossError(None, None, "String tensor %s: lengths and size %d do not agree" % (name, len(data)))
        crc = _lengths_crc(lengths)
        if pos + 4 > len(data) or struct.unpack_from("<I", data, pos)[0] != mask(crc):
            raise DataLossError(None, None, "The length checksum does not match: expected %d but actual is %d"
                                % (struct.unpack_from("<I", data, pos)[0], mask(crc)))
        crc = extend(crc, data[pos:pos + 4])
        pos += 4
        body = data[pos:]
        crc = extend(crc, body)
        out, p = [], 0
        for length in lengths:
            out.append(bytes(body[p:p + length]))
            p += length
        arr = np.empty(n, dtype=object)
        arr[:] = out
        return arr.reshape(entry.shape), crc

    def debug_string(self) -> str:
        return "".join("%s (%s) [%s]\n" % (k, _DT_PROTO_NAME[e.dtype], ",".join(str(d) for d in e.shape))
                       for k, e in sorted(self.entries.items()))
