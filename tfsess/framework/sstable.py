"""The LevelDB-style sorted table TensorFlow keeps a checkpoint's `.index` in (tensorflow/core/lib/io/table).

Layout: data blocks, an empty metaindex block, an index block, then a 48-byte footer (two block handles padded
to 40 bytes and the magic number). Every block is prefix-compressed entries, restart offsets and a 5-byte
trailer (compression type 0 and the masked crc32c). Uncompressed tables only, as TF writes checkpoints.
"""
from __future__ import annotations

import struct

from .crc32c import crc32c, mask
from .errors import DataLossError

__all__ = ["encode_varint", "decode_varint", "write_table", "read_table"]

MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
_BLOCK_SIZE = 262144        # TF's table::Options defaults
_RESTART_INTERVAL = 16
_TRAILER = 5


def encode_varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def decode_varint(buf, pos: int, end: int | None = None) -> tuple:
    """(value, next position); DataLossError on a varint cut short or longer than 64 bits."""
    end = len(buf) if end is None else end
    result = shift = 0
    while True:
        if pos >= end or shift > 63:
            raise DataLossError(None, None, "bad varint in table entry")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def _block(entries) -> bytes:
    out, restarts, last = bytearray(), [], b""
    for i, (key, value) in enumerate(entries):
        shared = 0
        if i % _RESTART_INTERVAL == 0:
            restarts.append(len(out))
        else:
            limit = min(len(last), len(key))
            while shared < limit and last[shared] == key[shared]:
                shared += 1
        out += encode_varint(shared) + encode_varint(len(key) - shared) + encode_varint(len(value))
        out += key[shared:] + value
        last = key
    if not restarts:
        restarts.append(0)
    out += b"".join(struct.pack("<I", r) for r in restarts) + struct.pack("<I", len(restarts))
    return bytes(out)


def _handle(offset: int, size: int) -> bytes:
    return encode_varint(offset) + encode_varint(size)


def _separator(start: bytes, limit: bytes) -> bytes:
    """A short key >= start and < limit (LevelDB's BytewiseComparator::FindShortestSeparator)."""
    n = 0
    while n < min(len(start), len(limit)) and start[n] == limit[n]:
        n += 1
    if n < min(len(start), len(limit)) and start[n] < 0xFF and start[n] + 1 < limit[n]:
        return start[:n] + bytes([start[n] + 1])
    return start


def _successor(key: bytes) -> bytes:
    """A short key >= key (FindShortSuccessor)."""
    for i, b in enumerate(key):
        if b != 0xFF:
            return key[:i] + bytes([b + 1])
    return key


def write_table(entries) -> bytes:
    """The table bytes of (key bytes, value bytes) pairs; keys must be sorted and unique."""
    out = bytearray()
    index = []

    def flush(block_entries):
        contents = _block(block_entries)
        handle = _handle(len(out), len(contents))
        out.extend(contents + b"\x00" + struct.pack("<I", mask(crc32c(contents + b"\x00"))))
        return handle
    pending, size, done = [], 0, None     # done: (last key, handle) of a block whose index entry waits
    for key, value in entries:
        if done is not None:
            index.append((_separator(done[0], key), done[1]))
            done = None
        pending.append((key, value))
        size += len(key) + len(value) + 3
        if size + 4 * (len(pending) // _RESTART_INTERVAL + 2) >= _BLOCK_SIZE:
            done = (key, flush(pending))
            pending, size = [], 0
    if pending:
        done = (pending[-1][0], flush(pending))
    if done is not None:
        index.append((_successor(done[0]), done[1]))
    meta = flush([])
    idx = flush(index)
    footer = (meta + idx).ljust(FOOTER_SIZE - 8, b"\x00") + struct.pack("<Q", MAGIC)
    return bytes(out + footer)


def _read_block(data, handle_buf, pos: int):
    """A block's contents after its bounds and checksum were checked, and the position after its handle."""
    offset, pos = decode_varint(handle_buf, pos)
    size, pos = decode_varint(handle_buf, pos)
    if offset + size + _TRAILER > len(data) - FOOTER_SIZE:
        raise DataLossError(None, None, "truncated block read")
    contents = data[offset:offset + size]
    ctype = data[offset + size]
    stored = struct.unpack_from("<I", data, offset + size + 1)[0]
    if mask(crc32c(data[offset:offset + size + 1])) != stored:
        raise DataLossError(None, None, "block checksum mismatch")
    if ctype != 0:
        raise DataLossError(None, None, "bad block type (compressed tables are not supported)")
    return contents, pos


def _entries(block: bytes) -> list:
    """(key, value) pairs of one block, every length checked against the block's size."""
    if len(block) < 4:
        raise DataLossError(None, None, "bad block contents")
    nrestarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    limit = len(block) - 4 - 4 * nrestarts
    if nrestarts < 1 or limit < 0:
        raise DataLossError(None, None, "bad block contents")
    out, pos, key = [], 0, b""
    while pos < limit:
        shared, pos = decode_varint(block, pos, limit)
        unshared, pos = decode_varint(block, pos, limit)
        vlen, pos = decode_varint(block, pos, limit)
        if shared > len(key) or pos + unshared + vlen > limit:
            raise DataLossError(None, None, "bad entry in block")
        key = key[:shared] + block[pos:pos + unshared]
        pos += unshared
        out.append((key, block[pos:pos + vlen]))
        pos += vlen
    return out


def read_table(data: bytes) -> list:
    """Every (key, value) of a table, in order; DataLossError (TF's messages) if it is not a whole table."""
    if len(data) < FOOTER_SIZE:
        raise DataLossError(None, None, "file is too short to be an sstable")
    footer = data[-FOOTER_SIZE:]
    if struct.unpack_from("<Q", footer, FOOTER_SIZE - 8)[0] != MAGIC:
        raise DataLossError(None, None, "not an sstable (bad magic number)")
    _, pos = decode_varint(footer, 0)        # the metaindex handle: TF's checkpoints keep nothing there
    _, pos = decode_varint(footer, pos)
    index, _ = _read_block(data, footer, pos)
    out = []
    for _key, handle in _entries(index):
        block, _ = _read_block(data, handle, 0)
        out.extend(_entries(block))
    keys = [k for k, _ in out]
    if any(a >= b for a, b in zip(keys, keys[1:])):
        raise DataLossError(None, None, "table keys are not sorted")
    return out
