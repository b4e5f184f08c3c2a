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


@pytest.fixture
def production(monkeypatch):
    """The plan as users run it: no per-kernel output checks (the test suite turns them on elsewhere)."""
    monkeypatch.setattr(_plan, "CHECK_OUTPUTS", False)


@pytest.mark.parametrize("tier", [1, 2])
@pytest.mark.parametrize("case,mode", [pytest.param(c, "feed", id=c.name) for c in CASES if "feed" in c.modes])
def test_op_table_on_the_production_path(case, mode, tier, production, monkeypatch):
    """Every forward op case through the production plan, compiled on first run (1) or after one interpreted run."""
    monkeypatch.setattr(_plan, "TIER_UP_AFTER", tier)
    test_ops.test_forward(case, mode)


def _plan_of(sess):
    return next(iter(sess._plans.values()))


def test_a_traceback_through_a_reused_plan_shows_the_line_and_the_op(codegen_first, production):
    """Generated code is registered with linecache: tracebacks show the kernel call and the op it runs."""
    import traceback

    xi = tf.placeholder(tf.int32, [None], name="xi")
    y = tf.math.floordiv(xi, tf.zeros_like(xi), name="boom")   # integer division by zero fails in the kernel
    feed = {xi: np.array([1, 2], np.int32)}
    with tf.Session() as s:
        with pytest.raises(tf.errors.OpError) as info:
            s.run(y, feed)
        plan = _plan_of(s)
        assert plan.filename and plan.filename.startswith("<tfsess plan ")
        original = info.value.__cause__ or info.value.__context__   # the kernel's own exception
        frames = traceback.extract_tb(original.__traceback__)
        plan_frames = [f for f in frames if f.filename == plan.filename]
        assert plan_frames, [f.filename for f in frames]
        assert plan_frames[0].line and "# boom (FloorDiv)" in plan_frames[0].line


def test_plan_source_is_readable_and_names_every_op(codegen_first, production):
    import inspect

    x = tf.placeholder(tf.float32, [None], name="x")
    y = tf.tanh(x, name="squash") * 2.0
    with tf.Session() as s:
        s.run(y, {x: np.ones(3, np.float32)})
        plan = _plan_of(s)
        src = plan.source
        assert "# fed: x:0" in src and "# squash (Tanh)" in src and "(Mul)" in src
        assert inspect.getsource(plan.run_fn).startswith("def _plan(_feeds, _undo):")


def test_plans_of_the_same_structure_share_code_but_not_source(codegen_first, production):
    srcs = []
    for name in ("first", "second"):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None], name="x")
            y = tf.negative(x, name=name)
            with tf.Session() as s:
                s.run(y, {x: np.ones(2, np.float32)})
                plan = _plan_of(s)
                srcs.append((plan.code, plan.source))
    (code1, src1), (code2, src2) = srcs
    assert code1 is code2
    assert "# first (Neg)" in src1 and "# second (Neg)" in src2


def test_interpret_only_keeps_plans_interpreted(monkeypatch):
    monkeypatch.setattr(_plan, "INTERPRET_ONLY", True)
    x = tf.placeholder(tf.float32, [None])
    y = tf.square(x)
    with tf.Session() as s:
        for _ in range(4):
            out = s.run(y, {x: np.array([1.0, 2.0], np.float32)})
        assert _plan_of(s).code is None
    np.testing.assert_array_equal(out, [1.0, 4.0])


def test_the_source_is_released_with_its_plan(codegen_first, production):
    import gc
    import linecache

    x = tf.placeholder(tf.float32, [None])
    with tf.Session() as s:
        s.run(tf.abs(x), {x: np.ones(1, np.float32)})
        name = _plan_of(s).filename
        assert name in linecache.cache
    del s
    tf.reset_default_graph()
    gc.collect()
    assert name not in linecache.cache


def test_one_runtime_hook_per_op():
    """An op that overrides `bind` defines no `kernel` that bind never calls (the one hook is `bind`)."""
    from tfsess.framework.opdef import OP_REGISTRY, OpDef
    dead = []
    for name, cls in OP_REGISTRY.items():
        binder = next(k for k in cls.__mro__ if "bind" in k.__dict__)
        kernel_owner = next(k for k in cls.__mro__ if "kernel" in k.__dict__)
        if binder is OpDef or kernel_owner is OpDef:
            continue
        if cls.__mro__.index(kernel_owner) <= cls.__mro__.index(binder):   # kernel at least as specific as bind
            code = binder.__dict__["bind"].__func__.__code__
            if "kernel" not in code.co_names:
                dead.append(name)
    assert dead == []


def test_the_runtime_names_no_op_types():
    """plan.py decides by OpDef flags and methods, never by op type strings."""
    import re
    from pathlib import Path
    src = Path(_plan.__file__).read_text()
    assert not re.search(r'_type\s*(==|in)\s*[("\']', src)


def test_a_plan_of_constants_and_variable_reads_runs_no_steps():
    # x + y folds to a constant and v is read where it lives: the plan has nothing to execute, and each run
    # still returns fresh values and TF's error for an uninitialized variable
    x, y = tf.constant(1.0), tf.constant(2.0)
    z = x + y
    v = tf.Variable(np.arange(3, dtype=np.float32))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value Variable"):
            sess.run(v)
        sess.run(v.initializer)
        assert sess.run(z) == 3.0 and type(sess.run(z)) is np.float32
        sess.run(v)
        fetching = [p for p in sess._plans.values() if p.fetched]
        assert len(fetching) == 2 and all(p.trivial is not None and not p.steps for p in fetching)
        a = sess.run(v)
        a[0] = 9.0                      # a fetched value never aliases the variable
        np.testing.assert_array_equal(sess.run(v), [0, 1, 2])
        sess.run(v.assign([4.0, 5.0, 6.0]))
        np.testing.assert_array_equal(sess.run(v), [4, 5, 6])
        assert sess.run([z, v])[0] == 3.0
