"""Session behaviour, ported from TF's session_test.py (TF1-SEMANTICS.md §9) and §2-§3 of the spec."""
import collections
import threading
import warnings

import numpy as np
import pytest

import tfsess as tf


def test_seed_article_session_program(capsys):
    x = tf.constant(1)
    y = tf.constant(2)
    z = x + y
    with tf.Session() as sess:
        print(sess.run(x))
        print(sess.run(y))
        print(sess.run(z))
    assert capsys.readouterr().out == "1\n2\n3\n"


def test_seed_article_interactive_program(capsys):
    sess = tf.InteractiveSession()
    x = tf.constant(1)
    y = tf.constant(2)
    z = x + y
    print(x.eval())
    print(y.eval())
    print(z.eval())
    sess.close()
    assert capsys.readouterr().out == "1\n2\n3\n"


def test_session_is_not_default_but_interactive_is():
    c = tf.constant(5)
    sess = tf.Session()
    assert tf.get_default_session() is None
    with pytest.raises(ValueError, match="No default session is registered"):
        c.eval()
    sess.close()
    isess = tf.InteractiveSession()
    assert tf.get_default_session() is isess
    assert c.eval() == 5
    isess.close()
    assert tf.get_default_session() is None


def test_use_existing_graph():  # testUseExistingGraph
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(6.0, shape=[1, 1])
        b = tf.constant(7.0, shape=[1, 1])
        c = tf.matmul(a, b, name="matmul")
    with tf.Session(graph=g):
        assert c.eval().tolist() == [[42.0]]


def test_use_default_graph():  # testUseDefaultGraph
    with tf.Graph().as_default():
        c = tf.matmul(tf.constant(6.0, shape=[1, 1]), tf.constant(7.0, shape=[1, 1]))
        with tf.Session():
            assert c.eval().tolist() == [[42.0]]


def test_create_feed_const_by_name():  # testCreate
    with tf.Session():
        inp = tf.constant(10.0, shape=[2, 3], name="W1")
        copy = tf.identity(inp)
        arr = np.asarray([[0, 1, 2], [3, 4, 5]], dtype=np.float32)
        np.testing.assert_array_equal(copy.eval({"W1:0": arr}), arr)
        np.testing.assert_array_equal(copy.eval(), np.full((2, 3), 10.0, np.float32))


def test_config_accepted():  # testPerSessionThreads (adapted)
    with tf.Session(config=tf.ConfigProto(inter_op_parallelism_threads=1, gpu_options=tf.GPUOptions(
            allow_growth=True))):
        assert tf.constant(10.0).eval() == 10.0


def test_errors_reported():  # testErrorsReported
    with tf.Session() as s:
        tf.constant(10.0, name="W1")
        with pytest.raises(ValueError):
            s.run("foo:0")


def test_error_payload():  # testErrorPayload
    with tf.Session():
        a = tf.placeholder(tf.float32)
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            a.eval()
        assert info.value.op is a.op
        assert info.value.error_code == tf.errors.INVALID_ARGUMENT
        assert info.value.message.startswith("You must feed a value for placeholder tensor 'Placeholder'")


@pytest.mark.parametrize("fetch", [None, [None], {"b": None}, {"a": "A", "b": None}])
def test_fetch_none(fetch):  # testFetchNone
    with tf.Session() as s:
        a = tf.constant(1.0, name="A")
        if isinstance(fetch, dict) and fetch.get("a") == "A":
            fetch = {"a": a, "b": None}
        with pytest.raises(TypeError, match="has invalid type \"NoneType\""):
            s.run(fetch)


def test_fetch_singleton_and_callable():  # testFetchSingleton
    with tf.Session() as sess:
        a = tf.constant(42.0)
        assert sess.run(a) == 42.0
        assert sess.make_callable(a)() == 42.0
        b = tf.no_op()
        assert sess.run(b) is None
        assert sess.make_callable(b)() is None
        assert sess.run(a.name) == 42.0


