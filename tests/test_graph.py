"""Graph behaviour: default graph stack, names and scopes, lookups, collections, control dependencies,
Tensor/Operation protocol (TF1-SEMANTICS.md §1)."""
import threading

import numpy as np
import pytest

import tfsess as tf


def test_default_graph_and_nesting():
    g0 = tf.get_default_graph()
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        assert tf.get_default_graph() is g1
        with g2.as_default():
            assert tf.get_default_graph() is g2
            c = tf.constant(1)
        assert tf.get_default_graph() is g1
    assert tf.get_default_graph() is g0
    assert c.graph is g2 and c.name == "Const:0"


def test_new_threads_get_their_own_default_graph():
    main = tf.get_default_graph()
    seen = []
    with tf.Graph().as_default():
        t = threading.Thread(target=lambda: seen.append(tf.get_default_graph()))
        t.start()
        t.join()
    assert seen[0] is not main and isinstance(seen[0], tf.Graph)


def test_reset_default_graph():
    tf.constant(1)
    old = tf.get_default_graph()
    tf.reset_default_graph()
    new = tf.get_default_graph()
    assert new is not old and new.version == 0 and new.get_operations() == []
    with tf.Graph().as_default():
        with pytest.raises(AssertionError, match="Do not use tf.reset_default_graph\\(\\) to clear nested graphs"):
            tf.reset_default_graph()
    with tf.Session():
        with pytest.raises(AssertionError):
            tf.reset_default_graph()


def test_reset_keeps_interactive_session_on_old_graph():
    sess = tf.InteractiveSession()
    tf.reset_default_graph()
    c = tf.constant(1.0)
    with pytest.raises(ValueError, match="the tensor's graph is different from the session's graph"):
        c.eval()
    sess.close()


def test_version_and_finalize():
    g = tf.Graph()
    assert g.version == 0
    with g.as_default():
        tf.constant(1)
        tf.constant(2)
    assert g.version == 2
    g.finalize()
    assert g.finalized
    with g.as_default():
        with pytest.raises(RuntimeError, match="Graph is finalized and cannot be modified."):
            tf.constant(3)
        with pytest.raises(RuntimeError):
            tf.add_to_collection("x", 1)
    assert len(g.get_operations()) == 2
    with tf.Session(graph=g) as s:  # running still works
        assert s.run(g.get_tensor_by_name("Const:0")) == 1


def test_unique_names_case_insensitive():
    names = [tf.constant(1).op.name for _ in range(3)]
    assert names == ["Const", "Const_1", "Const_2"]
    assert tf.constant(1, name="Foo").op.name == "Foo"
    assert tf.constant(1, name="foo").op.name == "foo_1"
    assert tf.constant(1, name="foo_1").op.name == "foo_1_1"
    assert tf.constant(1, name="z_1").op.name == "z_1"
    assert tf.constant(1, name="z").op.name == "z"
    assert tf.constant(1, name="z").op.name == "z_2"
    g = tf.get_default_graph()
    assert g.unique_name("Const", mark_as_used=False) == "Const_3"
    assert g.unique_name("Const", mark_as_used=False) == "Const_3"


