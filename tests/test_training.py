"""Training programs train as in real TensorFlow; optimizers, slots, global step, decay and checkpoints.

The loss curves in REFERENCE were printed by real TensorFlow 2.21 (`tensorflow.compat.v1` with
`tf.disable_v2_behavior()`, CPU) running the same programs, tests/training_programs.py:

    cd tests && /work/venvs/tf/bin/python -c "import tensorflow.compat.v1 as tf; tf.disable_v2_behavior(); \\
        import training_programs as p; p.print_reference(tf)"

Each entry: (model, optimizer) -> (losses at training_programs.RECORDED_STEPS, final global step).
Other expected names, values and messages below were printed by the same TensorFlow.
"""
import os

import numpy as np
import pytest

import tfsess as tf

import training_programs as programs

REFERENCE = {
    ('logistic', 'sgd'): (
        [0.7593117952346802, 0.6531280875205994, 0.5762758255004883, 0.5202979445457458, 0.4466550350189209,
         0.35846608877182007, 0.29305824637413025, 0.26399901509284973, 0.24658308923244476, 0.23465174436569214,
         0.2258436381816864, 0.21902251243591309, 0.21356013417243958, 0.20907524228096008, 0.2053207904100418],
        None),
    ('logistic', 'momentum'): (
        [0.7593117952346802, 0.7367106676101685, 0.6962513327598572, 0.6440398693084717, 0.5295015573501587,
         0.33647072315216064, 0.23729196190834045, 0.20945920050144196, 0.19679947197437286, 0.19063913822174072,
         0.18704377114772797, 0.18459290266036987, 0.182703897356987, 0.18115375936031342, 0.17985403537750244],
        None),
    ('logistic', 'nesterov'): (
        [0.7593117952346802, 0.7169475555419922, 0.6628977060317993, 0.603946328163147, 0.49271148443222046,
         0.32799455523490906, 0.2387375682592392, 0.21185101568698883, 0.19945862889289856, 0.1930016577243805,
         0.18903741240501404, 0.1862453669309616, 0.18408478796482086, 0.18232794106006622, 0.1808641254901886],
        None),
    ('logistic', 'adam'): (
        [0.7593117952346802, 0.7196604013442993, 0.6835048198699951, 0.6507527232170105, 0.5944547057151794,
         0.48944687843322754, 0.36165350675582886, 0.29952239990234375, 0.26664599776268005, 0.246870219707489,
         0.23366957902908325, 0.22406718134880066, 0.2166512906551361, 0.21069681644439697, 0.20578725636005402],
        None),
    ('logistic', 'adagrad'): (
        [0.7593117952346802, 0.623748242855072, 0.5466155409812927, 0.4961763620376587, 0.4330464005470276,
         0.3568160831928253, 0.29657620191574097, 0.2685455083847046, 0.25146275758743286, 0.23965948820114136,
         0.23088926076889038, 0.22405532002449036, 0.218547984957695, 0.21399685740470886, 0.2101619392633438],
        None),
    ('logistic', 'rmsprop'): (
        [0.7593117952346802, 0.7569133043289185, 0.7544183731079102, 0.7518253326416016, 0.7463399171829224,
         0.7308541536331177, 0.6927367448806763, 0.6478755474090576, 0.600919246673584, 0.5556833744049072,
         0.5143328905105591, 0.4776800870895386, 0.44559741020202637, 0.4174938201904297, 0.3927417993545532],
        None),
    ('logistic', 'rmsprop_momentum_centered'): (
        [0.7593117952346802, 0.7569118142127991, 0.7532171010971069, 0.7487829327583313, 0.7386607527732849,
         0.7090134620666504, 0.6339312791824341, 0.5423615574836731, 0.4500840902328491, 0.3749954104423523,
         0.32120686769485474, 0.28276896476745605, 0.25403711199760437, 0.2318638116121292, 0.21462325751781464],
        None),
    ('logistic', 'sgd_exponential_decay'): (
        [0.7593117952346802, 0.6531280875205994, 0.5778394937515259, 0.5237340927124023, 0.4533355236053467,
         0.37020349502563477, 0.31055229902267456, 0.2858026623725891, 0.27209335565567017, 0.26344358921051025,
         0.25757575035095215, 0.2534103989601135, 0.2503620386123657, 0.24808266758918762, 0.2463514655828476],
        100),
    ('logistic', 'sgd_exponential_decay_staircase'): (
        [0.7593117952346802, 0.6531280875205994, 0.5762758255004883, 0.5202979445457458, 0.4466550350189209,
         0.35846608877182007, 0.30181050300598145, 0.2783287763595581, 0.2653045058250427, 0.2570805847644806,
         0.25149989128112793, 0.24753813445568085, 0.24463891983032227, 0.24247129261493683, 0.2408251315355301],
        100),
    ('mlp', 'sgd'): (
        [1.0090397596359253, 0.9019352197647095, 0.8271836042404175, 0.7715864181518555, 0.692470908164978,
         0.5748858451843262, 0.4616110324859619, 0.41785287857055664, 0.39629870653152466, 0.38078659772872925,
         0.3674549162387848, 0.3554190397262573, 0.3444030284881592, 0.33404773473739624, 0.3236923813819885],
        None),
    ('mlp', 'momentum'): (
        [1.0090397596359253, 0.9859421253204346, 0.9450869560241699, 0.8932164907455444, 0.7818605899810791,
         0.587819516658783, 0.4190659523010254, 0.3918781876564026, 0.3639591932296753, 0.3371104896068573,
         0.31172996759414673, 0.2871319055557251, 0.2604904770851135, 0.2389388084411621, 0.22092470526695251],
        None),
    ('mlp', 'nesterov'): (
        [1.0090397596359253, 0.9658715724945068, 0.9118959903717041, 0.85400390625, 0.7454280853271484,
         0.5672311782836914, 0.4137781262397766, 0.38650020956993103, 0.36049240827560425, 0.33477938175201416,
         0.3109648823738098, 0.2857974171638489, 0.25939270853996277, 0.2383328080177307, 0.22054795920848846],
        None),
    ('mlp', 'adam'): (
        [1.0090397596359253, 0.8806992769241333, 0.7839568853378296, 0.7070642709732056, 0.593467116355896,
         0.4517013430595398, 0.36149489879608154, 0.2973984479904175, 0.2535076141357422, 0.22255513072013855,
         0.19527825713157654, 0.16908761858940125, 0.14566175639629364, 0.12569159269332886, 0.1098683550953865],
        None),
    ('mlp', 'adagrad'): (
        [1.0090397596359253, 0.830826997756958, 0.737639844417572, 0.6758626699447632, 0.5920522212982178,
         0.477691113948822, 0.40551427006721497, 0.37704649567604065, 0.3550330400466919, 0.3361104428768158,
         0.31736400723457336, 0.2936953902244568, 0.27126622200012207, 0.25332292914390564, 0.23762035369873047],
        None),
    ('mlp', 'rmsprop'): (
        [1.0090397596359253, 1.006567120552063, 1.0039821863174438, 1.0012810230255127, 0.9955148100852966,
         0.9787992238998413, 0.9341608285903931, 0.8736317157745361, 0.8001381158828735, 0.7201694250106812,
         0.6394373178482056, 0.5620328783988953, 0.494535356760025, 0.4441249370574951, 0.4095180034637451],
        None),
    ('mlp', 'rmsprop_momentum_centered'): (
        [1.0090397596359253, 1.0065670013427734, 1.0027532577514648, 0.9981702566146851, 0.9876965284347534,
         0.957062304019928, 0.8804637789726257, 0.7873772382736206, 0.6864326596260071, 0.5846238136291504,
         0.4886840283870697, 0.42208510637283325, 0.3844737410545349, 0.34631121158599854, 0.29396554827690125],
        None),
    ('mlp', 'sgd_exponential_decay'): (
        [1.0090397596359253, 0.9019352197647095, 0.8287039399147034, 0.7750229835510254, 0.6999313831329346,
         0.592436671257019, 0.4921332597732544, 0.449229896068573, 0.4285600781440735, 0.4169514775276184,
         0.40954118967056274, 0.4044051468372345, 0.4006648659706116, 0.3978576958179474, 0.3957103192806244],
        100),
    ('mlp', 'sgd_exponential_decay_staircase'): (
        [1.0090397596359253, 0.9019352197647095, 0.8271836042404175, 0.7715864181518555, 0.692470908164978,
         0.5748858451843262, 0.476825475692749, 0.43778422474861145, 0.419505774974823, 0.40905317664146423,
         0.40218672156333923, 0.39731064438819885, 0.39369481801986694, 0.3909449577331543, 0.38882115483283997],
        100),
}