def test_fetch_list_mixed():  # testFetchList
    with tf.Session() as sess:
        a = tf.constant(42.0)
        b = tf.no_op()
        c = tf.constant(44.0)
        v = tf.Variable([54.0])
        assign = v.assign([63.0])
        res = sess.run([a, b, c, a.name, assign.op])
        assert type(res) is list
        assert res == [42.0, None, 44.0, 42.0, None]
        res = sess.make_callable([a, b, c, a.name, assign.op])()
        assert res == [42.0, None, 44.0, 42.0, None]


def test_fetch_tuple_namedtuple_dict_ordereddict():  # testFetchTuple/NamedTuple/Dict/OrderedDict
    ABC = collections.namedtuple("ABC", ["a", "b", "c"])
    with tf.Session() as sess:
        a = tf.constant(42.0)
        b = tf.no_op()
        c = tf.constant(44.0)
        res = sess.run((a, b, c, a.name))
        assert type(res) is tuple and res == (42.0, None, 44.0, 42.0)
        res = sess.run(ABC(a, b, c))
        assert isinstance(res, ABC) and res.a == 42.0 and res.b is None and res.c == 44.0
        res = sess.run({"a": a, "b": b, "c": c})
        assert type(res) is dict and res == {"a": 42.0, "b": None, "c": 44.0}
        od = collections.OrderedDict([(3, a), (2, b), (1, c)])
        res = sess.run(od)
        assert type(res) is collections.OrderedDict and list(res) == [3, 2, 1]
        assert res[3] == 42.0 and res[2] is None and res[1] == 44.0


def test_fetch_nesting_empty_and_nested():  # testFetchNestingEmptyOneLevel / testFetchNestingOneLevel
    with tf.Session() as sess:
        a = tf.constant(42.0)
        assert sess.run([[], (), {}]) == [[], (), {}]
        res = sess.run([[], (), {}, a])
        assert res == [[], (), {}, 42.0]
        DEFG = collections.namedtuple("DEFG", ["d", "e", "f", "g"])
        b, c = tf.no_op(), tf.constant(44.0)
        res = sess.run([[a, b, c], (a, b, c), DEFG(d=a, e=b, f=c, g=a.name), {"a": a.name, "c": c, "b": b}])
        assert res[0] == [42.0, None, 44.0]
        assert res[1] == (42.0, None, 44.0)
        assert res[2] == DEFG(42.0, None, 44.0, 42.0)
        assert res[3] == {"a": 42.0, "c": 44.0, "b": None}


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64, tf.float16, tf.float32, tf.float64])
def test_fetch_scalar_types(dtype):  # testFetchScalar
    np_t = dtype.as_numpy_dtype
    with tf.Session() as sess:
        x = tf.constant(np_t(3))
        y = x + x
        for v in (sess.run(x), sess.run(y), sess.run([x])[0], sess.run({"y": y})["y"]):
            assert type(v) is np_t


def test_fetch_operation_object_then_variable():  # testFetchOperationObject
    with tf.Session() as sess:
        v = tf.Variable(42.0, name="testFetchOperationObject_v")
        sess.run(v.initializer)
        assert sess.run(v) == 42.0


def test_extend_with_stateless_and_stateful_operations():  # testExtendWith*
    with tf.Session() as s:
        a = tf.constant(1.0, shape=[1, 2])
        b = tf.constant(2.0, shape=[2, 3])
        c = tf.matmul(a, b)
        assert s.run(c).tolist() == [[4.0, 4.0, 4.0]]
        d = tf.constant([1.0, 2.0, 3.0], shape=[3, 1])
        e = tf.matmul(c, d)
        assert s.run(e).tolist() == [[24.0]]
        v = tf.Variable(10.0, name="v")
        v.initializer.run()
        assert v.eval() == 10.0
        assign = v.assign(20.0)
        assert v.eval() == 10.0  # created but not run
        assign.op.run()
        assert v.eval() == 20.0


def test_extend_with_group_by():  # testExtendWithGroupBy
    with tf.Session() as s:
        a = tf.constant(1.0, shape=[1, 2])
        p = tf.Variable(a, name="testExtendWithGroupBy_p")
        a_val = a.eval()
        b = tf.constant(2.0, shape=[1, 2])
        q = tf.Variable(b, name="testExtendWithGroupBy_q")
        init = tf.group(p.initializer, q.initializer)
        s.run(init)
        p_val, q_val = s.run([p, q])
        np.testing.assert_array_equal(p_val, a_val)
        np.testing.assert_array_equal(q_val, [[2.0, 2.0]])


