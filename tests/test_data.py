"""tf.data: dataset transformations, iterator kinds, OutOfRangeError timing, seeded shuffling, per-session state."""
from __future__ import annotations

import numpy as np
import pytest

import tfsess as tf


def drain(sess, t, feed=None):
    out = []
    while True:
        try:
            out.append(sess.run(t, feed))
        except tf.errors.OutOfRangeError:
            return out


def test_initializable_iterator_over_a_fed_placeholder_and_out_of_range_timing():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        ds = tf.data.Dataset.from_tensor_slices((x, tf.range(4))).map(lambda a, b: (a * 2, b)).batch(3)
        assert ds.output_types == (tf.float32, tf.int32)
        assert [s.as_list() for s in ds.output_shapes] == [[None, 2], [None]]
        it = ds.make_initializable_iterator()
        a, b = it.get_next()
        assert (a.name, b.name) == ("IteratorGetNext:0", "IteratorGetNext:1")
        with tf.Session() as s:
            with pytest.raises(tf.errors.FailedPreconditionError, match="^GetNext\\(\\) failed because the iterator "
                                                                        "has not been initialized."):
                s.run(a)
            s.run(it.initializer, {x: [[1, 2], [3, 4], [5, 6], [7, 8]]})
            first = s.run([a, b])
            assert first[0].tolist() == [[2, 4], [6, 8], [10, 12]] and first[1].tolist() == [0, 1, 2]
            assert s.run(b).tolist() == [3]
            with pytest.raises(tf.errors.OutOfRangeError, match="^End of sequence"):
                s.run(b)
            with pytest.raises(tf.errors.OutOfRangeError):   # stays exhausted
                s.run(b)
            s.run(it.initializer, {x: np.zeros((4, 2))})      # re-initializing starts over
            assert s.run(b).tolist() == [0, 1, 2]


def test_one_shot_iterator_state_lives_in_the_session():
    with tf.Graph().as_default():
        n = tf.compat.v1.data.make_one_shot_iterator(tf.data.Dataset.range(3)).get_next()
        assert n.dtype == tf.int64 and n.shape.as_list() == []
        s1, s2 = tf.Session(), tf.Session()
        assert s1.run(n) == 0 and s1.run(n) == 1
        assert s2.run(n) == 0                       # another session has its own position
        assert s1.run(n) == 2
        with pytest.raises(tf.errors.OutOfRangeError):
            s1.run(n)
        assert s2.run(n) == 1
        s1.close()
        s2.close()


def test_transformations():
    with tf.Graph().as_default():
        r = tf.data.Dataset.range
        cases = {
            "filter": (r(10).filter(lambda v: tf.equal(v % 3, 0)), [0, 3, 6, 9]),
            "take_skip": (r(10).skip(2).take(3), [2, 3, 4]),
            "repeat": (r(2).repeat(3), [0, 1, 0, 1, 0, 1]),
            "batch_drop": (r(7).batch(3, drop_remainder=True), [[0, 1, 2], [3, 4, 5]]),
            "zip": (tf.data.Dataset.zip((r(3), r(5).map(lambda v: v * 10))), [(0, 0), (1, 10), (2, 20)]),
            "from_tensors": (tf.data.Dataset.from_tensors([1, 2]), [[1, 2]]),
            "prefetch_cache": (r(3).cache().prefetch(1).repeat(2), [0, 1, 2, 0, 1, 2]),
            "concatenate": (r(2).concatenate(r(5, 7)), [0, 1, 5, 6]),
            "unbatch": (r(5).batch(2).unbatch(), [0, 1, 2, 3, 4]),
            "padded": (r(1, 4).map(lambda v: tf.fill([v], v)).padded_batch(2, padded_shapes=[None]),
                       [[[1, 0], [2, 2]], [[3, 3, 3]]]),
        }
        iters = {k: tf.data.make_one_shot_iterator(d).get_next() for k, (d, _) in cases.items()}
        assert cases["batch_drop"][0].output_shapes.as_list() == [3]
        with tf.Session() as s:
            for k, (_, want) in cases.items():
                got = [v.tolist() if isinstance(v, np.ndarray) else tuple(int(x) for x in v) if isinstance(v, tuple)
                       else int(v) for v in drain(s, iters[k])]
                assert got == want, k


def test_dict_elements_and_map_captures_outer_tensors():
    with tf.Graph().as_default():
        scale = tf.placeholder(tf.float32, [])
        ds = tf.data.Dataset.from_tensor_slices({"x": np.arange(4, dtype=np.float32), "y": np.arange(4) % 2})
        ds = ds.map(lambda d: (d["x"] * scale, d["y"]))
        it = ds.make_initializable_iterator()
        x, y = it.get_next()
        with tf.Session() as s:
            s.run(it.initializer, {scale: 10.0})   # captured at initialization, as TF does
            assert [v.tolist() for v in drain(s, x)] == [0.0, 10.0, 20.0, 30.0]


def test_shuffle_seeding_follows_graph_and_op_seeds():
    def order(graph_seed, op_seed, epochs=1):
        with tf.Graph().as_default():
            if graph_seed is not None:
                tf.set_random_seed(graph_seed)
            n = tf.data.make_one_shot_iterator(tf.data.Dataset.range(20).shuffle(8, seed=op_seed).repeat(epochs))
            with tf.Session() as s:
                return [int(v) for v in drain(s, n.get_next())]
    a = order(None, 7)
    assert sorted(a) == list(range(20)) and a != list(range(20))
    assert a == order(None, 7) and a != order(None, 8)
    assert order(1, None) == order(1, None) != order(2, None)
    assert order(1, 3) == order(1, 3) != order(2, 3)
    two = order(None, 7, epochs=2)
    assert two[:20] == a and two[20:] != a and sorted(two[20:]) == list(range(20))   # reshuffled each epoch
    assert len({tuple(order(None, None)) for _ in range(3)}) > 1                    # unseeded: random