@pytest.mark.parametrize("model,optimizer", sorted(REFERENCE))
def test_loss_curve_matches_tensorflow(model, optimizer):
    want_losses, want_step = REFERENCE[(model, optimizer)]
    losses, step = programs.train(tf, model, optimizer)
    np.testing.assert_allclose(losses, want_losses, rtol=1e-4)
    assert step == want_step
    assert losses[-1] < 0.75 * losses[0]     # it trained


def test_reference_covers_every_model_and_optimizer():
    assert set(REFERENCE) == {(m, o) for m in programs.MODELS for o in programs.OPTIMIZERS}


# ----- optimizers: returned ops, slots, names ------------------------------------------------

def _wb_loss():
    w = tf.Variable([1.0, 2.0], name="w")
    b = tf.Variable(0.5, name="b")
    return w, b, tf.reduce_sum(w * w) + b * b


SLOTS = [  # optimizer, slot names, optimizer.variables(), the first slot of w (TF 2.21 printed these)
    (lambda: tf.train.AdamOptimizer(0.1), "Adam", ["m", "v"],
     ["b/Adam:0", "b/Adam_1:0", "beta1_power:0", "beta2_power:0", "w/Adam:0", "w/Adam_1:0"], "w/Adam:0"),
    (lambda: tf.train.MomentumOptimizer(0.1, 0.9), "Momentum", ["momentum"], ["b/Momentum:0", "w/Momentum:0"],
     "w/Momentum:0"),
    (lambda: tf.train.AdagradOptimizer(0.1), "Adagrad", ["accumulator"], ["b/Adagrad:0", "w/Adagrad:0"],
     "w/Adagrad:0"),
    (lambda: tf.train.RMSPropOptimizer(0.1), "RMSProp", ["momentum", "rms"],
     ["b/RMSProp:0", "b/RMSProp_1:0", "w/RMSProp:0", "w/RMSProp_1:0"], "w/RMSProp_1:0"),
    (lambda: tf.train.GradientDescentOptimizer(0.1), "GradientDescent", [], [], None),
]


