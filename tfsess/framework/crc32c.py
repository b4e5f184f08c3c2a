"""CRC-32C (Castagnoli), as TensorFlow checksums checkpoint blocks and tensors, in NumPy.

Long inputs are cut into equal lanes run side by side (one table step per byte of every lane at once), and
the lane checksums are joined with the CRC's linearity: crc(A+B) = shift_{len B}(crc(A)) xor crc_0(B).
"""
from __future__ import annotations

import numpy as np

__all__ = ["crc32c", "extend", "mask", "unmask"]

_POLY = 0x82F63B78


def _table() -> np.ndarray:
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & 1, (t >> 1) ^ np.uint32(_POLY), t >> 1).astype(np.uint32)
    return t


_T = _table()
_TL = _T.tolist()
_SMALL = 1 << 16   # up to here a table step per byte in Python is faster (the lanes' join costs ~5 ms)


def _raw_py(reg: int, data: bytes) -> int:
    t = _TL
    for b in data:
        reg = t[(reg ^ b) & 0xFF] ^ (reg >> 8)
    return reg


def _lanes(reg0: int, arr: np.ndarray) -> np.ndarray:
    """Raw registers of each row of `arr` (K lanes x L bytes): row 0 starts at reg0, the others at 0."""
    regs = np.zeros(arr.shape[0], np.uint32)
    regs[0] = reg0
    cols = np.ascontiguousarray(arr.T)
    for col in cols:
        regs = _T[(regs ^ col) & 0xFF] ^ (regs >> 8)
    return regs


def _shift_matrix(nbytes: int) -> np.ndarray:
    """Columns of the GF(2) matrix that runs a register through `nbytes` zero bytes."""
    regs = np.left_shift(np.uint32(1), np.arange(32, dtype=np.uint32))
    for _ in range(nbytes):
        regs = _T[regs & 0xFF] ^ (regs >> 8)
    return regs


def _apply(cols: np.ndarray, vals: np.ndarray) -> np.ndarray:
    out = np.zeros_like(vals)
    for i in range(32):
        out ^= np.where((vals >> np.uint32(i)) & np.uint32(1), cols[i], np.uint32(0)).astype(np.uint32)
    return out


def _raw(reg: int, data) -> int:
    mv = memoryview(data).cast("B")
    n = len(mv)
    if n <= _SMALL:
        return _raw_py(reg, mv.tobytes())
    k = 1 << max(6, (int(np.sqrt(n)) // 2).bit_length())     # lanes: a power of two near sqrt(n)
    lane = n // k
    arr = np.frombuffer(mv, np.uint8, count=k * lane).reshape(k, lane)
    vals = _lanes(reg, arr)
    cols = _shift_matrix(lane)
    while len(vals) > 1:    # join neighbours: the left one is shifted past the right one's bytes
        vals = _apply(cols, vals[0::2]) ^ vals[1::2]
        cols = _apply(cols, cols)
    return _raw_py(int(vals[0]), mv[k * lane:].tobytes())


def extend(crc: int, data) -> int:
    """crc32c of the bytes before (whose crc32c is `crc`) followed by `data`."""
    return _raw(crc ^ 0xFFFFFFFF, data) ^ 0xFFFFFFFF


def crc32c(data) -> int:
    """The CRC-32C of `data` (bytes, bytearray, memoryview or a contiguous array)."""
    return extend(0, data)


def mask(crc: int) -> int:
    """TF/LevelDB's masked form of a crc stored next to the data it covers."""
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def unmask(masked: int) -> int:
    rot = (masked - 0xA282EAD8) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF
