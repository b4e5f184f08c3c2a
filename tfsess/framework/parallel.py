"""Run independent pieces of work on several CPU cores at once (TF's intra-op thread pool, for NumPy kernels).

`run(body, count)` calls `body(lane, i)` for every i in range(count): the calling thread and up to
`threads() - 1` threads of a persistent daemon pool each claim the next unclaimed piece until none is left.
NumPy's ufuncs release the GIL, so pieces that are mostly NumPy calls on big arrays run in parallel. `lane`
(0 for the calling thread, 1.. for pool threads) lets a kernel give each thread its own scratch arrays,
allocated beforehand by the calling thread (glibc gives other threads' big allocations their own arenas, whose
fresh pages cost 1-2 us each on a VM), so that pool threads only compute into slices.

The calling thread never waits for a piece nobody has started: when the pool threads are descheduled (other
processes keep the CPUs busy) or busy with another session's pieces, the caller claims them all itself, so a
run is never slower than the single-threaded loop by more than the cost of waking a thread. The first
exception a piece raises is re-raised in the calling thread once every claimed piece has finished (no piece
writes into a kernel's arrays after run() returns); the pieces nobody claimed by then are skipped.

The thread count comes from the layer that runs graphs (client/threads.py sets it with `set_threads` to the
count its run gave the BLAS library: the session's intra_op_parallelism_threads, or one per CPU that other
processes leave free); it is capped at this process's CPU count. With one thread no pool is made or used.
Pieces that call BLAS themselves (a convolution's matmul on its slice of the batch) run with `blas=True`: the
BLAS library gets one thread while they run (through the setter client/threads.py handed over, which also
parks OpenBLAS's spinning workers meanwhile), since the pieces already occupy the threads; on a 2-core VM
that made the tutorial conv net's convolutions twice as fast as one multi-threaded matmul per slice.
"""
from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from queue import SimpleQueue

__all__ = ["run", "lanes", "threads", "set_threads", "cpu_count"]


class _Config:
    """The thread count (one instance; an instance attribute is cheap to read and set)."""

    __slots__ = ("threads", "cpus", "blas", "blas_threads", "holds", "hold_lock")

    def __init__(self):
        self.threads = 1         # threads run() may use, the calling one included (set_threads)
        self.cpus = None         # this process's CPU count, looked up once
        self.blas = None         # the BLAS library's set_num_threads, when the caller of set_threads gave it
        self.blas_threads = 1    # the BLAS thread count to restore after a blas=True run
        self.holds = 0           # blas=True runs under way (in several threads, the last one restores)
        self.hold_lock = threading.Lock()


_config = _Config()


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def set_threads(n: int, blas_setter: Callable[[int], None] | None = None) -> None:
    """Let run() use up to `n` threads (the calling thread included), capped at the CPU count.

    `blas_setter`: the BLAS library's set_num_threads, its count already set to `n` (for run(..., blas=True))."""
    c = _config
    if c.cpus is None:
        c.cpus = cpu_count()
    c.threads = max(1, min(int(n), c.cpus))
    c.blas = blas_setter
    c.blas_threads = int(n)


def threads() -> int:
    """The number of threads run() may use, the calling thread included."""
    return _config.threads


def lanes(count: int, max_threads: int | None = None) -> int:
    """How many threads run(body, count, max_threads) would use: lane numbers passed to body are below this."""
    n = _config.threads if max_threads is None else max(1, min(max_threads, _config.threads))
    return n if n < count else max(count, 1)


class _Job:
    """One run() call: the pieces left to claim, how many have finished, the first error."""

    __slots__ = ("body", "count", "next", "finished", "lock", "done", "error", "lane_ids")

    def __init__(self, body, count):
        self.body = body
        self.count = count
        self.next = itertools.count().__next__   # claims a piece index (atomic under the GIL)
        self.finished = 0                        # pieces claimed and over (run or skipped after an error)
        self.lock = threading.Lock()             # guards `finished`
        self.done = threading.Lock()             # held until the last piece is over
        self.done.acquire()
        self.error = None
        self.lane_ids = itertools.count(1).__next__  # pool threads' lane numbers

    def work(self, lane):
        """Claim and run pieces until none is left; count them as finished (the last one releases `done`)."""
        n, claim, ran = self.count, self.next, 0
        i = claim()
        if i < n:
            body = self.body
            while i < n:
                ran += 1
                if self.error is None:
                    try:
                        body(lane, i)
                    except BaseException as e:   # noqa: B036 - handed to the calling thread
                        if self.error is None:
                            self.error = e
                i = claim()
        return ran

    def finish(self, ran):
        """Count `ran` pieces as over; True if they were the last ones."""
        with self.lock:
            self.finished += ran
            return self.finished == self.count


class _Pool:
    """The persistent daemon threads; they take jobs from one queue (several sessions may share them)."""

    def __init__(self):
        self.queue = SimpleQueue()
        self.size = 0
        self.lock = threading.Lock()

    def ensure(self, n):
        """Have at least n threads."""
        if self.size >= n:
            return
        with self.lock:
            while self.size < n:
                threading.Thread(target=self._serve, name="tfsess-parallel-%d" % self.size, daemon=True).start()
                self.size += 1

    def _serve(self):
        get = self.queue.get
        while True:
            job = get()
            if job is None:
                return
            ran = job.work(job.lane_ids())
            if ran and job.finish(ran):
                job.done.release()


_pool = None
_pool_lock = threading.Lock()


def _the_pool(n):
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = _Pool()
    _pool.ensure(n)
    return _pool


def _forget_pool():
    """After fork(): the child has none of the parent's threads; it makes its own pool when it needs one."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()
    _config.holds, _config.hold_lock = 0, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def run(body: Callable[[int, int], None], count: int, max_threads: int | None = None, blas: bool = False) -> None:
    """Call body(lane, i) for i in range(count), on up to lanes(count, max_threads) threads (this one included).

    The pieces must be independent (any order, any thread). Returns when all are over; re-raises the first
    exception one raised. `blas`: the pieces call BLAS, which gets one thread meanwhile (when they run on several).
    """
    n = lanes(count, max_threads)
    if n <= 1:
        for i in range(count):
            body(0, i)
        return
    setter = _config.blas if blas else None
    if setter is None:
        _run_on(body, count, n)
        return
    _hold_blas(setter, True)
    try:
        _run_on(body, count, n)
    finally:
        _hold_blas(setter, False)


def _hold_blas(setter, on):
    """One BLAS thread from the first blas=True run under way until the last one is over (runs of sessions in
    several threads may overlap)."""
    c = _config
    with c.hold_lock:
        c.holds += 1 if on else -1
        if c.holds == (1 if on else 0):
            setter(1 if on else c.blas_threads)


def _run_on(body, count, n):
    """run() on n > 1 threads."""
    job = _Job(body, count)
    pool = _the_pool(n - 1)
    put = pool.queue.put
    for _ in range(n - 1):
        put(job)
    ran = job.work(0)
    if not job.finish(ran):
        job.done.acquire()   # pool threads are finishing pieces they claimed
    job.body = None
    if job.error is not None:
        raise job.error