def test_from_generator_and_text_lines(tmp_path):
    def gen():
        for i in range(3):
            yield i, [float(i)] * 2
    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_generator(gen, (tf.int32, tf.float32), (tf.TensorShape([]), tf.TensorShape([2])))
        a, b = tf.data.make_one_shot_iterator(ds).get_next()
        bad = tf.data.make_one_shot_iterator(tf.data.Dataset.from_generator(
            lambda: iter([[1, 2, 3]]), tf.int32, tf.TensorShape([2]))).get_next()
        p = tmp_path / "t.txt"
        p.write_bytes(b"alpha\nbeta\r\ngamma")
        lines = tf.data.make_one_shot_iterator(tf.data.TextLineDataset(str(p))).get_next()
        with tf.Session() as s:
            assert [tuple(v.tolist() if hasattr(v, "tolist") else v for v in s.run([a, b]))
                    for _ in range(3)] == [(0, [0.0, 0.0]), (1, [1.0, 1.0]), (2, [2.0, 2.0])]
            with pytest.raises(tf.errors.OutOfRangeError):
                s.run(a)
            with pytest.raises(tf.errors.InvalidArgumentError, match="yielded an element of shape"):
                s.run(bad)
            assert drain(s, lines) == [b"alpha", b"beta", b"gamma"]


def test_reinitializable_and_feedable_iterators():
    with tf.Graph().as_default():
        train = tf.data.Dataset.range(100).map(lambda v: v * 2)
        val = tf.data.Dataset.range(3)
        it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
        nxt = it.get_next()
        init_train, init_val = it.make_initializer(train), it.make_initializer(val)
        with pytest.raises(TypeError, match="Expected output types"):
            it.make_initializer(tf.data.Dataset.from_tensors(1.0))
        handle = tf.placeholder(tf.string, [])
        feedable = tf.data.Iterator.from_string_handle(handle, train.output_types, train.output_shapes)
        fnext = feedable.get_next()
        t_it = train.make_one_shot_iterator()
        v_it = val.make_initializable_iterator()
        with tf.Session() as s:
            s.run(init_train)
            assert [s.run(nxt) for _ in range(2)] == [0, 2]
            s.run(init_val)
            assert [s.run(nxt) for _ in range(3)] == [0, 1, 2]
            th, vh = s.run([t_it.string_handle(), v_it.string_handle()])
            s.run(v_it.initializer)
            assert s.run(fnext, {handle: th}) == 0 and s.run(fnext, {handle: vh}) == 0
            assert s.run(fnext, {handle: th}) == 2 and s.run(fnext, {handle: vh}) == 1


def test_structure_errors_as_tf():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Dimensions 2 and 3 are not compatible"):
            tf.data.Dataset.from_tensor_slices(([1, 2], [1, 2, 3]))
        with pytest.raises(ValueError, match="`predicate` return type must be convertible to a scalar boolean"):
            tf.data.Dataset.range(3).filter(lambda v: v)
        with pytest.raises(RuntimeError, match="__iter__\\(\\) is only supported"):
            iter(tf.data.Dataset.range(3))
        ragged = tf.data.make_one_shot_iterator(tf.data.Dataset.range(1, 3).map(lambda v: tf.fill([v], v)).batch(2))
        with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError,
                                              match="Cannot batch tensors with different shapes in component 0"):
            s.run(ragged.get_next())


def test_training_from_a_dataset():
    rng = np.random.RandomState(0)
    xs = rng.randn(64, 3).astype(np.float32)
    ys = (xs @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        ds = tf.data.Dataset.from_tensor_slices((xs, ys)).shuffle(64).batch(16).repeat()
        x, y = ds.make_one_shot_iterator().get_next()
        pred = tf.layers.dense(x, 1)
        loss = tf.reduce_mean(tf.square(pred - y))
        step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            for _ in range(200):
                s.run(step)
            assert s.run(loss) < 1e-3


def test_flat_map_and_interleave(tmp_path):
    (tmp_path / "a.txt").write_text("a1\na2\na3\n")
    (tmp_path / "b.txt").write_text("b1\nb2\n")
    with tf.Graph().as_default():
        files = tf.data.Dataset.from_tensor_slices([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
        flat = tf.data.make_one_shot_iterator(files.flat_map(tf.data.TextLineDataset)).get_next()
        mixed = tf.data.make_one_shot_iterator(files.interleave(tf.data.TextLineDataset, cycle_length=2)).get_next()
        rep = tf.data.Dataset.range(1, 4).flat_map(lambda v: tf.data.Dataset.from_tensors(v).repeat(v))
        rep_next = tf.data.make_one_shot_iterator(rep).get_next()
        with tf.Session() as s:
            assert drain(s, flat) == [b"a1", b"a2", b"a3", b"b1", b"b2"]
            assert drain(s, mixed) == [b"a1", b"b1", b"a2", b"b2", b"a3"]
            assert [int(v) for v in drain(s, rep_next)] == [1, 2, 2, 3, 3, 3]