def test_tensor_get_method_and_operation_run_method():  # testTensorGetMethod / testOperationRunMethod
    with tf.Session():
        a = tf.constant(1.0, shape=[1, 2])
        b = tf.constant(2.0, shape=[2, 3])
        c = tf.matmul(a, b)
        assert c.eval().tolist() == [[4.0, 4.0, 4.0]]
        assert c.eval(feed_dict={a.name: [[4.0, 4.0]]}).tolist() == [[16.0, 16.0, 16.0]]
        b2 = tf.placeholder(tf.float32, shape=[1, 2], name="b2")
        v = tf.Variable([[0.0, 0.0]], name="testOperationRunMethod_v")
        v.initializer.run()
        assign_a = v.assign(a)
        assign_b = v.assign(b2)
        assign_a.eval()
        assert v.eval().tolist() == [[1.0, 1.0]]
        assign_b.eval(feed_dict={"b2:0": [[3.0, 3.0]]})
        assert v.eval().tolist() == [[3.0, 3.0]]


def test_default_graph_inside_session():  # testDefaultGraph
    with tf.Graph().as_default(), tf.Session() as sess:
        assert tf.get_default_graph() is sess.graph
        a = tf.constant(1.0, shape=[1, 2])
        v = tf.Variable(a)
        sess.run(v.initializer)
        assert sess.run(v.assign(tf.constant(2.0, shape=[1, 2]))).tolist() == [[2.0, 2.0]]


def test_default_graph_with_threads():  # testDefaultGraphWithThreads
    results = []
    errors = []

    def worker():
        try:
            with tf.Graph().as_default(), tf.Session() as sess:
                assert tf.get_default_graph() is sess.graph
                c = tf.constant(3.0) * 2.0
                results.append(float(sess.run(c)))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [6.0] * 10


def test_parallel_run_on_one_session():  # testParallelRun
    c = tf.constant(5.0)
    x = tf.placeholder(tf.float32, shape=[None])
    v = tf.Variable(0.0)
    y = x * c + v
    sess = tf.Session()
    sess.run(v.initializer)
    errors = []

    def worker(i):
        try:
            for k in range(50):
                assert c.eval(session=sess) == 5.0
                out = sess.run(y, {x: np.full(3, i + k, np.float32)})
                assert out.tolist() == [5.0 * (i + k)] * 3
        except Exception as e:  # pragma: no cover
            errors.append(e)
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sess.close()
    assert not errors


def test_run_feed_dict_forms():  # testRunFeedDict
    with tf.Session() as s:
        x = tf.zeros([2])
        y = s.run(2 * x, feed_dict={x: np.ones(2).astype(np.float32)})
        assert y.tolist() == [2.0, 2.0]
        y = s.run(2 * x, feed_dict={x.name: np.ones(2).astype(np.float32)})
        assert y.tolist() == [2.0, 2.0]
        y = s.run(2 * x, feed_dict={x: [1, 1]})
        assert y.tolist() == [2.0, 2.0]
        a, b = tf.placeholder(tf.float32), tf.placeholder(tf.float32)
        out = s.run(a + b, feed_dict={(a, b): (1.0, 2.0)})
        assert out == 3.0


def test_graph_def_grows():  # testGraphDef
    with tf.Session() as sess:
        assert len(sess.graph_def.node) == 0
        tf.constant(5.0, name="a")
        assert len(sess.graph_def.node) == 1
        tf.constant(6.0, name="b")
        assert len(sess.graph_def.node) == 2


def test_use_after_close():  # testUseAfterClose
    with tf.Session() as sess:
        c = tf.constant(5.0)
        assert sess.run(c) == 5.0
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session."):
        sess.run(c)