def test_operator_and_function_names():
    a, b = tf.constant(2.0), tf.constant(3.0)
    ts = [a + b, a - b, a * b, a / b, -a, a + b, abs(a), a ** 2, a // b, a % b, a > b, a[None]]
    assert [t.name for t in ts] == ["add:0", "sub:0", "mul:0", "truediv:0", "Neg:0", "add_1:0", "Abs:0", "pow:0",
                                    "floordiv:0", "mod:0", "Greater:0", "strided_slice:0"]
    assert (a + b).op.type == "AddV2"
    assert tf.add(a, b).op.name == "Add_3"  # case-insensitive: add, add_1, add_2 are taken
    c = a * 3.0
    assert [t.name for t in c.op.inputs] == ["Const:0", "mul_1/y:0"]


def test_invalid_names():
    with pytest.raises(ValueError, match="is not a valid node name"):
        tf.constant(1, name="a b")
    with pytest.raises(ValueError, match="is not a valid root scope name"):
        with tf.name_scope("a b"):
            pass


def test_name_scopes():
    with tf.name_scope("a") as scope:
        assert scope == "a/"
        c = tf.constant(1, name="c")
        with tf.name_scope("b") as inner:
            assert inner == "a/b/"
            d = tf.constant(1, name="d")
            assert tf.get_default_graph().get_name_scope() == "a/b"
    with tf.name_scope("a") as again:
        assert again == "a_1/"
    with tf.name_scope("a/b/"):
        d2 = tf.constant(1, name="d")
    with tf.name_scope(None):
        e = tf.constant(1, name="e")
    assert (c.name, d.name, d2.name, e.name) == ("a/c:0", "a/b/d:0", "a/b/d_1:0", "e:0")
    with tf.name_scope(None, "default") as s:
        assert s == "default/"
    with pytest.raises(ValueError, match="At least one of name"):
        with tf.name_scope(None, None, [c]):
            pass


def test_name_scope_values_select_graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(1.0)
    with tf.name_scope("s", values=[x]):
        assert tf.get_default_graph() is g
        y = x * 2.0
    assert y.graph is g and y.name == "s/mul:0"


def test_tensor_lookup_errors():
    g = tf.get_default_graph()
    c = tf.constant(1.0, name="Const")
    assert g.get_tensor_by_name("Const:0") is c
    assert g.get_operation_by_name("Const") is c.op
    assert g.as_graph_element("Const:0") is c
    cases = [
        (lambda: g.get_tensor_by_name("nope:0"), KeyError, "The name 'nope:0' refers to a Tensor which does not exist. "
         "The operation, 'nope', does not exist in the graph."),
        (lambda: g.get_tensor_by_name("Const:5"), KeyError, "The name 'Const:5' refers to a Tensor which does not exist. "
         "The operation, 'Const', exists but only has 1 outputs."),
        (lambda: g.get_tensor_by_name("Const"), ValueError, "The name 'Const' refers to an Operation, not a Tensor. "
         "Tensor names must be of the form \"<op_name>:<output_index>\"."),
        (lambda: g.get_tensor_by_name("nope"), ValueError, "The name 'nope' looks like an (invalid) Operation name, "
         "not a Tensor. Tensor names must be of the form \"<op_name>:<output_index>\"."),
        (lambda: g.get_tensor_by_name("Const:x"), ValueError, "The name 'Const:x' looks a like a Tensor name, but is "
         "not a valid one. Tensor names must be of the form \"<op_name>:<output_index>\"."),
        (lambda: g.get_operation_by_name("nope"), KeyError, "The name 'nope' refers to an Operation not in the graph."),
        (lambda: g.get_operation_by_name("Const:0"), ValueError, "Name 'Const:0' appears to refer to a Tensor, not a "
         "Operation."),
        (lambda: g.get_operation_by_name(3), TypeError, "Operation names are strings (or similar), not int."),
        (lambda: g.as_graph_element(3), TypeError, "Can not convert a int into a Tensor or Operation."),
    ]
    for fn, cls, msg in cases:
        with pytest.raises(cls) as info:
            fn()
        text = info.value.args[0]
        assert text == msg
    other = tf.Graph()
    with other.as_default():
        o = tf.constant(1.0)
    with pytest.raises(ValueError, match=r'Tensor Tensor\("Const:0", shape=\(\), dtype=float32\) is not an element'):
        g.as_graph_element(o)


def test_tensor_and_operation_attributes_and_reprs():
    x = tf.constant([[1, 2, 3], [4, 5, 6]], name="x")
    y = tf.reduce_sum(x, axis=0, name="total")
    assert (y.name, y.op.name, y.op.type, y.value_index) == ("total:0", "total", "Sum", 0)
    assert repr(y) == "<tf.Tensor 'total:0' shape=(3,) dtype=int32>"
    assert str(y) == 'Tensor("total:0", shape=(3,), dtype=int32)'
    assert repr(y.op) == "<tf.Operation 'total' type=Sum>"
    p = tf.placeholder(tf.float32, name="p")
    assert str(p) == 'Tensor("p:0", dtype=float32)'
    assert repr(p) == "<tf.Tensor 'p:0' shape=<unknown> dtype=float32>"
    q = tf.placeholder(tf.float32, [None, 3], name="q")
    assert str(q) == 'Tensor("q:0", shape=(?, 3), dtype=float32)'
    assert x.consumers() == [y.op]
    assert y.op.inputs[0] is x and y.op.outputs == [y] and y.op.values() == (y,)
    assert x.op.get_attr("dtype") is tf.int32
    assert 'name: "x"' in str(x.op) and 'op: "Const"' in str(x.op)
    assert y.graph is tf.get_default_graph() and y.op.graph is y.graph


def test_tensor_python_protocol():
    a = tf.constant([1, 2])
    b = tf.constant([1, 2])
    assert (a == a) is True and (a == b) is False and (a != b) is True
    assert {a: 1}[a] == 1
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError, match="as a Python `bool` is not allowed"):
        bool(a)
    with pytest.raises(TypeError):
        if a:
            pass
    with pytest.raises(TypeError, match="Iterating over a symbolic `tf.Tensor` is not allowed"):
        iter(a)
    with pytest.raises(TypeError, match=r"len is not well defined for a symbolic Tensor \(Const:0\)"):
        len(a)
    with pytest.raises(NotImplementedError, match="Cannot convert a symbolic tf.Tensor"):
        np.array(a)


