"""How many threads NumPy's BLAS uses while sessions run (TF's intra-op parallelism, for the matmuls).

A session made with `ConfigProto(intra_op_parallelism_threads=n)` runs with n BLAS threads. The default (0)
follows the machine: as many threads as there are CPUs not kept busy by other processes, re-checked at most
twice a second. OpenBLAS threads spin at a barrier waiting for each other, so on a shared machine a thread
count above the free CPUs makes every matmul wait for a descheduled thread (a step 10-30x slower); one thread
per free CPU avoids that and costs nothing when the machine is quiet.

The BLAS library is found among the libraries this process has loaded (OpenBLAS, as in NumPy's wheels, or
MKL) and driven through its own `set_num_threads` function with ctypes; without one (another BLAS, another
OS) this module does nothing. OPENBLAS_NUM_THREADS / MKL_NUM_THREADS / OMP_NUM_THREADS cap the default.

OpenBLAS's idle workers spin for about 0.1 s after each multi-threaded matmul. Kernels that split their work
over tfsess's own threads, each calling BLAS on one thread (convolutions: framework/parallel.py, blas=True),
shared the CPUs with those spinners and were 1.3-1.5x slower in a conv net's step. While such pieces run, the
workers are therefore parked in Linux's SCHED_IDLE class, and moved back when the pieces are over, before BLAS
gets its threads again: a parked worker has no work to be starved of. Linux lets a thread leave SCHED_IDLE only
with CAP_SYS_NICE or an RLIMIT_NICE that allows its nice value; without them workers are never parked.
"""
from __future__ import annotations

import ctypes
import os
import threading
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

    __slots__ = ("setter", "current", "auto", "next_check", "calls", "samples", "cap", "may_park", "tasks",
                 "workers", "parked")

    def __init__(self):
        self.setter = None       # the BLAS library's set_num_threads, or False when there is none
        self.current = None      # the thread count last set
        self.auto = 1            # the default's current choice
        self.next_check = 0.0    # time.monotonic() of the next look at the load
        self.calls = 0           # default-thread runs so far
        self.samples = []        # the last few counts of other runnable tasks
        self.cap = None          # CPUs, capped by the environment variables above
        self.may_park = None     # whether workers may be parked (_may_leave_idle), looked up once
        self.tasks = None        # this process's thread ids when the workers were last looked up
        self.workers = []        # the BLAS library's worker thread ids among them
        self.parked = []         # the workers now in SCHED_IDLE


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


def _worker_tids(tasks):
    """Among this process's threads (`tasks`, the names in /proc/self/task), the unnamed ones that Python did not
    start: the BLAS library's workers. Threads that other libraries named, such as ZeroMQ's in a Jupyter kernel,
    are left out."""
    try:
        with open("/proc/self/comm") as f:
            unnamed = f.read()
    except OSError:
        return []
    found = []
    for tid in {int(t) for t in tasks} - {t.native_id for t in threading.enumerate()}:
        try:
            with open("/proc/self/task/%d/comm" % tid) as f:
                if f.read() == unnamed:
                    found.append(tid)
        except OSError:
            pass
    return found


def _may_leave_idle():
    """Whether this process may move a thread from SCHED_IDLE back to SCHED_OTHER: Linux asks for CAP_SYS_NICE
    or an RLIMIT_NICE soft limit of at least 20 - nice."""
    if not hasattr(os, "sched_setscheduler"):
        return False
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("CapEff:") and int(line.split()[1], 16) >> 23 & 1:   # CAP_SYS_NICE
                    return True
        import resource
        soft = resource.getrlimit(resource.RLIMIT_NICE)[0]
        return soft == resource.RLIM_INFINITY or 20 - os.getpriority(os.PRIO_PROCESS, 0) <= soft
    except (OSError, ValueError, AttributeError, ImportError):
        return False


def _blas_for_pieces(k: int) -> None:
    """parallel.run's BLAS setter around pieces that call BLAS: 1 while they run, with the workers parked in
    SCHED_IDLE; the run's count afterwards, the workers back in SCHED_OTHER first."""
    s = _state
    if k == 1:
        s.setter(1)
        if s.may_park is None:
            s.may_park = _may_leave_idle()
        if not s.may_park:
            return
        try:   # looked up again whenever threads came or went (OpenBLAS restarts its workers after a fork)
            tasks = frozenset(os.listdir("/proc/self/task"))
        except OSError:
            return
        if tasks != s.tasks:
            s.tasks, s.workers = tasks, _worker_tids(tasks)
        idle = os.sched_param(0)
        for tid in s.workers:
            try:
                if os.sched_getscheduler(tid) == os.SCHED_OTHER:
                    os.sched_setscheduler(tid, os.SCHED_IDLE, idle)
                    s.parked.append(tid)
            except OSError:      # a thread that has ended
                pass
        return
    if s.parked:
        normal = os.sched_param(0)
        for tid in s.parked:
            try:
                os.sched_setscheduler(tid, os.SCHED_OTHER, normal)
            except OSError:
                pass
        s.parked = []
    s.setter(k)


def _forget_workers():
    """After fork(): the child's threads are not the parent's."""
    _state.tasks, _state.workers, _state.parked = None, [], []


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


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
        parallel.set_threads(n, _blas_for_pieces if s.setter else None)   # NumPy kernels that split their work
        s.current = n                                                      # use as many threads as BLAS