def test_use_after_close_concurrent():  # testUseAfterCloseConcurrent
    c = tf.constant(5.0)
    sess = tf.Session()
    seen = []

    def loop():
        while True:
            try:
                sess.run(c)
            except RuntimeError as e:
                seen.append(str(e))
                return
    t = threading.Thread(target=loop)
    t.start()
    sess.close()
    t.join(timeout=10)
    assert seen == ["Attempted to use a closed Session."]


@pytest.mark.parametrize("fetch", [[], (), {}])
def test_use_empty_graph(fetch):  # testUseEmptyGraph
    with tf.Session() as sess:
        with pytest.raises(RuntimeError, match=r"^The Session graph is empty\. Add operations"):
            sess.run(fetch)


def test_not_entered():  # testNotEntered
    assert tf.get_default_session() is None
    c1 = tf.constant(5.0)
    sess = tf.Session()
    with pytest.raises(ValueError, match="No default session is registered."):
        c1.eval()
    sess.close()


def test_interactive_and_extend():  # testInteractive
    sess = tf.InteractiveSession()
    a = tf.constant(1.0, shape=[1, 2])
    b = tf.constant(2.0, shape=[2, 3])
    c = tf.matmul(a, b)
    assert c.eval().tolist() == [[4.0, 4.0, 4.0]]
    d = tf.constant([1.0, 2.0, 3.0], shape=[3, 1])
    e = tf.matmul(c, d)
    assert e.eval().tolist() == [[24.0]]
    sess.close()


def test_multiple_interactive_sessions_warning():  # testMultipleInteractiveSessionsWarning
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        s1 = tf.InteractiveSession()
        s1.close()
        s2 = tf.InteractiveSession()
        s2.close()
    assert not w
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        s1 = tf.InteractiveSession()
        s2 = tf.InteractiveSession()
    assert len(w) == 1
    assert "An interactive session is already active" in str(w[0].message)
    s2.close()
    s1.close()


def test_interactive_sessions_closed_out_of_order_leave_clean_stack():
    s1 = tf.InteractiveSession()
    s2 = tf.InteractiveSession()
    c = tf.constant(1)
    s1.close()  # TF 1.15 raises a nesting AssertionError here; tfsess removes s1 cleanly
    assert tf.get_default_session() is s2
    assert c.eval() == 1
    s2.close()
    assert tf.get_default_session() is None


def test_shared_graph_two_sessions():  # testSharedGraph
    with tf.Graph().as_default() as g:
        c = tf.matmul(tf.constant(1.0, shape=[1, 2]), tf.constant(2.0, shape=[2, 3]))
    with tf.Session(graph=g) as sess1, tf.Session(graph=g) as sess2:
        np.testing.assert_array_equal(sess1.run(c), sess2.run(c))


def test_duplicated_inputs():  # testDuplicatedInputs
    with tf.Session() as sess:
        a = tf.constant(1.0, shape=[1, 2])
        b = tf.constant(2.0, shape=[1, 3])
        a_val, b_val, a2_val = sess.run([a, b, a])
        assert a_val.tolist() == [[1.0, 1.0]]
        assert b_val.tolist() == [[2.0, 2.0, 2.0]]
        assert a2_val.tolist() == [[1.0, 1.0]]


def test_stateful_op_listed_twice_runs_once():
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([inc, inc]) == [1.0, 1.0]
        assert sess.run(v) == 1.0


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int32, np.uint8, np.int16, np.int8,
                                   np.int64, np.bool_, np.complex64, np.complex128])
@pytest.mark.parametrize("shape", [[], [2, 3], [0, 3], [3, 0]])
def test_feed_and_fetch_roundtrip(dtype, shape):  # testFeedAndFetch
    with tf.Session() as sess:
        feed_t = tf.placeholder(dtype=tf.as_dtype(dtype), shape=shape)
        out_t = tf.identity(feed_t)
        np_array = np.random.randint(-10, 10, shape)
        if dtype == np.bool_:
            np_array = np_array > 0
        elif dtype in (np.complex64, np.complex128):
            np_array = np.sqrt(np_array.astype(dtype))
        else:
            np_array = np_array.astype(dtype)
        np.testing.assert_array_equal(np_array, sess.run(out_t, feed_dict={feed_t: np_array}))
        np.testing.assert_array_equal(np_array, sess.run(feed_t, feed_dict={feed_t: np_array}))
        out_v, feed_v = sess.run([out_t, feed_t], feed_dict={feed_t: np_array})
        np.testing.assert_array_equal(np_array, out_v)
        np.testing.assert_array_equal(np_array, feed_v)
        feed_fetch_runner = sess.make_callable([out_t, feed_t], [feed_t])
        out_v, feed_v = feed_fetch_runner(np_array)
        np.testing.assert_array_equal(np_array, out_v)
        np.testing.assert_array_equal(np_array, feed_v)


