"""tf.train.QueueRunner / start_queue_runners: the enqueue ops that keep a queue filled.

Here a runner does not start a thread: it registers its enqueue ops with the queue in that session, and the
queue runs them on demand, in the thread that dequeues (see ops/data_flow_ops.py). The "threads" returned
are handles that are already finished, so `coord.join(threads)` works as in TF programs.
"""
from __future__ import annotations

from ..framework.errors import CancelledError, OutOfRangeError
from ..framework.graph import GraphKeys, get_default_graph, get_default_session

__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]


class _OnDemandThread:
    """What create_threads returns: a thread-like handle (the work happens on demand in the dequeuing thread)."""

    def __init__(self, name, daemon):
        self.name, self.daemon = name, daemon

    def start(self):
        pass

    def join(self, timeout=None):
        pass

    def is_alive(self) -> bool:
        return False

    def __repr__(self):
        return "<QueueRunnerThread(%s, on demand)>" % self.name


class _Feeder:
    """One enqueue op of a runner in one session; `done` once its input is exhausted."""

    def __init__(self, runner, sess, enqueue_op, coord, group):
        self.runner, self.sess, self.op, self.coord, self.group = runner, sess, enqueue_op, coord, group
        self.done = False

    def step(self):
        if self.coord is not None and self.coord.should_stop():
            self.done = True
        else:
            try:
                self.sess.run(self.op)
                return
            except self.runner._closed_types:
                self.done = True
            except Exception as e:
                if self.coord is not None:
                    self.coord.request_stop(e)
                raise
        if all(f.done for f in self.group):   # TF's last runner thread closes the queue
            try:
                self.sess.run(self.runner.close_op)
            except Exception:  # noqa: BLE001  (closing a queue twice is harmless)
                pass


class QueueRunner:
    """Holds a queue and the enqueue ops that fill it (tf.train.QueueRunner)."""

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None, queue_runner_def=None, import_scope=None):
        if queue is None or not enqueue_ops:
            raise ValueError("Must specify queue and enqueue_ops.")
        self._queue = queue
        self._enqueue_ops = list(enqueue_ops)
        self._close_op = close_op if close_op is not None else queue.close()
        self._cancel_op = cancel_op if cancel_op is not None else queue.close(cancel_pending_enqueues=True)
        self._closed_types = tuple(queue_closed_exception_types or (OutOfRangeError, CancelledError))
        self._sessions = {}

    @property
    def queue(self):
        return self._queue

    @property
    def enqueue_ops(self):
        return list(self._enqueue_ops)

    @property
    def close_op(self):
        return self._close_op

    @property
    def cancel_op(self):
        return self._cancel_op

    @property
    def queue_closed_exception_types(self):
        return self._closed_types

    @property
    def name(self) -> str:
        return self._queue.name

    def create_threads(self, sess, coord=None, daemon=False, start=False) -> list:
        """Register this runner's enqueue ops with its queue in `sess`; returns thread-like handles."""
        state = sess.run(self._queue.queue_ref)
        if not any(f.runner is self for f in state.feeders):
            group = []
            for op in self._enqueue_ops:
                group.append(_Feeder(self, sess, op, coord, group))
            state.feeders.extend(group)
        threads = [_OnDemandThread("QueueRunnerThread-%s-%s" % (self.name, op.name), daemon)
                   for op in self._enqueue_ops]
        if coord is not None:
            for t in threads:
                coord.register_thread(t)
        return threads


def add_queue_runner(qr, collection=GraphKeys.QUEUE_RUNNERS):
    get_default_graph().add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon=True, start=True, collection=GraphKeys.QUEUE_RUNNERS) -> list:
    """Start every queue runner in the graph's collection for `sess` (default: the default session)."""
    if sess is None:
        sess = get_default_session()
        if sess is None:
            raise ValueError("Cannot start queue runners: No default session is registered. Use `with "
                             "sess.as_default()` or pass an explicit session to tf.start_queue_runners(sess=sess)")
    threads = []
    for qr in sess.graph.get_collection(collection):
        threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads
