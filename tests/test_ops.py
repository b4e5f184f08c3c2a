"""Every op, from one table (tests/op_cases.py): forward values, dtypes and static shapes against NumPy,
gradients against finite differences, and coverage of OP_REGISTRY / GRADIENT_REGISTRY."""
from __future__ import annotations

import functools
import importlib
import os
import pkgutil

import numpy as np
import pytest

import tfsess
import tfsess as tf
from tfsess.framework.opdef import GRADIENT_REGISTRY, OP_REGISTRY
from tfsess.testing import check_grads

from op_cases import CASES, NOT_DIFFERENTIABLE, TESTED_ELSEWHERE

# Import every tfsess module (the notebook layer excepted) so OP_REGISTRY holds every op type,
# including those defined in modules `import tfsess` does not load.
for _m in pkgutil.walk_packages(tfsess.__path__, "tfsess."):
    if "notebook" not in _m.name:
        importlib.import_module(_m.name)


def _tf_dtype(a):
    return tf.string if a.dtype.kind in "OSU" else tf.as_dtype(a.dtype)


def _inputs(case, mode):
    """Input tensors and feed dict: constants, placeholders of known shape, or of unknown dims."""
    if mode == "const":
        return [tf.constant(a, dtype=_tf_dtype(a)) for a in case.args], {}
    phs = []
    for a in case.args:
        shape = a.shape if mode == "feed" else [None] * a.ndim
        phs.append(tf.placeholder(_tf_dtype(a), shape=shape))
    return phs, dict(zip(phs, case.args))


def run_forward(case, mode):
    """Build `case` in a fresh graph and run it; returns (output tensors, fetched values)."""
    g = tf.Graph()
    with g.as_default():
        ts, feed = _inputs(case, mode)
        out = case.build(*ts)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        with tf.Session(graph=g) as sess:
            if g.get_collection(tf.GraphKeys.GLOBAL_VARIABLES):
                sess.run(tf.global_variables_initializer(), feed)
            vals = sess.run(outs, feed)
    return outs, vals


def _tolerances(case, dtype):
    if case.rtol is not None or case.atol is not None:
        return case.rtol or 0.0, case.atol or 0.0
    if dtype == np.float32:
        return 2e-6, 1e-6
    return 1e-9, 1e-12


FORWARD = [pytest.param(c, m, id="%s-%s" % (c.name, m)) for c in CASES for m in c.modes]


@pytest.mark.parametrize("case,mode", FORWARD)
def test_forward(case, mode):
    if case.raises is not None:
        exc, msg = case.raises
        with pytest.raises(exc) as info:
            run_forward(case, mode)
        assert msg in str(info.value)
        return
    outs, vals = run_forward(case, mode)
    if case.check is not None:
        case.check(*vals)
        return
    with np.errstate(all="ignore"):
        want = case.ref(*case.args)
    wants = list(want) if isinstance(want, list) else [want]
    assert len(vals) == len(wants), "%d outputs, reference has %d" % (len(vals), len(wants))
    for k, (t, got, exp) in enumerate(zip(outs, vals, wants)):
        got, exp = np.asarray(got), np.asarray(exp)
        assert got.dtype == exp.dtype, "output %d: dtype %s, expected %s" % (k, got.dtype, exp.dtype)
        assert t.dtype.base_dtype is _tf_dtype(exp), "output %d: static dtype %s" % (k, t.dtype)
        assert got.shape == exp.shape, "output %d: shape %s, expected %s" % (k, got.shape, exp.shape)
        assert t.shape.is_compatible_with(got.shape), "output %d: static %s vs %s" % (k, t.shape, got.shape)
        if mode != "unknown" and case.exact_shape:
            assert t.shape.is_fully_defined() and t.shape.as_list() == list(got.shape), \
                "output %d: static shape %s, runtime %s" % (k, t.shape, got.shape)
        if exp.dtype.kind in "fc":
            rtol, atol = _tolerances(case, exp.dtype)
            np.testing.assert_allclose(got, exp, rtol=rtol, atol=atol, equal_nan=True)
        else:
            np.testing.assert_array_equal(got, exp)


# --------------------------------------------------------------------------------------------
# Gradients: check_grads on every case marked grad=True, with known and with unknown static dims
# --------------------------------------------------------------------------------------------

def _unknown_dims(build):
    """`build` applied to inputs whose static shapes have unknown dimensions (rank kept)."""
    def wrapped(*ts):
        return build(*[tf.placeholder_with_default(t, [None] * t.shape.ndims) for t in ts])
    return wrapped


GRADS = [pytest.param(c, d, id="%s-%s" % (c.name, d)) for c in CASES if c.grad
         for d in (("known", "unknown") if c.grad_unknown else ("known",))]


@pytest.mark.parametrize("case,dims", GRADS)
def test_gradient(case, dims):
    for i in case.grad_inputs:
        assert case.args[i].dtype == np.float64, "gradient checks use float64 inputs"
    build = case.build if dims == "known" else _unknown_dims(case.build)
    check_grads(build, case.args, grad_inputs=case.grad_inputs, rtol=case.grad_rtol, atol=case.grad_atol,
                delta=case.grad_delta)