def test_fed_scalar_comes_back_as_0d_array_computed_as_scalar():
    a = tf.placeholder(tf.float32)
    with tf.Session() as s:
        fed = s.run(a, {a: 5})
        assert type(fed) is np.ndarray and fed.shape == () and fed.dtype == np.float32
        assert type(s.run(a * 1.0, {a: 5})) is np.float32


def test_feed_error_tensor_value():  # testFeedError
    with tf.Session() as sess:
        feed_t = tf.placeholder(dtype=tf.float32)
        out_t = tf.identity(feed_t)
        feed_val = tf.constant(5.0)
        with pytest.raises(TypeError, match="cannot be a tf.Tensor object"):
            sess.run(out_t, feed_dict={feed_t: feed_val})
        with pytest.raises(TypeError, match="cannot be a tf.Tensor object"):
            out_t.eval(feed_dict={feed_t: feed_val})
        with pytest.raises(TypeError, match="cannot be a tf.Tensor object"):
            out_t.op.run(feed_dict={feed_t: feed_val})


def test_feed_precision_loss_error():  # testFeedPrecisionLossError
    with tf.Session() as sess:
        largest_int64 = np.iinfo(np.int64).max
        feed_int_implicit_int32 = tf.constant(1)
        feed_int_explicit_int32 = tf.constant(1, dtype=tf.int32)
        out_t = tf.constant(1.0)
        with pytest.raises(TypeError, match="is not compatible with Tensor type"):
            sess.run(out_t, feed_dict={feed_int_implicit_int32: largest_int64})
        with pytest.raises(TypeError, match="is not compatible with Tensor type"):
            sess.run(out_t, feed_dict={feed_int_explicit_int32: largest_int64})


def test_string_fetch_and_feed():  # testStringFetch / testStringFeed / unicode / NUL
    with tf.Session() as sess:
        c = tf.constant(["a", "bc"])
        out = sess.run(c)
        assert out.dtype == object and out.tolist() == [b"a", b"bc"]
        s = tf.constant("hi")
        assert sess.run(s) == b"hi"
        p = tf.placeholder(tf.string, shape=[2])
        out = sess.run(tf.identity(p), {p: ["\u00e9t\u00e9", b"a\x00b"]})
        assert out.tolist() == ["\u00e9t\u00e9".encode("utf-8"), b"a\x00b"]


def test_fetch_by_name_different_string_types():  # testFetchByNameDifferentStringTypes
    with tf.Session() as sess:
        c = tf.constant(42.0, name="c")
        tf.constant(43.0, name="d")
        assert sess.run("c:0") == 42.0 and sess.run(b"c:0") == 42.0
        assert sess.run(["c:0", b"d:0"]) == [42.0, 43.0]
        assert isinstance(c.name, str)


def test_incorrect_graph():  # testIncorrectGraph
    with tf.Graph().as_default() as g_1:
        c_1 = tf.constant(1.0, name="c")
    with tf.Graph().as_default() as g_2:
        c_2 = tf.constant(2.0, name="c")
    with tf.Session(graph=g_1) as sess_1, tf.Session(graph=g_2) as sess_2:
        assert sess_1.run(c_1) == 1.0
        with pytest.raises(ValueError, match="is not an element of this graph"):
            sess_1.run(c_2)
        with pytest.raises(ValueError, match="is not an element of this graph"):
            sess_2.run(c_1.op)


