"""tf.nn.rnn_cell, dynamic_rnn, static_rnn, bidirectional_dynamic_rnn, tf.TensorArray: TF's variable names,
outputs against hand-written NumPy for each cell type, sequence_length, and gradients through the loop."""
from __future__ import annotations

import numpy as np
import pytest

import tfsess as tf
from tfsess.testing import check_grads

rnn_cell = tf.nn.rnn_cell


def sig(x):
    return 1 / (1 + np.exp(-x))


def np_basic_rnn(w, x, h):
    k, b = w
    return np.tanh(np.concatenate([x, h], 1) @ k + b), None


def np_basic_lstm(w, x, state, forget_bias=1.0):
    k, b = w
    c, h = state
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ k + b, 4, axis=1)
    c = c * sig(f + forget_bias) + sig(i) * np.tanh(j)
    h = np.tanh(c) * sig(o)
    return h, (c, h)


def np_lstm_peep_proj(w, x, state):
    k, b, wf, wi, wo, p = w
    c, m = state
    i, j, f, o = np.split(np.concatenate([x, m], 1) @ k + b, 4, axis=1)
    c = sig(f + 1.0 + wf * c) * c + sig(i + wi * c) * np.tanh(j)
    m = (sig(o + wo * c) * np.tanh(c)) @ p
    return m, (c, m)


def np_gru(w, x, h):
    gk, gb, ck, cb = w
    r, u = np.split(sig(np.concatenate([x, h], 1) @ gk + gb), 2, axis=1)
    cand = np.tanh(np.concatenate([x, r * h], 1) @ ck + cb)
    h = u * h + (1 - u) * cand
    return h, None


def run_np(step, w, xs, state, seq=None):
    """Unroll a NumPy cell over [batch, time, depth] with TF's sequence_length rule."""
    outs = []
    for t in range(xs.shape[1]):
        out, new = step(w, xs[:, t], state)
        new = out if new is None else new
        if seq is not None:
            m = (t < np.asarray(seq))[:, None]
            out = out * m
            new = tuple(np.where(m, a, b) for a, b in zip(new, state)) if isinstance(new, tuple) else \
                np.where(m, new, state)
        outs.append(out)
        state = new
    return np.stack(outs, 1), state


CELLS = [
    ("basic_rnn", lambda: rnn_cell.BasicRNNCell(4), np_basic_rnn, ["basic_rnn_cell/kernel", "basic_rnn_cell/bias"],
     lambda b: np.zeros((b, 4))),
    ("basic_lstm", lambda: rnn_cell.BasicLSTMCell(4), np_basic_lstm,
     ["basic_lstm_cell/kernel", "basic_lstm_cell/bias"], lambda b: (np.zeros((b, 4)), np.zeros((b, 4)))),
    ("lstm_peepholes_projection", lambda: rnn_cell.LSTMCell(4, use_peepholes=True, num_proj=3), np_lstm_peep_proj,
     ["lstm_cell/kernel", "lstm_cell/bias", "lstm_cell/w_f_diag", "lstm_cell/w_i_diag", "lstm_cell/w_o_diag",
      "lstm_cell/projection/kernel"], lambda b: (np.zeros((b, 4)), np.zeros((b, 3)))),
    ("gru", lambda: rnn_cell.GRUCell(4), np_gru, ["gru_cell/gates/kernel", "gru_cell/gates/bias",
                                                  "gru_cell/candidate/kernel", "gru_cell/candidate/bias"],
     lambda b: np.zeros((b, 4))),
]