def test_check_grads_catches_a_wrong_gradient():
    """check_grads is the oracle of test_gradient: it must fail on a wrong rule."""
    @tf.RegisterGradient("WrongSquareGrad_test_ops")
    def _wrong(op, g):
        return [g * op.inputs[0]]          # missing the factor 2
    try:
        def fn(x):
            with tf.get_default_graph().gradient_override_map({"Square": "WrongSquareGrad_test_ops"}):
                return tf.square(x)
        with pytest.raises(AssertionError, match="gradient of input 0"):
            check_grads(fn, [np.array([0.5, -1.5])])
        check_grads(tf.square, [np.array([0.5, -1.5])])
    finally:
        del GRADIENT_REGISTRY["WrongSquareGrad_test_ops"]


# --------------------------------------------------------------------------------------------
# Coverage of the registries
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _forward_coverage() -> frozenset:
    """Op types that some case builds (in any of its modes)."""
    types = set()
    for c in CASES:
        for mode in c.modes:
            g = tf.Graph()
            with g.as_default():
                ts, _ = _inputs(c, mode)
                try:
                    c.build(*ts)
                except Exception:
                    if c.raises is None:
                        raise
            types.update(op.type for op in g.get_operations())
    return frozenset(types)


@functools.lru_cache(maxsize=None)
def _gradient_coverage() -> frozenset:
    """Op types whose gradient rule runs inside a check_grads case, for an op the case itself built.

    Rules are wrapped to record the ops they are called for, only while the outer tf.gradients
    runs: the projection check_grads adds, and gradients a case takes internally, do not count.
    """
    covered = set()
    for c in CASES:
        if not c.grad:
            continue
        g = tf.Graph()
        with g.as_default():
            phs = [tf.placeholder(_tf_dtype(a), shape=a.shape) for a in c.args]
            before = set(g.get_operations())
            ys = c.build(*phs)
            built = set(g.get_operations()) - before
            ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
            loss = tf.add_n([tf.reduce_sum(y) for y in ys if y.dtype.base_dtype.is_floating])
            called = []
            saved = dict(GRADIENT_REGISTRY)

            def recording(fn):
                def rule(op, *grads):
                    called.append(op)
                    return fn(op, *grads)
                return rule
            try:
                for k, fn in saved.items():
                    if fn is not None:
                        GRADIENT_REGISTRY[k] = recording(fn)
                tf.gradients(loss, [phs[i] for i in c.grad_inputs])
            finally:
                GRADIENT_REGISTRY.update(saved)
            covered.update(op.type for op in called if op in built)
    return frozenset(covered)


def test_every_registered_op_declares_its_gradient():
    missing = sorted(t for t in OP_REGISTRY if t not in GRADIENT_REGISTRY)
    assert not missing, "op types with neither a gradient rule nor `grad = None`: %s" % missing


def test_not_differentiable_declarations_are_reviewed():
    declared = {t for t in OP_REGISTRY if t in GRADIENT_REGISTRY and GRADIENT_REGISTRY[t] is None}
    unreviewed = sorted(declared - set(NOT_DIFFERENTIABLE))
    wrong = sorted(set(NOT_DIFFERENTIABLE) - declared)
    assert not unreviewed, "declared not differentiable, add to NOT_DIFFERENTIABLE with a reason: %s" % unreviewed
    assert not wrong, "listed in NOT_DIFFERENTIABLE but registered with a gradient (or not registered): %s" % wrong


def test_every_differentiable_op_is_gradient_checked():
    differentiable = {t for t in OP_REGISTRY if GRADIENT_REGISTRY.get(t) is not None}
    missing = sorted(differentiable - _gradient_coverage() - set(TESTED_ELSEWHERE))
    assert not missing, "differentiable op types without a check_grads case in op_cases.py: %s" % missing


def test_every_op_has_a_forward_case():
    missing = sorted(set(OP_REGISTRY) - _forward_coverage() - set(TESTED_ELSEWHERE))
    assert not missing, "op types no case in op_cases.py builds: %s" % missing


def test_tested_elsewhere_entries_are_real():
    """Each exemption names a string some other test file uses, and that file checks gradients if needed."""
    here = os.path.dirname(os.path.abspath(__file__))
    texts = {}
    for name in sorted(os.listdir(here)):
        if name.startswith("test_") and name.endswith(".py") and name != "test_ops.py":
            with open(os.path.join(here, name)) as f:
                texts[name] = f.read()
    for op_type, used in TESTED_ELSEWHERE.items():
        assert op_type in OP_REGISTRY, "%s is listed in TESTED_ELSEWHERE but not registered" % op_type
        files = [n for n, text in texts.items() if used in text]
        assert files, "%s: no test file uses %r" % (op_type, used)
        if GRADIENT_REGISTRY.get(op_type) is not None:
            assert any("check_grads" in texts[n] for n in files), \
                "%s: %s run no check_grads" % (op_type, ", ".join(files))
