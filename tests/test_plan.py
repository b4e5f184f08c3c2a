"""Run plans: the straight-line (codegen) form gives the same results as the interpreted form, fails
with the same errors, frees intermediates, and constant folding never changes results."""
import numpy as np
import pytest

import tfsess as tf
from tfsess.client import plan as _plan

import test_ops
from op_cases import CASES


@pytest.fixture
def codegen_first(monkeypatch):
    """Compile every plan to straight-line code on its first run."""
    monkeypatch.setattr(_plan, "TIER_UP_AFTER", 1)


@pytest.mark.parametrize("case,mode", [pytest.param(c, "feed", id=c.name) for c in CASES if "feed" in c.modes])
def test_op_table_under_codegen(case, mode, codegen_first):
    """Every forward op case again (inputs fed), through generated code with the output checks on."""
    test_ops.test_forward(case, mode)


def test_interpreted_then_compiled_agree(monkeypatch):
    monkeypatch.setattr(_plan, "_CODE_CACHE", {})
    x = tf.placeholder(tf.float32, [None])
    y = tf.reduce_sum(tf.tanh(x) * 2.0 + tf.square(x))
    with tf.Session() as s:
        v = np.linspace(-1, 1, 7).astype(np.float32)
        first = s.run(y, {x: v})
        plan = next(iter(s._plans.values()))
        assert plan.code is None  # first run: interpreted
        second = s.run(y, {x: v})
        assert plan.code is not None  # reused: compiled
        assert first == second


def test_codegen_errors_name_the_failing_op(codegen_first):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    z = tf.matmul(x, tf.placeholder_with_default(tf.ones([3, 3]), [None, None]), name="mm")
    v = tf.Variable(1.0)
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        w = tf.identity(z)
    with tf.Session() as s:
        s.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            s.run(w, {x: [[1.0, 2.0]]})
        assert info.value.op.name == "mm"
        assert info.value.message.startswith("Matrix size-incompatible: In[0]: [1,2], In[1]: [3,3]")
        assert s.run(v) == 1.0  # rolled back
        with pytest.raises(tf.errors.InvalidArgumentError, match="You must feed a value for placeholder tensor 'x'"):
            s.run(w)


def test_intermediates_are_released(codegen_first):
    x = tf.placeholder(tf.float32, [1000])
    a = x * 2.0
    b = a + 1.0
    c = tf.reduce_sum(b)
    with tf.Session() as s:
        assert s.run(c, {x: np.ones(1000, np.float32)}) == 3000.0
        plan = next(iter(s._plans.values()))
        assert plan.code is not None
    # the generated code deletes each intermediate right after its last use
    import dis
    deleted = [i.argval for i in dis.get_instructions(plan.run_fn) if i.opname == "DELETE_FAST"]
    assert len(deleted) == 3  # the feed, x*2 and +1 are dropped after last use; the fetched sum is kept


def test_constant_folding_keeps_results_and_skips_work():
    c = tf.constant([1.0, 2.0])
    folded = tf.reduce_sum(c * 3.0) + tf.cast(tf.size(c), tf.float32)
    tf.placeholder(tf.float32, [None])
    shape_only = tf.shape(tf.zeros([4, 5]))
    with tf.Session() as s:
        assert s.run(folded) == 11.0
        assert s.run(shape_only).tolist() == [4, 5]
        plan = s._plans[((folded,), frozenset())]
        assert plan.steps == []  # everything was constant
        s.run(folded)
        out_arr = s.run(c)
        out_arr[0] = 99.0  # fetched constants are copies
        assert s.run(c).tolist() == [1.0, 2.0]


def test_random_and_stateful_ops_are_not_folded():
    tf.set_random_seed(1)
    r = tf.random_uniform([3])
    with tf.Session() as s:
        a, b = s.run(r), s.run(r)
        assert not np.array_equal(a, b)


@pytest.mark.parametrize("fast_errstate", [True, False])
def test_runs_are_silent_about_inf_and_nan(fast_errstate, monkeypatch, recwarn):
    if not fast_errstate:
        monkeypatch.setattr(_plan, "_extobj_contextvar", None)  # the portable np.errstate path
    x = tf.placeholder(tf.float32, [2])
    y = tf.log(x) / x + tf.exp(x * 1e4)
    with tf.Session() as s:
        out = s.run(y, {x: [0.0, -1.0]})
    assert out[0] == -np.inf and np.isnan(out[1])  # log(0)/0 = -inf, log(-1) = nan: no warnings
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    with np.errstate(divide="warn"):
        with pytest.warns(RuntimeWarning):
            np.log(np.zeros(1))  # the caller's own NumPy error state is untouched


def test_rebuilt_graph_reuses_compiled_code(monkeypatch):
    monkeypatch.setattr(_plan, "_CODE_CACHE", {})

    def build_and_run():
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None])
            y = tf.reduce_sum(x * 3.0)
            with tf.Session() as s:
                outs = [s.run(y, {x: [1.0, 2.0]}) for _ in range(2)]
                plan = next(iter(s._plans.values()))
                return outs, plan
    outs1, plan1 = build_and_run()
    outs2, plan2 = build_and_run()
    assert outs1 == outs2 == [9.0, 9.0]
    assert len(_plan._CODE_CACHE) == 1
    assert plan2.code is plan1.code  # compiled once, reused by the second graph from its first run