@pytest.mark.parametrize("name,make,ref,var_names,zero", CELLS, ids=[c[0] for c in CELLS])
@pytest.mark.parametrize("time_major", [False, True])
def test_dynamic_rnn_matches_numpy(name, make, ref, var_names, zero, time_major):
    rng = np.random.RandomState(1)
    xs = rng.randn(3, 5, 2)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None, 5, 2])
        seq = tf.placeholder(tf.int32, [None])
        feed_x = tf.transpose(x, [1, 0, 2]) if time_major else x
        outs, state = tf.nn.dynamic_rnn(make(), feed_x, sequence_length=seq, dtype=tf.float64, time_major=time_major)
        if time_major:
            outs = tf.transpose(outs, [1, 0, 2])
        assert [v.op.name for v in tf.global_variables()] == ["rnn/" + n for n in var_names]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            w = s.run(tf.global_variables())
            w = [v + rng.uniform(-0.3, 0.3, v.shape) for v in w]  # non-zero biases and peepholes
            for v, val in zip(tf.global_variables(), w):
                v.load(val, s)
            lengths = [5, 2, 0]
            got_out, got_state = s.run([outs, state], {x: xs, seq: lengths})
        want_out, want_state = run_np(ref, w, xs, zero(3), lengths)
        np.testing.assert_allclose(got_out, want_out, rtol=1e-10, atol=1e-12)
        for a, b in zip(_flat(got_state), _flat(want_state)):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _flat(x):
    if isinstance(x, (tuple, list)):
        return [y for i in x for y in _flat(i)]
    return [x]


def test_state_structures_names_and_static_shapes():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 7, 3])
        cell = rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(4), rnn_cell.GRUCell(5)])
        assert cell.state_size == (rnn_cell.LSTMStateTuple(4, 4), 5) and cell.output_size == 5
        outs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        assert outs.shape.as_list() == [2, 7, 5]
        assert isinstance(state[0], rnn_cell.LSTMStateTuple) and state[1].shape.as_list() == [2, 5]
        assert [v.op.name for v in tf.trainable_variables()][:2] == [
            "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel", "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias"]
        assert tf.trainable_variables()[0].shape.as_list() == [7, 16]
        assert any(op.name.startswith("rnn/while/") for op in tf.get_default_graph().get_operations())
        with pytest.raises(ValueError, match="If there is no initial_state, you must give a dtype."):
            tf.nn.dynamic_rnn(rnn_cell.GRUCell(2), x, scope="other")
        init = rnn_cell.BasicRNNCell(3).zero_state(2, tf.float32)
        assert init.shape.as_list() == [2, 3]


def test_static_rnn_shares_weights_and_matches_dynamic():
    rng = np.random.RandomState(2)
    xs = rng.randn(2, 4, 3)
    with tf.Graph().as_default():
        x = tf.constant(xs)
        cell = rnn_cell.BasicLSTMCell(3)
        d_out, d_state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float64)
        s_out, s_state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float64)
        assert len(tf.global_variables()) == 2  # the same cell reuses its variables
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            a, b, c, d = s.run([d_out, tf.stack(s_out, 1), d_state, s_state])
        np.testing.assert_allclose(a, b, rtol=1e-12)
        np.testing.assert_allclose(c.h, d.h, rtol=1e-12)
        assert tf.contrib.rnn.BasicLSTMCell is rnn_cell.BasicLSTMCell


def test_bidirectional_dynamic_rnn_reverses_within_sequence_length():
    rng = np.random.RandomState(3)
    xs = rng.randn(2, 4, 2)
    with tf.Graph().as_default():
        x = tf.constant(xs)
        (fw, bw), (sf, sb) = tf.nn.bidirectional_dynamic_rnn(rnn_cell.BasicRNNCell(3), rnn_cell.BasicRNNCell(3), x,
                                                             sequence_length=[4, 2], dtype=tf.float64)
        names = [v.op.name for v in tf.global_variables()]
        assert names == ["bidirectional_rnn/fw/basic_rnn_cell/kernel", "bidirectional_rnn/fw/basic_rnn_cell/bias",
                         "bidirectional_rnn/bw/basic_rnn_cell/kernel", "bidirectional_rnn/bw/basic_rnn_cell/bias"]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            w = s.run(tf.global_variables())
            got_bw, got_sb = s.run([bw, sb])
        rev = xs.copy()
        rev[1, :2] = xs[1, 1::-1]
        rev[0] = xs[0, ::-1]
        out, st = run_np(np_basic_rnn, w[2:], rev, np.zeros((2, 3)), [4, 2])
        want = out.copy()
        want[0] = out[0, ::-1]
        want[1, :2] = out[1, 1::-1]
        np.testing.assert_allclose(got_bw, want, rtol=1e-10)
        np.testing.assert_allclose(got_sb, st, rtol=1e-10)