@pytest.mark.parametrize("make,op_name,slot_names,variables,first_slot", SLOTS)
def test_slots_and_train_op(make, op_name, slot_names, variables, first_slot):
    w, b, loss = _wb_loss()
    opt = make()
    train = opt.minimize(loss)
    assert (train.name, train.type) == (op_name, "NoOp")
    assert opt.get_slot_names() == slot_names
    assert [v.name for v in opt.variables()] == variables
    if first_slot:
        assert opt.get_slot(w, slot_names[0]).name == first_slot
        assert opt.get_slot(w, slot_names[0]) not in tf.trainable_variables()
    assert tf.get_collection(tf.GraphKeys.TRAIN_OP) == [train]
    assert [v.name for v in tf.trainable_variables()] == ["w:0", "b:0"]


def test_slot_names_with_several_optimizers():
    w, b, loss = _wb_loss()
    for make in (lambda: tf.train.AdamOptimizer(0.1), lambda: tf.train.RMSPropOptimizer(0.1),
                 lambda: tf.train.RMSPropOptimizer(0.1, centered=True)):
        make().minimize(loss)
    assert [v.name for v in tf.global_variables()] == [
        "w:0", "b:0", "beta1_power:0", "beta2_power:0", "w/Adam:0", "w/Adam_1:0", "b/Adam:0", "b/Adam_1:0",
        "w/RMSProp:0", "w/RMSProp_1:0", "b/RMSProp:0", "b/RMSProp_1:0",
        "w/RMSProp_2:0", "w/RMSProp_3:0", "w/RMSProp_4:0", "b/RMSProp_2:0", "b/RMSProp_3:0", "b/RMSProp_4:0"]
    assert [op.name for op in tf.get_collection(tf.GraphKeys.TRAIN_OP)] == ["Adam", "RMSProp", "RMSProp_1"]


def test_update_op_names():
    w, b, loss = _wb_loss()
    tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    tf.train.AdamOptimizer(0.1).minimize(loss)
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert [n for n in names if n.startswith("GradientDescent")] == [
        "GradientDescent/learning_rate", "GradientDescent/update_w/ApplyGradientDescent",
        "GradientDescent/update_b/ApplyGradientDescent", "GradientDescent"]
    assert [n for n in names if n.startswith("Adam/")] == [
        "Adam/learning_rate", "Adam/beta1", "Adam/beta2", "Adam/epsilon", "Adam/update_w/ApplyAdam",
        "Adam/update_b/ApplyAdam", "Adam/mul", "Adam/Assign", "Adam/mul_1", "Adam/Assign_1"]


