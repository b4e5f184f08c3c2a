"""tf.train.Saver extras: get_checkpoint_state, checkpoint_exists, latest_checkpoint, max_to_keep and
import_meta_graph for graphs that tfsess saved (the save/restore tutorials' workflow)."""
import os

import numpy as np
import pytest

import tfsess as tf


def _build_model():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.Variable([[1.0], [2.0]], name="w")
    b = tf.Variable(0.5, name="b")
    y = tf.add(tf.matmul(x, w), b, name="y")
    step = tf.train.get_or_create_global_step()
    loss = tf.reduce_mean(tf.square(y), name="loss")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step, name="train")
    tf.add_to_collection("train_op", train)
    tf.add_to_collection("prediction", y)
    return x, w, b, y, train, step


def test_checkpoint_state_files_and_max_to_keep(tmp_path):
    _, w, _, _, train, step = _build_model()
    saver = tf.train.Saver(max_to_keep=2)
    prefix = str(tmp_path / "model.ckpt")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        paths = []
        for i in range(4):
            sess.run(train, {"x:0": np.ones([3, 2])})
            paths.append(saver.save(sess, prefix, global_step=step))
    assert paths == [prefix + "-%d" % i for i in (1, 2, 3, 4)]
    assert [tf.train.checkpoint_exists(p) for p in paths] == [False, False, True, True]
    assert saver.last_checkpoints == paths[2:]
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == paths[-1]
    assert state.all_model_checkpoint_paths == paths[2:]
    assert tf.train.latest_checkpoint(str(tmp_path)) == paths[-1]
    assert not os.path.exists(paths[0] + ".meta") and os.path.exists(paths[-1] + ".meta")
    assert tf.train.get_checkpoint_state(str(tmp_path / "nothing_here")) is None
    assert tf.train.latest_checkpoint(str(tmp_path / "nothing_here")) is None


def test_relative_paths_in_state_file(tmp_path):
    _build_model()
    saver = tf.train.Saver(save_relative_paths=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"))
    with open(tmp_path / "checkpoint") as f:
        assert f.read().splitlines()[0] == 'model_checkpoint_path: "m"'
    assert tf.train.get_checkpoint_state(str(tmp_path)).model_checkpoint_path == path


def test_restore_latest_into_a_fresh_graph(tmp_path):
    _, w, b, y, train, _ = _build_model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {"x:0": np.ones([3, 2])})
        want = sess.run([w, b])
        saver.save(sess, str(tmp_path / "model.ckpt"))
    tf.reset_default_graph()
    _, w2, b2, _, _, _ = _build_model()
    saver2 = tf.train.Saver()
    with tf.Session() as sess:
        saver2.restore(sess, tf.train.latest_checkpoint(str(tmp_path)))
        got = sess.run([w2, b2])
    np.testing.assert_allclose(got[0], want[0])
    assert got[1] == pytest.approx(want[1])


def test_import_meta_graph_restores_and_keeps_training(tmp_path):
    x, w, b, y, train, step = _build_model()
    saver = tf.train.Saver()
    feed = {x: np.array([[1.0, 1.0], [0.5, -1.0]], np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, feed)
        path = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
        expected_y = sess.run(y, feed)
        sess.run(train, feed)
        expected_after_step = sess.run([w, b])
    tf.reset_default_graph()
    new_saver = tf.train.import_meta_graph(path + ".meta")
    g = tf.get_default_graph()
    with tf.Session() as sess:
        new_saver.restore(sess, path)
        x2 = g.get_tensor_by_name("x:0")
        y2 = tf.get_collection("prediction")[0]
        train2 = tf.get_collection("train_op")[0]
        assert y2.name == "y:0" and train2.type == train.type
        np.testing.assert_allclose(sess.run(y2, {x2: feed[x]}), expected_y, rtol=1e-6)
        assert sess.run("global_step:0") == 1
        sess.run(train2, {x2: feed[x]})
        np.testing.assert_allclose(sess.run("w:0"), expected_after_step[0], rtol=1e-6)
        assert sess.run("global_step:0") == 2
        assert [v.name for v in tf.trainable_variables()] == ["w:0", "b:0"]
        assert tf.train.get_global_step().name == "global_step:0"
        # the imported graph can be extended; new names do not collide with imported ones
        z = tf.multiply(y2, 2.0, name="y")
        assert z.name == "y_1:0"
        tf.global_variables_initializer()


def test_import_meta_graph_with_scope_and_missing_file(tmp_path):
    _build_model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"))
    tf.reset_default_graph()
    tf.train.import_meta_graph(path + ".meta", import_scope="imported")
    g = tf.get_default_graph()
    assert g.get_tensor_by_name("imported/y:0").op.type == "AddV2"
    assert [v.name for v in tf.global_variables()] == ["imported/w:0", "imported/b:0", "imported/global_step:0"]
    with tf.name_scope("imported"):
        c = tf.constant(1.0)
    assert c.name == "imported_1/Const:0"
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.import_meta_graph(str(tmp_path / "nope.meta"))


def test_relative_save_path_creates_directory_and_state_like_tf(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tf.Variable(1.0)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert saver.save(sess, "model/model.ckpt") == "model/model.ckpt"   # TF 2.x creates the directory
        with open("model/checkpoint") as f:
            assert f.read().splitlines()[0] == 'model_checkpoint_path: "model.ckpt"'
        assert tf.train.latest_checkpoint("model") == "model/model.ckpt"
        assert saver.save(sess, "model/model.ckpt", global_step=3) == "model/model.ckpt-3"
        state = tf.train.get_checkpoint_state("model")
        assert state.model_checkpoint_path == "model/model.ckpt-3"
        assert state.all_model_checkpoint_paths == ["model/model.ckpt", "model/model.ckpt-3"]
        saver.restore(sess, tf.train.latest_checkpoint("model"))