def test_dropout_wrapper_keeps_lstm_c_and_scales():
    with tf.Graph().as_default():
        x = tf.ones([50, 3, 4])
        cell = rnn_cell.DropoutWrapper(rnn_cell.BasicLSTMCell(6), output_keep_prob=0.5, seed=3)
        outs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        ref, _ = tf.nn.dynamic_rnn(rnn_cell.BasicLSTMCell(6), x, dtype=tf.float32, scope="ref")
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            o = s.run(outs)
        zero = o == 0
        assert 0.3 < zero.mean() < 0.7
        assert [v.op.name for v in tf.global_variables()][0] == "rnn/basic_lstm_cell/kernel"
        del ref


def test_gradients_through_dynamic_rnn_match_finite_differences():
    rng = np.random.RandomState(4)

    def build(cls):
        def f(x, h0):
            def getter(getter_fn, name, shape=None, *args, **kwargs):  # constant weights: no initialization
                return tf.constant(np.random.RandomState(len(name)).uniform(-0.5, 0.5, shape))
            with tf.variable_scope("m", custom_getter=getter):
                cell = cls(2)
                outs, state = tf.nn.dynamic_rnn(cell, x, initial_state=h0, sequence_length=[3, 1])
            return [outs, state]
        return f
    check_grads(build(rnn_cell.GRUCell), [rng.randn(2, 3, 2), rng.randn(2, 2)], rtol=1e-4, atol=1e-6)
    check_grads(build(rnn_cell.BasicRNNCell), [rng.randn(2, 3, 2), rng.randn(2, 2)], rtol=1e-4, atol=1e-6)


def test_weight_gradients_match_finite_differences():
    rng = np.random.RandomState(5)
    xs = rng.randn(2, 3, 2)

    def f(kernel, bias):
        cell = rnn_cell.BasicLSTMCell(2)
        # the cell's variables are read through a custom getter, so kernel/bias are the checked inputs
        def getter(getter_fn, name, *args, **kwargs):
            return kernel if name.endswith("kernel") else bias
        with tf.variable_scope("g", custom_getter=getter):
            outs, _ = tf.nn.dynamic_rnn(cell, tf.constant(xs), dtype=tf.float64)
        return outs
    check_grads(f, [rng.randn(4, 8) * 0.5, rng.randn(8) * 0.5], rtol=1e-4, atol=1e-6)


def test_tensor_array_write_read_stack_and_errors():
    with tf.Graph().as_default():
        ta = tf.TensorArray(tf.float32, size=3)
        ta = ta.write(0, [1.0, 2.0]).write(2, [5.0, 6.0])
        r = ta.read(2)
        full = ta.write(1, [3.0, 4.0]).stack()
        unread = ta.read(1)
        again = ta.write(0, [0.0, 0.0]).read(0)
        with tf.Session() as s:
            assert s.run(r).tolist() == [5.0, 6.0]
            assert s.run(full).tolist() == [[1, 2], [3, 4], [5, 6]]
            assert s.run(ta.size()) == 3
            with pytest.raises(tf.errors.InvalidArgumentError, match="because it has not yet been written to"):
                s.run(unread)
            with pytest.raises(tf.errors.InvalidArgumentError, match="because it has already been written to"):
                s.run(again)


