"""Keep freed array memory in the process for the next run, as TensorFlow's own allocator does.

glibc's malloc hands big blocks (from 128 KB, adjusted upwards as the program runs) straight back to the
kernel when they are freed, and trims the top of its heap when a few MB are free there. A training step
frees and reallocates the same activations, gradients and optimizer results every step, so every step
then touches fresh pages: on a virtual machine each first touch of a 4 KB page costs 1-2 us, which made an
Adam update of a 784x256 variable five times slower than its arithmetic (0.35 ms of page faults in each
of its output arrays). Raising glibc's mmap and trim thresholds keeps up to `_KEEP` bytes of freed memory
for reuse; the peak memory of a run is unchanged, the process just does not shrink between runs.

Done once, when the first session is made. Nothing happens without glibc, or when the user set glibc's
own MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ / MALLOC_TOP_PAD_ (their choice stands).
"""
from __future__ import annotations

import ctypes
import os

__all__ = ["retain_freed_memory"]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_KEEP = 512 << 20        # blocks up to 512 MB come from (and go back to) the heap; up to 512 MB stays free there
_ENV = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "GLIBC_TUNABLES")
_done = [False]


def retain_freed_memory() -> bool:
    """Tune glibc's malloc to keep freed blocks for reuse (once per process); True if it was tuned."""
    if _done[0]:
        return False
    _done[0] = True
    if any(v in os.environ for v in _ENV):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt   # glibc's; absent on macOS, Windows and musl-less builds
    except (OSError, AttributeError):
        return False
    mallopt.restype = ctypes.c_int
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    ok = mallopt(_M_MMAP_THRESHOLD, _KEEP) == 1
    return mallopt(_M_TRIM_THRESHOLD, _KEEP) == 1 and ok
