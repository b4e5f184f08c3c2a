"""tf.train.Coordinator: a stop flag shared by a training loop and its input threads, with error reporting."""
from __future__ import annotations

import contextlib
import sys
import threading

from ..framework.errors import OutOfRangeError

__all__ = ["Coordinator", "LooperThread"]


class Coordinator:
    """request_stop() / should_stop() / join(threads), as TF1 input pipelines use them."""

    def __init__(self, clean_stop_exception_types=None):
        self._clean = tuple(clean_stop_exception_types) if clean_stop_exception_types is not None \
            else (OutOfRangeError,)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._exc_info = None
        self._registered = []
        self._joined = False

    def request_stop(self, ex=None):
        """Ask everything to stop; an exception (other than a clean-stop type) is re-raised by join()."""
        with self._lock:
            if ex is not None and self._exc_info is None:
                if isinstance(ex, tuple):
                    info = ex
                else:
                    info = (type(ex), ex, ex.__traceback__) if isinstance(ex, BaseException) else sys.exc_info()
                if not issubclass(info[0], self._clean):
                    self._exc_info = info
            self._stop.set()

    def clear_stop(self):
        with self._lock:
            self._joined = False
            self._exc_info = None
            self._stop.clear()

    def should_stop(self) -> bool:
        return self._stop.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """Run a block; an exception in it requests a stop (and join() re-raises it)."""
        try:
            yield
        except BaseException as e:  # noqa: B902  (TF catches everything here)
            self.request_stop(e)

    def wait_for_stop(self, timeout=None) -> bool:
        return self._stop.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._registered.append(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Wait for `threads` (and registered ones); re-raise the exception passed to request_stop, if any."""
        threads = list(threads or []) + [t for t in self._registered if t not in (threads or [])]
        for t in threads:
            t.join(stop_grace_period_secs)
        self._joined = True
        alive = [t.name for t in threads if t.is_alive()]
        if self._exc_info is not None:
            raise self._exc_info[1].with_traceback(self._exc_info[2])
        if alive and not ignore_live_threads:
            raise RuntimeError("Coordinator stopped with threads still running: %s" % " ".join(alive))

    @property
    def joined(self) -> bool:
        return self._joined

    def raise_requested_exception(self):
        if self._exc_info is not None:
            raise self._exc_info[1].with_traceback(self._exc_info[2])


class LooperThread(threading.Thread):
    """A thread calling `target(*args)` every `timer_interval_secs` until the coordinator stops."""

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        super().__init__(daemon=True)
        self._coord, self._interval = coord, timer_interval_secs
        self._target_fn, self._args, self._kwargs = target, args or (), kwargs or {}
        coord.register_thread(self)

    def run(self):
        with self._coord.stop_on_exception():
            while not self._coord.wait_for_stop(self._interval or 0):
                if self._target_fn is not None:
                    self._target_fn(*self._args, **self._kwargs)
                if self._interval is None:
                    break