def test_feed_dict_key_exception():  # testFeedDictKeyException
    with tf.Session() as sess:
        a = tf.constant(1.0, tf.float32, name="a")
        with pytest.raises(TypeError, match="Cannot interpret feed_dict"):
            sess.run(a, feed_dict={"a": [2.0]})


def test_feed_shape_compatibility():  # testFeedShapeCompatibility
    with tf.Session() as sess:
        some_tensor = tf.constant([2.0, 2.0, 2.0, 2.0])
        new_shape = tf.constant([2, 2])
        reshaped_tensor = tf.reshape(some_tensor, new_shape)
        with pytest.raises(ValueError, match="Cannot feed value of shape"):
            sess.run(reshaped_tensor, feed_dict={some_tensor: [1.0, 2.0, 3.0]})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Input to reshape is a tensor with 4 values, but the requested shape has 21"):
            sess.run(reshaped_tensor, feed_dict={new_shape: [3, 7]})


def test_non_interactive_session_nesting():  # testNonInteractiveSessionNesting
    sess1 = tf.Session()
    sess1_controller = sess1.as_default()
    sess1_controller.__enter__()
    sess2 = tf.Session()
    sess2_controller = sess2.as_default()
    sess2_controller.__enter__()
    with pytest.raises(AssertionError, match="Nesting violated"):
        sess1_controller.__exit__(None, None, None)
    sess2_controller.__exit__(None, None, None)
    sess1_controller.__exit__(None, None, None)
    assert tf.get_default_session() is None


def test_as_default():  # testAsDefault
    c = tf.constant(37)
    sess = tf.Session()
    with sess.as_default():
        assert c.eval() == 37
    with tf.Session().as_default():
        assert c.eval() == 37
    assert tf.get_default_session() is None
    assert sess.run(c) == 37  # as_default did not close it
    sess.close()


def test_reentry():  # testReentry
    sess = tf.Session()
    with pytest.raises(RuntimeError, match="not re-entrant"):
        with sess:
            with sess:
                pass
    sess.close()


def test_invalid_arguments():  # testInvalidArgument
    with pytest.raises(TypeError, match="Argument `target` must be a string"):
        tf.Session(37)
    with pytest.raises(TypeError, match="Argument `config` must be a tf.ConfigProto"):
        tf.Session(config=37)
    with pytest.raises(TypeError, match="Argument `graph` must be a tf.Graph"):
        tf.Session(graph=37)
    with pytest.raises(TypeError, match="Did you do \"Session\\(config\\)\""):
        tf.Session(tf.ConfigProto())
    with pytest.raises(tf.errors.NotFoundError, match="No session factory registered"):
        tf.Session("grpc://localhost:2222")


def test_open_and_close_session():  # testOpenAndCloseSession
    with tf.Session():
        pass


def test_auto_convert_and_check_data():  # testAutoConvertAndCheckData
    with tf.Session() as sess:
        a = tf.placeholder(dtype=tf.string)
        with pytest.raises(TypeError, match=r"Type of feed value 1 with type <class 'int'> is not"):
            sess.run({}, feed_dict={a: 1})


def test_make_callable_options_and_errors():  # testMakeCallable*WithRunOptions (adapted)
    with tf.Session() as sess:
        a = tf.placeholder(tf.float32, name="a")
        f = sess.make_callable(a * 2, [a], accept_options=True)
        assert f(3.0, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                 run_metadata=tf.RunMetadata()) == 6.0
        g = sess.make_callable(a * 3, ["a:0"])
        assert g(2.0) == 6.0
        with pytest.raises(TypeError, match="`feed_list` must be a list or tuple"):
            sess.make_callable(a, feed_list=a)


def test_run_options_accepted():
    with tf.Session() as sess:
        c = tf.constant(1.0)
        assert sess.run(c, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                        run_metadata=tf.RunMetadata()) == 1.0


