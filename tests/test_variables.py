"""Variables: creation ops and names, initialization, assignment, per-session state, get_variable and
variable_scope reuse rules, rollback of failed runs (TF1-SEMANTICS.md §4)."""
import numpy as np
import pytest

import tfsess as tf


def test_variable_ops_and_names():
    v = tf.Variable(1.0)
    assert [(o.name, o.type) for o in tf.get_default_graph().get_operations()] == [
        ("Variable/initial_value", "Const"), ("Variable", "VariableV2"), ("Variable/Assign", "Assign"),
        ("Variable/read", "Identity")]
    assert v.name == "Variable:0" and v.op.name == "Variable"
    assert repr(v) == str(v) == "<tf.Variable 'Variable:0' shape=() dtype=float32_ref>"
    assert v.dtype.name == "float32_ref" and v.dtype.base_dtype is tf.float32
    assert v.initializer.name == "Variable/Assign" and v.value().name == "Variable/read:0"
    w1 = tf.Variable(1.0, name="w")
    w2 = tf.Variable(2.0, name="w")
    assert (w1.name, w2.name) == ("w:0", "w_1:0")


def test_variable_from_tensor_keeps_its_ops_and_dtype_rules():
    init = tf.zeros([2, 1])
    v = tf.Variable(init)
    assert v.initial_value is init and v.shape.as_list() == [2, 1]
    u = tf.Variable(np.arange(3))
    assert u.dtype.name == "int64_ref"
    f = tf.Variable(np.arange(6).reshape(2, 3), dtype=tf.float32)
    assert f.dtype.name == "float32_ref"
    with pytest.raises(ValueError, match="initial_value must be specified."):
        tf.Variable()
    with pytest.raises(ValueError, match="collections argument to Variable constructor must be a list"):
        tf.Variable(1.0, collections="x")
    with pytest.raises(TypeError, match="Input 'y' of 'AddV2' Op has type int32 that does not match type float32"):
        tf.Variable(1.0) + tf.constant(1)


def test_callable_initial_value_under_initializer_scope():
    tf.Variable(lambda: tf.ones([2]), name="lazy")
    names = [o.name for o in tf.get_default_graph().get_operations()]
    assert "lazy/Initializer/ones" in names


def test_uninitialized_error_and_per_session_state():
    w = tf.Variable([1.0, 2.0], name="weights")
    y = w * 2
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError) as info:
            sess.run(y)
        assert info.value.message.split("\n")[0] == "Attempting to use uninitialized value weights"
        assert info.value.op.name == "weights/read"
        assert info.value.error_code == tf.errors.FAILED_PRECONDITION
        with pytest.raises(tf.errors.FailedPreconditionError) as info2:
            sess.run(w)
        assert info2.value.op is None
    v = tf.Variable(1.0)
    double = tf.assign(v, v * 2)
    s1, s2 = tf.Session(), tf.Session()
    s1.run(v.initializer)
    s2.run(v.initializer)
    for _ in range(3):
        s1.run(double)
    assert s1.run(v) == 8.0 and s2.run(v) == 1.0
    s1.close()
    with tf.Session() as s3:
        with pytest.raises(tf.errors.FailedPreconditionError):
            s3.run(v)
    s2.close()


def test_initializers_snapshot_and_subset():
    a = tf.Variable(1.0, name="a")
    init = tf.global_variables_initializer()
    b = tf.Variable(2.0, name="b")
    assert init.name == "init" and init.type == "NoOp"
    assert tf.global_variables_initializer().name == "init_1"
    with tf.Session() as s:
        s.run(init)
        assert s.run(a) == 1.0
        with pytest.raises(tf.errors.FailedPreconditionError):
            s.run(b)
        s.run(tf.variables_initializer([b]))
        assert s.run(b) == 2.0
        assert tf.variables_initializer([]).type == "NoOp"


