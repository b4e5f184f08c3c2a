"""How many threads NumPy's BLAS uses while sessions run (TF's intra-op parallelism, for the matmuls).

A session made with `ConfigProto(intra_op_parallelism_threads=n)` runs with n BLAS threads. The default (0)
follows the machine: as many threads as there are CPUs not kept busy by other processes, re-checked at most
twice a second. OpenBLAS threads spin at a barrier waiting for each other, so on a shared machine a thread
count above the free CPUs makes every matmul wait for a descheduled thread (a step 10-30x slower); one thread
per free CPU avoids that and costs nothing when the machine is quiet.

The BLAS library is found among the libraries this process has loaded (OpenBLAS, as in NumPy's wheels, or
MKL) and driven through its own `set_num_threads` function with ctypes; without one (another BLAS, another
OS) this module does nothing. OPENBLAS_NUM_THREADS / MKL_NUM_THREADS / OMP_NUM_THREADS cap the default.
"""
from __future__ import annotations

import ctypes
import os
import time

from ..framework import parallel
from ..framework.parallel import cpu_count

__all__ = ["use_threads", "cpu_count"]

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads64_",
            "openblas_set_num_threads", "MKL_Set_Num_Threads")
_CHECK_EVERY = 0.5   # seconds between looks at the machine's load
_ENV_CAPS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


class _State:
    """What this module last did (one instance; instance attributes are cheap to update, class ones are not)."""

    __slots__ = ("setter", "current", "auto", "next_check", "calls", "samples", "cap")

    def __init__(self):
        self.setter = None       # the BLAS library's set_num_threads, or False when there is none
        self.current = None      # the thread count last set
        self.auto = 1            # the default's current choice
        self.next_check = 0.0    # time.monotonic() of the next look at the load
        self.calls = 0           # default-thread runs so far
        self.samples = []        # the last few counts of other runnable tasks
        self.cap = None          # CPUs, capped by the environment variables above


_state = _State()


def _find_setter():
    """The loaded BLAS library's set_num_threads(int) as a ctypes function, or False."""
    paths = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.rstrip("\n").split(None, 5)[-1]
                name = os.path.basename(path).lower()
                if ("openblas" in name or "mkl_rt" in name) and path not in paths:
                    paths.append(path)
    except OSError:
        return False
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for sym in _SETTERS:
            fn = getattr(lib, sym, None)
            if fn is not None:
                fn.restype = None
                fn.argtypes = [ctypes.c_int]
                return fn
    return False


def _others_running():
    """Runnable tasks on the machine that are not threads of this process (None if unknown)."""
    try:
        with open("/proc/loadavg") as f:
            running = int(f.read().split()[3].split("/")[0])
        own = 0
        for tid in os.listdir("/proc/self/task"):
            try:
                with open("/proc/self/task/%s/stat" % tid) as f:
                    st = f.read()
            except OSError:
                continue
            if st[st.rindex(")") + 2] == "R":
                own += 1
    except (OSError, ValueError, IndexError):
        return None
    return max(0, running - own)


def _auto_threads(now):
    s = _state
    s.next_check = now + _CHECK_EVERY
    if s.cap is None:
        s.cap = cpu_count()
        for var in _ENV_CAPS:
            try:
                s.cap = max(1, min(s.cap, int(os.environ[var])))
                break
            except (KeyError, ValueError):
                pass
    others = _others_running()
    if others is None:
        return s.cap
    s.samples = (s.samples + [others])[-3:]
    busy = sorted(s.samples)[len(s.samples) // 2]  # median of the last three looks: ignores short bursts
    return max(1, min(s.cap, s.cap - busy))


def use_threads(requested: int = 0, _monotonic=time.monotonic) -> None:
    """Set the BLAS thread count for a run: `requested` threads, or the load-following default when 0.

    The clock is read only every 8th call (it can cost half a microsecond on a VM, a third of a tiny run).
    """
    s = _state
    if requested > 0:
        n = requested
    else:
        s.calls += 1
        if s.calls & 7 == 1:
            now = _monotonic()
            if now >= s.next_check:
                s.auto = _auto_threads(now)
        n = s.auto
    if n != s.current:
        if s.setter is None:
            s.setter = _find_setter()
        if s.setter:
            s.setter(n)
        parallel.set_threads(n, s.setter or None)   # NumPy kernels that split their work use as many as BLAS
        s.current = n
