"""tf.test: `TestCase` (sessions on a fresh graph per test, NumPy-aware asserts), `main`, `is_gpu_available`.

Each test starts on a new default graph with TF's default graph seed (87654321), as TensorFlowTestCase does.
"""
from __future__ import annotations

import contextlib
import random as _pyrandom
import re
import tempfile
import unittest
from typing import Optional

import numpy as np

from .framework.graph import Graph, Tensor, get_default_graph, reset_default_graph
from .framework import errors as _errors
from .ops.random_ops import DEFAULT_GRAPH_SEED, set_random_seed
from .client.session import Session, get_default_session

__all__ = ["TestCase", "main", "is_gpu_available", "gpu_device_name", "is_built_with_cuda", "get_temp_dir",
           "test_src_dir_path"]


def main(argv: Optional[list] = None):
    """Run the tests of `__main__` (unittest's runner; flags after the program name are passed to it)."""
    return unittest.main(module="__main__", argv=argv)


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability=None) -> bool:
    """Always False: tfsess computes on the CPU with NumPy."""
    return False


def gpu_device_name() -> str:
    return ""


def is_built_with_cuda() -> bool:
    return False


def is_built_with_gpu_support() -> bool:
    return False


_TEMP_DIR: Optional[str] = None


def get_temp_dir() -> str:
    """One temporary directory per process, as tf.test.get_temp_dir()."""
    global _TEMP_DIR
    if _TEMP_DIR is None:
        _TEMP_DIR = tempfile.mkdtemp(prefix="tfsess_test_")
    return _TEMP_DIR


def test_src_dir_path(relative_path: str) -> str:
    return relative_path


def _as_array(value):
    if isinstance(value, Tensor):
        sess = get_default_session()
        if sess is None:
            raise ValueError("tf.test: cannot compare the symbolic tensor %r without a default session" % value)
        return np.asarray(sess.run(value))
    return np.asarray(value)