def test_one_gradient_descent_step():
    """TF1-SEMANTICS 6.2 worked example: v=2, loss=(v-5)^2+sum(w^2), lr 0.1."""
    v = tf.Variable(2.0, name="v")
    w = tf.Variable([1.0, 2.0], name="w")
    loss = tf.square(v - 5.0) + tf.reduce_sum(tf.square(w))
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    assert (train.name, train.type) == ("GradientDescent", "AssignAdd")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(train) is None
        np.testing.assert_allclose(sess.run(v), 2.6, rtol=1e-6)
        np.testing.assert_allclose(sess.run(w), [0.8, 1.6], rtol=1e-6)
        assert sess.run(step) == 1
        sess.run(train)
        np.testing.assert_allclose(sess.run(v), 3.08, rtol=1e-6)


# ----- compute_gradients / apply_gradients / var_list ----------------------------------------

def test_compute_gradients_pairs_in_var_list_order():
    w, b, loss = _wb_loss()
    u = tf.Variable(3.0, name="u")
    opt = tf.train.GradientDescentOptimizer(0.1)
    pairs = opt.compute_gradients(loss)
    assert [(None if g is None else g.name, v.name) for g, v in pairs] == [
        ("gradients/AddN_1:0", "w:0"), ("gradients/AddN:0", "b:0"), (None, "u:0")]
    pairs = opt.compute_gradients(loss, var_list=[b, w])
    assert [(g.name, v.name) for g, v in pairs] == [("gradients_1/AddN:0", "b:0"), ("gradients_1/AddN_1:0", "w:0")]
    train = opt.apply_gradients(pairs)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        got_w, got_b, got_u = sess.run([w, b, u])
    np.testing.assert_allclose(got_w, [0.8, 1.6], rtol=1e-6)
    np.testing.assert_allclose(got_b, 0.4, rtol=1e-6)
    assert got_u == 3.0


def test_var_list_restricts_the_update():
    w, b, loss = _wb_loss()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[b], name="only_b")
    assert (train.name, train.type) == ("only_b", "NoOp")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
        np.testing.assert_allclose(sess.run(b), 0.4, rtol=1e-6)


def test_apply_gradients_with_modified_gradients():
    w, b, loss = _wb_loss()
    opt = tf.train.GradientDescentOptimizer(0.1)
    pairs = [(tf.clip_by_value(g, -1.0, 1.0), v) for g, v in opt.compute_gradients(loss)]
    step = tf.train.get_or_create_global_step()
    train = opt.apply_gradients(pairs, global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), [0.9, 1.9], rtol=1e-6)
        assert sess.run(step) == 1


def test_optimizer_errors():
    w, b, loss = _wb_loss()
    u = tf.Variable(3.0, name="u")
    opt = tf.train.GradientDescentOptimizer(0.1)
    with pytest.raises(ValueError, match="^No variables to optimize.$"):
        opt.compute_gradients(tf.constant(1.0) * 2.0, var_list=[])
    with pytest.raises(ValueError, match=r"^Invalid type tf.int32 for mul_\d+:0, expected: \[tf.float32, tf.float64, "
                                         r"tf.float16, tf.bfloat16\].$"):
        opt.compute_gradients(tf.constant(1) * 2, var_list=[w])
    with pytest.raises(ValueError, match="^No variables provided.$"):
        opt.apply_gradients([])
    with pytest.raises(ValueError, match=r"^No gradients provided for any variable: "
                                         r"\[\"<tf.Variable 'u:0' shape=\(\) dtype=float32_ref>\"\].$"):
        opt.apply_gradients([(None, u)])
    with pytest.raises(ValueError, match=r"^No gradients provided for any variable, check your graph for ops that "
                                         r"do not support gradients, between variables "
                                         r"\[\"<tf.Variable 'w:0' shape=\(2,\) dtype=float32_ref>\"\] and loss "
                                         r"Tensor\(\"add_\d+:0\", shape=\(\), dtype=float32\).$"):
        opt.minimize(u * 0.0 + tf.constant(1.0), var_list=[w])
    with pytest.raises(NotImplementedError, match="Trying to update a Tensor"):
        opt.apply_gradients([(tf.constant(1.0), loss)])


# ----- global step and learning-rate decay --------------------------------------------------

def test_global_step():
    assert tf.train.get_global_step() is None
    step = tf.train.get_or_create_global_step()
    assert step.name == "global_step:0" and step.dtype.base_dtype == tf.int64 and repr(step.dtype) == "tf.int64_ref"
    assert tf.train.get_global_step() is step and tf.train.get_or_create_global_step() is step
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP) == [step]
    assert step in tf.global_variables() and step not in tf.trainable_variables()
    with pytest.raises(ValueError, match='^"global_step" already exists.$'):
        tf.train.create_global_step()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(step)
    assert type(value) is np.int64 and value == 0