def test_assign_family():
    v = tf.Variable(10)
    inc = tf.assign_add(v, 5)
    dec = tf.assign_sub(v, 3)
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(inc) == 15 and s.run(inc) == 20 and s.run(dec) == 17 and s.run(v) == 17
    assert inc.name == "AssignAdd:0" and dec.name == "AssignSub:0"
    w = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match="Shapes must be equal rank, but are 1 and 0"):
        w.assign(1.0)
    with pytest.raises(TypeError):
        tf.assign(tf.Variable(1), 2.5)
    with tf.Session() as s:
        s.run(w.initializer)
        assert s.run(w.assign([5.0, 6.0])).tolist() == [5.0, 6.0]
        assert s.run(w.assign_add([1.0, 1.0])).tolist() == [6.0, 7.0]
        assert s.run(w.assign_sub([0.5, 0.5])).tolist() == [5.5, 6.5]
        assert w.assign([0.0, 0.0], read_value=False).type == "Assign"


def test_reinitialize_resets_and_load():
    v = tf.Variable(5)
    inc = tf.assign_add(v, 1)
    with tf.Session() as s:
        s.run(v.initializer)
        s.run(inc)
        assert s.run(v) == 6
        s.run(v.initializer)
        assert s.run(v) == 5
        v.load(42, s)
        assert s.run(v) == 42
    with pytest.raises(ValueError, match="Either session argument should be provided"):
        v.load(1)


def test_feeding_a_variable():
    v = tf.Variable(1.0)
    with tf.Session() as s:
        assert s.run(v * 2, {v: 10.0}) == 20.0  # no initialization needed when fed


def test_trainable_and_collections():
    a = tf.Variable(1.0, name="a")
    c = tf.Variable(1.0, name="c", trainable=False)
    l = tf.Variable(1.0, name="l", collections=[tf.GraphKeys.LOCAL_VARIABLES], trainable=False)
    assert tf.global_variables() == [a, c]
    assert tf.trainable_variables() == [a]
    assert tf.local_variables() == [l]
    assert tf.global_variables(scope="c") == [c]


def test_is_initialized_and_report():
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    with tf.Session() as s:
        s.run(a.initializer)
        assert s.run(tf.is_variable_initialized(a)) and not s.run(tf.is_variable_initialized(b))
        assert s.run(tf.report_uninitialized_variables()).tolist() == [b"b"]


def test_failed_run_leaves_variables_unchanged():
    v = tf.Variable(1.0)
    w = tf.Variable([1.0, 2.0])
    x = tf.placeholder(tf.float32, [None])
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        bad = tf.assign(w, tf.reshape(x, [2]))  # fails at run time for a wrong-sized feed
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError):
            s.run(bad, {x: [1.0, 2.0, 3.0]})
        assert s.run(v) == 1.0 and s.run(w).tolist() == [1.0, 2.0]
        s.run(bad, {x: [7.0, 8.0]})
        assert s.run(v) == 2.0 and s.run(w).tolist() == [7.0, 8.0]