def test_fetch_errors_texts():
    with tf.Session() as sess:
        tf.constant(1, name="a")
        with pytest.raises(TypeError) as e1:
            sess.run(3)
        assert str(e1.value) == ('Argument `fetch` = 3 has invalid type "int" must be a string or Tensor. '
                                 '(Can not convert a int into a Tensor or Operation.)')
        with pytest.raises(ValueError) as e2:
            sess.run("foo:0")
        assert str(e2.value).startswith("Argument `fetch` = foo:0 cannot be interpreted as a Tensor.")
        with pytest.raises(ValueError, match="refers to an Operation not in the graph"):
            sess.run("foo")


def test_pruning_only_runs_what_fetches_need():
    v = tf.Variable(0)
    tf.assign_add(v, 1)
    x = tf.placeholder(tf.float32)  # never fed: fine, it is not needed
    x * 2
    c = tf.constant(3)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(c) == 3
        assert sess.run(v) == 0  # the assign was not on the path


def test_plan_reused_and_graph_growth():
    a = tf.placeholder(tf.float32, [None])
    b = a * 2
    with tf.Session() as sess:
        for i in range(3):
            assert sess.run(b, {a: [i]}).tolist() == [2.0 * i]
        assert len(sess._plans) == 1
        c = b + 1  # the graph grows; the old plan stays valid
        assert sess.run(b, {a: [1]}).tolist() == [2.0]
        assert sess.run(c, {a: [1]}).tolist() == [3.0]


def test_fetched_arrays_do_not_alias_session_state():
    v = tf.Variable([1.0, 2.0])
    c = tf.constant([5.0, 6.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        out = sess.run(v)
        out[0] = 100.0
        assert sess.run(v).tolist() == [1.0, 2.0]
        k = sess.run(c)
        k[0] = 100.0
        assert sess.run(c).tolist() == [5.0, 6.0]
        r = sess.run(tf.reshape(v, [2, 1]))
        r[0, 0] = 7.0
        assert sess.run(v).tolist() == [1.0, 2.0]


def test_feeding_array_into_assign_copies_it():
    v = tf.Variable([0.0, 0.0])
    p = tf.placeholder(tf.float32, [2])
    set_v = tf.assign(v, p)
    arr = np.array([1.0, 2.0], np.float32)
    with tf.Session() as sess:
        sess.run(set_v, {p: arr})
        arr[0] = 99.0
        assert sess.run(v).tolist() == [1.0, 2.0]


def test_register_fetch_and_feed_conversion_functions():  # testRegisterFetchAndFeedConversionFunctions
    from tfsess.client.session import register_session_run_conversion_functions, _REGISTERED_CONVERSIONS

    class SquaredTensor:
        def __init__(self, tensor):
            self.sq = tf.square(tensor)

    try:
        register_session_run_conversion_functions(
            SquaredTensor, lambda st: ([st.sq], lambda v: v[0]), lambda st, v: [(st.sq, v)])
        with pytest.raises(ValueError, match="has already been registered"):
            register_session_run_conversion_functions(SquaredTensor, lambda st: ([st.sq], lambda v: v[0]))
        with tf.Session() as sess:
            squared = SquaredTensor(tf.constant([1.0, 2.0]))
            assert sess.run(squared).tolist() == [1.0, 4.0]
            assert sess.run([squared])[0].tolist() == [1.0, 4.0]
            assert sess.run(squared.sq, {squared: [5.0, 6.0]}).tolist() == [5.0, 6.0]
    finally:
        _REGISTERED_CONVERSIONS.pop(SquaredTensor, None)


def test_feed_checks_still_apply_when_a_plan_is_reused():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = tf.reduce_sum(x)
    with tf.Session() as sess:
        assert sess.run(y, {x: np.ones((3, 2), np.float32)}) == 6.0  # the plan is now cached
        assert sess.run(y, {x: [[1, 2]]}) == 3.0                     # lists are converted
        assert sess.run(y, {x: np.ones((1, 2))}) == 2.0               # float64 is converted
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(3,\) for Tensor x:0"):
            sess.run(y, {x: np.ones(3, np.float32)})
        with pytest.raises(TypeError, match="cannot be a tf.Tensor object"):
            sess.run(y, {x: tf.ones([1, 2])})
        assert sess.run(x, {x: np.ones((1, 2), np.float32)}).shape == (1, 2)  # a fed fetch