def test_exponential_decay():
    step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.1, step, 5, 0.5, staircase=False)
    lrs = tf.train.exponential_decay(0.1, step, 5, 0.5, staircase=True)
    assert (lr.name, lrs.name) == ("ExponentialDecay:0", "ExponentialDecay_1:0") and lr.dtype == tf.float32
    inc = tf.assign_add(step, 3)
    got = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(4):
            got.append(sess.run([lr, lrs]))
            sess.run(inc)
    # TF 2.21 printed, for global steps 0, 3, 6, 9:
    want = [[0.1, 0.1], [0.06597539, 0.1], [0.043527525, 0.05], [0.028717458, 0.05]]
    np.testing.assert_allclose(got, want, rtol=1e-6)


# ----- Saver -----------------------------------------------------------------------------------

def _two_vars(a_value=(1.0, 2.0), b_name="b"):
    a = tf.Variable(list(a_value), name="a")
    b = tf.Variable(3, name=b_name)
    return a, b


def test_save_restore_round_trip_and_latest_checkpoint(tmp_path):
    a, b = _two_vars()
    saver = tf.train.Saver()
    prefix = str(tmp_path / "model")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        p10 = saver.save(sess, prefix, global_step=10)
        sess.run(a.assign([5.0, 6.0]))
        p20 = saver.save(sess, prefix, global_step=tf.constant(20))
        assert (os.path.basename(p10), os.path.basename(p20)) == ("model-10", "model-20")
        assert tf.train.latest_checkpoint(str(tmp_path)) == p20
        saver.restore(sess, p10)
        got_a, got_b = sess.run([a, b])
    np.testing.assert_array_equal(got_a, [1.0, 2.0])
    assert got_b == 3 and type(got_b) is np.int32
    data = tf.train.NewCheckpointReader(p20)       # TF's V2 format, read as plain data (no pickle)
    np.testing.assert_array_equal(data.get_tensor("a"), [5.0, 6.0])
    assert data.get_tensor("b") == 3


def test_restore_into_a_new_graph_and_session(tmp_path):
    a, b = _two_vars()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(a.assign([7.0, 8.0]))
        path = tf.train.Saver().save(sess, str(tmp_path / "ckpt"))
    with tf.Graph().as_default():
        x = tf.Variable([0.0, 0.0], name="x")
        with tf.Session() as sess:                 # restore initializes: no initializer run
            tf.train.Saver({"a": x}).restore(sess, path)
            np.testing.assert_array_equal(sess.run(x), [7.0, 8.0])


def test_latest_checkpoint_of_an_empty_directory(tmp_path):
    assert tf.train.latest_checkpoint(str(tmp_path)) is None


def test_restore_errors_leave_variables_unchanged(tmp_path):
    a, b = _two_vars()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(sess, str(tmp_path / "model"))
        # a missing file: TF raises ValueError; tfsess's error is also a NotFoundError
        with pytest.raises(ValueError, match="The passed save_path is not a valid checkpoint: .*nope"):
            tf.train.Saver().restore(sess, str(tmp_path / "nope"))
    with tf.Graph().as_default():
        a, c = _two_vars(a_value=(9.0, 9.0), b_name="c")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.NotFoundError, match="Key c not found in checkpoint"):
                tf.train.Saver().restore(sess, path)
            np.testing.assert_array_equal(sess.run(a), [9.0, 9.0])     # all or nothing
    with tf.Graph().as_default():
        a, b = _two_vars(a_value=(1.0, 2.0, 3.0))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"Assign requires shapes of both tensors to match. lhs shape= \[3\] "
                                     r"rhs shape= \[2\]"):
                tf.train.Saver().restore(sess, path)
            np.testing.assert_array_equal(sess.run(a), [1.0, 2.0, 3.0])


def test_a_checkpoint_entry_that_is_not_plain_data_is_refused(tmp_path):
    """A checkpoint is data: an entry of an opaque dtype (DT_VARIANT) is refused before anything changes."""
    from tfsess.framework import sstable, tensor_bundle
    a, b = _two_vars()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(sess, str(tmp_path / "model"))
        index = tmp_path / "model.index"
        rows = sstable.read_table(index.read_bytes())
        entry = tensor_bundle.BundleEntry.decode(rows[1][1])
        entry.dtype = 21                                    # DT_VARIANT
        index.write_bytes(sstable.write_table([rows[0], (rows[1][0], entry.encode()), *rows[2:]]))
        with pytest.raises(tf.errors.UnimplementedError, match="dtype enum 21, which tfsess does not read"):
            tf.train.Saver().restore(sess, path)
        np.testing.assert_array_equal(sess.run(a), [1.0, 2.0])