class TestCase(unittest.TestCase):
    """tf.test.TestCase: unittest.TestCase plus sessions and array assertions."""

    def __init__(self, methodName: str = "runTest"):
        super().__init__(methodName)
        self._cached_session = None
        self._tempdir = None

    def setUp(self):
        self._clear_cached_session()
        _pyrandom.seed(DEFAULT_GRAPH_SEED)
        np.random.seed(DEFAULT_GRAPH_SEED)
        reset_default_graph()
        set_random_seed(DEFAULT_GRAPH_SEED)

    def tearDown(self):
        self._clear_cached_session()

    def _clear_cached_session(self):
        if self._cached_session is not None:
            self._cached_session.close()
            self._cached_session = None

    def get_temp_dir(self) -> str:
        if self._tempdir is None:
            self._tempdir = tempfile.mkdtemp(dir=get_temp_dir())
        return self._tempdir

    # --- sessions ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self, graph: Optional[Graph] = None, config=None, use_gpu: bool = False, force_gpu: bool = False):
        """A new Session on `graph` (the default graph if None), default session and graph inside the block."""
        g = get_default_graph() if graph is None else graph
        sess = Session(graph=g, config=config)
        try:
            with g.as_default(), sess.as_default():
                yield sess
        finally:
            sess.close()

    @contextlib.contextmanager
    def cached_session(self, graph: Optional[Graph] = None, config=None, use_gpu: bool = False,
                       force_gpu: bool = False):
        """The same Session for every call in one test (closed in tearDown); default inside the block."""
        g = get_default_graph() if graph is None else graph
        if self._cached_session is None:
            self._cached_session = Session(graph=g, config=config)
        elif self._cached_session.graph is not g:
            raise ValueError("The graph used to get the cached session is different than the one that was "
                             "used to create the session. Maybe create a new session with self.session()")
        sess = self._cached_session
        with g.as_default(), sess.as_default():
            yield sess

    def test_session(self, graph: Optional[Graph] = None, config=None, use_gpu: bool = False,
                     force_gpu: bool = False):
        """Deprecated in TF as in tfsess: the cached session (a test method named test_session is skipped, as TF)."""
        if self.id().endswith(".test_session"):
            self.skipTest("Tests that have the name \"test_session\" are automatically skipped by TensorFlow test "
                          "fixture, as the name is reserved for creating sessions within tests. Please rename your "
                          "test if you have a test with this name.")
        return self.cached_session(graph, config, use_gpu, force_gpu)

    def evaluate(self, tensors):
        """Run `tensors` (any fetch structure) in the default session."""
        sess = get_default_session()
        if sess is None:
            with self.session() as sess:
                return sess.run(tensors)
        return sess.run(tensors)

    # --- assertions -------------------------------------------------------------------------------
    def assertAllClose(self, a, b, rtol: float = 1e-6, atol: float = 1e-6, msg: Optional[str] = None):
        """Nested structures (lists, tuples, dicts) of arrays equal within tolerances, shapes equal."""
        self._assert_close_nested(a, b, rtol, atol, msg, [])

    def _assert_close_nested(self, a, b, rtol, atol, msg, path):
        if isinstance(a, dict) or isinstance(b, dict):
            if not (isinstance(a, dict) and isinstance(b, dict)):
                self.fail("%s: one is a dict and the other is not (%r vs %r) %s" % (path, a, b, msg or ""))
            self.assertEqual(sorted(a), sorted(b), msg="mismatched keys at %s %s" % (path, msg or ""))
            for k in a:
                self._assert_close_nested(a[k], b[k], rtol, atol, msg, path + [k])
            return
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and _is_nested(a, b):
            self.assertEqual(len(a), len(b), "Length of %s mismatch: %d vs %d %s" % (path, len(a), len(b),
                                                                                   msg or ""))
            for i, (x, y) in enumerate(zip(a, b)):
                self._assert_close_nested(x, y, rtol, atol, msg, path + [i])
            return
        a, b = _as_array(a), _as_array(b)
        self.assertEqual(a.shape, b.shape, "Shape mismatch: expected %s, got %s with contents %s. %s"
                         % (a.shape, b.shape, b, msg or ""))
        if a.dtype == object or b.dtype == object or not (np.issubdtype(a.dtype, np.number)
                                                          or a.dtype == bool):
            np.testing.assert_array_equal(a, b, err_msg=msg or "")
            return
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=msg or "", equal_nan=True)

    def assertAllCloseAccordingToType(self, a, b, rtol=1e-6, atol=1e-6, float_rtol=1e-6, float_atol=1e-6,
                                      half_rtol=1e-3, half_atol=1e-3, bfloat16_rtol=1e-2, bfloat16_atol=1e-2,
                                      msg=None):
        a, b = _as_array(a), _as_array(b)
        if a.dtype == np.float32 or b.dtype == np.float32:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        if a.dtype == np.float16 or b.dtype == np.float16:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertAllEqual(self, a, b, msg: Optional[str] = None):
        a, b = _as_array(a), _as_array(b)
        self.assertEqual(a.shape, b.shape, "Shape mismatch: expected %s, got %s with contents %s. %s"
                         % (a.shape, b.shape, b, msg or ""))
        np.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertNotAllClose(self, a, b, **kwargs):
        try:
            self.assertAllClose(a, b, **kwargs)
        except AssertionError:
            return
        raise AssertionError("The two values are close at all elements")

    def assertNear(self, f1, f2, err, msg: Optional[str] = None):
        self.assertTrue(f1 == f2 or abs(f1 - f2) <= err,
                        "%f != %f +/- %f%s" % (f1, f2, err, " (%s)" % msg if msg is not None else ""))

    def assertArrayNear(self, farray1, farray2, err, msg: Optional[str] = None):
        self.assertEqual(len(farray1), len(farray2), msg=msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg=msg)

    def assertNDArrayNear(self, ndarray1, ndarray2, err, msg: Optional[str] = None):
        self.assertTrue(np.linalg.norm(np.asarray(ndarray1) - np.asarray(ndarray2)) <= err, msg=msg)

    def _compare(self, a, comparison, bound, text):
        a = _as_array(a)
        if not np.all(comparison(a, bound)):
            raise AssertionError("%s %s %s" % (a, text, bound))

    def assertAllGreater(self, a, comparison_target):
        self._compare(a, np.greater, comparison_target, "is not all greater than")

    def assertAllGreaterEqual(self, a, comparison_target):
        self._compare(a, np.greater_equal, comparison_target, "is not all greater than or equal to")

    def assertAllLess(self, a, comparison_target):
        self._compare(a, np.less, comparison_target, "is not all less than")

    def assertAllLessEqual(self, a, comparison_target):
        self._compare(a, np.less_equal, comparison_target, "is not all less than or equal to")

    def assertAllInRange(self, target, lower_bound, upper_bound, open_lower_bound: bool = False,
                         open_upper_bound: bool = False):
        """Every element within [lower, upper] (open ends if asked); NaN is never in range."""
        target = _as_array(target)
        if not (np.issubdtype(target.dtype, np.floating) or np.issubdtype(target.dtype, np.integer)):
            raise AssertionError("The value of %s does not have an ordered numeric type, instead it has type: %s"
                                 % (target, target.dtype))
        low = target > lower_bound if open_lower_bound else target >= lower_bound
        high = target < upper_bound if open_upper_bound else target <= upper_bound
        bad = ~(low & high)
        if np.any(bad):
            raise AssertionError("%d of the %d element(s) are outside the range %s%s, %s%s. Subscript(s) and "
                                 "value(s) of the offending elements:\n%s"
                                 % (int(bad.sum()), target.size, "(" if open_lower_bound else "[", lower_bound,
                                    upper_bound, ")" if open_upper_bound else "]",
                                    "\n".join("%s : %s" % (tuple(int(i) for i in idx), target[tuple(idx)])
                                              for idx in np.argwhere(bad))))

    def assertAllInSet(self, target, expected_set):
        target = _as_array(target)
        diff = set(target.ravel().tolist()) - set(expected_set)
        if diff:
            raise AssertionError("%d unique element(s) are not in the set %s: %s"
                                 % (len(diff), set(expected_set), sorted(diff)))

    def assertShapeEqual(self, np_array, tf_tensor, msg: Optional[str] = None):
        self.assertEqual(list(np.shape(np_array)), tf_tensor.get_shape().as_list(), msg=msg)

    def assertDTypeEqual(self, target, expected_dtype):
        self.assertEqual(np.asarray(target).dtype, np.dtype(expected_dtype))

    def assertStartsWith(self, actual: str, expected_start: str, msg: Optional[str] = None):
        if not actual.startswith(expected_start):
            self.fail("Did not start with '%s': '%s'%s" % (expected_start, actual, " : %s" % msg if msg else ""))

    def assertItemsEqual(self, expected_seq, actual_seq, msg: Optional[str] = None):
        self.assertCountEqual(expected_seq, actual_seq, msg=msg)

    def assertRaisesWithPredicateMatch(self, exception_type, expected_err_re_or_predicate):
        if callable(expected_err_re_or_predicate):
            predicate = expected_err_re_or_predicate
        else:
            def predicate(e):
                return re.search(expected_err_re_or_predicate, str(e)) is not None
        return _RaisesPredicate(self, exception_type, predicate)

    def assertRaisesOpError(self, expected_err_re_or_predicate):
        """The block raises a tf.errors.OpError whose message matches."""
        return self.assertRaisesWithPredicateMatch(_errors.OpError, expected_err_re_or_predicate)


class _RaisesPredicate:
    def __init__(self, case, exception_type, predicate):
        self.case, self.exception_type, self.predicate = case, exception_type, predicate

    def __enter__(self):
        return self

    def __exit__(self, etype, value, tb):
        if etype is None:
            self.case.fail("Exception of type %s not raised" % self.exception_type.__name__)
        if not issubclass(etype, self.exception_type):
            return False
        if not self.predicate(value):
            self.case.fail("Exception of type %s: %s does not match the expected pattern"
                           % (etype.__name__, value))
        return True


def _is_nested(a, b) -> bool:
    """Compare element by element when the sequences hold dicts or tensors, or are ragged (not one array)."""
    if any(isinstance(x, (dict, Tensor)) for x in list(a) + list(b)):
        return True
    try:
        np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return False
    except (ValueError, TypeError):
        return True