def test_numpy_on_the_left_dispatches_to_tensor():
    t = tf.constant([1.0, 2.0])
    r = np.array([1.0, 1.0], np.float32) + t
    assert isinstance(r, tf.Tensor)
    with tf.Session() as s:
        assert s.run(r).tolist() == [2.0, 3.0]


def test_getitem_slicing():
    x = tf.constant(np.arange(24).reshape(2, 3, 4))
    i = tf.placeholder(tf.int32, [])
    cases = [(1,), (slice(None), 1), (Ellipsis, 2), (None, 0, slice(1, None)), (slice(None, None, -1),),
             (0, slice(None), slice(1, 3)), (slice(None), slice(None), slice(None, None, 2)), (-1, -1)]
    with tf.Session() as s:
        for spec in cases:
            t = x[spec]
            out = s.run(t)
            np.testing.assert_array_equal(out, np.arange(24).reshape(2, 3, 4)[spec])
            assert t.shape.as_list() == list(out.shape)
        assert s.run(x[i], {i: 1}).tolist() == np.arange(24).reshape(2, 3, 4)[1].tolist()
    with pytest.raises(TypeError, match="Only integers, slices"):
        x[1.0]
    with pytest.raises(ValueError, match="out of bounds"):
        x[5]


def test_collections():
    a = tf.constant(1.0, name="a")
    b = tf.constant(2.0, name="b")
    tf.add_to_collection("losses_x", a)
    tf.add_to_collections(["losses_x", "other"], b)
    tf.add_to_collection("losses_x", a)  # duplicates allowed
    assert tf.get_collection("losses_x") == [a, b, a]
    assert tf.get_collection("losses_x", scope="b") == [b]
    assert tf.get_collection("nothing") == []
    ref = tf.get_collection_ref("newcoll")
    ref.append(3)
    assert tf.get_collection("newcoll") == [3]
    copy = tf.get_collection("losses_x")
    copy.append(99)
    assert len(tf.get_collection("losses_x")) == 3
    g = tf.get_default_graph()
    assert set(g.get_all_collection_keys()) >= {"losses_x", "other", "newcoll"}
    g.clear_collection("other")
    assert tf.get_collection("other") == []
    assert tf.GraphKeys.GLOBAL_VARIABLES == "variables" and tf.GraphKeys.VARIABLES == "variables"
    assert tf.GraphKeys.TRAINABLE_VARIABLES == "trainable_variables"
    assert tf.Graph().get_collection("variables") == []


def test_control_dependencies_rules():
    a = tf.constant(1, name="a")
    b = tf.constant(2, name="b")
    with tf.control_dependencies([a]):
        c = tf.constant(3, name="c")
        with tf.control_dependencies([b.op]):
            d = tf.constant(4, name="d")
        with tf.control_dependencies(None):
            e = tf.constant(5, name="e")
        f = c + 1  # dominated: c was created in this block
    assert [o.name for o in c.op.control_inputs] == ["a"]
    assert [o.name for o in d.op.control_inputs] == ["a", "b"]
    assert e.op.control_inputs == []
    assert f.op.control_inputs == [] or all(o.name != "a" for o in f.op.control_inputs)
    with pytest.raises(TypeError, match="Control input must be Operation or Tensor"):
        with tf.control_dependencies([3]):
            pass


def test_control_dependency_needs_a_new_op():
    v = tf.Variable(0)
    inc = tf.assign_add(v, 1)
    with tf.control_dependencies([inc]):
        alias = v  # plain Python: nothing added
        out = tf.identity(v)
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(alias) == 0
        assert s.run(out) == 1
        assert s.run(out) == 2


def test_cross_graph_errors():
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(1.0, name="z")
    b = tf.constant(2.0)
    with pytest.raises(ValueError, match="must be from the same graph"):
        tf.add(a, b)
    with g.as_default():
        c = a + 1.0
    assert c.graph is g
    with tf.Graph().as_default():
        d = tf.add(a, 1.0)  # the op lands in the graph of its first input
    assert d.graph is g


def test_group_and_no_op():
    a = tf.Variable(1)
    b = tf.Variable(2)
    both = tf.group(tf.assign(a, 10), tf.assign(b, 20))
    assert both.name == "group_deps" and both.type == "NoOp" and both.outputs == []
    n = tf.no_op(name="step")
    assert n.name == "step"
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(both) is None
        assert s.run([a, b]) == [10, 20]


def test_device_is_recorded():
    with tf.device("/gpu:0"):
        c = tf.constant(1.0)
    assert c.device == "/gpu:0" and c.op.device == "/gpu:0"
    assert str(c) == 'Tensor("Const:0", shape=(), dtype=float32, device=/gpu:0)'
    with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as s:
        assert s.run(c) == 1.0


def test_graph_def_text():
    tf.constant(1.0, name="one")
    gd = tf.get_default_graph().as_graph_def()
    assert len(gd.node) == 1 and gd.node[0].name == "one" and gd.node[0].op == "Const"
    assert "node {" in str(gd)