def test_get_variable_initializers_and_names():
    z = tf.get_variable("z", shape=[2, 2], initializer=tf.zeros_initializer())
    tf.get_variable("o", shape=[3], initializer=tf.ones_initializer())
    c = tf.get_variable("c", shape=[2], initializer=tf.constant_initializer(0.5))
    i = tf.get_variable("i", shape=[2], dtype=tf.int32, initializer=tf.zeros_initializer())
    g = tf.get_variable("g", shape=[10, 20])
    w = tf.get_variable("w", initializer=tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    k = tf.get_variable("k", initializer=[1, 2, 3])
    assert (z.name, i.dtype.name, w.dtype.name, k.dtype.name) == ("z:0", "int32_ref", "float32_ref", "int32_ref")
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert "g/Initializer/random_uniform" in names and "z/Initializer/zeros" in names
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(z).tolist() == [[0, 0], [0, 0]] and s.run(c).tolist() == [0.5, 0.5]
        gv = s.run(g)
        limit = np.sqrt(6.0 / 30)
        assert gv.dtype == np.float32 and np.all(np.abs(gv) <= limit) and gv.std() > 0
    with pytest.raises(ValueError, match="Variable noshape did not get an initializer, so its `shape` argument"):
        tf.get_variable("noshape")


def test_variable_scope_reuse_rules():
    with tf.variable_scope("foo"):
        v = tf.get_variable("v", [1], initializer=tf.constant_initializer(2.0))
    with tf.variable_scope("foo", reuse=True):
        v1 = tf.get_variable("v", [1])
    assert v1 is v and v1.name == "foo/v:0" and len(tf.global_variables()) == 1
    with pytest.raises(ValueError, match=r"^Variable foo/v already exists, disallowed. Did you mean to set "
                                         r"reuse=True or reuse=tf.AUTO_REUSE in VarScope\? Originally defined at:"):
        with tf.variable_scope("foo"):
            tf.get_variable("v", [1])
    with pytest.raises(ValueError, match="Variable foo/baz does not exist, or was not created with"):
        with tf.variable_scope("foo", reuse=True):
            tf.get_variable("baz", [1])
    with pytest.raises(ValueError, match=r"Trying to share variable foo/v, but specified shape \(2,\) and found "
                                         r"shape \(1,\)."):
        with tf.variable_scope("foo", reuse=True):
            tf.get_variable("v", [2])

    def make():
        with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
            return tf.get_variable("w", shape=[2], initializer=tf.ones_initializer())
    assert make() is make()


def test_variable_scope_names_and_name_scopes():
    with tf.variable_scope("model") as vs:
        assert vs.name == "model"
        with tf.variable_scope("dense") as inner:
            assert inner.name == "model/dense" and tf.get_variable_scope().name == "model/dense"
    assert tf.get_variable_scope().name == ""
    with tf.variable_scope("layer"):
        w = tf.get_variable("w", shape=[], initializer=tf.zeros_initializer())
        y = w * 2.0
    with tf.variable_scope("layer", reuse=True):
        w2 = tf.get_variable("w")
        z = w2 + 1.0
    assert (y.name, z.name, w2.name) == ("layer/mul:0", "layer_1/add:0", "layer/w:0")
    with tf.name_scope("ns"):
        v1 = tf.Variable(1.0, name="var1")
        v2 = tf.get_variable("var2", shape=[], initializer=tf.zeros_initializer())
    assert (v1.name, v2.name) == ("ns/var1:0", "var2:0")
    with tf.variable_scope(vs):  # re-enter by object
        again = tf.get_variable("again", shape=[])
    assert again.name == "model/again:0"
    with tf.variable_scope(None, default_name="block") as b1:
        pass
    with tf.variable_scope(None, default_name="block") as b2:
        pass
    assert (b1.name, b2.name) == ("block", "block_1")


def test_variable_scope_initializer_and_reuse_variables():
    with tf.variable_scope("s", initializer=tf.constant_initializer(3.0)) as scope:
        a = tf.get_variable("a", shape=[2])
        scope.reuse_variables()
        assert tf.get_variable("a") is a
    with tf.Session() as s:
        s.run(a.initializer)
        assert s.run(a).tolist() == [3.0, 3.0]


def test_interactive_variable_workflow():
    sess = tf.InteractiveSession()
    v = tf.Variable([3, 1, 2], name="v")
    v.initializer.run()
    assert v.eval().tolist() == [3, 1, 2]
    v.assign([9, 9, 9]).eval()
    assert v.eval().tolist() == [9, 9, 9]
    assert v.initial_value.eval().tolist() == [3, 1, 2]
    sess.close()


def test_initialized_value_chains_initialization():
    a = tf.Variable(2.0)
    b = tf.Variable(a.initialized_value() * 3)
    with tf.Session() as s:
        s.run(b.initializer)  # initializes through a's initial value without running a's initializer
        assert s.run(b) == 6.0