def test_reverse_sequence():
    x = np.arange(12).reshape(2, 3, 2)
    with tf.Graph().as_default(), tf.Session() as s:
        got = s.run(tf.reverse_sequence(x, [3, 1], seq_axis=1, batch_axis=0))
    want = x.copy()
    want[0] = x[0, ::-1]
    np.testing.assert_array_equal(got, want)


def test_dense_on_rnn_outputs_with_unknown_batch():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4, 3])
        outs, _ = tf.nn.dynamic_rnn(rnn_cell.GRUCell(5), x, dtype=tf.float32)
        scores = tf.layers.dense(outs, 7)
        assert scores.shape.as_list() == [None, 4, 7]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            assert s.run(scores, {x: np.ones((2, 4, 3))}).shape == (2, 4, 7)


def test_lstm_concatenated_state_clip_and_wrappers_match_numpy():
    rng = np.random.RandomState(6)
    xs = rng.randn(2, 3, 2)
    with tf.Graph().as_default():
        x = tf.constant(xs)
        cell = rnn_cell.LSTMCell(3, cell_clip=0.2, state_is_tuple=False)
        assert cell.state_size == 6
        outs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float64)
        res_outs, _ = tf.nn.dynamic_rnn(rnn_cell.ResidualWrapper(rnn_cell.BasicRNNCell(2)), x, dtype=tf.float64,
                                        scope="res")
        fw, bw = rnn_cell.BasicRNNCell(2), rnn_cell.BasicRNNCell(2)
        s_outs, s_fw, s_bw = tf.nn.static_bidirectional_rnn(fw, bw, tf.unstack(x, axis=1), dtype=tf.float64)
        assert [o.shape.as_list() for o in s_outs] == [[2, 4]] * 3
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            k, b, rk, rb, fk, fb, bk, bb = s.run(tf.global_variables())
            got, st, got_res, got_s = s.run([outs, state, res_outs, s_outs])
    c = np.zeros((2, 3))
    m = np.zeros((2, 3))
    for t in range(3):
        i, j, f, o = np.split(np.concatenate([xs[:, t], m], 1) @ k + b, 4, axis=1)
        c = np.clip(sig(f + 1.0) * c + sig(i) * np.tanh(j), -0.2, 0.2)
        m = sig(o) * np.tanh(c)
        np.testing.assert_allclose(got[:, t], m, rtol=1e-10)
    np.testing.assert_allclose(st, np.concatenate([c, m], 1), rtol=1e-10)
    want_res, _ = run_np(np_basic_rnn, [rk, rb], xs, np.zeros((2, 2)))
    np.testing.assert_allclose(got_res, want_res + xs, rtol=1e-10)
    f_out, _ = run_np(np_basic_rnn, [fk, fb], xs, np.zeros((2, 2)))
    b_out, _ = run_np(np_basic_rnn, [bk, bb], xs[:, ::-1], np.zeros((2, 2)))
    for t in range(3):
        np.testing.assert_allclose(got_s[t], np.concatenate([f_out[:, t], b_out[:, 2 - t]], 1), rtol=1e-10)


def test_tensor_array_gradients_match_finite_differences():
    def in_loop(x):   # the same item read twice per step: gradient flows are added (AddN of TensorLists)
        ta = tf.TensorArray(tf.float64, size=3).unstack(x)

        def body(t, acc):
            return t + 1, acc + ta.read(t) * ta.read(t) + tf.sin(ta.read(2 - t))
        return tf.while_loop(lambda t, a: t < 3, body, [0, tf.zeros([2], tf.float64)])[1]
    check_grads(in_loop, [np.random.RandomState(0).randn(3, 2)])

    def scatter_gather(x):
        return tf.TensorArray(tf.float64, size=3).scatter([2, 0, 1], x).gather([1, 2]) * 3.0
    check_grads(scatter_gather, [np.random.RandomState(2).randn(3, 2)])
